//! The rules as a user meets them through the API and the command line: the application
//! limit and uniform answers, lockout, clear 4xx for bad input that change nothing, imports
//! that are all or nothing, legacy hashes, the audit chain, the OpenAPI document.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::Row;

use crate::harness::{Api, Db, Env, Server};

async fn count(store: &reissue_store::SqlStore, sql: &'static str) -> i64 {
    sqlx::query(sql).fetch_one(store.pool()).await.unwrap().get::<i64, _>(0)
}

/// Every table a request could change, except the per-IP request counter.
async fn state(store: &reissue_store::SqlStore) -> Vec<i64> {
    let mut v = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM accounts",
        "SELECT COALESCE(SUM(failures), 0) FROM credentials",
        "SELECT COUNT(*) FROM voice_applications",
        "SELECT COUNT(*) FROM calls",
        "SELECT COUNT(*) FROM reset_codes",
        "SELECT COUNT(*) FROM reset_sessions",
        "SELECT COUNT(*) FROM outbox",
        "SELECT COUNT(*) FROM audit_events",
    ] {
        v.push(count(store, sql).await);
    }
    v
}

async fn apply(api: &Api, login: &str, birth: &str) -> (u16, Value, Duration) {
    let t = Instant::now();
    let (s, v) = api.post("/api/v1/voice-applications", json!({"login_id": login, "birth_date": birth})).await;
    (s, v, t.elapsed())
}

#[tokio::test(flavor = "multi_thread")]
async fn applications_answer_alike_and_at_most_three_a_day_ring() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 120\n");
    let api = Api::new(&server.base);
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();

    // Three applications, each call unanswered; the fourth is over the daily limit.
    let mut matched = Vec::new();
    for n in 1..=4 {
        let (s, v, t) = apply(&api, "987654321", "1975-11-30").await;
        assert_eq!((s, &v), (202, &json!({"status": "accepted"})));
        matched.push(t);
        if n <= 3 {
            let sid = api.wait_for_call(n).await;
            api.post(&format!("/demo/calls/{sid}/fail"), json!({"status": "no-answer"})).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (_, calls) = api.get("/demo/calls").await;
    assert_eq!(calls["calls"].as_array().unwrap().len(), 3, "the fourth application places no call");
    let limited =
        count(&store, "SELECT COUNT(*) FROM audit_events WHERE action = 'voice_application' AND outcome = 'limited'")
            .await;
    assert_eq!(limited, 1);

    // Unknown login IDs and wrong birth dates get the same answer in the same time.
    let mut unmatched = Vec::new();
    for (login, birth) in [
        ("111111111", "1975-11-30"),
        ("987654321", "1975-12-01"),
        ("222222222", "2000-01-01"),
        ("123456789", "1999-09-09"),
    ] {
        let (s, v, t) = apply(&api, login, birth).await;
        assert_eq!((s, v), (202, json!({"status": "accepted"})));
        unmatched.push(t);
    }
    let deadline = Duration::from_millis(120);
    for t in matched.iter().chain(&unmatched) {
        assert!(*t >= deadline && *t < deadline + Duration::from_millis(400), "{t:?}");
    }
    let (_, calls) = api.get("/demo/calls").await;
    assert_eq!(calls["calls"].as_array().unwrap().len(), 3, "no call for a mismatch");

    // While a call is under way, a new application rings no second phone.
    let (s, _, _) = apply(&api, "123456789", "1980-04-01").await;
    assert_eq!(s, 202);
    api.wait_for_call(4).await;
    apply(&api, "123456789", "1980-04-01").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (_, calls) = api.get("/demo/calls").await;
    assert_eq!(calls["calls"].as_array().unwrap().len(), 4);

    // Malformed fields are named; they say nothing about accounts.
    let (s, v) = api.post("/api/v1/voice-applications", json!({"login_id": "12345", "birth_date": "1980-04-01"})).await;
    assert_eq!((s, v["error"]["field"].as_str()), (400, Some("login_id")));
    let (s, v) =
        api.post("/api/v1/voice-applications", json!({"login_id": "123456789", "birth_date": "1980/04/01"})).await;
    assert_eq!((s, v["error"]["field"].as_str()), (400, Some("birth_date")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recently_changed_phone_makes_an_account_ineligible_but_the_answer_is_the_same() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 20\n");
    let recent = (time::OffsetDateTime::now_utc() - time::Duration::days(3))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (ok, phc, _) = server.cli(&["secret", "hash"], "4826\n");
    assert!(ok);
    let line = json!({"login_id": "300000001", "kind": "individual", "name": {"family": "New", "given": "Phone"},
        "birth_date": "1970-01-02", "email": "np@example.jp", "phone": "+819011112222", "language": "ja",
        "credentials": {"cash_card_pin": {"phc": phc.trim()}}, "changed_at": {"phone": recent}});
    let (ok, _, err) = server.cli(&["account", "import", "-"], &line.to_string());
    assert!(ok, "{err}");
    let api = Api::new(&server.base);
    let (s, _, _) = apply(&api, "300000001", "1970-01-02").await;
    assert_eq!(s, 202);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let (_, calls) = api.get("/demo/calls").await;
    assert!(calls["calls"].as_array().unwrap().is_empty());
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_events WHERE outcome = 'ineligible_recent_change'").await, 1);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM voice_applications").await, 1, "it counts toward the daily limit");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_a_clear_4xx_and_changes_nothing() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "");
    let api = Api::new(&server.base);
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    let before = state(&store).await;
    let raw = |path: &str, ctype: Option<&str>, body: Vec<u8>| {
        let mut r = api.http.post(format!("{}{path}", server.base)).body(body);
        if let Some(c) = ctype {
            r = r.header("content-type", c);
        }
        r
    };
    let json_ct = Some("application/json");
    let cases: Vec<(&str, reqwest::RequestBuilder, u16, &str)> = vec![
        ("syntax", raw("/api/v1/resets", json_ct, b"{\"channel\":".to_vec()), 400, "malformed_json"),
        (
            "invalid utf-8",
            raw(
                "/api/v1/resets",
                json_ct,
                b"{\"channel\":\"voice\",\"login_id\":\"\xff\xfe\",\"code\":\"1\"}".to_vec(),
            ),
            400,
            "malformed_json",
        ),
        (
            "wrong type",
            raw("/api/v1/resets", json_ct, br#"{"channel":"voice","login_id":123456789,"code":"1"}"#.to_vec()),
            422,
            "invalid_request",
        ),
        (
            "unknown field",
            raw(
                "/api/v1/resets",
                json_ct,
                br#"{"channel":"voice","login_id":"123456789","code":"1","admin":true}"#.to_vec(),
            ),
            422,
            "invalid_request",
        ),
        (
            "missing field",
            raw("/api/v1/voice-applications", json_ct, br#"{"login_id":"123456789"}"#.to_vec()),
            422,
            "invalid_request",
        ),
        (
            "unknown channel",
            raw("/api/v1/resets", json_ct, br#"{"channel":"fax","login_id":"123456789","code":"1"}"#.to_vec()),
            422,
            "invalid_request",
        ),
        (
            "no content type",
            raw("/api/v1/resets", None, br#"{"channel":"voice"}"#.to_vec()),
            415,
            "unsupported_media_type",
        ),
        (
            "too large",
            raw(
                "/api/v1/voice-applications",
                json_ct,
                format!("{{\"login_id\":\"{}\"}}", "1".repeat(20_000)).into_bytes(),
            ),
            413,
            "body_too_large",
        ),
        (
            "no token",
            raw(
                "/api/v1/credentials/verify",
                json_ct,
                br#"{"login_id":"123456789","credential":"login_password","secret":"x"}"#.to_vec(),
            ),
            401,
            "unauthorized",
        ),
        (
            "unsigned webhook",
            raw("/voice/pin?call=x", Some("application/x-www-form-urlencoded"), b"Digits=4826".to_vec()),
            403,
            "bad_signature",
        ),
        (
            "bad reset token",
            raw(
                "/api/v1/resets/complete",
                json_ct,
                br#"{"reset_token":"rs_nope","credentials":{"login_password":"abc def ghi"}}"#.to_vec(),
            ),
            401,
            "invalid_reset_token",
        ),
    ];
    for (name, req, status, code) in cases {
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{name}");
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert_eq!(v["error"]["code"], code, "{name}: {v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{name}");
    }
    let (s, v) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": 5, "code": "1"})).await;
    assert_eq!((s, v["error"]["field"].as_str()), (422, Some("login_id")));
    let (s, v) =
        api.post("/api/v1/resets", json!({"channel": "voice", "login_id": "123456789", "code": "1", "x": 1})).await;
    assert_eq!((s, v["error"]["field"].as_str()), (422, Some("x")));
    let r = api.http.get(format!("{}/no/such/page", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = api.http.delete(format!("{}/api/v1/resets", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "method_not_allowed");
    assert_eq!(state(&store).await, before, "nothing changed");
    assert!(!server.log_text().contains("panicked"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_locks_after_ten_failures_and_roles_are_enforced() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "");
    let api = Api::new(&server.base);
    let (ok, integrator, _) = server.cli(&["token", "create", "--role", "integrator", "--name", "web"], "");
    assert!(ok);
    let (ok, auditor, _) = server.cli(&["token", "create", "--role", "auditor", "--name", "audit"], "");
    assert!(ok);
    let (integrator, auditor) = (integrator.trim(), auditor.trim());
    let verify = |secret: &str| json!({"login_id": "123456789", "credential": "login_password", "secret": secret});
    let (s, _) = api.post_auth("/api/v1/credentials/verify", auditor, verify("sakura blossom 2024")).await;
    assert_eq!(s, 403, "an auditor may not verify");
    let r = api
        .http
        .get(format!("{}/api/v1/audit?login_id=123456789", server.base))
        .bearer_auth(integrator)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "an integrator may not read the audit log");

    // A success clears the count: 9 failures, a success, 9 more — still not locked.
    for _ in 0..9 {
        assert_eq!(api.post_auth("/api/v1/credentials/verify", integrator, verify("wrong guess")).await.0, 401);
    }
    assert_eq!(api.post_auth("/api/v1/credentials/verify", integrator, verify("sakura blossom 2024")).await.0, 200);
    for _ in 0..9 {
        assert_eq!(api.post_auth("/api/v1/credentials/verify", integrator, verify("wrong guess")).await.0, 401);
    }
    let (s, v) = api.post_auth("/api/v1/credentials/verify", integrator, verify("wrong guess")).await;
    assert_eq!((s, v["error"]["code"].as_str()), (423, Some("locked")), "the 10th consecutive failure locks");
    let (s, _) = api.post_auth("/api/v1/credentials/verify", integrator, verify("sakura blossom 2024")).await;
    assert_eq!(s, 423, "the right password does not open a locked credential");
    // Change with the current secret is the institution's signed-in application's to call:
    // without its token nobody can test or lock credentials through it.
    let change_pw = json!({"login_id": "123456789", "credential": "login_password", "current": "sakura blossom 2024", "new": "something else entirely"});
    let (s, v) = api.post("/api/v1/credentials/change", change_pw.clone()).await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("unauthorized")));
    let (s, _) = api.post_auth("/api/v1/credentials/change", auditor, change_pw.clone()).await;
    assert_eq!(s, 403, "an auditor may not change credentials");
    let (s, v) = api.post_auth("/api/v1/credentials/change", integrator, change_pw).await;
    assert_eq!((s, v["error"]["code"].as_str()), (423, Some("locked")), "the integrator learns the lock, as on verify");
    // A cash-card PIN is not changed online, whoever asks.
    let (s, v) = api
        .post_auth(
            "/api/v1/credentials/change",
            integrator,
            json!({"login_id": "123456789", "credential": "cash_card_pin", "current": "4826", "new": "5917"}),
        )
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("not_resettable")));

    // Change with the current secret: what the PIN policy says of the new PIN alone applies
    // before the current PIN is looked at, so such a failure answers alike for a right and a
    // wrong current PIN and costs no attempt: twenty of them leave the PIN unlocked.
    let change = |current: &str, new: &str| json!({"login_id": "123456789", "credential": "telephone_pin", "current": current, "new": new});
    let (s, right) = api.post_auth("/api/v1/credentials/change", integrator, change("3917", "12")).await;
    assert_eq!((s, right["error"]["code"].as_str()), (422, Some("policy_violation")), "too short");
    for _ in 0..20 {
        let (s, wrong) = api.post_auth("/api/v1/credentials/change", integrator, change("0000", "12")).await;
        assert_eq!((s, &wrong), (422, &right), "a policy failure says nothing about the current PIN");
    }
    // What it says with the holder's details (the birth date) is said only to whoever knows the
    // current PIN, so a change cannot be used to find out a customer's birth date.
    let (s, v) = api.post_auth("/api/v1/credentials/change", integrator, change("3917", "0401")).await;
    assert_eq!((s, v["error"]["code"].as_str()), (422, Some("policy_violation")), "the birth date is refused");
    let (s, _) = api.post_auth("/api/v1/credentials/change", integrator, change("0000", "0401")).await;
    assert_eq!(s, 401, "a wrong current PIN hears nothing of the birth date");
    let (s, _) = api.post_auth("/api/v1/credentials/change", integrator, change("0000", "5917")).await;
    assert_eq!(s, 401);
    let (s, v) = api.post_auth("/api/v1/credentials/change", integrator, change("3917", "5917")).await;
    assert_eq!((s, v), (200, json!({"changed": ["telephone_pin"]})));
    let pin = |secret: &str| json!({"login_id": "123456789", "credential": "telephone_pin", "secret": secret});
    assert_eq!(api.post_auth("/api/v1/credentials/verify", integrator, pin("5917")).await.0, 200);
    assert_eq!(api.post_auth("/api/v1/credentials/verify", integrator, pin("3917")).await.0, 401);
}

fn import(server: &Server, lines: &[Value], update: bool) -> (bool, String, String) {
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    let mut args = vec!["account", "import", "-"];
    if update {
        args.push("--update");
    }
    server.cli(&args, &text.join("\n"))
}

#[tokio::test(flavor = "multi_thread")]
async fn imports_are_all_or_nothing_and_legacy_hashes_are_upgraded() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(false, "");
    let good = |id: &str| json!({"login_id": id, "kind": "individual", "name": {"family": "Imp", "given": "Ort"}, "birth_date": "1960-05-05", "email": "imp@example.jp", "phone": "+819055556666", "language": "en"});
    let mut org_without_name = good("400000003");
    org_without_name["kind"] = json!("organization");
    let mut bad_cred = good("400000004");
    bad_cred["credentials"] = json!({"web_pin": {"secret": "5917"}});
    let mut weak_pin = good("400000005");
    weak_pin["credentials"] = json!({"telephone_pin": {"secret": "1111"}});
    let (ok, _, err) =
        import(&server, &[good("400000001"), json!({"login_id": "12"}), org_without_name, bad_cred, weak_pin], false);
    assert!(!ok);
    for needle in [
        "line 2:",
        "line 3: organization_name",
        "line 4: credentials.web_pin",
        "line 5: credentials.telephone_pin",
        "nothing was imported",
    ] {
        assert!(err.contains(needle), "{needle} in {err}");
    }
    let (ok, _, _) = server.cli(&["account", "show", "400000001"], "");
    assert!(!ok, "the good line was not written either");

    // bcrypt and Django hashes import, verify, and are replaced by Argon2id on first use.
    use base64::Engine;
    let bc =
        bcrypt::hash_with_salt("legacy bcrypt pass", 4, [3u8; 16]).unwrap().format_for_version(bcrypt::Version::TwoB);
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(b"legacy django pass", b"saltsalt", 1000, &mut out);
    let dj = format!("pbkdf2_sha256$1000$saltsalt${}", base64::engine::general_purpose::STANDARD.encode(out));
    let mut a = good("400000001");
    a["credentials"] = json!({"login_password": {"phc": bc}, "transaction_password": {"phc": dj}});
    let (ok, out, err) = import(&server, &[a.clone()], false);
    assert!(ok, "{out}{err}");
    let (ok, _, err) = import(&server, &[a.clone()], false);
    assert!(!ok && err.contains("400000001 exists already"), "{err}");
    a["email"] = json!("new@example.jp");
    let (ok, _, err) = import(&server, &[a], true);
    assert!(ok, "{err}");
    let (ok, shown, _) = server.cli(&["account", "show", "400000001"], "");
    assert!(ok);
    assert!(shown.contains("new@example.jp") && !shown.contains("$2b$") && !shown.contains("pbkdf2"), "{shown}");

    let api = Api::new(&server.base);
    let v = |cred: &str, secret: &str| json!({"login_id": "400000001", "credential": cred, "secret": secret});
    assert_eq!(
        api.post_auth("/api/v1/credentials/verify", &server.admin_token, v("login_password", "legacy bcrypt pass"))
            .await
            .0,
        200
    );
    assert_eq!(
        api.post_auth(
            "/api/v1/credentials/verify",
            &server.admin_token,
            v("transaction_password", "legacy django pass")
        )
        .await
        .0,
        200
    );
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    let hashes: Vec<String> = sqlx::query("SELECT hash FROM credentials ORDER BY name")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(hashes.iter().all(|h| h.starts_with("$argon2id$")), "{hashes:?}");
    assert_eq!(
        api.post_auth("/api/v1/credentials/verify", &server.admin_token, v("login_password", "legacy bcrypt pass"))
            .await
            .0,
        200
    );
    assert_eq!(
        api.post_auth("/api/v1/credentials/verify", &server.admin_token, v("login_password", "legacy bcrypt pasS"))
            .await
            .0,
        401
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_chain_verifies_and_names_an_edited_event() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    for _ in 0..3 {
        api.post("/api/v1/voice-applications", json!({"login_id": "111111111", "birth_date": "1975-11-30"})).await;
    }
    let (ok, out, _) = server.cli(&["audit", "verify"], "");
    assert!(ok && out.contains("intact"), "{out}");
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    sqlx::query("UPDATE audit_events SET outcome = 'accepted' WHERE seq = 3").execute(store.pool()).await.unwrap();
    let (ok, out, _) = server.cli(&["audit", "verify"], "");
    assert!(!ok && out.contains("event 3"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn operators_get_openapi_health_readiness_and_metrics() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(false, "");
    let api = Api::new(&server.base);
    let (s, doc) = api.get("/api/v1/openapi.json").await;
    assert_eq!(s, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/voice-applications",
        "/api/v1/resets",
        "/api/v1/resets/complete",
        "/api/v1/credentials/verify",
        "/api/v1/credentials/change",
        "/api/v1/audit",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
    assert!(doc["components"]["schemas"]["VoiceApplicationRequest"].is_object());
    assert_eq!(api.get("/healthz").await, (200, json!({"status": "ok"})));
    assert_eq!(api.get("/readyz").await, (200, json!({"status": "ready"})));
    let metrics = api.http.get(format!("{}/metrics", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("reissue_outbox_backlog"), "{metrics}");
    for letters in [
        "reissue_letters{status=\"queued\"} 0",
        "reissue_letters{status=\"returned\"} 0",
        "reissue_postal_open_batch_overdue 0",
    ] {
        assert!(metrics.contains(letters), "{letters} in {metrics}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_code_voids_the_old_one_and_keeps_the_accounts_failure_count() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    let login = "987654321";
    let enter = |code: &str| json!({"channel": "voice", "login_id": login, "code": code});
    api.post("/api/v1/voice-applications", json!({"login_id": login, "birth_date": "1975-11-30"})).await;
    let sid = api.wait_for_call(1).await;
    let first = api.call_and_get_code(&sid, "7351").await;
    let wrong = if first.starts_with('9') { "1000000000" } else { "9000000000" };
    assert_eq!(api.post("/api/v1/resets", enter(wrong)).await.0, 400);
    assert_eq!(api.post("/api/v1/resets", enter(wrong)).await.0, 400);
    api.post(&format!("/demo/calls/{sid}/hangup"), json!({})).await;

    api.post("/api/v1/voice-applications", json!({"login_id": login, "birth_date": "1975-11-30"})).await;
    let sid2 = api.wait_for_call(2).await;
    let second = api.call_and_get_code(&sid2, "7351").await;
    assert_eq!(api.post("/api/v1/resets", enter(&first)).await.0, 400, "the first code is void");
    let store = reissue_store::SqlStore::connect(&env.db_url).await.unwrap();
    assert_eq!(count(&store, "SELECT code_failures FROM accounts WHERE login_id = '987654321'").await, 3);
    assert_eq!(count(&store, "SELECT failures FROM reset_codes WHERE state = 'active'").await, 1);
    assert_eq!(api.post("/api/v1/resets", enter(&second)).await.0, 201);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_over_its_budget_gets_429_with_retry_after() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "[limits]\nip_requests_per_minute = 5\n\n[rules]\nuniform_response_ms = 10\n");
    let api = Api::new(&server.base);
    let body = json!({"channel": "voice", "login_id": "123456789", "code": "0000000000"});
    // Twelve quick requests span at most two one-minute windows, so one window sees more than
    // five; the first request over the budget is refused.
    let mut ok_before = 0;
    let mut refused = None;
    for _ in 0..12 {
        let r = api.http.post(format!("{}/api/v1/resets", server.base)).json(&body).send().await.unwrap();
        if r.status() == 429 {
            refused = Some(r);
            break;
        }
        assert_eq!(r.status(), 400);
        ok_before += 1;
    }
    let r = refused.expect("the sixth request in a window is refused");
    assert!((5..=10).contains(&ok_before), "{ok_before} answered before the refusal");
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "too_many_requests");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_sends_a_signed_webhook_to_the_institution() {
    use hmac::{KeyInit, Mac};
    let (hook, received) = crate::harness::webhook_sink().await;

    let env = Env::new(Db::Sqlite);
    let server = env.server(true, &format!("[rules]\nuniform_response_ms = 10\n\n[[webhooks]]\nurl = \"{hook}\"\n"));
    let api = Api::new(&server.base);
    let (s, _) = api
        .post_auth(
            "/api/v1/credentials/change",
            &server.admin_token,
            json!({"login_id": "123456789", "credential": "telephone_pin", "current": "3917", "new": "5917"}),
        )
        .await;
    assert_eq!(s, 200);
    let (headers, body) = crate::harness::first_webhook(&received).await;
    let event: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(event["type"], "credentials.changed");
    assert_eq!(event["login_id"], "123456789");
    assert_eq!(event["credentials"], json!(["telephone_pin"]));
    assert!(!String::from_utf8_lossy(&body).contains("5917"));
    assert!(headers.get("idempotency-key").is_some());
    // Reissue-Signature: t=UNIX,v1=HEX, HMAC-SHA256 over "t.body" with the webhook key.
    let sig = headers["reissue-signature"].to_str().unwrap().to_owned();
    let (t, v1) = sig.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let key =
        hex::decode(std::fs::read_to_string(env.data_dir().join("keys/webhook_signing.key")).unwrap().trim()).unwrap();
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&body);
    assert_eq!(hex::encode(mac.finalize().into_bytes()), v1);
}
