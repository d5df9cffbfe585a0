//! Bearer tokens for integrating systems, auditors and administrators.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::{Recovery, RecoveryError};
use crate::audit::{Actor, AuditDraft};
use crate::model::Role;
use crate::secret::random_token;

impl Recovery {
    /// Creates a bearer token and returns it; only its MAC is stored.
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<SecretString, RecoveryError> {
        let token = random_token(self.rng.as_ref(), "rt");
        let mac = self.keys.token_mac(token.expose_secret());
        self.store
            .create_token(
                name,
                role,
                &mac,
                now,
                AuditDraft::new(Actor::Cli, "token_created", None, role.as_str())
                    .detail(serde_json::json!({"name": name})),
            )
            .await?;
        Ok(token)
    }

    /// The name and role of a presented bearer token.
    pub async fn token_role(&self, token: &str) -> Result<Option<(String, Role)>, RecoveryError> {
        for mac in self.keys.token_lookups(token) {
            if let Some(found) = self.store.token_role(&mac).await? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
}
