//! The voice reset procedure end to end through the real binary, on SQLite and PostgreSQL:
//! apply, the simulated call with signed webhooks, code entry, new credentials, mail.

use serde_json::json;

use crate::harness::{Api, Db, Env};

const LOGIN: &str = "987654321";
const PIN: &str = "7351";
const OLD_PASSWORD: &str = "lantern harbour mist";
const NEW_PASSWORD: &str = "a brand new passphrase";

async fn whole_procedure(db: Db) {
    let env = Env::new(db);
    let server = env.server(true, "[rules]\nuniform_response_ms = 50\n");
    let api = Api::new(&server.base);

    let (s, v) = api.post("/api/v1/voice-applications", json!({"login_id": LOGIN, "birth_date": "1975-11-30"})).await;
    assert_eq!((s, v.clone()), (202, json!({"status": "accepted"})));
    let sid = api.wait_for_call(1).await;

    // A wrong PIN first: the call says so and asks again, and speaks no code.
    api.post(&format!("/demo/calls/{sid}/answer"), json!({})).await;
    let (_, v) = api.post(&format!("/demo/calls/{sid}/keys"), json!({"keys": "0000#"})).await;
    let said: Vec<String> =
        v["transcript"].as_array().unwrap().iter().map(|t| t["text"].as_str().unwrap().to_owned()).collect();
    assert!(said.iter().any(|t| t.contains("not correct") && t.contains("2 more tries")), "{said:?}");
    assert!(v["transcript"].as_array().unwrap().iter().all(|t| t["digits"] == ""));
    let (_, v) = api.post(&format!("/demo/calls/{sid}/keys"), json!({"keys": format!("{PIN}#")})).await;
    let code = v["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["digits"].as_str())
        .find(|d| !d.is_empty())
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 10);
    // "Press 1 to repeat" speaks the same code again.
    let (_, v) = api.post(&format!("/demo/calls/{sid}/keys"), json!({"keys": "1"})).await;
    let spoken: Vec<&str> = v["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["digits"].as_str())
        .filter(|d| !d.is_empty())
        .collect();
    assert_eq!(spoken, vec![code.as_str(), code.as_str()]);

    // A wrong code, then the right one typed with full-width digits and a hyphen.
    let (s, v) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": LOGIN, "code": "0000000000"})).await;
    assert_eq!(s, 400);
    assert_eq!(v["error"]["code"], "invalid_code");
    let (s, _) = api.post("/api/v1/resets", json!({"channel": "postal", "login_id": LOGIN, "code": code})).await;
    assert_eq!(s, 400, "a voice code does not work on the postal page");
    let typed: String = code.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()).collect();
    let typed = format!("{}-{}", &typed[..15], &typed[15..]);
    let (s, session) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": LOGIN, "code": typed})).await;
    assert_eq!(s, 201, "{session}");
    let names: Vec<&str> =
        session["credentials"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["login_password", "telephone_pin"], "the cash-card PIN is not resettable online");
    let token = session["reset_token"].as_str().unwrap();

    // Policy and naming errors change nothing.
    let (s, v) = api
        .post(
            "/api/v1/resets/complete",
            json!({"reset_token": token, "credentials": {"login_password": NEW_PASSWORD, "telephone_pin": "1234"}}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(v["error"]["code"], "policy_violation");
    assert_eq!(v["error"]["field"], "credentials.telephone_pin");
    let (s, v) =
        api.post("/api/v1/resets/complete", json!({"reset_token": token, "credentials": {"web_pin": "5917"}})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("unknown_credential")));
    let (s, v) = api
        .post("/api/v1/resets/complete", json!({"reset_token": token, "credentials": {"cash_card_pin": "5917"}}))
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("not_resettable")));
    let (s, v) =
        api.post("/api/v1/resets/complete", json!({"reset_token": token, "credentials": {"login_password": ""}})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("nothing_to_change")));
    let verify = |secret: &str| json!({"login_id": LOGIN, "credential": "login_password", "secret": secret});
    let (s, _) = api.post_auth("/api/v1/credentials/verify", &server.admin_token, verify(OLD_PASSWORD)).await;
    assert_eq!(s, 200, "the old password still works until the reset completes");

    let (s, v) = api
        .post(
            "/api/v1/resets/complete",
            json!({"reset_token": token, "credentials": {"login_password": NEW_PASSWORD, "telephone_pin": ""}}),
        )
        .await;
    assert_eq!((s, v.clone()), (200, json!({"changed": ["login_password"]})));
    let (s, _) = api
        .post(
            "/api/v1/resets/complete",
            json!({"reset_token": token, "credentials": {"login_password": "yet another passphrase"}}),
        )
        .await;
    assert_eq!(s, 401, "the session is spent");
    let (s, _) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": LOGIN, "code": code})).await;
    assert_eq!(s, 400, "the code is spent");

    let (s, v) = api.post_auth("/api/v1/credentials/verify", &server.admin_token, verify(NEW_PASSWORD)).await;
    assert_eq!((s, v), (200, json!({"result": "ok", "must_change": false})));
    let (s, _) = api.post_auth("/api/v1/credentials/verify", &server.admin_token, verify(OLD_PASSWORD)).await;
    assert_eq!(s, 401);

    // Two e-mails: the reset page URL after the call, the notice after the change.
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = api.mailbox().await;
        if mails.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails[0]["body"].as_str().unwrap().contains(&format!("{}/reset/voice", server.base)));
    assert!(mails[1]["body"].as_str().unwrap().contains("Login password"));
    for m in &mails {
        let text = m.to_string();
        assert!(!text.contains(&code) && !text.contains(NEW_PASSWORD) && !text.contains(PIN), "{text}");
        // An English speaker is sent to the English help desk (the demo's 0120-000-001).
        let body = m["body"].as_str().unwrap();
        assert!(body.contains("our English help desk") && body.contains("0120-000-001"), "{body}");
        assert!(!body.contains("0120-000-000"), "{body}");
    }

    // The audit log is readable by an auditor and its chain is intact.
    let r = api
        .http
        .get(format!("{}/api/v1/audit?login_id={LOGIN}", server.base))
        .bearer_auth(&server.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let events: serde_json::Value = r.json().await.unwrap();
    let actions: Vec<&str> =
        events["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in ["voice_application", "voice_pin", "voice_code", "code_entry_voice", "reset_completed"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }

    // No secret in any log line (debug level) or any database byte.
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    let dump = store.dump_text().await.unwrap();
    let log = server.log_text();
    assert!(log.contains("DEBUG"), "the test runs the server at debug level");
    for secret in [code.as_str(), PIN, NEW_PASSWORD, OLD_PASSWORD, token, &server.admin_token] {
        assert!(!contains_token(&log, secret), "log contains a secret: {secret}");
        assert!(!contains_token(&dump, secret), "database contains a secret: {secret}");
    }
    // The check itself finds a planted secret, and not one that is part of a longer number.
    assert!(contains_token("pin=7351;", "7351") && !contains_token("port 57351", "7351"));
}

#[tokio::test(flavor = "multi_thread")]
async fn voice_reset_end_to_end_on_sqlite() {
    whole_procedure(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn voice_reset_end_to_end_on_postgres() {
    whole_procedure(Db::Postgres).await;
}

/// Whether `needle` occurs in `hay` as a token of its own: a 4-digit PIN inside a port number
/// or a timestamp is a coincidence, not a leak.
fn contains_token(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callee_who_never_presses_a_key_hears_goodbye_after_the_last_silent_prompt() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 20\ncall_silent_prompts = 3\n");
    let api = Api::new(&server.base);
    api.post("/api/v1/voice-applications", json!({"login_id": LOGIN, "birth_date": "1975-11-30"})).await;
    let sid = api.wait_for_call(1).await;
    let (_, mut v) = api.post(&format!("/demo/calls/{sid}/answer"), json!({})).await;
    let mut waits = 0;
    while v["awaiting_keys"] == true {
        waits += 1;
        assert!(waits <= 3, "still prompting after {waits} silent prompts: {v}");
        v = api.post(&format!("/demo/calls/{sid}/wait"), json!({})).await.1;
    }
    assert_eq!(waits, 3, "three prompts go unanswered before the call ends");
    let said: Vec<&str> = v["transcript"].as_array().unwrap().iter().map(|t| t["text"].as_str().unwrap()).collect();
    assert_eq!(said.iter().filter(|t| t.contains("PIN of your cash card")).count(), 3, "{said:?}");
    assert!(said.last().unwrap().contains("Goodbye"), "{said:?}");
    assert_eq!(said.iter().filter(|t| t.starts_with("This is")).count(), 1, "greeted once: {said:?}");
    let (_, audit) = api.get_auth(&format!("/api/v1/audit?login_id={LOGIN}"), &server.admin_token).await;
    assert!(
        audit["events"].as_array().unwrap().iter().any(|e| e["action"] == "voice_call" && e["outcome"] == "no_input"),
        "{audit}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn press_one_repeats_the_code_at_most_twice() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 20\n");
    let api = Api::new(&server.base);
    api.post("/api/v1/voice-applications", json!({"login_id": LOGIN, "birth_date": "1975-11-30"})).await;
    let sid = api.wait_for_call(1).await;
    api.post(&format!("/demo/calls/{sid}/answer"), json!({})).await;
    let (_, mut v) = api.post(&format!("/demo/calls/{sid}/keys"), json!({"keys": format!("{PIN}#")})).await;
    let mut presses = 0;
    while v["awaiting_keys"] == true {
        presses += 1;
        assert!(presses <= 2, "offered a repeat a third time: {v}");
        v = api.post(&format!("/demo/calls/{sid}/keys"), json!({"keys": "1"})).await.1;
    }
    let spoken: Vec<&str> = v["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["digits"].as_str())
        .filter(|d| !d.is_empty())
        .collect();
    assert_eq!(spoken.len(), 3, "the code is heard once and repeated twice: {spoken:?}");
    assert!(spoken.iter().all(|c| *c == spoken[0]));
}
