//! Limits hold under concurrency and across instances: 200 wrong codes fired at once count
//! exactly 6 on the code, and the right code is refused afterwards.

use serde_json::json;
use sqlx::Row;

use crate::harness::{Api, Db, Env};

const LOGIN: &str = "123456789";

async fn two_hundred_wrong_codes(db: Db, instances: usize) {
    let env = Env::new(db);
    let first = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let second = (instances > 1).then(|| env.server(false, "[rules]\nuniform_response_ms = 10\n"));
    let api = Api::new(&first.base);
    let (s, _) = api.post("/api/v1/voice-applications", json!({"login_id": LOGIN, "birth_date": "1980-04-01"})).await;
    assert_eq!(s, 202);
    let sid = api.wait_for_call(1).await;
    let code = api.call_and_get_code(&sid, "4826").await;
    let wrong = if code == "0000000000" { "1111111111" } else { "0000000000" };

    let bases: Vec<String> =
        std::iter::once(first.base.clone()).chain(second.as_ref().map(|s| s.base.clone())).collect();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let url = format!("{}/api/v1/resets", bases[i % bases.len()]);
        let http = api.http.clone();
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .json(&json!({"channel": "voice", "login_id": LOGIN, "code": wrong}))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), 400);
    }
    let (s, _) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": LOGIN, "code": code})).await;
    assert_eq!(s, 400, "the 6th wrong entry killed the code");

    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    let row = sqlx::query("SELECT failures, state FROM reset_codes ORDER BY id DESC LIMIT 1")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<i64, _>(0), 6);
    assert_eq!(row.get::<String, _>(1), "dead");
    let killed = sqlx::query("SELECT COUNT(*) FROM audit_events WHERE outcome = 'code_killed'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(killed.get::<i64, _>(0), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_concurrent_wrong_codes_count_exactly_six_on_sqlite() {
    two_hundred_wrong_codes(Db::Sqlite, 1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_concurrent_wrong_codes_count_exactly_six_on_postgres() {
    two_hundred_wrong_codes(Db::Postgres, 1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_sharing_postgres_count_exactly_six() {
    two_hundred_wrong_codes(Db::Postgres, 2).await;
}
