//! Forged forms: a post whose token was changed, and one sent after the form cookie was
//! deleted, are refused with a page in the customer's language, and change nothing.

use reissue_core::account::Language::{En, Ja};

use super::{Browser, Demo, EMILY, Options, apply_for_voice_code, enter_code, set_credentials, t};

const NEW_PASSWORD: &str = "quiet meadow at noon";

/// The old password still works and the new one does not.
async fn unchanged(demo: &Demo, token: &str) {
    assert!(demo.verifies(token, EMILY.login_id, "login_password", EMILY.login_password).await);
    assert!(!demo.verifies(token, EMILY.login_id, "login_password", NEW_PASSWORD).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_forms_are_refused_in_the_customers_language_and_change_nothing() {
    let demo = Demo::start();
    let b = Browser::start(&demo, Options::default()).await;
    let token = demo.integrator_token();
    // The browser asks for Japanese; the customer chose English on the page.
    b.goto("/voice-application?lang=en").await;
    apply_for_voice_code(&b, &EMILY).await;
    let code = demo.answer_call(1, EMILY.cash_card_pin).await;
    b.goto("/reset/voice").await;
    enter_code(&b, EMILY.login_id, &code).await;
    assert!(b.exists("fieldset.credential").await, "step 2");

    // 1. The hidden token changed.
    b.tamper_token().await;
    set_credentials(&b, &[("login_password", NEW_PASSWORD, NEW_PASSWORD)]).await;
    assert_eq!(b.status().await, 403);
    assert_eq!(b.lang().await, "en");
    assert_eq!(b.h1().await, t(En, "message-forged-title", &[]));
    assert_eq!(b.text("main p").await, t(En, "message-forged-body", &[]));
    unchanged(&demo, &token).await;

    // 2. The form cookie deleted before the post (the token no longer belongs to this browser).
    b.goto("/reset/voice").await;
    assert!(b.exists("fieldset.credential").await, "the reset session is still open");
    let form_cookie = "reissue-form";
    assert!(b.cookie_names().await.iter().any(|n| n == form_cookie), "{:?}", b.cookie_names().await);
    b.client.delete_cookie(form_cookie).await.expect("delete the form cookie");
    set_credentials(&b, &[("login_password", NEW_PASSWORD, NEW_PASSWORD)]).await;
    assert_eq!(b.status().await, 403);
    assert_eq!(b.h1().await, t(En, "message-forged-title", &[]));
    unchanged(&demo, &token).await;

    // The same refusal in Japanese for a customer reading Japanese, on another form.
    b.goto("/password-initialization?lang=ja").await;
    b.tamper_token().await;
    b.submit().await;
    assert_eq!(b.status().await, 403);
    assert_eq!(b.lang().await, "ja");
    assert_eq!(b.h1().await, t(Ja, "message-forged-title", &[]));

    // Neither refusal spent the session: the real form still completes the reset.
    b.goto("/reset/voice?lang=en").await;
    set_credentials(&b, &[("login_password", NEW_PASSWORD, NEW_PASSWORD)]).await;
    assert_eq!(b.path().await, "/reset/voice/done");
    assert!(demo.verifies(&token, EMILY.login_id, "login_password", NEW_PASSWORD).await);
    b.quit().await;
}
