//! The case page: who applied for which PINs, the state in words, what the current visit still
//! needs (each item with its small form: the document's type, at most its last four
//! characters, an exemption, the original collected), the PIN step once it may be done, the
//! case's tokens, the proxy's letter and second visit, the receipt, and closing the case.
//! Recording an item and closing a case are here; the rest posts to `pin_step.rs` and
//! `visit.rs`, and every post answers with a 303 to this page, or this page with its errors.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use minijinja::value::Value;
use reissue_core::counter::checklist::{DocumentType, Exemption, ItemKind};
use reissue_core::counter::{Ground, PinOperation};
use reissue_core::lifecycle::counter_case::{CaseState, MAX_CHECK_CODE_FAILURES};
use reissue_core::ports::counter::CaseView;
use reissue_core::procedures::Recovery;
use reissue_core::procedures::counter::{CounterError, parse_item};
use reissue_core::staff::Permission;

use super::{LIST, case_path, counter_errors, key, list_of, not_found, state_label, t, type_label};
use crate::AppState;
use crate::client::ClientIp;
use crate::pages::staff::{Console, date_time, last_day};
use crate::pages::{Fields, FormErrors, Visit, see_other};

/// What the page shows beside the case: a notice, a form's errors and the fields it had
/// (`form` names which form posted them), and a case token just issued.
#[derive(Default)]
pub struct Extra<'a> {
    pub notice: String,
    pub errors: FormErrors,
    pub fields: Option<&'a Fields>,
    pub form: &'static str,
    pub issued: Option<Value>,
}

/// A select's options: value, label, chosen.
fn options(list: Vec<(&'static str, String)>, chosen: &str) -> Vec<Value> {
    list.into_iter().map(|(value, label)| minijinja::context! { value, label, selected => value == chosen }).collect()
}

/// What was recorded of an item, in words: the document and its number's last characters, an
/// exemption, the original collected.
fn recorded_text(state: &AppState, console: &Console, r: &reissue_core::counter::checklist::ItemRecord) -> String {
    let lang = console.lang();
    let mut parts = Vec::new();
    if let Some(d) = r.document {
        parts.push(t(state, lang, &key("counter-document-", d.as_str())));
    }
    if let Some(n) = &r.number_last4 {
        parts.push(state.site.t(lang, "staff-counter-number-ends", &[("last4", n.as_str().into())]));
    }
    if let Some(e) = r.exemption {
        parts.push(t(state, lang, &key("counter-exemption-", e.as_str())));
    }
    if r.collected {
        parts.push(t(state, lang, "staff-counter-collected"));
    }
    if parts.is_empty() {
        parts.push(t(state, lang, "staff-counter-seen"));
    }
    list_of(state, lang, parts)
}

fn checklist(state: &AppState, console: &Console, c: &CaseView, extra: &Extra, path: &str) -> Option<Value> {
    let lang = console.lang();
    let visit = c.state.visit()?;
    let action = format!("{path}/items");
    let csrf = console.visit.form_token(state, &action);
    let posted = |kind: ItemKind, name: &str| match extra.fields {
        Some(f) if extra.form == "item" && f.get("item") == kind.as_str() => {
            f.get(&format!("{kind}-{name}")).to_owned()
        }
        _ => String::new(),
    };
    let items: Vec<Value> = state
        .recovery
        .counter_required(c)
        .into_iter()
        .map(|k| {
            let done = c.items.iter().find(|i| i.record.kind == k && i.record.visit == visit);
            let documents = {
                let mut list = vec![("", t(state, lang, "staff-counter-choose-document"))];
                list.extend(
                    DocumentType::ALL
                        .iter()
                        .filter(|d| !k.needs_photo() || d.has_photo())
                        .map(|d| (d.as_str(), t(state, lang, &key("counter-document-", d.as_str())))),
                );
                options(list, &posted(k, "document"))
            };
            let exemptions = {
                let mut list = vec![("", t(state, lang, "staff-counter-certificate-seen"))];
                list.extend(
                    Exemption::ALL.iter().map(|e| (e.as_str(), t(state, lang, &key("counter-exemption-", e.as_str())))),
                );
                options(list, &posted(k, "exemption"))
            };
            minijinja::context! {
                kind => k.as_str(), label => t(state, lang, &k.label_key()),
                recorded => done.is_some(),
                recorded_text => done.map(|d| recorded_text(state, console, &d.record)).unwrap_or_default(),
                recorded_by => done.map(|d| d.recorded_by.clone()).unwrap_or_default(),
                recorded_at => done.map(|d| date_time(state, lang, d.recorded_at)).unwrap_or_default(),
                is_id => k.is_identity_document(), needs_photo => k.needs_photo(), documents,
                has_exemption => k == ItemKind::FamilyRegisterCertificate && c.ground == Some(Ground::Under15),
                exemptions, original_kept => k.original_kept(),
                number_last4 => posted(k, "number_last4"),
                collected => posted(k, "collected") == "1",
            }
        })
        .collect();
    Some(minijinja::context! {
        visit => t(state, lang, &key("staff-counter-visit-", visit.as_str())),
        items, action, csrf,
    })
}

fn pin_step(state: &AppState, console: &Console, c: &CaseView, extra: &Extra, path: &str) -> Option<Value> {
    let lang = console.lang();
    let remaining = Recovery::counter_pins_remaining(c);
    if !c.state.pin_step_possible() || remaining.is_empty() {
        return None;
    }
    let field = |name: &str| match extra.fields {
        Some(f) if extra.form == "pin_step" => f.get(name).to_owned(),
        _ => String::new(),
    };
    let pins: Vec<Value> = remaining
        .iter()
        .map(|p| {
            let name = format!("pin-{p}");
            minijinja::context! {
                name => name.clone(), label => t(state, lang, &p.label_key()), checked => field(&name) == "1",
            }
        })
        .collect();
    let outcome = if field("outcome").is_empty() { "success".to_owned() } else { field("outcome") };
    let outcomes = options(
        ["success", "failure"].into_iter().map(|o| (o, t(state, lang, &key("staff-counter-outcome-", o)))).collect(),
        &outcome,
    );
    let token_pins = options(remaining.iter().map(|p| (p.as_str(), t(state, lang, &p.label_key()))).collect(), "");
    let terminal = format!("{path}/pin-step");
    let token = format!("{path}/case-token");
    let missing: Vec<String> =
        state.recovery.counter_missing(c).iter().map(|k| t(state, lang, &k.label_key())).collect();
    Some(minijinja::context! {
        missing, pins, outcomes,
        terminal_action => terminal.clone(), terminal_csrf => console.visit.form_token(state, &terminal),
        may_token => c.operation == PinOperation::Change, token_pins,
        token_action => token.clone(), token_csrf => console.visit.form_token(state, &token),
    })
}

fn proxy(state: &AppState, console: &Console, c: &CaseView, extra: &Extra, path: &str) -> Option<Value> {
    if c.case_type != reissue_core::counter::CaseType::Proxy {
        return None;
    }
    let lang = console.lang();
    let form = |suffix: &str| {
        let action = format!("{path}/{suffix}");
        let csrf = console.visit.form_token(state, &action);
        minijinja::context! { action, csrf }
    };
    let reason = match extra.fields {
        Some(f) if extra.form == "returned" => f.get("returned_reason").to_owned(),
        _ => String::new(),
    };
    let ready = c.state == CaseState::InquiryReady;
    let waiting = c.state == CaseState::AwaitingReply;
    Some(minijinja::context! {
        printable => ready && c.letter_printable, inquiry_href => format!("{path}/inquiry.pdf"),
        mailed => ready.then(|| form("inquiry/mailed")),
        mailed_at => c.mailed_at.map(|m| date_time(state, lang, m)).unwrap_or_default(),
        returned => (ready || waiting).then(|| form("inquiry/returned")), returned_reason => reason,
        second_visit => waiting.then(|| form("second-visit")),
        tries_left => MAX_CHECK_CODE_FAILURES - c.check_failures, check_failures => c.check_failures,
        recipient => c.recipient.as_ref().map(|r| minijinja::context! {
            name => format!("{} {}", r.family_name, r.given_name),
            postal_code => r.postal_code.clone(), lines => r.address_lines.clone(),
        }),
    })
}

fn tokens(state: &AppState, console: &Console, c: &CaseView) -> Vec<Value> {
    let lang = console.lang();
    let when = |t: Option<time::OffsetDateTime>| t.map(|t| date_time(state, lang, t)).unwrap_or_default();
    c.tokens
        .iter()
        .map(|tk| {
            minijinja::context! {
                pin => t(state, lang, &tk.pin.label_key()),
                issued => date_time(state, lang, tk.issued_at), issued_by => tk.issued_by.clone(),
                expires => date_time(state, lang, tk.expires_at),
                claimed => when(tk.claimed_at), reported => when(tk.reported_at),
                outcome => tk.outcome.map(|o| t(state, lang, &key("staff-counter-outcome-", o.as_str()))).unwrap_or_default(),
                tries_left => tk.tries_left,
            }
        })
        .collect()
}

/// Renders the page of `c`.
pub fn render_case(
    state: &AppState,
    console: &Console,
    c: &CaseView,
    holder: Option<(String, String)>,
    extra: Extra,
    status: StatusCode,
) -> Response {
    let lang = console.lang();
    let reference = c.reference().to_string();
    let path = case_path(&reference);
    let cancel = format!("{path}/cancel");
    let (errors, error_of) = extra.errors.context();
    let cancel_reason = match extra.fields {
        Some(f) if extra.form == "cancel" => f.get("cancel_reason").to_owned(),
        _ => String::new(),
    };
    let ctx = minijinja::context! {
        reference => reference.clone(), list_href => LIST,
        login_id => c.login_id.clone(), account_href => format!("/staff/accounts/{}", c.login_id),
        holder => holder.map(|(f, g)| format!("{f} {g}")).unwrap_or_default(),
        case_type => type_label(state, lang, c.case_type, c.ground),
        pins => list_of(state, lang, c.pins.iter().map(|p| t(state, lang, &p.label_key()))),
        pins_done => list_of(state, lang, c.pins_done.iter().map(|p| t(state, lang, &p.label_key()))),
        operation => t(state, lang, &c.operation.label_key()),
        state => state_label(state, lang, c.state), closed => c.state.is_closed(),
        opened => date_time(state, lang, c.opened_at), opened_by => c.opened_by.clone(),
        last_day => last_day(state, lang, c.expires_at),
        closed_at => c.closed_at.map(|t| date_time(state, lang, t)).unwrap_or_default(),
        checklist => checklist(state, console, c, &extra, &path),
        pin_step => pin_step(state, console, c, &extra, &path),
        proxy => proxy(state, console, c, &extra, &path),
        tokens => tokens(state, console, c),
        issued => extra.issued,
        receipt_href => format!("{path}/receipt.pdf"),
        cancel => (!c.state.is_closed()).then(|| minijinja::context! {
            action => cancel.clone(), csrf => console.visit.form_token(state, &cancel),
        }),
        cancel_reason,
        notice => extra.notice, errors, error_of,
    };
    console.page(state, "staff_counter_case.html", LIST, ctx).status(status).render(&state.site)
}

/// Reads the case `reference` again and renders it with `extra`.
pub async fn show(
    state: &AppState,
    console: &Console,
    reference: &str,
    extra: Extra<'_>,
    status: StatusCode,
) -> Response {
    let now = state.clock.now();
    let case = match state.recovery.counter_case(reference, &console.caller.requester, now).await {
        Ok(c) => c,
        Err(CounterError::UnknownCase(_)) => return not_found(state, console),
        Err(e) => return console.unavailable(state, &e),
    };
    let holder = match state.recovery.counter_holder_name(&case).await {
        Ok(h) => h,
        Err(e) => return console.unavailable(state, &e),
    };
    render_case(state, console, &case, holder, extra, status)
}

/// Answers a post: to the case page with `done` on success, or the page with the error under
/// the field `place` names.
pub async fn answer(
    state: &AppState,
    console: &Console,
    reference: &str,
    result: Result<CaseView, CounterError>,
    done: &str,
    mut extra: Extra<'_>,
    place: &(dyn Fn(&str) -> String + Sync),
) -> Response {
    match result {
        Ok(c) => see_other(&format!("{}?done={done}", case_path(&c.reference().to_string())), &console.visit.cookies),
        Err(e) => match counter_errors(state, console, e, &mut extra.errors, place) {
            Ok(status) => show(state, console, reference, extra, status).await,
            Err(r) => r,
        },
    }
}

const NOTICES: [&str; 9] =
    ["opened", "item", "pin_step", "pin_failure", "mailed", "returned", "second_visit", "cancelled", "checklist_done"];

pub async fn view(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(reference): Path<String>,
    uri: Uri,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut extra = Extra::default();
    for (k, v) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if k == "done" && NOTICES.contains(&v.as_ref()) {
            extra.notice = console.t(&state, &key("staff-counter-done-", &v));
        }
    }
    show(&state, &console, &reference, extra, StatusCode::OK).await
}

/// Records one item at the case's current visit.
pub async fn record_item(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(reference): Path<String>,
    fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let kind = fields.get("item").to_owned();
    // Each item's form names its fields after the item (`proxy_id-document`), as their ids.
    let field = |name: &str| fields.get(&format!("{kind}-{name}")).to_owned();
    let parsed = parse_item(
        &kind,
        Some(&field("document")),
        Some(&field("number_last4")),
        Some(&field("exemption")),
        field("collected") == "1",
    );
    let now = state.clock.now();
    let result = match parsed {
        Ok(item) => state.recovery.record_counter_item(&reference, item, &console.caller.requester, now).await,
        Err(e) => Err(e),
    };
    let known = ItemKind::parse(&kind).is_some();
    let place = |field: &str| match field {
        "document" | "number_last4" | "exemption" | "collected" if known => format!("{kind}-{field}"),
        _ if known => format!("{kind}-record"),
        _ => "checklist".to_owned(),
    };
    // Once the visit's list is complete, say so: the PIN step (or the letter) comes next.
    let done = match &result {
        Ok(c) if state.recovery.counter_missing(c).is_empty() => "checklist_done",
        _ => "item",
    };
    let extra = Extra { fields: Some(&fields), form: "item", ..Extra::default() };
    answer(&state, &console, &reference, result, done, extra, &place).await
}

/// Closes the case, with a reason.
pub async fn cancel(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(reference): Path<String>,
    fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::CounterCases).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let who = &console.caller.requester;
    let result =
        state.recovery.cancel_counter_case(&reference, fields.get("cancel_reason"), who, state.clock.now()).await;
    let extra = Extra { fields: Some(&fields), form: "cancel", ..Extra::default() };
    answer(&state, &console, &reference, result, "cancelled", extra, &|_| "cancel_reason".to_owned()).await
}
