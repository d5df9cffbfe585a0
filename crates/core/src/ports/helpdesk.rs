//! The help desk: finding accounts, what the account view shows beyond the account itself
//! (its standing, calls, deliveries, active code), the actions staff take on an account or a
//! channel, and the actions that wait for a second staff member's approval.

use async_trait::async_trait;
use time::{Date, OffsetDateTime};

use super::StoreError;
use crate::account::{KanaName, PersonName, PhoneNumber, Profile};
use crate::audit::{AuditDraft, AuditEvent};
use crate::ids::AccountId;
use crate::model::{CallState, StoredCode};
use crate::outbox::OutboxMessage;
use crate::ports::postal::{AddressFlag, Hold, HoldKind};

/// What staff search by; every field given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSearch {
    pub name: Option<PersonName>,
    pub phone: Option<PhoneNumber>,
    pub name_kana: Option<KanaName>,
    pub birth_date: Option<Date>,
}

/// What bears on an account beyond its profile: an undeliverable address, holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub address_flag: Option<AddressFlag>,
    pub holds: Vec<Hold>,
}

impl Standing {
    pub fn hold(&self, kind: HoldKind) -> Option<&Hold> {
        self.holds.iter().find(|h| h.kind == kind)
    }
}

/// A call as the account view lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallView {
    pub id: String,
    pub state: CallState,
    /// The provider's last word on it (`completed`, `no-answer`, ...).
    pub last_status: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// An outbox message about the account, as the account view lists it: never its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    /// `email`, `place_call` or `webhook`.
    pub kind: String,
    /// `pending`, `done` or `failed`.
    pub state: String,
    pub attempts: u32,
    /// An e-mail's subject.
    pub subject: Option<String>,
    pub created_at: OffsetDateTime,
    pub done_at: Option<OffsetDateTime>,
}

/// A recovery channel staff can pause for everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Voice,
    Postal,
    Initialization,
    Reminder,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Self::Voice, Self::Postal, Self::Initialization, Self::Reminder];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "voice",
            Self::Postal => "postal",
            Self::Initialization => "initialization",
            Self::Reminder => "reminder",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A paused channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelPause {
    pub channel: Channel,
    pub reason: String,
    pub paused_by: String,
    pub paused_at: OffsetDateTime,
}

/// An action waiting for (or decided by) a second staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAction {
    pub id: i64,
    pub action: String,
    pub login_id: Option<String>,
    /// The action as JSON, to run once approved.
    pub payload: serde_json::Value,
    pub requested_by: String,
    pub requested_at: OffsetDateTime,
    /// `pending`, `approved`, `rejected` or `failed`.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
    pub outcome: Option<String>,
}

#[async_trait]
pub trait HelpDesk: Send + Sync {
    /// Accounts matching every field of `search`, by login ID, at most `limit`.
    async fn search_accounts(&self, search: &AccountSearch, limit: u32) -> Result<Vec<Profile>, StoreError>;

    async fn account_standing(&self, account_id: AccountId) -> Result<Standing, StoreError>;

    /// The account's active code, if any (either channel).
    async fn active_code(&self, account_id: AccountId) -> Result<Option<StoredCode>, StoreError>;

    /// The newest calls first.
    async fn calls_of_account(&self, account_id: AccountId, limit: u32) -> Result<Vec<CallView>, StoreError>;

    /// The newest deliveries first.
    async fn deliveries(&self, account_id: AccountId, limit: u32) -> Result<Vec<Delivery>, StoreError>;

    /// The newest events about the login ID first.
    async fn account_history(&self, login_id: &str, limit: u32) -> Result<Vec<AuditEvent>, StoreError>;

    /// Voids the account's active codes, ends its reset sessions and withdraws its unsent
    /// letters. Returns how many codes were voided (nothing is written when none was).
    async fn void_codes(
        &self,
        account_id: AccountId,
        messages: Vec<OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<u64, StoreError>;

    /// Unlocks a locked credential and clears its failures. False, writing nothing, when it
    /// was not locked.
    async fn unlock_credential(
        &self,
        account_id: AccountId,
        credential: &str,
        messages: Vec<OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Puts a hold on the account. A fraud hold also voids every way back in it holds (as a
    /// suspension does). False, writing nothing, when the account already has that hold.
    async fn put_hold(
        &self,
        account_id: AccountId,
        hold: Hold,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// False, writing nothing, when the account has no such hold.
    async fn lift_hold(
        &self,
        account_id: AccountId,
        kind: HoldKind,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Suspends (voiding every way back in) or resumes the account. False, writing nothing,
    /// when it already has that status.
    async fn set_suspended(
        &self,
        account_id: AccountId,
        suspended: bool,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// False, writing nothing, when the channel was already paused.
    async fn pause_channel(
        &self,
        pause: ChannelPause,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// False, writing nothing, when the channel was not paused.
    async fn resume_channel(
        &self,
        channel: Channel,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    async fn channel_pauses(&self) -> Result<Vec<ChannelPause>, StoreError>;

    /// Records an action that waits for approval; returns its ID.
    async fn queue_action(
        &self,
        action: &str,
        login_id: Option<&str>,
        payload: serde_json::Value,
        requested_by: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<i64, StoreError>;

    /// Pending actions first, then the newest decided ones, at most `limit`.
    async fn actions(&self, limit: u32) -> Result<Vec<PendingAction>, StoreError>;

    async fn action(&self, id: i64) -> Result<Option<PendingAction>, StoreError>;

    /// Moves the action from `from` to `to` (`pending` → `approved`/`rejected`, `approved` →
    /// `failed`). False, writing nothing, when it is no longer in `from`: of two staff who
    /// approve at once, one does.
    #[allow(clippy::too_many_arguments)]
    async fn decide_action(
        &self,
        id: i64,
        from: &str,
        to: &str,
        decided_by: &str,
        outcome: Option<&str>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;
}
