//! P3: code entry, which opens a short reset session, and reset completion.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::{
    CredentialPolicyView, HashPriority, OpenedSession, Recovery, RecoveryError, Requester, ResettableCredential,
    SessionView,
};
use crate::account::{AccountStatus, LoginId};
use crate::credential::HolderContext;
use crate::lifecycle::code;
use crate::lifecycle::reset_session::{self, SessionState};
use crate::model::Account;
use crate::ports::{CompletedReset, OpenSession};
use crate::rules::CodeChannel;
use crate::secret::{ResetCode, random_token};

impl Recovery {
    /// P3 step 1: a login ID and a code. Every failure is the same `InvalidCode`.
    pub async fn enter_code(
        &self,
        channel: CodeChannel,
        login_id: &str,
        code: &SecretString,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<OpenedSession, RecoveryError> {
        let action = match channel {
            CodeChannel::Voice => "code_entry_voice",
            CodeChannel::Postal => "code_entry_postal",
        };
        let login_id = LoginId::parse(login_id).ok();
        let code = ResetCode::parse(code.expose_secret(), self.rules.code_digits);
        let found = match &login_id {
            Some(l) => self.store.code_entry(l, channel).await?,
            None => None,
        };
        let known_account = found.as_ref().map_or(crate::ids::AccountId::NONE, |(id, _, _)| *id);
        let (Some(login_id), Some((account_id, account_failures, Some(stored))), Some(code)) = (&login_id, found, code)
        else {
            // Spend the same MAC work and the same writes as a real check before answering:
            // the store runs the wrong-code transaction, which here matches no code.
            let _ = self.keys.code_mac(&[0u8; 16], crate::ids::AccountId::NONE, channel, "0000000000");
            let lid = login_id.as_ref().map(LoginId::as_str);
            let max = self.rules.code_max_failures;
            let audit = who.audit(action, lid, "no_active_code");
            self.store.record_wrong_code(crate::ids::CodeId::NONE, known_account, max, now, audit).await?;
            return Err(RecoveryError::InvalidCode);
        };
        let login = login_id.as_str().to_owned();
        let matches = self.keys.code_matches(&stored.salt, account_id, channel, code.expose(), &stored.mac);
        let max = self.rules.code_max_failures;
        if !code::usable(stored.state, stored.expires_at, now) {
            self.store
                .record_wrong_code(
                    crate::ids::CodeId::NONE,
                    account_id,
                    max,
                    now,
                    who.audit(action, Some(&login), "expired"),
                )
                .await?;
            return Err(RecoveryError::InvalidCode);
        }
        if account_failures >= self.rules.account_max_code_failures {
            let audit = who.audit(action, Some(&login), "account_code_limit");
            self.store.record_wrong_code(crate::ids::CodeId::NONE, account_id, max, now, audit).await?;
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
        // A right code of a suspended account opens nothing (suspending voids its codes too).
        let account = self.store.account(login_id).await?.ok_or(RecoveryError::InvalidCode)?;
        if account.profile.status != AccountStatus::Active {
            self.store.append_audit(now, who.audit(action, Some(&login), "suspended")).await?;
            return Err(RecoveryError::InvalidCode);
        }
        let token = random_token(self.rng.as_ref(), "rs");
        let token_mac = self.keys.token_mac(token.expose_secret());
        let expires_at = reset_session::expires_at(now, self.rules.reset_session_ttl(), stored.expires_at);
        let opened = self
            .store
            .open_reset_session(
                OpenSession {
                    code_id: stored.id,
                    token_mac,
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
        let Some((session, account)) = self.open_session(token, now).await? else {
            return Err(RecoveryError::InvalidSession);
        };
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
            let stored =
                self.vault.write(account.profile.login_id.as_str(), &spec.name, secret, HashPriority::Public).await?;
            changes.push((spec.name.clone(), stored));
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

    /// An open reset session as its page shows it: until when it lasts and what may be set
    /// in it. `None` when the token opens no session (ended, expired, or never issued).
    pub async fn reset_session_view(
        &self,
        token: &SecretString,
        now: OffsetDateTime,
    ) -> Result<Option<SessionView>, RecoveryError> {
        Ok(self.open_session(token, now).await?.map(|(session, account)| SessionView {
            login_id: account.profile.login_id.as_str().to_owned(),
            expires_at: session.expires_at,
            credentials: self.resettable(&account),
        }))
    }

    /// The open session a token names, with its account, if the account is active.
    async fn open_session(
        &self,
        token: &SecretString,
        now: OffsetDateTime,
    ) -> Result<Option<(crate::model::ResetSession, Account)>, RecoveryError> {
        // A session opened before the token key was rotated is found under its old key.
        let mut session = None;
        for mac in self.keys.token_lookups(token.expose_secret()) {
            session = self.store.reset_session(&mac).await?;
            if session.is_some() {
                break;
            }
        }
        let Some(session) = session.filter(|s| SessionState::of(s.open, s.expires_at, now) == SessionState::Open)
        else {
            return Ok(None);
        };
        let account = match self.account_by_id_via_session(session.account_id).await {
            Ok(a) => a,
            Err(RecoveryError::InvalidSession) => return Ok(None),
            Err(e) => return Err(e),
        };
        if account.profile.status != AccountStatus::Active {
            return Ok(None);
        }
        Ok(Some((session, account)))
    }

    async fn account_by_id_via_session(&self, account_id: crate::ids::AccountId) -> Result<Account, RecoveryError> {
        // Sessions are keyed by account ID; the store looks accounts up by login ID, which a
        // session's code row carries through its account.
        let login = self.store.login_id_of(account_id).await?.ok_or(RecoveryError::InvalidSession)?;
        self.store.account(&login).await?.ok_or(RecoveryError::InvalidSession)
    }
}
