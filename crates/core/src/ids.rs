//! Identifiers of stored things, as types of their own, so that an account's ID can never be
//! passed where a code's is meant. The store assigns them; nothing else makes one up.

use serde::{Deserialize, Serialize};

/// An account, as the store numbers it (not the login ID people see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(i64);

impl AccountId {
    /// The store's number for an account. Only the store (and tests) should call this.
    pub const fn new(id: i64) -> Self {
        Self(id)
    }

    /// The number that stands for no account: what a lookup for an unknown login uses so
    /// that it does the same work as one for a known account.
    pub const NONE: AccountId = AccountId(0);

    pub const fn get(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A reset code, as the store numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CodeId(i64);

impl CodeId {
    /// The store's number for a code. Only the store (and tests) should call this.
    pub const fn new(id: i64) -> Self {
        Self(id)
    }

    /// The number that stands for no code: what a failed entry without a code records, so
    /// that it does the same writes as a wrong one.
    pub const NONE: CodeId = CodeId(0);

    pub const fn get(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for CodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A voice call, named when the application is recorded (`call-` and 24 hex digits). It
/// travels in the provider's webhook URLs and in the outbox, so it is read back with `parse`,
/// which refuses anything not of that form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallId(String);

impl CallId {
    /// A fresh call ID from 12 random bytes.
    pub fn new(random: [u8; 12]) -> Self {
        Self(format!("call-{}", hex::encode(random)))
    }

    /// A call ID as it came back from outside (a webhook URL, the outbox), or `None` when it
    /// is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let hex = s.strip_prefix("call-")?;
        (hex.len() == 24 && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
            .then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CallId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A staff member, named when enrolled (`staff-` and 24 hex digits). It is chosen before the
/// row is written because the member's TOTP secret is sealed to it; like a call ID, it is read
/// back with `parse`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StaffId(String);

impl StaffId {
    /// A fresh staff ID from 12 random bytes.
    pub fn new(random: [u8; 12]) -> Self {
        Self(format!("staff-{}", hex::encode(random)))
    }

    /// A staff ID as it came back from outside, or `None` when it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let hex = s.strip_prefix("staff-")?;
        (hex.len() == 24 && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
            .then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for StaffId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_id_reads_back_only_in_the_form_it_was_made() {
        let id = CallId::new([0xab; 12]);
        assert_eq!(CallId::parse(id.as_str()), Some(id.clone()));
        for bad in [
            "",
            "call-",
            "call-abc",
            "CALL-abababababababababababab",
            "call-ABABABABABABABABABABABAB",
            "x-abababababababababababab",
            "call-abababababababababababab/../x",
        ] {
            assert_eq!(CallId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_staff_id_reads_back_only_in_the_form_it_was_made() {
        let id = StaffId::new([0x0f; 12]);
        assert_eq!(StaffId::parse(id.as_str()), Some(id.clone()));
        for bad in ["", "staff-", "staff-0f0f", "call-0f0f0f0f0f0f0f0f0f0f0f0f", "staff-0F0F0F0F0F0F0F0F0F0F0F0F"] {
            assert_eq!(StaffId::parse(bad), None, "{bad}");
        }
    }
}
