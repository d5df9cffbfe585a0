//! Accounts for the help desk: search, the account view (contacts masked, never a code, PIN,
//! password or hash) and the audited reveal of a contact.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use reissue_core::procedures::helpdesk::{AccountView, ContactField, SearchInput};
use reissue_core::staff::Permission;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::StaffAuth;
use crate::AppState;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::body;

/// A time as the API writes it: RFC 3339 in UTC.
pub(crate) fn ts(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn opt_ts(t: Option<OffsetDateTime>) -> Value {
    t.map(ts).map(Value::String).unwrap_or(Value::Null)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Nine digits; when given, the other fields are ignored.
    pub login_id: Option<String>,
    /// With `given_name`.
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    /// E.164 (`+81...`) or a Japanese number as people write it.
    pub phone: Option<String>,
    pub name_kana: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
}

/// Finds accounts by login ID, or by any of name, phone, name in kana and birth date.
#[utoipa::path(get, path = "/api/v1/staff/accounts", params(SearchQuery), tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "`{\"accounts\":[{login_id, kind, name, organization_name, name_kana, birth_date, status}]}`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    auth: StaffAuth,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::ViewAccount)?;
    let Query(q) = query.map_err(|e| ApiError::bad_request(ErrorCode::InvalidQuery, e.body_text()))?;
    let input = SearchInput {
        login_id: q.login_id.unwrap_or_default(),
        family_name: q.family_name.unwrap_or_default(),
        given_name: q.given_name.unwrap_or_default(),
        phone: q.phone.unwrap_or_default(),
        name_kana: q.name_kana.unwrap_or_default(),
        birth_date: q.birth_date.unwrap_or_default(),
    };
    let found = state.recovery.find_accounts(&input, auth.who(), state.clock.now()).await?;
    Ok(Json(json!({ "accounts": found })).into_response())
}

/// The account view as JSON.
fn view_json(v: &AccountView) -> Value {
    let p = &v.account.profile;
    let letters: Vec<Value> = v
        .letters
        .iter()
        .map(|l| {
            json!({
                "reference": l.reference,
                "status": l.status.as_str(),
                "batch_id": l.letter.batch_id,
                "tracking_number": l.letter.tracking_number,
                "accepted_on": l.letter.accepted_on,
                "return_reason": l.letter.return_reason,
                "returned_on": l.letter.returned_on,
                "applied_by": l.letter.applied_by,
                "reason": l.letter.reason,
                "identity_checks": l.letter.identity_checks,
                "created_at": ts(l.letter.created_at),
                "updated_at": ts(l.letter.updated_at),
            })
        })
        .collect();
    let calls: Vec<Value> = v
        .calls
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "state": c.state.as_str(), "last_status": c.last_status,
                "created_at": ts(c.created_at), "updated_at": ts(c.updated_at),
            })
        })
        .collect();
    let deliveries: Vec<Value> = v
        .deliveries
        .iter()
        .map(|d| {
            json!({
                "id": d.id, "kind": d.kind, "state": d.state, "attempts": d.attempts, "subject": d.subject,
                "created_at": ts(d.created_at), "done_at": opt_ts(d.done_at),
            })
        })
        .collect();
    let holds: Vec<Value> = v
        .standing
        .holds
        .iter()
        .map(|h| json!({"kind": h.kind.as_str(), "reason": h.reason, "set_by": h.set_by, "set_at": ts(h.set_at)}))
        .collect();
    let flag = v
        .standing
        .address_flag
        .as_ref()
        .map(|f| json!({"address": f.address, "reason": f.reason, "flagged_at": ts(f.flagged_at)}));
    let paused: Vec<Value> = v
        .paused
        .iter()
        .map(|c| {
            json!({"channel": c.channel.as_str(), "reason": c.reason, "paused_by": c.paused_by, "paused_at": ts(c.paused_at)})
        })
        .collect();
    json!({
        "login_id": p.login_id.as_str(),
        "kind": p.kind,
        "status": p.status,
        "name": {"family": p.name.family(), "given": p.name.given()},
        "organization_name": p.organization_name,
        "name_kana": p.name_kana.as_ref().map(|k| k.as_str()),
        "birth_date": p.birth_date.map(reissue_core::account::format_date),
        "language": p.language,
        "email_masked": v.email_masked,
        "phone_masked": v.phone_masked,
        "address": v.address,
        "changed_at": p.changed_at,
        "voice": v.voice,
        "postal": {"eligible": v.postal.is_empty(), "reasons": v.postal},
        "holds": holds,
        "address_flag": flag,
        "credentials": v.credentials,
        "code_failures": v.account.code_failures,
        "active_code": v.active_code,
        "letters": letters,
        "calls": calls,
        "deliveries": deliveries,
        "history": v.history,
        "paused_channels": paused,
    })
}

/// Everything the help desk sees of an account: profile with masked contacts, address,
/// eligibility with reasons, holds, credentials' lock state, the active code's state (never
/// the code), letters, calls, deliveries and history. Audited as seen by the caller.
#[utoipa::path(get, path = "/api/v1/staff/accounts/{login_id}", tag = "staff", security(("bearer" = [])),
    params(("login_id" = String, Path, description = "Nine digits", pattern = "^[0-9]{9}$")),
    responses((status = 200, description = "The account view"), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn view(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(login_id): Path<String>,
) -> Result<Response, ApiError> {
    auth.require(Permission::ViewAccount)?;
    let v = state.recovery.account_view(&login_id, auth.who(), state.clock.now()).await?;
    Ok(Json(view_json(&v)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    #[schema(value_type = String, example = "email")]
    pub field: ContactField,
    /// Why the full contact is needed; in the audit log.
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Revealed {
    pub field: String,
    /// The full e-mail address or phone number; null when the account has none.
    pub value: Option<String>,
}

/// The full e-mail address or phone number, for a reason, audited.
#[utoipa::path(post, path = "/api/v1/staff/accounts/{login_id}/reveal", request_body = RevealRequest, tag = "staff",
    security(("bearer" = [])), params(("login_id" = String, Path, description = "Nine digits", pattern = "^[0-9]{9}$")),
    responses((status = 200, body = Revealed), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reveal(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(login_id): Path<String>,
    payload: Result<Json<RevealRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::RevealContact)?;
    let req = body(payload)?;
    let value = state.recovery.reveal_contact(&login_id, req.field, &req.reason, auth.who(), state.clock.now()).await?;
    let field = match req.field {
        ContactField::Email => "email",
        ContactField::Phone => "phone",
    };
    Ok(Json(Revealed { field: field.into(), value }).into_response())
}
