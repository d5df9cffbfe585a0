//! The audit chain: events appended in commit order, each hashed over the one before.

use async_trait::async_trait;
use reissue_core::audit::{AuditDraft, AuditEvent, GENESIS};
use reissue_core::ports::{AuditLog, StoreError};
use sqlx::AnyConnection;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::{SqlStore, batch, corrupt, db, from_ms, ms};

impl SqlStore {
    /// Appends an audit event as the last write of a transaction.
    pub(crate) async fn audit(
        &self,
        tx: &mut AnyConnection,
        now: OffsetDateTime,
        draft: &AuditDraft,
    ) -> Result<(), StoreError> {
        self.audit_many(tx, &[(now, draft)]).await
    }

    /// Appends audit events in order, chained to the current head. On PostgreSQL an advisory
    /// lock orders the chain across instances; it is held only until the commit that follows.
    pub(crate) async fn audit_many(
        &self,
        tx: &mut AnyConnection,
        events: &[(OffsetDateTime, &AuditDraft)],
    ) -> Result<(), StoreError> {
        let keys = self.audit_keys.as_deref().ok_or_else(crate::keys::no_audit_key)?;
        if let Some(sql) = self.backend.audit_chain_lock_sql() {
            sqlx::query(sql).execute(&mut *tx).await.map_err(db)?;
        }
        let last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        let (mut seq, mut prev) = match last {
            Some(r) => (r.try_get::<i64, _>("seq").map_err(db)?, r.try_get::<String, _>("hash").map_err(db)?),
            None => (0, GENESIS.to_owned()),
        };
        let mut rows = Vec::with_capacity(events.len());
        for (now, draft) in events {
            seq += 1;
            let at = from_ms(ms(*now))?;
            let hash = keys.event_hash(seq, at, draft, &prev);
            rows.push((seq, ms(at), *draft, std::mem::replace(&mut prev, hash.clone()), hash));
        }
        for chunk in rows.chunks(40) {
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let cells: Vec<String> = (1..=10).map(|c| format!("${}", r * 10 + c)).collect();
                    format!("({})", cells.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO audit_events (seq, at, actor, action, login_id, outcome, client_ip, detail, prev_hash, hash) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (seq, at, draft, prev, hash) in chunk {
                q = q
                    .bind(*seq)
                    .bind(*at)
                    .bind(draft.actor.clone())
                    .bind(draft.action.clone())
                    .bind(draft.login_id.clone())
                    .bind(draft.outcome.clone())
                    .bind(draft.client_ip.clone())
                    .bind(draft.detail.to_string())
                    .bind(prev.clone())
                    .bind(hash.clone());
            }
            q.execute(&mut *tx).await.map_err(db)?;
        }
        Ok(())
    }
}

#[async_trait]
impl AuditLog for SqlStore {
    async fn append_audit(&self, now: OffsetDateTime, audit: AuditDraft) -> Result<(), StoreError> {
        if let Some(b) = &self.batch {
            return batch::submit_audit(b, now, audit).await;
        }
        let mut tx = self.global_tx().await?;
        self.audit(&mut tx, now, &audit).await?;
        tx.commit().await.map_err(db)
    }

    async fn audit_events(
        &self,
        login_id: Option<&str>,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let cols = EVENT_COLUMNS;
        let rows = match login_id {
            Some(l) => sqlx::query(AssertSqlSafe(format!(
                "SELECT {cols} FROM audit_events WHERE login_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
            )))
            .bind(l.to_owned())
            .bind(after_seq)
            .bind(i64::from(limit)),
            None => sqlx::query(AssertSqlSafe(format!(
                "SELECT {cols} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2"
            )))
            .bind(after_seq)
            .bind(i64::from(limit)),
        }
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(event_from_row).collect()
    }
}

/// The columns `event_from_row` reads.
pub(crate) const EVENT_COLUMNS: &str = "seq, at, actor, action, login_id, outcome, client_ip, detail, prev_hash, hash";

pub(crate) fn event_from_row(r: &sqlx::any::AnyRow) -> Result<AuditEvent, StoreError> {
    let detail: String = r.try_get("detail").map_err(db)?;
    Ok(AuditEvent {
        seq: r.try_get("seq").map_err(db)?,
        at: from_ms(r.try_get("at").map_err(db)?)?,
        draft: AuditDraft {
            actor: r.try_get("actor").map_err(db)?,
            action: r.try_get("action").map_err(db)?,
            login_id: r.try_get("login_id").map_err(db)?,
            outcome: r.try_get("outcome").map_err(db)?,
            client_ip: r.try_get("client_ip").map_err(db)?,
            detail: serde_json::from_str(&detail).map_err(corrupt)?,
        },
        prev_hash: r.try_get("prev_hash").map_err(db)?,
        hash: r.try_get("hash").map_err(db)?,
    })
}
