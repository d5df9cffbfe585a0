//! The domain of reissue: validated types, credential policies, hashing, the audit chain and
//! the recovery procedures. It knows nothing of HTTP, SQL, sockets or the clock: time is a
//! parameter, randomness and storage are traits the caller provides.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod counter;
pub mod credential;
pub mod hashing;
pub mod identity;
pub mod ids;
pub mod keyring;
pub mod keys;
pub mod letter;
pub mod lifecycle;
pub mod mail;
pub mod model;
pub mod outbox;
pub mod ports;
pub mod postal_files;
pub mod procedures;
pub mod rules;
pub mod seal;
pub mod secret;
pub mod staff;
pub mod text;
pub mod vault;
pub mod voice;
