//! `reissue audit verify [--checkpoint FILE]` and `reissue audit checkpoint`: checking the
//! keyed audit chain, and signing its head to keep outside the database.

use std::path::Path;
use std::process::ExitCode;

use reissue_core::audit::{AuditEvent, AuditKeys, Checkpoint, GENESIS, verify_chain, verify_checkpoint};
use reissue_core::ports::AuditLog;
use reissue_store::SqlStore;
use time::OffsetDateTime;

async fn all_events(store: &SqlStore) -> Result<Vec<AuditEvent>, String> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = store.audit_events(None, after, 10_000).await.map_err(|e| e.to_string())?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        all.extend(page);
    }
    Ok(all)
}

/// Checks the chain, and with a checkpoint that the log still reaches its head.
pub async fn verify(store: &SqlStore, keys: &AuditKeys, checkpoint: Option<&Path>) -> Result<ExitCode, String> {
    let checkpoint = match checkpoint {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let cp: Checkpoint = serde_json::from_str(text.trim())
                .map_err(|e| format!("{}: not a checkpoint from `reissue audit checkpoint`: {e}", path.display()))?;
            Some(cp)
        }
        None => None,
    };
    let all = all_events(store).await?;
    let result = match &checkpoint {
        Some(cp) => verify_checkpoint(&all, keys, cp).map_err(|b| b.to_string()),
        None => verify_chain(&all, keys).map_err(|b| format!("the audit chain is broken at {b}")),
    };
    match (result, &checkpoint) {
        (Ok(n), Some(cp)) => {
            println!("audit chain intact: {n} events, and it reaches the checkpoint at event {}", cp.seq);
            Ok(ExitCode::SUCCESS)
        }
        (Ok(n), None) => {
            println!("audit chain intact: {n} events");
            Ok(ExitCode::SUCCESS)
        }
        (Err(why), _) => {
            println!("audit verification failed: {why}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Prints the signed head of an intact log as one line of JSON.
pub async fn checkpoint(store: &SqlStore, keys: &AuditKeys, now: OffsetDateTime) -> Result<ExitCode, String> {
    let all = all_events(store).await?;
    if let Err(b) = verify_chain(&all, keys) {
        println!("audit verification failed: the audit chain is broken at {b}; no checkpoint made");
        return Ok(ExitCode::FAILURE);
    }
    let (seq, head) = all.last().map_or((0, GENESIS.to_owned()), |e| (e.seq, e.hash.clone()));
    let cp = keys.checkpoint(seq, &head, now);
    println!("{}", serde_json::to_string(&cp).map_err(|e| e.to_string())?);
    Ok(ExitCode::SUCCESS)
}
