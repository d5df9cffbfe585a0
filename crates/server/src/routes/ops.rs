//! Operations: liveness, readiness, Prometheus metrics and the OpenAPI document.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;

use crate::AppState;
use crate::error::{ApiError, ErrorBody, ErrorCode};

pub async fn healthz() -> Response {
    Json(serde_json::json!({"status": "ok"})).into_response()
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.recovery.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ready"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::NotReady, "the database does not answer")
                .into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    if let Ok(backlog) = state.recovery.outbox_backlog().await {
        metrics::gauge!("reissue_outbox_backlog").set(backlog as f64);
    }
    let now = state.clock.now();
    if let Ok(statuses) = state.recovery.letter_statuses(now).await {
        for (status, n) in statuses {
            metrics::gauge!("reissue_letters", "status" => status.as_str()).set(n as f64);
        }
    }
    if let Ok(queue) = state.recovery.postal_queue().await {
        let waited = queue.oldest.map(|t| (now - t).whole_seconds().max(0)).unwrap_or(0);
        metrics::gauge!("reissue_postal_open_batch_letters").set(queue.letters as f64);
        metrics::gauge!("reissue_postal_open_batch_oldest_seconds").set(waited as f64);
        // Every day a letter waits is a day less of the customer's three weeks.
        let overdue = queue.oldest.is_some_and(|t| now - t > state.postal.warn_after);
        metrics::gauge!("reissue_postal_open_batch_overdue").set(if overdue { 1.0 } else { 0.0 });
    }
    match &state.metrics {
        Some(h) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], h.render()).into_response(),
        None => ApiError::not_found().into_response(),
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "reissue", description = "Credential recovery server"),
    paths(
        super::recovery::voice_application,
        super::recovery::enter_code,
        super::recovery::complete_reset,
        super::credentials::verify_credential,
        super::credentials::change_credential,
        super::recovery::password_initialization,
        super::recovery::login_id_notification,
        super::audit::audit,
        super::staff::sessions::sign_in,
        super::staff::sessions::sign_out,
        super::staff::sessions::sign_out_everywhere,
        super::staff::sessions::change_password,
        super::staff::accounts::search,
        super::staff::accounts::view,
        super::staff::accounts::reveal,
        super::staff::actions::postal_application,
        super::staff::actions::take,
        super::staff::actions::approvals,
        super::staff::actions::approve,
        super::staff::actions::reject,
        super::staff::postal::queue,
        super::staff::postal::close_batch,
        super::staff::postal::batches,
        super::staff::postal::export,
        super::staff::postal::tracking,
        super::staff::postal::returns,
        super::staff::members::list,
        super::staff::members::enrol,
        super::staff::members::disable,
        super::staff::members::reset,
        super::staff::counter::list,
        super::staff::counter::open,
        super::staff::counter::view,
        super::staff::counter::record_item,
        super::staff::counter::inquiry_mailed,
        super::staff::counter::inquiry_returned,
        super::staff::counter::second_visit,
        super::staff::counter::pin_step,
        super::staff::counter::case_token,
        super::staff::counter::cancel,
        super::staff::counter::inquiry_pdf,
        super::staff::counter::receipt_pdf,
        super::counter::claim,
        super::counter::report
    ),
    components(schemas(ErrorBody, crate::error::ErrorDetail))
)]
pub struct ApiDoc;

/// The OpenAPI document, completed for this server (`openapi.rs`).
pub async fn openapi(State(state): State<AppState>) -> Response {
    Json(crate::openapi::document(state.recovery.credentials())).into_response()
}
