//! A proxy's case between its two visits: the inquiry letter's PDF (printable until the case
//! is marked mailed, which leaves the check code only on the letter), "mailed", "returned"
//! with a reason, and the second visit with the check code from the letter — refused on the
//! day the case was opened (with the first day it can be), and with a wrong code (with the
//! tries left; the fifth closes the case). And every case's receipt PDF.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use reissue_core::staff::Permission;

use super::case::{Extra, answer, show};
use super::counter_errors;
use crate::AppState;
use crate::client::ClientIp;
use crate::counter_desk::{
    CounterPdf, CounterPdfError, inquiry_pdf as render_inquiry, pdf_response, receipt_pdf as render_receipt,
};
use crate::pages::staff::Console;
use crate::pages::{Fields, Visit};

/// The PDF, or the case page saying why there is none (`place` names where).
async fn pdf_answer(
    state: &AppState,
    console: &Console,
    reference: &str,
    pdf: Result<CounterPdf, CounterPdfError>,
    place: &'static str,
) -> Response {
    let mut extra = Extra::default();
    match pdf {
        Ok(pdf) => {
            let mut resp = pdf_response(pdf);
            console.visit.cookies.apply(resp.headers_mut());
            resp
        }
        Err(CounterPdfError::NoFont(_)) => {
            extra.errors.add(place, console.t(state, "staff-error-no-font"));
            show(state, console, reference, extra, StatusCode::SERVICE_UNAVAILABLE).await
        }
        Err(CounterPdfError::Counter(e)) => {
            match counter_errors(state, console, e, &mut extra.errors, &|_| place.to_owned()) {
                Ok(status) => show(state, console, reference, extra, status).await,
                Err(r) => r,
            }
        }
        Err(CounterPdfError::Layout(_)) => {
            extra.errors.add(place, console.t(state, "staff-counter-error-letter-layout"));
            show(state, console, reference, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e @ CounterPdfError::Render(_)) => console.unavailable(state, &e),
    }
}

/// The inquiry letter to print (`inquiry_ready` only).
pub async fn inquiry_pdf(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(reference): Path<String>,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let pdf = render_inquiry(&state, &reference, &console.caller.requester, state.clock.now()).await;
    pdf_answer(&state, &console, &reference, pdf, "inquiry").await
}

/// The receipt to hand over.
pub async fn receipt_pdf(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(reference): Path<String>,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let pdf = render_receipt(&state, &reference, &console.caller.requester, state.clock.now()).await;
    pdf_answer(&state, &console, &reference, pdf, "receipt").await
}

pub async fn inquiry_mailed(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(reference): Path<String>,
    _fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let result = state.recovery.mark_inquiry_mailed(&reference, &console.caller.requester, state.clock.now()).await;
    answer(&state, &console, &reference, result, "mailed", Extra::default(), &|_| "inquiry".to_owned()).await
}

pub async fn inquiry_returned(
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
    let who = &console.caller.requester;
    let result =
        state.recovery.record_inquiry_returned(&reference, fields.get("returned_reason"), who, state.clock.now()).await;
    let extra = Extra { fields: Some(&fields), form: "returned", ..Extra::default() };
    answer(&state, &console, &reference, result, "returned", extra, &|_| "returned_reason".to_owned()).await
}

/// The second visit: the check code is never shown again, not even the one just typed.
pub async fn second_visit(
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
    let who = &console.caller.requester;
    let result = state.recovery.second_visit(&reference, fields.get("check_code"), who, state.clock.now()).await;
    // After the fifth wrong code the form is gone: the message points at the case's state.
    let place = |f: &str| if f == "check_code_refused" { "state" } else { "check_code" }.to_owned();
    answer(&state, &console, &reference, result, "second_visit", Extra::default(), &place).await
}
