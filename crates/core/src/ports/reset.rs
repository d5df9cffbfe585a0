//! Resets: code entry, reset sessions, and the completion that sets new credentials.

use crate::ids::{AccountId, CodeId};
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::account::LoginId;
use crate::audit::AuditDraft;
use crate::model::{ResetSession, StoredCode};
use crate::outbox::OutboxMessage;
use crate::rules::CodeChannel;

/// A reset session to open for a right code.
#[derive(Debug, Clone)]
pub struct OpenSession {
    pub code_id: CodeId,
    pub token_mac: Vec<u8>,
    /// The code's limit of wrong entries.
    pub max_failures: u32,
    /// The account's limit of wrong entries across all its codes.
    pub account_max_failures: u32,
    pub expires_at: OffsetDateTime,
}

/// What `complete_reset` changes.
#[derive(Debug, Clone)]
pub struct CompletedReset {
    pub session_id: i64,
    /// Credential name and its new hash.
    pub changes: Vec<(String, String)>,
    pub messages: Vec<OutboxMessage>,
}

#[async_trait]
pub trait Resets: Send + Sync {
    /// For code entry, in one read: the account's ID, its wrong-code count, and its active
    /// code on `channel`.
    async fn code_entry(
        &self,
        login_id: &LoginId,
        channel: CodeChannel,
    ) -> Result<Option<(AccountId, u32, Option<StoredCode>)>, StoreError>;

    /// Counts a wrong entry on the code (killing it at `max`) and on the account, with its
    /// audit event. Every failed code entry comes here, with code ID 0 (and account ID 0 for
    /// an unknown login ID) when there is nothing to count, so that each does the same writes.
    async fn record_wrong_code(
        &self,
        code_id: CodeId,
        account_id: AccountId,
        max: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError>;

    /// Opens a reset session if the code is still usable and the account is under its limit
    /// of wrong codes, ending any earlier session of the code.
    async fn open_reset_session(
        &self,
        open: OpenSession,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    async fn reset_session(&self, token_mac: &[u8]) -> Result<Option<ResetSession>, StoreError>;

    /// Sets the new credentials, spends the code and the session, clears the account's code
    /// failures, and queues the messages. Fails (false) if the session or code was used up
    /// in the meantime.
    async fn complete_reset(
        &self,
        reset: CompletedReset,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;
}
