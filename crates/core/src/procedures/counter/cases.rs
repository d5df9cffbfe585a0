//! Opening a case and recording what the applicant brought.

use serde_json::json;
use time::OffsetDateTime;

use super::{CounterError, CounterRefusal, age_on, case_audit, invalid, wrong_state};
use crate::account::{AccountKind, LoginId};
use crate::counter::checklist::{self, DocumentType, Exemption, ItemKind, ItemRecord, Visit};
use crate::counter::{CardPin, CaseType, CheckCode, Ground, PinOperation};
use crate::lifecycle::counter_case::CaseState;
use crate::ports::counter::{CaseFilter, CaseView, NewCase, NewCheckCode};
use crate::ports::postal::LetterRecipient;
use crate::procedures::{Recovery, Requester};

/// A case to open, parsed from what the console or the API sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCase {
    pub login_id: LoginId,
    pub case_type: CaseType,
    pub ground: Option<Ground>,
    pub pins: Vec<CardPin>,
    pub operation: PinOperation,
    /// What was recorded at the opening: a proxy's first visit must be complete.
    pub items: Vec<ItemRecord>,
}

impl OpenCase {
    /// Parses the fields by name; each problem names its field.
    pub fn parse(
        login_id: &str,
        case_type: &str,
        ground: Option<&str>,
        pins: &[&str],
        operation: &str,
    ) -> Result<Self, CounterError> {
        let login_id = LoginId::parse(login_id).map_err(|e| invalid("login_id", e.to_string()))?;
        let case_type = CaseType::parse(case_type.trim())
            .ok_or_else(|| invalid("case_type", format!("choose one of {}", CaseType::names())))?;
        let ground = match ground.map(str::trim).filter(|g| !g.is_empty()) {
            None => None,
            Some(g) => {
                Some(Ground::parse(g).ok_or_else(|| invalid("ground", format!("choose one of {}", Ground::names())))?)
            }
        };
        match (case_type, ground) {
            (CaseType::LegalRepresentative, None) => {
                return Err(invalid("ground", "a legal representative acts for a holder under 15 or an adult ward"));
            }
            (CaseType::InPerson | CaseType::Proxy, Some(_)) => {
                return Err(invalid("ground", "only a legal representative has a ground"));
            }
            _ => {}
        }
        let pins = CardPin::parse_list(&pins.join(",")).map_err(|e| invalid("pins", e))?;
        if pins.is_empty() {
            return Err(invalid("pins", "choose at least one PIN"));
        }
        let operation = PinOperation::parse(operation.trim())
            .ok_or_else(|| invalid("operation", format!("choose one of {}", PinOperation::names())))?;
        Ok(Self { login_id, case_type, ground, pins, operation, items: vec![] })
    }
}

/// Parses one item as the console or the API sends it; the visit is the case's.
pub fn parse_item(
    kind: &str,
    document: Option<&str>,
    number_last4: Option<&str>,
    exemption: Option<&str>,
    collected: bool,
) -> Result<ItemRecord, CounterError> {
    let some = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let kind =
        ItemKind::parse(kind.trim()).ok_or_else(|| invalid("item", format!("choose one of {}", ItemKind::names())))?;
    let document = match some(document) {
        None => None,
        Some(d) => Some(
            DocumentType::parse(&d)
                .ok_or_else(|| invalid("document", format!("choose one of {}", DocumentType::names())))?,
        ),
    };
    let exemption = match some(exemption) {
        None => None,
        Some(e) => Some(
            Exemption::parse(&e)
                .ok_or_else(|| invalid("exemption", format!("choose one of {}", Exemption::names())))?,
        ),
    };
    Ok(ItemRecord { kind, visit: Visit::First, document, number_last4: some(number_last4), exemption, collected })
}

impl Recovery {
    /// Opens a counter case for the holder `open.login_id`. The holder's age comes from the
    /// birth date on file: `under_15` is refused for an older holder, and the signature
    /// password for a holder under 15 or an adult ward. A proxy's case must record the first
    /// visit's items as it opens, and makes the inquiry letter's check code.
    pub async fn open_counter_case(
        &self,
        open: OpenCase,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        let account = self
            .store
            .account(&open.login_id)
            .await?
            .ok_or_else(|| CounterError::UnknownAccount(open.login_id.to_string()))?;
        let p = &account.profile;
        let login = p.login_id.to_string();
        let refuse = |r: CounterRefusal| async move {
            let audit = who
                .audit("counter_case_open", Some(&p.login_id.to_string()), "refused")
                .detail(json!({ "reason": r.code(), "case_type": open.case_type.as_str() }));
            self.store.append_audit(now, audit).await?;
            Err::<CaseView, CounterError>(r.into())
        };
        if p.kind != AccountKind::Individual {
            return refuse(CounterRefusal::NotIndividual).await;
        }
        let today = self.institution.time_zone.date_of(now);
        let age = p.birth_date.map(|b| age_on(b, today));
        match (open.ground, age) {
            (Some(Ground::Under15), None) => return refuse(CounterRefusal::NoBirthDate).await,
            (Some(Ground::Under15), Some(age)) if age >= 15 => return refuse(CounterRefusal::NotUnder15 { age }).await,
            (Some(Ground::AdultWard), Some(age)) if age < 18 => return refuse(CounterRefusal::NotAdult { age }).await,
            _ => {}
        }
        // For a holder under 15 the legal representative applies (and sets the PINs).
        if let Some(age) = age.filter(|a| *a < 15)
            && open.case_type != CaseType::LegalRepresentative
        {
            return refuse(CounterRefusal::NeedsRepresentative { age }).await;
        }
        let no_signature = open.ground == Some(Ground::AdultWard) || age.is_some_and(|a| a < 15);
        if no_signature && open.pins.contains(&CardPin::Sign) {
            return refuse(CounterRefusal::NoSignatureCertificate).await;
        }
        let recipient = LetterRecipient::of(p);
        if open.case_type == CaseType::Proxy && recipient.is_none() {
            return refuse(CounterRefusal::NoAddress).await;
        }
        if let Some(other) = self
            .store
            .counter_cases(CaseFilter::Account(account.id), 20)
            .await?
            .iter()
            .find(|c| !c.state.is_closed() && now < c.expires_at)
        {
            return refuse(CounterRefusal::CaseAlreadyOpen { reference: other.reference().to_string() }).await;
        }
        let sealed = self.counter.sealed_pin_request;
        let mut items = Vec::new();
        for item in &open.items {
            let item = ItemRecord { visit: Visit::First, ..item.clone() };
            checklist::check(open.case_type, open.ground, sealed, &item)
                .map_err(|e| CounterError::Invalid { field: e.field, problem: e.problem })?;
            items.retain(|i: &ItemRecord| i.kind != item.kind);
            items.push(item);
        }
        if open.case_type == CaseType::Proxy {
            let missing = checklist::missing(open.case_type, None, Visit::First, sealed, &items);
            if !missing.is_empty() {
                let missing = missing.iter().map(|k| k.as_str().to_owned()).collect();
                return Err(CounterRefusal::ChecklistIncomplete { missing }.into());
            }
        }
        let state = CaseState::initial(open.case_type);
        let audit = who.audit("counter_case_open", Some(&login), "opened").detail(json!({
            "case_type": open.case_type.as_str(),
            "ground": open.ground.map(|g| g.as_str()),
            "pins": CardPin::join(&open.pins),
            "operation": open.operation.as_str(),
        }));
        let actor = who.actor.to_string();
        let mut case = NewCase {
            account_id: account.id,
            case_type: open.case_type,
            ground: open.ground,
            pins: open.pins.clone(),
            operation: open.operation,
            state,
            check: None,
            recipient: if open.case_type == CaseType::Proxy { recipient } else { None },
            items,
            opened_by: actor,
            expires_at: now + self.counter.case_lifetime,
        };
        if open.case_type == CaseType::Proxy {
            let code = CheckCode::generate(self.rng.as_ref());
            let mut salt = vec![0u8; 16];
            self.rng.fill(&mut salt);
            case.check = Some(NewCheckCode {
                mac: self.keys.check_code_mac(&salt, code.expose()),
                sealed: self.keys.seal_check_code(self.rng.as_ref(), &salt, code.expose()),
                salt,
            });
        }
        let Some(id) = self.store.open_counter_case(case, now, audit).await? else {
            // Another counter opened one for this holder meanwhile.
            let other = self.store.counter_cases(CaseFilter::Account(account.id), 20).await?;
            let reference = other
                .iter()
                .find(|c| !c.state.is_closed() && now < c.expires_at)
                .map(|c| c.reference().to_string())
                .unwrap_or_default();
            return Err(CounterRefusal::CaseAlreadyOpen { reference }.into());
        };
        self.counter_case_by_id(id, who, now).await
    }

    /// Records what staff saw of one item the applicant brought, at the case's current visit.
    pub async fn record_counter_item(
        &self,
        reference: &str,
        item: ItemRecord,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        let case = self.live_case(reference, who, now).await?;
        let Some(visit) = case.state.visit() else { return Err(wrong_state(&case, "record_item")) };
        let item = ItemRecord { visit, ..item };
        checklist::check(case.case_type, case.ground, self.counter.sealed_pin_request, &item)
            .map_err(|e| CounterError::Invalid { field: e.field, problem: e.problem })?;
        let mut audit = case_audit(who, &case, "counter_case_item", "recorded");
        audit.detail["item"] = json!(item.kind.as_str());
        audit.detail["visit"] = json!(visit.as_str());
        audit.detail["document"] = json!(item.document.map(|d| d.as_str()));
        audit.detail["exemption"] = json!(item.exemption.map(|e| e.as_str()));
        audit.detail["collected"] = json!(item.collected);
        if !self.store.record_case_item(case.id, case.state, item, &who.actor.to_string(), now, audit).await? {
            return Err(CounterError::Changed);
        }
        self.counter_case_by_id(case.id, who, now).await
    }

    /// Closes a case that is not closed yet, with a reason.
    pub async fn cancel_counter_case(
        &self,
        reference: &str,
        reason: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<CaseView, CounterError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(invalid("reason", "say why the case is closed (at most 500 characters)"));
        }
        let case = self.live_case(reference, who, now).await?;
        if case.state.is_closed() {
            return Err(wrong_state(&case, "cancel"));
        }
        let mut audit = case_audit(who, &case, "counter_case_cancel", "cancelled");
        audit.detail["reason"] = json!(reason);
        let event = crate::lifecycle::counter_case::CaseEvent::Cancel;
        if !self.store.move_counter_case(case.id, event, case.state, now, audit).await? {
            return Err(CounterError::Changed);
        }
        self.counter_case_by_id(case.id, who, now).await
    }

    /// The cases neither closed nor past their lifetime, oldest first, for the counter's list.
    pub async fn open_counter_cases(&self, limit: u32, now: OffsetDateTime) -> Result<Vec<CaseView>, CounterError> {
        Ok(self.store.counter_cases(CaseFilter::NotClosed(now), limit).await?)
    }

    /// An account's cases, newest first; one found past its lifetime is closed as expired.
    pub async fn counter_cases_of(
        &self,
        login_id: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<Vec<CaseView>, CounterError> {
        let login = LoginId::parse(login_id).map_err(|e| invalid("login_id", e.to_string()))?;
        let account =
            self.store.account(&login).await?.ok_or_else(|| CounterError::UnknownAccount(login.to_string()))?;
        let mut cases = self.store.counter_cases(CaseFilter::Account(account.id), 50).await?;
        for c in &mut cases {
            if !c.state.is_closed() && now >= c.expires_at {
                *c = self.counter_case_by_id(c.id, who, now).await?;
            }
        }
        Ok(cases)
    }
}
