//! P4, the application: help-desk staff, having checked a caller's identity, apply for a
//! postal reset code. Eligibility is decided here, with its reasons; the store then queues
//! the letter, voids every other way back in (active codes of either channel, open reset
//! sessions, letters not yet sent) and queues the e-mail that tells the customer a letter is
//! on its way, all in one transaction.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::{PostalError, PostalIneligibility, letter_reference, local_date};
use crate::account::{AccountStatus, LoginId};
use crate::model::{Account, NewCode};
use crate::outbox::{MessageBody, OutboxMessage};
use crate::ports::helpdesk::Standing;
use crate::ports::postal::{HoldKind, LetterRecipient, NewLetter};
use crate::procedures::{Recovery, Requester};
use crate::rules::CodeChannel;
use crate::secret::ResetCode;

/// What staff checked of the caller before applying: the console asks for at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityCheck {
    /// The registered name.
    Name,
    BirthDate,
    /// The registered address.
    Address,
    /// The registered phone number (and the call comes from it or was returned to it).
    Phone,
    /// Details of the customer's accounts or contracts only the customer knows.
    AccountDetails,
}

impl IdentityCheck {
    pub const ALL: [IdentityCheck; 5] = [Self::Name, Self::BirthDate, Self::Address, Self::Phone, Self::AccountDetails];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::BirthDate => "birth_date",
            Self::Address => "address",
            Self::Phone => "phone",
            Self::AccountDetails => "account_details",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A postal application that was queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostalApplication {
    /// The letter's reference, printed on it and shared with the vendor.
    pub reference: String,
    pub letter_id: i64,
    /// The code works until this instant: the end of the last day of its validity in the
    /// institution's time zone, as printed.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// About when the letter arrives (the seed: about a week), for staff to tell the caller.
    #[serde(with = "time::serde::rfc3339")]
    pub arrives_about: OffsetDateTime,
}

/// The longest reason staff may give.
const MAX_REASON: usize = 500;

impl Recovery {
    /// Why `account` cannot get a postal code now; empty when it can.
    pub(crate) fn postal_ineligibility(
        &self,
        account: &Account,
        standing: &Standing,
        now: OffsetDateTime,
    ) -> Vec<PostalIneligibility> {
        let cal = &self.institution.time_zone;
        let p = &account.profile;
        let cooldown = Duration::days(self.rules.contact_change_cooldown_days);
        let mut out = Vec::new();
        if p.status != AccountStatus::Active {
            out.push(PostalIneligibility::AccountSuspended);
        }
        if let Some(h) = standing.holds.iter().find(|h| h.kind == HoldKind::Fraud) {
            out.push(PostalIneligibility::FraudHold { since: local_date(cal, h.set_at) });
        }
        match &p.address {
            None => out.push(PostalIneligibility::NoAddress),
            Some(address) => {
                if let Some(flag) = standing.address_flag.as_ref().filter(|f| &f.address == address) {
                    out.push(PostalIneligibility::AddressUndeliverable {
                        reason: flag.reason.clone(),
                        since: local_date(cal, flag.flagged_at),
                    });
                }
            }
        }
        let recent = |t: Option<OffsetDateTime>| t.filter(|t| now - *t < cooldown);
        if let Some(t) = recent(p.changed_at.name) {
            out.push(PostalIneligibility::NameChangedRecently {
                on: local_date(cal, t),
                eligible_from: local_date(cal, t + cooldown),
            });
        }
        if let Some(t) = recent(p.changed_at.address) {
            out.push(PostalIneligibility::AddressChangedRecently {
                on: local_date(cal, t),
                eligible_from: local_date(cal, t + cooldown),
            });
        }
        out
    }

    /// Whether the account can get a postal code now, and if not, why: for the help desk's
    /// account view.
    pub async fn postal_eligibility(
        &self,
        login_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<PostalIneligibility>, PostalError> {
        let account = self.postal_account(login_id).await?;
        self.postal_refusals(&account, now).await
    }

    /// Every reason the account cannot get a postal code now, the channel's pause included.
    pub(crate) async fn postal_refusals(
        &self,
        account: &Account,
        now: OffsetDateTime,
    ) -> Result<Vec<PostalIneligibility>, PostalError> {
        let standing = self.store.account_standing(account.id).await?;
        let mut refused = self.postal_ineligibility(account, &standing, now);
        if self.store.channel_pauses().await?.iter().any(|p| p.channel == crate::ports::helpdesk::Channel::Postal) {
            refused.push(PostalIneligibility::ChannelPaused);
        }
        Ok(refused)
    }

    async fn postal_account(&self, login_id: &str) -> Result<Account, PostalError> {
        let parsed =
            LoginId::parse(login_id).map_err(|e| PostalError::Invalid { field: "login_id", problem: e.to_string() })?;
        self.store.account(&parsed).await?.ok_or_else(|| PostalError::UnknownAccount(parsed.to_string()))
    }

    /// P4: apply for a postal reset code for `login_id`, after the caller's identity was
    /// checked (`checks`). `who` is the staff member. An ineligible account gets nothing,
    /// and the refusal names every reason.
    pub async fn apply_for_postal_code(
        &self,
        login_id: &str,
        reason: &str,
        checks: &[IdentityCheck],
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<PostalApplication, PostalError> {
        self.apply_postal(login_id, reason, checks, who, None, now).await
    }

    /// The application, with the second staff member who approved it under the four-eyes
    /// rule, if any, recorded in its audit event.
    pub(crate) async fn apply_postal(
        &self,
        login_id: &str,
        reason: &str,
        checks: &[IdentityCheck],
        who: &Requester,
        approved_by: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<PostalApplication, PostalError> {
        let action = "postal_application";
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(PostalError::Invalid { field: "reason", problem: "say why the code is applied for".into() });
        }
        if reason.chars().count() > MAX_REASON {
            return Err(PostalError::Invalid { field: "reason", problem: format!("at most {MAX_REASON} characters") });
        }
        let mut checks: Vec<IdentityCheck> = checks.to_vec();
        checks.sort_by_key(|c| c.as_str());
        checks.dedup();
        if checks.is_empty() {
            return Err(PostalError::Invalid {
                field: "identity_checks",
                problem: "say what was checked of the caller's identity".into(),
            });
        }
        let account = self.postal_account(login_id).await?;
        let login = account.profile.login_id.to_string();
        let refused = self.postal_refusals(&account, now).await?;
        if !refused.is_empty() {
            let codes: Vec<&str> = refused.iter().map(PostalIneligibility::code).collect();
            let audit = who.audit(action, Some(&login), "ineligible").detail(serde_json::json!({ "reasons": codes }));
            self.store.append_audit(now, audit).await?;
            return Err(PostalError::Ineligible(refused));
        }
        let p = &account.profile;
        let Some(recipient) = LetterRecipient::of(p) else { return Err(PostalError::Ineligible(vec![])) };
        let code = ResetCode::generate(self.rng.as_ref(), self.rules.code_digits);
        let mut salt = vec![0u8; 16];
        self.rng.fill(&mut salt);
        let mac = self.keys.code_mac(&salt, account.id, CodeChannel::Postal, code.expose());
        let days = self.rules.code_ttl(CodeChannel::Postal).whole_days();
        let expires_at = self.institution.time_zone.end_of_day_after(now, days);
        let sealed_code = self.keys.seal_letter_code(self.rng.as_ref(), &salt, code.expose());
        let mut messages = Vec::new();
        if let Some(email) = &p.email {
            let (subject, body) =
                crate::mail::postal_letter_sent(&self.catalogue, p, &self.institution, now, expires_at);
            messages.push(OutboxMessage {
                idempotency_key: format!("postal-letter-{}", hex::encode(&salt)),
                body: MessageBody::Email { to: email.as_str().to_owned(), subject, body },
            });
        }
        let letter = NewLetter {
            account_id: account.id,
            code: NewCode {
                account_id: account.id,
                channel: CodeChannel::Postal,
                salt,
                mac,
                issued_at: now,
                expires_at,
            },
            sealed_code,
            recipient,
            applied_by: who.actor.to_string(),
            reason: reason.to_owned(),
            identity_checks: checks.iter().map(|c| c.as_str().to_owned()).collect(),
            messages,
        };
        let audit = who.audit(action, Some(&login), "queued").detail(serde_json::json!({
            "reason": reason,
            "identity_checks": checks.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "expires_at": super::super::rfc3339(expires_at),
            "approved_by": approved_by,
        }));
        let letter_id = self.store.record_postal_application(letter, now, audit).await?;
        Ok(PostalApplication {
            reference: letter_reference(letter_id),
            letter_id,
            expires_at,
            arrives_about: now + Duration::days(7),
        })
    }
}
