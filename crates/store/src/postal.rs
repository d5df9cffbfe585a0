//! Letters (P4): the application, the print batches, the vendor's tracking numbers and
//! returns. Every write that touches letters locks their accounts first (`accounts_tx`), like
//! every other write of an account's rows; a batch's close and export lock every account in
//! it, in ID order.

use async_trait::async_trait;
use reissue_core::audit::AuditDraft;
use reissue_core::ids::AccountId;
use reissue_core::lifecycle::code::CodeState;
use reissue_core::lifecycle::letter::{BatchState, LetterEvent, LetterState};
use reissue_core::ports::StoreError;
use reissue_core::ports::postal::{
    Acceptance, Batch, LetterCount, LetterRecipient, LetterReturn, LetterToPrint, LetterView, NewLetter, Postal, Queue,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::{SqlStore, corrupt, db, from_ms, ms};

const LETTER_COLUMNS: &str = "l.id, l.account_id, a.login_id, l.state, l.recipient, l.batch_id, l.applied_by, \
     l.reason, l.identity_checks, l.tracking_number, l.accepted_on, l.return_reason, l.returned_on, l.created_at, \
     l.updated_at, c.state AS code_state, c.expires_at AS code_expires_at";

const LETTER_FROM: &str =
    "FROM letters l JOIN accounts a ON a.id = l.account_id LEFT JOIN reset_codes c ON c.id = l.code_id";

/// `'a', 'b'`: the states a letter may be in when `event` happens, for a conditional write.
fn states_before(event: LetterEvent) -> String {
    LetterState::before(event).iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn letter_from_row(r: &AnyRow) -> Result<LetterView, StoreError> {
    let state: String = r.try_get("state").map_err(db)?;
    let code = match (
        r.try_get::<Option<String>, _>("code_state").map_err(db)?,
        r.try_get::<Option<i64>, _>("code_expires_at").map_err(db)?,
    ) {
        (Some(s), Some(t)) => {
            Some((CodeState::parse(&s).ok_or_else(|| corrupt(format!("code state {s:?}")))?, from_ms(t)?))
        }
        _ => None,
    };
    let recipient: LetterRecipient =
        serde_json::from_str(&r.try_get::<String, _>("recipient").map_err(db)?).map_err(corrupt)?;
    let checks: Vec<String> =
        serde_json::from_str(&r.try_get::<String, _>("identity_checks").map_err(db)?).map_err(corrupt)?;
    let o = |c: &str| r.try_get::<Option<String>, _>(c).map_err(db);
    Ok(LetterView {
        id: r.try_get("id").map_err(db)?,
        account_id: AccountId::new(r.try_get("account_id").map_err(db)?),
        login_id: r.try_get("login_id").map_err(db)?,
        state: LetterState::parse(&state).ok_or_else(|| corrupt(format!("letter state {state:?}")))?,
        code,
        recipient,
        batch_id: r.try_get("batch_id").map_err(db)?,
        applied_by: r.try_get("applied_by").map_err(db)?,
        reason: r.try_get("reason").map_err(db)?,
        identity_checks: checks,
        tracking_number: o("tracking_number")?,
        accepted_on: o("accepted_on")?,
        return_reason: o("return_reason")?,
        returned_on: o("returned_on")?,
        created_at: from_ms(r.try_get("created_at").map_err(db)?)?,
        updated_at: from_ms(r.try_get("updated_at").map_err(db)?)?,
    })
}

fn batch_from_row(r: &AnyRow) -> Result<Batch, StoreError> {
    let state: String = r.try_get("state").map_err(db)?;
    Ok(Batch {
        id: r.try_get("id").map_err(db)?,
        state: BatchState::parse(&state).ok_or_else(|| corrupt(format!("batch state {state:?}")))?,
        letters: u32::try_from(r.try_get::<i64, _>("letters").map_err(db)?).map_err(corrupt)?,
        closed_by: r.try_get("closed_by").map_err(db)?,
        closed_at: from_ms(r.try_get("closed_at").map_err(db)?)?,
        exported_by: r.try_get("exported_by").map_err(db)?,
        exported_at: r.try_get::<Option<i64>, _>("exported_at").map_err(db)?.map(from_ms).transpose()?,
        protection: r.try_get("protection").map_err(db)?,
    })
}

impl SqlStore {
    /// Withdraws the account's letters that have not left yet and wipes their sealed codes:
    /// whatever voids the account's codes (a newer code, a suspension) calls this in the same
    /// transaction, so that no letter is printed with a dead code.
    pub(crate) async fn withdraw_unsent_letters(
        tx: &mut AnyConnection,
        account_id: i64,
        t: i64,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "UPDATE letters SET state = 'withdrawn', sealed_code = NULL, updated_at = $2 \
             WHERE account_id = $1 AND state IN ({})",
            states_before(LetterEvent::Withdrawn)
        );
        Ok(sqlx::query(AssertSqlSafe(sql))
            .bind(account_id)
            .bind(t)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected())
    }

    /// Voids the account's active codes (either channel), ends its open reset sessions and
    /// withdraws its unsent letters: what every new code, and the help desk's void, does first.
    /// Returns how many codes were voided.
    pub(crate) async fn void_ways_back_in(tx: &mut AnyConnection, account_id: i64, t: i64) -> Result<u64, StoreError> {
        let n = sqlx::query("UPDATE reset_codes SET state = 'void' WHERE account_id = $1 AND state = 'active'")
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        sqlx::query("UPDATE reset_sessions SET state = 'ended' WHERE account_id = $1 AND state = 'open'")
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        Self::withdraw_unsent_letters(tx, account_id, t).await?;
        Ok(n)
    }

    async fn letters_where(&self, filter: &str, binds: &[i64]) -> Result<Vec<LetterView>, StoreError> {
        let sql = format!("SELECT {LETTER_COLUMNS} {LETTER_FROM} WHERE {filter} ORDER BY l.id");
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(*b);
        }
        q.fetch_all(&self.pool).await.map_err(db)?.iter().map(letter_from_row).collect()
    }

    /// The accounts of the letters in `state` (and `batch_id`, when given), to lock.
    async fn accounts_of_letters(&self, state: LetterState, batch_id: Option<i64>) -> Result<Vec<i64>, StoreError> {
        let rows = match batch_id {
            Some(b) => {
                sqlx::query("SELECT DISTINCT account_id FROM letters WHERE state = $1 AND batch_id = $2")
                    .bind(state.as_str())
                    .bind(b)
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query("SELECT DISTINCT account_id FROM letters WHERE state = $1")
                    .bind(state.as_str())
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(db)?;
        rows.iter().map(|r| r.try_get::<i64, _>("account_id").map_err(db)).collect()
    }
}

#[async_trait]
impl Postal for SqlStore {
    async fn record_postal_application(
        &self,
        letter: NewLetter,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<i64, StoreError> {
        let account = letter.account_id.get();
        let t = ms(now);
        let mut tx = self.account_tx(account).await?;
        Self::void_ways_back_in(&mut tx, account, t).await?;
        let c = &letter.code;
        let code_id: i64 = sqlx::query(
            "INSERT INTO reset_codes (account_id, channel, salt, mac, issued_at, expires_at, failures, state) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, 'active') RETURNING id",
        )
        .bind(account)
        .bind(c.channel.as_str())
        .bind(c.salt.clone())
        .bind(c.mac.clone())
        .bind(ms(c.issued_at))
        .bind(ms(c.expires_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get("id")
        .map_err(db)?;
        let letter_id: i64 = sqlx::query(
            "INSERT INTO letters (account_id, kind, state, code_id, sealed_code, recipient, applied_by, reason, \
             identity_checks, created_at, updated_at) \
             VALUES ($1, 'postal_code', 'queued', $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(account)
        .bind(code_id)
        .bind(letter.sealed_code.clone())
        .bind(serde_json::to_string(&letter.recipient).map_err(corrupt)?)
        .bind(letter.applied_by.clone())
        .bind(letter.reason.clone())
        .bind(serde_json::to_string(&letter.identity_checks).map_err(corrupt)?)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get("id")
        .map_err(db)?;
        let mut audit = audit;
        audit.detail["letter"] = serde_json::json!(reissue_core::procedures::postal::letter_reference(letter_id));
        self.finish(tx, now, &letter.messages, &audit).await?;
        Ok(letter_id)
    }

    async fn letters_of_account(&self, account_id: AccountId) -> Result<Vec<LetterView>, StoreError> {
        self.letters_where("l.account_id = $1", &[account_id.get()]).await
    }

    async fn letters_by_id(&self, ids: &[i64]) -> Result<Vec<LetterView>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            out.extend(self.letters_where(&format!("l.id IN ({})", placeholders(1, chunk.len())), chunk).await?);
        }
        Ok(out)
    }

    async fn queue(&self) -> Result<Queue, StoreError> {
        let r = sqlx::query("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM letters WHERE state = 'queued'")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        Ok(Queue {
            letters: u64::try_from(r.try_get::<i64, _>("n").map_err(db)?).map_err(corrupt)?,
            oldest: r.try_get::<Option<i64>, _>("oldest").map_err(db)?.map(from_ms).transpose()?,
        })
    }

    async fn close_batch(
        &self,
        actor: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Option<Batch>, StoreError> {
        let accounts = self.accounts_of_letters(LetterState::Queued, None).await?;
        if accounts.is_empty() {
            return Ok(None);
        }
        let t = ms(now);
        let mut tx = self.accounts_tx(accounts.clone()).await?;
        let batch_id: i64 = sqlx::query(
            "INSERT INTO print_batches (state, letters, closed_by, closed_at) VALUES ('closed', 0, $1, $2) RETURNING id",
        )
        .bind(actor)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get("id")
        .map_err(db)?;
        // Only the letters of the accounts locked: one queued meanwhile for another account
        // waits for the next batch.
        let mut moved = 0u64;
        for chunk in accounts.chunks(500) {
            let sql = format!(
                "UPDATE letters SET state = 'in_batch', batch_id = $1, updated_at = $2 \
                 WHERE state = 'queued' AND account_id IN ({})",
                placeholders(3, chunk.len())
            );
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(batch_id).bind(t);
            for a in chunk {
                q = q.bind(*a);
            }
            moved += q.execute(&mut *tx).await.map_err(db)?.rows_affected();
        }
        if moved == 0 {
            return Ok(None);
        }
        let n = i64::try_from(moved).map_err(corrupt)?;
        sqlx::query("UPDATE print_batches SET letters = $2 WHERE id = $1")
            .bind(batch_id)
            .bind(n)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let audit = audit.detail(serde_json::json!({ "batch": batch_id, "letters": n }));
        self.finish(tx, now, &[], &audit).await?;
        self.batch(batch_id).await
    }

    async fn batch(&self, id: i64) -> Result<Option<Batch>, StoreError> {
        sqlx::query("SELECT * FROM print_batches WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .as_ref()
            .map(batch_from_row)
            .transpose()
    }

    async fn batches(&self, limit: u32) -> Result<Vec<Batch>, StoreError> {
        sqlx::query("SELECT * FROM print_batches ORDER BY id DESC LIMIT $1")
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(batch_from_row)
            .collect()
    }

    async fn letters_to_print(&self, batch_id: i64) -> Result<Vec<LetterToPrint>, StoreError> {
        let rows = sqlx::query(
            "SELECT l.id, l.account_id, l.recipient, l.sealed_code, l.applied_by, c.salt, c.issued_at, c.expires_at \
             FROM letters l JOIN reset_codes c ON c.id = l.code_id \
             WHERE l.batch_id = $1 AND l.state = 'in_batch' AND l.sealed_code IS NOT NULL ORDER BY l.id",
        )
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(LetterToPrint {
                    id: r.try_get("id").map_err(db)?,
                    account_id: AccountId::new(r.try_get("account_id").map_err(db)?),
                    recipient: serde_json::from_str(&r.try_get::<String, _>("recipient").map_err(db)?)
                        .map_err(corrupt)?,
                    sealed_code: r.try_get("sealed_code").map_err(db)?,
                    code_salt: r.try_get("salt").map_err(db)?,
                    issued_at: from_ms(r.try_get("issued_at").map_err(db)?)?,
                    expires_at: from_ms(r.try_get("expires_at").map_err(db)?)?,
                    applied_by: r.try_get("applied_by").map_err(db)?,
                })
            })
            .collect()
    }

    async fn mark_batch_exported(
        &self,
        batch_id: i64,
        actor: &str,
        protection: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let accounts = self.accounts_of_letters(LetterState::InBatch, Some(batch_id)).await?;
        let t = ms(now);
        let mut tx = self.accounts_tx(accounts).await?;
        let done = sqlx::query(
            "UPDATE print_batches SET state = 'exported', exported_by = $2, exported_at = $3, protection = $4 \
             WHERE id = $1 AND state = 'closed' RETURNING id",
        )
        .bind(batch_id)
        .bind(actor)
        .bind(t)
        .bind(protection)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if done.is_none() {
            return Ok(false);
        }
        let n = sqlx::query(
            "UPDATE letters SET state = 'exported', sealed_code = NULL, updated_at = $2 \
             WHERE batch_id = $1 AND state = 'in_batch'",
        )
        .bind(batch_id)
        .bind(t)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        let mut audit = audit;
        audit.detail["letters"] = serde_json::json!(n);
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn record_acceptances(
        &self,
        accepted: Vec<Acceptance>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let t = ms(now);
        let mut tx = self.accounts_tx(accepted.iter().map(|a| a.account_id.get()).collect()).await?;
        let sql = format!(
            "UPDATE letters SET state = 'accepted', tracking_number = $2, accepted_on = $3, updated_at = $4 \
             WHERE id = $1 AND state IN ({}) RETURNING id",
            states_before(LetterEvent::Accepted)
        );
        for a in &accepted {
            let hit = sqlx::query(AssertSqlSafe(sql.clone()))
                .bind(a.letter_id)
                .bind(a.tracking_number.clone())
                .bind(a.accepted_on.clone())
                .bind(t)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
            if hit.is_none() {
                return Ok(false);
            }
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn record_returns(
        &self,
        returns: Vec<LetterReturn>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let t = ms(now);
        let mut tx = self.accounts_tx(returns.iter().map(|r| r.account_id.get()).collect()).await?;
        let sql = format!(
            "UPDATE letters SET state = 'returned', return_reason = $2, returned_on = $3, updated_at = $4 \
             WHERE id = $1 AND state IN ({}) RETURNING code_id",
            states_before(LetterEvent::Returned)
        );
        let mut events = Vec::with_capacity(returns.len() + 1);
        for r in &returns {
            let Some(hit) = sqlx::query(AssertSqlSafe(sql.clone()))
                .bind(r.letter_id)
                .bind(r.reason.clone())
                .bind(r.returned_on.clone())
                .bind(t)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?
            else {
                return Ok(false);
            };
            if let Some(code_id) = hit.try_get::<Option<i64>, _>("code_id").map_err(db)? {
                sqlx::query("UPDATE reset_codes SET state = 'void' WHERE id = $1 AND state = 'active'")
                    .bind(code_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                sqlx::query("UPDATE reset_sessions SET state = 'ended' WHERE code_id = $1 AND state = 'open'")
                    .bind(code_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
            }
            let account = r.account_id.get();
            if let Some(address) = &r.flag_address {
                sqlx::query(
                    "INSERT INTO address_flags (account_id, address, reason, letter_id, flagged_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id) DO UPDATE SET address = excluded.address, \
                     reason = excluded.reason, letter_id = excluded.letter_id, flagged_at = excluded.flagged_at",
                )
                .bind(account)
                .bind(serde_json::to_string(address).map_err(corrupt)?)
                .bind(r.reason.clone())
                .bind(r.letter_id)
                .bind(t)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            if r.review {
                sqlx::query(
                    "INSERT INTO account_holds (account_id, kind, reason, set_by, set_at) \
                     VALUES ($1, 'review', $2, $3, $4) ON CONFLICT (account_id, kind) DO NOTHING",
                )
                .bind(account)
                .bind(format!(
                    "letter {} {}",
                    reissue_core::procedures::postal::letter_reference(r.letter_id),
                    r.reason
                ))
                .bind(r.audit.actor.clone())
                .bind(t)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            for m in &r.messages {
                self.enqueue(&mut tx, now, m, Some(account)).await?;
            }
            events.push((now, &r.audit));
        }
        events.push((now, &audit));
        self.audit_many(&mut tx, &events).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn letter_counts(&self, now: OffsetDateTime) -> Result<Vec<LetterCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT l.state, c.state AS code_state, CASE WHEN c.expires_at <= $1 THEN 1 ELSE 0 END AS expired, \
             COUNT(*) AS n FROM letters l LEFT JOIN reset_codes c ON c.id = l.code_id \
             GROUP BY l.state, c.state, CASE WHEN c.expires_at <= $1 THEN 1 ELSE 0 END",
        )
        .bind(ms(now))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state").map_err(db)?;
                let code: Option<String> = r.try_get("code_state").map_err(db)?;
                Ok(LetterCount {
                    state: LetterState::parse(&state).ok_or_else(|| corrupt(format!("letter state {state:?}")))?,
                    code: code
                        .map(|c| CodeState::parse(&c).ok_or_else(|| corrupt(format!("code state {c:?}"))))
                        .transpose()?,
                    code_expired: r.try_get::<i64, _>("expired").map_err(db)? != 0,
                    letters: u64::try_from(r.try_get::<i64, _>("n").map_err(db)?).map_err(corrupt)?,
                })
            })
            .collect()
    }
}
