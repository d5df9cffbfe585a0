//! The software card on its own: the card side of the APDU subset, what OpenSC sends,
//! and the state file.

use reissue_card::pin::PinKind;
use reissue_card::procedure::{change_pin, pin_status, verify_pin};
use reissue_card::soft::{JPKI_ATR, SoftCard, SoftCardError};

use super::fixtures::{card, initial, other_valid, pin, pins, validity, wrong};

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
}

fn sw(response: &[u8]) -> String {
    response.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join("")
}

#[test]
fn the_card_answers_the_sequence_opensc_sends() {
    // research/card.md §4 step 7, sent through opensc-tool to the Python fake card.
    let mut card = card();
    let script = [
        ("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01", "9000"),
        ("00 A4 02 0C 02 00 18", "9000"),
        ("00 20 00 80", "63C3"),
        ("00 20 00 80 04 39 39 39 39", "63C2"),
        ("00 20 00 80", "63C2"),
        ("00 20 00 80 04 31 32 33 34", "9000"),
        ("00 24 01 80 04 35 36 37 38", "9000"),
        ("00 20 00 80 04 35 36 37 38", "9000"),
        ("00 A4 02 0C 02 00 1B", "9000"),
        ("00 20 00 80", "63C5"),
    ];
    for (command, expected) in script {
        assert_eq!(sw(&card.respond(&hex(command))), expected, "{command}");
    }
    assert_eq!(JPKI_ATR, &[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]);
}

#[test]
fn unknown_applications_files_and_instructions_get_iso_status_words() {
    let mut card = card();
    let unknown_aid = hex("00 A4 04 0C 07 A0 00 00 00 63 50 4B");
    assert_eq!(sw(&card.respond(&unknown_aid)), "6A82");
    // No application selected: no EF.
    assert_eq!(sw(&card.respond(&hex("00 A4 02 0C 02 00 18"))), "6A82");
    assert_eq!(sw(&card.respond(&hex("00 20 00 80"))), "6986");
    assert_eq!(sw(&card.respond(&hex("00 84 00 00 08"))), "6D00");
    assert_eq!(sw(&card.respond(&hex("80 2A 00 80 01 00 00"))), "6E00");
    assert_eq!(sw(&card.respond(&hex("00 20"))), "6700");
    assert_eq!(sw(&card.respond(&hex("00 20 00 80 04 31"))), "6700");
}

#[test]
fn change_reference_data_needs_a_verify_in_the_same_session() {
    let mut card = card();
    card.respond(&hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"));
    card.respond(&hex("00 A4 02 0C 02 00 18"));
    assert_eq!(sw(&card.respond(&hex("00 24 01 80 04 35 36 37 38"))), "6982");
    assert_eq!(sw(&card.respond(&hex("00 20 00 80 04 31 32 33 34"))), "9000");
    card.reset_session();
    card.respond(&hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"));
    card.respond(&hex("00 A4 02 0C 02 00 18"));
    assert_eq!(sw(&card.respond(&hex("00 24 01 80 04 35 36 37 38"))), "6982");
}

#[test]
fn the_card_refuses_a_new_pin_of_the_wrong_format() {
    let mut card = card();
    card.respond(&hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"));
    card.respond(&hex("00 A4 02 0C 02 00 18"));
    card.respond(&hex("00 20 00 80 04 31 32 33 34"));
    assert_eq!(sw(&card.respond(&hex("00 24 01 80 03 35 36 37"))), "6A80");
}

#[test]
fn the_token_ef_reads_as_a_jpki_card_token() {
    let mut card = card();
    card.respond(&hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"));
    assert_eq!(sw(&card.respond(&hex("00 A4 02 0C 02 00 06"))), "9000");
    let response = card.respond(&hex("00 B0 00 00 14"));
    assert_eq!(&response[..15], b"JPKIAPICCTOKEN2");
    assert_eq!(&response[response.len() - 2..], &[0x90, 0x00]);
}

#[test]
fn counters_and_changed_pins_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    let mut card = SoftCard::create(&path, &pins(), validity()).unwrap();
    let _ = verify_pin(&mut card, &pin(PinKind::Sign, wrong(PinKind::Sign)));
    change_pin(&mut card, &pin(PinKind::Text, initial(PinKind::Text)), &pin(PinKind::Text, other_valid(PinKind::Text)))
        .unwrap();
    drop(card);

    let mut card = SoftCard::open(&path).unwrap();
    assert_eq!(pin_status(&mut card, PinKind::Sign).unwrap().tries_left, 4);
    verify_pin(&mut card, &pin(PinKind::Text, other_valid(PinKind::Text))).unwrap();
    // Only the state file is left: the temp file was renamed over it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("card.json")]);
}

#[test]
fn init_does_not_overwrite_an_existing_card() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    SoftCard::create(&path, &pins(), validity()).unwrap();
    assert!(matches!(SoftCard::create(&path, &pins(), validity()), Err(SoftCardError::Exists(_))));
}

#[test]
fn a_damaged_state_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    std::fs::write(&path, "{\"version\":2,\"pins\":[],\"certificates\":{}}").unwrap();
    let err = SoftCard::open(&path).unwrap_err();
    assert!(matches!(err, SoftCardError::Invalid { .. }), "{err}");
    // A card made before certificates: a plain answer saying what to do.
    std::fs::write(&path, "{\"version\":1,\"pins\":[]}").unwrap();
    let err = SoftCard::open(&path).unwrap_err().to_string();
    assert!(err.contains("no certificates") && err.contains("reissue card init"), "{err}");
    std::fs::write(&path, "not json").unwrap();
    assert!(matches!(SoftCard::open(&path), Err(SoftCardError::Invalid { .. })));
}

#[test]
fn a_counter_that_cannot_be_saved_lets_no_guess_through() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    let mut card = SoftCard::create(&path, &pins(), validity()).unwrap();
    // Remove the directory, so no state can be written any more.
    drop(dir);
    card.respond(&hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"));
    card.respond(&hex("00 A4 02 0C 02 00 18"));
    assert_eq!(sw(&card.respond(&hex("00 20 00 80 04 39 39 39 39"))), "6581");
    assert_eq!(card.tries_left(PinKind::Auth), 3);
}

#[test]
fn arbitrary_bytes_never_crash_the_card() {
    // A deterministic stream of pseudo-random commands, biased towards the instructions
    // the card knows, so the handlers themselves get malformed input too.
    let mut card = card();
    let mut seed: u64 = 0x5EED;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as u8
    };
    for _ in 0..20_000 {
        let len = usize::from(next() % 24);
        let mut command: Vec<u8> = (0..len).map(|_| next()).collect();
        if command.len() >= 2 {
            command[0] = 0x00;
            command[1] = [0xA4, 0x20, 0x24, 0xB0][usize::from(next() % 4)];
        }
        let response = card.respond(&command);
        assert!(response.len() >= 2, "{command:02X?}");
    }
}
