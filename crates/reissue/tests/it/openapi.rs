//! The served OpenAPI document against the running server, with schemathesis
//! (`schemathesis run --checks all`): every answer is documented, every request the document
//! calls valid is taken, every request it calls invalid is refused, and nothing answers 5xx.
//! Bounded examples and a fixed seed keep the run short and the same every time.

use std::process::Command;

use crate::harness::{Api, Db, Env};

/// The version `.ci/run` installs.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// What the document cannot say in JSON Schema, and so the statuses a schema-valid request
/// may also get, per operation, each for a reason of the API's design.
const EXCEPTIONS: &str = r#"
# A wrong, expired or malformed reset code is `400 invalid_code`, whatever the reason: the
# answer must not tell which part was wrong.
[[operations]]
include-path = "/api/v1/resets"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429", "5xx"]

# Whether a phone number is valid for its country/region is libphonenumber's judgement (the
# number plan), not a pattern; an invalid one is `400` naming `phone_number`.
[[operations]]
include-path = ["/api/v1/password-initializations", "/api/v1/login-id-notifications"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429", "5xx"]

# The run's own wrong secrets lock the demo accounts' credentials: `423 locked` is the state
# of the account, not a refusal of the request.
[[operations]]
include-path = "/api/v1/credentials/verify"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "423", "429", "5xx"]

# A change checks the new secret against its credential's policy (which depends on the
# credential named) before it looks at the current one: `422 policy_violation` answers a
# schema-valid request by design, and the run's own wrong guesses lock credentials (`423`).
[[operations]]
include-path = "/api/v1/credentials/change"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "423", "429", "5xx"]

# The staff API's procedures check what a schema cannot say, and answer `422` naming the field:
# a reason that is only blanks, a name of both parts or none, an account that cannot get a
# postal code (`not_eligible`), a staff login or display name outside its rules.
[[operations]]
include-path-regex = "^/api/v1/staff/"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429", "5xx"]

# The card client's case token is a secret the schema cannot know: a schema-valid claim or
# report names no token that exists (`404 case_token_unknown`), or one used (`409`), expired
# (`410`) or for another PIN (`422`).
[[operations]]
include-path-regex = "^/api/v1/counter/"
checks.positive_data_acceptance.expected-statuses = ["2xx", "403", "404", "409", "410", "422", "429", "5xx"]
"#;

#[test]
fn schemathesis_finds_nothing_wrong_with_the_api_against_its_document() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(
        true,
        "[rules]\nuniform_response_ms = 5\n\n[hashing]\nmemory_kib = 1024\niterations = 1\nparallelism = 1\n",
    );
    // One token with every role, passed to every operation (those without `security` ignore it).
    let (ok, token, err) = server.cli(&["token", "create", "--role", "admin", "--name", "schemathesis"], "");
    assert!(ok, "{err}");
    let config = env.data_dir().join("schemathesis.toml");
    let auth = format!("headers = {{ Authorization = \"Bearer {}\" }}\n", token.trim());
    std::fs::write(&config, auth + EXCEPTIONS).unwrap();

    let out = Command::new("schemathesis")
        .arg("--config-file")
        .arg(&config)
        .args(["run", &format!("{}/api/v1/openapi.json", server.base), "--url", &server.base])
        .args(["--checks", "all", "--max-examples", "100", "--seed", "20261201", "--workers", "2"])
        .arg("--report-dir")
        .arg(env.data_dir().join("schemathesis-report"))
        .env("NO_COLOR", "1")
        .current_dir(env.data_dir())
        .output()
        .unwrap_or_else(|e| panic!("schemathesis does not run ({e}): pip install {SCHEMATHESIS}"));
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "schemathesis found problems:\n{report}");
    assert!(report.contains("44 selected / 44 total") && report.contains(" passed"), "{report}");
    assert!(!server.log_text().contains("panicked"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_query_requires_its_login_id_and_a_limit_it_honours() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "");
    let api = Api::new(&server.base);
    let get =
        |q: &str| api.http.get(format!("{}/api/v1/audit{q}", server.base)).bearer_auth(&server.admin_token).send();
    let r = get("").await.unwrap();
    assert_eq!(r.status(), 400, "without login_id");
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("login_id"), "{v}");
    let r = get("?login_id=123456789&limit=0").await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["field"], "limit");
    assert_eq!(get("?login_id=123456789&limit=10001").await.unwrap().status(), 400);
    assert_eq!(get("?login_id=123456789&limit=10000").await.unwrap().status(), 200);
}
