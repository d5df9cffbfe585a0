//! Router tests: the whole `app(state)` driven through `oneshot` without a socket, on a real
//! SQLite store, with a clock the test moves. Lifetimes are tested here at `now + ttl` instead
//! of by sleeping.

mod expiry;
mod kit;
