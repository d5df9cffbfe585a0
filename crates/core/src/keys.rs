//! The server keys the procedures use, each derived from the master key for one purpose:
//! MACs of reset codes and tokens, sealing of secrets that must be read back, and keyed
//! fingerprints for the audit log.

use secrecy::SecretString;

use crate::hashing::MacKey;
use crate::keyring::KeyRing;
use crate::rules::CodeChannel;
use crate::seal::Sealer;
use crate::secret::Randomness;

/// The server keys the procedures use, each derived for one purpose.
#[derive(Debug)]
pub struct Keys {
    codes: MacKey,
    tokens: MacKey,
    seal: Sealer,
    fingerprints: MacKey,
    outbox: Sealer,
}

impl Keys {
    /// The keys derived from the ring of master keys (the `code_hmac` key file).
    pub fn new(masters: &KeyRing<MacKey>) -> Self {
        let (_, current) = masters.current();
        Self {
            codes: current.derive("reset-codes"),
            tokens: current.derive("tokens"),
            seal: Sealer::new("call-seal", masters.map(|m| m.derive("call-seal"))),
            fingerprints: current.derive("identity-fingerprints"),
            outbox: Self::outbox_sealer(masters),
        }
    }

    /// A short keyed fingerprint of submitted identity details, so that the audit log can
    /// show repeated attempts without holding what was typed.
    pub(crate) fn fingerprint(&self, parts: &[&str]) -> String {
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        hex::encode(&self.fingerprints.mac(&bytes)[..8])
    }

    /// The stored form of a bearer or reset-session token.
    pub fn token_mac(&self, token: &str) -> [u8; 32] {
        self.tokens.mac(&[b"token", token.as_bytes()])
    }

    pub(crate) fn code_mac(&self, salt: &[u8], account_id: i64, channel: CodeChannel, code: &str) -> [u8; 32] {
        self.codes.mac(&[salt, &account_id.to_be_bytes(), channel.as_str().as_bytes(), code.as_bytes()])
    }

    /// Seals a code for the life of a call.
    pub(crate) fn seal(&self, rng: &dyn Randomness, call_id: &str, code: &str) -> Vec<u8> {
        self.seal.seal(rng, call_id, code)
    }

    pub(crate) fn unseal(&self, call_id: &str, sealed: &[u8]) -> Option<SecretString> {
        self.seal.unseal(call_id, sealed)
    }

    /// Seals an e-mail body that carries a secret while it waits in the outbox.
    pub(crate) fn seal_outbox(&self, rng: &dyn Randomness, idempotency_key: &str, body: &str) -> Vec<u8> {
        self.outbox.seal(rng, idempotency_key, body)
    }

    /// The sealer for e-mails that carry a secret while they wait in the outbox; the outbox
    /// worker holds the same one to open them.
    pub fn outbox_sealer(masters: &KeyRing<MacKey>) -> Sealer {
        Sealer::new("outbox-seal", masters.map(|m| m.derive("outbox-seal")))
    }
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
}
