//! P8b: counter cases for ID-card PINs. Counter staff open a case for a holder
//! (`cases.rs`: who applies, which PINs, change or reset, what was brought); a proxy's case
//! mails an inquiry letter and waits for the second visit with its check code (`proxy.rs`);
//! the PIN step is recorded as done on the national terminal, or done by `reissue card` with
//! a one-time case token that reports its outcome (`pin_step.rs`). Every transition is
//! `lifecycle::counter_case`'s, audited with the staff member as actor.

mod cases;
mod pin_step;
mod proxy;

use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::counter::checklist::{self, ItemKind};
use crate::counter::{CardPin, CaseRef};
use crate::lifecycle::counter_case::{CaseEvent, CaseState};
use crate::ports::StoreError;
use crate::ports::counter::CaseView;
use crate::procedures::{Recovery, Requester};

pub use cases::OpenCase;
pub use cases::parse_item;
pub use pin_step::{IssuedCaseToken, TokenClaim, TokenReport};
pub use proxy::InquiryToPrint;

/// Why a counter procedure refused. Staff see every reason; the card client sees those of
/// its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum CounterRefusal {
    #[error("the holder is {age}: under_15 is only for a holder under 15")]
    #[serde(rename = "not_under_15")]
    NotUnder15 { age: i32 },
    #[error("the holder is {age}: an adult ward is 18 or older")]
    NotAdult { age: i32 },
    #[error("no birth date is on file, so the holder's age cannot be checked")]
    NoBirthDate,
    #[error("a holder under 15 or an adult ward holds no signature certificate: leave out the sign PIN")]
    NoSignatureCertificate,
    #[error("the holder has no registered address for the inquiry letter")]
    NoAddress,
    #[error("the holder's account is not an individual's")]
    NotIndividual,
    #[error("case {reference} is still open for this holder")]
    CaseAlreadyOpen { reference: String },
    #[error("still to be recorded: {}", .missing.join(", "))]
    ChecklistIncomplete { missing: Vec<String> },
    #[error("case is {state}: {action} cannot be done now")]
    WrongState { state: String, action: String },
    #[error("the case expired on {on}")]
    #[serde(rename = "case_expired")]
    Expired { on: String },
    #[error("a proxy is never served the same day: the second visit can be from {earliest}")]
    SameDay { earliest: String },
    #[error("the check code is not the one on the letter; {left} tries left")]
    WrongCheckCode { left: i64 },
    #[error("the check code was wrong 5 times: the case is closed")]
    CheckCodeRefused,
    #[error("{pin} is not one of this case's PINs")]
    PinNotInCase { pin: String },
    #[error("{pin} is already done in this case")]
    PinAlreadyDone { pin: String },
    #[error("a locked or forgotten PIN is reset on the national terminal, not by reissue card")]
    ResetOnTerminalOnly,
    #[error("this case token is not known; check it on the console")]
    #[serde(rename = "case_token_unknown")]
    TokenUnknown,
    #[error("this case token was used already; issue a new one on the console")]
    #[serde(rename = "case_token_used")]
    TokenUsed,
    #[error("this case token expired; issue a new one on the console")]
    #[serde(rename = "case_token_expired")]
    TokenExpired,
    #[error("this case token is for the {pin} PIN")]
    #[serde(rename = "case_token_other_pin")]
    TokenOtherPin { pin: String },
    #[error("the case is not ready for the PIN step: {why}")]
    CaseNotReady { why: String },
    #[error("the report came too late; record the outcome on the console")]
    ReportLate,
    #[error("case tokens are used only from the counter's workstations ([counter] workstations)")]
    NotAWorkstation,
    #[error("the holder is {age}: for a holder under 15 the legal representative applies")]
    NeedsRepresentative { age: i32 },
}

impl CounterRefusal {
    /// The stable name of the reason, as the API and the audit log give it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotUnder15 { .. } => "not_under_15",
            Self::NotAdult { .. } => "not_adult",
            Self::NoBirthDate => "no_birth_date",
            Self::NoSignatureCertificate => "no_signature_certificate",
            Self::NoAddress => "no_address",
            Self::NotIndividual => "not_individual",
            Self::CaseAlreadyOpen { .. } => "case_already_open",
            Self::ChecklistIncomplete { .. } => "checklist_incomplete",
            Self::WrongState { .. } => "wrong_state",
            Self::Expired { .. } => "case_expired",
            Self::SameDay { .. } => "same_day",
            Self::WrongCheckCode { .. } => "wrong_check_code",
            Self::CheckCodeRefused => "check_code_refused",
            Self::PinNotInCase { .. } => "pin_not_in_case",
            Self::PinAlreadyDone { .. } => "pin_already_done",
            Self::ResetOnTerminalOnly => "reset_on_terminal_only",
            Self::TokenUnknown => "case_token_unknown",
            Self::TokenUsed => "case_token_used",
            Self::TokenExpired => "case_token_expired",
            Self::TokenOtherPin { .. } => "case_token_other_pin",
            Self::CaseNotReady { .. } => "case_not_ready",
            Self::ReportLate => "report_late",
            Self::NotAWorkstation => "not_a_workstation",
            Self::NeedsRepresentative { .. } => "needs_representative",
        }
    }
}

/// What went wrong in a counter procedure.
#[derive(Debug, thiserror::Error)]
pub enum CounterError {
    #[error("no account has the login ID {0}")]
    UnknownAccount(String),
    #[error("no case {0}")]
    UnknownCase(String),
    #[error("{field}: {problem}")]
    Invalid { field: &'static str, problem: String },
    #[error(transparent)]
    Refused(#[from] CounterRefusal),
    /// Someone else moved the case meanwhile; reading it again shows where it is.
    #[error("the case changed meanwhile; nothing was recorded, look at it again")]
    Changed,
    #[error("the inquiry letter's check code does not open: the key that sealed it is gone")]
    Unsealable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub(crate) fn invalid(field: &'static str, problem: impl Into<String>) -> CounterError {
    CounterError::Invalid { field, problem: problem.into() }
}

/// Whole years from `birth` to `today`.
pub fn age_on(birth: Date, today: Date) -> i32 {
    let mut age = today.year() - birth.year();
    if (today.month() as u8, today.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age
}

impl Recovery {
    /// The counter's office and figures.
    pub fn counter_rules(&self) -> &crate::counter::CounterRules {
        &self.counter
    }

    /// The case `reference` (`C000042`), as it is now: a case found past its lifetime is
    /// closed as expired first.
    pub async fn counter_case(
        &self,
        reference: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        let r = CaseRef::parse(reference).ok_or_else(|| CounterError::UnknownCase(reference.trim().to_owned()))?;
        self.counter_case_by_id(r.id(), who, now).await
    }

    pub(crate) async fn counter_case_by_id(
        &self,
        id: i64,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        let case =
            self.store.counter_case(id).await?.ok_or_else(|| CounterError::UnknownCase(CaseRef::of(id).to_string()))?;
        if case.state.is_closed() || now < case.expires_at {
            return Ok(case);
        }
        let audit = who
            .audit("counter_case_expire", Some(&case.login_id), "expired")
            .detail(serde_json::json!({ "case": case.reference().to_string() }));
        self.store.move_counter_case(case.id, CaseEvent::Expire, case.state, now, audit).await?;
        self.store.counter_case(id).await?.ok_or_else(|| CounterError::UnknownCase(CaseRef::of(id).to_string()))
    }

    /// A case that is still open, or why not.
    async fn live_case(&self, reference: &str, who: &Requester, now: OffsetDateTime) -> Result<CaseView, CounterError> {
        let case = self.counter_case(reference, who, now).await?;
        if case.state == CaseState::Expired {
            let on = self.institution.time_zone.date_of(case.expires_at);
            return Err(CounterRefusal::Expired { on: crate::account::format_date(on) }.into());
        }
        Ok(case)
    }

    /// What the case's current visit still needs, by name.
    pub fn counter_missing(&self, case: &CaseView) -> Vec<ItemKind> {
        let Some(visit) = case.state.visit() else { return vec![] };
        let recorded: Vec<_> = case.items.iter().map(|i| i.record.clone()).collect();
        checklist::missing(case.case_type, case.ground, visit, self.counter.sealed_pin_request, &recorded)
    }

    /// What the case still asks for at its visit, for the console.
    pub fn counter_required(&self, case: &CaseView) -> Vec<ItemKind> {
        case.state
            .visit()
            .map(|v| checklist::required(case.case_type, case.ground, v, self.counter.sealed_pin_request))
            .unwrap_or_default()
    }

    /// The PINs of the case not yet done.
    pub fn counter_pins_remaining(case: &CaseView) -> Vec<CardPin> {
        case.pins.iter().copied().filter(|p| !case.pins_done.contains(p)).collect()
    }

    /// The holder's name on file (family, given), for the receipt and the console's case page.
    pub async fn counter_holder_name(&self, case: &CaseView) -> Result<Option<(String, String)>, CounterError> {
        let Ok(login) = crate::account::LoginId::parse(&case.login_id) else { return Ok(None) };
        let account = self.store.account(&login).await?;
        Ok(account.map(|a| (a.profile.name.family().to_owned(), a.profile.name.given().to_owned())))
    }
}

fn wrong_state(case: &CaseView, action: &str) -> CounterError {
    CounterRefusal::WrongState { state: case.state.as_str().into(), action: action.into() }.into()
}

fn case_audit(who: &Requester, case: &CaseView, action: &str, outcome: &str) -> crate::audit::AuditDraft {
    who.audit(action, Some(&case.login_id), outcome).detail(serde_json::json!({ "case": case.reference().to_string() }))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::age_on;

    #[test]
    fn a_refusal_serializes_with_its_stable_code() {
        use super::CounterRefusal as R;
        for r in [
            R::NotUnder15 { age: 15 },
            R::Expired { on: "2027-01-01".into() },
            R::TokenUnknown,
            R::TokenUsed,
            R::TokenExpired,
            R::TokenOtherPin { pin: "auth".into() },
            R::SameDay { earliest: "2027-01-02".into() },
            R::CheckCodeRefused,
            R::NotAWorkstation,
            R::NeedsRepresentative { age: 10 },
        ] {
            assert_eq!(serde_json::to_value(&r).unwrap()["code"], r.code(), "{r:?}");
        }
    }

    #[test]
    fn age_counts_whole_years_to_the_birthday() {
        assert_eq!(age_on(date!(2011 - 12 - 03), date!(2026 - 12 - 02)), 14);
        assert_eq!(age_on(date!(2011 - 12 - 02), date!(2026 - 12 - 02)), 15);
        assert_eq!(age_on(date!(2012 - 02 - 29), date!(2027 - 02 - 28)), 14);
        assert_eq!(age_on(date!(2012 - 02 - 29), date!(2027 - 03 - 01)), 15);
    }
}
