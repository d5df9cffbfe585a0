//! The storage the procedures need, as one port per area. Each method is one atomic unit of
//! work: the state change, the audit event and the outbox messages it causes commit together
//! or not at all. Limits are checked inside the same transaction, so they hold across
//! instances.
//!
//! A procedure names only the ports it uses (`impl Resets + AuditLog`); `Store` is all of
//! them, so `Arc<dyn Store>` serves every procedure. Every port is implemented by
//! `reissue_store::SqlStore`, and `crates/store/tests/contract` checks each port's promises
//! on SQLite and PostgreSQL alike.

pub mod accounts;
pub mod audit;
pub mod counter;
pub mod credentials;
pub mod helpdesk;
pub mod identity;
pub mod limits;
pub mod outbox;
pub mod postal;
pub mod reset;
pub mod staff;
pub mod tokens;
pub mod voice;

use async_trait::async_trait;

pub use accounts::{Accounts, ImportError};
pub use audit::AuditLog;
pub use counter::CounterCases;
pub use credentials::{Attempt, CredentialFailure, Credentials};
pub use helpdesk::HelpDesk;
pub use identity::{IdentityRequests, Initialization, ReminderBuilder};
pub use limits::Limits;
pub use outbox::Outbox;
pub use postal::Postal;
pub use reset::{CompletedReset, OpenSession, Resets};
pub use staff::{NewStaff, NotAccepted, StaffDirectory, StaffRecord, StaffSessionRef, StaffSignInWrite};
pub use tokens::Tokens;
pub use voice::{Calls, IssuedVoiceCode, PinLimits, PinTry, VoiceApplication, VoiceApplicationOutcome, WrongPin};

/// A storage failure. Never shown to a client.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

/// Whether the database answers (readiness).
#[async_trait]
pub trait Health: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Every port: what the server hands the procedures and the delivery worker.
pub trait Store:
    Accounts
    + Calls
    + Resets
    + Credentials
    + IdentityRequests
    + Postal
    + CounterCases
    + HelpDesk
    + Tokens
    + StaffDirectory
    + AuditLog
    + Outbox
    + Limits
    + Health
{
}

impl<T> Store for T where
    T: Accounts
        + Calls
        + Resets
        + Credentials
        + IdentityRequests
        + Postal
        + CounterCases
        + HelpDesk
        + Tokens
        + StaffDirectory
        + AuditLog
        + Outbox
        + Limits
        + Health
{
}
