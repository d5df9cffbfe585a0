//! Letters: an application voids every other way back in and withdraws unsent letters; a
//! batch takes the queued letters once; the export wipes the sealed codes once; tracking
//! numbers and returns are all or nothing; a return voids its code and flags as asked.

use reissue_core::account::Address;
use reissue_core::lifecycle::letter::{BatchState, LetterState};
use reissue_core::model::{Account, NewCode};
use reissue_core::ports::postal::{Acceptance, LetterRecipient, LetterReturn, NewLetter, Postal};
use reissue_core::ports::{HelpDesk, OpenSession, Resets};
use reissue_core::rules::CodeChannel;

use crate::contract;
use crate::fixtures::{Db, call_id, code, draft, email, t0};

/// A letter for the account, applied for by the help desk.
pub fn letter_for(a: &Account, n: u8) -> NewLetter {
    letter(a, n, "staff:hd")
}

fn letter(a: &Account, n: u8, by: &str) -> NewLetter {
    NewLetter {
        account_id: a.id,
        code: NewCode {
            account_id: a.id,
            channel: CodeChannel::Postal,
            salt: vec![n; 16],
            mac: vec![n; 32],
            issued_at: t0(),
            expires_at: t0() + time::Duration::days(21),
        },
        sealed_code: vec![n; 40],
        recipient: LetterRecipient {
            postal_code: "100-0005".into(),
            address_lines: vec!["東京都千代田区丸の内一丁目1番1号".into()],
            organization: None,
            family_name: "国".into(),
            given_name: "太郎".into(),
        },
        applied_by: by.into(),
        reason: "caller lost the card".into(),
        identity_checks: vec!["birth_date".into(), "name".into()],
        messages: vec![email(&format!("postal-{n}"))],
    }
}

async fn an_application_voids_codes_sessions_and_unsent_letters(db: &Db) {
    let a = db.account("123456789").await;
    let voice = code(db, &a, &call_id(1)).await;
    let open = OpenSession {
        code_id: voice.id,
        token_mac: vec![1; 32],
        max_failures: 6,
        account_max_failures: 100,
        expires_at: t0() + time::Duration::minutes(15),
    };
    assert!(db.store.open_reset_session(open, t0(), draft("session")).await.unwrap());
    let first = db.store.record_postal_application(letter(&a, 1, "staff:hd"), t0(), draft("postal")).await.unwrap();
    assert!(!db.store.reset_session(&[1; 32]).await.unwrap().unwrap().open, "the voice code's session ended");
    let second = db.store.record_postal_application(letter(&a, 2, "staff:hd"), t0(), draft("postal")).await.unwrap();
    assert_eq!(db.number("SELECT COUNT(*) FROM reset_codes WHERE state = 'active'").await, 1);
    assert_eq!(db.number("SELECT COUNT(*) FROM reset_codes WHERE state = 'active' AND channel = 'postal'").await, 1);
    let letters = db.store.letters_of_account(a.id).await.unwrap();
    assert_eq!(
        letters.iter().map(|l| (l.id, l.state)).collect::<Vec<_>>(),
        vec![(first, LetterState::Withdrawn), (second, LetterState::Queued)]
    );
    assert_eq!(
        db.number(&format!("SELECT COUNT(*) FROM letters WHERE id = {first} AND sealed_code IS NULL")).await,
        1,
        "a withdrawn letter's sealed code is wiped"
    );
    assert_eq!(db.number("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'postal-%'").await, 2);
    // A voice code issued later withdraws the waiting letter too: it would carry a dead code.
    code(db, &a, &call_id(2)).await;
    let letters = db.store.letters_of_account(a.id).await.unwrap();
    assert_eq!(letters[1].state, LetterState::Withdrawn);
    assert_eq!(db.store.queue().await.unwrap().letters, 0);
}
contract!(an_application_voids_codes_sessions_and_unsent_letters);

async fn a_batch_takes_the_queued_letters_and_its_export_wipes_the_codes_once(db: &Db) {
    let a = db.account("123456789").await;
    let b = db.account("223456789").await;
    assert!(db.store.close_batch("staff:po", t0(), draft("close")).await.unwrap().is_none(), "nothing queued");
    let la = db.store.record_postal_application(letter(&a, 1, "staff:hd"), t0(), draft("postal")).await.unwrap();
    let lb = db.store.record_postal_application(letter(&b, 2, "staff:hd"), t0(), draft("postal")).await.unwrap();
    let q = db.store.queue().await.unwrap();
    assert_eq!((q.letters, q.oldest), (2, Some(t0())));
    let batch = db.store.close_batch("staff:po", t0(), draft("close")).await.unwrap().expect("a batch");
    assert_eq!((batch.state, batch.letters), (BatchState::Closed, 2));
    assert_eq!(db.store.queue().await.unwrap().letters, 0);
    let printing = db.store.letters_to_print(batch.id).await.unwrap();
    assert_eq!(printing.iter().map(|l| l.id).collect::<Vec<_>>(), vec![la, lb]);
    assert_eq!(printing[0].sealed_code, vec![1; 40]);
    assert_eq!(printing[0].code_salt, vec![1; 16]);
    // A letter queued after the close waits for the next batch.
    let c = db.account("323456789").await;
    db.store.record_postal_application(letter(&c, 3, "staff:hd"), t0(), draft("postal")).await.unwrap();
    let other = db.another_instance().await;
    let (one, two) = tokio::join!(
        db.store.mark_batch_exported(batch.id, "staff:po", "encrypted", t0(), draft("export")),
        other.mark_batch_exported(batch.id, "staff:po", "encrypted", t0(), draft("export")),
    );
    assert_eq!([one.unwrap(), two.unwrap()].iter().filter(|x| **x).count(), 1, "exported exactly once");
    assert_eq!(db.number("SELECT COUNT(*) FROM letters WHERE state = 'exported' AND sealed_code IS NULL").await, 2);
    assert_eq!(db.number("SELECT COUNT(*) FROM letters WHERE sealed_code IS NOT NULL").await, 1, "only the queued one");
    assert!(db.store.letters_to_print(batch.id).await.unwrap().is_empty());
    let stored = db.store.batch(batch.id).await.unwrap().unwrap();
    assert_eq!((stored.state, stored.protection.as_deref()), (BatchState::Exported, Some("encrypted")));
    assert_eq!(db.store.batches(10).await.unwrap().len(), 1);
}
contract!(a_batch_takes_the_queued_letters_and_its_export_wipes_the_codes_once);

async fn exported(db: &Db, logins: &[&str]) -> Vec<(Account, i64)> {
    let mut out = Vec::new();
    for (n, login) in logins.iter().enumerate() {
        let a = db.account(login).await;
        let id =
            db.store.record_postal_application(letter(&a, n as u8 + 1, "staff:hd"), t0(), draft("p")).await.unwrap();
        out.push((a, id));
    }
    let batch = db.store.close_batch("staff:po", t0(), draft("close")).await.unwrap().unwrap();
    assert!(db.store.mark_batch_exported(batch.id, "staff:po", "clear", t0(), draft("export")).await.unwrap());
    out
}

async fn tracking_numbers_are_recorded_all_or_none(db: &Db) {
    let letters = exported(db, &["123456789", "223456789"]).await;
    let acc = |i: usize, n: &str| Acceptance {
        letter_id: letters[i].1,
        account_id: letters[i].0.id,
        tracking_number: n.into(),
        accepted_on: "2027-01-15".into(),
    };
    assert!(db.store.record_acceptances(vec![acc(0, "13112383852")], t0(), draft("tracking")).await.unwrap());
    // The first letter is no longer exported: the whole second file changes nothing.
    let again = db.store.record_acceptances(vec![acc(1, "13112383863"), acc(0, "13112383852")], t0(), draft("t"));
    assert!(!again.await.unwrap());
    let views = db.store.letters_by_id(&[letters[0].1, letters[1].1]).await.unwrap();
    assert_eq!(views[0].tracking_number.as_deref(), Some("13112383852"));
    assert_eq!(views[0].state, LetterState::Accepted);
    assert_eq!((views[1].state, views[1].tracking_number.as_deref()), (LetterState::Exported, None));
}
contract!(tracking_numbers_are_recorded_all_or_none);

async fn a_return_voids_its_code_and_flags_as_asked(db: &Db) {
    let letters = exported(db, &["123456789", "223456789"]).await;
    let address = Address {
        postal_code: "100-0005".into(), lines: vec!["東京都千代田区丸の内一丁目1番1号".into()]
    };
    let ret = |i: usize, reason: &str, flag: bool, review: bool| LetterReturn {
        letter_id: letters[i].1,
        account_id: letters[i].0.id,
        reason: reason.into(),
        returned_on: "2027-01-20".into(),
        flag_address: flag.then(|| address.clone()),
        review,
        messages: vec![email(&format!("returned-{i}"))],
        audit: draft("letter_returned"),
    };
    let batch = vec![ret(0, "moved", true, false), ret(1, "refused", false, true)];
    assert!(db.store.record_returns(batch, t0(), draft("returns")).await.unwrap());
    assert_eq!(db.number("SELECT COUNT(*) FROM reset_codes WHERE state = 'active'").await, 0, "both codes voided");
    let s0 = db.store.account_standing(letters[0].0.id).await.unwrap();
    assert_eq!(s0.address_flag.as_ref().map(|f| (&f.address, f.reason.as_str())), Some((&address, "moved")));
    assert!(s0.holds.is_empty());
    let s1 = db.store.account_standing(letters[1].0.id).await.unwrap();
    assert!(s1.address_flag.is_none());
    assert_eq!(s1.holds.len(), 1, "a refused letter puts the account on review");
    assert_eq!(db.number("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'returned-%'").await, 2);
    assert_eq!(db.number("SELECT COUNT(*) FROM audit_events WHERE action = 'letter_returned'").await, 2);
    // A second return of the same letter changes nothing, messages included.
    assert!(!db.store.record_returns(vec![ret(0, "moved", true, false)], t0(), draft("returns")).await.unwrap());
    assert_eq!(db.number("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'returned-%'").await, 2);
    let counts = db.store.letter_counts(t0()).await.unwrap();
    assert_eq!(counts.iter().filter(|c| c.state == LetterState::Returned).map(|c| c.letters).sum::<u64>(), 2);
}
contract!(a_return_voids_its_code_and_flags_as_asked);
