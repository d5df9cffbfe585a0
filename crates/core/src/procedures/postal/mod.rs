//! P4: the postal reset code. Help-desk staff apply for it on a caller's behalf
//! (`application.rs`); it waits sealed in the day's open batch until a postal operator closes
//! and exports the batch for the print-and-mail vendor (`batches.rs`); the vendor's result and
//! returns files come back (`vendor.rs`).
//!
//! The code exists in clear only where it must: sealed under the `letter-seal` key while the
//! letter waits, opened for the export, wiped when the batch is marked exported. Nothing else
//! ever shows it: the letter views staff read hold its state and expiry, never the code.

mod application;
mod batches;
mod vendor;

use serde::Serialize;
use time::OffsetDateTime;

use crate::ports::StoreError;

pub use application::{IdentityCheck, PostalApplication};
pub use batches::{PrintJob, PrintableLetter};
pub use vendor::{VendorFile, VendorImport};

/// Why an account cannot get a postal code. Staff are authenticated, so unlike the public
/// procedures these reasons are shown (to them only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PostalIneligibility {
    /// The account is suspended.
    AccountSuspended,
    /// Staff put the account on a fraud hold.
    FraudHold { since: String },
    /// No postal address is registered.
    NoAddress,
    /// A letter to this address came back (addressee unknown, moved); it holds until the
    /// address changes.
    AddressUndeliverable { reason: String, since: String },
    /// The registered name changed within the cooldown (the seed's rule).
    NameChangedRecently { on: String, eligible_from: String },
    /// The address changed within the cooldown (the classic way to take over an account by
    /// post).
    AddressChangedRecently { on: String, eligible_from: String },
    /// An administrator paused postal codes for everyone.
    ChannelPaused,
}

impl PostalIneligibility {
    /// The stable name of the reason, as the API and the audit log give it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AccountSuspended => "account_suspended",
            Self::FraudHold { .. } => "fraud_hold",
            Self::NoAddress => "no_address",
            Self::AddressUndeliverable { .. } => "address_undeliverable",
            Self::NameChangedRecently { .. } => "name_changed_recently",
            Self::AddressChangedRecently { .. } => "address_changed_recently",
            Self::ChannelPaused => "channel_paused",
        }
    }
}

/// What went wrong in a postal procedure.
#[derive(Debug, thiserror::Error)]
pub enum PostalError {
    #[error("no account has the login ID {0}")]
    UnknownAccount(String),
    #[error("{field}: {problem}")]
    Invalid { field: &'static str, problem: String },
    #[error("the account cannot get a postal code: {}", .0.iter().map(PostalIneligibility::code).collect::<Vec<_>>().join(", "))]
    Ineligible(Vec<PostalIneligibility>),
    #[error("no batch {0}")]
    UnknownBatch(i64),
    #[error("batch {0} was already exported; its codes no longer exist")]
    AlreadyExported(i64),
    /// Whoever applied for a letter may not export it: duties are separated.
    #[error("you applied for letters {}; someone else must export this batch", .0.join(", "))]
    OwnLetters(Vec<String>),
    #[error("a sealed code of letter {0} does not open: the key that sealed it is gone")]
    Unsealable(String),
    /// A vendor file refused whole, with every problem on every line.
    #[error(transparent)]
    File(#[from] crate::postal_files::FileErrors),
    /// A letter the file names changed while it was imported; importing again sorts it out.
    #[error("a letter changed while the file was imported; nothing was recorded, import it again")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The reference printed on a letter and shared with the vendor: `L` and the letter's number
/// (`postal_files::LetterRef`).
pub fn letter_reference(id: i64) -> String {
    crate::postal_files::LetterRef::from_id(id).map(|r| r.as_str().to_owned()).unwrap_or_else(|_| format!("L{id:08}"))
}

/// A date as the institution's calendar has it, `YYYY-MM-DD`.
fn local_date(cal: &crate::calendar::Calendar, t: OffsetDateTime) -> String {
    crate::account::format_date(cal.date_of(t))
}
