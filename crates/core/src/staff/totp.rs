//! The staff members' second factor: TOTP as RFC 6238 defines it — HMAC-SHA1, 6 digits, a
//! step of 30 seconds, one step of clock skew either way — computed by the `totp-rs` crate.
//!
//! A secret is 20 random bytes (160 bits, RFC 4226's recommendation), kept only sealed because
//! it must be read back to check a code. A code is accepted only for a time step later than
//! the last one accepted for the member: the caller passes that step, and the store writes the
//! new one in a conditional update, so a code works once on any number of instances.

use secrecy::SecretString;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::StaffLogin;
use crate::secret::Randomness;

/// Digits of a code.
pub const DIGITS: u8 = 6;
/// Seconds of a time step.
pub const STEP_SECS: u64 = 30;
/// Steps of clock skew accepted on either side of the current one.
pub const SKEW: u64 = 1;
/// Bytes of a secret.
pub const SECRET_LEN: usize = 20;

/// A member's TOTP secret, wiped from memory when dropped.
pub struct TotpSecret(Zeroizing<[u8; SECRET_LEN]>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

/// The time step `now` falls in (0 before 1970).
pub fn step_of(now: OffsetDateTime) -> u64 {
    u64::try_from(now.unix_timestamp()).unwrap_or(0) / STEP_SECS
}

impl TotpSecret {
    /// A fresh secret from `rng`.
    pub fn generate(rng: &dyn Randomness) -> Self {
        let mut b = Zeroizing::new([0u8; SECRET_LEN]);
        rng.fill(b.as_mut());
        Self(b)
    }

    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The secret as stored inside its seal: hex.
    pub(crate) fn to_hex(&self) -> SecretString {
        SecretString::from(hex::encode(self.0.as_ref()))
    }

    /// The secret from its sealed hex form; `None` when it is not one.
    pub(crate) fn from_hex(text: &str) -> Option<Self> {
        let bytes = Zeroizing::new(hex::decode(text).ok()?);
        let array: [u8; SECRET_LEN] = bytes.as_slice().try_into().ok()?;
        Some(Self::from_bytes(array))
    }

    /// The code of time step `step`.
    pub fn code_at_step(&self, step: u64) -> String {
        code(self.0.as_ref(), step * STEP_SECS, DIGITS)
    }

    /// The code an authenticator shows at `now`.
    pub fn code_at(&self, now: OffsetDateTime) -> String {
        self.code_at_step(step_of(now))
    }

    /// The step whose code `typed` is, among the steps within the skew of `now` that come
    /// after `after` (the last step accepted for the member); `None` when there is none. What a
    /// person types may hold spaces and full-width digits. Every step of the window is
    /// compared, in constant time, whatever matches.
    pub fn matching_step(&self, typed: &str, now: OffsetDateTime, after: u64) -> Option<u64> {
        let typed = crate::text::digits_only(typed).unwrap_or_default();
        let typed = if typed.len() == usize::from(DIGITS) { typed } else { "x".repeat(usize::from(DIGITS)) };
        let origin = step_of(now);
        let mut found = None;
        for step in origin.saturating_sub(SKEW)..=origin + SKEW {
            let matches = bool::from(self.code_at_step(step).as_bytes().ct_eq(typed.as_bytes()));
            if matches && step > after && found.is_none() {
                found = Some(step);
            }
        }
        found
    }

    /// The `otpauth://` URI an authenticator app reads (from a QR code or pasted):
    /// `otpauth://totp/{issuer}:{login}?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30`,
    /// the issuer and login percent-encoded, the secret in unpadded base32. A colon in the
    /// issuer would end the label's issuer early, so it is dropped.
    pub fn otpauth_uri(&self, issuer: &str, login: &StaffLogin) -> SecretString {
        use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
        // RFC 3986's unreserved characters stay as they are; everything else is encoded.
        const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
        let issuer: String = issuer.chars().filter(|c| *c != ':').collect();
        let issuer = utf8_percent_encode(issuer.trim(), COMPONENT).to_string();
        let login = utf8_percent_encode(login.as_str(), COMPONENT).to_string();
        let secret = Zeroizing::new(totp_rs::Secret::from(self.0.to_vec()).to_base32());
        SecretString::from(format!(
            "otpauth://totp/{issuer}:{login}?secret={}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            secret.as_str()
        ))
    }
}

/// The HMAC-SHA1 TOTP code of `secret` at Unix time `time` with `digits` digits.
fn code(secret: &[u8], time: u64, digits: u8) -> String {
    let totp = totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(digits)
        .with_skew(0)
        .with_step_duration(STEP_SECS)
        .with_secret(secret.to_vec())
        .build_noncompliant();
    totp.generate(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::testing::SeededRandomness;
    use secrecy::ExposeSecret;

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(secs).unwrap()
    }

    #[test]
    fn codes_match_the_sha1_vectors_of_rfc_6238_appendix_b() {
        // RFC 6238, Appendix B: the SHA1 rows, 8 digits, key "12345678901234567890".
        let key = b"12345678901234567890";
        for (time, expected) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code(key, time, 8), expected, "T = {time}");
        }
        // The 6-digit code staff type is the same truncation, modulo 10^6.
        let secret = TotpSecret::from_bytes(*key);
        assert_eq!(secret.code_at(at(59)), "287082");
        assert_eq!(secret.code_at(at(1_111_111_109)), "081804");
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_only_after_the_last_accepted_step() {
        let secret = TotpSecret::generate(&SeededRandomness::new(3));
        let now = at(1_800_000_015);
        let step = step_of(now);
        assert_eq!(secret.matching_step(&secret.code_at(now), now, 0), Some(step));
        let before = secret.code_at_step(step - 1);
        let after = secret.code_at_step(step + 1);
        assert_eq!(secret.matching_step(&before, now, 0), Some(step - 1));
        assert_eq!(secret.matching_step(&after, now, 0), Some(step + 1));
        assert_eq!(secret.matching_step(&secret.code_at_step(step - 2), now, 0), None, "two steps old");
        assert_eq!(secret.matching_step(&secret.code_at_step(step + 2), now, 0), None, "two steps ahead");
        // Used once: the same code, or an older one, is refused.
        assert_eq!(secret.matching_step(&secret.code_at(now), now, step), None);
        assert_eq!(secret.matching_step(&before, now, step), None);
        assert_eq!(secret.matching_step(&after, now, step), Some(step + 1));
    }

    #[test]
    fn typed_codes_may_hold_spaces_and_full_width_digits_but_nothing_else() {
        let secret = TotpSecret::generate(&SeededRandomness::new(5));
        let now = at(1_800_000_000);
        let c = secret.code_at(now);
        let spaced = format!("{} {}", &c[..3], &c[3..]);
        let wide: String = c.chars().map(|d| char::from_u32(0xFF10 + d.to_digit(10).unwrap()).unwrap()).collect();
        assert!(secret.matching_step(&spaced, now, 0).is_some());
        assert!(secret.matching_step(&wide, now, 0).is_some());
        for bad in ["", "12345", "1234567", "abcdef", &format!("{c}0")] {
            assert_eq!(secret.matching_step(bad, now, 0), None, "{bad:?}");
        }
    }

    #[test]
    fn the_otpauth_uri_names_issuer_login_and_parameters_and_round_trips_through_hex() {
        let secret = TotpSecret::from_bytes(*b"12345678901234567890");
        let login = StaffLogin::parse("demo-admin").unwrap();
        let uri = secret.otpauth_uri("Example Bank: Tokyo", &login);
        assert!(
            secret
                .otpauth_uri("銀行 & Co", &login)
                .expose_secret()
                .starts_with("otpauth://totp/%E9%8A%80%E8%A1%8C%20%26%20Co:demo-admin?")
        );
        assert_eq!(
            uri.expose_secret(),
            "otpauth://totp/Example%20Bank%20Tokyo:demo-admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Example%20Bank%20Tokyo&algorithm=SHA1&digits=6&period=30"
        );
        let back = TotpSecret::from_hex(secret.to_hex().expose_secret()).unwrap();
        assert_eq!(back.code_at_step(7), secret.code_at_step(7));
        assert!(TotpSecret::from_hex("abcd").is_none());
        assert!(!format!("{secret:?}").contains("3132"));
    }
}
