//! The one place where errors become HTTP answers: `{"error":{"code","message","field"}}` for
//! every 4xx, stable codes, and no internals for a 5xx. It is longer than most files because
//! every layer's error (recovery, staff sign-in, help desk, postal, export) is mapped here and
//! nowhere else; the counter's are in `counter.rs` beside it.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use reissue_core::hashing::HashError;
use reissue_core::procedures::RecoveryError;
use reissue_core::procedures::helpdesk::HelpDeskError;
use reissue_core::procedures::postal::PostalError;
use reissue_core::staff::{Permission, StaffAuthError, StaffError};
use serde::Serialize;

use crate::postal_desk::ExportFailure;

mod counter;

/// The stable error codes of the API: clients may branch on them, so a code is never renamed
/// or reused. Each answer's `error.code` is one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    AccountSuspended,
    AlreadyDecided,
    AlreadyExported,
    AttemptsInProgress,
    BadSignature,
    BodyTooLarge,
    Busy,
    CallState,
    CaseNotReady,
    CaseRefused,
    CaseTokenExpired,
    CaseTokenOtherPin,
    CaseTokenUnknown,
    CaseTokenUsed,
    ChangedMeanwhile,
    FileRefused,
    Forbidden,
    FreshTotpRefused,
    FreshTotpRequired,
    InvalidBody,
    InvalidCode,
    InvalidCredentials,
    InvalidField,
    InvalidQuery,
    InvalidRequest,
    InvalidResetToken,
    Locked,
    LoginTaken,
    MalformedJson,
    MethodNotAllowed,
    MissingCall,
    MissingStatus,
    NotEligible,
    NotFound,
    NotReady,
    NotResettable,
    NothingToChange,
    NothingToDo,
    OwnAction,
    OwnLetters,
    PasswordChangeRequired,
    PolicyViolation,
    TooManyRequests,
    Unauthenticated,
    Unauthorized,
    Unavailable,
    UnknownCredential,
    UnknownStatus,
    UnreadableBody,
    UnsupportedMediaType,
}

impl ErrorCode {
    /// Every code, for documentation and tests.
    pub const ALL: &[ErrorCode] = &[
        Self::AccountSuspended,
        Self::AlreadyDecided,
        Self::AlreadyExported,
        Self::AttemptsInProgress,
        Self::BadSignature,
        Self::BodyTooLarge,
        Self::Busy,
        Self::CallState,
        Self::CaseNotReady,
        Self::CaseRefused,
        Self::CaseTokenExpired,
        Self::CaseTokenOtherPin,
        Self::CaseTokenUnknown,
        Self::CaseTokenUsed,
        Self::ChangedMeanwhile,
        Self::FileRefused,
        Self::Forbidden,
        Self::FreshTotpRefused,
        Self::FreshTotpRequired,
        Self::InvalidBody,
        Self::InvalidCode,
        Self::InvalidCredentials,
        Self::InvalidField,
        Self::InvalidQuery,
        Self::InvalidRequest,
        Self::InvalidResetToken,
        Self::Locked,
        Self::LoginTaken,
        Self::MalformedJson,
        Self::MethodNotAllowed,
        Self::MissingCall,
        Self::MissingStatus,
        Self::NotEligible,
        Self::NotFound,
        Self::NotReady,
        Self::NotResettable,
        Self::NothingToChange,
        Self::NothingToDo,
        Self::OwnAction,
        Self::OwnLetters,
        Self::PasswordChangeRequired,
        Self::PolicyViolation,
        Self::TooManyRequests,
        Self::Unauthenticated,
        Self::Unauthorized,
        Self::Unavailable,
        Self::UnknownCredential,
        Self::UnknownStatus,
        Self::UnreadableBody,
        Self::UnsupportedMediaType,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccountSuspended => "account_suspended",
            Self::AlreadyDecided => "already_decided",
            Self::AlreadyExported => "already_exported",
            Self::AttemptsInProgress => "attempts_in_progress",
            Self::BadSignature => "bad_signature",
            Self::BodyTooLarge => "body_too_large",
            Self::Busy => "busy",
            Self::CallState => "call_state",
            Self::CaseNotReady => "case_not_ready",
            Self::CaseRefused => "case_refused",
            Self::CaseTokenExpired => "case_token_expired",
            Self::CaseTokenOtherPin => "case_token_other_pin",
            Self::CaseTokenUnknown => "case_token_unknown",
            Self::CaseTokenUsed => "case_token_used",
            Self::ChangedMeanwhile => "changed_meanwhile",
            Self::FileRefused => "file_refused",
            Self::Forbidden => "forbidden",
            Self::FreshTotpRefused => "fresh_totp_refused",
            Self::FreshTotpRequired => "fresh_totp_required",
            Self::InvalidBody => "invalid_body",
            Self::InvalidCode => "invalid_code",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidField => "invalid_field",
            Self::InvalidQuery => "invalid_query",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidResetToken => "invalid_reset_token",
            Self::Locked => "locked",
            Self::LoginTaken => "login_taken",
            Self::MalformedJson => "malformed_json",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::MissingCall => "missing_call",
            Self::MissingStatus => "missing_status",
            Self::NotEligible => "not_eligible",
            Self::NotFound => "not_found",
            Self::NotReady => "not_ready",
            Self::NotResettable => "not_resettable",
            Self::NothingToChange => "nothing_to_change",
            Self::NothingToDo => "nothing_to_do",
            Self::OwnAction => "own_action",
            Self::OwnLetters => "own_letters",
            Self::PasswordChangeRequired => "password_change_required",
            Self::PolicyViolation => "policy_violation",
            Self::TooManyRequests => "too_many_requests",
            Self::Unauthenticated => "unauthenticated",
            Self::Unauthorized => "unauthorized",
            Self::Unavailable => "unavailable",
            Self::UnknownCredential => "unknown_credential",
            Self::UnknownStatus => "unknown_status",
            Self::UnreadableBody => "unreadable_body",
            Self::UnsupportedMediaType => "unsupported_media_type",
        }
    }
}

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub details: Option<serde_json::Value>,
    /// Why an account cannot get what was asked (`not_eligible`): the stable reasons.
    pub reasons: Option<Box<serde_json::Value>>,
    /// Every bad line of a refused file (`file_refused`).
    pub lines: Option<Box<serde_json::Value>>,
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
    /// `not_eligible`: why, each reason an object with its `code` and the dates it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub reasons: Option<serde_json::Value>,
    /// `file_refused`: every bad line, `{"line": 3, "problem": "..."}`, in line order.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub lines: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            details: None,
            reasons: None,
            lines: None,
            retry_after: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such resource")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed, "this method is not allowed here")
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, "a valid bearer token is required")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "this token's role may not do this")
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "the service cannot answer right now; try again later",
        )
    }

    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str().to_owned(),
                message: self.message,
                field: self.field,
                details: self.details,
                reasons: self.reasons.map(|r| *r),
                lines: self.lines.map(|l| *l),
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
                let mut e =
                    Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest, redact_values(&detail));
                e.field = unknown.or(missing).or(field);
                e
            }
            JsonRejection::JsonSyntaxError(_) => {
                Self::bad_request(ErrorCode::MalformedJson, format!("the body is not valid JSON: {}", r.body_text()))
            }
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON with Content-Type: application/json",
            ),
            JsonRejection::BytesRejection(_) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BodyTooLarge, "the body is larger than 16 KiB")
            }
            _ => Self::bad_request(ErrorCode::UnreadableBody, r.body_text()),
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
            RecoveryError::InvalidCode => Self::bad_request(
                ErrorCode::InvalidCode,
                "the login ID or reset code is not valid, or the code has expired",
            ),
            RecoveryError::InvalidSession => Self::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidResetToken,
                "the reset session is not valid or has expired",
            )
            .field("reset_token"),
            RecoveryError::UnknownCredential(n) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::UnknownCredential,
                format!("no credential is named {n:?}"),
            )
            .field(format!("credentials.{n}")),
            RecoveryError::NotResettable(n) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::NotResettable,
                format!("{n:?} cannot be set online; please contact the help desk"),
            )
            .field(format!("credentials.{n}")),
            RecoveryError::NothingToChange => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::NothingToChange,
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
                    ErrorCode::PolicyViolation,
                    v.iter().map(|(n, p)| format!("{n} {}", p.message())).collect::<Vec<_>>().join("; "),
                );
                if v.len() == 1 {
                    e.field = Some(format!("credentials.{}", v[0].0));
                }
                e.details = Some(serde_json::Value::Object(details));
                e
            }
            RecoveryError::InvalidCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidCredentials,
                "the login ID or secret is not correct",
            ),
            RecoveryError::Locked => Self::new(
                StatusCode::LOCKED,
                ErrorCode::Locked,
                "this credential is locked after too many failures; reset it or contact the help desk",
            ),
            RecoveryError::AccountSuspended => Self::new(
                StatusCode::FORBIDDEN,
                ErrorCode::AccountSuspended,
                "the account is suspended; no credential of it can be used until the institution reinstates it",
            ),
            RecoveryError::AttemptsInProgress => {
                let mut e = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::AttemptsInProgress,
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
                    ErrorCode::Busy,
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

impl ApiError {
    /// No valid staff session or token: `401 unauthenticated`.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "a valid staff session token or staff API token is required as a bearer token",
        )
    }

    /// The staff caller's role lacks `permission`: `403 forbidden`, naming it.
    pub fn lacks_permission(permission: Permission) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            format!("this role may not do this: it needs the permission {}", permission.as_str()),
        )
        .field(permission.as_str())
    }

    /// A token that is valid but of no staff role (an integrator's).
    pub fn not_staff() -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "this token has no staff role")
    }

    /// A session signed in with an initial password, asking for anything but its change.
    pub fn password_change_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            ErrorCode::PasswordChangeRequired,
            "set a new password first (POST /api/v1/staff/sessions/current/password)",
        )
    }

    /// Something only a signed-in staff member can do (a token has no session or password).
    pub fn session_only() -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "only a staff session can do this, not an API token")
    }

    /// A sensitive action asked of a session without its fresh TOTP code.
    pub fn fresh_totp_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::FreshTotpRequired,
            "this action needs a fresh code from your authenticator in \"totp\"",
        )
        .field("totp")
    }

    /// Why the fresh TOTP code of a sensitive action was not taken. A code already used (the
    /// one that signed in, or an earlier action's) is refused like a wrong one.
    pub fn fresh_totp(e: StaffAuthError) -> Self {
        match e {
            StaffAuthError::Refused => Self::new(
                StatusCode::FORBIDDEN,
                ErrorCode::FreshTotpRefused,
                "the code is not right or was already used; wait for the next code",
            )
            .field("totp"),
            StaffAuthError::Locked => Self::new(
                StatusCode::FORBIDDEN,
                ErrorCode::FreshTotpRefused,
                "your sign-in is locked after too many failures; an administrator must reset it",
            )
            .field("totp"),
            other => other.into(),
        }
    }

    /// A JSON body that does not fit the request, read by hand (a tagged action): `422`, the
    /// values serde would quote left out.
    pub fn unfit_body(e: &serde_json::Error) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest, redact_values(&e.to_string()))
    }

    /// A vendor file sent as anything but `text/csv`.
    pub fn not_csv() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the vendor's file as the body with Content-Type: text/csv",
        )
    }

    fn invalid(field: &str, problem: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidField, problem).field(field)
    }

    fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    fn busy() -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Busy,
            "the server is checking too many secrets at once; retry shortly",
        );
        e.retry_after = Some(1);
        e
    }
}

impl From<axum::extract::rejection::PathRejection> for ApiError {
    /// A path segment that is not what the route takes (an ID that is not a number).
    fn from(r: axum::extract::rejection::PathRejection) -> Self {
        Self::bad_request(ErrorCode::InvalidField, r.body_text())
    }
}

impl From<StaffAuthError> for ApiError {
    /// A sign-in refused for any reason (a wrong factor, an unknown login, a disabled or
    /// locked member) is one `401`: the answer never says which.
    fn from(e: StaffAuthError) -> Self {
        match e {
            StaffAuthError::Refused | StaffAuthError::Locked => Self::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidCredentials,
                "sign-in refused: the login, password or code is not right, or the sign-in is locked",
            ),
            StaffAuthError::Busy | StaffAuthError::Hash(HashError::Busy) => Self::busy(),
            StaffAuthError::Store(e) => RecoveryError::Store(e).into(),
            StaffAuthError::Hash(e) => RecoveryError::Hash(e).into(),
        }
    }
}

impl From<StaffError> for ApiError {
    fn from(e: StaffError) -> Self {
        match e {
            StaffError::InvalidLogin(e) => Self::invalid("login", e.to_string()),
            StaffError::InvalidName => Self::invalid("name", e.to_string()),
            StaffError::LoginTaken(_) => Self::conflict(ErrorCode::LoginTaken, e.to_string()).field("login"),
            StaffError::UnknownStaff(_) => Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, e.to_string()),
            StaffError::InvalidSession => Self::unauthenticated(),
            StaffError::Policy(ref v) => {
                let mut err =
                    Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::PolicyViolation, e.to_string()).field("new");
                err.details = Some(serde_json::json!({ "reason": v }));
                err
            }
            StaffError::SamePassword => Self::invalid("new", e.to_string()),
            // A wrong current password: the session stays valid, so not `unauthenticated`.
            StaffError::Auth(StaffAuthError::Refused | StaffAuthError::Locked) => Self::new(
                StatusCode::FORBIDDEN,
                ErrorCode::InvalidCredentials,
                "the current password is not right, or the sign-in is locked",
            )
            .field("current"),
            StaffError::Auth(a) => a.into(),
            StaffError::Store(e) => RecoveryError::Store(e).into(),
            StaffError::Hash(HashError::Busy) => Self::busy(),
            StaffError::Hash(e) => RecoveryError::Hash(e).into(),
        }
    }
}

impl From<HelpDeskError> for ApiError {
    fn from(e: HelpDeskError) -> Self {
        match e {
            HelpDeskError::UnknownAccount(_) => {
                Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, e.to_string()).field("login_id")
            }
            HelpDeskError::Invalid { field, ref problem } => Self::invalid(field, problem.clone()),
            HelpDeskError::NothingToDo(_) => Self::conflict(ErrorCode::NothingToDo, e.to_string()),
            HelpDeskError::UnknownAction(_) => Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, e.to_string()),
            HelpDeskError::AlreadyDecided(_) => Self::conflict(ErrorCode::AlreadyDecided, e.to_string()),
            HelpDeskError::OwnAction => Self::new(StatusCode::FORBIDDEN, ErrorCode::OwnAction, e.to_string()),
            HelpDeskError::Postal(p) => p.into(),
            HelpDeskError::Store(e) => RecoveryError::Store(e).into(),
        }
    }
}

impl From<PostalError> for ApiError {
    fn from(e: PostalError) -> Self {
        match e {
            PostalError::UnknownAccount(_) => {
                Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, e.to_string()).field("login_id")
            }
            PostalError::Invalid { field, ref problem } => Self::invalid(field, problem.clone()),
            PostalError::Ineligible(ref reasons) => {
                let mut err = Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NotEligible, e.to_string());
                err.reasons = serde_json::to_value(reasons).ok().map(Box::new);
                err
            }
            PostalError::UnknownBatch(_) => Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, e.to_string()),
            PostalError::AlreadyExported(_) => Self::conflict(ErrorCode::AlreadyExported, e.to_string()),
            PostalError::OwnLetters(_) => Self::new(StatusCode::FORBIDDEN, ErrorCode::OwnLetters, e.to_string()),
            PostalError::File(ref f) => {
                let lines: Vec<serde_json::Value> = f
                    .errors
                    .iter()
                    .map(|l| serde_json::json!({ "line": l.line, "problem": l.problem.to_string() }))
                    .collect();
                let mut err = Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::FileRefused, e.to_string());
                err.lines = Some(Box::new(serde_json::Value::Array(lines)));
                err
            }
            PostalError::Changed => Self::conflict(ErrorCode::ChangedMeanwhile, e.to_string()),
            PostalError::Unsealable(_) => {
                tracing::error!(error = %e, "a letter's code does not open");
                Self::internal()
            }
            PostalError::Store(e) => RecoveryError::Store(e).into(),
        }
    }
}

impl From<ExportFailure> for ApiError {
    fn from(e: ExportFailure) -> Self {
        match e {
            ExportFailure::Postal(p) => p.into(),
            ExportFailure::NoFont(_) | ExportFailure::NoVendorKey | ExportFailure::Batch(_) => {
                tracing::error!(error = %e, "a batch export failed");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable, e.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_is_distinct_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(s.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'), "{s}");
        }
    }

    #[test]
    fn type_errors_do_not_repeat_the_value() {
        let m = redact_values("current: invalid type: integer `1234`, expected a string at line 1 column 40");
        assert!(!m.contains("1234"), "{m}");
        assert!(m.contains("expected a string"));
        assert_eq!(redact_values("unknown field `x`, expected one of `a`"), "unknown field `x`, expected one of `a`");
    }
}
