//! Limits that belong to no account: the per-IP request budget.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;

#[async_trait]
pub trait Limits: Send + Sync {
    /// Counts a request against a client IP's budget for the window and returns the count.
    async fn count_ip_request(&self, ip: &str, window_start: OffsetDateTime) -> Result<u32, StoreError>;

    /// Deletes expired rate-limit windows and other short-lived rows.
    async fn prune(&self, now: OffsetDateTime) -> Result<(), StoreError>;
}
