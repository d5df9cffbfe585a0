//! The store: one implementation of `reissue_core::store::Store` over SQLite (embedded, the
//! default) and PostgreSQL (for several instances), through sqlx's `Any` driver.
//!
//! Each backend has its own migrations. Queries are shared where the dialects agree
//! (`$N` placeholders, `RETURNING`, `ON CONFLICT`); where they differ — how a write
//! transaction starts, row locks, `FOR UPDATE SKIP LOCKED` — the backend picks its statement.
//! Every write method is one transaction that ends with its audit event, so the state change,
//! the audit event and the outbox messages commit together.

use std::str::FromStr;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use reissue_core::account::{
    AccountKind, AccountStatus, Address, ChangedAt, Email, Language, LoginId, PersonName, PhoneNumber, Profile,
    format_date, parse_date,
};
use reissue_core::audit::{AuditDraft, AuditEvent, AuditKeys, GENESIS};
use reissue_core::model::{
    Account, Call, CallState, CodeState, CredentialState, ImportedAccount, OutboxItem, ResetSession, Role, StoredCode,
};
use reissue_core::outbox::OutboxMessage;
use reissue_core::rules::CodeChannel;
use reissue_core::store::{
    Attempt, CompletedReset, CredentialFailure, ImportError, Initialization, IssuedVoiceCode, OpenSession, PinTry,
    ReminderBuilder, Store, StoreError, VoiceApplication, VoiceApplicationOutcome, WrongPin,
};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, AssertSqlSafe, Executor, Row, Transaction};

mod batch;
mod keys;
use time::OffsetDateTime;

/// The key of a row whose account is looked up.
#[derive(Debug, Clone, Copy)]
enum Key<'a> {
    Id(i64),
    Text(&'a str),
}

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

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
    /// The key of the audit chain; a store opened without it reads but cannot append events.
    audit_keys: Option<std::sync::Arc<AuditKeys>>,
}

fn db(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Unix milliseconds, the stored form of every time.
pub fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

fn from_ms(v: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(v) * 1_000_000).map_err(corrupt)
}

const ACCOUNT_COLUMNS: &str = "id, login_id, kind, status, organization_name, family_name, given_name, birth_date, \
     email, phone, language, address, changed_at, code_failures";

const CALL_COLUMNS: &str =
    "c.id, c.account_id, a.login_id, c.state, c.pin_tries, c.provider_sid, c.sealed_code, c.created_at";

impl SqlStore {
    /// Connects to `url` (`sqlite://PATH` or `postgres://...`), creating an SQLite file and
    /// its folder when missing, and applies the migrations. Audit events are chained under
    /// `audit_keys` (see `connect` in `keys.rs` for a store that only reads the log).
    pub async fn connect_keyed(url: &str, audit_keys: Option<std::sync::Arc<AuditKeys>>) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Database(format!(
                "database.url must start with sqlite:// or postgres:// (got {:?})",
                url.split(':').next().unwrap_or("")
            )));
        };
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
        let direct = Self { pool, writer, backend, batch: None, audit_keys };
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(batch::run(direct.clone(), rx));
        Ok(Self { batch: Some(tx), ..direct })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction. SQLite takes its write lock at the start (`BEGIN
    /// IMMEDIATE`), so a transaction never fails half-way on a lock upgrade.
    async fn begin(&self) -> Result<Transaction<'static, Any>, StoreError> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(db),
            Backend::Postgres => self.writer.begin().await.map_err(db),
        }
    }

    /// Serializes writers of one account (PostgreSQL row lock; SQLite holds the database lock).
    async fn lock_account(&self, tx: &mut Transaction<'static, Any>, account_id: i64) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE")
                .bind(account_id)
                .execute(&mut **tx)
                .await
                .map_err(db)?;
        }
        Ok(())
    }

    /// The account a row belongs to, read inside the transaction so that it can be locked
    /// first: every write transaction that touches an account's rows locks the account row
    /// before any other, so PostgreSQL never sees two of them wait on each other.
    async fn account_of(
        &self,
        tx: &mut Transaction<'static, Any>,
        sql: &'static str,
        key: Key<'_>,
    ) -> Result<Option<i64>, StoreError> {
        let q = sqlx::query(sql);
        let q = match key {
            Key::Id(id) => q.bind(id),
            Key::Text(t) => q.bind(t.to_owned()),
        };
        let r = q.fetch_optional(&mut **tx).await.map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let account_id: i64 = r.try_get(0).map_err(db)?;
        self.lock_account(tx, account_id).await?;
        Ok(Some(account_id))
    }

    /// Appends an audit event as the last write of a transaction.
    async fn audit(
        &self,
        tx: &mut Transaction<'static, Any>,
        now: OffsetDateTime,
        draft: &AuditDraft,
    ) -> Result<(), StoreError> {
        self.audit_many(tx, &[(now, draft)]).await
    }

    /// Appends audit events in order, chained to the current head. On PostgreSQL an advisory
    /// lock orders the chain across instances; it is held only until the commit that follows.
    async fn audit_many(
        &self,
        tx: &mut Transaction<'static, Any>,
        events: &[(OffsetDateTime, &AuditDraft)],
    ) -> Result<(), StoreError> {
        let keys = self.audit_keys.as_deref().ok_or_else(keys::no_audit_key)?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(7261001)").execute(&mut **tx).await.map_err(db)?;
        }
        let last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await
            .map_err(db)?;
        let (mut seq, mut prev) = match last {
            Some(r) => (r.try_get::<i64, _>(0).map_err(db)?, r.try_get::<String, _>(1).map_err(db)?),
            None => (0, GENESIS.to_owned()),
        };
        let mut rows = Vec::with_capacity(events.len());
        for (now, draft) in events {
            seq += 1;
            let at = from_ms(ms(*now))?;
            let hash = keys.event_hash(seq, at, draft, &prev);
            rows.push((seq, ms(at), *draft, std::mem::replace(&mut prev, hash.clone()), hash));
        }
        for chunk in rows.chunks(40) {
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let cells: Vec<String> = (1..=10).map(|c| format!("${}", r * 10 + c)).collect();
                    format!("({})", cells.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO audit_events (seq, at, actor, action, login_id, outcome, client_ip, detail, prev_hash, hash) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (seq, at, draft, prev, hash) in chunk {
                q = q
                    .bind(*seq)
                    .bind(*at)
                    .bind(draft.actor.clone())
                    .bind(draft.action.clone())
                    .bind(draft.login_id.clone())
                    .bind(draft.outcome.clone())
                    .bind(draft.client_ip.clone())
                    .bind(draft.detail.to_string())
                    .bind(prev.clone())
                    .bind(hash.clone());
            }
            q.execute(&mut **tx).await.map_err(db)?;
        }
        Ok(())
    }

    /// Ends a write transaction: its outbox messages, then its audit event, then the commit.
    async fn finish(
        &self,
        mut tx: Transaction<'static, Any>,
        now: OffsetDateTime,
        messages: &[OutboxMessage],
        audit: &AuditDraft,
    ) -> Result<(), StoreError> {
        for m in messages {
            self.enqueue(&mut tx, now, m).await?;
        }
        self.audit(&mut tx, now, audit).await?;
        tx.commit().await.map_err(db)
    }

    async fn enqueue(
        &self,
        tx: &mut Transaction<'static, Any>,
        now: OffsetDateTime,
        m: &OutboxMessage,
    ) -> Result<(), StoreError> {
        let payload = serde_json::to_string(m).map_err(corrupt)?;
        sqlx::query(
            "INSERT INTO outbox (idempotency_key, kind, payload, state, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, 'pending', 0, $4, $4) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(&m.idempotency_key)
        .bind(m.body.kind())
        .bind(payload)
        .bind(ms(now))
        .execute(&mut **tx)
        .await
        .map_err(db)?;
        Ok(())
    }

    fn account_from_row(r: &AnyRow) -> Result<(i64, Profile, i64), StoreError> {
        let s = |i: usize| r.try_get::<String, _>(i).map_err(db);
        let o = |i: usize| r.try_get::<Option<String>, _>(i).map_err(db);
        let id: i64 = r.try_get(0).map_err(db)?;
        let login_id = LoginId::parse(&s(1)?).map_err(corrupt)?;
        let kind = AccountKind::parse(&s(2)?).map_err(corrupt)?;
        let status = match s(3)?.as_str() {
            "active" => AccountStatus::Active,
            "suspended" => AccountStatus::Suspended,
            other => return Err(corrupt(format!("account status {other:?}"))),
        };
        let name = PersonName::new(&s(5)?, &s(6)?).map_err(corrupt)?;
        let birth_date = o(7)?.map(|d| parse_date("birth_date", &d)).transpose().map_err(corrupt)?;
        let email = o(8)?.map(|e| Email::parse(&e)).transpose().map_err(corrupt)?;
        let phone = o(9)?.map(|p| PhoneNumber::parse_e164(&p)).transpose().map_err(corrupt)?;
        let language = Language::parse(&s(10)?).map_err(corrupt)?;
        let address: Option<Address> = o(11)?.map(|a| serde_json::from_str(&a)).transpose().map_err(corrupt)?;
        let changed_at: ChangedAt = serde_json::from_str(&s(12)?).map_err(corrupt)?;
        let code_failures: i64 = r.try_get(13).map_err(db)?;
        let profile = Profile {
            login_id,
            kind,
            status,
            organization_name: o(4)?,
            name,
            birth_date,
            email,
            phone,
            language,
            address,
            changed_at,
        };
        Ok((id, profile, code_failures))
    }

    fn call_from_row(r: &AnyRow) -> Result<Call, StoreError> {
        let state: String = r.try_get(3).map_err(db)?;
        Ok(Call {
            id: r.try_get(0).map_err(db)?,
            account_id: r.try_get(1).map_err(db)?,
            login_id: r.try_get(2).map_err(db)?,
            state: CallState::parse(&state).ok_or_else(|| corrupt(format!("call state {state:?}")))?,
            pin_tries: u32::try_from(r.try_get::<i64, _>(4).map_err(db)?).map_err(corrupt)?,
            provider_sid: r.try_get(5).map_err(db)?,
            sealed_code: r.try_get(6).map_err(db)?,
            created_at: from_ms(r.try_get(7).map_err(db)?)?,
        })
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
impl Store for SqlStore {
    async fn import_accounts(
        &self,
        accounts: Vec<ImportedAccount>,
        update: bool,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<usize, ImportError> {
        let mut tx = self.begin().await?;
        let mut existing = std::collections::HashSet::new();
        for chunk in accounts.chunks(500) {
            let ph: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT login_id FROM accounts WHERE login_id IN ({})", ph.join(", "));
            let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
            for a in chunk {
                q = q.bind(a.profile.login_id.as_str());
            }
            for r in q.fetch_all(&mut *tx).await.map_err(db)? {
                existing.insert(r.try_get::<String, _>(0).map_err(db)?);
            }
        }
        if !update && !existing.is_empty() {
            let mut clashes: Vec<(usize, String)> = accounts
                .iter()
                .filter(|a| existing.contains(a.profile.login_id.as_str()))
                .map(|a| (a.line, a.profile.login_id.to_string()))
                .collect();
            clashes.sort();
            return Err(ImportError::Existing(clashes));
        }
        let t = ms(now);
        let profile_values = |p: &Profile| -> Result<Vec<Option<String>>, StoreError> {
            Ok(vec![
                Some(p.login_id.to_string()),
                Some(p.kind.as_str().to_owned()),
                Some(match p.status {
                    AccountStatus::Active => "active".to_owned(),
                    AccountStatus::Suspended => "suspended".to_owned(),
                }),
                p.organization_name.clone(),
                Some(p.name.family().to_owned()),
                Some(p.name.given().to_owned()),
                p.birth_date.map(format_date),
                p.email.as_ref().map(|e| e.as_str().to_owned()),
                p.phone.as_ref().map(|e| e.as_str().to_owned()),
                Some(p.language.as_str().to_owned()),
                p.address.as_ref().map(serde_json::to_string).transpose().map_err(corrupt)?,
                Some(serde_json::to_string(&p.changed_at).map_err(corrupt)?),
            ])
        };
        let mut ids = std::collections::HashMap::new();
        let (fresh, known): (Vec<&ImportedAccount>, Vec<&ImportedAccount>) =
            accounts.iter().partition(|a| !existing.contains(a.profile.login_id.as_str()));
        for chunk in fresh.chunks(200) {
            let sql = format!(
                "INSERT INTO accounts (login_id, kind, status, organization_name, family_name, given_name, birth_date, \
                 email, phone, language, address, changed_at, code_failures, created_at, updated_at) VALUES {} \
                 RETURNING id, login_id",
                (0..chunk.len())
                    .map(|r| {
                        let b = r * 13;
                        let cells: Vec<String> = (1..=12).map(|c| format!("${}", b + c)).collect();
                        format!("({}, 0, ${t}, ${t})", cells.join(", "), t = b + 13)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
            for a in chunk {
                for v in profile_values(&a.profile)? {
                    q = q.bind(v);
                }
                q = q.bind(t);
            }
            for r in q.fetch_all(&mut *tx).await.map_err(db)? {
                ids.insert(r.try_get::<String, _>(1).map_err(db)?, r.try_get::<i64, _>(0).map_err(db)?);
            }
        }
        for a in &known {
            let v = profile_values(&a.profile)?;
            let r = sqlx::query(
                "UPDATE accounts SET kind = $2, status = $3, organization_name = $4, family_name = $5, given_name = $6, \
                 birth_date = $7, email = $8, phone = $9, language = $10, address = $11, changed_at = $12, updated_at = $13 \
                 WHERE login_id = $1 RETURNING id",
            )
            .bind(v[0].clone())
            .bind(v[1].clone())
            .bind(v[2].clone())
            .bind(v[3].clone())
            .bind(v[4].clone())
            .bind(v[5].clone())
            .bind(v[6].clone())
            .bind(v[7].clone())
            .bind(v[8].clone())
            .bind(v[9].clone())
            .bind(v[10].clone())
            .bind(v[11].clone())
            .bind(t)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
            ids.insert(a.profile.login_id.to_string(), r.try_get::<i64, _>(0).map_err(db)?);
        }
        let creds: Vec<(i64, &str, &str)> = accounts
            .iter()
            .flat_map(|a| {
                let id = ids.get(a.profile.login_id.as_str()).copied().unwrap_or_default();
                a.credentials.iter().map(move |(n, h)| (id, n.as_str(), h.as_str()))
            })
            .collect();
        for chunk in creds.chunks(500) {
            let sql = format!(
                "INSERT INTO credentials (account_id, name, hash, failures, locked, must_change, changed_at) VALUES {} \
                 ON CONFLICT (account_id, name) DO UPDATE SET hash = excluded.hash, failures = 0, locked = 0, \
                 must_change = 0, changed_at = excluded.changed_at",
                (0..chunk.len())
                    .map(|r| {
                        let b = r * 4;
                        format!("(${}, ${}, ${}, 0, 0, 0, ${})", b + 1, b + 2, b + 3, b + 4)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
            for (id, name, hash) in chunk {
                q = q.bind(*id).bind(*name).bind(*hash).bind(t);
            }
            q.execute(&mut *tx).await.map_err(db)?;
        }
        let n = accounts.len();
        let draft = audit.detail(serde_json::json!({ "accounts": n, "created": fresh.len(), "updated": known.len() }));
        self.audit(&mut tx, now, &draft).await?;
        tx.commit().await.map_err(db)?;
        Ok(n)
    }

    async fn account(&self, login_id: &LoginId) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login_id = $1")))
            .bind(login_id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        let (id, profile, code_failures) = Self::account_from_row(&row)?;
        let creds = sqlx::query(
            "SELECT name, hash, failures, locked, must_change, hash_expires_at, temp_hash, temp_expires_at \
             FROM credentials WHERE account_id = $1 ORDER BY name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let credentials = creds
            .iter()
            .map(|r| {
                Ok(CredentialState {
                    name: r.try_get(0).map_err(db)?,
                    hash: r.try_get(1).map_err(db)?,
                    failures: u32::try_from(r.try_get::<i64, _>(2).map_err(db)?).map_err(corrupt)?,
                    locked: r.try_get::<i64, _>(3).map_err(db)? != 0,
                    must_change: r.try_get::<i64, _>(4).map_err(db)? != 0,
                    hash_expires_at: r.try_get::<Option<i64>, _>(5).map_err(db)?.map(from_ms).transpose()?,
                    temporary: match (
                        r.try_get::<Option<String>, _>(6).map_err(db)?,
                        r.try_get::<Option<i64>, _>(7).map_err(db)?,
                    ) {
                        (Some(h), Some(t)) => Some((h, from_ms(t)?)),
                        _ => None,
                    },
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(Account { id, profile, credentials, code_failures: u32::try_from(code_failures).map_err(corrupt)? }))
    }

    async fn login_id_of(&self, account_id: i64) -> Result<Option<LoginId>, StoreError> {
        let r = sqlx::query("SELECT login_id FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        r.map(|r| LoginId::parse(&r.try_get::<String, _>(0).map_err(db)?).map_err(corrupt)).transpose()
    }

    async fn accounts_by_email(&self, email: &Email) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query("SELECT login_id FROM accounts WHERE lower(email) = lower($1) ORDER BY login_id")
            .bind(email.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let mut out = Vec::new();
        for r in rows {
            let login = LoginId::parse(&r.try_get::<String, _>(0).map_err(db)?).map_err(corrupt)?;
            if let Some(a) = self.account(&login).await? {
                out.push(a);
            }
        }
        Ok(out)
    }

    async fn record_initialization(
        &self,
        init: Initialization,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        self.lock_account(&mut tx, init.account_id).await?;
        let count: i64 = sqlx::query(
            "SELECT COUNT(*) FROM identity_requests WHERE account_id = $1 AND kind = 'initialization' AND created_at >= $2",
        )
        .bind(init.account_id)
        .bind(ms(init.window_start))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get(0)
        .map_err(db)?;
        if count >= i64::from(init.max_per_window) {
            self.finish(tx, now, &[], &audit.outcome("limited")).await?;
            return Ok(false);
        }
        sqlx::query("INSERT INTO identity_requests (account_id, kind, created_at) VALUES ($1, 'initialization', $2)")
            .bind(init.account_id)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query("UPDATE credentials SET temp_hash = $3, temp_expires_at = $4 WHERE account_id = $1 AND name = $2")
            .bind(init.account_id)
            .bind(&init.credential)
            .bind(init.temp_hash)
            .bind(ms(init.expires_at))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        self.finish(tx, now, std::slice::from_ref(&init.message), &audit).await?;
        Ok(true)
    }

    async fn record_reminder(
        &self,
        accounts: Vec<(i64, String)>,
        window_start: OffsetDateTime,
        max_per_window: u32,
        build: ReminderBuilder,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin().await?;
        let mut allowed = Vec::new();
        let mut sorted = accounts;
        sorted.sort();
        for (account_id, login) in sorted {
            self.lock_account(&mut tx, account_id).await?;
            let count: i64 = sqlx::query(
                "SELECT COUNT(*) FROM identity_requests WHERE account_id = $1 AND kind = 'reminder' AND created_at >= $2",
            )
            .bind(account_id)
            .bind(ms(window_start))
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?
            .try_get(0)
            .map_err(db)?;
            if count < i64::from(max_per_window) {
                sqlx::query("INSERT INTO identity_requests (account_id, kind, created_at) VALUES ($1, 'reminder', $2)")
                    .bind(account_id)
                    .bind(ms(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                allowed.push(login);
            }
        }
        let message = build(&allowed);
        let outcome = if message.is_some() { "sent" } else { "limited" };
        let audit = audit.outcome(outcome).detail(serde_json::json!({ "reminded": allowed.len() }));
        self.finish(tx, now, message.as_slice(), &audit).await?;
        Ok(if message.is_some() { allowed } else { Vec::new() })
    }

    async fn promote_temporary(
        &self,
        account_id: i64,
        credential: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        self.lock_account(&mut tx, account_id).await?;
        let r = sqlx::query(
            "UPDATE credentials SET hash = temp_hash, hash_expires_at = temp_expires_at, must_change = 1, \
             temp_hash = NULL, temp_expires_at = NULL, failures = 0 \
             WHERE account_id = $1 AND name = $2 AND locked = 0 AND temp_hash IS NOT NULL AND temp_expires_at > $3 \
             RETURNING failures",
        )
        .bind(account_id)
        .bind(credential)
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if r.is_none() {
            return Ok(false);
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn append_audit(&self, now: OffsetDateTime, audit: AuditDraft) -> Result<(), StoreError> {
        if let Some(b) = &self.batch {
            return batch::submit_audit(b, now, audit).await;
        }
        let mut tx = self.begin().await?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)
    }

    async fn record_voice_application(
        &self,
        app: VoiceApplication,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<VoiceApplicationOutcome, StoreError> {
        let mut tx = self.begin().await?;
        self.lock_account(&mut tx, app.account_id).await?;
        let count: i64 =
            sqlx::query("SELECT COUNT(*) FROM voice_applications WHERE account_id = $1 AND created_at >= $2")
                .bind(app.account_id)
                .bind(ms(app.window_start))
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?
                .try_get(0)
                .map_err(db)?;
        if count >= i64::from(app.max_per_window) {
            self.audit(&mut tx, now, &audit.outcome("limited")).await?;
            tx.commit().await.map_err(db)?;
            return Ok(VoiceApplicationOutcome::Limited);
        }
        let live =
            sqlx::query("SELECT id FROM calls WHERE account_id = $1 AND state <> 'ended' AND updated_at >= $2 LIMIT 1")
                .bind(app.account_id)
                .bind(ms(app.live_call_cutoff))
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        let outcome = if !app.eligible {
            VoiceApplicationOutcome::Ineligible
        } else if live.is_some() {
            VoiceApplicationOutcome::CallAlreadyInProgress
        } else {
            VoiceApplicationOutcome::CallQueued
        };
        let call_id = (outcome == VoiceApplicationOutcome::CallQueued).then_some(app.call_id.as_str());
        sqlx::query(
            "INSERT INTO voice_applications (account_id, eligible, call_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(app.account_id)
        .bind(i64::from(app.eligible))
        .bind(call_id)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let audit = match outcome {
            VoiceApplicationOutcome::CallQueued => {
                sqlx::query(
                    "INSERT INTO calls (id, account_id, state, pin_tries, created_at, updated_at) VALUES ($1, $2, 'pending', 0, $3, $3)",
                )
                .bind(&app.call_id)
                .bind(app.account_id)
                .bind(ms(now))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                self.enqueue(&mut tx, now, &app.message).await?;
                audit.outcome("call_queued")
            }
            VoiceApplicationOutcome::CallAlreadyInProgress => audit.outcome("call_in_progress"),
            _ => audit,
        };
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn call(&self, call_id: &str) -> Result<Option<Call>, StoreError> {
        let r = sqlx::query(AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS} FROM calls c JOIN accounts a ON a.id = c.account_id WHERE c.id = $1"
        )))
        .bind(call_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        r.as_ref().map(Self::call_from_row).transpose()
    }

    async fn note_call_attempt(
        &self,
        call_id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<(Call, Option<OffsetDateTime>)>, StoreError> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS}, c.place_attempted_at FROM calls c JOIN accounts a ON a.id = c.account_id WHERE c.id = $1"
        )))
        .bind(call_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let call = Self::call_from_row(&r)?;
        let previous = r.try_get::<Option<i64>, _>(8).map_err(db)?.map(from_ms).transpose()?;
        sqlx::query("UPDATE calls SET place_attempted_at = $2 WHERE id = $1")
            .bind(call_id)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Some((call, previous)))
    }

    async fn mark_call_placed(&self, call_id: &str, provider_sid: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE calls SET provider_sid = $2, state = CASE WHEN state = 'pending' THEN 'placed' ELSE state END, \
             updated_at = $3 WHERE id = $1",
        )
        .bind(call_id)
        .bind(provider_sid)
        .bind(ms(now))
        .execute(&self.writer)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn record_call_status(
        &self,
        call_id: &str,
        status: &str,
        terminal: bool,
        now: OffsetDateTime,
        audit: Option<AuditDraft>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let sql = if terminal {
            "UPDATE calls SET last_status = $2, updated_at = $3, state = 'ended', sealed_code = NULL WHERE id = $1"
        } else {
            "UPDATE calls SET last_status = $2, updated_at = $3, \
             state = CASE WHEN state IN ('pending', 'placed') THEN 'in_progress' ELSE state END WHERE id = $1"
        };
        sqlx::query(sql).bind(call_id).bind(status).bind(ms(now)).execute(&mut *tx).await.map_err(db)?;
        if let Some(a) = audit {
            self.audit(&mut tx, now, &a).await?;
        }
        tx.commit().await.map_err(db)
    }

    async fn reserve_pin_try(
        &self,
        call_id: &str,
        credential: &str,
        max_failures: u32,
        max_tries: u32,
        now: OffsetDateTime,
    ) -> Result<PinTry, StoreError> {
        let mut tx = self.begin().await?;
        let Some(account_id) =
            self.account_of(&mut tx, "SELECT account_id FROM calls WHERE id = $1", Key::Text(call_id)).await?
        else {
            return Ok(PinTry::CallOver);
        };
        let call = sqlx::query(
            "UPDATE calls SET pin_tries = pin_tries + 1, updated_at = $2 \
             WHERE id = $1 AND state IN ('placed', 'in_progress') AND pin_tries < $3 RETURNING pin_tries",
        )
        .bind(call_id)
        .bind(ms(now))
        .bind(i64::from(max_tries))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if call.is_none() {
            return Ok(PinTry::CallOver);
        }
        let cred = sqlx::query(
            "UPDATE credentials SET failures = failures + 1 \
             WHERE account_id = $1 AND name = $2 AND locked = 0 AND failures < $3 RETURNING failures",
        )
        .bind(account_id)
        .bind(credential)
        .bind(i64::from(max_failures))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if cred.is_none() {
            // Dropping the transaction takes the call's try back: nothing was checked.
            return Ok(PinTry::Locked);
        }
        tx.commit().await.map_err(db)?;
        Ok(PinTry::Allowed)
    }

    async fn record_wrong_pin(
        &self,
        call_id: &str,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<WrongPin, StoreError> {
        let mut tx = self.begin().await?;
        let account_id = self
            .account_of(&mut tx, "SELECT account_id FROM calls WHERE id = $1", Key::Text(call_id))
            .await?
            .ok_or_else(|| corrupt(format!("call {call_id} vanished")))?;
        let tries: i64 = sqlx::query("SELECT pin_tries FROM calls WHERE id = $1")
            .bind(call_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?
            .try_get(0)
            .map_err(db)?;
        let locked = sqlx::query(
            "UPDATE credentials SET locked = CASE WHEN failures >= $3 THEN 1 ELSE locked END \
             WHERE account_id = $1 AND name = $2 RETURNING locked",
        )
        .bind(account_id)
        .bind(credential)
        .bind(i64::from(max_failures))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .map(|r| r.try_get::<i64, _>(0).map(|v| v != 0))
        .transpose()
        .map_err(db)?
        .unwrap_or(false);
        let audit =
            audit.detail(serde_json::json!({ "credential": credential, "locked": locked, "call_tries": tries }));
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(WrongPin { tries_used_in_call: u32::try_from(tries).map_err(corrupt)?, credential_locked: locked })
    }

    async fn issue_voice_code(
        &self,
        issued: IssuedVoiceCode,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        self.lock_account(&mut tx, issued.code.account_id).await?;
        let live = sqlx::query(
            "UPDATE calls SET state = 'code_issued', sealed_code = $2, updated_at = $3 \
             WHERE id = $1 AND state IN ('placed', 'in_progress') RETURNING id",
        )
        .bind(&issued.call_id)
        .bind(issued.sealed_code.clone())
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if live.is_none() {
            return Ok(false);
        }
        let unlocked = sqlx::query(
            "UPDATE credentials SET failures = 0 WHERE account_id = $1 AND name = $2 AND locked = 0 RETURNING failures",
        )
        .bind(issued.code.account_id)
        .bind(&issued.gate_credential)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if unlocked.is_none() {
            return Ok(false);
        }
        let c = &issued.code;
        sqlx::query("UPDATE reset_codes SET state = 'void' WHERE account_id = $1 AND state = 'active'")
            .bind(c.account_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query("UPDATE reset_sessions SET state = 'ended' WHERE account_id = $1 AND state = 'open'")
            .bind(c.account_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query(
            "INSERT INTO reset_codes (account_id, channel, salt, mac, issued_at, expires_at, failures, state) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, 'active')",
        )
        .bind(c.account_id)
        .bind(c.channel.as_str())
        .bind(c.salt.clone())
        .bind(c.mac.clone())
        .bind(ms(c.issued_at))
        .bind(ms(c.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        self.finish(tx, now, &issued.messages, &audit).await?;
        Ok(true)
    }

    async fn code_entry(
        &self,
        login_id: &LoginId,
        channel: CodeChannel,
    ) -> Result<Option<(i64, u32, Option<StoredCode>)>, StoreError> {
        let r = sqlx::query(
            "SELECT a.id, a.code_failures, c.id, c.salt, c.mac, c.issued_at, c.expires_at, c.failures, c.state \
             FROM accounts a LEFT JOIN reset_codes c ON c.account_id = a.id AND c.channel = $2 AND c.state = 'active' \
             WHERE a.login_id = $1 ORDER BY c.id DESC LIMIT 1",
        )
        .bind(login_id.as_str())
        .bind(channel.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let account_id: i64 = r.try_get(0).map_err(db)?;
        let account_failures = u32::try_from(r.try_get::<i64, _>(1).map_err(db)?).map_err(corrupt)?;
        let code = match r.try_get::<Option<i64>, _>(2).map_err(db)? {
            None => None,
            Some(id) => {
                let state: String = r.try_get(8).map_err(db)?;
                Some(StoredCode {
                    id,
                    account_id,
                    channel,
                    salt: r.try_get(3).map_err(db)?,
                    mac: r.try_get(4).map_err(db)?,
                    issued_at: from_ms(r.try_get(5).map_err(db)?)?,
                    expires_at: from_ms(r.try_get(6).map_err(db)?)?,
                    failures: u32::try_from(r.try_get::<i64, _>(7).map_err(db)?).map_err(corrupt)?,
                    state: CodeState::parse(&state).ok_or_else(|| corrupt(format!("code state {state:?}")))?,
                })
            }
        };
        Ok(Some((account_id, account_failures, code)))
    }

    async fn record_wrong_code(
        &self,
        code_id: i64,
        account_id: i64,
        max: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        self.lock_account(&mut tx, account_id).await?;
        // The condition makes concurrent wrong entries count exactly up to `max`: each one
        // re-reads the row under its lock, and the last one turns the code dead.
        let r = sqlx::query(
            "UPDATE reset_codes SET failures = failures + 1, \
             state = CASE WHEN failures + 1 >= $2 THEN 'dead' ELSE state END \
             WHERE id = $1 AND state = 'active' AND failures < $2 RETURNING failures",
        )
        .bind(code_id)
        .bind(i64::from(max))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let audit = match r {
            Some(r) => {
                let failures: i64 = r.try_get(0).map_err(db)?;
                sqlx::query("UPDATE accounts SET code_failures = code_failures + 1 WHERE id = $1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                let killed = failures >= i64::from(max);
                if killed {
                    sqlx::query("UPDATE reset_sessions SET state = 'ended' WHERE code_id = $1 AND state = 'open'")
                        .bind(code_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                }
                audit
                    .outcome(if killed { "code_killed" } else { "wrong_code" })
                    .detail(serde_json::json!({ "failures": failures }))
            }
            None => audit.outcome("code_not_active"),
        };
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)
    }

    async fn open_reset_session(
        &self,
        open: OpenSession,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let OpenSession { code_id, token_mac, max_failures, account_max_failures, expires_at } = open;
        let mut tx = self.begin().await?;
        if self
            .account_of(&mut tx, "SELECT account_id FROM reset_codes WHERE id = $1", Key::Id(code_id))
            .await?
            .is_none()
        {
            return Ok(false);
        }
        let r = sqlx::query(
            "UPDATE reset_codes SET state = state WHERE id = $1 AND state = 'active' AND failures < $2 AND expires_at > $3 \
             AND (SELECT code_failures FROM accounts WHERE accounts.id = reset_codes.account_id) < $4 \
             RETURNING account_id",
        )
        .bind(code_id)
        .bind(i64::from(max_failures))
        .bind(ms(now))
        .bind(i64::from(account_max_failures))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(false) };
        let account_id: i64 = r.try_get(0).map_err(db)?;
        sqlx::query("UPDATE reset_sessions SET state = 'ended' WHERE code_id = $1 AND state = 'open'")
            .bind(code_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query(
            "INSERT INTO reset_sessions (account_id, code_id, token_mac, state, expires_at, created_at) \
             VALUES ($1, $2, $3, 'open', $4, $5)",
        )
        .bind(account_id)
        .bind(code_id)
        .bind(token_mac)
        .bind(ms(expires_at))
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn reset_session(&self, token_mac: &[u8]) -> Result<Option<ResetSession>, StoreError> {
        let r =
            sqlx::query("SELECT id, account_id, code_id, expires_at, state FROM reset_sessions WHERE token_mac = $1")
                .bind(token_mac.to_vec())
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        Ok(Some(ResetSession {
            id: r.try_get(0).map_err(db)?,
            account_id: r.try_get(1).map_err(db)?,
            code_id: r.try_get(2).map_err(db)?,
            expires_at: from_ms(r.try_get(3).map_err(db)?)?,
            open: r.try_get::<String, _>(4).map_err(db)? == "open",
        }))
    }

    async fn complete_reset(
        &self,
        reset: CompletedReset,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(
            "UPDATE reset_sessions SET state = 'spent' WHERE id = $1 AND state = 'open' AND expires_at > $2 \
             RETURNING account_id, code_id",
        )
        .bind(reset.session_id)
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(false) };
        let account_id: i64 = r.try_get(0).map_err(db)?;
        let code_id: i64 = r.try_get(1).map_err(db)?;
        let spent =
            sqlx::query("UPDATE reset_codes SET state = 'spent' WHERE id = $1 AND state = 'active' RETURNING id")
                .bind(code_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        if spent.is_none() {
            return Ok(false);
        }
        for (name, hash) in &reset.changes {
            sqlx::query(
                "UPDATE credentials SET hash = $3, failures = 0, locked = 0, must_change = 0, changed_at = $4, \
                 hash_expires_at = NULL, temp_hash = NULL, temp_expires_at = NULL WHERE account_id = $1 AND name = $2",
            )
            .bind(account_id)
            .bind(name)
            .bind(hash)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        sqlx::query("UPDATE accounts SET code_failures = 0, updated_at = $2 WHERE id = $1")
            .bind(account_id)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        self.finish(tx, now, &reset.messages, &audit).await?;
        Ok(true)
    }

    async fn reserve_credential_attempt(
        &self,
        account_id: i64,
        credential: &str,
        max_failures: u32,
    ) -> Result<Attempt, StoreError> {
        let r = sqlx::query(
            "UPDATE credentials SET failures = failures + 1 \
             WHERE account_id = $1 AND name = $2 AND locked = 0 AND failures < $3 RETURNING failures",
        )
        .bind(account_id)
        .bind(credential)
        .bind(i64::from(max_failures))
        .fetch_optional(&self.writer)
        .await
        .map_err(db)?;
        if r.is_some() {
            return Ok(Attempt::Reserved);
        }
        let locked = sqlx::query("SELECT locked FROM credentials WHERE account_id = $1 AND name = $2")
            .bind(account_id)
            .bind(credential)
            .fetch_optional(&self.writer)
            .await
            .map_err(db)?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()
            .map_err(db)?;
        Ok(if locked == Some(0) { Attempt::Busy } else { Attempt::Locked })
    }

    async fn record_credential_failure(
        &self,
        account_id: i64,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<CredentialFailure, StoreError> {
        let mut tx = self.begin().await?;
        self.lock_account(&mut tx, account_id).await?;
        let r = sqlx::query(
            "UPDATE credentials SET locked = CASE WHEN failures >= $3 THEN 1 ELSE locked END \
             WHERE account_id = $1 AND name = $2 RETURNING locked",
        )
        .bind(account_id)
        .bind(credential)
        .bind(i64::from(max_failures))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let locked = match r {
            Some(r) => r.try_get::<i64, _>(0).map_err(db)? != 0,
            None => true,
        };
        let audit = if locked { audit.outcome("locked") } else { audit };
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(CredentialFailure { locked })
    }

    async fn record_credential_success(
        &self,
        account_id: i64,
        credential: &str,
        rehash: Option<String>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        self.lock_account(&mut tx, account_id).await?;
        let r = sqlx::query(
            "UPDATE credentials SET failures = 0, hash = COALESCE($3, hash) \
             WHERE account_id = $1 AND name = $2 AND locked = 0 RETURNING failures",
        )
        .bind(account_id)
        .bind(credential)
        .bind(rehash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if r.is_none() {
            return Ok(false);
        }
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn change_credential(
        &self,
        account_id: i64,
        credential: &str,
        hash: String,
        messages: Vec<OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        self.lock_account(&mut tx, account_id).await?;
        let r = sqlx::query(
            "UPDATE credentials SET hash = $3, failures = 0, locked = 0, must_change = 0, changed_at = $4, \
             hash_expires_at = NULL, temp_hash = NULL, temp_expires_at = NULL \
             WHERE account_id = $1 AND name = $2 AND locked = 0 RETURNING failures",
        )
        .bind(account_id)
        .bind(credential)
        .bind(hash)
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if r.is_none() {
            return Ok(false);
        }
        self.finish(tx, now, &messages, &audit).await?;
        Ok(true)
    }

    async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_mac: &[u8],
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO api_tokens (name, role, token_mac, created_at) VALUES ($1, $2, $3, $4)")
            .bind(name)
            .bind(role.as_str())
            .bind(token_mac.to_vec())
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)
    }

    async fn token_role(&self, token_mac: &[u8]) -> Result<Option<(String, Role)>, StoreError> {
        let r = sqlx::query("SELECT name, role FROM api_tokens WHERE token_mac = $1")
            .bind(token_mac.to_vec())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let role: String = r.try_get(1).map_err(db)?;
        Ok(Some((r.try_get(0).map_err(db)?, Role::parse(&role).ok_or_else(|| corrupt(format!("role {role:?}")))?)))
    }

    async fn audit_events(
        &self,
        login_id: Option<&str>,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let cols = "seq, at, actor, action, login_id, outcome, client_ip, detail, prev_hash, hash";
        let rows = match login_id {
            Some(l) => sqlx::query(AssertSqlSafe(format!(
                "SELECT {cols} FROM audit_events WHERE login_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
            )))
            .bind(l.to_owned())
            .bind(after_seq)
            .bind(i64::from(limit)),
            None => sqlx::query(AssertSqlSafe(format!(
                "SELECT {cols} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2"
            )))
            .bind(after_seq)
            .bind(i64::from(limit)),
        }
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                let detail: String = r.try_get(7).map_err(db)?;
                Ok(AuditEvent {
                    seq: r.try_get(0).map_err(db)?,
                    at: from_ms(r.try_get(1).map_err(db)?)?,
                    draft: AuditDraft {
                        actor: r.try_get(2).map_err(db)?,
                        action: r.try_get(3).map_err(db)?,
                        login_id: r.try_get(4).map_err(db)?,
                        outcome: r.try_get(5).map_err(db)?,
                        client_ip: r.try_get(6).map_err(db)?,
                        detail: serde_json::from_str(&detail).map_err(corrupt)?,
                    },
                    prev_hash: r.try_get(8).map_err(db)?,
                    hash: r.try_get(9).map_err(db)?,
                })
            })
            .collect()
    }

    async fn count_ip_request(&self, ip: &str, window_start: OffsetDateTime) -> Result<u32, StoreError> {
        if let Some(b) = &self.batch {
            return batch::submit_ip(b, ip, window_start).await;
        }
        let r = sqlx::query(
            "INSERT INTO ip_budget (ip, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (ip, window_start) DO UPDATE SET count = ip_budget.count + 1 RETURNING count",
        )
        .bind(ip)
        .bind(ms(window_start))
        .fetch_one(&self.writer)
        .await
        .map_err(db)?;
        u32::try_from(r.try_get::<i64, _>(0).map_err(db)?).map_err(corrupt)
    }

    async fn claim_outbox(
        &self,
        worker: &str,
        limit: u32,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 WHERE id IN (\
             SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3 \
             AND (lease_until IS NULL OR lease_until < $3) ORDER BY id LIMIT $4 {lock}) \
             RETURNING id, attempts, payload"
        );
        let mut tx = self.begin().await?;
        let rows = sqlx::query(AssertSqlSafe(sql.clone()))
            .bind(worker)
            .bind(ms(lease_until))
            .bind(ms(now))
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        let mut items: Vec<OutboxItem> = rows
            .iter()
            .map(|r| {
                let payload: String = r.try_get(2).map_err(db)?;
                Ok(OutboxItem {
                    id: r.try_get(0).map_err(db)?,
                    attempts: u32::try_from(r.try_get::<i64, _>(1).map_err(db)?).map_err(corrupt)?,
                    message: serde_json::from_str(&payload).map_err(corrupt)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        items.sort_by_key(|i| i.id);
        Ok(items)
    }

    async fn finish_outbox(&self, id: i64, worker: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET state = 'done', done_at = $3, lease_owner = NULL, lease_until = NULL, last_error = NULL \
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(id)
        .bind(worker)
        .bind(ms(now))
        .execute(&self.writer)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn finish_outbox_wiped(
        &self,
        id: i64,
        worker: &str,
        now: OffsetDateTime,
        wiped: &OutboxMessage,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET state = 'done', done_at = $3, lease_owner = NULL, lease_until = NULL, last_error = NULL, \
             payload = $4 WHERE id = $1 AND lease_owner = $2",
        )
        .bind(id)
        .bind(worker)
        .bind(ms(now))
        .bind(serde_json::to_string(wiped).map_err(corrupt)?)
        .execute(&self.writer)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn retry_outbox(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        next_attempt: OffsetDateTime,
        give_up: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET state = $3, next_attempt_at = $4, last_error = $5, lease_owner = NULL, lease_until = NULL \
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(id)
        .bind(worker)
        .bind(if give_up { "failed" } else { "pending" })
        .bind(ms(next_attempt))
        .bind(error.chars().take(500).collect::<String>())
        .execute(&self.writer)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn outbox_backlog(&self) -> Result<i64, StoreError> {
        sqlx::query("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?
            .try_get(0)
            .map_err(db)
    }

    async fn prune(&self, now: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM ip_budget WHERE window_start < $1")
            .bind(ms(now) - 3_600_000)
            .execute(&self.writer)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db)?;
        Ok(())
    }
}
