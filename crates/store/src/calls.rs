//! Calls: the voice application, the call's states and PIN tries, and the code it speaks.

use async_trait::async_trait;
use reissue_core::audit::AuditDraft;
use reissue_core::ids::{AccountId, CallId};
use reissue_core::lifecycle::call::CallEvent;
use reissue_core::model::{Call, CallState};
use reissue_core::ports::{
    Attempt, Calls, IssuedVoiceCode, PinLimits, PinTry, StoreError, VoiceApplication, VoiceApplicationOutcome, WrongPin,
};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::tx::Key;
use crate::{SqlStore, corrupt, db, from_ms, ms};

const CALL_COLUMNS: &str = "c.id AS id, c.account_id AS account_id, a.login_id AS login_id, c.state AS state, c.pin_tries AS pin_tries, \
     c.provider_sid AS provider_sid, c.sealed_code AS sealed_code, c.created_at AS created_at";

/// Finds the account a call belongs to, so that it can be locked before the call's row.
const CALL_ACCOUNT: &str = "SELECT account_id FROM calls WHERE id = $1";

impl SqlStore {
    pub(crate) fn call_from_row(r: &AnyRow) -> Result<Call, StoreError> {
        let state: String = r.try_get("state").map_err(db)?;
        Ok(Call {
            id: CallId::parse(&r.try_get::<String, _>("id").map_err(db)?).ok_or_else(|| corrupt("a call ID"))?,
            account_id: AccountId::new(r.try_get("account_id").map_err(db)?),
            login_id: r.try_get("login_id").map_err(db)?,
            state: CallState::parse(&state).ok_or_else(|| corrupt(format!("call state {state:?}")))?,
            pin_tries: u32::try_from(r.try_get::<i64, _>("pin_tries").map_err(db)?).map_err(corrupt)?,
            provider_sid: r.try_get("provider_sid").map_err(db)?,
            sealed_code: r.try_get("sealed_code").map_err(db)?,
            created_at: from_ms(r.try_get("created_at").map_err(db)?)?,
        })
    }
}

#[async_trait]
impl Calls for SqlStore {
    async fn record_voice_application(
        &self,
        app: VoiceApplication,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<VoiceApplicationOutcome, StoreError> {
        let mut tx = self.account_tx(app.account_id.get()).await?;
        let count: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM voice_applications WHERE account_id = $1 AND created_at >= $2")
                .bind(app.account_id.get())
                .bind(ms(app.window_start))
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?
                .try_get("n")
                .map_err(db)?;
        if count >= i64::from(app.max_per_window) {
            self.audit(&mut tx, now, &audit.outcome("limited")).await?;
            tx.commit().await.map_err(db)?;
            return Ok(VoiceApplicationOutcome::Limited);
        }
        let live =
            sqlx::query("SELECT id FROM calls WHERE account_id = $1 AND state <> 'ended' AND updated_at >= $2 LIMIT 1")
                .bind(app.account_id.get())
                .bind(ms(app.live_call_cutoff))
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        let outcome = if !app.eligible {
            VoiceApplicationOutcome::Ineligible
        } else if live.is_some() {
            VoiceApplicationOutcome::CallAlreadyInProgress
        } else {
            VoiceApplicationOutcome::CallQueued
        };
        let call_id = (outcome == VoiceApplicationOutcome::CallQueued).then_some(app.call_id.as_str());
        sqlx::query(
            "INSERT INTO voice_applications (account_id, eligible, call_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(app.account_id.get())
        .bind(i64::from(app.eligible))
        .bind(call_id)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let audit = match outcome {
            VoiceApplicationOutcome::CallQueued => {
                sqlx::query(
                    "INSERT INTO calls (id, account_id, state, pin_tries, created_at, updated_at) VALUES ($1, $2, 'pending', 0, $3, $3)",
                )
                .bind(app.call_id.as_str())
                .bind(app.account_id.get())
                .bind(ms(now))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                self.enqueue(&mut tx, now, &app.message, Some(app.account_id.get())).await?;
                audit.outcome("call_queued")
            }
            VoiceApplicationOutcome::CallAlreadyInProgress => audit.outcome("call_in_progress"),
            _ => audit,
        };
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn call(&self, call_id: &CallId) -> Result<Option<Call>, StoreError> {
        let call_id = call_id.as_str();
        let r = sqlx::query(AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS} FROM calls c JOIN accounts a ON a.id = c.account_id WHERE c.id = $1"
        )))
        .bind(call_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        r.as_ref().map(Self::call_from_row).transpose()
    }

    async fn note_call_attempt(
        &self,
        call_id: &CallId,
        now: OffsetDateTime,
    ) -> Result<Option<(Call, Option<OffsetDateTime>)>, StoreError> {
        let call_id = call_id.as_str();
        let Some(mut tx) = self.account_tx_of(CALL_ACCOUNT, Key::Text(call_id)).await? else { return Ok(None) };
        let r = sqlx::query(AssertSqlSafe(format!(
            "SELECT {CALL_COLUMNS}, c.place_attempted_at AS place_attempted_at FROM calls c JOIN accounts a ON a.id = c.account_id WHERE c.id = $1"
        )))
        .bind(call_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let call = Self::call_from_row(&r)?;
        let previous = r.try_get::<Option<i64>, _>("place_attempted_at").map_err(db)?.map(from_ms).transpose()?;
        sqlx::query("UPDATE calls SET place_attempted_at = $2 WHERE id = $1")
            .bind(call_id)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Some((call, previous)))
    }

    async fn mark_call_placed(
        &self,
        call_id: &CallId,
        provider_sid: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let call_id = call_id.as_str();
        let Some(mut tx) = self.account_tx_of(CALL_ACCOUNT, Key::Text(call_id)).await? else { return Ok(()) };
        let sql = format!(
            "UPDATE calls SET provider_sid = $2, state = {}, updated_at = $3 WHERE id = $1",
            state_case(CallEvent::Accepted)
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(call_id)
            .bind(provider_sid)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn record_call_status(
        &self,
        call_id: &CallId,
        status: &str,
        event: CallEvent,
        now: OffsetDateTime,
        audit: Option<AuditDraft>,
    ) -> Result<(), StoreError> {
        let call_id = call_id.as_str();
        let Some(mut tx) = self.account_tx_of(CALL_ACCOUNT, Key::Text(call_id)).await? else {
            // An unknown call changes nothing; what was reported is still recorded.
            if let Some(a) = audit {
                let mut tx = self.global_tx().await?;
                self.audit(&mut tx, now, &a).await?;
                tx.commit().await.map_err(db)?;
            }
            return Ok(());
        };
        // An ended call keeps no sealed code.
        let sealed = if matches!(event, CallEvent::End(_)) { ", sealed_code = NULL" } else { "" };
        let sql = format!(
            "UPDATE calls SET last_status = $2, updated_at = $3, state = {}{sealed} WHERE id = $1",
            state_case(event)
        );
        sqlx::query(AssertSqlSafe(sql)).bind(call_id).bind(status).bind(ms(now)).execute(&mut *tx).await.map_err(db)?;
        if let Some(a) = audit {
            self.audit(&mut tx, now, &a).await?;
        }
        tx.commit().await.map_err(db)
    }

    async fn reserve_pin_try(
        &self,
        call_id: &CallId,
        credential: &str,
        limits: PinLimits,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<PinTry, StoreError> {
        let call_id = call_id.as_str();
        let PinLimits { max_failures, max_tries } = limits;
        let Some(mut tx) = self.account_tx_of(CALL_ACCOUNT, Key::Text(call_id)).await? else {
            return Ok(PinTry::CallOver);
        };
        let account_id = tx.account_id();
        let call = sqlx::query(
            "UPDATE calls SET pin_tries = pin_tries + 1, updated_at = $2 \
             WHERE id = $1 AND state IN ('placed', 'in_progress') AND pin_tries < $3 RETURNING pin_tries",
        )
        .bind(call_id)
        .bind(ms(now))
        .bind(i64::from(max_tries))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if call.is_none() {
            return Ok(PinTry::CallOver);
        }
        let counted = Self::count_attempt(&mut tx, account_id, credential, max_failures, now).await?;
        if !counted {
            // Nothing is checked, so the call's try is taken back. Tries counted long ago and
            // never settled are settled as failures (the credential locks, audited).
            return match self.settle_stale(&mut tx, account_id, credential, stale_before, now, &audit).await? {
                // Other checks of the credential (sign-in) fill its budget just now.
                Attempt::Busy => Ok(PinTry::Busy),
                _ => {
                    sqlx::query("UPDATE calls SET pin_tries = pin_tries - 1 WHERE id = $1")
                        .bind(call_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    tx.commit().await.map_err(db)?;
                    Ok(PinTry::Locked)
                }
            };
        }
        self.audit(&mut tx, now, &audit.outcome("reserved")).await?;
        tx.commit().await.map_err(db)?;
        Ok(PinTry::Allowed)
    }

    async fn release_pin_try(
        &self,
        call_id: &CallId,
        credential: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let call_id = call_id.as_str();
        let Some(mut tx) = self.account_tx_of(CALL_ACCOUNT, Key::Text(call_id)).await? else { return Ok(()) };
        let account_id = tx.account_id();
        sqlx::query("UPDATE calls SET pin_tries = pin_tries - 1 WHERE id = $1 AND pin_tries > 0")
            .bind(call_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        Self::uncount_attempt(&mut tx, account_id, credential).await?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)
    }

    async fn record_wrong_pin(
        &self,
        call_id: &CallId,
        credential: &str,
        max_failures: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<WrongPin, StoreError> {
        let call_id = call_id.as_str();
        let mut tx = self
            .account_tx_of(CALL_ACCOUNT, Key::Text(call_id))
            .await?
            .ok_or_else(|| corrupt(format!("call {call_id} vanished")))?;
        let account_id = tx.account_id();
        let tries: i64 = sqlx::query("SELECT pin_tries FROM calls WHERE id = $1")
            .bind(call_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?
            .try_get("pin_tries")
            .map_err(db)?;
        let locked = Self::lock_if_spent(&mut tx, account_id, credential, max_failures).await?.unwrap_or(false);
        let audit =
            audit.detail(serde_json::json!({ "credential": credential, "locked": locked, "call_tries": tries }));
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(WrongPin { tries_used_in_call: u32::try_from(tries).map_err(corrupt)?, credential_locked: locked })
    }

    async fn issue_voice_code(
        &self,
        issued: IssuedVoiceCode,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.account_tx(issued.code.account_id.get()).await?;
        let live = sqlx::query(
            "UPDATE calls SET state = 'code_issued', sealed_code = $2, updated_at = $3 \
             WHERE id = $1 AND state IN ('placed', 'in_progress') RETURNING id",
        )
        .bind(issued.call_id.as_str())
        .bind(issued.sealed_code.clone())
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if live.is_none() {
            return Ok(false);
        }
        let unlocked = sqlx::query(
            "UPDATE credentials SET failures = 0 WHERE account_id = $1 AND name = $2 AND locked = 0 RETURNING failures",
        )
        .bind(issued.code.account_id.get())
        .bind(&issued.gate_credential)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if unlocked.is_none() {
            return Ok(false);
        }
        let c = &issued.code;
        Self::void_ways_back_in(&mut tx, c.account_id.get(), ms(now)).await?;
        sqlx::query(
            "INSERT INTO reset_codes (account_id, channel, salt, mac, issued_at, expires_at, failures, state) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, 'active')",
        )
        .bind(c.account_id.get())
        .bind(c.channel.as_str())
        .bind(c.salt.clone())
        .bind(c.mac.clone())
        .bind(ms(c.issued_at))
        .bind(ms(c.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        self.finish(tx, now, &issued.messages, &audit).await?;
        Ok(true)
    }
}

/// The new state of a call after `event`, as SQL: the lifecycle's table of moves
/// (`CallState::moves`) written as one `CASE`, so the decision stays in core and the write
/// stays one conditional statement. Only the states' fixed names go into the text.
fn state_case(event: CallEvent) -> String {
    let arms: String = CallState::moves(event)
        .into_iter()
        .map(|(from, to)| format!("WHEN state = '{}' THEN '{}' ", from.as_str(), to.as_str()))
        .collect();
    if arms.is_empty() { "state".into() } else { format!("CASE {arms}ELSE state END") }
}
