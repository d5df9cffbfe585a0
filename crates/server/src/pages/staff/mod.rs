//! The staff console under `/staff/`: the help desk, the postal operators' batches, the
//! counter's cases, the approvals of the four-eyes rule and the administrators' staff list, as pages with the same
//! technology as the customer's (templates, catalogue, form tokens, 303 after a post). One
//! module per area; this one holds the routes, the session cookie's guard, the navigation a
//! role sees and the `403` page for what it may not do.
//!
//! The session token lives only in the secret cookie `staff` (`HttpOnly`, `SameSite=Strict`,
//! `__Host-` over https), for the browser session: the server ends it after its idle and
//! absolute lifetimes (`[staff]`), and signing out ends it in the database.

// A refusal here is the page to answer with, built once per request: boxing it would buy
// nothing.
#![allow(clippy::result_large_err)]

mod accounts;
mod approvals;
mod batches;
mod counter;
mod members;
mod postal;
mod sign_in;
mod upload;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use minijinja::value::Value;
use reissue_core::account::Language;
use reissue_core::catalogue::Arg;
use reissue_core::procedures::helpdesk::HelpDeskError;
use reissue_core::procedures::postal::{PostalError, PostalIneligibility};
use reissue_core::staff::{Permission, StaffAuthError, StaffRole};
use secrecy::SecretString;
use time::OffsetDateTime;

use super::{FormErrors, Page, Visit, message, see_other};
use crate::AppState;
use crate::client::ClientIp;
use crate::staff_auth::{StaffCaller, from_session_token};

/// The secret cookie that holds a staff session's token.
pub const COOKIE: &str = "staff";

/// The console's sign-in page, where a visit without a session goes.
const SIGN_IN: &str = "/staff/";
const PASSWORD: &str = "/staff/password";

/// The console's routes, mounted by `pages::routes` (under the pages' headers and the per-IP
/// budget on posts).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(|| async { axum::response::Redirect::permanent(SIGN_IN) }))
        .route("/staff/", get(sign_in::show).post(sign_in::submit))
        .route("/staff/password", get(sign_in::show_password).post(sign_in::submit_password))
        .route("/staff/sign-out", post(sign_in::sign_out))
        .route("/staff/sign-out-everywhere", post(sign_in::sign_out_everywhere))
        .route("/staff/accounts", get(accounts::search_form).post(accounts::search))
        .route("/staff/accounts/{login_id}", get(accounts::view))
        .route("/staff/accounts/{login_id}/reveal", post(accounts::reveal))
        .route("/staff/accounts/{login_id}/action", post(accounts::action))
        .route("/staff/accounts/{login_id}/postal", get(postal::form).post(postal::apply))
        .route("/staff/accounts/{login_id}/postal/{reference}", get(postal::applied))
        .route("/staff/channels", post(accounts::channel))
        .route("/staff/approvals", get(approvals::list))
        .route("/staff/approvals/{id}/approve", post(approvals::approve))
        .route("/staff/approvals/{id}/reject", post(approvals::reject))
        .route("/staff/batches", get(batches::show))
        .route("/staff/batches/close", post(batches::close))
        .route("/staff/batches/{id}/export", post(batches::export))
        .route("/staff/batches/import", post(batches::import))
        .route("/staff/counter", get(counter::list))
        .route("/staff/counter/open", get(counter::open_form).post(counter::open))
        .route("/staff/counter/{reference}", get(counter::view))
        .route("/staff/counter/{reference}/items", post(counter::record_item))
        .route("/staff/counter/{reference}/pin-step", post(counter::terminal_pin_step))
        .route("/staff/counter/{reference}/case-token", post(counter::case_token))
        .route("/staff/counter/{reference}/inquiry.pdf", get(counter::inquiry_pdf))
        .route("/staff/counter/{reference}/inquiry/mailed", post(counter::inquiry_mailed))
        .route("/staff/counter/{reference}/inquiry/returned", post(counter::inquiry_returned))
        .route("/staff/counter/{reference}/second-visit", post(counter::second_visit))
        .route("/staff/counter/{reference}/receipt.pdf", get(counter::receipt_pdf))
        .route("/staff/counter/{reference}/cancel", post(counter::cancel))
        .route("/staff/members", get(members::list).post(members::enrol))
        .route("/staff/members/{login}/disable", post(members::disable))
        .route("/staff/members/{login}/reset", post(members::reset))
}

/// A signed-in staff member's visit.
#[derive(Debug)]
pub struct Console {
    pub caller: StaffCaller,
    pub visit: Visit,
}

impl Console {
    /// The session the cookie names, or the answer to give instead: the sign-in page (the
    /// session ended or never was), or the new-password form while the initial password is
    /// still to be replaced.
    pub async fn of(state: &AppState, visit: Visit, ip: &ClientIp) -> Result<Self, Response> {
        Self::any(state, visit, ip, false).await
    }

    async fn any(state: &AppState, mut visit: Visit, ip: &ClientIp, for_password: bool) -> Result<Self, Response> {
        let token = visit.cookies.get_secret(COOKIE).filter(|t| !t.is_empty() && t.len() <= 128);
        let caller = match token {
            Some(t) => from_session_token(state, &t, ip.audit()).await,
            None => None,
        };
        let Some(caller) = caller else {
            if visit.cookies.get_secret(COOKIE).is_some() {
                visit.cookies.clear_secret(COOKIE);
                return Err(see_other("/staff/?ended=1", &visit.cookies));
            }
            return Err(see_other(SIGN_IN, &visit.cookies));
        };
        let must_change = caller.session().is_some_and(|s| s.must_change_password);
        if must_change && !for_password {
            return Err(see_other(PASSWORD, &visit.cookies));
        }
        Ok(Self { caller, visit })
    }

    /// The same, for the new-password form itself.
    pub async fn for_password(state: &AppState, visit: Visit, ip: &ClientIp) -> Result<Self, Response> {
        Self::any(state, visit, ip, true).await
    }

    pub fn lang(&self) -> Language {
        self.visit.lang
    }

    /// `Ok` when the caller may do `p`; otherwise the `403` page in their language.
    /// The signed-in caller, if they may do `p`; the sign-in redirect or the 403 page if not.
    pub async fn with(state: &AppState, visit: Visit, ip: &ClientIp, p: Permission) -> Result<Self, Response> {
        let console = Self::of(state, visit, ip).await?;
        console.require(state, p)?;
        Ok(console)
    }

    pub fn require(&self, state: &AppState, p: Permission) -> Result<(), Response> {
        if self.caller.may(p) {
            Ok(())
        } else {
            Err(self.message(state, StatusCode::FORBIDDEN, "staff-forbidden-title", "staff-forbidden-body"))
        }
    }

    pub fn t(&self, state: &AppState, key: &str) -> String {
        state.site.t(self.visit.lang, key, &[])
    }

    /// A console page: `template` with `ctx`, the navigation of the caller's role (`current`
    /// marked) and the sign-out forms.
    pub fn page(&self, state: &AppState, template: &'static str, current: &str, ctx: Value) -> Page {
        let lang = self.visit.lang;
        let nav: Vec<Value> = NAV
            .iter()
            .filter(|(_, _, p)| self.caller.may(*p))
            .map(|(href, key, _)| {
                minijinja::context! { href => *href, label => state.site.t(lang, key, &[]), current => *href == current }
            })
            .collect();
        let (name, login) = match self.caller.session() {
            Some(s) => (s.display_name.clone(), s.login.to_string()),
            None => (String::new(), String::new()),
        };
        let console = minijinja::context! {
            nav => nav,
            staff_name => name,
            staff_login => login,
            staff_role => role_label(state, lang, self.caller.role()),
            sign_out_csrf => self.visit.form_token(state, "/staff/sign-out"),
            sign_out_all_csrf => self.visit.form_token(state, "/staff/sign-out-everywhere"),
            signed_in => true,
        };
        Page::new(&self.visit, template, minijinja::context! { ..ctx, ..console })
    }

    /// A console page with a title and one paragraph.
    pub fn message(&self, state: &AppState, status: StatusCode, title: &str, body: &str) -> Response {
        let body = self.t(state, body);
        self.message_with(state, status, title, body)
    }

    pub fn message_with(&self, state: &AppState, status: StatusCode, title: &str, body: String) -> Response {
        let ctx = minijinja::context! { title => self.t(state, title), body => body };
        self.page(state, "staff_message.html", "", ctx).status(status).render(&state.site)
    }

    /// The page for a storage or internal failure (logged).
    pub fn unavailable(&self, state: &AppState, e: &dyn std::fmt::Display) -> Response {
        tracing::error!(error = %e, "a console page could not be served");
        self.message(state, StatusCode::SERVICE_UNAVAILABLE, "message-unavailable-title", "message-unavailable-body")
    }

    /// Checks the fresh TOTP code a sensitive action asks for; the message to show when wrong.
    pub async fn fresh_totp(&self, state: &AppState, code: &str, now: OffsetDateTime) -> Result<(), FreshTotp> {
        let Some(session) = self.caller.session() else { return Err(FreshTotp::Wrong("staff-error-totp")) };
        let code = SecretString::from(code.trim().to_owned());
        match state.recovery.confirm_fresh_totp(&session.staff_id, &code, now).await {
            Ok(()) => Ok(()),
            Err(StaffAuthError::Refused) => Err(FreshTotp::Wrong("staff-error-totp")),
            Err(StaffAuthError::Locked) => Err(FreshTotp::Wrong("staff-error-locked")),
            Err(StaffAuthError::Busy) => Err(FreshTotp::Wrong("staff-error-busy")),
            Err(e) => Err(FreshTotp::Failed(self.unavailable(state, &e))),
        }
    }
}

/// Why a fresh TOTP was not accepted.
#[derive(Debug)]
pub enum FreshTotp {
    /// A catalogue key for the code field's error.
    Wrong(&'static str),
    /// An answer to give as it is.
    Failed(Response),
}

/// The console's areas: where each is, its name, and the permission that shows it.
/// The counter's cases come first: a counter clerk's console opens on them.
const NAV: [(&str, &str, Permission); 5] = [
    ("/staff/counter", "staff-nav-counter", Permission::CounterCases),
    ("/staff/accounts", "staff-nav-accounts", Permission::ViewAccount),
    ("/staff/approvals", "staff-nav-approvals", Permission::Approve),
    ("/staff/batches", "staff-nav-batches", Permission::ManageBatches),
    ("/staff/members", "staff-nav-members", Permission::ManageStaff),
];

/// Where a signed-in member starts: the first area their role may see.
pub fn home(caller: &StaffCaller) -> &'static str {
    NAV.iter().find(|(_, _, p)| caller.may(*p)).map_or("/staff/password", |(h, _, _)| *h)
}

pub fn role_label(state: &AppState, lang: Language, role: StaffRole) -> String {
    state.site.t(lang, &format!("staff-role-{}", role.as_str().replace('_', "-")), &[])
}

/// A date in the institution's time zone, in `lang`.
pub fn date(state: &AppState, lang: Language, t: OffsetDateTime) -> String {
    state.recovery.institution().time_zone.date(t, lang)
}

/// The last day a code expiring at `expires_at` (the end of a local day) is valid: the date
/// the letter and the e-mail print.
pub fn last_day(state: &AppState, lang: Language, expires_at: OffsetDateTime) -> String {
    date(state, lang, expires_at - time::Duration::seconds(1))
}

/// A date and time in the institution's time zone, in `lang`.
pub fn date_time(state: &AppState, lang: Language, t: OffsetDateTime) -> String {
    state.recovery.institution().time_zone.date_time(t, lang)
}

/// A reason's `YYYY-MM-DD` day as people read it in `lang` (as given, if it is not one).
fn reason_day(state: &AppState, lang: Language, day: &str) -> String {
    match reissue_core::account::parse_date("day", day) {
        Ok(d) => state.recovery.institution().time_zone.day(d, lang),
        Err(_) => day.to_owned(),
    }
}

/// A postal ineligibility in words (`staff-reason-...`).
pub fn postal_reason(state: &AppState, lang: Language, r: &PostalIneligibility) -> String {
    let key = format!("staff-reason-{}", r.code().replace('_', "-"));
    let day = |d: &str| Arg::Text(reason_day(state, lang, d));
    let args: Vec<(&str, Arg)> = match r {
        PostalIneligibility::FraudHold { since } => vec![("since", day(since))],
        PostalIneligibility::AddressUndeliverable { reason, since } => {
            vec![("reason", Arg::Text(return_reason(state, lang, reason))), ("since", day(since))]
        }
        PostalIneligibility::NameChangedRecently { on, eligible_from }
        | PostalIneligibility::AddressChangedRecently { on, eligible_from } => {
            vec![("on", day(on)), ("from", day(eligible_from))]
        }
        _ => Vec::new(),
    };
    state.site.t(lang, &key, &args)
}

/// A returned letter's reason in words.
pub fn return_reason(state: &AppState, lang: Language, reason: &str) -> String {
    let key = format!("staff-return-{}", reason.replace('_', "-"));
    if state.site.catalogue().has(lang, &key) { state.site.t(lang, &key, &[]) } else { reason.to_owned() }
}

/// A voice ineligibility (`ineligible_...`) in words.
pub fn voice_reason(state: &AppState, lang: Language, code: &str) -> String {
    let key = format!("staff-reason-voice-{}", code.trim_start_matches("ineligible_").replace('_', "-"));
    if state.site.catalogue().has(lang, &key) { state.site.t(lang, &key, &[]) } else { code.to_owned() }
}

/// What a help-desk error says, as form errors (the field it names), or the page to show.
pub fn helpdesk_errors(
    state: &AppState,
    console: &Console,
    e: HelpDeskError,
    errors: &mut FormErrors,
) -> Result<(), Response> {
    let lang = console.lang();
    let t = |key: &str| state.site.t(lang, key, &[]);
    match e {
        HelpDeskError::UnknownAccount(_) | HelpDeskError::Postal(PostalError::UnknownAccount(_)) => {
            errors.add("login_id", t("staff-error-unknown-account"));
        }
        HelpDeskError::Invalid { field, .. } | HelpDeskError::Postal(PostalError::Invalid { field, .. }) => {
            let key = match field {
                "reason" => "staff-error-reason",
                "identity_checks" => "staff-error-identity-checks",
                "login_id" => "staff-error-login-id",
                "name" => "staff-error-name",
                "phone" => "staff-error-phone",
                "name_kana" => "staff-error-name-kana",
                "birth_date" => "staff-error-birth-date",
                "search" => "staff-error-search",
                "credential" => "staff-error-credential",
                _ => "staff-error-invalid",
            };
            let field = if field == "search" { "login_id" } else { field };
            errors.add(field, t(key));
        }
        HelpDeskError::NothingToDo(_) => errors.add("reason", t("staff-error-nothing-to-do")),
        HelpDeskError::OwnAction => errors.add("totp", t("staff-error-own-action")),
        HelpDeskError::AlreadyDecided(_) | HelpDeskError::UnknownAction(_) => {
            errors.add("reason", t("staff-error-already-decided"));
        }
        HelpDeskError::Postal(PostalError::Ineligible(reasons)) => {
            for r in &reasons {
                errors.add(&format!("eligibility-{}", r.code()), postal_reason(state, lang, r));
            }
        }
        other => return Err(console.unavailable(state, &other)),
    }
    Ok(())
}

/// The message page for a visit without a console session (the forged-form refusal uses the
/// customer pages' own).
pub fn plain_message(state: &AppState, visit: &Visit, status: StatusCode, title: &str, body: &str) -> Response {
    message(state, visit, status, title, body)
}
