//! `reissue staff ...` from outside: an enrolment printed as one JSON object whose otpauth URI
//! an authenticator reads, and whose code (computed here from the URI's secret) signs the
//! member in through the procedure, on the database and key files the command wrote; the
//! initial password leads only to setting a new one; a code signs in once; `staff list`
//! shows the member; bad input is one line naming the problem; `serve --demo` enrols its
//! staff once.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use reissue_core::audit::AuditKeys;
use reissue_core::credential::CredentialSet;
use reissue_core::hashing::{Argon2Cost, MacKey, SecretHasher};
use reissue_core::keyring::KeyRing;
use reissue_core::keys::Keys;
use reissue_core::procedures::{Recovery, RecoveryParts};
use reissue_core::secret::Randomness;
use reissue_core::staff::{Permission, StaffAuthError, StaffRules};
use reissue_core::vault::BuiltInVault;
use reissue_server::hashing::BlockingHashing;
use reissue_store::SqlStore;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use time::OffsetDateTime;

use crate::harness::{Db, Env};

/// A configuration for the command line alone: a data directory and an SQLite database.
pub(crate) fn config(dir: &Path) -> PathBuf {
    let path = dir.join("reissue.toml");
    let text = format!(
        "[server]\ndata_dir = \"{d}\"\n\n[database]\nurl = \"sqlite://{d}/reissue.db\"\n\n\
         [institution]\nname = \"Example Bank\"\n\n[log]\nlevel = \"warn\"\n",
        d = dir.display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `reissue --config CONFIG ARGS`: (success, stdout, stderr).
pub(crate) fn reissue(config: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_reissue"))
        .arg("--config")
        .arg(config)
        .args(args)
        .stdin(Stdio::null())
        .env_remove("RUST_LOG")
        .output()
        .expect("run reissue");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct OsRandomness;

impl Randomness for OsRandomness {
    fn fill(&self, buf: &mut [u8]) {
        getrandom::fill(buf).expect("randomness");
    }
}

/// The keys of a key file the binary wrote (`ID:HEX` lines, or one bare hex line for key 1).
fn key_ring(dir: &Path, kind: &str) -> KeyRing<Vec<u8>> {
    let text = std::fs::read_to_string(dir.join("keys").join(format!("{kind}.key"))).unwrap();
    KeyRing::new(text.lines().filter(|l| !l.trim().is_empty()).map(|l| {
        let (id, hex_text) = l.split_once(':').unwrap_or(("1", l));
        (id.parse().unwrap(), hex::decode(hex_text.trim()).unwrap())
    }))
    .unwrap()
}

/// The procedures in this process, on the database and key files the command line used.
pub(crate) async fn recovery(dir: &Path) -> Recovery {
    recovery_with(dir, StaffRules::default()).await
}

async fn recovery_with(dir: &Path, staff: StaffRules) -> Recovery {
    let audit = Arc::new(AuditKeys::new(&key_ring(dir, "audit")));
    let url = format!("sqlite://{}/reissue.db", dir.display());
    let store = Arc::new(SqlStore::connect_keyed(&url, Some(audit)).await.unwrap());
    let hasher = Arc::new(SecretHasher::with_peppers(key_ring(dir, "pepper"), Argon2Cost::default()).unwrap());
    let rng: Arc<dyn Randomness> = Arc::new(OsRandomness);
    let hashing = Arc::new(BlockingHashing::new(hasher.clone(), rng.clone(), 1));
    let dummy_hash = hasher.hash(&SecretString::from("a dummy secret"), rng.as_ref()).unwrap();
    let masters = key_ring(dir, "code_hmac").map(|k| MacKey::new(k.clone()));
    Recovery::new(RecoveryParts {
        store,
        vault: Arc::new(BuiltInVault::new(hashing.clone())),
        hashing,
        rng,
        keys: Keys::new(&masters),
        rules: Default::default(),
        credentials: CredentialSet::bank_default(),
        institution: Default::default(),
        catalogue: Arc::new(reissue_core::catalogue::Catalogue::builtin()),
        public_url: "http://127.0.0.1:1".into(),
        webhooks: Vec::new(),
        dummy_hash,
        staff,
        counter: Default::default(),
    })
}

/// The code an authenticator app shows at `at` for an otpauth URI.
fn code_of(uri: &str, at: OffsetDateTime) -> SecretString {
    let totp = totp_rs::Totp::from_url(uri).unwrap_or_else(|e| panic!("{uri:?} is no otpauth URI: {e}"));
    SecretString::from(totp.generate(at.unix_timestamp() as u64).to_string())
}

/// The one JSON object of an enrolment printed with `--json`.
fn enrolment(stdout: &str) -> Value {
    assert_eq!(stdout.lines().count(), 1, "exactly one line on stdout: {stdout:?}");
    let v: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{stdout:?}: {e}"));
    let keys: Vec<&String> = v.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["initial_password", "login", "otpauth_uri"], "{v}");
    v
}

fn list(config: &Path) -> Vec<Value> {
    let (ok, out, err) = reissue(config, &["staff", "list", "--json"]);
    assert!(ok, "{err}");
    serde_json::from_str::<Vec<Value>>(out.trim()).unwrap_or_else(|e| panic!("{out:?}: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_enrolment_signs_in_with_the_code_of_its_otpauth_uri_once_and_must_set_a_new_password_first() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let (ok, out, err) =
        reissue(&config, &["staff", "add", "Taro.Koku", "--role", "helpdesk", "--name", "Taro Koku", "--json"]);
    assert!(ok, "{err}");
    let e = enrolment(&out);
    assert_eq!(e["login"], "taro.koku");
    let uri = e["otpauth_uri"].as_str().unwrap();
    let totp = totp_rs::Totp::from_url(uri).unwrap();
    assert_eq!(
        (totp.issuer(), totp.account_name(), totp.digits(), totp.step()),
        (Some("Example Bank"), "taro.koku", 6, 30)
    );
    assert_eq!(totp.secret().as_bytes().len(), 20, "160 bits");
    let password = SecretString::from(e["initial_password"].as_str().unwrap().to_owned());
    for file in ["reissue.db", "reissue.db-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        let secret = password.expose_secret().as_bytes();
        assert!(!bytes.windows(secret.len()).any(|w| w == secret), "{file} holds the initial password");
    }

    let recovery = recovery(dir.path()).await;
    let now = OffsetDateTime::now_utc();
    // A wrong password with the right code is refused, saying nothing of which was wrong.
    let wrong_password = SecretString::from("not the password at all".to_owned());
    let refused = recovery.staff_sign_in("taro.koku", &wrong_password, &code_of(uri, now), None, now).await;
    assert!(matches!(refused, Err(StaffAuthError::Refused)), "{refused:?}");

    let signed_in =
        recovery.staff_sign_in("TARO.KOKU", &password, &code_of(uri, now), Some("192.0.2.7"), now).await.unwrap();
    let session = signed_in.session;
    assert!(
        session.must_change_password && !session.may(Permission::ViewAccount),
        "an initial password does nothing else"
    );
    // The same code again is refused, here or on any instance.
    let replay = recovery.staff_sign_in("taro.koku", &password, &code_of(uri, now), None, now).await;
    assert!(matches!(replay, Err(StaffAuthError::Refused)), "{replay:?}");

    let token = signed_in.token.expose_secret().to_owned();
    let same = recovery.staff_set_new_password(&token, &password, &password, now).await;
    assert!(same.is_err(), "the new password must differ from the initial one");
    let new = SecretString::from("a desk by the harbour window".to_owned());
    recovery.staff_set_new_password(&token, &password, &new, now).await.unwrap();
    let session = recovery.staff_session(&token, now).await.unwrap().expect("the session goes on");
    assert!(
        !session.must_change_password && session.may(Permission::ViewAccount) && !session.may(Permission::ExportBatch)
    );

    // A sensitive action's fresh code: not the one that signed in, a later one, once.
    let next = now + time::Duration::seconds(30);
    let staff_id = session.staff_id.clone();
    let stale = recovery.confirm_fresh_totp(&staff_id, &code_of(uri, now), now).await;
    assert!(matches!(stale, Err(StaffAuthError::Refused)), "{stale:?}");
    recovery.confirm_fresh_totp(&staff_id, &code_of(uri, next), next).await.unwrap();
    let twice = recovery.confirm_fresh_totp(&staff_id, &code_of(uri, next), next).await;
    assert!(matches!(twice, Err(StaffAuthError::Refused)), "{twice:?}");
    // Signing out ends the session, once; signing out everywhere ends the others.
    let later = now + time::Duration::seconds(90);
    let other = recovery.staff_sign_in("taro.koku", &new, &code_of(uri, later), None, later).await.unwrap();
    assert!(recovery.staff_sign_out(&token, later).await.unwrap());
    assert!(!recovery.staff_sign_out(&token, later).await.unwrap());
    assert!(recovery.staff_session(&token, later).await.unwrap().is_none());
    assert_eq!(recovery.staff_sign_out_everywhere(&staff_id, later).await.unwrap(), 1);
    assert!(recovery.staff_session(other.token.expose_secret(), later).await.unwrap().is_none());

    let listed = list(&config);
    assert_eq!(listed.len(), 1);
    let m = &listed[0];
    assert_eq!(
        (&m["login"], &m["role"], &m["name"], &m["status"]),
        (&Value::from("taro.koku"), &Value::from("helpdesk"), &Value::from("Taro Koku"), &Value::from("active"))
    );
    assert_eq!((&m["locked"], &m["must_change_password"]), (&Value::Bool(false), &Value::Bool(false)));
    assert!(m["last_sign_in_at"].is_string(), "{m}");

    // A reset hands over a new enrolment; the old password, secret and sessions stop working.
    let t = now + time::Duration::seconds(120);
    let open = recovery.staff_sign_in("taro.koku", &new, &code_of(uri, t), None, t).await.unwrap();
    let (ok, out, err) = reissue(&config, &["staff", "reset", "taro.koku", "--json"]);
    assert!(ok, "{err}");
    let again = enrolment(&out);
    assert_ne!(again["otpauth_uri"], e["otpauth_uri"]);
    assert!(recovery.staff_session(open.token.expose_secret(), t).await.unwrap().is_none(), "a reset ends sessions");
    let t = now + time::Duration::seconds(150);
    let old = recovery.staff_sign_in("taro.koku", &new, &code_of(uri, t), None, t).await;
    assert!(matches!(old, Err(StaffAuthError::Refused)), "the old password and secret are gone: {old:?}");
    let new_uri = again["otpauth_uri"].as_str().unwrap();
    let new_password = SecretString::from(again["initial_password"].as_str().unwrap().to_owned());
    let t = now + time::Duration::seconds(180);
    let fresh = recovery.staff_sign_in("taro.koku", &new_password, &code_of(new_uri, t), None, t).await.unwrap();
    assert!(fresh.session.must_change_password);
    // Disabled: no sign-in, even with the right password and a code never used.
    let (ok, _, err) = reissue(&config, &["staff", "disable", "taro.koku"]);
    assert!(ok, "{err}");
    assert!(recovery.staff_session(fresh.token.expose_secret(), t).await.unwrap().is_none(), "disabling ends sessions");
    let t = now + time::Duration::seconds(210);
    let disabled = recovery.staff_sign_in("taro.koku", &new_password, &code_of(new_uri, t), None, t).await;
    assert!(matches!(disabled, Err(StaffAuthError::Refused)), "{disabled:?}");
    assert_eq!(list(&config)[0]["status"], "disabled");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_sign_ins_lock_the_member_at_the_limit_and_a_reset_unlocks() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let (ok, out, err) = reissue(&config, &["staff", "add", "hana", "--role", "admin", "--name", "Hana", "--json"]);
    assert!(ok, "{err}");
    let e = enrolment(&out);
    let (uri, password) =
        (e["otpauth_uri"].as_str().unwrap(), SecretString::from(e["initial_password"].as_str().unwrap().to_owned()));
    let recovery = recovery_with(dir.path(), StaffRules { max_failures: 3, ..StaffRules::default() }).await;
    let now = OffsetDateTime::now_utc();
    let wrong = SecretString::from("not the password at all".to_owned());
    for n in 1..=3 {
        let r = recovery.staff_sign_in("hana", &wrong, &code_of(uri, now), None, now).await;
        match n {
            3 => assert!(matches!(r, Err(StaffAuthError::Locked)), "the third failure locks: {r:?}"),
            _ => assert!(matches!(r, Err(StaffAuthError::Refused)), "{n}: {r:?}"),
        }
    }
    let right = recovery.staff_sign_in("hana", &password, &code_of(uri, now), None, now).await;
    assert!(matches!(right, Err(StaffAuthError::Locked)), "locked, even with the right password and code: {right:?}");
    assert_eq!(list(&config)[0]["locked"], true);
    let (ok, out, err) = reissue(&config, &["staff", "reset", "hana", "--json"]);
    assert!(ok, "{err}");
    let again = enrolment(&out);
    let later = now + time::Duration::seconds(30);
    let (uri, password) = (
        again["otpauth_uri"].as_str().unwrap(),
        SecretString::from(again["initial_password"].as_str().unwrap().to_owned()),
    );
    let signed_in = recovery.staff_sign_in("hana", &password, &code_of(uri, later), None, later).await.unwrap();
    assert!(signed_in.session.must_change_password);
    assert_eq!(list(&config)[0]["locked"], false);
}

#[test]
fn bad_input_is_one_line_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let cases: [(&[&str], &str); 4] = [
        (
            &["staff", "add", "taro", "--role", "superuser", "--name", "Taro"],
            "helpdesk, postal_operator, counter, auditor, admin",
        ),
        (&["staff", "add", "t@ro", "--role", "admin", "--name", "Taro"], "3 to 64 of a-z, 0-9"),
        (&["staff", "add", "taro", "--role", "admin", "--name", ""], "name"),
        (&["staff", "disable", "nobody"], "no staff member with login nobody"),
    ];
    for (args, named) in cases {
        let (ok, out, err) = reissue(&config, args);
        assert!(!ok, "{args:?} succeeded");
        assert!(out.is_empty(), "{args:?}: nothing on stdout: {out:?}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: one line: {err:?}");
        assert!(err.contains(named), "{args:?}: {err:?} does not name {named:?}");
    }
    let (ok, _, _) = reissue(&config, &["staff", "add", "taro", "--role", "admin", "--name", "Taro"]);
    assert!(ok);
    let (ok, out, err) = reissue(&config, &["staff", "add", "taro", "--role", "auditor", "--name", "Taro", "--json"]);
    assert!(!ok && out.is_empty() && err.contains("login taro exists already"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_enrols_its_staff_once_with_passwords_that_need_no_change() {
    let env = Env::new(Db::Sqlite);
    let mut server = env.server(true, "");
    let (ok, out, err) = server.cli(&["staff", "list", "--json"], "");
    assert!(ok, "{err}");
    let first: Vec<Value> = serde_json::from_str(out.trim()).unwrap();
    let logins: Vec<&str> = first.iter().map(|m| m["login"].as_str().unwrap()).collect();
    assert_eq!(logins, ["demo-admin", "demo-counter", "demo-helpdesk", "demo-postal"]);
    assert!(first.iter().all(|m| m["must_change_password"] == false && m["status"] == "active"), "{first:?}");
    server.restart();
    let (ok, out, err) = server.cli(&["staff", "list", "--json"], "");
    assert!(ok, "{err}");
    let second: Vec<Value> = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(second, first, "a restart enrols nobody again");
}
