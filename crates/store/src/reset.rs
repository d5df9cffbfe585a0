//! Resets: code entry, reset sessions and the completion that sets new credentials.

use async_trait::async_trait;
use reissue_core::account::LoginId;
use reissue_core::audit::AuditDraft;
use reissue_core::ids::{AccountId, CodeId};
use reissue_core::model::{CodeState, ResetSession, StoredCode};
use reissue_core::ports::{CompletedReset, OpenSession, Resets, StoreError};
use reissue_core::rules::CodeChannel;
use sqlx::Row;
use time::OffsetDateTime;

use crate::tx::Key;
use crate::{SqlStore, corrupt, db, from_ms, ms};

#[async_trait]
impl Resets for SqlStore {
    async fn code_entry(
        &self,
        login_id: &LoginId,
        channel: CodeChannel,
    ) -> Result<Option<(AccountId, u32, Option<StoredCode>)>, StoreError> {
        let r = sqlx::query(
            "SELECT a.id AS account_id, a.code_failures AS account_failures, c.id AS code_id, c.salt AS salt, c.mac AS mac, \
             c.issued_at AS issued_at, c.expires_at AS expires_at, c.failures AS failures, c.state AS state \
             FROM accounts a LEFT JOIN reset_codes c ON c.account_id = a.id AND c.channel = $2 AND c.state = 'active' \
             WHERE a.login_id = $1 ORDER BY c.id DESC LIMIT 1",
        )
        .bind(login_id.as_str())
        .bind(channel.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let account_id = AccountId::new(r.try_get("account_id").map_err(db)?);
        let account_failures = u32::try_from(r.try_get::<i64, _>("account_failures").map_err(db)?).map_err(corrupt)?;
        let code = match r.try_get::<Option<i64>, _>("code_id").map_err(db)? {
            None => None,
            Some(id) => {
                let state: String = r.try_get("state").map_err(db)?;
                Some(StoredCode {
                    id: CodeId::new(id),
                    account_id,
                    channel,
                    salt: r.try_get("salt").map_err(db)?,
                    mac: r.try_get("mac").map_err(db)?,
                    issued_at: from_ms(r.try_get("issued_at").map_err(db)?)?,
                    expires_at: from_ms(r.try_get("expires_at").map_err(db)?)?,
                    failures: u32::try_from(r.try_get::<i64, _>("failures").map_err(db)?).map_err(corrupt)?,
                    state: CodeState::parse(&state).ok_or_else(|| corrupt(format!("code state {state:?}")))?,
                })
            }
        };
        Ok(Some((account_id, account_failures, code)))
    }

    async fn record_wrong_code(
        &self,
        code_id: CodeId,
        account_id: AccountId,
        max: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let (code_id, account_id) = (code_id.get(), account_id.get());
        // Code entries are many and each is small: they go through a group commit of their
        // own, which locks their accounts first, as an account transaction does.
        if let Some(b) = &self.code_batch {
            return crate::batch::submit_wrong_code(b, code_id, account_id, max, now, audit).await;
        }
        let mut tx = self.account_tx(account_id).await?;
        let audit = Self::wrong_code_writes(&mut tx, code_id, account_id, max, audit).await?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)
    }

    async fn open_reset_session(
        &self,
        open: OpenSession,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let OpenSession { code_id, token_mac, max_failures, account_max_failures, expires_at } = open;
        let code_id = code_id.get();
        let Some(mut tx) =
            self.account_tx_of("SELECT account_id FROM reset_codes WHERE id = $1", Key::Id(code_id)).await?
        else {
            return Ok(false);
        };
        let r = sqlx::query(
            "UPDATE reset_codes SET state = state WHERE id = $1 AND state = 'active' AND failures < $2 AND expires_at > $3 \
             AND (SELECT code_failures FROM accounts WHERE accounts.id = reset_codes.account_id) < $4 \
             RETURNING account_id",
        )
        .bind(code_id)
        .bind(i64::from(max_failures))
        .bind(ms(now))
        .bind(i64::from(account_max_failures))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(false) };
        let account_id: i64 = r.try_get("account_id").map_err(db)?;
        sqlx::query("UPDATE reset_sessions SET state = 'ended' WHERE code_id = $1 AND state = 'open'")
            .bind(code_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query(
            "INSERT INTO reset_sessions (account_id, code_id, token_mac, state, expires_at, created_at) \
             VALUES ($1, $2, $3, 'open', $4, $5)",
        )
        .bind(account_id)
        .bind(code_id)
        .bind(token_mac)
        .bind(ms(expires_at))
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn reset_session(&self, token_mac: &[u8]) -> Result<Option<ResetSession>, StoreError> {
        let r =
            sqlx::query("SELECT id, account_id, code_id, expires_at, state FROM reset_sessions WHERE token_mac = $1")
                .bind(token_mac.to_vec())
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        Ok(Some(ResetSession {
            id: r.try_get("id").map_err(db)?,
            account_id: AccountId::new(r.try_get("account_id").map_err(db)?),
            code_id: CodeId::new(r.try_get("code_id").map_err(db)?),
            expires_at: from_ms(r.try_get("expires_at").map_err(db)?)?,
            open: r.try_get::<String, _>("state").map_err(db)? == "open",
        }))
    }

    async fn complete_reset(
        &self,
        reset: CompletedReset,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        // The account first, then the session, the code and the credentials: the order every
        // writer of an account keeps (see `tx`).
        let Some(mut tx) = self
            .account_tx_of("SELECT account_id FROM reset_sessions WHERE id = $1", Key::Id(reset.session_id))
            .await?
        else {
            return Ok(false);
        };
        let account_id = tx.account_id();
        let r = sqlx::query(
            "UPDATE reset_sessions SET state = 'spent' WHERE id = $1 AND state = 'open' AND expires_at > $2 \
             RETURNING code_id",
        )
        .bind(reset.session_id)
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(false) };
        let code_id: i64 = r.try_get("code_id").map_err(db)?;
        let spent =
            sqlx::query("UPDATE reset_codes SET state = 'spent' WHERE id = $1 AND state = 'active' RETURNING id")
                .bind(code_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        if spent.is_none() {
            return Ok(false);
        }
        for (name, hash) in &reset.changes {
            sqlx::query(
                "UPDATE credentials SET hash = $3, failures = 0, locked = 0, must_change = 0, changed_at = $4, \
                 hash_expires_at = NULL, temp_hash = NULL, temp_expires_at = NULL WHERE account_id = $1 AND name = $2",
            )
            .bind(account_id)
            .bind(name)
            .bind(hash)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        sqlx::query("UPDATE accounts SET code_failures = 0, updated_at = $2 WHERE id = $1")
            .bind(account_id)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        self.finish(tx, now, &reset.messages, &audit).await?;
        Ok(true)
    }
}

impl SqlStore {
    /// The writes of one wrong code entry, inside a transaction that holds the account's lock;
    /// returns its audit event with the outcome the writes found.
    pub(crate) async fn wrong_code_writes(
        tx: &mut sqlx::AnyConnection,
        code_id: i64,
        account_id: i64,
        max: u32,
        audit: AuditDraft,
    ) -> Result<AuditDraft, StoreError> {
        // The condition makes concurrent wrong entries count exactly up to `max`: each one
        // re-reads the row under its lock, and the last one turns the code dead.
        let r = sqlx::query(
            "UPDATE reset_codes SET failures = failures + 1, \
             state = CASE WHEN failures + 1 >= $2 THEN 'dead' ELSE state END \
             WHERE id = $1 AND state = 'active' AND failures < $2 RETURNING failures",
        )
        .bind(code_id)
        .bind(i64::from(max))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        // The account's count runs whether or not a code matched (adding nothing then), so
        // that an entry for an account without a code writes what a wrong one writes.
        let counted = i64::from(r.is_some());
        sqlx::query("UPDATE accounts SET code_failures = code_failures + $2 WHERE id = $1")
            .bind(account_id)
            .bind(counted)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let audit = match r {
            Some(r) => {
                let failures: i64 = r.try_get("failures").map_err(db)?;
                let killed = failures >= i64::from(max);
                if killed {
                    sqlx::query("UPDATE reset_sessions SET state = 'ended' WHERE code_id = $1 AND state = 'open'")
                        .bind(code_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                }
                audit
                    .outcome(if killed { "code_killed" } else { "wrong_code" })
                    .detail(serde_json::json!({ "failures": failures }))
            }
            // The code was used up in the meantime; other outcomes are the procedure's own.
            None if audit.outcome == "wrong_code" => audit.outcome("code_not_active"),
            None => audit,
        };
        Ok(audit)
    }
}
