//! Japan Post item numbers (引受番号) of registered mail, as the vendor reports them.
//!
//! A 簡易書留 item number is 11 digits, printed `NNN-NN-NNNNN-N` (`131-12-38385-2`). Its last
//! digit is a check digit: the first ten digits, read as one number, modulo 7
//! (`1311238385 mod 7 = 2`). Japan Post does not publish this rule; it is observed on published
//! numbers, so it can be switched off ([`CheckDigitRule::None`]) should a vendor's numbers
//! ever disagree. The first digit says the kind of item; nothing here relies on it.

use serde::{Deserialize, Serialize};

use crate::text::{is_digit_separator, nfkc};

/// How the last digit of an item number is checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckDigitRule {
    /// The last digit is the first ten digits as a number, modulo 7 (the observed rule).
    #[default]
    Mod7,
    /// Only length and characters are checked.
    None,
}

/// Why a text is not an item number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackingError {
    #[error("a tracking number is required")]
    Empty,
    #[error("a tracking number has only digits and hyphens (found {found:?})")]
    Character { found: char },
    #[error("a tracking number has 11 digits ({found} given)")]
    Length { found: usize },
    #[error("the check digit is wrong: the last digit should be {expected}, the number has {given}")]
    CheckDigit { expected: u8, given: u8 },
}

/// A registered-mail item number: 11 ASCII digits. Shown as printed, `NNN-NN-NNNNN-N`.
///
/// Serialized as the 11 digits. Deserializing (reading back what was stored) checks length and
/// characters only; a number from the vendor goes through [`TrackingNumber::parse`] with the
/// configured rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNumber(String);

impl TrackingNumber {
    pub const DIGITS: usize = 11;

    /// Reads an item number as printed or typed: hyphens (and spaces, dashes) anywhere,
    /// full-width digits folded (NFKC). The check digit is checked by `rule`.
    pub fn parse(input: &str, rule: CheckDigitRule) -> Result<Self, TrackingError> {
        let mut digits = String::with_capacity(Self::DIGITS);
        for c in nfkc(input).chars() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if !is_digit_separator(c) {
                return Err(TrackingError::Character { found: c });
            }
        }
        if digits.is_empty() {
            return Err(TrackingError::Empty);
        }
        if digits.len() != Self::DIGITS {
            return Err(TrackingError::Length { found: digits.len() });
        }
        if rule == CheckDigitRule::Mod7 {
            let expected = mod7_check_digit(&digits[..10]);
            let given = digits.as_bytes()[10] - b'0';
            if expected != given {
                return Err(TrackingError::CheckDigit { expected, given });
            }
        }
        Ok(Self(digits))
    }

    /// The 11 digits, without hyphens.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

/// The check digit of ten digits: their number modulo 7.
fn mod7_check_digit(first_ten: &str) -> u8 {
    // Ten digits fit a u64; the remainder of 7 fits a u8.
    (first_ten.parse::<u64>().unwrap_or(0) % 7) as u8
}

impl std::fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = &self.0;
        write!(f, "{}-{}-{}-{}", &d[..3], &d[3..5], &d[5..10], &d[10..])
    }
}

impl TryFrom<String> for TrackingNumber {
    type Error = TrackingError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s, CheckDigitRule::None)
    }
}

impl From<TrackingNumber> for String {
    fn from(t: TrackingNumber) -> String {
        t.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_published_example_is_read_as_printed_and_shown_the_same_way() {
        let t = TrackingNumber::parse("131-12-38385-2", CheckDigitRule::Mod7).unwrap();
        assert_eq!(t.digits(), "13112383852");
        assert_eq!(t.to_string(), "131-12-38385-2");
    }

    #[test]
    fn hyphens_anywhere_spaces_and_full_width_digits_are_accepted() {
        for printed in
            ["13112383852", "1311-2383-852", "１３１－１２－３８３８５－２", " 131 12 38385 2 ", "131ー12ー38385ー2"]
        {
            assert_eq!(
                TrackingNumber::parse(printed, CheckDigitRule::Mod7).unwrap().digits(),
                "13112383852",
                "{printed}"
            );
        }
    }

    #[test]
    fn a_wrong_check_digit_says_what_it_should_be() {
        assert_eq!(
            TrackingNumber::parse("131-12-38385-5", CheckDigitRule::Mod7),
            Err(TrackingError::CheckDigit { expected: 2, given: 5 })
        );
        // Switched off, only the form is checked.
        assert_eq!(TrackingNumber::parse("131-12-38385-5", CheckDigitRule::None).unwrap().digits(), "13112383855");
    }

    #[test]
    fn length_and_characters_are_named() {
        assert_eq!(
            TrackingNumber::parse("131-12-38385", CheckDigitRule::Mod7),
            Err(TrackingError::Length { found: 10 })
        );
        // A 12-digit parcel number (ゆうパック) is not a registered-mail item number.
        assert_eq!(
            TrackingNumber::parse("1234-5678-9012", CheckDigitRule::None),
            Err(TrackingError::Length { found: 12 })
        );
        assert_eq!(
            TrackingNumber::parse("131-12-3838S-2", CheckDigitRule::Mod7),
            Err(TrackingError::Character { found: 'S' })
        );
        assert_eq!(TrackingNumber::parse(" - ", CheckDigitRule::Mod7), Err(TrackingError::Empty));
        assert!(TrackingError::CheckDigit { expected: 2, given: 5 }.to_string().contains("should be 2"));
    }

    #[test]
    fn the_rule_is_configured_by_name_and_defaults_to_mod7() {
        assert_eq!(CheckDigitRule::default(), CheckDigitRule::Mod7);
        assert_eq!(serde_json::from_str::<CheckDigitRule>("\"none\"").unwrap(), CheckDigitRule::None);
        assert_eq!(serde_json::from_str::<CheckDigitRule>("\"mod7\"").unwrap(), CheckDigitRule::Mod7);
    }

    #[test]
    fn stored_as_the_digits() {
        let t = TrackingNumber::parse("131-12-38385-2", CheckDigitRule::Mod7).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"13112383852\"");
        assert_eq!(serde_json::from_str::<TrackingNumber>("\"13112383852\"").unwrap(), t);
    }

    proptest! {
        #[test]
        fn a_valid_number_is_accepted_and_every_other_last_digit_refused(first_ten in 0u64..10_000_000_000, wrong in 1u8..10) {
            let head = format!("{first_ten:010}");
            let check = (first_ten % 7) as u8;
            let valid = format!("{head}{check}");
            let parsed = TrackingNumber::parse(&valid, CheckDigitRule::Mod7).unwrap();
            prop_assert_eq!(TrackingNumber::parse(&parsed.to_string(), CheckDigitRule::Mod7).unwrap(), parsed);
            let other = (check + wrong) % 10;
            let invalid = format!("{head}{other}");
            prop_assert_eq!(
                TrackingNumber::parse(&invalid, CheckDigitRule::Mod7),
                Err(TrackingError::CheckDigit { expected: check, given: other })
            );
        }
    }
}
