//! Lifetimes through the router, at `now + ttl`: a reset session outlives neither its own
//! lifetime nor its code, a code stops working at its expiry, and a temporary password too.

use reissue_core::outbox::MessageBody;
use reissue_core::rules::Rules;
use serde_json::json;
use time::Duration;

use crate::kit::{ADMIN_TOKEN, Kit, LOGIN, PASSWORD};

fn rules() -> Rules {
    Rules { uniform_response_ms: 1, code_entry_response_ms: 1, ..Rules::default() }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_session_expires_after_its_lifetime_and_a_code_after_its_own() {
    let kit = Kit::new(rules()).await;
    let code = kit.voice_code().await;
    let enter = json!({"channel": "voice", "login_id": LOGIN, "code": code});
    let (s, session) = kit.post("/api/v1/resets", None, enter.clone()).await;
    assert_eq!(s, 201, "{session}");
    let complete =
        json!({"reset_token": session["reset_token"], "credentials": {"login_password": "quiet meadow evening"}});

    kit.clock.advance(Duration::minutes(15));
    let (s, v) = kit.post("/api/v1/resets/complete", None, complete).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (401, Some("invalid_reset_token")),
        "15 minutes on, the session is over"
    );

    // The code still opens a new session until 24 hours after it was issued, and not after.
    kit.clock.advance(Duration::hours(24) - Duration::minutes(15) - Duration::seconds(1));
    let (s, v) = kit.post("/api/v1/resets", None, enter.clone()).await;
    assert_eq!(s, 201, "a second before its expiry the code works: {v}");
    kit.clock.advance(Duration::seconds(1));
    let (s, v) = kit.post("/api/v1/resets", None, enter).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("invalid_code")), "at 24 hours the code is refused");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_opened_just_before_its_code_expires_ends_a_minute_later() {
    let kit = Kit::new(rules()).await;
    let code = kit.voice_code().await;
    kit.clock.advance(Duration::hours(24) - Duration::seconds(10));
    let (s, session) =
        kit.post("/api/v1/resets", None, json!({"channel": "voice", "login_id": LOGIN, "code": code})).await;
    assert_eq!(s, 201);
    let complete =
        json!({"reset_token": session["reset_token"], "credentials": {"login_password": "quiet meadow evening"}});
    kit.clock.advance(Duration::minutes(1));
    let (s, _) = kit.post("/api/v1/resets/complete", None, complete).await;
    assert_eq!(s, 401, "the session does not outlive its code by more than the minute of grace");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unused_temporary_password_stops_working_at_its_expiry_and_the_old_one_never_stopped() {
    let kit = Kit::new(rules()).await;
    let request = json!({"login_id": LOGIN, "name": "Emily Stone", "phone_country": "JP", "phone_number": "09087654321", "email": "emily@example.com"});
    let (s, _) = kit.post("/api/v1/password-initializations", None, request).await;
    assert_eq!(s, 202);
    let temp = temporary_password(&kit.sealed_mail_bodies().await);
    let verify = |secret: &str| json!({"login_id": LOGIN, "credential": "login_password", "secret": secret});
    kit.clock.advance(Duration::hours(24) - Duration::seconds(1));
    let (s, _) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), verify(PASSWORD)).await;
    assert_eq!(s, 200, "the old password works beside an unused temporary one");
    kit.clock.advance(Duration::seconds(1));
    let (s, _) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), verify(&temp)).await;
    assert_eq!(s, 401, "24 hours on, the temporary password is refused");
    let (s, _) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), verify(PASSWORD)).await;
    assert_eq!(s, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_temporary_password_signs_in_until_a_second_before_its_expiry() {
    let kit = Kit::new(rules()).await;
    let request = json!({"login_id": LOGIN, "name": "Emily Stone", "phone_country": "JP", "phone_number": "09087654321", "email": "emily@example.com"});
    kit.post("/api/v1/password-initializations", None, request).await;
    let temp = temporary_password(&kit.sealed_mail_bodies().await);
    kit.clock.advance(Duration::hours(24) - Duration::seconds(1));
    let (s, v) = kit
        .post(
            "/api/v1/credentials/verify",
            Some(ADMIN_TOKEN),
            json!({"login_id": LOGIN, "credential": "login_password", "secret": temp}),
        )
        .await;
    assert_eq!((s, v), (200, json!({"result": "ok", "must_change": true})));
    // Its first use retired the old password: the institution's systems hear of it.
    let events: Vec<serde_json::Value> = kit
        .outbox()
        .await
        .into_iter()
        .filter_map(|m| match m {
            MessageBody::Webhook { event, .. } => Some(event),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "credentials.changed");
    assert_eq!(events[0]["credentials"], json!(["login_password"]));
    assert_eq!(events[0]["via"], "temporary_password");
}

fn temporary_password(bodies: &[String]) -> String {
    bodies
        .iter()
        .flat_map(|b| b.lines())
        .map(str::trim)
        .find(|l| l.len() == 16 && !l.contains(' '))
        .expect("a temporary password in the mail")
        .to_owned()
}
