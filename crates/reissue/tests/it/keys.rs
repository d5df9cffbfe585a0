//! Server keys across instances and rotation: key checks in the database, `reissue keys
//! rotate`, old keys still verifying, webhooks signed under both keys during the overlap, key
//! files that others may read refused; the keyed audit chain's checkpoints; and a sealed mail
//! wiped from the outbox once sent.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::Row;

use crate::harness::{Api, Db, Env, Server};

/// Runs the binary with `config` until it exits, and returns (success, stderr).
fn run_until_exit(config: &Path, args: &[&str]) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reissue"))
        .arg("--config")
        .arg(config)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run reissue");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("reissue {args:?} did not exit: it started although it should have refused");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("output");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The keys of a key file, by ID.
fn keys_in(path: &Path) -> Vec<(u32, Vec<u8>)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let (id, hex_text) = l.split_once(':').unwrap_or(("1", l));
            (id.parse().unwrap(), hex::decode(hex_text.trim()).unwrap())
        })
        .collect()
}

async fn stored_hash(db_url: &str, credential: &str) -> String {
    let store = reissue_store::SqlStore::connect(db_url).await.unwrap();
    sqlx::query(
        "SELECT c.hash FROM credentials c JOIN accounts a ON a.id = c.account_id \
         WHERE a.login_id = '123456789' AND c.name = $1",
    )
    .bind(credential.to_owned())
    .fetch_one(store.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap()
}

fn verify_body(secret: &str) -> Value {
    json!({"login_id": "123456789", "credential": "login_password", "secret": secret})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_instance_with_a_different_pepper_on_the_same_database_refuses_to_start_naming_the_key() {
    let env = Env::new(Db::Postgres);
    let first = env.server(true, "");
    // The second instance has the first one's other keys but a pepper of its own.
    let second_dir = env.data_dir().join("second");
    std::fs::create_dir_all(second_dir.join("keys")).unwrap();
    for name in ["code_hmac.key", "webhook_signing.key", "audit.key"] {
        std::fs::copy(first.data_dir.join("keys").join(name), second_dir.join("keys").join(name)).unwrap();
    }
    let config = second_dir.join("reissue.toml");
    let text = std::fs::read_to_string(&first.config).unwrap().replace(
        &format!("data_dir = \"{}\"", first.data_dir.display()),
        &format!("data_dir = \"{}\"", second_dir.display()),
    );
    std::fs::write(&config, text).unwrap();
    let (ok, stderr) = run_until_exit(&config, &["serve"]);
    assert!(!ok, "{stderr}");
    let pepper_file = second_dir.join("keys/pepper.key");
    assert!(stderr.contains("pepper key 1"), "{stderr}");
    assert!(stderr.contains(&pepper_file.display().to_string()), "{stderr}");
    // The first instance still works; the refused one changed nothing.
    let (s, _) = Api::new(&first.base).get("/readyz").await;
    assert_eq!(s, 200);
    // With the same pepper, the second instance starts.
    std::fs::remove_file(&pepper_file).unwrap();
    std::fs::copy(first.data_dir.join("keys/pepper.key"), &pepper_file).unwrap();
    let (ok, stderr) = run_until_exit(&config, &["audit", "verify"]);
    assert!(ok, "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn after_rotating_the_pepper_a_password_set_before_still_verifies_and_is_rehashed_under_the_new_key() {
    let env = Env::new(Db::Sqlite);
    let mut server = env.server(true, "");
    let (ok, token, _) = server.cli(&["token", "create", "--role", "integrator", "--name", "web"], "");
    assert!(ok);
    let before = stored_hash(&server.db_url, "login_password").await;
    assert!(before.contains(",keyid=MQ$"), "{before}");
    let (ok, out, err) = server.cli(&["keys", "rotate", "pepper"], "");
    assert!(ok, "{err}");
    assert!(out.contains("pepper key 2 is now current"), "{out}");
    assert_eq!(keys_in(&server.data_dir.join("keys/pepper.key")).len(), 2);
    server.restart();
    let api = Api::new(&server.base);
    let (s, v) = api.post_auth("/api/v1/credentials/verify", token.trim(), verify_body("sakura blossom 2024")).await;
    assert_eq!(s, 200, "{v}");
    let after = stored_hash(&server.db_url, "login_password").await;
    assert!(after.contains(",keyid=Mg$"), "re-hashed under pepper 2: {after}");
    let (s, _) = api.post_auth("/api/v1/credentials/verify", token.trim(), verify_body("sakura blossom 2024")).await;
    assert_eq!(s, 200);
    let (s, _) = api.post_auth("/api/v1/credentials/verify", token.trim(), verify_body("sakura blossom 2025")).await;
    assert_eq!(s, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn after_rotating_the_code_hmac_key_a_token_made_before_still_works() {
    let env = Env::new(Db::Sqlite);
    let mut server = env.server(true, "");
    let (ok, old_token, _) = server.cli(&["token", "create", "--role", "integrator", "--name", "old"], "");
    assert!(ok);
    let (ok, _, err) = server.cli(&["keys", "rotate", "code-hmac"], "");
    assert!(ok, "{err}");
    server.restart();
    let (ok, new_token, _) = server.cli(&["token", "create", "--role", "integrator", "--name", "new"], "");
    assert!(ok);
    let api = Api::new(&server.base);
    for token in [old_token.trim(), new_token.trim()] {
        let (s, v) = api.post_auth("/api/v1/credentials/verify", token, verify_body("sakura blossom 2024")).await;
        assert_eq!(s, 200, "{v}");
    }
    let (s, _) = api.post_auth("/api/v1/credentials/verify", "rt_not-a-token", verify_body("x")).await;
    assert_eq!(s, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn during_a_webhook_key_overlap_a_webhook_carries_two_signatures_that_verify() {
    use hmac::{KeyInit, Mac};
    let (hook, received) = crate::harness::webhook_sink().await;

    let env = Env::new(Db::Sqlite);
    let mut server =
        env.server(true, &format!("[rules]\nuniform_response_ms = 10\n\n[[webhooks]]\nurl = \"{hook}\"\n"));
    let (ok, _, err) = server.cli(&["keys", "rotate", "webhook-signing"], "");
    assert!(ok, "{err}");
    server.restart();
    let (s, _) = Api::new(&server.base)
        .post_auth(
            "/api/v1/credentials/change",
            &server.admin_token,
            json!({"login_id": "123456789", "credential": "telephone_pin", "current": "3917", "new": "5917"}),
        )
        .await;
    assert_eq!(s, 200);
    let (headers, body) = crate::harness::first_webhook(&received).await;
    let sig = headers["reissue-signature"].to_str().unwrap().to_owned();
    let mut parts = sig.split(',');
    let t = parts.next().unwrap().strip_prefix("t=").unwrap().to_owned();
    let sigs: Vec<&str> = parts.map(|p| p.strip_prefix("v1=").expect("v1=")).collect();
    let keys = keys_in(&server.data_dir.join("keys/webhook_signing.key"));
    assert_eq!(keys.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![1, 2]);
    let expected: Vec<String> = keys
        .iter()
        .rev()
        .map(|(_, key)| {
            let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
            mac.update(format!("{t}.").as_bytes());
            mac.update(&body);
            hex::encode(mac.finalize().into_bytes())
        })
        .collect();
    assert_eq!(sigs, expected, "newest key first, then the old one");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_file_that_group_or_others_may_read_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new(Db::Sqlite);
    let mut server: Server = env.server(false, "");
    server.kill();
    let path: PathBuf = server.data_dir.join("keys/pepper.key");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (ok, stderr) = run_until_exit(&server.config, &["serve"]);
    assert!(!ok);
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(stderr.contains("mode 0644"), "{stderr}");
    assert!(stderr.contains(&format!("chmod 600 {}", path.display())), "{stderr}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (ok, stderr) = run_until_exit(&server.config, &["audit", "verify"]);
    assert!(ok, "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_checkpoint_shows_a_cut_tail_and_a_forged_checkpoint_is_refused() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    for _ in 0..4 {
        api.post("/api/v1/voice-applications", json!({"login_id": "111111111", "birth_date": "1975-11-30"})).await;
    }
    let (ok, line, err) = server.cli(&["audit", "checkpoint"], "");
    assert!(ok, "{err}");
    let cp: Value = serde_json::from_str(line.trim()).unwrap();
    let seq = cp["seq"].as_i64().unwrap();
    assert!(seq >= 5, "{cp}");
    assert!(cp["head"].as_str().unwrap().starts_with("1:"), "{cp}");
    assert_eq!(cp["key_id"], 1);
    let file = server.data_dir.join("checkpoint.json");
    std::fs::write(&file, &line).unwrap();
    let file_arg = file.to_str().unwrap();
    let (ok, out, _) = server.cli(&["audit", "verify", "--checkpoint", file_arg], "");
    assert!(ok, "{out}");
    // More events afterwards still reach the checkpoint.
    api.post("/api/v1/voice-applications", json!({"login_id": "111111111", "birth_date": "1975-11-30"})).await;
    let (ok, out, _) = server.cli(&["audit", "verify", "--checkpoint", file_arg], "");
    assert!(ok, "{out}");

    // Cut the tail: the chain that is left is intact in itself, but no longer reaches the head.
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    sqlx::query("DELETE FROM audit_events WHERE seq > $1").bind(seq - 2).execute(store.pool()).await.unwrap();
    let (ok, out, _) = server.cli(&["audit", "verify"], "");
    assert!(ok && out.contains("intact"), "{out}");
    let (ok, out, _) = server.cli(&["audit", "verify", "--checkpoint", file_arg], "");
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("ends at event {}", seq - 2)) && out.contains("tail was cut"), "{out}");

    // Moving the checkpoint back to the new end does not pass: its MAC no longer verifies.
    let last: String = sqlx::query("SELECT hash FROM audit_events WHERE seq = $1")
        .bind(seq - 2)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let mut forged = cp.clone();
    forged["seq"] = json!(seq - 2);
    forged["head"] = json!(last);
    std::fs::write(&file, forged.to_string()).unwrap();
    let (ok, out, _) = server.cli(&["audit", "verify", "--checkpoint", file_arg], "");
    assert!(!ok, "{out}");
    assert!(out.contains("MAC does not verify"), "{out}");
    std::fs::write(&file, "not json").unwrap();
    let (ok, _, err) = server.cli(&["audit", "verify", "--checkpoint", file_arg], "");
    assert!(!ok && err.contains("not a checkpoint"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sealed_mail_is_wiped_from_the_outbox_once_sent() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    let request = json!({"login_id": "123456789", "name": "Koku Taro", "phone_country": "+81",
        "phone_number": "09012345678", "email": "taro@example.jp"});
    let (s, _) = api.post("/api/v1/password-initializations", request).await;
    assert_eq!(s, 202);
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    let mut row = None;
    for _ in 0..200 {
        let r = sqlx::query("SELECT state, payload FROM outbox WHERE payload LIKE '%sealed_email%'")
            .fetch_optional(store.pool())
            .await
            .unwrap()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)));
        if let Some((state, payload)) = r.filter(|(state, _)| state == "done") {
            row = Some((state, payload));
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, payload) = row.expect("the sealed mail was sent");
    assert_eq!(api.mailbox().await.len(), 1, "the mail went out");
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["kind"], "sealed_email");
    assert_eq!(payload["sealed_body"], "", "the sealed bytes are gone: {payload}");
    assert_eq!(payload["to"], "taro@example.jp");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_old_key_is_retired_only_once_nothing_in_use_depends_on_it() {
    let env = Env::new(Db::Sqlite);
    let mut server = env.server(true, "");
    let (ok, token, _) = server.cli(&["token", "create", "--role", "integrator", "--name", "web"], "");
    assert!(ok);
    for kind in ["pepper", "code-hmac", "webhook-signing", "audit"] {
        let (ok, _, err) = server.cli(&["keys", "rotate", kind], "");
        assert!(ok, "{kind}: {err}");
    }
    let refused = |args: &[&str], why: &str| {
        let (ok, _, err) = server.cli(args, "");
        assert!(!ok && err.contains(why), "{args:?}: {err}");
    };
    refused(&["keys", "retire", "webhook-signing", "2"], "is the current key");
    refused(&["keys", "retire", "webhook-signing", "7"], "holds no webhook_signing key 7");
    refused(&["keys", "retire", "audit", "1"], "never retired");
    // The demo accounts' hashes and the token were made under the old keys.
    refused(&["keys", "retire", "pepper", "1"], "still use pepper key 1");
    refused(&["keys", "retire", "code-hmac", "1"], "1 API token(s) were made under code_hmac key 1");
    let pepper = keys_in(&server.data_dir.join("keys/pepper.key"));
    assert_eq!(pepper.len(), 2, "a refused retirement changes nothing");

    // Ending the webhook overlap: one key is left, and every command still starts.
    let (ok, out, err) = server.cli(&["keys", "retire", "webhook-signing", "1"], "");
    assert!(ok, "{err}");
    assert!(out.contains("webhook_signing key 1 is retired"), "{out}");
    assert_eq!(
        keys_in(&server.data_dir.join("keys/webhook_signing.key")).iter().map(|k| k.0).collect::<Vec<_>>(),
        vec![2]
    );
    server.restart();
    let api = Api::new(&server.base);
    let (s, _) = api.post_auth("/api/v1/credentials/verify", token.trim(), verify_body("sakura blossom 2024")).await;
    assert_eq!(s, 200);
    let (ok, out, _) = server.cli(&["audit", "verify"], "");
    assert!(ok, "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pepper_is_retired_once_every_hash_under_it_was_rehashed() {
    let env = Env::new(Db::Postgres);
    let mut server = env.server(false, "");
    let line = r#"{"login_id":"123456789","kind":"individual","name":{"family":"Koku","given":"Jiro"},"birth_date":"1990-01-01","email":"jiro@example.jp","phone":"+819011112222","language":"ja","credentials":{"login_password":{"secret":"sakura blossom 2024"}}}"#;
    let (ok, _, err) = server.cli(&["account", "import", "-"], line);
    assert!(ok, "{err}");
    let (ok, _, err) = server.cli(&["keys", "rotate", "pepper"], "");
    assert!(ok, "{err}");
    let (ok, _, err) = server.cli(&["keys", "retire", "pepper", "1"], "");
    assert!(!ok && err.contains("1 password or PIN hash(es) still use pepper key 1"), "{err}");
    server.restart();
    let (s, _) = Api::new(&server.base)
        .post_auth("/api/v1/credentials/verify", &server.admin_token, verify_body("sakura blossom 2024"))
        .await;
    assert_eq!(s, 200);
    let (ok, out, err) = server.cli(&["keys", "retire", "pepper", "1"], "");
    assert!(ok, "{err}");
    assert!(out.contains("pepper key 1 is retired"), "{out}");
    let (ok, _, err) = server.cli(&["keys", "retire", "pepper", "2"], "");
    assert!(!ok && err.contains("is the current key"), "{err}");
    server.restart();
    let (s, _) = Api::new(&server.base)
        .post_auth("/api/v1/credentials/verify", &server.admin_token, verify_body("sakura blossom 2024"))
        .await;
    assert_eq!(s, 200, "the re-hashed password verifies without pepper 1");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_code_key_is_not_retired_while_a_reset_code_made_under_it_can_still_be_entered() {
    let env = Env::new(Db::Sqlite);
    let mut server = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    api.post("/api/v1/voice-applications", json!({"login_id": "987654321", "birth_date": "1975-11-30"})).await;
    let sid = api.wait_for_call(1).await;
    let code = api.call_and_get_code(&sid, "7351").await;
    let (ok, _, err) = server.cli(&["keys", "rotate", "code-hmac"], "");
    assert!(ok, "{err}");
    server.restart();
    let (ok, _, err) = server.cli(&["keys", "retire", "code-hmac", "1"], "");
    assert!(!ok && err.contains("reset code(s) that can still be entered"), "{err}");
    // The code made under the old key still opens a session.
    let (s, _) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": "987654321", "code": code})).await;
    assert_eq!(s, 201);
}
