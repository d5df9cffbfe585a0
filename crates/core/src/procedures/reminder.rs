//! P6: login-ID reminder by identity matching.

use time::{Duration, OffsetDateTime};

use super::{Identity, Recovery, RecoveryError, Requester};
use crate::mail::{self};
use crate::model::Account;
use crate::outbox::{MessageBody, OutboxMessage};

impl Recovery {
    /// P6: e-mail every login ID whose holder (or person in charge) matches the name, phone and
    /// e-mail, all in one message to the registered address.
    pub async fn remind_login_ids(
        &self,
        who: &Identity,
        requester: &Requester,
        now: OffsetDateTime,
    ) -> Result<(), RecoveryError> {
        let action = "login_id_reminder";
        let matched: Vec<Account> = self
            .store
            .accounts_by_email(&who.email)
            .await?
            .into_iter()
            .filter(|a| a.profile.status == crate::account::AccountStatus::Active && self.identity_matches(a, who))
            .collect();
        if let Some(first) = matched.first()
            && self.paused(crate::ports::helpdesk::Channel::Reminder).await?
        {
            let login = first.profile.login_id.as_str();
            self.store.append_audit(now, requester.audit(action, Some(login), "ineligible_channel_paused")).await?;
            return Ok(());
        }
        let Some(first) = matched.first() else {
            let detail = self.identity_fingerprint(None, who);
            self.store.append_audit(now, requester.audit(action, None, "not_matched").detail(detail)).await?;
            return Ok(());
        };
        let profile = first.profile.clone();
        let institution = self.institution.clone();
        let catalogue = self.catalogue.clone();
        let key = self.key(&["reminder"]);
        let to = profile.email.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_default();
        let build: crate::ports::ReminderBuilder = Box::new(move |logins: &[String]| {
            if logins.is_empty() {
                return None;
            }
            let (subject, body) = mail::login_id_reminder(&catalogue, &profile, &institution, logins);
            Some(OutboxMessage { idempotency_key: key, body: MessageBody::Email { to, subject, body } })
        });
        let accounts: Vec<(crate::ids::AccountId, String)> =
            matched.iter().map(|a| (a.id, a.profile.login_id.to_string())).collect();
        // One audit event per request; per-account attribution goes by the first match.
        let audit = requester
            .audit(action, Some(first.profile.login_id.as_str()), "matched")
            .detail(serde_json::json!({ "matched": accounts.len() }));
        self.store
            .record_reminder(accounts, now - Duration::days(1), self.rules.reminders_per_day, build, now, audit)
            .await?;
        Ok(())
    }
}
