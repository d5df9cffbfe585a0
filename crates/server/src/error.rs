//! The one place where errors become HTTP answers: `{"error":{"code","message","field"}}` for
//! every 4xx, stable codes, and no internals for a 5xx.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use reissue_core::procedures::RecoveryError;
use serde::Serialize;

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub details: Option<serde_json::Value>,
    pub retry_after: Option<u64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None, details: None, retry_after: None }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this method is not allowed here")
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer token is required")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "this token's role may not do this")
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the service cannot answer right now; try again later",
        )
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                field: self.field,
                details: self.details,
            },
        };
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match &r {
            JsonRejection::JsonDataError(_) => {
                let text = r.body_text();
                // axum reports "Failed to deserialize ...: PATH: reason"; name the field.
                let detail = text.split_once(": ").map(|(_, d)| d.to_owned()).unwrap_or(text.clone());
                let field = detail
                    .split_once(": ")
                    .map(|(f, _)| f.to_owned())
                    .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c)));
                let unknown =
                    detail.split("unknown field `").nth(1).and_then(|s| s.split('`').next()).map(str::to_owned);
                let missing =
                    detail.split("missing field `").nth(1).and_then(|s| s.split('`').next()).map(str::to_owned);
                let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", redact_values(&detail));
                e.field = unknown.or(missing).or(field);
                e
            }
            JsonRejection::JsonSyntaxError(_) => {
                Self::bad_request("malformed_json", format!("the body is not valid JSON: {}", r.body_text()))
            }
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ),
            JsonRejection::BytesRejection(_) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "the body is larger than 16 KiB")
            }
            _ => Self::bad_request("unreadable_body", r.body_text()),
        }
    }
}

/// serde quotes the offending value ("invalid type: integer `1234`"); it may be a secret, so
/// the answer names the field and the expected type without repeating the value.
fn redact_values(detail: &str) -> String {
    if !(detail.contains("invalid type:") || detail.contains("invalid value:") || detail.contains("invalid length")) {
        return detail.to_owned();
    }
    let mut out = String::with_capacity(detail.len());
    let mut parts = detail.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (i, p) in parts.enumerate() {
        out.push_str(if i % 2 == 0 { "`…" } else { "`" });
        if i % 2 == 1 {
            out.push_str(p);
        }
    }
    out
}

impl From<RecoveryError> for ApiError {
    fn from(e: RecoveryError) -> Self {
        match e {
            RecoveryError::InvalidCode => {
                Self::bad_request("invalid_code", "the login ID or reset code is not valid, or the code has expired")
            }
            RecoveryError::InvalidSession => Self::new(
                StatusCode::UNAUTHORIZED,
                "invalid_reset_token",
                "the reset session is not valid or has expired",
            )
            .field("reset_token"),
            RecoveryError::UnknownCredential(n) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_credential",
                format!("no credential is named {n:?}"),
            )
            .field(format!("credentials.{n}")),
            RecoveryError::NotResettable(n) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_resettable",
                format!("{n:?} cannot be set online; please contact the help desk"),
            )
            .field(format!("credentials.{n}")),
            RecoveryError::NothingToChange => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "nothing_to_change",
                "fill in at least one new password or PIN",
            )
            .field("credentials"),
            RecoveryError::Policy(v) => {
                let details: serde_json::Map<String, serde_json::Value> = v
                    .iter()
                    .map(|(n, p)| (n.clone(), serde_json::json!({ "reason": p, "message": p.message() })))
                    .collect();
                let mut e = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "policy_violation",
                    v.iter().map(|(n, p)| format!("{n} {}", p.message())).collect::<Vec<_>>().join("; "),
                );
                if v.len() == 1 {
                    e.field = Some(format!("credentials.{}", v[0].0));
                }
                e.details = Some(serde_json::Value::Object(details));
                e
            }
            RecoveryError::InvalidCredentials => {
                Self::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "the login ID or secret is not correct")
            }
            RecoveryError::Locked => Self::new(
                StatusCode::LOCKED,
                "locked",
                "this credential is locked after too many failures; reset it or contact the help desk",
            ),
            RecoveryError::AccountSuspended => Self::new(
                StatusCode::FORBIDDEN,
                "account_suspended",
                "the account is suspended; no credential of it can be used until the institution reinstates it",
            ),
            RecoveryError::AttemptsInProgress => {
                let mut e = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "attempts_in_progress",
                    "too many checks of this credential are under way at once; retry shortly",
                );
                e.retry_after = Some(1);
                e
            }
            RecoveryError::Store(e) => {
                tracing::error!(error = %e, "store failure");
                Self::internal()
            }
            RecoveryError::Hash(reissue_core::hashing::HashError::Busy) => {
                let mut e = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the server is checking too many secrets at once; retry shortly",
                );
                e.retry_after = Some(1);
                e
            }
            RecoveryError::Hash(e) => {
                tracing::error!(error = %e, "hashing failure");
                Self::internal()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_errors_do_not_repeat_the_value() {
        let m = redact_values("current: invalid type: integer `1234`, expected a string at line 1 column 40");
        assert!(!m.contains("1234"), "{m}");
        assert!(m.contains("expected a string"));
        assert_eq!(redact_values("unknown field `x`, expected one of `a`"), "unknown field `x`, expected one of `a`");
    }
}
