//! Secrets as types: reset codes, new passwords and PINs, bearer tokens, and the source of
//! randomness they are made from.
//!
//! A secret lives in a `SecretString` from the moment it is parsed, so it is zeroized on drop
//! and never shows in `Debug` output.

use secrecy::{ExposeSecret, SecretString};

use crate::text::digits_only;

/// Where random bytes come from. Production passes the operating system's CSPRNG; tests pass
/// a seeded generator so that their codes are predictable.
pub trait Randomness: Send + Sync {
    fn fill(&self, buf: &mut [u8]);
}

/// Draws a uniform integer in `0..bound` by rejection sampling over 64-bit words.
pub fn uniform_below(rng: &dyn Randomness, bound: u64) -> u64 {
    assert!(bound > 0, "bound must be positive");
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let mut b = [0u8; 8];
        rng.fill(&mut b);
        let v = u64::from_le_bytes(b);
        if v < zone {
            return v % bound;
        }
    }
}

/// A reset code: a fixed number of decimal digits (10 by default).
pub struct ResetCode(SecretString);

impl ResetCode {
    /// Draws a fresh code of `digits` digits (6..=18) from `rng`.
    pub fn generate(rng: &dyn Randomness, digits: u32) -> Self {
        let digits = digits.clamp(6, 18);
        let value = uniform_below(rng, 10u64.pow(digits));
        Self(SecretString::from(format!("{value:0width$}", width = digits as usize)))
    }

    /// Parses what a person typed: full-width digits, spaces and hyphens are accepted.
    /// Returns `None` for anything that cannot be a code of `digits` digits.
    pub fn parse(input: &str, digits: u32) -> Option<Self> {
        let folded = digits_only(input)?;
        (folded.len() == digits as usize).then(|| Self(SecretString::from(folded)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for ResetCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetCode(***)")
    }
}

/// A random opaque token (reset sessions, API tokens): 32 random bytes, base64url, with a
/// readable prefix that says what it is for.
pub fn random_token(rng: &dyn Randomness, prefix: &str) -> SecretString {
    use base64::Engine;
    let mut b = [0u8; 32];
    rng.fill(&mut b);
    SecretString::from(format!("{prefix}_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)))
}

/// A random temporary password from an alphabet without look-alike characters
/// (no 0/O/o, 1/l/I, 5/S, 2/Z, 8/B).
pub fn random_password(rng: &dyn Randomness, length: usize) -> SecretString {
    SecretString::from(random_chars(rng, length))
}

/// The alphabet of generated passwords: no look-alike characters.
const ALPHABET: &[u8] = b"ACDEFGHJKLMNPQRTUVWXYabcdefghijkmnpqrstuvwxyz34679";

fn random_chars(rng: &dyn Randomness, length: usize) -> String {
    (0..length).map(|_| ALPHABET[uniform_below(rng, ALPHABET.len() as u64) as usize] as char).collect()
}

/// A random password in `groups` groups of `size` characters joined by `-` (a staff member's
/// initial password: easier to read out and type than one long run), from the same alphabet
/// as `random_password`.
pub fn random_grouped_password(rng: &dyn Randomness, groups: usize, size: usize) -> SecretString {
    let parts: Vec<String> = (0..groups).map(|_| random_chars(rng, size)).collect();
    SecretString::from(parts.join("-"))
}

/// Test helpers, for this crate's tests and (with the `testkit` feature) other crates'.
#[cfg(any(test, feature = "testkit"))]
pub mod testing {
    use std::sync::Mutex;

    use super::Randomness;

    /// A deterministic generator for tests (xorshift64*); never use it for real secrets.
    #[derive(Debug)]
    pub struct SeededRandomness(Mutex<u64>);

    impl SeededRandomness {
        pub fn new(seed: u64) -> Self {
            Self(Mutex::new(seed.max(1)))
        }
    }

    impl Randomness for SeededRandomness {
        fn fill(&self, buf: &mut [u8]) {
            let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
            for chunk in buf.chunks_mut(8) {
                *s ^= *s >> 12;
                *s ^= *s << 25;
                *s ^= *s >> 27;
                let v = s.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
                chunk.copy_from_slice(&v[..chunk.len()]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::SeededRandomness;
    use super::*;

    #[test]
    fn generated_codes_have_exactly_ten_digits_including_leading_zeros() {
        let rng = SeededRandomness::new(7);
        let mut leading_zero = false;
        for _ in 0..2000 {
            let c = ResetCode::generate(&rng, 10);
            assert_eq!(c.expose().len(), 10);
            assert!(c.expose().bytes().all(|b| b.is_ascii_digit()));
            leading_zero |= c.expose().starts_with('0');
        }
        assert!(leading_zero, "a uniform draw yields leading zeros about 10% of the time");
    }

    #[test]
    fn codes_are_uniform_per_digit_position() {
        let rng = SeededRandomness::new(42);
        let mut counts = [[0u32; 10]; 10];
        let n = 10_000;
        for _ in 0..n {
            let c = ResetCode::generate(&rng, 10);
            for (pos, b) in c.expose().bytes().enumerate() {
                counts[pos][(b - b'0') as usize] += 1;
            }
        }
        // Chi-square with 9 degrees of freedom; 27.88 is the 0.999 quantile.
        for row in counts {
            let expected = f64::from(n) / 10.0;
            let chi: f64 = row.iter().map(|&o| (f64::from(o) - expected).powi(2) / expected).sum();
            assert!(chi < 27.88, "chi-square {chi}");
        }
    }

    #[test]
    fn typed_codes_accept_full_width_spaces_and_hyphens() {
        assert_eq!(ResetCode::parse("１２３４ ５６７-８９０", 10).unwrap().expose(), "1234567890");
        assert!(ResetCode::parse("123456789", 10).is_none());
        assert!(ResetCode::parse("12345678901", 10).is_none());
        assert!(ResetCode::parse("12345x7890", 10).is_none());
    }

    #[test]
    fn code_debug_output_hides_the_digits() {
        let c = ResetCode::parse("1234567890", 10).unwrap();
        assert!(!format!("{c:?}").contains("1234"));
    }

    #[test]
    fn grouped_passwords_have_their_groups_and_avoid_look_alikes() {
        let rng = SeededRandomness::new(4);
        let p = random_grouped_password(&rng, 4, 5);
        let groups: Vec<&str> = p.expose_secret().split('-').collect();
        assert_eq!(groups.len(), 4);
        assert!(groups.iter().all(|g| g.len() == 5 && g.bytes().all(|b| ALPHABET.contains(&b))), "{groups:?}");
        assert_ne!(p.expose_secret(), random_grouped_password(&rng, 4, 5).expose_secret());
    }

    #[test]
    fn temporary_passwords_avoid_look_alikes() {
        let rng = SeededRandomness::new(3);
        let p = random_password(&rng, 500);
        assert!(!p.expose_secret().contains(['0', 'O', 'o', '1', 'l', 'I', '5', 'S', '2', 'Z', '8', 'B']));
    }
}
