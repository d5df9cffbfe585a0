//! The recovery procedures: voice application (P1), the voice call (P2), code entry and reset
//! completion (P3), and verification and change with the current secret (P7).
//!
//! Each procedure takes `now` from the caller and draws randomness from the injected source.
//! Decisions are made here; the store only carries them out atomically.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::account::{LoginId, Profile, parse_date};
use crate::audit::AuditDraft;
use crate::credential::{CredentialSet, CredentialSpec, HolderContext, PolicyViolation, normalize_password};
use crate::hashing::{HashError, Verification};
use crate::keys::Keys;
use crate::mail::{self, Institution};
use crate::model::{Account, Call, CallState, CodeState, NewCode, Role};
use crate::outbox::{MessageBody, OutboxMessage};
use crate::rules::{CodeChannel, Rules};
use crate::secret::{Randomness, ResetCode, random_password, random_token};
use crate::store::{
    Attempt, CompletedReset, Initialization, IssuedVoiceCode, OpenSession, PinTry, Store, StoreError, VoiceApplication,
    VoiceApplicationOutcome,
};
use crate::voice::{Dialogue, Prompt, Script, Step};

/// Argon2 hashing, run wherever the server decides (a bounded blocking pool in production).
#[async_trait]
pub trait Hashing: Send + Sync {
    async fn hash(&self, secret: SecretString) -> Result<String, HashError>;
    async fn verify(&self, secret: SecretString, stored: String) -> Result<Verification, HashError>;
}

/// Why a procedure did not complete. The server maps each to one HTTP answer.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("the reset code is not valid")]
    InvalidCode,
    #[error("the reset session is not valid or has expired")]
    InvalidSession,
    #[error("unknown credential {0:?}")]
    UnknownCredential(String),
    #[error("credential {0:?} cannot be reset online")]
    NotResettable(String),
    #[error("nothing to change: every field was blank")]
    NothingToChange,
    #[error("the new secrets do not meet the policy")]
    Policy(Vec<(String, PolicyViolation)>),
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("the credential is locked")]
    Locked,
    #[error("too many attempts on this credential are being checked at once")]
    AttemptsInProgress,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// Who is asking, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Requester {
    pub actor: String,
    pub client_ip: Option<String>,
}

impl Requester {
    pub fn public(ip: Option<String>) -> Self {
        Self { actor: "public".into(), client_ip: ip }
    }

    fn audit(&self, action: &str, login_id: Option<&str>, outcome: &str) -> AuditDraft {
        AuditDraft::new(self.actor.clone(), action, login_id, outcome).ip(self.client_ip.as_deref())
    }
}

/// The identity details a person typed for P5 and P6, parsed.
#[derive(Debug, Clone)]
pub struct Identity {
    pub name: crate::identity::TypedName,
    pub phone: crate::account::PhoneNumber,
    pub email: crate::account::Email,
}

/// A credential as the reset page lists it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ResettableCredential {
    pub name: String,
    pub kind: &'static str,
    pub label: String,
    pub policy: CredentialPolicyView,
}

/// The policy a new secret must meet, for display.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CredentialPolicyView {
    pub min_length: usize,
    pub max_length: usize,
    pub digits_only: bool,
}

/// A reset session just opened by a right code.
#[derive(Debug)]
pub struct OpenedSession {
    pub token: SecretString,
    pub expires_at: OffsetDateTime,
    pub credentials: Vec<ResettableCredential>,
}

/// The answer to a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub must_change: bool,
}

/// Everything the procedures need, shared by all requests.
pub struct Recovery {
    pub store: Arc<dyn Store>,
    pub hashing: Arc<dyn Hashing>,
    pub rng: Arc<dyn Randomness>,
    pub keys: Keys,
    pub rules: Rules,
    pub credentials: CredentialSet,
    pub institution: Institution,
    pub public_url: String,
    pub webhooks: Vec<String>,
    /// A hash of a random secret, verified when an account is unknown so that the answer
    /// takes as long as for a known one.
    pub dummy_hash: String,
}

impl std::fmt::Debug for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recovery")
            .field("rules", &self.rules)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

impl Recovery {
    fn key(&self, parts: &[&str]) -> String {
        let mut b = [0u8; 12];
        self.rng.fill(&mut b);
        format!("{}-{}", parts.join("-"), hex::encode(b))
    }

    fn label(&self, spec: &CredentialSpec, p: &Profile) -> String {
        match p.language {
            crate::account::Language::Ja => spec.label_ja.clone(),
            crate::account::Language::En => spec.label_en.clone(),
        }
    }

    // ---------------------------------------------------------------- P1

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
        let ineligible = self.voice_ineligibility(&account, now);
        let call_id = self.key(&["call"]);
        let to = account.profile.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let app = VoiceApplication {
            account_id: account.id,
            eligible: ineligible.is_none(),
            call_id: call_id.clone(),
            message: OutboxMessage { idempotency_key: call_id.clone(), body: MessageBody::PlaceCall { call_id, to } },
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
    fn voice_ineligibility(&self, a: &Account, now: OffsetDateTime) -> Option<&'static str> {
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

    // ---------------------------------------------------------------- P2

    async fn live_call(&self, call_id: &str) -> Result<Option<(Call, Account)>, RecoveryError> {
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

    fn pin_gather(&self, s: Script, lead: Option<String>) -> Vec<Prompt> {
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
        v.push(Prompt::Redirect(Step::Answer));
        v
    }

    /// The call was answered (or the caller was sent back to the start).
    pub async fn call_answered(&self, call_id: &str, now: OffsetDateTime) -> Result<Dialogue, RecoveryError> {
        let Some((call, account)) = self.live_call(call_id).await? else { return Ok(Dialogue::hang_up()) };
        let lang = account.profile.language;
        Ok(Dialogue { lang, prompts: self.answered(call_id, call, account, now).await? })
    }

    async fn answered(
        &self,
        call_id: &str,
        call: Call,
        account: Account,
        now: OffsetDateTime,
    ) -> Result<Vec<Prompt>, RecoveryError> {
        let s = Script { lang: account.profile.language };
        if !matches!(call.state, CallState::Placed | CallState::InProgress | CallState::Pending) {
            return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
        }
        if call.state != CallState::InProgress {
            self.store.record_call_status(call_id, "in-progress", false, now, None).await?;
        }
        let greeting = (call.pin_tries == 0).then(|| s.greeting(&self.institution.name));
        Ok(self.pin_gather(s, greeting))
    }

    /// The caller keyed in digits for the PIN.
    pub async fn pin_entered(
        &self,
        call_id: &str,
        digits: &str,
        now: OffsetDateTime,
    ) -> Result<Dialogue, RecoveryError> {
        let Some((call, account)) = self.live_call(call_id).await? else { return Ok(Dialogue::hang_up()) };
        let lang = account.profile.language;
        Ok(Dialogue { lang, prompts: self.pin(call_id, call, account, digits, now).await? })
    }

    async fn pin(
        &self,
        call_id: &str,
        call: Call,
        account: Account,
        digits: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<Prompt>, RecoveryError> {
        let s = Script { lang: account.profile.language };
        let login = account.profile.login_id.as_str().to_owned();
        if !matches!(call.state, CallState::Placed | CallState::InProgress)
            || call.pin_tries >= self.rules.pin_tries_per_call
        {
            return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
        }
        let gate = self.rules.voice_gate_credential.clone();
        let (Some(spec), Some(cred)) = (self.credentials.get(&gate), account.credential(&gate)) else {
            return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]);
        };
        let provider = Requester { actor: "provider".into(), client_ip: None };
        // The try is counted before the PIN is checked, so no interleaving of requests can
        // check more PINs than the call's tries and the credential's lock allow.
        let reserved =
            self.store.reserve_pin_try(call_id, &gate, spec.max_failures, self.rules.pin_tries_per_call, now).await?;
        match reserved {
            PinTry::Allowed => {}
            PinTry::CallOver => return Ok(vec![Prompt::Say(s.unavailable()), Prompt::Hangup]),
            PinTry::Locked => {
                return self.end_call_locked(call_id, &login, s, now).await;
            }
        }
        let well_formed = digits.len() == spec.min_length && digits.bytes().all(|b| b.is_ascii_digit());
        let verification = if well_formed {
            self.hashing.verify(SecretString::from(digits.to_owned()), cred.hash.clone()).await?
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
                    self.store.record_call_status(call_id, "out-of-tries", true, now, None).await?;
                    return Ok(vec![Prompt::Say(s.out_of_tries()), Prompt::Hangup]);
                }
                Ok(self.pin_gather(s, Some(s.wrong_pin(left))))
            }
            Verification::Match { .. } => {
                let code = ResetCode::generate(self.rng.as_ref(), self.rules.code_digits);
                let mut salt = vec![0u8; 16];
                self.rng.fill(&mut salt);
                let mac = self.keys.code_mac(&salt, account.id, CodeChannel::Voice, code.expose());
                let url = format!("{}/reset/voice", self.public_url.trim_end_matches('/'));
                let (subject, body) = mail::voice_reset_page(
                    &account.profile,
                    &self.institution,
                    &url,
                    self.rules.code_ttl(CodeChannel::Voice).whole_seconds(),
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
                    sealed_code: self.keys.seal(self.rng.as_ref(), call_id, code.expose()),
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
                Ok(self.speak_code(s, code.expose()))
            }
        }
    }

    /// The gate credential is locked: say so, end the call, record it.
    async fn end_call_locked(
        &self,
        call_id: &str,
        login: &str,
        s: Script,
        now: OffsetDateTime,
    ) -> Result<Vec<Prompt>, RecoveryError> {
        let audit = AuditDraft::new("provider", "voice_pin", Some(login), "locked");
        self.store.record_call_status(call_id, "pin-locked", true, now, Some(audit)).await?;
        Ok(vec![Prompt::Say(s.locked()), Prompt::Hangup])
    }

    fn speak_code(&self, s: Script, code: &str) -> Vec<Prompt> {
        vec![
            Prompt::SayCode { before: s.code_before(), code: code.to_owned(), after: s.code_after() },
            Prompt::Gather {
                action: Step::Repeat,
                prompt: Box::new(Prompt::Say(s.offer_repeat())),
                digits: Some(1),
                timeout_secs: 5,
            },
            Prompt::Say(s.goodbye()),
            Prompt::Hangup,
        ]
    }

    /// The caller pressed a key after hearing the code.
    pub async fn repeat_requested(&self, call_id: &str, digits: &str) -> Result<Dialogue, RecoveryError> {
        let Some((call, account)) = self.live_call(call_id).await? else { return Ok(Dialogue::hang_up()) };
        let s = Script { lang: account.profile.language };
        let prompts = match (digits, call.state, call.sealed_code.as_deref().and_then(|b| self.keys.unseal(call_id, b)))
        {
            ("1", CallState::CodeIssued, Some(code)) => self.speak_code(s, code.expose_secret()),
            _ => vec![Prompt::Say(s.goodbye()), Prompt::Hangup],
        };
        Ok(Dialogue { lang: s.lang, prompts })
    }

    /// The provider reported a call status.
    pub async fn call_status(&self, call_id: &str, status: &str, now: OffsetDateTime) -> Result<(), RecoveryError> {
        let Some(call) = self.store.call(call_id).await? else {
            return Ok(());
        };
        let terminal = matches!(status, "completed" | "busy" | "failed" | "no-answer" | "canceled");
        let audit = matches!(status, "busy" | "failed" | "no-answer" | "canceled")
            .then(|| AuditDraft::new("provider", "voice_call", Some(&call.login_id), status));
        self.store.record_call_status(call_id, status, terminal, now, audit).await?;
        Ok(())
    }

    // ---------------------------------------------------------------- P3

    /// P3 step 1: a login ID and a code. Every failure is the same `InvalidCode`.
    pub async fn enter_code(
        &self,
        channel: CodeChannel,
        login_id: &str,
        code: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<OpenedSession, RecoveryError> {
        let action = match channel {
            CodeChannel::Voice => "code_entry_voice",
            CodeChannel::Postal => "code_entry_postal",
        };
        let login_id = LoginId::parse(login_id).ok();
        let code = ResetCode::parse(code, self.rules.code_digits);
        let found = match &login_id {
            Some(l) => self.store.code_entry(l, channel).await?,
            None => None,
        };
        let (Some(login_id), Some((account_id, account_failures, Some(stored))), Some(code)) = (&login_id, found, code)
        else {
            // Spend the same MAC work as a real check before answering.
            let _ = self.keys.code_mac(&[0u8; 16], 0, channel, "0000000000");
            let lid = login_id.as_ref().map(LoginId::as_str);
            self.store.append_audit(now, who.audit(action, lid, "no_active_code")).await?;
            return Err(RecoveryError::InvalidCode);
        };
        let login = login_id.as_str().to_owned();
        let matches = self.keys.code_matches(&stored.salt, account_id, channel, code.expose(), &stored.mac);
        if stored.state != CodeState::Active || now >= stored.expires_at {
            self.store.append_audit(now, who.audit(action, Some(&login), "expired")).await?;
            return Err(RecoveryError::InvalidCode);
        }
        if account_failures >= self.rules.account_max_code_failures {
            self.store.append_audit(now, who.audit(action, Some(&login), "account_code_limit")).await?;
            return Err(RecoveryError::InvalidCode);
        }
        if !matches {
            self.store
                .record_wrong_code(
                    stored.id,
                    account_id,
                    self.rules.code_max_failures,
                    now,
                    who.audit(action, Some(&login), "wrong_code"),
                )
                .await?;
            return Err(RecoveryError::InvalidCode);
        }
        let token = random_token(self.rng.as_ref(), "rs");
        let token_mac = self.keys.token_mac(token.expose_secret());
        let expires_at = (now + self.rules.reset_session_ttl()).min(stored.expires_at.max(now + Duration::minutes(1)));
        let opened = self
            .store
            .open_reset_session(
                OpenSession {
                    code_id: stored.id,
                    token_mac: token_mac.to_vec(),
                    max_failures: self.rules.code_max_failures,
                    account_max_failures: self.rules.account_max_code_failures,
                    expires_at,
                },
                now,
                who.audit(action, Some(&login), "session_opened"),
            )
            .await?;
        if !opened {
            return Err(RecoveryError::InvalidCode);
        }
        let account = self.store.account(login_id).await?.ok_or(RecoveryError::InvalidCode)?;
        Ok(OpenedSession { token, expires_at, credentials: self.resettable(&account) })
    }

    fn resettable(&self, account: &Account) -> Vec<ResettableCredential> {
        self.credentials
            .iter()
            .filter(|spec| spec.resettable_online && account.credential(&spec.name).is_some())
            .map(|spec| ResettableCredential {
                name: spec.name.clone(),
                kind: spec.kind.as_str(),
                label: self.label(spec, &account.profile),
                policy: CredentialPolicyView {
                    min_length: spec.min_length,
                    max_length: spec.max_length,
                    digits_only: spec.kind == crate::credential::CredentialKind::Pin,
                },
            })
            .collect()
    }

    /// P3 step 2: set new credentials within a reset session. Blank values keep the old one.
    pub async fn complete_reset(
        &self,
        token: &SecretString,
        requested: BTreeMap<String, SecretString>,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<Vec<String>, RecoveryError> {
        let mut session = None;
        for mac in self.keys.token_lookups(token.expose_secret()) {
            session = self.store.reset_session(&mac).await?;
            if session.is_some() {
                break;
            }
        }
        let Some(session) = session.filter(|s| s.open && now < s.expires_at) else {
            return Err(RecoveryError::InvalidSession);
        };
        let account = self.account_by_id_via_session(session.account_id).await?;
        let mut wanted = Vec::new();
        for (name, secret) in &requested {
            let spec = self.credentials.get(name).ok_or_else(|| RecoveryError::UnknownCredential(name.clone()))?;
            if !spec.resettable_online || account.credential(name).is_none() {
                return Err(RecoveryError::NotResettable(name.clone()));
            }
            if !secret.expose_secret().is_empty() {
                wanted.push((spec, secret));
            }
        }
        if wanted.is_empty() {
            return Err(RecoveryError::NothingToChange);
        }
        let holder =
            HolderContext { login_id: Some(account.profile.login_id.as_str()), birth_date: account.profile.birth_date };
        let mut violations = Vec::new();
        let mut normalized = Vec::new();
        for (spec, secret) in &wanted {
            match spec.check(secret, holder) {
                Ok(n) => normalized.push((*spec, n)),
                Err(v) => violations.push((spec.name.clone(), v)),
            }
        }
        if !violations.is_empty() {
            return Err(RecoveryError::Policy(violations));
        }
        let mut changes = Vec::new();
        for (spec, secret) in normalized {
            changes.push((spec.name.clone(), self.hashing.hash(secret).await?));
        }
        let names: Vec<String> = changes.iter().map(|(n, _)| n.clone()).collect();
        let messages = self.change_messages(&account, &names, "reset", now);
        let login = account.profile.login_id.as_str().to_owned();
        let audit =
            who.audit("reset_completed", Some(&login), "changed").detail(serde_json::json!({ "changed": names }));
        if !self.store.complete_reset(CompletedReset { session_id: session.id, changes, messages }, now, audit).await? {
            return Err(RecoveryError::InvalidSession);
        }
        Ok(names)
    }

    async fn account_by_id_via_session(&self, account_id: i64) -> Result<Account, RecoveryError> {
        // Sessions are keyed by account ID; the store looks accounts up by login ID, which a
        // session's code row carries through its account.
        let login = self.store.login_id_of(account_id).await?.ok_or(RecoveryError::InvalidSession)?;
        self.store.account(&login).await?.ok_or(RecoveryError::InvalidSession)
    }

    /// The notification e-mail and webhooks that follow any change of credentials.
    fn change_messages(
        &self,
        account: &Account,
        names: &[String],
        via: &str,
        now: OffsetDateTime,
    ) -> Vec<OutboxMessage> {
        let p = &account.profile;
        let labels: Vec<String> =
            names.iter().filter_map(|n| self.credentials.get(n)).map(|s| self.label(s, p)).collect();
        let when = rfc3339(now);
        let base = self.key(&["changed", p.login_id.as_str()]);
        let mut v = Vec::new();
        if let Some(email) = &p.email {
            let (subject, body) = mail::credentials_changed(p, &self.institution, &labels, &when);
            v.push(OutboxMessage {
                idempotency_key: format!("{base}-mail"),
                body: MessageBody::Email { to: email.as_str().to_owned(), subject, body },
            });
        }
        for (i, url) in self.webhooks.iter().enumerate() {
            let event = serde_json::json!({
                "type": "credentials.changed",
                "id": format!("{base}-{i}"),
                "login_id": p.login_id.as_str(),
                "credentials": names,
                "via": via,
                "occurred_at": when,
            });
            v.push(OutboxMessage {
                idempotency_key: format!("{base}-hook-{i}"),
                body: MessageBody::Webhook { url: url.clone(), event },
            });
        }
        v
    }

    // ---------------------------------------------------------------- P7

    async fn check_current(
        &self,
        login_id: &str,
        credential: &str,
        secret: &SecretString,
        who: &Requester,
        action: &str,
        now: OffsetDateTime,
    ) -> Result<(Account, Verified), RecoveryError> {
        let login_id = LoginId::parse(login_id).ok();
        let account = match &login_id {
            Some(l) => self.store.account(l).await?,
            None => None,
        };
        let spec = self.credentials.get(credential);
        let found = account.as_ref().zip(spec).and_then(|(a, s)| a.credential(credential).map(|c| (a, s, c.clone())));
        let Some((account, spec, cred)) = found else {
            let _ = self.hashing.verify(secret.clone(), self.dummy_hash.clone()).await;
            self.store.append_audit(now, who.audit(action, login_id.as_ref().map(LoginId::as_str), "unknown")).await?;
            return Err(RecoveryError::InvalidCredentials);
        };
        let login = account.profile.login_id.as_str().to_owned();
        // Count the attempt before checking it, so that parallel guesses can never check more
        // secrets than the lock allows. A locked credential costs the same hashing time as
        // any other answer.
        let attempt = self.store.reserve_credential_attempt(account.id, credential, spec.max_failures).await?;
        if attempt != Attempt::Reserved {
            let _ = self.hashing.verify(secret.clone(), self.dummy_hash.clone()).await;
            let (outcome, error) = match attempt {
                Attempt::Busy => ("busy", RecoveryError::AttemptsInProgress),
                _ => ("locked", RecoveryError::Locked),
            };
            self.store
                .append_audit(
                    now,
                    who.audit(action, Some(&login), outcome).detail(serde_json::json!({"credential": credential})),
                )
                .await?;
            return Err(error);
        }
        let candidate = match spec.kind {
            crate::credential::CredentialKind::Password => normalize_password(secret.expose_secret()),
            crate::credential::CredentialKind::Pin => secret.clone(),
        };
        // A hash past its expiry (a used temporary password nobody changed) no longer works,
        // but costs the same time to try.
        let main_usable = cred.hash_expires_at.is_none_or(|t| now < t);
        let stored = if main_usable { cred.hash.clone() } else { self.dummy_hash.clone() };
        let mut verification = self.hashing.verify(candidate.clone(), stored).await?;
        if !main_usable {
            verification = Verification::Mismatch;
        }
        let temporary = cred.temporary.as_ref().filter(|(_, expires)| now < *expires);
        if verification == Verification::Mismatch
            && let Some((temp_hash, _)) = temporary
            && self.hashing.verify(candidate.clone(), temp_hash.clone()).await? != Verification::Mismatch
        {
            // First use of a temporary password: from now on it is the password, the old
            // one stops working, and it must be changed before it expires.
            let detail = serde_json::json!({"credential": credential, "temporary": true});
            let audit = who.audit(action, Some(&login), "ok").detail(detail);
            if !self.store.promote_temporary(account.id, credential, now, audit).await? {
                return Err(RecoveryError::Locked);
            }
            return Ok((account.clone(), Verified { must_change: true }));
        }
        match verification {
            Verification::Mismatch => {
                let detail = serde_json::json!({"credential": credential});
                let f = self
                    .store
                    .record_credential_failure(
                        account.id,
                        credential,
                        spec.max_failures,
                        now,
                        who.audit(action, Some(&login), "wrong").detail(detail),
                    )
                    .await?;
                Err(if f.locked { RecoveryError::Locked } else { RecoveryError::InvalidCredentials })
            }
            Verification::Match { needs_rehash } => {
                let rehash = if needs_rehash { Some(self.hashing.hash(candidate).await?) } else { None };
                let detail = serde_json::json!({"credential": credential, "rehashed": rehash.is_some()});
                let recorded = self
                    .store
                    .record_credential_success(
                        account.id,
                        credential,
                        rehash,
                        now,
                        who.audit(action, Some(&login), "ok").detail(detail),
                    )
                    .await?;
                if !recorded {
                    return Err(RecoveryError::Locked);
                }
                let must_change = cred.must_change;
                Ok((account.clone(), Verified { must_change }))
            }
        }
    }

    /// P7: is this the right secret?
    pub async fn verify(
        &self,
        login_id: &str,
        credential: &str,
        secret: &SecretString,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<Verified, RecoveryError> {
        self.check_current(login_id, credential, secret, who, "credential_verify", now).await.map(|(_, v)| v)
    }

    /// P7: change a credential given the current one.
    pub async fn change(
        &self,
        login_id: &str,
        credential: &str,
        current: &SecretString,
        new: &SecretString,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<Vec<String>, RecoveryError> {
        // Which credentials may be changed online is configuration, not account data, so
        // saying so reveals nothing about accounts. A cash-card PIN is changed at the bank.
        let spec =
            self.credentials.get(credential).ok_or_else(|| RecoveryError::UnknownCredential(credential.into()))?;
        if !spec.resettable_online {
            return Err(RecoveryError::NotResettable(credential.into()));
        }
        // On this public path a locked credential answers like a wrong secret, so that the
        // answer never tells whether an account exists or holds the credential.
        let (account, _) = self
            .check_current(login_id, credential, current, who, "credential_change", now)
            .await
            .map_err(|e| match e {
                RecoveryError::Locked | RecoveryError::AttemptsInProgress => RecoveryError::InvalidCredentials,
                other => other,
            })?;
        let holder =
            HolderContext { login_id: Some(account.profile.login_id.as_str()), birth_date: account.profile.birth_date };
        let normalized =
            spec.check(new, holder).map_err(|v| RecoveryError::Policy(vec![(credential.to_owned(), v)]))?;
        let hash = self.hashing.hash(normalized).await?;
        let names = vec![credential.to_owned()];
        let messages = self.change_messages(&account, &names, "change", now);
        let login = account.profile.login_id.as_str().to_owned();
        let changed = self
            .store
            .change_credential(
                account.id,
                credential,
                hash,
                messages,
                now,
                who.audit("credential_changed", Some(&login), "changed")
                    .detail(serde_json::json!({"credential": credential})),
            )
            .await?;
        if !changed {
            return Err(RecoveryError::InvalidCredentials);
        }
        Ok(names)
    }

    // ---------------------------------------------------------------- P5 and P6

    fn identity_matches(&self, account: &Account, who: &Identity) -> bool {
        let p = &account.profile;
        who.name.matches(&p.name)
            && p.phone.as_ref() == Some(&who.phone)
            && p.email.as_ref().is_some_and(|e| e.matches(&who.email))
    }

    fn identity_fingerprint(&self, login_id: Option<&LoginId>, who: &Identity) -> serde_json::Value {
        let login = login_id.map(LoginId::as_str).unwrap_or("");
        let email = who.email.as_str().to_lowercase();
        serde_json::json!({ "fingerprint": self.keys.fingerprint(&[login, &format!("{:?}", who.name), who.phone.as_str(), &email]) })
    }

    /// P5: when login ID, name, phone and e-mail all match, e-mail a temporary password to the
    /// registered address. The caller hears the same whatever happened.
    pub async fn initialize_password(
        &self,
        login_id: &LoginId,
        who: &Identity,
        requester: &Requester,
        now: OffsetDateTime,
    ) -> Result<(), RecoveryError> {
        let action = "password_initialization";
        let account = self.store.account(login_id).await?.filter(|a| self.identity_matches(a, who));
        let credential = self.rules.initialization_credential.clone();
        let Some(account) = account.filter(|a| a.credential(&credential).is_some()) else {
            let detail = self.identity_fingerprint(Some(login_id), who);
            self.store.append_audit(now, requester.audit(action, None, "not_matched").detail(detail)).await?;
            return Ok(());
        };
        let login = account.profile.login_id.as_str().to_owned();
        if account.profile.status != crate::account::AccountStatus::Active {
            self.store.append_audit(now, requester.audit(action, Some(&login), "ineligible_status")).await?;
            return Ok(());
        }
        let (Some(email), Some(spec)) = (&account.profile.email, self.credentials.get(&credential)) else {
            self.store.append_audit(now, requester.audit(action, Some(&login), "ineligible_no_email")).await?;
            return Ok(());
        };
        let length = self.rules.temporary_password_length.max(spec.min_length).min(spec.max_length);
        let password = random_password(self.rng.as_ref(), length);
        let temp_hash = self.hashing.hash(normalize_password(password.expose_secret())).await?;
        let ttl = self.rules.temporary_password_ttl_secs;
        let (subject, body) =
            mail::temporary_password(&account.profile, &self.institution, password.expose_secret(), ttl);
        // The message holds the password, so it waits in the outbox sealed.
        let idempotency_key = self.key(&["init", &login]);
        let sealed = self.keys.seal_outbox(self.rng.as_ref(), &idempotency_key, &body);
        let message = OutboxMessage {
            body: MessageBody::SealedEmail { to: email.as_str().to_owned(), subject, sealed_body: hex::encode(sealed) },
            idempotency_key,
        };
        let init = Initialization {
            account_id: account.id,
            credential,
            temp_hash,
            expires_at: now + Duration::seconds(ttl),
            window_start: now - Duration::days(1),
            max_per_window: self.rules.initializations_per_day,
            message,
        };
        self.store.record_initialization(init, now, requester.audit(action, Some(&login), "matched")).await?;
        Ok(())
    }

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
        let Some(first) = matched.first() else {
            let detail = self.identity_fingerprint(None, who);
            self.store.append_audit(now, requester.audit(action, None, "not_matched").detail(detail)).await?;
            return Ok(());
        };
        let profile = first.profile.clone();
        let institution = self.institution.clone();
        let key = self.key(&["reminder"]);
        let to = profile.email.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_default();
        let build: crate::store::ReminderBuilder = Box::new(move |logins: &[String]| {
            if logins.is_empty() {
                return None;
            }
            let (subject, body) = mail::login_id_reminder(&profile, &institution, logins);
            Some(OutboxMessage { idempotency_key: key, body: MessageBody::Email { to, subject, body } })
        });
        let accounts: Vec<(i64, String)> = matched.iter().map(|a| (a.id, a.profile.login_id.to_string())).collect();
        // One audit event per request; per-account attribution goes by the first match.
        let audit = requester
            .audit(action, Some(first.profile.login_id.as_str()), "matched")
            .detail(serde_json::json!({ "matched": accounts.len() }));
        self.store
            .record_reminder(accounts, now - Duration::days(1), self.rules.reminders_per_day, build, now, audit)
            .await?;
        Ok(())
    }

    // ---------------------------------------------------------------- tokens

    /// Creates a bearer token and returns it; only its MAC is stored.
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<SecretString, RecoveryError> {
        let token = random_token(self.rng.as_ref(), "rt");
        let mac = self.keys.token_mac(token.expose_secret());
        self.store
            .create_token(
                name,
                role,
                &mac,
                now,
                AuditDraft::new("cli", "token_created", None, role.as_str()).detail(serde_json::json!({"name": name})),
            )
            .await?;
        Ok(token)
    }

    /// The name and role of a presented bearer token.
    pub async fn token_role(&self, token: &str) -> Result<Option<(String, Role)>, RecoveryError> {
        for mac in self.keys.token_lookups(token) {
            if let Some(found) = self.store.token_role(&mac).await? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
}
