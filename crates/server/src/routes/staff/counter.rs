//! Counter cases (P8b) in the staff API, for the console's every action and a
//! municipality's own systems: open a case, record what was brought, the proxy's inquiry
//! letter (its PDF) and second visit, the PIN step (on the national terminal, or a case token
//! for `reissue card`), the receipt's PDF, and closing a case. Every endpoint needs
//! `counter_cases`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use reissue_core::counter::checklist::ItemKind;
use reissue_core::counter::{CardPin, PinOutcome};
use reissue_core::ports::counter::CaseView;
use reissue_core::procedures::Recovery;
use reissue_core::procedures::counter::{CounterError, OpenCase, parse_item};
use reissue_core::staff::Permission;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::StaffAuth;
use super::accounts::ts;
use crate::AppState;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::routes::body;

/// One item the applicant brought, as recorded.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemBody {
    /// `card`, `representative_photo_id`, `family_register_certificate`,
    /// `guardianship_certificate`, `proxy_id`, `proxy_photo_id`, `response_form`,
    /// `power_of_attorney`, `sealed_pin_request`.
    pub item: String,
    /// For an identity document: `drivers_licence`, `passport`, `my_number_card`,
    /// `residence_card`, `disability_certificate`, `other_photo_id`, `health_insurance_card`,
    /// `pension_book`, `other_id`.
    #[serde(default)]
    pub document: Option<String>,
    /// At most the last four characters of the document's number; never any part of a My Number.
    #[serde(default)]
    pub number_last4: Option<String>,
    /// For a family register certificate not needed: `domicile_here`,
    /// `resident_record_shows_parent`.
    #[serde(default)]
    pub exemption: Option<String>,
    /// The original was collected (the response form and the power of attorney must be).
    #[serde(default)]
    pub collected: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    /// The holder's login ID (an individual's account).
    pub login_id: String,
    /// `in_person`, `legal_representative` or `proxy`.
    pub case_type: String,
    /// For a legal representative: `under_15` or `adult_ward`.
    #[serde(default)]
    pub ground: Option<String>,
    /// `sign`, `auth`, `juki`, `text`.
    pub pins: Vec<String>,
    /// `change` (current PIN known) or `reset` (locked or forgotten).
    pub operation: String,
    /// What was brought, recorded as the case opens; a proxy's case needs the card and the
    /// proxy's identity document.
    #[serde(default)]
    pub items: Vec<ItemBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenBody {
    pub pin: String,
    pub issued_by: String,
    pub issued_at: String,
    pub expires_at: String,
    pub claimed_at: Option<String>,
    pub reported_at: Option<String>,
    pub outcome: Option<String>,
    pub tries_left: Option<i64>,
}

/// A case as staff see it: never a check code, a case token or a PIN.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseBody {
    /// `C` and six digits.
    pub reference: String,
    pub login_id: String,
    pub case_type: String,
    pub ground: Option<String>,
    pub pins: Vec<String>,
    pub operation: String,
    /// `open`, `inquiry_ready`, `awaiting_reply`, `second_visit`, `completed`,
    /// `undeliverable`, `check_code_refused`, `expired`, `cancelled`.
    pub state: String,
    /// The visit whose items are recorded now (`first`, `second`), if any.
    pub visit: Option<String>,
    pub items: Vec<ItemBody>,
    /// What the current visit still needs before the PIN step.
    pub missing: Vec<String>,
    pub pins_done: Vec<String>,
    pub pins_remaining: Vec<String>,
    pub check_failures: i64,
    /// The inquiry letter can be printed (until it is marked mailed).
    pub letter_printable: bool,
    pub opened_by: String,
    pub opened_at: String,
    pub expires_at: String,
    pub mailed_at: Option<String>,
    pub closed_at: Option<String>,
    pub tokens: Vec<TokenBody>,
}

fn names<T: Copy>(v: &[T], f: impl Fn(T) -> &'static str) -> Vec<String> {
    v.iter().map(|x| f(*x).to_owned()).collect()
}

pub(crate) fn case_body(recovery: &Recovery, c: &CaseView) -> CaseBody {
    CaseBody {
        reference: c.reference().to_string(),
        login_id: c.login_id.clone(),
        case_type: c.case_type.as_str().into(),
        ground: c.ground.map(|g| g.as_str().into()),
        pins: names(&c.pins, CardPin::as_str),
        operation: c.operation.as_str().into(),
        state: c.state.as_str().into(),
        visit: c.state.visit().map(|v| v.as_str().into()),
        items: c
            .items
            .iter()
            .map(|i| ItemBody {
                item: i.record.kind.as_str().into(),
                document: i.record.document.map(|d| d.as_str().into()),
                number_last4: i.record.number_last4.clone(),
                exemption: i.record.exemption.map(|e| e.as_str().into()),
                collected: i.record.collected,
            })
            .collect(),
        missing: names(&recovery.counter_missing(c), ItemKind::as_str),
        pins_done: names(&c.pins_done, CardPin::as_str),
        pins_remaining: names(&Recovery::counter_pins_remaining(c), CardPin::as_str),
        check_failures: c.check_failures,
        letter_printable: c.letter_printable,
        opened_by: c.opened_by.clone(),
        opened_at: ts(c.opened_at),
        expires_at: ts(c.expires_at),
        mailed_at: c.mailed_at.map(ts),
        closed_at: c.closed_at.map(ts),
        tokens: c
            .tokens
            .iter()
            .map(|t| TokenBody {
                pin: t.pin.as_str().into(),
                issued_by: t.issued_by.clone(),
                issued_at: ts(t.issued_at),
                expires_at: ts(t.expires_at),
                claimed_at: t.claimed_at.map(ts),
                reported_at: t.reported_at.map(ts),
                outcome: t.outcome.map(|o| o.as_str().into()),
                tries_left: t.tries_left,
            })
            .collect(),
    }
}

/// Parses the items of a request.
pub(crate) fn parse_items(
    items: &[ItemBody],
) -> Result<Vec<reissue_core::counter::checklist::ItemRecord>, CounterError> {
    items
        .iter()
        .map(|i| {
            parse_item(&i.item, i.document.as_deref(), i.number_last4.as_deref(), i.exemption.as_deref(), i.collected)
        })
        .collect()
}

fn reference(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(r)| r).map_err(|_| ApiError::not_found())
}

fn answer(state: &AppState, status: StatusCode, c: &CaseView) -> Response {
    (status, Json(case_body(&state.recovery, c))).into_response()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// An account's cases, newest first; without it, the cases not closed, oldest first.
    pub login_id: Option<String>,
}

/// Lists cases: an account's, or every case not yet closed.
#[utoipa::path(get, path = "/api/v1/staff/counter/cases", params(CaseQuery), tag = "counter",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<CaseBody>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    auth: StaffAuth,
    query: Result<Query<CaseQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let Query(q) = query.map_err(|e| ApiError::bad_request(ErrorCode::InvalidQuery, e.body_text()))?;
    let now = state.clock.now();
    let cases = match q.login_id.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(login) => state.recovery.counter_cases_of(login, auth.who(), now).await?,
        None => state.recovery.open_counter_cases(200, now).await?,
    };
    let body: Vec<CaseBody> = cases.iter().map(|c| case_body(&state.recovery, c)).collect();
    Ok(Json(body).into_response())
}

/// Opens a case for a holder. `under_15` is refused for a holder aged 15 or more (from the
/// birth date on file) and the `sign` PIN for a holder under 15 or an adult ward; a proxy's
/// case records the first visit's items and makes the inquiry letter.
#[utoipa::path(post, path = "/api/v1/staff/counter/cases", request_body = OpenCaseRequest, tag = "counter",
    security(("bearer" = [])),
    responses((status = 201, body = CaseBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    auth: StaffAuth,
    payload: Result<Json<OpenCaseRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let req = body(payload)?;
    let pins: Vec<&str> = req.pins.iter().map(String::as_str).collect();
    let mut open = OpenCase::parse(&req.login_id, &req.case_type, req.ground.as_deref(), &pins, &req.operation)?;
    open.items = parse_items(&req.items)?;
    let case = state.recovery.open_counter_case(open, auth.who(), state.clock.now()).await?;
    Ok(answer(&state, StatusCode::CREATED, &case))
}

/// One case.
#[utoipa::path(get, path = "/api/v1/staff/counter/cases/{reference}", tag = "counter", security(("bearer" = [])),
    params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 200, body = CaseBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn view(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let case = state.recovery.counter_case(&reference(path)?, auth.who(), state.clock.now()).await?;
    Ok(answer(&state, StatusCode::OK, &case))
}

/// Records one item the applicant brought, at the case's current visit.
#[utoipa::path(post, path = "/api/v1/staff/counter/cases/{reference}/items", request_body = ItemBody,
    tag = "counter", security(("bearer" = [])),
    params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 200, body = CaseBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_item(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<ItemBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let r = reference(path)?;
    let req = body(payload)?;
    let item = parse_items(std::slice::from_ref(&req))?.remove(0);
    let case = state.recovery.record_counter_item(&r, item, auth.who(), state.clock.now()).await?;
    Ok(answer(&state, StatusCode::OK, &case))
}

/// The proxy's inquiry letter was mailed: the case waits for the second visit, and its check
/// code exists only on the letter.
#[utoipa::path(post, path = "/api/v1/staff/counter/cases/{reference}/inquiry/mailed", tag = "counter",
    security(("bearer" = [])), params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 200, body = CaseBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn inquiry_mailed(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let case = state.recovery.mark_inquiry_mailed(&reference(path)?, auth.who(), state.clock.now()).await?;
    Ok(answer(&state, StatusCode::OK, &case))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    pub reason: String,
}

/// The inquiry letter came back undelivered: the case closes as undeliverable.
#[utoipa::path(post, path = "/api/v1/staff/counter/cases/{reference}/inquiry/returned", request_body = ReasonRequest,
    tag = "counter", security(("bearer" = [])), params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 200, body = CaseBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn inquiry_returned(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<ReasonRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let r = reference(path)?;
    let req = body(payload)?;
    let case = state.recovery.record_inquiry_returned(&r, &req.reason, auth.who(), state.clock.now()).await?;
    Ok(answer(&state, StatusCode::OK, &case))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondVisitRequest {
    /// The eight digits printed on the inquiry letter.
    pub check_code: String,
}

/// The proxy's second visit: refused on the day the case was opened (`same_day`), and with a
/// wrong check code (`wrong_check_code`, counted; the fifth closes the case).
#[utoipa::path(post, path = "/api/v1/staff/counter/cases/{reference}/second-visit", request_body = SecondVisitRequest,
    tag = "counter", security(("bearer" = [])), params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 200, body = CaseBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn second_visit(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<SecondVisitRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let r = reference(path)?;
    let req = body(payload)?;
    let case = state.recovery.second_visit(&r, &req.check_code, auth.who(), state.clock.now()).await?;
    Ok(answer(&state, StatusCode::OK, &case))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinStepRequest {
    /// The PINs done on the national terminal.
    pub pins: Vec<String>,
    /// `success` or `failure`.
    pub outcome: String,
}

pub(crate) fn parse_pins(pins: &[String]) -> Result<Vec<CardPin>, ApiError> {
    CardPin::parse_list(&pins.join(",")).map_err(|p| CounterError::Invalid { field: "pins", problem: p }.into())
}

pub(crate) fn parse_outcome(o: &str) -> Result<PinOutcome, ApiError> {
    PinOutcome::parse(o.trim()).ok_or_else(|| {
        CounterError::Invalid { field: "outcome", problem: format!("choose one of {}", PinOutcome::names()) }.into()
    })
}

/// Records the PIN step as done on the national terminal by the staff member.
#[utoipa::path(post, path = "/api/v1/staff/counter/cases/{reference}/pin-step", request_body = PinStepRequest,
    tag = "counter", security(("bearer" = [])), params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 200, body = CaseBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn pin_step(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<PinStepRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let r = reference(path)?;
    let req = body(payload)?;
    let pins = parse_pins(&req.pins)?;
    let outcome = parse_outcome(&req.outcome)?;
    let case = state.recovery.record_terminal_pin_step(&r, &pins, outcome, auth.who(), state.clock.now()).await?;
    Ok(answer(&state, StatusCode::OK, &case))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseTokenRequest {
    /// The PIN `reissue card change-pin` changes with this token.
    pub pin: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedTokenBody {
    /// Shown once: `K7QM4-XPA2B`, for `reissue card change-pin PIN --case TOKEN`.
    pub token: String,
    pub pin: String,
    pub expires_at: String,
    pub case: CaseBody,
}

/// Issues a one-time case token (single use, 15 minutes) for `reissue card change-pin --case`.
#[utoipa::path(post, path = "/api/v1/staff/counter/cases/{reference}/case-tokens", request_body = CaseTokenRequest,
    tag = "counter", security(("bearer" = [])), params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 201, body = IssuedTokenBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn case_token(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<CaseTokenRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let r = reference(path)?;
    let req = body(payload)?;
    let pin = CardPin::parse(req.pin.trim()).ok_or_else(|| {
        ApiError::from(CounterError::Invalid { field: "pin", problem: format!("choose one of {}", CardPin::names()) })
    })?;
    let issued = state.recovery.issue_case_token(&r, pin, auth.who(), state.clock.now()).await?;
    let body = IssuedTokenBody {
        token: issued.token.grouped(),
        pin: issued.pin.as_str().into(),
        expires_at: ts(issued.expires_at),
        case: case_body(&state.recovery, &issued.case),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Closes a case that is not closed yet, with a reason.
#[utoipa::path(post, path = "/api/v1/staff/counter/cases/{reference}/cancel", request_body = ReasonRequest,
    tag = "counter", security(("bearer" = [])), params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 200, body = CaseBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<ReasonRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let r = reference(path)?;
    let req = body(payload)?;
    let case = state.recovery.cancel_counter_case(&r, &req.reason, auth.who(), state.clock.now()).await?;
    Ok(answer(&state, StatusCode::OK, &case))
}

/// The proxy's inquiry letter (照会書兼回答書) as a PDF, to print at the office, with the check
/// code opened for this printing: only while the case is `inquiry_ready` (until it is marked
/// mailed). `503` naming what to install when the server has no Japanese font.
#[utoipa::path(get, path = "/api/v1/staff/counter/cases/{reference}/inquiry.pdf", tag = "counter",
    security(("bearer" = [])), params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 200, description = "The inquiry letter as `application/pdf`", content_type = "application/pdf"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn inquiry_pdf(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let pdf = crate::counter_desk::inquiry_pdf(&state, &reference(path)?, auth.who(), state.clock.now()).await?;
    Ok(crate::counter_desk::pdf_response(pdf))
}

/// The receipt (受付票) handed to the applicant, as a PDF: what was applied for and, for a
/// proxy's case before its second visit, what to bring then. Never the check code. `503`
/// naming what to install when the server has no Japanese font.
#[utoipa::path(get, path = "/api/v1/staff/counter/cases/{reference}/receipt.pdf", tag = "counter",
    security(("bearer" = [])), params(("reference" = String, Path, description = "`C` and six digits")),
    responses((status = 200, description = "The receipt as `application/pdf`", content_type = "application/pdf"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
pub async fn receipt_pdf(
    State(state): State<AppState>,
    auth: StaffAuth,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    auth.require(Permission::CounterCases)?;
    let pdf = crate::counter_desk::receipt_pdf(&state, &reference(path)?, auth.who(), state.clock.now()).await?;
    Ok(crate::counter_desk::pdf_response(pdf))
}
