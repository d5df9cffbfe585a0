//! `/staff/`: signing in with login, password and a TOTP code; the new password the first
//! sign-in asks for (`/staff/password`); signing out here and everywhere. Every refusal is the
//! one message (which factor was wrong is not said); a locked sign-in says so.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::value::Value;
use reissue_core::catalogue::Arg;
use reissue_core::credential::PolicyViolation;
use reissue_core::staff::{StaffAuthError, StaffError};
use secrecy::{ExposeSecret, SecretString};

use super::{COOKIE, Console, PASSWORD, SIGN_IN, home};
use crate::AppState;
use crate::client::ClientIp;
use crate::pages::{Fields, FormErrors, Page, Visit, see_other};
use crate::staff_auth::from_session_token;

/// A page for a visit without a session: the console's frame without its navigation.
pub(super) fn guest_page(visit: &Visit, template: &'static str, ctx: Value) -> Page {
    let guest = minijinja::context! {
        nav => Vec::<Value>::new(), staff_name => "", staff_login => "", staff_role => "",
        sign_out_csrf => "", sign_out_all_csrf => "", signed_in => false,
    };
    Page::new(visit, template, minijinja::context! { ..ctx, ..guest })
}

fn form(state: &AppState, visit: &Visit, login: &str, errors: &FormErrors, notice: &str) -> Page {
    let (errors, error_of) = errors.context();
    let notice = if notice.is_empty() { String::new() } else { state.site.t(visit.lang, notice, &[]) };
    let ctx = minijinja::context! {
        csrf => visit.form_token(state, SIGN_IN), action => SIGN_IN, login => login, errors, error_of, notice,
    };
    guest_page(visit, "staff_sign_in.html", ctx)
}

pub async fn show(State(state): State<AppState>, ip: ClientIp, visit: Visit, uri: axum::http::Uri) -> Response {
    if let Some(token) = visit.cookies.get_secret(COOKIE).filter(|t| !t.is_empty() && t.len() <= 128)
        && let Some(caller) = from_session_token(&state, &token, ip.audit()).await
    {
        let to = if caller.session().is_some_and(|s| s.must_change_password) { PASSWORD } else { home(&caller) };
        return see_other(to, &visit.cookies);
    }
    let query = uri.query().unwrap_or("");
    let notice = if query.contains("ended=1") {
        "staff-notice-session-ended"
    } else if query.contains("signed_out=1") {
        "staff-notice-signed-out"
    } else {
        ""
    };
    form(&state, &visit, "", &FormErrors::default(), notice).render(&state.site)
}

pub async fn submit(State(state): State<AppState>, ip: ClientIp, mut visit: Visit, fields: Fields) -> Response {
    let login = fields.get("login").trim().to_owned();
    let password = SecretString::from(fields.get("password").to_owned());
    let totp = SecretString::from(fields.get("totp").trim().to_owned());
    let now = state.clock.now();
    let ip_text = ip.audit();
    match state.recovery.staff_sign_in(&login, &password, &totp, ip_text.as_deref(), now).await {
        Ok(signed) => {
            visit.cookies.set_secret(COOKIE, signed.token.expose_secret(), None);
            let to = if signed.session.must_change_password {
                PASSWORD
            } else {
                let caller = crate::staff_auth::StaffCaller {
                    requester: reissue_core::procedures::Requester { actor: signed.session.actor(), client_ip: None },
                    credential: crate::staff_auth::StaffCredential::Session(signed.session),
                };
                home(&caller)
            };
            see_other(to, &visit.cookies)
        }
        Err(e) => {
            let (status, key) = match e {
                StaffAuthError::Refused => (StatusCode::UNAUTHORIZED, "staff-error-sign-in"),
                StaffAuthError::Locked => (StatusCode::UNAUTHORIZED, "staff-error-sign-in-locked"),
                StaffAuthError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "staff-error-busy"),
                other => {
                    tracing::error!(error = %other, "a staff sign-in could not be checked");
                    (StatusCode::SERVICE_UNAVAILABLE, "message-unavailable-body")
                }
            };
            let mut errors = FormErrors::default();
            errors.add("login", state.site.t(visit.lang, key, &[]));
            form(&state, &visit, &login, &errors, "").status(status).render(&state.site)
        }
    }
}

fn password_form(state: &AppState, console: &Console, errors: &FormErrors) -> Page {
    let (errors, error_of) = errors.context();
    let session = console.caller.session();
    let spec = state.recovery.staff_rules().password_spec();
    let ctx = minijinja::context! {
        csrf => console.visit.form_token(state, PASSWORD), action => PASSWORD,
        login => session.map(|s| s.login.to_string()).unwrap_or_default(),
        first => session.is_some_and(|s| s.must_change_password),
        rule => state.site.t(console.lang(), "staff-password-rule", &[("min", Arg::from(spec.min_length as i64))]),
        errors, error_of,
    };
    console.page(state, "staff_password.html", PASSWORD, ctx)
}

pub async fn show_password(State(state): State<AppState>, ip: ClientIp, visit: Visit) -> Response {
    let console = match Console::for_password(&state, visit, &ip).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    password_form(&state, &console, &FormErrors::default()).render(&state.site)
}

fn policy_message(state: &AppState, console: &Console, v: &PolicyViolation) -> String {
    let t = |key: &str, args: &[(&str, Arg)]| state.site.t(console.lang(), key, args);
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

pub async fn submit_password(State(state): State<AppState>, ip: ClientIp, visit: Visit, fields: Fields) -> Response {
    let console = match Console::for_password(&state, visit, &ip).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let t = |key: &str| state.site.t(console.lang(), key, &[]);
    let mut errors = FormErrors::default();
    let (new, confirm) = (fields.get("new_password"), fields.get("new_password_confirm"));
    if new != confirm {
        errors.add("new_password_confirm", t("error-confirm-mismatch"));
    }
    if errors.is_empty() {
        let token = console.visit.cookies.get_secret(COOKIE).unwrap_or_default();
        let current = SecretString::from(fields.get("current_password").to_owned());
        let new = SecretString::from(new.to_owned());
        match state.recovery.staff_set_new_password(&token, &current, &new, state.clock.now()).await {
            Ok(()) => {
                // The session read before the change still says "must change": start over.
                return see_other(SIGN_IN, &console.visit.cookies);
            }
            Err(StaffError::Policy(v)) => errors.add("new_password", policy_message(&state, &console, &v)),
            Err(StaffError::SamePassword) => errors.add("new_password", t("staff-error-same-password")),
            Err(StaffError::Auth(StaffAuthError::Refused)) => {
                errors.add("current_password", t("staff-error-current-password"));
            }
            Err(StaffError::Auth(StaffAuthError::Locked)) => errors.add("current_password", t("staff-error-locked")),
            Err(StaffError::Auth(StaffAuthError::Busy)) => errors.add("current_password", t("staff-error-busy")),
            Err(StaffError::InvalidSession) => return see_other("/staff/?ended=1", &console.visit.cookies),
            Err(e) => return console.unavailable(&state, &e),
        }
    }
    password_form(&state, &console, &errors).status(StatusCode::UNPROCESSABLE_ENTITY).render(&state.site)
}

pub async fn sign_out(State(state): State<AppState>, mut visit: Visit, _fields: Fields) -> Response {
    if let Some(token) = visit.cookies.get_secret(COOKIE)
        && let Err(e) = state.recovery.staff_sign_out(&token, state.clock.now()).await
    {
        tracing::error!(error = %e, "a staff session could not be ended");
    }
    visit.cookies.clear_secret(COOKIE);
    see_other("/staff/?signed_out=1", &visit.cookies)
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    _fields: Fields,
) -> Response {
    let mut console = match Console::for_password(&state, visit, &ip).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Some(s) = console.caller.session()
        && let Err(e) = state.recovery.staff_sign_out_everywhere(&s.staff_id, state.clock.now()).await
    {
        return console.unavailable(&state, &e);
    }
    console.visit.cookies.clear_secret(COOKIE);
    see_other("/staff/?signed_out=1", &console.visit.cookies)
}
