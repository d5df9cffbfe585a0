//! The storage the procedures need, as a trait. Each method is one atomic unit of work: the
//! state change, the audit event and the outbox messages it causes commit together or not at
//! all. Limits are checked inside the same transaction, so they hold across instances.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::account::{Email, LoginId};
use crate::audit::{AuditDraft, AuditEvent};
use crate::model::{Account, Call, ImportedAccount, NewCode, OutboxItem, ResetSession, Role, StoredCode};
use crate::outbox::OutboxMessage;
use crate::rules::CodeChannel;

/// A storage failure. Never shown to a client.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("login IDs already exist (use --update to replace them): {}", .0.iter().map(|(l, id)| format!("line {l}: {id}")).collect::<Vec<_>>().join(", "))]
    Existing(Vec<(usize, String)>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What happened to a voice application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoiceApplicationOutcome {
    /// Recorded, and a call was queued.
    CallQueued,
    /// Recorded, but a call for the account is already under way.
    CallAlreadyInProgress,
    /// Recorded, but the account is not eligible, so no call.
    Ineligible,
    /// Over the daily limit: nothing recorded but the audit event.
    Limited,
}

/// A new voice call and the application that asks for it.
#[derive(Debug, Clone)]
pub struct VoiceApplication {
    pub account_id: i64,
    pub eligible: bool,
    pub call_id: String,
    pub message: OutboxMessage,
    pub window_start: OffsetDateTime,
    pub max_per_window: u32,
    /// A call not heard of since this time no longer blocks a new one.
    pub live_call_cutoff: OffsetDateTime,
}

/// A temporary password to store for an account, with its e-mail.
#[derive(Debug, Clone)]
pub struct Initialization {
    pub account_id: i64,
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

/// Whether a credential attempt may be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Reserved,
    Locked,
    /// Attempts already being checked fill the credential's remaining budget.
    Busy,
}

/// A reset session to open for a right code.
#[derive(Debug, Clone)]
pub struct OpenSession {
    pub code_id: i64,
    pub token_mac: Vec<u8>,
    /// The code's limit of wrong entries.
    pub max_failures: u32,
    /// The account's limit of wrong entries across all its codes.
    pub account_max_failures: u32,
    pub expires_at: OffsetDateTime,
}

/// Whether a PIN try may be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinTry {
    Allowed,
    /// The call has ended or used its tries.
    CallOver,
    /// The credential is locked (or has no attempts left).
    Locked,
}

/// What a wrong PIN in a call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongPin {
    pub tries_used_in_call: u32,
    pub credential_locked: bool,
}

/// What a wrong credential did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialFailure {
    pub locked: bool,
}

/// A new code spoken in a call, with everything that commits with it.
#[derive(Debug, Clone)]
pub struct IssuedVoiceCode {
    pub call_id: String,
    pub code: NewCode,
    pub sealed_code: Vec<u8>,
    pub gate_credential: String,
    pub messages: Vec<OutboxMessage>,
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
pub trait Store: Send + Sync {
    /// Writes all accounts or none. Without `update`, an existing login ID fails the import.
    async fn import_accounts(
        &self,
        accounts: Vec<ImportedAccount>,
        update: bool,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<usize, ImportError>;

    async fn account(&self, login_id: &LoginId) -> Result<Option<Account>, StoreError>;

    async fn login_id_of(&self, account_id: i64) -> Result<Option<LoginId>, StoreError>;

    /// Accounts whose registered e-mail is `email`, compared without regard to case.
    async fn accounts_by_email(&self, email: &Email) -> Result<Vec<Account>, StoreError>;

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
        accounts: Vec<(i64, String)>,
        window_start: OffsetDateTime,
        max_per_window: u32,
        build: ReminderBuilder,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Vec<String>, StoreError>;

    /// A temporary password was used: it becomes the credential's hash, which must be changed
    /// and expires when the temporary password would have. False when it is gone or the
    /// credential is locked.
    async fn promote_temporary(
        &self,
        account_id: i64,
        credential: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    async fn append_audit(&self, now: OffsetDateTime, audit: AuditDraft) -> Result<(), StoreError>;

    /// Counts the application against the daily limit and, when eligible and no call is live,
    /// writes the call and its outbox message.
    async fn record_voice_application(
        &self,
        app: VoiceApplication,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<VoiceApplicationOutcome, StoreError>;

    async fn call(&self, call_id: &str) -> Result<Option<Call>, StoreError>;

    /// Notes that delivery is about to ask the provider to place the call, and returns the
    /// call as it was before, so that a retry after a crash can tell whether the provider
    /// has already been asked.
    async fn note_call_attempt(
        &self,
        call_id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<(Call, Option<OffsetDateTime>)>, StoreError>;

    /// The provider accepted the call.
    async fn mark_call_placed(&self, call_id: &str, provider_sid: &str, now: OffsetDateTime) -> Result<(), StoreError>;

    /// The provider reported on the call. Terminal statuses end it and clear its sealed code.
    async fn record_call_status(
        &self,
        call_id: &str,
        status: &str,
        terminal: bool,
        now: OffsetDateTime,
        audit: Option<AuditDraft>,
    ) -> Result<(), StoreError>;

    /// Takes one PIN try of the call and counts it on the credential's persistent failure
    /// counter before the PIN is checked, so that no more tries are ever checked than the
    /// limits allow, however requests interleave.
    async fn reserve_pin_try(
        &self,
        call_id: &str,
        credential: &str,
        max_failures: u32,
        max_tries: u32,
        now: OffsetDateTime,
    ) -> Result<PinTry, StoreError>;

    /// The reserved try was wrong: locks the credential when its failures reached `max`.
    async fn record_wrong_pin(
        &self,
        call_id: &str,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<WrongPin, StoreError>;

    /// The reserved try was right: voids the account's active codes, stores the new one,
    /// clears the gate credential's failures, and queues the e-mail. Fails (false), changing
    /// nothing, if the call has ended or the credential was locked in the meantime.
    async fn issue_voice_code(
        &self,
        issued: IssuedVoiceCode,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// For code entry, in one read: the account's ID, its wrong-code count, and its active
    /// code on `channel`.
    async fn code_entry(
        &self,
        login_id: &LoginId,
        channel: CodeChannel,
    ) -> Result<Option<(i64, u32, Option<StoredCode>)>, StoreError>;

    /// Counts a wrong entry on the code (killing it at `max`) and on the account.
    async fn record_wrong_code(
        &self,
        code_id: i64,
        account_id: i64,
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

    /// Counts an attempt on a credential before the secret is checked. A right secret then
    /// clears the count.
    async fn reserve_credential_attempt(
        &self,
        account_id: i64,
        credential: &str,
        max_failures: u32,
    ) -> Result<Attempt, StoreError>;

    /// The reserved attempt was wrong: locks the credential when its failures reached `max`.
    async fn record_credential_failure(
        &self,
        account_id: i64,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<CredentialFailure, StoreError>;

    /// The reserved attempt was right: clears the failure count and can replace the hash.
    /// False (nothing changed) when the credential was locked in the meantime.
    async fn record_credential_success(
        &self,
        account_id: i64,
        credential: &str,
        rehash: Option<String>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Replaces a credential after a change with the current secret, with its messages.
    /// False (nothing changed) when the credential was locked in the meantime.
    async fn change_credential(
        &self,
        account_id: i64,
        credential: &str,
        hash: String,
        messages: Vec<OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_mac: &[u8],
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError>;

    async fn token_role(&self, token_mac: &[u8]) -> Result<Option<(String, Role)>, StoreError>;

    async fn audit_events(
        &self,
        login_id: Option<&str>,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError>;

    /// Counts a request against a client IP's budget for the window and returns the count.
    async fn count_ip_request(&self, ip: &str, window_start: OffsetDateTime) -> Result<u32, StoreError>;

    /// Claims up to `limit` due outbox items for `lease` seconds.
    async fn claim_outbox(
        &self,
        worker: &str,
        limit: u32,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Vec<OutboxItem>, StoreError>;

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

    /// Deletes expired rate-limit windows and other short-lived rows.
    async fn prune(&self, now: OffsetDateTime) -> Result<(), StoreError>;

    async fn ping(&self) -> Result<(), StoreError>;
}
