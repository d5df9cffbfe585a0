//! Credentials: attempts counted before a secret is checked, failures, locks and changes.

use async_trait::async_trait;
use reissue_core::audit::AuditDraft;
use reissue_core::ids::AccountId;
use reissue_core::outbox::OutboxMessage;
use reissue_core::ports::{Attempt, CredentialFailure, Credentials, StoreError};
use sqlx::Row;
use time::OffsetDateTime;

use crate::tx::AccountTx;
use crate::{SqlStore, db, ms};

#[async_trait]
impl Credentials for SqlStore {
    async fn reserve_credential_attempt(
        &self,
        account_id: AccountId,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Attempt, StoreError> {
        let account_id = account_id.get();
        let mut tx = self.account_tx(account_id).await?;
        if Self::count_attempt(&mut tx, account_id, credential, max_failures, now).await? {
            self.audit(&mut tx, now, &audit.outcome("reserved")).await?;
            tx.commit().await.map_err(db)?;
            return Ok(Attempt::Reserved);
        }
        let attempt = self.settle_stale(&mut tx, account_id, credential, stale_before, now, &audit).await?;
        if attempt == Attempt::Locked {
            tx.commit().await.map_err(db)?;
        }
        Ok(attempt)
    }

    async fn release_credential_attempt(
        &self,
        account_id: AccountId,
        credential: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let account_id = account_id.get();
        let mut tx = self.account_tx(account_id).await?;
        Self::uncount_attempt(&mut tx, account_id, credential).await?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn record_credential_failure(
        &self,
        account_id: AccountId,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<CredentialFailure, StoreError> {
        let account_id = account_id.get();
        let mut tx = self.account_tx(account_id).await?;
        // A credential that is gone counts as locked: nothing can be tried on it.
        let locked = Self::lock_if_spent(&mut tx, account_id, credential, max_failures).await?.unwrap_or(true);
        let audit = if locked { audit.outcome("locked") } else { audit };
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(CredentialFailure { locked })
    }

    async fn record_credential_success(
        &self,
        account_id: AccountId,
        credential: &str,
        rehash: Option<String>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let account_id = account_id.get();
        let mut tx = self.account_tx(account_id).await?;
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
        account_id: AccountId,
        credential: &str,
        hash: String,
        messages: Vec<OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let account_id = account_id.get();
        let mut tx = self.account_tx(account_id).await?;
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
}

impl SqlStore {
    /// Counts an attempt on an unlocked credential under its budget, noting when; false when
    /// the credential is locked or its budget is full.
    pub(crate) async fn count_attempt(
        tx: &mut sqlx::AnyConnection,
        account_id: i64,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE credentials SET failures = failures + 1, reserved_at = $4 \
             WHERE account_id = $1 AND name = $2 AND locked = 0 AND failures < $3 RETURNING failures",
        )
        .bind(account_id)
        .bind(credential)
        .bind(i64::from(max_failures))
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        Ok(r.is_some())
    }

    /// Gives back one counted attempt whose secret was never checked.
    pub(crate) async fn uncount_attempt(
        tx: &mut sqlx::AnyConnection,
        account_id: i64,
        credential: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE credentials SET failures = failures - 1 WHERE account_id = $1 AND name = $2 AND failures > 0",
        )
        .bind(account_id)
        .bind(credential)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        Ok(())
    }

    /// A wrong secret was settled: locks the credential when its counted failures reached
    /// `max_failures`. Whether it is locked now, or `None` when there is no such credential.
    pub(crate) async fn lock_if_spent(
        tx: &mut sqlx::AnyConnection,
        account_id: i64,
        credential: &str,
        max_failures: u32,
    ) -> Result<Option<bool>, StoreError> {
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
        r.map(|r| r.try_get::<i64, _>("locked").map(|v| v != 0)).transpose().map_err(db)
    }

    /// A credential whose counted attempts fill its budget: `Busy` while the newest was
    /// counted at or after `stale_before` (checks under way), else the attempts were never
    /// settled and count as the failures they were counted as, so the credential is locked
    /// and the settlement audited. The caller commits when it answers `Locked` after locking.
    pub(crate) async fn settle_stale(
        &self,
        tx: &mut AccountTx,
        account_id: i64,
        credential: &str,
        stale_before: OffsetDateTime,
        now: OffsetDateTime,
        audit: &AuditDraft,
    ) -> Result<Attempt, StoreError> {
        let row = sqlx::query("SELECT locked, reserved_at FROM credentials WHERE account_id = $1 AND name = $2")
            .bind(account_id)
            .bind(credential)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(Attempt::Locked) };
        if row.try_get::<i64, _>("locked").map_err(db)? != 0 {
            return Ok(Attempt::Locked);
        }
        let reserved_at: Option<i64> = row.try_get("reserved_at").map_err(db)?;
        if reserved_at.is_some_and(|t| t >= ms(stale_before)) {
            return Ok(Attempt::Busy);
        }
        sqlx::query("UPDATE credentials SET locked = 1 WHERE account_id = $1 AND name = $2")
            .bind(account_id)
            .bind(credential)
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        let detail = serde_json::json!({"credential": credential});
        self.audit(tx, now, &audit.clone().outcome("unsettled_attempts_locked").detail(detail)).await?;
        Ok(Attempt::Locked)
    }
}
