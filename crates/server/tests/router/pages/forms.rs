//! The forms of P1, P5 and P6: errors named per field, and one answer whatever matched.

use std::time::Instant;

use reissue_core::rules::Rules;

use super::browser::Browser;
use super::{Form, rules};
use crate::kit::{BIRTH, Kit, LOGIN};

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
