//! The help desk: account search, what the account view shows beyond the account itself,
//! staff actions on an account or a channel, and actions waiting for a second approval. Every
//! write of an account's rows locks the account first (`account_tx`).

use async_trait::async_trait;
use reissue_core::account::{Address, LoginId};
use reissue_core::audit::{AuditDraft, AuditEvent};
use reissue_core::ids::{AccountId, CodeId};
use reissue_core::lifecycle::call::CallState;
use reissue_core::lifecycle::code::CodeState;
use reissue_core::model::StoredCode;
use reissue_core::outbox::{MessageBody, OutboxMessage};
use reissue_core::ports::StoreError;
use reissue_core::ports::helpdesk::{
    AccountSearch, CallView, Channel, ChannelPause, Delivery, HelpDesk, PendingAction, Standing,
};
use reissue_core::ports::postal::{AddressFlag, Hold, HoldKind};
use reissue_core::rules::CodeChannel;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::audit::{EVENT_COLUMNS, event_from_row};
use crate::{SqlStore, corrupt, db, from_ms, ms};

fn action_from_row(r: &AnyRow) -> Result<PendingAction, StoreError> {
    Ok(PendingAction {
        id: r.try_get("id").map_err(db)?,
        action: r.try_get("action").map_err(db)?,
        login_id: r.try_get("login_id").map_err(db)?,
        payload: serde_json::from_str(&r.try_get::<String, _>("payload").map_err(db)?).map_err(corrupt)?,
        requested_by: r.try_get("requested_by").map_err(db)?,
        requested_at: from_ms(r.try_get("requested_at").map_err(db)?)?,
        state: r.try_get("state").map_err(db)?,
        decided_by: r.try_get("decided_by").map_err(db)?,
        decided_at: r.try_get::<Option<i64>, _>("decided_at").map_err(db)?.map(from_ms).transpose()?,
        outcome: r.try_get("outcome").map_err(db)?,
    })
}

#[async_trait]
impl HelpDesk for SqlStore {
    async fn search_accounts(
        &self,
        search: &AccountSearch,
        limit: u32,
    ) -> Result<Vec<reissue_core::account::Profile>, StoreError> {
        let mut filters = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        let mut bind = |filters: &mut Vec<String>, sql: &str, value: String| {
            binds.push(value);
            filters.push(sql.replace('?', &format!("${}", binds.len())));
        };
        if let Some(n) = &search.name {
            bind(&mut filters, "family_name = ?", n.family().to_owned());
            bind(&mut filters, "given_name = ?", n.given().to_owned());
        }
        if let Some(p) = &search.phone {
            bind(&mut filters, "phone = ?", p.as_str().to_owned());
        }
        if let Some(k) = &search.name_kana {
            bind(&mut filters, "REPLACE(name_kana, ' ', '') = ?", k.key());
        }
        if let Some(d) = search.birth_date {
            bind(&mut filters, "birth_date = ?", reissue_core::account::format_date(d));
        }
        if filters.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT login_id FROM accounts WHERE {} ORDER BY login_id LIMIT {}",
            filters.join(" AND "),
            limit.min(1000)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        let mut out = Vec::new();
        for r in q.fetch_all(&self.pool).await.map_err(db)? {
            let login = LoginId::parse(&r.try_get::<String, _>("login_id").map_err(db)?).map_err(corrupt)?;
            if let Some(a) = reissue_core::ports::Accounts::account(self, &login).await? {
                out.push(a.profile);
            }
        }
        Ok(out)
    }

    async fn account_standing(&self, account_id: AccountId) -> Result<Standing, StoreError> {
        let flag = sqlx::query("SELECT address, reason, flagged_at FROM address_flags WHERE account_id = $1")
            .bind(account_id.get())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        let address_flag = match flag {
            Some(r) => Some(AddressFlag {
                address: serde_json::from_str::<Address>(&r.try_get::<String, _>("address").map_err(db)?)
                    .map_err(corrupt)?,
                reason: r.try_get("reason").map_err(db)?,
                flagged_at: from_ms(r.try_get("flagged_at").map_err(db)?)?,
            }),
            None => None,
        };
        let holds =
            sqlx::query("SELECT kind, reason, set_by, set_at FROM account_holds WHERE account_id = $1 ORDER BY kind")
                .bind(account_id.get())
                .fetch_all(&self.pool)
                .await
                .map_err(db)?
                .iter()
                .map(|r| {
                    let kind: String = r.try_get("kind").map_err(db)?;
                    Ok(Hold {
                        kind: HoldKind::parse(&kind).ok_or_else(|| corrupt(format!("hold kind {kind:?}")))?,
                        reason: r.try_get("reason").map_err(db)?,
                        set_by: r.try_get("set_by").map_err(db)?,
                        set_at: from_ms(r.try_get("set_at").map_err(db)?)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Standing { address_flag, holds })
    }

    async fn active_code(&self, account_id: AccountId) -> Result<Option<StoredCode>, StoreError> {
        let r = sqlx::query(
            "SELECT id, channel, salt, mac, issued_at, expires_at, failures, state FROM reset_codes \
             WHERE account_id = $1 AND state = 'active' ORDER BY id DESC LIMIT 1",
        )
        .bind(account_id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let channel: String = r.try_get("channel").map_err(db)?;
        let state: String = r.try_get("state").map_err(db)?;
        Ok(Some(StoredCode {
            id: CodeId::new(r.try_get("id").map_err(db)?),
            account_id,
            channel: CodeChannel::parse(&channel).ok_or_else(|| corrupt(format!("code channel {channel:?}")))?,
            salt: r.try_get("salt").map_err(db)?,
            mac: r.try_get("mac").map_err(db)?,
            issued_at: from_ms(r.try_get("issued_at").map_err(db)?)?,
            expires_at: from_ms(r.try_get("expires_at").map_err(db)?)?,
            failures: u32::try_from(r.try_get::<i64, _>("failures").map_err(db)?).map_err(corrupt)?,
            state: CodeState::parse(&state).ok_or_else(|| corrupt(format!("code state {state:?}")))?,
        }))
    }

    async fn calls_of_account(&self, account_id: AccountId, limit: u32) -> Result<Vec<CallView>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, state, last_status, created_at, updated_at FROM calls WHERE account_id = $1 \
             ORDER BY created_at DESC LIMIT $2",
        )
        .bind(account_id.get())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state").map_err(db)?;
                Ok(CallView {
                    id: r.try_get("id").map_err(db)?,
                    state: CallState::parse(&state).ok_or_else(|| corrupt(format!("call state {state:?}")))?,
                    last_status: r.try_get("last_status").map_err(db)?,
                    created_at: from_ms(r.try_get("created_at").map_err(db)?)?,
                    updated_at: from_ms(r.try_get("updated_at").map_err(db)?)?,
                })
            })
            .collect()
    }

    async fn deliveries(&self, account_id: AccountId, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, state, attempts, payload, created_at, done_at FROM outbox WHERE account_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(account_id.get())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                let payload: OutboxMessage =
                    serde_json::from_str(&r.try_get::<String, _>("payload").map_err(db)?).map_err(corrupt)?;
                let subject = match payload.body {
                    MessageBody::Email { subject, .. } | MessageBody::SealedEmail { subject, .. } => Some(subject),
                    _ => None,
                };
                Ok(Delivery {
                    id: r.try_get("id").map_err(db)?,
                    kind: r.try_get("kind").map_err(db)?,
                    state: r.try_get("state").map_err(db)?,
                    attempts: u32::try_from(r.try_get::<i64, _>("attempts").map_err(db)?).map_err(corrupt)?,
                    subject,
                    created_at: from_ms(r.try_get("created_at").map_err(db)?)?,
                    done_at: r.try_get::<Option<i64>, _>("done_at").map_err(db)?.map(from_ms).transpose()?,
                })
            })
            .collect()
    }

    async fn account_history(&self, login_id: &str, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM audit_events WHERE login_id = $1 ORDER BY seq DESC LIMIT $2");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(login_id.to_owned())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(event_from_row).collect()
    }

    async fn void_codes(
        &self,
        account_id: AccountId,
        messages: Vec<OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<u64, StoreError> {
        let (account, t) = (account_id.get(), ms(now));
        let mut tx = self.account_tx(account).await?;
        let n = Self::void_ways_back_in(&mut tx, account, t).await?;
        if n == 0 {
            // Nothing to void: the transaction ends without a write.
            return Ok(0);
        }
        self.finish(tx, now, &messages, &audit).await?;
        Ok(n)
    }

    async fn unlock_credential(
        &self,
        account_id: AccountId,
        credential: &str,
        messages: Vec<OutboxMessage>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.account_tx(account_id.get()).await?;
        let hit = sqlx::query(
            "UPDATE credentials SET locked = 0, failures = 0, reserved_at = NULL \
             WHERE account_id = $1 AND name = $2 AND locked = 1 RETURNING name",
        )
        .bind(account_id.get())
        .bind(credential)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if hit.is_none() {
            return Ok(false);
        }
        self.finish(tx, now, &messages, &audit).await?;
        Ok(true)
    }

    async fn put_hold(
        &self,
        account_id: AccountId,
        hold: Hold,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let (account, t) = (account_id.get(), ms(now));
        let mut tx = self.account_tx(account).await?;
        let hit = sqlx::query(
            "INSERT INTO account_holds (account_id, kind, reason, set_by, set_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (account_id, kind) DO NOTHING RETURNING kind",
        )
        .bind(account)
        .bind(hold.kind.as_str())
        .bind(hold.reason.clone())
        .bind(hold.set_by.clone())
        .bind(ms(hold.set_at))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if hit.is_none() {
            return Ok(false);
        }
        if hold.kind == HoldKind::Fraud {
            Self::void_recovery(&mut tx, account, t).await?;
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn lift_hold(
        &self,
        account_id: AccountId,
        kind: HoldKind,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.account_tx(account_id.get()).await?;
        let n = sqlx::query("DELETE FROM account_holds WHERE account_id = $1 AND kind = $2")
            .bind(account_id.get())
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn set_suspended(
        &self,
        account_id: AccountId,
        suspended: bool,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let (account, t) = (account_id.get(), ms(now));
        let status = if suspended { "suspended" } else { "active" };
        let mut tx = self.account_tx(account).await?;
        let hit =
            sqlx::query("UPDATE accounts SET status = $2, updated_at = $3 WHERE id = $1 AND status <> $2 RETURNING id")
                .bind(account)
                .bind(status)
                .bind(t)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        if hit.is_none() {
            return Ok(false);
        }
        if suspended {
            Self::void_recovery(&mut tx, account, t).await?;
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn pause_channel(
        &self,
        pause: ChannelPause,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.global_tx().await?;
        let hit = sqlx::query(
            "INSERT INTO channel_pauses (channel, reason, paused_by, paused_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (channel) DO NOTHING RETURNING channel",
        )
        .bind(pause.channel.as_str())
        .bind(pause.reason.clone())
        .bind(pause.paused_by.clone())
        .bind(ms(pause.paused_at))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if hit.is_none() {
            return Ok(false);
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn resume_channel(
        &self,
        channel: Channel,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.global_tx().await?;
        let n = sqlx::query("DELETE FROM channel_pauses WHERE channel = $1")
            .bind(channel.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn channel_pauses(&self) -> Result<Vec<ChannelPause>, StoreError> {
        let rows = sqlx::query("SELECT channel, reason, paused_by, paused_at FROM channel_pauses ORDER BY channel")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                let c: String = r.try_get("channel").map_err(db)?;
                Ok(ChannelPause {
                    channel: Channel::parse(&c).ok_or_else(|| corrupt(format!("channel {c:?}")))?,
                    reason: r.try_get("reason").map_err(db)?,
                    paused_by: r.try_get("paused_by").map_err(db)?,
                    paused_at: from_ms(r.try_get("paused_at").map_err(db)?)?,
                })
            })
            .collect()
    }

    async fn queue_action(
        &self,
        action: &str,
        login_id: Option<&str>,
        payload: serde_json::Value,
        requested_by: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<i64, StoreError> {
        let mut tx = self.global_tx().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO pending_actions (action, login_id, payload, requested_by, requested_at, state) \
             VALUES ($1, $2, $3, $4, $5, 'pending') RETURNING id",
        )
        .bind(action)
        .bind(login_id.map(str::to_owned))
        .bind(payload.to_string())
        .bind(requested_by)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get("id")
        .map_err(db)?;
        let mut audit = audit;
        audit.detail["pending_action"] = serde_json::json!(id);
        self.finish(tx, now, &[], &audit).await?;
        Ok(id)
    }

    async fn actions(&self, limit: u32) -> Result<Vec<PendingAction>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM pending_actions ORDER BY CASE WHEN state = 'pending' THEN 0 ELSE 1 END, id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(action_from_row).collect()
    }

    async fn action(&self, id: i64) -> Result<Option<PendingAction>, StoreError> {
        sqlx::query("SELECT * FROM pending_actions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .as_ref()
            .map(action_from_row)
            .transpose()
    }

    async fn decide_action(
        &self,
        id: i64,
        from: &str,
        to: &str,
        decided_by: &str,
        outcome: Option<&str>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.global_tx().await?;
        let hit = sqlx::query(
            "UPDATE pending_actions SET state = $3, decided_by = $4, decided_at = $5, outcome = $6 \
             WHERE id = $1 AND state = $2 RETURNING id",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(decided_by)
        .bind(ms(now))
        .bind(outcome.map(str::to_owned))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if hit.is_none() {
            return Ok(false);
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }
}
