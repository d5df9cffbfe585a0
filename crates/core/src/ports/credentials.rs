//! Credentials: verification attempts counted before the secret is checked, and changes with
//! the current secret.

use crate::ids::AccountId;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::audit::AuditDraft;
use crate::outbox::OutboxMessage;

/// Whether a credential attempt may be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Reserved,
    Locked,
    /// Attempts already being checked fill the credential's remaining budget.
    Busy,
}

/// What a wrong credential did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialFailure {
    pub locked: bool,
}

#[async_trait]
pub trait Credentials: Send + Sync {
    /// Counts an attempt on a credential before the secret is checked, with its audit event.
    /// A right secret then clears the count. When counted attempts fill the budget and the
    /// newest was counted before `stale_before`, they were never settled (a crash): they are
    /// settled as failures, which locks the credential (audited), instead of holding it
    /// "in progress" for ever.
    async fn reserve_credential_attempt(
        &self,
        account_id: AccountId,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Attempt, StoreError>;

    /// Gives back a counted attempt whose secret was never checked (the hashing pool was
    /// full), with its audit event.
    async fn release_credential_attempt(
        &self,
        account_id: AccountId,
        credential: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError>;

    /// The reserved attempt was wrong: locks the credential when its failures reached `max`.
    async fn record_credential_failure(
        &self,
        account_id: AccountId,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<CredentialFailure, StoreError>;

    /// The reserved attempt was right: clears the failure count and can replace the hash.
    /// False (nothing changed) when the credential was locked in the meantime.
    async fn record_credential_success(
        &self,
        account_id: AccountId,
        credential: &str,
        rehash: Option<String>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Replaces a credential after a change with the current secret, with its messages.
    /// False (nothing changed) when the credential was locked in the meantime.
    async fn change_credential(
        &self,
        account_id: AccountId,
        credential: &str,
        hash: String,
        messages: Vec<OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;
}
