//! A counter case's PIN change through `reissue card change-pin PIN --case TOKEN --server URL`
//! against the real demo server, with the software card behind a private pcscd: the token is
//! claimed before the card is touched, so a token replayed, expired or for another PIN is
//! refused and the card's tries are unchanged; a right one changes the PIN, and the case
//! shows the outcome the client reported (which PIN, success, tries left), never a PIN.

use serde_json::{Value, json};

use crate::card::text;
use crate::harness::{Api, Db, Env};
use crate::pcsc_stack::{READER, Stack};

/// The software card's tries left for `pin`, from `reissue card status --json`.
fn tries(stack: &Stack, pin: &str) -> i64 {
    let v: Value = serde_json::from_str(&stack.status_json()).expect("status JSON");
    let p = v["pins"].as_array().expect("pins").iter().find(|p| p["pin"] == pin).expect("the PIN");
    p["tries_left"].as_i64().expect("tries_left")
}

async fn issue(api: &Api, token: &str, case: &str, pin: &str) -> String {
    let path = format!("/api/v1/staff/counter/cases/{case}/case-tokens");
    let (s, v) = api.post_auth(&path, token, json!({"pin": pin})).await;
    assert_eq!(s, 201, "{v}");
    v["token"].as_str().expect("token").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_token_is_claimed_before_the_card_is_touched_and_the_change_reported_to_its_case() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(true, "");
    let api = Api::new(&server.base);
    let (ok, token, err) = server.cli(&["token", "create", "--role", "counter", "--name", "ward-office"], "");
    assert!(ok, "{err}");
    let token = token.trim().to_owned();
    let open = json!({"login_id": "123456789", "case_type": "in_person", "pins": ["auth", "juki"],
                      "operation": "change", "items": [{"item": "card"}]});
    let (s, v) = api.post_auth("/api/v1/staff/counter/cases", &token, open).await;
    assert_eq!(s, 201, "{v}");
    let case = v["reference"].as_str().expect("reference").to_owned();

    // The demo's own software card (its banner names it: PINs 1234, 2345, ...).
    let demo_card = env.data_dir().join("demo-card.json");
    let mut stack = tokio::task::spawn_blocking(Stack::start).await.unwrap();
    std::fs::copy(&demo_card, &stack.state).expect("the demo made its software card");
    stack.insert_card();
    let change = |stack: &Stack, pin: &str, case_token: &str, input: &str| {
        stack.reissue(
            &["card", "change-pin", pin, "--reader", READER, "--case", case_token, "--server", &server.base],
            Some(input),
        )
    };

    let auth = issue(&api, &token, &case, "auth").await;
    let other = change(&stack, "juki", &auth, "2345\n7777\n7777\n");
    assert_eq!(other.status.code(), Some(2), "a token for another PIN: {}", text(&other.stderr));
    assert!(text(&other.stderr).contains("nothing was sent to the card"), "{}", text(&other.stderr));
    assert_eq!(tries(&stack, "juki"), 3);

    let out = change(&stack, "auth", &auth, "1234\n8642\n8642\n");
    assert!(out.status.success(), "{}\n{}", text(&out.stdout), text(&out.stderr));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(!all.contains("8642") && !all.contains("1234"), "no PIN is printed: {all}");
    let (_, v) = api.get_auth(&format!("/api/v1/staff/counter/cases/{case}"), &token).await;
    assert_eq!((v["pins_done"].clone(), v["pins_remaining"].clone()), (json!(["auth"]), json!(["juki"])), "{v}");
    let reported = &v["tokens"][0];
    assert_eq!((reported["outcome"].as_str(), reported["tries_left"].as_i64()), (Some("success"), Some(3)), "{v}");
    assert!(!v.to_string().contains("8642"), "the case holds no PIN");

    let replay = change(&stack, "auth", &auth, "8642\n1111\n1111\n");
    assert_eq!(replay.status.code(), Some(2), "a token used twice: {}", text(&replay.stderr));
    assert!(text(&replay.stderr).contains("used"), "{}", text(&replay.stderr));
    assert_eq!(tries(&stack, "auth"), 3, "the card was not touched");

    let juki = issue(&api, &token, &case, "juki").await;
    let (s, v) = api.post("/demo/clock", json!({"advance_secs": 16 * 60})).await;
    assert_eq!(s, 200, "{v}");
    let late = change(&stack, "juki", &juki, "2345\n7777\n7777\n");
    assert_eq!(late.status.code(), Some(2), "an expired token: {}", text(&late.stderr));
    assert!(text(&late.stderr).contains("expired"), "{}", text(&late.stderr));
    assert_eq!(tries(&stack, "juki"), 3, "the card was not touched");

    let juki = issue(&api, &token, &case, "juki").await;
    let out = change(&stack, "juki", &juki, "2345\n7777\n7777\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (_, v) = api.get_auth(&format!("/api/v1/staff/counter/cases/{case}"), &token).await;
    assert_eq!(v["state"], "completed", "every PIN of the case reported done: {v}");
    let (ok, events, err) = server.cli(&["audit", "verify"], "");
    assert!(ok, "{events}{err}");
}
