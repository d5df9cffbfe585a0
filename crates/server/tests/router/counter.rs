//! Counter cases (P8b) through the staff API, as a municipality's own system (or the console)
//! drives them with a `counter` token: the holder's age from the birth date on file, the
//! checklist before the PIN step, a proxy's second visit never the same day and its check
//! code counted, the card client's one-time case tokens, a returned letter, expiry.

use reissue_core::account::{
    AccountKind, AccountStatus, Address, ChangedAt, Language, LoginId, PersonName, Profile, parse_date,
};
use reissue_core::audit::{Actor, AuditDraft};
use reissue_core::model::{ImportedAccount, Role};
use reissue_core::ports::Accounts;
use reissue_core::ports::counter::CounterCases;
use reissue_core::procedures::Requester;
use reissue_core::rules::Rules;
use reissue_server::Clock;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use time::Duration;

use crate::kit::{Kit, LOGIN};

/// Born 2012-01-15: 15 on the kit's first day (2027-01-15 in Tokyo).
const FIFTEEN: &str = "200000015";
/// Born 2012-01-16: 14 until tomorrow.
const FOURTEEN: &str = "200000014";
/// An adult with a registered address, for a proxy's inquiry letter.
const ADDRESSED: &str = "200000030";

fn rules() -> Rules {
    Rules { uniform_response_ms: 1, code_entry_response_ms: 1, ..Rules::default() }
}

async fn holder(kit: &Kit, login: &str, birth: &str, address: bool) {
    let profile = Profile {
        login_id: LoginId::parse(login).unwrap(),
        kind: AccountKind::Individual,
        status: AccountStatus::Active,
        organization_name: None,
        name: PersonName::new("佐藤", "花子").unwrap(),
        name_kana: None,
        birth_date: Some(parse_date("birth_date", birth).unwrap()),
        email: None,
        phone: None,
        language: Language::Ja,
        address: address
            .then(|| Address {
                postal_code: "150-0001".into(), lines: vec!["東京都渋谷区神宮前一丁目2番3号".into()]
            }),
        changed_at: ChangedAt::default(),
    };
    let imported = ImportedAccount { line: 1, profile, credentials: vec![] };
    let draft = AuditDraft::new(Actor::Cli, "import", None, "ok");
    kit.store.import_accounts(vec![imported], false, kit.clock.now(), draft).await.unwrap();
}

async fn setup() -> (Kit, String) {
    let kit = Kit::new(rules()).await;
    holder(&kit, FIFTEEN, "2012-01-15", true).await;
    holder(&kit, FOURTEEN, "2012-01-16", true).await;
    holder(&kit, ADDRESSED, "1990-05-05", true).await;
    let token = kit.recovery.create_token("ward-office", Role::Counter, kit.clock.now()).await.unwrap();
    (kit, token.expose_secret().to_owned())
}

fn reason(v: &Value) -> &str {
    v["error"]["reasons"][0]["code"].as_str().or(v["error"]["code"].as_str()).unwrap_or("")
}

/// A POST of the card client from `from` (the counter's workstations are loopback by default).
async fn from(kit: &Kit, from: &str, path: &str, body: Value) -> (u16, Value) {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::{Request, header};
    use tower::ServiceExt;
    let peer: std::net::SocketAddr = format!("{from}:40000").parse().unwrap();
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .extension(ConnectInfo(peer))
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = kit.app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn path(case: &str, rest: &str) -> String {
    format!("/api/v1/staff/counter/cases/{case}{rest}")
}

async fn open(kit: &Kit, token: &str, body: Value) -> (u16, Value) {
    kit.post("/api/v1/staff/counter/cases", Some(token), body).await
}

async fn item(kit: &Kit, token: &str, case: &str, body: Value) -> (u16, Value) {
    kit.post(&path(case, "/items"), Some(token), body).await
}

#[tokio::test]
async fn the_holders_age_on_file_decides_under_15_and_the_signature_password() {
    let (kit, token) = setup().await;
    let rep = |login: &str, pins: Value| {
        json!({"login_id": login, "case_type": "legal_representative", "ground": "under_15",
               "pins": pins, "operation": "change"})
    };
    let (s, v) = open(&kit, &token, rep(FIFTEEN, json!(["auth"]))).await;
    assert_eq!((s, reason(&v)), (422, "not_under_15"), "{v}");
    assert_eq!(v["error"]["reasons"][0]["age"], 15);
    let (s, v) = open(&kit, &token, rep(FOURTEEN, json!(["sign", "auth"]))).await;
    assert_eq!((s, reason(&v)), (422, "no_signature_certificate"), "{v}");
    let in_person = json!({"login_id": FOURTEEN, "case_type": "in_person", "pins": ["auth"], "operation": "change"});
    let (s, v) = open(&kit, &token, in_person).await;
    assert_eq!((s, reason(&v)), (422, "needs_representative"), "a child's representative applies: {v}");
    assert_eq!(v["error"]["reasons"][0]["age"], 14);
    let ward = json!({"login_id": LOGIN, "case_type": "legal_representative", "ground": "adult_ward",
                      "pins": ["sign"], "operation": "reset"});
    let (s, v) = open(&kit, &token, ward).await;
    assert_eq!((s, reason(&v)), (422, "no_signature_certificate"), "{v}");
    let (s, v) = open(&kit, &token, rep(FOURTEEN, json!(["auth", "juki"]))).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["state"], "open");
    assert_eq!(v["missing"], json!(["card", "representative_photo_id", "family_register_certificate"]));
    let case = v["reference"].as_str().unwrap();
    let exempt = json!({"item": "family_register_certificate", "exemption": "domicile_here"});
    let (s, v) = item(&kit, &token, case, exempt).await;
    assert_eq!(s, 200, "the holder's domicile is here: no certificate needed: {v}");
    let (s, v) = open(&kit, &token, rep(FOURTEEN, json!(["text"]))).await;
    assert_eq!((s, reason(&v)), (422, "case_already_open"), "{v}");
    let (s, v) = open(
        &kit,
        &token,
        json!({"login_id": LOGIN, "case_type": "in_person", "ground": "under_15",
                                           "pins": ["auth"], "operation": "change"}),
    )
    .await;
    assert_eq!((s, v["error"]["field"].as_str()), (422, Some("ground")), "{v}");
}

#[tokio::test]
async fn a_guardian_is_refused_the_pin_step_until_the_certificate_is_recorded() {
    let (kit, token) = setup().await;
    let body = json!({"login_id": LOGIN, "case_type": "legal_representative", "ground": "adult_ward",
                      "pins": ["auth", "text"], "operation": "change"});
    let (s, v) = open(&kit, &token, body).await;
    assert_eq!(s, 201, "{v}");
    let case = v["reference"].as_str().unwrap().to_owned();
    assert_eq!(item(&kit, &token, &case, json!({"item": "card"})).await.0, 200);
    let my_number = json!({"item": "representative_photo_id", "document": "my_number_card", "number_last4": "1234"});
    let (s, v) = item(&kit, &token, &case, my_number).await;
    assert_eq!((s, v["error"]["field"].as_str()), (422, Some("number_last4")), "never part of a My Number: {v}");
    let no_photo = json!({"item": "representative_photo_id", "document": "health_insurance_card"});
    let (s, v) = item(&kit, &token, &case, no_photo).await;
    assert_eq!((s, v["error"]["field"].as_str()), (422, Some("document")), "{v}");
    let licence = json!({"item": "representative_photo_id", "document": "drivers_licence", "number_last4": "0042"});
    let (s, v) = item(&kit, &token, &case, licence).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["missing"], json!(["guardianship_certificate"]));
    let step = json!({"pins": ["auth", "text"], "outcome": "success"});
    let (s, v) = kit.post(&path(&case, "/pin-step"), Some(&token), step.clone()).await;
    assert_eq!((s, reason(&v)), (422, "checklist_incomplete"), "{v}");
    assert_eq!(v["error"]["reasons"][0]["missing"], json!(["guardianship_certificate"]));
    let (s, v) = kit.post(&path(&case, "/case-tokens"), Some(&token), json!({"pin": "auth"})).await;
    assert_eq!((s, reason(&v)), (422, "checklist_incomplete"), "no token either: {v}");
    assert_eq!(item(&kit, &token, &case, json!({"item": "guardianship_certificate"})).await.0, 200);
    let (s, v) = kit.post(&path(&case, "/pin-step"), Some(&token), step).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["state"].as_str(), v["pins_remaining"].clone()), (Some("completed"), json!([])));
    assert!(v["closed_at"].is_string());
    let events = kit.recovery.audit_events(Some(&LoginId::parse(LOGIN).unwrap()), 0, 100).await.unwrap();
    let step = events.iter().find(|e| e.draft.action == "counter_pin_step").expect("the PIN step is audited");
    assert_eq!(step.draft.actor, "token:ward-office");
    assert_eq!(step.draft.detail["place"], "national_terminal");
    let items = events.iter().filter(|e| e.draft.action == "counter_case_item").count();
    assert_eq!(items, 3, "each item recorded is audited");
    assert!(
        !serde_json::to_string(&events.iter().map(|e| &e.draft.detail).collect::<Vec<_>>()).unwrap().contains("0042"),
        "the audit log holds no document number"
    );
}

#[tokio::test]
async fn a_proxys_second_visit_is_never_the_same_day_and_wrong_check_codes_are_counted() {
    let (kit, token) = setup().await;
    let body = |items: Value| json!({"login_id": ADDRESSED, "case_type": "proxy", "pins": ["auth"], "operation": "reset", "items": items});
    let (s, v) = open(&kit, &token, body(json!([{"item": "card"}]))).await;
    assert_eq!((s, reason(&v)), (422, "checklist_incomplete"), "a proxy's ID is needed at the first visit: {v}");
    let first = json!([{"item": "card"}, {"item": "proxy_id", "document": "health_insurance_card"}]);
    let (s, v) = open(&kit, &token, body(first)).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!((v["state"].as_str(), v["letter_printable"].as_bool()), (Some("inquiry_ready"), Some(true)));
    let case = v["reference"].as_str().unwrap().to_owned();
    let step = json!({"pins": ["auth"], "outcome": "success"});
    let (s, v) = kit.post(&path(&case, "/pin-step"), Some(&token), step.clone()).await;
    assert_eq!((s, reason(&v)), (422, "wrong_state"), "never the same day: {v}");
    let who = Requester::staff("counter.test", None);
    let code = kit.recovery.inquiry_to_print(&case, &who, kit.clock.now()).await.unwrap().check_code;
    let code = code.expose().to_owned();
    let (s, v) = kit.post(&path(&case, "/inquiry/mailed"), Some(&token), json!({})).await;
    assert_eq!((s, v["state"].as_str(), v["letter_printable"].as_bool()), (200, Some("awaiting_reply"), Some(false)));
    assert!(kit.recovery.inquiry_to_print(&case, &who, kit.clock.now()).await.is_err(), "the code is on paper only");
    let visit = |c: &str| json!({"check_code": c});
    let (s, v) = kit.post(&path(&case, "/second-visit"), Some(&token), visit(&code)).await;
    assert_eq!((s, reason(&v)), (422, "same_day"), "{v}");
    assert_eq!(v["error"]["reasons"][0]["earliest"], "2027-01-16");
    // 23:59 in Tokyo is still the same day; a minute later is the next.
    kit.clock.advance(Duration::hours(6) + Duration::minutes(59));
    let (s, v) = kit.post(&path(&case, "/second-visit"), Some(&token), visit(&code)).await;
    assert_eq!((s, reason(&v)), (422, "same_day"), "{v}");
    kit.clock.advance(Duration::minutes(1));
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    for left in [4, 3] {
        let (s, v) = kit.post(&path(&case, "/second-visit"), Some(&token), visit(wrong)).await;
        assert_eq!((s, reason(&v), v["error"]["reasons"][0]["left"].as_i64()), (422, "wrong_check_code", Some(left)));
    }
    let (s, v) = kit.post(&path(&case, "/second-visit"), Some(&token), visit("1234")).await;
    assert_eq!((s, v["error"]["field"].as_str()), (422, Some("check_code")), "a malformed code is not counted: {v}");
    let grouped = format!("{}-{}", &code[..4], &code[4..]);
    let (s, v) = kit.post(&path(&case, "/second-visit"), Some(&token), visit(&grouped)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["state"].as_str(), v["visit"].as_str(), v["check_failures"].as_i64()),
        (Some("second_visit"), Some("second"), Some(2))
    );
    let (s, v) = kit.post(&path(&case, "/pin-step"), Some(&token), step.clone()).await;
    assert_eq!((s, reason(&v)), (422, "checklist_incomplete"), "{v}");
    assert_eq!(
        v["error"]["reasons"][0]["missing"],
        json!(["card", "proxy_photo_id", "response_form", "power_of_attorney", "sealed_pin_request"])
    );
    let (s, v) = item(&kit, &token, &case, json!({"item": "response_form"})).await;
    assert_eq!((s, v["error"]["field"].as_str()), (422, Some("collected")), "the office keeps the original: {v}");
    for body in [
        json!({"item": "card"}),
        json!({"item": "proxy_photo_id", "document": "passport", "number_last4": "AB12"}),
        json!({"item": "response_form", "collected": true}),
        json!({"item": "power_of_attorney", "collected": true}),
        json!({"item": "sealed_pin_request"}),
    ] {
        let (s, v) = item(&kit, &token, &case, body).await;
        assert_eq!(s, 200, "{v}");
    }
    let (s, v) = kit.post(&path(&case, "/pin-step"), Some(&token), step).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("completed")), "{v}");
}

#[tokio::test]
async fn five_wrong_check_codes_close_the_case_and_a_returned_letter_closes_another() {
    let (kit, token) = setup().await;
    let first = json!([{"item": "card"}, {"item": "proxy_id", "document": "pension_book"}]);
    let body =
        json!({"login_id": ADDRESSED, "case_type": "proxy", "pins": ["juki"], "operation": "change", "items": first});
    let (_, v) = open(&kit, &token, body.clone()).await;
    let case = v["reference"].as_str().unwrap().to_owned();
    kit.post(&path(&case, "/inquiry/mailed"), Some(&token), json!({})).await;
    kit.clock.advance(Duration::days(1));
    let who = Requester::staff("counter.test", None);
    let real = kit.store.check_code(v["reference"].as_str().unwrap()[1..].parse().unwrap()).await.unwrap();
    assert!(real.is_some_and(|c| c.sealed.is_none()), "mailed: the code is no longer sealed anywhere");
    for n in 1..=5 {
        let (s, v) = kit.post(&path(&case, "/second-visit"), Some(&token), json!({"check_code": "99999999"})).await;
        let expect = if n < 5 { "wrong_check_code" } else { "check_code_refused" };
        assert_eq!((s, reason(&v)), (422, expect), "try {n}: {v}");
    }
    let (_, v) = kit.get(&path(&case, ""), &token).await;
    assert_eq!(v["state"], "check_code_refused");
    let (s, v) = kit.post(&path(&case, "/second-visit"), Some(&token), json!({"check_code": "99999999"})).await;
    assert_eq!((s, reason(&v)), (422, "wrong_state"), "{v}");
    let (_, v) = open(&kit, &token, body).await;
    let other = v["reference"].as_str().unwrap().to_owned();
    let (s, v) =
        kit.post(&path(&other, "/inquiry/returned"), Some(&token), json!({"reason": "あて所に尋ねあたりません"})).await;
    assert_eq!((s, v["state"].as_str()), (200, Some("undeliverable")), "{v}");
    let view = kit.recovery.counter_case(&other, &who, kit.clock.now()).await.unwrap();
    assert!(!view.letter_printable);
}

#[tokio::test]
async fn a_case_not_completed_within_30_days_expires() {
    let (kit, token) = setup().await;
    let body = json!({"login_id": LOGIN, "case_type": "in_person", "pins": ["auth"], "operation": "change"});
    let (_, v) = open(&kit, &token, body.clone()).await;
    let case = v["reference"].as_str().unwrap().to_owned();
    kit.clock.advance(Duration::days(30));
    let (s, v) = item(&kit, &token, &case, json!({"item": "card"})).await;
    assert_eq!((s, reason(&v)), (422, "case_expired"), "{v}");
    let (_, v) = kit.get(&path(&case, ""), &token).await;
    assert_eq!(v["state"], "expired");
    let (s, v) = open(&kit, &token, body).await;
    assert_eq!(s, 201, "an expired case does not block a new one: {v}");
}

#[tokio::test]
async fn a_case_token_is_single_use_for_one_pin_and_expires_after_15_minutes() {
    let (kit, token) = setup().await;
    let body = json!({"login_id": LOGIN, "case_type": "in_person", "pins": ["auth", "juki"], "operation": "change",
                      "items": [{"item": "card"}]});
    let (s, v) = open(&kit, &token, body).await;
    assert_eq!(s, 201, "{v}");
    let case = v["reference"].as_str().unwrap().to_owned();
    let (s, v) = kit.post(&path(&case, "/case-tokens"), Some(&token), json!({"pin": "auth"})).await;
    assert_eq!(s, 201, "{v}");
    let auth_token = v["token"].as_str().unwrap().to_owned();
    assert_eq!(auth_token.len(), 11, "five, a hyphen, five: {auth_token}");
    let (_, shown) = kit.get(&path(&case, ""), &token).await;
    assert!(!shown.to_string().contains(&auth_token), "the case never shows a token again");
    let claim = |t: &str, pin: &str| json!({"token": t, "pin": pin});
    let claim_path = "/api/v1/counter/case-tokens/claim";
    let (s, v) = from(&kit, "203.0.113.9", claim_path, claim(&auth_token, "auth")).await;
    assert_eq!((s, reason(&v)), (403, "not_a_workstation"), "a phone across the counter: {v}");
    let (s, v) = from(&kit, "127.0.0.1", claim_path, claim(&auth_token, "juki")).await;
    assert_eq!((s, reason(&v)), (422, "case_token_other_pin"), "{v}");
    let (s, v) = from(&kit, "127.0.0.1", claim_path, claim("ZZZZZ-ZZZZZ", "auth")).await;
    assert_eq!((s, reason(&v)), (404, "case_token_unknown"), "{v}");
    let (s, v) = from(&kit, "127.0.0.1", claim_path, claim(&auth_token.to_lowercase(), "auth")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["case_reference"].as_str(), v["operation"].as_str()), (Some(case.as_str()), Some("change")));
    let report_token = v["report_token"].as_str().unwrap().to_owned();
    let (s, v) = from(&kit, "127.0.0.1", claim_path, claim(&auth_token, "auth")).await;
    assert_eq!((s, reason(&v)), (409, "case_token_used"), "{v}");
    let report =
        |outcome: &str| json!({"report_token": report_token, "pin": "auth", "outcome": outcome, "tries_left": 3});
    let report_path = "/api/v1/counter/case-tokens/report";
    let (s, v) = from(&kit, "127.0.0.1", report_path, report("success")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["state"].as_str(), v["pins_remaining"].clone()), (Some("open"), json!(["juki"])));
    let (s, v) = from(&kit, "127.0.0.1", report_path, report("success")).await;
    assert_eq!((s, reason(&v)), (409, "case_token_used"), "reported once: {v}");
    let (s, v) = kit.post(&path(&case, "/case-tokens"), Some(&token), json!({"pin": "auth"})).await;
    assert_eq!((s, reason(&v)), (422, "pin_already_done"), "{v}");
    let (_, v) = kit.post(&path(&case, "/case-tokens"), Some(&token), json!({"pin": "juki"})).await;
    let juki_token = v["token"].as_str().unwrap().to_owned();
    kit.clock.advance(Duration::minutes(15));
    let (s, v) = from(&kit, "127.0.0.1", claim_path, claim(&juki_token, "juki")).await;
    assert_eq!((s, reason(&v)), (410, "case_token_expired"), "{v}");
    let (_, v) = kit.post(&path(&case, "/case-tokens"), Some(&token), json!({"pin": "juki"})).await;
    let juki_token = v["token"].as_str().unwrap().to_owned();
    let (_, v) = from(&kit, "127.0.0.1", claim_path, claim(&juki_token, "juki")).await;
    let failed = json!({"report_token": v["report_token"], "pin": "juki", "outcome": "failure", "tries_left": 2});
    let (s, v) = from(&kit, "127.0.0.1", report_path, failed).await;
    assert_eq!(
        (s, v["state"].as_str(), v["pins_remaining"].clone()),
        (200, Some("open"), json!(["juki"])),
        "a failure moves nothing: {v}"
    );
    let (_, v) = kit.get(&path(&case, ""), &token).await;
    let outcomes: Vec<_> = v["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["pin"].clone(), t["outcome"].clone(), t["tries_left"].clone()))
        .collect();
    assert!(outcomes.contains(&(json!("auth"), json!("success"), json!(3))), "{outcomes:?}");
    assert!(outcomes.contains(&(json!("juki"), json!("failure"), json!(2))), "{outcomes:?}");
    let reset = json!({"login_id": ADDRESSED, "case_type": "in_person", "pins": ["text"], "operation": "reset",
                       "items": [{"item": "card"}]});
    let (_, v) = open(&kit, &token, reset).await;
    let reset_case = v["reference"].as_str().unwrap().to_owned();
    let (s, v) = kit.post(&path(&reset_case, "/case-tokens"), Some(&token), json!({"pin": "text"})).await;
    assert_eq!((s, reason(&v)), (422, "reset_on_terminal_only"), "{v}");
}

#[tokio::test]
async fn a_token_of_a_member_disabled_since_it_was_issued_is_refused() {
    let (kit, token) = setup().await;
    let body = json!({"login_id": LOGIN, "case_type": "in_person", "pins": ["auth"], "operation": "change",
                      "items": [{"item": "card"}]});
    let (_, v) = open(&kit, &token, body).await;
    let case = v["reference"].as_str().unwrap().to_owned();
    let member = kit.enrol("ct.leaving", reissue_core::staff::StaffRole::Counter).await;
    let who = Requester::staff(&member.login, None);
    let now = kit.clock.now();
    let issued = kit.recovery.issue_case_token(&case, reissue_core::counter::CardPin::Auth, &who, now).await.unwrap();
    kit.recovery.disable_staff(&member.login, &Actor::Cli, now).await.unwrap();
    let claim = json!({"token": issued.token.grouped(), "pin": "auth"});
    let (s, v) = from(&kit, "127.0.0.1", "/api/v1/counter/case-tokens/claim", claim).await;
    assert_eq!((s, reason(&v)), (404, "case_token_unknown"), "{v}");
}
