//! The key checks of the server keys: what start-up compares each key file against, so that
//! instances on one database cannot run with different keys under the same kind and key ID;
//! and opening a store without the audit key, for tools that only read.

use reissue_core::ports::StoreError;
use sqlx::Row;
use time::OffsetDateTime;

use crate::{SqlStore, db, ms};

pub(crate) fn no_audit_key() -> StoreError {
    StoreError::Database("this store was opened without the audit key, so it cannot append to the audit log".into())
}

impl SqlStore {
    /// Connects without the audit key: everything but appending to the audit log works.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_keyed(url, None).await
    }

    /// The stored key checks of one kind, by key ID.
    pub async fn key_checks(&self, kind: &str) -> Result<Vec<(u32, String)>, StoreError> {
        let rows = sqlx::query("SELECT key_id, key_check FROM key_checks WHERE kind = $1 ORDER BY key_id")
            .bind(kind.to_owned())
            .fetch_all(&self.writer)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get(0).map_err(db)?;
                let id = u32::try_from(id).map_err(crate::corrupt)?;
                Ok((id, r.try_get(1).map_err(db)?))
            })
            .collect()
    }

    /// Records the key check of a key unless one is stored already, and returns the stored
    /// one (the first instance to record a key ID wins; a later one compares against it).
    pub async fn record_key_check(
        &self,
        kind: &str,
        key_id: u32,
        check: &str,
        now: OffsetDateTime,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO key_checks (kind, key_id, key_check, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (kind, key_id) DO NOTHING",
        )
        .bind(kind.to_owned())
        .bind(i64::from(key_id))
        .bind(check.to_owned())
        .bind(ms(now))
        .execute(&self.writer)
        .await
        .map_err(db)?;
        let r = sqlx::query("SELECT key_check FROM key_checks WHERE kind = $1 AND key_id = $2")
            .bind(kind.to_owned())
            .bind(i64::from(key_id))
            .fetch_one(&self.writer)
            .await
            .map_err(db)?;
        r.try_get(0).map_err(db)
    }
}

impl SqlStore {
    /// Forgets the key check of a retired key.
    pub async fn forget_key_check(&self, kind: &str, key_id: u32) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM key_checks WHERE kind = $1 AND key_id = $2")
            .bind(kind.to_owned())
            .bind(i64::from(key_id))
            .execute(&self.writer)
            .await
            .map_err(db)?;
        Ok(())
    }

    /// How many password and PIN hashes (current or temporary) carry the PHC parameter
    /// `keyid_param` (e.g. `keyid=MQ`), and with `unlabelled` also Argon2 hashes without a key ID.
    pub async fn hashes_with_keyid(&self, keyid_param: &str, unlabelled: bool) -> Result<i64, StoreError> {
        let labelled = format!("%,{keyid_param}$%");
        let r = sqlx::query(
            "SELECT COUNT(*) FROM credentials WHERE hash LIKE $1 OR temp_hash LIKE $1 \
             OR ($2 = 1 AND ((hash LIKE '$argon2%' AND hash NOT LIKE '%keyid=%') \
             OR (temp_hash LIKE '$argon2%' AND temp_hash NOT LIKE '%keyid=%')))",
        )
        .bind(labelled)
        .bind(i64::from(unlabelled))
        .fetch_one(&self.writer)
        .await
        .map_err(db)?;
        r.try_get(0).map_err(db)
    }

    /// The stored MACs of every API token.
    pub async fn api_token_macs(&self) -> Result<Vec<Vec<u8>>, StoreError> {
        let rows = sqlx::query("SELECT token_mac FROM api_tokens").fetch_all(&self.writer).await.map_err(db)?;
        rows.iter().map(|r| r.try_get(0).map_err(db)).collect()
    }

    /// What else the code HMAC master protects while it is still in use: the MACs of codes
    /// that can still be entered, of reset sessions still open, the sealed codes of live
    /// calls, the outbox messages not yet sent (which may hold a sealed e-mail), and the staff
    /// members' open sessions and sealed TOTP secrets.
    pub async fn code_hmac_dependents(&self, now: OffsetDateTime) -> Result<CodeHmacDependents, StoreError> {
        let bytes = |sql: &'static str| async move {
            let rows = sqlx::query(sql).bind(ms(now)).fetch_all(&self.writer).await.map_err(db)?;
            rows.iter().map(|r| r.try_get::<Vec<u8>, _>(0).map_err(db)).collect::<Result<Vec<_>, _>>()
        };
        let codes = bytes("SELECT mac FROM reset_codes WHERE state = 'active' AND expires_at > $1").await?;
        let sessions = bytes("SELECT token_mac FROM reset_sessions WHERE state = 'open' AND expires_at > $1").await?;
        let sealed_calls =
            bytes("SELECT sealed_code FROM calls WHERE state <> 'ended' AND sealed_code IS NOT NULL AND $1 >= 0")
                .await?;
        let rows = sqlx::query("SELECT payload FROM outbox WHERE state = 'pending'")
            .fetch_all(&self.writer)
            .await
            .map_err(db)?;
        let pending = rows.iter().map(|r| r.try_get::<String, _>(0).map_err(db)).collect::<Result<Vec<_>, _>>()?;
        let staff_sessions =
            bytes("SELECT token_mac FROM staff_sessions WHERE ended_at IS NULL AND absolute_expires_at > $1").await?;
        let staff_totp = bytes("SELECT sealed_totp FROM staff WHERE status = 'active' AND $1 >= 0").await?;
        Ok(CodeHmacDependents { codes, sessions, sealed_calls, pending, staff_sessions, staff_totp })
    }
}

/// See `SqlStore::code_hmac_dependents`.
#[derive(Debug, Default)]
pub struct CodeHmacDependents {
    pub codes: Vec<Vec<u8>>,
    pub sessions: Vec<Vec<u8>>,
    pub sealed_calls: Vec<Vec<u8>>,
    /// Payloads (JSON) of unsent outbox messages.
    pub pending: Vec<String>,
    /// MACs of staff sessions not yet ended or expired.
    pub staff_sessions: Vec<Vec<u8>>,
    /// Sealed TOTP secrets of active staff members (sealed again under the current key at
    /// their next sign-in).
    pub staff_totp: Vec<Vec<u8>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_check_of_a_key_id_is_kept_and_returned() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::connect(&format!("sqlite://{}/k.db", dir.path().display())).await.unwrap();
        let now = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(store.record_key_check("pepper", 1, "aaaa", now).await.unwrap(), "aaaa");
        assert_eq!(store.record_key_check("pepper", 1, "bbbb", now).await.unwrap(), "aaaa");
        assert_eq!(store.record_key_check("pepper", 2, "cccc", now).await.unwrap(), "cccc");
        assert_eq!(store.record_key_check("audit", 1, "dddd", now).await.unwrap(), "dddd");
        assert_eq!(store.key_checks("pepper").await.unwrap(), vec![(1, "aaaa".into()), (2, "cccc".into())]);
        store.forget_key_check("pepper", 1).await.unwrap();
        assert_eq!(store.key_checks("pepper").await.unwrap(), vec![(2, "cccc".into())]);
    }
}
