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

/// Parallel guesses at a PIN through the public change endpoint: however they interleave,
/// exactly as many are checked as the lock allows (5), and the PIN is locked afterwards.
async fn parallel_guesses_check_no_more_than_the_lock_allows(db: Db) {
    let env = Env::new(db);
    let server = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    let mut tasks = Vec::new();
    for i in 0..60 {
        let (http, base, token) = (api.http.clone(), server.base.clone(), server.admin_token.clone());
        tasks.push(tokio::spawn(async move {
            let guess = format!("{:04}", 5000 + i);
            http.post(format!("{base}/api/v1/credentials/change"))
                .bearer_auth(token)
                .json(&json!({"login_id": LOGIN, "credential": "telephone_pin", "current": guess, "new": "5917"}))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    for t in tasks {
        let status = t.await.unwrap().unwrap();
        assert!([401, 423, 429].contains(&status), "a guess answered {status}");
    }
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    let checked = sqlx::query(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'credential_change' AND outcome IN ('wrong', 'ok')",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get::<i64, _>(0);
    let locked_on_check = sqlx::query(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'credential_change' AND outcome IN ('locked', 'busy')",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get::<i64, _>(0);
    assert_eq!(checked + locked_on_check, 60);
    assert!(checked <= 5, "{checked} guesses were checked");
    let row = sqlx::query("SELECT failures, locked FROM credentials c JOIN accounts a ON a.id = c.account_id WHERE a.login_id = $1 AND c.name = 'telephone_pin'")
        .bind(LOGIN)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!((row.get::<i64, _>(0), row.get::<i64, _>(1)), (5, 1));
    // The right PIN no longer helps.
    let (s, _) = api
        .post_auth(
            "/api/v1/credentials/change",
            &server.admin_token,
            json!({"login_id": LOGIN, "credential": "telephone_pin", "current": "3917", "new": "5917"}),
        )
        .await;
    assert_eq!(s, 423);
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_guesses_cannot_outrun_the_lock_on_sqlite() {
    parallel_guesses_check_no_more_than_the_lock_allows(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_guesses_cannot_outrun_the_lock_on_postgres() {
    parallel_guesses_check_no_more_than_the_lock_allows(Db::Postgres).await;
}

/// Completing a reset and a wrong code entry for the same account, raced 500 times on
/// PostgreSQL: every answer is one the API promises (the reset completes, the wrong code is
/// refused), never a 5xx from two transactions that lock the same rows in opposite orders.
#[tokio::test(flavor = "multi_thread")]
async fn a_reset_completed_while_a_wrong_code_is_entered_never_fails_on_postgres() {
    let env = Env::new(Db::Postgres);
    let server = env.server(
        true,
        "[rules]\nuniform_response_ms = 10\nvoice_applications_per_day = 100000\naccount_max_code_failures = 100000\n",
    );
    let api = Api::new(&server.base);
    // Where the wrong entry lands relative to the completion's write: aimed at the end of
    // its hashing, which `estimate` follows, and spread around it.
    let mut estimate = 30.0_f64;
    for i in 0..500 {
        let (s, _) =
            api.post("/api/v1/voice-applications", json!({"login_id": LOGIN, "birth_date": "1980-04-01"})).await;
        assert_eq!(s, 202);
        let sid = api.wait_for_call(i + 1).await;
        let code = api.call_and_get_code(&sid, "4826").await;
        let (s, _) = api.post(&format!("/demo/calls/{sid}/hangup"), json!({})).await;
        assert_eq!(s, 200);
        let (s, v) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": LOGIN, "code": code})).await;
        assert_eq!(s, 201, "{v}");
        let token = v["reset_token"].as_str().expect("reset_token").to_owned();
        let wrong = if code.starts_with('0') { "1111111111" } else { "0000000000" };
        let offset = (estimate + (i % 9) as f64 - 6.0).max(0.0);
        let (http, base) = (api.http.clone(), server.base.clone());
        let complete = tokio::spawn(async move {
            let started = std::time::Instant::now();
            let pin = ["5917", "3917"][i % 2];
            let r = http
                .post(format!("{base}/api/v1/resets/complete"))
                .json(&json!({"reset_token": token, "credentials": {"telephone_pin": pin}}))
                .send()
                .await
                .expect("complete");
            let status = r.status().as_u16();
            (status, r.text().await.unwrap_or_default(), started.elapsed().as_secs_f64() * 1000.0)
        });
        let (http, base) = (api.http.clone(), server.base.clone());
        let entry = tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_micros((offset * 1000.0) as u64)).await;
            let r = http
                .post(format!("{base}/api/v1/resets"))
                .json(&json!({"channel": "voice", "login_id": LOGIN, "code": wrong}))
                .send()
                .await
                .expect("code entry");
            let status = r.status().as_u16();
            (status, r.text().await.unwrap_or_default())
        });
        let (completed, body, took) = complete.await.unwrap();
        let (entered, entry_body) = entry.await.unwrap();
        let errors = || {
            let log = server.log_text();
            log.lines().filter(|l| l.contains("ERROR") || l.contains("WARN")).collect::<Vec<_>>().join("\n")
        };
        assert_eq!(completed, 200, "iteration {i}: completion answered {completed} {body}\n{}", errors());
        assert_eq!(entered, 400, "iteration {i}: wrong code answered {entered} {entry_body}\n{}", errors());
        estimate = 0.8 * estimate + 0.2 * took;
    }
}
