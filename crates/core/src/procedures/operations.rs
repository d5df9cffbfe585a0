//! What the server's operational endpoints and middleware ask of storage: readiness, the
//! outbox backlog, the per-IP budget and the audit log. They go through here so that no
//! handler holds the store.

use time::OffsetDateTime;

use super::{Recovery, RecoveryError};
use crate::audit::AuditEvent;
use crate::ids::CallId;

impl Recovery {
    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), RecoveryError> {
        Ok(self.store.ping().await?)
    }

    /// Outbox messages not yet delivered.
    pub async fn outbox_backlog(&self) -> Result<i64, RecoveryError> {
        Ok(self.store.outbox_backlog().await?)
    }

    /// Counts a request against its client's budget for the window starting at
    /// `window_start`, and returns the count so far.
    pub async fn count_client_request(&self, client: &str, window_start: OffsetDateTime) -> Result<u32, RecoveryError> {
        Ok(self.store.count_ip_request(client, window_start).await?)
    }

    /// A page of the audit log, optionally for one login ID, after sequence number `after`.
    pub async fn audit_events(
        &self,
        login_id: Option<&crate::account::LoginId>,
        after: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, RecoveryError> {
        Ok(self.store.audit_events(login_id.map(crate::account::LoginId::as_str), after, limit).await?)
    }

    /// Whether a telephony webhook naming `call_id` comes from the provider's call of that
    /// name: a request signed for one call cannot be replayed against another. A call not
    /// yet known to the provider (no SID stored) matches any SID.
    pub async fn provider_call_matches(
        &self,
        call_id: &CallId,
        provider_sid: Option<&str>,
    ) -> Result<bool, RecoveryError> {
        let call = self.store.call(call_id).await?;
        Ok(match call.and_then(|c| c.provider_sid) {
            Some(expected) => provider_sid == Some(expected.as_str()),
            None => true,
        })
    }
}
