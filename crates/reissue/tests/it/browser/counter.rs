//! The counter's console in a real Chromium on the real demo server (issue 10's proof). A
//! counter clerk enrolled with `reissue staff add --json` signs in and walks three cases:
//! (a) the holder in person changes a PIN: a case token is issued and shown once, then the
//! PIN step is done by `reissue card change-pin --case` with the software card behind pcscd,
//! reporting to the case (without the `pcsc` feature: recorded as done on the national terminal); (b) an adult ward's legal
//! representative: the PIN step is refused, naming what is missing, until the guardianship
//! certificate is recorded; (c) a proxy: the inquiry letter's PDF (read back with pdftotext
//! for the address, 様, 転送不要, the reference and the check code), mailed, the second visit
//! refused the same day, the demo's clock moved a day (`POST /demo/clock`, a new sign-in
//! with codes for the server's time), refused with a wrong code, accepted with the letter's,
//! the second visit's checklist, and the reset recorded on the terminal; the receipt's PDF
//! names the case, its type and what to bring, and never the check code. axe-core and the
//! width checks run on each page, photographed to `target/screenshots/console-counter-*.png`.
//! (`reissue card change-pin --case` with the token is the card client's test.)

use reissue_core::account::Language::{En, Ja};
use reissue_core::catalogue::Arg;
use reissue_core::counter::checklist::ItemKind;
use reissue_core::counter::{CardPin, CaseType};
use serde_json::{Value, json};

use super::accessibility::Findings;
use super::staff::{Member, poppler, sign_in, submit_form};
use super::{Browser, Demo, Options, t};

/// Ticks or chooses the element `css` (a check box, a radio button, an option of a select).
async fn choose(b: &Browser, css: &str) {
    b.find(css).await.click().await.unwrap_or_else(|e| panic!("choose {css}: {e}"));
}

/// Opens a case with the open form: `choices` are the CSS selectors to tick or choose.
async fn open_case(b: &Browser, login_id: &str, choices: &[&str]) {
    b.goto("/staff/counter/open").await;
    b.fill("login_id", login_id).await;
    for c in choices {
        choose(b, c).await;
    }
    submit_form(b, "/staff/counter/open").await;
}

/// The error summary's messages.
async fn summary(b: &Browser) -> Vec<String> {
    b.texts(".error-summary li").await
}

/// Downloads `path` with the browser's cookies: the bytes and their content type.
async fn download(demo: &Demo, b: &Browser, path: &str) -> (Vec<u8>, String) {
    let cookies: Vec<String> = b
        .client
        .get_all_cookies()
        .await
        .expect("cookies")
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect();
    let resp =
        reqwest::Client::new().get(demo.url(path)).header("cookie", cookies.join("; ")).send().await.expect("download");
    let status = resp.status().as_u16();
    let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = resp.bytes().await.expect("the body").to_vec();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    (body, kind)
}

/// The text of a PDF, as pdftotext reads it.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, bytes).expect("write the PDF");
    poppler("pdftotext", &["-layout"], &path)
}

/// The check code printed as `dddd-dddd` (the first such group standing alone).
fn check_code_in(text: &str) -> Option<String> {
    let c: Vec<char> = text.chars().collect();
    (0..c.len().saturating_sub(8)).find_map(|i| {
        let d = |r: std::ops::Range<usize>| c[r].iter().all(char::is_ascii_digit);
        // Not a part of a longer number, such as the office's telephone number 03-0000-0000.
        let before = i == 0 || !(c[i - 1].is_ascii_digit() || c[i - 1] == '-');
        let after = c.get(i + 9).is_none_or(|x| !(x.is_ascii_digit() || *x == '-'));
        (before && after && d(i..i + 4) && c[i + 4] == '-' && d(i + 5..i + 9)).then(|| c[i..i + 9].iter().collect())
    })
}

/// What `GET /demo/clock` says the server's clock is ahead of the wall clock.
async fn ahead_secs(demo: &Demo) -> u64 {
    let v: Value = reqwest::get(demo.url("/demo/clock")).await.expect("clock").json().await.expect("json");
    v["ahead_secs"].as_u64().expect("ahead_secs")
}

/// The state shown on the case page.
async fn state(b: &Browser) -> String {
    b.text("dd.case-state").await
}

/// Records an item of the current visit with its own form (`fields`: selectors to choose).
async fn record(b: &Browser, kind: ItemKind, choices: &[&str]) {
    for c in choices {
        choose(b, c).await;
    }
    b.click(&format!("#{}-record", kind.as_str())).await;
    assert!(summary(b).await.is_empty(), "{kind} recorded: {:?}", summary(b).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_counter_clerk_completes_an_in_person_a_guardians_and_a_proxys_case() {
    let demo = Demo::start();
    let mut ja = Findings::new(Ja);
    let mut en = Findings::new(En);
    let mut clerk = Member::enrol(&demo, "ct.test", "counter", "Kana Counter");
    let b = Browser::start(&demo, Options::default()).await;
    sign_in(&b, &mut clerk, None).await;
    assert_eq!(b.path().await, "/staff/counter", "a counter clerk's console opens on the cases");
    assert_eq!(b.h1().await, t(Ja, "staff-counter-title", &[]));
    ja.check(&b, "console-counter-list").await;

    // A refusal in both languages: a child of ten holds no signature certificate.
    open_case(
        &b,
        "135792468",
        &["#case_type-legal_representative", "#ground option[value=under_15]", "#pin-sign", "#operation-reset"],
    )
    .await;
    assert_eq!(summary(&b).await, [t(Ja, "staff-counter-refusal-no-signature-certificate", &[])]);
    ja.check(&b, "console-counter-open-refused").await;
    b.goto("/staff/counter/open?lang=en").await;
    en.check(&b, "console-counter-open").await;
    open_case(&b, "123456789", &["#case_type-legal_representative", "#ground option[value=under_15]", "#pin-auth"])
        .await;
    let refused = summary(&b).await;
    assert!(
        refused.len() == 1
            && refused[0].starts_with("The holder is ")
            && refused[0].ends_with(": \"under 15\" is only for a holder under 15."),
        "Koku Taro is over 15: {refused:?}"
    );
    en.check(&b, "console-counter-open-refused").await;
    b.goto("/staff/counter?lang=ja").await;

    // (a) In person, a change of the user-authentication PIN.
    open_case(&b, "123456789", &["#case_type-in_person", "#pin-auth", "#operation-change", "#item-card"]).await;
    assert_eq!(b.path().await, "/staff/counter/C000001?done=opened", "{}", b.text("main").await);
    assert_eq!(state(&b).await, t(Ja, "counter-state-open", &[]));
    ja.check(&b, "console-counter-case").await;
    choose(&b, "#token_pin option[value=auth]").await;
    submit_form(&b, "/staff/counter/C000001/case-token").await;
    let token = b.text("p.case-token code").await;
    assert!(token.len() == 11 && token.chars().nth(5) == Some('-'), "a token like K7QM4-XPA2B: {token:?}");
    assert_eq!(
        b.text("pre.command code").await,
        format!("reissue card change-pin auth --case {token} --server {}", demo.server.base)
    );
    ja.check(&b, "console-counter-token").await;
    b.goto("/staff/counter/C000001").await;
    assert!(!b.text("main").await.contains(&token), "the token is shown once");
    assert_eq!(b.texts("table.tokens tbody tr").await.len(), 1, "and listed");
    // At the counter workstation, the software card behind pcscd, the holder keying the PINs:
    // the card client claims the token, changes the PIN and reports to the case.
    #[cfg(feature = "pcsc")]
    {
        use crate::pcsc_stack::{READER, Stack};
        let mut stack = tokio::task::spawn_blocking(Stack::start).await.unwrap();
        assert!(crate::card::init_card(&stack.state).status.success());
        stack.insert_card();
        let args = ["card", "change-pin", "auth", "--reader", READER, "--case", &token, "--server", &demo.server.base];
        let out = stack.reissue(&args, Some("1234\n8642\n8642\n"));
        let said = format!("{}{}", crate::card::text(&out.stdout), crate::card::text(&out.stderr));
        assert!(out.status.success(), "{said}");
        assert!(said.contains("C000001"), "the client names the case: {said}");
        b.goto("/staff/counter/C000001").await;
        let row = b.text("table.tokens tbody tr").await;
        assert!(row.contains(&t(Ja, "staff-counter-outcome-success", &[])), "the reported outcome: {row}");
    }
    #[cfg(not(feature = "pcsc"))]
    {
        choose(&b, "#step-pin-auth").await;
        submit_form(&b, "/staff/counter/C000001/pin-step").await;
    }
    assert_eq!(state(&b).await, t(Ja, "counter-state-completed", &[]));
    ja.check(&b, "console-counter-completed").await;

    // (b) The legal representative of an adult ward: no PIN step without the certificate.
    open_case(
        &b,
        "987654321",
        &[
            "#case_type-legal_representative",
            "#ground option[value=adult_ward]",
            "#pin-auth",
            "#operation-reset",
            "#item-card",
        ],
    )
    .await;
    assert_eq!(b.path().await, "/staff/counter/C000002?done=opened", "{:?}", summary(&b).await);
    record(
        &b,
        ItemKind::RepresentativePhotoId,
        &["select[name='representative_photo_id-document'] option[value=drivers_licence]"],
    )
    .await;
    choose(&b, "#step-pin-auth").await;
    submit_form(&b, "/staff/counter/C000002/pin-step").await;
    let certificate = t(Ja, &ItemKind::GuardianshipCertificate.label_key(), &[]);
    assert_eq!(
        summary(&b).await,
        [t(Ja, "staff-counter-refusal-checklist-incomplete", &[("missing", Arg::Text(certificate.clone()))])]
    );
    assert_eq!(b.texts("ul.missing li").await, [certificate]);
    ja.check(&b, "console-counter-pin-step-refused").await;
    b.goto("/staff/counter/C000002?lang=en").await;
    en.check(&b, "console-counter-checklist").await;
    b.goto("/staff/counter/C000002?lang=ja").await;
    record(&b, ItemKind::GuardianshipCertificate, &[]).await;
    choose(&b, "#step-pin-auth").await;
    submit_form(&b, "/staff/counter/C000002/pin-step").await;
    assert_eq!(state(&b).await, t(Ja, "counter-state-completed", &[]));

    // (c) A proxy: the first visit's items as the case opens, then the inquiry letter.
    open_case(
        &b,
        "123456789",
        &[
            "#case_type-proxy",
            "#pin-auth",
            "#operation-reset",
            "#item-card",
            "#proxy_document option[value=health_insurance_card]",
        ],
    )
    .await;
    assert_eq!(b.path().await, "/staff/counter/C000003?done=opened", "{:?}", summary(&b).await);
    assert_eq!(state(&b).await, t(Ja, "counter-state-inquiry-ready", &[]));
    ja.check(&b, "console-counter-proxy").await;
    let (pdf, kind) = download(&demo, &b, "/staff/counter/C000003/inquiry.pdf").await;
    assert_eq!(kind, "application/pdf");
    let letter = pdf_text(&pdf);
    for expected in ["〒100-0001", "東京都千代田区千代田1-1-1", "Koku Taro 様", "転送不要", "親展", "C000003"]
    {
        assert!(letter.contains(expected), "{expected:?} is not in the letter:\n{letter}");
    }
    let code = check_code_in(&letter).unwrap_or_else(|| panic!("no check code dddd-dddd in the letter:\n{letter}"));
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    assert!(!b.text("body").await.contains(&code) && !b.text("body").await.contains(&digits), "never on a page");
    let (pdf, _) = download(&demo, &b, "/staff/counter/C000003/receipt.pdf").await;
    let printed = pdf_text(&pdf);
    let receipt: String = printed.split_whitespace().collect();
    for expected in [
        "C000003",
        &t(Ja, &CaseType::Proxy.label_key(), &[]),
        "委任状",
        "暗証番号設定依頼書",
        &t(Ja, &CardPin::Auth.label_key(), &[]),
    ] {
        assert!(receipt.contains(expected), "{expected:?} is not on the receipt:\n{receipt}");
    }
    assert!(
        !printed.contains(&code) && !printed.contains(&digits) && check_code_in(&printed).is_none(),
        "the receipt never carries the check code {code}:\n{printed}"
    );
    submit_form(&b, "/staff/counter/C000003/inquiry/mailed").await;
    assert_eq!(state(&b).await, t(Ja, "counter-state-awaiting-reply", &[]));
    assert!(!b.exists("#inquiry-pdf").await, "the letter is printed no more");

    // The same day: refused, with the first day the proxy may come.
    b.fill("check_code", &code).await;
    submit_form(&b, "/staff/counter/C000003/second-visit").await;
    let tokyo = time::UtcOffset::from_hms(9, 0, 0).expect("an offset");
    let tomorrow = time::OffsetDateTime::now_utc().to_offset(tokyo).date().next_day().expect("a day");
    let day = reissue_core::calendar::Calendar::default().day(tomorrow, Ja);
    assert_eq!(summary(&b).await, [t(Ja, "staff-counter-refusal-same-day", &[("earliest", Arg::Text(day))])]);
    ja.check(&b, "console-counter-same-day").await;

    // A day later (the staff session ended with it): a wrong code, then the letter's.
    let moved = reqwest::Client::new()
        .post(demo.url("/demo/clock"))
        .json(&json!({"advance_secs": 86400}))
        .send()
        .await
        .expect("move the clock");
    assert_eq!(moved.status().as_u16(), 200);
    clerk.ahead_secs = ahead_secs(&demo).await;
    b.goto("/staff/counter/C000003").await;
    assert!(b.path().await.starts_with("/staff/?ended=1"), "the session ended: {}", b.path().await);
    sign_in_again(&b, &mut clerk).await;
    b.goto("/staff/counter/C000003").await;
    let wrong = if digits == "00000000" { "11111111" } else { "00000000" };
    b.fill("check_code", wrong).await;
    submit_form(&b, "/staff/counter/C000003/second-visit").await;
    assert_eq!(summary(&b).await, [t(Ja, "staff-counter-refusal-wrong-check-code", &[("left", Arg::from(4_i64))])]);
    ja.check(&b, "console-counter-wrong-code").await;
    b.fill("check_code", &code).await;
    submit_form(&b, "/staff/counter/C000003/second-visit").await;
    assert_eq!(state(&b).await, t(Ja, "counter-state-second-visit", &[]));
    ja.check(&b, "console-counter-second-visit").await;
    record(&b, ItemKind::Card, &[]).await;
    record(&b, ItemKind::ProxyPhotoId, &["select[name='proxy_photo_id-document'] option[value=passport]"]).await;
    record(&b, ItemKind::ResponseForm, &["#response_form-collected"]).await;
    record(&b, ItemKind::PowerOfAttorney, &["#power_of_attorney-collected"]).await;
    record(&b, ItemKind::SealedPinRequest, &[]).await;
    assert!(!b.exists("form.case-token-form").await, "a reset is done on the national terminal only");
    choose(&b, "#step-pin-auth").await;
    submit_form(&b, "/staff/counter/C000003/pin-step").await;
    assert_eq!(state(&b).await, t(Ja, "counter-state-completed", &[]));
    assert!(!b.text("body").await.contains(&digits), "never on a page");
    ja.check(&b, "console-counter-proxy-completed").await;
    b.quit().await;

    let problems: Vec<String> = ja.problems.into_iter().chain(en.problems).collect();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// Signs in again (the password was set at the first sign-in), with a code for the server's
/// time.
async fn sign_in_again(b: &Browser, m: &mut Member) {
    b.goto("/staff/").await;
    b.fill("login", &m.login.clone()).await;
    b.fill("password", &m.password.clone()).await;
    let code = m.code();
    b.fill("totp", &code).await;
    submit_form(b, "/staff/").await;
    assert_eq!(b.path().await, "/staff/counter", "signed in again: {}", b.text("main").await);
}
