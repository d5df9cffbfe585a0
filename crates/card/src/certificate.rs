//! The card's JPKI certificates as data: which EF holds which, and the validity period of a
//! certificate read from the card, parsed with RustCrypto's `x509-cert` (never by hand).
//!
//! Pure: no I/O and no clock. "Expires in N days" is computed against a `now` the caller
//! passes in.

use std::fmt;

use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::der::{Decode, Header, Reader, SliceReader};

/// One of the four certificates in the JPKI application (research §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateKind {
    /// The user-authentication certificate (利用者証明用電子証明書), EF 000A: readable
    /// without a PIN.
    Auth,
    /// Its issuing CA's certificate, EF 000B.
    AuthCa,
    /// The signature certificate (署名用電子証明書), EF 0001: readable only after the
    /// signature password was verified in the same card session.
    Sign,
    /// Its issuing CA's certificate, EF 0002.
    SignCa,
}

impl CertificateKind {
    /// All four, in the order OpenSC's JPKI emulation lists them.
    pub const ALL: [CertificateKind; 4] =
        [CertificateKind::Auth, CertificateKind::Sign, CertificateKind::AuthCa, CertificateKind::SignCa];

    /// The EF that holds it, in the JPKI application.
    pub const fn ef(self) -> [u8; 2] {
        match self {
            CertificateKind::Sign => [0x00, 0x01],
            CertificateKind::SignCa => [0x00, 0x02],
            CertificateKind::Auth => [0x00, 0x0A],
            CertificateKind::AuthCa => [0x00, 0x0B],
        }
    }

    /// The short name used in JSON and in the software card's state file.
    pub const fn name(self) -> &'static str {
        match self {
            CertificateKind::Auth => "auth",
            CertificateKind::AuthCa => "auth_ca",
            CertificateKind::Sign => "sign",
            CertificateKind::SignCa => "sign_ca",
        }
    }

    /// The inverse of [`CertificateKind::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What the holder calls it.
    pub const fn description(self) -> &'static str {
        match self {
            CertificateKind::Auth => "user-authentication certificate",
            CertificateKind::AuthCa => "user-authentication CA certificate",
            CertificateKind::Sign => "signature certificate",
            CertificateKind::SignCa => "signature CA certificate",
        }
    }
}

impl fmt::Display for CertificateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// Why bytes read from a certificate EF are not a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// The EF does not start with a DER header.
    #[error("the {kind} EF does not start with a DER header: {reason}")]
    Header {
        /// Which certificate.
        kind: CertificateKind,
        /// What the DER decoder said.
        reason: String,
    },
    /// The header announces more than a certificate EF can hold.
    #[error("the {kind} EF announces {length} bytes, more than a card certificate can have")]
    TooLong {
        /// Which certificate.
        kind: CertificateKind,
        /// The announced length, header included.
        length: usize,
    },
    /// The bytes are DER but not an X.509 certificate.
    #[error("the {kind} on the card is not a valid X.509 certificate: {reason}")]
    NotACertificate {
        /// Which certificate.
        kind: CertificateKind,
        /// What the decoder said.
        reason: String,
    },
    /// A validity date the time library cannot hold.
    #[error("the {kind} has a validity date out of range")]
    DateOutOfRange {
        /// Which certificate.
        kind: CertificateKind,
    },
}

/// The most bytes a certificate EF may announce: READ BINARY's offset has 15 bits.
pub const MAX_CERTIFICATE_LEN: usize = 0x7FFF;

/// How many bytes to read first: enough for the header of any certificate under 64 KiB
/// (`30 82 LL LL`), which is also what OpenSC's JPKI driver reads.
pub const HEADER_READ_LEN: usize = 4;

/// The whole length (header and content) of the DER value that `start` begins with, as
/// the `der` crate decodes its header. `Ok(None)`: `start` is too short to tell; read more.
pub fn der_length(kind: CertificateKind, start: &[u8]) -> Result<Option<usize>, CertificateError> {
    let header_error = |e: x509_cert::der::Error| CertificateError::Header { kind, reason: e.to_string() };
    let mut reader = match SliceReader::new(start) {
        Ok(reader) => reader,
        Err(e) => return Err(header_error(e)),
    };
    let header = match Header::decode(&mut reader) {
        Ok(header) => header,
        Err(e) if matches!(e.kind(), x509_cert::der::ErrorKind::Incomplete { .. }) => return Ok(None),
        Err(e) => return Err(header_error(e)),
    };
    let too_long = |length| CertificateError::TooLong { kind, length };
    let total = (reader.position() + header.length).map_err(|_| too_long(usize::MAX))?;
    let total = usize::try_from(total).map_err(|_| too_long(usize::MAX))?;
    if total > MAX_CERTIFICATE_LEN {
        return Err(too_long(total));
    }
    Ok(Some(total))
}

/// A certificate's validity period (RFC 5280 `notBefore`, `notAfter`), in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// The first moment the certificate is valid.
    pub not_before: OffsetDateTime,
    /// The last moment the certificate is valid.
    pub not_after: OffsetDateTime,
}

/// Where a certificate stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not valid yet.
    NotYetValid,
    /// Valid; `days_left` whole days until `not_after` (0: it ends within a day).
    Valid {
        /// Whole days left.
        days_left: i64,
    },
    /// Past `not_after`.
    Expired,
}

impl Validity {
    /// Parses a DER certificate and returns its validity period.
    pub fn of_certificate(kind: CertificateKind, der: &[u8]) -> Result<Self, CertificateError> {
        let cert = Certificate::from_der(der)
            .map_err(|e| CertificateError::NotACertificate { kind, reason: e.to_string() })?;
        let validity = cert.tbs_certificate.validity;
        let at = |t: x509_cert::time::Time| {
            let secs =
                i64::try_from(t.to_unix_duration().as_secs()).map_err(|_| CertificateError::DateOutOfRange { kind })?;
            OffsetDateTime::from_unix_timestamp(secs).map_err(|_| CertificateError::DateOutOfRange { kind })
        };
        Ok(Self { not_before: at(validity.not_before)?, not_after: at(validity.not_after)? })
    }

    /// Where the certificate stands at `now`.
    pub fn standing(&self, now: OffsetDateTime) -> Standing {
        if now < self.not_before {
            Standing::NotYetValid
        } else if now > self.not_after {
            Standing::Expired
        } else {
            Standing::Valid { days_left: (self.not_after - now).whole_days() }
        }
    }
}

impl Standing {
    /// In a few words: `expired`, `expires in 30 days`, `not valid yet`.
    pub fn describe(self) -> String {
        match self {
            Standing::NotYetValid => "not valid yet".into(),
            Standing::Expired => "expired".into(),
            Standing::Valid { days_left: 0 } => "expires within a day".into(),
            Standing::Valid { days_left: 1 } => "expires in 1 day".into(),
            Standing::Valid { days_left } => format!("expires in {days_left} days"),
        }
    }

    /// The name in JSON: `valid`, `expired`, `not_yet_valid`.
    pub const fn name(self) -> &'static str {
        match self {
            Standing::NotYetValid => "not_yet_valid",
            Standing::Valid { .. } => "valid",
            Standing::Expired => "expired",
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn the_length_comes_from_the_der_header() {
        assert_eq!(der_length(CertificateKind::Auth, &[0x30, 0x82, 0x01, 0x2C]), Ok(Some(0x12C + 4)));
        assert_eq!(der_length(CertificateKind::Auth, &[0x30, 0x81, 0x90]), Ok(Some(0x90 + 3)));
        assert_eq!(der_length(CertificateKind::Auth, &[0x30, 0x82, 0x01]), Ok(None));
        assert!(matches!(
            der_length(CertificateKind::Auth, &[0x30, 0x83, 0x01, 0x00, 0x00]),
            Err(CertificateError::TooLong { .. })
        ));
        assert!(der_length(CertificateKind::Sign, &[0xFF, 0xFF, 0xFF, 0xFF]).is_err());
    }

    #[test]
    fn standing_counts_whole_days_to_not_after() {
        let v = Validity { not_before: datetime!(2025-01-01 0:00 UTC), not_after: datetime!(2030-01-01 0:00 UTC) };
        assert_eq!(v.standing(datetime!(2024-12-31 23:59 UTC)), Standing::NotYetValid);
        assert_eq!(v.standing(datetime!(2029-12-01 0:00 UTC)), Standing::Valid { days_left: 31 });
        assert_eq!(v.standing(datetime!(2029-12-31 12:00 UTC)).describe(), "expires within a day");
        assert_eq!(v.standing(datetime!(2030-01-01 0:00:01 UTC)), Standing::Expired);
        assert_eq!(Standing::Valid { days_left: 31 }.describe(), "expires in 31 days");
    }

    #[test]
    fn bytes_that_are_not_a_certificate_are_refused_naming_it() {
        let err = Validity::of_certificate(CertificateKind::Sign, &[0x30, 0x03, 0x02, 0x01, 0x01]).unwrap_err();
        assert!(err.to_string().contains("signature certificate"), "{err}");
    }
}
