//! The staff console without a browser: sign-in with a TOTP code computed here, the first new
//! password, the 403 page of a role, form tokens and origin on staff forms, session expiry
//! and sign-out, and the help desk's way from a search to a postal application whose batch a
//! postal operator closes and downloads.

use reissue_core::account::{
    AccountKind, AccountStatus, Address, ChangedAt, Email, Language, LoginId, PersonName, PhoneNumber, Profile,
};
use reissue_core::audit::{Actor, AuditDraft};
use reissue_core::model::ImportedAccount;
use reissue_core::ports::Accounts;
use reissue_core::staff::StaffRole;
use reissue_server::Clock;
use time::Duration;

use super::browser::{Browser, Got};
use super::rules;
use crate::kit::{Kit, LOGIN, Member};

const NEW_PASSWORD: &str = "quiet harbour lantern";

/// Signs in (the first time: sets the new password too); the page the console opens.
pub(super) async fn sign_in(b: &mut Browser<'_>, m: &mut Member) -> Got {
    let code = m.code(b.kit);
    let got = b.submit("/staff/", &[("login", &m.login), ("password", &m.password), ("totp", &code)]).await;
    assert_eq!(got.status, 303, "{}", got.body);
    if got.location() == "/staff/password" {
        let page = b.get("/staff/password").await;
        assert!(text(&page).contains(r#"autocomplete="new-password""#), "{}", page.body);
        let set = b
            .post(
                "/staff/password",
                &csrf_of(&page, "/staff/password"),
                &[
                    ("current_password", &m.password),
                    ("new_password", NEW_PASSWORD),
                    ("new_password_confirm", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(set.status, 303, "{}", set.body);
        m.password = NEW_PASSWORD.into();
        let again = b.get(set.location()).await;
        assert_eq!(again.status, 303, "{}", again.body);
        return b.get(again.location()).await;
    }
    b.get(got.location()).await
}

/// The page as the browser reads it (minijinja escapes `/` in values).
pub(super) fn text(page: &Got) -> String {
    page.body.replace("&#x2f;", "/")
}

/// The token of the form that posts to `action` on the page.
pub(super) fn csrf_of(page: &Got, action: &str) -> String {
    let body = text(page);
    let at = body.find(&format!(r#"action="{action}""#)).unwrap_or_else(|| panic!("no form to {action}: {body}"));
    let rest = &body[at..];
    let t = rest.find(r#"name="csrf" value=""#).unwrap() + r#"name="csrf" value=""#.len();
    rest[t..t + rest[t..].find('"').unwrap()].to_owned()
}

async fn account_with_address(kit: &Kit, login: &str, changed: Option<time::OffsetDateTime>) {
    let profile = Profile {
        login_id: LoginId::parse(login).unwrap(),
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
        changed_at: ChangedAt { address: changed, ..ChangedAt::default() },
    };
    let imported = ImportedAccount { line: 1, profile, credentials: vec![] };
    let draft = AuditDraft::new(Actor::Cli, "import", None, "ok");
    kit.store.import_accounts(vec![imported], false, kit.clock.now(), draft).await.unwrap();
}

#[tokio::test]
async fn a_first_sign_in_sets_a_new_password_and_a_wrong_factor_is_one_message() {
    let kit = Kit::new(rules()).await;
    let mut m = kit.enrol("hd.sato", StaffRole::Helpdesk).await;
    let mut b = Browser::english(&kit);
    let form = b.get("/staff/").await;
    for attr in [r#"autocomplete="username""#, r#"autocomplete="current-password""#, r#"autocomplete="one-time-code""#]
    {
        assert!(text(&form).contains(attr), "{attr}: {}", form.body);
    }
    let wrong = b
        .post("/staff/", &form.csrf(), &[("login", "hd.sato"), ("password", "not it at all"), ("totp", &m.code(&kit))])
        .await;
    assert_eq!(wrong.status, 401);
    assert!(text(&wrong).contains("The login, password or code is not right."), "{}", wrong.body);
    let unknown = b.submit("/staff/", &[("login", "nobody.here"), ("password", "x"), ("totp", "000000")]).await;
    assert_eq!(unknown.status, 401);
    assert!(text(&unknown).contains("The login, password or code is not right."));
    kit.clock.advance(Duration::seconds(30));
    let home = sign_in(&mut b, &mut m).await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(text(&home).contains("Find an account"), "{}", home.body);
    let cookie = home.set_cookies().join("\n") + &b.cookies.keys().cloned().collect::<Vec<_>>().join(",");
    assert!(cookie.contains("__Host-reissue-staff"), "{cookie}");
}

#[tokio::test]
async fn a_role_sees_only_its_areas_and_the_rest_is_a_403_page_in_its_language() {
    let kit = Kit::new(rules()).await;
    let mut m = kit.enrol("po.suzuki", StaffRole::PostalOperator).await;
    let mut b = Browser::new(&kit);
    let home = sign_in(&mut b, &mut m).await;
    assert!(text(&home).contains(r#"href="/staff/batches""#), "{}", home.body);
    assert!(!text(&home).contains(r#"href="/staff/accounts""#), "a postal operator sees no accounts");
    let refused = b.get(&format!("/staff/accounts/{LOGIN}")).await;
    assert_eq!(refused.status, 403);
    assert!(text(&refused).contains("権限がありません"), "{}", refused.body);
    let refused = b.get("/staff/members").await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn staff_forms_need_their_token_and_this_origin() {
    let kit = Kit::new(rules()).await;
    let mut m = kit.enrol("po.suzuki", StaffRole::PostalOperator).await;
    let mut b = Browser::english(&kit);
    let desk = sign_in(&mut b, &mut m).await;
    let token = csrf_of(&desk, "/staff/batches/close");
    let forged = b.post_raw("/staff/batches/close", &[("csrf", "forged")], &[("sec-fetch-site", "same-origin")]).await;
    assert_eq!(forged.status, 403);
    let other = b.post_raw("/staff/batches/close", &[("csrf", &token)], &[("sec-fetch-site", "cross-site")]).await;
    assert_eq!(other.status, 403);
    let wrong_path = b.post("/staff/sign-out", &token, &[]).await;
    assert_eq!(wrong_path.status, 403, "a token works only for its own form");
    let ok = b.post("/staff/batches/close", &token, &[]).await;
    assert_eq!((ok.status, ok.location()), (303, "/staff/batches?nothing=1"));
}

#[tokio::test]
async fn an_idle_session_ends_and_signing_out_ends_it_in_the_database() {
    let kit = Kit::new(rules()).await;
    let mut m = kit.enrol("hd.sato", StaffRole::Helpdesk).await;
    let mut b = Browser::english(&kit);
    sign_in(&mut b, &mut m).await;
    let idle = kit.recovery.staff_rules().idle();
    kit.clock.advance(idle + Duration::seconds(1));
    let gone = b.get("/staff/accounts").await;
    assert_eq!((gone.status, gone.location()), (303, "/staff/?ended=1"));
    let notice = b.get("/staff/?ended=1").await;
    assert!(text(&notice).contains("Your session ended."), "{}", notice.body);

    kit.clock.advance(Duration::seconds(30));
    let home = sign_in(&mut b, &mut m).await;
    let stolen = b.cookies.clone();
    let out = b.post("/staff/sign-out", &csrf_of(&home, "/staff/sign-out"), &[]).await;
    assert_eq!((out.status, out.location()), (303, "/staff/?signed_out=1"));
    // The same cookie, replayed, no longer opens anything.
    b.cookies = stolen;
    let replay = b.get("/staff/accounts").await;
    assert_eq!(replay.status, 303);
    assert!(replay.location().starts_with("/staff/"), "{}", replay.location());
}

#[tokio::test]
async fn the_help_desk_applies_for_a_postal_code_and_an_operator_downloads_the_batch() {
    let kit = Kit::new(rules()).await;
    account_with_address(&kit, "123456789", None).await;
    account_with_address(&kit, "222222222", Some(kit.clock.now() - Duration::days(3))).await;
    let mut hd = kit.enrol("hd.sato", StaffRole::Helpdesk).await;
    let mut b = Browser::english(&kit);
    let search = sign_in(&mut b, &mut hd).await;
    let found = b.post("/staff/accounts", &csrf_of(&search, "/staff/accounts"), &[("login_id", "123456789")]).await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert!(text(&found).contains(r#"href="/staff/accounts/123456789""#), "{}", found.body);

    let other = b.get("/staff/accounts/222222222").await;
    assert!(text(&other).contains("The address changed on"), "the reason in words: {}", other.body);
    assert!(!text(&other).contains(r#"href="/staff/accounts/222222222/postal""#));

    let view = b.get("/staff/accounts/123456789").await;
    assert!(text(&view).contains("t***@example.jp"), "masked: {}", view.body);
    assert!(!text(&view).contains("taro@example.jp"));
    let form = b.get("/staff/accounts/123456789/postal").await;
    // The sign-in's code is spent: a fresh one is a later step.
    let same = b
        .post(
            "/staff/accounts/123456789/postal",
            &csrf_of(&form, "/staff/accounts/123456789/postal"),
            &[("check-birth_date", "1"), ("check-address", "1"), ("reason", "lost the card"), ("totp", &hd.code(&kit))],
        )
        .await;
    assert_eq!(same.status, 422, "the sign-in's own code again is refused");
    kit.clock.advance(Duration::seconds(30));
    let applied = b
        .post(
            "/staff/accounts/123456789/postal",
            &csrf_of(&form, "/staff/accounts/123456789/postal"),
            &[("check-birth_date", "1"), ("check-address", "1"), ("reason", "lost the card"), ("totp", &hd.code(&kit))],
        )
        .await;
    assert_eq!(applied.status, 303, "{}", applied.body);
    let result = b.get(applied.location()).await;
    assert!(text(&result).contains("arrives in about a week"), "{}", result.body);
    assert!(text(&result).contains("L0000"), "{}", result.body);

    let mut po = kit.enrol("po.suzuki", StaffRole::PostalOperator).await;
    let mut ob = Browser::english(&kit);
    let desk = sign_in(&mut ob, &mut po).await;
    assert!(text(&desk).contains("One letter waits."), "{}", desk.body);
    let closed = ob.post("/staff/batches/close", &csrf_of(&desk, "/staff/batches/close"), &[]).await;
    assert_eq!(closed.status, 303);
    let desk = ob.get(closed.location()).await;
    assert!(text(&desk).contains("The batch is closed with one letter."), "{}", desk.body);
    kit.clock.advance(Duration::seconds(30));
    let desk_text = text(&desk);
    let end = desk_text.find(r#"/export""#).expect("an export form");
    let start = desk_text[..end].rfind(r#"action=""#).unwrap() + r#"action=""#.len();
    let path = format!("{}/export", &desk_text[start..end]);
    let tar = ob.post(&path, &csrf_of(&desk, &path), &[("totp", &po.code(&kit))]).await;
    if tar.status == 422 && text(&tar).contains("no Japanese font") {
        return; // The machine has no Japanese font; the postal router tests say so too.
    }
    assert_eq!(tar.status, 200, "{}", tar.body);
    assert_eq!(tar.header("content-type"), "application/x-tar");
    assert!(tar.header("content-disposition").starts_with("attachment"), "{:?}", tar.headers);
    assert!(tar.body.starts_with("L00000001.pdf"), "the letter's PDF first");
    assert!(tar.body.contains("manifest.csv") && tar.body.contains("%PDF-"), "and the manifest");
    let desk = ob.get("/staff/batches").await;
    assert!(!text(&desk).contains("/export\""), "an exported batch cannot be exported again");
}
