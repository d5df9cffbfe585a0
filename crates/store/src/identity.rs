//! Identity requests: P5's temporary password and P6's login-ID reminder, each under its
//! per-account daily limit.

use async_trait::async_trait;
use reissue_core::audit::AuditDraft;
use reissue_core::ids::AccountId;
use reissue_core::outbox::OutboxMessage;
use reissue_core::ports::{IdentityRequests, Initialization, ReminderBuilder, StoreError};
use sqlx::Row;
use time::OffsetDateTime;

use crate::{SqlStore, db, ms};

#[async_trait]
impl IdentityRequests for SqlStore {
    async fn record_initialization(
        &self,
        init: Initialization,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.account_tx(init.account_id.get()).await?;
        let count: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM identity_requests WHERE account_id = $1 AND kind = 'initialization' AND created_at >= $2",
        )
        .bind(init.account_id.get())
        .bind(ms(init.window_start))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get("n")
        .map_err(db)?;
        if count >= i64::from(init.max_per_window) {
            self.finish(tx, now, &[], &audit.outcome("limited")).await?;
            return Ok(false);
        }
        sqlx::query("INSERT INTO identity_requests (account_id, kind, created_at) VALUES ($1, 'initialization', $2)")
            .bind(init.account_id.get())
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query("UPDATE credentials SET temp_hash = $3, temp_expires_at = $4 WHERE account_id = $1 AND name = $2")
            .bind(init.account_id.get())
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
        accounts: Vec<(AccountId, String)>,
        window_start: OffsetDateTime,
        max_per_window: u32,
        build: ReminderBuilder,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Vec<String>, StoreError> {
        let mut sorted: Vec<(i64, String)> = accounts.into_iter().map(|(id, l)| (id.get(), l)).collect();
        sorted.sort();
        let mut tx = self.accounts_tx(sorted.iter().map(|(id, _)| *id).collect()).await?;
        let mut allowed = Vec::new();
        for (account_id, login) in sorted {
            let count: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM identity_requests WHERE account_id = $1 AND kind = 'reminder' AND created_at >= $2",
            )
            .bind(account_id)
            .bind(ms(window_start))
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?
            .try_get("n")
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
        account_id: AccountId,
        credential: &str,
        messages: Vec<OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let account_id = account_id.get();
        let mut tx = self.account_tx(account_id).await?;
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
        self.finish(tx, now, &messages, &audit).await?;
        Ok(true)
    }
}
