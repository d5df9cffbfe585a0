//! What the store hands back: accounts with their credential state, codes, sessions, calls.

use crate::ids::{AccountId, CallId, CodeId};
use time::OffsetDateTime;

use crate::account::Profile;
pub use crate::lifecycle::call::CallState;
pub use crate::lifecycle::code::CodeState;
use crate::rules::CodeChannel;

/// The stored state of one credential of an account. `hash` is a PHC (or legacy) string.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialState {
    pub name: String,
    pub hash: String,
    pub failures: u32,
    pub locked: bool,
    pub must_change: bool,
    /// The hash stops working at this time (a temporary password in use).
    pub hash_expires_at: Option<OffsetDateTime>,
    /// A temporary password not used yet, and when it expires.
    pub temporary: Option<(String, OffsetDateTime)>,
}

impl std::fmt::Debug for CredentialState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialState")
            .field("name", &self.name)
            .field("failures", &self.failures)
            .field("locked", &self.locked)
            .field("must_change", &self.must_change)
            .finish_non_exhaustive()
    }
}

/// An account as the procedures see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub profile: Profile,
    pub credentials: Vec<CredentialState>,
    /// Wrong reset codes across all of the account's codes; issuing a code never resets it.
    pub code_failures: u32,
}

impl Account {
    pub fn credential(&self, name: &str) -> Option<&CredentialState> {
        self.credentials.iter().find(|c| c.name == name)
    }
}

/// An account to import, with each credential already hashed (or a legacy hash kept as is).
#[derive(Debug, Clone)]
pub struct ImportedAccount {
    pub line: usize,
    pub profile: Profile,
    pub credentials: Vec<(String, String)>,
}

/// A reset code as stored: a salt and the keyed MAC of the code, never the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    pub id: CodeId,
    pub account_id: AccountId,
    pub channel: CodeChannel,
    pub salt: Vec<u8>,
    pub mac: Vec<u8>,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub failures: u32,
    pub state: CodeState,
}

/// A code about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    pub account_id: AccountId,
    pub channel: CodeChannel,
    pub salt: Vec<u8>,
    pub mac: Vec<u8>,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A reset session opened by a right code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetSession {
    pub id: i64,
    pub account_id: AccountId,
    pub code_id: CodeId,
    pub expires_at: OffsetDateTime,
    pub open: bool,
}

/// A voice call with what the dialogue needs to know about its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub id: CallId,
    pub account_id: AccountId,
    pub login_id: String,
    pub state: CallState,
    pub pin_tries: u32,
    pub provider_sid: Option<String>,
    /// The spoken code sealed with a server key, kept only while the call lasts so that
    /// "press 1 to repeat" works on any instance.
    pub sealed_code: Option<Vec<u8>>,
    pub created_at: OffsetDateTime,
}

/// A bearer token's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Integrator,
    Auditor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Integrator => "integrator",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "integrator" => Self::Integrator,
            "auditor" => Self::Auditor,
            "admin" => Self::Admin,
            _ => return None,
        })
    }

    /// Admin holds every role.
    pub fn allows(self, needed: Role) -> bool {
        self == Role::Admin || self == needed
    }
}

/// A claimed outbox item.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub attempts: u32,
    pub message: crate::outbox::OutboxMessage,
}
