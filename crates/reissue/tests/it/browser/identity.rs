//! Password initialization (P5) and the login-ID notification (P6) by pages, typed the way
//! customers type on a Japanese keyboard, with the mails they receive.

use reissue_core::account::Language::{En, Ja};

use super::{Browser, Demo, EMILY, Options, TARO, full_width, t};

/// The temporary password's alphabet (crates/core: no look-alike characters).
const ALPHABET: &str = "ACDEFGHJKLMNPQRTUVWXYabcdefghijkmnpqrstuvwxyz34679";

#[tokio::test(flavor = "multi_thread")]
async fn password_initialization_and_login_id_notification_by_pages() {
    let demo = Demo::start();
    let b = Browser::start(&demo, Options::default()).await;

    // P5, in Japanese: full-width digits, the name with a two-byte space, a hyphenated phone.
    b.goto("/").await;
    b.click("a[href=\"/password-initialization\"]").await;
    assert_eq!(b.h1().await, t(Ja, "init-title", &[]));
    let typed_name = "Koku\u{3000}Taro";
    b.fill("login_id", &full_width(TARO.login_id)).await;
    b.fill("name", typed_name).await;
    b.fill("phone_number", &full_width("090-1234-5678")).await;
    b.fill("email", "taro@").await;
    b.submit().await;
    // A malformed e-mail address is named at its field; what was typed stays.
    assert_eq!(b.status().await, 400);
    assert_eq!(b.texts(".error-summary li").await, vec![t(Ja, "error-email", &[])]);
    assert_eq!(b.text("#email-error").await, t(Ja, "error-email", &[]));
    assert_eq!(b.find("#name").await.prop("value").await.unwrap().as_deref(), Some(typed_name));
    b.fill("email", "Taro@Example.JP").await;
    b.submit().await;
    assert_eq!(b.path().await, "/password-initialization/sent");
    assert_eq!(b.h1().await, t(Ja, "init-sent-title", &[]));

    let mail = demo.mail(TARO.email, "仮パスワード").await;
    assert_eq!(mail["subject"], "【reissue demo bank】仮パスワードのお知らせ");
    let body = mail["body"].as_str().unwrap_or_default();
    assert!(body.starts_with("Koku Taro 様"), "{body}");
    let temporary = body
        .lines()
        .find(|l| l.len() >= 12 && l.chars().all(|c| ALPHABET.contains(c)))
        .unwrap_or_else(|| panic!("the temporary password stands alone on its line: {body}"));
    let token = demo.integrator_token();
    assert!(demo.verifies(&token, TARO.login_id, "login_password", temporary).await, "it signs in");

    // P6, in English after the switch, for the English account.
    b.goto("/login-id-notification?lang=en").await;
    assert_eq!(b.h1().await, t(En, "reminder-title", &[]));
    b.fill("name", "STONE\u{3000}Emily").await;
    b.fill("phone_country", "+81").await;
    b.fill("phone_number", "090-8765-4321").await;
    b.fill("email", EMILY.email).await;
    b.submit().await;
    assert_eq!(b.path().await, "/login-id-notification/sent");
    assert_eq!(b.h1().await, t(En, "reminder-sent-title", &[]));
    let mail = demo.mail(EMILY.email, "login ID").await;
    assert_eq!(mail["subject"], "[reissue demo bank] Your login ID");
    let body = mail["body"].as_str().unwrap_or_default();
    assert!(body.starts_with("Dear Emily Stone,"), "{body}");
    assert!(body.lines().any(|l| l == EMILY.login_id), "the login ID stands on its line: {body}");
    b.quit().await;
}
