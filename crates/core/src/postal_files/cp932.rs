//! Writing CP932 (Windows-31J): what it can hold, and the characters written as the ones it
//! holds.
//!
//! `encoding_rs`'s `SHIFT_JIS` is the WHATWG encoding, which is Windows-31J: JIS X 0208 with
//! the NEC special characters (①, ㈱, №) and the IBM extensions (髙, 﨑, 纊). Its encoder
//! writes an unmappable character as `&#NNNN;` and says so only through `had_errors`; here
//! such a character is found and named instead, so the caller can refuse the text.

use encoding_rs::SHIFT_JIS;

/// Replaces the characters JIS X 0208 and CP932 map differently by the CP932 ones.
pub(crate) fn fold_for_cp932(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{301C}' => '\u{FF5E}', // 〜 WAVE DASH → ～ FULLWIDTH TILDE
            '\u{2016}' => '\u{2225}', // ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO
            '\u{2014}' => '\u{2015}', // — EM DASH → ― HORIZONTAL BAR
            '\u{2212}' => '\u{FF0D}', // − MINUS SIGN → － FULLWIDTH HYPHEN-MINUS
            '\u{00A2}' => '\u{FFE0}', // ¢ → ￠
            '\u{00A3}' => '\u{FFE1}', // £ → ￡
            '\u{00AC}' => '\u{FFE2}', // ¬ → ￢
            other => other,
        })
        .collect()
}

/// The characters of `text` CP932 cannot hold, each once, in order.
pub(crate) fn unencodable(text: &str) -> Vec<char> {
    let (_, _, had_errors) = SHIFT_JIS.encode(text);
    if !had_errors {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if !found.contains(&c) && SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2 {
            found.push(c);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> Option<String> {
        let (bytes, _, had_errors) = SHIFT_JIS.encode(text);
        (!had_errors).then(|| SHIFT_JIS.decode(&bytes).0.into_owned())
    }

    #[test]
    fn what_cp932_holds_and_what_it_does_not() {
        // NEC special characters, an IBM extension kanji, the full-width space: held as they are.
        for held in ["①", "㈱", "№", "髙", "﨑", "\u{3000}", "～", "ｱｲｳ"] {
            assert_eq!(round_trip(held).as_deref(), Some(held), "{held}");
            assert!(unencodable(held).is_empty(), "{held}");
        }
        // Outside JIS and its extensions: found, once each, in order.
        assert_eq!(unencodable("𠮷田 𠮷野 €"), ['𠮷', '€']);
        assert_eq!(round_trip("𠮷"), None);
        // The encoder's own substitute would have reached the envelope.
        assert_eq!(SHIFT_JIS.encode("𠮷").0.as_ref(), b"&#134071;");
    }

    #[test]
    fn the_wave_dash_and_its_kin_are_written_as_the_cp932_characters() {
        // CP932 has only ～ (U+FF5E) at 81 60; 〜 (U+301C) is the JIS mapping of the same cell.
        assert_eq!(unencodable("〜"), ['〜']);
        assert_eq!(fold_for_cp932("1〜3‖—−¢£¬"), "1～3∥―－￠￡￢");
        assert!(unencodable(&fold_for_cp932("1〜3‖—−¢£¬")).is_empty());
        assert_eq!(SHIFT_JIS.encode(&fold_for_cp932("〜")).0.as_ref(), [0x81, 0x60]);
    }
}
