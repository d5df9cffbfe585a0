//! P1: apply online for a voice reset code.

use time::{Duration, OffsetDateTime};

use super::{Recovery, RecoveryError, Requester};
use crate::account::{LoginId, parse_date};
use crate::model::Account;
use crate::outbox::{MessageBody, OutboxMessage};
use crate::ports::{VoiceApplication, VoiceApplicationOutcome};

impl Recovery {
    /// P1: apply for a voice reset code. Always succeeds from the caller's point of view; what
    /// happened is in the audit log only.
    pub async fn apply_for_voice_code(
        &self,
        login_id: &str,
        birth_date: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<(), RecoveryError> {
        let action = "voice_application";
        let (Ok(login_id), Ok(birth_date)) = (LoginId::parse(login_id), parse_date("birth_date", birth_date)) else {
            self.store.append_audit(now, who.audit(action, None, "malformed")).await?;
            return Ok(());
        };
        let account = self.store.account(&login_id).await?;
        let Some(account) = account.filter(|a| a.profile.birth_date == Some(birth_date)) else {
            self.store.append_audit(now, who.audit(action, Some(login_id.as_str()), "not_matched")).await?;
            return Ok(());
        };
        let ineligible = match self.voice_ineligibility(&account, now) {
            Some(why) => Some(why),
            None => self.blocked(account.id, crate::ports::helpdesk::Channel::Voice).await?,
        };
        let mut random = [0u8; 12];
        self.rng.fill(&mut random);
        let call_id = crate::ids::CallId::new(random);
        let to = account.profile.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let app = VoiceApplication {
            account_id: account.id,
            eligible: ineligible.is_none(),
            message: OutboxMessage {
                idempotency_key: call_id.to_string(),
                body: MessageBody::PlaceCall { call_id: call_id.to_string(), to },
            },
            call_id,
            window_start: now - Duration::days(1),
            max_per_window: self.rules.voice_applications_per_day,
            live_call_cutoff: now - Duration::seconds(self.rules.call_silence_timeout_secs),
        };
        let outcome = ineligible.unwrap_or("accepted");
        let audit = who
            .audit(action, Some(login_id.as_str()), outcome)
            .detail(serde_json::json!({ "eligible": ineligible.is_none() }));
        // Whatever the outcome, the applicant hears the same; the audit log has the rest.
        let _: VoiceApplicationOutcome = self.store.record_voice_application(app, now, audit).await?;
        Ok(())
    }

    /// Why an account cannot get a voice code, or `None` when it can.
    pub(crate) fn voice_ineligibility(&self, a: &Account, now: OffsetDateTime) -> Option<&'static str> {
        let p = &a.profile;
        let cooldown = Duration::days(self.rules.contact_change_cooldown_days);
        let recent = |t: Option<OffsetDateTime>| t.is_some_and(|t| now - t < cooldown);
        if p.status != crate::account::AccountStatus::Active {
            return Some("ineligible_status");
        }
        match a.credential(&self.rules.voice_gate_credential) {
            None => return Some("ineligible_no_card_pin"),
            Some(c) if c.locked => return Some("ineligible_card_pin_locked"),
            Some(_) => {}
        }
        if p.email.is_none() || p.phone.is_none() {
            return Some("ineligible_no_contact");
        }
        if recent(p.changed_at.email) || recent(p.changed_at.phone) {
            return Some("ineligible_recent_change");
        }
        None
    }
}
