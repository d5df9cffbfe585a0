//! Re-importing accounts cannot hide a contact change: a phone number, e-mail, name or
//! address that an import changes counts as changed at the import, whatever older time the
//! file gives, so the cooldown before a voice call applies to it.

use std::time::Duration;

use serde_json::{Value, json};
use sqlx::Row;

use crate::harness::{Api, Db, Env, Server};

const LOGIN: &str = "300000002";

fn line(phc: &str, phone: &str) -> Value {
    json!({"login_id": LOGIN, "kind": "individual", "name": {"family": "Old", "given": "Number"},
        "birth_date": "1970-01-02", "email": "on@example.jp", "phone": phone, "language": "ja",
        "credentials": {"cash_card_pin": {"phc": phc}},
        "changed_at": {"phone": "2020-01-01T00:00:00Z", "email": "2020-01-01T00:00:00Z"}})
}

async fn import(server: &Server, phc: &str, phone: &str, update: bool) {
    let mut args = vec!["account", "import"];
    if update {
        args.push("--update");
    }
    args.push("-");
    let (ok, _, err) = server.cli(&args, &line(phc, phone).to_string());
    assert!(ok, "{err}");
}

fn changed_at(server: &Server) -> Value {
    let (ok, shown, err) = server.cli(&["account", "show", LOGIN], "");
    assert!(ok, "{err}");
    serde_json::from_str::<Value>(&shown).expect("account show prints JSON")["changed_at"].clone()
}

async fn audit_outcomes(env: &Env) -> Vec<String> {
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    sqlx::query("SELECT outcome FROM audit_events WHERE action = 'voice_application' AND login_id = $1 ORDER BY seq")
        .bind(LOGIN)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("outcome"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_phone_changed_by_re_import_with_an_old_changed_at_is_not_called_at_once() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 20\n");
    let (ok, phc, _) = server.cli(&["secret", "hash"], "4826\n");
    assert!(ok);
    let phc = phc.trim();
    import(&server, phc, "+819011112222", false).await;
    // The same phone again with the same old time: nothing changed, the account stays eligible.
    import(&server, phc, "+819011112222", true).await;
    assert_eq!(changed_at(&server)["phone"], "2020-01-01T00:00:00Z", "an unchanged phone keeps its time");
    // A new phone, still claiming the old time.
    import(&server, phc, "+819033334444", true).await;
    let changed = changed_at(&server);
    assert!(!changed["phone"].as_str().unwrap().starts_with("2020"), "the new phone counts as changed now: {changed}");
    assert_eq!(changed["email"], "2020-01-01T00:00:00Z", "the unchanged e-mail keeps its time");

    let api = Api::new(&server.base);
    let (s, _) = api.post("/api/v1/voice-applications", json!({"login_id": LOGIN, "birth_date": "1970-01-02"})).await;
    assert_eq!(s, 202);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let (_, calls) = api.get("/demo/calls").await;
    assert!(calls["calls"].as_array().unwrap().is_empty(), "the new number is not called: {calls}");
    assert_eq!(audit_outcomes(&env).await, vec!["ineligible_recent_change".to_owned()]);
}
