//! `/staff/counter`: the counter's cases (P8b) for the `counter` role. `cases.rs` holds the list
//! of open cases and the form that opens one; `case.rs` the case page (its state in words, what
//! the current visit still needs with a small form per item, the case's tokens) and closing a
//! case; `visit.rs` the proxy's inquiry letter, its mailing or return, the second visit with
//! the letter's check code, and both letters' PDFs; `pin_step.rs` the PIN step, recorded as
//! done on the national terminal or handed to `reissue card` with a one-time case token, shown
//! only on the answer that issued it. Each calls the procedure the staff API calls.
//!
//! No page ever shows a check code or a PIN.

mod case;
mod cases;
mod pin_step;
mod visit;

use axum::http::StatusCode;
use axum::response::Response;
use reissue_core::account::Language;
use reissue_core::catalogue::Arg;
use reissue_core::counter::checklist::ItemKind;
use reissue_core::counter::{CardPin, CaseType, Ground};
use reissue_core::lifecycle::counter_case::CaseState;
use reissue_core::procedures::counter::{CounterError, CounterRefusal};

pub use case::{cancel, record_item, view};
pub use cases::{list, open, open_form};
pub use pin_step::{case_token, terminal_pin_step};
pub use visit::{inquiry_mailed, inquiry_pdf, inquiry_returned, receipt_pdf, second_visit};

use super::{Console, reason_day};
use crate::AppState;
use crate::pages::FormErrors;

/// The list of open cases.
pub const LIST: &str = "/staff/counter";
/// The form that opens a case.
pub const OPEN: &str = "/staff/counter/open";

/// The case page of `reference` (`C000001`), under which its forms post.
pub fn case_path(reference: &str) -> String {
    format!("{LIST}/{reference}")
}

/// The catalogue's words for `key`.
fn t(state: &AppState, lang: Language, key: &str) -> String {
    state.site.t(lang, key, &[])
}

/// A catalogue key from a prefix and an API name (`_` written `-`).
fn key(prefix: &str, name: &str) -> String {
    format!("{prefix}{}", name.replace('_', "-"))
}

/// Names joined as the language lists them.
fn list_of(state: &AppState, lang: Language, names: impl IntoIterator<Item = String>) -> String {
    names.into_iter().collect::<Vec<_>>().join(&t(state, lang, "staff-counter-list-separator"))
}

fn pin_label(state: &AppState, lang: Language, pin: &str) -> String {
    match CardPin::parse(pin) {
        Some(p) => t(state, lang, &p.label_key()),
        None => pin.to_owned(),
    }
}

/// A case's state in words.
pub fn state_label(state: &AppState, lang: Language, s: CaseState) -> String {
    t(state, lang, &key("counter-state-", s.as_str()))
}

/// The case type, with the ground of a legal representative: `Legal representative (adult ward)`.
pub fn type_label(state: &AppState, lang: Language, case_type: CaseType, ground: Option<Ground>) -> String {
    let name = t(state, lang, &case_type.label_key());
    match ground {
        Some(g) => state.site.t(
            lang,
            "staff-counter-type-with-ground",
            &[("type", Arg::Text(name)), ("ground", Arg::Text(t(state, lang, &g.label_key())))],
        ),
        None => name,
    }
}

/// A refusal of the counter's procedures in words, in `lang` (`staff-counter-refusal-...`).
pub fn refusal(state: &AppState, lang: Language, r: &CounterRefusal) -> String {
    let text = |s: &str| Arg::Text(s.to_owned());
    let args: Vec<(&str, Arg)> = match r {
        CounterRefusal::NotUnder15 { age }
        | CounterRefusal::NotAdult { age }
        | CounterRefusal::NeedsRepresentative { age } => {
            vec![("age", Arg::from(i64::from(*age)))]
        }
        CounterRefusal::CaseAlreadyOpen { reference } => vec![("reference", text(reference))],
        CounterRefusal::ChecklistIncomplete { missing } => {
            let names = missing.iter().map(|m| match ItemKind::parse(m) {
                Some(k) => t(state, lang, &k.label_key()),
                None => m.clone(),
            });
            vec![("missing", Arg::Text(list_of(state, lang, names)))]
        }
        CounterRefusal::WrongState { state: s, .. } => {
            let label = CaseState::parse(s).map_or_else(|| s.clone(), |s| state_label(state, lang, s));
            vec![("state", Arg::Text(label))]
        }
        CounterRefusal::Expired { on } => vec![("on", Arg::Text(reason_day(state, lang, on)))],
        CounterRefusal::SameDay { earliest } => vec![("earliest", Arg::Text(reason_day(state, lang, earliest)))],
        CounterRefusal::WrongCheckCode { left } => vec![("left", Arg::from(*left))],
        CounterRefusal::PinNotInCase { pin }
        | CounterRefusal::PinAlreadyDone { pin }
        | CounterRefusal::TokenOtherPin { pin } => vec![("pin", Arg::Text(pin_label(state, lang, pin)))],
        CounterRefusal::CaseNotReady { why } => vec![("why", text(why))],
        _ => Vec::new(),
    };
    state.site.t(lang, &key("staff-counter-refusal-", r.code()), &args)
}

/// What a counter error says on a form: its message added under the field `place` names (given
/// the core's field, or `refusal` for a refusal), or the page to answer with instead.
pub fn counter_errors(
    state: &AppState,
    console: &Console,
    e: CounterError,
    errors: &mut FormErrors,
    place: &(dyn Fn(&str) -> String + Sync),
) -> Result<StatusCode, Response> {
    let lang = console.lang();
    match e {
        CounterError::UnknownAccount(_) => {
            errors.add(&place("login_id"), t(state, lang, "staff-error-unknown-account"));
            Ok(StatusCode::UNPROCESSABLE_ENTITY)
        }
        CounterError::Invalid { field, .. } => {
            let k = key("staff-counter-error-", field);
            let k = if state.site.catalogue().has(lang, &k) { k } else { "staff-counter-error-invalid".into() };
            errors.add(&place(field), t(state, lang, &k));
            Ok(StatusCode::UNPROCESSABLE_ENTITY)
        }
        CounterError::Refused(r) => {
            errors.add(&place(r.code()), refusal(state, lang, &r));
            Ok(StatusCode::UNPROCESSABLE_ENTITY)
        }
        CounterError::Changed => {
            errors.add(&place("refusal"), t(state, lang, "staff-counter-error-changed"));
            Ok(StatusCode::CONFLICT)
        }
        CounterError::UnknownCase(_) => Err(not_found(state, console)),
        other => Err(console.unavailable(state, &other)),
    }
}

/// The page for a case reference that names no case.
pub fn not_found(state: &AppState, console: &Console) -> Response {
    console.message(state, StatusCode::NOT_FOUND, "staff-counter-not-found-title", "staff-counter-not-found-body")
}

#[cfg(test)]
mod tests {
    use reissue_core::catalogue::Catalogue;
    use reissue_core::counter::checklist::{DocumentType, Exemption};

    use super::*;

    /// One refusal of each kind; the match has no wildcard, so a new kind fails to compile
    /// here until it has its words.
    fn every_refusal() -> Vec<CounterRefusal> {
        use CounterRefusal as R;
        let all = vec![
            R::NotUnder15 { age: 40 },
            R::NotAdult { age: 12 },
            R::NoBirthDate,
            R::NoSignatureCertificate,
            R::NoAddress,
            R::NotIndividual,
            R::CaseAlreadyOpen { reference: "C000001".into() },
            R::ChecklistIncomplete { missing: vec!["card".into()] },
            R::WrongState { state: "open".into(), action: "second_visit".into() },
            R::Expired { on: "2027-01-01".into() },
            R::SameDay { earliest: "2027-01-02".into() },
            R::WrongCheckCode { left: 2 },
            R::CheckCodeRefused,
            R::PinNotInCase { pin: "sign".into() },
            R::PinAlreadyDone { pin: "auth".into() },
            R::ResetOnTerminalOnly,
            R::TokenUnknown,
            R::TokenUsed,
            R::TokenExpired,
            R::TokenOtherPin { pin: "juki".into() },
            R::CaseNotReady { why: "x".into() },
            R::ReportLate,
            R::NotAWorkstation,
            R::NeedsRepresentative { age: 10 },
        ];
        for r in &all {
            match r {
                R::NotUnder15 { .. }
                | R::NotAdult { .. }
                | R::NoBirthDate
                | R::NoSignatureCertificate
                | R::NoAddress
                | R::NotIndividual
                | R::CaseAlreadyOpen { .. }
                | R::ChecklistIncomplete { .. }
                | R::WrongState { .. }
                | R::Expired { .. }
                | R::SameDay { .. }
                | R::WrongCheckCode { .. }
                | R::CheckCodeRefused
                | R::PinNotInCase { .. }
                | R::PinAlreadyDone { .. }
                | R::ResetOnTerminalOnly
                | R::TokenUnknown
                | R::TokenUsed
                | R::TokenExpired
                | R::TokenOtherPin { .. }
                | R::CaseNotReady { .. }
                | R::ReportLate
                | R::NotAWorkstation
                | R::NeedsRepresentative { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_refusal_state_document_and_exemption_has_words_in_both_languages() {
        let c = Catalogue::builtin();
        let mut keys: Vec<String> = every_refusal().iter().map(|r| key("staff-counter-refusal-", r.code())).collect();
        keys.extend(CaseState::ALL.iter().map(|s| key("counter-state-", s.as_str())));
        keys.extend(DocumentType::ALL.iter().map(|d| key("counter-document-", d.as_str())));
        keys.extend(Exemption::ALL.iter().map(|e| key("counter-exemption-", e.as_str())));
        for k in &keys {
            for lang in [Language::Ja, Language::En] {
                assert!(c.has(lang, k), "{k} is missing in {}", lang.as_str());
            }
        }
        assert_eq!(keys.len(), 24 + 9 + 9 + 2);
    }
}
