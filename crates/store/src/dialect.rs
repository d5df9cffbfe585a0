//! Where SQLite and PostgreSQL differ. Everything else is shared SQL: both take `$N`
//! placeholders, `RETURNING`, and the same upsert syntax (`ON CONFLICT (...) DO UPDATE SET
//! ... excluded.col`, SQLite 3.24 and later), so the area modules write one statement each.
//!
//! | | SQLite | PostgreSQL |
//! | --- | --- | --- |
//! | write transaction | `BEGIN IMMEDIATE` on the one writer connection: the database lock is taken at the start | `BEGIN` on the pool |
//! | an account's rows | serialized by that database lock | `SELECT ... FOR UPDATE` on the account row |
//! | audit chain order | serialized by that database lock | `pg_advisory_xact_lock`, held until commit |
//! | outbox claim | serialized by that database lock | `FOR UPDATE SKIP LOCKED`, so workers never wait on each other |

use reissue_core::ports::StoreError;
use sqlx::{Any, Row, Transaction};

use crate::{SqlStore, db};

/// The key of a row whose account is looked up.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key<'a> {
    Id(i64),
    Text(&'a str),
}

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a `database.url` names.
    pub(crate) fn of_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Database(format!(
                "database.url must start with sqlite:// or postgres:// (got {:?})",
                url.split(':').next().unwrap_or("")
            )))
        }
    }

    /// The statement that locks one account row until the transaction ends (`$1` its ID).
    /// SQLite needs none: `BEGIN IMMEDIATE` already holds the database.
    pub(crate) fn lock_account_sql(self) -> Option<&'static str> {
        match self {
            Backend::Postgres => Some("SELECT id FROM accounts WHERE id = $1 FOR UPDATE"),
            Backend::Sqlite => None,
        }
    }

    /// The statement that orders appends to the audit chain across instances until commit.
    pub(crate) fn audit_chain_lock_sql(self) -> Option<&'static str> {
        match self {
            Backend::Postgres => Some("SELECT pg_advisory_xact_lock(7261001)"),
            Backend::Sqlite => None,
        }
    }

    /// The suffix of the outbox claim's inner `SELECT`: rows another worker is claiming are
    /// skipped rather than waited for.
    pub(crate) fn skip_locked(self) -> &'static str {
        match self {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }
}

impl SqlStore {
    /// Starts a write transaction. SQLite takes its write lock at the start (`BEGIN
    /// IMMEDIATE`), so a transaction never fails half-way on a lock upgrade.
    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Any>, StoreError> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(db),
            Backend::Postgres => self.writer.begin().await.map_err(db),
        }
    }

    /// Serializes writers of one account (PostgreSQL row lock; SQLite holds the database lock).
    pub(crate) async fn lock_account(
        &self,
        tx: &mut Transaction<'static, Any>,
        account_id: i64,
    ) -> Result<(), StoreError> {
        if let Some(sql) = self.backend.lock_account_sql() {
            sqlx::query(sql).bind(account_id).execute(&mut **tx).await.map_err(db)?;
        }
        Ok(())
    }

    /// The account a row belongs to, read inside the transaction so that it can be locked
    /// first: every write transaction that touches an account's rows locks the account row
    /// before any other, so PostgreSQL never sees two of them wait on each other.
    pub(crate) async fn account_of(
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
        let account_id: i64 = r.try_get("account_id").map_err(db)?;
        self.lock_account(tx, account_id).await?;
        Ok(Some(account_id))
    }
}
