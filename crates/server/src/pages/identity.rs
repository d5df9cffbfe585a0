//! `/password-initialization` (P5: a temporary password to the registered e-mail) and
//! `/login-id-notification` (P6: the login IDs to the registered e-mail), both by matching a
//! name, phone number and e-mail (seed 001). Whatever matched, each answers the same redirect
//! at the same deadline to the same page.

use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use reissue_core::account::{Email, LoginId};
use reissue_core::identity::{TypedName, parse_phone};
use reissue_core::procedures::{Identity, Requester};

use super::{Fields, FormErrors, Page, Visit, see_other};
use crate::AppState;
use crate::client::ClientIp;
use crate::routes::in_background_at_deadline;

const INITIALIZATION: &str = "/password-initialization";
const REMINDER: &str = "/login-id-notification";

fn form(
    state: &AppState,
    visit: &Visit,
    template: &'static str,
    action: &str,
    fields: Option<&Fields>,
    errors: &FormErrors,
) -> Page {
    let (errors, error_of) = errors.context();
    let value = |name: &str| fields.map_or("", |f| f.get(name)).to_owned();
    let country = fields.map_or("JP", |f| f.get("phone_country")).to_owned();
    let ctx = minijinja::context! {
        csrf => visit.form_token(state, action),
        action => action,
        login_id => value("login_id"),
        name => value("name"),
        phone_country => if country.is_empty() { "JP".to_owned() } else { country },
        phone_number => value("phone_number"),
        email => value("email"),
        errors, error_of,
        temporary_hours => state.recovery.rules().temporary_password_ttl_secs / 3600,
    };
    Page::new(visit, template, ctx)
}

/// The identity fields parsed, or each one's error in the page's language.
fn identity(state: &AppState, visit: &Visit, f: &Fields, errors: &mut FormErrors) -> Option<Identity> {
    let t = |key: &str| state.site.t(visit.lang, key, &[]);
    let name = TypedName::parse(f.get("name")).map_err(|_| errors.add("name", t("error-name"))).ok();
    let phone = match parse_phone(f.get("phone_country"), f.get("phone_number")) {
        Ok(p) => Some(p),
        Err(e) if e.field == "phone_country" => {
            errors.add("phone_country", t("error-phone-country"));
            None
        }
        Err(_) => {
            errors.add("phone_number", t("error-phone-number"));
            None
        }
    };
    let email = Email::parse(f.get("email")).map_err(|_| errors.add("email", t("error-email"))).ok();
    Some(Identity { name: name?, phone: phone?, email: email? })
}

pub async fn show_initialization(State(state): State<AppState>, visit: Visit) -> Response {
    form(&state, &visit, "password_initialization.html", INITIALIZATION, None, &FormErrors::default())
        .render(&state.site)
}

pub async fn submit_initialization(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    fields: Fields,
) -> Response {
    let started = Instant::now();
    let mut errors = FormErrors::default();
    let login_id = LoginId::parse(fields.get("login_id"))
        .map_err(|_| errors.add("login_id", state.site.t(visit.lang, "error-login-id", &[])))
        .ok();
    let who = identity(&state, &visit, &fields, &mut errors);
    let (Some(login_id), Some(who), true) = (login_id, who, errors.is_empty()) else {
        return form(&state, &visit, "password_initialization.html", INITIALIZATION, Some(&fields), &errors)
            .status(StatusCode::BAD_REQUEST)
            .render(&state.site);
    };
    let (recovery, now) = (state.recovery.clone(), state.clock.now());
    let work = async move { recovery.initialize_password(&login_id, &who, &Requester::public(ip.audit()), now).await };
    in_background_at_deadline(&state, started, "password_initialization", work).await;
    see_other("/password-initialization/sent", &visit.cookies)
}

pub async fn initialization_sent(State(state): State<AppState>, visit: Visit) -> Response {
    let ctx = minijinja::context! { temporary_hours => state.recovery.rules().temporary_password_ttl_secs / 3600 };
    Page::new(&visit, "password_initialization_sent.html", ctx).render(&state.site)
}

pub async fn show_reminder(State(state): State<AppState>, visit: Visit) -> Response {
    form(&state, &visit, "login_id_notification.html", REMINDER, None, &FormErrors::default()).render(&state.site)
}

pub async fn submit_reminder(State(state): State<AppState>, ip: ClientIp, visit: Visit, fields: Fields) -> Response {
    let started = Instant::now();
    let mut errors = FormErrors::default();
    let who = identity(&state, &visit, &fields, &mut errors);
    let (Some(who), true) = (who, errors.is_empty()) else {
        return form(&state, &visit, "login_id_notification.html", REMINDER, Some(&fields), &errors)
            .status(StatusCode::BAD_REQUEST)
            .render(&state.site);
    };
    let (recovery, now) = (state.recovery.clone(), state.clock.now());
    let work = async move { recovery.remind_login_ids(&who, &Requester::public(ip.audit()), now).await };
    in_background_at_deadline(&state, started, "login_id_reminder", work).await;
    see_other("/login-id-notification/sent", &visit.cookies)
}

pub async fn reminder_sent(State(state): State<AppState>, visit: Visit) -> Response {
    Page::new(&visit, "login_id_notification_sent.html", minijinja::context! {}).render(&state.site)
}
