//! The counter's list of open cases (oldest first) and the form that opens a case: the holder
//! by login ID, who applies (with the ground of a legal representative), the PINs, change or
//! reset, and what was brought as the case opens — for a proxy, the first visit's card and
//! the proxy's identity document, without which the case does not open.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use minijinja::value::Value;
use reissue_core::counter::checklist::{DocumentType, ItemKind};
use reissue_core::counter::{CardPin, CaseType, Ground, PinOperation};
use reissue_core::procedures::counter::{OpenCase, parse_item};
use reissue_core::staff::Permission;

use super::{LIST, OPEN, case_path, counter_errors, key, state_label, t, type_label};
use crate::AppState;
use crate::client::ClientIp;
use crate::pages::staff::{Console, date_time, last_day};
use crate::pages::{Fields, FormErrors, Visit, see_other};

/// The open cases, oldest first.
pub async fn list(State(state): State<AppState>, ip: ClientIp, visit: Visit) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let lang = console.lang();
    let cases = match state.recovery.open_counter_cases(200, state.clock.now()).await {
        Ok(c) => c,
        Err(e) => return console.unavailable(&state, &e),
    };
    let rows: Vec<Value> = cases
        .iter()
        .map(|c| {
            let reference = c.reference().to_string();
            minijinja::context! {
                href => case_path(&reference), reference,
                login_id => c.login_id.clone(),
                case_type => type_label(&state, lang, c.case_type, c.ground),
                state => state_label(&state, lang, c.state),
                opened => date_time(&state, lang, c.opened_at), opened_by => c.opened_by.clone(),
                last_day => last_day(&state, lang, c.expires_at),
            }
        })
        .collect();
    let ctx = minijinja::context! { cases => rows, open_href => OPEN };
    console.page(&state, "staff_counter.html", LIST, ctx).render(&state.site)
}

/// The choices of a radio group or select: value, label, whether chosen.
fn choices(names: &[(&'static str, String)], chosen: &str) -> Vec<Value> {
    names
        .iter()
        .map(|(value, label)| minijinja::context! { value => *value, label => label.clone(), selected => *value == chosen })
        .collect()
}

async fn render_open(
    state: &AppState,
    console: &Console,
    fields: Option<&Fields>,
    errors: &FormErrors,
    status: StatusCode,
) -> Response {
    let lang = console.lang();
    let value = |name: &str| fields.map_or("", |f| f.get(name)).to_owned();
    let types: Vec<_> = CaseType::ALL.iter().map(|c| (c.as_str(), t(state, lang, &c.label_key()))).collect();
    let mut grounds = vec![("", t(state, lang, "staff-counter-no-ground"))];
    grounds.extend(Ground::ALL.iter().map(|g| (g.as_str(), t(state, lang, &g.label_key()))));
    let operations: Vec<_> = PinOperation::ALL
        .iter()
        .map(|o| (o.as_str(), t(state, lang, &key("staff-counter-operation-", o.as_str()))))
        .collect();
    let pins: Vec<Value> = CardPin::ALL
        .iter()
        .map(|p| {
            let name = format!("pin-{p}");
            minijinja::context! {
                name => name.clone(), label => t(state, lang, &p.label_key()),
                checked => fields.is_some_and(|f| f.get(&name) == "1"),
            }
        })
        .collect();
    let mut documents = vec![("", t(state, lang, "staff-counter-choose-document"))];
    documents
        .extend(DocumentType::ALL.iter().map(|d| (d.as_str(), t(state, lang, &key("counter-document-", d.as_str())))));
    let (errs, error_of) = errors.context();
    let default_type = if fields.is_some() { value("case_type") } else { "in_person".into() };
    let default_op = if fields.is_some() { value("operation") } else { "change".into() };
    let ctx = minijinja::context! {
        csrf => console.visit.form_token(state, OPEN), action => OPEN, list_href => LIST,
        login_id => value("login_id"),
        types => choices(&types, &default_type), grounds => choices(&grounds, &value("ground")),
        operations => choices(&operations, &default_op), pins,
        card_seen => fields.is_some_and(|f| f.get("item-card") == "1"),
        card_label => t(state, lang, &ItemKind::Card.label_key()),
        proxy_id_label => t(state, lang, &ItemKind::ProxyId.label_key()),
        documents => choices(&documents, &value("proxy_document")),
        proxy_number_last4 => value("proxy_number_last4"),
        errors => errs, error_of,
    };
    console.page(state, "staff_counter_open.html", LIST, ctx).status(status).render(&state.site)
}

pub async fn open_form(State(state): State<AppState>, ip: ClientIp, visit: Visit, uri: Uri) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    // From an account's page: `?login_id=` fills the holder in.
    let login: Option<String> = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "login_id")
        .map(|(_, v)| v.into_owned());
    match login {
        Some(l) => {
            let fields = Fields(
                [("login_id", l.as_str()), ("case_type", "in_person"), ("operation", "change")]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            );
            render_open(&state, &console, Some(&fields), &FormErrors::default(), StatusCode::OK).await
        }
        None => render_open(&state, &console, None, &FormErrors::default(), StatusCode::OK).await,
    }
}

/// Where the open form shows a problem: a refusal beside the choice it is about.
fn place(field: &str) -> String {
    match field {
        "not_under_15" | "not_adult" | "no_birth_date" | "ground" => "ground",
        "no_signature_certificate" => "pins",
        "checklist_incomplete" | "item" | "collected" => "item-card",
        "document" => "proxy_document",
        "number_last4" => "proxy_number_last4",
        "case_type" => "case_type",
        "operation" => "operation",
        "pins" => "pins",
        _ => "login_id",
    }
    .to_owned()
}

/// Opens the case and goes to its page.
pub async fn open(State(state): State<AppState>, ip: ClientIp, visit: Visit, fields: Fields) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let pins: Vec<&str> =
        CardPin::ALL.iter().filter(|p| fields.get(&format!("pin-{p}")) == "1").map(|p| p.as_str()).collect();
    let ground = Some(fields.get("ground"));
    let parsed =
        OpenCase::parse(fields.get("login_id"), fields.get("case_type"), ground, &pins, fields.get("operation"))
            .and_then(|mut open| {
                if fields.get("item-card") == "1" {
                    open.items.push(parse_item(ItemKind::Card.as_str(), None, None, None, false)?);
                }
                let document = fields.get("proxy_document");
                if open.case_type == CaseType::Proxy && !document.trim().is_empty() {
                    let last4 = Some(fields.get("proxy_number_last4"));
                    open.items.push(parse_item(ItemKind::ProxyId.as_str(), Some(document), last4, None, false)?);
                }
                Ok(open)
            });
    let result = match parsed {
        Ok(open) => state.recovery.open_counter_case(open, &console.caller.requester, state.clock.now()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(case) => {
            see_other(&format!("{}?done=opened", case_path(&case.reference().to_string())), &console.visit.cookies)
        }
        Err(e) => {
            let mut errors = FormErrors::default();
            match counter_errors(&state, &console, e, &mut errors, &place) {
                Ok(status) => render_open(&state, &console, Some(&fields), &errors, status).await,
                Err(r) => r,
            }
        }
    }
}
