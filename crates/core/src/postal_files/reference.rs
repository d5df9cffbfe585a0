//! The letter's reference: the one identifier reissue and the print-and-mail vendor share.

use serde::{Deserialize, Serialize};

/// Why a text is not a letter reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("a letter reference is required")]
    Empty,
    #[error("a letter reference starts with \"L\" (found {found:?})")]
    Prefix { found: String },
    #[error("a letter reference is \"L\" and 8 to 12 digits ({found} digits given)")]
    Length { found: usize },
    #[error("a letter reference has only digits after \"L\" (found {found:?})")]
    Character { found: char },
    #[error("letter number {id} cannot be written as a reference (1 to 999999999999)")]
    OutOfRange { id: i64 },
}

/// A letter's reference as printed on the letter and written in every vendor file:
/// `L` followed by 8 to 12 digits, e.g. `L00000123`. It is the letter's number in the store,
/// zero-padded to 8 digits ([`LetterRef::from_id`]), so it is unique and stable: exporting a
/// batch again, or importing the same result file twice, names the same letters.
///
/// Parsing accepts what a spreadsheet may have done to it (full-width characters, a lower-case
/// `l`, spaces around it, more leading zeros) and stores the form `from_id` writes, so equal
/// references are equal letter numbers. `L00000000` is refused: the store numbers from 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LetterRef(String);

impl LetterRef {
    pub const MIN_DIGITS: usize = 8;
    pub const MAX_DIGITS: usize = 12;
    const MAX_ID: i64 = 999_999_999_999;

    /// The reference of the store's letter number `id` (1 to 999999999999).
    pub fn from_id(id: i64) -> Result<Self, ReferenceError> {
        if !(1..=Self::MAX_ID).contains(&id) {
            return Err(ReferenceError::OutOfRange { id });
        }
        Ok(Self(format!("L{id:08}")))
    }

    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let folded = crate::text::nfkc(input.trim());
        if folded.is_empty() {
            return Err(ReferenceError::Empty);
        }
        let Some(digits) = folded.strip_prefix(['L', 'l']) else {
            return Err(ReferenceError::Prefix { found: folded.chars().take(16).collect() });
        };
        if let Some(found) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(ReferenceError::Character { found });
        }
        if !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&digits.len()) {
            return Err(ReferenceError::Length { found: digits.len() });
        }
        // At most 12 digits: always fits. Written back the way `from_id` writes it, so two
        // spellings of one number (`L000000000123`, `L00000123`) are one reference.
        Self::from_id(digits.parse().unwrap_or(0))
    }

    /// The store's letter number this reference stands for.
    pub fn id(&self) -> i64 {
        self.0[1..].parse().unwrap_or(0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LetterRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for LetterRef {
    type Err = ReferenceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for LetterRef {
    type Error = ReferenceError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<LetterRef> for String {
    fn from(r: LetterRef) -> String {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_letter_number_is_written_zero_padded_to_eight_digits() {
        assert_eq!(LetterRef::from_id(123).unwrap().as_str(), "L00000123");
        assert_eq!(LetterRef::from_id(123_456_789).unwrap().as_str(), "L123456789");
        assert_eq!(LetterRef::from_id(999_999_999_999).unwrap().as_str(), "L999999999999");
        assert_eq!(LetterRef::from_id(0), Err(ReferenceError::OutOfRange { id: 0 }));
        assert_eq!(LetterRef::from_id(-5), Err(ReferenceError::OutOfRange { id: -5 }));
        assert_eq!(LetterRef::from_id(1_000_000_000_000), Err(ReferenceError::OutOfRange { id: 1_000_000_000_000 }));
    }

    #[test]
    fn what_a_spreadsheet_did_to_a_reference_is_undone() {
        assert_eq!(LetterRef::parse(" L00000123 ").unwrap().as_str(), "L00000123");
        assert_eq!(LetterRef::parse("Ｌ００００１２３４").unwrap().as_str(), "L00001234");
        assert_eq!(LetterRef::parse("l00000123").unwrap().as_str(), "L00000123");
        assert_eq!(LetterRef::parse("L000000000123").unwrap(), LetterRef::parse("L00000123").unwrap());
        assert_eq!(LetterRef::parse("L00000000"), Err(ReferenceError::OutOfRange { id: 0 }));
    }

    #[test]
    fn a_reference_that_is_not_l_and_8_to_12_digits_is_refused_saying_why() {
        assert_eq!(LetterRef::parse(""), Err(ReferenceError::Empty));
        assert_eq!(LetterRef::parse("00000123"), Err(ReferenceError::Prefix { found: "00000123".into() }));
        assert_eq!(LetterRef::parse("L0000123"), Err(ReferenceError::Length { found: 7 }));
        assert_eq!(LetterRef::parse("L0000000001234"), Err(ReferenceError::Length { found: 13 }));
        assert_eq!(LetterRef::parse("L0000-0123"), Err(ReferenceError::Character { found: '-' }));
        // A number that lost its leading zeros in a spreadsheet is not quietly padded back.
        assert_eq!(LetterRef::parse("L123"), Err(ReferenceError::Length { found: 3 }));
    }

    #[test]
    fn a_reference_travels_in_json_as_its_text_and_is_checked_on_the_way_in() {
        let r = LetterRef::from_id(42).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"L00000042\"");
        assert_eq!(serde_json::from_str::<LetterRef>("\"L00000042\"").unwrap(), r);
        assert!(serde_json::from_str::<LetterRef>("\"X00000042\"").is_err());
    }

    proptest! {
        #[test]
        fn every_letter_number_comes_back_from_its_reference(id in 1i64..=999_999_999_999) {
            let r = LetterRef::from_id(id).unwrap();
            prop_assert_eq!(LetterRef::parse(r.as_str()).unwrap().id(), id);
        }
    }
}
