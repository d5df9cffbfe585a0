//! Write transactions, and the lock order they make impossible to break.
//!
//! An account's rows — its codes, sessions, credentials, calls, temporary passwords, voice
//! applications and identity requests — are written only inside an [`AccountTx`], which
//! locks the account row as it opens: on PostgreSQL `SELECT ... FOR UPDATE` (several accounts
//! in ID order), on SQLite `BEGIN IMMEDIATE` on the one writer connection, which holds the
//! whole database. Every other lock a writer takes (a code, a session, a credential, the
//! audit chain's advisory lock, an outbox key) is taken after the account's, so two writers
//! of one account queue on the account row and never wait on each other in a cycle.
//!
//! A row found by its own key (a call by its ID, a session by its ID) is opened with
//! [`SqlStore::account_tx_of`]: the account is read without a lock, locked, and only then is
//! the row itself touched. The only other write transaction is [`GlobalTx`], for tables that
//! belong to no account (API tokens, the audit chain alone, the outbox's claims, the per-IP
//! budget). `SqlStore::begin` is private to this module, so no third kind exists.

use std::ops::{Deref, DerefMut};

use reissue_core::audit::AuditDraft;
use reissue_core::outbox::OutboxMessage;
use reissue_core::ports::StoreError;
use sqlx::AnyConnection;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use time::OffsetDateTime;

use crate::{SqlStore, db};

/// The key of a row whose account is looked up before it is touched.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key<'a> {
    Id(i64),
    Text(&'a str),
}

/// A write transaction holding the lock of one or more account rows.
#[derive(Debug)]
pub(crate) struct AccountTx {
    tx: Transaction<'static, Any>,
    /// The accounts locked, in ID order.
    accounts: Vec<i64>,
}

/// A write transaction for tables that belong to no account.
#[derive(Debug)]
pub(crate) struct GlobalTx {
    tx: Transaction<'static, Any>,
}

/// What ends a write transaction: `SqlStore::finish` takes either kind.
pub(crate) trait WriteTx: DerefMut<Target = AnyConnection> + Send {
    fn into_inner(self) -> Transaction<'static, Any>;

    /// The one account the transaction holds, whom its outbox messages concern.
    fn account(&self) -> Option<i64>;
}

impl AccountTx {
    /// The account locked (the first, when several are).
    pub(crate) fn account_id(&self) -> i64 {
        self.accounts[0]
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl GlobalTx {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl Deref for AccountTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for AccountTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl Deref for GlobalTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for GlobalTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl WriteTx for AccountTx {
    fn into_inner(self) -> Transaction<'static, Any> {
        self.tx
    }

    fn account(&self) -> Option<i64> {
        match self.accounts.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

impl WriteTx for GlobalTx {
    fn into_inner(self) -> Transaction<'static, Any> {
        self.tx
    }

    fn account(&self) -> Option<i64> {
        None
    }
}

impl SqlStore {
    async fn begin(&self) -> Result<Transaction<'static, Any>, StoreError> {
        self.writer.begin_with(self.backend.begin_sql()).await.map_err(db)
    }

    /// Locks `ids` (sorted, without repeats) inside `tx`, in ID order.
    async fn lock(&self, tx: &mut Transaction<'static, Any>, ids: &[i64]) -> Result<(), StoreError> {
        let Some(sql) = self.backend.lock_accounts_sql() else { return Ok(()) };
        for chunk in ids.chunks(500) {
            let ph: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let mut q = sqlx::query(AssertSqlSafe(sql.replace("{ids}", &ph.join(", "))));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut **tx).await.map_err(db)?;
        }
        Ok(())
    }

    /// Opens a write transaction for tables that belong to no account.
    pub(crate) async fn global_tx(&self) -> Result<GlobalTx, StoreError> {
        Ok(GlobalTx { tx: self.begin().await? })
    }

    /// Opens a write transaction holding `account_id`'s lock.
    pub(crate) async fn account_tx(&self, account_id: i64) -> Result<AccountTx, StoreError> {
        self.accounts_tx(vec![account_id]).await
    }

    /// Opens a write transaction holding the locks of several accounts, taken in ID order.
    pub(crate) async fn accounts_tx(&self, mut ids: Vec<i64>) -> Result<AccountTx, StoreError> {
        ids.sort_unstable();
        ids.dedup();
        let mut tx = self.begin().await?;
        self.lock(&mut tx, &ids).await?;
        Ok(AccountTx { tx, accounts: ids })
    }

    /// Opens a write transaction on the account that the row `sql` finds belongs to (`sql`
    /// selects `account_id` by `key`), holding that account's lock before the row is touched.
    /// `None` when there is no such row.
    pub(crate) async fn account_tx_of(&self, sql: &'static str, key: Key<'_>) -> Result<Option<AccountTx>, StoreError> {
        let mut tx = self.begin().await?;
        let q = sqlx::query(sql);
        let q = match key {
            Key::Id(id) => q.bind(id),
            Key::Text(t) => q.bind(t.to_owned()),
        };
        let Some(r) = q.fetch_optional(&mut *tx).await.map_err(db)? else { return Ok(None) };
        let account_id: i64 = r.try_get("account_id").map_err(db)?;
        self.lock(&mut tx, &[account_id]).await?;
        Ok(Some(AccountTx { tx, accounts: vec![account_id] }))
    }

    /// For an import: opens a write transaction holding the locks of the accounts among
    /// `logins` that exist, and returns their IDs by login ID.
    pub(crate) async fn import_tx(
        &self,
        logins: &[&str],
    ) -> Result<(AccountTx, std::collections::HashMap<String, i64>), StoreError> {
        let mut tx = self.begin().await?;
        let mut existing = std::collections::HashMap::new();
        for chunk in logins.chunks(500) {
            let ph: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT id, login_id FROM accounts WHERE login_id IN ({})", ph.join(", "));
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for l in chunk {
                q = q.bind(*l);
            }
            for r in q.fetch_all(&mut *tx).await.map_err(db)? {
                existing
                    .insert(r.try_get::<String, _>("login_id").map_err(db)?, r.try_get::<i64, _>("id").map_err(db)?);
            }
        }
        let mut ids: Vec<i64> = existing.values().copied().collect();
        ids.sort_unstable();
        self.lock(&mut tx, &ids).await?;
        Ok((AccountTx { tx, accounts: ids }, existing))
    }

    /// Ends a write transaction: its outbox messages, then its audit event, then the commit.
    pub(crate) async fn finish(
        &self,
        mut tx: impl WriteTx,
        now: OffsetDateTime,
        messages: &[OutboxMessage],
        audit: &AuditDraft,
    ) -> Result<(), StoreError> {
        let account = tx.account();
        for m in messages {
            self.enqueue(&mut tx, now, m, account).await?;
        }
        self.audit(&mut tx, now, audit).await?;
        tx.into_inner().commit().await.map_err(db)
    }
}
