//! The voice procedure against a Twilio stand-in and a real SMTP server on loopback.
//!
//! The stand-in speaks Twilio's REST API: it checks HTTP Basic auth and validates every
//! `Calls.json` request against Twilio's own OpenAPI description (`tests/fixtures`), then rings
//! the call in the phone network, which fetches TwiML from our webhooks and signs every
//! request with the auth token, as Twilio does. The SMTP server is Debian's aiosmtpd writing
//! a Maildir.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine;
use reissue_delivery::voice::phone::PhoneNetwork;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::harness::{Api, Db, Env, free_port};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "twilio-auth-token-for-tests";
const LOGIN: &str = "123456789";

/// Twilio's OpenAPI description, kept in the repository (`tests/fixtures`, Apache 2.0).
fn spec() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/twilio_api_v2010.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("spec JSON")
}

/// Checks a create-call form against the spec's `CreateCallRequest` schema; returns the
/// violations.
fn validate_call_form(spec: &Value, account_sid: &str, form: &[(String, String)]) -> Vec<String> {
    let mut v = Vec::new();
    let op = &spec["paths"]["/2010-04-01/Accounts/{AccountSid}/Calls.json"]["post"];
    let sid_schema = &op["parameters"][0]["schema"];
    let len = sid_schema["minLength"].as_u64().unwrap_or(34) as usize;
    if account_sid.len() != len
        || !account_sid.starts_with("AC")
        || !account_sid[2..].chars().all(|c| c.is_ascii_hexdigit())
    {
        v.push(format!("AccountSid {account_sid:?} does not match {}", sid_schema["pattern"]));
    }
    let mut schema = &op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    if let Some(r) = schema["$ref"].as_str() {
        schema = &spec["components"]["schemas"][r.rsplit('/').next().unwrap()];
    }
    let props = schema["properties"].as_object().expect("properties");
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (k, val) in form {
        *counts.entry(k.as_str()).or_default() += 1;
        let Some(p) = props.get(k) else {
            v.push(format!("{k} is not a CreateCallRequest property"));
            continue;
        };
        match p["type"].as_str() {
            Some("integer") if val.parse::<i64>().is_err() => v.push(format!("{k}={val:?} is not an integer")),
            Some("boolean") if val != "true" && val != "false" => v.push(format!("{k}={val:?} is not a boolean")),
            Some("array") => {}
            Some("string") => {
                if let Some(e) = p["enum"].as_array()
                    && !e.iter().any(|x| x == val)
                {
                    v.push(format!("{k}={val:?} not in {e:?}"));
                }
                if p["format"] == "uri" && url::Url::parse(val).is_err() {
                    v.push(format!("{k}={val:?} is not an absolute URI"));
                }
            }
            _ => {}
        }
        if p["type"] != "array" && counts[k.as_str()] > 1 {
            v.push(format!("{k} appears more than once but is not an array"));
        }
        if k == "StatusCallbackEvent" && !["initiated", "ringing", "answered", "completed"].contains(&val.as_str()) {
            v.push(format!("StatusCallbackEvent={val:?} is not an event Twilio knows"));
        }
    }
    for r in schema["required"].as_array().into_iter().flatten() {
        if !counts.contains_key(r.as_str().unwrap_or("")) {
            v.push(format!("required {r} is missing"));
        }
    }
    v
}

/// Calls the stand-in created: its sid and the form it received.
pub type CreatedCalls = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

#[derive(Clone)]
pub struct StandIn {
    spec: Arc<Value>,
    pub network: PhoneNetwork,
    pub created: CreatedCalls,
    pub violations: Arc<Mutex<Vec<String>>>,
}

async fn create_call(
    State(s): State<StandIn>,
    UrlPath(account): UrlPath<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}")));
    if headers.get("authorization").and_then(|h| h.to_str().ok()) != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"code": 20003, "message": "Authenticate", "status": 401})),
        )
            .into_response();
    }
    if headers.get("content-type").and_then(|h| h.to_str().ok()) != Some("application/x-www-form-urlencoded") {
        s.violations.lock().unwrap().push("body is not form-encoded".into());
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, "form only").into_response();
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let account = account.trim_end_matches(".json").to_owned();
    let problems = validate_call_form(&s.spec, &account, &form);
    if !problems.is_empty() {
        s.violations.lock().unwrap().extend(problems.clone());
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"code": 21205, "message": problems.join("; "), "status": 400})),
        )
            .into_response();
    }
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let sid = s.network.create(&get("To"), &get("From"), &get("Url"), Some(&get("StatusCallback")));
    s.created.lock().unwrap().push((sid.clone(), form.clone()));
    let resource = json!({
        "sid": sid, "account_sid": SID, "to": get("To"), "from": get("From"), "status": "queued",
        "direction": "outbound-api", "api_version": "2010-04-01", "uri": format!("/2010-04-01/Accounts/{SID}/Calls/{sid}.json"),
    });
    (StatusCode::CREATED, axum::Json(resource)).into_response()
}

/// Twilio's call list, filtered by `To` as the real API does.
async fn list_calls(
    State(s): State<StandIn>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> axum::response::Response {
    let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}")));
    if headers.get("authorization").and_then(|h| h.to_str().ok()) != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"code": 20003, "message": "Authenticate", "status": 401})),
        )
            .into_response();
    }
    let rfc2822 = &time::format_description::well_known::Rfc2822;
    let calls: Vec<Value> = s
        .network
        .calls()
        .into_iter()
        .filter(|c| q.get("To").is_none_or(|to| *to == c.to))
        .map(|c| json!({"sid": c.sid, "to": c.to, "from": c.from, "status": c.status, "date_created": c.created.format(rfc2822).unwrap()}))
        .collect();
    axum::Json(json!({"calls": calls, "page": 0, "page_size": 50})).into_response()
}

/// Starts the stand-in on a free port; returns it and its base URL.
pub async fn start_stand_in() -> (StandIn, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let network = PhoneNetwork::new(reqwest::Client::new(), SID, SecretString::from(TOKEN.to_owned()));
    let stand_in = StandIn { spec: Arc::new(spec()), network, created: Arc::default(), violations: Arc::default() };
    let app = axum::Router::new()
        .route("/2010-04-01/Accounts/{account}/Calls.json", axum::routing::post(create_call).get(list_calls))
        .with_state(stand_in.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (stand_in, base)
}

/// The configuration that points a server at the stand-in and the SMTP server.
pub fn real_channels_toml(twilio_base: &str, smtp_port: u16) -> String {
    format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\nsecurity = \"none\"\nfrom = \"Example Bank <no-reply@bank.example>\"\n\n\
         [voice]\nprovider = \"twilio\"\n[voice.twilio]\napi_base = \"{twilio_base}\"\naccount_sid = \"{SID}\"\nauth_token = \"{TOKEN}\"\nfrom = \"+815012345678\"\n"
    )
}

/// aiosmtpd writing every message into a Maildir; stopped when dropped.
pub struct Smtp {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
}

impl Smtp {
    pub fn start(dir: &Path) -> Self {
        let port = free_port();
        let maildir = dir.join("maildir");
        let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
        let mut child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd (apt-get install python3-aiosmtpd)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Self { child, port, maildir };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start (apt-get install python3-aiosmtpd)");
    }

    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.maildir.join("new"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The body of a message, decoded when the mailer chose base64 or quoted-printable.
pub fn decoded(raw: &str) -> String {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    if head.to_ascii_lowercase().contains("content-transfer-encoding: base64") {
        let b: String = body.split_whitespace().collect();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b).unwrap_or_default()).unwrap_or_default()
    } else {
        body.to_owned()
    }
}

pub async fn wait_until<T>(mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(v) = f() {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out");
}

#[tokio::test(flavor = "multi_thread")]
async fn voice_reset_through_a_twilio_stand_in_and_real_smtp() {
    let env = Env::new(Db::Sqlite);
    let smtp = Smtp::start(env.data_dir());
    let (stand_in, twilio_base) = start_stand_in().await;
    let network = stand_in.network.clone();
    let server = env
        .server(true, &format!("[rules]\nuniform_response_ms = 20\n\n{}", real_channels_toml(&twilio_base, smtp.port)));
    let api = Api::new(&server.base);

    // A call that is not answered ends the application; the customer may apply again.
    let (s, _) = api.post("/api/v1/voice-applications", json!({"login_id": LOGIN, "birth_date": "1980-04-01"})).await;
    assert_eq!(s, 202);
    let first = wait_until(|| stand_in.created.lock().unwrap().first().map(|c| c.0.clone())).await;
    wait_until(|| network.call(&first).filter(|c| c.status == "ringing").map(|_| ())).await;
    network.fail(&first, "no-answer").await.unwrap();
    let (s, _) = api.post("/api/v1/voice-applications", json!({"login_id": LOGIN, "birth_date": "1980-04-01"})).await;
    assert_eq!(s, 202);
    let sid = wait_until(|| stand_in.created.lock().unwrap().get(1).map(|c| c.0.clone())).await;
    assert!(stand_in.violations.lock().unwrap().is_empty(), "{:?}", stand_in.violations.lock().unwrap());
    let form = stand_in.created.lock().unwrap()[1].1.clone();
    assert!(form.contains(&("To".into(), "+819012345678".into())), "the registered phone: {form:?}");
    assert!(form.contains(&("TimeLimit".into(), "300".into())), "the default call time limit: {form:?}");
    assert!(form.iter().any(|(k, v)| k == "Url" && v.starts_with(&format!("{}/voice/answer?call=", server.base))));

    // Japanese dialogue, PIN then hash, the code inside one <Say> as digits.
    let view = network.answer(&sid).await.unwrap();
    assert!(view.transcript[0].text.contains("リセットコード"), "{:?}", view.transcript);
    let view = network.press(&sid, "4826#").await.unwrap();
    let code = view.transcript.iter().map(|s| s.digits.clone()).find(|d| !d.is_empty()).expect("a code is spoken");
    assert_eq!(code.len(), 10);
    network.press(&sid, "9").await.unwrap();
    wait_until(|| network.call(&sid).filter(|c| c.status == "completed").map(|_| ())).await;

    // A webhook without the signature, or with a wrong one, is refused.
    let call_id =
        form.iter().find(|(k, _)| k == "Url").map(|(_, v)| v.split("call=").nth(1).unwrap().to_owned()).unwrap();
    let hook = format!("{}/voice/pin?call={call_id}", server.base);
    let r = api.http.post(&hook).form(&[("Digits", "4826"), ("CallSid", sid.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = api.http.post(&hook).header("X-Twilio-Signature", "AAAA").form(&[("Digits", "4826")]).send().await.unwrap();
    assert_eq!(r.status(), 403);

    let (s, session) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": LOGIN, "code": code})).await;
    assert_eq!(s, 201, "{session}");
    let (s, _) = api
        .post("/api/v1/resets/complete", json!({"reset_token": session["reset_token"], "credentials": {"login_password": "spring rain over kyoto", "telephone_pin": "5917"}}))
        .await;
    assert_eq!(s, 200);

    let mails = wait_until(|| Some(smtp.messages()).filter(|m| m.len() >= 2)).await;
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().all(|m| m.contains("taro@example.jp")));
    assert!(mails.iter().all(|m| m.contains("Message-ID: <") && m.contains("@bank.example>")));
    // Both may arrive within one second, so tell them apart by content, not by file order.
    let bodies: Vec<String> = mails.iter().map(|m| decoded(m)).collect();
    let page = format!("{}/reset/voice", server.base);
    assert_eq!(bodies.iter().filter(|b| b.contains(&page)).count(), 1, "{bodies:?}");
    let notices: Vec<&String> = bodies.iter().filter(|b| b.contains("ログインパスワード")).collect();
    assert_eq!(notices.len(), 1, "{bodies:?}");
    assert!(notices[0].contains("テレホン暗証番号"), "{}", notices[0]);
    for m in mails.iter().map(|m| decoded(m)) {
        assert!(!m.contains(&code) && !m.contains("spring rain") && !m.contains("5917") && !m.contains("4826"));
    }
}

#[test]
fn our_call_request_satisfies_twilios_openapi_description() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let twilio = reissue_delivery::voice::twilio::Twilio::new(
        reqwest::Client::new(),
        reissue_delivery::voice::twilio::TwilioSettings {
            api_base: "https://api.twilio.com".into(),
            account_sid: SID.into(),
            auth_token: SecretString::from(TOKEN.to_owned()),
            from: "+815012345678".into(),
            ring_timeout_secs: 25,
            max_call_secs: 240,
        },
    );
    let form = twilio.call_form(&reissue_delivery::voice::CallRequest {
        call_id: "call-1".into(),
        to: "+819012345678".into(),
        answer_url: "https://bank.example/voice/answer?call=call-1".into(),
        status_url: "https://bank.example/voice/status?call=call-1".into(),
    });
    assert_eq!(validate_call_form(&spec(), SID, &form), Vec::<String>::new());
    assert_eq!(
        form.iter().filter(|(k, _)| k == "TimeLimit").collect::<Vec<_>>(),
        [&("TimeLimit".into(), "240".into())]
    );
    // The validator itself catches what Twilio would refuse.
    let mut bad = form.clone();
    bad.retain(|(k, _)| k != "To" && k != "Timeout");
    bad.push(("Timeout".into(), "soon".into()));
    bad.push(("Colour".into(), "blue".into()));
    bad.push(("TimeLimit".into(), "five minutes".into()));
    let v = validate_call_form(&spec(), "ACxyz", &bad);
    assert_eq!(v.len(), 6, "{v:?}");
}
