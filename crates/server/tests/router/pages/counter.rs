//! The counter's console pages without a browser: a refusal is the form's error summary in the
//! clerk's language, the PIN step waits for the visit's checklist, a case token is shown once,
//! a proxy's second visit is refused the same day and with a wrong code, and the letters come
//! as PDFs from the console and the staff API alike.

use reissue_core::account::{
    AccountKind, AccountStatus, Address, ChangedAt, Language, LoginId, PersonName, Profile, parse_date,
};
use reissue_core::audit::{Actor, AuditDraft};
use reissue_core::model::{ImportedAccount, Role};
use reissue_core::ports::Accounts;
use reissue_core::staff::StaffRole;
use reissue_server::Clock;
use secrecy::ExposeSecret;
use time::Duration;

use super::browser::{Browser, Got};
use super::rules;
use super::staff::{csrf_of, sign_in, text};
use crate::kit::{Kit, LOGIN};

/// A holder born on `birth` (`YYYY-MM-DD`), with an address.
async fn holder(kit: &Kit, login: &str, birth: &str) {
    let profile = Profile {
        login_id: LoginId::parse(login).unwrap(),
        kind: AccountKind::Individual,
        status: AccountStatus::Active,
        organization_name: None,
        name: PersonName::new("国", "花子").unwrap(),
        name_kana: None,
        birth_date: Some(parse_date("birth_date", birth).unwrap()),
        email: None,
        phone: None,
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

/// A counter clerk signed in, on the console's first page.
async fn clerk<'k>(kit: &'k Kit, english: bool) -> Browser<'k> {
    let mut m = kit.enrol("ct.tanaka", StaffRole::Counter).await;
    let mut b = if english { Browser::english(kit) } else { Browser::new(kit) };
    let home = sign_in(&mut b, &mut m).await;
    assert!(text(&home).contains(r#"href="/staff/counter""#), "{}", home.body);
    b
}

/// Posts the open form with `fields`.
async fn open(b: &mut Browser<'_>, fields: &[(&str, &str)]) -> Got {
    let form = b.get("/staff/counter/open").await;
    assert_eq!(form.status, 200, "{}", form.body);
    b.post("/staff/counter/open", &csrf_of(&form, "/staff/counter/open"), fields).await
}

/// The error summary's messages.
fn summary(page: &Got) -> Vec<String> {
    let body = text(page);
    let Some(at) = body.find(r#"class="error-summary""#) else { return vec![] };
    let list = &body[at..body[at..].find("</ul>").map_or(body.len(), |e| at + e)];
    list.split("<li>")
        .skip(1)
        .map(|li| {
            let inner = li.split("</li>").next().unwrap_or("");
            let inner = inner.split('>').nth(1).unwrap_or(inner);
            inner.split("</a").next().unwrap_or("").replace("&quot;", "\"").replace("&#x27;", "'")
        })
        .collect()
}

/// Posts a form of the case page at `path` (the form's own token).
async fn post_on(b: &mut Browser<'_>, page: &str, action: &str, fields: &[(&str, &str)]) -> Got {
    let case = b.get(page).await;
    assert_eq!(case.status, 200, "{}", case.body);
    b.post(action, &csrf_of(&case, action), fields).await
}

#[tokio::test]
async fn a_refusal_is_the_error_summary_in_the_clerks_language_with_the_values_kept() {
    let kit = Kit::new(rules()).await;
    holder(&kit, "300000001", "2016-05-05").await;
    let mut b = clerk(&kit, false).await;
    // The kit's holder was born in 1975: not under 15.
    let got = open(
        &mut b,
        &[
            ("login_id", LOGIN),
            ("case_type", "legal_representative"),
            ("ground", "under_15"),
            ("pin-auth", "1"),
            ("operation", "change"),
        ],
    )
    .await;
    assert_eq!(got.status, 422, "{}", got.body);
    assert_eq!(summary(&got), ["名義人は51歳です。「15歳未満」は15歳未満の名義人に限ります。"]);
    assert!(text(&got).contains(&format!(r#"value="{LOGIN}""#)), "the login ID is kept");
    assert!(text(&got).contains(r#"id="pin-auth" name="pin-auth" value="1" checked"#), "the PINs are kept");
    assert!(text(&got).contains(r#"aria-describedby="ground-hint ground-error""#), "{}", got.body);

    let mut en = Browser::english(&kit);
    en.cookies = b.cookies.clone();
    let child = [("login_id", "300000001"), ("case_type", "legal_representative"), ("ground", "under_15")];
    let got = open(&mut en, &[&child[..], &[("pin-sign", "1"), ("operation", "reset")]].concat()).await;
    assert_eq!(got.status, 422, "{}", got.body);
    assert_eq!(
        summary(&got),
        ["A holder under 15 or an adult ward has no signature certificate: leave out the signature certificate PIN."]
    );
    let got =
        open(&mut en, &[("login_id", LOGIN), ("case_type", "proxy"), ("pin-auth", "1"), ("operation", "reset")]).await;
    assert_eq!(summary(&got), ["The holder has no registered address for the inquiry letter."], "{}", got.body);
    let got =
        open(&mut en, &[("login_id", "300000001"), ("case_type", "proxy"), ("pin-auth", "1"), ("operation", "reset")])
            .await;
    assert_eq!(
        summary(&got),
        ["The holder is 10: for a holder under 15 the legal representative applies."],
        "a child's PINs are the legal representative's to apply for"
    );
    let got = open(
        &mut en,
        &[("login_id", "999999999"), ("case_type", "in_person"), ("pin-auth", "1"), ("operation", "change")],
    )
    .await;
    assert_eq!(summary(&got), [en.kit.recovery.catalogue().text(Language::En, "staff-error-unknown-account", &[])]);
    let opened = open(&mut en, &[&child[..], &[("pin-auth", "1"), ("operation", "reset")]].concat()).await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    assert_eq!(opened.location(), "/staff/counter/C000001?done=opened");
}

#[tokio::test]
async fn the_pin_step_is_refused_until_the_visits_checklist_is_recorded() {
    let kit = Kit::new(rules()).await;
    let mut b = clerk(&kit, true).await;
    let opened = open(
        &mut b,
        &[
            ("login_id", LOGIN),
            ("case_type", "legal_representative"),
            ("ground", "adult_ward"),
            ("pin-auth", "1"),
            ("pin-juki", "1"),
            ("operation", "change"),
            ("item-card", "1"),
        ],
    )
    .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let page = "/staff/counter/C000001";
    let case = b.get(opened.location()).await;
    assert!(text(&case).contains("The case is open."), "{}", case.body);
    assert!(text(&case).contains("Legal representative (adult ward)"), "{}", case.body);
    let step = format!("{page}/pin-step");
    let refused = post_on(&mut b, page, &step, &[("pin-auth", "1"), ("pin-juki", "1"), ("outcome", "success")]).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        summary(&refused),
        [
            "Still to be recorded: The legal representative's photo ID (such as a driver's licence), Certificate of registration of adult guardianship."
        ]
    );

    let items = format!("{page}/items");
    let no_photo = [("item", "representative_photo_id"), ("representative_photo_id-document", "health_insurance_card")];
    let got = post_on(&mut b, page, &items, &no_photo).await;
    assert_eq!(got.status, 422);
    assert!(summary(&got)[0].starts_with("Choose the identity document that was seen"), "{}", got.body);
    assert!(text(&got).contains(r##"<a href="#representative_photo_id-document">"##), "the summary links to the field");
    let licence = [
        ("item", "representative_photo_id"),
        ("representative_photo_id-document", "drivers_licence"),
        ("representative_photo_id-number_last4", "A123"),
    ];
    assert_eq!(post_on(&mut b, page, &items, &licence).await.status, 303);
    let refused = post_on(&mut b, page, &step, &[("pin-auth", "1"), ("outcome", "success")]).await;
    assert_eq!(summary(&refused), ["Still to be recorded: Certificate of registration of adult guardianship."]);

    let got = post_on(&mut b, page, &items, &[("item", "guardianship_certificate")]).await;
    assert_eq!(got.location(), "/staff/counter/C000001?done=checklist_done");
    let done = post_on(&mut b, page, &step, &[("pin-auth", "1"), ("outcome", "success")]).await;
    assert_eq!(done.location(), "/staff/counter/C000001?done=pin_step");
    let again = b.get(page).await;
    assert!(text(&again).contains(r#"class="case-state">Open<"#), "one PIN of two: {}", again.body);
    let done = post_on(&mut b, page, &step, &[("pin-juki", "1"), ("outcome", "success")]).await;
    assert_eq!(done.status, 303);
    let completed = b.get(page).await;
    assert!(text(&completed).contains(r#"class="case-state">Completed<"#), "{}", completed.body);
    assert!(!text(&completed).contains(&step), "no PIN step on a completed case");
}

#[tokio::test]
async fn a_case_token_is_shown_once_with_its_command_and_then_only_listed() {
    let kit = Kit::new(rules()).await;
    let mut b = clerk(&kit, true).await;
    let account = b.get(&format!("/staff/accounts/{LOGIN}")).await;
    let from_account = format!(r#"href="/staff/counter/open?login_id={LOGIN}""#);
    assert!(text(&account).contains(&from_account), "a counter clerk opens a case from the account: {}", account.body);
    let form = b.get(&format!("/staff/counter/open?login_id={LOGIN}")).await;
    assert!(text(&form).contains(&format!(r#"value="{LOGIN}""#)), "with the holder filled in");
    let opened = open(
        &mut b,
        &[
            ("login_id", LOGIN),
            ("case_type", "in_person"),
            ("pin-auth", "1"),
            ("operation", "change"),
            ("item-card", "1"),
        ],
    )
    .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let page = "/staff/counter/C000001";
    let issued = post_on(&mut b, page, &format!("{page}/case-token"), &[("pin", "auth")]).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let body = text(&issued);
    let at =
        body.find(r#"<p class="case-token"><code>"#).expect("the token, big") + r#"<p class="case-token"><code>"#.len();
    let token = &body[at..at + 11];
    assert!(token.chars().nth(5) == Some('-') && token.len() == 11, "{token}");
    let command = format!("reissue card change-pin auth --case {token} --server https://reissue.bank.example");
    assert!(body.contains(&command), "the exact command: {body}");
    assert!(body.contains("It works once, until"), "{body}");
    let later = b.get(page).await;
    assert!(!text(&later).contains(token), "the token never again");
    assert!(text(&later).contains(r#"class="data tokens""#), "but the case lists it");

    let reset =
        open(&mut b, &[("login_id", LOGIN), ("case_type", "in_person"), ("pin-auth", "1"), ("operation", "reset")])
            .await;
    assert_eq!(summary(&reset), ["Case C000001 is still open for this holder."]);
}

#[tokio::test]
async fn a_proxy_waits_for_a_later_day_and_a_wrong_check_code_counts_down() {
    let kit = Kit::new(rules()).await;
    holder(&kit, "300000002", "1980-04-01").await;
    let mut b = clerk(&kit, true).await;
    let opened = open(
        &mut b,
        &[
            ("login_id", "300000002"),
            ("case_type", "proxy"),
            ("pin-auth", "1"),
            ("operation", "reset"),
            ("item-card", "1"),
            ("proxy_document", "health_insurance_card"),
        ],
    )
    .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let page = "/staff/counter/C000001";
    let case = b.get(page).await;
    assert!(text(&case).contains("Inquiry letter to print"), "{}", case.body);
    let pdf = b.get(&format!("{page}/inquiry.pdf")).await;
    if pdf.status == 503 {
        assert!(text(&pdf).contains("no Japanese font"), "{}", pdf.body);
    } else {
        assert_eq!((pdf.status, pdf.header("content-type")), (200, "application/pdf"), "{}", pdf.body);
        assert!(pdf.body.starts_with("%PDF-"));
    }
    let mailed = post_on(&mut b, page, &format!("{page}/inquiry/mailed"), &[]).await;
    assert_eq!(mailed.location(), "/staff/counter/C000001?done=mailed");
    let gone = b.get(&format!("{page}/inquiry.pdf")).await;
    assert_eq!(gone.status, 422, "the letter is printed no more once mailed");
    assert!(text(&gone).contains("Waiting for the second visit"), "{}", gone.body);

    let visit = format!("{page}/second-visit");
    let same_day = post_on(&mut b, page, &visit, &[("check_code", "12345678")]).await;
    assert_eq!(
        summary(&same_day),
        ["A proxy is never served the same day: the second visit can be from Saturday, 16 January 2027."]
    );
    kit.clock.advance(Duration::days(1));
    // The session ended with the day: sign in again.
    let mut b = clerk_again(&kit).await;
    let wrong = post_on(&mut b, page, &visit, &[("check_code", "1234-5678")]).await;
    assert_eq!(summary(&wrong), ["The check code is not the one on the letter. 4 tries left."]);
    assert!(!text(&wrong).contains("1234-5678") && !text(&wrong).contains("12345678"), "what was typed is not shown");
    assert!(
        text(&wrong).contains("The 8 digits printed on the letter the proxy brings. 4 tries left."),
        "{}",
        wrong.body
    );

    // The staff API gives the same PDFs; the inquiry letter only while it may be printed.
    let token = kit.recovery.create_token("counter-tool", Role::Counter, kit.clock.now()).await.unwrap();
    let api = |path: &str| format!("/api/v1/staff/counter/cases/C000001/{path}");
    let mut tool = Browser::english(&kit);
    let req =
        |p: &str| axum::http::Request::get(api(p)).header("authorization", format!("Bearer {}", token.expose_secret()));
    let letter = tool.send(req("inquiry.pdf"), axum::body::Body::empty()).await;
    assert_eq!(letter.status, 422, "{}", letter.body);
    let receipt = tool.send(req("receipt.pdf"), axum::body::Body::empty()).await;
    assert!(receipt.status == 200 || receipt.status == 503, "{}", receipt.body);
    if receipt.status == 200 {
        assert_eq!(receipt.header("content-type"), "application/pdf");
    } else {
        assert!(receipt.body.contains("letters cannot be rendered"), "the 503 names the font: {}", receipt.body);
    }
}

/// Another counter clerk, signed in half a minute later.
async fn clerk_again(kit: &Kit) -> Browser<'_> {
    kit.clock.advance(Duration::seconds(30));
    let mut b = Browser::english(kit);
    let mut member = kit.enrol("ct.suzuki", StaffRole::Counter).await;
    sign_in(&mut b, &mut member).await;
    b
}
