//! `/staff/approvals`: the actions the four-eyes rule holds, with approve (a fresh TOTP code)
//! and reject (a reason). Nobody approves their own: the procedure refuses it and the page
//! says so.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use minijinja::value::Value;
use reissue_core::staff::Permission;

use super::{Console, FreshTotp, date_time, helpdesk_errors};
use crate::AppState;
use crate::client::ClientIp;
use crate::pages::{Fields, FormErrors, Visit, see_other};

const LIST: &str = "/staff/approvals";

async fn render(
    state: &AppState,
    console: &Console,
    notice: &str,
    errors: &FormErrors,
    status: StatusCode,
) -> Response {
    let lang = console.lang();
    let actions = match state.recovery.staff_actions(100).await {
        Ok(a) => a,
        Err(e) => return console.unavailable(state, &e),
    };
    let me = console.caller.requester.actor.to_string();
    let rows: Vec<Value> = actions
        .iter()
        .map(|a| {
            let approve = format!("{LIST}/{}/approve", a.id);
            let reject = format!("{LIST}/{}/reject", a.id);
            minijinja::context! {
                id => a.id,
                action => super::accounts::label_or(state, lang, &format!("staff-action-{}", a.action.replace('_', "-")), &a.action),
                login_id => a.login_id.clone().unwrap_or_default(),
                reason => a.payload.get("reason").and_then(|r| r.as_str()).unwrap_or_default().to_owned(),
                requested_by => a.requested_by.clone(),
                requested_at => date_time(state, lang, a.requested_at),
                pending => a.state == "pending",
                own => a.requested_by == me,
                state => super::accounts::label_or(state, lang, &format!("staff-approval-{}", a.state), &a.state),
                decided_by => a.decided_by.clone().unwrap_or_default(),
                approve_action => approve.clone(), approve_csrf => console.visit.form_token(state, &approve),
                reject_action => reject.clone(), reject_csrf => console.visit.form_token(state, &reject),
            }
        })
        .collect();
    let (errs, error_of) = errors.context();
    let notice = if notice.is_empty() { String::new() } else { console.t(state, notice) };
    let ctx = minijinja::context! { rows, notice, errors => errs, error_of };
    console.page(state, "staff_approvals.html", LIST, ctx).status(status).render(&state.site)
}

pub async fn list(State(state): State<AppState>, ip: ClientIp, visit: Visit, uri: Uri) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::Approve).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let notice = match uri.query().unwrap_or("") {
        "done=approved" => "staff-notice-approved",
        "done=rejected" => "staff-notice-rejected",
        _ => "",
    };
    render(&state, &console, notice, &FormErrors::default(), StatusCode::OK).await
}

pub async fn approve(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(id): Path<i64>,
    fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::Approve).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut errors = FormErrors::default();
    match console.fresh_totp(&state, fields.get("totp"), state.clock.now()).await {
        Ok(()) => match state.recovery.approve_action(id, &console.caller.requester, state.clock.now()).await {
            Ok(_) => {
                state.wake.notify_one();
                return see_other(&format!("{LIST}?done=approved"), &console.visit.cookies);
            }
            Err(e) => {
                if let Err(r) = helpdesk_errors(&state, &console, e, &mut errors) {
                    return r;
                }
            }
        },
        Err(FreshTotp::Wrong(k)) => errors.add("totp", console.t(&state, k)),
        Err(FreshTotp::Failed(r)) => return r,
    }
    render(&state, &console, "", &errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn reject(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(id): Path<i64>,
    fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::Approve).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let who = &console.caller.requester;
    match state.recovery.reject_action(id, fields.get("reason"), who, state.clock.now()).await {
        Ok(()) => see_other(&format!("{LIST}?done=rejected"), &console.visit.cookies),
        Err(e) => {
            let mut errors = FormErrors::default();
            if let Err(r) = helpdesk_errors(&state, &console, e, &mut errors) {
                return r;
            }
            render(&state, &console, "", &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
