//! `reissue serve` started with settings from the environment (`REISSUE__SECTION__KEY`, as a
//! person re-branding the demo would run it) and its standard output kept: the theme and the
//! demo banner are read from outside, as the harness's `Server` cannot.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reissue_testkit::free_port;

/// A running server, killed when dropped.
pub struct Launched {
    child: Child,
    pub base: String,
    stdout: Arc<Mutex<Vec<String>>>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// A configuration file in `dir` for a server on `port` with its data in `dir`.
fn config(dir: &Path, port: u16) -> PathBuf {
    let path = dir.join("reissue.toml");
    std::fs::write(
        &path,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{d}\"\n\n[database]\nurl = \"sqlite://{d}/reissue.db\"\n\n\
             [limits]\nip_requests_per_minute = 100000\n\n[log]\nlevel = \"info\"\n",
            d = dir.display()
        ),
    )
    .expect("config");
    path
}

fn command(config: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_reissue"));
    c.arg("--config").arg(config).args(args).env_remove("RUST_LOG");
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

impl Launched {
    /// Starts `reissue <args>` and waits until it listens.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let config = config(dir.path(), port);
        let log = dir.path().join("server.log");
        let logf = std::fs::File::create(&log).expect("log file");
        let mut child = command(&config, args, env).stdout(Stdio::piped()).stderr(logf).spawn().expect("start reissue");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let lines = stdout.clone();
        let out = child.stdout.take().expect("stdout");
        // Read everything it prints for as long as it runs.
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let me = Self { child, base: format!("http://127.0.0.1:{port}"), stdout, log, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return me;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("server did not start; log:\n{}", std::fs::read_to_string(&me.log).unwrap_or_default());
    }

    /// What it printed on its standard output so far, waiting up to ten seconds for `lines` lines.
    pub fn printed(&self, lines: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let out = self.stdout.lock().unwrap().clone();
            if out.len() >= lines || Instant::now() > deadline {
                return out;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `reissue <args>`, which must stop on its own with a failure; returns what it said on
/// its standard error.
pub fn fails(args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path(), free_port());
    let mut child =
        command(&config, args, env).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start reissue");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err).expect("stderr");
            assert!(!status.success(), "it started: {err}");
            return err;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("it did not stop");
}

/// A browser on loopback: its cookies, sent back with every request; redirects not followed.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
    pub lang: &'static str,
}

/// An answer: status, `Location`, `Content-Type`, body.
pub struct Got {
    pub status: u16,
    pub location: String,
    pub content_type: String,
    pub body: String,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Self { http, base: base.to_owned(), cookies: Vec::new(), lang: "en" }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Got {
        let cookie = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let mut req = req.header("accept", "text/html,*/*;q=0.8").header("accept-language", self.lang);
        if !cookie.is_empty() {
            req = req.header("cookie", cookie);
        }
        let r = req.send().await.expect("request");
        for v in r.headers().get_all("set-cookie") {
            let pair = v.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            self.cookies.push((k.to_owned(), v.to_owned()));
        }
        let header = |name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let (status, location, content_type) = (r.status().as_u16(), header("location"), header("content-type"));
        Got { status, location, content_type, body: r.text().await.expect("body") }
    }

    pub async fn get(&mut self, path: &str) -> Got {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    /// Posts the form of `page` that posts to `action`, with that form's token.
    pub async fn post(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Got {
        let token = form_token(page, action);
        let mut form: Vec<(&str, &str)> = vec![("csrf", &token)];
        form.extend_from_slice(fields);
        let req = self.http.post(format!("{}{action}", self.base)).header("origin", &self.base).form(&form);
        self.send(req).await
    }
}

/// HTML text as the browser reads it.
pub fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The token of the form on `page` that posts to `action`.
pub fn form_token(page: &str, action: &str) -> String {
    let html = unescape(page);
    let at = html.find(&format!(r#"action="{action}""#)).unwrap_or_else(|| panic!("no form to {action}:\n{html}"));
    let rest = &html[at..];
    let marker = r#"name="csrf" value=""#;
    let v = &rest[rest.find(marker).expect("a token") + marker.len()..];
    v[..v.find('"').unwrap()].to_owned()
}
