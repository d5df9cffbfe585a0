//! `/voice-application`: P1, "Requesting Password Reset Code". The customer gives a login ID
//! and a date of birth in three numeric fields; whatever matched, the answer is the same
//! redirect at the same deadline to the same page.

use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use reissue_core::account::{LoginId, parse_date};
use reissue_core::procedures::Requester;
use reissue_core::text::digits_only;

use super::{Fields, FormErrors, Page, Visit, see_other};
use crate::AppState;
use crate::client::ClientIp;
use crate::routes::in_background_at_deadline;

const PATH: &str = "/voice-application";

fn form(state: &AppState, visit: &Visit, fields: Option<&Fields>, errors: &FormErrors) -> Page {
    let (errors, error_of) = errors.context();
    let value = |name: &str| fields.map_or("", |f| f.get(name)).to_owned();
    let ctx = minijinja::context! {
        csrf => visit.form_token(state, PATH),
        action => PATH,
        login_id => value("login_id"),
        birth_year => value("birth_year"),
        birth_month => value("birth_month"),
        birth_day => value("birth_day"),
        errors, error_of,
        voice_hours => state.recovery.rules().voice_code_ttl_secs / 3600,
    };
    Page::new(visit, "voice_application.html", ctx)
}

pub async fn show(State(state): State<AppState>, visit: Visit) -> Response {
    form(&state, &visit, None, &FormErrors::default()).render(&state.site)
}

/// The date of birth from its three fields, as `YYYY-MM-DD`, or which field is wrong.
fn birth_date(f: &Fields) -> Result<String, &'static str> {
    let number = |name: &'static str, len: std::ops::RangeInclusive<usize>, range: std::ops::RangeInclusive<u32>| {
        digits_only(f.get(name))
            .filter(|d| len.contains(&d.len()))
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|n| range.contains(n))
            .ok_or(name)
    };
    let year = number("birth_year", 4..=4, 1800..=9999)?;
    let month = number("birth_month", 1..=2, 1..=12)?;
    let day = number("birth_day", 1..=2, 1..=31)?;
    let date = format!("{year:04}-{month:02}-{day:02}");
    parse_date("birth_date", &date).map_err(|_| "birth_day")?;
    Ok(date)
}

pub async fn submit(State(state): State<AppState>, ip: ClientIp, visit: Visit, fields: Fields) -> Response {
    let started = Instant::now();
    let site = &state.site;
    let mut errors = FormErrors::default();
    if LoginId::parse(fields.get("login_id")).is_err() {
        errors.add("login_id", site.t(visit.lang, "error-login-id", &[]));
    }
    let date = birth_date(&fields);
    if let Err(field) = date {
        errors.add(field, site.t(visit.lang, "error-birth-date", &[]));
    }
    let (Ok(date), true) = (date, errors.is_empty()) else {
        return form(&state, &visit, Some(&fields), &errors).status(StatusCode::BAD_REQUEST).render(site);
    };
    let login_id = fields.get("login_id").to_owned();
    let (recovery, now) = (state.recovery.clone(), state.clock.now());
    let work =
        async move { recovery.apply_for_voice_code(&login_id, &date, &Requester::public(ip.audit()), now).await };
    in_background_at_deadline(&state, started, "voice_application", work).await;
    see_other("/voice-application/sent", &visit.cookies)
}

/// The one page every application ends on.
pub async fn sent(State(state): State<AppState>, visit: Visit) -> Response {
    let ctx = minijinja::context! { voice_hours => state.recovery.rules().voice_code_ttl_secs / 3600 };
    Page::new(&visit, "voice_application_sent.html", ctx).render(&state.site)
}
