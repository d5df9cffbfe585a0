//! The customer's pages in a real Chromium, driven over WebDriver (chromedriver) from Rust:
//! the procedures by pages as a customer walks them, with the demo's simulated phone and
//! mailbox answered through their JSON API, and axe-core on every page at two widths.
//!
//! Chromium, chromedriver and axe-core are installed by `scripts/test-deps`; without them
//! these tests fail saying so. Screenshots go to `target/screenshots/` in the repository.

mod accessibility;
mod counter;
mod csrf;
mod identity;
mod staff;
mod voice;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use reissue_core::account::Language;
use reissue_core::catalogue::{Arg, Catalogue};
use serde_json::{Value, json};

use crate::harness::{Api, Db, Env, Server, free_port};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The repository's `target/` (not `CARGO_TARGET_DIR`): browser-deps and screenshots live there.
fn repo_target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

fn axe_path() -> PathBuf {
    repo_target().join("browser-deps/node_modules/axe-core/axe.min.js")
}

/// Fails, naming the script that installs it, when something the browser tests need is missing.
fn require_deps() {
    let missing: Vec<String> = [PathBuf::from(CHROMIUM), PathBuf::from(CHROMEDRIVER), axe_path()]
        .into_iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    assert!(missing.is_empty(), "the browser tests need {missing:?}: run scripts/test-deps to install them");
}

/// The demo the customer's browser visits: the real binary with `serve --demo` on SQLite.
pub struct Demo {
    pub server: Server,
    pub api: Api,
    _env: Env,
}

/// The demo's accounts (crates/reissue/src/main.rs).
pub struct Customer {
    pub login_id: &'static str,
    pub birth: (&'static str, &'static str, &'static str),
    pub cash_card_pin: &'static str,
    pub email: &'static str,
    pub login_password: &'static str,
    pub telephone_pin: &'static str,
}

pub const TARO: Customer = Customer {
    login_id: "123456789",
    birth: ("1980", "4", "1"),
    cash_card_pin: "4826",
    email: "taro@example.jp",
    login_password: "sakura blossom 2024",
    telephone_pin: "3917",
};

pub const EMILY: Customer = Customer {
    login_id: "987654321",
    birth: ("1975", "11", "30"),
    cash_card_pin: "7351",
    email: "emily@example.com",
    login_password: "lantern harbour mist",
    telephone_pin: "5190",
};

impl Demo {
    pub fn start() -> Self {
        require_deps();
        let env = Env::new(Db::Sqlite);
        let server = env.server(true, "[rules]\nuniform_response_ms = 50\n");
        let api = Api::new(&server.base);
        Self { server, api, _env: env }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    /// Answers the newest call (the `count`th placed) and keys the PIN: the spoken code.
    pub async fn answer_call(&self, count: usize, pin: &str) -> String {
        let sid = self.api.wait_for_call(count).await;
        self.api.call_and_get_code(&sid, pin).await
    }

    /// The first message to `to` whose body contains `needle`, waiting up to ten seconds.
    pub async fn mail(&self, to: &str, needle: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .api
                .mailbox()
                .await
                .into_iter()
                .find(|m| m["to"].as_str() == Some(to) && m["body"].as_str().is_some_and(|b| b.contains(needle)));
            if let Some(m) = found {
                return m;
            }
            assert!(Instant::now() < deadline, "no mail to {to} with {needle:?}: {:?}", self.api.mailbox().await);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A token with the integrator role, made with `reissue token create`.
    pub fn integrator_token(&self) -> String {
        let (ok, out, err) = self.server.cli(&["token", "create", "--role", "integrator", "--name", "browser"], "");
        assert!(ok, "token create: {err}");
        out.trim().to_owned()
    }

    /// Whether `secret` is `login_id`'s `credential` now, by the integrators' API.
    pub async fn verifies(&self, token: &str, login_id: &str, credential: &str, secret: &str) -> bool {
        let body = json!({"login_id": login_id, "credential": credential, "secret": secret});
        let (s, v) = self.api.post_auth("/api/v1/credentials/verify", token, body).await;
        assert!(s == 200 || s == 401, "verify answered {s}: {v}");
        s == 200
    }
}

/// A text of the catalogue, as the pages show it.
pub fn t(lang: Language, key: &str, args: &[(&str, Arg)]) -> String {
    thread_local!(static CATALOGUE: Catalogue = Catalogue::builtin());
    CATALOGUE.with(|c| c.text(lang, key, args))
}

/// How a browser is started.
#[derive(Clone, Copy)]
pub struct Options {
    pub javascript: bool,
    /// The browser's `Accept-Language`.
    pub accept_language: &'static str,
}

impl Default for Options {
    fn default() -> Self {
        Self { javascript: true, accept_language: "ja" }
    }
}

/// A chromedriver with its own process group (so that dropping it ends the Chromium it
/// started too) and a fresh Chromium profile.
struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group's ID is chromedriver's own process ID (process_group(0)).
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

/// A command of the Chrome DevTools Protocol, through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"cmd": self.cmd, "params": self.params}).to_string()))
    }
}

/// A window size: desktop or phone.
#[derive(Clone, Copy, Debug)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
    pub mobile: bool,
}

pub const DESKTOP: Viewport = Viewport { width: 1280, height: 900, mobile: false };
pub const PHONE: Viewport = Viewport { width: 375, height: 812, mobile: true };

/// One Chromium session.
pub struct Browser {
    pub client: Client,
    base: String,
    _driver: Driver,
}

impl Browser {
    pub async fn start(demo: &Demo, o: Options) -> Self {
        require_deps();
        let port = free_port();
        let profile = tempfile::tempdir().expect("profile dir");
        let log = profile.path().join("chromedriver.log");
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}")).arg(format!("--log-path={}", log.display()));
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let child = cmd.spawn().expect("start chromedriver (scripts/test-deps installs it)");
        let driver = Driver { child, _profile: profile };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen on {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-features=Translate,OptimizationHints,MediaRouter",
            "--window-size=1280,900",
        ]
        .map(str::to_owned)
        .to_vec();
        args.push(format!("--user-data-dir={}", driver._profile.path().join("chromium").display()));
        args.push(format!("--lang={}", o.accept_language));
        let mut prefs = json!({"intl.accept_languages": o.accept_language});
        if !o.javascript {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args, "prefs": prefs},
        });
        let caps = caps.as_object().cloned().expect("an object");
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "no Chromium session: {e}; chromedriver log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            });
        Self { client, base: demo.server.base.clone(), _driver: driver }
    }

    /// Ends the session (Chromium exits); dropping without it kills both.
    pub async fn quit(self) {
        let _ = self.client.clone().close().await;
    }

    async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        let v = self.client.issue_cmd(Cdp { cmd, params }).await.unwrap_or_else(|e| panic!("{cmd}: {e}"));
        v.get("value").cloned().unwrap_or(v)
    }

    pub async fn goto(&self, path: &str) {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) };
        self.client.goto(&url).await.unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    pub async fn path(&self) -> String {
        let u = self.client.current_url().await.expect("current url");
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        }
    }

    /// Types into the field named `name`, replacing what it held.
    pub async fn fill(&self, name: &str, value: &str) {
        let input = self.find(&format!("[name=\"{name}\"]")).await;
        input.clear().await.unwrap_or_else(|e| panic!("clear {name}: {e}"));
        if !value.is_empty() {
            input.send_keys(value).await.unwrap_or_else(|e| panic!("type into {name}: {e}"));
        }
    }

    /// Presses the form's submit button and waits for the next page.
    pub async fn submit(&self) {
        self.click("button[type=\"submit\"]").await;
    }

    /// Clicks the element and waits for the page it opens (the old page's root element goes
    /// stale once the new document replaced it).
    pub async fn click(&self, css: &str) {
        let old = self.find("html").await;
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while old.tag_name().await.is_ok() {
            assert!(Instant::now() < deadline, "clicking {css} on {} opened no page", self.path().await);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.client.wait().for_element(Locator::Css("body")).await.expect("a page");
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => panic!("no {css} on {}: {e}\n{}", self.path().await, self.text("body").await),
        }
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self.client.find_all(Locator::Css(css)).await.expect("find").is_empty()
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.expect("text"),
            Err(_) => String::new(),
        }
    }

    /// The texts of every element matching `css`.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.client.find_all(Locator::Css(css)).await.expect("find") {
            out.push(e.text().await.expect("text"));
        }
        out
    }

    pub async fn h1(&self) -> String {
        self.text("h1").await
    }

    /// The HTTP status the current page came with (the Navigation Timing entry).
    pub async fn status(&self) -> u64 {
        let v = self
            .client
            .execute("return performance.getEntriesByType('navigation')[0].responseStatus;", vec![])
            .await
            .expect("navigation status");
        v.as_u64().unwrap_or_else(|| panic!("no status: {v}"))
    }

    /// The document's language (`<html lang>`).
    pub async fn lang(&self) -> String {
        self.find("html").await.attr("lang").await.expect("lang").unwrap_or_default()
    }

    /// Sets the viewport (device metrics emulation, no scroll bars), for what follows on this tab.
    pub async fn viewport(&self, v: Viewport) {
        self.cdp("Emulation.setScrollbarsHidden", json!({"hidden": true})).await;
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": v.width, "height": v.height, "deviceScaleFactor": 1, "mobile": v.mobile}),
        )
        .await;
    }

    /// A PNG of the whole page (beyond the viewport), written to `path`.
    pub async fn screenshot(&self, path: &Path) {
        let size = self
            .client
            .execute("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight];", vec![])
            .await
            .expect("page size");
        let (w, h) = (size[0].as_f64().unwrap_or(1280.0), size[1].as_f64().unwrap_or(900.0));
        let v = self
            .cdp(
                "Page.captureScreenshot",
                json!({"format": "png", "captureBeyondViewport": true,
                       "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}}),
            )
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v["data"].as_str().expect("screenshot data"))
            .expect("base64 PNG");
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("screenshot folder");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// The page's horizontal overflow in pixels: how much wider the content is than `vp`
    /// (not than `innerWidth`, which a phone's emulation widens to fit the content).
    pub async fn overflow_x(&self, vp: Viewport) -> i64 {
        let v = self.client.execute("return document.documentElement.scrollWidth;", vec![]).await.expect("overflow");
        v.as_i64().unwrap_or(0) - i64::from(vp.width)
    }

    /// The elements that reach beyond `width` pixels (those whose parent does not already),
    /// each as `tag#id.class`: what makes a page too wide.
    pub async fn too_wide(&self, width: u32) -> Vec<String> {
        let script = r#"
            const w = arguments[0], out = [];
            const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '');
            for (const e of document.querySelectorAll('body *')) {
              const p = e.parentElement;
              if (e.getBoundingClientRect().right > w + 0.5 && !(p && p !== document.body && p.getBoundingClientRect().right > w + 0.5))
                out.push(name(e) + ' in ' + (p ? name(p) : '-'));
            }
            return out;
        "#;
        let v = self.client.execute(script, vec![json!(width)]).await.expect("too wide");
        v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    }

    /// axe-core's violations on the current page for the WCAG 2.2 AA rules, one line each.
    pub async fn axe(&self) -> Vec<String> {
        let has = self.client.execute("return typeof window.axe === 'object';", vec![]).await.expect("axe?");
        if has != json!(true) {
            let source = std::fs::read_to_string(axe_path()).expect("axe.min.js (scripts/test-deps)");
            self.client.execute(&source, vec![]).await.expect("inject axe-core");
        }
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
              .then(r => done({passes: r.passes.length, violations: r.violations.map(v => v.id + ' (' + v.impact + '): ' +
                    v.help + ' at ' + v.nodes.map(n => n.target.join(' ') + ' ' +
                    (n.failureSummary || '').replace(/\s+/g, ' ')).join(' | '))}))
              .catch(e => done({passes: 0, violations: ['axe failed: ' + e]}));
        "#;
        let v = self.client.execute_async(script, vec![]).await.expect("axe.run");
        let violations: Vec<String> = v["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .map(|s| s.as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(v["passes"].as_u64().unwrap_or(0) > 0 || !violations.is_empty(), "axe checked nothing: {v}");
        violations
    }

    /// Replaces the value of the form's hidden token, as a forger would.
    pub async fn tamper_token(&self) {
        self.client
            .execute("document.querySelector('input[name=csrf]').value = 'forged' + Date.now();", vec![])
            .await
            .expect("tamper");
    }

    /// The names of the cookies the browser holds for this site.
    pub async fn cookie_names(&self) -> Vec<String> {
        self.client.get_all_cookies().await.expect("cookies").iter().map(|c| c.name().to_owned()).collect()
    }
}

/// Full-width digits for ASCII ones (what a Japanese keyboard in full-width mode types).
pub fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c) } else { c })
        .collect()
}

/// Fills the voice application and sends it.
pub async fn apply_for_voice_code(b: &Browser, who: &Customer) {
    b.fill("login_id", who.login_id).await;
    b.fill("birth_year", who.birth.0).await;
    b.fill("birth_month", who.birth.1).await;
    b.fill("birth_day", who.birth.2).await;
    b.submit().await;
}

/// Enters a login ID and a code on a reset page's first step.
pub async fn enter_code(b: &Browser, login_id: &str, code: &str) {
    b.fill("login_id", login_id).await;
    b.fill("code", code).await;
    b.submit().await;
}

/// Fills step 2: each credential's new secret and its confirmation.
pub async fn set_credentials(b: &Browser, new: &[(&str, &str, &str)]) {
    for (name, secret, confirm) in new {
        b.fill(name, secret).await;
        b.fill(&format!("{name}_confirm"), confirm).await;
    }
    b.submit().await;
}
