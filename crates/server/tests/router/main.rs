//! Router tests: the whole `app(state)` driven through `oneshot` without a socket, on a real
//! SQLite store, with a clock the test moves. Lifetimes are tested here at `now + ttl` instead
//! of by sleeping.
//!
//! The clock and sleep bans of `clippy.toml` hold here too, but for the slow-hashing double and
//! waiting for the tasks of requests a client abandoned.
#![allow(clippy::disallowed_methods)]

mod attempts;
mod calls;
mod counter;
mod demo_pages;
mod expiry;
mod helpdesk;
mod kit;
mod pages;
mod postal;
mod staff_api;
mod vault;
