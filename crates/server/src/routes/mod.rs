//! The HTTP routes, one module per area: the customer's recovery procedures (`recovery`),
//! the integrators' credential checks (`credentials`), the audit log (`audit`), operations
//! (`ops`), the telephony provider's webhooks (`telephony`), the staff API (`staff/`) and the
//! demo's hands (`demo`).
//! Handlers only translate: they parse the input into domain types, call one procedure and
//! shape its outcome; errors become answers in `crate::error` alone. This module holds what
//! the handlers share: the bearer token, the fixed deadlines and running to completion.

pub mod audit;
pub mod counter;
pub mod credentials;
pub mod demo;
pub mod ops;
pub mod recovery;
pub mod staff;
pub mod telephony;

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::FromRequestParts;
use axum::extract::rejection::JsonRejection;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use reissue_core::audit::Actor;
use reissue_core::model::Role;
use reissue_core::procedures::Requester;
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::client::ClientIp;
use crate::error::ApiError;

/// A caller holding a bearer token, with its name and role.
#[derive(Debug, Clone)]
pub struct Bearer {
    pub name: String,
    pub role: Role,
}

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(ApiError::unauthorized)?;
        if let Some(admin) = &state.admin_token
            && bool::from(admin.expose_secret().as_bytes().ct_eq(token.as_bytes()))
        {
            return Ok(Self { name: "admin.token".into(), role: Role::Admin });
        }
        match state.recovery.token_role(token).await.map_err(ApiError::from)? {
            Some((name, role)) => Ok(Self { name, role }),
            None => Err(ApiError::unauthorized()),
        }
    }
}

impl Bearer {
    fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role.allows(role) { Ok(()) } else { Err(ApiError::forbidden()) }
    }

    fn requester(&self, ip: ClientIp) -> Requester {
        Requester { actor: Actor::Token(self.name.clone()), client_ip: ip.audit() }
    }
}

/// Waits until the request's fixed answer time, so that how long an answer takes tells
/// nothing about the account it concerns. The one sleep of the request path.
#[allow(clippy::disallowed_methods)]
pub(crate) async fn answer_at_deadline(started: Instant, deadline_ms: u64) {
    tokio::time::sleep(Duration::from_millis(deadline_ms).saturating_sub(started.elapsed())).await;
}

/// The answer of the always-`202` endpoints: `202 {"status":"accepted"}` at the fixed
/// deadline, whatever the work costs or whether it was shed (see `in_background_at_deadline`).
async fn accepted_at_deadline<F>(state: &AppState, started: Instant, what: &'static str, work: F) -> Response
where
    F: std::future::Future<Output = Result<(), reissue_core::procedures::RecoveryError>> + Send + 'static,
{
    in_background_at_deadline(state, started, what, work).await;
    (StatusCode::ACCEPTED, Json(recovery::Accepted { status: "accepted" })).into_response()
}

/// Hands `work` to the bounded background queue (which wakes the outbox worker when done) and
/// returns at the fixed deadline of the always-`202` procedures, so that neither the answer nor
/// its time says whether anything matched. The API and the pages alike answer after it.
pub(crate) async fn in_background_at_deadline<F>(state: &AppState, started: Instant, what: &'static str, work: F)
where
    F: std::future::Future<Output = Result<(), reissue_core::procedures::RecoveryError>> + Send + 'static,
{
    let wake = state.wake.clone();
    state.background.submit(what, async move {
        if let Err(e) = work.await {
            tracing::error!(work = what, error = %e, "background work failed");
        }
        wake.notify_one();
    });
    answer_at_deadline(started, state.recovery.rules().uniform_response_ms).await;
}

/// Runs a procedure that counts an attempt before it checks a secret on a task of its own, so
/// that it settles the attempt even when the client goes away and the request's future is
/// dropped half way.
pub(crate) async fn to_completion<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T, reissue_core::procedures::RecoveryError>> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::spawn(work).await {
        Ok(result) => Ok(result?),
        Err(e) => {
            tracing::error!(error = %e, "a procedure's task failed");
            Err(ApiError::internal())
        }
    }
}

/// JSON body or a clear 4xx naming what is wrong with it.
fn body<T>(payload: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    payload.map(|Json(v)| v).map_err(ApiError::from)
}
