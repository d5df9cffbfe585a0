//! Test harness: the real `reissue` binary on a free loopback port with its own data
//! directory, and a throwaway PostgreSQL cluster started from the machine's binaries.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use reissue_testkit::{Postgres, free_port};

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A running `reissue serve`, killed when dropped.
#[allow(dead_code)]
pub struct Server {
    child: Option<Child>,
    pub base: String,
    pub data_dir: PathBuf,
    pub db_url: String,
    pub log: PathBuf,
    pub admin_token: String,
    pub config: PathBuf,
    args: Vec<String>,
    starts: u32,
}

pub struct ServerOptions {
    pub db_url: String,
    pub data_dir: PathBuf,
    pub extra_toml: String,
    pub demo: bool,
}

impl Server {
    pub fn start(o: ServerOptions) -> Self {
        let port = free_port();
        std::fs::create_dir_all(&o.data_dir).expect("data dir");
        let config = o.data_dir.join(format!("reissue-{port}.toml"));
        let admin_token = "test-admin-token-0123456789abcdef".to_owned();
        std::fs::write(
            &config,
            format!(
                "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{dir}\"\n\n[database]\nurl = \"{db}\"\n\n\
                 [admin]\ntoken = \"{admin_token}\"\n\n{limits}\
                 [log]\nlevel = \"debug,sqlx=debug,hyper=info,h2=info\"\n\n{extra}",
                dir = o.data_dir.display(),
                db = o.db_url,
                // Tests send many requests from one address; a test about the limit sets its own.
                limits = if o.extra_toml.contains("[limits]") {
                    ""
                } else {
                    "[limits]\nip_requests_per_minute = 100000\n\n"
                },
                extra = o.extra_toml
            ),
        )
        .expect("config");
        let log = o.data_dir.join(format!("server-{port}.log"));
        let mut args = vec!["--config".to_owned(), config.to_string_lossy().into_owned(), "serve".to_owned()];
        if o.demo {
            args.push("--demo".into());
        }
        let mut s = Self {
            child: None,
            base: format!("http://127.0.0.1:{port}"),
            data_dir: o.data_dir,
            db_url: o.db_url,
            log,
            admin_token,
            config,
            args,
            starts: 0,
        };
        s.spawn();
        s
    }

    fn spawn(&mut self) {
        self.starts += 1;
        let logf = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_reissue"))
            .args(&self.args)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(logf)
            .spawn()
            .expect("start reissue");
        self.child = Some(child);
        self.wait_ready();
    }

    /// Starts the server again after `kill`, on the same port with the same configuration.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Runs a `reissue` command with this server's configuration.
    pub fn cli(&self, args: &[&str], stdin: &str) -> (bool, String, String) {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_reissue"))
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run reissue");
        child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
        let out = child.wait_with_output().expect("reissue output");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(self.base.trim_start_matches("http://")).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("server did not start; log:\n{}", std::fs::read_to_string(&self.log).unwrap_or_default());
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A database and a data directory for one test.
#[allow(dead_code)]
pub struct Env {
    pub dir: tempfile::TempDir,
    pub pg: Option<Postgres>,
    pub db_url: String,
}

impl Env {
    pub fn new(db: Db) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (pg, db_url) = match db {
            Db::Sqlite => (None, format!("sqlite://{}/reissue.db", dir.path().display())),
            Db::Postgres => {
                let pg = Postgres::start();
                let url = pg.url.clone();
                (Some(pg), url)
            }
        };
        Self { dir, pg, db_url }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn server(&self, demo: bool, extra_toml: &str) -> Server {
        Server::start(ServerOptions {
            db_url: self.db_url.clone(),
            data_dir: self.data_dir().to_path_buf(),
            extra_toml: extra_toml.to_owned(),
            demo,
        })
    }
}

/// A small JSON client for the API.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    pub fn new(base: &str) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self { http: reqwest::Client::new(), base: base.to_owned() }
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self.http.post(format!("{}{path}", self.base)).json(&body).send().await.expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.http.get(format!("{}{path}", self.base)).send().await.expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    #[allow(dead_code)]
    pub async fn get_auth(&self, path: &str, token: &str) -> (u16, serde_json::Value) {
        let r = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Waits until the outbox worker has placed a call, and returns the newest call's sid.
    pub async fn wait_for_call(&self, count: usize) -> String {
        for _ in 0..200 {
            let (_, v) = self.get("/demo/calls").await;
            let calls = v["calls"].as_array().cloned().unwrap_or_default();
            if calls.len() >= count {
                return calls.last().and_then(|c| c["sid"].as_str()).expect("sid").to_owned();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no call was placed");
    }

    /// Walks a demo call: answer, key the PIN, and return the spoken code.
    #[allow(dead_code)]
    pub async fn call_and_get_code(&self, sid: &str, pin: &str) -> String {
        let (s, _) = self.post(&format!("/demo/calls/{sid}/answer"), serde_json::json!({})).await;
        assert_eq!(s, 200);
        let (s, v) =
            self.post(&format!("/demo/calls/{sid}/keys"), serde_json::json!({ "keys": format!("{pin}#") })).await;
        assert_eq!(s, 200, "{v}");
        v["transcript"]
            .as_array()
            .and_then(|t| t.iter().filter_map(|s| s["digits"].as_str()).find(|d| !d.is_empty()))
            .unwrap_or_else(|| panic!("no code spoken: {v}"))
            .to_owned()
    }

    pub async fn mailbox(&self) -> Vec<serde_json::Value> {
        let (_, v) = self.get("/demo/mailbox").await;
        v["messages"].as_array().cloned().unwrap_or_default()
    }
}

/// What a webhook receiver got: each request's headers and body.
pub type Received = std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, Vec<u8>)>>>;

/// An HTTP receiver on loopback standing for the institution's webhook endpoint; returns its
/// URL and what it receives.
#[allow(dead_code)]
pub async fn webhook_sink() -> (String, Received) {
    let received: Received = Default::default();
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body.to_vec()));
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (hook, received)
}

/// The first request the webhook receiver got, waiting up to five seconds for it.
#[allow(dead_code)]
pub async fn first_webhook(received: &Received) -> (axum::http::HeaderMap, Vec<u8>) {
    for _ in 0..100 {
        if let Some(first) = received.lock().unwrap().first().cloned() {
            return first;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no webhook arrived");
}
