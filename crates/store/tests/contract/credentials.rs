//! Credential attempts are counted before a secret is checked, so no interleaving checks more
//! guesses than the limit.

use reissue_core::ports::{Attempt, Credentials};

use crate::contract;
use crate::fixtures::{Db, draft, t0};

async fn concurrent_attempts_reserve_no_more_than_the_limit(db: &Db) {
    let a = db.account("123456789").await;
    let other = db.another_instance().await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        tasks.push(tokio::spawn(async move { store.reserve_credential_attempt(a.id, "login_password", 5).await }));
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
    assert_eq!(db.store.reserve_credential_attempt(a.id, "login_password", 5).await.unwrap(), Attempt::Locked);
    assert!(!db.store.record_credential_success(a.id, "login_password", None, t0(), draft("verify")).await.unwrap());
}
contract!(concurrent_attempts_reserve_no_more_than_the_limit);
