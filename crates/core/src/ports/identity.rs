//! Identity requests: password initialization (P5) with its temporary password, and the
//! login-ID reminder (P6), each under a daily limit per account.

use crate::ids::AccountId;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::audit::AuditDraft;
use crate::outbox::OutboxMessage;

/// A temporary password to store for an account, with its e-mail.
#[derive(Debug, Clone)]
pub struct Initialization {
    pub account_id: AccountId,
    pub credential: String,
    pub temp_hash: String,
    pub expires_at: OffsetDateTime,
    pub window_start: OffsetDateTime,
    pub max_per_window: u32,
    pub message: OutboxMessage,
}

/// Builds the login-ID reminder for the login IDs still under their daily limit; `None` when
/// there is nothing to send.
pub type ReminderBuilder = Box<dyn FnOnce(&[String]) -> Option<OutboxMessage> + Send>;

#[async_trait]
pub trait IdentityRequests: Send + Sync {
    /// Stores a temporary password (voiding an unused earlier one) and queues its e-mail,
    /// unless the account is over its daily limit of initializations. True when sent.
    async fn record_initialization(
        &self,
        init: Initialization,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Counts a reminder for each account still under its daily limit and queues the one
    /// message `build` makes for their login IDs. Returns the login IDs reminded.
    async fn record_reminder(
        &self,
        accounts: Vec<(AccountId, String)>,
        window_start: OffsetDateTime,
        max_per_window: u32,
        build: ReminderBuilder,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Vec<String>, StoreError>;

    /// A temporary password was used: it becomes the credential's hash, which must be changed
    /// and expires when the temporary password would have, and `messages` (the change
    /// notification and `credentials.changed` webhooks) are queued with it. False when it is
    /// gone or the credential is locked.
    async fn promote_temporary(
        &self,
        account_id: AccountId,
        credential: &str,
        messages: Vec<crate::outbox::OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;
}
