//! Identity matching for password initialization (P5) and the login-ID reminder (P6): the
//! name, phone and e-mail a person types, folded the way the help pages promise.
//!
//! - Name: given and family name in either order, separated by one or more one-byte or
//!   two-byte spaces; letter case ignored; full-width letters accepted (NFKC). A third part
//!   or a missing part does not match.
//! - Phone: the form's country/region (ISO 3166 alpha-2 such as `JP`, or a calling code such
//!   as `+81`) and the number as typed, parsed with libphonenumber's rules into E.164.
//! - E-mail: the registered address, compared without regard to case.

use phonenumber::Mode;

use crate::account::{FieldError, PersonName, PhoneNumber};
use crate::text::nfkc;

/// Folds a name for comparison: NFKC, lower case, single spaces, trimmed.
pub fn fold_name(input: &str) -> String {
    nfkc(input).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A name as typed on the form: exactly two parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedName {
    first: String,
    second: String,
}

impl TypedName {
    /// Parses what was typed. Empty input is malformed; any other shape is well-formed but
    /// matches only when it has exactly the two registered parts.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let folded = fold_name(input);
        if folded.is_empty() {
            return Err(FieldError::new("name", "is required"));
        }
        if folded.chars().any(char::is_control) {
            return Err(FieldError::new("name", "contains control characters"));
        }
        let mut parts = folded.splitn(2, ' ');
        let first = parts.next().unwrap_or_default().to_owned();
        let second = parts.next().unwrap_or_default().to_owned();
        Ok(Self { first, second })
    }

    /// Whether this is the registered name, in either order.
    pub fn matches(&self, registered: &PersonName) -> bool {
        let family = fold_name(registered.family());
        let given = fold_name(registered.given());
        if self.second.is_empty() || self.second.contains(' ') || family.is_empty() || given.is_empty() {
            return false;
        }
        (self.first == given && self.second == family) || (self.first == family && self.second == given)
    }
}

/// The region a form's country/region value names: `JP`, `jp`, `+81` or `81`.
fn region(country: &str) -> Result<phonenumber::country::Id, FieldError> {
    let bad =
        || FieldError::new("phone_country", "must be a country/region code such as JP or a calling code such as +81");
    let c = nfkc(country.trim());
    let digits = c.strip_prefix('+').unwrap_or(&c);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let code: u16 = digits.parse().map_err(|_| bad())?;
        let regions = phonenumber::metadata::DATABASE.by_code(&code).ok_or_else(bad)?;
        let main = regions.iter().find(|m| m.is_main_country_for_code()).or_else(|| regions.first()).ok_or_else(bad)?;
        return main.id().parse().map_err(|_| bad());
    }
    let upper = c.to_ascii_uppercase();
    if upper.len() != 2 || !upper.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad());
    }
    upper.parse().map_err(|_| bad())
}

/// Parses a phone number typed with the form's country/region into E.164. Hyphens, spaces,
/// parentheses, a national leading 0 and a `+81` prefix are all accepted; the result must be
/// a valid number of that country/region.
pub fn parse_phone(country: &str, number: &str) -> Result<PhoneNumber, FieldError> {
    let id = region(country)?;
    let typed = nfkc(number.trim());
    let bad = || FieldError::new("phone_number", "is not a phone number");
    if typed.is_empty() || typed.len() > 40 || !typed.chars().any(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let parsed = phonenumber::parse(Some(id), &typed).map_err(|_| bad())?;
    let expected = phonenumber::metadata::DATABASE.by_id(id.as_ref()).map(|m| m.country_code());
    if !phonenumber::is_valid(&parsed) || expected != Some(parsed.code().value()) {
        return Err(FieldError::new("phone_number", format!("is not a valid number for {}", id.as_ref())));
    }
    PhoneNumber::parse_e164(&parsed.format().mode(Mode::E164).to_string())
        .map_err(|_| FieldError::new("phone_number", "is not a phone number"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn koku_taro() -> PersonName {
        PersonName::new("Koku", "Taro").unwrap()
    }

    #[test]
    fn names_match_in_either_order_with_any_spaces_case_and_width() {
        for typed in [
            "Taro Koku",
            "Koku Taro",
            "taro KOKU",
            "Taro\u{3000}Koku",
            "  Taro   Koku  ",
            "Ｔａｒｏ　ＫＯＫＵ",
            "KOKU\u{3000}\u{3000}taro",
        ] {
            assert!(TypedName::parse(typed).unwrap().matches(&koku_taro()), "{typed:?}");
        }
    }

    #[test]
    fn a_middle_part_a_missing_part_or_another_name_does_not_match() {
        for typed in ["Taro", "Koku", "Taro M Koku", "Taro Koku Jr", "TaroKoku", "Jiro Koku", "Taro Kokuu"] {
            assert!(!TypedName::parse(typed).unwrap().matches(&koku_taro()), "{typed:?}");
        }
        assert!(TypedName::parse("   ").is_err());
        assert!(TypedName::parse("").is_err());
    }

    #[test]
    fn japanese_names_fold_full_width_and_ideographic_spaces() {
        let registered = PersonName::new("国分", "太郎").unwrap();
        assert!(TypedName::parse("太郎　国分").unwrap().matches(&registered));
        assert!(TypedName::parse("国分 太郎").unwrap().matches(&registered));
        assert!(!TypedName::parse("国分太郎").unwrap().matches(&registered));
    }

    #[test]
    fn phone_numbers_are_read_with_their_country_or_calling_code() {
        let e164 = |c: &str, n: &str| parse_phone(c, n).map(|p| p.as_str().to_owned());
        for (c, n) in [
            ("JP", "090-1234-5678"),
            ("JP", "09012345678"),
            ("jp", "(090) 1234 5678"),
            ("+81", "090-1234-5678"),
            ("81", "9012345678"),
            ("JP", "+81 90 1234 5678"),
            ("JP", "０９０－１２３４－５６７８"),
            ("＋８１", "９０１２３４５６７８"),
        ] {
            assert_eq!(e164(c, n).as_deref(), Ok("+819012345678"), "{c} {n}");
        }
        assert_eq!(e164("US", "(201) 555-0123").as_deref(), Ok("+12015550123"));
    }

    #[test]
    fn malformed_or_foreign_numbers_are_named() {
        assert_eq!(parse_phone("XX", "09012345678").unwrap_err().field, "phone_country");
        assert_eq!(parse_phone("JPN", "09012345678").unwrap_err().field, "phone_country");
        assert_eq!(parse_phone("+999", "09012345678").unwrap_err().field, "phone_country");
        assert_eq!(parse_phone("JP", "call me").unwrap_err().field, "phone_number");
        assert_eq!(parse_phone("JP", "").unwrap_err().field, "phone_number");
        assert_eq!(parse_phone("JP", "0901234").unwrap_err().field, "phone_number");
        assert_eq!(parse_phone("JP", "+1 201 555 0123").unwrap_err().field, "phone_number", "a US number under JP");
    }

    proptest! {
        #[test]
        fn name_folding_never_panics_and_is_idempotent(s in "\\PC*") {
            let once = fold_name(&s);
            prop_assert_eq!(fold_name(&once), once.clone());
            let _ = TypedName::parse(&s).map(|t| t.matches(&koku_taro()));
        }

        #[test]
        fn phone_parsing_never_panics_and_is_idempotent(c in "\\PC{0,4}", n in "\\PC{0,30}") {
            if let Ok(p) = parse_phone(&c, &n) {
                let again = parse_phone(&c, p.as_str()).expect("an E.164 result parses again");
                prop_assert_eq!(again.as_str(), p.as_str());
            }
        }

        #[test]
        fn typed_japanese_mobile_numbers_normalize_alike(sep in "[ \\-\u{3000}]{0,2}", lead in prop::bool::ANY) {
            let n = if lead { format!("090{sep}1234{sep}5678") } else { format!("+81{sep}90{sep}1234{sep}5678") };
            prop_assert_eq!(parse_phone("JP", &n).map(|p| p.as_str().to_owned()), Ok("+819012345678".to_owned()));
        }
    }
}
