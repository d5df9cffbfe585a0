//! The card crate's integration tests, one binary: the PIN procedures against the
//! in-process software card, the software card's state file, and the vpcd framing.

mod card {
    pub mod fixtures;
    mod procedures;
    mod soft_card;
    mod vpcd;
}
