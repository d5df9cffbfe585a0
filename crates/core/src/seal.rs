//! Sealing of short secrets that must be kept for a while and then read back: a spoken code
//! for "press 1 to repeat" (while its call lasts) and an e-mail that carries a temporary
//! password (while it waits in the outbox).
//!
//! The construction is AES-256-GCM (RustCrypto `aes-gcm`; on the CRYPTREC list and NIST SP
//! 800-38D) under a key derived for each message. Every seal draws a fresh 256-bit salt from
//! the injected `Randomness`, derives the message key as HMAC-SHA256(purpose key, "seal-key" ‖
//! salt) (a single-block SP 800-108 style KDF), and encrypts once under it with the all-zero
//! 96-bit nonce. A (key, nonce) pair can only repeat if a 256-bit salt repeats, so there is no
//! bound on messages per key to keep and no nonce counter to store: this is why it is chosen
//! over random 96-bit nonces (which GCM allows only up to 2^32 messages per key) and over
//! AES-GCM-SIV (misuse-resistant, but not on the CRYPTREC list).
//!
//! A sealed blob is `0x01 ‖ key ID (u32, big-endian) ‖ salt (32) ‖ ciphertext ‖ tag (16)`.
//! The associated data binds the version, key ID, salt, the purpose (call code, outbox mail)
//! and the context (the call, the message), so a blob opens only where it was sealed.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::hashing::MacKey;
use crate::keyring::{KeyId, KeyRing};
use crate::secret::Randomness;

const VERSION: u8 = 1;
const SALT: usize = 32;
const HEADER: usize = 1 + 4 + SALT;
const TAG: usize = 16;

/// Seals and opens secrets for one purpose, under a ring of keys.
#[derive(Debug)]
pub struct Sealer {
    purpose: String,
    keys: KeyRing<MacKey>,
}

/// AES-256-GCM encryption through the crate, exposed for the known-answer test.
pub(crate) fn aes256gcm_encrypt(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(&(*key).into());
    cipher
        .encrypt(&(*nonce).into(), Payload { msg: plaintext, aad })
        .unwrap_or_else(|_| unreachable!("AES-GCM encrypts any message this short"))
}

fn aes256gcm_decrypt(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    let cipher = Aes256Gcm::new(&(*key).into());
    cipher.decrypt(&(*nonce).into(), Payload { msg: ciphertext, aad }).ok()
}

impl Sealer {
    /// A sealer for `purpose` (e.g. `call-seal`) under `keys`, each already derived for it.
    pub fn new(purpose: &str, keys: KeyRing<MacKey>) -> Self {
        Self { purpose: purpose.to_owned(), keys }
    }

    fn message_key(key: &MacKey, salt: &[u8]) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(key.mac(&[b"seal-key", salt]))
    }

    fn aad(&self, header: &[u8], context: &str) -> Vec<u8> {
        let mut aad = Vec::with_capacity(header.len() + self.purpose.len() + context.len() + 24);
        for part in [header, self.purpose.as_bytes(), context.as_bytes()] {
            aad.extend_from_slice(&(part.len() as u64).to_be_bytes());
            aad.extend_from_slice(part);
        }
        aad
    }

    pub fn seal(&self, rng: &dyn Randomness, context: &str, text: &str) -> Vec<u8> {
        let (id, key) = self.keys.current();
        let mut header = Vec::with_capacity(HEADER);
        header.push(VERSION);
        header.extend_from_slice(&id.to_be_bytes());
        let mut salt = [0u8; SALT];
        rng.fill(&mut salt);
        header.extend_from_slice(&salt);
        let ct =
            aes256gcm_encrypt(&Self::message_key(key, &salt), &[0; 12], &self.aad(&header, context), text.as_bytes());
        [header, ct].concat()
    }

    /// The key new seals are made under.
    pub fn current_key_id(&self) -> KeyId {
        self.keys.current().0
    }

    /// The key a sealed blob names, if it is one of ours at all.
    pub fn key_id(sealed: &[u8]) -> Option<KeyId> {
        (sealed.len() >= HEADER + TAG && sealed[0] == VERSION)
            .then(|| KeyId::from_be_bytes([sealed[1], sealed[2], sealed[3], sealed[4]]))
    }

    /// Opens a blob sealed for `context`; `None` when it was altered, sealed elsewhere, or
    /// names a key this server does not hold.
    pub fn unseal(&self, context: &str, sealed: &[u8]) -> Option<SecretString> {
        let key = self.keys.get(Self::key_id(sealed)?)?;
        let (header, ct) = sealed.split_at(HEADER);
        let text = aes256gcm_decrypt(&Self::message_key(key, &header[5..]), &[0; 12], &self.aad(header, context), ct)?;
        String::from_utf8(text).ok().map(SecretString::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::testing::SeededRandomness;
    use secrecy::ExposeSecret;

    fn sealer(keys: &[(KeyId, u8)]) -> Sealer {
        Sealer::new("outbox-seal", KeyRing::new(keys.iter().map(|(id, b)| (*id, MacKey::new(vec![*b; 32])))).unwrap())
    }

    #[test]
    fn aes_256_gcm_matches_a_published_nist_test_vector() {
        // NIST CAVP gcmEncryptExtIV256.rsp: Keylen 256, IVlen 96, PTlen 128, AADlen 128, Taglen 128.
        let key: [u8; 32] = hex::decode("92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b")
            .unwrap()
            .try_into()
            .unwrap();
        let nonce: [u8; 12] = hex::decode("ac93a1a6145299bde902f21a").unwrap().try_into().unwrap();
        let pt = hex::decode("2d71bcfa914e4ac045b2aa60955fad24").unwrap();
        let aad = hex::decode("1e0889016f67601c8ebea4943bc23ad6").unwrap();
        let out = aes256gcm_encrypt(&key, &nonce, &aad, &pt);
        assert_eq!(hex::encode(&out), "8995ae2e6df3dbf96fac7b7137bae67feca5aa77d51d4a0a14d9c51e1da474ab");
        assert_eq!(aes256gcm_decrypt(&key, &nonce, &aad, &out), Some(pt));
    }

    #[test]
    fn sealed_text_of_any_length_round_trips_and_names_its_key() {
        let s = sealer(&[(1, 5)]);
        let rng = SeededRandomness::new(9);
        for text in ["", "0123456789", "仮パスワード: ACDEFGHJKLMNPQRT, and a long line after it to pass one AES block"]
        {
            let sealed = s.seal(&rng, "mail-1", text);
            assert_eq!(sealed.len(), HEADER + text.len() + TAG);
            assert_eq!(Sealer::key_id(&sealed), Some(1));
            assert!(text.len() < 8 || !sealed.windows(8).any(|w| w == &text.as_bytes()[..8]));
            assert_eq!(s.unseal("mail-1", &sealed).unwrap().expose_secret(), text);
        }
        // Two seals of the same text differ (fresh salt, so a fresh key).
        assert_ne!(s.seal(&rng, "mail-1", "same"), s.seal(&rng, "mail-1", "same"));
    }

    #[test]
    fn a_tampered_or_cut_blob_does_not_open() {
        let s = sealer(&[(1, 5)]);
        let sealed = s.seal(&SeededRandomness::new(1), "mail-1", "secret text");
        for i in 0..sealed.len() {
            let mut t = sealed.clone();
            t[i] ^= 1;
            assert!(s.unseal("mail-1", &t).is_none(), "byte {i} flipped");
        }
        assert!(s.unseal("mail-1", &sealed[..sealed.len() - 1]).is_none());
        assert!(s.unseal("mail-1", &sealed[..10]).is_none());
    }

    #[test]
    fn a_blob_opens_only_in_its_context_and_for_its_purpose() {
        let s = sealer(&[(1, 5)]);
        let sealed = s.seal(&SeededRandomness::new(2), "mail-1", "secret text");
        assert!(s.unseal("mail-2", &sealed).is_none());
        let other_purpose = Sealer::new("call-seal", KeyRing::single(MacKey::new(vec![5; 32])));
        assert!(other_purpose.unseal("mail-1", &sealed).is_none());
    }

    #[test]
    fn a_blob_opens_under_the_key_it_names_and_not_another() {
        let old = sealer(&[(1, 5)]);
        let sealed = old.seal(&SeededRandomness::new(3), "call-1", "0123456789");
        // After a rotation the old key still opens what it sealed; new seals use key 2.
        let rotated = sealer(&[(1, 5), (2, 6)]);
        assert_eq!(rotated.unseal("call-1", &sealed).unwrap().expose_secret(), "0123456789");
        assert_eq!(Sealer::key_id(&rotated.seal(&SeededRandomness::new(4), "call-1", "x")), Some(2));
        // A server without key 1 cannot open it, nor can one whose key 1 differs.
        assert!(sealer(&[(2, 6)]).unseal("call-1", &sealed).is_none());
        assert!(sealer(&[(1, 7)]).unseal("call-1", &sealed).is_none());
        // A blob relabelled with another key ID does not open either.
        let mut relabelled = sealed.clone();
        relabelled[4] = 2;
        assert!(rotated.unseal("call-1", &relabelled).is_none());
    }
}
