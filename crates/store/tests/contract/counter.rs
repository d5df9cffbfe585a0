//! Counter cases: a case moves only from the state its caller saw; wrong check codes are
//! counted exactly up to the limit across two instances, the last one closing the case; a
//! case token is claimed once and reported once, however many instances race for it; the
//! states, items and documents the code writes are the only ones the database takes.

use reissue_core::counter::checklist::{DocumentType, ItemKind, ItemRecord, Visit};
use reissue_core::counter::{CardPin, CaseType, PinOperation, PinOutcome};
use reissue_core::lifecycle::counter_case::{CaseEvent, CaseState};
use reissue_core::model::Account;
use reissue_core::ports::counter::{CaseFilter, CounterCases, NewCase, NewCheckCode, PinSuccess};

use crate::contract;
use crate::fixtures::{Db, draft, t0};

fn case(a: &Account, case_type: CaseType) -> NewCase {
    NewCase {
        account_id: a.id,
        case_type,
        ground: None,
        pins: vec![CardPin::Auth, CardPin::Juki],
        operation: PinOperation::Change,
        state: CaseState::initial(case_type),
        check: (case_type == CaseType::Proxy).then(|| NewCheckCode {
            salt: vec![7; 16],
            mac: vec![8; 36],
            sealed: vec![9; 40],
        }),
        recipient: None,
        items: vec![ItemRecord {
            kind: ItemKind::Card,
            visit: Visit::First,
            document: None,
            number_last4: None,
            exemption: None,
            collected: false,
        }],
        opened_by: "staff:counter".into(),
        expires_at: t0() + time::Duration::days(30),
    }
}

async fn a_case_moves_only_from_the_state_its_caller_saw(db: &Db) {
    let a = db.account("123456789").await;
    let id = db.store.open_counter_case(case(&a, CaseType::Proxy), t0(), draft("open")).await.unwrap().unwrap();
    let c = db.store.counter_case(id).await.unwrap().unwrap();
    assert_eq!((c.state, c.letter_printable, c.items.len()), (CaseState::InquiryReady, true, 1));
    assert!(db.store.check_code(id).await.unwrap().unwrap().sealed.is_some());
    let mailed = db.store.move_counter_case(id, CaseEvent::InquiryMailed, CaseState::InquiryReady, t0(), draft("m"));
    assert!(mailed.await.unwrap());
    let again = db.store.move_counter_case(id, CaseEvent::InquiryMailed, CaseState::InquiryReady, t0(), draft("m"));
    assert!(!again.await.unwrap(), "a second counter's stale move writes nothing");
    let c = db.store.counter_case(id).await.unwrap().unwrap();
    assert_eq!((c.state, c.letter_printable, c.mailed_at.is_some()), (CaseState::AwaitingReply, false, true));
    assert!(db.store.check_code(id).await.unwrap().unwrap().sealed.is_none(), "mailed: the seal is wiped");
    let item = ItemRecord {
        kind: ItemKind::ProxyPhotoId,
        visit: Visit::Second,
        document: Some(DocumentType::Passport),
        number_last4: Some("AB12".into()),
        exemption: None,
        collected: false,
    };
    let stale = db.store.record_case_item(id, CaseState::SecondVisit, item, "staff:c", t0(), draft("i"));
    assert!(!stale.await.unwrap(), "an item for a visit the case is not at is not recorded");
    assert_eq!(db.number(&format!("SELECT COUNT(*) FROM counter_case_items WHERE case_id = {id}")).await, 1);
    let listed = db.store.counter_cases(CaseFilter::NotClosed(t0()), 10).await.unwrap();
    assert_eq!(listed.iter().map(|c| c.id).collect::<Vec<_>>(), vec![id]);
    let events = db.number("SELECT COUNT(*) FROM audit_events WHERE action IN ('open', 'm')").await;
    assert_eq!(events, 2, "each write that happened has its audit event, the refused one none");
}
contract!(a_case_moves_only_from_the_state_its_caller_saw);

async fn check_code_tries_are_reserved_exactly_across_instances(db: &Db) {
    let a = db.account("123456789").await;
    let id = db.store.open_counter_case(case(&a, CaseType::Proxy), t0(), draft("open")).await.unwrap().unwrap();
    db.store.move_counter_case(id, CaseEvent::InquiryMailed, CaseState::InquiryReady, t0(), draft("m")).await.unwrap();
    let other = db.another_instance().await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        tasks.push(tokio::spawn(async move { store.reserve_check_code_try(id, 5, t0(), draft("try")).await }));
    }
    let mut counted: Vec<i64> = Vec::new();
    for t in tasks {
        if let Some(n) = t.await.unwrap().unwrap() {
            counted.push(n);
        }
    }
    counted.sort_unstable();
    assert_eq!(counted, vec![1, 2, 3, 4, 5], "exactly five tries reserved, each once, before any compare");
    assert_eq!(db.number("SELECT COUNT(*) FROM audit_events WHERE action = 'try'").await, 5);
    // The right code on the last try gives it back as the case moves on.
    let accepted =
        db.store.move_counter_case(id, CaseEvent::CheckCodeAccepted, CaseState::AwaitingReply, t0(), draft("ok"));
    assert!(accepted.await.unwrap());
    let c = db.store.counter_case(id).await.unwrap().unwrap();
    assert_eq!((c.state, c.check_failures), (CaseState::SecondVisit, 4));
    assert!(
        db.store.reserve_check_code_try(id, 5, t0(), draft("try")).await.unwrap().is_none(),
        "not awaiting a reply"
    );
}
contract!(check_code_tries_are_reserved_exactly_across_instances);

async fn one_case_at_a_time_for_a_holder_however_many_counters(db: &Db) {
    let a = db.account("123456789").await;
    let other = db.another_instance().await;
    let (x, y) = tokio::join!(
        db.store.open_counter_case(case(&a, CaseType::InPerson), t0(), draft("open")),
        other.open_counter_case(case(&a, CaseType::Proxy), t0(), draft("open")),
    );
    let opened = [x.unwrap(), y.unwrap()];
    assert_eq!(opened.iter().filter(|o| o.is_some()).count(), 1, "{opened:?}");
    assert_eq!(db.number("SELECT COUNT(*) FROM counter_cases").await, 1);
    assert_eq!(db.number("SELECT COUNT(*) FROM audit_events WHERE action = 'open'").await, 1);
    // Once that case is past its lifetime, a new one may open.
    let later = t0() + time::Duration::days(31);
    assert!(db.store.open_counter_case(case(&a, CaseType::InPerson), later, draft("open")).await.unwrap().is_some());
}
contract!(one_case_at_a_time_for_a_holder_however_many_counters);

async fn a_case_token_is_claimed_once_and_reported_once(db: &Db) {
    let a = db.account("123456789").await;
    let id = db.store.open_counter_case(case(&a, CaseType::InPerson), t0(), draft("open")).await.unwrap().unwrap();
    let expires = t0() + time::Duration::minutes(15);
    let token = db.store.issue_case_token(id, vec![3; 36], CardPin::Auth, expires, "staff:c", t0(), draft("t")).await;
    let token = token.unwrap();
    let row = db.store.case_token(&[vec![1; 36], vec![3; 36]]).await.unwrap().unwrap();
    assert_eq!((row.id, row.pin, row.claimed_at), (token, CardPin::Auth, None));
    let other = std::sync::Arc::new(db.another_instance().await);
    let mut tasks = Vec::new();
    for i in 0..6u8 {
        let store = if i % 2 == 0 { db.store.clone() } else { (*other).clone() };
        tasks
            .push(tokio::spawn(async move { store.claim_case_token(token, vec![50 + i; 36], t0(), draft("c")).await }));
    }
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap().unwrap());
    }
    assert_eq!(won, 1, "one claim wins");
    let late = db.store.claim_case_token(token, vec![99; 36], expires, draft("c"));
    assert!(!late.await.unwrap());
    let claimed = db.store.case_token(&[vec![3; 36]]).await.unwrap().unwrap();
    let report_mac = db
        .number(&format!("SELECT COUNT(*) FROM counter_case_tokens WHERE id = {token} AND report_mac IS NOT NULL"))
        .await;
    assert_eq!(report_mac, 1);
    assert!(claimed.claimed_at.is_some());
    let success = PinSuccess {
        case_id: id,
        from: CaseState::Open,
        seen: vec![],
        pins_done: vec![CardPin::Auth],
        complete: false,
    };
    let first =
        db.store.report_case_token(token, PinOutcome::Success, Some(3), Some(success.clone()), t0(), draft("r"));
    assert!(first.await.unwrap());
    let second = db.store.report_case_token(token, PinOutcome::Success, Some(3), Some(success), t0(), draft("r"));
    assert!(!second.await.unwrap(), "reported once");
    let c = db.store.counter_case(id).await.unwrap().unwrap();
    assert_eq!((c.state, c.pins_done.clone()), (CaseState::Open, vec![CardPin::Auth]));
    assert_eq!((c.tokens[0].outcome, c.tokens[0].tries_left), (Some(PinOutcome::Success), Some(3)));
    let stale = PinSuccess {
        case_id: id,
        from: CaseState::Open,
        seen: vec![],
        pins_done: vec![CardPin::Juki],
        complete: false,
    };
    assert!(
        !db.store.record_pin_success(stale, t0(), draft("p")).await.unwrap(),
        "a success computed before another was recorded would lose it: refused"
    );
    let done = PinSuccess {
        case_id: id,
        from: CaseState::Open,
        seen: vec![CardPin::Auth],
        pins_done: vec![CardPin::Auth, CardPin::Juki],
        complete: true,
    };
    assert!(db.store.record_pin_success(done.clone(), t0(), draft("p")).await.unwrap());
    assert!(!db.store.record_pin_success(done, t0(), draft("p")).await.unwrap(), "a completed case does not move");
    assert_eq!(db.store.counter_case(id).await.unwrap().unwrap().state, CaseState::Completed);
}
contract!(a_case_token_is_claimed_once_and_reported_once);

async fn the_database_takes_only_the_states_and_items_the_code_writes(db: &Db) {
    let a = db.account("123456789").await;
    let id = db.store.open_counter_case(case(&a, CaseType::InPerson), t0(), draft("open")).await.unwrap().unwrap();
    assert!(db.raw(&format!("UPDATE counter_cases SET state = 'done' WHERE id = {id}")).await.is_err());
    assert!(db.raw(&format!("UPDATE counter_cases SET case_type = 'friend' WHERE id = {id}")).await.is_err());
    assert!(db.raw(&format!("UPDATE counter_case_items SET item = 'photo' WHERE case_id = {id}")).await.is_err());
    let long = format!("UPDATE counter_case_items SET number_last4 = '12345' WHERE case_id = {id}");
    assert!(db.raw(&long).await.is_err(), "never more than four characters of a number");
    for s in CaseState::ALL {
        db.raw(&format!("UPDATE counter_cases SET state = '{}' WHERE id = {id}", s.as_str())).await.unwrap();
    }
}
contract!(the_database_takes_only_the_states_and_items_the_code_writes);
