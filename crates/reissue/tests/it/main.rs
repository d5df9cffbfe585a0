//! The integration tests of the `reissue` binary, in one test binary.

mod card;
mod concurrency;
mod crash;
mod harness;
mod identity;
mod keys;
mod rules;
mod twilio;
mod voice_reset;
