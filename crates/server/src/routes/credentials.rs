//! The integrators' credential checks: verification at sign-in and change with the current
//! secret (P7), both behind the integrator token.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::response::{IntoResponse, Response};
use reissue_core::model::Role;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::recovery::Changed;
use super::{Bearer, body, to_completion};
use crate::AppState;
use crate::client::ClientIp;
use crate::error::{ApiError, ErrorBody};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// Any other login ID is `401`, like a wrong secret.
    pub login_id: String,
    /// One of this server's credential names (the served document lists them).
    pub credential: String,
    #[schema(value_type = String)]
    pub secret: SecretString,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyResponse {
    pub result: &'static str,
    pub must_change: bool,
}

/// P7: verify a credential (integrating systems).
#[utoipa::path(post, path = "/api/v1/credentials/verify", request_body = VerifyRequest,
    security(("bearer" = [])),
    responses((status = 200, body = VerifyResponse), (status = 401, body = ErrorBody), (status = 423, body = ErrorBody)))]
pub async fn verify_credential(
    State(state): State<AppState>,
    bearer: Bearer,
    ip: ClientIp,
    payload: Result<Json<VerifyRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    bearer.require(Role::Integrator)?;
    let req = body(payload)?;
    let (recovery, who, now) = (state.recovery.clone(), bearer.requester(ip), state.clock.now());
    let v = to_completion(async move { recovery.verify(&req.login_id, &req.credential, &req.secret, &who, now).await })
        .await?;
    Ok(Json(VerifyResponse { result: "ok", must_change: v.must_change }).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequest {
    pub login_id: String,
    /// One of this server's credentials that can be set online (the served document lists
    /// them); any other is `422`.
    pub credential: String,
    #[schema(value_type = String)]
    pub current: SecretString,
    #[schema(value_type = String)]
    pub new: SecretString,
}

/// P7: change a credential with the current one, on the customer's behalf (the
/// institution's own signed-in application, with its integrator token). The new secret is
/// checked against its policy before the current one is looked at, so a policy failure costs
/// no attempt and tells nothing about the current secret.
#[utoipa::path(post, path = "/api/v1/credentials/change", request_body = ChangeRequest,
    security(("bearer" = [])),
    responses((status = 200, body = Changed), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 423, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn change_credential(
    State(state): State<AppState>,
    bearer: Bearer,
    ip: ClientIp,
    payload: Result<Json<ChangeRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    bearer.require(Role::Integrator)?;
    let req = body(payload)?;
    let (recovery, who, now) = (state.recovery.clone(), bearer.requester(ip), state.clock.now());
    let changed = to_completion(async move {
        recovery.change(&req.login_id, &req.credential, &req.current, &req.new, &who, now).await
    })
    .await?;
    state.wake.notify_one();
    Ok(Json(Changed { changed }).into_response())
}
