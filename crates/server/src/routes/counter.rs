//! The card client's two calls at the counter workstation: `reissue card change-pin PIN
//! --case TOKEN --server URL` claims its one-time case token before it touches the card, and
//! reports the outcome afterwards (success or failure, tries left; never a PIN). The token is
//! the credential (50 random bits, single use, 15 minutes, stored as a MAC); both calls are
//! under the per-IP budget like every public endpoint.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::client::ClientIp;
use crate::error::{ApiError, ErrorBody};
use crate::routes::body;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// The case token shown on the console (`K7QM4-XPA2B`).
    pub token: String,
    /// The PIN about to be changed: `sign`, `auth`, `juki`, `text`.
    pub pin: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// The report token the claim answered.
    pub report_token: String,
    pub pin: String,
    /// `success` or `failure`.
    pub outcome: String,
    /// The PIN's tries left afterwards, read from the card.
    #[serde(default)]
    pub tries_left: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimBody {
    pub case_reference: String,
    pub pin: String,
    /// `change`: a reset is done on the national terminal only.
    pub operation: String,
    /// The secret to report the outcome with; only this client has it.
    pub report_token: String,
    /// The report must arrive before this instant.
    pub report_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportBody {
    pub case_reference: String,
    /// The case's state after the report.
    pub state: String,
    /// The case's PINs still to do.
    pub pins_remaining: Vec<String>,
}

/// Claims a case token before the card is touched: `404 case_token_unknown`, `409
/// case_token_used`, `410 case_token_expired`, `422 case_token_other_pin`, `409
/// case_not_ready`; each changes nothing.
#[utoipa::path(post, path = "/api/v1/counter/case-tokens/claim", request_body = ClaimRequest, tag = "counter",
    responses((status = 200, body = ClaimBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn claim(
    State(state): State<AppState>,
    ip: ClientIp,
    payload: Result<Json<ClaimRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req = body(payload)?;
    let claim = state.recovery.claim_case_token(&req.token, &req.pin, ip.0, state.clock.now()).await?;
    Ok(Json(ClaimBody {
        case_reference: claim.case_reference,
        pin: claim.pin.as_str().into(),
        operation: claim.operation.as_str().into(),
        report_token: claim.report_token,
        report_by: crate::routes::staff::accounts::ts(claim.report_by),
    })
    .into_response())
}

/// Reports a claimed token's outcome once; a success moves the case on.
#[utoipa::path(post, path = "/api/v1/counter/case-tokens/report", request_body = ReportRequest, tag = "counter",
    responses((status = 200, body = ReportBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    ip: ClientIp,
    payload: Result<Json<ReportRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req = body(payload)?;
    let report = state
        .recovery
        .report_case_token(&req.report_token, &req.pin, &req.outcome, req.tries_left, ip.0, state.clock.now())
        .await?;
    Ok(Json(ReportBody {
        case_reference: report.case_reference,
        state: report.state,
        pins_remaining: report.pins_remaining.iter().map(|p| p.as_str().to_owned()).collect(),
    })
    .into_response())
}
