//! Staff members, their sign-in attempts and their sessions (tables `staff` and
//! `staff_sessions`, migration 0006). They belong to no account, so every write is a
//! `GlobalTx`; each limit is one conditional update, so it holds across instances:
//!
//! - an attempt is counted before its check: `failures = failures + 1 ... WHERE failures < max`;
//! - a TOTP step is accepted once: `totp_step = step ... WHERE totp_step < step`;
//! - a session is used only within its lifetimes: `last_seen_at = now ... WHERE ended_at IS
//!   NULL AND last_seen_at > idle cutoff AND absolute_expires_at > now` (touching a session is
//!   not audited: it is the use of a session, not a change).

use async_trait::async_trait;
use reissue_core::audit::AuditDraft;
use reissue_core::ids::StaffId;
use reissue_core::ports::{
    Attempt, CredentialFailure, NewStaff, NotAccepted, StaffDirectory, StaffRecord, StaffSessionRef, StaffSignInWrite,
    StoreError,
};
use reissue_core::staff::{StaffLogin, StaffRole, StaffSession, StaffStatus};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::tx::GlobalTx;
use crate::{SqlStore, corrupt, db, from_ms, ms};

const STAFF_COLUMNS: &str = "id, login, role, display_name, status, password_hash, sealed_totp, totp_step, failures, \
                             locked, must_change_password, last_sign_in_at, created_at";

fn record(r: &AnyRow) -> Result<StaffRecord, StoreError> {
    let id: String = r.try_get("id").map_err(db)?;
    let login: String = r.try_get("login").map_err(db)?;
    let role: String = r.try_get("role").map_err(db)?;
    let status: String = r.try_get("status").map_err(db)?;
    let step: i64 = r.try_get("totp_step").map_err(db)?;
    let failures: i64 = r.try_get("failures").map_err(db)?;
    Ok(StaffRecord {
        id: StaffId::parse(&id).ok_or_else(|| corrupt(format!("staff id {id:?}")))?,
        login: StaffLogin::parse(&login).map_err(|_| corrupt(format!("staff login {login:?}")))?,
        role: StaffRole::parse(&role).ok_or_else(|| corrupt(format!("staff role {role:?}")))?,
        display_name: r.try_get("display_name").map_err(db)?,
        status: StaffStatus::parse(&status).ok_or_else(|| corrupt(format!("staff status {status:?}")))?,
        password_hash: r.try_get("password_hash").map_err(db)?,
        sealed_totp: r.try_get("sealed_totp").map_err(db)?,
        totp_step: u64::try_from(step).map_err(corrupt)?,
        failures: u32::try_from(failures).map_err(corrupt)?,
        locked: r.try_get::<i64, _>("locked").map_err(db)? != 0,
        must_change_password: r.try_get::<i64, _>("must_change_password").map_err(db)? != 0,
        last_sign_in_at: r.try_get::<Option<i64>, _>("last_sign_in_at").map_err(db)?.map(from_ms).transpose()?,
        created_at: from_ms(r.try_get("created_at").map_err(db)?)?,
    })
}

/// `draft` with `key: value` added to its detail object.
fn with_detail(mut draft: AuditDraft, key: &str, value: serde_json::Value) -> AuditDraft {
    match &mut draft.detail {
        serde_json::Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        other => *other = serde_json::json!({ key: value }),
    }
    draft
}

impl SqlStore {
    async fn staff_where(&self, condition: &str, key: String) -> Result<Option<StaffRecord>, StoreError> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE {condition} = $1");
        let r = sqlx::query(AssertSqlSafe(sql)).bind(key).fetch_optional(&self.pool).await.map_err(db)?;
        r.as_ref().map(record).transpose()
    }

    /// Why a conditional update of an active, unlocked member's row at `step` matched nothing.
    async fn why_not_accepted(tx: &mut AnyConnection, id: &StaffId) -> Result<NotAccepted, StoreError> {
        let r = sqlx::query("SELECT status, locked FROM staff WHERE id = $1")
            .bind(id.as_str().to_owned())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let Some(r) = r else { return Ok(NotAccepted::Disabled) };
        let status: String = r.try_get("status").map_err(db)?;
        Ok(if status != StaffStatus::Active.as_str() {
            NotAccepted::Disabled
        } else if r.try_get::<i64, _>("locked").map_err(db)? != 0 {
            NotAccepted::Locked
        } else {
            NotAccepted::CodeUsed
        })
    }

    /// Ends the open sessions of `id` but `except`; how many.
    async fn end_sessions_in(
        tx: &mut GlobalTx,
        id: &StaffId,
        except: Option<i64>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "UPDATE staff_sessions SET ended_at = $2 WHERE staff_id = $1 AND ended_at IS NULL AND id <> $3",
        )
        .bind(id.as_str().to_owned())
        .bind(ms(now))
        .bind(except.unwrap_or(-1))
        .execute(&mut **tx)
        .await
        .map_err(db)?;
        Ok(r.rows_affected())
    }
}

/// A session row as the console sees it, with its member.
fn session_view(session: &AnyRow, member: &StaffRecord) -> Result<StaffSession, StoreError> {
    Ok(StaffSession {
        session_id: session.try_get("id").map_err(db)?,
        staff_id: member.id.clone(),
        login: member.login.clone(),
        role: member.role,
        display_name: member.display_name.clone(),
        must_change_password: member.must_change_password,
        created_at: from_ms(session.try_get("created_at").map_err(db)?)?,
        last_seen_at: from_ms(session.try_get("last_seen_at").map_err(db)?)?,
        absolute_expires_at: from_ms(session.try_get("absolute_expires_at").map_err(db)?)?,
    })
}

#[async_trait]
impl StaffDirectory for SqlStore {
    async fn enrol_staff(&self, new: NewStaff, now: OffsetDateTime, audit: AuditDraft) -> Result<bool, StoreError> {
        let mut tx = self.global_tx().await?;
        let r = sqlx::query(
            "INSERT INTO staff (id, login, role, display_name, status, password_hash, sealed_totp, totp_step, \
             failures, locked, must_change_password, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'active', $5, $6, 0, 0, 0, $7, $8, $8) ON CONFLICT (login) DO NOTHING",
        )
        .bind(new.id.as_str().to_owned())
        .bind(new.login.as_str().to_owned())
        .bind(new.role.as_str())
        .bind(new.display_name)
        .bind(new.password_hash)
        .bind(new.sealed_totp)
        .bind(i64::from(new.must_change_password))
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn staff_by_login(&self, login: &StaffLogin) -> Result<Option<StaffRecord>, StoreError> {
        self.staff_where("login", login.as_str().to_owned()).await
    }

    async fn staff_by_id(&self, id: &StaffId) -> Result<Option<StaffRecord>, StoreError> {
        self.staff_where("id", id.as_str().to_owned()).await
    }

    async fn list_staff(&self) -> Result<Vec<StaffRecord>, StoreError> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY login");
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(record).collect()
    }

    async fn disable_staff(&self, id: &StaffId, now: OffsetDateTime, audit: AuditDraft) -> Result<bool, StoreError> {
        let mut tx = self.global_tx().await?;
        let r = sqlx::query("UPDATE staff SET status = 'disabled', updated_at = $2 WHERE id = $1")
            .bind(id.as_str().to_owned())
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        let ended = Self::end_sessions_in(&mut tx, id, None, now).await?;
        self.audit(&mut tx, now, &with_detail(audit, "sessions_ended", ended.into())).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn reset_staff(
        &self,
        id: &StaffId,
        password_hash: String,
        sealed_totp: Vec<u8>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.global_tx().await?;
        let r = sqlx::query(
            "UPDATE staff SET password_hash = $2, sealed_totp = $3, must_change_password = 1, failures = 0, \
             locked = 0, reserved_at = NULL, updated_at = $4 WHERE id = $1",
        )
        .bind(id.as_str().to_owned())
        .bind(password_hash)
        .bind(sealed_totp)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        let ended = Self::end_sessions_in(&mut tx, id, None, now).await?;
        self.audit(&mut tx, now, &with_detail(audit, "sessions_ended", ended.into())).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn reserve_staff_attempt(
        &self,
        id: &StaffId,
        max_failures: u32,
        now: OffsetDateTime,
        stale_before: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Attempt, StoreError> {
        let mut tx = self.global_tx().await?;
        let counted = sqlx::query(
            "UPDATE staff SET failures = failures + 1, reserved_at = $3 \
             WHERE id = $1 AND status = 'active' AND locked = 0 AND failures < $2 RETURNING failures",
        )
        .bind(id.as_str().to_owned())
        .bind(i64::from(max_failures))
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if counted.is_some() {
            self.audit(&mut tx, now, &audit.outcome("reserved")).await?;
            tx.commit().await.map_err(db)?;
            return Ok(Attempt::Reserved);
        }
        let row = sqlx::query("SELECT status, locked, reserved_at FROM staff WHERE id = $1")
            .bind(id.as_str().to_owned())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(Attempt::Locked) };
        let status: String = row.try_get("status").map_err(db)?;
        if status != StaffStatus::Active.as_str() || row.try_get::<i64, _>("locked").map_err(db)? != 0 {
            return Ok(Attempt::Locked);
        }
        let reserved_at: Option<i64> = row.try_get("reserved_at").map_err(db)?;
        if reserved_at.is_some_and(|t| t >= ms(stale_before)) {
            return Ok(Attempt::Busy);
        }
        // The counted attempts were never settled (a crash): they were failures.
        sqlx::query("UPDATE staff SET locked = 1, updated_at = $2 WHERE id = $1")
            .bind(id.as_str().to_owned())
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        self.audit(&mut tx, now, &audit.outcome("unsettled_attempts_locked")).await?;
        tx.commit().await.map_err(db)?;
        Ok(Attempt::Locked)
    }

    async fn release_staff_attempt(
        &self,
        id: &StaffId,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let mut tx = self.global_tx().await?;
        sqlx::query("UPDATE staff SET failures = failures - 1 WHERE id = $1 AND failures > 0")
            .bind(id.as_str().to_owned())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)
    }

    async fn record_staff_failure(
        &self,
        id: &StaffId,
        max_failures: u32,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<CredentialFailure, StoreError> {
        let mut tx = self.global_tx().await?;
        let r = sqlx::query(
            "UPDATE staff SET locked = CASE WHEN failures >= $2 THEN 1 ELSE locked END, updated_at = $3 \
             WHERE id = $1 RETURNING locked",
        )
        .bind(id.as_str().to_owned())
        .bind(i64::from(max_failures))
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        // A member who is gone counts as locked: nothing can be tried on them.
        let locked = match r {
            Some(r) => r.try_get::<i64, _>("locked").map_err(db)? != 0,
            None => true,
        };
        let audit = if locked { audit.outcome("locked") } else { audit };
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(CredentialFailure { locked })
    }

    async fn complete_staff_sign_in(
        &self,
        write: StaffSignInWrite,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Result<StaffSession, NotAccepted>, StoreError> {
        let step = i64::try_from(write.totp_step).map_err(corrupt)?;
        let mut tx = self.global_tx().await?;
        let sql = format!(
            "UPDATE staff SET totp_step = $2, failures = 0, last_sign_in_at = $3, updated_at = $3, \
             password_hash = COALESCE($4, password_hash), sealed_totp = COALESCE($5, sealed_totp) \
             WHERE id = $1 AND totp_step < $2 AND locked = 0 AND status = 'active' RETURNING {STAFF_COLUMNS}"
        );
        let r = sqlx::query(AssertSqlSafe(sql))
            .bind(write.staff_id.as_str().to_owned())
            .bind(step)
            .bind(ms(now))
            .bind(write.rehash)
            .bind(write.resealed_totp)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let Some(r) = r else { return Ok(Err(Self::why_not_accepted(&mut tx, &write.staff_id).await?)) };
        let member = record(&r)?;
        let session = sqlx::query(
            "INSERT INTO staff_sessions (staff_id, token_mac, created_at, last_seen_at, absolute_expires_at) \
             VALUES ($1, $2, $3, $3, $4) RETURNING id, created_at, last_seen_at, absolute_expires_at",
        )
        .bind(write.staff_id.as_str().to_owned())
        .bind(write.token_mac)
        .bind(ms(now))
        .bind(ms(write.absolute_expires_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let view = session_view(&session, &member)?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(Ok(view))
    }

    async fn accept_staff_totp(
        &self,
        id: &StaffId,
        step: u64,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Result<(), NotAccepted>, StoreError> {
        let step = i64::try_from(step).map_err(corrupt)?;
        let mut tx = self.global_tx().await?;
        let r = sqlx::query(
            "UPDATE staff SET totp_step = $2, failures = 0, updated_at = $3 \
             WHERE id = $1 AND totp_step < $2 AND locked = 0 AND status = 'active'",
        )
        .bind(id.as_str().to_owned())
        .bind(step)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if r.rows_affected() == 0 {
            return Ok(Err(Self::why_not_accepted(&mut tx, id).await?));
        }
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(Ok(()))
    }

    async fn touch_staff_session(
        &self,
        token_mac: &[u8],
        now: OffsetDateTime,
        idle_cutoff: OffsetDateTime,
    ) -> Result<Option<StaffSession>, StoreError> {
        let session = sqlx::query(
            "UPDATE staff_sessions SET last_seen_at = $2 \
             WHERE token_mac = $1 AND ended_at IS NULL AND last_seen_at > $3 AND absolute_expires_at > $2 \
             AND EXISTS (SELECT 1 FROM staff WHERE staff.id = staff_sessions.staff_id AND staff.status = 'active') \
             RETURNING id, staff_id, created_at, last_seen_at, absolute_expires_at",
        )
        .bind(token_mac.to_vec())
        .bind(ms(now))
        .bind(ms(idle_cutoff))
        .fetch_optional(&self.writer)
        .await
        .map_err(db)?;
        let Some(session) = session else { return Ok(None) };
        let staff_id: String = session.try_get("staff_id").map_err(db)?;
        let Some(member) = self.staff_where("id", staff_id).await? else { return Ok(None) };
        Ok(Some(session_view(&session, &member)?))
    }

    async fn staff_session_ref(&self, token_mac: &[u8]) -> Result<Option<StaffSessionRef>, StoreError> {
        let r = sqlx::query(
            "SELECT s.id, s.staff_id, s.ended_at, m.login FROM staff_sessions s JOIN staff m ON m.id = s.staff_id \
             WHERE s.token_mac = $1",
        )
        .bind(token_mac.to_vec())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let staff_id: String = r.try_get("staff_id").map_err(db)?;
        let login: String = r.try_get("login").map_err(db)?;
        Ok(Some(StaffSessionRef {
            session_id: r.try_get("id").map_err(db)?,
            staff_id: StaffId::parse(&staff_id).ok_or_else(|| corrupt(format!("staff id {staff_id:?}")))?,
            login: StaffLogin::parse(&login).map_err(|_| corrupt(format!("staff login {login:?}")))?,
            ended: r.try_get::<Option<i64>, _>("ended_at").map_err(db)?.is_some(),
        }))
    }

    async fn end_staff_session(
        &self,
        session_id: i64,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.global_tx().await?;
        let r = sqlx::query("UPDATE staff_sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL")
            .bind(session_id)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn end_staff_sessions(
        &self,
        id: &StaffId,
        except: Option<i64>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<u64, StoreError> {
        let mut tx = self.global_tx().await?;
        let ended = Self::end_sessions_in(&mut tx, id, except, now).await?;
        self.audit(&mut tx, now, &with_detail(audit, "sessions_ended", ended.into())).await?;
        tx.commit().await.map_err(db)?;
        Ok(ended)
    }

    async fn set_staff_password(
        &self,
        id: &StaffId,
        password_hash: String,
        keep_session: i64,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let mut tx = self.global_tx().await?;
        let r = sqlx::query(
            "UPDATE staff SET password_hash = $2, must_change_password = 0, failures = 0, updated_at = $3 \
             WHERE id = $1 AND locked = 0 AND status = 'active'",
        )
        .bind(id.as_str().to_owned())
        .bind(password_hash)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if r.rows_affected() == 0 {
            return Ok(false);
        }
        let ended = Self::end_sessions_in(&mut tx, id, Some(keep_session), now).await?;
        self.audit(&mut tx, now, &with_detail(audit, "sessions_ended", ended.into())).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}
