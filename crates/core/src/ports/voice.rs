//! Calls: the voice application (P1) and the automated call that checks the cash-card PIN and
//! speaks the code (P2).

use crate::ids::{AccountId, CallId};
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::audit::AuditDraft;
use crate::model::{Call, NewCode};
use crate::outbox::OutboxMessage;

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
    pub account_id: AccountId,
    pub eligible: bool,
    pub call_id: CallId,
    pub message: OutboxMessage,
    pub window_start: OffsetDateTime,
    pub max_per_window: u32,
    /// A call not heard of since this time no longer blocks a new one.
    pub live_call_cutoff: OffsetDateTime,
}

/// Whether a PIN try may be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinTry {
    Allowed,
    /// The call has ended or used its tries.
    CallOver,
    /// The credential is locked (or has no attempts left).
    Locked,
    /// Other checks of the credential fill its budget just now; nothing was counted.
    Busy,
}

/// The limits a PIN try is counted against: the credential's failures before it locks, and
/// the tries one call allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinLimits {
    pub max_failures: u32,
    pub max_tries: u32,
}

/// What a wrong PIN in a call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongPin {
    pub tries_used_in_call: u32,
    pub credential_locked: bool,
}

/// A new code spoken in a call, with everything that commits with it.
#[derive(Debug, Clone)]
pub struct IssuedVoiceCode {
    pub call_id: CallId,
    pub code: NewCode,
    pub sealed_code: Vec<u8>,
    pub gate_credential: String,
    pub messages: Vec<OutboxMessage>,
}

#[async_trait]
pub trait Calls: Send + Sync {
    /// Counts the application against the daily limit and, when eligible and no call is live,
    /// writes the call and its outbox message.
    async fn record_voice_application(
        &self,
        app: VoiceApplication,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<VoiceApplicationOutcome, StoreError>;

    async fn call(&self, call_id: &CallId) -> Result<Option<Call>, StoreError>;

    /// Notes that delivery is about to ask the provider to place the call, and returns the
    /// call as it was before, so that a retry after a crash can tell whether the provider
    /// has already been asked.
    async fn note_call_attempt(
        &self,
        call_id: &CallId,
        now: OffsetDateTime,
    ) -> Result<Option<(Call, Option<OffsetDateTime>)>, StoreError>;

    /// The provider accepted the call.
    async fn mark_call_placed(
        &self,
        call_id: &CallId,
        provider_sid: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The call's status changed: records `status` and moves its state as the lifecycle says
    /// `event` does (`CallState::moves`). An end clears its sealed code.
    async fn record_call_status(
        &self,
        call_id: &CallId,
        status: &str,
        event: crate::lifecycle::call::CallEvent,
        now: OffsetDateTime,
        audit: Option<AuditDraft>,
    ) -> Result<(), StoreError>;

    /// Takes one PIN try of the call and counts it on the credential's persistent failure
    /// counter before the PIN is checked, so that no more tries are ever checked than the
    /// limits allow, however requests interleave. Tries counted before `stale_before` and never
    /// settled are settled as failures once they fill the credential's budget. A counted try
    /// is audited with `audit` (outcome `reserved`).
    async fn reserve_pin_try(
        &self,
        call_id: &CallId,
        credential: &str,
        limits: PinLimits,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<PinTry, StoreError>;

    /// Gives back a reserved try whose PIN was never checked (the hashing pool refused it):
    /// the call's try and the credential's count, with its audit event.
    async fn release_pin_try(
        &self,
        call_id: &CallId,
        credential: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError>;

    /// The reserved try was wrong: locks the credential when its failures reached `max`.
    async fn record_wrong_pin(
        &self,
        call_id: &CallId,
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
}
