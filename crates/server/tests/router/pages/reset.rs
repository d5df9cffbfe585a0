//! The reset pages (P3): the voice reset by pages, wrong codes, channels, the session's end and
//! the code-entry deadline.

use std::time::Instant;

use reissue_core::outbox::MessageBody;
use reissue_core::rules::Rules;
use serde_json::json;
use time::Duration;

use super::browser::Browser;
use super::rules;
use crate::kit::{ADMIN_TOKEN, Kit, LOGIN, PASSWORD};

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
