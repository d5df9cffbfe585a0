//! `/staff/accounts/{login_id}/postal`: P4, the help desk applies for a postal reset code for a
//! caller. The form asks what was checked of the caller's identity, a reason and a fresh TOTP
//! code; the account's eligibility is shown with its reasons first. Done, the result page
//! tells staff what to tell the caller: the letter arrives in about a week at the registered
//! address, with its reference and the code's last day (never the code).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use reissue_core::procedures::helpdesk::{AccountView, ActionOutcome, ActionResult, StaffAction};
use reissue_core::procedures::postal::IdentityCheck;
use reissue_core::staff::Permission;

use super::{Console, FreshTotp, date, helpdesk_errors, last_day, postal_reason};
use crate::AppState;
use crate::client::ClientIp;
use crate::pages::{Fields, FormErrors, Visit, see_other};

/// How long a letter takes, as staff tell the caller (the seed: about a week).
const ARRIVES_IN_DAYS: i64 = 7;

fn path_of(login_id: &str) -> String {
    format!("/staff/accounts/{login_id}/postal")
}

fn address_ctx(v: &AccountView) -> minijinja::value::Value {
    let p = &v.account.profile;
    minijinja::context! {
        name => format!("{} {}", p.name.family(), p.name.given()),
        organization => p.organization_name.clone().unwrap_or_default(),
        postal_code => p.address.as_ref().map(|a| a.postal_code.clone()).unwrap_or_default(),
        lines => p.address.as_ref().map(|a| a.lines.clone()).unwrap_or_default(),
    }
}

async fn render_form(
    state: &AppState,
    console: &Console,
    login_id: &str,
    fields: Option<&Fields>,
    errors: &FormErrors,
    status: StatusCode,
) -> Response {
    let lang = console.lang();
    let v = match state.recovery.account_view(login_id, &console.caller.requester, state.clock.now()).await {
        Ok(v) => v,
        Err(reissue_core::procedures::helpdesk::HelpDeskError::UnknownAccount(_))
        | Err(reissue_core::procedures::helpdesk::HelpDeskError::Invalid { .. }) => {
            return console.message(
                state,
                StatusCode::NOT_FOUND,
                "staff-account-not-found-title",
                "staff-account-not-found-body",
            );
        }
        Err(e) => return console.unavailable(state, &e),
    };
    let checks: Vec<_> = IdentityCheck::ALL
        .iter()
        .map(|c| {
            let name = format!("check-{}", c.as_str());
            minijinja::context! {
                name => name.clone(), id => name.replace('_', "-"),
                label => state.site.t(lang, &format!("staff-check-{}", c.as_str().replace('_', "-")), &[]),
                checked => fields.is_some_and(|f| f.get(&name) == "1"),
            }
        })
        .collect();
    let (errs, error_of) = errors.context();
    let path = path_of(login_id);
    let ctx = minijinja::context! {
        login_id => login_id, account_href => format!("/staff/accounts/{login_id}"),
        csrf => console.visit.form_token(state, &path), action => path,
        recipient => address_ctx(&v),
        eligible => v.postal.is_empty(),
        reasons => v.postal.iter().map(|r| postal_reason(state, lang, r)).collect::<Vec<_>>(),
        checks, reason => fields.map_or("", |f| f.get("reason")).to_owned(),
        errors => errs, error_of,
        weeks => state.recovery.rules().postal_code_ttl_secs / (7 * 86_400),
    };
    console.page(state, "staff_postal.html", "/staff/accounts", ctx).status(status).render(&state.site)
}

pub async fn form(State(state): State<AppState>, ip: ClientIp, visit: Visit, Path(login_id): Path<String>) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ApplyPostal).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    render_form(&state, &console, &login_id, None, &FormErrors::default(), StatusCode::OK).await
}

pub async fn apply(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(login_id): Path<String>,
    fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ApplyPostal).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let checks: Vec<IdentityCheck> =
        IdentityCheck::ALL.into_iter().filter(|c| fields.get(&format!("check-{}", c.as_str())) == "1").collect();
    let mut errors = FormErrors::default();
    if checks.is_empty() {
        errors.add("check-name", console.t(&state, "staff-error-identity-checks"));
    }
    if fields.get("reason").trim().is_empty() {
        errors.add("reason", console.t(&state, "staff-error-reason"));
    }
    if errors.is_empty() {
        // The fresh code is spent only on an application that is otherwise complete.
        match console.fresh_totp(&state, fields.get("totp"), state.clock.now()).await {
            Ok(()) => {}
            Err(FreshTotp::Wrong(k)) => errors.add("totp", console.t(&state, k)),
            Err(FreshTotp::Failed(r)) => return r,
        }
    }
    if !errors.is_empty() {
        return render_form(&state, &console, &login_id, Some(&fields), &errors, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    }
    let action = StaffAction::PostalApplication {
        login_id: login_id.clone(),
        reason: fields.get("reason").to_owned(),
        identity_checks: checks,
    };
    match state.recovery.staff_action(action, &console.caller.requester, state.clock.now()).await {
        Ok(ActionOutcome::Done { result: ActionResult::Letter(letter) }) => {
            state.wake.notify_one();
            see_other(&format!("{}/{}", path_of(&login_id), letter.reference), &console.visit.cookies)
        }
        Ok(ActionOutcome::Done { .. }) => see_other(&format!("/staff/accounts/{login_id}"), &console.visit.cookies),
        Ok(ActionOutcome::Pending { id }) => {
            see_other(&format!("/staff/accounts/{login_id}?pending={id}"), &console.visit.cookies)
        }
        Err(e) => {
            if let Err(r) = helpdesk_errors(&state, &console, e, &mut errors) {
                return r;
            }
            render_form(&state, &console, &login_id, Some(&fields), &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// What to tell the caller now.
pub async fn applied(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path((login_id, reference)): Path<(String, String)>,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ApplyPostal).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let lang = console.lang();
    let v = match state.recovery.account_view(&login_id, &console.caller.requester, state.clock.now()).await {
        Ok(v) => v,
        Err(e) => return console.unavailable(&state, &e),
    };
    let Some(letter) = v.letters.iter().find(|l| l.reference == reference) else {
        return console.message(
            &state,
            StatusCode::NOT_FOUND,
            "staff-account-not-found-title",
            "staff-account-not-found-body",
        );
    };
    let arrives = letter.letter.created_at + time::Duration::days(ARRIVES_IN_DAYS);
    let ctx = minijinja::context! {
        login_id => login_id.clone(), account_href => format!("/staff/accounts/{login_id}"),
        reference => reference.clone(),
        arrives => date(&state, lang, arrives),
        expires => letter.letter.code.map(|(_, e)| last_day(&state, lang, e)).unwrap_or_default(),
        recipient => address_ctx(&v),
    };
    console.page(&state, "staff_postal_applied.html", "/staff/accounts", ctx).render(&state.site)
}
