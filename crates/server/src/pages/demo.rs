//! The demo walked in a browser: `/demo/phone`, the demo customers' phone, on which a person
//! answers the call, reads what the automated voice says (the reset code as it is spoken) and
//! keys in on a keypad; and `/demo/mailbox`, every e-mail the demo sent. Mounted only with
//! `serve --demo`, like the JSON hands of `routes/demo.rs`. Each button is a form post that
//! redirects back to the phone, so everything works without JavaScript; `static/demo.js` only
//! reloads a page when what it shows changed.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::value::{Serde, Value};
use reissue_delivery::voice::phone::{CallView, PhoneError};
use serde::Serialize;

use super::{Fields, Page, Visit, message, see_other};
use crate::routes::demo::{calls_json, mailbox_json};
use crate::{AppState, Demo};

const PHONE: &str = "/demo/phone";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PHONE, get(phone))
        .route("/demo/phone/{sid}/answer", post(answer))
        .route("/demo/phone/{sid}/keys", post(keys))
        .route("/demo/phone/{sid}/hangup", post(hang_up))
        .route("/demo/mailbox", get(mailbox))
}

fn not_found(state: &AppState, visit: &Visit) -> Response {
    message(state, visit, StatusCode::NOT_FOUND, "message-not-found-title", "message-not-found-body")
}

/// One call as the phone page shows it, with the forms it offers.
#[derive(Serialize)]
struct CallCard {
    sid: String,
    to: String,
    from: String,
    status: String,
    created: String,
    ringing: bool,
    in_call: bool,
    pressed: String,
    transcript: Vec<Spoken>,
    answer_action: String,
    answer_csrf: String,
    keys_action: String,
    keys_csrf: String,
    hangup_action: String,
    hangup_csrf: String,
}

#[derive(Serialize)]
struct Spoken {
    text: String,
    digits: String,
}

fn is_ringing(status: &str) -> bool {
    matches!(status, "queued" | "initiated" | "ringing")
}

fn card(state: &AppState, visit: &Visit, c: CallView) -> CallCard {
    let ringing = is_ringing(&c.status);
    let in_call = c.status == "in-progress";
    let form = |what: &str, shown: bool| {
        let action = format!("{PHONE}/{}/{what}", c.sid);
        let csrf = if shown { visit.form_token(state, &action) } else { String::new() };
        (action, csrf)
    };
    let (answer_action, answer_csrf) = form("answer", ringing);
    let (keys_action, keys_csrf) = form("keys", in_call);
    let (hangup_action, hangup_csrf) = form("hangup", in_call);
    CallCard {
        created: state.site.institution.time_zone.date_time(c.created, visit.lang),
        transcript: c.transcript.into_iter().map(|s| Spoken { text: s.text, digits: s.digits }).collect(),
        sid: c.sid,
        to: c.to,
        from: c.from,
        status: c.status,
        ringing,
        in_call,
        pressed: c.pressed,
        answer_action,
        answer_csrf,
        keys_action,
        keys_csrf,
        hangup_action,
        hangup_csrf,
    }
}

/// The phone: every call, newest first; `problem` says why the last button did nothing.
fn phone_page(state: &AppState, visit: &Visit, demo: &Demo, problem: Option<&str>) -> Page {
    let calls = demo.phone.calls();
    let seen = calls_json(&calls).to_string();
    let mut cards: Vec<CallCard> = calls.into_iter().map(|c| card(state, visit, c)).collect();
    cards.sort_by(|a, b| b.sid.cmp(&a.sid));
    let ctx = minijinja::context! {
        calls => Value::from(Serde(&cards)),
        seen,
        problem => problem.map(|key| state.site.t(visit.lang, key, &[])),
    };
    Page::new(visit, "demo_phone.html", ctx)
}

pub async fn phone(State(state): State<AppState>, visit: Visit) -> Response {
    let Some(demo) = &state.demo else { return not_found(&state, &visit) };
    phone_page(&state, &visit, demo, None).render(&state.site)
}

/// After a button: back to the phone, or the phone again saying why nothing happened.
fn after(state: &AppState, visit: &Visit, demo: &Demo, done: Result<CallView, PhoneError>, refused: &str) -> Response {
    let (status, key) = match done {
        Ok(_) => return see_other(PHONE, &visit.cookies),
        Err(PhoneError::NoSuchCall(_)) => return not_found(state, visit),
        Err(PhoneError::BadKeys) => (StatusCode::BAD_REQUEST, "demo-phone-bad-keys"),
        Err(PhoneError::NotGathering) => (StatusCode::CONFLICT, "demo-phone-not-listening"),
        Err(PhoneError::WrongState(..)) => (StatusCode::CONFLICT, refused),
    };
    phone_page(state, visit, demo, Some(key)).status(status).render(&state.site)
}

pub async fn answer(State(state): State<AppState>, Path(sid): Path<String>, visit: Visit, _: Fields) -> Response {
    let Some(demo) = &state.demo else { return not_found(&state, &visit) };
    let done = demo.phone.answer(&sid).await;
    after(&state, &visit, demo, done, "demo-phone-not-ringing")
}

/// A key of the keypad, or several typed at once: pressed one after another, as on a handset.
pub async fn keys(State(state): State<AppState>, Path(sid): Path<String>, visit: Visit, fields: Fields) -> Response {
    let Some(demo) = &state.demo else { return not_found(&state, &visit) };
    let keys: String = fields.get("keys").chars().filter(|c| !c.is_whitespace()).collect();
    let done = match demo.phone.call(&sid) {
        Some(c) if c.status != "in-progress" => Err(PhoneError::WrongState(sid, c.status)),
        _ => demo.phone.key_in(&sid, &keys).await,
    };
    after(&state, &visit, demo, done, "demo-phone-not-in-call")
}

pub async fn hang_up(State(state): State<AppState>, Path(sid): Path<String>, visit: Visit, _: Fields) -> Response {
    let Some(demo) = &state.demo else { return not_found(&state, &visit) };
    let done = match demo.phone.call(&sid) {
        Some(c) if c.status != "in-progress" => Err(PhoneError::WrongState(sid, c.status)),
        _ => demo.phone.hang_up(&sid).await,
    };
    after(&state, &visit, demo, done, "demo-phone-not-in-call")
}

/// Whether the request asks for HTML (a browser) rather than JSON (curl's `*/*`, scripts).
fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    accept.split(',').any(|range| {
        let mut it = range.split(';');
        let media = it.next().unwrap_or("").trim();
        let refused = it.any(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
        media.eq_ignore_ascii_case("text/html") && !refused
    })
}

/// A message as the mailbox page shows it: the body in pieces, the http(s) addresses in it
/// as links.
#[derive(Serialize)]
struct Letter {
    to: String,
    subject: String,
    received: String,
    received_iso: String,
    body: Vec<Piece>,
}

/// Text, or a link (`href`) showing its text.
#[derive(Debug, PartialEq, Eq, Serialize)]
struct Piece {
    text: String,
    href: Option<String>,
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// Whether the address names its host right after `://` (`https:///x` is not an address).
fn names_host(candidate: &str) -> bool {
    candidate
        .split_once("://")
        .and_then(|(_, rest)| rest.chars().next())
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '[')
}

/// `body` cut into text and links: every `http://` or `https://` address with a host becomes
/// a link, without the punctuation that ends a sentence after it. Nothing else is a link.
fn linked(body: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = body;
    loop {
        let start = [rest.find("https://"), rest.find("http://")].into_iter().flatten().min();
        let Some(start) = start else { break };
        text.push_str(&rest[..start]);
        let from = &rest[start..];
        let len = from.find(|c: char| !is_url_char(c)).unwrap_or(from.len());
        let candidate = from[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'']);
        match url::Url::parse(candidate) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() && names_host(candidate) => {
                if !text.is_empty() {
                    pieces.push(Piece { text: std::mem::take(&mut text), href: None });
                }
                pieces.push(Piece { text: candidate.to_owned(), href: Some(u.to_string()) });
                rest = &from[candidate.len()..];
            }
            _ => {
                text.push_str(&from[..len]);
                rest = &from[len..];
            }
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        pieces.push(Piece { text, href: None });
    }
    pieces
}

/// The mailbox: a page for a browser, the JSON of `routes/demo.rs` for anything else.
pub async fn mailbox(State(state): State<AppState>, visit: Visit, headers: HeaderMap) -> Response {
    if !wants_html(&headers) {
        return crate::routes::demo::mailbox(State(state)).await.into_response();
    }
    let Some(mb) = state.demo.as_ref().and_then(|d| d.mailbox.as_ref()) else { return not_found(&state, &visit) };
    let messages = mb.messages();
    let seen = mailbox_json(&messages).to_string();
    let zone = &state.site.institution.time_zone;
    let letters: Vec<Letter> = messages
        .into_iter()
        .rev()
        .map(|d| Letter {
            received: zone.date_time(d.received, visit.lang),
            received_iso: d.received.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            body: linked(&d.mail.body),
            to: d.mail.to,
            subject: d.mail.subject,
        })
        .collect();
    let ctx = minijinja::context! { messages => Value::from(Serde(&letters)), seen };
    Page::new(&visit, "demo_mailbox.html", ctx).render(&state.site)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(s: &str) -> Piece {
        Piece { text: s.into(), href: Some(url::Url::parse(s).unwrap().to_string()) }
    }

    fn text(s: &str) -> Piece {
        Piece { text: s.into(), href: None }
    }

    #[test]
    fn http_addresses_become_links_without_the_punctuation_after_them() {
        assert_eq!(
            linked("Open https://bank.example/reset/voice. Then http://x.example/a?b=1&c=2, done"),
            vec![
                text("Open "),
                link("https://bank.example/reset/voice"),
                text(". Then "),
                link("http://x.example/a?b=1&c=2"),
                text(", done")
            ]
        );
        assert_eq!(
            linked("次のページhttps://bank.example/resetから"),
            vec![text("次のページ"), link("https://bank.example/reset"), text("から")]
        );
    }

    #[test]
    fn nothing_but_http_addresses_with_a_host_is_a_link() {
        for body in ["javascript:alert(1)", "see http:// or https:///x", "ftp://bank.example/", "no address"] {
            assert!(linked(body).iter().all(|p| p.href.is_none()), "{body}");
            assert_eq!(linked(body).iter().map(|p| p.text.as_str()).collect::<String>(), body);
        }
    }

    #[test]
    fn a_browser_gets_the_page_and_a_script_the_json() {
        let h = |accept: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT, accept.parse().unwrap());
            wants_html(&m)
        };
        assert!(h("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
        assert!(!h("*/*"));
        assert!(!h("application/json"));
        assert!(!h("text/html;q=0, application/json"));
        assert!(!wants_html(&HeaderMap::new()));
    }
}
