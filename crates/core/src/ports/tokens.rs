//! API tokens: stored as MACs, looked up by MAC.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::audit::AuditDraft;
use crate::model::Role;

#[async_trait]
pub trait Tokens: Send + Sync {
    async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_mac: &[u8],
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError>;

    /// The token's name and role.
    async fn token_role(&self, token_mac: &[u8]) -> Result<Option<(String, Role)>, StoreError>;
}
