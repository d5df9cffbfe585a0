//! The PIN procedures: tries left, verify, change. Sequences of APDUs over a
//! [`Transport`], with no I/O, clock or platform code of their own, so the same code runs
//! over PC/SC, the software card and an NFC bridge.
//!
//! Every procedure runs inside one exclusive card transaction. The card's "verified" state
//! does not show in the status query (research §2: JPKI answers `63 Cx` even right after a
//! correct VERIFY), so VERIFY and CHANGE REFERENCE DATA must not be separated by another
//! program's SELECT.

use crate::apdu::{ApduError, CommandApdu, ResponseApdu, StatusWord};
use crate::certificate::{CertificateError, CertificateKind};
use crate::pin::{Pin, PinFormatError, PinKind};
use crate::transport::{Transport, TransportError};

/// The status of one PIN as the card reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinStatus {
    /// Which PIN.
    pub kind: PinKind,
    /// Wrong tries left before the PIN locks (0 when locked).
    pub tries_left: u8,
    /// The limit for this PIN.
    pub max_tries: u8,
    /// Whether the PIN is locked (only the municipal counter can reset it).
    pub locked: bool,
}

/// What was wrong with typed input, found before anything reached the card.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinInputError {
    /// The current PIN cannot be right: it does not have the PIN's format.
    #[error("current PIN: {0}")]
    Current(PinFormatError),
    /// The new PIN does not have the PIN's format.
    #[error("new PIN: {0}")]
    New(PinFormatError),
    /// The new PIN and its repetition differ.
    #[error("the new PIN and its repetition differ")]
    RepeatMismatch,
    /// The PINs could not be read from the terminal or standard input.
    #[error("{0}")]
    Unreadable(String),
    /// Current and new value were given for different PINs.
    #[error("the current and the new value belong to different PINs")]
    KindMismatch,
}

/// A failed PIN procedure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// Input refused on the host; nothing was sent to the card.
    #[error(transparent)]
    Input(#[from] PinInputError),
    /// The PIN was wrong; the card counted a try.
    #[error(
        "wrong {kind}: {tries_left} {tries} left before it locks",
        tries = if *tries_left == 1 { "try" } else { "tries" }
    )]
    WrongPin {
        /// Which PIN.
        kind: PinKind,
        /// Tries left.
        tries_left: u8,
    },
    /// The PIN is locked.
    #[error("the {kind} is locked: it cannot be used until it is reset")]
    Locked {
        /// Which PIN.
        kind: PinKind,
    },
    /// The card holds no such certificate (no JPKI application, or no certificate EF: a
    /// holder under 15 has no signature certificate).
    #[error("this card has no {kind}")]
    NoCertificate {
        /// Which certificate.
        kind: CertificateKind,
    },
    /// What the card holds in a certificate EF is not a certificate.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    /// The card has no such application or PIN file.
    #[error("this card has no {kind} (its application or PIN file was not found)")]
    NotPresent {
        /// Which PIN.
        kind: PinKind,
    },
    /// The card answered with a status word the procedure does not expect.
    #[error("the card answered {status} to {step}")]
    UnexpectedStatus {
        /// The command that got the answer.
        step: &'static str,
        /// The answer.
        status: StatusWord,
    },
    /// The card's answer was not a response APDU.
    #[error("the card sent a malformed answer to {step}")]
    MalformedResponse {
        /// The command that got the answer.
        step: &'static str,
    },
    /// A command could not be encoded (a bug, not a card problem).
    #[error("could not encode {step}: {source}")]
    Encoding {
        /// The command.
        step: &'static str,
        /// Why.
        source: ApduError,
    },
    /// The transport failed (card removed, reader gone, no service...).
    #[error(transparent)]
    Transport(#[from] TransportError),
}

const SELECT_AID: &str = "SELECT (application)";
const SELECT_EF: &str = "SELECT (PIN file)";
const STATUS: &str = "VERIFY (tries left)";
const VERIFY: &str = "VERIFY";
const CHANGE: &str = "CHANGE REFERENCE DATA";

pub(crate) fn exchange(t: &mut dyn Transport, step: &'static str, apdu: CommandApdu) -> Result<StatusWord, CardError> {
    let bytes = apdu.to_bytes();
    let raw = t.transmit(&bytes)?;
    let response = ResponseApdu::parse(&raw).map_err(|_| CardError::MalformedResponse { step })?;
    Ok(response.status())
}

pub(crate) fn command(step: &'static str, ins: u8, p1: u8, p2: u8, data: &[u8]) -> Result<CommandApdu, CardError> {
    let apdu = CommandApdu::new(0x00, ins, p1, p2);
    if data.is_empty() {
        return Ok(apdu);
    }
    apdu.with_data(data).map_err(|source| CardError::Encoding { step, source })
}

pub(crate) fn select_application(t: &mut dyn Transport, aid: &[u8]) -> Result<StatusWord, CardError> {
    exchange(t, SELECT_AID, command(SELECT_AID, 0xA4, 0x04, 0x0C, aid)?)
}

fn select_ef(t: &mut dyn Transport, ef: [u8; 2]) -> Result<StatusWord, CardError> {
    exchange(t, SELECT_EF, command(SELECT_EF, 0xA4, 0x02, 0x0C, &ef)?)
}

/// `00 20 00 80` with no data: asks for the tries left without spending one.
fn query_tries(t: &mut dyn Transport) -> Result<StatusWord, CardError> {
    exchange(t, STATUS, command(STATUS, 0x20, 0x00, 0x80, &[])?)
}

fn status_from(kind: PinKind, status: StatusWord) -> Result<PinStatus, CardError> {
    let max_tries = kind.max_tries();
    if let Some(tries_left) = status.tries_left() {
        return Ok(PinStatus { kind, tries_left, max_tries, locked: tries_left == 0 });
    }
    if status.means_locked() {
        return Ok(PinStatus { kind, tries_left: 0, max_tries, locked: true });
    }
    if status.is_ok() {
        // ISO 7816-4 lets a card answer 90 00 when the PIN is already verified. A right
        // PIN restores the counter, so the full count is the honest answer.
        return Ok(PinStatus { kind, tries_left: max_tries, max_tries, locked: false });
    }
    Err(CardError::UnexpectedStatus { step: STATUS, status })
}

pub(crate) fn not_found(status: StatusWord) -> bool {
    status == StatusWord::FILE_NOT_FOUND || status == StatusWord::REFERENCE_NOT_FOUND
}

/// Selects the application and PIN file of `kind` and returns the tries-left answer.
///
/// For the resident-registry PIN both candidate applications are probed and the first
/// whose EF 001C answers the status query with a PIN status (`63 Cx` or locked) is kept.
pub(crate) fn select_pin(t: &mut dyn Transport, kind: PinKind) -> Result<PinStatus, CardError> {
    let candidates = kind.applications();
    for aid in candidates {
        let sw = select_application(t, aid)?;
        if not_found(sw) {
            continue;
        }
        if !sw.is_ok() {
            return Err(CardError::UnexpectedStatus { step: SELECT_AID, status: sw });
        }
        let sw = select_ef(t, kind.ef())?;
        if not_found(sw) {
            continue;
        }
        if !sw.is_ok() {
            return Err(CardError::UnexpectedStatus { step: SELECT_EF, status: sw });
        }
        let sw = query_tries(t)?;
        match status_from(kind, sw) {
            Ok(status) => return Ok(status),
            // With several candidates, a file that is not a PIN means "look further".
            Err(CardError::UnexpectedStatus { .. }) if candidates.len() > 1 => continue,
            Err(err) => return Err(err),
        }
    }
    Err(CardError::NotPresent { kind })
}

/// Runs `work` in one exclusive transaction and returns its value.
pub(crate) fn in_transaction<R>(
    t: &mut dyn Transport,
    mut work: impl FnMut(&mut dyn Transport) -> Result<R, CardError>,
) -> Result<R, CardError> {
    let mut out = None;
    t.exclusive(&mut |inner| {
        out = Some(work(inner)?);
        Ok(())
    })?;
    out.ok_or(CardError::Transport(TransportError::Other("the transport did not run the card transaction".into())))
}

/// Tries left for one PIN. Spends no try.
pub fn pin_status(t: &mut dyn Transport, kind: PinKind) -> Result<PinStatus, CardError> {
    in_transaction(t, |t| select_pin(t, kind))
}

/// Tries left for all four PINs, in [`PinKind::ALL`] order, in one transaction. A PIN the
/// card lacks (e.g. no signature certificate for a child) is left out.
pub fn all_pin_statuses(t: &mut dyn Transport) -> Result<Vec<PinStatus>, CardError> {
    in_transaction(t, |t| {
        let mut out = Vec::with_capacity(PinKind::ALL.len());
        for kind in PinKind::ALL {
            match select_pin(t, kind) {
                Ok(status) => out.push(status),
                Err(CardError::NotPresent { .. }) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(out)
    })
}

pub(crate) fn verify_selected(t: &mut dyn Transport, pin: &Pin) -> Result<(), CardError> {
    let kind = pin.kind();
    let sw = exchange(t, VERIFY, command(VERIFY, 0x20, 0x00, 0x80, pin.as_bytes())?)?;
    if sw.is_ok() {
        return Ok(());
    }
    if sw.means_locked() {
        return Err(CardError::Locked { kind });
    }
    if let Some(tries_left) = sw.tries_left() {
        return Err(CardError::WrongPin { kind, tries_left });
    }
    Err(CardError::UnexpectedStatus { step: VERIFY, status: sw })
}

/// Checks a PIN. A right PIN restores the card's try counter; a wrong one spends a try.
/// A locked PIN is reported without sending it.
pub fn verify_pin(t: &mut dyn Transport, pin: &Pin) -> Result<(), CardError> {
    in_transaction(t, |t| {
        let status = select_pin(t, pin.kind())?;
        if status.locked {
            return Err(CardError::Locked { kind: pin.kind() });
        }
        verify_selected(t, pin)
    })
}

/// Changes a PIN: select application → select PIN file → VERIFY current → CHANGE
/// REFERENCE DATA (`00 24 01 80`) new, all in one transaction. A locked PIN is reported
/// before the current value is sent.
pub fn change_pin(t: &mut dyn Transport, current: &Pin, new: &Pin) -> Result<(), CardError> {
    let kind = current.kind();
    if new.kind() != kind {
        return Err(PinInputError::KindMismatch.into());
    }
    in_transaction(t, |t| {
        let status = select_pin(t, kind)?;
        if status.locked {
            return Err(CardError::Locked { kind });
        }
        verify_selected(t, current)?;
        let sw = exchange(t, CHANGE, command(CHANGE, 0x24, 0x01, 0x80, new.as_bytes())?)?;
        if sw.is_ok() { Ok(()) } else { Err(CardError::UnexpectedStatus { step: CHANGE, status: sw }) }
    })
}

/// Validated input for a PIN change: the current PIN, the new PIN and its repetition.
#[derive(Debug)]
pub struct PinChange {
    current: Pin,
    new: Pin,
}

impl PinChange {
    /// Checks typed input before anything is sent: the current value must have the PIN's
    /// format, the new value must be valid and its repetition must match.
    pub fn parse(kind: PinKind, current: &str, new: &str, repeat: &str) -> Result<Self, PinInputError> {
        let current = Pin::current(kind, current).map_err(PinInputError::Current)?;
        let new = Pin::new(kind, new).map_err(PinInputError::New)?;
        // Compare after normalisation, so "abc123" repeats "ABC123".
        let repeat = Pin::current(kind, repeat).map_err(|_| PinInputError::RepeatMismatch)?;
        if repeat.as_bytes() != new.as_bytes() {
            return Err(PinInputError::RepeatMismatch);
        }
        Ok(Self { current, new })
    }

    /// Which PIN is being changed.
    pub fn kind(&self) -> PinKind {
        self.current.kind()
    }

    /// Runs the change on the card.
    pub fn apply(&self, t: &mut dyn Transport) -> Result<(), CardError> {
        change_pin(t, &self.current, &self.new)
    }
}

/// Parses typed input and changes the PIN. Malformed input fails before any APDU is sent.
pub fn change_pin_from_input(
    t: &mut dyn Transport,
    kind: PinKind,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<(), CardError> {
    PinChange::parse(kind, current, new, repeat)?.apply(t)
}
