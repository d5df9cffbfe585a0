//! The postal desk: the queue of letters waiting, print batches (closed here, exported as one
//! tar for the letter vendor), and the vendor's tracking and returns files, taken whole or
//! refused with every bad line.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use reissue_core::ports::postal::Batch;
use reissue_core::staff::Permission;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::StaffAuth;
use super::accounts::ts;
use crate::AppState;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::body;

/// The largest vendor file taken (the API's other bodies stop at 16 KiB).
pub const VENDOR_FILE_LIMIT: usize = 4 * 1024 * 1024;

fn batch_json(b: &Batch) -> Value {
    json!({
        "id": b.id,
        "state": b.state.as_str(),
        "letters": b.letters,
        "closed_by": b.closed_by,
        "closed_at": ts(b.closed_at),
        "exported_by": b.exported_by,
        "exported_at": b.exported_at.map(ts),
        "protection": b.protection,
    })
}

/// The letters waiting for the next batch, the oldest's time, and whether it waits longer than
/// `postal.warn_after`.
#[utoipa::path(get, path = "/api/v1/staff/postal/queue", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "`{\"letters\": 3, \"oldest\": \"...\"|null, \"warning\": false}`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn queue(State(state): State<AppState>, auth: StaffAuth) -> Result<Response, ApiError> {
    auth.require(Permission::ManageBatches)?;
    let q = state.recovery.postal_queue().await?;
    let now = state.clock.now();
    let warning = q.oldest.is_some_and(|t| now - t > state.postal.warn_after);
    Ok(Json(json!({"letters": q.letters, "oldest": q.oldest.map(ts), "warning": warning})).into_response())
}

/// Closes the open batch: `201` with the batch, `204` when no letter waits.
#[utoipa::path(post, path = "/api/v1/staff/postal/batches", tag = "staff", security(("bearer" = [])),
    responses((status = 201, description = "The batch closed"), (status = 204, description = "No letter waits"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn close_batch(State(state): State<AppState>, auth: StaffAuth) -> Result<Response, ApiError> {
    auth.require(Permission::ManageBatches)?;
    match state.recovery.close_print_batch(auth.who(), state.clock.now()).await? {
        Some(b) => Ok((StatusCode::CREATED, Json(batch_json(&b))).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

/// The newest print batches.
#[utoipa::path(get, path = "/api/v1/staff/postal/batches", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "`{\"batches\":[{id, state, letters, closed_by, closed_at, exported_by, exported_at, protection}]}`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn batches(State(state): State<AppState>, auth: StaffAuth) -> Result<Response, ApiError> {
    auth.require(Permission::ManageBatches)?;
    let list = state.recovery.print_batches(100).await?;
    Ok(Json(json!({ "batches": list.iter().map(batch_json).collect::<Vec<_>>() })).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// A fresh authenticator code (sessions; a token sends none).
    #[schema(value_type = Option<String>)]
    pub totp: Option<SecretString>,
}

/// Exports a closed batch for the vendor as one tar (a PDF per letter, `manifest.csv` last,
/// each encrypted to the vendor's key), once: the batch's codes are wiped as it is marked
/// exported. Whoever applied for one of its letters cannot export it.
#[utoipa::path(post, path = "/api/v1/staff/postal/batches/{id}/export", request_body = ExportRequest, tag = "staff",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "The batch as `application/x-tar`", content_type = "application/x-tar"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    auth: StaffAuth,
    id: Result<Path<i64>, PathRejection>,
    payload: Result<Json<ExportRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::ExportBatch)?;
    let Path(id) = id?;
    let req = body(payload)?;
    auth.fresh_totp(&state, req.totp.as_ref()).await?;
    let (desk, recovery, who, now) =
        (state.postal.clone(), state.recovery.clone(), auth.who().clone(), state.clock.now());
    let runtime = tokio::runtime::Handle::current();
    // Rendering is CPU work and the desk is synchronous: off the async threads, into a
    // temporary file (a batch of thousands of letters is not held in memory), which is gone
    // once the answer is sent or the export failed.
    let written = tokio::task::spawn_blocking(move || -> Result<std::fs::File, ApiError> {
        let file = tempfile::tempfile().map_err(|e| {
            tracing::error!(error = %e, "no temporary file for an export");
            ApiError::internal()
        })?;
        let exported = desk.export_to_tar(&recovery, id, file, &who, now, &runtime)?;
        tracing::info!(batch = id, letters = exported.letters, protection = exported.protection, "batch exported");
        Ok(exported.output)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "an export's task failed");
        ApiError::internal()
    })??;
    let mut file = tokio::fs::File::from_std(written);
    use tokio::io::AsyncSeekExt;
    file.seek(std::io::SeekFrom::Start(0)).await.map_err(|e| {
        tracing::error!(error = %e, "an exported batch cannot be read back");
        ApiError::internal()
    })?;
    let mut resp = Body::from_stream(tokio_util::io::ReaderStream::new(file)).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-tar"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"batch-{id}.tar\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: check the file and say what it would record, recording nothing. Default false.
    pub preview: Option<bool>,
}

fn csv_body(headers: &HeaderMap) -> Result<(), ApiError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = ct.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("text/csv") { Ok(()) } else { Err(ApiError::not_csv()) }
}

fn preview(query: Result<Query<ImportQuery>, QueryRejection>) -> Result<bool, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(ErrorCode::InvalidQuery, e.body_text()))?;
    Ok(q.preview.unwrap_or(false))
}

/// The vendor's result file: each letter's Japan Post item number. Taken whole, or refused
/// (`422 file_refused`) with every bad line and nothing recorded.
#[utoipa::path(post, path = "/api/v1/staff/postal/tracking", params(ImportQuery), tag = "staff",
    security(("bearer" = [])), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "`{\"file\":\"tracking\",\"recorded\":[...],\"unchanged\":[...],\"preview\":false}`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn tracking(
    State(state): State<AppState>,
    auth: StaffAuth,
    query: Result<Query<ImportQuery>, QueryRejection>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    auth.require(Permission::ImportVendorFiles)?;
    let preview = preview(query)?;
    csv_body(&headers)?;
    let (encoding, rule) = (state.postal.import_encoding, state.postal.check_rule);
    let done = state.recovery.import_tracking(&bytes, encoding, rule, preview, auth.who(), state.clock.now()).await?;
    Ok(Json(done).into_response())
}

/// The vendor's returns file: letters that came back. Taken whole or refused like tracking.
#[utoipa::path(post, path = "/api/v1/staff/postal/returns", params(ImportQuery), tag = "staff",
    security(("bearer" = [])), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "`{\"file\":\"returns\",\"recorded\":[...],\"unchanged\":[...],\"preview\":false}`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn returns(
    State(state): State<AppState>,
    auth: StaffAuth,
    query: Result<Query<ImportQuery>, QueryRejection>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    auth.require(Permission::ImportVendorFiles)?;
    let preview = preview(query)?;
    csv_body(&headers)?;
    let encoding = state.postal.import_encoding;
    let done = state.recovery.import_returns(&bytes, encoding, preview, auth.who(), state.clock.now()).await?;
    Ok(Json(done).into_response())
}
