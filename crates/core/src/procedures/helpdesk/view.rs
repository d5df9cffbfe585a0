//! The account view: what staff need to help a caller. Contacts are masked until an explicit,
//! audited reveal; eligibility is shown with its reasons (staff are authenticated); codes,
//! PINs, passwords and hashes are never part of it.

use serde::Serialize;
use time::OffsetDateTime;

use super::HelpDeskError;
use crate::account::{Address, LoginId};
use crate::audit::AuditEvent;
use crate::lifecycle::letter::LetterStatus;
use crate::model::Account;
use crate::ports::helpdesk::{CallView, ChannelPause, Delivery, Standing};
use crate::ports::postal::LetterView;
use crate::procedures::postal::{PostalIneligibility, letter_reference};
use crate::procedures::{Recovery, Requester};

/// How many calls, deliveries, letters and events the view lists.
const LISTED: u32 = 50;

/// Whether a procedure is open to the account, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub eligible: bool,
    /// The stable names of the reasons it is not.
    pub reasons: Vec<String>,
}

/// One credential's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialView {
    pub name: String,
    pub label: String,
    pub locked: bool,
    pub failures: u32,
    pub max_failures: u32,
    pub must_change: bool,
}

/// The active code: never the code itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeView {
    pub channel: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub wrong_entries: u32,
    pub max_wrong_entries: u32,
}

/// A letter with the status people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterLine {
    pub reference: String,
    pub status: LetterStatus,
    pub letter: LetterView,
}

/// Everything the help desk sees of an account.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub account: Account,
    /// `t***@example.jp`; the whole address only through `reveal_contact`.
    pub email_masked: Option<String>,
    /// `+81 *** **** 5678`.
    pub phone_masked: Option<String>,
    pub address: Option<Address>,
    pub standing: Standing,
    pub voice: Eligibility,
    pub postal: Vec<PostalIneligibility>,
    pub credentials: Vec<CredentialView>,
    pub active_code: Option<CodeView>,
    pub letters: Vec<LetterLine>,
    pub calls: Vec<CallView>,
    pub deliveries: Vec<Delivery>,
    pub history: Vec<AuditEvent>,
    pub paused: Vec<ChannelPause>,
}

/// Which contact to reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactField {
    Email,
    Phone,
}

/// `taro@example.jp` → `t***@example.jp`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// `+819012345678` → `+81 ******5678`: the country code and the last four digits.
pub fn mask_phone(e164: &str) -> String {
    let digits: Vec<char> = e164.trim_start_matches('+').chars().collect();
    let cc = if digits.first() == Some(&'1') || digits.first() == Some(&'7') { 1 } else { 2 };
    let n = digits.len();
    if n <= cc + 4 {
        return "***".into();
    }
    let head: String = digits[..cc].iter().collect();
    let tail: String = digits[n - 4..].iter().collect();
    format!("+{head} {}{tail}", "*".repeat(n - cc - 4))
}

impl Recovery {
    pub(crate) async fn helpdesk_account(&self, login_id: &str) -> Result<Account, HelpDeskError> {
        let login =
            LoginId::parse(login_id).map_err(|e| HelpDeskError::Invalid { field: "login_id", problem: e.reason })?;
        self.store.account(&login).await?.ok_or_else(|| HelpDeskError::UnknownAccount(login.to_string()))
    }

    /// The account view, audited as seen by `who`.
    pub async fn account_view(
        &self,
        login_id: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<AccountView, HelpDeskError> {
        let account = self.helpdesk_account(login_id).await?;
        let login = account.profile.login_id.to_string();
        let standing = self.store.account_standing(account.id).await?;
        let paused = self.store.channel_pauses().await?;
        let mut voice_reasons: Vec<String> =
            self.voice_ineligibility(&account, now).map(str::to_owned).into_iter().collect();
        if let Some(b) = self.blocked(account.id, crate::ports::helpdesk::Channel::Voice).await? {
            voice_reasons.push(b.to_owned());
        }
        let postal = self.postal_refusals(&account, now).await?;
        let credentials = account
            .credentials
            .iter()
            .map(|c| {
                let spec = self.credentials.get(&c.name);
                CredentialView {
                    name: c.name.clone(),
                    label: spec.map(|s| s.label_en.clone()).unwrap_or_else(|| c.name.clone()),
                    locked: c.locked,
                    failures: c.failures,
                    max_failures: spec.map(|s| s.max_failures).unwrap_or_default(),
                    must_change: c.must_change,
                }
            })
            .collect();
        let active_code = self.store.active_code(account.id).await?.filter(|c| c.expires_at > now).map(|c| CodeView {
            channel: c.channel.as_str(),
            issued_at: c.issued_at,
            expires_at: c.expires_at,
            wrong_entries: c.failures,
            max_wrong_entries: self.rules.code_max_failures,
        });
        let mut letters: Vec<LetterLine> = self
            .store
            .letters_of_account(account.id)
            .await?
            .into_iter()
            .map(|l| LetterLine {
                reference: letter_reference(l.id),
                status: LetterStatus::of(l.state, l.code, now),
                letter: l,
            })
            .collect();
        letters.reverse();
        let calls = self.store.calls_of_account(account.id, LISTED).await?;
        let deliveries = self.store.deliveries(account.id, LISTED).await?;
        let history = self.store.account_history(&login, LISTED).await?;
        self.store.append_audit(now, who.audit("account_view", Some(&login), "ok")).await?;
        let p = &account.profile;
        Ok(AccountView {
            email_masked: p.email.as_ref().map(|e| mask_email(e.as_str())),
            phone_masked: p.phone.as_ref().map(|e| mask_phone(e.as_str())),
            address: p.address.clone(),
            voice: Eligibility { eligible: voice_reasons.is_empty(), reasons: voice_reasons },
            postal,
            standing,
            credentials,
            active_code,
            letters,
            calls,
            deliveries,
            history,
            paused,
            account,
        })
    }

    /// The full e-mail address or phone number, for a reason, audited.
    pub async fn reveal_contact(
        &self,
        login_id: &str,
        field: ContactField,
        reason: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<Option<String>, HelpDeskError> {
        let reason = super::reason(reason)?;
        let account = self.helpdesk_account(login_id).await?;
        let p = &account.profile;
        let value = match field {
            ContactField::Email => p.email.as_ref().map(|e| e.as_str().to_owned()),
            ContactField::Phone => p.phone.as_ref().map(|e| e.as_str().to_owned()),
        };
        let audit = who
            .audit("contact_revealed", Some(p.login_id.as_str()), "ok")
            .detail(serde_json::json!({ "field": field, "reason": reason }));
        self.store.append_audit(now, audit).await?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_masked_to_what_confirms_them() {
        assert_eq!(mask_email("taro@example.jp"), "t***@example.jp");
        assert_eq!(mask_phone("+819012345678"), "+81 ******5678");
        assert_eq!(mask_phone("+14155550100"), "+1 ******0100");
        assert_eq!(mask_phone("+8112"), "***");
    }
}
