//! A write method's state change, its audit event and its outbox messages commit together:
//! when any part fails, none of it is left behind.

use reissue_core::model::CallState;
use reissue_core::model::NewCode;
use reissue_core::ports::{Accounts, Calls, CompletedReset, IssuedVoiceCode, OpenSession, Resets};
use reissue_core::rules::CodeChannel;

use crate::contract;
use crate::fixtures::{Db, call_id, code, draft, email, live_call, t0};

/// Makes every insert into `table` fail where `condition` holds, as a full disk or a lost
/// connection would fail it half-way through a transaction.
async fn poison(db: &Db, table: &str, condition: &str) {
    let sql = if db.is_postgres() {
        format!("ALTER TABLE {table} ADD CONSTRAINT poison CHECK (NOT ({condition}))")
    } else {
        format!(
            "CREATE TRIGGER poison BEFORE INSERT ON {table} WHEN NEW.{condition} \
             BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
        )
    };
    db.raw(&sql).await.unwrap();
}

async fn a_failed_outbox_write_undoes_the_code_and_its_audit_event(db: &Db) {
    let a = db.account("123456789").await;
    live_call(db, &a, &call_id(1)).await;
    poison(db, "outbox", "idempotency_key = 'poisoned-mail'").await;
    let issued = IssuedVoiceCode {
        call_id: call_id(1),
        code: NewCode {
            account_id: a.id,
            channel: CodeChannel::Voice,
            salt: vec![1],
            mac: vec![2],
            issued_at: t0(),
            expires_at: t0() + time::Duration::hours(1),
        },
        sealed_code: vec![3],
        gate_credential: "cash_card_pin".into(),
        messages: vec![email("fine-mail"), email("poisoned-mail")],
    };
    db.store.issue_voice_code(issued, t0(), draft("code_issued")).await.expect_err("the outbox write fails");
    let call = db.store.call(&call_id(1)).await.unwrap().unwrap();
    assert_eq!((call.state, call.sealed_code), (CallState::Placed, None), "the call is as it was");
    assert_eq!(db.number("SELECT COUNT(*) FROM reset_codes").await, 0, "no code was stored");
    assert_eq!(db.number("SELECT COUNT(*) FROM outbox WHERE idempotency_key = 'fine-mail'").await, 0);
    assert_eq!(db.number("SELECT COUNT(*) FROM audit_events WHERE action = 'code_issued'").await, 0);
}
contract!(a_failed_outbox_write_undoes_the_code_and_its_audit_event);

async fn a_failed_audit_append_undoes_the_reset_and_its_messages(db: &Db) {
    let a = db.account("123456789").await;
    let c = code(db, &a, &call_id(1)).await;
    let open = OpenSession {
        code_id: c.id,
        token_mac: vec![9; 32],
        max_failures: 6,
        account_max_failures: 100,
        expires_at: t0() + time::Duration::minutes(15),
    };
    assert!(db.store.open_reset_session(open, t0(), draft("session")).await.unwrap());
    let session = db.store.reset_session(&[9; 32]).await.unwrap().unwrap();
    poison(db, "audit_events", "action = 'poisoned'").await;
    let before = db.number("SELECT COUNT(*) FROM outbox").await;
    let reset = CompletedReset {
        session_id: session.id,
        changes: vec![("login_password".into(), "$argon2id$new".into())],
        messages: vec![email("changed-mail")],
    };
    db.store.complete_reset(reset, t0(), draft("poisoned")).await.expect_err("the audit append fails");
    let after = db.store.account(&a.profile.login_id).await.unwrap().unwrap();
    assert_eq!(after.credential("login_password"), a.credential("login_password"), "the password is unchanged");
    assert!(db.store.reset_session(&[9; 32]).await.unwrap().unwrap().open, "the session is still open");
    let (_, _, active) = db.store.code_entry(&a.profile.login_id, CodeChannel::Voice).await.unwrap().unwrap();
    assert_eq!(active.map(|c| c.id), Some(c.id), "the code is still active");
    assert_eq!(db.number("SELECT COUNT(*) FROM outbox").await, before, "no message was queued");
}
contract!(a_failed_audit_append_undoes_the_reset_and_its_messages);
