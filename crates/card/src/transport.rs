//! The one thing the PIN procedures need from the outside world: a way to exchange APDUs
//! with a card, inside an exclusive card transaction.
//!
//! PC/SC ([`crate::pcsc`], behind the `pcsc` feature), the in-process software card
//! ([`crate::soft::SoftCard`]) and, later, an Android IsoDep bridge implement it. The
//! errors are named after what happened to the holder (card pulled out, reader gone), not
//! after any one stack, so every transport can report them the same way.

use crate::procedure::CardError;

/// Exchanges raw APDUs with one card.
pub trait Transport {
    /// Sends one command APDU and returns the response, data followed by SW1 SW2.
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;

    /// Runs `work` with exclusive access to the card, so that no other program can
    /// select another file or reset the card between its APDUs (PC/SC
    /// `SCardBeginTransaction`/`SCardEndTransaction`). The card's login state lives
    /// only as long as the transaction, which is why verify and change share one.
    fn exclusive(&mut self, work: &mut dyn FnMut(&mut dyn Transport) -> Result<(), CardError>)
    -> Result<(), CardError>;
}

/// A borrowed transport is a transport, so a caller can lend its card to a procedure that
/// takes ownership of a `Box<dyn Transport>`.
impl<T: Transport + ?Sized> Transport for &mut T {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(command)
    }

    fn exclusive(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        (**self).exclusive(work)
    }
}

/// A transport-level failure. Each says what went wrong in words a holder can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The PC/SC daemon is not running.
    #[error("the smart-card service is not running: start pcscd (e.g. `pcscd -f` or `systemctl start pcscd`)")]
    NoService,
    /// No card reader is connected.
    #[error("no card reader found: connect a reader and try again")]
    NoReaders,
    /// The reader the user named does not exist.
    #[error("card reader {0:?} not found (`reissue card readers` lists them)")]
    UnknownReader(String),
    /// The reader disappeared (unplugged, or the service restarted).
    #[error("the card reader is gone (unplugged, or the smart-card service restarted)")]
    ReaderGone,
    /// No card is in the reader.
    #[error("no card in the reader: insert the card and try again")]
    NoCard,
    /// The card was taken out during the operation.
    #[error("the card was removed during the operation: insert it and try again")]
    CardRemoved,
    /// Another program reset the card during the operation.
    #[error("the card was reset by another program during the operation: try again")]
    CardReset,
    /// The card does not answer.
    #[error("the card does not respond: take it out, insert it again and retry")]
    Unresponsive,
    /// Anything else the transport reports.
    #[error("card communication failed: {0}")]
    Other(String),
}
