//! `reissue card` end to end. Without PC/SC: the software card's `init` and the plain
//! refusal of a build without the `pcsc` feature. With `--features pcsc`: the real stack,
//! i.e. a private pcscd with the vsmartcard vpcd driver, the software card behind it
//! (`reissue card emulate`), OpenSC's `pkcs15-tool`, and `reissue card status` /
//! `change-pin` through libpcsclite.
//!
//! The PC/SC tests never touch a pcscd that is already running: each starts its own,
//! socket-activated on a socket in its own temporary directory (clients find it through
//! `PCSCLITE_CSOCK_NAME`), with its own reader.conf.d whose vpcd uses a free port pair. So
//! neither a system pcscd nor a parallel test run can collide with it. They fail, never
//! skip, when pcscd, vpcd or OpenSC are missing: CI installs them
//! (`apt-get install pcscd vsmartcard-vpcd opensc libpcsclite-dev pkg-config`).

use std::path::Path;
use std::process::{Command, Output};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_reissue");

fn reissue(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run reissue")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub(crate) fn init_card(state: &Path) -> Output {
    reissue(&[
        "card",
        "init",
        "--state",
        state.to_str().expect("utf-8 path"),
        "--sign-password",
        "abc123",
        "--auth-pin",
        "1234",
        "--juki-pin",
        "2345",
        "--text-pin",
        "3456",
    ])
}

#[test]
fn card_init_creates_a_software_card_and_refuses_malformed_pins() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("card.json");
    let bad = reissue(&[
        "card",
        "init",
        "--state",
        state.to_str().expect("utf-8 path"),
        "--sign-password",
        "ABCDEF",
        "--auth-pin",
        "1234",
        "--juki-pin",
        "2345",
        "--text-pin",
        "3456",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    assert!(text(&bad.stderr).contains("signature certificate password"));
    assert!(!state.exists());

    let ok = init_card(&state);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let again = init_card(&state);
    assert_eq!(again.status.code(), Some(1), "init must not overwrite a card");
}

/// The card client checks a case token before it calls the server, with its own copy of
/// the rule (the card crate does not depend on core): both must take and refuse the same.
#[test]
fn the_card_client_reads_a_case_token_as_the_server_does() {
    use reissue_card::counter::CaseToken as Client;
    use reissue_core::counter::CaseToken as Server;
    for typed in [
        "K7QM4-XPA2B",
        "k7qm4xpa2b",
        " K7QM4 XPA2B ",
        "oooooiiiii",
        "LLLLL-00000",
        "K7QM4-XPA2",
        "K7QM4-XPA2BC",
        "K7QM4-XPA2U",
        "ＫＱＭ４Ｘ-ＰＡ２Ｂ７",
        "",
        "-----",
        "K7QM4_XPA2B",
    ] {
        let server = Server::parse(typed).map(|t| t.grouped());
        let client = Client::parse(typed).map(|t| t.grouped().to_string());
        assert_eq!(client, server, "{typed:?}");
    }
}

#[cfg(not(feature = "pcsc"))]
#[test]
fn without_pcsc_the_reader_commands_say_so_and_fail() {
    for args in [&["card", "readers"][..], &["card", "status"], &["card", "change-pin", "auth"]] {
        let out = reissue(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(text(&out.stderr).contains("no PC/SC support"), "{args:?}: {}", text(&out.stderr));
    }
}

#[cfg(feature = "pcsc")]
mod pcsc {
    use std::fs;
    use std::io::Write;
    use std::net::TcpListener;
    use std::path::Path;
    use std::process::{Command, Output, Stdio};

    use super::{BIN, init_card, text};

    use crate::pcsc_stack::*;

    /// One PIN as `pkcs15-tool --list-pins` prints it.
    #[derive(Debug, Default)]
    struct ListedPin {
        label: String,
        min_len: Option<u32>,
        max_len: Option<u32>,
        tries_left: Option<u32>,
    }

    fn parse_list_pins(output: &str) -> Vec<ListedPin> {
        let mut pins = Vec::new();
        for line in output.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("PIN [") {
                pins.push(ListedPin { label: rest.trim_end_matches(']').to_owned(), ..ListedPin::default() });
                continue;
            }
            let Some(pin) = pins.last_mut() else { continue };
            let Some((key, value)) = line.split_once(':') else { continue };
            match key.trim() {
                "Length" => {
                    for part in value.split(',') {
                        if let Some((k, v)) = part.split_once(':') {
                            let n = v.trim().parse().ok();
                            match k.trim() {
                                "min_len" => pin.min_len = n,
                                "max_len" => pin.max_len = n,
                                _ => {}
                            }
                        }
                    }
                }
                "Tries left" => pin.tries_left = value.trim().parse().ok(),
                _ => {}
            }
        }
        pins
    }

    fn list_pins(stack: &Stack) -> Vec<ListedPin> {
        let out = stack
            .command("pkcs15-tool")
            .args(["--reader", READER, "--list-pins"])
            .stdin(Stdio::null())
            .output()
            .expect("run pkcs15-tool");
        let stdout = text(&out.stdout);
        assert!(
            out.status.success(),
            "pkcs15-tool failed: {stdout}\n{}\n--- card.log ---\n{}",
            text(&out.stderr),
            stack.log("card.log")
        );
        parse_list_pins(&stdout)
    }

    fn find<'a>(pins: &'a [ListedPin], label: &str) -> &'a ListedPin {
        pins.iter().find(|p| p.label.contains(label)).unwrap_or_else(|| panic!("no {label} in {pins:?}"))
    }

    fn assert_no_pin_shown(out: &Output, secrets: &[&str]) {
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        for secret in secrets {
            assert!(!all.contains(secret), "output shows a PIN: {all}");
        }
    }

    #[test]
    fn opensc_lists_the_jpki_pins_of_the_software_card() {
        let mut stack = Stack::start();
        assert!(init_card(&stack.state).status.success());
        stack.insert_card();

        let pins = list_pins(&stack);
        let auth = find(&pins, "User Authentication PIN");
        assert_eq!((auth.min_len, auth.max_len, auth.tries_left), (Some(4), Some(4), Some(3)), "{pins:?}");
        let sign = find(&pins, "Digital Signature PIN");
        assert_eq!((sign.min_len, sign.max_len, sign.tries_left), (Some(6), Some(16), Some(5)), "{pins:?}");

        // A wrong try through our client shows up in OpenSC too: same card, same counter.
        let out = stack.reissue(&["card", "change-pin", "auth", "--reader", READER], Some("9999\n5678\n5678\n"));
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let pins = list_pins(&stack);
        assert_eq!(find(&pins, "User Authentication PIN").tries_left, Some(2));
    }

    #[test]
    fn reissue_reads_status_changes_pins_and_reports_a_lock_through_pcsc() {
        let mut stack = Stack::start();
        assert!(init_card(&stack.state).status.success());
        stack.insert_card();

        let readers = stack.reissue(&["card", "readers"], None);
        assert!(text(&readers.stdout).lines().any(|l| l == READER), "{}", text(&readers.stdout));

        let status = stack.status_json();
        assert!(
            status.starts_with(r#"{"pins":[{"pin":"auth","tries_left":3,"max_tries":3,"locked":false},{"pin":"sign","tries_left":5,"max_tries":5,"locked":false},{"pin":"juki","tries_left":3,"max_tries":3,"locked":false},{"pin":"text","tries_left":3,"max_tries":3,"locked":false}],"certificates":[{"certificate":"auth","present":true,"#),
            "{status}"
        );
        let table = stack.reissue(&["card", "status"], None);
        assert!(table.status.success(), "{}", text(&table.stderr));
        let table = text(&table.stdout);
        assert!(table.contains(READER) && table.contains("auth") && table.contains("3/3"), "{table}");

        // Change the auth PIN, then change it again with the new one.
        let out = stack.reissue(&["card", "change-pin", "auth", "--reader", READER], Some("1234\n5678\n5678\n"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("changed"), "{}", text(&out.stdout));
        assert_no_pin_shown(&out, &["1234", "5678"]);
        let out = stack.reissue(&["card", "change-pin", "auth"], Some("5678\n4321\n4321\n"));
        assert!(out.status.success(), "the new auth PIN did not work: {}", text(&out.stderr));

        // The signature password is upper-cased on the host.
        let out = stack.reissue(&["card", "change-pin", "sign"], Some("abc123\nnew9pass\nNEW9PASS\n"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_no_pin_shown(&out, &["abc123", "ABC123", "new9pass", "NEW9PASS"]);

        // A malformed new PIN or a mismatched repeat is refused before the card sees it.
        let out = stack.reissue(&["card", "change-pin", "juki"], Some("0000\n12x4\n12x4\n"));
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("nothing was sent"), "{}", text(&out.stderr));
        let out = stack.reissue(&["card", "change-pin", "juki"], Some("0000\n1111\n1112\n"));
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(stack.status_json().contains(r#"{"pin":"juki","tries_left":3,"max_tries":3,"locked":false}"#));

        // Wrong current text PIN three times: tries left, then locked.
        let wrong = Some("0000\n4321\n4321\n");
        let out = stack.reissue(&["card", "change-pin", "text"], wrong);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains("2 tries left"), "{}", text(&out.stderr));
        let out = stack.reissue(&["card", "change-pin", "text"], wrong);
        assert!(text(&out.stderr).contains("1 try left"), "{}", text(&out.stderr));
        let out = stack.reissue(&["card", "change-pin", "text"], wrong);
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("locked") && stderr.contains("municipal counter"), "{stderr}");
        assert_no_pin_shown(&out, &["0000", "4321"]);
        // Locked for good, even with the right PIN.
        let out = stack.reissue(&["card", "change-pin", "text"], Some("3456\n4321\n4321\n"));
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains("locked"), "{}", text(&out.stderr));
        let status = stack.status_json();
        assert!(status.contains(r#"{"pin":"text","tries_left":0,"max_tries":3,"locked":true}"#), "{status}");
        let table = text(&stack.reissue(&["card", "status"], None).stdout);
        assert!(table.contains("LOCKED") && table.contains("municipal counter"), "{table}");
        assert!(table.contains("Only the counter can reset the text-input-support PIN"), "{table}");
        assert!(table.contains("0120-95-0178"), "the call centre is named: {table}");

        // Card removed: a plain error. Inserted again: the state survived the restart.
        stack.remove_card();
        stack.wait_for("the card to be gone", |s| {
            let out = s.reissue(&["card", "status", "--reader", READER], None);
            out.status.code() == Some(1) && text(&out.stderr).contains("no card in the reader")
        });
        stack.insert_card();
        assert!(stack.status_json().contains(r#"{"pin":"text","tries_left":0,"max_tries":3,"locked":true}"#));
        let out = stack.reissue(&["card", "change-pin", "auth"], Some("4321\n1111\n1111\n"));
        assert!(out.status.success(), "{}", text(&out.stderr));

        // pcscd restarts: the software card reconnects to the new vpcd by itself.
        stack.pcscd = None;
        stack.start_pcscd();
        stack.wait_for("the software card to come back after a pcscd restart", |s| {
            s.reissue(&["card", "status", "--reader", READER, "--json"], None).status.success()
        });
        assert!(stack.log("card.log").contains("reconnecting"), "{}", stack.log("card.log"));

        // No service: a plain error too.
        stack.card = None;
        stack.pcscd = None;
        let out = stack.reissue(&["card", "status"], None);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains("service is not running"), "{}", text(&out.stderr));
    }

    /// The DER of one certificate as the software card's state file holds it.
    fn state_certificate(state: &Path, name: &str) -> Vec<u8> {
        let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(state).expect("state")).expect("json");
        hex::decode(json["certificates"][name].as_str().expect("a certificate")).expect("hex")
    }

    /// `notBefore` and `notAfter` as `openssl x509` reads them, in RFC 3339.
    fn openssl_validity(dir: &Path, der: &[u8]) -> (String, String) {
        let file = dir.join("cert.der");
        fs::write(&file, der).expect("write der");
        let out = Command::new(require_program("openssl"))
            .args(["x509", "-inform", "DER", "-noout", "-startdate", "-enddate", "-in"])
            .arg(&file)
            .output()
            .expect("run openssl");
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        let field = |name: &str| {
            let value = stdout.lines().find_map(|l| l.strip_prefix(name)).unwrap_or_else(|| panic!("{stdout}"));
            // "Dec  2 05:56:13 2026 GMT": collapse the padding, then parse.
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            let format = time::macros::format_description!(
                "[month repr:short] [day padding:none] [hour]:[minute]:[second] [year] GMT"
            );
            let at = time::PrimitiveDateTime::parse(&value, format).unwrap_or_else(|e| panic!("{value}: {e}"));
            at.assume_utc().format(&time::format_description::well_known::Rfc3339).expect("format")
        };
        (field("notBefore="), field("notAfter="))
    }

    fn status_certificate(status: &str, name: &str) -> serde_json::Value {
        let json: serde_json::Value = serde_json::from_str(status).expect("status JSON");
        json["certificates"]
            .as_array()
            .expect("certificates")
            .iter()
            .find(|c| c["certificate"] == name)
            .cloned()
            .unwrap_or(serde_json::Value::Null)
    }

    #[test]
    fn status_shows_the_certificates_validity_as_openssl_and_opensc_read_it() {
        let mut stack = Stack::start();
        let out = Command::new(BIN)
            .args(["card", "init", "--state"])
            .arg(&stack.state)
            .args(["--sign-password", "abc123", "--auth-pin", "1234", "--juki-pin", "2345", "--text-pin", "3456"])
            .args(["--valid-days", "30"])
            .output()
            .expect("init");
        assert!(out.status.success(), "{}", text(&out.stderr));
        stack.insert_card();

        // The auth certificate needs no PIN; the sign certificate is left out unless asked.
        let status = stack.status_json();
        let auth = status_certificate(&status, "auth");
        let der = state_certificate(&stack.state, "auth");
        let (not_before, not_after) = openssl_validity(stack.dir.path(), &der);
        assert_eq!((auth["not_before"].as_str(), auth["not_after"].as_str()), (Some(&*not_before), Some(&*not_after)));
        assert_eq!(auth["state"], "valid");
        assert!(matches!(auth["days_left"].as_i64(), Some(29 | 30)), "{auth}");
        assert!(status_certificate(&status, "sign").is_null(), "{status}");

        // OpenSC's JPKI driver reads the same certificate from the card.
        let pem = stack
            .command("pkcs15-tool")
            .args(["--reader", READER, "--read-certificate", "01"])
            .stdin(Stdio::null())
            .output()
            .expect("pkcs15-tool");
        assert!(pem.status.success(), "{}\n{}", text(&pem.stderr), stack.log("card.log"));
        let from_opensc = pem_to_der(stack.dir.path(), &pem.stdout);
        assert_eq!(from_opensc, der, "OpenSC read another certificate than the card holds");

        // With the signature password (a line on stdin): the sign certificate too.
        let out = stack.reissue(&["card", "status", "--json", "--sign-certificate"], Some("abc123\n"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        let sign = status_certificate(text(&out.stdout).trim(), "sign");
        let (not_before, not_after) = openssl_validity(stack.dir.path(), &state_certificate(&stack.state, "sign"));
        assert_eq!((sign["not_before"].as_str(), sign["not_after"].as_str()), (Some(&*not_before), Some(&*not_after)));
        assert_no_pin_shown(&out, &["abc123", "ABC123"]);

        // A wrong password costs a try and says so; the table still shows the auth certificate.
        let out = stack.reissue(&["card", "status", "--sign-certificate"], Some("wrong1\n"));
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let table = text(&out.stdout);
        assert!(table.contains("4 tries left") && table.contains("valid, expires in"), "{table}");
        let out = stack.reissue(&["card", "status", "--sign-certificate"], Some("12\n"));
        assert_eq!(
            out.status.code(),
            Some(2),
            "a malformed password is refused before the card: {}",
            text(&out.stderr)
        );
        assert!(stack.status_json().contains(r#"{"pin":"sign","tries_left":4,"max_tries":5,"locked":false}"#));
    }

    fn pem_to_der(dir: &Path, pem: &[u8]) -> Vec<u8> {
        let file = dir.join("opensc.pem");
        fs::write(&file, pem).expect("write pem");
        let out = Command::new(require_program("openssl"))
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&file)
            .output()
            .expect("openssl");
        assert!(out.status.success(), "{}", text(&out.stderr));
        out.stdout
    }

    #[test]
    fn an_expired_certificate_says_so_and_names_where_to_go() {
        let mut stack = Stack::start();
        let out = Command::new(BIN)
            .args(["card", "init", "--state"])
            .arg(&stack.state)
            .args(["--sign-password", "abc123", "--auth-pin", "1234", "--juki-pin", "2345", "--text-pin", "3456"])
            .args(["--not-after", "2020-01-31"])
            .output()
            .expect("init");
        assert!(out.status.success(), "{}", text(&out.stderr));
        stack.insert_card();
        let auth = status_certificate(&stack.status_json(), "auth");
        assert_eq!(
            (auth["state"].as_str(), auth["not_after"].as_str()),
            (Some("expired"), Some("2020-01-31T14:59:59Z"))
        );
        let dir = tempfile::tempdir().expect("dir");
        fs::write(dir.path().join("r.toml"), "[card]\ncounter = \"港区役所 戸籍住民課 (1F)\"\n").expect("config");
        let config = dir.path().join("r.toml");
        let out = stack.reissue(&["card", "status", "--config", config.to_str().expect("utf-8")], None);
        let table = text(&out.stdout);
        assert!(table.contains("EXPIRED") && table.contains("2020-01-31"), "{table}");
        assert!(table.contains("港区役所 戸籍住民課 (1F)"), "the configured counter is named: {table}");
    }

    /// A one-shot counter-case server on 127.0.0.1: answers each request in turn and keeps
    /// what was posted.
    fn case_server(answers: Vec<(u16, String)>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        use std::io::{BufRead, BufReader, Read};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let thread = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for (status, body) in answers {
                let Ok((mut stream, _)) = listener.accept() else { break };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut head = String::new();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    head.push_str(&line);
                }
                let mut posted = vec![0; length];
                let _ = reader.read_exact(&mut posted);
                seen.push(format!("{}{}", head.lines().next().unwrap_or_default(), text(&posted)));
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            }
            seen
        });
        (url, thread)
    }

    #[test]
    fn a_counter_case_change_claims_first_and_reports_the_outcome_without_a_pin() {
        let mut stack = Stack::start();
        assert!(init_card(&stack.state).status.success());
        stack.insert_card();

        // Refused: the server's message, nothing sent to the card, exit 2.
        let refusal =
            r#"{"error":{"code":"case_token_used","message":"This case token was used already.","field":null}}"#;
        let (url, server) = case_server(vec![(409, refusal.into())]);
        let out = stack.reissue(
            &["card", "change-pin", "auth", "--case", "K7QM4-XPA2B", "--server", &url],
            Some("1234\n5678\n5678\n"),
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("This case token was used already.") && stderr.contains("nothing was sent to the card")
        );
        assert_eq!(server.join().expect("server").len(), 1);
        assert!(stack.status_json().contains(r#"{"pin":"auth","tries_left":3,"max_tries":3,"locked":false}"#));

        // Claimed: the change as at home, then the report with the tries left.
        let claim = r#"{"case_reference":"C000042","pin":"auth","operation":"change","report_token":"rt_1","report_by":"2026-12-02T06:30:00Z"}"#;
        let reported = r#"{"case_reference":"C000042","state":"completed","pins_remaining":[]}"#;
        let (url, server) = case_server(vec![(200, claim.into()), (200, reported.into())]);
        let out = stack.reissue(
            &["card", "change-pin", "auth", "--case", "k7qm4xpa2b", "--server", &url],
            Some("1234\n5678\n5678\n"),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.contains("was changed") && stdout.contains("C000042"), "{stdout}");
        let requests = server.join().expect("server");
        assert!(requests[0].contains(r#""token":"K7QM4-XPA2B""#), "{requests:?}");
        assert!(requests[1].contains(r#""outcome":"success""#) && requests[1].contains(r#""tries_left":3"#));
        assert!(!requests.concat().contains("1234") && !requests.concat().contains("5678"), "{requests:?}");
        assert_no_pin_shown(&out, &["1234", "5678"]);

        // The report fails: the change happened, and the holder is told so.
        let (url, server) = case_server(vec![(200, claim.into())]);
        let out = stack.reissue(
            &["card", "change-pin", "auth", "--case", "K7QM4-XPA2B", "--server", &url],
            Some("5678\n4321\n4321\n"),
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("C000042") && stderr.contains("The PIN change itself happened"), "{stderr}");
        drop(server);
    }
}
