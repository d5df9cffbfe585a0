//! Staff sessions over the API: sign-in with login, password and TOTP code (behind the per-IP
//! budget, one `401` for every refusal), sign-out here or everywhere, and the password change
//! that a session signed in with an initial password must make before anything else.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::StaffAuth;
use crate::client::ClientIp;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::body;
use crate::{AppState, over_ip_budget};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// The staff member's login.
    pub login: String,
    #[schema(value_type = String)]
    pub password: SecretString,
    /// The six digits the member's authenticator shows now.
    #[schema(value_type = String)]
    pub totp: SecretString,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInResponse {
    /// The session's bearer token, shown this once.
    pub token: String,
    /// The session ends at this time however busy; unused for 15 minutes it ends sooner.
    pub expires_at: String,
    /// The member's role: `helpdesk`, `postal_operator`, `counter`, `auditor` or `admin`.
    pub role: String,
    /// Signed in with an initial password: the session may only change it.
    pub must_change_password: bool,
}

/// Signs a staff member in; the token goes in `Authorization: Bearer` from then on.
#[utoipa::path(post, path = "/api/v1/staff/sessions", request_body = SignInRequest, tag = "staff",
    responses((status = 201, body = SignInResponse), (status = 401, body = ErrorBody)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ip: ClientIp,
    payload: Result<Json<SignInRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    match over_ip_budget(&state, &ip).await {
        Ok(Some(retry_after)) => {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyRequests,
                "too many requests from this address; wait and try again",
            );
            e.retry_after = Some(retry_after);
            return Err(e);
        }
        Ok(None) => {}
        Err(()) => return Err(ApiError::internal()),
    }
    let req = body(payload)?;
    let (recovery, now, client) = (state.recovery.clone(), state.clock.now(), ip.audit());
    // Run to completion: the sign-in counts an attempt before it checks anything.
    let signed_in = tokio::spawn(async move {
        recovery.staff_sign_in(&req.login, &req.password, &req.totp, client.as_deref(), now).await
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "a sign-in's task failed");
        ApiError::internal()
    })??;
    let s = &signed_in.session;
    let answer = SignInResponse {
        token: signed_in.token.expose_secret().to_owned(),
        expires_at: super::accounts::ts(s.absolute_expires_at),
        role: s.role.as_str().to_owned(),
        must_change_password: s.must_change_password,
    };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// Ends the session whose token this request carries.
#[utoipa::path(delete, path = "/api/v1/staff/sessions/current", tag = "staff", security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn sign_out(State(state): State<AppState>, auth: StaffAuth) -> Result<Response, ApiError> {
    auth.session()?;
    state.recovery.staff_sign_out(auth.token.expose_secret(), state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedOutEverywhere {
    /// How many sessions were open, this one included.
    pub ended: u64,
}

/// Ends every session of the signed-in member, this one included.
#[utoipa::path(delete, path = "/api/v1/staff/sessions", tag = "staff", security(("bearer" = [])),
    responses((status = 200, body = SignedOutEverywhere), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn sign_out_everywhere(State(state): State<AppState>, auth: StaffAuth) -> Result<Response, ApiError> {
    let id = auth.session()?.staff_id.clone();
    let ended = state.recovery.staff_sign_out_everywhere(&id, state.clock.now()).await?;
    Ok(Json(SignedOutEverywhere { ended }).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password signed in with (the initial one, the first time).
    #[schema(value_type = String)]
    pub current: SecretString,
    /// At least 12 characters, not a common password, not the login.
    #[schema(value_type = String)]
    pub new: SecretString,
}

/// Sets a new password for the signed-in member; their other sessions end, this one stays.
#[utoipa::path(post, path = "/api/v1/staff/sessions/current/password", request_body = PasswordChange, tag = "staff",
    security(("bearer" = [])),
    responses((status = 204, description = "Changed"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    auth: StaffAuth,
    payload: Result<Json<PasswordChange>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.session()?;
    let req = body(payload)?;
    let (recovery, now, token) = (state.recovery.clone(), state.clock.now(), auth.token.clone());
    tokio::spawn(
        async move { recovery.staff_set_new_password(token.expose_secret(), &req.current, &req.new, now).await },
    )
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "a password change's task failed");
        ApiError::internal()
    })??;
    Ok(StatusCode::NO_CONTENT.into_response())
}
