//! The voice reset by pages (P1, the call, P3): in Japanese, in English after the page's
//! language switch, without JavaScript, and the code that six wrong entries kill.

use reissue_core::account::Language::{self, En, Ja};
use reissue_core::catalogue::Arg;

use super::{
    Browser, Customer, Demo, EMILY, Options, TARO, apply_for_voice_code, enter_code, full_width, set_credentials, t,
};

/// Applies by pages from the start page, answers the call, opens the link in the e-mail and
/// enters the code: the browser is left on step 2. Returns the code.
async fn apply_and_open_step_two(demo: &Demo, b: &Browser, who: &Customer, lang: Language, calls: usize) -> String {
    b.click("a.button[href=\"/voice-application\"]").await;
    assert_eq!(b.path().await, "/voice-application");
    assert_eq!(b.h1().await, t(lang, "voice-app-title", &[]));
    apply_for_voice_code(b, who).await;
    assert_eq!(b.path().await, "/voice-application/sent", "{}", b.text("main").await);
    assert_eq!(b.h1().await, t(lang, "voice-sent-title", &[]));

    let code = demo.answer_call(calls, who.cash_card_pin).await;
    assert_eq!(code.len(), 10, "{code}");
    // The e-mail after the call carries the voice reset page's address.
    let link = demo.url("/reset/voice");
    let mail = demo.mail(who.email, &link).await;
    let body = mail["body"].as_str().unwrap_or_default();
    assert!(body.lines().any(|l| l.trim() == link), "the link stands on its own line: {body}");
    b.goto(&link).await;
    assert_eq!(b.h1().await, t(lang, "reset-title-voice", &[]));
    enter_code(b, who.login_id, &code).await;
    assert_eq!(b.path().await, "/reset/voice");
    assert_eq!(
        b.texts("fieldset.credential legend").await,
        match lang {
            Ja => vec!["ログインパスワード", "取引パスワード", "テレホン暗証番号"],
            En => vec!["Login password", "Telephone PIN"],
        },
        "step 2 offers the credentials the customer may reset online, not the cash-card PIN"
    );
    code
}

/// The done page says the new secrets work at once and names what changed.
async fn assert_done(b: &Browser, lang: Language, changed: &[&str]) {
    assert_eq!(b.path().await, "/reset/voice/done");
    assert_eq!(b.h1().await, t(lang, "reset-done-title", &[]));
    assert_eq!(b.text("[role=status]").await, t(lang, "reset-done-body", &[]));
    assert_eq!(b.texts("ul.changed li").await, changed);
}

const NEW_PASSWORD: &str = "harbour lights at dawn";
const NEW_PIN: &str = "2739";

/// What the integrators' API says after the reset: the new secrets verify, the old ones not.
async fn assert_reset(demo: &Demo, who: &Customer) {
    let token = demo.integrator_token();
    let id = who.login_id;
    assert!(demo.verifies(&token, id, "login_password", NEW_PASSWORD).await, "the new password works");
    assert!(demo.verifies(&token, id, "telephone_pin", NEW_PIN).await, "the new PIN works");
    assert!(!demo.verifies(&token, id, "login_password", who.login_password).await, "the old password does not");
    assert!(!demo.verifies(&token, id, "telephone_pin", who.telephone_pin).await, "the old PIN does not");
}

#[tokio::test(flavor = "multi_thread")]
async fn voice_reset_in_japanese() {
    let demo = Demo::start();
    let b = Browser::start(&demo, Options::default()).await;
    b.goto("/").await;
    assert_eq!(b.lang().await, "ja", "a browser asking for Japanese gets Japanese");
    assert_eq!(b.h1().await, t(Ja, "start-title", &[]));

    apply_and_open_step_two(&demo, &b, &TARO, Ja, 1).await;
    assert!(b.exists("button.reveal").await, "with JavaScript, each password field gets a show button");
    // A confirmation that differs is refused with its field named, and nothing changes.
    set_credentials(&b, &[("login_password", NEW_PASSWORD, "harbour lights at dusk")]).await;
    assert_eq!(b.status().await, 422);
    assert_eq!(b.texts(".error-summary li").await, vec![t(Ja, "error-confirm-mismatch", &[])]);
    assert_eq!(b.text("#login_password_confirm-error").await, t(Ja, "error-confirm-mismatch", &[]));

    // Two of three, the transaction password left blank (kept).
    set_credentials(&b, &[("login_password", NEW_PASSWORD, NEW_PASSWORD), ("telephone_pin", NEW_PIN, NEW_PIN)]).await;
    assert_done(&b, Ja, &["ログインパスワード", "テレホン暗証番号"]).await;
    b.quit().await;

    assert_reset(&demo, &TARO).await;
    let token = demo.integrator_token();
    assert!(
        demo.verifies(&token, TARO.login_id, "transaction_password", "river stone garden").await,
        "a credential left blank keeps its secret"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn voice_reset_in_english_after_the_language_switch() {
    let demo = Demo::start();
    let b = Browser::start(&demo, Options::default()).await;
    b.goto("/").await;
    assert_eq!(b.lang().await, "ja");
    b.click("nav.language a[hreflang=\"en\"]").await;
    assert_eq!(b.lang().await, "en", "the switch shows the page in English");
    assert_eq!(b.h1().await, t(En, "start-title", &[]));
    assert_eq!(b.text("nav.language a[aria-current=\"true\"]").await, "English");

    // The choice holds on every following page, including those reached by a post and the
    // link from the e-mail.
    apply_and_open_step_two(&demo, &b, &EMILY, En, 1).await;
    assert_eq!(b.lang().await, "en");
    // A PIN that breaks the policy is refused in English, naming the rule.
    set_credentials(&b, &[("login_password", NEW_PASSWORD, NEW_PASSWORD), ("telephone_pin", "1234", "1234")]).await;
    assert_eq!(b.status().await, 422);
    assert_eq!(b.text("#telephone_pin-error").await, t(En, "policy-sequential-digits", &[]));
    set_credentials(&b, &[("login_password", NEW_PASSWORD, NEW_PASSWORD), ("telephone_pin", NEW_PIN, NEW_PIN)]).await;
    assert_done(&b, En, &["Login password", "Telephone PIN"]).await;
    b.quit().await;
    assert_reset(&demo, &EMILY).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn six_wrong_codes_kill_the_code() {
    let demo = Demo::start();
    let b = Browser::start(&demo, Options::default()).await;
    b.goto("/voice-application").await;
    apply_for_voice_code(&b, &TARO).await;
    let code = demo.answer_call(1, TARO.cash_card_pin).await;
    let wrong = if code.starts_with('0') { "1111111111" } else { "0000000000" };

    let invalid = t(Ja, "error-invalid-code", &[("max", Arg::from(6_i64))]);
    b.goto("/reset/voice").await;
    for n in 1..=6 {
        enter_code(&b, TARO.login_id, wrong).await;
        assert_eq!(b.status().await, 400, "wrong entry {n}");
        assert_eq!(b.texts(".error-summary li").await, vec![invalid.clone()], "wrong entry {n}: the one message");
        assert_eq!(b.text("#code-error").await, invalid, "wrong entry {n}: at the code field");
        assert!(!b.exists("fieldset.credential").await);
    }
    // The right code, typed as customers do (full width, with a hyphen), is dead now.
    let typed = format!("{}-{}", full_width(&code[..5]), full_width(&code[5..]));
    enter_code(&b, TARO.login_id, &typed).await;
    assert_eq!(b.status().await, 400);
    assert_eq!(b.texts(".error-summary li").await, vec![invalid]);
    assert!(!b.exists("fieldset.credential").await, "no step 2 with a killed code");
    b.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn voice_reset_works_without_javascript() {
    let demo = Demo::start();
    let b = Browser::start(&demo, Options { javascript: false, accept_language: "en-GB,en;q=0.9" }).await;
    b.goto("/").await;
    assert_eq!(b.lang().await, "en", "Accept-Language chooses English");
    apply_and_open_step_two(&demo, &b, &EMILY, En, 1).await;
    assert!(!b.exists("button.reveal").await, "the script did not run (it adds the show-password buttons)");
    set_credentials(&b, &[("login_password", NEW_PASSWORD, NEW_PASSWORD), ("telephone_pin", NEW_PIN, NEW_PIN)]).await;
    assert_done(&b, En, &["Login password", "Telephone PIN"]).await;
    b.quit().await;
    assert_reset(&demo, &EMILY).await;
}
