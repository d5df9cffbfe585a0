//! Suspended accounts: no procedure works for one, and suspending voids whatever could
//! recover it later (codes, reset sessions, temporary passwords, a live call).

use serde_json::{Value, json};
use sqlx::Row;

use crate::harness::{Api, Db, Env, Server};

fn import(server: &Server, lines: &[Value], update: bool) -> (bool, String, String) {
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    let mut args = vec!["account", "import", "-"];
    if update {
        args.push("--update");
    }
    server.cli(&args, &text.join("\n"))
}

fn emily(status: &str) -> Value {
    json!({"login_id": "987654321", "kind": "individual", "name": {"family": "Stone", "given": "Emily"},
        "birth_date": "1975-11-30", "email": "emily@example.com", "phone": "+819087654321", "language": "en",
        "status": status,
        "credentials": {"login_password": {"secret": "lantern harbour mist"}, "telephone_pin": {"secret": "5190"}, "cash_card_pin": {"secret": "7351"}}})
}

/// Emily's code from a call, and the reset session it opened.
async fn code_and_session(api: &Api) -> (String, Value) {
    api.post("/api/v1/voice-applications", json!({"login_id": "987654321", "birth_date": "1975-11-30"})).await;
    let sid = api.wait_for_call(1).await;
    let code = api.call_and_get_code(&sid, "7351").await;
    let (s, session) =
        api.post("/api/v1/resets", json!({"channel": "voice", "login_id": "987654321", "code": code})).await;
    assert_eq!(s, 201, "{session}");
    (code, session)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suspended_account_can_be_used_by_no_procedure() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    let login = "987654321";
    let (code, session) = code_and_session(&api).await;
    let token = session["reset_token"].as_str().unwrap().to_owned();

    let (ok, out, err) = import(&server, &[emily("suspended")], true);
    assert!(ok, "{out}{err}");

    let verify = json!({"login_id": login, "credential": "login_password", "secret": "lantern harbour mist"});
    let (s, v) = api.post_auth("/api/v1/credentials/verify", &server.admin_token, verify).await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("account_suspended")));
    let change = json!({"login_id": login, "credential": "telephone_pin", "current": "5190", "new": "2468"});
    let (s, v) = api.post_auth("/api/v1/credentials/change", &server.admin_token, change).await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("account_suspended")));
    let (s, v) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": login, "code": code})).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("invalid_code")),
        "an issued code no longer opens anything"
    );
    let (s, v) = api
        .post(
            "/api/v1/resets/complete",
            json!({"reset_token": token, "credentials": {"login_password": "a brand new passphrase"}}),
        )
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("invalid_reset_token")), "nor does an open reset session");
    // Nothing was changed: the old password is still the one stored.
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    let changed = sqlx::query("SELECT COUNT(*) FROM audit_events WHERE action = 'reset_completed'")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get::<i64, _>(0);
    assert_eq!(changed, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn suspending_voids_codes_sessions_and_temporary_passwords_for_good() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    let login = "987654321";
    let (code, session) = code_and_session(&api).await;

    // Suspended, then reinstated: what was issued before does not come back with it.
    assert!(import(&server, &[emily("suspended")], true).0);
    assert!(import(&server, &[emily("active")], true).0);
    let (s, v) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": login, "code": code})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("invalid_code")), "the code was voided");
    let (s, _) = api
        .post(
            "/api/v1/resets/complete",
            json!({"reset_token": session["reset_token"], "credentials": {"login_password": "a brand new passphrase"}}),
        )
        .await;
    assert_eq!(s, 401, "the session was ended");
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    let q = |sql: &'static str| {
        let pool = store.pool().clone();
        async move { sqlx::query(sql).fetch_one(&pool).await.unwrap().get::<i64, _>(0) }
    };
    assert_eq!(q("SELECT COUNT(*) FROM reset_codes WHERE state = 'active'").await, 0);
    assert_eq!(q("SELECT COUNT(*) FROM reset_sessions WHERE state = 'open'").await, 0);
    assert_eq!(q("SELECT COUNT(*) FROM calls WHERE state <> 'ended'").await, 0);
    // The account itself works again.
    let verify = json!({"login_id": login, "credential": "login_password", "secret": "lantern harbour mist"});
    assert_eq!(api.post_auth("/api/v1/credentials/verify", &server.admin_token, verify).await.0, 200);
}
