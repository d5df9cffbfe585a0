//! Counter cases (P8b): a holder's ID-card PINs changed or reset at the municipal counter,
//! in person, by a legal representative, or by an optional proxy who comes back with the
//! answered inquiry letter. This module holds the case's vocabulary, each type validated on
//! parse; `checklist.rs` decides what each case type must bring before the PIN step;
//! the case's lifecycle is `lifecycle::counter_case`, the procedures `procedures::counter`.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::secret::{Randomness, uniform_below};
use crate::text::digits_only;

macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The name in the API, the database and the audit log.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }

            /// The value named `s`, if any.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// Every name, for an error message: `a, b, c`.
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod checklist;

/// The catalogue key of each name people read (`counter-case-type-in-person`): the console and
/// the counter's letters say them in the reader's words, from the same keys.
macro_rules! label_keys {
    ($($ty:ty => $prefix:literal),+ $(,)?) => {$(
        impl $ty {
            /// The catalogue key of its name: the prefix, then the API's name with `-` for `_`.
            pub fn label_key(self) -> String {
                format!(concat!($prefix, "{}"), self.as_str().replace('_', "-"))
            }
        }
    )+};
}
label_keys!(
    CaseType => "counter-case-type-",
    Ground => "counter-ground-",
    CardPin => "counter-pin-",
    PinOperation => "counter-operation-",
    checklist::ItemKind => "counter-item-",
);

/// Who applies at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    /// The holder, with the card.
    InPerson,
    /// A legal representative of a holder under 15 or of an adult ward.
    LegalRepresentative,
    /// An optional proxy (任意代理人): never served the same day; an inquiry letter goes to the
    /// holder first.
    Proxy,
}
names!(CaseType { InPerson => "in_person", LegalRepresentative => "legal_representative", Proxy => "proxy" });

/// Why a legal representative may act for the holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// The holder is under 15 (from the birth date on file).
    Under15,
    /// The holder is an adult ward (成年被後見人).
    AdultWard,
}
names!(Ground { Under15 => "under_15", AdultWard => "adult_ward" });

/// One of the card's four PINs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardPin {
    /// The signature certificate password (6-16 of A-Z/0-9).
    Sign,
    /// The user-authentication certificate PIN (4 digits).
    Auth,
    /// The resident-registry PIN (4 digits).
    Juki,
    /// The text-input-support PIN (4 digits).
    Text,
}
names!(CardPin { Sign => "sign", Auth => "auth", Juki => "juki", Text => "text" });

impl CardPin {
    /// `sign,auth` as stored; unknown names and repeats refused.
    pub fn parse_list(s: &str) -> Result<Vec<CardPin>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let pin = CardPin::parse(part).ok_or_else(|| format!("{part:?} is not a PIN; use {}", CardPin::names()))?;
            if !out.contains(&pin) {
                out.push(pin);
            }
        }
        out.sort();
        Ok(out)
    }

    /// The stored form of a list: `sign,auth`.
    pub fn join(pins: &[CardPin]) -> String {
        pins.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// What is done to the PINs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinOperation {
    /// The current PIN is known and keyed first.
    Change,
    /// The PIN is locked or forgotten: initialised and set again.
    Reset,
}
names!(PinOperation { Change => "change", Reset => "reset" });

/// Where the PIN step was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinStepPlace {
    /// The national terminal (統合端末) at the counter, the holder keying the PINs on its pad.
    NationalTerminal,
    /// `reissue card change-pin --case`, which reported the outcome itself.
    CardClient,
}
names!(PinStepPlace { NationalTerminal => "national_terminal", CardClient => "card_client" });

/// The outcome of a PIN step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinOutcome {
    Success,
    Failure,
}
names!(PinOutcome { Success => "success", Failure => "failure" });

/// A case's reference, printed on the inquiry letter and the receipt: `C` and six or more
/// digits of the case's number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseRef(i64);

impl CaseRef {
    pub fn of(id: i64) -> Self {
        Self(id)
    }

    /// The case's number in the store.
    pub fn id(&self) -> i64 {
        self.0
    }

    /// `C000042`, or `c000042`, with full-width digits folded.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let rest = s.strip_prefix('C').or_else(|| s.strip_prefix('c')).or_else(|| s.strip_prefix('Ｃ'))?;
        let digits = digits_only(rest)?;
        if digits.is_empty() || digits.len() > 12 {
            return None;
        }
        digits.parse::<i64>().ok().filter(|n| *n > 0).map(Self)
    }
}

impl std::fmt::Display for CaseRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "C{:06}", self.0)
    }
}

/// The digits of an inquiry letter's check code.
pub const CHECK_CODE_DIGITS: usize = 8;

/// The check code printed only on the inquiry letter; the proxy presents it at the second
/// visit. Eight digits, stored only as a MAC.
pub struct CheckCode(SecretString);

impl CheckCode {
    pub fn generate(rng: &dyn Randomness) -> Self {
        let v = uniform_below(rng, 10u64.pow(CHECK_CODE_DIGITS as u32));
        Self(SecretString::from(format!("{v:0width$}", width = CHECK_CODE_DIGITS)))
    }

    /// What staff typed from the letter: full-width digits, spaces and hyphens accepted.
    pub fn parse(s: &str) -> Option<Self> {
        let d = digits_only(s)?;
        (d.len() == CHECK_CODE_DIGITS).then(|| Self(SecretString::from(d)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// As printed: `1234-5678`.
    pub fn grouped(&self) -> String {
        let s = self.expose();
        format!("{}-{}", &s[..4], &s[4..])
    }
}

impl std::fmt::Debug for CheckCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckCode(***)")
    }
}

/// The alphabet of a case token: Crockford's base 32 without I, L, O, U, so that it reads
/// aloud and types without confusion.
const TOKEN_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// A case token's characters (50 bits), shown as two groups of five.
pub const CASE_TOKEN_CHARS: usize = 10;

/// A one-time case token: shown on the console, typed at the counter workstation into
/// `reissue card change-pin --case`. Stored only as a MAC.
pub struct CaseToken(SecretString);

impl CaseToken {
    pub fn generate(rng: &dyn Randomness) -> Self {
        let s: String =
            (0..CASE_TOKEN_CHARS).map(|_| TOKEN_ALPHABET[uniform_below(rng, 32) as usize] as char).collect();
        Self(SecretString::from(s))
    }

    /// What was typed: case and the hyphen ignored, O read as 0 and I/L as 1.
    pub fn parse(s: &str) -> Option<Self> {
        let mut out = String::with_capacity(CASE_TOKEN_CHARS);
        for c in s.trim().chars().filter(|c| *c != '-' && *c != ' ') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !TOKEN_ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return None;
            }
            out.push(c);
        }
        (out.len() == CASE_TOKEN_CHARS).then(|| Self(SecretString::from(out)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// As shown: `K7QM4-XPA2B`.
    pub fn grouped(&self) -> String {
        let s = self.expose();
        format!("{}-{}", &s[..5], &s[5..])
    }
}

impl std::fmt::Debug for CaseToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaseToken(***)")
    }
}

/// The municipal office: printed on the inquiry letter and the receipt, and named by the card
/// client when a holder must come to the counter (the `[counter]` section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CounterOffice {
    /// The office and its division: `〇〇市役所 市民課`.
    pub name: String,
    /// Its address, one line each.
    pub address_lines: Vec<String>,
    /// Its telephone number.
    pub phone: String,
    /// When the counter is open.
    pub hours: String,
}

impl Default for CounterOffice {
    fn default() -> Self {
        Self {
            name: "reissue デモ市役所 市民課".into(),
            address_lines: vec!["〒100-0001".into(), "東京都千代田区千代田1-1".into()],
            phone: "03-0000-0000".into(),
            hours: "平日 8:30〜17:15".into(),
        }
    }
}

/// The figures and the office of counter cases (the `[counter]` section).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterRules {
    pub office: CounterOffice,
    /// How long a case may take from its opening (`lifecycle::counter_case::CASE_LIFETIME`).
    pub case_lifetime: time::Duration,
    /// The office's practice: a proxy brings the holder's new PIN in a sealed request, and
    /// staff record that it arrived sealed.
    pub sealed_pin_request: bool,
    /// The networks of the counter's workstations: a case token is claimed and reported only
    /// from them, so that whoever reads a token off the console across the counter cannot
    /// report a change from a phone. Loopback by default.
    pub workstations: Vec<ipnet::IpNet>,
}

impl CounterRules {
    /// The default workstations: this machine only.
    pub fn loopback() -> Vec<ipnet::IpNet> {
        ["127.0.0.0/8", "::1/128"].iter().filter_map(|n| n.parse().ok()).collect()
    }

    /// Whether a request from `ip` comes from a counter workstation.
    pub fn is_workstation(&self, ip: Option<std::net::IpAddr>) -> bool {
        ip.is_some_and(|ip| {
            let ip = ip.to_canonical();
            self.workstations.iter().any(|n| n.contains(&ip))
        })
    }
}

impl Default for CounterRules {
    fn default() -> Self {
        Self {
            office: CounterOffice::default(),
            case_lifetime: crate::lifecycle::counter_case::CASE_LIFETIME.default,
            sealed_pin_request: true,
            workstations: Self::loopback(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(u8);
    impl Randomness for Fixed {
        fn fill(&self, buf: &mut [u8]) {
            buf.fill(self.0);
        }
    }

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for t in CaseType::ALL {
            assert_eq!(CaseType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(CaseType::parse("friend"), None);
        assert_eq!(CardPin::parse_list("auth, sign,auth").unwrap(), vec![CardPin::Sign, CardPin::Auth]);
        assert!(CardPin::parse_list("auth,pin9").unwrap_err().contains("pin9"));
    }

    #[test]
    fn a_case_reference_prints_and_parses() {
        let r = CaseRef::of(42);
        assert_eq!(r.to_string(), "C000042");
        assert_eq!(CaseRef::parse("c000042"), Some(r.clone()));
        assert_eq!(CaseRef::parse("Ｃ０００４２"), Some(r));
        assert_eq!(CaseRef::parse("C"), None);
        assert_eq!(CaseRef::parse("C0"), None);
        assert_eq!(CaseRef::parse("L000042"), None);
    }

    #[test]
    fn a_check_code_has_eight_digits_and_never_shows_in_debug() {
        let c = CheckCode::generate(&Fixed(7));
        assert_eq!(c.expose().len(), 8);
        assert_eq!(format!("{c:?}"), "CheckCode(***)");
        assert_eq!(CheckCode::parse("1234-5678").unwrap().grouped(), "1234-5678");
        assert!(CheckCode::parse("1234567").is_none());
    }

    #[test]
    fn a_case_token_reads_forgivingly() {
        let t = CaseToken::generate(&Fixed(3));
        assert_eq!(t.expose().len(), 10);
        let typed = t.grouped().to_lowercase();
        assert_eq!(CaseToken::parse(&typed).unwrap().expose(), t.expose());
        assert_eq!(CaseToken::parse("oooooiiiii").unwrap().expose(), "0000011111");
        assert!(CaseToken::parse("ABCDE-FGHJ").is_none());
        assert!(CaseToken::parse("ABCDE-FGHJU").is_none());
        assert_eq!(format!("{t:?}"), "CaseToken(***)");
    }
}
