//! Letters: the postal reset code's application (P4), the print batches, and what the
//! print-and-mail vendor reports back (tracking numbers, returns).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::StoreError;
use crate::account::Address;
use crate::audit::AuditDraft;
use crate::ids::AccountId;
use crate::lifecycle::code::CodeState;
use crate::lifecycle::letter::{BatchState, LetterState};
use crate::model::NewCode;
use crate::outbox::OutboxMessage;

/// Who a letter goes to, as printed in the address block: fixed when staff apply, so that
/// the letter goes to the address that was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterRecipient {
    pub postal_code: String,
    pub address_lines: Vec<String>,
    /// For an organization, its name; the person in charge is `family_name given_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    pub family_name: String,
    pub given_name: String,
}

impl LetterRecipient {
    /// The addressee of the account's letters, or `None` without an address.
    pub fn of(p: &crate::account::Profile) -> Option<Self> {
        let address = p.address.as_ref()?;
        Some(Self {
            postal_code: address.postal_code.clone(),
            address_lines: address.lines.clone(),
            organization: match p.kind {
                crate::account::AccountKind::Organization => p.organization_name.clone(),
                crate::account::AccountKind::Individual => None,
            },
            family_name: p.name.family().to_owned(),
            given_name: p.name.given().to_owned(),
        })
    }
}

/// A letter about to be queued, with the code it carries.
#[derive(Debug, Clone)]
pub struct NewLetter {
    pub account_id: AccountId,
    pub code: NewCode,
    /// The code sealed until the batch is exported.
    pub sealed_code: Vec<u8>,
    pub recipient: LetterRecipient,
    /// The staff member who applied (`staff:LOGIN`).
    pub applied_by: String,
    pub reason: String,
    /// What staff checked of the caller's identity.
    pub identity_checks: Vec<String>,
    pub messages: Vec<OutboxMessage>,
}

/// A letter as staff see it: never its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterView {
    pub id: i64,
    pub account_id: AccountId,
    pub login_id: String,
    pub state: LetterState,
    /// The code's state and expiry, while the code row exists.
    pub code: Option<(CodeState, OffsetDateTime)>,
    pub recipient: LetterRecipient,
    pub batch_id: Option<i64>,
    pub applied_by: String,
    pub reason: String,
    pub identity_checks: Vec<String>,
    pub tracking_number: Option<String>,
    pub accepted_on: Option<String>,
    pub return_reason: Option<String>,
    pub returned_on: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A letter of a closed batch, with its sealed code, for the export.
#[derive(Debug, Clone)]
pub struct LetterToPrint {
    pub id: i64,
    pub account_id: AccountId,
    pub recipient: LetterRecipient,
    pub sealed_code: Vec<u8>,
    /// The code's salt: the seal's context, so a sealed code opens only for its letter.
    pub code_salt: Vec<u8>,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub applied_by: String,
}

/// A print batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: i64,
    pub state: BatchState,
    pub letters: u32,
    pub closed_by: String,
    pub closed_at: OffsetDateTime,
    pub exported_by: Option<String>,
    pub exported_at: Option<OffsetDateTime>,
    /// `encrypted` (to the vendor's key) or `clear` (the demo only).
    pub protection: Option<String>,
}

/// The letters waiting in the day's open batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queue {
    pub letters: u64,
    pub oldest: Option<OffsetDateTime>,
}

/// An address flagged undeliverable by a returned letter. It holds while the account's
/// address is this one: a new address clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressFlag {
    pub address: Address,
    pub reason: String,
    pub flagged_at: OffsetDateTime,
}

/// A hold on an account: a fraud hold staff put, or a review a refused letter asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub kind: HoldKind,
    pub reason: String,
    pub set_by: String,
    pub set_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldKind {
    /// Staff suspect fraud: no recovery procedure until lifted.
    Fraud,
    /// A letter was refused at the door: staff should look at the account.
    Review,
}

impl HoldKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fraud => "fraud",
            Self::Review => "review",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "fraud" => Some(Self::Fraud),
            "review" => Some(Self::Review),
            _ => None,
        }
    }
}

/// A tracking number for an exported letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub letter_id: i64,
    pub account_id: AccountId,
    pub tracking_number: String,
    pub accepted_on: String,
}

/// A letter that came back, with everything that commits with it.
#[derive(Debug, Clone)]
pub struct LetterReturn {
    pub letter_id: i64,
    pub account_id: AccountId,
    pub reason: String,
    pub returned_on: String,
    /// Flag this address undeliverable (addressee unknown, moved).
    pub flag_address: Option<Address>,
    /// Put the account on review (refused).
    pub review: bool,
    pub messages: Vec<OutboxMessage>,
    pub audit: AuditDraft,
}

/// How many letters are in each state, with their codes' states and whether those expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LetterCount {
    pub state: LetterState,
    pub code: Option<CodeState>,
    pub code_expired: bool,
    pub letters: u64,
}

#[async_trait]
pub trait Postal: Send + Sync {
    /// Queues the letter: voids the account's active codes (either channel), ends its open
    /// reset sessions, withdraws its letters not yet exported, stores the new code, and
    /// queues the e-mail. The account's failure count is kept. Returns the letter's ID.
    async fn record_postal_application(
        &self,
        letter: NewLetter,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<i64, StoreError>;

    async fn letters_of_account(&self, account_id: AccountId) -> Result<Vec<LetterView>, StoreError>;

    async fn letters_by_id(&self, ids: &[i64]) -> Result<Vec<LetterView>, StoreError>;

    async fn queue(&self) -> Result<Queue, StoreError>;

    /// Closes the day's open batch: every queued letter joins a new batch. `None` when no
    /// letter was queued.
    async fn close_batch(
        &self,
        actor: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Option<Batch>, StoreError>;

    async fn batch(&self, id: i64) -> Result<Option<Batch>, StoreError>;

    /// The newest batches first.
    async fn batches(&self, limit: u32) -> Result<Vec<Batch>, StoreError>;

    /// A closed batch's letters still to print, with their sealed codes.
    async fn letters_to_print(&self, batch_id: i64) -> Result<Vec<LetterToPrint>, StoreError>;

    /// The batch was exported: its letters leave and their sealed codes are wiped. False,
    /// changing nothing, when the batch is not closed (exported meanwhile).
    async fn mark_batch_exported(
        &self,
        batch_id: i64,
        actor: &str,
        protection: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Records tracking numbers, all or none; a letter already accepted with the same number
    /// is left as it is. False, changing nothing, when a letter is no longer exported or
    /// accepted with that number.
    async fn record_acceptances(
        &self,
        accepted: Vec<Acceptance>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    /// Records returns, all or none: each letter returned, its code voided if active, its
    /// address flagged or account put on review as asked, with its e-mail and audit event.
    /// False, changing nothing, when a letter is no longer exported or accepted.
    async fn record_returns(
        &self,
        returns: Vec<LetterReturn>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError>;

    async fn letter_counts(&self, now: OffsetDateTime) -> Result<Vec<LetterCount>, StoreError>;
}
