//! For `scripts/bench`'s `postal_batch`: applies for a postal code for every account of a data
//! directory's database, as the help desk would, so that the benchmark can time closing and
//! exporting the batch with the real command line.
//!
//! `postal_seed DATA_DIR FIRST_LOGIN COUNT`, or `postal_seed --age-recipient`, which prints a
//! fresh age public key (the benchmark's stand-in for the vendor's; its identity is dropped).
#![allow(clippy::disallowed_methods)] // A benchmark tool reads the wall clock.

use std::path::Path;
use std::sync::Arc;

use reissue_core::audit::AuditKeys;
use reissue_core::credential::CredentialSet;
use reissue_core::hashing::{Argon2Cost, MacKey, SecretHasher};
use reissue_core::keyring::KeyRing;
use reissue_core::keys::Keys;
use reissue_core::procedures::postal::IdentityCheck;
use reissue_core::procedures::{Recovery, RecoveryParts, Requester};
use reissue_core::secret::Randomness;
use reissue_core::vault::BuiltInVault;
use reissue_server::hashing::BlockingHashing;
use reissue_store::SqlStore;
use secrecy::SecretString;

struct OsRandomness;

impl Randomness for OsRandomness {
    fn fill(&self, buf: &mut [u8]) {
        getrandom::fill(buf).expect("randomness");
    }
}

fn key_ring(dir: &Path, kind: &str) -> KeyRing<Vec<u8>> {
    let text = std::fs::read_to_string(dir.join("keys").join(format!("{kind}.key"))).expect("key file");
    KeyRing::new(text.lines().filter(|l| !l.trim().is_empty()).map(|l| {
        let (id, hex_text) = l.split_once(':').unwrap_or(("1", l));
        (id.parse().expect("key id"), hex::decode(hex_text.trim()).expect("hex key"))
    }))
    .expect("a key ring")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--age-recipient") {
        println!("{}", age::x25519::Identity::generate().to_public());
        return;
    }
    let [_, dir, first, count] = args.as_slice() else {
        eprintln!("usage: postal_seed DATA_DIR FIRST_LOGIN COUNT");
        std::process::exit(2);
    };
    let dir = Path::new(dir);
    let (first, count): (u64, u64) = (first.parse().expect("a login ID"), count.parse().expect("a count"));
    let audit = Arc::new(AuditKeys::new(&key_ring(dir, "audit")));
    let url = format!("sqlite://{}/reissue.db", dir.display());
    let store = Arc::new(SqlStore::connect_keyed(&url, Some(audit)).await.expect("the database"));
    let hasher = Arc::new(SecretHasher::with_peppers(key_ring(dir, "pepper"), Argon2Cost::default()).expect("pepper"));
    let rng: Arc<dyn Randomness> = Arc::new(OsRandomness);
    let hashing = Arc::new(BlockingHashing::new(hasher.clone(), rng.clone(), 1));
    let dummy_hash = hasher.hash(&SecretString::from("a dummy secret"), rng.as_ref()).expect("hash");
    let masters = key_ring(dir, "code_hmac").map(|k| MacKey::new(k.clone()));
    let recovery = Arc::new(Recovery::new(RecoveryParts {
        store,
        vault: Arc::new(BuiltInVault::new(hashing.clone())),
        hashing,
        rng,
        keys: Keys::new(&masters),
        rules: Default::default(),
        credentials: CredentialSet::bank_default(),
        institution: Default::default(),
        catalogue: Arc::new(reissue_core::catalogue::Catalogue::builtin()),
        public_url: "https://bank.example".into(),
        webhooks: Vec::new(),
        dummy_hash,
        staff: Default::default(),
        counter: Default::default(),
    }));
    let checks = [IdentityCheck::BirthDate, IdentityCheck::Address];
    let who = Requester::staff("bench.helpdesk", None);
    let now = time::OffsetDateTime::now_utc();
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in (first..first + count).collect::<Vec<_>>().chunks(((count / 8).max(1)) as usize) {
        let (recovery, who, chunk) = (recovery.clone(), who.clone(), chunk.to_vec());
        tasks.spawn(async move {
            for login in chunk {
                recovery
                    .apply_for_postal_code(&login.to_string(), "benchmark", &checks, &who, now)
                    .await
                    .unwrap_or_else(|e| panic!("{login}: {e}"));
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("an application task");
    }
}
