//! The integration tests of the `reissue` binary, in one test binary.

mod card;
mod client_address;
mod concurrency;
mod crash;
mod harness;
mod hermetic;
mod identity;
mod import_progress;
mod openapi;
mod rules;
mod twilio;
mod voice_reset;
