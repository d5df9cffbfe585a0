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

    /// The statement that starts a write transaction. SQLite takes its write lock at the
    /// start (`BEGIN IMMEDIATE`), so a transaction never fails half-way on a lock upgrade,
    /// and being on the one writer connection, holds the whole database until it ends.
    pub(crate) fn begin_sql(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// The statement that locks account rows, in ID order, until the transaction ends; `{ids}`
    /// is replaced with the placeholders of their IDs. SQLite needs none: the database is
    /// already held.
    pub(crate) fn lock_accounts_sql(self) -> Option<&'static str> {
        match self {
            Backend::Postgres => Some("SELECT id FROM accounts WHERE id IN ({ids}) ORDER BY id FOR UPDATE"),
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
