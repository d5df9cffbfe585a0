//! The staff console and the postal reset code in a real Chromium on the real demo server
//! (issue 9's proof). A help-desk member enrolled with `reissue staff add --json` signs in
//! with a code computed here from the otpauth URI, sets a new password, sees why one account
//! gets no postal code and applies for one for another (identity checks, a reason, a fresh
//! code of a later 30-second step); a postal operator closes the batch and downloads it; the
//! letter's PDF holds the address and the code; the customer's voice reset page refuses that
//! code and the postal one takes it. An admin enrols a member. axe-core and the width checks
//! run on each console page, and each is photographed to `target/screenshots/console-*.png`.
//!
//! The test waits for the next 30-second TOTP step twice at most (a sensitive action's code
//! must be a later step than the sign-in's), so it takes up to a minute.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reissue_core::account::Language::{self, En, Ja};
use reissue_core::catalogue::Arg;
use serde_json::Value;

use super::accessibility::Findings;
use super::{Browser, Demo, Options, TARO, enter_code, set_credentials, t};

const STAFF_PASSWORD: &str = "quiet harbour lantern at dusk";
const CUSTOMER_PASSWORD: &str = "letters cross the quiet bay";

pub(super) fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs()
}

/// A staff member enrolled by the command line, as the test knows them.
pub(super) struct Member {
    pub(super) login: String,
    pub(super) password: String,
    totp: totp_rs::Totp,
    /// The 30-second step of the last code used.
    step: u64,
    /// How far the server's clock is ahead of the wall clock (the demo's `POST /demo/clock`).
    pub(super) ahead_secs: u64,
}

impl Member {
    /// `reissue staff add LOGIN --role ROLE --name NAME --json` against the demo's data.
    pub(super) fn enrol(demo: &Demo, login: &str, role: &str, name: &str) -> Self {
        let (ok, out, err) = demo.server.cli(&["staff", "add", login, "--role", role, "--name", name, "--json"], "");
        assert!(ok, "staff add {login}: {err}");
        let v: Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{out:?}: {e}"));
        let uri = v["otpauth_uri"].as_str().expect("otpauth_uri");
        Self {
            login: v["login"].as_str().expect("login").to_owned(),
            password: v["initial_password"].as_str().expect("initial_password").to_owned(),
            totp: totp_rs::Totp::from_url(uri).unwrap_or_else(|e| panic!("{uri:?}: {e}")),
            step: 0,
            ahead_secs: 0,
        }
    }

    /// The code an authenticator shows now, for the server's time.
    pub(super) fn code(&mut self) -> String {
        let now = unix_now() + self.ahead_secs;
        self.step = now / 30;
        self.totp.generate(now).to_string()
    }

    /// A code of a later step than the last one used: waits for the next step if need be.
    pub(super) async fn fresh_code(&mut self) -> String {
        while (unix_now() + self.ahead_secs) / 30 <= self.step {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        self.code()
    }
}

/// Presses the submit button of the form in `main` that posts to `action`.
pub(super) async fn submit_form(b: &Browser, action: &str) {
    b.click(&format!("main form[action=\"{action}\"] button[type=\"submit\"]")).await;
}

/// Signs in at `/staff/` and, on the first sign-in, replaces the initial password: the
/// browser is left on the console's first page.
pub(super) async fn sign_in(b: &Browser, m: &mut Member, f: Option<&mut Findings>) {
    b.goto("/staff/").await;
    assert_eq!(b.h1().await, t(Ja, "staff-sign-in-title", &[]));
    b.fill("login", &m.login).await;
    b.fill("password", &m.password).await;
    let code = m.code();
    b.fill("totp", &code).await;
    submit_form(b, "/staff/").await;
    // What the server took is at least this step.
    m.step = m.step.max((unix_now() + m.ahead_secs) / 30);
    assert_eq!(b.path().await, "/staff/password", "an initial password must be replaced: {}", b.text("main").await);
    assert_eq!(b.text("p.lead").await, t(Ja, "staff-password-first", &[]));
    if let Some(f) = f {
        f.check(b, "console-password").await;
    }
    b.fill("current_password", &m.password).await;
    b.fill("new_password", STAFF_PASSWORD).await;
    b.fill("new_password_confirm", STAFF_PASSWORD).await;
    submit_form(b, "/staff/password").await;
    m.password = STAFF_PASSWORD.to_owned();
    assert!(b.path().await.starts_with("/staff/"), "{}", b.path().await);
    assert!(b.exists("nav.console-nav").await, "signed in: {}", b.text("main").await);
}

/// Finds an account by login ID with the search form and opens it.
async fn open_account(b: &Browser, login_id: &str) {
    b.goto("/staff/accounts").await;
    b.fill("login_id", login_id).await;
    submit_form(b, "/staff/accounts").await;
    b.click(&format!("table.data a[href=\"/staff/accounts/{login_id}\"]")).await;
    assert_eq!(b.path().await, format!("/staff/accounts/{login_id}"));
    assert_eq!(b.h1().await, t(Ja, "staff-account-title", &[("login_id", Arg::from(login_id))]));
}

/// The demo's customer who moved ten days ago: when, in the institution's calendar (Tokyo),
/// `YYYY-MM-DD`, and the day the cooldown of 30 days ends.
fn moved_dates(at: time::OffsetDateTime) -> (String, String) {
    let tokyo = time::UtcOffset::from_hms(9, 0, 0).expect("an offset");
    let moved = (at - time::Duration::days(10)).to_offset(tokyo);
    let fmt = |t: time::OffsetDateTime| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day());
    (fmt(moved), fmt(moved + time::Duration::days(30)))
}

/// The reason the console gives for 246813579, in `lang`, for a move at `at` minus ten days.
fn moved_reason(lang: Language, at: time::OffsetDateTime) -> String {
    let (on, from) = moved_dates(at);
    let day = |d: &str| {
        let date = reissue_core::account::parse_date("day", d).expect("a day");
        Arg::Text(reissue_core::calendar::Calendar::default().day(date, lang))
    };
    t(lang, "staff-reason-address-changed-recently", &[("on", day(&on)), ("from", day(&from))])
}

/// The ten digits printed as `dddd dddd dd` in the letter's text.
fn printed_code(text: &str) -> Option<String> {
    let c: Vec<char> = text.chars().collect();
    let digits = |r: std::ops::Range<usize>| c[r].iter().all(char::is_ascii_digit);
    (0..c.len().saturating_sub(11)).find_map(|i| {
        let before_ok = i == 0 || !c[i - 1].is_ascii_digit();
        let after_ok = c.get(i + 12).is_none_or(|d| !d.is_ascii_digit());
        (before_ok && after_ok && digits(i..i + 4) && c[i + 4] == ' ' && digits(i + 5..i + 9) && c[i + 9] == ' ')
            .then_some(())
            .filter(|()| digits(i + 10..i + 12))
            .map(|()| c[i..i + 12].iter().filter(|d| d.is_ascii_digit()).collect())
    })
}

pub(super) fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils, scripts/test-deps): {e}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Downloads the closed batch the way its form posts (fields, the browser's cookies): the
/// files of the tar, by name.
async fn export_batch(demo: &Demo, b: &Browser, code: &str) -> Vec<(String, Vec<u8>)> {
    let form = b.find("form.export").await;
    let action = form.attr("action").await.expect("action").expect("an export action");
    let csrf = b.find("form.export input[name=\"csrf\"]").await.attr("value").await.expect("csrf").expect("a token");
    let cookies: Vec<String> = b
        .client
        .get_all_cookies()
        .await
        .expect("cookies")
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect();
    let resp = reqwest::Client::new()
        .post(demo.url(&action))
        .header("cookie", cookies.join("; "))
        .header("origin", demo.server.base.clone())
        .form(&[("csrf", csrf.as_str()), ("totp", code)])
        .send()
        .await
        .expect("export");
    let status = resp.status().as_u16();
    let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = resp.bytes().await.expect("the tar");
    assert_eq!((status, kind.as_str()), (200, "application/x-tar"), "{}", String::from_utf8_lossy(&body));
    let mut files = Vec::new();
    for entry in tar::Archive::new(&body[..]).entries().expect("a tar") {
        let mut entry = entry.expect("an entry");
        let name = entry.path().expect("a name").display().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read the entry");
        files.push((name, bytes));
    }
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn the_help_desk_applies_for_a_postal_code_and_the_customer_resets_with_the_letter() {
    let demo = Demo::start();
    let mut ja = Findings::new(Ja);
    let mut en = Findings::new(En);
    let mut hd = Member::enrol(&demo, "hd.test", "helpdesk", "Hanako Desk");
    let mut po = Member::enrol(&demo, "po.test", "postal_operator", "Jiro Post");

    // The operator signs in first, so that the wait for the help desk's fresh code covers the
    // operator's too.
    let ob = Browser::start(&demo, Options::default()).await;
    sign_in(&ob, &mut po, None).await;
    assert_eq!(ob.path().await, "/staff/batches", "a postal operator's console opens on the batches");

    // The help desk: sign-in, the first new password, the search.
    let b = Browser::start(&demo, Options::default()).await;
    b.goto("/staff/").await;
    ja.check(&b, "console-sign-in").await;
    sign_in(&b, &mut hd, Some(&mut ja)).await;
    assert_eq!(b.path().await, "/staff/accounts", "the help desk's console opens on the search");
    assert_eq!(b.h1().await, t(Ja, "staff-search-title", &[]));
    ja.check(&b, "console-search").await;

    // 246813579 moved ten days ago: the reason in words, and no way to apply.
    open_account(&b, "246813579").await;
    let at = time::OffsetDateTime::now_utc();
    let reasons = b.texts("#postal-reasons li").await;
    assert!(
        reasons == [moved_reason(Ja, at)] || reasons == [moved_reason(Ja, at - time::Duration::minutes(2))],
        "the reason in words: {reasons:?}"
    );
    assert!(!b.exists("a[href=\"/staff/accounts/246813579/postal\"]").await, "no postal application offered");
    ja.check(&b, "console-account-ineligible").await;
    b.goto("/staff/accounts/246813579?lang=en").await;
    assert_eq!(b.texts("#postal-reasons li").await.len(), 1);
    assert!(b.text("#postal-reasons li").await.starts_with("The address changed on "), "in English too");
    en.check(&b, "console-account-ineligible").await;
    b.goto("/staff/accounts?lang=ja").await;

    // 123456789: eligible; the application with identity checks, a reason and a fresh code.
    open_account(&b, TARO.login_id).await;
    assert_eq!(b.texts("#h-elig ~ p.ok").await.len(), 2, "eligible for a voice and a postal code");
    ja.check(&b, "console-account").await;
    b.click("a.button[href=\"/staff/accounts/123456789/postal\"]").await;
    assert_eq!(b.h1().await, t(Ja, "staff-postal-title", &[]));
    assert!(b.text("p.address").await.contains("東京都千代田区千代田1-1-1"), "{}", b.text("p.address").await);
    ja.check(&b, "console-postal").await;
    b.find("#check-birth-date").await.click().await.expect("tick the birth date");
    b.find("#check-address").await.click().await.expect("tick the address");
    b.fill("reason", "キャッシュカードを紛失、電話で本人確認").await;
    let waited = std::time::Instant::now();
    let code = hd.fresh_code().await;
    eprintln!("waited {:?} for the help desk's next TOTP step", waited.elapsed());
    b.fill("totp", &code).await;
    submit_form(&b, "/staff/accounts/123456789/postal").await;
    assert_eq!(b.path().await, "/staff/accounts/123456789/postal/L00000001", "{}", b.text("main").await);
    assert_eq!(b.h1().await, t(Ja, "staff-applied-title", &[]));
    let arrives = b.text("dl.facts dd:nth-of-type(2)").await;
    assert_eq!(b.text("p.say").await, t(Ja, "staff-applied-say", &[("arrives", Arg::Text(arrives))]));
    assert!(b.text("p.say").await.contains("約1週間後"), "the letter arrives in about a week");
    let expires = b.text("dd.expires").await;
    ja.check(&b, "console-applied").await;

    // The operator: one letter waits; close the batch, then export it with a fresh code.
    ob.goto("/staff/batches").await;
    assert_eq!(ob.text("p.queued").await, t(Ja, "staff-batches-queued", &[("letters", Arg::from(1_i64))]));
    submit_form(&ob, "/staff/batches/close").await;
    assert_eq!(ob.text("[role=status]").await, t(Ja, "staff-notice-batch-closed", &[("letters", Arg::from(1_i64))]));
    ja.check(&ob, "console-batches").await;
    ob.goto("/staff/batches?lang=en").await;
    en.check(&ob, "console-batches").await;
    ob.goto("/staff/batches?lang=ja").await;
    let code = po.fresh_code().await;
    let files = export_batch(&demo, &ob, &code).await;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["L00000001.pdf", "manifest.csv"], "the letter, then the manifest");
    ob.goto("/staff/batches").await;
    assert!(!ob.exists("form.export").await, "an exported batch cannot be exported again");
    ja.check(&ob, "console-batches-exported").await;
    ob.quit().await;

    // The letter: the address block, the code in 4-4-2 groups, its expiry; fonts embedded as subsets.
    let dir = tempfile::tempdir().expect("a folder");
    let pdf = dir.path().join("L00000001.pdf");
    std::fs::write(&pdf, &files[0].1).expect("write the letter");
    let text = poppler("pdftotext", &["-layout"], &pdf);
    for expected in ["〒100-0001", "東京都千代田区千代田1-1-1", "転送不要", "親展"] {
        assert!(text.contains(expected), "{expected:?} is not in the letter:\n{text}");
    }
    assert!(text.contains("Koku Taro 様"), "the name and 様:\n{text}");
    assert!(text.contains(&expires), "the expiry the console showed ({expires}) is printed:\n{text}");
    let letter_code = printed_code(&text).unwrap_or_else(|| panic!("no code in 4-4-2 groups:\n{text}"));
    let fonts = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 3], ["yes", "yes"], "embedded, as a subset: {row}");
    }

    // An admin enrols a member in the console.
    b.click("form[action=\"/staff/sign-out\"] button[type=\"submit\"]").await;
    let mut admin = Member::enrol(&demo, "ad.test", "admin", "Akiko Admin");
    sign_in(&b, &mut admin, None).await;
    b.goto("/staff/members").await;
    assert_eq!(b.h1().await, t(Ja, "staff-members-title", &[]));
    ja.check(&b, "console-members").await;
    b.fill("login", "hd.second").await;
    b.fill("name", "Saburo Desk").await;
    submit_form(&b, "/staff/members").await;
    assert_eq!(b.h1().await, t(Ja, "staff-enrolment-title", &[("login", Arg::from("hd.second"))]));
    assert!(b.text("code.otpauth").await.starts_with("otpauth://totp/"), "{}", b.text("main").await);
    ja.check(&b, "console-enrolment").await;
    b.quit().await;

    // The customer: the voice reset page refuses the letter's code; the postal one takes it.
    let c = Browser::start(&demo, Options::default()).await;
    c.goto("/reset/voice").await;
    enter_code(&c, TARO.login_id, &letter_code).await;
    assert_eq!(c.status().await, 400, "a postal code is no voice code");
    assert_eq!(c.texts(".error-summary li").await, vec![t(Ja, "error-invalid-code", &[("max", Arg::from(6_i64))])]);
    assert!(!c.exists("fieldset.credential").await);
    c.goto("/reset/postal").await;
    assert_eq!(c.h1().await, t(Ja, "reset-title-postal", &[]));
    enter_code(&c, TARO.login_id, &letter_code).await;
    assert!(c.exists("fieldset.credential").await, "step 2: {}", c.text("main").await);
    set_credentials(&c, &[("login_password", CUSTOMER_PASSWORD, CUSTOMER_PASSWORD)]).await;
    assert_eq!(c.path().await, "/reset/postal/done");
    assert_eq!(c.text("[role=status]").await, t(Ja, "reset-done-body", &[]), "usable immediately");
    c.quit().await;
    let token = demo.integrator_token();
    assert!(demo.verifies(&token, TARO.login_id, "login_password", CUSTOMER_PASSWORD).await, "the new password works");
    assert!(!demo.verifies(&token, TARO.login_id, "login_password", TARO.login_password).await, "the old one not");

    let problems: Vec<String> = ja.problems.into_iter().chain(en.problems).collect();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
