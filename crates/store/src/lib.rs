//! The store: one implementation of `reissue_core::ports` over SQLite (embedded, the
//! default) and PostgreSQL (for several instances), through sqlx's `Any` driver.
//!
//! One module per port (`accounts`, `calls`, `reset`, `credentials`, `identity`, `tokens`,
//! `staff`, `audit`, `outbox`, `limits`), each implementing its trait; `dialect` holds the few
//! places where SQLite and PostgreSQL differ, `batch` the group commit. Each backend has its own
//! migrations. Rows are decoded by column name. Every write method is one transaction that
//! ends with its audit event, so the state change, the audit event and the outbox messages
//! commit together.

use std::str::FromStr;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use reissue_core::ports::{Health, StoreError};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, AssertSqlSafe, Executor, Row};
use time::OffsetDateTime;

mod accounts;
mod audit;
mod batch;
mod calls;
mod counter;
mod credentials;
mod dialect;
mod helpdesk;
mod identity;
mod keys;
mod limits;
mod outbox;
mod postal;
mod reset;
mod staff;
mod tokens;
mod tx;

pub use dialect::Backend;

/// The SQL store.
#[derive(Debug, Clone)]
pub struct SqlStore {
    /// Reads.
    pool: AnyPool,
    /// Writes. On SQLite a single connection, so that writers queue here instead of meeting
    /// SQLite's busy handler (which sleeps and retries); on PostgreSQL the same pool as reads.
    writer: AnyPool,
    backend: Backend,
    /// Audit appends and request counts that stand alone go through the group-commit task.
    batch: Option<tokio::sync::mpsc::UnboundedSender<batch::Job>>,
    /// Wrong code entries go through a group commit of their own, which locks their accounts:
    /// an account held elsewhere (an import) then delays code entry only, never the per-IP
    /// budget and the audit appends every public request waits for.
    code_batch: Option<tokio::sync::mpsc::UnboundedSender<batch::Job>>,
    /// The key of the audit chain; a store opened without it reads but cannot append events.
    audit_keys: Option<std::sync::Arc<reissue_core::audit::AuditKeys>>,
}

pub(crate) fn db(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Unix milliseconds, the stored form of every time.
pub fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub(crate) fn from_ms(v: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(v) * 1_000_000).map_err(corrupt)
}

impl SqlStore {
    /// Connects to `url` (`sqlite://PATH` or `postgres://...`), creating an SQLite file and
    /// its folder when missing, and applies the migrations. Audit events are chained under
    /// `audit_keys` (see `connect` in `keys.rs` for a store that only reads the log).
    pub async fn connect_keyed(
        url: &str,
        audit_keys: Option<std::sync::Arc<reissue_core::audit::AuditKeys>>,
    ) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite => {
                let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
                let path = path.split('?').next().unwrap_or(path);
                if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| StoreError::Database(format!("cannot create {}: {e}", parent.display())))?;
                }
                if url.contains('?') { url.to_owned() } else { format!("sqlite://{path}?mode=rwc") }
            }
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(db)?;
        let (pool, writer) = match backend {
            Backend::Sqlite => {
                let sqlite = |n: u32| {
                    AnyPoolOptions::new().max_connections(n).acquire_timeout(StdDuration::from_secs(30)).after_connect(
                        |conn, _| {
                            Box::pin(async move {
                                conn.execute(
                                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                     PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                                )
                                .await?;
                                Ok(())
                            })
                        },
                    )
                };
                let writer = sqlite(1).connect_with(options.clone()).await.map_err(db)?;
                let readers = sqlite(8).connect_with(options).await.map_err(db)?;
                (readers, writer)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(StdDuration::from_secs(30))
                    .connect_with(options)
                    .await
                    .map_err(db)?;
                (pool.clone(), pool)
            }
        };
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&writer).await.map_err(|e| StoreError::Database(format!("migrations: {e}")))?;
        let direct = Self { pool, writer, backend, batch: None, code_batch: None, audit_keys };
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(batch::run(direct.clone(), rx));
        let (code_tx, code_rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(batch::run(direct.clone(), code_rx));
        Ok(Self { batch: Some(tx), code_batch: Some(code_tx), ..direct })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Test support: every byte the store holds, as text, to check that no secret is stored.
    pub async fn dump_text(&self) -> Result<String, StoreError> {
        let tables = [
            "accounts",
            "credentials",
            "voice_applications",
            "calls",
            "reset_codes",
            "reset_sessions",
            "api_tokens",
            "staff",
            "staff_sessions",
            "audit_events",
            "outbox",
            "ip_budget",
        ];
        let mut out = String::new();
        for t in tables {
            let rows =
                sqlx::query(AssertSqlSafe(format!("SELECT * FROM {t}"))).fetch_all(&self.pool).await.map_err(db)?;
            for r in rows {
                for i in 0..r.len() {
                    if let Ok(Some(v)) = r.try_get::<Option<String>, _>(i) {
                        out.push_str(&v);
                    } else if let Ok(Some(v)) = r.try_get::<Option<i64>, _>(i) {
                        out.push_str(&v.to_string());
                    } else if let Ok(Some(v)) = r.try_get::<Option<Vec<u8>>, _>(i) {
                        out.push_str(&String::from_utf8_lossy(&v));
                        out.push_str(&hex::encode(&v));
                    }
                    out.push('|');
                }
                out.push('\n');
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl Health for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db)?;
        Ok(())
    }
}
