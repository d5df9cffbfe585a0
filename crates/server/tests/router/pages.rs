//! The customer pages without a browser: status, headers, cookies and bodies of every page, the
//! uniform answers of the always-accepted procedures, the form tokens, the per-IP budget on
//! posts, and the voice reset by pages. (The same in a real Chromium, with axe-core, is in
//! `crates/reissue/tests/it/browser/`.)

use std::collections::BTreeMap;
use std::time::Instant;

use axum::body::Body;
use axum::http::{HeaderMap, Request, header};
use reissue_core::outbox::MessageBody;
use reissue_core::rules::Rules;
use serde_json::json;
use time::Duration;
use tower::ServiceExt;

use crate::kit::{ADMIN_TOKEN, BIRTH, Kit, LOGIN, PASSWORD, PUBLIC_URL};

/// A form's fields, as typed.
type Form<'a> = Vec<(&'a str, &'a str)>;

fn rules() -> Rules {
    Rules { uniform_response_ms: 1, code_entry_response_ms: 1, ..Rules::default() }
}

/// A page as a browser got it.
#[derive(Debug)]
struct Got {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Got {
    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// Every header but `Date`, sorted: what two answers must share to be the same answer.
    fn headers_but_date(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .headers
            .iter()
            .filter(|(k, _)| *k != header::DATE)
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        all.sort();
        all
    }

    /// The hidden form token of the page's form.
    fn csrf(&self) -> String {
        let at = self.body.find(r#"name="csrf" value=""#).expect("the page has a form token");
        let rest = &self.body[at + r#"name="csrf" value=""#.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    /// The body without its form token, to compare pages byte for byte.
    fn without_token(&self) -> String {
        match self.body.find(r#"name="csrf" value=""#) {
            Some(_) => self.body.replace(&self.csrf(), "TOKEN"),
            None => self.body.clone(),
        }
    }
}

/// A browser: a cookie jar, a language, and the origin its forms post from.
struct Browser<'k> {
    kit: &'k Kit,
    cookies: BTreeMap<String, String>,
    accept_language: &'static str,
}

impl<'k> Browser<'k> {
    fn new(kit: &'k Kit) -> Self {
        Self { kit, cookies: BTreeMap::new(), accept_language: "ja,en;q=0.5" }
    }

    fn english(kit: &'k Kit) -> Self {
        Self { accept_language: "en-GB,en;q=0.9", ..Self::new(kit) }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Got {
        let req = req
            .header(header::ACCEPT_LANGUAGE, self.accept_language)
            .header(header::COOKIE, self.cookie_header())
            .body(body)
            .unwrap();
        let resp = self.kit.app.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        for c in headers.get_all(header::SET_COOKIE) {
            let first = c.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            if v.is_empty() || c.to_str().unwrap().contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        Got { status, headers, body: String::from_utf8(body.to_vec()).unwrap() }
    }

    async fn get(&mut self, path: &str) -> Got {
        self.send(Request::get(path), Body::empty()).await
    }

    /// Posts a form as the page's own form would: same origin, with the token.
    async fn post(&mut self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Got {
        let mut all = vec![("csrf", csrf)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all, &[("origin", PUBLIC_URL), ("sec-fetch-site", "same-origin")]).await
    }

    async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Got {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields.iter()).finish();
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req, Body::from(body)).await
    }

    /// Opens the form at `path` and posts it.
    async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Got {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        self.post(path, &page.csrf(), fields).await
    }
}

const PAGES: &[&str] = &[
    "/",
    "/voice-application",
    "/voice-application/sent",
    "/reset/voice",
    "/reset/postal",
    "/password-initialization",
    "/password-initialization/sent",
    "/login-id-notification",
    "/login-id-notification/sent",
];

#[tokio::test(flavor = "multi_thread")]
async fn every_page_answers_in_the_browsers_language_with_strict_headers() {
    let kit = Kit::new(rules()).await;
    for path in PAGES {
        for (mut browser, lang) in [(Browser::new(&kit), "ja"), (Browser::english(&kit), "en")] {
            let got = browser.get(path).await;
            assert_eq!(got.status, 200, "{path}");
            assert_eq!(got.header("content-type"), "text/html; charset=utf-8", "{path}");
            assert!(got.body.contains(&format!(r#"<html lang="{lang}""#)), "{path} in {lang}");
            let csp = got.header("content-security-policy");
            for directive in [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
                "base-uri 'none'",
            ] {
                assert!(csp.contains(directive), "{path}: {csp}");
            }
            assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(got.header("cache-control"), "no-store", "{path}");
            assert_eq!(got.header("referrer-policy"), "no-referrer", "{path}");
            assert_eq!(got.header("x-frame-options"), "DENY", "{path}");
            assert!(got.header("strict-transport-security").contains("max-age="), "{path}: https, so HSTS");
            // No inline script or style for the CSP to refuse.
            assert!(!got.body.contains("<script>") && !got.body.contains("style="), "{path}");
            assert!(!got.body.contains("<style"), "{path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_language_switch_is_kept_and_every_page_names_the_help_desk_of_its_language() {
    let kit = Kit::new(rules()).await;
    let mut b = Browser::new(&kit);
    let ja = b.get("/").await;
    assert!(ja.body.contains(r#"<html lang="ja""#));
    assert!(ja.body.contains("0120-000-000"), "the Japanese help desk");
    let en = b.get("/voice-application?lang=en").await;
    assert!(en.body.contains(r#"<html lang="en""#));
    assert!(en.set_cookies().iter().any(|c| c.starts_with("reissue_lang=en")), "{:?}", en.set_cookies());
    assert!(en.body.contains("0120-000-001") && en.body.contains("English help desk"), "the English help desk");
    // Kept for the next pages, whatever Accept-Language says.
    let next = b.get("/reset/voice").await;
    assert!(next.body.contains(r#"<html lang="en""#));
    let back = b.get("/reset/voice?lang=ja").await;
    assert!(back.body.contains(r#"<html lang="ja""#));
}

#[tokio::test(flavor = "multi_thread")]
async fn static_files_are_served_from_the_binary_and_may_be_cached() {
    let kit = Kit::new(rules()).await;
    let mut b = Browser::new(&kit);
    for (path, ty) in [("/static/style.css", "text/css"), ("/static/app.js", "text/javascript")] {
        let got = b.get(path).await;
        assert_eq!(got.status, 200, "{path}");
        assert!(got.header("content-type").starts_with(ty), "{path}");
        assert!(got.header("cache-control").contains("max-age"), "{path}");
    }
    assert_eq!(b.get("/static/nothing.css").await.status, 404);
    let missing = b.get("/no-such-page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("ページが見つかりません"), "{}", missing.body);
    assert!(missing.header("content-security-policy").contains("frame-ancestors 'none'"));
    let put = b.send(Request::put("/voice-application"), Body::empty()).await;
    assert_eq!(put.status, 405);
    assert!(put.body.contains("このページではお受けできません"), "a page, not JSON: {}", put.body);
    let api = b.get("/api/v1/nothing").await;
    assert_eq!(api.status, 404);
    assert!(api.body.starts_with('{'), "the API's JSON error under /api/: {}", api.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn cookies_are_host_only_and_http_only_over_https_and_survive_a_foreign_crumb() {
    let kit = Kit::new(rules()).await;
    let mut b = Browser::new(&kit);
    let got = b.get("/voice-application").await;
    let form = got.set_cookies().into_iter().find(|c| c.starts_with("__Host-reissue-form=")).expect("a form cookie");
    // Lax, so that arriving from a link in webmail keeps the forms open in other tabs valid.
    for part in ["Path=/", "HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(form.contains(part), "{form}");
    }
    assert!(!form.contains("Domain="), "{form}");
    // The same browser keeps its cookie: the next page sets none.
    let again = b.get("/reset/voice").await;
    assert!(again.set_cookies().is_empty(), "{:?}", again.set_cookies());

    // Another site of the domain set a cookie with raw UTF-8 in it: the form still works.
    let page = b.get("/voice-application").await;
    let mine = b.cookie_header();
    let mut cookie = b"tracker=caf\xc3\xa4; ".to_vec();
    cookie.extend_from_slice(mine.as_bytes());
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", page.csrf().as_str()),
            ("login_id", LOGIN),
            ("birth_year", "1975"),
            ("birth_month", "11"),
            ("birth_day", "30"),
        ])
        .finish();
    let req = Request::post("/voice-application")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, axum::http::HeaderValue::from_bytes(&cookie).unwrap())
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    let resp = kit.app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status().as_u16(), 303, "a foreign crumb does not cost the form its cookie");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_without_its_token_or_from_another_site_is_refused_in_the_users_language_and_changes_nothing() {
    let kit = Kit::new(rules()).await;
    let fields = [("login_id", LOGIN), ("birth_year", "1975"), ("birth_month", "11"), ("birth_day", "30")];
    let mut b = Browser::english(&kit);
    let page = b.get("/voice-application").await;
    let token = page.csrf();
    let same = [("origin", PUBLIC_URL), ("sec-fetch-site", "same-origin")];

    let mut no_token: Vec<(&str, &str)> = fields.to_vec();
    let got = b.post_raw("/voice-application", &no_token, &same).await;
    assert_eq!(got.status, 403);
    assert!(got.body.contains("This form has expired") && got.body.contains("Nothing was changed"), "{}", got.body);

    let mut wrong = vec![("csrf", "1.AAAA")];
    wrong.extend_from_slice(&fields);
    assert_eq!(b.post_raw("/voice-application", &wrong, &same).await.status, 403, "a wrong token");

    // A token for another form does not do for this one.
    let other = b.get("/password-initialization").await.csrf();
    let mut elsewhere = vec![("csrf", other.as_str())];
    elsewhere.extend_from_slice(&fields);
    assert_eq!(b.post_raw("/voice-application", &elsewhere, &same).await.status, 403, "another form's token");

    no_token.insert(0, ("csrf", token.as_str()));
    let cross = [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")];
    assert_eq!(b.post_raw("/voice-application", &no_token, &cross).await.status, 403, "another site");
    let sfs = [("sec-fetch-site", "same-site")];
    assert_eq!(b.post_raw("/voice-application", &no_token, &sfs).await.status, 403, "a sibling site");
    let forged = [("origin", PUBLIC_URL), ("sec-fetch-site", "cross-site")];
    assert_eq!(b.post_raw("/voice-application", &no_token, &forged).await.status, 403, "the browser's word decides");
    let old_browser = [("origin", "https://evil.example")];
    assert_eq!(
        b.post_raw("/voice-application", &no_token, &old_browser).await.status,
        403,
        "an older browser (no Sec-Fetch-Site), on another site"
    );

    // Another browser (no form cookie) with this browser's token.
    let mut stranger = Browser::new(&kit);
    let got = stranger.post_raw("/voice-application", &no_token, &same).await;
    assert_eq!(got.status, 403);
    assert!(got.body.contains("このフォームは有効期限が切れています"), "in the stranger's language");

    assert!(kit.outbox().await.is_empty(), "nothing was applied for");
    assert!(kit.outbox().await.is_empty(), "nothing was applied for");
    // The right token from the right page goes through, also as a browser posts under
    // `Referrer-Policy: no-referrer` (`Origin: null`, `Sec-Fetch-Site: same-origin`).
    let mut own = vec![("csrf", token.as_str())];
    own.extend_from_slice(&fields);
    let got = b.post_raw("/voice-application", &own, &[("origin", "null"), ("sec-fetch-site", "same-origin")]).await;
    assert_eq!((got.status, got.location()), (303, "/voice-application/sent"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_names_each_field_in_the_users_language_and_keeps_what_was_typed() {
    let kit = Kit::new(rules()).await;
    let mut b = Browser::english(&kit);
    let got = b
        .submit(
            "/voice-application",
            &[("login_id", "98765"), ("birth_year", "1975"), ("birth_month", "13"), ("birth_day", "30")],
        )
        .await;
    assert_eq!(got.status, 400);
    assert!(got.body.contains(r#"role="alert""#), "an error summary");
    assert!(
        got.body.contains(r##"href="#login_id""##) && got.body.contains(r##"href="#birth_month""##),
        "{}",
        got.body
    );
    assert!(got.body.contains("Enter your login ID as 9 digits."));
    assert!(got.body.contains(r#"value="98765""#) && got.body.contains(r#"value="1975""#), "values kept");
    assert!(got.body.contains(r#"aria-invalid="true""#));

    let mut ja = Browser::new(&kit);
    let got = ja
        .submit(
            "/password-initialization",
            &[("login_id", LOGIN), ("name", " "), ("phone_country", "JP"), ("phone_number", "12"), ("email", "x")],
        )
        .await;
    assert_eq!(got.status, 400);
    for field in ["name", "phone_number", "email"] {
        assert!(got.body.contains(&format!(r##"href="#{field}""##)), "{field}: {}", got.body);
    }
    assert!(got.body.contains("姓と名の間にスペース"), "{}", got.body);
    assert!(kit.outbox().await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_always_accepted_pages_answer_the_same_whatever_matched_and_at_the_deadline() {
    let deadline = 150;
    let kit = Kit::new(Rules { uniform_response_ms: deadline, code_entry_response_ms: 1, ..Rules::default() }).await;
    let (year, month, day) = (&BIRTH[..4], &BIRTH[5..7], &BIRTH[8..]);
    let cases: [(&str, Form, Form); 3] = [
        (
            "/voice-application",
            vec![("login_id", LOGIN), ("birth_year", year), ("birth_month", month), ("birth_day", day)],
            vec![("login_id", "111111111"), ("birth_year", year), ("birth_month", month), ("birth_day", day)],
        ),
        (
            "/password-initialization",
            vec![
                ("login_id", LOGIN),
                ("name", "Emily Stone"),
                ("phone_country", "JP"),
                ("phone_number", "090-8765-4321"),
                ("email", "emily@example.com"),
            ],
            vec![
                ("login_id", LOGIN),
                ("name", "Emily Stone"),
                ("phone_country", "JP"),
                ("phone_number", "090-8765-4321"),
                ("email", "someone@example.com"),
            ],
        ),
        (
            "/login-id-notification",
            vec![
                ("name", "STONE\u{3000}Emily"),
                ("phone_country", "+81"),
                ("phone_number", "０９０８７６５４３２１"),
                ("email", "emily@example.com"),
            ],
            vec![
                ("name", "Nobody Here"),
                ("phone_country", "+81"),
                ("phone_number", "09087654321"),
                ("email", "emily@example.com"),
            ],
        ),
    ];
    for (path, matching, unmatched) in cases {
        let mut answers = Vec::new();
        for fields in [&matching, &unmatched] {
            let mut b = Browser::english(&kit);
            let page = b.get(path).await;
            let started = Instant::now();
            let posted = b.post(path, &page.csrf(), fields).await;
            let took = started.elapsed();
            assert!(took.as_millis() >= u128::from(deadline), "{path} answered before its deadline: {took:?}");
            let sent = b.get(posted.location()).await;
            answers.push((
                posted.status,
                posted.headers_but_date(),
                posted.body.clone(),
                sent.headers_but_date(),
                sent.without_token(),
            ));
        }
        assert_eq!(answers[0], answers[1], "{path}: the same answer whether or not anything matched");
        assert_eq!(answers[0].0, 303, "{path}");
        assert!(answers[0].1.iter().any(|(k, _)| k == "location"), "{path}: a redirect");
        let mails = kit.outbox().await;
        assert!(!mails.is_empty(), "{path}: the matching request did its work");
    }
}

fn mail_to_customer(m: &MessageBody) -> bool {
    matches!(m, MessageBody::Email { .. } | MessageBody::SealedEmail { .. })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_voice_reset_by_pages_sets_a_new_password_without_the_token_ever_in_a_url_or_page() {
    let kit = Kit::new(rules()).await;
    let code = kit.voice_code().await;
    assert!(kit.outbox().await.iter().any(mail_to_customer), "the e-mail with the reset page's address");
    let mut b = Browser::english(&kit);
    let step1 = b.get("/reset/voice").await;
    assert!(step1.body.contains(r#"autocomplete="one-time-code""#) && step1.body.contains(r#"inputmode="numeric""#));
    assert!(step1.body.contains("24 hours") && step1.body.contains("6 times"), "the seed's rules on the page");
    // As people type it: full-width digits, spaces and hyphens.
    let typed: String = code
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let wide = char::from_u32(u32::from(c) - u32::from('0') + 0xFF10).unwrap();
            if i == 4 { format!("{wide}-") } else { wide.to_string() }
        })
        .collect();
    let opened =
        b.post("/reset/voice", &step1.csrf(), &[("step", "code"), ("login_id", LOGIN), ("code", &typed)]).await;
    assert_eq!((opened.status, opened.location()), (303, "/reset/voice"), "{}", opened.body);
    let session = opened
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-reissue-reset-voice="))
        .expect("the session's cookie");
    for part in ["Path=/", "HttpOnly", "SameSite=Strict", "Secure", "Max-Age=900"] {
        assert!(session.contains(part), "{session}");
    }
    let token = session.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
    assert!(!opened.location().contains(&token));

    let step2 = b.get("/reset/voice").await;
    assert_eq!(step2.status, 200);
    assert!(!step2.body.contains(&token), "the token is not on the page");
    assert!(step2.body.contains(r#"name="login_password""#) && step2.body.contains(r#"name="login_password_confirm""#));
    assert!(step2.body.contains(r#"autocomplete="new-password""#));
    assert!(!step2.body.contains(r#"name="cash_card_pin""#), "the cash-card PIN is not reset online");
    assert!(step2.body.contains("(JST)") || step2.body.contains("JST"), "until when, in the institution's zone");

    let csrf = step2.csrf();
    let mismatch = b
        .post(
            "/reset/voice",
            &csrf,
            &[
                ("step", "credentials"),
                ("login_password", "quiet meadow evening"),
                ("login_password_confirm", "quiet meadow"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, 422);
    assert!(mismatch.body.contains(r##"href="#login_password_confirm""##), "{}", mismatch.body);
    let short = b
        .post(
            "/reset/voice",
            &csrf,
            &[("step", "credentials"), ("login_password", "short"), ("login_password_confirm", "short")],
        )
        .await;
    assert_eq!(short.status, 422);
    assert!(short.body.contains(r##"href="#login_password""##) && short.body.contains("at least"), "{}", short.body);
    let blank = b
        .post("/reset/voice", &csrf, &[("step", "credentials"), ("login_password", ""), ("login_password_confirm", "")])
        .await;
    assert_eq!(blank.status, 422, "blank everywhere changes nothing and says so");

    let done = b
        .post(
            "/reset/voice",
            &csrf,
            &[
                ("step", "credentials"),
                ("login_password", "quiet meadow evening"),
                ("login_password_confirm", "quiet meadow evening"),
            ],
        )
        .await;
    assert_eq!((done.status, done.location()), (303, "/reset/voice/done"), "{}", done.body);
    assert!(
        done.set_cookies().iter().any(|c| c.starts_with("__Host-reissue-reset-voice=;") && c.contains("Max-Age=0"))
    );
    let confirmation = b.get("/reset/voice/done").await;
    assert!(confirmation.body.contains("can be used immediately"), "{}", confirmation.body);
    assert!(
        confirmation.body.contains("Login password") || confirmation.body.contains("login password"),
        "what changed"
    );

    let verify = |secret: &'static str| json!({"login_id": LOGIN, "credential": "login_password", "secret": secret});
    let (s, v) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), verify("quiet meadow evening")).await;
    assert_eq!((s, v["result"].as_str()), (200, Some("ok")), "{v}");
    let (s, v) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), verify(PASSWORD)).await;
    assert_eq!(s, 401, "the old password no longer works: {v}");
    // The session is over: the page is step 1 again.
    let after = b.get("/reset/voice").await;
    assert!(after.body.contains(r#"name="code""#));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_code_shows_one_message_and_six_kill_the_code_and_a_code_works_only_on_its_own_page() {
    let kit = Kit::new(rules()).await;
    let code = kit.voice_code().await;
    let mut b = Browser::english(&kit);
    // The voice code on the postal page opens nothing there.
    let postal = b.submit("/reset/postal", &[("step", "code"), ("login_id", LOGIN), ("code", &code)]).await;
    assert_eq!(postal.status, 400);
    assert!(postal.body.contains("not correct"), "{}", postal.body);
    let wrong: String = code.chars().rev().collect();
    let mut first = None;
    for _ in 0..6 {
        let got = b.submit("/reset/voice", &[("step", "code"), ("login_id", LOGIN), ("code", &wrong)]).await;
        assert_eq!(got.status, 400);
        assert!(got.body.contains("After 6 wrong entries the code becomes invalid"), "{}", got.body);
        assert!(got.body.contains(&format!(r#"value="{LOGIN}""#)), "the login ID is kept");
        assert!(!got.body.contains(&wrong), "the code typed is not echoed");
        let body = got.without_token();
        assert_eq!(first.get_or_insert_with(|| body.clone()), &body, "one message, whatever was wrong");
    }
    // A login ID that exists nowhere gives the same page.
    let unknown = b.submit("/reset/voice", &[("step", "code"), ("login_id", "111111111"), ("code", &code)]).await;
    assert_eq!(unknown.without_token().replace("111111111", LOGIN), first.clone().unwrap());
    // Six wrong entries: the right code is dead now.
    let dead = b.submit("/reset/voice", &[("step", "code"), ("login_id", LOGIN), ("code", &code)]).await;
    assert_eq!(dead.status, 400, "the sixth wrong entry killed the code");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_page_left_open_past_its_session_asks_for_the_code_again() {
    let kit = Kit::new(rules()).await;
    let code = kit.voice_code().await;
    let mut b = Browser::new(&kit);
    let opened = b.submit("/reset/voice", &[("step", "code"), ("login_id", LOGIN), ("code", &code)]).await;
    assert_eq!(opened.status, 303);
    let step2 = b.get("/reset/voice").await;
    kit.clock.advance(Duration::minutes(16));
    let late = b
        .post(
            "/reset/voice",
            &step2.csrf(),
            &[
                ("step", "credentials"),
                ("login_password", "quiet meadow evening"),
                ("login_password_confirm", "quiet meadow evening"),
            ],
        )
        .await;
    assert_eq!(late.status, 400);
    assert!(late.body.contains("再設定の受付時間が終了しました"), "{}", late.body);
    assert!(late.body.contains(r#"name="code""#), "step 1 again");
    let (s, v) = kit
        .post(
            "/api/v1/credentials/verify",
            Some(ADMIN_TOKEN),
            json!({"login_id": LOGIN, "credential": "login_password", "secret": PASSWORD}),
        )
        .await;
    assert_eq!((s, v["result"].as_str()), (200, Some("ok")), "nothing changed: {v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn form_posts_count_toward_the_ip_budget_and_showing_pages_does_not() {
    let kit = Kit::with_ip_budget(rules(), 3).await;
    let mut b = Browser::english(&kit);
    for _ in 0..10 {
        assert_eq!(b.get("/voice-application").await.status, 200, "showing a page costs nothing");
        assert_eq!(b.get("/static/style.css").await.status, 200);
    }
    let csrf = b.get("/voice-application").await.csrf();
    let fields = [("login_id", "111111111"), ("birth_year", "1975"), ("birth_month", "11"), ("birth_day", "30")];
    for _ in 0..3 {
        assert_eq!(b.post("/voice-application", &csrf, &fields).await.status, 303);
    }
    let over = b.post("/voice-application", &csrf, &fields).await;
    assert_eq!(over.status, 429);
    assert!(over.body.contains("Too many requests") && over.body.contains("seconds"), "{}", over.body);
    assert!(!over.header("retry-after").is_empty());
    assert!(over.body.contains(r#"<html lang="en""#));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_entered_on_the_page_is_answered_at_the_code_entry_deadline() {
    let deadline = 120;
    let kit = Kit::new(Rules { uniform_response_ms: 1, code_entry_response_ms: deadline, ..Rules::default() }).await;
    let mut b = Browser::new(&kit);
    for login in [LOGIN, "111111111"] {
        let page = b.get("/reset/voice").await;
        let started = Instant::now();
        let got = b
            .post("/reset/voice", &page.csrf(), &[("step", "code"), ("login_id", login), ("code", "0000000000")])
            .await;
        assert_eq!(got.status, 400);
        assert!(started.elapsed().as_millis() >= u128::from(deadline), "{login}: before the deadline");
    }
}
