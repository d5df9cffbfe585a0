//! Staff members, for administrators (`ManageStaff`): the list, enrolment, disabling and
//! reset. An enrolment or a reset hands over the initial password and the `otpauth://` URI
//! once, in the answer.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use reissue_core::staff::{Enrolment, Permission, StaffRole};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::StaffAuth;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::routes::body;

/// Every staff member, by login.
#[utoipa::path(get, path = "/api/v1/staff/members", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "`{\"members\":[{id, login, role, display_name, status, locked, must_change_password, created_at, last_sign_in_at}]}`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, auth: StaffAuth) -> Result<Response, ApiError> {
    auth.require(Permission::ManageStaff)?;
    let members = state.recovery.list_staff().await?;
    Ok(Json(json!({ "members": members })).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// 3 to 64 of `a-z 0-9 . _ -`.
    pub login: String,
    #[schema(value_type = String, example = "helpdesk")]
    pub role: StaffRole,
    /// The name others see, 1 to 100 characters.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Handover {
    pub login: String,
    /// To be changed at the first sign-in; shown this once.
    pub initial_password: String,
    /// The TOTP secret for the member's authenticator; shown this once.
    pub otpauth_uri: String,
}

impl Handover {
    fn of(e: Enrolment) -> Self {
        Self {
            login: e.login.as_str().to_owned(),
            initial_password: e.initial_password.expose_secret().to_owned(),
            otpauth_uri: e.otpauth_uri.expose_secret().to_owned(),
        }
    }
}

/// Enrols a staff member.
#[utoipa::path(post, path = "/api/v1/staff/members", request_body = NewMember, tag = "staff",
    security(("bearer" = [])),
    responses((status = 201, body = Handover), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn enrol(
    State(state): State<AppState>,
    auth: StaffAuth,
    payload: Result<Json<NewMember>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::ManageStaff)?;
    let req = body(payload)?;
    let actor = auth.who().actor.clone();
    let e = state.recovery.enrol_staff(&req.login, req.role, &req.name, &actor, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(Handover::of(e))).into_response())
}

/// Disables a member: no more sign-ins, every session of theirs ends.
#[utoipa::path(post, path = "/api/v1/staff/members/{login}/disable", tag = "staff", security(("bearer" = [])),
    params(("login" = String, Path, pattern = "^[a-z0-9._-]{3,64}$")),
    responses((status = 204, description = "Disabled"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn disable(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(login): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Permission::ManageStaff)?;
    state.recovery.disable_staff(&login, &auth.who().actor, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Resets a member: a new initial password and TOTP secret, the lock lifted, every session
/// ended.
#[utoipa::path(post, path = "/api/v1/staff/members/{login}/reset", tag = "staff", security(("bearer" = [])),
    params(("login" = String, Path, pattern = "^[a-z0-9._-]{3,64}$")),
    responses((status = 200, body = Handover), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(login): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Permission::ManageStaff)?;
    let e = state.recovery.reset_staff(&login, &auth.who().actor, state.clock.now()).await?;
    Ok(Json(Handover::of(e)).into_response())
}
