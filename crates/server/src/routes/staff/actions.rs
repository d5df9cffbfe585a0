//! What staff do to an account or a channel: a postal application, any `StaffAction`, and
//! the four-eyes approvals. Each needs the action's permission (`StaffAction::permission`);
//! approving also needs `Approve`. A postal application, an unlock and an approval asked by a
//! session need a fresh TOTP code.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use reissue_core::ports::helpdesk::PendingAction;
use reissue_core::procedures::helpdesk::{ActionOutcome, ActionResult, StaffAction};
use reissue_core::procedures::postal::IdentityCheck;
use reissue_core::staff::Permission;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::StaffAuth;
use super::accounts::ts;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::routes::body;

/// Whether `action` is sensitive: asked by a session, it needs a fresh TOTP code.
fn sensitive(action: &StaffAction) -> bool {
    matches!(action, StaffAction::PostalApplication { .. } | StaffAction::Unlock { .. })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostalApplicationRequest {
    pub login_id: String,
    /// Why the code is applied for; in the audit log.
    pub reason: String,
    /// What was checked of the caller's identity: `name`, `birth_date`, `address`, `phone`,
    /// `account_details`.
    #[schema(value_type = Vec<String>)]
    pub identity_checks: Vec<IdentityCheck>,
    /// A fresh authenticator code (sessions; a token sends none).
    #[schema(value_type = Option<String>)]
    pub totp: Option<SecretString>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostalApplied {
    /// The letter's reference, `L` and eight digits.
    pub reference: String,
    pub letter_id: i64,
    pub expires_at: String,
    pub arrives_about: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Pending {
    /// `pending`: it waits for a second staff member's approval.
    pub status: String,
    /// The approval's ID.
    pub id: i64,
}

fn pending(id: i64) -> Response {
    (StatusCode::ACCEPTED, Json(Pending { status: "pending".into(), id })).into_response()
}

/// P4: applies for a postal reset code on the customer's behalf; under the four-eyes rule it
/// waits for approval. An account that cannot get one is `422 not_eligible` naming why.
#[utoipa::path(post, path = "/api/v1/staff/postal-applications", request_body = PostalApplicationRequest,
    tag = "staff", security(("bearer" = [])),
    responses((status = 201, body = PostalApplied), (status = 202, body = Pending), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn postal_application(
    State(state): State<AppState>,
    auth: StaffAuth,
    payload: Result<Json<PostalApplicationRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::ApplyPostal)?;
    let req = body(payload)?;
    auth.fresh_totp(&state, req.totp.as_ref()).await?;
    let action = StaffAction::PostalApplication {
        login_id: req.login_id,
        reason: req.reason,
        identity_checks: req.identity_checks,
    };
    match state.recovery.staff_action(action, auth.who(), state.clock.now()).await? {
        ActionOutcome::Done { result: ActionResult::Letter(a) } => {
            state.wake.notify_one();
            let answer = PostalApplied {
                reference: a.reference,
                letter_id: a.letter_id,
                expires_at: ts(a.expires_at),
                arrives_about: ts(a.arrives_about),
            };
            Ok((StatusCode::CREATED, Json(answer)).into_response())
        }
        ActionOutcome::Done { result } => Ok(Json(json!({"status": "done", "result": result})).into_response()),
        ActionOutcome::Pending { id } => Ok(pending(id)),
    }
}

/// Takes a staff action: the `StaffAction` JSON (`{"action": "void_code", "login_id": ...,
/// "reason": ...}`), plus `"totp"` for a sensitive one asked by a session.
#[utoipa::path(post, path = "/api/v1/staff/actions", tag = "staff", security(("bearer" = [])),
    request_body(content = Object, description = "`{\"action\": \"void_code\"|\"unlock\"|\"fraud_hold\"|\"lift_fraud_hold\"|\"clear_review\"|\"suspend\"|\"resume\"|\"postal_application\"|\"pause_channel\"|\"resume_channel\", \"login_id\" or \"channel\", \"reason\", (unlock) \"credential\", (postal_application) \"identity_checks\", \"totp\"?}`"),
    responses((status = 200, description = "`{\"status\":\"done\",\"result\":{...}}`"), (status = 202, body = Pending),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn take(
    State(state): State<AppState>,
    auth: StaffAuth,
    payload: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let mut raw = body(payload)?;
    let totp = match raw.as_object_mut().and_then(|m| m.remove("totp")) {
        Some(Value::String(t)) => Some(SecretString::from(t)),
        Some(Value::Null) | None => None,
        Some(_) => return Err(ApiError::fresh_totp_required()),
    };
    let action: StaffAction = serde_json::from_value(raw).map_err(|e| ApiError::unfit_body(&e))?;
    auth.require(action.permission())?;
    if sensitive(&action) {
        auth.fresh_totp(&state, totp.as_ref()).await?;
    }
    match state.recovery.staff_action(action, auth.who(), state.clock.now()).await? {
        ActionOutcome::Done { result } => {
            state.wake.notify_one();
            Ok(Json(json!({"status": "done", "result": result})).into_response())
        }
        ActionOutcome::Pending { id } => Ok(pending(id)),
    }
}

fn pending_json(p: &PendingAction) -> Value {
    json!({
        "id": p.id,
        "action": p.action,
        "login_id": p.login_id,
        "payload": p.payload,
        "requested_by": p.requested_by,
        "requested_at": ts(p.requested_at),
        "state": p.state,
        "decided_by": p.decided_by,
        "decided_at": p.decided_at.map(ts),
        "outcome": p.outcome,
    })
}

/// Actions waiting for a second staff member, then the newest decided.
#[utoipa::path(get, path = "/api/v1/staff/approvals", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "`{\"actions\":[{id, action, login_id, payload, requested_by, requested_at, state, decided_by, decided_at, outcome}]}`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn approvals(State(state): State<AppState>, auth: StaffAuth) -> Result<Response, ApiError> {
    auth.require(Permission::Approve)?;
    let actions = state.recovery.staff_actions(100).await?;
    Ok(Json(json!({ "actions": actions.iter().map(pending_json).collect::<Vec<_>>() })).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// A fresh authenticator code (sessions; a token sends none).
    #[schema(value_type = Option<String>)]
    pub totp: Option<SecretString>,
}

/// Approves a waiting action, which is then taken as its requester's; never one's own.
#[utoipa::path(post, path = "/api/v1/staff/approvals/{id}/approve", request_body = Approval, tag = "staff",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "`{\"status\":\"done\",\"result\":{...}}`"), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    auth: StaffAuth,
    id: Result<Path<i64>, PathRejection>,
    payload: Result<Json<Approval>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::Approve)?;
    let Path(id) = id?;
    let req = body(payload)?;
    // Approving is a supervisor's part (`Approve`), not the action's: the help desk applies,
    // the supervisor approves, and neither does both (the console decides the same).
    state.recovery.pending_action(id).await?;
    auth.fresh_totp(&state, req.totp.as_ref()).await?;
    let result = state.recovery.approve_action(id, auth.who(), state.clock.now()).await?;
    state.wake.notify_one();
    Ok(Json(json!({"status": "done", "result": result})).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    /// Why; in the audit log.
    pub reason: String,
}

/// Rejects a waiting action, for a reason.
#[utoipa::path(post, path = "/api/v1/staff/approvals/{id}/reject", request_body = Rejection, tag = "staff",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "`{\"status\":\"rejected\",\"id\":1}`"), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn reject(
    State(state): State<AppState>,
    auth: StaffAuth,
    id: Result<Path<i64>, PathRejection>,
    payload: Result<Json<Rejection>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::Approve)?;
    let Path(id) = id?;
    let req = body(payload)?;
    state.recovery.reject_action(id, &req.reason, auth.who(), state.clock.now()).await?;
    Ok(Json(json!({"status": "rejected", "id": id})).into_response())
}
