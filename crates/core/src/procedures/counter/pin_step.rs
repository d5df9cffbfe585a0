//! The PIN step of a case: recorded as done on the national terminal by the staff member,
//! or done by `reissue card change-pin --case` at the counter workstation with a one-time
//! case token (short, single use, valid `CASE_TOKEN_LIFETIME`), which reports its outcome
//! and never a PIN. The case moves on only on a success.

use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::json;
use std::net::IpAddr;

use time::OffsetDateTime;

use super::{CounterError, CounterRefusal, case_audit, invalid};
use crate::audit::Actor;
use crate::counter::{CardPin, CaseRef, CaseToken, PinOperation, PinOutcome, PinStepPlace};
use crate::lifecycle::counter_case::{CASE_TOKEN_LIFETIME, REPORT_WINDOW};
use crate::ports::counter::{CaseTokenRow, CaseView, PinSuccess};
use crate::procedures::{Recovery, Requester};
use crate::secret::random_token;

/// A case token just issued: shown once on the console.
#[derive(Debug)]
pub struct IssuedCaseToken {
    pub token: CaseToken,
    pub pin: CardPin,
    pub expires_at: OffsetDateTime,
    pub case: CaseView,
}

/// What the card client learns when it claims a token.
#[derive(Debug, Serialize)]
pub struct TokenClaim {
    pub case_reference: String,
    pub pin: CardPin,
    pub operation: PinOperation,
    /// The secret the client reports the outcome with (only it has it).
    pub report_token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub report_by: OffsetDateTime,
}

/// What the card client learns when it reports.
#[derive(Debug, Serialize)]
pub struct TokenReport {
    pub case_reference: String,
    pub state: String,
    pub pins_remaining: Vec<CardPin>,
}

/// The stored form of a case token or a report token.
fn token_key(token: &str) -> String {
    format!("counter-case:{token}")
}

impl Recovery {
    /// Why the case cannot have its PIN step now, if it cannot.
    fn pin_step_refusal(&self, case: &CaseView) -> Option<CounterRefusal> {
        if !case.state.pin_step_possible() {
            return Some(CounterRefusal::WrongState { state: case.state.as_str().into(), action: "pin_step".into() });
        }
        let missing = self.counter_missing(case);
        (!missing.is_empty()).then(|| CounterRefusal::ChecklistIncomplete {
            missing: missing.iter().map(|k| k.as_str().to_owned()).collect(),
        })
    }

    /// The PINs of `pins` that are the case's and not yet done, or why not.
    fn pins_to_do(case: &CaseView, pins: &[CardPin]) -> Result<Vec<CardPin>, CounterError> {
        if pins.is_empty() {
            return Err(invalid("pins", "choose the PINs that were done"));
        }
        for p in pins {
            if !case.pins.contains(p) {
                return Err(CounterRefusal::PinNotInCase { pin: p.as_str().into() }.into());
            }
            if case.pins_done.contains(p) {
                return Err(CounterRefusal::PinAlreadyDone { pin: p.as_str().into() }.into());
            }
        }
        Ok(pins.to_vec())
    }

    fn success(case: &CaseView, pins: &[CardPin]) -> PinSuccess {
        let mut done = case.pins_done.clone();
        done.extend_from_slice(pins);
        done.sort();
        done.dedup();
        let complete = case.pins.iter().all(|p| done.contains(p));
        PinSuccess { case_id: case.id, from: case.state, seen: case.pins_done.clone(), pins_done: done, complete }
    }

    /// Records the PIN step as done on the national terminal by the staff member: which PINs,
    /// and the outcome. A success moves the case on (to `completed` once every PIN is done);
    /// a failure is recorded and changes nothing else.
    pub async fn record_terminal_pin_step(
        &self,
        reference: &str,
        pins: &[CardPin],
        outcome: PinOutcome,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        let case = self.live_case(reference, who, now).await?;
        if let Some(r) = self.pin_step_refusal(&case) {
            return Err(r.into());
        }
        let pins = Self::pins_to_do(&case, pins)?;
        let mut audit = case_audit(who, &case, "counter_pin_step", outcome.as_str());
        audit.detail["place"] = json!(PinStepPlace::NationalTerminal.as_str());
        audit.detail["pins"] = json!(CardPin::join(&pins));
        audit.detail["operation"] = json!(case.operation.as_str());
        match outcome {
            PinOutcome::Failure => self.store.append_audit(now, audit).await?,
            PinOutcome::Success => {
                if !self.store.record_pin_success(Self::success(&case, &pins), now, audit).await? {
                    return Err(CounterError::Changed);
                }
            }
        }
        self.counter_case_by_id(case.id, who, now).await
    }

    /// Issues a one-time case token for `pin`: `reissue card change-pin PIN --case TOKEN`
    /// claims it before touching the card. Only for a change: a locked or forgotten PIN is
    /// reset on the national terminal.
    pub async fn issue_case_token(
        &self,
        reference: &str,
        pin: CardPin,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<IssuedCaseToken, CounterError> {
        let case = self.live_case(reference, who, now).await?;
        if let Some(r) = self.pin_step_refusal(&case) {
            return Err(r.into());
        }
        if case.operation == PinOperation::Reset {
            return Err(CounterRefusal::ResetOnTerminalOnly.into());
        }
        Self::pins_to_do(&case, &[pin])?;
        let token = CaseToken::generate(self.rng.as_ref());
        let expires_at = now + CASE_TOKEN_LIFETIME;
        let mut audit = case_audit(who, &case, "counter_case_token", "issued");
        audit.detail["pin"] = json!(pin.as_str());
        let mac = self.keys.token_mac(&token_key(token.expose()));
        self.store.issue_case_token(case.id, mac, pin, expires_at, &who.actor.to_string(), now, audit).await?;
        let case = self.counter_case_by_id(case.id, who, now).await?;
        Ok(IssuedCaseToken { token, pin, expires_at, case })
    }

    /// The staff member who issued a token, as the actor of what its client does.
    fn token_requester(row: &CaseTokenRow, from: Option<IpAddr>) -> Requester {
        let actor = match row.issued_by.split_once(':') {
            Some(("token", name)) => Actor::Token(name.to_owned()),
            Some(("staff", login)) => Actor::Staff(login.to_owned()),
            _ => Actor::Staff(row.issued_by.clone()),
        };
        Requester { actor, client_ip: from.map(|ip| ip.to_string()) }
    }

    /// Whether whoever issued the token may still issue one: a staff member disabled, or no
    /// longer of a role with `counter_cases`, since, leaves their tokens unusable.
    async fn issuer_stands(&self, who: &Requester) -> Result<bool, CounterError> {
        let Actor::Staff(login) = &who.actor else { return Ok(true) };
        let Ok(login) = crate::staff::StaffLogin::parse(login) else { return Ok(false) };
        let member = self.store.staff_by_login(&login).await?;
        Ok(member.is_some_and(|m| {
            m.status == crate::staff::StaffStatus::Active && m.role.may(crate::staff::Permission::CounterCases)
        }))
    }

    /// The card client claims a case token for `pin` before it touches the card. A token
    /// unknown, used, expired, for another PIN, or of a case not ready is refused, and
    /// nothing changes.
    pub async fn claim_case_token(
        &self,
        token: &str,
        pin: &str,
        from: Option<IpAddr>,
        now: OffsetDateTime,
    ) -> Result<TokenClaim, CounterError> {
        if !self.counter.is_workstation(from) {
            return Err(CounterRefusal::NotAWorkstation.into());
        }
        let pin =
            CardPin::parse(pin.trim()).ok_or_else(|| invalid("pin", format!("choose one of {}", CardPin::names())))?;
        let token = CaseToken::parse(token).ok_or(CounterRefusal::TokenUnknown)?;
        let row = self
            .store
            .case_token(&self.keys.token_lookups(&token_key(token.expose())))
            .await?
            .ok_or(CounterRefusal::TokenUnknown)?;
        let who = Self::token_requester(&row, from);
        if row.claimed_at.is_some() {
            return Err(CounterRefusal::TokenUsed.into());
        }
        if now >= row.expires_at {
            return Err(CounterRefusal::TokenExpired.into());
        }
        if row.pin != pin {
            return Err(CounterRefusal::TokenOtherPin { pin: row.pin.as_str().into() }.into());
        }
        if !self.issuer_stands(&who).await? {
            return Err(CounterRefusal::TokenUnknown.into());
        }
        let case = self.counter_case_by_id(row.case_id, &who, now).await?;
        if let Some(r) = self.pin_step_refusal(&case) {
            return Err(CounterRefusal::CaseNotReady { why: r.to_string() }.into());
        }
        if case.pins_done.contains(&pin) {
            return Err(CounterRefusal::CaseNotReady { why: format!("{pin} is already done") }.into());
        }
        let report = random_token(self.rng.as_ref(), "rt_");
        let mut audit = case_audit(&who, &case, "counter_case_token", "claimed");
        audit.detail["pin"] = json!(pin.as_str());
        audit.detail["via"] = json!(PinStepPlace::CardClient.as_str());
        let report_mac = self.keys.token_mac(&token_key(report.expose_secret()));
        if !self.store.claim_case_token(row.id, report_mac, now, audit).await? {
            return Err(CounterRefusal::TokenUsed.into());
        }
        Ok(TokenClaim {
            case_reference: case.reference().to_string(),
            pin,
            operation: case.operation,
            report_token: report.expose_secret().to_owned(),
            report_by: now + REPORT_WINDOW,
        })
    }

    /// The card client reports the outcome of a claimed token's PIN change: success or
    /// failure and the tries left afterwards, never a PIN. A success moves the case on.
    pub async fn report_case_token(
        &self,
        report_token: &str,
        pin: &str,
        outcome: &str,
        tries_left: Option<i64>,
        from: Option<IpAddr>,
        now: OffsetDateTime,
    ) -> Result<TokenReport, CounterError> {
        if !self.counter.is_workstation(from) {
            return Err(CounterRefusal::NotAWorkstation.into());
        }
        let pin =
            CardPin::parse(pin.trim()).ok_or_else(|| invalid("pin", format!("choose one of {}", CardPin::names())))?;
        let outcome = PinOutcome::parse(outcome.trim())
            .ok_or_else(|| invalid("outcome", format!("choose one of {}", PinOutcome::names())))?;
        if tries_left.is_some_and(|t| !(0..=15).contains(&t)) {
            return Err(invalid("tries_left", "between 0 and 15"));
        }
        let report_token = report_token.trim();
        if report_token.is_empty() || report_token.len() > 200 {
            return Err(CounterRefusal::TokenUnknown.into());
        }
        let row = self
            .store
            .case_token_by_report(&self.keys.token_lookups(&token_key(report_token)))
            .await?
            .ok_or(CounterRefusal::TokenUnknown)?;
        let who = Self::token_requester(&row, from);
        if row.reported_at.is_some() {
            return Err(CounterRefusal::TokenUsed.into());
        }
        if row.claimed_at.is_none_or(|c| now >= c + REPORT_WINDOW) {
            return Err(CounterRefusal::ReportLate.into());
        }
        if row.pin != pin {
            return Err(CounterRefusal::TokenOtherPin { pin: row.pin.as_str().into() }.into());
        }
        let case = self.counter_case_by_id(row.case_id, &who, now).await?;
        let success = match outcome {
            PinOutcome::Success => {
                if let Some(r) = self.pin_step_refusal(&case) {
                    return Err(CounterRefusal::CaseNotReady { why: r.to_string() }.into());
                }
                Some(Self::success(&case, &[pin]))
            }
            PinOutcome::Failure => None,
        };
        let mut audit = case_audit(&who, &case, "counter_pin_step", outcome.as_str());
        audit.detail["place"] = json!(PinStepPlace::CardClient.as_str());
        audit.detail["pins"] = json!(pin.as_str());
        audit.detail["operation"] = json!(case.operation.as_str());
        audit.detail["tries_left"] = json!(tries_left);
        if !self.store.report_case_token(row.id, outcome, tries_left, success, now, audit).await? {
            return Err(CounterError::Changed);
        }
        let case = self.counter_case_by_id(case.id, &who, now).await?;
        Ok(TokenReport {
            case_reference: CaseRef::of(case.id).to_string(),
            state: case.state.as_str().into(),
            pins_remaining: Self::counter_pins_remaining(&case),
        })
    }
}
