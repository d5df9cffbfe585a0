//! The integration tests of the `reissue` binary, in one test binary.
//!
//! They drive a real process from outside, so they read the wall clock and wait for it; the
//! clock and sleep bans of `clippy.toml` are for the code under test.
#![allow(clippy::disallowed_methods)]

mod browser;
mod card;
mod client_address;
mod code_entry;
mod concurrency;
#[cfg(feature = "pcsc")]
mod counter_card;
mod crash;
mod demo_pages;
mod harness;
mod hermetic;
mod identity;
mod import_progress;
mod keys;
mod launch;
mod openapi;
#[cfg(feature = "pcsc")]
mod pcsc_stack;
mod postal_cli;
mod reimport;
mod rules;
mod staff_cli;
mod suspension;
mod theme;
mod twilio;
mod voice_reset;
