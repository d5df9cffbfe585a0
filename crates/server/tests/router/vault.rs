//! Credentials checked and written through the `CredentialVault` port: an institution that
//! keeps a credential in its own system gets every procedure — counting, locks, audit,
//! notifications — while its system holds the secret.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use reissue_core::hashing::{HashError, Verification};
use reissue_core::procedures::{HashPriority, Hashing};
use reissue_core::rules::Rules;
use reissue_core::vault::{BuiltInVault, CredentialRef, CredentialVault};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use crate::kit::{ADMIN_TOKEN, Kit, LOGIN, PASSWORD};

/// The institution's system, as far as the test can see it: it holds the login password
/// itself (anything else is left to the built-in vault) and notes every check and write.
struct InstitutionVault {
    held: Mutex<HashMap<(String, String), String>>,
    calls: Arc<Mutex<Vec<String>>>,
    built_in: BuiltInVault,
}

#[async_trait]
impl CredentialVault for InstitutionVault {
    async fn check(
        &self,
        c: CredentialRef<'_>,
        secret: SecretString,
        p: HashPriority,
    ) -> Result<Verification, HashError> {
        let held = self.held.lock().unwrap().get(&(c.login_id.to_owned(), c.credential.to_owned())).cloned();
        let Some(held) = held else { return self.built_in.check(c, secret, p).await };
        self.calls.lock().unwrap().push(format!("check {} {}", c.login_id, c.credential));
        Ok(if held == secret.expose_secret() {
            Verification::Match { needs_rehash: false }
        } else {
            Verification::Mismatch
        })
    }

    async fn write(
        &self,
        login: &str,
        credential: &str,
        secret: SecretString,
        p: HashPriority,
    ) -> Result<String, HashError> {
        let key = (login.to_owned(), credential.to_owned());
        if !self.held.lock().unwrap().contains_key(&key) {
            return self.built_in.write(login, credential, secret, p).await;
        }
        self.calls.lock().unwrap().push(format!("write {login} {credential}"));
        self.held.lock().unwrap().insert(key, secret.expose_secret().to_owned());
        Ok("held by the institution".into())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_credential_the_institution_holds_is_checked_and_written_by_its_system() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let recorded = calls.clone();
    let kit = Kit::with_vault(
        Rules::default(),
        Box::new(move |hashing: Arc<dyn Hashing>| {
            let held =
                HashMap::from([((LOGIN.to_owned(), "login_password".to_owned()), "core system secret".to_owned())]);
            Arc::new(InstitutionVault { held: Mutex::new(held), calls: recorded, built_in: BuiltInVault::new(hashing) })
                as Arc<dyn CredentialVault>
        }),
    )
    .await;
    let verify = |secret: &str| json!({"login_id": LOGIN, "credential": "login_password", "secret": secret});
    let (s, _) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), verify("core system secret")).await;
    assert_eq!(s, 200, "the institution's secret is the one that counts");
    let (s, _) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), verify(PASSWORD)).await;
    assert_eq!(s, 401, "what reissue stored locally is not consulted");
    let change = json!({"login_id": LOGIN, "credential": "login_password", "current": "core system secret", "new": "a new passphrase here"});
    let (s, v) = kit.post("/api/v1/credentials/change", Some(ADMIN_TOKEN), change).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), verify("a new passphrase here")).await;
    assert_eq!(s, 200, "the new secret was written to the institution's system");
    let calls = calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        [
            "check 987654321 login_password",
            "check 987654321 login_password",
            "check 987654321 login_password",
            "write 987654321 login_password",
            "check 987654321 login_password"
        ]
    );
    // The attempts were counted and audited by reissue as for any credential.
    let (_, audit) = kit.get(&format!("/api/v1/audit?login_id={LOGIN}"), ADMIN_TOKEN).await;
    let outcomes: Vec<&str> =
        audit["events"].as_array().unwrap().iter().filter_map(|e| e["outcome"].as_str()).collect();
    assert!(outcomes.contains(&"wrong") && outcomes.contains(&"changed"), "{outcomes:?}");
}
