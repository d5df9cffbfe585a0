//! The audit log: a hash chain appended in commit order.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::audit::{AuditDraft, AuditEvent};

#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an event that stands alone (no state change goes with it).
    async fn append_audit(&self, now: OffsetDateTime, audit: AuditDraft) -> Result<(), StoreError>;

    /// Events after `after_seq` in chain order, optionally only one login ID's.
    async fn audit_events(
        &self,
        login_id: Option<&str>,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError>;
}
