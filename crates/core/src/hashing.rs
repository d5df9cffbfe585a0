//! Hashing of secrets: Argon2id with a pepper for passwords and PINs, and keyed HMAC-SHA256
//! for reset codes and tokens.
//!
//! Peppers form a key ring: a hash names its pepper in the PHC `keyid` parameter (a hash
//! without one was made under pepper 1, before peppers had IDs), new hashes use the newest
//! pepper, and a secret that verifies under an older pepper asks for a re-hash.
//!
//! Everything here is pure computation; the server runs the slow Argon2 calls on a bounded
//! blocking pool. Comparisons of MACs are constant-time.

use argon2::{Algorithm, Argon2, Params, ParamsBuilder, PasswordHash, PasswordHasher, Version};
use hmac::{KeyInit, Mac};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::keyring::{KeyId, KeyRing};
use crate::secret::Randomness;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Argon2Cost {
    /// Memory in KiB.
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Argon2Cost {
    /// The OWASP minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
    fn default() -> Self {
        Self { memory_kib: 19_456, iterations: 2, parallelism: 1 }
    }
}

/// Why hashing or verification could not run at all (not "the secret was wrong").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error("invalid Argon2 parameters: {0}")]
    Parameters(String),
    #[error("the pepper is longer than Argon2 allows")]
    Pepper,
    #[error("stored hash is not in a format this server reads")]
    UnknownFormat,
    #[error("stored hash was made under pepper key {0}, which this server does not hold")]
    UnknownPepper(KeyId),
    #[error("hashing failed: {0}")]
    Failed(String),
    #[error("too many secrets are waiting to be hashed")]
    Busy,
}

/// The result of checking a secret against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Mismatch,
    /// The secret is right; `needs_rehash` says the stored hash uses a legacy format or
    /// weaker parameters and should be replaced with a fresh Argon2id hash.
    Match {
        needs_rehash: bool,
    },
}

/// Hashes and verifies passwords and PINs with Argon2id and a server-wide pepper.
pub struct SecretHasher {
    peppers: KeyRing<SecretBox<[u8]>>,
    /// The cost, and the current pepper's key ID.
    params: Params,
    cost: Argon2Cost,
}

impl std::fmt::Debug for SecretHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretHasher").field("cost", &self.cost).finish_non_exhaustive()
    }
}

impl SecretHasher {
    /// A hasher with one pepper, key 1.
    pub fn new(pepper: Vec<u8>, cost: Argon2Cost) -> Result<Self, HashError> {
        Self::with_peppers(KeyRing::single(pepper), cost)
    }

    /// A hasher with a ring of peppers; new hashes use the newest.
    pub fn with_peppers(peppers: KeyRing<Vec<u8>>, cost: Argon2Cost) -> Result<Self, HashError> {
        if peppers.newest_first().any(|(_, p)| p.len() > 64) {
            return Err(HashError::Pepper);
        }
        let (current, _) = peppers.current();
        let keyid = argon2::KeyId::new(current.to_string().as_bytes()).map_err(|_| HashError::Pepper)?;
        let params = ParamsBuilder::new()
            .m_cost(cost.memory_kib)
            .t_cost(cost.iterations)
            .p_cost(cost.parallelism)
            .keyid(keyid)
            .build()
            .map_err(|e| HashError::Parameters(e.to_string()))?;
        let peppers = peppers.map(|p| SecretBox::new(p.clone().into_boxed_slice()));
        Ok(Self { peppers, params, cost })
    }

    /// The PHC parameter that names pepper `id` in a hash (`keyid=` and the ID's digits in
    /// PHC base64), to find hashes still made under it.
    pub fn keyid_param(id: KeyId) -> String {
        use base64::Engine;
        format!("keyid={}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(id.to_string()))
    }

    /// The pepper a stored hash names.
    fn pepper(&self, params: &Params) -> Result<(KeyId, &[u8]), HashError> {
        let id = match params.keyid() {
            [] => 1,
            bytes => std::str::from_utf8(bytes).ok().and_then(|s| s.parse().ok()).ok_or(HashError::UnknownFormat)?,
        };
        let pepper = self.peppers.get(id).ok_or(HashError::UnknownPepper(id))?;
        Ok((id, pepper.expose_secret()))
    }

    fn argon2(&self, params: Params) -> Result<Argon2<'_>, HashError> {
        let (_, pepper) = self.peppers.current();
        Argon2::new_with_secret(pepper.expose_secret(), Algorithm::Argon2id, Version::V0x13, params)
            .map_err(|_| HashError::Pepper)
    }

    /// Hashes `secret` into a PHC string with a fresh 16-byte salt.
    pub fn hash(&self, secret: &SecretString, rng: &dyn Randomness) -> Result<String, HashError> {
        let mut salt = [0u8; 16];
        rng.fill(&mut salt);
        let hash = self
            .argon2(self.params.clone())?
            .hash_password_with_salt(secret.expose_secret().as_bytes(), &salt)
            .map_err(|e| HashError::Failed(e.to_string()))?;
        Ok(hash.to_string())
    }

    /// Checks `secret` against a stored hash: our Argon2id PHC strings, or imported bcrypt
    /// (`$2a$`, `$2b$`, `$2y$`) and Django `pbkdf2_sha256$` hashes.
    pub fn verify(&self, secret: &SecretString, stored: &str) -> Result<Verification, HashError> {
        let pw = secret.expose_secret().as_bytes();
        if stored.starts_with("$argon2") {
            let parsed = PasswordHash::new(stored).map_err(|_| HashError::UnknownFormat)?;
            let params = Params::try_from(&parsed).map_err(|_| HashError::UnknownFormat)?;
            let (pepper_id, _) = self.pepper(&params)?;
            let ok = self.verify_argon2(pw, &parsed, params.clone())?;
            let weaker = parsed.algorithm.as_str() != "argon2id"
                || params.m_cost() < self.cost.memory_kib
                || params.t_cost() < self.cost.iterations
                || pepper_id != self.peppers.current().0;
            Ok(if ok { Verification::Match { needs_rehash: weaker } } else { Verification::Mismatch })
        } else if stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$") {
            // bcrypt reads only the first 72 bytes; a longer secret is not the one it hashed.
            if pw.len() > 72 {
                return Ok(Verification::Mismatch);
            }
            match bcrypt::verify(pw, stored) {
                Ok(true) => Ok(Verification::Match { needs_rehash: true }),
                Ok(false) => Ok(Verification::Mismatch),
                Err(_) => Err(HashError::UnknownFormat),
            }
        } else if let Some(rest) = stored.strip_prefix("pbkdf2_sha256$") {
            verify_django_pbkdf2(pw, rest)
        } else {
            Err(HashError::UnknownFormat)
        }
    }

    /// Recomputes an Argon2 hash into this thread's reusable work memory and compares it in
    /// constant time. Reusing the memory keeps a busy server from allocating (and the
    /// allocator from keeping) a fresh 19 MiB buffer per verification.
    fn verify_argon2(&self, pw: &[u8], parsed: &PasswordHash, params: Params) -> Result<bool, HashError> {
        thread_local! {
            static WORK: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else { return Err(HashError::UnknownFormat) };
        let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(|_| HashError::UnknownFormat)?;
        let version = parsed
            .version
            .map(Version::try_from)
            .transpose()
            .map_err(|_| HashError::UnknownFormat)?
            .unwrap_or_default();
        let blocks = params.block_count();
        let (_, pepper) = self.pepper(&params)?;
        let argon = Argon2::new_with_secret(pepper, algorithm, version, params).map_err(|_| HashError::Pepper)?;
        let mut out = vec![0u8; expected.as_bytes().len()];
        WORK.with(|work| {
            let mut work = work.borrow_mut();
            if work.len() < blocks {
                work.resize(blocks, argon2::Block::default());
            }
            argon
                .hash_password_into_with_memory(pw, salt.as_ref(), &mut out, &mut work[..blocks])
                .map_err(|e| HashError::Failed(e.to_string()))
        })?;
        Ok(bool::from(out.ct_eq(expected.as_bytes())))
    }

    /// Whether `stored` is a hash this hasher can verify (checked at import).
    pub fn is_known_format(stored: &str) -> bool {
        if stored.starts_with("$argon2") {
            PasswordHash::new(stored).is_ok()
        } else if stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$") {
            stored.len() == 60
        } else if let Some(rest) = stored.strip_prefix("pbkdf2_sha256$") {
            parse_django(rest).is_some()
        } else {
            false
        }
    }
}

fn parse_django(rest: &str) -> Option<(u32, &str, Vec<u8>)> {
    use base64::Engine;
    let mut parts = rest.splitn(3, '$');
    let iterations: u32 = parts.next()?.parse().ok()?;
    let salt = parts.next()?;
    let expected = base64::engine::general_purpose::STANDARD.decode(parts.next()?).ok()?;
    (iterations > 0 && !salt.is_empty() && !expected.is_empty()).then_some((iterations, salt, expected))
}

fn verify_django_pbkdf2(pw: &[u8], rest: &str) -> Result<Verification, HashError> {
    let (iterations, salt, expected) = parse_django(rest).ok_or(HashError::UnknownFormat)?;
    let mut out = vec![0u8; expected.len()];
    pbkdf2::pbkdf2_hmac::<Sha256>(pw, salt.as_bytes(), iterations, &mut out);
    Ok(if bool::from(out.ct_eq(&expected)) {
        Verification::Match { needs_rehash: true }
    } else {
        Verification::Mismatch
    })
}

type HmacSha256 = hmac::Hmac<Sha256>;

/// A server key for HMAC-SHA256: reset codes and tokens are stored only as these MACs.
pub struct MacKey(SecretBox<[u8]>);

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacKey(***)")
    }
}

impl MacKey {
    pub fn new(key: Vec<u8>) -> Self {
        Self(SecretBox::new(key.into_boxed_slice()))
    }

    /// MAC over length-prefixed parts, so that no two different part lists collide.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut m =
            <HmacSha256 as KeyInit>::new_from_slice(self.0.expose_secret()).unwrap_or_else(|_| unreachable_hmac());
        for p in parts {
            m.update(&(p.len() as u64).to_be_bytes());
            m.update(p);
        }
        m.finalize().into_bytes().into()
    }

    /// Constant-time check of a MAC.
    pub fn verify(&self, parts: &[&[u8]], expected: &[u8]) -> bool {
        bool::from(self.mac(parts).ct_eq(expected))
    }

    /// Derives an independent key for another purpose.
    pub fn derive(&self, purpose: &str) -> MacKey {
        MacKey::new(self.mac(&[b"derive", purpose.as_bytes()]).to_vec())
    }
}

/// HMAC accepts keys of any length, so construction cannot fail.
fn unreachable_hmac() -> HmacSha256 {
    unreachable!("HMAC-SHA256 accepts keys of any length")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::testing::SeededRandomness;

    fn hasher() -> SecretHasher {
        SecretHasher::new(b"pepper-for-tests".to_vec(), Argon2Cost { memory_kib: 1024, iterations: 1, parallelism: 1 })
            .unwrap()
    }

    fn s(v: &str) -> SecretString {
        SecretString::from(v.to_owned())
    }

    #[test]
    fn argon2id_round_trip_and_a_wrong_secret_fails() {
        let h = hasher();
        let rng = SeededRandomness::new(1);
        let phc = h.hash(&s("correct horse"), &rng).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1,keyid=MQ$"), "{phc}");
        assert!(!phc.contains("correct"));
        assert_eq!(h.verify(&s("correct horse"), &phc).unwrap(), Verification::Match { needs_rehash: false });
        assert_eq!(h.verify(&s("correct horsf"), &phc).unwrap(), Verification::Mismatch);
    }

    #[test]
    fn the_pepper_is_part_of_the_hash() {
        let rng = SeededRandomness::new(1);
        let phc = hasher().hash(&s("secret"), &rng).unwrap();
        let other = SecretHasher::new(
            b"another-pepper".to_vec(),
            Argon2Cost { memory_kib: 1024, iterations: 1, parallelism: 1 },
        )
        .unwrap();
        assert_eq!(other.verify(&s("secret"), &phc).unwrap(), Verification::Mismatch);
    }

    fn cheap() -> Argon2Cost {
        Argon2Cost { memory_kib: 1024, iterations: 1, parallelism: 1 }
    }

    #[test]
    fn a_hash_names_its_pepper_and_verifies_under_it_after_a_rotation() {
        let rng = SeededRandomness::new(1);
        let old = SecretHasher::new(b"first pepper".to_vec(), cheap()).unwrap();
        let phc = old.hash(&s("secret"), &rng).unwrap();
        assert!(phc.contains(",keyid=MQ$"), "{phc}");
        assert_eq!(SecretHasher::keyid_param(1), "keyid=MQ");
        assert_eq!(SecretHasher::keyid_param(12), "keyid=MTI");
        let rotated = SecretHasher::with_peppers(
            KeyRing::new([(1, b"first pepper".to_vec()), (2, b"second".to_vec())]).unwrap(),
            cheap(),
        )
        .unwrap();
        assert_eq!(rotated.verify(&s("secret"), &phc).unwrap(), Verification::Match { needs_rehash: true });
        assert_eq!(rotated.verify(&s("secreT"), &phc).unwrap(), Verification::Mismatch);
        let fresh = rotated.hash(&s("secret"), &rng).unwrap();
        assert!(fresh.contains(",keyid=Mg$"), "{fresh}");
        assert_eq!(rotated.verify(&s("secret"), &fresh).unwrap(), Verification::Match { needs_rehash: false });
        // A server without pepper 2 says so instead of counting a right secret as wrong.
        assert_eq!(old.verify(&s("secret"), &fresh), Err(HashError::UnknownPepper(2)));
    }

    #[test]
    fn a_hash_without_a_key_id_was_made_under_pepper_1() {
        let rng = SeededRandomness::new(1);
        let h = SecretHasher::new(b"first pepper".to_vec(), cheap()).unwrap();
        let phc = h.hash(&s("secret"), &rng).unwrap().replace(",keyid=MQ", "");
        assert_eq!(h.verify(&s("secret"), &phc).unwrap(), Verification::Match { needs_rehash: false });
    }

    #[test]
    fn weaker_parameters_ask_for_a_rehash() {
        let rng = SeededRandomness::new(1);
        let phc = hasher().hash(&s("secret"), &rng).unwrap();
        let stronger = SecretHasher::new(
            b"pepper-for-tests".to_vec(),
            Argon2Cost { memory_kib: 2048, iterations: 1, parallelism: 1 },
        )
        .unwrap();
        assert_eq!(stronger.verify(&s("secret"), &phc).unwrap(), Verification::Match { needs_rehash: true });
    }

    #[test]
    fn bcrypt_and_django_hashes_verify_and_ask_for_a_rehash() {
        let h = hasher();
        let bc = bcrypt::hash_with_salt("legacy pass", 4, [7u8; 16]).unwrap().format_for_version(bcrypt::Version::TwoB);
        assert!(SecretHasher::is_known_format(&bc));
        assert_eq!(h.verify(&s("legacy pass"), &bc).unwrap(), Verification::Match { needs_rehash: true });
        assert_eq!(h.verify(&s("legacy pasS"), &bc).unwrap(), Verification::Mismatch);
        // Made with Django's PBKDF2PasswordHasher algorithm: pbkdf2_sha256, 1000 rounds, salt "salt".
        use base64::Engine;
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"django pass", b"salt", 1000, &mut out);
        let dj = format!("pbkdf2_sha256$1000$salt${}", base64::engine::general_purpose::STANDARD.encode(out));
        assert!(SecretHasher::is_known_format(&dj));
        assert_eq!(h.verify(&s("django pass"), &dj).unwrap(), Verification::Match { needs_rehash: true });
        assert_eq!(h.verify(&s("django pasS"), &dj).unwrap(), Verification::Mismatch);
        assert!(!SecretHasher::is_known_format("md5$abc"));
        assert_eq!(h.verify(&s("x"), "plain"), Err(HashError::UnknownFormat));
    }

    #[test]
    fn a_bcrypt_hash_refuses_a_secret_over_72_bytes_whose_first_72_match() {
        let h = hasher();
        let first72 = "x".repeat(72);
        let bc = bcrypt::hash_with_salt(&first72, 4, [7u8; 16]).unwrap().format_for_version(bcrypt::Version::TwoB);
        assert_eq!(h.verify(&s(&first72), &bc).unwrap(), Verification::Match { needs_rehash: true });
        let longer = format!("{first72}y");
        assert_eq!(longer.len(), 73);
        assert_eq!(h.verify(&s(&longer), &bc).unwrap(), Verification::Mismatch);
    }

    #[test]
    fn macs_are_keyed_and_part_boundaries_matter() {
        let k = MacKey::new(vec![1; 32]);
        let m = k.mac(&[b"ab", b"c"]);
        assert!(k.verify(&[b"ab", b"c"], &m));
        assert!(!k.verify(&[b"a", b"bc"], &m));
        assert!(!MacKey::new(vec![2; 32]).verify(&[b"ab", b"c"], &m));
        assert_ne!(k.derive("a").mac(&[b"x"]), k.derive("b").mac(&[b"x"]));
    }
}
