//! `/reset/voice` and `/reset/postal`: P3, "Resetting Passwords and PINs" by voice message or
//! by postal mail. Step 1 (login ID and code) and step 2 (new passwords and PINs, blank =
//! keep) are on the same path: a right code opens a reset session whose token lives only in
//! an `HttpOnly`, `SameSite=Strict` cookie of that channel's page, never in a URL or the page.
//! A code works only on its own channel's page, and so does the session it opens.

use std::collections::BTreeMap;
use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use reissue_core::account::Language;
use reissue_core::catalogue::Arg;
use reissue_core::credential::PolicyViolation;
use reissue_core::procedures::{RecoveryError, Requester, SessionView};
use reissue_core::rules::CodeChannel;
use reissue_core::text::nfkc;
use secrecy::SecretString;

use super::cookies::{self, DONE};
use super::{Fields, FormErrors, Page, Visit, message, see_other};
use crate::AppState;
use crate::client::ClientIp;
use crate::routes::answer_at_deadline;

/// One channel's reset page.
#[derive(Debug, Clone, Copy)]
struct Channel {
    channel: CodeChannel,
    path: &'static str,
    done: &'static str,
    cookie: &'static str,
}

const VOICE: Channel = Channel {
    channel: CodeChannel::Voice,
    path: "/reset/voice",
    done: "/reset/voice/done",
    cookie: cookies::RESET_VOICE,
};
const POSTAL: Channel = Channel {
    channel: CodeChannel::Postal,
    path: "/reset/postal",
    done: "/reset/postal/done",
    cookie: cookies::RESET_POSTAL,
};

impl Channel {
    fn name(self) -> &'static str {
        match self.channel {
            CodeChannel::Voice => "voice",
            CodeChannel::Postal => "postal",
        }
    }
}

pub async fn show_voice(state: State<AppState>, visit: Visit) -> Response {
    show(state, visit, VOICE).await
}

pub async fn show_postal(state: State<AppState>, visit: Visit) -> Response {
    show(state, visit, POSTAL).await
}

pub async fn submit_voice(state: State<AppState>, ip: ClientIp, visit: Visit, fields: Fields) -> Response {
    submit(state, ip, visit, fields, VOICE).await
}

pub async fn submit_postal(state: State<AppState>, ip: ClientIp, visit: Visit, fields: Fields) -> Response {
    submit(state, ip, visit, fields, POSTAL).await
}

pub async fn done_voice(state: State<AppState>, visit: Visit) -> Response {
    done(state, visit, VOICE).await
}

pub async fn done_postal(state: State<AppState>, visit: Visit) -> Response {
    done(state, visit, POSTAL).await
}

/// Step 1: the login ID and the code.
/// Step 1 again, saying that the session ended (a notice for the page, not an error of a
/// field), and the session's cookie removed.
fn session_ended(state: &AppState, mut visit: Visit, ch: Channel, status: StatusCode) -> Response {
    visit.cookies.clear_secret(ch.cookie);
    let mut page = code_form(state, &visit, ch, "", &FormErrors::default()).status(status);
    let notice = state.site.t(visit.lang, "error-session-ended", &[]);
    page.context = minijinja::context! { notice => notice, ..page.context };
    page.render(&state.site)
}

fn code_form(state: &AppState, visit: &Visit, ch: Channel, login_id: &str, errors: &FormErrors) -> Page {
    let (errors, error_of) = errors.context();
    let rules = state.recovery.rules();
    let ctx = minijinja::context! {
        csrf => visit.form_token(state, ch.path),
        action => ch.path,
        channel => ch.name(),
        login_id => login_id,
        errors, error_of,
        notice => "",
        code_digits => rules.code_digits,
        max_failures => rules.code_max_failures,
        voice_hours => rules.voice_code_ttl_secs / 3600,
        postal_weeks => rules.postal_code_ttl_secs / (7 * 86_400),
    };
    Page::new(visit, "reset_code.html", ctx)
}

/// Whether a cookie value has the shape of a reset token (`rs_` and 43 base64url characters),
/// so that a made-up value costs no lookup.
fn looks_like_token(t: &str) -> bool {
    t.strip_prefix("rs_")
        .is_some_and(|b| b.len() == 43 && b.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'))
}

fn label(state: &AppState, lang: Language, name: &str) -> String {
    state.recovery.credentials().get(name).map_or_else(
        || name.to_owned(),
        |spec| match lang {
            Language::Ja => spec.label_ja.clone(),
            Language::En => spec.label_en.clone(),
        },
    )
}

/// Step 2: one field and its confirmation per credential that may be reset online.
fn credentials_form(state: &AppState, visit: &Visit, ch: Channel, view: &SessionView, errors: &FormErrors) -> Page {
    let (expires_at, credentials) = (view.expires_at, &view.credentials);
    let (errors, error_of) = errors.context();
    let fields: Vec<_> = credentials
        .iter()
        .map(|c| {
            let rule_key = if c.policy.digits_only { "reset-rule-pin" } else { "reset-rule-password" };
            let rule = state.site.t(
                visit.lang,
                rule_key,
                &[("min", Arg::from(c.policy.min_length as i64)), ("max", Arg::from(c.policy.max_length as i64))],
            );
            minijinja::context! {
                name => c.name.clone(),
                label => label(state, visit.lang, &c.name),
                pin => c.policy.digits_only,
                min_length => c.policy.min_length,
                max_length => c.policy.max_length,
                rule => rule,
            }
        })
        .collect();
    let until = state.recovery.institution().time_zone.date_time(expires_at, visit.lang);
    let ctx = minijinja::context! {
        csrf => visit.form_token(state, ch.path),
        action => ch.path,
        channel => ch.name(),
        until => until,
        login_id => view.login_id.clone(),
        fields => fields,
        errors, error_of,
    };
    Page::new(visit, "reset_credentials.html", ctx)
}

async fn show(State(state): State<AppState>, visit: Visit, ch: Channel) -> Response {
    let now = state.clock.now();
    if let Some(token) = visit.cookies.get_secret(ch.cookie).filter(|t| looks_like_token(t)) {
        match state.recovery.reset_session_view(&SecretString::from(token), now).await {
            Ok(Some(view)) => {
                return credentials_form(&state, &visit, ch, &view, &FormErrors::default()).render(&state.site);
            }
            Ok(None) => {
                return session_ended(&state, visit, ch, StatusCode::OK);
            }
            Err(e) => return unavailable(&state, &visit, &e),
        }
    }
    code_form(&state, &visit, ch, "", &FormErrors::default()).render(&state.site)
}

fn unavailable(state: &AppState, visit: &Visit, e: &RecoveryError) -> Response {
    tracing::error!(error = %e, "a reset page could not be served");
    message(state, visit, StatusCode::SERVICE_UNAVAILABLE, "message-unavailable-title", "message-unavailable-body")
}

async fn submit(
    State(state): State<AppState>,
    ip: ClientIp,
    mut visit: Visit,
    fields: Fields,
    ch: Channel,
) -> Response {
    if fields.get("step") == "credentials" {
        return complete(State(state), ip, visit, fields, ch).await;
    }
    let started = Instant::now();
    let login_id = fields.get("login_id").to_owned();
    let code = SecretString::from(fields.get("code").to_owned());
    let result = state
        .recovery
        .enter_code(ch.channel, &login_id, &code, &Requester::public(ip.audit()), state.clock.now())
        .await;
    answer_at_deadline(started, state.recovery.rules().code_entry_response_ms).await;
    match result {
        Ok(opened) => {
            let age = (opened.expires_at - state.clock.now()).whole_seconds();
            use secrecy::ExposeSecret as _;
            visit.cookies.set_secret(ch.cookie, opened.token.expose_secret(), Some(age));
            see_other(ch.path, &visit.cookies)
        }
        Err(RecoveryError::InvalidCode) => {
            let mut errors = FormErrors::default();
            let max = state.recovery.rules().code_max_failures;
            errors.add("code", state.site.t(visit.lang, "error-invalid-code", &[("max", Arg::from(max))]));
            code_form(&state, &visit, ch, &login_id, &errors).status(StatusCode::BAD_REQUEST).render(&state.site)
        }
        Err(e) => unavailable(&state, &visit, &e),
    }
}

fn policy_message(state: &AppState, lang: Language, v: &PolicyViolation) -> String {
    let t = |key: &str, args: &[(&str, Arg)]| state.site.t(lang, key, args);
    match v {
        PolicyViolation::TooShort { min } => t("policy-too-short", &[("min", Arg::from(*min as i64))]),
        PolicyViolation::TooLong { max } => t("policy-too-long", &[("max", Arg::from(*max as i64))]),
        PolicyViolation::NotDigits => t("policy-not-digits", &[]),
        PolicyViolation::ControlCharacters => t("policy-control-characters", &[]),
        PolicyViolation::Common => t("policy-common", &[]),
        PolicyViolation::ContainsContext => t("policy-contains-context", &[]),
        PolicyViolation::RepeatedDigits => t("policy-repeated-digits", &[]),
        PolicyViolation::SequentialDigits => t("policy-sequential-digits", &[]),
        PolicyViolation::BirthDate => t("policy-birth-date", &[]),
    }
}

/// Step 2 posted: the new secrets, each with its confirmation.
async fn complete(
    State(state): State<AppState>,
    ip: ClientIp,
    mut visit: Visit,
    fields: Fields,
    ch: Channel,
) -> Response {
    let now = state.clock.now();
    let token = visit.cookies.get_secret(ch.cookie).filter(|t| looks_like_token(t)).map(SecretString::from);
    let view = match &token {
        Some(t) => state.recovery.reset_session_view(t, now).await,
        None => Ok(None),
    };
    let (token, view) = match (token, view) {
        (Some(t), Ok(Some(v))) => (t, v),
        (_, Err(e)) => return unavailable(&state, &visit, &e),
        _ => {
            return session_ended(&state, visit, ch, StatusCode::BAD_REQUEST);
        }
    };
    let t = |key: &str| state.site.t(visit.lang, key, &[]);
    let mut errors = FormErrors::default();
    let mut requested = BTreeMap::new();
    for c in &view.credentials {
        let new = fields.get(&c.name);
        let confirm = fields.get(&format!("{}_confirm", c.name));
        // A PIN typed once in full-width digits and once in ASCII is the same PIN; a password
        // must match as typed.
        let same = if c.policy.digits_only { nfkc(new) == nfkc(confirm) } else { new == confirm };
        if !same {
            errors.add(&format!("{}_confirm", c.name), t("error-confirm-mismatch"));
        }
        requested.insert(c.name.clone(), SecretString::from(new.to_owned()));
    }
    if errors.is_empty() {
        // On its own task: with a vault adapter, a closed tab must not stop the change half
        // way between the institution's system and the audit log.
        let recovery = state.recovery.clone();
        let who = Requester::public(ip.audit());
        let outcome =
            match tokio::spawn(async move { recovery.complete_reset(&token, requested, &who, now).await }).await {
                Ok(outcome) => outcome,
                Err(e) => {
                    tracing::error!(error = %e, "a reset's task failed");
                    return message(
                        &state,
                        &visit,
                        StatusCode::SERVICE_UNAVAILABLE,
                        "message-unavailable-title",
                        "message-unavailable-body",
                    );
                }
            };
        match outcome {
            Ok(changed) => {
                state.wake.notify_one();
                visit.cookies.clear_secret(ch.cookie);
                visit.cookies.set_secret(DONE, &changed.join("."), Some(600));
                return see_other(ch.done, &visit.cookies);
            }
            Err(RecoveryError::Policy(violations)) => {
                for (name, v) in violations {
                    errors.add(&name, policy_message(&state, visit.lang, &v));
                }
            }
            Err(RecoveryError::NothingToChange) => {
                let first = view.credentials.first().map_or("", |c| c.name.as_str());
                errors.add(first, t("error-nothing-to-change"));
            }
            Err(RecoveryError::InvalidSession) => {
                return session_ended(&state, visit, ch, StatusCode::BAD_REQUEST);
            }
            Err(e) => return unavailable(&state, &visit, &e),
        }
    }
    credentials_form(&state, &visit, ch, &view, &errors).status(StatusCode::UNPROCESSABLE_ENTITY).render(&state.site)
}

/// The confirmation: what changed, usable at once.
async fn done(State(state): State<AppState>, mut visit: Visit, ch: Channel) -> Response {
    let Some(names) = visit.cookies.get_secret(DONE).filter(|v| !v.is_empty()) else {
        return see_other(ch.path, &visit.cookies);
    };
    let changed: Vec<String> = names
        .split('.')
        .filter(|n| state.recovery.credentials().get(n).is_some())
        .map(|n| label(&state, visit.lang, n))
        .collect();
    visit.cookies.clear_secret(DONE);
    let ctx = minijinja::context! { changed => changed, channel => ch.name() };
    Page::new(&visit, "reset_done.html", ctx).render(&state.site)
}
