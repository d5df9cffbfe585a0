//! The card crate's integration tests, one binary: the PIN procedures against the
//! in-process software card, the certificates it holds, a counter case's PIN change against
//! a local HTTP listener, the software card's state file, and the vpcd framing.

mod card {
    mod certificates;
    mod counter_case;
    pub mod fixtures;
    mod procedures;
    mod soft_card;
    mod vpcd;
}
