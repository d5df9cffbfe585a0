//! The demo's hands in JSON: answer a simulated call, press keys, read the built-in mailbox
//! (`GET /demo/mailbox` answers JSON here unless a browser asks for HTML: `pages/demo.rs`).
//! Mounted only with `serve --demo`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use reissue_delivery::mail::Delivered;
use reissue_delivery::voice::phone::{CallView, PhoneError};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, ErrorCode};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/demo/clock", get(clock).post(advance_clock))
        .route("/demo/calls", get(calls))
        .route("/demo/calls/{sid}", get(call))
        .route("/demo/calls/{sid}/answer", post(answer))
        .route("/demo/calls/{sid}/keys", post(keys))
        .route("/demo/calls/{sid}/wait", post(wait))
        .route("/demo/calls/{sid}/hangup", post(hang_up))
        .route("/demo/calls/{sid}/fail", post(fail))
}

fn demo(state: &AppState) -> Result<&crate::Demo, ApiError> {
    state.demo.as_ref().ok_or_else(ApiError::not_found)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    /// Seconds to move the demo's clock forward (a day: 86400).
    advance_secs: i64,
}

fn clock_body(c: &crate::DemoClock) -> Json<serde_json::Value> {
    let now = crate::Clock::now(c);
    Json(serde_json::json!({
        "now": now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "ahead_secs": c.ahead().whole_seconds(),
    }))
}

/// `GET /demo/clock`: the demo's time and how far ahead of the wall clock it is.
async fn clock(State(state): State<AppState>) -> Result<Response, ApiError> {
    let c = demo(&state)?.clock.as_ref().ok_or_else(ApiError::not_found)?;
    Ok(clock_body(c).into_response())
}

/// `POST /demo/clock {"advance_secs": 86400}`: moves the demo's clock forward, never back.
async fn advance_clock(
    State(state): State<AppState>,
    payload: Result<Json<Advance>, JsonRejection>,
) -> Result<Response, ApiError> {
    let c = demo(&state)?.clock.as_ref().ok_or_else(ApiError::not_found)?;
    let Json(a) = payload.map_err(ApiError::from)?;
    if !c.advance(time::Duration::seconds(a.advance_secs)) {
        let max = crate::DemoClock::MAX_AHEAD.whole_days();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidField,
            format!("advance_secs must be positive, and the clock at most {max} days ahead in all"),
        )
        .field("advance_secs"));
    }
    Ok(clock_body(c).into_response())
}

fn phone_error(e: PhoneError) -> ApiError {
    match e {
        PhoneError::NoSuchCall(_) => ApiError::not_found(),
        other => ApiError::new(StatusCode::CONFLICT, ErrorCode::CallState, other.to_string()),
    }
}

/// What `GET /demo/calls` answers; the phone page carries it too, to see when it changes.
pub(crate) fn calls_json(calls: &[CallView]) -> serde_json::Value {
    serde_json::json!({ "calls": calls })
}

/// What `GET /demo/mailbox` answers as JSON; the mailbox page carries it too.
pub(crate) fn mailbox_json(messages: &[Delivered]) -> serde_json::Value {
    serde_json::json!({ "messages": messages })
}

async fn calls(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(calls_json(&demo(&state)?.phone.calls())).into_response())
}

async fn call(State(state): State<AppState>, Path(sid): Path<String>) -> Result<Response, ApiError> {
    let c = demo(&state)?.phone.call(&sid).ok_or_else(ApiError::not_found)?;
    Ok(Json(c).into_response())
}

async fn answer(State(state): State<AppState>, Path(sid): Path<String>) -> Result<Response, ApiError> {
    let c = demo(&state)?.phone.answer(&sid).await.map_err(phone_error)?;
    Ok(Json(c).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    keys: String,
}

async fn keys(
    State(state): State<AppState>,
    Path(sid): Path<String>,
    payload: Result<Json<Keys>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(k) = payload.map_err(ApiError::from)?;
    let c = demo(&state)?.phone.press(&sid, &k.keys).await.map_err(|e| match e {
        PhoneError::BadKeys => ApiError::bad_request(ErrorCode::InvalidField, e.to_string()).field("keys"),
        other => phone_error(other),
    })?;
    Ok(Json(c).into_response())
}

async fn wait(State(state): State<AppState>, Path(sid): Path<String>) -> Result<Response, ApiError> {
    let c = demo(&state)?.phone.wait(&sid).await.map_err(phone_error)?;
    Ok(Json(c).into_response())
}

async fn hang_up(State(state): State<AppState>, Path(sid): Path<String>) -> Result<Response, ApiError> {
    let c = demo(&state)?.phone.hang_up(&sid).await.map_err(phone_error)?;
    Ok(Json(c).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fail {
    status: String,
}

async fn fail(
    State(state): State<AppState>,
    Path(sid): Path<String>,
    payload: Result<Json<Fail>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(f) = payload.map_err(ApiError::from)?;
    if !matches!(f.status.as_str(), "no-answer" | "busy" | "failed") {
        return Err(
            ApiError::bad_request(ErrorCode::InvalidField, "status must be no-answer, busy or failed").field("status")
        );
    }
    let c = demo(&state)?.phone.fail(&sid, &f.status).await.map_err(phone_error)?;
    Ok(Json(c).into_response())
}

pub(crate) async fn mailbox(State(state): State<AppState>) -> Result<Response, ApiError> {
    let mb = demo(&state)?.mailbox.as_ref().ok_or_else(ApiError::not_found)?;
    Ok(Json(mailbox_json(&mb.messages())).into_response())
}
