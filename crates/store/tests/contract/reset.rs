//! Codes and sessions: one active code per account, wrong entries counted exactly however
//! many arrive at once, and a completion that spends the session and the code together.

use reissue_core::model::CodeState;
use reissue_core::ports::{CompletedReset, OpenSession, Resets};
use reissue_core::rules::CodeChannel;

use crate::contract;
use crate::fixtures::{Db, call_id, code, draft, email, t0};

async fn a_new_code_voids_the_earlier_one_and_ends_its_session(db: &Db) {
    let a = db.account("123456789").await;
    let first = code(db, &a, &call_id(1)).await;
    let open = OpenSession {
        code_id: first.id,
        token_mac: vec![1; 32],
        max_failures: 6,
        account_max_failures: 100,
        expires_at: t0() + time::Duration::minutes(15),
    };
    assert!(db.store.open_reset_session(open, t0(), draft("session")).await.unwrap());
    let second = code(db, &a, &call_id(2)).await;
    assert_ne!(first.id, second.id);
    assert_eq!(db.number("SELECT COUNT(*) FROM reset_codes WHERE state = 'active'").await, 1);
    assert_eq!(
        db.number(&format!("SELECT COUNT(*) FROM reset_codes WHERE id = {} AND state = 'void'", first.id)).await,
        1
    );
    assert!(!db.store.reset_session(&[1; 32]).await.unwrap().unwrap().open, "the old code's session ended");
}
contract!(a_new_code_voids_the_earlier_one_and_ends_its_session);

async fn concurrent_wrong_codes_count_exactly_up_to_the_limit(db: &Db) {
    let a = db.account("123456789").await;
    let c = code(db, &a, &call_id(1)).await;
    let other = db.another_instance().await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        let (code_id, account_id) = (c.id, a.id);
        tasks.push(tokio::spawn(async move {
            store.record_wrong_code(code_id, account_id, 6, t0(), draft("code_entry").outcome("wrong_code")).await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("every wrong entry is recorded");
    }
    let (_, account_failures, active) =
        db.store.code_entry(&a.profile.login_id, CodeChannel::Voice).await.unwrap().unwrap();
    assert_eq!(active, None, "the code is dead");
    assert_eq!(account_failures, 6, "the account counted each failure on the code once");
    assert_eq!(db.number(&format!("SELECT failures FROM reset_codes WHERE id = {}", c.id)).await, 6);
    assert_eq!(db.number("SELECT COUNT(*) FROM audit_events WHERE outcome = 'code_killed'").await, 1);
    assert_eq!(db.number("SELECT COUNT(*) FROM audit_events WHERE outcome = 'code_not_active'").await, 34);
    let state = db.number(&format!("SELECT COUNT(*) FROM reset_codes WHERE id = {} AND state = 'dead'", c.id)).await;
    assert_eq!(state, 1, "{:?}", CodeState::Dead);
}
contract!(concurrent_wrong_codes_count_exactly_up_to_the_limit);

async fn a_completed_reset_spends_its_session_and_code_once(db: &Db) {
    let a = db.account("123456789").await;
    let c = code(db, &a, &call_id(1)).await;
    let open = OpenSession {
        code_id: c.id,
        token_mac: vec![2; 32],
        max_failures: 6,
        account_max_failures: 100,
        expires_at: t0() + time::Duration::minutes(15),
    };
    assert!(db.store.open_reset_session(open, t0(), draft("session")).await.unwrap());
    let session = db.store.reset_session(&[2; 32]).await.unwrap().unwrap();
    let reset = |key: &str| CompletedReset {
        session_id: session.id,
        changes: vec![("login_password".into(), format!("$argon2id${key}"))],
        messages: vec![email(key)],
    };
    let (one, two) = tokio::join!(
        db.store.complete_reset(reset("first"), t0(), draft("reset_completed")),
        db.store.complete_reset(reset("second"), t0(), draft("reset_completed")),
    );
    assert_eq!([one.unwrap(), two.unwrap()].iter().filter(|ok| **ok).count(), 1, "exactly one completes");
    assert_eq!(db.number("SELECT COUNT(*) FROM audit_events WHERE action = 'reset_completed'").await, 1);
    assert_eq!(db.number("SELECT COUNT(*) FROM outbox WHERE idempotency_key IN ('first', 'second')").await, 1);
    assert_eq!(
        db.number(&format!("SELECT COUNT(*) FROM reset_codes WHERE id = {} AND state = 'spent'", c.id)).await,
        1
    );
}
contract!(a_completed_reset_spends_its_session_and_code_once);
