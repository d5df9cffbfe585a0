//! P7: verification of a credential at sign-in, and change with the current secret.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::{HashPriority, Recovery, RecoveryError, Requester, Verified};
use crate::account::{AccountStatus, LoginId};
use crate::credential::{HolderContext, normalize_password};
use crate::hashing::{HashError, Verification};
use crate::model::Account;
use crate::ports::Attempt;
use crate::vault::CredentialRef;

impl Recovery {
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
            let _ = self.hashing.verify(secret.clone(), self.dummy_hash.clone(), HashPriority::Integrator).await;
            self.store.append_audit(now, who.audit(action, login_id.as_ref().map(LoginId::as_str), "unknown")).await?;
            return Err(RecoveryError::InvalidCredentials);
        };
        let login = account.profile.login_id.as_str().to_owned();
        if account.profile.status != AccountStatus::Active {
            // Integrators only reach here: they may know, and no attempt is spent.
            self.store.append_audit(now, who.audit(action, Some(&login), "suspended")).await?;
            return Err(RecoveryError::AccountSuspended);
        }
        // Count the attempt before checking it, so that parallel guesses can never check more
        // secrets than the lock allows. A locked credential costs the same hashing time as
        // any other answer.
        let detail = serde_json::json!({"credential": credential});
        let reserved = who.audit(action, Some(&login), "reserved").detail(detail.clone());
        let stale_before = now - crate::lifecycle::ATTEMPT_LEASE;
        let attempt = self
            .store
            .reserve_credential_attempt(account.id, credential, spec.max_failures, now, stale_before, reserved)
            .await?;
        if attempt != Attempt::Reserved {
            let _ = self.hashing.verify(secret.clone(), self.dummy_hash.clone(), HashPriority::Integrator).await;
            let (outcome, error) = match attempt {
                Attempt::Busy => ("busy", RecoveryError::AttemptsInProgress),
                _ => ("locked", RecoveryError::Locked),
            };
            self.store.append_audit(now, who.audit(action, Some(&login), outcome).detail(detail)).await?;
            return Err(error);
        }
        // From here the attempt is settled whatever happens: checked, given back when the
        // hashing pool refused it unchecked, or counted as the failure it was counted as.
        match self.check_reserved(account, spec, &cred, secret, who, action, now).await {
            Ok(v) => Ok((account.clone(), v)),
            Err(RecoveryError::Hash(HashError::Busy)) => {
                let audit = who.audit(action, Some(&login), "released_unchecked").detail(detail);
                self.store.release_credential_attempt(account.id, credential, now, audit).await?;
                Err(RecoveryError::Hash(HashError::Busy))
            }
            Err(e @ (RecoveryError::Hash(_) | RecoveryError::Store(_))) => {
                let audit = who.audit(action, Some(&login), "unsettled_error").detail(detail);
                // If even this fails, the attempt lease settles it later.
                let _ =
                    self.store.record_credential_failure(account.id, credential, spec.max_failures, now, audit).await;
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Checks a secret whose attempt is counted, and records the outcome.
    #[allow(clippy::too_many_arguments)]
    async fn check_reserved(
        &self,
        account: &Account,
        spec: &crate::credential::CredentialSpec,
        cred: &crate::model::CredentialState,
        secret: &SecretString,
        who: &Requester,
        action: &str,
        now: OffsetDateTime,
    ) -> Result<Verified, RecoveryError> {
        let credential = spec.name.as_str();
        let login = account.profile.login_id.as_str().to_owned();
        let candidate = match spec.kind {
            crate::credential::CredentialKind::Password => normalize_password(secret.expose_secret()),
            crate::credential::CredentialKind::Pin => secret.clone(),
        };
        // A hash past its expiry (a used temporary password nobody changed) no longer works,
        // but costs the same time to try.
        let main_usable = cred.hash_expires_at.is_none_or(|t| now < t);
        let stored = if main_usable { cred.hash.clone() } else { self.dummy_hash.clone() };
        let mut verification = if main_usable {
            let c = CredentialRef { login_id: &login, credential, stored: &stored };
            self.vault.check(c, candidate.clone(), HashPriority::Integrator).await?
        } else {
            self.hashing.verify(candidate.clone(), stored, HashPriority::Integrator).await?
        };
        if !main_usable {
            verification = Verification::Mismatch;
        }
        let temporary = cred.temporary.as_ref().filter(|(_, expires)| now < *expires);
        if verification == Verification::Mismatch
            && let Some((temp_hash, _)) = temporary
            && self.temporary_matches(&candidate, temp_hash).await?
        {
            // First use of a temporary password: from now on it is the password, the old
            // one stops working, and it must be changed before it expires.
            let detail = serde_json::json!({"credential": credential, "temporary": true});
            let audit = who.audit(action, Some(&login), "ok").detail(detail);
            let names = vec![credential.to_owned()];
            let messages = self.change_messages(account, &names, "temporary_password", now);
            if !self.store.promote_temporary(account.id, credential, messages, now, audit).await? {
                return Err(RecoveryError::Locked);
            }
            return Ok(Verified { must_change: true });
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
                // The guess was checked and right: a renewal the pool refuses waits for the
                // next sign-in rather than turning a right answer into "busy".
                let rehash = if needs_rehash {
                    match self.vault.write(&login, credential, candidate, HashPriority::Integrator).await {
                        Ok(h) => Some(h),
                        Err(HashError::Busy) => None,
                        Err(e) => return Err(e.into()),
                    }
                } else {
                    None
                };
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
                Ok(Verified { must_change: cred.must_change })
            }
        }
    }

    /// Whether a guess that did not match the password matches its unused temporary one. The
    /// guess was already checked once, so a check the pool refuses counts as no match (the
    /// attempt is settled as a failure), never as an attempt given back.
    async fn temporary_matches(&self, candidate: &SecretString, temp_hash: &str) -> Result<bool, RecoveryError> {
        match self.hashing.verify(candidate.clone(), temp_hash.to_owned(), HashPriority::Integrator).await {
            Ok(v) => Ok(v != Verification::Mismatch),
            Err(HashError::Busy) => Ok(false),
            Err(e) => Err(e.into()),
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

    /// P7: change a credential given the current one. The institution's signed-in
    /// application calls this on the customer's behalf. The new secret is checked against its
    /// policy first, so that a policy failure costs no attempt and says nothing about whether
    /// the current secret was right.
    pub async fn change(
        &self,
        login_id: &str,
        credential: &str,
        current: &SecretString,
        new: &SecretString,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<Vec<String>, RecoveryError> {
        // Which credentials may be changed online is configuration, not account data. A
        // cash-card PIN is changed at the bank.
        let spec =
            self.credentials.get(credential).ok_or_else(|| RecoveryError::UnknownCredential(credential.into()))?;
        if !spec.resettable_online {
            return Err(RecoveryError::NotResettable(credential.into()));
        }
        // What the policy says of the new secret alone is checked first: a failure costs no
        // attempt and tells nothing about the current secret. What it says with the holder's
        // details (not the birth date, not the login ID) is checked only once the current
        // secret was right, so the answer is never an oracle for those details.
        let typed_login = LoginId::parse(login_id).ok();
        let alone = HolderContext { login_id: typed_login.as_ref().map(LoginId::as_str), birth_date: None };
        spec.check(new, alone).map_err(|v| RecoveryError::Policy(vec![(credential.to_owned(), v)]))?;
        let (account, _) = self.check_current(login_id, credential, current, who, "credential_change", now).await?;
        let holder =
            HolderContext { login_id: Some(account.profile.login_id.as_str()), birth_date: account.profile.birth_date };
        let normalized =
            spec.check(new, holder).map_err(|v| RecoveryError::Policy(vec![(credential.to_owned(), v)]))?;
        let hash = self
            .vault
            .write(account.profile.login_id.as_str(), credential, normalized, HashPriority::Integrator)
            .await?;
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
            return Err(RecoveryError::Locked);
        }
        Ok(names)
    }
}
