//! A proxy's case: the inquiry letter to the holder, its return, and the second visit with
//! the letter's check code, which is never the same calendar day.

use serde_json::json;
use time::{Duration, OffsetDateTime};

use super::{CounterError, CounterRefusal, case_audit, invalid, wrong_state};
use crate::counter::CheckCode;
use crate::lifecycle::counter_case::{CaseEvent, CaseState, MAX_CHECK_CODE_FAILURES};
use crate::ports::counter::CaseView;
use crate::procedures::{Recovery, Requester};

/// What the inquiry letter prints: the case and the check code, opened for this printing.
#[derive(Debug)]
pub struct InquiryToPrint {
    pub case: CaseView,
    pub check_code: CheckCode,
}

impl Recovery {
    /// The inquiry letter of a proxy's case, to print at the office; it can be printed again
    /// until it is marked mailed, which wipes the check code.
    pub async fn inquiry_to_print(
        &self,
        reference: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<InquiryToPrint, CounterError> {
        let case = self.live_case(reference, who, now).await?;
        if case.state != CaseState::InquiryReady {
            return Err(wrong_state(&case, "print_inquiry"));
        }
        let stored = self.store.check_code(case.id).await?;
        let Some((salt, sealed)) = stored.and_then(|s| s.sealed.map(|sealed| (s.salt, sealed))) else {
            return Err(wrong_state(&case, "print_inquiry"));
        };
        let code = self.keys.unseal_check_code(&salt, &sealed).ok_or(CounterError::Unsealable)?;
        let code = CheckCode::parse(secrecy::ExposeSecret::expose_secret(&code)).ok_or(CounterError::Unsealable)?;
        self.store.append_audit(now, case_audit(who, &case, "counter_inquiry_print", "printed")).await?;
        Ok(InquiryToPrint { case, check_code: code })
    }

    /// The inquiry letter left the office: the case waits for the second visit, and the check
    /// code exists only on the letter.
    pub async fn mark_inquiry_mailed(
        &self,
        reference: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        self.move_case(reference, CaseEvent::InquiryMailed, "counter_inquiry_mailed", None, who, now).await
    }

    /// The inquiry letter came back undelivered (転送不要): the case closes as undeliverable.
    pub async fn record_inquiry_returned(
        &self,
        reference: &str,
        reason: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(invalid("reason", "say why the letter came back (at most 200 characters)"));
        }
        self.move_case(reference, CaseEvent::InquiryReturned, "counter_inquiry_returned", Some(reason), who, now).await
    }

    async fn move_case(
        &self,
        reference: &str,
        event: CaseEvent,
        action: &str,
        reason: Option<&str>,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        let case = self.live_case(reference, who, now).await?;
        let to = case.state.next(event).map_err(|_| wrong_state(&case, event.as_str()))?;
        let mut audit = case_audit(who, &case, action, to.as_str());
        if let Some(r) = reason {
            audit.detail["reason"] = json!(r);
        }
        if !self.store.move_counter_case(case.id, event, case.state, now, audit).await? {
            return Err(CounterError::Changed);
        }
        self.counter_case_by_id(case.id, who, now).await
    }

    /// The proxy's second visit: on a later calendar day than the opening (in the
    /// institution's time zone), with the check code printed on the letter. A wrong code is
    /// counted; the fifth closes the case.
    pub async fn second_visit(
        &self,
        reference: &str,
        check_code: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        let case = self.live_case(reference, who, now).await?;
        if case.state != CaseState::AwaitingReply {
            return Err(wrong_state(&case, "second_visit"));
        }
        let cal = &self.institution.time_zone;
        if !cal.is_later_day(case.opened_at, now) {
            let earliest = crate::account::format_date(cal.date_of(case.opened_at) + Duration::days(1));
            let mut audit = case_audit(who, &case, "counter_second_visit", "refused");
            audit.detail["reason"] = json!("same_day");
            self.store.append_audit(now, audit).await?;
            return Err(CounterRefusal::SameDay { earliest }.into());
        }
        let code = CheckCode::parse(check_code)
            .ok_or_else(|| invalid("check_code", "the check code is the eight digits printed on the letter"))?;
        let stored = self.store.check_code(case.id).await?.ok_or(CounterError::Unsealable)?;
        // The try is counted before the code is compared, so that requests in parallel (or
        // on several instances) never compare more than the limit allows.
        let reserve = case_audit(who, &case, "counter_check_code_try", "reserved");
        let Some(n) = self.store.reserve_check_code_try(case.id, MAX_CHECK_CODE_FAILURES, now, reserve).await? else {
            let case = self.counter_case_by_id(case.id, who, now).await?;
            if case.state == CaseState::CheckCodeRefused || case.check_failures >= MAX_CHECK_CODE_FAILURES {
                return Err(CounterRefusal::CheckCodeRefused.into());
            }
            return Err(CounterError::Changed);
        };
        if self.keys.check_code_matches(&stored.salt, code.expose(), &stored.mac) {
            let audit = case_audit(who, &case, "counter_second_visit", "accepted");
            if !self.store.move_counter_case(case.id, CaseEvent::CheckCodeAccepted, case.state, now, audit).await? {
                return Err(CounterError::Changed);
            }
            return self.counter_case_by_id(case.id, who, now).await;
        }
        let mut audit = case_audit(who, &case, "counter_second_visit", "wrong_check_code");
        audit.detail["failures"] = json!(n);
        if n < MAX_CHECK_CODE_FAILURES {
            self.store.append_audit(now, audit).await?;
            return Err(CounterRefusal::WrongCheckCode { left: MAX_CHECK_CODE_FAILURES - n }.into());
        }
        self.store.move_counter_case(case.id, CaseEvent::CheckCodeLimitReached, case.state, now, audit).await?;
        Err(CounterRefusal::CheckCodeRefused.into())
    }
}
