//! Group commit: a task takes whatever has queued meanwhile and writes it in a single
//! transaction, then answers each request; a request is answered only after its write has
//! committed. The store runs two such queues: one for audit appends and per-IP request counts
//! that stand alone (a `GlobalTx`: budget rows in key order, then the audit chain), and one
//! for wrong code entries (an `AccountTx` holding their accounts, in ID order, then the audit
//! chain). Each takes its locks in the order every other writer does, so no two transactions
//! wait on each other in a cycle; and an account held elsewhere delays only the code queue.

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
    Audit {
        now: OffsetDateTime,
        draft: AuditDraft,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    Ip {
        ip: String,
        window_start: OffsetDateTime,
        reply: oneshot::Sender<Result<u32, StoreError>>,
    },
    WrongCode {
        code_id: i64,
        account_id: i64,
        max: u32,
        now: OffsetDateTime,
        draft: AuditDraft,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
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

pub(crate) async fn submit_wrong_code(
    tx: &mpsc::UnboundedSender<Job>,
    code_id: i64,
    account_id: i64,
    max: u32,
    now: OffsetDateTime,
    draft: AuditDraft,
) -> Result<(), StoreError> {
    let (reply, answer) = oneshot::channel();
    tx.send(Job::WrongCode { code_id, account_id, max, now, draft, reply }).map_err(|_| stopped())?;
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
                        Job::Audit { reply, .. } | Job::WrongCode { reply, .. } => {
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
                        Job::Audit { reply, .. } | Job::WrongCode { reply, .. } => {
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
    let accounts: Vec<i64> = jobs
        .iter()
        .filter_map(|j| match j {
            Job::WrongCode { account_id, .. } => Some(*account_id),
            _ => None,
        })
        .collect();
    if accounts.is_empty() {
        let mut tx = store.global_tx().await?;
        let counts = write_in(store, &mut tx, jobs).await?;
        tx.commit().await.map_err(db)?;
        Ok(counts)
    } else {
        let mut tx = store.accounts_tx(accounts).await?;
        let counts = write_in(store, &mut tx, jobs).await?;
        tx.commit().await.map_err(db)?;
        Ok(counts)
    }
}

async fn write_in(
    store: &SqlStore,
    tx: &mut sqlx::AnyConnection,
    jobs: &[Job],
) -> Result<HashMap<usize, u32>, StoreError> {
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
    // Wrong code entries in the order they arrived: each conditional update re-reads its row,
    // so however many arrive for one code, they count exactly up to its limit.
    let mut audits: Vec<(OffsetDateTime, AuditDraft)> = Vec::with_capacity(jobs.len());
    for job in jobs {
        match job {
            Job::Audit { now, draft, .. } => audits.push((*now, draft.clone())),
            Job::WrongCode { code_id, account_id, max, now, draft, .. } => {
                let draft = SqlStore::wrong_code_writes(tx, *code_id, *account_id, *max, draft.clone()).await?;
                audits.push((*now, draft));
            }
            Job::Ip { .. } => {}
        }
    }
    if !audits.is_empty() {
        let refs: Vec<(OffsetDateTime, &AuditDraft)> = audits.iter().map(|(t, d)| (*t, d)).collect();
        store.audit_many(tx, &refs).await?;
    }
    Ok(counts)
}
