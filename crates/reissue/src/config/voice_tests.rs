//! The `[voice]` settings (the call's time limit, the public URL Twilio calls back on) and the
//! public URL the pages live under.

use super::*;

const TWILIO: &str = "[voice]\nprovider = \"twilio\"\n[voice.twilio]\naccount_sid = \"AC0\"\nauth_token = \"t\"\nfrom = \"+815012345678\"\n";

fn load_with(toml: &str) -> Result<Config, String> {
    let mut out = None;
    figment::Jail::expect_with(|jail| {
        jail.create_file("r.toml", toml)?;
        out = Some(load(Some(Path::new("r.toml"))));
        Ok(())
    });
    out.unwrap()
}

#[test]
fn a_call_lasts_at_most_five_minutes_unless_configured() {
    assert_eq!(load_with("").unwrap().voice.max_call_secs, 300);
    assert_eq!(load_with("[voice]\nmax_call_secs = 120\n").unwrap().voice.max_call_secs, 120);
    for bad in ["0", "14401"] {
        let err = load_with(&format!("[voice]\nmax_call_secs = {bad}\n")).unwrap_err();
        assert!(err.contains("voice.max_call_secs"), "{err}");
    }
}

#[test]
fn twilio_with_a_public_url_that_is_not_https_is_refused_naming_the_setting() {
    for url in ["http://recovery.bank.example", "http://10.0.0.5:8080", "ftp://recovery.bank.example", "not a url"] {
        let err = load_with(&format!("[server]\npublic_url = \"{url}\"\n{TWILIO}")).unwrap_err();
        assert!(err.contains("server.public_url") && err.contains("https"), "{url}: {err}");
    }
    // Without public_url the server's own address stands in; 0.0.0.0 is not loopback.
    let err = load_with(&format!("[server]\nlisten = \"0.0.0.0:8080\"\n{TWILIO}")).unwrap_err();
    assert!(err.contains("server.public_url"), "{err}");
}

#[test]
fn twilio_accepts_https_and_loopback_public_urls() {
    for url in ["https://recovery.bank.example", "http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:8080"]
    {
        load_with(&format!("[server]\npublic_url = \"{url}\"\n{TWILIO}")).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    // The simulator rings nowhere: any URL will do.
    load_with("[server]\npublic_url = \"http://recovery.bank.example\"\n").unwrap();
}

#[test]
fn a_public_url_with_a_path_is_refused_because_the_pages_live_at_the_root() {
    for url in ["https://bank.example/reset", "https://bank.example/?x=1"] {
        let err = load_with(&format!("[server]\npublic_url = \"{url}\"\n")).unwrap_err();
        assert!(err.contains("server.public_url") && err.contains("without a path"), "{url}: {err}");
    }
    for url in ["https://reset.bank.example", "https://reset.bank.example/", "http://127.0.0.1:8080"] {
        assert!(load_with(&format!("[server]\npublic_url = \"{url}\"\n")).is_ok(), "{url}");
    }
    let plain = load_with("[server]\npublic_url = \"http://reset.bank.example\"\n").unwrap();
    assert!(public_url_is_weak(&plain), "plain http off loopback is weak");
    assert!(!public_url_is_weak(&load_with("").unwrap()), "the loopback default is not");
}
