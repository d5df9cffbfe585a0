//! The audit log: append-only events, each carrying the SHA-256 of its predecessor, so that
//! any edit or deletion breaks the chain at a point `verify_chain` can name.
//!
//! An event never holds a secret: no code, PIN, password or token, only what happened.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// An event before it is appended (the store assigns sequence and hashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDraft {
    /// Who acted: `public`, `provider`, `token:NAME`, `cli`.
    pub actor: String,
    pub action: String,
    pub login_id: Option<String>,
    pub outcome: String,
    pub client_ip: Option<String>,
    pub detail: serde_json::Value,
}

impl AuditDraft {
    pub fn new(actor: impl Into<String>, action: &str, login_id: Option<&str>, outcome: &str) -> Self {
        Self {
            actor: actor.into(),
            action: action.into(),
            login_id: login_id.map(str::to_owned),
            outcome: outcome.into(),
            client_ip: None,
            detail: serde_json::Value::Null,
        }
    }

    pub fn ip(mut self, ip: Option<&str>) -> Self {
        self.client_ip = ip.map(str::to_owned);
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }

    pub fn outcome(mut self, outcome: &str) -> Self {
        self.outcome = outcome.into();
        self
    }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(flatten)]
    pub draft: AuditDraft,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of the first event's predecessor.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an event: SHA-256 over the predecessor's hash and the event's fields,
/// length-prefixed so that no field can bleed into another.
pub fn event_hash(seq: i64, at: OffsetDateTime, draft: &AuditDraft, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let detail = draft.detail.to_string();
    let at_ms = (at.unix_timestamp_nanos() / 1_000_000).to_string();
    let seq = seq.to_string();
    let fields: [&str; 9] = [
        prev_hash,
        &seq,
        &at_ms,
        &draft.actor,
        &draft.action,
        draft.login_id.as_deref().unwrap_or(""),
        &draft.outcome,
        draft.client_ip.as_deref().unwrap_or(""),
        &detail,
    ];
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("event {seq}: its hash does not match its contents (edited)")]
    Edited { seq: i64 },
    #[error("event {seq}: it does not follow event {expected_prev} (an event before it was removed or reordered)")]
    Unlinked { seq: i64, expected_prev: i64 },
}

/// Checks a run of events in sequence order, starting from the genesis hash.
pub fn verify_chain<'a>(events: impl IntoIterator<Item = &'a AuditEvent>) -> Result<u64, ChainBreak> {
    let mut prev_hash = GENESIS.to_owned();
    let mut prev_seq = 0;
    let mut count = 0;
    for e in events {
        if e.prev_hash != prev_hash {
            return Err(ChainBreak::Unlinked { seq: e.seq, expected_prev: prev_seq });
        }
        if event_hash(e.seq, e.at, &e.draft, &e.prev_hash) != e.hash {
            return Err(ChainBreak::Edited { seq: e.seq });
        }
        prev_hash = e.hash.clone();
        prev_seq = e.seq;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEvent> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let at = OffsetDateTime::from_unix_timestamp(1_700_000_000 + seq).unwrap();
                let draft = AuditDraft::new("public", "voice_application", Some("123456789"), "accepted");
                let hash = event_hash(seq, at, &draft, &prev);
                let e = AuditEvent { seq, at, draft, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(5));
    }

    #[test]
    fn an_edited_event_is_named() {
        let mut c = chain(5);
        c[2].draft.outcome = "rejected".into();
        assert_eq!(verify_chain(&c), Err(ChainBreak::Edited { seq: 3 }));
    }

    #[test]
    fn a_removed_event_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify_chain(&c), Err(ChainBreak::Unlinked { seq: 3, expected_prev: 1 }));
    }
}
