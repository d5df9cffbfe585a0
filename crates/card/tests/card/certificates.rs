//! Reading the certificates: what the card answers, and what the reading procedure makes of
//! it, the signature certificate only behind its password.

use reissue_card::certificate::{CertificateKind, Validity};
use reissue_card::cli::read_status;
use reissue_card::pin::PinKind;
use reissue_card::procedure::{CardError, pin_status};
use reissue_card::reading::{read_certificate, read_sign_certificate};
use reissue_card::status_report::CertificateRead;
use time::macros::datetime;

use super::fixtures::{Recording, SIGN, card, pin, validity, wrong};

fn sw(response: &[u8]) -> [u8; 2] {
    [response[response.len() - 2], response[response.len() - 1]]
}

const SELECT_JPKI: &[u8] = &[0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];

#[test]
fn the_auth_certificate_reads_without_a_pin_in_header_then_chunks() {
    let mut card = Recording::new(card());
    let der = read_certificate(&mut card, CertificateKind::Auth).unwrap();
    assert_eq!(der, card.inner.certificate(CertificateKind::Auth));
    assert_eq!(Validity::of_certificate(CertificateKind::Auth, &der).unwrap(), validity());
    // SELECT AP, SELECT EF 000A, the 4-byte header, then READ BINARY at increasing offsets.
    assert_eq!(&card.sent[1], &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A]);
    assert_eq!(&card.sent[2], &[0x00, 0xB0, 0x00, 0x00, 0x04]);
    let offsets: Vec<usize> =
        card.sent[3..].iter().map(|apdu| usize::from(u16::from_be_bytes([apdu[2], apdu[3]]))).collect();
    assert_eq!(offsets.first(), Some(&4));
    assert!(offsets.windows(2).all(|w| w[1] > w[0]), "{offsets:?}");
    assert!(!card.instructions().contains(&0x20), "no VERIFY for the auth certificate");
    assert_eq!(card.transactions, 1);
}

#[test]
fn the_card_refuses_the_sign_certificate_without_the_password_and_answers_6b00_past_the_end() {
    let mut card = card();
    assert_eq!(sw(&card.respond(SELECT_JPKI)), [0x90, 0x00]);
    assert_eq!(sw(&card.respond(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01])), [0x90, 0x00]);
    assert_eq!(card.respond(&[0x00, 0xB0, 0x00, 0x00, 0x04]), vec![0x69, 0x82]);
    assert_eq!(sw(&card.respond(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A])), [0x90, 0x00]);
    let len = card.certificate(CertificateKind::Auth).len();
    let [hi, lo] = u16::try_from(len).unwrap().to_be_bytes();
    assert_eq!(card.respond(&[0x00, 0xB0, hi, lo, 0x10]), vec![0x6B, 0x00]);
    // The CA certificates need no PIN either.
    assert!(read_certificate(&mut card, CertificateKind::SignCa).is_ok());
    let err = read_certificate(&mut card, CertificateKind::Sign).unwrap_err();
    assert!(matches!(err, CardError::UnexpectedStatus { .. }), "{err}");
}

#[test]
fn the_sign_certificate_reads_after_the_password_in_the_same_session() {
    let mut card = card();
    let der = read_sign_certificate(&mut card, &pin(PinKind::Sign, SIGN)).unwrap();
    assert_eq!(der, card.certificate(CertificateKind::Sign));
    assert_eq!(Validity::of_certificate(CertificateKind::Sign, &der).unwrap(), validity());
}

#[test]
fn a_wrong_sign_password_costs_a_try_and_reads_nothing() {
    let mut card = card();
    let err = read_sign_certificate(&mut card, &pin(PinKind::Sign, wrong(PinKind::Sign))).unwrap_err();
    assert_eq!(err, CardError::WrongPin { kind: PinKind::Sign, tries_left: 4 });
    assert_eq!(pin_status(&mut card, PinKind::Sign).unwrap().tries_left, 4);
}

#[test]
fn the_status_report_holds_both_validities_and_a_wrong_password_in_words() {
    let mut card = card();
    let now = datetime!(2030-03-01 0:00 UTC);
    let report = read_status(&mut card, Some(&pin(PinKind::Sign, SIGN)), now).unwrap();
    assert_eq!(report.pins.len(), 4);
    assert_eq!(
        report.certificates,
        vec![
            (CertificateKind::Auth, CertificateRead::Read(validity())),
            (CertificateKind::Sign, CertificateRead::Read(validity()))
        ]
    );
    let report = read_status(&mut card, Some(&pin(PinKind::Sign, wrong(PinKind::Sign))), now).unwrap();
    match &report.certificates[1].1 {
        CertificateRead::Failed(why) => assert!(why.contains("4 tries left"), "{why}"),
        other => panic!("{other:?}"),
    }
    let report = read_status(&mut card, None, now).unwrap();
    assert_eq!(report.certificates[1].1, CertificateRead::NotAsked);
}
