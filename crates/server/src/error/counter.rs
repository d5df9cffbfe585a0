//! The counter's errors as answers: a refusal is `422 case_refused` with its stable reason in
//! `reasons` (`[{"code":"same_day","earliest":"2026-12-03"}]`), except a case token's, which
//! the card client branches on and which have codes of their own.

use axum::http::StatusCode;
use reissue_core::procedures::RecoveryError;
use reissue_core::procedures::counter::{CounterError, CounterRefusal};

use super::{ApiError, ErrorCode};

impl From<CounterError> for ApiError {
    fn from(e: CounterError) -> Self {
        match e {
            CounterError::UnknownAccount(_) => {
                Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, e.to_string()).field("login_id")
            }
            CounterError::UnknownCase(_) => Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, e.to_string()),
            CounterError::Invalid { field, ref problem } => Self::invalid(field, problem.clone()),
            CounterError::Refused(r) => refusal(r),
            CounterError::Changed => Self::conflict(ErrorCode::ChangedMeanwhile, e.to_string()),
            CounterError::Unsealable => {
                tracing::error!(error = %e, "a case's check code does not open");
                Self::internal()
            }
            CounterError::Store(e) => RecoveryError::Store(e).into(),
        }
    }
}

fn refusal(r: CounterRefusal) -> ApiError {
    let message = r.to_string();
    let (status, code) = match r {
        CounterRefusal::TokenUnknown => (StatusCode::NOT_FOUND, ErrorCode::CaseTokenUnknown),
        CounterRefusal::TokenUsed => (StatusCode::CONFLICT, ErrorCode::CaseTokenUsed),
        CounterRefusal::TokenExpired | CounterRefusal::ReportLate => (StatusCode::GONE, ErrorCode::CaseTokenExpired),
        CounterRefusal::TokenOtherPin { .. } => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::CaseTokenOtherPin),
        CounterRefusal::CaseNotReady { .. } => (StatusCode::CONFLICT, ErrorCode::CaseNotReady),
        CounterRefusal::NotAWorkstation => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::CaseRefused),
    };
    let mut err = ApiError::new(status, code, message);
    err.reasons = serde_json::to_value([&r]).ok().map(Box::new);
    err
}

impl From<crate::counter_desk::CounterPdfError> for ApiError {
    fn from(e: crate::counter_desk::CounterPdfError) -> Self {
        use crate::counter_desk::CounterPdfError as E;
        match e {
            E::Counter(c) => c.into(),
            E::NoFont(_) => {
                tracing::error!(error = %e, "a counter letter cannot be rendered");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable, e.to_string())
            }
            E::Layout(_) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::CaseRefused, e.to_string()),
            E::Render(_) => {
                tracing::error!(error = %e, "a counter letter could not be rendered");
                Self::internal()
            }
        }
    }
}
