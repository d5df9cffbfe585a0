//! The audit log, for auditors.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use reissue_core::account::LoginId;
use reissue_core::model::Role;
use serde::Deserialize;

use super::Bearer;
use crate::AppState;
use crate::error::{ApiError, ErrorBody, ErrorCode};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The account whose events to list: nine digits.
    #[param(pattern = "^[0-9０-９]{9}$", example = "123456789")]
    pub login_id: String,
    /// Events after this sequence number.
    pub after: Option<i64>,
    /// At most this many events (1 to 10,000; 1,000 when not given).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
}

/// The most events one audit query returns.
const AUDIT_LIMIT_MAX: u32 = 10_000;

/// The audit events of an account (auditors).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{\"events\":[...]}`"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    bearer: Bearer,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    bearer.require(Role::Auditor)?;
    let Query(q) = query.map_err(|e| ApiError::bad_request(ErrorCode::InvalidQuery, e.body_text()))?;
    let login = LoginId::parse(&q.login_id)
        .map_err(|e| ApiError::bad_request(ErrorCode::InvalidField, e.reason).field(e.field))?;
    let limit = q.limit.unwrap_or(1000);
    if !(1..=AUDIT_LIMIT_MAX).contains(&limit) {
        return Err(ApiError::bad_request(ErrorCode::InvalidField, "must be between 1 and 10000").field("limit"));
    }
    let events = state.recovery.audit_events(Some(&login), q.after.unwrap_or(0), limit).await?;
    Ok(Json(serde_json::json!({ "events": events })).into_response())
}
