//! ID-card PIN procedures for the Japanese My Number card: ISO 7816-4 APDUs, the four PINs
//! as data, and the status/verify/change procedures behind a transport-agnostic
//! [`Transport`] trait, plus a software card and the `reissue card` commands.
//!
//! Layers, from the inside out:
//!
//! * [`apdu`], [`pin`], [`procedure`], [`certificate`], [`reading`]: the protocol (PINs and
//!   the JPKI certificates' validity). No I/O, no clock, no platform code, so an NFC
//!   transport (Android IsoDep) can reuse it unchanged.
//! * [`help`], [`status_report`]: where to go, and what `status` prints.
//! * [`counter`], [`counter_http`]: a PIN change in a counter case, claimed and reported
//!   to the reissue server.
//! * [`transport`]: the [`Transport`] trait the procedures run over.
//! * [`soft`]: a software card (card side of the same subset, its certificates from
//!   [`soft_issuer`]), with [`vpcd`] to put it behind pcscd.
//! * `pcsc` (cargo feature `pcsc`): the PC/SC transport; needs libpcsclite to build.
//! * [`cli`]: the `reissue card` subcommands.

pub mod apdu;
pub mod certificate;
pub mod cli;
pub mod counter;
pub mod counter_http;
pub mod help;
#[cfg(feature = "pcsc")]
pub mod pcsc;
pub mod pin;
pub mod procedure;
pub mod reading;
pub mod soft;
pub mod soft_issuer;
pub mod status_report;
pub mod transport;
pub mod vpcd;

pub use pin::{Pin, PinKind};
pub use procedure::{CardError, PinStatus};
pub use transport::{Transport, TransportError};
