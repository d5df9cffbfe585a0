//! The demo walked in a browser: `serve --demo` names its start page first, then the phone
//! and the mailbox; on those pages a person applies, answers the call, keys in the PIN on the
//! keypad, reads the code as the call speaks it, and finds the reset page's link in the mail.

use std::time::Duration;

use serde_json::json;

use crate::harness::Api;
use crate::launch::{Browser, Launched, unescape};

/// The text after `marker` on the page, up to the next tag.
fn after<'a>(html: &'a str, marker: &str) -> Option<&'a str> {
    let at = html.find(marker)? + marker.len();
    html[at..].split('<').next()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_prints_its_counter_clerk_and_its_software_card() {
    let server = Launched::start(&["serve", "--demo"], &[]);
    let all = server.printed(40).join("\n");
    assert!(all.contains("demo-counter") && all.contains("counter "), "a counter clerk: {all}");
    let line = all.lines().find(|l| l.starts_with("Software card")).unwrap_or_else(|| panic!("{all}"));
    assert!(line.contains("auth 1234"), "{line}");
    let path = line.split_whitespace().find(|w| w.ends_with("demo-card.json,")).expect("the card's file");
    let state = std::fs::read_to_string(path.trim_end_matches(',')).expect("the demo made the card");
    assert!(state.contains("certificates"), "with its certificates: {state}");
    assert!(all.contains(&format!("--case TOKEN --server {}", server.base)), "{all}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_voice_reset_is_walked_on_the_demo_pages() {
    let server = Launched::start(&["serve", "--demo"], &[]);
    let b0 = &server.base;
    let banner = server.printed(4);
    assert!(banner[0].contains(&format!("{b0}/ ")), "the start page comes first: {banner:?}");
    assert!(banner[1].contains(&format!("{b0}/demo/phone")), "{banner:?}");
    assert!(banner[2].contains(&format!("{b0}/demo/mailbox")), "{banner:?}");
    let all = server.printed(8).join("\n");
    let curl = all.find("curl").expect("the curl walk");
    assert!(all.find("/demo/phone").unwrap() < curl, "the pages before the curl walk: {all}");

    let mut b = Browser::new(b0);
    let page = b.get("/voice-application").await;
    let sent = b
        .post(
            &page.body,
            "/voice-application",
            &[("login_id", "987654321"), ("birth_year", "1975"), ("birth_month", "11"), ("birth_day", "30")],
        )
        .await;
    assert_eq!((sent.status, sent.location.as_str()), (303, "/voice-application/sent"), "{}", sent.body);

    // The call rings on the phone page (the outbox worker places it in a moment).
    let mut phone = String::new();
    for _ in 0..200 {
        phone = unescape(&b.get("/demo/phone").await.body);
        if phone.contains("/answer\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(phone.contains("Call to +819087654321") && phone.contains("Ringing"), "{phone}");
    let sid = after(&phone, r#"action="/demo/phone/"#).unwrap().split('/').next().unwrap().to_owned();

    let r = b.post(&phone, &format!("/demo/phone/{sid}/answer"), &[]).await;
    assert_eq!((r.status, r.location.as_str()), (303, "/demo/phone"), "{}", r.body);
    let mut page = b.get("/demo/phone").await.body;
    assert!(unescape(&page).contains("In a call"), "{page}");
    assert!(!unescape(&page).contains("Digits read out"), "no code before the PIN: {page}");
    for key in ["7", "3", "5", "1", "#"] {
        let r = b.post(&page, &format!("/demo/phone/{sid}/keys"), &[("keys", key)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        page = b.get("/demo/phone").await.body;
    }
    let page = unescape(&page);
    let code = after(&page, "Digits read out: ").unwrap_or_else(|| panic!("no code spoken: {page}")).trim().to_owned();
    assert_eq!(code.len(), 10, "{page}");

    // The code the page showed is the one the call issued.
    let api = Api::new(b0);
    let (s, v) = api.post("/api/v1/resets", json!({"channel": "voice", "login_id": "987654321", "code": code})).await;
    assert_eq!(s, 201, "{v}");

    // The mail with the reset page's address, as a link.
    let mut mailbox = String::new();
    for _ in 0..200 {
        mailbox = unescape(&b.get("/demo/mailbox").await.body);
        if mailbox.contains("<a href=\"") && mailbox.contains("/reset/voice") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(mailbox.contains(&format!(r#"<a href="{b0}/reset/voice"#)), "{mailbox}");
}
