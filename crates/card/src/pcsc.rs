//! The PC/SC transport (pcsc-lite on Linux, WinSCard on Windows, the PCSC framework on
//! macOS), behind the `pcsc` cargo feature because it links against the system library.
//!
//! It maps PC/SC errors to [`TransportError`]s the holder can act on, and implements the
//! card transaction with `SCardBeginTransaction`/`SCardEndTransaction`.

use std::ffi::CString;

use pcsc::{Card, Context, Disposition, Error, MAX_BUFFER_SIZE_EXTENDED, Protocols, Scope, ShareMode};

use crate::procedure::CardError;
use crate::transport::{Transport, TransportError};

fn map_error(err: Error) -> TransportError {
    match err {
        Error::NoService | Error::ServiceStopped => TransportError::NoService,
        Error::NoReadersAvailable => TransportError::NoReaders,
        Error::ReaderUnavailable | Error::UnknownReader | Error::CommError => TransportError::ReaderGone,
        Error::NoSmartcard => TransportError::NoCard,
        Error::RemovedCard => TransportError::CardRemoved,
        Error::ResetCard => TransportError::CardReset,
        Error::UnresponsiveCard | Error::UnpoweredCard | Error::UnsupportedCard => TransportError::Unresponsive,
        other => TransportError::Other(other.to_string()),
    }
}

fn establish() -> Result<Context, TransportError> {
    Context::establish(Scope::User).map_err(map_error)
}

/// The names of the connected readers (empty when there are none).
pub fn reader_names() -> Result<Vec<String>, TransportError> {
    let ctx = establish()?;
    let names = ctx.list_readers_owned().map_err(map_error)?;
    Ok(names.into_iter().map(|n| n.to_string_lossy().into_owned()).collect())
}

/// A connection to the card in one reader.
///
/// Dropping it disconnects with a card reset (the `pcsc` crate's `Drop`), which also wipes
/// the card's login state: after a change, no other program can ride on the PIN that
/// was just verified.
pub struct PcscCard {
    card: Card,
    reader: String,
    // Dropped after `card`, as PC/SC requires.
    _ctx: Context,
}

impl PcscCard {
    /// Connects to the card in `reader`, or, when `None`, in the first reader that has one.
    pub fn connect(reader: Option<&str>) -> Result<Self, TransportError> {
        let ctx = establish()?;
        let names = ctx.list_readers_owned().map_err(map_error)?;
        if names.is_empty() {
            return Err(TransportError::NoReaders);
        }
        let candidates: Vec<CString> = match reader {
            Some(wanted) => {
                let found = names
                    .into_iter()
                    .find(|n| n.to_bytes() == wanted.as_bytes())
                    .ok_or_else(|| TransportError::UnknownReader(wanted.to_owned()))?;
                vec![found]
            }
            None => names,
        };
        let mut last = TransportError::NoCard;
        for name in &candidates {
            match ctx.connect(name, ShareMode::Shared, Protocols::ANY) {
                Ok(card) => {
                    return Ok(Self { card, reader: name.to_string_lossy().into_owned(), _ctx: ctx });
                }
                Err(err) => last = map_error(err),
            }
        }
        Err(last)
    }

    /// The reader this card is in.
    pub fn reader(&self) -> &str {
        &self.reader
    }
}

impl std::fmt::Debug for PcscCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscCard").field("reader", &self.reader).finish_non_exhaustive()
    }
}

fn transmit_on(card: &Card, command: &[u8]) -> Result<Vec<u8>, TransportError> {
    let mut buf = vec![0u8; MAX_BUFFER_SIZE_EXTENDED];
    let response = card.transmit(command, &mut buf).map_err(map_error)?;
    Ok(response.to_vec())
}

struct InTransaction<'a> {
    card: &'a Card,
}

impl Transport for InTransaction<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        transmit_on(self.card, command)
    }

    fn exclusive(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        // Already inside the transaction.
        work(self)
    }
}

impl Transport for PcscCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        transmit_on(&self.card, command)
    }

    fn exclusive(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        let tx = self.card.transaction().map_err(map_error)?;
        let result = work(&mut InTransaction { card: &tx });
        // Leave the card as it is; a reset would be harmless but slow. If ending fails
        // the transaction guard's Drop ends it.
        let ended = tx.end(Disposition::LeaveCard).map_err(|(_, err)| map_error(err));
        result?;
        ended?;
        Ok(())
    }
}
