//! The demo walked in a browser: the phone page shows a call, answers it, keys in on its keypad
//! and shows what the call says; the mailbox page shows the mail with its links. Without
//! `--demo` neither exists.
//!
//! The calls here play the TwiML of a small stand-in application on loopback, which echoes the
//! keys it was sent, so that what the page shows is known in advance.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use reissue_core::rules::Rules;
use reissue_delivery::mail::{Mail, Mailer};
use tower::ServiceExt;

use crate::kit::Kit;

const ORIGIN: &str = "https://reissue.bank.example";

/// A browser: its cookies, sent back with every request.
#[derive(Default)]
struct Browser {
    cookies: Vec<(String, String)>,
}

struct Answer {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Browser {
    async fn send(&mut self, kit: &Kit, req: axum::http::request::Builder, body: Body) -> Answer {
        let cookie = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let mut req = req.header(header::ACCEPT_LANGUAGE, "en").header(header::ACCEPT, "text/html,*/*;q=0.8");
        if !cookie.is_empty() {
            req = req.header(header::COOKIE, cookie);
        }
        let resp = kit.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let pair = v.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            self.cookies.push((k.to_owned(), v.to_owned()));
        }
        let status = resp.status().as_u16();
        let location = resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        Answer { status, location, body: String::from_utf8(body.to_vec()).unwrap() }
    }

    async fn get(&mut self, kit: &Kit, path: &str) -> Answer {
        self.send(kit, Request::get(path), Body::empty()).await
    }

    /// Posts a form of `page` to `action` with the token the page gave that form.
    async fn post(&mut self, kit: &Kit, page: &str, action: &str, fields: &[(&str, &str)]) -> Answer {
        let token = form_token(page, action);
        self.post_with_token(kit, action, &token, fields).await
    }

    async fn post_with_token(&mut self, kit: &Kit, action: &str, token: &str, fields: &[(&str, &str)]) -> Answer {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf", token)
            .extend_pairs(fields.iter())
            .finish();
        let req = Request::post(action)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, ORIGIN);
        self.send(kit, req, Body::from(body)).await
    }
}

/// The text of an HTML attribute or text node as the browser reads it.
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The token of the form on `page` that posts to `action`.
fn form_token(page: &str, action: &str) -> String {
    let html = unescape(page);
    let at = html.find(&format!(r#"action="{action}""#)).unwrap_or_else(|| panic!("no form to {action}:\n{html}"));
    let rest = &html[at..];
    let v = &rest[rest.find(r#"name="csrf" value=""#).unwrap() + r#"name="csrf" value=""#.len()..];
    v[..v.find('"').unwrap()].to_owned()
}

/// The value of `data-seen` on the page.
fn seen(page: &str) -> String {
    let v = &page[page.find(r#"data-seen=""#).unwrap() + r#"data-seen=""#.len()..];
    unescape(&v[..v.find('"').unwrap()])
}

/// A stand-in application: the greeting asks for keys, and the next document says which keys
/// it was sent and reads out a code, then waits for more.
async fn twiml_app() -> String {
    async fn answer() -> &'static str {
        r##"<?xml version="1.0"?><Response><Say>Welcome to the test bank.</Say><Gather action="/keyed" finishOnKey="#"><Say>Key in your PIN, then press hash.</Say></Gather></Response>"##
    }
    async fn keyed(axum::Form(f): axum::Form<std::collections::HashMap<String, String>>) -> String {
        let digits = f.get("Digits").cloned().unwrap_or_default();
        format!(
            r#"<?xml version="1.0"?><Response><Say>You keyed {digits}.</Say><Say>Your code is <say-as interpret-as="digits">0123456789</say-as>.</Say><Gather action="/keyed" numDigits="1"><Say>Press 1 to hear it again.</Say></Gather></Response>"#
        )
    }
    let app =
        axum::Router::new().route("/answer", axum::routing::post(answer)).route("/keyed", axum::routing::post(keyed));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// A call to the demo customer that rings (its "initiated" and "ringing" come on a task).
async fn ringing_call(kit: &Kit) -> String {
    let base = twiml_app().await;
    let phone = &kit.demo.as_ref().unwrap().phone;
    let sid = phone.create("+819087654321", "+815000000000", &format!("{base}/answer"), None);
    for _ in 0..200 {
        if phone.call(&sid).unwrap().status == "ringing" {
            return sid;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the call never rang");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_phone_page_answers_the_call_keys_in_and_shows_what_the_call_says() {
    let kit = Kit::with_demo(Rules::default()).await;
    let mut b = Browser::default();
    let page = b.get(&kit, "/demo/phone").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("No call yet"), "{}", page.body);

    let sid = ringing_call(&kit).await;
    let page = b.get(&kit, "/demo/phone").await;
    assert!(page.body.contains("Call to +819087654321") && page.body.contains("Ringing"), "{}", page.body);
    // The script reloads the page when /demo/calls differs from what the page was made of.
    let calls = kit.app.clone().oneshot(Request::get("/demo/calls").body(Body::empty()).unwrap()).await.unwrap();
    let calls = axum::body::to_bytes(calls.into_body(), 1 << 20).await.unwrap();
    assert_eq!(seen(&page.body), String::from_utf8(calls.to_vec()).unwrap());

    let answered = b.post(&kit, &page.body, &format!("/demo/phone/{sid}/answer"), &[]).await;
    assert_eq!((answered.status, answered.location.as_deref()), (303, Some("/demo/phone")), "{}", answered.body);
    let page = b.get(&kit, "/demo/phone").await;
    assert!(page.body.contains("In a call"), "{}", page.body);
    assert!(page.body.contains("Welcome to the test bank.") && page.body.contains("Key in your PIN"), "{}", page.body);
    assert!(!page.body.contains("Your code is"), "nothing is said before its time: {}", page.body);

    // Key by key on the keypad, as on a handset: the keys wait for the hash.
    let keys = format!("/demo/phone/{sid}/keys");
    let mut page = page;
    for k in ["7", "3", "5", "1"] {
        let r = b.post(&kit, &page.body, &keys, &[("keys", k)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        page = b.get(&kit, "/demo/phone").await;
    }
    assert!(page.body.contains("Keys pressed so far: 7351"), "{}", page.body);
    assert!(!page.body.contains("You keyed"), "nothing is sent before the hash: {}", page.body);
    b.post(&kit, &page.body, &keys, &[("keys", "#")]).await;
    let page = b.get(&kit, "/demo/phone").await;
    assert!(page.body.contains("You keyed 7351."), "the call got the keys: {}", page.body);
    assert!(page.body.contains("Digits read out: 0123456789"), "the code as the call speaks it: {}", page.body);
    assert!(!page.body.contains("Keys pressed so far"), "{}", page.body);

    let hung_up = b.post(&kit, &page.body, &format!("/demo/phone/{sid}/hangup"), &[]).await;
    assert_eq!(hung_up.status, 303);
    let page = b.get(&kit, "/demo/phone").await;
    assert!(page.body.contains("Ended") && !page.body.contains(&format!(r#"action="/demo/phone/{sid}/keys""#)));
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_typed_at_once_reach_the_call_and_keys_after_it_ended_are_refused() {
    let kit = Kit::with_demo(Rules::default()).await;
    let mut b = Browser::default();
    let sid = ringing_call(&kit).await;
    let page = b.get(&kit, "/demo/phone").await;
    b.post(&kit, &page.body, &format!("/demo/phone/{sid}/answer"), &[]).await;
    let page = b.get(&kit, "/demo/phone").await;
    let keys = format!("/demo/phone/{sid}/keys");
    let token = form_token(&page.body, &keys);

    let bad = b.post_with_token(&kit, &keys, &token, &[("keys", "12a")]).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Only the keys 0 to 9, * and # can be pressed."), "{}", bad.body);
    let typed = b.post_with_token(&kit, &keys, &token, &[("keys", "4826 #")]).await;
    assert_eq!(typed.status, 303, "{}", typed.body);
    let page = b.get(&kit, "/demo/phone").await;
    assert!(page.body.contains("You keyed 4826."), "{}", page.body);

    b.post(&kit, &page.body, &format!("/demo/phone/{sid}/hangup"), &[]).await;
    let late = b.post_with_token(&kit, &keys, &token, &[("keys", "1")]).await;
    assert_eq!(late.status, 409);
    assert!(late.body.contains("This call is not in progress."), "{}", late.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_phone_button_needs_the_token_of_its_own_form() {
    let kit = Kit::with_demo(Rules::default()).await;
    let mut b = Browser::default();
    let sid = ringing_call(&kit).await;
    let page = b.get(&kit, "/demo/phone").await;
    let answer_token = form_token(&page.body, &format!("/demo/phone/{sid}/answer"));
    // The answer form's token does not hang up, and a post without one does nothing.
    let r = b.post_with_token(&kit, &format!("/demo/phone/{sid}/hangup"), &answer_token, &[]).await;
    assert_eq!(r.status, 403);
    let r = b.post_with_token(&kit, &format!("/demo/phone/{sid}/answer"), "", &[]).await;
    assert_eq!(r.status, 403);
    assert_eq!(kit.demo.as_ref().unwrap().phone.call(&sid).unwrap().status, "ringing");
}

#[tokio::test]
async fn the_mailbox_page_shows_each_mail_with_its_links_and_scripts_get_json() {
    let kit = Kit::with_demo(Rules::default()).await;
    let mailbox = kit.demo.as_ref().unwrap().mailbox.clone().unwrap();
    let mut b = Browser::default();
    assert!(b.get(&kit, "/demo/mailbox").await.body.contains("No e-mail yet."));
    mailbox
        .send(&Mail {
            idempotency_key: "m1".into(),
            to: "emily@example.com".into(),
            subject: "Reset <b>now</b>".into(),
            body: "Open https://reissue.bank.example/reset/voice?a=1&b=2.\njavascript:alert(1) <script>x</script>"
                .into(),
        })
        .await
        .unwrap();
    let page = b.get(&kit, "/demo/mailbox").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("emily@example.com"), "{}", page.body);
    assert!(page.body.contains("Reset &lt;b&gt;now&lt;") && !page.body.contains("<b>now"), "{}", page.body);
    assert!(!page.body.contains("<script>x"), "{}", page.body);
    let html = unescape(&page.body);
    let link = r#"<a href="https://reissue.bank.example/reset/voice?a=1&b=2">https://reissue.bank.example/reset/voice?a=1&b=2</a>."#;
    assert!(html.contains(link), "{html}");
    assert_eq!(html.matches("<a href=\"https://reissue").count(), 1, "only the http(s) address is a link");

    // curl and scripts (`*/*`) keep getting the JSON, which the page carries as it saw it.
    let resp = kit.app.clone().oneshot(Request::get("/demo/mailbox").body(Body::empty()).unwrap()).await.unwrap();
    assert!(resp.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
    let json = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
    let json = String::from_utf8(json.to_vec()).unwrap();
    assert_eq!(seen(&page.body), json);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["messages"][0]["subject"], "Reset <b>now</b>");
}

#[tokio::test]
async fn without_the_demo_there_is_no_phone_and_no_mailbox() {
    let kit = Kit::new(Rules::default()).await;
    let mut b = Browser::default();
    for path in ["/demo/phone", "/demo/mailbox", "/demo/calls"] {
        assert_eq!(b.get(&kit, path).await.status, 404, "{path}");
    }
    let r = b.post_with_token(&kit, "/demo/phone/CA1/keys", "x", &[("keys", "1")]).await;
    assert_eq!(r.status, 404);
}
