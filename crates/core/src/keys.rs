//! The server keys the procedures use, each derived from the master key for one purpose:
//! MACs of reset codes and tokens, sealing of secrets that must be read back, and keyed
//! fingerprints for the audit log.
//!
//! The master keys form a ring (see `keyring`). A stored MAC is `key ID (u32, big-endian) ‖
//! HMAC-SHA256`, made under the newest key; a MAC made under an older key still verifies,
//! so a rotation does not end the reset codes, reset sessions and API tokens already out. A
//! bare 32-byte MAC (stored before MACs had key IDs) was made under key 1.

use crate::ids::AccountId;
use secrecy::SecretString;
use subtle::ConstantTimeEq;

use crate::hashing::MacKey;
use crate::keyring::{KeyId, KeyRing};
use crate::rules::CodeChannel;
use crate::seal::Sealer;
use crate::secret::Randomness;

/// The server keys the procedures use, each derived for one purpose.
#[derive(Debug)]
pub struct Keys {
    codes: KeyRing<MacKey>,
    tokens: KeyRing<MacKey>,
    seal: Sealer,
    fingerprints: MacKey,
    outbox: Sealer,
    forms: KeyRing<MacKey>,
    letters: Sealer,
    staff_totp: Sealer,
}

impl Keys {
    /// The keys derived from the ring of master keys (the `code_hmac` key file).
    pub fn new(masters: &KeyRing<MacKey>) -> Self {
        let (_, current) = masters.current();
        Self {
            codes: masters.map(|m| m.derive("reset-codes")),
            tokens: masters.map(|m| m.derive("tokens")),
            seal: Sealer::new("call-seal", masters.map(|m| m.derive("call-seal"))),
            fingerprints: current.derive("identity-fingerprints"),
            outbox: Self::outbox_sealer(masters),
            forms: masters.map(|m| m.derive("form-tokens")),
            letters: Sealer::new("letter-seal", masters.map(|m| m.derive("letter-seal"))),
            staff_totp: Sealer::new("staff-totp", masters.map(|m| m.derive("staff-totp"))),
        }
    }

    /// A page form's anti-forgery token: `key ID.MAC` over the form cookie and the form's
    /// path, base64url, under the newest key.
    pub fn form_token(&self, cookie: &str, action: &str) -> String {
        use base64::Engine as _;
        let (id, key) = self.forms.current();
        let mac = key.mac(&[b"form", cookie.as_bytes(), action.as_bytes()]);
        format!("{id}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac))
    }

    /// Whether `token` was made by `form_token` for this cookie and path, under any key of
    /// the ring (constant-time in the MAC).
    pub fn form_token_ok(&self, cookie: &str, action: &str, token: &str) -> bool {
        use base64::Engine as _;
        let Some((id, mac)) = token.split_once('.') else { return false };
        let Ok(id) = id.parse::<KeyId>() else { return false };
        let Some(key) = self.forms.get(id) else { return false };
        let Ok(mac) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(mac) else { return false };
        let expected = key.mac(&[b"form", cookie.as_bytes(), action.as_bytes()]);
        !cookie.is_empty() && bool::from(expected.as_slice().ct_eq(mac.as_slice()))
    }

    /// A short keyed fingerprint of submitted identity details, so that the audit log can
    /// show repeated attempts without holding what was typed.
    pub(crate) fn fingerprint(&self, parts: &[&str]) -> String {
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        hex::encode(&self.fingerprints.mac(&bytes)[..8])
    }

    /// The stored form of a bearer or reset-session token, under the newest key.
    pub fn token_mac(&self, token: &str) -> Vec<u8> {
        let (id, key) = self.tokens.current();
        with_id(id, key.mac(&[b"token", token.as_bytes()]))
    }

    /// Every stored form a token may have, newest key first, to look it up by: one per key,
    /// and the bare form of key 1.
    pub fn token_lookups(&self, token: &str) -> Vec<Vec<u8>> {
        let mut all: Vec<Vec<u8>> =
            self.tokens.newest_first().map(|(id, key)| with_id(id, key.mac(&[b"token", token.as_bytes()]))).collect();
        if let Some(first) = self.tokens.get(1) {
            all.push(first.mac(&[b"token", token.as_bytes()]).to_vec());
        }
        all
    }

    /// The stored form of a reset code, under the newest key.
    pub(crate) fn code_mac(&self, salt: &[u8], account_id: AccountId, channel: CodeChannel, code: &str) -> Vec<u8> {
        let (id, key) = self.codes.current();
        with_id(id, Self::code_mac_under(key, salt, account_id, channel, code))
    }

    fn code_mac_under(key: &MacKey, salt: &[u8], account_id: AccountId, channel: CodeChannel, code: &str) -> [u8; 32] {
        key.mac(&[salt, &account_id.get().to_be_bytes(), channel.as_str().as_bytes(), code.as_bytes()])
    }

    /// Whether `code` is the one whose stored MAC is `stored`, under the key the MAC names
    /// (constant-time; a MAC under a key this server does not hold never matches).
    pub(crate) fn code_matches(
        &self,
        salt: &[u8],
        account_id: AccountId,
        channel: CodeChannel,
        code: &str,
        stored: &[u8],
    ) -> bool {
        let Some(id) = stored_mac_key_id(stored) else { return false };
        let mac = &stored[stored.len() - 32..];
        let Some(key) = self.codes.get(id) else { return false };
        bool::from(Self::code_mac_under(key, salt, account_id, channel, code).ct_eq(mac))
    }

    /// Seals a code for the life of a call.
    pub(crate) fn seal(&self, rng: &dyn Randomness, call_id: &str, code: &str) -> Vec<u8> {
        self.seal.seal(rng, call_id, code)
    }

    pub(crate) fn unseal(&self, call_id: &str, sealed: &[u8]) -> Option<SecretString> {
        self.seal.unseal(call_id, sealed)
    }

    /// Seals a postal code while its letter waits for the print batch, bound to the code's
    /// salt so that it opens only for its own letter.
    pub(crate) fn seal_letter_code(&self, rng: &dyn Randomness, code_salt: &[u8], code: &str) -> Vec<u8> {
        self.letters.seal(rng, &hex::encode(code_salt), code)
    }

    pub(crate) fn unseal_letter_code(&self, code_salt: &[u8], sealed: &[u8]) -> Option<SecretString> {
        self.letters.unseal(&hex::encode(code_salt), sealed)
    }

    /// The stored form of a counter case's check code, bound to its own random salt.
    pub(crate) fn check_code_mac(&self, salt: &[u8], code: &str) -> Vec<u8> {
        let (id, key) = self.codes.current();
        with_id(id, key.mac(&[b"check-code", salt, code.as_bytes()]))
    }

    /// Whether `code` is the check code stored as `stored` (constant-time).
    pub(crate) fn check_code_matches(&self, salt: &[u8], code: &str, stored: &[u8]) -> bool {
        let Some(id) = stored_mac_key_id(stored) else { return false };
        let Some(key) = self.codes.get(id) else { return false };
        let mac = key.mac(&[b"check-code", salt, code.as_bytes()]);
        bool::from(mac.ct_eq(&stored[stored.len() - 32..]))
    }

    /// Seals a check code until its inquiry letter is mailed, bound to the code's salt.
    pub(crate) fn seal_check_code(&self, rng: &dyn Randomness, salt: &[u8], code: &str) -> Vec<u8> {
        self.letters.seal(rng, &format!("check-code:{}", hex::encode(salt)), code)
    }

    pub(crate) fn unseal_check_code(&self, salt: &[u8], sealed: &[u8]) -> Option<SecretString> {
        self.letters.unseal(&format!("check-code:{}", hex::encode(salt)), sealed)
    }

    /// Seals an e-mail body that carries a secret while it waits in the outbox.
    pub(crate) fn seal_outbox(&self, rng: &dyn Randomness, idempotency_key: &str, body: &str) -> Vec<u8> {
        self.outbox.seal(rng, idempotency_key, body)
    }

    /// Seals a staff member's TOTP secret (hex) to their staff ID.
    pub(crate) fn seal_staff_totp(&self, rng: &dyn Randomness, staff_id: &str, secret_hex: &str) -> Vec<u8> {
        self.staff_totp.seal(rng, staff_id, secret_hex)
    }

    pub(crate) fn unseal_staff_totp(&self, staff_id: &str, sealed: &[u8]) -> Option<SecretString> {
        self.staff_totp.unseal(staff_id, sealed)
    }

    /// Whether a sealed staff TOTP secret was sealed under an older key than the current one
    /// (a sign-in then seals it again, so the older key can be retired).
    pub(crate) fn staff_totp_needs_reseal(&self, sealed: &[u8]) -> bool {
        Sealer::key_id(sealed) != Some(self.staff_totp.current_key_id())
    }

    /// The sealer for e-mails that carry a secret while they wait in the outbox; the outbox
    /// worker holds the same one to open them.
    pub fn outbox_sealer(masters: &KeyRing<MacKey>) -> Sealer {
        Sealer::new("outbox-seal", masters.map(|m| m.derive("outbox-seal")))
    }
}

/// The key a stored code or token MAC was made under.
pub fn stored_mac_key_id(stored: &[u8]) -> Option<KeyId> {
    match stored.len() {
        36 => Some(KeyId::from_be_bytes([stored[0], stored[1], stored[2], stored[3]])),
        32 => Some(1),
        _ => None,
    }
}

fn with_id(id: KeyId, mac: [u8; 32]) -> Vec<u8> {
    [id.to_be_bytes().as_slice(), &mac].concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::testing::SeededRandomness;
    use secrecy::ExposeSecret;

    #[test]
    fn a_sealed_code_opens_only_for_its_call() {
        let keys = Keys::new(&KeyRing::single(MacKey::new(vec![9; 32])));
        let rng = SeededRandomness::new(5);
        let sealed = keys.seal(&rng, "call-1", "0123456789");
        assert!(!sealed.windows(10).any(|w| w == b"0123456789"));
        assert_eq!(keys.unseal("call-1", &sealed).unwrap().expose_secret(), "0123456789");
        assert!(keys.unseal("call-2", &sealed).is_none());
        let mut tampered = sealed.clone();
        tampered[20] ^= 1;
        assert!(keys.unseal("call-1", &tampered).is_none());
    }

    fn ring(ids: &[(KeyId, u8)]) -> Keys {
        Keys::new(&KeyRing::new(ids.iter().map(|(id, b)| (*id, MacKey::new(vec![*b; 32])))).unwrap())
    }

    #[test]
    fn a_token_stored_before_a_rotation_is_still_found() {
        let old = ring(&[(1, 9)]);
        let stored = old.token_mac("rt_abc");
        assert_eq!(&stored[..4], &1u32.to_be_bytes());
        let rotated = ring(&[(1, 9), (2, 10)]);
        assert_eq!(&rotated.token_mac("rt_abc")[..4], &2u32.to_be_bytes());
        let lookups = rotated.token_lookups("rt_abc");
        assert_eq!(lookups[0], rotated.token_mac("rt_abc"));
        assert!(lookups.contains(&stored));
        assert!(!ring(&[(1, 11), (2, 10)]).token_lookups("rt_abc").contains(&stored));
    }

    #[test]
    fn a_code_verifies_under_the_key_its_mac_names() {
        let old = ring(&[(1, 9)]);
        let stored = old.code_mac(b"salt", AccountId::new(7), CodeChannel::Voice, "0123456789");
        let rotated = ring(&[(1, 9), (2, 10)]);
        assert!(rotated.code_matches(b"salt", AccountId::new(7), CodeChannel::Voice, "0123456789", &stored));
        assert!(!rotated.code_matches(b"salt", AccountId::new(7), CodeChannel::Voice, "0123456788", &stored));
        assert!(!rotated.code_matches(b"salt", AccountId::new(8), CodeChannel::Voice, "0123456789", &stored));
        assert!(!ring(&[(2, 10)]).code_matches(b"salt", AccountId::new(7), CodeChannel::Voice, "0123456789", &stored));
        // A bare MAC from before key IDs is key 1's.
        assert!(rotated.code_matches(b"salt", AccountId::new(7), CodeChannel::Voice, "0123456789", &stored[4..]));
    }
}
