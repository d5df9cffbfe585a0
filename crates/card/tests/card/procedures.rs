//! The PIN procedures against the in-process software card: every PIN, right, wrong and
//! locked; change; and input refused before a single APDU.

use reissue_card::apdu::StatusWord;
use reissue_card::help::{CardHelp, Trouble};
use reissue_card::pin::{JUKI_AID_COMMON, JUKI_AID_DATA, PinKind};
use reissue_card::procedure::{
    CardError, PinInputError, PinStatus, all_pin_statuses, change_pin, change_pin_from_input, pin_status, verify_pin,
};
use reissue_card::transport::TransportError;

use super::fixtures::{Recording, Scripted, card, initial, other_valid, pin, wrong};

#[test]
fn a_new_card_reports_every_pin_with_all_its_tries() {
    let mut card = card();
    let statuses = all_pin_statuses(&mut card).unwrap();
    let expected: Vec<PinStatus> = PinKind::ALL
        .into_iter()
        .map(|kind| PinStatus { kind, tries_left: kind.max_tries(), max_tries: kind.max_tries(), locked: false })
        .collect();
    assert_eq!(statuses, expected);
    assert_eq!(expected.iter().map(|s| s.max_tries).collect::<Vec<_>>(), vec![3, 5, 3, 3]);
}

#[test]
fn reading_the_status_spends_no_try_and_runs_in_one_transaction() {
    let mut rec = Recording::new(card());
    all_pin_statuses(&mut rec).unwrap();
    all_pin_statuses(&mut rec).unwrap();
    assert_eq!(rec.transactions, 2);
    for kind in PinKind::ALL {
        assert_eq!(rec.inner.tries_left(kind), kind.max_tries());
    }
    // No VERIFY in the status query carries data.
    assert!(rec.sent.iter().filter(|apdu| apdu[1] == 0x20).all(|apdu| apdu.len() == 4));
}

#[test]
fn the_right_pin_verifies_for_every_pin() {
    let mut card = card();
    for kind in PinKind::ALL {
        verify_pin(&mut card, &pin(kind, initial(kind))).unwrap();
    }
}

#[test]
fn a_wrong_pin_spends_one_try_and_says_how_many_are_left() {
    for kind in PinKind::ALL {
        let mut card = card();
        let err = verify_pin(&mut card, &pin(kind, wrong(kind))).unwrap_err();
        let left = kind.max_tries() - 1;
        assert_eq!(err, CardError::WrongPin { kind, tries_left: left });
        assert!(err.to_string().contains(&format!("{left} tries left")), "{err}");
        assert_eq!(pin_status(&mut card, kind).unwrap().tries_left, left);
    }
}

#[test]
fn a_right_pin_restores_the_counter() {
    for kind in PinKind::ALL {
        let mut card = card();
        for _ in 1..kind.max_tries() {
            let _ = verify_pin(&mut card, &pin(kind, wrong(kind)));
        }
        assert_eq!(pin_status(&mut card, kind).unwrap().tries_left, 1);
        verify_pin(&mut card, &pin(kind, initial(kind))).unwrap();
        assert_eq!(pin_status(&mut card, kind).unwrap().tries_left, kind.max_tries());
    }
}

#[test]
fn the_last_wrong_try_locks_the_pin_and_sends_the_holder_to_the_counter() {
    for kind in PinKind::ALL {
        let mut card = card();
        for _ in 1..kind.max_tries() {
            let _ = verify_pin(&mut card, &pin(kind, wrong(kind)));
        }
        let err = verify_pin(&mut card, &pin(kind, wrong(kind))).unwrap_err();
        assert_eq!(err, CardError::Locked { kind });
        let help = CardHelp::default().where_to_go(Trouble::of(&err).expect("a lock sends the holder away"));
        assert!(help.join("\n").contains("municipal office"), "{help:?}");
        let status = pin_status(&mut card, kind).unwrap();
        assert!(status.locked);
        assert_eq!(status.tries_left, 0);
        // Not even the right PIN opens a locked one.
        assert_eq!(verify_pin(&mut card, &pin(kind, initial(kind))), Err(CardError::Locked { kind }));
        // The other PINs are untouched.
        for other in PinKind::ALL.into_iter().filter(|k| *k != kind) {
            assert!(!pin_status(&mut card, other).unwrap().locked);
        }
    }
}

#[test]
fn a_locked_pin_is_never_sent_to_the_card() {
    let kind = PinKind::Auth;
    let mut rec = Recording::new(card());
    for _ in 0..kind.max_tries() {
        let _ = verify_pin(&mut rec, &pin(kind, wrong(kind)));
    }
    rec.sent.clear();
    let err = change_pin(&mut rec, &pin(kind, initial(kind)), &pin(kind, other_valid(kind))).unwrap_err();
    assert_eq!(err, CardError::Locked { kind });
    assert!(rec.sent.iter().all(|apdu| apdu.len() == 4 || apdu[1] == 0xA4));
}

#[test]
fn changing_a_pin_replaces_it_for_every_pin() {
    for kind in PinKind::ALL {
        let mut rec = Recording::new(card());
        change_pin(&mut rec, &pin(kind, initial(kind)), &pin(kind, other_valid(kind))).unwrap();
        assert_eq!(rec.transactions, 1, "select, verify and change share one");
        assert_eq!(rec.instructions().last(), Some(&0x24));
        let change = rec.sent.last().unwrap();
        assert_eq!(&change[..4], &[0x00, 0x24, 0x01, 0x80]);
        verify_pin(&mut rec, &pin(kind, other_valid(kind))).unwrap();
        assert_eq!(
            verify_pin(&mut rec, &pin(kind, initial(kind))),
            Err(CardError::WrongPin { kind, tries_left: kind.max_tries() - 1 })
        );
    }
}

#[test]
fn a_wrong_current_pin_changes_nothing_and_reports_the_tries_left() {
    for kind in PinKind::ALL {
        let mut card = card();
        let err = change_pin(&mut card, &pin(kind, wrong(kind)), &pin(kind, other_valid(kind))).unwrap_err();
        assert_eq!(err, CardError::WrongPin { kind, tries_left: kind.max_tries() - 1 });
        verify_pin(&mut card, &pin(kind, initial(kind))).unwrap();
    }
}

#[test]
fn the_signature_password_is_sent_upper_cased() {
    let mut card = card();
    verify_pin(&mut card, &pin(PinKind::Sign, "abc123")).unwrap();
    change_pin_from_input(&mut card, PinKind::Sign, "abc123", "new9pass", "NEW9PASS").unwrap();
    verify_pin(&mut card, &pin(PinKind::Sign, "NEW9PASS")).unwrap();
}

#[test]
fn malformed_new_pins_are_refused_before_any_apdu_is_sent() {
    let bad: &[(PinKind, &[&str])] = &[
        (PinKind::Auth, &["", "123", "12345", "12a4", "12 4", "１２３４"]),
        (PinKind::Juki, &["999", "abcd", "00000"]),
        (PinKind::Text, &["1", "12.4"]),
        (PinKind::Sign, &["ABC12", "ABCDEFGHIJ1234567", "ABCDEF", "123456", "ABC-123", "ÄBC123"]),
    ];
    for (kind, values) in bad {
        for value in *values {
            let mut rec = Recording::new(card());
            let err = change_pin_from_input(&mut rec, *kind, initial(*kind), value, value).unwrap_err();
            assert!(matches!(err, CardError::Input(PinInputError::New(_))), "{kind:?} {value:?}: {err:?}");
            assert_eq!(rec.count(), 0, "{kind:?} {value:?}: an APDU was sent");
            assert_eq!(rec.transactions, 0);
        }
    }
}

#[test]
fn a_mismatched_repeat_or_impossible_current_pin_sends_nothing() {
    let mut rec = Recording::new(card());
    let err = change_pin_from_input(&mut rec, PinKind::Auth, AUTH_OK, "5678", "5679").unwrap_err();
    assert_eq!(err, CardError::Input(PinInputError::RepeatMismatch));
    let err = change_pin_from_input(&mut rec, PinKind::Auth, "12", "5678", "5678").unwrap_err();
    assert!(matches!(err, CardError::Input(PinInputError::Current(_))));
    assert_eq!(rec.count(), 0);
    assert_eq!(rec.inner.tries_left(PinKind::Auth), 3);
}

const AUTH_OK: &str = "1234";

#[test]
fn current_and_new_pin_of_different_kinds_are_refused() {
    let mut rec = Recording::new(card());
    let err = change_pin(&mut rec, &pin(PinKind::Auth, "1234"), &pin(PinKind::Juki, "5678")).unwrap_err();
    assert_eq!(err, CardError::Input(PinInputError::KindMismatch));
    assert_eq!(rec.count(), 0);
}

#[test]
fn the_resident_registry_pin_is_found_by_probing_both_applications() {
    let mut rec = Recording::new(card());
    let status = pin_status(&mut rec, PinKind::Juki).unwrap();
    assert_eq!(status.tries_left, 3);
    let selected_aids: Vec<&[u8]> =
        rec.sent.iter().filter(|apdu| apdu[1] == 0xA4 && apdu[2] == 0x04).map(|apdu| &apdu[5..]).collect();
    assert_eq!(selected_aids, vec![JUKI_AID_COMMON, JUKI_AID_DATA]);
}

#[test]
fn unexpected_status_words_are_reported_with_their_meaning() {
    let mut t = Scripted { answers: vec![Ok(vec![0x6F, 0x00])] };
    let err = pin_status(&mut t, PinKind::Auth).unwrap_err();
    assert_eq!(err, CardError::UnexpectedStatus { step: "SELECT (application)", status: StatusWord::new(0x6F, 0x00) });
    assert!(err.to_string().contains("6F 00 (no precise diagnosis)"), "{err}");
}

#[test]
fn a_failed_change_reports_the_card_status() {
    let ok = || Ok(vec![0x90, 0x00]);
    let mut t = Scripted { answers: vec![ok(), ok(), Ok(vec![0x63, 0xC3]), ok(), Ok(vec![0x6A, 0x80])] };
    let err = change_pin(&mut t, &pin(PinKind::Auth, "1234"), &pin(PinKind::Auth, "5678")).unwrap_err();
    assert!(
        matches!(err, CardError::UnexpectedStatus { step: "CHANGE REFERENCE DATA", status } if status == StatusWord::WRONG_DATA),
        "{err:?}"
    );
}

#[test]
fn other_lock_status_words_also_mean_locked() {
    for sw in [[0x69, 0x83], [0x69, 0x84], [0x63, 0xC0]] {
        let ok = || Ok(vec![0x90, 0x00]);
        let mut t = Scripted { answers: vec![ok(), ok(), Ok(sw.to_vec())] };
        let status = pin_status(&mut t, PinKind::Auth).unwrap();
        assert!(status.locked && status.tries_left == 0);
        let mut t = Scripted { answers: vec![ok(), ok(), Ok(vec![0x63, 0xC3]), Ok(sw.to_vec())] };
        assert_eq!(verify_pin(&mut t, &pin(PinKind::Auth, "1234")), Err(CardError::Locked { kind: PinKind::Auth }));
    }
}

#[test]
fn a_card_removed_mid_operation_is_a_plain_error() {
    let ok = || Ok(vec![0x90, 0x00]);
    let mut t = Scripted { answers: vec![ok(), ok(), Err(TransportError::CardRemoved)] };
    let err = change_pin(&mut t, &pin(PinKind::Auth, "1234"), &pin(PinKind::Auth, "5678")).unwrap_err();
    assert_eq!(err, CardError::Transport(TransportError::CardRemoved));
    assert!(err.to_string().contains("removed"), "{err}");

    for transport_error in [TransportError::NoService, TransportError::ReaderGone, TransportError::NoCard] {
        let mut t = Scripted { answers: vec![Err(transport_error.clone())] };
        assert_eq!(all_pin_statuses(&mut t), Err(CardError::Transport(transport_error)));
    }
}

#[test]
fn a_truncated_answer_is_a_malformed_response() {
    let mut t = Scripted { answers: vec![Ok(vec![0x90])] };
    assert_eq!(pin_status(&mut t, PinKind::Text), Err(CardError::MalformedResponse { step: "SELECT (application)" }));
}

#[test]
fn a_card_without_an_application_reports_the_pin_missing() {
    let mut t = Scripted { answers: vec![Ok(vec![0x6A, 0x82])] };
    assert_eq!(pin_status(&mut t, PinKind::Sign), Err(CardError::NotPresent { kind: PinKind::Sign }));
}
