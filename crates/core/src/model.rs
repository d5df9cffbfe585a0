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

/// A bearer token's role: the integrators' backends, the auditors, the administrators (who
/// hold every role), and the staff roles a help-desk tool calls the staff API under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Integrator,
    Auditor,
    Admin,
    Helpdesk,
    PostalOperator,
    Counter,
}

impl Role {
    /// Every role, in the order `names` lists them.
    pub const ALL: [Role; 6] =
        [Self::Integrator, Self::Auditor, Self::Admin, Self::Helpdesk, Self::PostalOperator, Self::Counter];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Integrator => "integrator",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
            Self::Helpdesk => "helpdesk",
            Self::PostalOperator => "postal_operator",
            Self::Counter => "counter",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The roles as a list for messages: `integrator, auditor, admin, helpdesk, ...`.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }

    /// Admin holds every role.
    pub fn allows(self, needed: Role) -> bool {
        self == Role::Admin || self == needed
    }

    /// The staff role a token of this role calls the staff API as; an integrator's token has
    /// none. What it may do there is then `StaffRole::may`'s alone, so an admin token holds
    /// the administrator's permissions, not every staff role's.
    pub fn staff_role(self) -> Option<crate::staff::StaffRole> {
        use crate::staff::StaffRole as S;
        match self {
            Self::Integrator => None,
            Self::Auditor => Some(S::Auditor),
            Self::Admin => Some(S::Admin),
            Self::Helpdesk => Some(S::Helpdesk),
            Self::PostalOperator => Some(S::PostalOperator),
            Self::Counter => Some(S::Counter),
        }
    }
}

#[cfg(test)]
mod role_tests {
    use super::Role;
    use crate::staff::StaffRole;

    #[test]
    fn token_roles_read_back_and_map_onto_staff_roles() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.as_str()));
            if let Some(s) = r.staff_role() {
                assert_eq!(s.as_str(), r.as_str(), "a token role names the staff role it maps to");
            }
        }
        assert_eq!(Role::Integrator.staff_role(), None);
        assert_eq!(Role::Admin.staff_role(), Some(StaffRole::Admin));
        assert!(Role::Admin.allows(Role::Helpdesk) && Role::Admin.allows(Role::Integrator));
        assert!(!Role::Helpdesk.allows(Role::Auditor) && !Role::Counter.allows(Role::Integrator));
    }
}

/// A claimed outbox item.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub attempts: u32,
    pub message: crate::outbox::OutboxMessage,
}
