//! What every page shares: headers, language, static files, cookies, form tokens and the per-IP
//! budget on posts.

use axum::body::Body;
use axum::http::{Request, header};
use tower::ServiceExt;

use super::browser::Browser;
use super::rules;
use crate::kit::{Kit, LOGIN, PUBLIC_URL};

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
    "/help/postal-letter",
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
async fn the_postal_letter_page_translates_the_letter_and_says_how_it_arrives_in_both_languages() {
    let kit = Kit::new(rules()).await;
    let en = Browser::english(&kit).get("/help/postal-letter").await;
    assert_eq!(en.status, 200);
    // minijinja writes the slashes of a text as `&#x2f;`.
    let text = en.body.replace("&#x2f;", "/");
    for fact in [
        "about one week",
        "Simplified Registered Mail",
        "only be received at the address registered with us",
        "Undeliverable Item Notice (ご不在連絡票)",
        "request re-delivery or pick the letter up at the post office",
        "Within 7 days",
        "returned to us and the reset code in it stops working",
        "valid for 3 weeks from the date of issue",
        "enter your login ID and the 10-digit reset code",
        r#"href="/reset/postal""#,
        "https://reissue.bank.example/reset/postal",
        "0120-000-001",
        // Each part of the letter in English beside the Japanese as printed.
        r#"Do not forward <span class="original" lang="ja">転送不要</span>"#,
        r#"Confidential <span class="original" lang="ja">親展</span>"#,
        r#"Reset code (10 digits) <span class="original" lang="ja">リセットコード（10桁）</span>"#,
        r#"Expiry date <span class="original" lang="ja">有効期限</span>"#,
        "Notice of your reset code",
        "The reset code is valid until the date printed in the letter.",
        "We will never ask you for it by phone or e-mail.",
    ] {
        assert!(text.contains(fact), "{fact:?} is not on the English page");
    }
    let ja = Browser::new(&kit).get("/help/postal-letter").await;
    assert_eq!(ja.status, 200);
    for fact in [
        "1週間ほど",
        "簡易書留",
        "転送不要",
        "ご不在連絡票",
        "7日以内に再配達",
        "発行日から3週間",
        "ログインIDと10桁のリセットコード",
        "0120-000-000",
    ] {
        assert!(ja.body.contains(fact), "{fact:?} is not on the Japanese page");
    }
    assert!(!ja.body.contains(r#"class="original""#), "the Japanese page shows the Japanese once");
    // The start page's postal section points to it.
    let start = Browser::english(&kit).get("/").await;
    assert!(start.body.contains(r#"href="/help/postal-letter""#), "{}", start.body);
}
