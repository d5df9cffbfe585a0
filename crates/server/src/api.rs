//! The JSON API handlers. Each parses its input, calls one procedure, and shapes the answer.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use reissue_core::account::{Email, LoginId, parse_date};
use reissue_core::identity::{TypedName, parse_phone};
use reissue_core::model::Role;
use reissue_core::procedures::{Identity, Requester, ResettableCredential};
use reissue_core::rules::CodeChannel;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
pub use crate::client::ClientIp;
use crate::error::{ApiError, ErrorBody};

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
        Requester { actor: format!("token:{}", self.name), client_ip: ip.audit() }
    }
}

/// Waits until the request's fixed answer time, so that how long an answer takes tells
/// nothing about the account it concerns. The one sleep of the request path.
#[allow(clippy::disallowed_methods)]
async fn answer_at_deadline(started: Instant, deadline_ms: u64) {
    tokio::time::sleep(Duration::from_millis(deadline_ms).saturating_sub(started.elapsed())).await;
}

/// The answer of the always-`202` endpoints: the work goes to the bounded background queue
/// (which wakes the outbox worker when done), and the answer is `202 {"status":"accepted"}` at
/// the fixed deadline, whatever the work costs or whether it was shed.
async fn accepted_at_deadline<F>(state: &AppState, started: Instant, what: &'static str, work: F) -> Response
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
    (StatusCode::ACCEPTED, Json(Accepted { status: "accepted" })).into_response()
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoiceApplicationRequest {
    /// Nine digits; full-width digits are accepted.
    #[schema(pattern = "^[0-9０-９]{9}$", example = "123456789")]
    pub login_id: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date, example = "1980-04-01")]
    pub birth_date: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// Always `accepted`: the answer never says whether anything matched.
    pub status: &'static str,
}

/// P1: apply for a voice reset code.
#[utoipa::path(post, path = "/api/v1/voice-applications", request_body = VoiceApplicationRequest,
    responses((status = 202, body = Accepted, description = "Always, whatever happened to the account"),
              (status = 400, body = ErrorBody, description = "A field is malformed (says nothing about accounts)"),
              (status = 429, body = ErrorBody, description = "Client IP over its budget")))]
pub async fn voice_application(
    State(state): State<AppState>,
    ip: ClientIp,
    payload: Result<Json<VoiceApplicationRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let req = body(payload)?;
    LoginId::parse(&req.login_id).map_err(|e| ApiError::bad_request("invalid_field", e.reason).field(e.field))?;
    parse_date("birth_date", &req.birth_date)
        .map_err(|e| ApiError::bad_request("invalid_field", e.reason).field(e.field))?;
    let (recovery, now) = (state.recovery.clone(), state.clock.now());
    let work = async move {
        recovery.apply_for_voice_code(&req.login_id, &req.birth_date, &Requester::public(ip.audit()), now).await
    };
    Ok(accepted_at_deadline(&state, started, "voice_application", work).await)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordInitializationRequest {
    /// Nine digits; full-width digits are accepted.
    #[schema(pattern = "^[0-9０-９]{9}$", example = "123456789")]
    pub login_id: String,
    /// Given and family name in either order, separated by a space.
    #[schema(
        min_length = 1,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$",
        example = "Taro Koku"
    )]
    pub name: String,
    /// `JP` (ISO 3166 alpha-2) or a calling code such as `+81`.
    #[schema(pattern = "^\\s*([+＋]?[0-9０-９]{1,3}|[A-Za-zＡ-Ｚａ-ｚ]{2})\\s*$", example = "JP")]
    pub phone_country: String,
    /// As typed: hyphens, spaces, a leading 0 or a `+81` prefix are fine; it must be a
    /// valid number for the country/region.
    #[schema(min_length = 1, max_length = 40, pattern = "[0-9０-９]", example = "090-1234-5678")]
    pub phone_number: String,
    /// The registered address.
    #[schema(format = Email, max_length = 254, example = "taro@example.jp")]
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIdNotificationRequest {
    /// Given and family name in either order, separated by a space.
    #[schema(
        min_length = 1,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$",
        example = "Taro Koku"
    )]
    pub name: String,
    /// `JP` (ISO 3166 alpha-2) or a calling code such as `+81`.
    #[schema(pattern = "^\\s*([+＋]?[0-9０-９]{1,3}|[A-Za-zＡ-Ｚａ-ｚ]{2})\\s*$", example = "JP")]
    pub phone_country: String,
    /// As typed; it must be a valid number for the country/region.
    #[schema(min_length = 1, max_length = 40, pattern = "[0-9０-９]", example = "090-1234-5678")]
    pub phone_number: String,
    /// The registered address.
    #[schema(format = Email, max_length = 254, example = "taro@example.jp")]
    pub email: String,
}

fn invalid(e: reissue_core::account::FieldError) -> ApiError {
    ApiError::bad_request("invalid_field", format!("{} {}", e.field, e.reason)).field(e.field)
}

fn identity(name: &str, country: &str, number: &str, email: &str) -> Result<Identity, ApiError> {
    Ok(Identity {
        name: TypedName::parse(name).map_err(invalid)?,
        phone: parse_phone(country, number).map_err(invalid)?,
        email: Email::parse(email).map_err(invalid)?,
    })
}

/// P5: initialize a forgotten password with a temporary one sent to the registered e-mail.
#[utoipa::path(post, path = "/api/v1/password-initializations", request_body = PasswordInitializationRequest,
    responses((status = 202, body = Accepted, description = "Always for well-formed input, whatever matched"),
              (status = 400, body = ErrorBody, description = "A field is malformed (says nothing about accounts)"),
              (status = 429, body = ErrorBody)))]
pub async fn password_initialization(
    State(state): State<AppState>,
    ip: ClientIp,
    payload: Result<Json<PasswordInitializationRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let req = body(payload)?;
    let login_id = LoginId::parse(&req.login_id).map_err(invalid)?;
    let who = identity(&req.name, &req.phone_country, &req.phone_number, &req.email)?;
    let (recovery, now) = (state.recovery.clone(), state.clock.now());
    let work = async move { recovery.initialize_password(&login_id, &who, &Requester::public(ip.audit()), now).await };
    Ok(accepted_at_deadline(&state, started, "password_initialization", work).await)
}

/// P6: e-mail the login IDs that match a name, phone and e-mail.
#[utoipa::path(post, path = "/api/v1/login-id-notifications", request_body = LoginIdNotificationRequest,
    responses((status = 202, body = Accepted, description = "Always for well-formed input, whatever matched"),
              (status = 400, body = ErrorBody, description = "A field is malformed (says nothing about accounts)"),
              (status = 429, body = ErrorBody)))]
pub async fn login_id_notification(
    State(state): State<AppState>,
    ip: ClientIp,
    payload: Result<Json<LoginIdNotificationRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let req = body(payload)?;
    let who = identity(&req.name, &req.phone_country, &req.phone_number, &req.email)?;
    let (recovery, now) = (state.recovery.clone(), state.clock.now());
    let work = async move { recovery.remind_login_ids(&who, &Requester::public(ip.audit()), now).await };
    Ok(accepted_at_deadline(&state, started, "login_id_reminder", work).await)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterCodeRequest {
    /// Which page the code is entered on: `voice` or `postal`.
    pub channel: ChannelName,
    /// Nine digits; full-width digits are accepted. Any other value is `400 invalid_code`.
    pub login_id: String,
    /// Full-width digits, spaces and hyphens are accepted. A wrong, expired or malformed code
    /// is `400 invalid_code`, whatever the reason.
    #[schema(value_type = String)]
    pub code: SecretString,
}

#[derive(Debug, Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum ChannelName {
    Voice,
    Postal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResetSessionResponse {
    pub reset_token: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: time::OffsetDateTime,
    #[schema(value_type = Vec<Object>)]
    pub credentials: Vec<ResettableCredential>,
}

/// P3 step 1: enter a reset code.
#[utoipa::path(post, path = "/api/v1/resets", request_body = EnterCodeRequest,
    responses((status = 201, body = ResetSessionResponse), (status = 400, body = ErrorBody, description = "invalid_code for every failure")))]
pub async fn enter_code(
    State(state): State<AppState>,
    ip: ClientIp,
    payload: Result<Json<EnterCodeRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let req = body(payload)?;
    let channel = match req.channel {
        ChannelName::Voice => CodeChannel::Voice,
        ChannelName::Postal => CodeChannel::Postal,
    };
    let result = state
        .recovery
        .enter_code(channel, &req.login_id, &req.code, &Requester::public(ip.audit()), state.clock.now())
        .await;
    answer_at_deadline(started, state.recovery.rules().code_entry_response_ms).await;
    let opened = result?;
    let resp = ResetSessionResponse {
        reset_token: opened.token.expose_secret().to_owned(),
        expires_at: opened.expires_at,
        credentials: opened.credentials,
    };
    Ok((StatusCode::CREATED, Json(resp)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteResetRequest {
    #[schema(value_type = String)]
    pub reset_token: SecretString,
    /// New secret per credential name; `""` keeps the current one.
    #[schema(value_type = BTreeMap<String, String>)]
    pub credentials: BTreeMap<String, SecretString>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Changed {
    pub changed: Vec<String>,
}

/// P3 step 2: set new credentials.
#[utoipa::path(post, path = "/api/v1/resets/complete", request_body = CompleteResetRequest,
    responses((status = 200, body = Changed), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn complete_reset(
    State(state): State<AppState>,
    ip: ClientIp,
    payload: Result<Json<CompleteResetRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req = body(payload)?;
    let changed = state
        .recovery
        .complete_reset(&req.reset_token, req.credentials, &Requester::public(ip.audit()), state.clock.now())
        .await?;
    state.wake.notify_one();
    Ok(Json(Changed { changed }).into_response())
}

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
    let Query(q) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let login =
        LoginId::parse(&q.login_id).map_err(|e| ApiError::bad_request("invalid_field", e.reason).field(e.field))?;
    let limit = q.limit.unwrap_or(1000);
    if !(1..=AUDIT_LIMIT_MAX).contains(&limit) {
        return Err(ApiError::bad_request("invalid_field", "must be between 1 and 10000").field("limit"));
    }
    let events = state.recovery.audit_events(Some(&login), q.after.unwrap_or(0), limit).await?;
    Ok(Json(serde_json::json!({ "events": events })).into_response())
}

pub async fn healthz() -> Response {
    Json(serde_json::json!({"status": "ok"})).into_response()
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.recovery.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ready"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", "the database does not answer").into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    if let Ok(backlog) = state.recovery.outbox_backlog().await {
        metrics::gauge!("reissue_outbox_backlog").set(backlog as f64);
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
        voice_application,
        enter_code,
        complete_reset,
        verify_credential,
        change_credential,
        password_initialization,
        login_id_notification,
        audit
    ),
    components(schemas(ErrorBody, crate::error::ErrorDetail))
)]
pub struct ApiDoc;

/// The OpenAPI document, completed for this server (`openapi.rs`).
pub async fn openapi(State(state): State<AppState>) -> Response {
    Json(crate::openapi::document(state.recovery.credentials())).into_response()
}
