//! The outbox: messages written with the change that causes them, claimed under a lease by a
//! delivery worker, then finished or retried.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::model::OutboxItem;
use crate::outbox::OutboxMessage;

#[async_trait]
pub trait Outbox: Send + Sync {
    /// Claims up to `limit` due outbox items until `lease_until`.
    async fn claim_outbox(
        &self,
        worker: &str,
        limit: u32,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Vec<OutboxItem>, StoreError>;

    /// The item was delivered. Only the worker holding the lease can finish it.
    async fn finish_outbox(&self, id: i64, worker: &str, now: OffsetDateTime) -> Result<(), StoreError>;

    /// Like `finish_outbox`, and replaces the stored message with `wiped` (a sealed e-mail
    /// without its sealed text), so that a sent secret does not stay in the outbox.
    async fn finish_outbox_wiped(
        &self,
        id: i64,
        worker: &str,
        now: OffsetDateTime,
        wiped: &OutboxMessage,
    ) -> Result<(), StoreError>;

    /// The delivery failed: try again at `next_attempt`, or give up (the item stays, failed).
    async fn retry_outbox(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        next_attempt: OffsetDateTime,
        give_up: bool,
    ) -> Result<(), StoreError>;

    /// Outbox items not yet delivered (for readiness and metrics).
    async fn outbox_backlog(&self) -> Result<i64, StoreError>;
}
