//! A software My Number card: the card side of the APDU subset the PIN procedures and
//! OpenSC's JPKI driver use, with its PINs and try counters kept in a state file.
//!
//! Used two ways: in-process as a [`Transport`] for fast tests, and behind the real PC/SC
//! stack through [`crate::vpcd`]. It answers:
//!
//! * SELECT by AID (`00 A4 04 0C`) for the JPKI, text-input-support and both candidate
//!   resident-registry applications (the PIN lives under `...0401`, as research §1 sets
//!   the fake card up; `...0100` exists but has no EF 001C, which exercises the probe);
//! * SELECT EF (`00 A4 02 0C`) for the PIN files, the JPKI token EF 0006 and the four
//!   certificate EFs (0001 signature, 0002 its CA, 000A user authentication, 000B its CA);
//! * VERIFY without data (`63 Cx`), with data (`90 00`, `63 Cx`, `69 83` when locked);
//! * CHANGE REFERENCE DATA `00 24 01 80` after a successful VERIFY in the same session;
//! * READ BINARY (offset in P1P2) of the token EF and the certificate EFs: `6B 00` beyond
//!   the end, `69 82` for the signature certificate unless the signature password was
//!   verified in this session; anything else `6D 00`.
//!
//! Its certificates are generated when the card is made ([`crate::soft_issuer`]) and kept,
//! as DER, in the state file.
//!
//! A right PIN restores the counter; at zero the PIN is locked for good (only
//! [`SoftCard::create`] makes a fresh card). Every counter or PIN change is written to the
//! state file (temp file + rename) *before* the card answers, so a crash or a kill never
//! gives a guess back.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::apdu::{CommandApdu, StatusWord};
use crate::certificate::{CertificateKind, Validity};
use crate::pin::{JPKI_AID, JUKI_AID_COMMON, JUKI_AID_DATA, Pin, PinKind, TEXT_AID};
use crate::procedure::CardError;
use crate::soft_issuer::{CardCertificates, IssueError};
use crate::transport::{Transport, TransportError};

/// The JPKI card's ATR, by which OpenSC's `jpki` driver recognises the card.
pub const JPKI_ATR: &[u8] = &[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];

/// Contents of the JPKI token EF 0006 on a card (research §1: "JPKIAPICCTOKEN2").
const TOKEN: &[u8] = b"JPKIAPICCTOKEN2\0\0\0\0\0";
const TOKEN_EF: [u8; 2] = [0x00, 0x06];
/// 2: the card holds certificates. A version 1 file (PINs only) is refused with a hint.
const STATE_VERSION: u32 = 2;

/// A failure to create, read or write the software card's state file.
#[derive(Debug, thiserror::Error)]
pub enum SoftCardError {
    /// The state file exists already; `init` does not overwrite a card.
    #[error("{0} exists already; remove it first to make a new software card")]
    Exists(PathBuf),
    /// Reading or writing failed.
    #[error("software card state {path}: {source}")]
    Io {
        /// The state file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The certificates could not be generated.
    #[error(transparent)]
    Certificates(#[from] IssueError),
    /// The file is not a software card state.
    #[error("software card state {path} is not valid: {reason}")]
    Invalid {
        /// The state file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// One PIN as the state file holds it.
///
/// **The value is stored in clear text.** It is test data for a software card that
/// stands in for hardware in tests and demos; never put a real PIN in this file.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
struct StoredPin {
    #[zeroize(skip)]
    pin: String,
    value: String,
    tries_left: u8,
}

/// The state file: JSON, written atomically. Its PINs are test data in clear text.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    version: u32,
    pins: Vec<StoredPin>,
    /// Certificate name (`auth`, `auth_ca`, `sign`, `sign_ca`) → DER in hex.
    certificates: BTreeMap<String, String>,
}

/// Only the version, read first so that an old file gets a plain answer.
#[derive(Deserialize)]
struct StateVersion {
    version: u32,
}

#[derive(Clone)]
struct PinSlot {
    value: Zeroizing<Vec<u8>>,
    tries_left: u8,
}

/// The four PINs a new software card starts with.
#[derive(Debug)]
pub struct SoftCardPins {
    /// Signature certificate password.
    pub sign: Pin,
    /// User-authentication PIN.
    pub auth: Pin,
    /// Resident-registry PIN.
    pub juki: Pin,
    /// Text-input-support PIN.
    pub text: Pin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum App {
    Jpki,
    Text,
    JukiCommon,
    JukiData,
}

impl App {
    fn by_aid(aid: &[u8]) -> Option<Self> {
        [
            (JPKI_AID, App::Jpki),
            (TEXT_AID, App::Text),
            (JUKI_AID_COMMON, App::JukiCommon),
            (JUKI_AID_DATA, App::JukiData),
        ]
        .into_iter()
        .find_map(|(id, app)| (id == aid).then_some(app))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ef {
    Pin(PinKind),
    Token,
    Certificate(CertificateKind),
}

fn ef_in(app: App, id: [u8; 2]) -> Option<Ef> {
    let pin = |kind: PinKind| (kind.ef() == id).then_some(Ef::Pin(kind));
    match app {
        App::Jpki if id == TOKEN_EF => Some(Ef::Token),
        App::Jpki if let Some(kind) = CertificateKind::ALL.into_iter().find(|k| k.ef() == id) => {
            Some(Ef::Certificate(kind))
        }
        App::Jpki => pin(PinKind::Auth).or_else(|| pin(PinKind::Sign)),
        App::Text => pin(PinKind::Text),
        App::JukiData => pin(PinKind::Juki),
        App::JukiCommon => None,
    }
}

fn slot_index(kind: PinKind) -> usize {
    match kind {
        PinKind::Auth => 0,
        PinKind::Sign => 1,
        PinKind::Juki => 2,
        PinKind::Text => 3,
    }
}

/// A software card: state (PINs, counters) plus the session (selection, login), which a
/// power cycle or reset clears.
#[derive(Debug)]
pub struct SoftCard {
    pins: [PinSlot; 4],
    certificates: CardCertificates,
    path: Option<PathBuf>,
    app: Option<App>,
    ef: Option<Ef>,
    verified: Option<PinKind>,
}

impl std::fmt::Debug for PinSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinSlot").field("value", &"<redacted>").field("tries_left", &self.tries_left).finish()
    }
}

impl SoftCard {
    /// A card that lives only in memory (for tests), with certificates valid from
    /// 2025-04-01 to 2030-03-31 (see [`SoftCard::with_certificates`]).
    pub fn in_memory(pins: &SoftCardPins) -> Self {
        let validity = Validity {
            not_before: time::macros::datetime!(2025-04-01 0:00 UTC),
            not_after: time::macros::datetime!(2030-03-31 14:59:59 UTC),
        };
        // Generation only fails on an empty validity, which this one is not.
        let certificates = CardCertificates::generate(validity).expect("a validity that ends after it starts");
        Self::with_certificates(pins, certificates)
    }

    /// A card in memory with these PINs and certificates.
    pub fn with_certificates(pins: &SoftCardPins, certificates: CardCertificates) -> Self {
        let slot =
            |pin: &Pin| PinSlot { value: Zeroizing::new(pin.as_bytes().to_vec()), tries_left: pin.kind().max_tries() };
        Self {
            pins: [slot(&pins.auth), slot(&pins.sign), slot(&pins.juki), slot(&pins.text)],
            certificates,
            path: None,
            app: None,
            ef: None,
            verified: None,
        }
    }

    /// Makes a new card with full counters and certificates valid over `validity`, and
    /// writes its state file. Refuses to overwrite an existing file.
    pub fn create(path: &Path, pins: &SoftCardPins, validity: Validity) -> Result<Self, SoftCardError> {
        if path.exists() {
            return Err(SoftCardError::Exists(path.to_owned()));
        }
        let mut card = Self::with_certificates(pins, CardCertificates::generate(validity)?);
        card.path = Some(path.to_owned());
        card.save()?;
        Ok(card)
    }

    /// Loads a card from its state file.
    pub fn open(path: &Path) -> Result<Self, SoftCardError> {
        let io = |source| SoftCardError::Io { path: path.to_owned(), source };
        let invalid = |reason: String| SoftCardError::Invalid { path: path.to_owned(), reason };
        let text = Zeroizing::new(fs::read_to_string(path).map_err(io)?);
        let version: StateVersion = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        match version.version {
            STATE_VERSION => {}
            1 => {
                return Err(invalid(
                    "it was made by an older reissue and holds no certificates; \
                     make a new card with `reissue card init`"
                        .into(),
                ));
            }
            other => return Err(invalid(format!("unknown version {other}"))),
        }
        let state: StateFile = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let certificates = CardCertificates::from_stored(&state.certificates).map_err(|e| invalid(e.to_string()))?;
        let mut slots: [Option<PinSlot>; 4] = [None, None, None, None];
        for stored in &state.pins {
            let kind =
                PinKind::from_name(&stored.pin).ok_or_else(|| invalid(format!("unknown PIN {:?}", stored.pin)))?;
            Pin::current(kind, &stored.value).map_err(|_| invalid(format!("the {kind} has the wrong format")))?;
            if stored.tries_left > kind.max_tries() {
                return Err(invalid(format!("the {kind} has too many tries left")));
            }
            slots[slot_index(kind)] = Some(PinSlot {
                value: Zeroizing::new(stored.value.as_bytes().to_vec()),
                tries_left: stored.tries_left,
            });
        }
        let mut pins = Vec::with_capacity(4);
        for kind in PinKind::ALL {
            pins.push(slots[slot_index(kind)].take().ok_or_else(|| invalid(format!("the {kind} is missing")))?);
        }
        let pins: [PinSlot; 4] = pins.try_into().map_err(|_| invalid("wrong number of PINs".into()))?;
        Ok(Self { pins, certificates, path: Some(path.to_owned()), app: None, ef: None, verified: None })
    }

    /// Tries left for one PIN, as stored.
    pub fn tries_left(&self, kind: PinKind) -> u8 {
        self.pins[slot_index(kind)].tries_left
    }

    /// The answer to reset.
    pub fn atr(&self) -> &'static [u8] {
        JPKI_ATR
    }

    /// Power off, power on or reset: the session (selection, login) ends.
    pub fn reset_session(&mut self) {
        self.app = None;
        self.ef = None;
        self.verified = None;
    }

    fn save(&self) -> Result<(), SoftCardError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let state = StateFile {
            version: STATE_VERSION,
            pins: PinKind::ALL
                .into_iter()
                .map(|kind| {
                    let slot = &self.pins[slot_index(kind)];
                    StoredPin {
                        pin: kind.name().to_owned(),
                        value: String::from_utf8_lossy(&slot.value).into_owned(),
                        tries_left: slot.tries_left,
                    }
                })
                .collect(),
            certificates: self.certificates.to_stored(),
        };
        let io = |source| SoftCardError::Io { path: path.clone(), source };
        let json = Zeroizing::new(
            serde_json::to_vec_pretty(&state)
                .map_err(|e| SoftCardError::Invalid { path: path.clone(), reason: e.to_string() })?,
        );
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "card".into());
        let tmp = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(&json)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            fs::rename(&tmp, path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io(e)
        })
    }

    /// Applies a counter or PIN change, persisting it first. If the state cannot be
    /// written, nothing changes and the card answers "memory failure": a counter that
    /// cannot be stored must not let a guess through.
    fn commit(&mut self, kind: PinKind, slot: PinSlot) -> Result<(), StatusWord> {
        let index = slot_index(kind);
        let old = std::mem::replace(&mut self.pins[index], slot);
        if let Err(err) = self.save() {
            eprintln!("software card: {err}");
            self.pins[index] = old;
            return Err(StatusWord::MEMORY_FAILURE);
        }
        Ok(())
    }

    /// Processes one command APDU and returns the response bytes. Never panics; a
    /// malformed command gets a status word, as a card would answer.
    pub fn respond(&mut self, command: &[u8]) -> Vec<u8> {
        let (data, sw) = match CommandApdu::parse(command) {
            Ok(apdu) => self.process(&apdu),
            Err(_) => (Vec::new(), StatusWord::WRONG_LENGTH),
        };
        let mut out = data;
        out.extend_from_slice(&sw.to_bytes());
        out
    }

    fn process(&mut self, apdu: &CommandApdu) -> (Vec<u8>, StatusWord) {
        if apdu.cla() != 0x00 {
            return (Vec::new(), StatusWord::CLA_NOT_SUPPORTED);
        }
        let sw = match apdu.ins() {
            0xA4 => self.select(apdu),
            0x20 => self.verify(apdu),
            0x24 => self.change(apdu),
            0xB0 => return self.read_binary(apdu),
            _ => StatusWord::INS_NOT_SUPPORTED,
        };
        (Vec::new(), sw)
    }

    fn select(&mut self, apdu: &CommandApdu) -> StatusWord {
        match apdu.p1() {
            0x04 => match App::by_aid(apdu.data()) {
                Some(app) => {
                    self.app = Some(app);
                    self.ef = None;
                    self.verified = None;
                    StatusWord::OK
                }
                None => StatusWord::FILE_NOT_FOUND,
            },
            0x02 => {
                let Ok(id) = <[u8; 2]>::try_from(apdu.data()) else {
                    return StatusWord::WRONG_LENGTH;
                };
                match self.app.and_then(|app| ef_in(app, id)) {
                    Some(ef) => {
                        self.ef = Some(ef);
                        StatusWord::OK
                    }
                    None => StatusWord::FILE_NOT_FOUND,
                }
            }
            _ => StatusWord::WRONG_P1_P2,
        }
    }

    fn selected_pin(&self) -> Result<PinKind, StatusWord> {
        match self.ef {
            Some(Ef::Pin(kind)) => Ok(kind),
            Some(Ef::Token | Ef::Certificate(_)) => Err(StatusWord::INCOMPATIBLE_FILE),
            None => Err(StatusWord::NO_CURRENT_EF),
        }
    }

    fn verify(&mut self, apdu: &CommandApdu) -> StatusWord {
        if apdu.p1() != 0x00 || apdu.p2() != 0x80 {
            return StatusWord::WRONG_P1_P2;
        }
        let kind = match self.selected_pin() {
            Ok(kind) => kind,
            Err(sw) => return sw,
        };
        let slot = &self.pins[slot_index(kind)];
        if apdu.data().is_empty() {
            // Like the JPKI card (research §2), the query always answers 63 Cx, even
            // when verified and when locked (63 C0), which is what OpenSC expects.
            return StatusWord::verification_failed(slot.tries_left);
        }
        if slot.tries_left == 0 {
            return StatusWord::AUTH_BLOCKED;
        }
        let right = slot.value.as_slice() == apdu.data();
        let updated = PinSlot {
            value: slot.value.clone(),
            tries_left: if right { kind.max_tries() } else { slot.tries_left - 1 },
        };
        let tries_left = updated.tries_left;
        if updated.tries_left != slot.tries_left
            && let Err(sw) = self.commit(kind, updated)
        {
            return sw;
        }
        if right {
            self.verified = Some(kind);
            StatusWord::OK
        } else {
            self.verified = None;
            StatusWord::verification_failed(tries_left)
        }
    }

    fn change(&mut self, apdu: &CommandApdu) -> StatusWord {
        if apdu.p1() != 0x01 || apdu.p2() != 0x80 {
            return StatusWord::WRONG_P1_P2;
        }
        let kind = match self.selected_pin() {
            Ok(kind) => kind,
            Err(sw) => return sw,
        };
        if self.verified != Some(kind) {
            return StatusWord::SECURITY_NOT_SATISFIED;
        }
        // The card enforces the format too, so a client that skips the host check
        // still cannot store a value the holder could never type.
        let Some(new) = std::str::from_utf8(apdu.data())
            .ok()
            .and_then(|s| Pin::new(kind, s).ok())
            .filter(|pin| pin.as_bytes() == apdu.data())
        else {
            return StatusWord::WRONG_DATA;
        };
        let updated = PinSlot { value: Zeroizing::new(new.as_bytes().to_vec()), tries_left: kind.max_tries() };
        match self.commit(kind, updated) {
            Ok(()) => StatusWord::OK,
            Err(sw) => sw,
        }
    }

    fn read_binary(&mut self, apdu: &CommandApdu) -> (Vec<u8>, StatusWord) {
        let contents: &[u8] = match self.ef {
            Some(Ef::Token) => TOKEN,
            Some(Ef::Certificate(CertificateKind::Sign)) if self.verified != Some(PinKind::Sign) => {
                return (Vec::new(), StatusWord::SECURITY_NOT_SATISFIED);
            }
            Some(Ef::Certificate(kind)) => self.certificates.der(kind),
            Some(Ef::Pin(_)) => return (Vec::new(), StatusWord::INCOMPATIBLE_FILE),
            None => return (Vec::new(), StatusWord::NO_CURRENT_EF),
        };
        if apdu.p1() & 0x80 != 0 {
            // P1 b8 = 1 would name a short EF identifier, which this card does not have.
            return (Vec::new(), StatusWord::WRONG_P1_P2);
        }
        let offset = usize::from(u16::from_be_bytes([apdu.p1(), apdu.p2()]));
        if offset >= contents.len() {
            return (Vec::new(), StatusWord::WRONG_OFFSET);
        }
        let want = apdu.le().map_or(256, |le| le as usize);
        let end = contents.len().min(offset.saturating_add(want));
        (contents[offset..end].to_vec(), StatusWord::OK)
    }

    /// The DER of one of the card's certificates, as the card holds it.
    pub fn certificate(&self, kind: CertificateKind) -> &[u8] {
        self.certificates.der(kind)
    }
}

impl Transport for SoftCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        Ok(self.respond(command))
    }

    fn exclusive(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        // In process nobody else can reach the card; a transaction is just a call.
        work(self)
    }
}
