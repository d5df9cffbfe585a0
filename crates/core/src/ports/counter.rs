//! Counter cases (P8b): the cases, what was recorded of each item brought, the inquiry
//! letter's check code and the one-time case tokens of the card client. A case is one of its
//! account's rows: every write locks the account first. Each write is conditional on the
//! state the procedure saw, so two counters acting on one case cannot both move it; `false`
//! (or `None`) means the case had moved meanwhile and nothing was written.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use super::postal::LetterRecipient;
use crate::audit::AuditDraft;
use crate::counter::checklist::ItemRecord;
use crate::counter::{CardPin, CaseRef, CaseType, Ground, PinOperation, PinOutcome};
use crate::ids::AccountId;
use crate::lifecycle::counter_case::{CaseEvent, CaseState};

/// A proxy case's check code: its salt and MAC, and the code sealed until the letter is mailed.
#[derive(Debug, Clone)]
pub struct NewCheckCode {
    pub salt: Vec<u8>,
    pub mac: Vec<u8>,
    pub sealed: Vec<u8>,
}

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub account_id: AccountId,
    pub case_type: CaseType,
    pub ground: Option<Ground>,
    pub pins: Vec<CardPin>,
    pub operation: PinOperation,
    pub state: CaseState,
    /// A proxy's case: the check code its inquiry letter prints.
    pub check: Option<NewCheckCode>,
    /// A proxy's case: the registered address the inquiry letter goes to, as it was.
    pub recipient: Option<LetterRecipient>,
    /// What was recorded as the case opened (a proxy's first visit).
    pub items: Vec<ItemRecord>,
    pub opened_by: String,
    pub expires_at: OffsetDateTime,
}

/// One item as recorded, with who recorded it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedItem {
    pub record: ItemRecord,
    pub recorded_by: String,
    pub recorded_at: OffsetDateTime,
}

/// A case token as stored (never the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTokenRow {
    pub id: i64,
    pub case_id: i64,
    pub pin: CardPin,
    pub issued_by: String,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub claimed_at: Option<OffsetDateTime>,
    pub reported_at: Option<OffsetDateTime>,
    pub outcome: Option<PinOutcome>,
    pub tries_left: Option<i64>,
}

/// A case as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseView {
    pub id: i64,
    pub account_id: AccountId,
    pub login_id: String,
    pub case_type: CaseType,
    pub ground: Option<Ground>,
    pub pins: Vec<CardPin>,
    pub operation: PinOperation,
    pub state: CaseState,
    pub items: Vec<RecordedItem>,
    /// The PINs whose step succeeded so far.
    pub pins_done: Vec<CardPin>,
    pub check_failures: i64,
    /// The inquiry letter can still be printed: its code is still sealed.
    pub letter_printable: bool,
    pub recipient: Option<LetterRecipient>,
    pub opened_by: String,
    pub opened_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub mailed_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
    pub tokens: Vec<CaseTokenRow>,
}

impl CaseView {
    pub fn reference(&self) -> CaseRef {
        CaseRef::of(self.id)
    }
}

/// The stored check code of a proxy's case.
#[derive(Debug, Clone)]
pub struct StoredCheckCode {
    pub salt: Vec<u8>,
    pub mac: Vec<u8>,
    /// Until the letter is mailed.
    pub sealed: Option<Vec<u8>>,
}

/// A PIN step that succeeded, to record with the case's move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinSuccess {
    pub case_id: i64,
    /// The state the procedure saw.
    pub from: CaseState,
    /// The PINs done when the procedure looked: a success recorded meanwhile moves nothing.
    pub seen: Vec<CardPin>,
    /// Every PIN done once this one is.
    pub pins_done: Vec<CardPin>,
    /// All of the case's PINs are done: the case moves to `Completed`.
    pub complete: bool,
}

/// Which cases to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseFilter {
    /// Not closed and not past their lifetime at this instant, oldest first.
    NotClosed(OffsetDateTime),
    /// An account's, newest first.
    Account(AccountId),
}

#[async_trait]
pub trait CounterCases: Send + Sync {
    /// Opens a case with the items recorded so far and returns its number; `None` (and
    /// nothing written) when the holder has a case neither closed nor past its lifetime,
    /// checked under the account's lock.
    async fn open_counter_case(
        &self,
        case: NewCase,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Option<i64>, StoreError>;

    async fn counter_case(&self, id: i64) -> Result<Option<CaseView>, StoreError>;

    /// At most `limit` cases.
    async fn counter_cases(&self, filter: CaseFilter, limit: u32) -> Result<Vec<CaseView>, StoreError>;

    async fn check_code(&self, id: i64) -> Result<Option<StoredCheckCode>, StoreError>;

    /// Records (or records again) an item, if the case is still in `state`.
    async fn record_case_item(
        &self,
        id: i64,
        state: CaseState,
        item: ItemRecord,
        by: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Moves the case by `event` from `from`, if it is still there; an inquiry mailed,
    /// returned, or closing the case also wipes the sealed code; the check code accepted gives
    /// back the try its check reserved.
    async fn move_counter_case(
        &self,
        id: i64,
        event: CaseEvent,
        from: CaseState,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Reserves a try at the check code before it is compared, if fewer than `max` were
    /// counted and the case still awaits its reply: the count after it, or `None`. The try
    /// stays counted unless the code was right (`CheckCodeAccepted` gives it back).
    async fn reserve_check_code_try(
        &self,
        id: i64,
        max: i64,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Option<i64>, StoreError>;

    /// Records a PIN step's success, and the case's completion when it is the last PIN.
    async fn record_pin_success(
        &self,
        s: PinSuccess,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Stores a case token (its MAC) for one PIN; returns its number.
    #[allow(clippy::too_many_arguments)]
    async fn issue_case_token(
        &self,
        case_id: i64,
        token_mac: Vec<u8>,
        pin: CardPin,
        expires_at: OffsetDateTime,
        by: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<i64, StoreError>;

    /// The case token stored under one of `lookups` (a token MAC under each key).
    async fn case_token(&self, lookups: &[Vec<u8>]) -> Result<Option<CaseTokenRow>, StoreError>;

    /// The case token whose report token is stored under one of `lookups`.
    async fn case_token_by_report(&self, lookups: &[Vec<u8>]) -> Result<Option<CaseTokenRow>, StoreError>;

    /// Claims a token not yet claimed and not expired at `now`, storing the report token's MAC.
    async fn claim_case_token(
        &self,
        token_id: i64,
        report_mac: Vec<u8>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Records a claimed token's outcome once, with the case's PIN step when it succeeded.
    async fn report_case_token(
        &self,
        token_id: i64,
        outcome: PinOutcome,
        tries_left: Option<i64>,
        success: Option<PinSuccess>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;
}
