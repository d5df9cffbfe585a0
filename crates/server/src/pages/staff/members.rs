//! `/staff/members`: the administrators' list of staff members, enrolment (the one-time
//! initial password and the TOTP secret as an `otpauth://` URI and its QR code, drawn as SVG
//! rectangles so that the strict CSP holds), disabling and resetting. The enrolment page is
//! the answer to the post itself, never a URL: it shows secrets once.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use minijinja::value::Value;
use reissue_core::staff::{Enrolment, Permission, StaffError, StaffRole};
use secrecy::ExposeSecret;

use super::{Console, date_time, role_label};
use crate::AppState;
use crate::client::ClientIp;
use crate::pages::{Fields, FormErrors, Visit, see_other};

const LIST: &str = "/staff/members";

/// A QR code as SVG rectangles: one `<rect>` per dark module, with a quiet zone of four.
pub fn qr_rects(text: &str) -> Option<(usize, Vec<(usize, usize)>)> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut rects = Vec::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            rects.push((i % width + 4, i / width + 4));
        }
    }
    Some((width + 8, rects))
}

async fn render_list(
    state: &AppState,
    console: &Console,
    fields: Option<&Fields>,
    errors: &FormErrors,
    notice: &str,
) -> Response {
    let lang = console.lang();
    let members = match state.recovery.list_staff().await {
        Ok(m) => m,
        Err(e) => return console.unavailable(state, &e),
    };
    let me = console.caller.session().map(|s| s.login.to_string()).unwrap_or_default();
    let rows: Vec<Value> = members
        .iter()
        .map(|m| {
            let disable = format!("{LIST}/{}/disable", m.login);
            let reset = format!("{LIST}/{}/reset", m.login);
            minijinja::context! {
                login => m.login.to_string(), name => m.display_name.clone(),
                role => role_label(state, lang, m.role),
                status => state.site.t(lang, &format!("staff-member-{}", m.status.as_str()), &[]),
                active => m.status.as_str() == "active", locked => m.locked, me => m.login.as_str() == me,
                must_change => m.must_change_password,
                last_sign_in => m.last_sign_in_at.map(|t| date_time(state, lang, t)).unwrap_or_default(),
                disable_action => disable.clone(), disable_csrf => console.visit.form_token(state, &disable),
                reset_action => reset.clone(), reset_csrf => console.visit.form_token(state, &reset),
            }
        })
        .collect();
    let roles: Vec<Value> = StaffRole::ALL
        .iter()
        .map(|r| {
            minijinja::context! { value => r.as_str(), label => role_label(state, lang, *r),
            selected => fields.is_some_and(|f| f.get("role") == r.as_str()) }
        })
        .collect();
    let (errs, error_of) = errors.context();
    let value = |n: &str| fields.map_or("", |f| f.get(n)).to_owned();
    let ctx = minijinja::context! {
        rows, roles, csrf => console.visit.form_token(state, LIST), action => LIST,
        login => value("login"), name => value("name"), errors => errs, error_of,
        notice => if notice.is_empty() { String::new() } else { console.t(state, notice) },
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    console.page(state, "staff_members.html", LIST, ctx).status(status).render(&state.site)
}

pub async fn list(State(state): State<AppState>, ip: ClientIp, visit: Visit, uri: Uri) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ManageStaff).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let notice = if uri.query() == Some("disabled=1") { "staff-notice-member-disabled" } else { "" };
    render_list(&state, &console, None, &FormErrors::default(), notice).await
}

fn enrolment_page(state: &AppState, console: &Console, e: &Enrolment) -> Response {
    let uri = e.otpauth_uri.expose_secret();
    let (size, rects) = qr_rects(uri).unwrap_or_default();
    let rects: Vec<Value> = rects.into_iter().map(|(x, y)| minijinja::context! { x, y }).collect();
    let ctx = minijinja::context! {
        login => e.login.to_string(), initial_password => e.initial_password.expose_secret(),
        otpauth_uri => uri, qr_size => size, qr_rects => rects, list_href => LIST,
    };
    console.page(state, "staff_enrolment.html", LIST, ctx).render(&state.site)
}

pub async fn enrol(State(state): State<AppState>, ip: ClientIp, visit: Visit, fields: Fields) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ManageStaff).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = FormErrors::default();
    let Some(role) = StaffRole::parse(fields.get("role")) else {
        errors.add("role", console.t(&state, "staff-error-role"));
        return render_list(&state, &console, Some(&fields), &errors, "").await;
    };
    let actor = console.caller.requester.actor.clone();
    match state.recovery.enrol_staff(fields.get("login"), role, fields.get("name"), &actor, state.clock.now()).await {
        Ok(e) => enrolment_page(&state, &console, &e),
        Err(StaffError::InvalidLogin(_)) => {
            errors.add("login", console.t(&state, "staff-error-staff-login"));
            render_list(&state, &console, Some(&fields), &errors, "").await
        }
        Err(StaffError::LoginTaken(_)) => {
            errors.add("login", console.t(&state, "staff-error-login-taken"));
            render_list(&state, &console, Some(&fields), &errors, "").await
        }
        Err(StaffError::InvalidName) => {
            errors.add("name", console.t(&state, "staff-error-staff-name"));
            render_list(&state, &console, Some(&fields), &errors, "").await
        }
        Err(e) => console.unavailable(&state, &e),
    }
}

pub async fn disable(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(login): Path<String>,
    _fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ManageStaff).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.recovery.disable_staff(&login, &console.caller.requester.actor, state.clock.now()).await {
        Ok(()) => see_other(&format!("{LIST}?disabled=1"), &console.visit.cookies),
        Err(StaffError::UnknownStaff(_) | StaffError::InvalidLogin(_)) => {
            console.message(&state, StatusCode::NOT_FOUND, "staff-bad-request-title", "staff-bad-request-body")
        }
        Err(e) => console.unavailable(&state, &e),
    }
}

pub async fn reset(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(login): Path<String>,
    _fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ManageStaff).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.recovery.reset_staff(&login, &console.caller.requester.actor, state.clock.now()).await {
        Ok(e) => enrolment_page(&state, &console, &e),
        Err(StaffError::UnknownStaff(_) | StaffError::InvalidLogin(_)) => {
            console.message(&state, StatusCode::NOT_FOUND, "staff-bad-request-title", "staff-bad-request-body")
        }
        Err(e) => console.unavailable(&state, &e),
    }
}
