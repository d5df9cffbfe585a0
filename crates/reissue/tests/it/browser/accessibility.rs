//! Every page, in both languages, at desktop width and on a 375-pixel phone: axe-core finds
//! no WCAG 2.2 AA violation, nothing is wider than the screen, and a screenshot of each is
//! written to `target/screenshots/NAME-LANG-WIDTH.png`.
//!
//! One walk per language visits each page and state a customer meets: the forms, each form
//! with errors, the sent pages, both steps of the reset, the done page, the refusal of a
//! forged form, the page for an unknown address, and the demo's phone and mailbox.

use reissue_core::account::Language::{self, En, Ja};

use super::{
    Browser, Customer, DESKTOP, Demo, EMILY, Options, PHONE, TARO, apply_for_voice_code, enter_code, repo_target,
    set_credentials, t,
};

/// What the walk found wrong, each naming its page, language and width.
pub(super) struct Findings {
    pub(super) lang: Language,
    pub(super) problems: Vec<String>,
}

impl Findings {
    pub(super) fn new(lang: Language) -> Self {
        Self { lang, problems: Vec::new() }
    }

    /// Checks the page the browser shows now at both widths, and photographs it.
    pub(super) async fn check(&mut self, b: &Browser, name: &str) {
        let lang = self.lang.as_str();
        assert_eq!(b.lang().await, lang, "{name} is in the walk's language");
        for vp in [DESKTOP, PHONE] {
            b.viewport(vp).await;
            let at = format!("{name}-{lang}-{}", vp.width);
            for v in b.axe().await {
                self.problems.push(format!("{at}: {v}"));
            }
            let overflow = b.overflow_x(vp).await;
            if overflow > 0 {
                let culprits = b.too_wide(vp.width).await.join(", ");
                self.problems.push(format!("{at}: {overflow}px wider than the screen: {culprits}"));
            }
            b.screenshot(&repo_target().join("screenshots").join(format!("{at}.png"))).await;
        }
        b.viewport(DESKTOP).await;
    }
}

async fn walk(lang: Language, who: &Customer) {
    let demo = Demo::start();
    let b = Browser::start(&demo, Options::default()).await;
    let mut f = Findings { lang, problems: Vec::new() };
    let l = lang.as_str();

    b.goto(&format!("/?lang={l}")).await;
    f.check(&b, "start").await;

    b.goto("/voice-application").await;
    f.check(&b, "voice-application").await;
    b.submit().await;
    assert_eq!(b.status().await, 400);
    f.check(&b, "voice-application-error").await;
    apply_for_voice_code(&b, who).await;
    assert_eq!(b.h1().await, t(lang, "voice-sent-title", &[]));
    f.check(&b, "voice-application-sent").await;

    let code = demo.answer_call(1, who.cash_card_pin).await;
    b.goto("/reset/voice").await;
    f.check(&b, "reset-voice").await;
    enter_code(&b, who.login_id, "0000000000").await;
    assert_eq!(b.status().await, 400);
    f.check(&b, "reset-voice-error").await;
    enter_code(&b, who.login_id, &code).await;
    assert!(b.exists("fieldset.credential").await, "step 2");
    f.check(&b, "reset-voice-step2").await;
    set_credentials(
        &b,
        &[("login_password", "harbour lights at dawn", "harbour lights"), ("telephone_pin", "1111", "1111")],
    )
    .await;
    assert_eq!(b.status().await, 422);
    f.check(&b, "reset-voice-step2-error").await;
    set_credentials(&b, &[("login_password", "harbour lights at dawn", "harbour lights at dawn")]).await;
    assert_eq!(b.h1().await, t(lang, "reset-done-title", &[]));
    f.check(&b, "reset-voice-done").await;

    b.goto("/reset/postal").await;
    f.check(&b, "reset-postal").await;
    enter_code(&b, "", "").await;
    assert_eq!(b.status().await, 400);
    f.check(&b, "reset-postal-error").await;

    for (path, name) in
        [("/password-initialization", "password-initialization"), ("/login-id-notification", "login-id-notification")]
    {
        b.goto(path).await;
        f.check(&b, name).await;
        b.submit().await;
        assert_eq!(b.status().await, 400);
        f.check(&b, &format!("{name}-error")).await;
        b.goto(&format!("{path}/sent")).await;
        f.check(&b, &format!("{name}-sent")).await;
    }

    // The demo's own pages (only with --demo): the phone after the call, the mailbox.
    b.goto("/demo/phone").await;
    f.check(&b, "demo-phone").await;
    b.goto("/demo/mailbox").await;
    f.check(&b, "demo-mailbox").await;

    b.goto("/no-such-page").await;
    assert_eq!(b.status().await, 404);
    f.check(&b, "not-found").await;
    b.goto("/voice-application").await;
    b.tamper_token().await;
    b.submit().await;
    assert_eq!(b.status().await, 403);
    f.check(&b, "forged").await;

    // The checker sees a violation when there is one: an image without a text alternative.
    b.client
        .execute("const i = document.createElement('img'); i.src = '/static/logo.svg'; document.querySelector('main').append(i);", vec![])
        .await
        .expect("plant an image");
    let planted = b.axe().await;
    assert!(planted.iter().any(|v| v.starts_with("image-alt")), "axe missed a planted violation: {planted:?}");

    b.quit().await;
    assert!(f.problems.is_empty(), "{} problems:\n{}", f.problems.len(), f.problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_in_japanese_passes_axe_at_desktop_and_phone_width() {
    walk(Ja, &TARO).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_in_english_passes_axe_at_desktop_and_phone_width() {
    walk(En, &EMILY).await;
}
