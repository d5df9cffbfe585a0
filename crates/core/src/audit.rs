//! The audit log: append-only events, each carrying the MAC of its predecessor, so that any
//! edit or deletion breaks the chain at a point `verify_chain` can name.
//!
//! The chain is keyed: an event's hash is HMAC-SHA256 under the audit key (a key file of its
//! own), written `KEYID:HEX`, so that someone who can write to the database but does not hold
//! the audit key cannot rewrite an event and recompute the chain after it. Cutting the tail
//! leaves a shorter chain that is still intact; a checkpoint — the signed head (seq, head MAC,
//! time, key ID, and a MAC over them) kept outside the database — shows that the log no
//! longer reaches where it once did (`verify_checkpoint`).
//!
//! An event never holds a secret: no code, PIN, password or token, only what happened.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::hashing::MacKey;
use crate::keyring::{KeyId, KeyRing};

/// Who acted, as the audit log names them. Every event has one; a staff action names its
/// person, so that every change is traceable to whoever made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Anyone on a public endpoint (the client address is recorded beside it).
    Public,
    /// The telephony provider, on its signed webhooks.
    Provider,
    /// The command line on the server.
    Cli,
    /// An integrating system or auditor, by the name of its bearer token.
    Token(String),
    /// A staff member, by their staff login (see `staff::StaffLogin`).
    Staff(String),
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Public => f.write_str("public"),
            Self::Provider => f.write_str("provider"),
            Self::Cli => f.write_str("cli"),
            Self::Token(name) => write!(f, "token:{name}"),
            Self::Staff(login) => write!(f, "staff:{login}"),
        }
    }
}

impl From<Actor> for String {
    fn from(a: Actor) -> String {
        a.to_string()
    }
}

/// An event before it is appended (the store assigns sequence and hashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDraft {
    /// Who acted, as `Actor` writes it: `public`, `provider`, `token:NAME`, `staff:LOGIN`, `cli`.
    pub actor: String,
    pub action: String,
    pub login_id: Option<String>,
    pub outcome: String,
    pub client_ip: Option<String>,
    pub detail: serde_json::Value,
}

impl AuditDraft {
    pub fn new(actor: Actor, action: &str, login_id: Option<&str>, outcome: &str) -> Self {
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

/// The audit keys, by key ID: the chain key and the checkpoint key are derived from each.
#[derive(Debug)]
pub struct AuditKeys {
    chain: KeyRing<MacKey>,
    checkpoints: KeyRing<MacKey>,
}

impl AuditKeys {
    /// The keys of the audit key file.
    pub fn new(keys: &KeyRing<Vec<u8>>) -> Self {
        let master = keys.map(|k| MacKey::new(k.clone()));
        Self {
            chain: master.map(|m| m.derive("audit-chain")),
            checkpoints: master.map(|m| m.derive("audit-checkpoint")),
        }
    }

    /// The hash of an event under the current audit key.
    pub fn event_hash(&self, seq: i64, at: OffsetDateTime, draft: &AuditDraft, prev_hash: &str) -> String {
        let (id, key) = self.chain.current();
        event_hash_under(id, key, seq, at, draft, prev_hash)
    }

    /// Signs the head of the log (the last event's sequence number and hash) at `at`.
    pub fn checkpoint(&self, seq: i64, head: &str, at: OffsetDateTime) -> Checkpoint {
        let (key_id, key) = self.checkpoints.current();
        let at = at.replace_nanosecond(0).unwrap_or(at);
        let mac = hex::encode(key.mac(&Checkpoint::parts(seq, head, at, key_id).each_ref().map(|p| p.as_slice())));
        Checkpoint { seq, head: head.to_owned(), at, key_id, mac }
    }
}

/// The hash of an event: HMAC-SHA256 under audit key `id` over the predecessor's hash and the
/// event's fields, length-prefixed so that no field can bleed into another.
fn event_hash_under(
    id: KeyId,
    key: &MacKey,
    seq: i64,
    at: OffsetDateTime,
    draft: &AuditDraft,
    prev_hash: &str,
) -> String {
    let detail = draft.detail.to_string();
    let at_ms = (at.unix_timestamp_nanos() / 1_000_000).to_string();
    let seq = seq.to_string();
    let fields: [&[u8]; 10] = [
        b"reissue audit event v2",
        prev_hash.as_bytes(),
        seq.as_bytes(),
        at_ms.as_bytes(),
        draft.actor.as_bytes(),
        draft.action.as_bytes(),
        draft.login_id.as_deref().unwrap_or("").as_bytes(),
        draft.outcome.as_bytes(),
        draft.client_ip.as_deref().unwrap_or("").as_bytes(),
        detail.as_bytes(),
    ];
    format!("{id}:{}", hex::encode(key.mac(&fields)))
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("event {seq}: its hash does not match its contents (edited)")]
    Edited { seq: i64 },
    #[error("event {seq}: it does not follow event {expected_prev} (an event before it was removed or reordered)")]
    Unlinked { seq: i64, expected_prev: i64 },
    #[error("event {seq}: its hash is not keyed with an audit key (written before the keyed chain, or forged)")]
    Unkeyed { seq: i64 },
    #[error("event {seq}: its hash names audit key {key_id}, which this server does not hold")]
    UnknownKey { seq: i64, key_id: KeyId },
}

/// Checks a run of events in sequence order, starting from the genesis hash.
pub fn verify_chain<'a>(events: impl IntoIterator<Item = &'a AuditEvent>, keys: &AuditKeys) -> Result<u64, ChainBreak> {
    let mut prev_hash = GENESIS.to_owned();
    let mut prev_seq = 0;
    let mut count = 0;
    for e in events {
        if e.prev_hash != prev_hash {
            return Err(ChainBreak::Unlinked { seq: e.seq, expected_prev: prev_seq });
        }
        let key_id: KeyId = match e.hash.split_once(':').map(|(id, _)| id.parse()) {
            Some(Ok(id)) => id,
            _ => return Err(ChainBreak::Unkeyed { seq: e.seq }),
        };
        let key = keys.chain.get(key_id).ok_or(ChainBreak::UnknownKey { seq: e.seq, key_id })?;
        let expected = event_hash_under(key_id, key, e.seq, e.at, &e.draft, &e.prev_hash);
        if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), e.hash.as_bytes())) {
            return Err(ChainBreak::Edited { seq: e.seq });
        }
        prev_hash = e.hash.clone();
        prev_seq = e.seq;
        count += 1;
    }
    Ok(count)
}

/// A signed head of the audit log, to keep outside the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The last event's sequence number (0: the log was empty).
    pub seq: i64,
    /// The last event's hash (`GENESIS` when the log was empty).
    pub head: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The audit key the MAC is under.
    pub key_id: KeyId,
    /// HMAC-SHA256 under the checkpoint key over the fields above.
    pub mac: String,
}

impl Checkpoint {
    fn parts(seq: i64, head: &str, at: OffsetDateTime, key_id: KeyId) -> [Vec<u8>; 5] {
        [
            b"reissue audit checkpoint v1".to_vec(),
            seq.to_string().into_bytes(),
            head.as_bytes().to_vec(),
            at.unix_timestamp().to_string().into_bytes(),
            key_id.to_string().into_bytes(),
        ]
    }
}

/// Why the log does not reach a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointBreak {
    #[error("the checkpoint names audit key {0}, which this server does not hold")]
    UnknownKey(KeyId),
    #[error("the checkpoint's MAC does not verify: it was altered or not made with this server's audit key")]
    Forged,
    #[error("the audit chain is broken at {0}")]
    Chain(ChainBreak),
    #[error("the log ends at event {last} but the checkpoint reached event {seq}: its tail was cut")]
    TailCut { seq: i64, last: i64 },
    #[error("event {seq} is not the event the checkpoint recorded: the log was rewritten")]
    Rewritten { seq: i64 },
}

/// Checks the checkpoint's MAC, the chain, and that the chain still reaches the checkpoint's
/// head. Returns the number of events.
pub fn verify_checkpoint(events: &[AuditEvent], keys: &AuditKeys, cp: &Checkpoint) -> Result<u64, CheckpointBreak> {
    let key = keys.checkpoints.get(cp.key_id).ok_or(CheckpointBreak::UnknownKey(cp.key_id))?;
    let mac = hex::decode(&cp.mac).map_err(|_| CheckpointBreak::Forged)?;
    if !key.verify(&Checkpoint::parts(cp.seq, &cp.head, cp.at, cp.key_id).each_ref().map(|p| p.as_slice()), &mac) {
        return Err(CheckpointBreak::Forged);
    }
    let n = verify_chain(events, keys).map_err(CheckpointBreak::Chain)?;
    if cp.seq == 0 {
        return if cp.head == GENESIS { Ok(n) } else { Err(CheckpointBreak::Forged) };
    }
    match events.iter().find(|e| e.seq == cp.seq) {
        Some(e) if e.hash == cp.head => Ok(n),
        Some(_) => Err(CheckpointBreak::Rewritten { seq: cp.seq }),
        None => Err(CheckpointBreak::TailCut { seq: cp.seq, last: events.last().map_or(0, |e| e.seq) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn keys(ids: &[(KeyId, u8)]) -> AuditKeys {
        AuditKeys::new(&KeyRing::new(ids.iter().map(|(id, b)| (*id, vec![*b; 32]))).unwrap())
    }

    fn chain_under(keys: &AuditKeys, from: i64, n: i64, mut prev: String) -> Vec<AuditEvent> {
        (from..from + n)
            .map(|seq| {
                let at = OffsetDateTime::from_unix_timestamp(1_700_000_000 + seq).unwrap();
                let draft = AuditDraft::new(Actor::Public, "voice_application", Some("123456789"), "accepted");
                let hash = keys.event_hash(seq, at, &draft, &prev);
                let e = AuditEvent { seq, at, draft, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                e
            })
            .collect()
    }

    fn chain(n: i64) -> Vec<AuditEvent> {
        chain_under(&keys(&[(1, 7)]), 1, n, GENESIS.to_owned())
    }

    /// The unkeyed hash the chain used before it was keyed: plain SHA-256 over the fields.
    fn plain_sha256(e: &AuditEvent) -> String {
        let mut h = Sha256::new();
        let detail = e.draft.detail.to_string();
        let at_ms = (e.at.unix_timestamp_nanos() / 1_000_000).to_string();
        let seq = e.seq.to_string();
        for f in [
            e.prev_hash.as_str(),
            &seq,
            &at_ms,
            &e.draft.actor,
            &e.draft.action,
            e.draft.login_id.as_deref().unwrap_or(""),
            &e.draft.outcome,
            e.draft.client_ip.as_deref().unwrap_or(""),
            &detail,
        ] {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        hex::encode(h.finalize())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5), &keys(&[(1, 7)])), Ok(5));
    }

    #[test]
    fn an_edited_event_is_named() {
        let mut c = chain(5);
        c[2].draft.outcome = "rejected".into();
        assert_eq!(verify_chain(&c, &keys(&[(1, 7)])), Err(ChainBreak::Edited { seq: 3 }));
    }

    #[test]
    fn a_removed_event_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify_chain(&c, &keys(&[(1, 7)])), Err(ChainBreak::Unlinked { seq: 3, expected_prev: 1 }));
    }

    #[test]
    fn an_event_rewritten_with_recomputed_plain_sha256_hashes_is_detected() {
        let mut c = chain(5);
        c[2].draft.outcome = "rejected".into();
        for i in 2..c.len() {
            if i > 2 {
                c[i].prev_hash = c[i - 1].hash.clone();
            }
            let plain = plain_sha256(&c[i]);
            c[i].hash = plain;
        }
        assert_eq!(verify_chain(&c, &keys(&[(1, 7)])), Err(ChainBreak::Unkeyed { seq: 3 }));
        // Labelled with the key ID, a plain hash is still not the keyed one.
        for i in 2..c.len() {
            if i > 2 {
                c[i].prev_hash = c[i - 1].hash.clone();
            }
            let plain = plain_sha256(&c[i]);
            c[i].hash = format!("1:{plain}");
        }
        assert_eq!(verify_chain(&c, &keys(&[(1, 7)])), Err(ChainBreak::Edited { seq: 3 }));
        // And recomputed under another key, too.
        assert_eq!(
            verify_chain(&chain_under(&keys(&[(1, 8)]), 1, 5, GENESIS.into()), &keys(&[(1, 7)])),
            Err(ChainBreak::Edited { seq: 1 })
        );
    }

    #[test]
    fn after_a_rotation_old_events_verify_under_their_key_and_new_ones_under_the_new_key() {
        let old = chain(3);
        let rotated = keys(&[(1, 7), (2, 9)]);
        let mut all = old.clone();
        all.extend(chain_under(&rotated, 4, 2, old[2].hash.clone()));
        assert!(all[3].hash.starts_with("2:"));
        assert_eq!(verify_chain(&all, &rotated), Ok(5));
        assert_eq!(verify_chain(&all, &keys(&[(1, 7)])), Err(ChainBreak::UnknownKey { seq: 4, key_id: 2 }));
    }

    fn checkpoint_of(c: &[AuditEvent], k: &AuditKeys) -> Checkpoint {
        let last = c.last().unwrap();
        k.checkpoint(last.seq, &last.hash, OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap())
    }

    #[test]
    fn a_checkpoint_verifies_against_the_log_it_was_taken_of_and_a_longer_one() {
        let k = keys(&[(1, 7)]);
        let c = chain(5);
        let cp = checkpoint_of(&c[..4], &k);
        assert_eq!(verify_checkpoint(&c[..4], &k, &cp), Ok(4));
        assert_eq!(verify_checkpoint(&c, &k, &cp), Ok(5));
        let text = serde_json::to_string(&cp).unwrap();
        assert_eq!(serde_json::from_str::<Checkpoint>(&text).unwrap(), cp);
        let empty = k.checkpoint(0, GENESIS, OffsetDateTime::UNIX_EPOCH);
        assert_eq!(verify_checkpoint(&[], &k, &empty), Ok(0));
    }

    #[test]
    fn a_cut_tail_is_detected_with_a_checkpoint() {
        let k = keys(&[(1, 7)]);
        let c = chain(5);
        let cp = checkpoint_of(&c, &k);
        assert_eq!(verify_chain(&c[..3], &k), Ok(3), "without a checkpoint a cut tail looks intact");
        assert_eq!(verify_checkpoint(&c[..3], &k, &cp), Err(CheckpointBreak::TailCut { seq: 5, last: 3 }));
        assert_eq!(verify_checkpoint(&[], &k, &cp), Err(CheckpointBreak::TailCut { seq: 5, last: 0 }));
    }

    #[test]
    fn a_log_rewritten_under_the_key_is_not_the_one_the_checkpoint_recorded() {
        let k = keys(&[(1, 7)]);
        let c = chain(5);
        let cp = checkpoint_of(&c, &k);
        // A different log that is intact in itself (as only a key holder could write).
        let mut other = c[..2].to_vec();
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_100).unwrap();
        let mut prev = other[1].hash.clone();
        for seq in 3..=5 {
            let draft = AuditDraft::new(Actor::Cli, "account_import", None, "imported");
            let hash = k.event_hash(seq, at, &draft, &prev);
            other.push(AuditEvent { seq, at, draft, prev_hash: prev, hash: hash.clone() });
            prev = hash;
        }
        assert_eq!(verify_checkpoint(&other, &k, &cp), Err(CheckpointBreak::Rewritten { seq: 5 }));
        let mut edited = c.clone();
        edited[1].draft.outcome = "x".into();
        assert_eq!(verify_checkpoint(&edited, &k, &cp), Err(CheckpointBreak::Chain(ChainBreak::Edited { seq: 2 })));
    }

    #[test]
    fn a_forged_checkpoint_is_refused() {
        let k = keys(&[(1, 7)]);
        let c = chain(5);
        let cp = checkpoint_of(&c[..3], &k);
        // Moved back to hide a cut tail, or re-dated: the MAC no longer verifies.
        let moved = Checkpoint { seq: 2, head: c[1].hash.clone(), ..cp.clone() };
        assert_eq!(verify_checkpoint(&c[..2], &k, &moved), Err(CheckpointBreak::Forged));
        let redated = Checkpoint { at: cp.at + time::Duration::seconds(1), ..cp.clone() };
        assert_eq!(verify_checkpoint(&c, &k, &redated), Err(CheckpointBreak::Forged));
        let garbage = Checkpoint { mac: "zz".into(), ..cp.clone() };
        assert_eq!(verify_checkpoint(&c, &k, &garbage), Err(CheckpointBreak::Forged));
        // Made under another key.
        let other = checkpoint_of(&c[..3], &keys(&[(1, 8)]));
        assert_eq!(verify_checkpoint(&c, &k, &other), Err(CheckpointBreak::Forged));
        let unknown = Checkpoint { key_id: 4, ..cp };
        assert_eq!(verify_checkpoint(&c, &k, &unknown), Err(CheckpointBreak::UnknownKey(4)));
    }
}
