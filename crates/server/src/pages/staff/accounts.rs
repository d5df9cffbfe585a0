//! `/staff/accounts`: finding an account (login ID, or name, phone, kana, birth date), the
//! account view (masked contacts with an audited reveal, eligibility with its reasons in
//! words, holds, credentials, the active code — never the code —, letters, calls, deliveries,
//! the audit history) and the actions on it, each with a required reason. An administrator
//! pauses and resumes channels from the search page.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use minijinja::value::Value;
use reissue_core::account::{AccountKind, AccountStatus, Language};
use reissue_core::ports::helpdesk::Channel;
use reissue_core::ports::postal::HoldKind;
use reissue_core::procedures::helpdesk::{AccountView, ActionOutcome, ContactField, SearchInput, StaffAction};
use reissue_core::staff::Permission;

use super::{
    Console, FreshTotp, date, date_time, helpdesk_errors, last_day, postal_reason, return_reason, voice_reason,
};
use crate::AppState;
use crate::client::ClientIp;
use crate::pages::{Fields, FormErrors, Visit, see_other};

const SEARCH: &str = "/staff/accounts";
const CHANNELS: &str = "/staff/channels";

/// A label from the catalogue, or the raw value when the catalogue has no entry for it.
pub(super) fn label_or(state: &AppState, lang: Language, key: &str, raw: &str) -> String {
    if state.site.catalogue().has(lang, key) { state.site.t(lang, key, &[]) } else { raw.to_owned() }
}

fn key(prefix: &str, value: &str) -> String {
    format!("{prefix}{}", value.replace('_', "-"))
}

async fn search_page(
    state: &AppState,
    console: &Console,
    fields: Option<&Fields>,
    results: Option<Vec<Value>>,
    errors: &FormErrors,
) -> Response {
    let lang = console.lang();
    let value = |name: &str| fields.map_or("", |f| f.get(name)).to_owned();
    let (errs, error_of) = errors.context();
    let channels: Vec<Value> = Channel::ALL
        .iter()
        .map(|c| {
            minijinja::context! {
                name => c.as_str(),
                label => state.site.t(lang, &key("staff-channel-", c.as_str()), &[]),
            }
        })
        .collect();
    let searched = results.is_some();
    let ctx = minijinja::context! {
        csrf => console.visit.form_token(state, SEARCH), action => SEARCH,
        login_id => value("login_id"), family_name => value("family_name"), given_name => value("given_name"),
        phone => value("phone"), name_kana => value("name_kana"), birth_date => value("birth_date"),
        results => results.unwrap_or_default(), searched,
        errors => errs, error_of,
        may_pause => console.caller.may(Permission::PauseChannel),
        channels, channels_csrf => console.visit.form_token(state, CHANNELS), channels_action => CHANNELS,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    console.page(state, "staff_search.html", SEARCH, ctx).status(status).render(&state.site)
}

pub async fn search_form(State(state): State<AppState>, ip: ClientIp, visit: Visit) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ViewAccount).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    search_page(&state, &console, None, None, &FormErrors::default()).await
}

/// A search is a post (names and phone numbers stay out of URLs and logs); its answer is the
/// list, since it changes nothing but the audit log.
pub async fn search(State(state): State<AppState>, ip: ClientIp, visit: Visit, fields: Fields) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ViewAccount).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let input = SearchInput {
        login_id: fields.get("login_id").into(),
        family_name: fields.get("family_name").into(),
        given_name: fields.get("given_name").into(),
        phone: fields.get("phone").into(),
        name_kana: fields.get("name_kana").into(),
        birth_date: fields.get("birth_date").into(),
    };
    let lang = console.lang();
    match state.recovery.find_accounts(&input, &console.caller.requester, state.clock.now()).await {
        Ok(found) => {
            let results = found
                .into_iter()
                .map(|m| {
                    minijinja::context! {
                        login_id => m.login_id.clone(),
                        href => format!("/staff/accounts/{}", m.login_id),
                        name => m.name, organization => m.organization_name.unwrap_or_default(),
                        kana => m.name_kana.unwrap_or_default(), birth_date => m.birth_date.unwrap_or_default(),
                        kind => state.site.t(lang, &key("staff-kind-", m.kind), &[]),
                        status => state.site.t(lang, &key("staff-status-", m.status), &[]),
                    }
                })
                .collect();
            search_page(&state, &console, Some(&fields), Some(results), &FormErrors::default()).await
        }
        Err(e) => {
            let mut errors = FormErrors::default();
            if let Err(r) = helpdesk_errors(&state, &console, e, &mut errors) {
                return r;
            }
            search_page(&state, &console, Some(&fields), None, &errors).await
        }
    }
}

/// What the view shows beside the account: a notice, a revealed contact, a form's errors and
/// the fields it had.
#[derive(Default)]
struct Extra<'a> {
    notice: String,
    revealed: Option<(ContactField, Option<String>)>,
    errors: FormErrors,
    fields: Option<&'a Fields>,
}

fn kind_label(state: &AppState, lang: Language, kind: AccountKind) -> String {
    state.site.t(lang, &key("staff-kind-", kind.as_str()), &[])
}

fn view_context(state: &AppState, console: &Console, v: &AccountView, extra: &Extra) -> Value {
    let lang = console.lang();
    let t = |k: &str| state.site.t(lang, k, &[]);
    let p = &v.account.profile;
    let login = p.login_id.to_string();
    let changed = |at: Option<time::OffsetDateTime>| at.map(|a| date(state, lang, a)).unwrap_or_default();
    let revealed_of = |f: ContactField| match &extra.revealed {
        Some((rf, value)) if *rf == f => Some(value.clone().unwrap_or_default()),
        _ => None,
    };
    let contacts = vec![
        minijinja::context! {
            field => "email", label => t("staff-contact-email"),
            masked => v.email_masked.clone().unwrap_or_default(), present => v.email_masked.is_some(),
            revealed => revealed_of(ContactField::Email), changed => changed(p.changed_at.email),
        },
        minijinja::context! {
            field => "phone", label => t("staff-contact-phone"),
            masked => v.phone_masked.clone().unwrap_or_default(), present => v.phone_masked.is_some(),
            revealed => revealed_of(ContactField::Phone), changed => changed(p.changed_at.phone),
        },
    ];
    let holds: Vec<Value> = v
        .standing
        .holds
        .iter()
        .map(|h| {
            minijinja::context! {
                kind => h.kind.as_str(), label => t(&key("staff-hold-", h.kind.as_str())),
                reason => h.reason.clone(), set_by => h.set_by.clone(), since => date_time(state, lang, h.set_at),
            }
        })
        .collect();
    let flag = v.standing.address_flag.as_ref().map(|f| {
        minijinja::context! { reason => return_reason(state, lang, &f.reason), since => date(state, lang, f.flagged_at) }
    });
    let credentials: Vec<Value> = v
        .credentials
        .iter()
        .map(|c| {
            let spec = state.recovery.credentials().get(&c.name);
            let label = spec.map_or_else(
                || c.name.clone(),
                |s| if lang == Language::Ja { s.label_ja.clone() } else { s.label_en.clone() },
            );
            minijinja::context! {
                name => c.name.clone(), label, locked => c.locked, failures => c.failures,
                max_failures => c.max_failures, must_change => c.must_change,
            }
        })
        .collect();
    let code = v.active_code.as_ref().map(|c| {
        minijinja::context! {
            channel => t(&key("staff-code-channel-", c.channel)),
            issued => date_time(state, lang, c.issued_at), expires => date_time(state, lang, c.expires_at),
            wrong => c.wrong_entries, max_wrong => c.max_wrong_entries,
        }
    });
    let letters: Vec<Value> = v
        .letters
        .iter()
        .map(|l| {
            minijinja::context! {
                reference => l.reference.clone(),
                status => t(&key("staff-letter-", l.status.as_str())),
                tracking => l.letter.tracking_number.clone().unwrap_or_default(),
                accepted_on => l.letter.accepted_on.clone().unwrap_or_default(),
                returned => l.letter.return_reason.as_deref().map(|r| return_reason(state, lang, r)).unwrap_or_default(),
                applied_by => l.letter.applied_by.clone(),
                applied => date_time(state, lang, l.letter.created_at),
                expires => l.letter.code.map(|(_, e)| last_day(state, lang, e)).unwrap_or_default(),
            }
        })
        .collect();
    let calls: Vec<Value> = v
        .calls
        .iter()
        .map(|c| {
            minijinja::context! {
                state => label_or(state, lang, &key("staff-call-", c.state.as_str()), c.state.as_str()),
                last_status => c.last_status.clone().unwrap_or_default(),
                created => date_time(state, lang, c.created_at), updated => date_time(state, lang, c.updated_at),
            }
        })
        .collect();
    let deliveries: Vec<Value> = v
        .deliveries
        .iter()
        .map(|d| {
            minijinja::context! {
                kind => label_or(state, lang, &key("staff-delivery-kind-", &d.kind), &d.kind),
                state => label_or(state, lang, &key("staff-delivery-", &d.state), &d.state),
                attempts => d.attempts, subject => d.subject.clone().unwrap_or_default(),
                created => date_time(state, lang, d.created_at),
                done => d.done_at.map(|a| date_time(state, lang, a)).unwrap_or_default(),
            }
        })
        .collect();
    let history: Vec<Value> = v
        .history
        .iter()
        .map(|e| {
            minijinja::context! {
                at => date_time(state, lang, e.at), actor => e.draft.actor.clone(),
                action => e.draft.action.clone(), outcome => e.draft.outcome.clone(),
            }
        })
        .collect();
    let address = p
        .address
        .as_ref()
        .map(|a| minijinja::context! { postal_code => a.postal_code.clone(), lines => a.lines.clone() });
    let postal_reasons: Vec<String> = v.postal.iter().map(|r| postal_reason(state, lang, r)).collect();
    let voice_reasons: Vec<String> = v.voice.reasons.iter().map(|r| voice_reason(state, lang, r)).collect();
    let may = |p: Permission| console.caller.may(p);
    let fraud = v.standing.hold(HoldKind::Fraud).is_some();
    let review = v.standing.hold(HoldKind::Review).is_some();
    let suspended = p.status == AccountStatus::Suspended;
    let (errors, error_of) = extra.errors.context();
    let action_path = format!("/staff/accounts/{login}/action");
    let reveal_path = format!("/staff/accounts/{login}/reveal");
    let field = |name: &str| extra.fields.map_or("", |f| f.get(name)).to_owned();
    minijinja::context! {
        login_id => login.clone(),
        name => format!("{} {}", p.name.family(), p.name.given()),
        organization => p.organization_name.clone().unwrap_or_default(),
        kana => p.name_kana.as_ref().map(|k| k.as_str().to_owned()).unwrap_or_default(),
        birth_date => p.birth_date.map(reissue_core::account::format_date).unwrap_or_default(),
        kind => kind_label(state, lang, p.kind),
        status => t(if suspended { "staff-status-suspended" } else { "staff-status-active" }),
        language => state.site.t(p.language, "language-self", &[]),
        contacts, address, address_changed => changed(p.changed_at.address), name_changed => changed(p.changed_at.name),
        voice_eligible => v.voice.eligible, voice_reasons,
        postal_eligible => v.postal.is_empty(), postal_reasons,
        holds, flag, credentials, code, letters, calls, deliveries, history,
        notice => extra.notice.clone(), errors, error_of, reason => field("reason"),
        reveal_csrf => console.visit.form_token(state, &reveal_path), reveal_action => reveal_path,
        action_csrf => console.visit.form_token(state, &action_path), action_path,
        postal_href => format!("/staff/accounts/{login}/postal"),
        counter_href => may(Permission::CounterCases).then(|| format!("/staff/counter/open?login_id={login}")),
        may_reveal => may(Permission::RevealContact),
        may_postal => may(Permission::ApplyPostal) && v.postal.is_empty(),
        may_void => may(Permission::VoidCode) && v.active_code.is_some(),
        may_unlock => may(Permission::Unlock),
        may_hold => may(Permission::FraudHold), fraud, review,
        may_suspend => may(Permission::SuspendAccount), suspended,
    }
}

async fn render_view(
    state: &AppState,
    console: &Console,
    login_id: &str,
    extra: Extra<'_>,
    status: StatusCode,
) -> Response {
    match state.recovery.account_view(login_id, &console.caller.requester, state.clock.now()).await {
        Ok(v) => {
            let ctx = view_context(state, console, &v, &extra);
            console.page(state, "staff_account.html", SEARCH, ctx).status(status).render(&state.site)
        }
        Err(reissue_core::procedures::helpdesk::HelpDeskError::UnknownAccount(_))
        | Err(reissue_core::procedures::helpdesk::HelpDeskError::Invalid { .. }) => console.message(
            state,
            StatusCode::NOT_FOUND,
            "staff-account-not-found-title",
            "staff-account-not-found-body",
        ),
        Err(e) => console.unavailable(state, &e),
    }
}

pub async fn view(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(login_id): Path<String>,
    uri: Uri,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ViewAccount).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut extra = Extra::default();
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
    for (k, v) in &query {
        match k.as_str() {
            "done" if StaffAction::NAMES.contains(&v.as_str()) => {
                let action = state.site.t(console.lang(), &key("staff-action-", v), &[]);
                extra.notice = state.site.t(console.lang(), "staff-notice-done", &[("action", action.into())]);
            }
            "pending" => {
                let id = v.parse::<i64>().unwrap_or_default();
                extra.notice = state.site.t(console.lang(), "staff-notice-pending", &[("id", id.into())]);
            }
            _ => {}
        }
    }
    render_view(&state, &console, &login_id, extra, StatusCode::OK).await
}

/// The full e-mail address or phone number, for a reason (audited): shown on this answer only.
pub async fn reveal(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(login_id): Path<String>,
    fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::RevealContact).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let field = if fields.get("field") == "phone" { ContactField::Phone } else { ContactField::Email };
    let who = &console.caller.requester;
    match state.recovery.reveal_contact(&login_id, field, fields.get("reason"), who, state.clock.now()).await {
        Ok(value) => {
            let extra = Extra { revealed: Some((field, value)), ..Extra::default() };
            render_view(&state, &console, &login_id, extra, StatusCode::OK).await
        }
        Err(e) => {
            let mut extra = Extra { fields: Some(&fields), ..Extra::default() };
            if let Err(r) = helpdesk_errors(&state, &console, e, &mut extra.errors) {
                return r;
            }
            render_view(&state, &console, &login_id, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// The permission an action needs.
pub(super) fn permission_of(action: &StaffAction) -> Permission {
    match action {
        StaffAction::PostalApplication { .. } => Permission::ApplyPostal,
        StaffAction::VoidCode { .. } => Permission::VoidCode,
        StaffAction::Unlock { .. } => Permission::Unlock,
        StaffAction::FraudHold { .. } | StaffAction::LiftFraudHold { .. } | StaffAction::ClearReview { .. } => {
            Permission::FraudHold
        }
        StaffAction::Suspend { .. } | StaffAction::Resume { .. } => Permission::SuspendAccount,
        StaffAction::PauseChannel { .. } | StaffAction::ResumeChannel { .. } => Permission::PauseChannel,
    }
}

/// Runs `action` as the console's caller: the page to go to, or the errors to show.
pub(super) async fn take(
    state: &AppState,
    console: &Console,
    action: StaffAction,
    done_to: &str,
    errors: &mut FormErrors,
) -> Result<Response, Option<Response>> {
    let name = action.name();
    match state.recovery.staff_action(action, &console.caller.requester, state.clock.now()).await {
        Ok(ActionOutcome::Pending { id }) => {
            state.wake.notify_one();
            Ok(see_other(&format!("{done_to}?pending={id}"), &console.visit.cookies))
        }
        Ok(ActionOutcome::Done { .. }) => {
            state.wake.notify_one();
            Ok(see_other(&format!("{done_to}?done={name}"), &console.visit.cookies))
        }
        Err(e) => match helpdesk_errors(state, console, e, errors) {
            Ok(()) => Err(None),
            Err(r) => Err(Some(r)),
        },
    }
}

/// An action on the account (`action` names it), each with its reason; unlocking asks for a
/// fresh TOTP code.
pub async fn action(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(login_id): Path<String>,
    fields: Fields,
) -> Response {
    let console = match Console::of(&state, visit, &ip).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (login, reason) = (login_id.clone(), fields.get("reason").to_owned());
    let action = match fields.get("action") {
        "void_code" => StaffAction::VoidCode { login_id: login, reason },
        "unlock" => StaffAction::Unlock { login_id: login, credential: fields.get("credential").into(), reason },
        "fraud_hold" => StaffAction::FraudHold { login_id: login, reason },
        "lift_fraud_hold" => StaffAction::LiftFraudHold { login_id: login, reason },
        "clear_review" => StaffAction::ClearReview { login_id: login, reason },
        "suspend" => StaffAction::Suspend { login_id: login, reason },
        "resume" => StaffAction::Resume { login_id: login, reason },
        _ => {
            return console.message(
                &state,
                StatusCode::BAD_REQUEST,
                "staff-bad-request-title",
                "staff-bad-request-body",
            );
        }
    };
    if let Err(r) = console.require(&state, permission_of(&action)) {
        return r;
    }
    let mut extra = Extra { fields: Some(&fields), ..Extra::default() };
    if matches!(action, StaffAction::Unlock { .. }) && !fields.get("reason").trim().is_empty() {
        match console.fresh_totp(&state, fields.get("totp"), state.clock.now()).await {
            Ok(()) => {}
            Err(FreshTotp::Wrong(k)) => {
                extra.errors.add("totp", console.t(&state, k));
                return render_view(&state, &console, &login_id, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
            Err(FreshTotp::Failed(r)) => return r,
        }
    }
    let to = format!("/staff/accounts/{login_id}");
    match take(&state, &console, action, &to, &mut extra.errors).await {
        Ok(r) | Err(Some(r)) => r,
        Err(None) => render_view(&state, &console, &login_id, extra, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// An administrator pauses or resumes a channel for everyone.
pub async fn channel(State(state): State<AppState>, ip: ClientIp, visit: Visit, fields: Fields) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::PauseChannel).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(channel) = Channel::ALL.into_iter().find(|c| c.as_str() == fields.get("channel")) else {
        return console.message(&state, StatusCode::BAD_REQUEST, "staff-bad-request-title", "staff-bad-request-body");
    };
    let reason = fields.get("reason").to_owned();
    let action = if fields.get("pause") == "1" {
        StaffAction::PauseChannel { channel, reason }
    } else {
        StaffAction::ResumeChannel { channel, reason }
    };
    let mut errors = FormErrors::default();
    match take(&state, &console, action, SEARCH, &mut errors).await {
        Ok(_) => see_other(SEARCH, &console.visit.cookies),
        Err(Some(r)) => r,
        Err(None) => {
            let mut shown = FormErrors::default();
            for m in errors.messages() {
                shown.add(&format!("reason-{}", channel.as_str()), m.to_owned());
            }
            search_page(&state, &console, Some(&fields), None, &shown).await
        }
    }
}
