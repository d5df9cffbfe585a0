//! The staff JSON API under `/api/v1/staff`, as a help-desk tool uses it: sign-in with password
//! and TOTP, sessions that end idle after 15 minutes and after 8 hours whatever the use, each
//! role refused what it may not do, fresh TOTP codes for sensitive actions used once, postal
//! applications and their four-eyes approval, the vendor's files and the batch download.

use std::io::Read;

use axum::body::Body;
use axum::http::{Request, header};
use reissue_core::account::{
    AccountKind, AccountStatus, Address, ChangedAt, Email, Language, LoginId, PersonName, PhoneNumber, Profile,
};
use reissue_core::audit::{Actor, AuditDraft};
use reissue_core::model::{ImportedAccount, Role};
use reissue_core::ports::Accounts;
use reissue_core::procedures::Requester;
use reissue_core::procedures::postal::IdentityCheck;
use reissue_core::rules::Rules;
use reissue_core::staff::{Permission, StaffRole};
use reissue_server::Clock;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use time::Duration;
use tower::ServiceExt;

use crate::kit::{Kit, LOGIN, Member};

const POSTAL_LOGIN: &str = "123456789";

fn rules() -> Rules {
    Rules { uniform_response_ms: 1, code_entry_response_ms: 1, ..Rules::default() }
}

/// A request to the router; the answer's status, headers and body.
async fn send(
    kit: &Kit,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(path).header(header::CONTENT_TYPE, content_type);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let resp = kit.app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20).await.unwrap();
    (status, headers, bytes.to_vec())
}

/// A JSON request (no body for GET and DELETE without one).
async fn call(kit: &Kit, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let (s, _, b) = send(kit, method, path, token, "application/json", bytes).await;
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

async fn sign_in(kit: &Kit, m: &Member) -> (u16, Value) {
    let body = json!({"login": m.login, "password": m.password, "totp": m.code(kit)});
    call(kit, "POST", "/api/v1/staff/sessions", None, Some(body)).await
}

/// The next time step, so that a new code is fresh.
fn next_step(kit: &Kit) {
    kit.clock.advance(Duration::seconds(30));
}

/// A member of `role`, signed in with their password changed, and a fresh code ahead.
async fn ready(kit: &Kit, login: &str, role: StaffRole) -> (Member, String) {
    let mut m = kit.enrol(login, role).await;
    let (s, v) = sign_in(kit, &m).await;
    assert_eq!(s, 201, "{v}");
    let token = v["token"].as_str().unwrap().to_owned();
    let new = format!("{login} lantern harbour");
    let change = json!({"current": m.password, "new": new});
    let (s, v) = call(kit, "POST", "/api/v1/staff/sessions/current/password", Some(&token), Some(change)).await;
    assert_eq!(s, 204, "{v}");
    m.password = new;
    next_step(kit);
    (m, token)
}

/// Imports an account with an address, which may get a postal code.
async fn account_with_address(kit: &Kit) {
    let profile = Profile {
        login_id: LoginId::parse(POSTAL_LOGIN).unwrap(),
        kind: AccountKind::Individual,
        status: AccountStatus::Active,
        organization_name: None,
        name: PersonName::new("国", "太郎").unwrap(),
        name_kana: None,
        birth_date: None,
        email: Some(Email::parse("taro@example.jp").unwrap()),
        phone: Some(PhoneNumber::parse_e164("+819012345678").unwrap()),
        language: Language::Ja,
        address: Some(Address {
            postal_code: "100-0005".into(),
            lines: vec!["東京都千代田区丸の内一丁目1番1号".into()],
        }),
        changed_at: ChangedAt::default(),
    };
    let imported = ImportedAccount { line: 1, profile, credentials: vec![] };
    let draft = AuditDraft::new(Actor::Cli, "import", None, "ok");
    kit.store.import_accounts(vec![imported], false, kit.clock.now(), draft).await.unwrap();
}

/// Every endpoint with the one permission it needs, and a request that reaches its check.
fn endpoints() -> Vec<(&'static str, String, Option<Value>, Permission)> {
    let action = |name: &str, perm| {
        let body = if name.ends_with("channel") {
            json!({"action": name, "channel": "voice", "reason": "test"})
        } else {
            json!({"action": name, "login_id": LOGIN, "reason": "test"})
        };
        ("POST", "/api/v1/staff/actions".to_owned(), Some(body), perm)
    };
    let p = |s: &str| format!("/api/v1/staff{s}");
    vec![
        ("GET", p(&format!("/accounts?login_id={LOGIN}")), None, Permission::ViewAccount),
        ("GET", p(&format!("/accounts/{LOGIN}")), None, Permission::ViewAccount),
        ("POST", p(&format!("/accounts/{LOGIN}/reveal")), Some(json!({})), Permission::RevealContact),
        ("POST", p("/postal-applications"), Some(json!({})), Permission::ApplyPostal),
        action("void_code", Permission::VoidCode),
        action("lift_fraud_hold", Permission::FraudHold),
        action("resume", Permission::SuspendAccount),
        action("resume_channel", Permission::PauseChannel),
        ("GET", p("/approvals"), None, Permission::Approve),
        ("POST", p("/approvals/999/approve"), Some(json!({})), Permission::Approve),
        ("POST", p("/approvals/999/reject"), Some(json!({})), Permission::Approve),
        ("GET", p("/postal/queue"), None, Permission::ManageBatches),
        ("GET", p("/postal/batches"), None, Permission::ManageBatches),
        ("POST", p("/postal/batches"), None, Permission::ManageBatches),
        ("POST", p("/postal/batches/999/export"), Some(json!({})), Permission::ExportBatch),
        ("POST", p("/postal/tracking"), Some(json!({})), Permission::ImportVendorFiles),
        ("POST", p("/postal/returns"), Some(json!({})), Permission::ImportVendorFiles),
        ("GET", p("/members"), None, Permission::ManageStaff),
        ("POST", p("/members"), Some(json!({})), Permission::ManageStaff),
        ("POST", p("/members/nobody/disable"), None, Permission::ManageStaff),
        ("POST", p("/members/nobody/reset"), None, Permission::ManageStaff),
        ("GET", p("/counter/cases"), None, Permission::CounterCases),
        ("POST", p("/counter/cases"), Some(json!({})), Permission::CounterCases),
        ("GET", p("/counter/cases/C999999"), None, Permission::CounterCases),
        ("POST", p("/counter/cases/C999999/items"), Some(json!({})), Permission::CounterCases),
        ("POST", p("/counter/cases/C999999/inquiry/mailed"), None, Permission::CounterCases),
        ("POST", p("/counter/cases/C999999/inquiry/returned"), Some(json!({})), Permission::CounterCases),
        ("POST", p("/counter/cases/C999999/second-visit"), Some(json!({})), Permission::CounterCases),
        ("POST", p("/counter/cases/C999999/pin-step"), Some(json!({})), Permission::CounterCases),
        ("POST", p("/counter/cases/C999999/case-tokens"), Some(json!({})), Permission::CounterCases),
        ("POST", p("/counter/cases/C999999/cancel"), Some(json!({})), Permission::CounterCases),
    ]
}

#[tokio::test]
async fn each_role_is_refused_by_the_api_what_it_may_not_do_and_nothing_else() {
    let kit = Kit::new(rules()).await;
    for role in StaffRole::ALL {
        let (_, token) = ready(&kit, &format!("member.{role}"), role).await;
        for (method, path, body, permission) in endpoints() {
            let (s, v) = call(&kit, method, &path, Some(&token), body).await;
            if role.may(permission) {
                assert!(s != 403 || code(&v) != "forbidden", "{role} may {method} {path}: {s} {v}");
                assert_ne!(code(&v), "unauthenticated", "{role} {method} {path}: {v}");
            } else {
                assert_eq!((s, code(&v)), (403, "forbidden"), "{role} may not {method} {path}: {v}");
                assert_eq!(v["error"]["field"], permission.as_str(), "the refusal names the permission");
            }
        }
    }
}

#[tokio::test]
async fn without_a_valid_bearer_the_staff_api_answers_401_and_a_staff_token_works_within_its_role() {
    let kit = Kit::new(rules()).await;
    let view = format!("/api/v1/staff/accounts/{LOGIN}");
    let (s, v) = call(&kit, "GET", &view, None, None).await;
    assert_eq!((s, code(&v)), (401, "unauthenticated"));
    let (s, v) = call(&kit, "GET", &view, Some("st_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), None).await;
    assert_eq!((s, code(&v)), (401, "unauthenticated"));
    let now = kit.clock.now();
    let desk = kit.recovery.create_token("desk-tool", Role::Helpdesk, now).await.unwrap();
    let desk = desk.expose_secret();
    let (s, v) = call(&kit, "GET", &view, Some(desk), None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["login_id"], LOGIN);
    assert_eq!(v["email_masked"], "e***@example.com", "contacts are masked");
    assert!(v.to_string().find("emily@example.com").is_none());
    let (s, v) = call(&kit, "GET", "/api/v1/staff/members", Some(desk), None).await;
    assert_eq!((s, code(&v)), (403, "forbidden"), "{v}");
    let reveal = json!({"field": "email", "reason": "the caller asked for the address we hold"});
    let (s, v) = call(&kit, "POST", &format!("{view}/reveal"), Some(desk), Some(reveal)).await;
    assert_eq!((s, v["value"].as_str()), (200, Some("emily@example.com")), "{v}");
    let integrator = kit.recovery.create_token("backend", Role::Integrator, now).await.unwrap();
    let (s, v) = call(&kit, "GET", &view, Some(integrator.expose_secret()), None).await;
    assert_eq!((s, code(&v)), (403, "forbidden"), "an integrator's token has no staff role: {v}");
    let events = kit.recovery.audit_events(Some(&LoginId::parse(LOGIN).unwrap()), 0, 100).await.unwrap();
    assert!(events.iter().any(|e| e.draft.action == "contact_revealed" && e.draft.actor == "token:desk-tool"));
}

#[tokio::test]
async fn a_session_ends_after_15_idle_minutes_and_after_8_hours_however_busy() {
    let kit = Kit::new(rules()).await;
    let (m, token) = ready(&kit, "hd.sato", StaffRole::Helpdesk).await;
    let view = format!("/api/v1/staff/accounts/{LOGIN}");
    kit.clock.advance(Duration::minutes(14));
    assert_eq!(call(&kit, "GET", &view, Some(&token), None).await.0, 200, "used within 15 minutes");
    kit.clock.advance(Duration::minutes(15) + Duration::seconds(1));
    let (s, v) = call(&kit, "GET", &view, Some(&token), None).await;
    assert_eq!((s, code(&v)), (401, "unauthenticated"), "idle for over 15 minutes");
    let (s, v) = sign_in(&kit, &m).await;
    assert_eq!(s, 201, "{v}");
    let token = v["token"].as_str().unwrap().to_owned();
    let start = kit.clock.now();
    while kit.clock.now() - start < Duration::hours(8) - Duration::minutes(10) {
        kit.clock.advance(Duration::minutes(10));
        assert_eq!(call(&kit, "GET", &view, Some(&token), None).await.0, 200, "in use every 10 minutes");
    }
    kit.clock.advance(start + Duration::hours(8) - kit.clock.now());
    let (s, v) = call(&kit, "GET", &view, Some(&token), None).await;
    assert_eq!((s, code(&v)), (401, "unauthenticated"), "8 hours after sign-in");
}

#[tokio::test]
async fn sign_out_ends_this_session_and_sign_out_everywhere_every_one() {
    let kit = Kit::new(rules()).await;
    let (m, first) = ready(&kit, "hd.sato", StaffRole::Helpdesk).await;
    let second = sign_in(&kit, &m).await.1["token"].as_str().unwrap().to_owned();
    next_step(&kit);
    let third = sign_in(&kit, &m).await.1["token"].as_str().unwrap().to_owned();
    let view = format!("/api/v1/staff/accounts/{LOGIN}");
    let (s, _) = call(&kit, "DELETE", "/api/v1/staff/sessions/current", Some(&first), None).await;
    assert_eq!(s, 204);
    assert_eq!(call(&kit, "GET", &view, Some(&first), None).await.0, 401);
    assert_eq!(call(&kit, "GET", &view, Some(&second), None).await.0, 200, "the other sessions go on");
    let (s, v) = call(&kit, "DELETE", "/api/v1/staff/sessions", Some(&second), None).await;
    assert_eq!((s, v["ended"].as_u64()), (200, Some(2)), "{v}");
    assert_eq!(call(&kit, "GET", &view, Some(&second), None).await.0, 401);
    assert_eq!(call(&kit, "GET", &view, Some(&third), None).await.0, 401);
}

#[tokio::test]
async fn a_totp_code_works_once_for_a_sign_in_or_a_sensitive_action() {
    let kit = Kit::new(rules()).await;
    account_with_address(&kit).await;
    let m = kit.enrol("hd.sato", StaffRole::Helpdesk).await;
    let (s, v) = sign_in(&kit, &m).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = sign_in(&kit, &m).await;
    assert_eq!((s, code(&v)), (401, "invalid_credentials"), "the same code signs in once: {v}");
    let token = v["token"].as_str().map(str::to_owned).unwrap_or_default();
    assert!(token.is_empty());
    let (_, v) =
        sign_in(&kit, &Member { password: "not it at all".into(), ..kit.enrol("x.y", StaffRole::Helpdesk).await })
            .await;
    assert_eq!(code(&v), "invalid_credentials", "a wrong password answers the same");
    // Take the first session through its password change.
    next_step(&kit);
    let (_, v) = sign_in(&kit, &m).await;
    let token = v["token"].as_str().unwrap().to_owned();
    let change = json!({"current": m.password, "new": "hd.sato's harbour lantern"});
    assert_eq!(call(&kit, "POST", "/api/v1/staff/sessions/current/password", Some(&token), Some(change)).await.0, 204);
    let apply = |totp: Option<String>| json!({"login_id": POSTAL_LOGIN, "reason": "lost the card", "identity_checks": ["birth_date", "address"], "totp": totp});
    let path = "/api/v1/staff/postal-applications";
    let (s, v) = call(&kit, "POST", path, Some(&token), Some(apply(None))).await;
    assert_eq!((s, code(&v)), (401, "fresh_totp_required"), "{v}");
    let (s, v) = call(&kit, "POST", path, Some(&token), Some(apply(Some(m.code(&kit))))).await;
    assert_eq!((s, code(&v)), (403, "fresh_totp_refused"), "the code that signed in is not fresh: {v}");
    next_step(&kit);
    let fresh = m.code(&kit);
    let (s, v) = call(&kit, "POST", path, Some(&token), Some(apply(Some(fresh.clone())))).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = call(&kit, "POST", path, Some(&token), Some(apply(Some(fresh)))).await;
    assert_eq!((s, code(&v)), (403, "fresh_totp_refused"), "a code is used once: {v}");
}

#[tokio::test]
async fn a_session_with_its_initial_password_may_only_change_it() {
    let kit = Kit::new(rules()).await;
    let m = kit.enrol("hd.sato", StaffRole::Helpdesk).await;
    let (s, v) = sign_in(&kit, &m).await;
    assert_eq!((s, v["must_change_password"].as_bool(), v["role"].as_str()), (201, Some(true), Some("helpdesk")));
    let token = v["token"].as_str().unwrap().to_owned();
    let view = format!("/api/v1/staff/accounts/{LOGIN}");
    let (s, v) = call(&kit, "GET", &view, Some(&token), None).await;
    assert_eq!((s, code(&v)), (403, "password_change_required"), "{v}");
    let wrong = json!({"current": "not the password", "new": "a harbour lantern mist"});
    let (s, v) = call(&kit, "POST", "/api/v1/staff/sessions/current/password", Some(&token), Some(wrong)).await;
    assert_eq!((s, code(&v)), (403, "invalid_credentials"), "{v}");
    let weak = json!({"current": m.password, "new": "short"});
    let (s, v) = call(&kit, "POST", "/api/v1/staff/sessions/current/password", Some(&token), Some(weak)).await;
    assert_eq!((s, code(&v)), (422, "policy_violation"), "{v}");
    let right = json!({"current": m.password, "new": "a harbour lantern mist"});
    let (s, v) = call(&kit, "POST", "/api/v1/staff/sessions/current/password", Some(&token), Some(right)).await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(call(&kit, "GET", &view, Some(&token), None).await.0, 200, "then the session may do its role's work");
}

#[tokio::test]
async fn a_postal_application_through_the_api_gets_a_reference_and_an_ineligible_account_the_reason() {
    let kit = Kit::new(rules()).await;
    account_with_address(&kit).await;
    let (m, token) = ready(&kit, "hd.sato", StaffRole::Helpdesk).await;
    let body = |login: &str, totp: String| json!({"login_id": login, "reason": "lost the card", "identity_checks": ["name", "address"], "totp": totp});
    let path = "/api/v1/staff/postal-applications";
    let (s, v) = call(&kit, "POST", path, Some(&token), Some(body(POSTAL_LOGIN, m.code(&kit)))).await;
    assert_eq!((s, v["reference"].as_str()), (201, Some("L00000001")), "{v}");
    assert!(v["expires_at"].is_string() && v["arrives_about"].is_string(), "{v}");
    next_step(&kit);
    let (s, v) = call(&kit, "POST", path, Some(&token), Some(body(LOGIN, m.code(&kit)))).await;
    assert_eq!((s, code(&v)), (422, "not_eligible"), "{v}");
    assert_eq!(v["error"]["reasons"][0]["code"], "no_address", "{v}");
    let (s, v) = call(&kit, "GET", &format!("/api/v1/staff/accounts/{POSTAL_LOGIN}"), Some(&token), None).await;
    assert_eq!(s, 200);
    assert_eq!(v["letters"][0]["reference"], "L00000001");
    assert_eq!(v["letters"][0]["status"], "queued");
    assert_eq!(v["active_code"]["channel"], "postal", "{v}");
    assert!(v["active_code"].get("code").is_none(), "never the code");
}

#[tokio::test]
async fn under_four_eyes_an_unlock_waits_until_another_member_approves() {
    let kit = Kit::with_four_eyes(rules(), &["unlock"]).await;
    sqlx::query("UPDATE credentials SET locked = 1, failures = 5 WHERE name = 'cash_card_pin'")
        .execute(kit.store.pool())
        .await
        .unwrap();
    let (desk, desk_token) = ready(&kit, "hd.sato", StaffRole::Helpdesk).await;
    let (admin, admin_token) = ready(&kit, "ad.tanaka", StaffRole::Admin).await;
    let unlock = json!({"action": "unlock", "login_id": LOGIN, "credential": "cash_card_pin",
        "reason": "caller verified", "totp": desk.code(&kit)});
    let (s, v) = call(&kit, "POST", "/api/v1/staff/actions", Some(&desk_token), Some(unlock)).await;
    assert_eq!((s, v["status"].as_str()), (202, Some("pending")), "{v}");
    let id = v["id"].as_i64().unwrap();
    let approve = format!("/api/v1/staff/approvals/{id}/approve");
    let (s, v) = call(&kit, "POST", &approve, Some(&desk_token), Some(json!({}))).await;
    assert_eq!((s, code(&v)), (403, "forbidden"), "the help desk does not approve: {v}");
    let (s, v) = call(&kit, "GET", "/api/v1/staff/approvals", Some(&admin_token), None).await;
    assert_eq!((s, v["actions"][0]["state"].as_str()), (200, Some("pending")), "{v}");
    let (s, v) = call(&kit, "POST", &approve, Some(&admin_token), Some(json!({}))).await;
    assert_eq!((s, code(&v)), (401, "fresh_totp_required"), "{v}");
    let (s, v) = call(&kit, "POST", &approve, Some(&admin_token), Some(json!({"totp": admin.code(&kit)}))).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("done")), "{v}");
    let (_, v) = call(&kit, "GET", &format!("/api/v1/staff/accounts/{LOGIN}"), Some(&admin_token), None).await;
    let pin = v["credentials"].as_array().unwrap().iter().find(|c| c["name"] == "cash_card_pin").unwrap().clone();
    assert_eq!((pin["locked"].as_bool(), pin["failures"].as_u64()), (Some(false), Some(0)), "{pin}");
    next_step(&kit);
    let (s, v) = call(&kit, "POST", &approve, Some(&admin_token), Some(json!({"totp": admin.code(&kit)}))).await;
    assert_eq!((s, code(&v)), (409, "already_decided"), "{v}");
}

#[tokio::test]
async fn under_four_eyes_a_postal_application_waits_for_a_supervisor_and_stays_the_applicants() {
    let kit = Kit::with_four_eyes(rules(), &["postal_application"]).await;
    account_with_address(&kit).await;
    let (desk, desk_token) = ready(&kit, "hd.sato", StaffRole::Helpdesk).await;
    let (admin, admin_token) = ready(&kit, "ad.tanaka", StaffRole::Admin).await;
    let apply = json!({"login_id": POSTAL_LOGIN, "reason": "lost the card",
        "identity_checks": ["birth_date", "address"], "totp": desk.code(&kit)});
    let (s, v) = call(&kit, "POST", "/api/v1/staff/postal-applications", Some(&desk_token), Some(apply)).await;
    assert_eq!((s, v["status"].as_str()), (202, Some("pending")), "{v}");
    assert_eq!(kit.recovery.postal_queue().await.unwrap().letters, 0, "nothing queued before the approval");
    let approve = format!("/api/v1/staff/approvals/{}/approve", v["id"]);
    let (s, v) = call(&kit, "POST", &approve, Some(&admin_token), Some(json!({"totp": admin.code(&kit)}))).await;
    assert_eq!((s, v["result"]["reference"].as_str()), (200, Some("L00000001")), "{v}");
    let supervisor = Requester::staff("ad.tanaka", None);
    let view = kit.recovery.account_view(POSTAL_LOGIN, &supervisor, kit.clock.now()).await.unwrap();
    assert_eq!(
        view.letters[0].letter.applied_by, "staff:hd.sato",
        "the letter is the applicant's, approved by another"
    );
}

/// Applies for a letter as `applicant` and closes the batch; returns its ID.
async fn closed_batch(kit: &Kit, applicant: &str, operator_token: &str) -> i64 {
    let checks = [IdentityCheck::BirthDate, IdentityCheck::Address];
    let now = kit.clock.now();
    kit.recovery
        .apply_for_postal_code(POSTAL_LOGIN, "lost the card", &checks, &Requester::staff(applicant, None), now)
        .await
        .unwrap();
    let (s, v) = call(kit, "POST", "/api/v1/staff/postal/batches", Some(operator_token), None).await;
    assert_eq!((s, v["letters"].as_u64()), (201, Some(1)), "{v}");
    v["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_export_is_a_tar_of_the_letters_and_the_manifest_and_never_the_applicants() {
    let kit = Kit::new(rules()).await;
    account_with_address(&kit).await;
    let (po, po_token) = ready(&kit, "po.suzuki", StaffRole::PostalOperator).await;
    let (other, other_token) = ready(&kit, "po.kato", StaffRole::PostalOperator).await;
    let (s, _) = call(&kit, "POST", "/api/v1/staff/postal/batches", Some(&po_token), None).await;
    assert_eq!(s, 204, "nothing waits");
    let id = closed_batch(&kit, "po.suzuki", &po_token).await;
    let export = format!("/api/v1/staff/postal/batches/{id}/export");
    let (s, v) = call(&kit, "POST", &export, Some(&po_token), Some(json!({"totp": po.code(&kit)}))).await;
    assert_eq!((s, code(&v)), (403, "own_letters"), "whoever applied does not export: {v}");
    let body = json!({"totp": other.code(&kit)}).to_string().into_bytes();
    let (s, headers, tar_bytes) = send(&kit, "POST", &export, Some(&other_token), "application/json", body).await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&tar_bytes));
    assert_eq!(headers[header::CONTENT_TYPE], "application/x-tar");
    let mut archive = tar::Archive::new(tar_bytes.as_slice());
    let mut names = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        names.push(entry.path().unwrap().display().to_string());
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        assert!(!content.is_empty());
    }
    assert_eq!(names, ["L00000001.pdf", "manifest.csv"], "the letters, then the manifest");
    next_step(&kit);
    let (s, v) = call(&kit, "POST", &export, Some(&other_token), Some(json!({"totp": other.code(&kit)}))).await;
    assert_eq!((s, code(&v)), (409, "already_exported"), "{v}");
    let (s, v) = call(&kit, "GET", "/api/v1/staff/postal/batches", Some(&other_token), None).await;
    assert_eq!((s, v["batches"][0]["state"].as_str()), (200, Some("exported")), "{v}");
}

#[tokio::test]
async fn a_tracking_file_with_one_bad_check_digit_is_refused_naming_the_line_and_nothing_is_recorded() {
    let kit = Kit::new(rules()).await;
    account_with_address(&kit).await;
    let (_, po_token) = ready(&kit, "po.suzuki", StaffRole::PostalOperator).await;
    let (other, other_token) = ready(&kit, "po.kato", StaffRole::PostalOperator).await;
    for _ in 0..2 {
        let id = closed_batch(&kit, "hd.sato", &po_token).await;
        let export = format!("/api/v1/staff/postal/batches/{id}/export");
        let body = json!({"totp": other.code(&kit)}).to_string().into_bytes();
        assert_eq!(send(&kit, "POST", &export, Some(&other_token), "application/json", body).await.0, 200);
        next_step(&kit);
    }
    let file = "reference,tracking_number,accepted_on\nL00000001,131-12-38385-2,2027-01-16\nL00000002,13112383851,2027-01-16\n";
    let path = "/api/v1/staff/postal/tracking?preview=false";
    let (s, _, b) = send(&kit, "POST", path, Some(&po_token), "text/csv", file.as_bytes().to_vec()).await;
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!((s, code(&v)), (422, "file_refused"), "{v}");
    let lines = v["error"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{v}");
    assert_eq!(lines[0]["line"], 3);
    assert!(lines[0]["problem"].as_str().unwrap().contains("check digit"), "{v}");
    let desk = kit.recovery.create_token("desk", Role::Helpdesk, kit.clock.now()).await.unwrap();
    let (_, view) =
        call(&kit, "GET", &format!("/api/v1/staff/accounts/{POSTAL_LOGIN}"), Some(desk.expose_secret()), None).await;
    assert!(view["letters"].as_array().unwrap().iter().all(|l| l["tracking_number"].is_null()), "nothing recorded");
    let (s, _, _) = send(&kit, "POST", path, Some(&po_token), "application/json", file.as_bytes().to_vec()).await;
    assert_eq!(s, 415, "the file is sent as text/csv");
    let good = "reference,tracking_number,accepted_on\nL00000001,131-12-38385-2,2027-01-16\n";
    let (s, _, b) =
        send(&kit, "POST", "/api/v1/staff/postal/tracking?preview=true", Some(&po_token), "text/csv", good.into())
            .await;
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!((s, v["preview"].as_bool(), v["recorded"][0].as_str()), (200, Some(true), Some("L00000001")), "{v}");
}
