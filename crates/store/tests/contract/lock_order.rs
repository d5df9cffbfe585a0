//! Writers of one account lock its row first, so a completion and a wrong code entry for the
//! same account, however they interleave, both finish.

use reissue_core::ports::{CompletedReset, OpenSession, Resets};

use crate::contract;
use crate::fixtures::{Db, call_id, code, draft, email, t0};

async fn a_completion_and_a_wrong_code_for_one_account_never_deadlock(db: &Db) {
    let a = db.account("123456789").await;
    let other = db.another_instance().await;
    for i in 0..60 {
        let c = code(db, &a, &call_id(i as u8 + 10)).await;
        let mac = vec![i as u8; 32];
        let open = OpenSession {
            code_id: c.id,
            token_mac: mac.clone(),
            max_failures: 6,
            account_max_failures: 1000,
            expires_at: t0() + time::Duration::minutes(15),
        };
        assert!(db.store.open_reset_session(open, t0(), draft("session")).await.unwrap());
        let session = db.store.reset_session(&mac).await.unwrap().unwrap();
        let reset = CompletedReset {
            session_id: session.id,
            changes: vec![("login_password".into(), format!("$argon2id${i}"))],
            messages: vec![email(&format!("changed-{i}"))],
        };
        let (done, wrong) = tokio::join!(
            db.store.complete_reset(reset, t0(), draft("reset_completed")),
            other.record_wrong_code(c.id, a.id, 6, t0(), draft("code_entry")),
        );
        assert!(done.unwrap_or_else(|e| panic!("iteration {i}: completion failed: {e}")), "iteration {i}");
        wrong.unwrap_or_else(|e| panic!("iteration {i}: wrong code failed: {e}"));
    }
}
contract!(a_completion_and_a_wrong_code_for_one_account_never_deadlock);
