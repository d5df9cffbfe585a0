//! The help desk's writes: each changes something or nothing, with its audit event; a fraud
//! hold and a suspension void every way back in; of two approvals at once one wins; outbox
//! messages name their account so the account view lists them.

use reissue_core::lifecycle::letter::LetterState;
use reissue_core::ports::Accounts;
use reissue_core::ports::helpdesk::{AccountSearch, Channel, ChannelPause, HelpDesk};
use reissue_core::ports::postal::{Hold, HoldKind, Postal};

use crate::contract;
use crate::fixtures::{Db, call_id, code, draft, email, t0};

async fn a_fraud_hold_voids_codes_and_is_put_once(db: &Db) {
    let a = db.account("123456789").await;
    code(db, &a, &call_id(1)).await;
    assert!(db.store.active_code(a.id).await.unwrap().is_some());
    let hold = Hold {
        kind: HoldKind::Fraud,
        reason: "caller sounded coached".into(),
        set_by: "staff:hd".into(),
        set_at: t0(),
    };
    assert!(db.store.put_hold(a.id, hold.clone(), t0(), draft("fraud_hold")).await.unwrap());
    assert!(!db.store.put_hold(a.id, hold, t0(), draft("fraud_hold")).await.unwrap(), "already held");
    assert!(db.store.active_code(a.id).await.unwrap().is_none(), "the hold voided the code");
    assert_eq!(db.store.account_standing(a.id).await.unwrap().holds.len(), 1);
    assert!(db.store.lift_hold(a.id, HoldKind::Fraud, t0(), draft("lift")).await.unwrap());
    assert!(!db.store.lift_hold(a.id, HoldKind::Fraud, t0(), draft("lift")).await.unwrap());
    assert_eq!(db.number("SELECT COUNT(*) FROM audit_events WHERE action IN ('fraud_hold', 'lift')").await, 2);
}
contract!(a_fraud_hold_voids_codes_and_is_put_once);

async fn void_unlock_and_suspend_change_something_or_nothing(db: &Db) {
    let a = db.account("123456789").await;
    assert_eq!(db.store.void_codes(a.id, vec![email("v0")], t0(), draft("void_code")).await.unwrap(), 0);
    assert_eq!(db.number("SELECT COUNT(*) FROM outbox WHERE idempotency_key = 'v0'").await, 0, "no code, no mail");
    code(db, &a, &call_id(1)).await;
    assert_eq!(db.store.void_codes(a.id, vec![email("v1")], t0(), draft("void_code")).await.unwrap(), 1);
    assert_eq!(
        db.number(&format!("SELECT COUNT(*) FROM outbox WHERE idempotency_key = 'v1' AND account_id = {}", a.id.get()))
            .await,
        1
    );
    assert!(!db.store.unlock_credential(a.id, "cash_card_pin", vec![], t0(), draft("unlock")).await.unwrap());
    db.raw(&format!("UPDATE credentials SET locked = 1, failures = 5 WHERE account_id = {}", a.id.get()))
        .await
        .unwrap();
    assert!(db.store.unlock_credential(a.id, "cash_card_pin", vec![email("u")], t0(), draft("unlock")).await.unwrap());
    let again = db.store.account(&a.profile.login_id).await.unwrap().unwrap();
    let pin = again.credential("cash_card_pin").unwrap();
    assert_eq!((pin.locked, pin.failures), (false, 0));
    assert!(again.credential("login_password").unwrap().locked, "only the named credential is unlocked");
    assert!(db.store.set_suspended(a.id, true, t0(), draft("suspend")).await.unwrap());
    assert!(!db.store.set_suspended(a.id, true, t0(), draft("suspend")).await.unwrap());
    assert!(db.store.set_suspended(a.id, false, t0(), draft("resume")).await.unwrap());
}
contract!(void_unlock_and_suspend_change_something_or_nothing);

async fn a_fraud_hold_withdraws_a_waiting_letter(db: &Db) {
    let a = db.account("123456789").await;
    let letter = crate::postal::letter_for(&a, 1);
    db.store.record_postal_application(letter, t0(), draft("postal")).await.unwrap();
    let hold = Hold { kind: HoldKind::Fraud, reason: "r".into(), set_by: "staff:hd".into(), set_at: t0() };
    db.store.put_hold(a.id, hold, t0(), draft("fraud_hold")).await.unwrap();
    let letters = db.store.letters_of_account(a.id).await.unwrap();
    assert_eq!(letters[0].state, LetterState::Withdrawn);
}
contract!(a_fraud_hold_withdraws_a_waiting_letter);

async fn channels_pause_once_and_resume(db: &Db) {
    let pause = ChannelPause {
        channel: Channel::Voice,
        reason: "provider outage".into(),
        paused_by: "staff:admin".into(),
        paused_at: t0(),
    };
    assert!(db.store.pause_channel(pause.clone(), t0(), draft("pause_channel")).await.unwrap());
    assert!(!db.store.pause_channel(pause.clone(), t0(), draft("pause_channel")).await.unwrap());
    assert_eq!(db.store.channel_pauses().await.unwrap(), vec![pause]);
    assert!(db.store.resume_channel(Channel::Voice, t0(), draft("resume_channel")).await.unwrap());
    assert!(!db.store.resume_channel(Channel::Voice, t0(), draft("resume_channel")).await.unwrap());
    assert!(db.store.channel_pauses().await.unwrap().is_empty());
}
contract!(channels_pause_once_and_resume);

async fn of_two_approvals_at_once_one_wins(db: &Db) {
    let id = db
        .store
        .queue_action(
            "unlock",
            Some("123456789"),
            serde_json::json!({"action": "unlock"}),
            "staff:a",
            t0(),
            draft("unlock"),
        )
        .await
        .unwrap();
    let other = db.another_instance().await;
    let (x, y) = tokio::join!(
        db.store.decide_action(id, "pending", "approved", "staff:b", None, t0(), draft("approve")),
        other.decide_action(id, "pending", "approved", "staff:c", None, t0(), draft("approve")),
    );
    assert_eq!([x.unwrap(), y.unwrap()].iter().filter(|w| **w).count(), 1);
    let a = db.store.action(id).await.unwrap().unwrap();
    assert_eq!(a.state, "approved");
    assert!(
        !db.store.decide_action(id, "pending", "rejected", "staff:d", Some("no"), t0(), draft("reject")).await.unwrap()
    );
    assert_eq!(db.store.actions(10).await.unwrap().len(), 1);
}
contract!(of_two_approvals_at_once_one_wins);

async fn search_matches_every_field_given(db: &Db) {
    let a = db.account("123456789").await;
    db.account("223456789").await;
    let by_name = AccountSearch {
        name: Some(a.profile.name.clone()),
        phone: a.profile.phone.clone(),
        ..AccountSearch::default()
    };
    let found = db.store.search_accounts(&by_name, 10).await.unwrap();
    assert_eq!(found.len(), 2, "both fixtures share name and phone");
    db.raw("UPDATE accounts SET name_kana = 'コク タロウ', birth_date = '1980-04-01' WHERE login_id = '223456789'")
        .await
        .unwrap();
    let by_kana = AccountSearch {
        name_kana: Some(reissue_core::account::KanaName::parse("こくたろう").unwrap()),
        ..AccountSearch::default()
    };
    let found = db.store.search_accounts(&by_kana, 10).await.unwrap();
    assert_eq!(found.iter().map(|p| p.login_id.as_str()).collect::<Vec<_>>(), vec!["223456789"]);
    let by_birth = AccountSearch { birth_date: Some(time::macros::date!(1980 - 04 - 01)), ..AccountSearch::default() };
    assert_eq!(db.store.search_accounts(&by_birth, 10).await.unwrap().len(), 1);
    assert!(db.store.search_accounts(&AccountSearch::default(), 10).await.unwrap().is_empty(), "no field, no list");
}
contract!(search_matches_every_field_given);
