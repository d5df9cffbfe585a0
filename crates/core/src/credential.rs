//! The credential set an institution declares, and the policies new secrets must meet.
//!
//! Passwords follow NIST SP 800-63B: a length range, no composition rules, a blocklist of
//! common passwords and context words, no truncation, NFC normalization. PINs are fixed-length
//! digit strings that may not be a repeated digit, a run, or the holder's birth date.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use time::Date;
use unicode_normalization::UnicodeNormalization;

/// Whether a credential is a password or a PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKind {
    Password,
    Pin,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Pin => "pin",
        }
    }
}

/// One credential an account may hold, as the institution declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSpec {
    pub name: String,
    pub kind: CredentialKind,
    pub min_length: usize,
    pub max_length: usize,
    /// Consecutive failures after which the credential locks (at most 100, per NIST).
    pub max_failures: u32,
    /// Whether the reset page may set it. A cash-card PIN is checked by the voice call and
    /// reset only at a branch.
    pub resettable_online: bool,
    pub label_ja: String,
    pub label_en: String,
}

/// The whole credential set, looked up by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSet(Vec<CredentialSpec>);

/// Why the declared credential set is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialSetError {
    #[error("credential {0:?} is declared twice")]
    Duplicate(String),
    #[error("credential {name:?}: {reason}")]
    Invalid { name: String, reason: String },
}

impl CredentialSet {
    pub fn new(specs: Vec<CredentialSpec>) -> Result<Self, CredentialSetError> {
        let mut seen = std::collections::HashSet::new();
        for s in &specs {
            if !seen.insert(s.name.clone()) {
                return Err(CredentialSetError::Duplicate(s.name.clone()));
            }
            let invalid = |reason: &str| CredentialSetError::Invalid { name: s.name.clone(), reason: reason.into() };
            if s.name.is_empty() || !s.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                return Err(invalid("name must be lower-case letters, digits and underscores"));
            }
            if s.min_length == 0 || s.min_length > s.max_length {
                return Err(invalid("min_length must be at least 1 and at most max_length"));
            }
            if !(1..=100).contains(&s.max_failures) {
                return Err(invalid("max_failures must be between 1 and 100"));
            }
        }
        Ok(Self(specs))
    }

    /// The default set: two passwords and two 4-digit PINs, as a Japanese bank uses them.
    pub fn bank_default() -> Self {
        let pw = |name: &str, ja: &str, en: &str| CredentialSpec {
            name: name.into(),
            kind: CredentialKind::Password,
            min_length: 8,
            max_length: 128,
            max_failures: 10,
            resettable_online: true,
            label_ja: ja.into(),
            label_en: en.into(),
        };
        let pin = |name: &str, ja: &str, en: &str, online: bool| CredentialSpec {
            name: name.into(),
            kind: CredentialKind::Pin,
            min_length: 4,
            max_length: 4,
            max_failures: 5,
            resettable_online: online,
            label_ja: ja.into(),
            label_en: en.into(),
        };
        Self(vec![
            pw("login_password", "ログインパスワード", "Login password"),
            pw("transaction_password", "取引パスワード", "Transaction password"),
            pin("telephone_pin", "テレホン暗証番号", "Telephone PIN", true),
            pin("cash_card_pin", "キャッシュカード暗証番号", "Cash card PIN", false),
        ])
    }

    pub fn get(&self, name: &str) -> Option<&CredentialSpec> {
        self.0.iter().find(|s| s.name == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &CredentialSpec> {
        self.0.iter()
    }
}

/// Why a new secret was refused. The text is shown to the person setting it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyViolation {
    TooShort { min: usize },
    TooLong { max: usize },
    NotDigits,
    ControlCharacters,
    Common,
    ContainsContext,
    RepeatedDigits,
    SequentialDigits,
    BirthDate,
}

impl PolicyViolation {
    pub fn message(&self) -> String {
        match self {
            Self::TooShort { min } => format!("must be at least {min} characters"),
            Self::TooLong { max } => format!("must be at most {max} characters"),
            Self::NotDigits => "must contain digits only".into(),
            Self::ControlCharacters => "must not contain control characters".into(),
            Self::Common => "is too common; choose something harder to guess".into(),
            Self::ContainsContext => "must not be your login ID or the service name".into(),
            Self::RepeatedDigits => "must not repeat one digit".into(),
            Self::SequentialDigits => "must not be a run of consecutive digits".into(),
            Self::BirthDate => "must not be your date of birth".into(),
        }
    }
}

/// What a policy check knows about the holder, to refuse secrets derived from it.
#[derive(Debug, Clone, Copy, Default)]
pub struct HolderContext<'a> {
    pub login_id: Option<&'a str>,
    pub birth_date: Option<Date>,
}

static COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// Normalizes a password for hashing and comparison (NIST: NFC, every code point counts).
pub fn normalize_password(secret: &str) -> SecretString {
    SecretString::from(secret.nfc().collect::<String>())
}

impl CredentialSpec {
    /// Checks a candidate new secret. Returns the normalized secret to hash, or the reason.
    pub fn check(&self, candidate: &SecretString, holder: HolderContext<'_>) -> Result<SecretString, PolicyViolation> {
        match self.kind {
            CredentialKind::Password => self.check_password(candidate, holder),
            CredentialKind::Pin => self.check_pin(candidate, holder),
        }
    }

    fn check_password(
        &self,
        candidate: &SecretString,
        holder: HolderContext<'_>,
    ) -> Result<SecretString, PolicyViolation> {
        let normalized = normalize_password(candidate.expose_secret());
        let s = normalized.expose_secret();
        let len = s.chars().count();
        if len < self.min_length {
            return Err(PolicyViolation::TooShort { min: self.min_length });
        }
        if len > self.max_length {
            return Err(PolicyViolation::TooLong { max: self.max_length });
        }
        if s.chars().any(char::is_control) {
            return Err(PolicyViolation::ControlCharacters);
        }
        let lower = s.to_lowercase();
        if COMMON_PASSWORDS.lines().any(|w| w == lower) {
            return Err(PolicyViolation::Common);
        }
        if lower == "reissue" || holder.login_id.is_some_and(|id| lower == id) {
            return Err(PolicyViolation::ContainsContext);
        }
        Ok(normalized)
    }

    fn check_pin(&self, candidate: &SecretString, holder: HolderContext<'_>) -> Result<SecretString, PolicyViolation> {
        let s = candidate.expose_secret();
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PolicyViolation::NotDigits);
        }
        if s.len() < self.min_length {
            return Err(PolicyViolation::TooShort { min: self.min_length });
        }
        if s.len() > self.max_length {
            return Err(PolicyViolation::TooLong { max: self.max_length });
        }
        let d: Vec<i8> = s.bytes().map(|b| (b - b'0') as i8).collect();
        if d.windows(2).all(|w| w[0] == w[1]) {
            return Err(PolicyViolation::RepeatedDigits);
        }
        let step_up = d.windows(2).all(|w| (w[1] - w[0]).rem_euclid(10) == 1);
        let step_down = d.windows(2).all(|w| (w[0] - w[1]).rem_euclid(10) == 1);
        if step_up || step_down {
            return Err(PolicyViolation::SequentialDigits);
        }
        if let Some(b) = holder.birth_date {
            let (y, m, dd) = (b.year(), u8::from(b.month()), b.day());
            let forms = [
                format!("{y:04}"),
                format!("{m:02}{dd:02}"),
                format!("{dd:02}{m:02}"),
                format!("{:02}{m:02}{dd:02}", y.rem_euclid(100)),
                format!("{y:04}{m:02}{dd:02}"),
            ];
            if forms.iter().any(|f| f == s) {
                return Err(PolicyViolation::BirthDate);
            }
        }
        Ok(SecretString::from(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> CredentialSet {
        CredentialSet::bank_default()
    }

    fn check(name: &str, secret: &str, holder: HolderContext<'_>) -> Result<(), PolicyViolation> {
        set().get(name).unwrap().check(&SecretString::from(secret.to_owned()), holder).map(|_| ())
    }

    #[test]
    fn pins_refuse_repeats_runs_and_the_birth_date() {
        let holder = HolderContext { login_id: None, birth_date: Some(time::macros::date!(1980 - 04 - 01)) };
        assert_eq!(check("telephone_pin", "1111", holder), Err(PolicyViolation::RepeatedDigits));
        assert_eq!(check("telephone_pin", "1234", holder), Err(PolicyViolation::SequentialDigits));
        assert_eq!(check("telephone_pin", "9876", holder), Err(PolicyViolation::SequentialDigits));
        assert_eq!(check("telephone_pin", "8901", holder), Err(PolicyViolation::SequentialDigits));
        assert_eq!(check("telephone_pin", "0401", holder), Err(PolicyViolation::BirthDate));
        assert_eq!(check("telephone_pin", "1980", holder), Err(PolicyViolation::BirthDate));
        assert_eq!(check("telephone_pin", "0104", holder), Err(PolicyViolation::BirthDate));
        assert_eq!(check("telephone_pin", "12a4", holder), Err(PolicyViolation::NotDigits));
        assert_eq!(check("telephone_pin", "123", holder), Err(PolicyViolation::TooShort { min: 4 }));
        assert_eq!(check("telephone_pin", "59173", holder), Err(PolicyViolation::TooLong { max: 4 }));
        assert_eq!(check("telephone_pin", "5917", holder), Ok(()));
    }

    #[test]
    fn passwords_have_length_limits_and_a_blocklist_but_no_composition_rules() {
        let holder = HolderContext { login_id: Some("123456789"), birth_date: None };
        assert_eq!(check("login_password", "short", holder), Err(PolicyViolation::TooShort { min: 8 }));
        assert_eq!(check("login_password", "Password1", holder), Err(PolicyViolation::Common));
        assert_eq!(check("login_password", "123456789", holder), Err(PolicyViolation::Common));
        assert_eq!(check("login_password", "reissue", holder), Err(PolicyViolation::TooShort { min: 8 }));
        assert_eq!(check("login_password", &"x".repeat(129), holder), Err(PolicyViolation::TooLong { max: 128 }));
        assert_eq!(check("login_password", "all lower case words", holder), Ok(()));
        assert_eq!(check("login_password", "containspassword", holder), Ok(()), "substrings are allowed");
    }

    #[test]
    fn passwords_count_code_points_after_nfc() {
        // "é" decomposed is two code points; after NFC it is one, so 7 letters + é = 8.
        let decomposed = "abcdefge\u{301}";
        assert_eq!(check("login_password", decomposed, HolderContext::default()), Ok(()));
        let composed = set()
            .get("login_password")
            .unwrap()
            .check(&SecretString::from(decomposed.to_owned()), HolderContext::default())
            .unwrap();
        assert_eq!(composed.expose_secret(), "abcdefg\u{e9}");
    }

    #[test]
    fn a_credential_set_refuses_duplicates_and_bad_limits() {
        let mut specs: Vec<CredentialSpec> = set().iter().cloned().collect();
        specs.push(specs[0].clone());
        assert!(matches!(CredentialSet::new(specs), Err(CredentialSetError::Duplicate(_))));
        let mut spec = set().get("login_password").unwrap().clone();
        spec.max_failures = 101;
        assert!(CredentialSet::new(vec![spec]).is_err());
    }
}
