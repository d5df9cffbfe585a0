//! A counter case's PIN change (`change-pin --case`) against a small local HTTP listener
//! that speaks the claim/report contract, with the in-process software card: a refused
//! claim never touches the card, a change reports its outcome and the tries left, and no
//! request ever carries a PIN.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use reissue_card::counter::{CaseRun, CaseToken, DeskError, change_for_case};
use reissue_card::counter_http::{HttpCaseDesk, ServerUrl};
use reissue_card::pin::PinKind;
use reissue_card::procedure::{CardError, PinChange, pin_status, verify_pin};
use reissue_card::transport::Transport;
use serde_json::{Value, json};

use super::fixtures::{AUTH, card, pin};

/// One canned answer: status, extra headers, body.
type Answer = (u16, Vec<(&'static str, &'static str)>, String);

/// A listener on 127.0.0.1 that answers requests in order from `answers` and records each
/// request's path and body. Stops after the last answer.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<(String, Value)>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(answers: Vec<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            for (status, headers, body) in answers {
                let Ok((stream, _)) = listener.accept() else { return };
                let (path, request) = read_request(&stream);
                seen.lock().unwrap().push((path, request));
                answer(stream, status, &headers, &body);
            }
        });
        Self { url, requests, thread: Some(thread) }
    }

    fn desk(&self) -> HttpCaseDesk {
        HttpCaseDesk::new(ServerUrl::parse(&self.url).unwrap()).unwrap()
    }

    fn requests(&mut self) -> Vec<(String, Value)> {
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
        self.requests.lock().unwrap().clone()
    }
}

fn read_request(stream: &TcpStream) -> (String, Value) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let path = line.split_whitespace().nth(1).unwrap_or_default().to_owned();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        if header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (path, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn answer(mut stream: TcpStream, status: u16, headers: &[(&str, &str)], body: &str) {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
}

fn claimed() -> Answer {
    let body = json!({"case_reference":"C000042","pin":"auth","operation":"change",
        "report_token":"rt_test_report_token","report_by":"2026-12-02T06:30:00Z"});
    (200, vec![], body.to_string())
}

fn reported() -> Answer {
    (200, vec![], json!({"case_reference":"C000042","state":"completed","pins_remaining":[]}).to_string())
}

fn refused(status: u16, code: &str) -> Answer {
    (status, vec![], json!({"error":{"code":code,"message":format!("refused: {code}"),"field":null}}).to_string())
}

fn token() -> CaseToken {
    CaseToken::parse("K7QM4-XPA2B").unwrap()
}

fn change(current: &str, new: &str) -> PinChange {
    PinChange::parse(PinKind::Auth, current, new, new).unwrap()
}

#[test]
fn a_refused_claim_never_asks_for_pins_nor_touches_the_card() {
    for code in
        ["case_token_unknown", "case_token_used", "case_token_expired", "case_token_other_pin", "case_not_ready"]
    {
        let mut server = Server::start(vec![refused(409, code)]);
        let mut card = card();
        let mut touched = false;
        let run = change_for_case(
            &server.desk(),
            &token(),
            PinKind::Auth,
            |_| panic!("the PINs were asked for after a refused claim"),
            || {
                touched = true;
                Ok(Box::new(&mut card) as Box<dyn Transport>)
            },
        );
        match &run {
            CaseRun::NotClaimed(DeskError::Refused { code: got, message, .. }) => {
                assert_eq!(got, code);
                assert_eq!(message, &format!("refused: {code}"));
            }
            other => panic!("{other:?}"),
        }
        assert!(!touched, "the card was opened");
        assert_eq!(card.tries_left(PinKind::Auth), 3);
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "no report after a refused claim");
        assert_eq!(requests[0].0, "/api/v1/counter/case-tokens/claim");
        assert_eq!(requests[0].1, json!({"token":"K7QM4-XPA2B","pin":"auth"}));
    }
}

#[test]
fn a_rate_limited_claim_says_when_to_try_again() {
    let mut answer = refused(429, "rate_limited");
    answer.1.push(("Retry-After", "30"));
    let server = Server::start(vec![answer]);
    let mut card = card();
    let run = change_for_case(
        &server.desk(),
        &token(),
        PinKind::Auth,
        |_| unreachable!(),
        || Ok(Box::new(&mut card) as Box<dyn Transport>),
    );
    let CaseRun::NotClaimed(err @ DeskError::Refused { retry_after: Some(30), .. }) = &run else { panic!("{run:?}") };
    assert!(err.to_string().contains("try again in 30 seconds"), "{err}");
}

#[test]
fn a_server_that_cannot_be_reached_leaves_the_card_alone() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let desk = HttpCaseDesk::new(ServerUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap()).unwrap();
    let run = change_for_case(&desk, &token(), PinKind::Auth, |_| unreachable!(), || unreachable!());
    assert!(matches!(run, CaseRun::NotClaimed(DeskError::Unreachable(_))), "{run:?}");
}

#[test]
fn a_change_reports_success_with_the_tries_left_and_never_a_pin() {
    let mut server = Server::start(vec![claimed(), reported()]);
    let mut card = card();
    let run = change_for_case(
        &server.desk(),
        &token(),
        PinKind::Auth,
        |claim| {
            assert_eq!(claim.case_reference, "C000042");
            Ok(change(AUTH, "5678"))
        },
        || Ok(Box::new(&mut card) as Box<dyn Transport>),
    );
    assert!(run.changed(), "{run:?}");
    let CaseRun::Done { report: Ok(reported), tries_left: Some(3), .. } = &run else { panic!("{run:?}") };
    assert_eq!(reported.state, "completed");
    verify_pin(&mut card, &pin(PinKind::Auth, "5678")).unwrap();

    let requests = server.requests();
    assert_eq!(requests[1].0, "/api/v1/counter/case-tokens/report");
    assert_eq!(
        requests[1].1,
        json!({"report_token":"rt_test_report_token","pin":"auth","outcome":"success","tries_left":3})
    );
    let all = format!("{requests:?}");
    assert!(!all.contains(AUTH) && !all.contains("5678"), "a request carried a PIN: {all}");
}

#[test]
fn a_wrong_current_pin_reports_failure_with_the_tries_the_card_has_left() {
    let mut server = Server::start(vec![claimed(), reported()]);
    let mut card = card();
    let run = change_for_case(
        &server.desk(),
        &token(),
        PinKind::Auth,
        |_| Ok(change("0000", "5678")),
        || Ok(Box::new(&mut card) as Box<dyn Transport>),
    );
    let CaseRun::Done { change: Err(CardError::WrongPin { tries_left: 2, .. }), report: Ok(_), .. } = &run else {
        panic!("{run:?}")
    };
    assert_eq!(pin_status(&mut card, PinKind::Auth).unwrap().tries_left, 2);
    let requests = server.requests();
    assert_eq!(requests[1].1["outcome"], "failure");
    assert_eq!(requests[1].1["tries_left"], 2);
    assert!(!format!("{requests:?}").contains("0000"));
}

#[test]
fn a_failed_report_still_says_the_pin_was_changed() {
    let mut server = Server::start(vec![claimed(), (500, vec![], "oops".into())]);
    let mut card = card();
    let run = change_for_case(
        &server.desk(),
        &token(),
        PinKind::Auth,
        |_| Ok(change(AUTH, "5678")),
        || Ok(Box::new(&mut card) as Box<dyn Transport>),
    );
    assert!(run.changed(), "the change happened even though the report failed: {run:?}");
    assert!(matches!(&run, CaseRun::Done { report: Err(DeskError::BadAnswer(_)), .. }), "{run:?}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_claim_for_a_reset_never_touches_the_card() {
    let body = json!({"case_reference":"C000043","pin":"auth","operation":"reset",
        "report_token":"rt_x","report_by":"2026-12-02T06:30:00Z"});
    let mut server = Server::start(vec![(200, vec![], body.to_string())]);
    let run = change_for_case(&server.desk(), &token(), PinKind::Auth, |_| unreachable!(), || unreachable!());
    let CaseRun::WrongCase { problem, .. } = &run else { panic!("{run:?}") };
    assert!(problem.contains("national terminal"), "{problem}");
    assert_eq!(server.requests().len(), 1);
}
