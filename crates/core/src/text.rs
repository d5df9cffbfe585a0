//! Text folding shared by the parsers: what a person may type around digits and names.
//!
//! Forms in Japan receive full-width digits (`１２３`), ideographic spaces (U+3000) and a
//! zoo of dash-like characters. The parsers fold these with Unicode NFKC first, then remove
//! separators, so that every rule downstream sees ASCII.

use unicode_normalization::UnicodeNormalization;

/// NFKC-normalizes `input`.
pub fn nfkc(input: &str) -> String {
    input.nfkc().collect()
}

/// Is `c` a separator that people type inside codes and numbers (spaces, hyphens, dashes)?
pub fn is_digit_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}' | '\u{FE58}' | '\u{FE63}')
}

/// Folds full-width digits to ASCII and drops separators. Returns `None` when anything other
/// than digits remains.
pub fn digits_only(input: &str) -> Option<String> {
    let folded: String = nfkc(input).chars().filter(|c| !is_digit_separator(*c)).collect();
    if !folded.is_empty() && folded.bytes().all(|b| b.is_ascii_digit()) { Some(folded) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_spaces_and_hyphens_fold_to_ascii_digits() {
        assert_eq!(digits_only("１２３４ ５６７８－９０").as_deref(), Some("1234567890"));
        assert_eq!(digits_only("123-456\u{3000}7890").as_deref(), Some("1234567890"));
        assert_eq!(digits_only(" 12\u{2212}34 ").as_deref(), Some("1234"));
    }

    #[test]
    fn letters_or_nothing_are_not_digits() {
        assert_eq!(digits_only("12a4"), None);
        assert_eq!(digits_only(" - "), None);
        assert_eq!(digits_only(""), None);
    }
}
