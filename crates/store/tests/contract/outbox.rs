//! Outbox claims: a lease keeps a message one worker's until it expires; only the holder
//! finishes or retries it; a message given up on is never claimed again.

use reissue_core::ports::{Calls, Outbox};

use crate::contract;
use crate::fixtures::{Db, call_id, live_call, t0};

async fn a_claim_holds_a_message_until_its_lease_ends(db: &Db) {
    let a = db.account("123456789").await;
    live_call(db, &a, &call_id(1)).await;
    assert!(db.store.call(&call_id(1)).await.unwrap().is_some());
    let lease = time::Duration::seconds(60);
    let claimed = db.store.claim_outbox("w1", 10, t0(), t0() + lease).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1);
    let id = claimed[0].id;
    assert!(db.store.claim_outbox("w2", 10, t0(), t0() + lease).await.unwrap().is_empty(), "leased to w1");
    // After the lease, another worker takes it over; the first can no longer finish it.
    let later = t0() + lease + time::Duration::seconds(1);
    let retaken = db.store.claim_outbox("w2", 10, later, later + lease).await.unwrap();
    assert_eq!((retaken.len(), retaken[0].attempts), (1, 2));
    db.store.finish_outbox(id, "w1", later).await.unwrap();
    assert_eq!(db.store.outbox_backlog().await.unwrap(), 1, "w1 no longer holds it");
    // w2 fails it: it comes back when due, not before.
    let retry_at = later + time::Duration::seconds(30);
    db.store.retry_outbox(id, "w2", "provider down", retry_at, false).await.unwrap();
    assert!(db.store.claim_outbox("w3", 10, later, later + lease).await.unwrap().is_empty(), "not due yet");
    let again = db.store.claim_outbox("w3", 10, retry_at, retry_at + lease).await.unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 3));
    db.store.finish_outbox(id, "w3", retry_at).await.unwrap();
    assert_eq!(db.store.outbox_backlog().await.unwrap(), 0);
    let far = retry_at + time::Duration::days(1);
    assert!(db.store.claim_outbox("w4", 10, far, far + lease).await.unwrap().is_empty(), "done stays done");
}
contract!(a_claim_holds_a_message_until_its_lease_ends);

async fn a_message_given_up_on_is_never_claimed_again(db: &Db) {
    let a = db.account("123456789").await;
    live_call(db, &a, &call_id(1)).await;
    let lease = time::Duration::seconds(60);
    let claimed = db.store.claim_outbox("w1", 10, t0(), t0() + lease).await.unwrap();
    db.store.retry_outbox(claimed[0].id, "w1", "bad address", t0(), true).await.unwrap();
    let far = t0() + time::Duration::days(1);
    assert!(db.store.claim_outbox("w2", 10, far, far + lease).await.unwrap().is_empty());
    assert_eq!(db.number("SELECT COUNT(*) FROM outbox WHERE state = 'failed'").await, 1);
}
contract!(a_message_given_up_on_is_never_claimed_again);

async fn concurrent_claims_never_hand_one_message_to_two_workers(db: &Db) {
    let a = db.account("123456789").await;
    for i in 0..20 {
        live_call(db, &a, &call_id(i as u8 + 10)).await;
    }
    let other = db.another_instance().await;
    let lease = t0() + time::Duration::seconds(60);
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = if w % 2 == 0 { db.store.clone() } else { other.clone() };
        tasks.push(tokio::spawn(async move { store.claim_outbox(&format!("w{w}"), 3, t0(), lease).await }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap().unwrap().into_iter().map(|i| i.id));
    }
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "no message was claimed twice");
    assert_eq!(n, 20, "eight workers taking three each claim all twenty");
}
contract!(concurrent_claims_never_hand_one_message_to_two_workers);
