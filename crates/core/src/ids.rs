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
