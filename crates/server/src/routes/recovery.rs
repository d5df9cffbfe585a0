//! The customer's recovery procedures: apply for a voice code (P1), enter a code and set new
//! credentials (P3), password initialization (P5) and the login-ID reminder (P6). Every
//! answer is uniform in status, body and time, whatever matched.

use std::collections::BTreeMap;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use reissue_core::account::{Email, LoginId, parse_date};
use reissue_core::identity::{TypedName, parse_phone};
use reissue_core::procedures::{Identity, Requester, ResettableCredential};
use reissue_core::rules::CodeChannel;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{accepted_at_deadline, answer_at_deadline, body};
use crate::AppState;
use crate::client::ClientIp;
use crate::error::{ApiError, ErrorBody, ErrorCode};

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
    LoginId::parse(&req.login_id)
        .map_err(|e| ApiError::bad_request(ErrorCode::InvalidField, e.reason).field(e.field))?;
    parse_date("birth_date", &req.birth_date)
        .map_err(|e| ApiError::bad_request(ErrorCode::InvalidField, e.reason).field(e.field))?;
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
    ApiError::bad_request(ErrorCode::InvalidField, format!("{} {}", e.field, e.reason)).field(e.field)
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
    // On its own task, so that a client that goes away cannot stop a change half way.
    let (recovery, now) = (state.recovery.clone(), state.clock.now());
    let changed = super::to_completion(async move {
        recovery.complete_reset(&req.reset_token, req.credentials, &Requester::public(ip.audit()), now).await
    })
    .await?;
    state.wake.notify_one();
    Ok(Json(Changed { changed }).into_response())
}
