//! Where credentials are checked and new secrets written: the `CredentialVault` port. A bank
//! rarely lets another system own its cash-card PINs; an adapter of this port can hand the
//! check and the write to the institution's core system or HSM, while reissue keeps the
//! procedure — the counting of attempts, the locks, the audit, the notifications — the same.
//!
//! `BuiltInVault` is the default: the secret is stored here, as an Argon2id PHC string with
//! the pepper (legacy bcrypt and Django hashes are read and upgraded on their next use).
//! Temporary passwords (P5) are reissue's own and never go through a vault.

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::SecretString;

use crate::hashing::{HashError, Verification};
use crate::procedures::{HashPriority, Hashing};

/// A credential as the vault sees it: whose, which, and what is stored for it here (a hash,
/// or whatever reference the adapter gave back when the secret was written).
#[derive(Debug, Clone, Copy)]
pub struct CredentialRef<'a> {
    pub login_id: &'a str,
    pub credential: &'a str,
    pub stored: &'a str,
}

/// Checks and writes of secrets.
#[async_trait]
pub trait CredentialVault: Send + Sync {
    /// Whether `secret` is the credential's secret; `needs_rehash` asks for `write` to be
    /// called with it so the stored form can be renewed.
    async fn check(
        &self,
        credential: CredentialRef<'_>,
        secret: SecretString,
        priority: HashPriority,
    ) -> Result<Verification, HashError>;

    /// Writes a new secret (already checked against its policy) and returns what reissue
    /// stores for the credential from now on.
    async fn write(
        &self,
        login_id: &str,
        credential: &str,
        secret: SecretString,
        priority: HashPriority,
    ) -> Result<String, HashError>;
}

/// The secrets live here, hashed.
pub struct BuiltInVault {
    hashing: Arc<dyn Hashing>,
}

impl std::fmt::Debug for BuiltInVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BuiltInVault")
    }
}

impl BuiltInVault {
    pub fn new(hashing: Arc<dyn Hashing>) -> Self {
        Self { hashing }
    }
}

#[async_trait]
impl CredentialVault for BuiltInVault {
    async fn check(
        &self,
        credential: CredentialRef<'_>,
        secret: SecretString,
        priority: HashPriority,
    ) -> Result<Verification, HashError> {
        self.hashing.verify(secret, credential.stored.to_owned(), priority).await
    }

    async fn write(
        &self,
        _login_id: &str,
        _credential: &str,
        secret: SecretString,
        priority: HashPriority,
    ) -> Result<String, HashError> {
        self.hashing.hash(secret, priority).await
    }
}
