//! Group commit: audit appends and per-IP request counts that stand alone are queued to one
//! task, which writes whatever has queued meanwhile in a single transaction — one read of the
//! chain head, one multi-row insert, one upsert per client address in key order — and then
//! answers each request. A request is answered only after its write has committed.

use std::collections::HashMap;

use reissue_core::audit::AuditDraft;
use reissue_core::ports::StoreError;
use sqlx::Row;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use crate::{SqlStore, corrupt, db, ms};

/// The most writes one transaction takes.
const MAX_BATCH: usize = 512;

#[derive(Debug)]
pub(crate) enum Job {
    Audit { now: OffsetDateTime, draft: AuditDraft, reply: oneshot::Sender<Result<(), StoreError>> },
    Ip { ip: String, window_start: OffsetDateTime, reply: oneshot::Sender<Result<u32, StoreError>> },
}

fn stopped() -> StoreError {
    StoreError::Database("the group-commit writer has stopped".into())
}

pub(crate) async fn submit_audit(
    tx: &mpsc::UnboundedSender<Job>,
    now: OffsetDateTime,
    draft: AuditDraft,
) -> Result<(), StoreError> {
    let (reply, answer) = oneshot::channel();
    tx.send(Job::Audit { now, draft, reply }).map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())?
}

pub(crate) async fn submit_ip(
    tx: &mpsc::UnboundedSender<Job>,
    ip: &str,
    window_start: OffsetDateTime,
) -> Result<u32, StoreError> {
    let (reply, answer) = oneshot::channel();
    tx.send(Job::Ip { ip: ip.to_owned(), window_start, reply }).map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())?
}

/// The group-commit task: runs until every sender is gone.
pub(crate) async fn run(store: SqlStore, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        match write(&store, &jobs).await {
            Ok(counts) => {
                for (i, job) in jobs.into_iter().enumerate() {
                    match job {
                        Job::Audit { reply, .. } => {
                            let _ = reply.send(Ok(()));
                        }
                        Job::Ip { reply, .. } => {
                            let _ = reply.send(counts.get(&i).copied().ok_or_else(|| corrupt("missing count")));
                        }
                    }
                }
            }
            Err(e) => {
                let text = e.to_string();
                for job in jobs {
                    match job {
                        Job::Audit { reply, .. } => {
                            let _ = reply.send(Err(StoreError::Database(text.clone())));
                        }
                        Job::Ip { reply, .. } => {
                            let _ = reply.send(Err(StoreError::Database(text.clone())));
                        }
                    }
                }
            }
        }
    }
}

/// Writes one batch; returns the count each IP job sees, by its position in the batch.
async fn write(store: &SqlStore, jobs: &[Job]) -> Result<HashMap<usize, u32>, StoreError> {
    let mut tx = store.global_tx().await?;
    let mut groups: Vec<((&str, i64), Vec<usize>)> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        if let Job::Ip { ip, window_start, .. } = job {
            let key = (ip.as_str(), ms(*window_start));
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(i),
                None => groups.push((key, vec![i])),
            }
        }
    }
    // Upserted in key order, so that two instances' batches lock the same budget rows in the
    // same order and never wait on each other in a cycle.
    groups.sort_by_key(|(key, _)| *key);
    let mut counts = HashMap::new();
    for ((ip, window), members) in &groups {
        let n = members.len() as i64;
        let total: i64 = sqlx::query(
            "INSERT INTO ip_budget (ip, window_start, count) VALUES ($1, $2, $3) \
             ON CONFLICT (ip, window_start) DO UPDATE SET count = ip_budget.count + $3 RETURNING count",
        )
        .bind(ip.to_string())
        .bind(*window)
        .bind(n)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get("count")
        .map_err(db)?;
        // Requests in one batch are counted in the order they arrived.
        for (k, i) in members.iter().enumerate() {
            let seen = total - n + k as i64 + 1;
            counts.insert(*i, u32::try_from(seen).map_err(corrupt)?);
        }
    }
    let audits: Vec<(OffsetDateTime, &AuditDraft)> = jobs
        .iter()
        .filter_map(|j| match j {
            Job::Audit { now, draft, .. } => Some((*now, draft)),
            Job::Ip { .. } => None,
        })
        .collect();
    if !audits.is_empty() {
        store.audit_many(&mut tx, &audits).await?;
    }
    tx.commit().await.map_err(db)?;
    Ok(counts)
}
