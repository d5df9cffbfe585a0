//! The PIN step: recorded as done on the national terminal (which PINs, and the outcome), or,
//! for a change, a one-time case token for `reissue card change-pin --case`. The token is
//! shown once, big, on the answer to the post that issued it, with the exact command to type
//! at the counter workstation and when it expires; afterwards the case page lists the token
//! with its outcome, never the token.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use reissue_core::counter::{CardPin, PinOutcome};
use reissue_core::procedures::counter::CounterError;
use reissue_core::staff::Permission;

use super::case::{Extra, answer, render_case};
use super::{counter_errors, t};
use crate::AppState;
use crate::client::ClientIp;
use crate::pages::staff::{Console, date_time};
use crate::pages::{Fields, FormErrors, Visit};

/// Records the PIN step as done on the national terminal.
pub async fn terminal_pin_step(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(reference): Path<String>,
    fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let pins: Vec<CardPin> = CardPin::ALL.iter().copied().filter(|p| fields.get(&format!("pin-{p}")) == "1").collect();
    let outcome = PinOutcome::parse(fields.get("outcome").trim())
        .ok_or(CounterError::Invalid { field: "outcome", problem: format!("choose one of {}", PinOutcome::names()) });
    let done = if outcome.as_ref().is_ok_and(|o| *o == PinOutcome::Failure) { "pin_failure" } else { "pin_step" };
    let who = &console.caller.requester;
    let result = match outcome {
        Ok(o) => state.recovery.record_terminal_pin_step(&reference, &pins, o, who, state.clock.now()).await,
        Err(e) => Err(e),
    };
    let place = |field: &str| if field == "outcome" { "outcome" } else { "pins" }.to_owned();
    let extra = Extra { fields: Some(&fields), form: "pin_step", ..Extra::default() };
    answer(&state, &console, &reference, result, done, extra, &place).await
}

/// Issues a case token for one PIN and shows it, this once.
pub async fn case_token(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(reference): Path<String>,
    fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let lang = console.lang();
    let pin = CardPin::parse(fields.get("pin").trim())
        .ok_or(CounterError::Invalid { field: "pin", problem: format!("choose one of {}", CardPin::names()) });
    let who = &console.caller.requester;
    let issued = match pin {
        Ok(p) => state.recovery.issue_case_token(&reference, p, who, state.clock.now()).await,
        Err(e) => Err(e),
    };
    match issued {
        Ok(i) => {
            let token = i.token.grouped();
            let command =
                format!("reissue card change-pin {} --case {token} --server {}", i.pin, state.recovery.public_url());
            let shown = minijinja::context! {
                token, command, pin => t(&state, lang, &i.pin.label_key()),
                expires => date_time(&state, lang, i.expires_at),
            };
            let holder = match state.recovery.counter_holder_name(&i.case).await {
                Ok(h) => h,
                Err(e) => return console.unavailable(&state, &e),
            };
            let extra = Extra { issued: Some(shown), ..Extra::default() };
            render_case(&state, &console, &i.case, holder, extra, StatusCode::OK)
        }
        Err(e) => {
            let mut extra =
                Extra { fields: Some(&fields), form: "case_token", errors: FormErrors::default(), ..Extra::default() };
            match counter_errors(&state, &console, e, &mut extra.errors, &|_| "token_pin".to_owned()) {
                Ok(status) => super::case::show(&state, &console, &reference, extra, status).await,
                Err(r) => r,
            }
        }
    }
}
