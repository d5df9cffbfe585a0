//! The staff JSON API under `/api/v1/staff`, for a help-desk tool: sessions (`sessions.rs`),
//! accounts (`accounts.rs`), actions and their approvals (`actions.rs`), the postal desk
//! (`postal.rs`), counter cases (`counter.rs`) and staff members (`members.rs`).
//!
//! Every request but sign-in carries `Authorization: Bearer <token>`: a staff session token
//! from `POST /api/v1/staff/sessions`, or an API token of a staff role (`reissue token create
//! --role helpdesk`). [`StaffAuth`] turns it into a [`StaffCaller`] or answers `401
//! unauthenticated`; each handler then asks [`StaffAuth::require`] for the one permission its
//! endpoint needs (`StaffRole::may` decides). A session signed in with an initial password may
//! only change it. A sensitive action (a postal application, an unlock, a batch export, an
//! approval) asked by a session needs a fresh code from the member's authenticator in the body
//! (`"totp"`); a token has none and acts on its standing alone.

pub mod accounts;
pub mod actions;
pub mod counter;
pub mod members;
pub mod postal;
pub mod sessions;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{delete, get, post};
use reissue_core::procedures::Requester;
use reissue_core::staff::{Permission, StaffSession};
use secrecy::SecretString;

use crate::AppState;
use crate::client::ClientIp;
use crate::error::ApiError;
use crate::staff_auth::{StaffBearer, StaffCaller, from_bearer};

/// A staff caller, from the request's bearer token.
#[derive(Debug)]
pub struct StaffAuth {
    pub caller: StaffCaller,
    /// The bearer token as presented: a session's, for signing out and changing the password.
    token: SecretString,
}

impl FromRequestParts<AppState> for StaffAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Ok(ip) = ClientIp::from_request_parts(parts, state).await;
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthenticated)?;
        match from_bearer(state, token, ip.audit()).await? {
            StaffBearer::Caller(caller) => Ok(Self { caller, token: SecretString::from(token.to_owned()) }),
            StaffBearer::NotStaff => Err(ApiError::not_staff()),
            StaffBearer::Invalid => Err(ApiError::unauthenticated()),
        }
    }
}

impl StaffAuth {
    /// `403` unless the caller may do `p`: `password_change_required` for a session that must
    /// first change its initial password, `forbidden` naming the permission otherwise.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.caller.session().is_some_and(|s| s.must_change_password) {
            return Err(ApiError::password_change_required());
        }
        if self.caller.may(p) { Ok(()) } else { Err(ApiError::lacks_permission(p)) }
    }

    /// The caller's session, or `403` for an API token.
    pub fn session(&self) -> Result<&StaffSession, ApiError> {
        self.caller.session().ok_or_else(ApiError::session_only)
    }

    /// The audit log's actor for what the caller does.
    pub fn who(&self) -> &Requester {
        &self.caller.requester
    }

    /// For a sensitive action: a session must give a fresh TOTP code, right and for a later
    /// time step than any accepted before (`confirm_fresh_totp`, run to completion since it
    /// counts an attempt). A token gives none.
    pub async fn fresh_totp(&self, state: &AppState, totp: Option<&SecretString>) -> Result<(), ApiError> {
        let Some(session) = self.caller.session() else { return Ok(()) };
        let Some(code) = totp.cloned() else { return Err(ApiError::fresh_totp_required()) };
        let (recovery, id, now) = (state.recovery.clone(), session.staff_id.clone(), state.clock.now());
        match tokio::spawn(async move { recovery.confirm_fresh_totp(&id, &code, now).await }).await {
            Ok(result) => result.map_err(ApiError::fresh_totp),
            Err(e) => {
                tracing::error!(error = %e, "a fresh TOTP check's task failed");
                Err(ApiError::internal())
            }
        }
    }
}

/// The staff API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/staff/sessions", post(sessions::sign_in).delete(sessions::sign_out_everywhere))
        .route("/api/v1/staff/sessions/current", delete(sessions::sign_out))
        .route("/api/v1/staff/sessions/current/password", post(sessions::change_password))
        .route("/api/v1/staff/accounts", get(accounts::search))
        .route("/api/v1/staff/accounts/{login_id}", get(accounts::view))
        .route("/api/v1/staff/accounts/{login_id}/reveal", post(accounts::reveal))
        .route("/api/v1/staff/postal-applications", post(actions::postal_application))
        .route("/api/v1/staff/actions", post(actions::take))
        .route("/api/v1/staff/approvals", get(actions::approvals))
        .route("/api/v1/staff/approvals/{id}/approve", post(actions::approve))
        .route("/api/v1/staff/approvals/{id}/reject", post(actions::reject))
        .route("/api/v1/staff/postal/queue", get(postal::queue))
        .route("/api/v1/staff/postal/batches", get(postal::batches).post(postal::close_batch))
        .route("/api/v1/staff/postal/batches/{id}/export", post(postal::export))
        // The vendor's files are larger than any other body.
        .route(
            "/api/v1/staff/postal/tracking",
            post(postal::tracking).layer(DefaultBodyLimit::max(postal::VENDOR_FILE_LIMIT)),
        )
        .route(
            "/api/v1/staff/postal/returns",
            post(postal::returns).layer(DefaultBodyLimit::max(postal::VENDOR_FILE_LIMIT)),
        )
        .route("/api/v1/staff/counter/cases", get(counter::list).post(counter::open))
        .route("/api/v1/staff/counter/cases/{reference}", get(counter::view))
        .route("/api/v1/staff/counter/cases/{reference}/items", post(counter::record_item))
        .route("/api/v1/staff/counter/cases/{reference}/inquiry/mailed", post(counter::inquiry_mailed))
        .route("/api/v1/staff/counter/cases/{reference}/inquiry/returned", post(counter::inquiry_returned))
        .route("/api/v1/staff/counter/cases/{reference}/second-visit", post(counter::second_visit))
        .route("/api/v1/staff/counter/cases/{reference}/pin-step", post(counter::pin_step))
        .route("/api/v1/staff/counter/cases/{reference}/case-tokens", post(counter::case_token))
        .route("/api/v1/staff/counter/cases/{reference}/cancel", post(counter::cancel))
        .route("/api/v1/staff/counter/cases/{reference}/inquiry.pdf", get(counter::inquiry_pdf))
        .route("/api/v1/staff/counter/cases/{reference}/receipt.pdf", get(counter::receipt_pdf))
        .route("/api/v1/staff/members", get(members::list).post(members::enrol))
        .route("/api/v1/staff/members/{login}/disable", post(members::disable))
        .route("/api/v1/staff/members/{login}/reset", post(members::reset))
}
