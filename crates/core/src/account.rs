//! Validated account data: login IDs, names, contact details, and the account itself.
//!
//! Every type here has a private field and a `parse` that returns a typed error, so the rest
//! of the code never sees a raw string where one of these belongs.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::text::{digits_only, nfkc};

/// Why a field could not be parsed. `field` names the input field for API errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into() }
    }
}

/// A customer's login ID: exactly nine digits. Full-width digits are accepted and folded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LoginId(String);

impl LoginId {
    pub const LENGTH: usize = 9;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let folded: String = nfkc(input.trim());
        if folded.len() == Self::LENGTH && folded.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(folded))
        } else {
            Err(FieldError::new("login_id", "must be 9 digits"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LoginId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a calendar date written `YYYY-MM-DD` (full-width digits accepted).
pub fn parse_date(field: &'static str, input: &str) -> Result<Date, FieldError> {
    let folded = nfkc(input.trim());
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(&folded, &format).map_err(|_| FieldError::new(field, "must be a date written YYYY-MM-DD"))
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).unwrap_or_default()
}

/// An e-mail address: one `@`, a non-empty local part, a domain with a dot, no spaces.
/// The domain is stored in lower case; the local part as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = nfkc(input.trim());
        let bad = || FieldError::new("email", "is not an e-mail address");
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        let local_ok = !local.is_empty() && local.len() <= 64 && !local.contains('@');
        if s.len() > 254 || !domain_ok || !local_ok || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares two addresses the way recovery matching does: case-insensitively.
    pub fn matches(&self, other: &Email) -> bool {
        self.0.to_lowercase() == other.0.to_lowercase()
    }
}

/// A phone number in E.164 form (`+` and 8 to 15 digits), as registered on an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse_e164(input: &str) -> Result<Self, FieldError> {
        let s = nfkc(input.trim());
        let bad = || FieldError::new("phone", "must be an E.164 number such as +819012345678");
        let rest = s.strip_prefix('+').ok_or_else(bad)?;
        let digits = digits_only(rest).ok_or_else(bad)?;
        if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(bad());
        }
        Ok(Self(format!("+{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name: family and given name, each non-empty after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    family: String,
    given: String,
}

impl PersonName {
    pub fn new(family: &str, given: &str) -> Result<Self, FieldError> {
        let family = nfkc(family.trim());
        let given = nfkc(given.trim());
        if family.is_empty() || given.is_empty() {
            return Err(FieldError::new("name", "family and given name are both required"));
        }
        if family.chars().chain(given.chars()).any(char::is_control) {
            return Err(FieldError::new("name", "contains control characters"));
        }
        Ok(Self { family, given })
    }

    pub fn family(&self) -> &str {
        &self.family
    }

    pub fn given(&self) -> &str {
        &self.given
    }
}

/// A name in kana, as the help desk searches by it: NFKC (half-width katakana become
/// full-width), hiragana folded to katakana, words separated by one space. Only kana, the
/// long vowel mark, the middle dot and spaces are allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KanaName(String);

impl KanaName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let folded: String = nfkc(input)
            .chars()
            .map(|c| match c {
                // Hiragana ぁ..ゖ and the iteration marks fold onto their katakana.
                '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
                _ => c,
            })
            .collect();
        let words: Vec<&str> = folded.split_whitespace().collect();
        if words.is_empty() {
            return Err(FieldError::new("name_kana", "is empty"));
        }
        let kana = |c: char| matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FE}' | '\u{30FB}');
        if let Some(bad) = words.iter().flat_map(|w| w.chars()).find(|c| !kana(*c)) {
            return Err(FieldError::new("name_kana", format!("{bad:?} is not kana")));
        }
        Ok(Self(words.join(" ")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form searches compare: without spaces.
    pub fn key(&self) -> String {
        self.0.replace(' ', "")
    }
}

/// The language an account is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ja,
    En,
}

impl Language {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        match input {
            "ja" => Ok(Self::Ja),
            "en" => Ok(Self::En),
            _ => Err(FieldError::new("language", "must be \"ja\" or \"en\"")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ja => "ja",
            Self::En => "en",
        }
    }
}

/// Whether an account belongs to a person or to an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    Individual,
    Organization,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Organization => "organization",
        }
    }

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        match input {
            "individual" => Ok(Self::Individual),
            "organization" => Ok(Self::Organization),
            _ => Err(FieldError::new("kind", "must be \"individual\" or \"organization\"")),
        }
    }
}

/// A postal address of record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub postal_code: String,
    pub lines: Vec<String>,
}

/// Whether an account may use recovery procedures at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    Active,
    Suspended,
}

/// When the contact details of an account last changed; drives the eligibility cooldowns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangedAt {
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub email: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub phone: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub name: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub address: Option<OffsetDateTime>,
}

impl ChangedAt {
    /// The times to store when an import replaces the `stored` profile with `imported` at
    /// `now`. A contact detail (e-mail, phone, name, address) that differs counts as changed
    /// at `now`, unless the file gives a later time; one that is the same keeps the later of
    /// the stored and the given time. So a re-import can never make a change look older than
    /// it is, and the cooldown after a contact change applies to changes made by import too.
    pub fn after_update(stored: &Profile, imported: &Profile, now: OffsetDateTime) -> ChangedAt {
        let later = |a: Option<OffsetDateTime>, b: Option<OffsetDateTime>| a.max(b);
        let pick = |differs: bool, stored_at, given_at| {
            if differs { later(Some(now), given_at) } else { later(stored_at, given_at) }
        };
        let (s, i) = (&stored.changed_at, &imported.changed_at);
        ChangedAt {
            email: pick(stored.email != imported.email, s.email, i.email),
            phone: pick(stored.phone != imported.phone, s.phone, i.phone),
            name: pick(stored.name != imported.name, s.name, i.name),
            address: pick(stored.address != imported.address, s.address, i.address),
        }
    }
}

/// An account's profile: everything but its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub login_id: LoginId,
    pub kind: AccountKind,
    pub status: AccountStatus,
    pub organization_name: Option<String>,
    /// The holder's name, or for an organization the person in charge's.
    pub name: PersonName,
    /// The name in kana, when the institution's records have it: the help desk finds
    /// accounts by it.
    pub name_kana: Option<KanaName>,
    pub birth_date: Option<Date>,
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
    pub language: Language,
    pub address: Option<Address>,
    pub changed_at: ChangedAt,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_id_is_nine_digits_and_accepts_full_width() {
        assert_eq!(LoginId::parse("１２３４５６７８９").unwrap().as_str(), "123456789");
        assert!(LoginId::parse("12345678").is_err());
        assert!(LoginId::parse("1234567890").is_err());
        assert!(LoginId::parse("12345678a").is_err());
    }

    #[test]
    fn email_keeps_local_part_and_lowercases_domain() {
        let e = Email::parse(" Taro@Example.JP ").unwrap();
        assert_eq!(e.as_str(), "Taro@example.jp");
        assert!(e.matches(&Email::parse("taro@example.jp").unwrap()));
        for bad in ["", "taro", "taro@", "@example.jp", "taro@example", "ta ro@example.jp", "taro@exa_mple.jp"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phone_must_be_e164() {
        assert_eq!(PhoneNumber::parse_e164("+81 90-1234-5678").unwrap().as_str(), "+819012345678");
        assert!(PhoneNumber::parse_e164("09012345678").is_err());
        assert!(PhoneNumber::parse_e164("+0123456789").is_err());
        assert!(PhoneNumber::parse_e164("+81").is_err());
    }

    #[test]
    fn a_detail_changed_by_import_counts_as_changed_then_unless_the_file_says_later() {
        let at = |y: i32| time::Date::from_calendar_date(y, time::Month::January, 1).unwrap().midnight().assume_utc();
        let stored = Profile {
            login_id: LoginId::parse("123456789").unwrap(),
            kind: AccountKind::Individual,
            status: AccountStatus::Active,
            organization_name: None,
            name: PersonName::new("Koku", "Taro").unwrap(),
            name_kana: None,
            birth_date: None,
            email: Some(Email::parse("taro@example.jp").unwrap()),
            phone: Some(PhoneNumber::parse_e164("+819012345678").unwrap()),
            language: Language::Ja,
            address: None,
            changed_at: ChangedAt { email: Some(at(2021)), phone: Some(at(2020)), name: None, address: None },
        };
        let now = at(2030);
        let mut imported = stored.clone();
        imported.phone = Some(PhoneNumber::parse_e164("+819099998888").unwrap());
        imported.name = PersonName::new("Koku", "Hanako").unwrap();
        imported.changed_at =
            ChangedAt { email: Some(at(2019)), phone: Some(at(2019)), name: Some(at(2031)), address: None };
        let c = ChangedAt::after_update(&stored, &imported, now);
        assert_eq!(c.phone, Some(now), "a new phone with an older time counts as changed now");
        assert_eq!(c.name, Some(at(2031)), "a later time in the file is kept");
        assert_eq!(c.email, Some(at(2021)), "an unchanged e-mail keeps the later of stored and given");
        assert_eq!(c.address, None, "an address absent before and after has no time");
    }

    #[test]
    fn kana_names_fold_to_full_width_katakana() {
        assert_eq!(KanaName::parse("ｺｸ　ﾀﾛｳ").unwrap().as_str(), "コク タロウ");
        assert_eq!(KanaName::parse(" こく  たろう ").unwrap().as_str(), "コク タロウ");
        assert_eq!(KanaName::parse("コク タロウ").unwrap().key(), "コクタロウ");
        assert_eq!(KanaName::parse("スミス・ジョン").unwrap().as_str(), "スミス・ジョン");
        for bad in ["", "  ", "国 太郎", "Koku Taro", "コク1"] {
            assert!(KanaName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_parse_strictly() {
        assert!(parse_date("birth_date", "1980-04-01").is_ok());
        assert!(parse_date("birth_date", "1980-02-30").is_err());
        assert!(parse_date("birth_date", "01/04/1980").is_err());
    }
}
