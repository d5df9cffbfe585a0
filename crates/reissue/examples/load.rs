//! A small loopback load generator for `scripts/bench`: drives one scenario against a running
//! server and prints one JSON line with throughput, latency percentiles and the server's peak
//! memory.
//!
//! `load --url URL --scenario wrong_code|verify_password|voice_application|page_view|page_wrong_code --accounts N
//!       [--connections 64] [--seconds 10] [--token T] [--password P] [--pid PID] [--phc PHC]`
#![allow(clippy::disallowed_methods)] // A load generator times requests with the wall clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

struct Args {
    url: String,
    scenario: String,
    accounts: u64,
    connections: usize,
    seconds: u64,
    token: String,
    password: String,
    pid: Option<u32>,
    phc: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        url: String::new(),
        scenario: String::new(),
        accounts: 100_000,
        connections: 64,
        seconds: 10,
        token: String::new(),
        password: String::new(),
        pid: None,
        phc: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().ok_or_else(|| format!("{k} needs a value"))?;
        match k.as_str() {
            "--url" => a.url = v,
            "--scenario" => a.scenario = v,
            "--accounts" => a.accounts = v.parse().map_err(|_| "--accounts: a number")?,
            "--connections" => a.connections = v.parse().map_err(|_| "--connections: a number")?,
            "--seconds" => a.seconds = v.parse().map_err(|_| "--seconds: a number")?,
            "--token" => a.token = v,
            "--password" => a.password = v,
            "--pid" => a.pid = Some(v.parse().map_err(|_| "--pid: a number")?),
            "--phc" => a.phc = Some(v),
            _ => return Err(format!("unknown option {k}")),
        }
    }
    if a.url.is_empty() || a.scenario.is_empty() {
        return Err("--url and --scenario are required".into());
    }
    Ok(a)
}

/// Peak resident memory of a process, in MiB (VmHWM).
fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}

/// How many Argon2 verifications of `phc` the machine's cores do per second: the ceiling for
/// the verify scenario, measured in the same run.
fn hashing_ceiling(phc: &str, password: &str, seconds: u64) -> f64 {
    use reissue_core::hashing::{Argon2Cost, SecretHasher};
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let (done, stop, phc, pw) = (done.clone(), stop.clone(), phc.to_owned(), password.to_owned());
            std::thread::spawn(move || {
                // The pepper changes the result, not the cost.
                let h = SecretHasher::new(vec![7; 32], Argon2Cost::default()).expect("hasher");
                let pw = secrecy::SecretString::from(pw);
                while !stop.load(Ordering::Relaxed) {
                    let _ = h.verify(&pw, &phc);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    (sorted[i] as f64 / 1000.0 * 100.0).round() / 100.0
}

/// The form cookie and the form token a page gives a new browser.
async fn form_of(client: &reqwest::Client, url: &str) -> Option<(String, String)> {
    let r = client.get(url).send().await.ok()?;
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("reissue-form="))?
        .split(';')
        .next()?
        .to_owned();
    let body = r.text().await.ok()?;
    let at = body.find(r#"name="csrf" value=""#)? + r#"name="csrf" value=""#.len();
    let token = body[at..].split('"').next()?.to_owned();
    Some((cookie, token))
}

#[tokio::main]
async fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().pool_max_idle_per_host(a.connections).build().expect("client");
    let a = Arc::new(a);
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..a.connections {
        let (client, a, errors) = (client.clone(), a.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ (c as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            let mut next = move || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            // The page scenarios post as a browser does: with the form cookie and token the
            // page gave this connection.
            let (cookie, token) = if a.scenario == "page_wrong_code" {
                match form_of(&client, &format!("{}/reset/voice", a.url)).await {
                    Some(f) => f,
                    None => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        return Vec::new();
                    }
                }
            } else {
                (String::new(), String::new())
            };
            while Instant::now() < deadline {
                let login = format!("{}", 100_000_001 + next() % a.accounts);
                let code = format!("{:010}", next() % 10_000_000_000);
                let (req, expect) = match a.scenario.as_str() {
                    "page_view" => (client.get(format!("{}/voice-application", a.url)), 200),
                    "page_wrong_code" => {
                        let form = [("csrf", token.as_str()), ("step", "code"), ("login_id", &login), ("code", &code)];
                        let post = client
                            .post(format!("{}/reset/voice", a.url))
                            .header("cookie", &cookie)
                            .header("origin", &a.url)
                            .form(&form);
                        (post, 400)
                    }
                    "wrong_code" => (
                        client
                            .post(format!("{}/api/v1/resets", a.url))
                            .json(&json!({"channel": "voice", "login_id": login, "code": code})),
                        400,
                    ),
                    "verify_password" => (
                        client
                            .post(format!("{}/api/v1/credentials/verify", a.url))
                            .json(&json!({"login_id": login, "credential": "login_password", "secret": a.password})),
                        200,
                    ),
                    _ => (
                        client
                            .post(format!("{}/api/v1/voice-applications", a.url))
                            .json(&json!({"login_id": login, "birth_date": "1980-01-01"})),
                        202,
                    ),
                };
                let req = if a.token.is_empty() { req } else { req.bearer_auth(&a.token) };
                let t = Instant::now();
                let ok = match req.send().await {
                    Ok(r) => {
                        let s = r.status().as_u16();
                        let _ = r.bytes().await;
                        s == expect
                    }
                    Err(_) => false,
                };
                lat.push(t.elapsed().as_micros() as u64);
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let mut line = json!({
        "scenario": a.scenario,
        "requests": all.len(),
        "rps": (all.len() as f64 / elapsed).round(),
        "p50_ms": percentile(&all, 0.50),
        "p99_ms": percentile(&all, 0.99),
        "errors": errors.load(Ordering::Relaxed),
        "rss_mb": a.pid.and_then(peak_rss_mb),
    });
    if let Some(phc) = &a.phc {
        line["ceiling_rps"] = json!(hashing_ceiling(phc, &a.password, 5).round());
    }
    println!("{line}");
}
