//! The four PINs of the My Number card as data: where each lives on the card, its format,
//! its retry limit, and a validated, zeroizing PIN value.
//!
//! The facts (AIDs, formats, tries) are those of the card's public documentation, as the README
//! section "Changing ID-card PINs" sums them up. A PIN is checked on the host before any
//! byte reaches the card, so no try is ever spent on a value the card could not hold.

use std::fmt;

use zeroize::Zeroizing;

/// Application identifier of the JPKI application (公的個人認証 AP).
pub const JPKI_AID: &[u8] = &[0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
/// Application identifier of the card-face text input support application (券面事項入力補助 AP).
pub const TEXT_AID: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
/// First candidate for the resident-registry application (TRETJapanNFCReader's
/// `individualNumberAP`; myna's "UNKNOWN_AID").
pub const JUKI_AID_COMMON: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00];
/// Second candidate for the resident-registry application (sc-tools-myna "JUKI_DATA").
pub const JUKI_AID_DATA: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x01];

/// Candidates for the resident-registry application, in the order they are probed. The
/// sources disagree on which one holds EF 001C, so the card is asked (research §1).
pub const JUKI_AIDS: &[&[u8]] = &[JUKI_AID_COMMON, JUKI_AID_DATA];

/// One of the four PINs a card holder can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PinKind {
    /// User-authentication certificate PIN (利用者証明用電子証明書 暗証番号): 4 digits, 3 tries.
    Auth,
    /// Signature certificate password (署名用電子証明書 パスワード): 6–16 of A–Z/0–9, 5 tries.
    Sign,
    /// Resident-registry PIN (住民基本台帳用 暗証番号): 4 digits, 3 tries.
    Juki,
    /// Card-face text input support PIN (券面事項入力補助用 暗証番号): 4 digits, 3 tries.
    Text,
}

/// The shape a PIN value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinFormat {
    /// Exactly four ASCII digits.
    FourDigits,
    /// 6–16 of `A–Z` and `0–9` with at least one letter and one digit, upper-cased first.
    SignaturePassword,
}

impl PinKind {
    /// All four, in the order they are shown.
    pub const ALL: [PinKind; 4] = [PinKind::Auth, PinKind::Sign, PinKind::Juki, PinKind::Text];

    /// The short name used on the command line and in JSON.
    pub const fn name(self) -> &'static str {
        match self {
            PinKind::Auth => "auth",
            PinKind::Sign => "sign",
            PinKind::Juki => "juki",
            PinKind::Text => "text",
        }
    }

    /// The inverse of [`PinKind::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What the holder calls it.
    pub const fn description(self) -> &'static str {
        match self {
            PinKind::Auth => "user-authentication PIN",
            PinKind::Sign => "signature certificate password",
            PinKind::Juki => "resident-registry PIN",
            PinKind::Text => "text-input-support PIN",
        }
    }

    /// Wrong tries before the card locks this PIN.
    pub const fn max_tries(self) -> u8 {
        match self {
            PinKind::Sign => 5,
            PinKind::Auth | PinKind::Juki | PinKind::Text => 3,
        }
    }

    /// The PIN's elementary file inside its application.
    pub const fn ef(self) -> [u8; 2] {
        match self {
            PinKind::Auth => [0x00, 0x18],
            PinKind::Sign => [0x00, 0x1B],
            PinKind::Juki => [0x00, 0x1C],
            PinKind::Text => [0x00, 0x11],
        }
    }

    /// The applications that may hold this PIN, in probing order.
    pub fn applications(self) -> &'static [&'static [u8]] {
        match self {
            PinKind::Auth | PinKind::Sign => &[JPKI_AID],
            PinKind::Juki => JUKI_AIDS,
            PinKind::Text => &[TEXT_AID],
        }
    }

    /// The value format.
    pub const fn format(self) -> PinFormat {
        match self {
            PinKind::Sign => PinFormat::SignaturePassword,
            PinKind::Auth | PinKind::Juki | PinKind::Text => PinFormat::FourDigits,
        }
    }

    /// The rule in words, for prompts and errors.
    pub const fn rule(self) -> &'static str {
        match self.format() {
            PinFormat::FourDigits => "4 digits",
            PinFormat::SignaturePassword => {
                "6 to 16 letters A-Z and digits 0-9, with at least one letter and one digit"
            }
        }
    }
}

impl fmt::Display for PinKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// Why a value is not a valid PIN. Never contains the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinFormatError {
    /// Wrong number of characters.
    #[error("the {kind} must be {rule}; this one has the wrong length", rule = kind.rule())]
    Length {
        /// Which PIN.
        kind: PinKind,
    },
    /// A 4-digit PIN with something other than digits.
    #[error("the {kind} must be {rule}; this one has a character that is not a digit", rule = kind.rule())]
    NotDigits {
        /// Which PIN.
        kind: PinKind,
    },
    /// A signature password with a character outside A–Z/0–9.
    #[error("the {kind} must be {rule}; this one has a character outside A-Z and 0-9", rule = kind.rule())]
    NotAlphanumeric {
        /// Which PIN.
        kind: PinKind,
    },
    /// A signature password that lacks a letter or a digit.
    #[error("the {kind} must be {rule}; this one lacks a letter or a digit", rule = kind.rule())]
    NeedsLetterAndDigit {
        /// Which PIN.
        kind: PinKind,
    },
}

/// A PIN value checked against its kind's format. Wiped on drop; `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin {
    kind: PinKind,
    value: Zeroizing<String>,
}

impl Pin {
    /// Validates a value the card would accept as a new PIN. The signature password is
    /// upper-cased first, as the JPKI client software does.
    pub fn new(kind: PinKind, value: &str) -> Result<Self, PinFormatError> {
        Self::checked(kind, value, false)
    }

    /// Validates a value typed as the *current* PIN. Same as [`Pin::new`], except that a
    /// signature password may be 4–16 characters and need not mix letters and digits: older
    /// tools allowed such values, and refusing them here would lock a holder out of a
    /// password the card still holds.
    pub fn current(kind: PinKind, value: &str) -> Result<Self, PinFormatError> {
        Self::checked(kind, value, true)
    }

    fn checked(kind: PinKind, value: &str, lenient: bool) -> Result<Self, PinFormatError> {
        match kind.format() {
            PinFormat::FourDigits => {
                if value.chars().count() != 4 {
                    return Err(PinFormatError::Length { kind });
                }
                if !value.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(PinFormatError::NotDigits { kind });
                }
                Ok(Self { kind, value: Zeroizing::new(value.to_owned()) })
            }
            PinFormat::SignaturePassword => {
                let min = if lenient { 4 } else { 6 };
                if !(min..=16).contains(&value.chars().count()) {
                    return Err(PinFormatError::Length { kind });
                }
                let upper = Zeroizing::new(value.to_ascii_uppercase());
                if !upper.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
                    return Err(PinFormatError::NotAlphanumeric { kind });
                }
                let has_letter = upper.bytes().any(|b| b.is_ascii_uppercase());
                let has_digit = upper.bytes().any(|b| b.is_ascii_digit());
                if !(lenient || (has_letter && has_digit)) {
                    return Err(PinFormatError::NeedsLetterAndDigit { kind });
                }
                Ok(Self { kind, value: upper })
            }
        }
    }

    /// Which PIN this is.
    pub fn kind(&self) -> PinKind {
        self.kind
    }

    /// The bytes sent to the card: ASCII, no padding.
    pub fn as_bytes(&self) -> &[u8] {
        self.value.as_bytes()
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pin").field("kind", &self.kind).field("value", &"<redacted>").finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_digit_pins_accept_exactly_four_digits() {
        for kind in [PinKind::Auth, PinKind::Juki, PinKind::Text] {
            assert!(Pin::new(kind, "0000").is_ok());
            assert_eq!(Pin::new(kind, "123"), Err(PinFormatError::Length { kind }));
            assert_eq!(Pin::new(kind, "12345"), Err(PinFormatError::Length { kind }));
            assert_eq!(Pin::new(kind, "12a4"), Err(PinFormatError::NotDigits { kind }));
            assert_eq!(Pin::new(kind, "１２３４"), Err(PinFormatError::NotDigits { kind }));
        }
    }

    #[test]
    fn the_signature_password_is_upper_cased_and_needs_a_letter_and_a_digit() {
        let kind = PinKind::Sign;
        let pin = Pin::new(kind, "abc123").unwrap();
        assert_eq!(pin.as_bytes(), b"ABC123");
        assert_eq!(Pin::new(kind, "ABCDEF"), Err(PinFormatError::NeedsLetterAndDigit { kind }));
        assert_eq!(Pin::new(kind, "123456"), Err(PinFormatError::NeedsLetterAndDigit { kind }));
        assert_eq!(Pin::new(kind, "ABC12"), Err(PinFormatError::Length { kind }));
        assert_eq!(Pin::new(kind, "ABCDEFGH123456789"), Err(PinFormatError::Length { kind }));
        assert_eq!(Pin::new(kind, "ABC-123"), Err(PinFormatError::NotAlphanumeric { kind }));
        assert!(Pin::new(kind, "A23456789012345B").is_ok());
    }

    #[test]
    fn a_current_signature_password_may_follow_the_older_looser_rule() {
        assert!(Pin::current(PinKind::Sign, "abcd").is_ok());
        assert!(Pin::current(PinKind::Sign, "abc").is_err());
        assert!(Pin::current(PinKind::Auth, "12345").is_err());
    }

    #[test]
    fn format_errors_and_debug_never_show_the_value() {
        let err = Pin::new(PinKind::Sign, "SECRET").unwrap_err().to_string();
        assert!(!err.contains("SECRET"), "{err}");
        let shown = format!("{:?}", Pin::new(PinKind::Auth, "4821").unwrap());
        assert!(!shown.contains("4821"), "{shown}");
    }

    #[test]
    fn names_round_trip() {
        for kind in PinKind::ALL {
            assert_eq!(PinKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(PinKind::from_name("puk"), None);
    }
}
