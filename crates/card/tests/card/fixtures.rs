//! Shared test fixtures: a software card with known test PINs and transports that count,
//! record or script APDUs.

use reissue_card::certificate::Validity;
use reissue_card::pin::{Pin, PinKind};
use reissue_card::procedure::CardError;
use reissue_card::soft::{SoftCard, SoftCardPins};
use reissue_card::transport::{Transport, TransportError};

pub const SIGN: &str = "ABC123";
pub const AUTH: &str = "1234";
pub const JUKI: &str = "2345";
pub const TEXT: &str = "3456";

/// The PIN value the fixture card starts with.
pub fn initial(kind: PinKind) -> &'static str {
    match kind {
        PinKind::Sign => SIGN,
        PinKind::Auth => AUTH,
        PinKind::Juki => JUKI,
        PinKind::Text => TEXT,
    }
}

/// A valid value different from the initial one.
pub fn other_valid(kind: PinKind) -> &'static str {
    match kind {
        PinKind::Sign => "ZX9Y8W7",
        _ => "9087",
    }
}

/// A value of the right format that is not the PIN.
pub fn wrong(kind: PinKind) -> &'static str {
    match kind {
        PinKind::Sign => "WRONG1",
        _ => "0000",
    }
}

pub fn pins() -> SoftCardPins {
    SoftCardPins {
        sign: Pin::new(PinKind::Sign, SIGN).unwrap(),
        auth: Pin::new(PinKind::Auth, AUTH).unwrap(),
        juki: Pin::new(PinKind::Juki, JUKI).unwrap(),
        text: Pin::new(PinKind::Text, TEXT).unwrap(),
    }
}

/// The validity of the fixture card's certificates (`SoftCard::in_memory`'s).
pub fn validity() -> Validity {
    Validity {
        not_before: time::macros::datetime!(2025-04-01 0:00 UTC),
        not_after: time::macros::datetime!(2030-03-31 14:59:59 UTC),
    }
}

pub fn card() -> SoftCard {
    SoftCard::in_memory(&pins())
}

pub fn pin(kind: PinKind, value: &str) -> Pin {
    Pin::current(kind, value).unwrap()
}

/// Wraps a transport and records every APDU sent through it, inside transactions too.
#[derive(Debug)]
pub struct Recording<T> {
    pub inner: T,
    pub sent: Vec<Vec<u8>>,
    pub transactions: usize,
}

impl<T> Recording<T> {
    pub fn new(inner: T) -> Self {
        Self { inner, sent: Vec::new(), transactions: 0 }
    }

    pub fn count(&self) -> usize {
        self.sent.len()
    }

    /// The instruction bytes sent, in order.
    pub fn instructions(&self) -> Vec<u8> {
        self.sent.iter().map(|apdu| apdu[1]).collect()
    }
}

struct Tap<'a> {
    inner: &'a mut dyn Transport,
    sent: &'a mut Vec<Vec<u8>>,
}

impl Transport for Tap<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.sent.push(command.to_vec());
        self.inner.transmit(command)
    }

    fn exclusive(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        work(self)
    }
}

impl<T: Transport> Transport for Recording<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.sent.push(command.to_vec());
        self.inner.transmit(command)
    }

    fn exclusive(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        self.transactions += 1;
        let sent = &mut self.sent;
        self.inner.exclusive(&mut |inner| work(&mut Tap { inner, sent }))
    }
}

/// A transport that answers from a script: each call takes the next answer.
#[derive(Debug)]
pub struct Scripted {
    pub answers: Vec<Result<Vec<u8>, TransportError>>,
}

impl Transport for Scripted {
    fn transmit(&mut self, _command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.answers.is_empty() {
            return Err(TransportError::Other("script exhausted".into()));
        }
        self.answers.remove(0)
    }

    fn exclusive(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        work(self)
    }
}
