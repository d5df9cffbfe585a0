//! Reading the JPKI certificates: SELECT the JPKI application, SELECT the certificate EF,
//! READ BINARY the DER header to learn the length (`00 B0 00 00 04`), then the rest in
//! chunks (`00 B0 P1P2=offset Le`). Like the PIN procedures, sequences of APDUs over a
//! [`Transport`] and nothing else.
//!
//! The user-authentication certificate and both CA certificates need no PIN. The signature
//! certificate is readable only after the signature password was verified in the same card
//! session, so VERIFY and the reads share one transaction.

use crate::apdu::{CommandApdu, ResponseApdu};
use crate::certificate::{CertificateKind, HEADER_READ_LEN, der_length};
use crate::pin::{JPKI_AID, Pin, PinKind};
use crate::procedure::{
    CardError, PinInputError, in_transaction, not_found, select_application, select_pin, verify_selected,
};
use crate::transport::Transport;

const SELECT_CERT: &str = "SELECT (certificate file)";
const READ: &str = "READ BINARY";

/// The most bytes asked for in one READ BINARY (short Le `00`).
const CHUNK: usize = 256;

/// Reads a certificate that needs no PIN: the user-authentication certificate or a CA's.
/// For the signature certificate use [`read_sign_certificate`]; asked here, the card refuses.
pub fn read_certificate(t: &mut dyn Transport, kind: CertificateKind) -> Result<Vec<u8>, CardError> {
    in_transaction(t, |t| {
        let sw = select_application(t, JPKI_AID)?;
        if not_found(sw) {
            return Err(CardError::NoCertificate { kind });
        }
        if !sw.is_ok() {
            return Err(CardError::UnexpectedStatus { step: "SELECT (application)", status: sw });
        }
        select_certificate(t, kind)?;
        read_selected(t, kind)
    })
}

/// Verifies the signature password and reads the signature certificate, in one card
/// session. A wrong password spends a try (reported with the tries left); a locked one is
/// reported without sending it.
pub fn read_sign_certificate(t: &mut dyn Transport, password: &Pin) -> Result<Vec<u8>, CardError> {
    if password.kind() != PinKind::Sign {
        return Err(PinInputError::KindMismatch.into());
    }
    let kind = CertificateKind::Sign;
    in_transaction(t, |t| {
        let status = match select_pin(t, PinKind::Sign) {
            Ok(status) => status,
            // No signature password on the card: no signature certificate either.
            Err(CardError::NotPresent { .. }) => return Err(CardError::NoCertificate { kind }),
            Err(err) => return Err(err),
        };
        if status.locked {
            return Err(CardError::Locked { kind: PinKind::Sign });
        }
        verify_selected(t, password)?;
        select_certificate(t, kind)?;
        read_selected(t, kind)
    })
}

fn select_certificate(t: &mut dyn Transport, kind: CertificateKind) -> Result<(), CardError> {
    let apdu = CommandApdu::new(0x00, 0xA4, 0x02, 0x0C)
        .with_data(&kind.ef())
        .map_err(|source| CardError::Encoding { step: SELECT_CERT, source })?;
    let raw = t.transmit(&apdu.to_bytes())?;
    let sw = ResponseApdu::parse(&raw).map_err(|_| CardError::MalformedResponse { step: SELECT_CERT })?.status();
    if not_found(sw) {
        return Err(CardError::NoCertificate { kind });
    }
    if !sw.is_ok() {
        return Err(CardError::UnexpectedStatus { step: SELECT_CERT, status: sw });
    }
    Ok(())
}

/// One READ BINARY at `offset` for up to `le` bytes; the data, or the status word as an error.
fn read_binary(t: &mut dyn Transport, offset: usize, le: usize) -> Result<Vec<u8>, CardError> {
    // Offsets stay below 0x8000 (certificate::MAX_CERTIFICATE_LEN), so P1's top bit, which
    // would mean "short EF identifier", is never set.
    let [p1, p2] = u16::try_from(offset).map_err(|_| CardError::MalformedResponse { step: READ })?.to_be_bytes();
    let le = u32::try_from(le).map_err(|_| CardError::MalformedResponse { step: READ })?;
    let apdu = CommandApdu::new(0x00, 0xB0, p1, p2)
        .with_le(le)
        .map_err(|source| CardError::Encoding { step: READ, source })?;
    let raw = t.transmit(&apdu.to_bytes())?;
    let response = ResponseApdu::parse(&raw).map_err(|_| CardError::MalformedResponse { step: READ })?;
    if !response.status().is_ok() {
        return Err(CardError::UnexpectedStatus { step: READ, status: response.status() });
    }
    if response.data().is_empty() {
        // A card that answers "OK, nothing" would loop for ever.
        return Err(CardError::MalformedResponse { step: READ });
    }
    Ok(response.data().to_vec())
}

/// Reads the DER value in the selected EF: its header first, then the rest.
fn read_selected(t: &mut dyn Transport, kind: CertificateKind) -> Result<Vec<u8>, CardError> {
    let mut der = read_binary(t, 0, HEADER_READ_LEN)?;
    let total = loop {
        if let Some(total) = der_length(kind, &der)? {
            break total;
        }
        // A longer length form than `30 82 LL LL`: read a few more header bytes.
        let more = read_binary(t, der.len(), HEADER_READ_LEN)?;
        der.extend_from_slice(&more);
    };
    while der.len() < total {
        let want = CHUNK.min(total - der.len());
        let chunk = read_binary(t, der.len(), want)?;
        der.extend_from_slice(&chunk);
    }
    // A card may send more than asked, and a real EF is often longer than its certificate.
    der.truncate(total);
    Ok(der)
}
