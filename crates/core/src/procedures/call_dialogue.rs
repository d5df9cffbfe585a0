//! P2: the voice call. The provider fetches each step of the dialogue; the caller keys in
//! the card PIN, and a right PIN issues a code that is spoken digit by digit.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::{HashPriority, Recovery, RecoveryError, Requester};
use crate::account::{AccountStatus, Language, LoginId};
use crate::audit::{Actor, AuditDraft};
use crate::hashing::{HashError, Verification};
use crate::ids::CallId;
use crate::lifecycle::call::{CallEvent, EndReason, ProviderStatus};
use crate::mail::{self};
use crate::model::{Account, Call, CallState, NewCode};
use crate::outbox::{MessageBody, OutboxMessage};
use crate::ports::{IssuedVoiceCode, PinLimits, PinTry};
use crate::rules::CodeChannel;
use crate::secret::ResetCode;
use crate::vault::CredentialRef;
use crate::voice::{Dialogue, MAX_CODE_HEARINGS, Prompt, Script, Step};

impl Recovery {
    /// What the call says, in `lang`.
    fn script(&self, lang: Language) -> Script<'_> {
        Script::new(&self.catalogue, &self.institution, lang)
    }

    async fn live_call(&self, call_id: &CallId) -> Result<Option<(Call, Account)>, RecoveryError> {
        let Some(call) = self.store.call(call_id).await? else {
            return Ok(None);
        };
        let Ok(login_id) = LoginId::parse(&call.login_id) else {
            return Ok(None);
        };
        let Some(account) = self.store.account(&login_id).await? else {
            return Ok(None);
        };
        Ok(Some((call, account)))
    }

    /// Asks for the PIN; without input the caller is sent back to the start with one more
    /// unanswered prompt counted.
    fn pin_gather(&self, s: Script<'_>, lead: Option<String>, silent: u32) -> Vec<Prompt> {
        let mut v = Vec::new();
        if let Some(l) = lead {
            v.push(Prompt::Say(l));
        }
        v.push(Prompt::Gather {
            action: Step::Pin,
            prompt: Box::new(Prompt::Say(s.ask_pin())),
            digits: None,
            timeout_secs: 10,
        });
        v.push(Prompt::Say(s.no_input()));
        v.push(Prompt::Redirect(Step::Answer { silent: silent + 1 }));
        v
    }

    /// The call was answered, or the caller was sent back to the start after `silent`
    /// prompts in a row went unanswered.
    pub async fn call_answered(
        &self,
        call_id: &CallId,
        silent: u32,
        now: OffsetDateTime,
    ) -> Result<Dialogue, RecoveryError> {
        let Some((call, account)) = self.live_call(call_id).await? else { return Ok(Dialogue::hang_up()) };
        let lang = account.profile.language;
        Ok(Dialogue { lang, prompts: self.answered(call_id, call, account, silent, now).await? })
    }

    async fn answered(
        &self,
        call_id: &CallId,
        call: Call,
        account: Account,
        silent: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<Prompt>, RecoveryError> {
        let s = self.script(account.profile.language);
        if !matches!(call.state, CallState::Placed | CallState::InProgress | CallState::Pending) {
            return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
        }
        if account.profile.status != AccountStatus::Active {
            self.end_call(call_id, EndReason::AccountSuspended, now, None).await?;
            return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
        }
        if silent >= self.rules.call_silent_prompts {
            // Nobody is keying anything: say goodbye rather than prompt for ever.
            let audit =
                AuditDraft::new(Actor::Provider, "voice_call", Some(account.profile.login_id.as_str()), "no_input");
            self.end_call(call_id, EndReason::NoInput, now, Some(audit)).await?;
            return Ok(vec![Prompt::Say(s.no_input()), Prompt::Say(s.goodbye()), Prompt::Hangup]);
        }
        if call.state != CallState::InProgress {
            self.store
                .record_call_status(call_id, ProviderStatus::InProgress.as_str(), CallEvent::Progress, now, None)
                .await?;
        }
        let greeting = (call.pin_tries == 0 && silent == 0).then(|| s.greeting());
        Ok(self.pin_gather(s, greeting, silent))
    }

    /// The caller keyed in digits for the PIN.
    pub async fn pin_entered(
        &self,
        call_id: &CallId,
        digits: SecretString,
        now: OffsetDateTime,
    ) -> Result<Dialogue, RecoveryError> {
        let Some((call, account)) = self.live_call(call_id).await? else { return Ok(Dialogue::hang_up()) };
        let lang = account.profile.language;
        Ok(Dialogue { lang, prompts: self.pin(call_id, call, account, &digits, now).await? })
    }

    async fn pin(
        &self,
        call_id: &CallId,
        call: Call,
        account: Account,
        digits: &SecretString,
        now: OffsetDateTime,
    ) -> Result<Vec<Prompt>, RecoveryError> {
        let s = self.script(account.profile.language);
        let login = account.profile.login_id.as_str().to_owned();
        if !call.state.takes_pin() || call.pin_tries >= self.rules.pin_tries_per_call {
            return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
        }
        if account.profile.status != AccountStatus::Active {
            self.end_call(call_id, EndReason::AccountSuspended, now, None).await?;
            return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
        }
        let gate = self.rules.voice_gate_credential.clone();
        let (Some(spec), Some(cred)) = (self.credentials.get(&gate), account.credential(&gate)) else {
            return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
        };
        let provider = Requester::provider();
        // The try is counted before the PIN is checked, so no interleaving of requests can
        // check more PINs than the call's tries and the credential's lock allow.
        let stale_before = now - crate::lifecycle::ATTEMPT_LEASE;
        let reserved = self
            .store
            .reserve_pin_try(
                call_id,
                &gate,
                PinLimits { max_failures: spec.max_failures, max_tries: self.rules.pin_tries_per_call },
                now,
                stale_before,
                provider.audit("voice_pin", Some(&login), "reserved"),
            )
            .await?;
        match reserved {
            PinTry::Allowed => {}
            PinTry::CallOver => return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]),
            PinTry::Busy => {
                // Not locked: the PIN cannot be checked just now. The customer may apply again.
                self.end_call(call_id, EndReason::CheckUnavailable, now, None).await?;
                return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
            }
            PinTry::Locked => {
                return self.end_call_locked(call_id, &login, s, now).await;
            }
        }
        let typed = digits.expose_secret();
        let well_formed = typed.len() == spec.min_length && typed.bytes().all(|b| b.is_ascii_digit());
        // A caller in a call is served with the integrators: calls are few (each needs an
        // application, a day's limit per account, and the registered phone), and a PIN check
        // refused for load would cost the customer a try.
        let verification = if well_formed {
            let c = CredentialRef { login_id: &login, credential: &gate, stored: &cred.hash };
            match self.vault.check(c, digits.clone(), HashPriority::Integrator).await {
                Ok(v) => v,
                Err(HashError::Busy) => {
                    // Never checked: the try is given back, and the call ends without a word
                    // of a lock.
                    let audit = provider.audit("voice_pin", Some(&login), "released_unchecked");
                    self.store.release_pin_try(call_id, &gate, now, audit).await?;
                    self.end_call(call_id, EndReason::CheckUnavailable, now, None).await?;
                    return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
                }
                Err(e) => {
                    // The try was counted: settle it as the failure it was counted as.
                    let audit = provider.audit("voice_pin", Some(&login), "unsettled_error");
                    let _ = self.store.record_wrong_pin(call_id, &gate, spec.max_failures, now, audit).await;
                    return Err(e.into());
                }
            }
        } else {
            Verification::Mismatch
        };
        match verification {
            Verification::Mismatch => {
                let wrong = self
                    .store
                    .record_wrong_pin(
                        call_id,
                        &gate,
                        spec.max_failures,
                        now,
                        provider.audit("voice_pin", Some(&login), "wrong_pin"),
                    )
                    .await?;
                if wrong.credential_locked {
                    return self.end_call_locked(call_id, &login, s, now).await;
                }
                let left = self.rules.pin_tries_per_call.saturating_sub(wrong.tries_used_in_call);
                if left == 0 {
                    self.end_call(call_id, EndReason::OutOfTries, now, None).await?;
                    return Ok(vec![Prompt::Say(s.out_of_tries()), Prompt::Hangup]);
                }
                Ok(self.pin_gather(s, Some(s.wrong_pin(left)), 0))
            }
            Verification::Match { .. } => {
                let code = ResetCode::generate(self.rng.as_ref(), self.rules.code_digits);
                let mut salt = vec![0u8; 16];
                self.rng.fill(&mut salt);
                let mac = self.keys.code_mac(&salt, account.id, CodeChannel::Voice, code.expose());
                let url = format!("{}/reset/voice", self.public_url.trim_end_matches('/'));
                let (subject, body) = mail::voice_reset_page(
                    &self.catalogue,
                    &account.profile,
                    &self.institution,
                    &url,
                    self.rules.code_ttl(CodeChannel::Voice).whole_seconds(),
                    now + self.rules.code_ttl(CodeChannel::Voice),
                );
                let mut messages = Vec::new();
                if let Some(email) = &account.profile.email {
                    messages.push(OutboxMessage {
                        idempotency_key: format!("{call_id}-mail"),
                        body: MessageBody::Email { to: email.as_str().to_owned(), subject, body },
                    });
                }
                let issued = IssuedVoiceCode {
                    call_id: call_id.to_owned(),
                    code: NewCode {
                        account_id: account.id,
                        channel: CodeChannel::Voice,
                        salt,
                        mac,
                        issued_at: now,
                        expires_at: now + self.rules.code_ttl(CodeChannel::Voice),
                    },
                    sealed_code: self.keys.seal(self.rng.as_ref(), call_id.as_str(), code.expose()),
                    gate_credential: gate,
                    messages,
                };
                if !self
                    .store
                    .issue_voice_code(issued, now, provider.audit("voice_code", Some(&login), "issued"))
                    .await?
                {
                    return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
                }
                Ok(self.speak_code(s, code.expose(), 1))
            }
        }
    }

    /// The gate credential is locked: say so, end the call, record it.
    async fn end_call_locked(
        &self,
        call_id: &CallId,
        login: &str,
        s: Script<'_>,
        now: OffsetDateTime,
    ) -> Result<Vec<Prompt>, RecoveryError> {
        let audit = AuditDraft::new(Actor::Provider, "voice_pin", Some(login), "locked");
        self.end_call(call_id, EndReason::PinLocked, now, Some(audit)).await?;
        Ok(vec![Prompt::Say(s.locked()), Prompt::Hangup])
    }

    /// Speaks the code for the `heard`-th time, offering to repeat it while the caller may
    /// still hear it again.
    fn speak_code(&self, s: Script<'_>, code: &str, heard: u32) -> Vec<Prompt> {
        let mut v = vec![Prompt::SayCode { before: s.code_before(), code: code.to_owned(), after: s.code_after() }];
        if heard < MAX_CODE_HEARINGS {
            v.push(Prompt::Gather {
                action: Step::Repeat { heard },
                prompt: Box::new(Prompt::Say(s.offer_repeat())),
                digits: Some(1),
                timeout_secs: 5,
            });
        }
        v.extend([Prompt::Say(s.goodbye()), Prompt::Hangup]);
        v
    }

    /// The caller pressed a key after hearing the code `heard` times.
    pub async fn repeat_requested(
        &self,
        call_id: &CallId,
        digits: &str,
        heard: u32,
    ) -> Result<Dialogue, RecoveryError> {
        let Some((call, account)) = self.live_call(call_id).await? else { return Ok(Dialogue::hang_up()) };
        let s = self.script(account.profile.language);
        let may_repeat = heard < MAX_CODE_HEARINGS && account.profile.status == AccountStatus::Active;
        let sealed = call.sealed_code.as_deref().filter(|_| may_repeat);
        let prompts = match (digits, call.state, sealed.and_then(|b| self.keys.unseal(call_id.as_str(), b))) {
            ("1", CallState::CodeIssued, Some(code)) => self.speak_code(s, code.expose_secret(), heard + 1),
            _ => vec![Prompt::Say(s.goodbye()), Prompt::Hangup],
        };
        Ok(Dialogue { lang: s.lang, prompts })
    }

    /// The provider reported a call status (parsed by the provider's adapter). A report the
    /// call's lifecycle cannot take (about an ended call) changes nothing.
    pub async fn call_status(
        &self,
        call_id: &CallId,
        status: ProviderStatus,
        now: OffsetDateTime,
    ) -> Result<(), RecoveryError> {
        let Some(call) = self.store.call(call_id).await? else {
            return Ok(());
        };
        let event = status.event();
        if call.state.next(event).is_err() {
            return Ok(());
        }
        match event {
            CallEvent::End(reason) => {
                let audit = reason
                    .is_unreached()
                    .then(|| AuditDraft::new(Actor::Provider, "voice_call", Some(&call.login_id), reason.as_str()));
                self.end_call(call_id, reason, now, audit).await
            }
            _ => Ok(self.store.record_call_status(call_id, status.as_str(), event, now, None).await?),
        }
    }

    /// Ends the call for `reason`; its sealed code goes with it.
    async fn end_call(
        &self,
        call_id: &CallId,
        reason: EndReason,
        now: OffsetDateTime,
        audit: Option<AuditDraft>,
    ) -> Result<(), RecoveryError> {
        Ok(self.store.record_call_status(call_id, reason.as_str(), CallEvent::End(reason), now, audit).await?)
    }
}
