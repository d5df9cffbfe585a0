//! ISO 7816-4 command and response APDUs, short and extended, and status words.
//!
//! Pure data: encoding, parsing and the meaning of status words. Nothing here sends
//! anything. A command APDU may carry a PIN, so its data field is wiped on drop and
//! never shown by `Debug`.

use std::fmt;

use zeroize::Zeroizing;

/// Why bytes or arguments do not make a valid APDU.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApduError {
    /// A command shorter than its four header bytes.
    #[error("a command APDU needs at least 4 header bytes, got {0}")]
    TooShort(usize),
    /// The length fields do not match the number of bytes.
    #[error("the length fields of the command APDU do not match its size")]
    BadLength,
    /// More data than an extended APDU can carry (65 535 bytes).
    #[error("APDU data of {0} bytes is longer than 65535")]
    DataTooLong(usize),
    /// An expected response length outside 1..=65 536.
    #[error("expected response length {0} is outside 1..=65536")]
    BadLe(u32),
    /// A response without its two status bytes.
    #[error("a response APDU needs at least the 2 status bytes, got {0}")]
    ResponseTooShort(usize),
}

/// A command APDU: header, optional data (Lc) and optional expected length (Le).
///
/// Short encoding is used when the data fits in 255 bytes and Le in 256; otherwise the
/// whole command is encoded in the extended form, as ISO 7816-4 requires.
#[derive(Clone, PartialEq, Eq)]
pub struct CommandApdu {
    cla: u8,
    ins: u8,
    p1: u8,
    p2: u8,
    data: Zeroizing<Vec<u8>>,
    le: Option<u32>,
}

impl CommandApdu {
    /// A header-only command (ISO case 1).
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Self { cla, ins, p1, p2, data: Zeroizing::new(Vec::new()), le: None }
    }

    /// Adds a data field (cases 3 and 4).
    pub fn with_data(mut self, data: &[u8]) -> Result<Self, ApduError> {
        if data.len() > 65_535 {
            return Err(ApduError::DataTooLong(data.len()));
        }
        self.data = Zeroizing::new(data.to_vec());
        Ok(self)
    }

    /// Adds an expected response length (cases 2 and 4); 256 and 65 536 mean "as much as there is".
    pub fn with_le(mut self, le: u32) -> Result<Self, ApduError> {
        if !(1..=65_536).contains(&le) {
            return Err(ApduError::BadLe(le));
        }
        self.le = Some(le);
        Ok(self)
    }

    /// Class byte.
    pub fn cla(&self) -> u8 {
        self.cla
    }

    /// Instruction byte.
    pub fn ins(&self) -> u8 {
        self.ins
    }

    /// Parameter 1.
    pub fn p1(&self) -> u8 {
        self.p1
    }

    /// Parameter 2.
    pub fn p2(&self) -> u8 {
        self.p2
    }

    /// The data field (empty when there is none).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The expected response length, if any.
    pub fn le(&self) -> Option<u32> {
        self.le
    }

    /// Whether this command needs the extended length encoding.
    pub fn is_extended(&self) -> bool {
        self.data.len() > 255 || self.le.is_some_and(|le| le > 256)
    }

    /// The bytes to send. Wiped on drop, since a VERIFY carries a PIN.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(4 + 3 + self.data.len() + 3));
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        // Lengths were bounded by the constructors, so these casts cannot truncate
        // except for the documented "0 means maximum" encodings.
        if self.is_extended() {
            out.push(0x00);
            if !self.data.is_empty() {
                out.extend_from_slice(&(self.data.len() as u16).to_be_bytes());
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                out.extend_from_slice(&((le % 65_536) as u16).to_be_bytes());
            }
        } else {
            if !self.data.is_empty() {
                out.push(self.data.len() as u8);
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                out.push((le % 256) as u8);
            }
        }
        out
    }

    /// Parses a command APDU in any of the seven ISO 7816-4 cases (1, 2S, 3S, 4S, 2E, 3E, 4E).
    pub fn parse(bytes: &[u8]) -> Result<Self, ApduError> {
        let (header, body) = match bytes {
            [cla, ins, p1, p2, body @ ..] => ([*cla, *ins, *p1, *p2], body),
            _ => return Err(ApduError::TooShort(bytes.len())),
        };
        let [cla, ins, p1, p2] = header;
        let mut apdu = Self::new(cla, ins, p1, p2);
        match body {
            [] => {}
            [le] => apdu.le = Some(short_le(*le)),
            [0, rest @ ..] if rest.len() >= 2 => {
                // Extended: the first body byte is 00, then 2-byte lengths.
                match rest {
                    [hi, lo] => apdu.le = Some(extended_le(*hi, *lo)),
                    [hi, lo, tail @ ..] => {
                        let lc = usize::from(u16::from_be_bytes([*hi, *lo]));
                        if lc == 0 {
                            return Err(ApduError::BadLength);
                        }
                        if tail.len() == lc {
                            apdu.data = Zeroizing::new(tail.to_vec());
                        } else if tail.len() == lc + 2 {
                            apdu.data = Zeroizing::new(tail[..lc].to_vec());
                            apdu.le = Some(extended_le(tail[lc], tail[lc + 1]));
                        } else {
                            return Err(ApduError::BadLength);
                        }
                    }
                    _ => return Err(ApduError::BadLength),
                }
            }
            [lc, tail @ ..] => {
                let lc = usize::from(*lc);
                if lc == 0 {
                    return Err(ApduError::BadLength);
                }
                if tail.len() == lc {
                    apdu.data = Zeroizing::new(tail.to_vec());
                } else if tail.len() == lc + 1 {
                    apdu.data = Zeroizing::new(tail[..lc].to_vec());
                    apdu.le = Some(short_le(tail[lc]));
                } else {
                    return Err(ApduError::BadLength);
                }
            }
        }
        Ok(apdu)
    }
}

fn short_le(byte: u8) -> u32 {
    if byte == 0 { 256 } else { u32::from(byte) }
}

fn extended_le(hi: u8, lo: u8) -> u32 {
    match u16::from_be_bytes([hi, lo]) {
        0 => 65_536,
        n => u32::from(n),
    }
}

impl fmt::Debug for CommandApdu {
    // The data may be a PIN: show only its length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommandApdu")
            .field("cla", &format_args!("{:02X}", self.cla))
            .field("ins", &format_args!("{:02X}", self.ins))
            .field("p1", &format_args!("{:02X}", self.p1))
            .field("p2", &format_args!("{:02X}", self.p2))
            .field("data_len", &self.data.len())
            .field("le", &self.le)
            .finish()
    }
}

/// A response APDU: data followed by the status word SW1 SW2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseApdu {
    data: Vec<u8>,
    status: StatusWord,
}

impl ResponseApdu {
    /// A response with data and a status word.
    pub fn new(data: Vec<u8>, status: StatusWord) -> Self {
        Self { data, status }
    }

    /// Splits raw response bytes into data and status word.
    pub fn parse(bytes: &[u8]) -> Result<Self, ApduError> {
        match bytes {
            [data @ .., sw1, sw2] => Ok(Self { data: data.to_vec(), status: StatusWord::new(*sw1, *sw2) }),
            _ => Err(ApduError::ResponseTooShort(bytes.len())),
        }
    }

    /// The response data (without the status word).
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The status word.
    pub fn status(&self) -> StatusWord {
        self.status
    }

    /// The bytes as a card sends them.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.data.clone();
        out.extend_from_slice(&self.status.to_bytes());
        out
    }
}

/// An ISO 7816-4 status word (SW1 SW2).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusWord(u16);

impl StatusWord {
    /// `90 00`: normal processing.
    pub const OK: Self = Self(0x9000);
    /// `65 81`: memory failure.
    pub const MEMORY_FAILURE: Self = Self(0x6581);
    /// `67 00`: wrong length.
    pub const WRONG_LENGTH: Self = Self(0x6700);
    /// `69 81`: command incompatible with file structure.
    pub const INCOMPATIBLE_FILE: Self = Self(0x6981);
    /// `69 82`: security status not satisfied.
    pub const SECURITY_NOT_SATISFIED: Self = Self(0x6982);
    /// `69 83`: authentication method blocked.
    pub const AUTH_BLOCKED: Self = Self(0x6983);
    /// `69 84`: reference data not usable.
    pub const REFERENCE_DATA_UNUSABLE: Self = Self(0x6984);
    /// `69 85`: conditions of use not satisfied.
    pub const CONDITIONS_NOT_SATISFIED: Self = Self(0x6985);
    /// `69 86`: command not allowed (no current EF).
    pub const NO_CURRENT_EF: Self = Self(0x6986);
    /// `6A 80`: incorrect parameters in the data field.
    pub const WRONG_DATA: Self = Self(0x6A80);
    /// `6A 82`: file or application not found.
    pub const FILE_NOT_FOUND: Self = Self(0x6A82);
    /// `6A 86`: incorrect parameters P1-P2.
    pub const WRONG_P1_P2: Self = Self(0x6A86);
    /// `6A 88`: referenced data not found.
    pub const REFERENCE_NOT_FOUND: Self = Self(0x6A88);
    /// `6B 00`: wrong parameters (offset outside the EF).
    pub const WRONG_OFFSET: Self = Self(0x6B00);
    /// `6D 00`: instruction not supported.
    pub const INS_NOT_SUPPORTED: Self = Self(0x6D00);
    /// `6E 00`: class not supported.
    pub const CLA_NOT_SUPPORTED: Self = Self(0x6E00);

    /// A status word from its two bytes.
    pub const fn new(sw1: u8, sw2: u8) -> Self {
        Self(u16::from_be_bytes([sw1, sw2]))
    }

    /// `63 Cx` with `x` tries left (capped at 15, the most the encoding holds).
    pub const fn verification_failed(tries_left: u8) -> Self {
        let x = if tries_left > 0x0F { 0x0F } else { tries_left };
        Self::new(0x63, 0xC0 | x)
    }

    /// SW1.
    pub const fn sw1(self) -> u8 {
        self.0.to_be_bytes()[0]
    }

    /// SW2.
    pub const fn sw2(self) -> u8 {
        self.0.to_be_bytes()[1]
    }

    /// The two bytes.
    pub const fn to_bytes(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }

    /// `90 00`.
    pub const fn is_ok(self) -> bool {
        self.0 == 0x9000
    }

    /// For `63 Cx`, the `x`: tries left before the PIN locks.
    pub const fn tries_left(self) -> Option<u8> {
        if self.sw1() == 0x63 && self.sw2() & 0xF0 == 0xC0 { Some(self.sw2() & 0x0F) } else { None }
    }

    /// Whether the status says the PIN is locked: `63 C0`, `69 83` or `69 84`.
    pub const fn means_locked(self) -> bool {
        matches!(self.0, 0x63C0 | 0x6983 | 0x6984)
    }

    /// What ISO 7816-4 says this status word means, in a few words.
    pub fn meaning(self) -> &'static str {
        match (self.sw1(), self.sw2()) {
            (0x90, 0x00) => "success",
            (0x61, _) => "more response data available",
            (0x62, 0x83) => "selected file deactivated",
            (0x62, _) => "warning, memory unchanged",
            (0x63, 0xC0) => "verification failed, no tries left",
            (0x63, x) if x & 0xF0 == 0xC0 => "verification failed, tries left in the low nibble",
            (0x63, _) => "warning, memory changed",
            (0x64, _) => "execution error, memory unchanged",
            (0x65, 0x81) => "memory failure",
            (0x65, _) => "execution error, memory changed",
            (0x67, 0x00) => "wrong length",
            (0x68, _) => "function in CLA not supported",
            (0x69, 0x81) => "command incompatible with file structure",
            (0x69, 0x82) => "security status not satisfied",
            (0x69, 0x83) => "authentication method blocked",
            (0x69, 0x84) => "reference data not usable",
            (0x69, 0x85) => "conditions of use not satisfied",
            (0x69, 0x86) => "command not allowed (no current EF)",
            (0x69, _) => "command not allowed",
            (0x6A, 0x80) => "incorrect parameters in the data field",
            (0x6A, 0x81) => "function not supported",
            (0x6A, 0x82) => "file or application not found",
            (0x6A, 0x86) => "incorrect parameters P1-P2",
            (0x6A, 0x88) => "referenced data not found",
            (0x6A, _) => "wrong parameters",
            (0x6B, 0x00) => "wrong parameters P1-P2",
            (0x6C, _) => "wrong Le field",
            (0x6D, 0x00) => "instruction not supported",
            (0x6E, 0x00) => "class not supported",
            (0x6F, _) => "no precise diagnosis",
            _ => "unknown status",
        }
    }
}

impl fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatusWord({:04X})", self.0)
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02X} {:02X} ({})", self.sw1(), self.sw2(), self.meaning())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_only_command_encodes_as_four_bytes() {
        let apdu = CommandApdu::new(0x00, 0x20, 0x00, 0x80);
        assert_eq!(&*apdu.to_bytes(), &[0x00, 0x20, 0x00, 0x80]);
        assert_eq!(CommandApdu::parse(&[0x00, 0x20, 0x00, 0x80]), Ok(apdu));
    }

    #[test]
    fn a_select_by_aid_encodes_in_the_short_form() {
        let aid = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
        let apdu = CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(&aid).unwrap();
        let bytes = apdu.to_bytes();
        assert_eq!(&bytes[..5], &[0x00, 0xA4, 0x04, 0x0C, 0x0A]);
        assert_eq!(&bytes[5..], &aid);
        assert_eq!(CommandApdu::parse(&bytes), Ok(apdu));
    }

    #[test]
    fn every_short_and_extended_case_round_trips() {
        let big = vec![0x5A; 300];
        let cases = [
            CommandApdu::new(0, 0xB0, 0, 0).with_le(256).unwrap(),
            CommandApdu::new(0, 0xB0, 0, 0).with_le(20).unwrap(),
            CommandApdu::new(0, 0x20, 0, 0x80).with_data(b"1234").unwrap(),
            CommandApdu::new(0x80, 0x2A, 0, 0x80).with_data(b"digest").unwrap().with_le(256).unwrap(),
            CommandApdu::new(0, 0xB0, 0, 0).with_le(65_536).unwrap(),
            CommandApdu::new(0, 0xD6, 0, 0).with_data(&big).unwrap(),
            CommandApdu::new(0, 0x2A, 0, 0).with_data(&big).unwrap().with_le(1000).unwrap(),
        ];
        for apdu in cases {
            let bytes = apdu.to_bytes();
            assert_eq!(CommandApdu::parse(&bytes).as_ref(), Ok(&apdu), "{apdu:?}");
        }
    }

    #[test]
    fn extended_commands_start_their_length_with_a_zero_byte() {
        let apdu = CommandApdu::new(0, 0xB0, 0, 0).with_le(65_536).unwrap();
        assert!(apdu.is_extended());
        assert_eq!(&*apdu.to_bytes(), &[0, 0xB0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn commands_whose_lengths_disagree_with_their_size_are_rejected() {
        assert_eq!(CommandApdu::parse(&[0, 0xA4]), Err(ApduError::TooShort(2)));
        assert_eq!(CommandApdu::parse(&[0, 0x20, 0, 0x80, 4, b'1']), Err(ApduError::BadLength));
        assert_eq!(CommandApdu::parse(&[0, 0x20, 0, 0x80, 0, 0, 0, 1]), Err(ApduError::BadLength));
    }

    #[test]
    fn debug_output_never_shows_the_data_field() {
        let apdu = CommandApdu::new(0, 0x20, 0, 0x80).with_data(b"9876").unwrap();
        let shown = format!("{apdu:?}");
        assert!(!shown.contains("9876") && !shown.contains("57"), "{shown}");
    }

    #[test]
    fn status_words_know_tries_left_and_lock() {
        assert_eq!(StatusWord::new(0x63, 0xC2).tries_left(), Some(2));
        assert_eq!(StatusWord::new(0x63, 0x00).tries_left(), None);
        assert!(StatusWord::new(0x63, 0xC0).means_locked());
        assert!(StatusWord::AUTH_BLOCKED.means_locked());
        assert!(StatusWord::REFERENCE_DATA_UNUSABLE.means_locked());
        assert!(!StatusWord::new(0x63, 0xC1).means_locked());
        assert_eq!(StatusWord::FILE_NOT_FOUND.to_string(), "6A 82 (file or application not found)");
    }

    #[test]
    fn a_response_splits_into_data_and_status() {
        let r = ResponseApdu::parse(&[1, 2, 0x90, 0x00]).unwrap();
        assert_eq!(r.data(), &[1, 2]);
        assert!(r.status().is_ok());
        assert_eq!(r.to_bytes(), vec![1, 2, 0x90, 0x00]);
        assert_eq!(ResponseApdu::parse(&[0x90]), Err(ApduError::ResponseTooShort(1)));
    }
}
