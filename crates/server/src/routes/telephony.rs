//! The telephony webhooks: the provider fetches the dialogue here and reports call progress.
//! Every request must carry a valid `X-Twilio-Signature`; anything else gets `403`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use reissue_core::voice::Dialogue;
use reissue_delivery::voice::twilio::verify_signature;
use reissue_delivery::voice::twiml;
use secrecy::{ExposeSecret, SecretString};

use reissue_core::ids::CallId;

use crate::AppState;
use crate::error::{ApiError, ErrorCode};

/// A telephony webhook that is correctly signed and about the call it names: its form
/// parameters, the call, and the counts the dialogue put in its URL. Extracting it is the
/// only way a handler here sees a request.
pub struct SignedForm {
    params: Vec<(String, String)>,
    call_id: CallId,
    uri: Uri,
}

impl std::fmt::Debug for SignedForm {
    // The form can hold PIN digits: only the call shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedForm").field("call_id", &self.call_id).finish_non_exhaustive()
    }
}

impl SignedForm {
    fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn count(&self, name: &str) -> u32 {
        query_count(&self.uri, name)
    }
}

impl axum::extract::FromRequest<AppState> for SignedForm {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, 16 * 1024)
            .await
            .map_err(|_| ApiError::bad_request(ErrorCode::InvalidBody, "the webhook body could not be read"))?;
        let mut form = check(state, &parts.uri, &parts.headers, &body)?;
        check_call(state, &form).await?;
        form.uri = parts.uri;
        Ok(form)
    }
}

fn check(state: &AppState, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Result<SignedForm, ApiError> {
    let forbidden =
        || ApiError::new(StatusCode::FORBIDDEN, ErrorCode::BadSignature, "the request signature is missing or wrong");
    let params: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or(uri.path());
    let url = format!("{}{}", state.recovery.public_url().trim_end_matches('/'), path_and_query);
    let sig = headers.get("x-twilio-signature").and_then(|v| v.to_str().ok());
    if !verify_signature(state.voice_webhook_token.expose_secret(), &url, &params, sig) {
        tracing::warn!(path = uri.path(), "webhook with a bad or missing signature");
        return Err(forbidden());
    }
    let call_id = uri
        .query()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "call").map(|(_, v)| v.into_owned()))
        .ok_or_else(|| {
            ApiError::bad_request(ErrorCode::MissingCall, "the webhook URL has no call parameter").field("call")
        })?;
    let call_id = CallId::parse(&call_id).ok_or_else(|| {
        ApiError::bad_request(ErrorCode::MissingCall, "the webhook URL's call parameter names no call").field("call")
    })?;
    Ok(SignedForm { params, call_id, uri: Uri::default() })
}

/// A signed request must also be about the provider's call it names: a request signed for one
/// call cannot be replayed against another.
async fn check_call(state: &AppState, form: &SignedForm) -> Result<(), ApiError> {
    if !state.recovery.provider_call_matches(&form.call_id, form.get("CallSid")).await? {
        tracing::warn!("webhook for a call it does not belong to");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::BadSignature,
            "the request does not belong to this call",
        ));
    }
    Ok(())
}

/// A count the dialogue put in a step's URL (which the provider signs); absent or malformed
/// is 0 for `silent` and the most for `heard`, so a bad value never extends the call.
fn query_count(uri: &Uri, name: &str) -> u32 {
    let value = uri
        .query()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned()));
    match (value.map(|v| v.parse::<u32>()), name) {
        (Some(Ok(n)), _) => n,
        (None, "silent") => 0,
        _ => u32::MAX,
    }
}

fn twiml_response(state: &AppState, call_id: &str, dialogue: Dialogue) -> Response {
    let xml = twiml::render(&dialogue.prompts, dialogue.lang, state.recovery.public_url(), call_id);
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], xml).into_response()
}

pub async fn answer(State(state): State<AppState>, form: SignedForm) -> Result<Response, ApiError> {
    let silent = form.count("silent");
    let prompts = state.recovery.call_answered(&form.call_id, silent, state.clock.now()).await?;
    Ok(twiml_response(&state, form.call_id.as_str(), prompts))
}

pub async fn pin(State(state): State<AppState>, form: SignedForm) -> Result<Response, ApiError> {
    // The PIN digits are a secret from the moment they are read.
    let digits = SecretString::from(form.get("Digits").unwrap_or(""));
    // The try is counted before the PIN is checked: finish on a task of its own even if the
    // provider gives up on this request.
    let (recovery, call_id, now) = (state.recovery.clone(), form.call_id.clone(), state.clock.now());
    let prompts = super::to_completion(async move { recovery.pin_entered(&call_id, digits, now).await }).await?;
    state.wake.notify_one();
    Ok(twiml_response(&state, form.call_id.as_str(), prompts))
}

pub async fn repeat(State(state): State<AppState>, form: SignedForm) -> Result<Response, ApiError> {
    let digits = form.get("Digits").unwrap_or("").to_owned();
    let heard = form.count("heard");
    let prompts = state.recovery.repeat_requested(&form.call_id, &digits, heard).await?;
    Ok(twiml_response(&state, form.call_id.as_str(), prompts))
}

pub async fn status(State(state): State<AppState>, form: SignedForm) -> Result<Response, ApiError> {
    let status = form.get("CallStatus").unwrap_or("");
    if status.is_empty() {
        return Err(ApiError::bad_request(ErrorCode::MissingStatus, "CallStatus is required").field("CallStatus"));
    }
    let Some(status) = reissue_delivery::voice::twilio::parse_call_status(status) else {
        return Err(ApiError::bad_request(ErrorCode::UnknownStatus, "CallStatus is not one of Twilio's call statuses")
            .field("CallStatus"));
    };
    state.recovery.call_status(&form.call_id, status, state.clock.now()).await?;
    Ok(([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], "<Response/>").into_response())
}
