//! Code entry writes the same whether or not the account holds a code: an entry for an
//! account without one runs the wrong-code transaction too, so neither its timing nor the
//! database's load tells the two apart.

use serde_json::json;
use sqlx::Row;

use crate::harness::{Api, Db, Env};

/// The PostgreSQL transaction that last wrote the account's row.
async fn last_writer(store: &reissue_store::SqlStore, login: &str) -> String {
    sqlx::query("SELECT xmin::text AS x FROM accounts WHERE login_id = $1")
        .bind(login)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get::<String, _>("x")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_entry_for_an_account_without_a_code_writes_what_a_wrong_code_writes() {
    let env = Env::new(Db::Postgres);
    let server = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    // 987654321 gets a code; 123456789 holds none.
    api.post("/api/v1/voice-applications", json!({"login_id": "987654321", "birth_date": "1975-11-30"})).await;
    let sid = api.wait_for_call(1).await;
    let code = api.call_and_get_code(&sid, "7351").await;
    let wrong = if code.starts_with('9') { "1000000000" } else { "9000000000" };
    for (login, typed) in [("987654321", wrong), ("123456789", "5555555555")] {
        let before = last_writer(&store, login).await;
        let (s, v) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": login, "code": typed})).await;
        assert_eq!((s, v["error"]["code"].as_str()), (400, Some("invalid_code")));
        let after = last_writer(&store, login).await;
        assert_ne!(before, after, "the entry for {login} wrote the account row");
    }
}
