//! The per-IP request budget and the pruning of its expired windows.

use async_trait::async_trait;
use reissue_core::ports::{Limits, StoreError};
use sqlx::Row;
use time::OffsetDateTime;

use crate::{SqlStore, batch, corrupt, db, ms};

#[async_trait]
impl Limits for SqlStore {
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
        u32::try_from(r.try_get::<i64, _>("count").map_err(db)?).map_err(corrupt)
    }

    async fn prune(&self, now: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM ip_budget WHERE window_start < $1")
            .bind(ms(now) - 3_600_000)
            .execute(&self.writer)
            .await
            .map_err(db)?;
        Ok(())
    }
}
