//! What the print-and-mail vendor sends back: the result file (each letter's Japan Post item
//! number) and the returns file (letters that came back). Both are taken whole or refused
//! with every bad line named; importing the same file again changes nothing.
//!
//! A return voids the letter's code and e-mails the customer that the letter came back (never
//! the code). `addressee_unknown` and `moved` flag the address undeliverable until it
//! changes; `storage_expired` does not (nobody collected it in the 7-day hold, but the address
//! is right); `refused` puts the account on review as a possible fraud signal.

use std::collections::HashMap;

use serde::Serialize;
use time::OffsetDateTime;

use super::{PostalError, letter_reference};
use crate::account::Address;
use crate::lifecycle::letter::LetterState;
use crate::outbox::{MessageBody, OutboxMessage};
use crate::ports::postal::{Acceptance, LetterReturn, LetterView};
use crate::postal_files::{
    CheckDigitRule, FileEncoding, FileErrors, LetterRef, LineError, Problem, ReturnReason, parse_results, parse_returns,
};
use crate::procedures::{Recovery, Requester};

/// Which file is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorFile {
    Tracking,
    Returns,
}

/// What an import recorded, or would record (a preview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorImport {
    pub file: VendorFile,
    /// Letters the file changes.
    pub recorded: Vec<String>,
    /// Letters already as the file says (a file imported twice).
    pub unchanged: Vec<String>,
    /// True when nothing was written: a preview.
    pub preview: bool,
}

fn refuse(errors: Vec<LineError>) -> PostalError {
    let mut errors = errors;
    errors.sort_by_key(|e| e.line);
    PostalError::File(FileErrors { errors })
}

fn letter_problem(line: u64, reference: &LetterRef, reason: &str) -> LineError {
    LineError { line, problem: Problem::Letter { reference: reference.clone(), reason: reason.to_owned() } }
}

impl Recovery {
    async fn letters_named(&self, refs: &[&LetterRef]) -> Result<HashMap<i64, LetterView>, PostalError> {
        let ids: Vec<i64> = refs.iter().map(|r| r.id()).collect();
        Ok(self.store.letters_by_id(&ids).await?.into_iter().map(|l| (l.id, l)).collect())
    }

    /// Imports the vendor's result file; with `preview`, only says what it would record.
    pub async fn import_tracking(
        &self,
        bytes: &[u8],
        encoding: FileEncoding,
        rule: CheckDigitRule,
        preview: bool,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<VendorImport, PostalError> {
        let results = parse_results(bytes, encoding, rule)?;
        let letters = self.letters_named(&results.iter().map(|r| &r.reference).collect::<Vec<_>>()).await?;
        let (mut errors, mut updates, mut unchanged) = (Vec::new(), Vec::new(), Vec::new());
        for r in &results {
            let digits = r.tracking_number.digits();
            match letters.get(&r.reference.id()) {
                None => errors.push(letter_problem(r.line, &r.reference, "no such letter")),
                Some(l) if l.state == LetterState::Exported => updates.push(Acceptance {
                    letter_id: l.id,
                    account_id: l.account_id,
                    tracking_number: digits.to_owned(),
                    accepted_on: crate::account::format_date(r.accepted_on),
                }),
                Some(l) if l.state == LetterState::Accepted && l.tracking_number.as_deref() == Some(digits) => {
                    unchanged.push(r.reference.as_str().to_owned());
                }
                Some(l) if l.state == LetterState::Accepted => errors.push(letter_problem(
                    r.line,
                    &r.reference,
                    &format!("already has the item number {}", l.tracking_number.as_deref().unwrap_or("?")),
                )),
                Some(l) => errors.push(letter_problem(
                    r.line,
                    &r.reference,
                    &format!("was not sent to the vendor (it is {})", l.state.as_str()),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(refuse(errors));
        }
        let recorded: Vec<String> = updates.iter().map(|u| letter_reference(u.letter_id)).collect();
        if !preview && !updates.is_empty() {
            let audit = who.audit("tracking_import", None, "recorded").detail(serde_json::json!({
                "letters": recorded, "unchanged": unchanged.len(),
            }));
            if !self.store.record_acceptances(updates, now, audit).await? {
                return Err(PostalError::Changed);
            }
        }
        Ok(VendorImport { file: VendorFile::Tracking, recorded, unchanged, preview })
    }

    /// Imports the vendor's returns file; with `preview`, only says what it would record.
    pub async fn import_returns(
        &self,
        bytes: &[u8],
        encoding: FileEncoding,
        preview: bool,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<VendorImport, PostalError> {
        let returns = parse_returns(bytes, encoding)?;
        let letters = self.letters_named(&returns.iter().map(|r| &r.reference).collect::<Vec<_>>()).await?;
        let (mut errors, mut records, mut unchanged) = (Vec::new(), Vec::new(), Vec::new());
        for r in &returns {
            let reason = r.reason.as_str();
            let Some(l) = letters.get(&r.reference.id()) else {
                errors.push(letter_problem(r.line, &r.reference, "no such letter"));
                continue;
            };
            match l.state {
                LetterState::Exported | LetterState::Accepted => {}
                LetterState::Returned if l.return_reason.as_deref() == Some(reason) => {
                    unchanged.push(r.reference.as_str().to_owned());
                    continue;
                }
                LetterState::Returned => {
                    let was = l.return_reason.as_deref().unwrap_or("?");
                    errors.push(letter_problem(r.line, &r.reference, &format!("already came back ({was})")));
                    continue;
                }
                other => {
                    let why = format!("was not sent to the vendor (it is {})", other.as_str());
                    errors.push(letter_problem(r.line, &r.reference, &why));
                    continue;
                }
            }
            let login = crate::account::LoginId::parse(&l.login_id)
                .map_err(|e| PostalError::Invalid { field: "login_id", problem: e.reason })?;
            let account = self.store.account(&login).await?;
            let mut messages = Vec::new();
            if let Some(a) = &account
                && let Some(email) = &a.profile.email
            {
                let (subject, body) =
                    crate::mail::postal_letter_returned(&self.catalogue, &a.profile, &self.institution, reason);
                messages.push(OutboxMessage {
                    idempotency_key: format!("postal-returned-{}", letter_reference(l.id)),
                    body: MessageBody::Email { to: email.as_str().to_owned(), subject, body },
                });
            }
            let flag = matches!(r.reason, ReturnReason::AddresseeUnknown | ReturnReason::Moved);
            let returned_on = crate::account::format_date(r.returned_on);
            let audit = who.audit("letter_returned", Some(&l.login_id), reason).detail(serde_json::json!({
                "letter": letter_reference(l.id), "returned_on": returned_on,
            }));
            records.push(LetterReturn {
                letter_id: l.id,
                account_id: l.account_id,
                reason: reason.to_owned(),
                returned_on,
                flag_address: flag.then(|| Address {
                    postal_code: l.recipient.postal_code.clone(),
                    lines: l.recipient.address_lines.clone(),
                }),
                review: r.reason == ReturnReason::Refused,
                messages,
                audit,
            });
        }
        if !errors.is_empty() {
            return Err(refuse(errors));
        }
        let recorded: Vec<String> = records.iter().map(|u| letter_reference(u.letter_id)).collect();
        if !preview && !records.is_empty() {
            let audit = who.audit("returns_import", None, "recorded").detail(serde_json::json!({
                "letters": recorded, "unchanged": unchanged.len(),
            }));
            if !self.store.record_returns(records, now, audit).await? {
                return Err(PostalError::Changed);
            }
        }
        Ok(VendorImport { file: VendorFile::Returns, recorded, unchanged, preview })
    }
}
