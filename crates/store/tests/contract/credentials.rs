//! Credential attempts are counted before a secret is checked, so no interleaving checks more
//! guesses than the limit.

use reissue_core::ports::{Attempt, AuditLog, Credentials};
use time::Duration;

use crate::contract;
use crate::fixtures::{Db, draft, t0};

const LEASE: Duration = reissue_core::lifecycle::ATTEMPT_LEASE;

async fn concurrent_attempts_reserve_no_more_than_the_limit(db: &Db) {
    let a = db.account("123456789").await;
    let other = db.another_instance().await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        tasks.push(tokio::spawn(async move {
            store.reserve_credential_attempt(a.id, "login_password", 5, t0(), t0() - LEASE, draft("verify")).await
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap().unwrap());
    }
    assert_eq!(answers.iter().filter(|a| **a == Attempt::Reserved).count(), 5);
    assert_eq!(answers.iter().filter(|a| **a == Attempt::Busy).count(), 25);
    // The five reserved attempts were all counted already: the first wrong one locks.
    let f = db.store.record_credential_failure(a.id, "login_password", 5, t0(), draft("verify")).await.unwrap();
    assert!(f.locked, "five counted attempts lock the credential");
    assert_eq!(
        db.store
            .reserve_credential_attempt(a.id, "login_password", 5, t0(), t0() - LEASE, draft("verify"))
            .await
            .unwrap(),
        Attempt::Locked
    );
    assert!(!db.store.record_credential_success(a.id, "login_password", None, t0(), draft("verify")).await.unwrap());
}
contract!(concurrent_attempts_reserve_no_more_than_the_limit);

async fn attempts_never_settled_stop_holding_the_credential_once_their_lease_is_over(db: &Db) {
    let a = db.account("123456789").await;
    let reserve = |at: time::OffsetDateTime| {
        let store = db.store.clone();
        async move { store.reserve_credential_attempt(a.id, "login_password", 5, at, at - LEASE, draft("verify")).await }
    };
    for _ in 0..5 {
        assert_eq!(reserve(t0()).await.unwrap(), Attempt::Reserved);
    }
    // Nothing settles them (the process died). Within the lease they are checks under way.
    assert_eq!(reserve(t0() + Duration::seconds(30)).await.unwrap(), Attempt::Busy);
    // Past it they count as the failures they were counted as: the credential locks, audited.
    assert_eq!(reserve(t0() + LEASE + Duration::seconds(1)).await.unwrap(), Attempt::Locked);
    let events = db.store.audit_events(None, 0, 1000).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.draft.outcome == "reserved").count(), 5, "each reservation is audited");
    assert!(events.iter().any(|e| e.draft.outcome == "unsettled_attempts_locked"), "{events:?}");
}
contract!(attempts_never_settled_stop_holding_the_credential_once_their_lease_is_over);

async fn an_attempt_given_back_unchecked_frees_its_place(db: &Db) {
    let a = db.account("123456789").await;
    for _ in 0..5 {
        let r = db.store.reserve_credential_attempt(a.id, "login_password", 5, t0(), t0() - LEASE, draft("verify"));
        assert_eq!(r.await.unwrap(), Attempt::Reserved);
    }
    db.store.release_credential_attempt(a.id, "login_password", t0(), draft("verify")).await.unwrap();
    let again = db.store.reserve_credential_attempt(a.id, "login_password", 5, t0(), t0() - LEASE, draft("verify"));
    assert_eq!(again.await.unwrap(), Attempt::Reserved);
}
contract!(an_attempt_given_back_unchecked_frees_its_place);
