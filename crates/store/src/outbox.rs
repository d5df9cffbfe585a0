//! The outbox: messages inserted with the change that causes them, claimed under a lease.

use async_trait::async_trait;
use reissue_core::model::OutboxItem;
use reissue_core::outbox::OutboxMessage;
use reissue_core::ports::{Outbox, StoreError};
use sqlx::AnyConnection;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::{SqlStore, corrupt, db, ms};

impl SqlStore {
    /// Queues `m` in `tx`; `account` is whom it concerns, for the help desk's account view.
    pub(crate) async fn enqueue(
        &self,
        tx: &mut AnyConnection,
        now: OffsetDateTime,
        m: &OutboxMessage,
        account: Option<i64>,
    ) -> Result<(), StoreError> {
        let payload = serde_json::to_string(m).map_err(corrupt)?;
        sqlx::query(
            "INSERT INTO outbox (idempotency_key, kind, payload, state, attempts, next_attempt_at, created_at, account_id) \
             VALUES ($1, $2, $3, 'pending', 0, $4, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(&m.idempotency_key)
        .bind(m.body.kind())
        .bind(payload)
        .bind(ms(now))
        .bind(account)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        Ok(())
    }
}

#[async_trait]
impl Outbox for SqlStore {
    async fn claim_outbox(
        &self,
        worker: &str,
        limit: u32,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let lock = self.backend.skip_locked();
        let sql = format!(
            "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 WHERE id IN (\
             SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3 \
             AND (lease_until IS NULL OR lease_until < $3) ORDER BY id LIMIT $4 {lock}) \
             RETURNING id, attempts, payload"
        );
        let mut tx = self.global_tx().await?;
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
                let payload: String = r.try_get("payload").map_err(db)?;
                Ok(OutboxItem {
                    id: r.try_get("id").map_err(db)?,
                    attempts: u32::try_from(r.try_get::<i64, _>("attempts").map_err(db)?).map_err(corrupt)?,
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
        sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?
            .try_get("n")
            .map_err(db)
    }
}
