//! Staff members, their sign-in and their sessions. Tables of no account: every write is a
//! `GlobalTx` that ends with its audit event. Limits are conditional updates: an attempt is
//! counted before it is checked (`failures < max`), a TOTP step is accepted only when it is
//! later than the last one (`totp_step < step`), and a session is used only within its
//! lifetimes (`last_seen_at > idle cutoff AND absolute_expires_at > now`), so they hold on any
//! number of instances.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{Attempt, CredentialFailure, StoreError};
use crate::audit::AuditDraft;
use crate::ids::StaffId;
use crate::staff::{StaffLogin, StaffMember, StaffRole, StaffSession, StaffStatus};

/// A staff member as stored, with the hash and the sealed TOTP secret the procedures check.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: StaffId,
    pub login: StaffLogin,
    pub role: StaffRole,
    pub display_name: String,
    pub status: StaffStatus,
    pub password_hash: String,
    /// The TOTP secret, sealed for purpose `staff-totp` with the member's ID as context.
    pub sealed_totp: Vec<u8>,
    /// The last time step whose code was accepted; only a later one is accepted next.
    pub totp_step: u64,
    /// Attempts counted and not yet cleared by a success.
    pub failures: u32,
    pub locked: bool,
    pub must_change_password: bool,
    pub created_at: OffsetDateTime,
    pub last_sign_in_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for StaffRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffRecord")
            .field("id", &self.id)
            .field("login", &self.login)
            .field("role", &self.role)
            .field("status", &self.status)
            .field("failures", &self.failures)
            .field("locked", &self.locked)
            .finish_non_exhaustive()
    }
}

impl StaffRecord {
    /// The member as a list shows them, without hash or secret.
    pub fn member(&self) -> StaffMember {
        StaffMember {
            id: self.id.clone(),
            login: self.login.clone(),
            role: self.role,
            display_name: self.display_name.clone(),
            status: self.status,
            locked: self.locked,
            must_change_password: self.must_change_password,
            created_at: self.created_at,
            last_sign_in_at: self.last_sign_in_at,
        }
    }
}

/// A member to enrol.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub id: StaffId,
    pub login: StaffLogin,
    pub role: StaffRole,
    pub display_name: String,
    pub password_hash: String,
    pub sealed_totp: Vec<u8>,
    pub must_change_password: bool,
}

/// What a sign-in whose password and code were right writes, in one transaction: the code's
/// step (only if later than the stored one), the cleared failure count, the session, and
/// renewals of the hash and the seal when they were made under older keys.
#[derive(Debug, Clone)]
pub struct StaffSignInWrite {
    pub staff_id: StaffId,
    pub totp_step: u64,
    pub token_mac: Vec<u8>,
    pub absolute_expires_at: OffsetDateTime,
    pub rehash: Option<String>,
    pub resealed_totp: Option<Vec<u8>>,
}

/// Why a right code was not accepted after all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAccepted {
    /// Its step, or a later one, was accepted already (a replay, here or on another instance).
    CodeUsed,
    /// The member was locked in the meantime.
    Locked,
    /// The member was disabled (or is gone).
    Disabled,
}

/// A session as found by its token's MAC, whatever its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSessionRef {
    pub session_id: i64,
    pub staff_id: StaffId,
    pub login: StaffLogin,
    pub ended: bool,
}

#[async_trait]
pub trait StaffDirectory: Send + Sync {
    /// Writes a new member; false (nothing written) when the login exists already.
    async fn enrol_staff(&self, new: NewStaff, now: OffsetDateTime, audit: AuditDraft) -> Result<bool, StoreError>;

    async fn staff_by_login(&self, login: &StaffLogin) -> Result<Option<StaffRecord>, StoreError>;

    async fn staff_by_id(&self, id: &StaffId) -> Result<Option<StaffRecord>, StoreError>;

    /// Every member, by login.
    async fn list_staff(&self) -> Result<Vec<StaffRecord>, StoreError>;

    /// Disables a member and ends all their sessions. False when there is no such member.
    async fn disable_staff(&self, id: &StaffId, now: OffsetDateTime, audit: AuditDraft) -> Result<bool, StoreError>;

    /// Gives a member a new password hash and TOTP secret that must be changed at the next
    /// sign-in, clears the failures and the lock, and ends all their sessions. False when there
    /// is no such member.
    async fn reset_staff(
        &self,
        id: &StaffId,
        password_hash: String,
        sealed_totp: Vec<u8>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Counts a sign-in attempt (or a fresh code) before it is checked, with its audit event:
    /// `Reserved` when the member is active, unlocked and under `max_failures`. Attempts that
    /// fill the budget and were counted before `stale_before` were never settled (a crash):
    /// they are settled as failures, which locks the member (audited).
    async fn reserve_staff_attempt(
        &self,
        id: &StaffId,
        max_failures: u32,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Attempt, StoreError>;

    /// Gives back a counted attempt that was never checked (the hashing pool was full).
    async fn release_staff_attempt(
        &self,
        id: &StaffId,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError>;

    /// The counted attempt was wrong: locks the member when the failures reached `max`.
    async fn record_staff_failure(
        &self,
        id: &StaffId,
        max_failures: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<CredentialFailure, StoreError>;

    /// The counted attempt's password and code were right: in one transaction, accepts the
    /// code's step only if later than the stored one (`UPDATE ... WHERE totp_step < step`),
    /// clears the failures, notes the sign-in and opens the session. Nothing is written when
    /// the code was used already or the member was locked or disabled in the meantime.
    async fn complete_staff_sign_in(
        &self,
        write: StaffSignInWrite,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Result<StaffSession, NotAccepted>, StoreError>;

    /// A fresh code for a sensitive action was right: accepts its step on the same rule and
    /// clears the failures. Nothing is written when it is not accepted.
    async fn accept_staff_totp(
        &self,
        id: &StaffId,
        step: u64,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Result<(), NotAccepted>, StoreError>;

    /// Uses a session: moves its `last_seen_at` to `now` in one conditional update that also
    /// checks that it has not ended, was last seen after `idle_cutoff`, is before its absolute
    /// end and belongs to an active member. `None` when any of these fails.
    async fn touch_staff_session(
        &self,
        token_mac: &[u8],
        now: OffsetDateTime,
        idle_cutoff: OffsetDateTime,
    ) -> Result<Option<StaffSession>, StoreError>;

    /// The session a token's MAC names, in whatever state (to sign it out).
    async fn staff_session_ref(&self, token_mac: &[u8]) -> Result<Option<StaffSessionRef>, StoreError>;

    /// Ends one session. False when it had ended already.
    async fn end_staff_session(
        &self,
        session_id: i64,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Ends every open session of a member but `except`; returns how many.
    async fn end_staff_sessions(
        &self,
        id: &StaffId,
        except: Option<i64>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<u64, StoreError>;

    /// Replaces a member's password (no longer to be changed), clears the failures, and ends
    /// their sessions but `keep_session`. False when the member is locked or not active.
    async fn set_staff_password(
        &self,
        id: &StaffId,
        password_hash: String,
        keep_session: i64,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;
}
