//! API tokens, stored as MACs.

use async_trait::async_trait;
use reissue_core::audit::AuditDraft;
use reissue_core::model::Role;
use reissue_core::ports::{StoreError, Tokens};
use sqlx::Row;
use time::OffsetDateTime;

use crate::{SqlStore, corrupt, db, ms};

#[async_trait]
impl Tokens for SqlStore {
    async fn create_token(
        &self,
        name: &str,
        role: Role,
        token_mac: &[u8],
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let mut tx = self.global_tx().await?;
        sqlx::query("INSERT INTO api_tokens (name, role, token_mac, created_at) VALUES ($1, $2, $3, $4)")
            .bind(name)
            .bind(role.as_str())
            .bind(token_mac.to_vec())
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)
    }

    async fn token_role(&self, token_mac: &[u8]) -> Result<Option<(String, Role)>, StoreError> {
        let r = sqlx::query("SELECT name, role FROM api_tokens WHERE token_mac = $1")
            .bind(token_mac.to_vec())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let role: String = r.try_get("role").map_err(db)?;
        Ok(Some((r.try_get("name").map_err(db)?, Role::parse(&role).ok_or_else(|| corrupt(format!("role {role:?}")))?)))
    }
}
