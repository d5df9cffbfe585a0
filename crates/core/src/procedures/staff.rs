//! Staff members: enrolment, sign-in with a password and a TOTP code, sessions, and the fresh
//! code a sensitive action asks for. Every one is audited with the staff member (`staff:LOGIN`)
//! or the command line (`cli`) as the actor.
//!
//! A sign-in counts its attempt before anything is checked, checks the password and then the
//! code (both, whatever the first gave), and answers one `Refused` for any wrong factor, an
//! unknown login or a disabled member; an unknown login costs the same Argon2 work. A right
//! code is accepted only for a time step later than the member's last accepted one, in the same
//! conditional write that opens the session, so a code works once on any instance.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::{HashPriority, Recovery};
use crate::audit::{Actor, AuditDraft};
use crate::credential::{HolderContext, normalize_password};
use crate::hashing::{HashError, Verification};
use crate::ids::StaffId;
use crate::ports::{Attempt, NewStaff, NotAccepted, StaffRecord, StaffSignInWrite};
use crate::secret::{random_grouped_password, random_token};
use crate::staff::totp::TotpSecret;
use crate::staff::{
    Enrolment, INITIAL_PASSWORD_GROUPS, StaffAuthError, StaffError, StaffLogin, StaffMember, StaffRole, StaffRules,
    StaffSession, StaffSignIn, StaffStatus,
};

/// The prefix of a staff session token (`st_` and 32 random bytes, base64url).
const TOKEN_PREFIX: &str = "st";

/// A display name: trimmed, 1 to 100 characters, no control characters.
fn display_name(name: &str) -> Result<String, StaffError> {
    let name = crate::text::nfkc(name.trim());
    let n = name.chars().count();
    if (1..=100).contains(&n) && !name.chars().any(char::is_control) { Ok(name) } else { Err(StaffError::InvalidName) }
}

/// Whether `token` could be a staff session token at all; anything else costs no lookup.
fn token_shape(token: &str) -> bool {
    token.strip_prefix("st_").is_some_and(|rest| {
        rest.len() == 43 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

impl Recovery {
    /// The figures of staff sign-in.
    pub fn staff_rules(&self) -> &StaffRules {
        &self.staff
    }

    /// Enrols a staff member with a generated initial password (which must be changed at the
    /// first sign-in) and a fresh TOTP secret, and hands both over once. An existing login is
    /// refused by name.
    pub async fn enrol_staff(
        &self,
        login: &str,
        role: StaffRole,
        display_name: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Enrolment, StaffError> {
        let login = StaffLogin::parse(login)?;
        let name = self::display_name(display_name)?;
        if self.store.staff_by_login(&login).await?.is_some() {
            return Err(StaffError::LoginTaken(login));
        }
        let (groups, size) = INITIAL_PASSWORD_GROUPS;
        let password = random_grouped_password(self.rng.as_ref(), groups, size);
        let secret = TotpSecret::generate(self.rng.as_ref());
        self.write_enrolment(login, role, name, password, secret, true, actor, now).await
    }

    /// The demo's staff: a member with a fixed password (checked against the policy, not to be
    /// changed) and a fixed TOTP secret, so the demo's start banner can print them. Only
    /// `serve --demo` calls this.
    pub async fn enrol_demo_staff(
        &self,
        login: &str,
        role: StaffRole,
        display_name: &str,
        password: SecretString,
        secret: TotpSecret,
        now: OffsetDateTime,
    ) -> Result<Enrolment, StaffError> {
        let login = StaffLogin::parse(login)?;
        let name = self::display_name(display_name)?;
        let holder = HolderContext { login_id: Some(login.as_str()), birth_date: None };
        self.staff.password_spec().check(&password, holder).map_err(StaffError::Policy)?;
        if self.store.staff_by_login(&login).await?.is_some() {
            return Err(StaffError::LoginTaken(login));
        }
        self.write_enrolment(login, role, name, password, secret, false, &Actor::Cli, now).await
    }

    /// The `otpauth://` URI of a TOTP secret for `login`, under the institution's name.
    pub fn staff_otpauth_uri(&self, secret: &TotpSecret, login: &StaffLogin) -> SecretString {
        secret.otpauth_uri(&self.institution.name, login)
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_enrolment(
        &self,
        login: StaffLogin,
        role: StaffRole,
        display_name: String,
        password: SecretString,
        secret: TotpSecret,
        must_change_password: bool,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Enrolment, StaffError> {
        let mut random = [0u8; 12];
        self.rng.fill(&mut random);
        let id = StaffId::new(random);
        let password_hash =
            self.hashing.hash(normalize_password(password.expose_secret()), HashPriority::Integrator).await?;
        let sealed_totp = self.keys.seal_staff_totp(self.rng.as_ref(), id.as_str(), secret.to_hex().expose_secret());
        let audit = AuditDraft::new(actor.clone(), "staff_enrolled", None, "enrolled")
            .detail(serde_json::json!({"staff": login.as_str(), "role": role}));
        let new =
            NewStaff { id, login: login.clone(), role, display_name, password_hash, sealed_totp, must_change_password };
        if !self.store.enrol_staff(new, now, audit).await? {
            return Err(StaffError::LoginTaken(login));
        }
        let otpauth_uri = self.staff_otpauth_uri(&secret, &login);
        Ok(Enrolment { login, initial_password: password, otpauth_uri })
    }

    async fn staff_named(&self, login: &str) -> Result<StaffRecord, StaffError> {
        let parsed = StaffLogin::parse(login)?;
        self.store.staff_by_login(&parsed).await?.ok_or_else(|| StaffError::UnknownStaff(parsed.to_string()))
    }

    /// Every staff member, by login.
    pub async fn list_staff(&self) -> Result<Vec<StaffMember>, StaffError> {
        Ok(self.store.list_staff().await?.iter().map(StaffRecord::member).collect())
    }

    /// A staff member by ID, without hash or secret.
    pub async fn staff_member(&self, id: &StaffId) -> Result<Option<StaffMember>, StaffError> {
        Ok(self.store.staff_by_id(id).await?.as_ref().map(StaffRecord::member))
    }

    /// Disables a member: no more sign-ins, and every session of theirs ends.
    pub async fn disable_staff(&self, login: &str, actor: &Actor, now: OffsetDateTime) -> Result<(), StaffError> {
        let record = self.staff_named(login).await?;
        let audit = AuditDraft::new(actor.clone(), "staff_disabled", None, "disabled")
            .detail(serde_json::json!({"staff": record.login.as_str()}));
        if !self.store.disable_staff(&record.id, now, audit).await? {
            return Err(StaffError::UnknownStaff(record.login.to_string()));
        }
        Ok(())
    }

    /// Resets a member: a new initial password and a new TOTP secret, handed over once; the
    /// password must be changed at the next sign-in, the lock is lifted and every session ends.
    pub async fn reset_staff(&self, login: &str, actor: &Actor, now: OffsetDateTime) -> Result<Enrolment, StaffError> {
        let record = self.staff_named(login).await?;
        let (groups, size) = INITIAL_PASSWORD_GROUPS;
        let password = random_grouped_password(self.rng.as_ref(), groups, size);
        let secret = TotpSecret::generate(self.rng.as_ref());
        let hash = self.hashing.hash(normalize_password(password.expose_secret()), HashPriority::Integrator).await?;
        let sealed = self.keys.seal_staff_totp(self.rng.as_ref(), record.id.as_str(), secret.to_hex().expose_secret());
        let audit = AuditDraft::new(actor.clone(), "staff_reset", None, "reset")
            .detail(serde_json::json!({"staff": record.login.as_str()}));
        if !self.store.reset_staff(&record.id, hash, sealed, now, audit).await? {
            return Err(StaffError::UnknownStaff(record.login.to_string()));
        }
        let otpauth_uri = self.staff_otpauth_uri(&secret, &record.login);
        Ok(Enrolment { login: record.login, initial_password: password, otpauth_uri })
    }

    /// Spends the Argon2 work of a real check on a secret that is not checked (an unknown
    /// login, a disabled or locked member), so the answer takes as long.
    async fn spend_a_check(&self, secret: &SecretString) {
        let _ = self.hashing.verify(secret.clone(), self.dummy_hash.clone(), HashPriority::Integrator).await;
    }

    fn staff_secret(&self, record: &StaffRecord) -> Option<TotpSecret> {
        let hex = self.keys.unseal_staff_totp(record.id.as_str(), &record.sealed_totp)?;
        TotpSecret::from_hex(hex.expose_secret())
    }

    /// Counts an attempt for `record` before anything is checked. When none may be counted,
    /// spends the same hashing work, audits why and answers `Locked` or `Busy`.
    async fn reserve_staff(
        &self,
        record: &StaffRecord,
        spend: Option<&SecretString>,
        audit: &(dyn Fn(&str) -> AuditDraft + Sync),
        now: OffsetDateTime,
    ) -> Result<(), StaffAuthError> {
        let stale_before = now - crate::lifecycle::ATTEMPT_LEASE;
        let max = self.staff.max_failures;
        let attempt = self.store.reserve_staff_attempt(&record.id, max, now, stale_before, audit("reserved")).await?;
        if attempt == Attempt::Reserved {
            return Ok(());
        }
        if let Some(secret) = spend {
            self.spend_a_check(secret).await;
        }
        let (outcome, error) = match attempt {
            Attempt::Busy => ("busy", StaffAuthError::Busy),
            _ => ("locked", StaffAuthError::Locked),
        };
        self.store.append_audit(now, audit(outcome)).await?;
        Err(error)
    }

    /// A counted attempt was wrong: counts the failure (locking at the limit).
    async fn staff_failed(
        &self,
        record: &StaffRecord,
        audit: AuditDraft,
        now: OffsetDateTime,
    ) -> Result<StaffAuthError, StaffAuthError> {
        let f = self.store.record_staff_failure(&record.id, self.staff.max_failures, now, audit).await?;
        Ok(if f.locked { StaffAuthError::Locked } else { StaffAuthError::Refused })
    }

    /// What a right code that was not accepted after all answers, audited.
    async fn not_accepted(
        &self,
        record: &StaffRecord,
        why: NotAccepted,
        audit: &(dyn Fn(&str) -> AuditDraft + Sync),
        now: OffsetDateTime,
    ) -> Result<StaffAuthError, StaffAuthError> {
        match why {
            NotAccepted::CodeUsed => {
                let detail = serde_json::json!({"staff": record.login.as_str(), "password": true, "code": "used"});
                self.staff_failed(record, audit("wrong").detail(detail), now).await
            }
            NotAccepted::Locked => {
                self.store.append_audit(now, audit("locked")).await?;
                Ok(StaffAuthError::Locked)
            }
            NotAccepted::Disabled => {
                self.store.append_audit(now, audit("disabled")).await?;
                Ok(StaffAuthError::Refused)
            }
        }
    }

    /// Signs a staff member in with their password and the code their authenticator shows.
    /// Success opens a session whose token is returned this once; a member whose password must
    /// still be changed gets a session that may do nothing but `staff_set_new_password`.
    pub async fn staff_sign_in(
        &self,
        login: &str,
        password: &SecretString,
        totp: &SecretString,
        client_ip: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<StaffSignIn, StaffAuthError> {
        let typed = StaffLogin::parse(login).ok();
        let record = match &typed {
            Some(l) => self.store.staff_by_login(l).await?,
            None => None,
        };
        let Some(record) = record else {
            self.spend_a_check(password).await;
            let detail =
                serde_json::json!({"staff": typed.as_ref().map(StaffLogin::as_str), "reason": "unknown_login"});
            let audit = AuditDraft::new(Actor::Public, "staff_sign_in", None, "wrong").ip(client_ip).detail(detail);
            self.store.append_audit(now, audit).await?;
            return Err(StaffAuthError::Refused);
        };
        let actor = Actor::Staff(record.login.to_string());
        let audit = |outcome: &str| AuditDraft::new(actor.clone(), "staff_sign_in", None, outcome).ip(client_ip);
        if record.status != StaffStatus::Active {
            self.spend_a_check(password).await;
            self.store.append_audit(now, audit("disabled")).await?;
            return Err(StaffAuthError::Refused);
        }
        self.reserve_staff(&record, Some(password), &audit, now).await?;
        // From here the attempt is settled whatever happens: checked, given back when the
        // hashing pool refused it unchecked, or counted as a failure.
        match self.check_sign_in(&record, password, totp, &audit, now).await {
            Ok(signed_in) => Ok(signed_in),
            Err(StaffAuthError::Hash(HashError::Busy)) => {
                self.store.release_staff_attempt(&record.id, now, audit("released_unchecked")).await?;
                Err(StaffAuthError::Busy)
            }
            Err(e @ (StaffAuthError::Hash(_) | StaffAuthError::Store(_))) => {
                // If even this fails, the attempt lease settles it later.
                let max = self.staff.max_failures;
                let _ = self.store.record_staff_failure(&record.id, max, now, audit("unsettled_error")).await;
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    async fn check_sign_in(
        &self,
        record: &StaffRecord,
        password: &SecretString,
        totp: &SecretString,
        audit: &(dyn Fn(&str) -> AuditDraft + Sync),
        now: OffsetDateTime,
    ) -> Result<StaffSignIn, StaffAuthError> {
        let candidate = normalize_password(password.expose_secret());
        let verified = self
            .hashing
            .verify(candidate.clone(), record.password_hash.clone(), HashPriority::Integrator)
            .await
            .map_err(StaffAuthError::Hash)?;
        // The code is checked whatever the password gave, so both answers take as long.
        let step = self.staff_secret(record).and_then(|s| s.matching_step(totp.expose_secret(), now, record.totp_step));
        let (Verification::Match { needs_rehash }, Some(step)) = (verified, step) else {
            let password_right = verified != Verification::Mismatch;
            let detail = serde_json::json!({"password": password_right, "code": step.is_some()});
            return Err(self.staff_failed(record, audit("wrong").detail(detail), now).await?);
        };
        // A renewal the pool refuses waits for the next sign-in.
        let rehash = if needs_rehash {
            match self.hashing.hash(candidate, HashPriority::Integrator).await {
                Ok(h) => Some(h),
                Err(HashError::Busy) => None,
                Err(e) => return Err(StaffAuthError::Hash(e)),
            }
        } else {
            None
        };
        let resealed_totp = if self.keys.staff_totp_needs_reseal(&record.sealed_totp) {
            self.staff_secret(record)
                .map(|s| self.keys.seal_staff_totp(self.rng.as_ref(), record.id.as_str(), s.to_hex().expose_secret()))
        } else {
            None
        };
        let token = random_token(self.rng.as_ref(), TOKEN_PREFIX);
        let write = StaffSignInWrite {
            staff_id: record.id.clone(),
            totp_step: step,
            token_mac: self.keys.token_mac(token.expose_secret()),
            absolute_expires_at: crate::lifecycle::staff_session::absolute_expires_at(now, self.staff.absolute()),
            rehash,
            resealed_totp,
        };
        let detail = serde_json::json!({"must_change_password": record.must_change_password});
        match self.store.complete_staff_sign_in(write, now, audit("ok").detail(detail)).await? {
            Ok(session) => Ok(StaffSignIn { token, session }),
            Err(why) => Err(self.not_accepted(record, why, audit, now).await?),
        }
    }

    /// The session a token names, if it is still valid at `now` (not ended, used within the
    /// idle lifetime, before its absolute end, its member active). Using it moves its last use
    /// to `now`.
    pub async fn staff_session(&self, token: &str, now: OffsetDateTime) -> Result<Option<StaffSession>, StaffError> {
        if !token_shape(token) {
            return Ok(None);
        }
        let idle_cutoff = now - self.staff.idle();
        for mac in self.keys.token_lookups(token) {
            if let Some(session) = self.store.touch_staff_session(&mac, now, idle_cutoff).await? {
                return Ok(Some(session));
            }
        }
        Ok(None)
    }

    /// Ends the session a token names. False when there was none open.
    pub async fn staff_sign_out(&self, token: &str, now: OffsetDateTime) -> Result<bool, StaffError> {
        if !token_shape(token) {
            return Ok(false);
        }
        for mac in self.keys.token_lookups(token) {
            let Some(found) = self.store.staff_session_ref(&mac).await? else { continue };
            if found.ended {
                return Ok(false);
            }
            let audit = AuditDraft::new(Actor::Staff(found.login.to_string()), "staff_sign_out", None, "ok");
            return Ok(self.store.end_staff_session(found.session_id, now, audit).await?);
        }
        Ok(false)
    }

    /// Ends every session of a member; returns how many were open.
    pub async fn staff_sign_out_everywhere(&self, staff_id: &StaffId, now: OffsetDateTime) -> Result<u64, StaffError> {
        let Some(record) = self.store.staff_by_id(staff_id).await? else {
            return Err(StaffError::UnknownStaff(staff_id.to_string()));
        };
        let audit = AuditDraft::new(Actor::Staff(record.login.to_string()), "staff_sign_out_everywhere", None, "ok");
        Ok(self.store.end_staff_sessions(staff_id, None, now, audit).await?)
    }

    /// The fresh code a sensitive action asks for: right, and for a time step later than the
    /// last one accepted (so the code that signed in, or one used for an earlier action, is
    /// refused). A wrong one counts as a failed sign-in.
    pub async fn confirm_fresh_totp(
        &self,
        staff_id: &StaffId,
        code: &SecretString,
        now: OffsetDateTime,
    ) -> Result<(), StaffAuthError> {
        let Some(record) = self.store.staff_by_id(staff_id).await? else { return Err(StaffAuthError::Refused) };
        let actor = Actor::Staff(record.login.to_string());
        let audit = |outcome: &str| AuditDraft::new(actor.clone(), "staff_fresh_totp", None, outcome);
        if record.status != StaffStatus::Active {
            self.store.append_audit(now, audit("disabled")).await?;
            return Err(StaffAuthError::Refused);
        }
        self.reserve_staff(&record, None, &audit, now).await?;
        let step =
            self.staff_secret(&record).and_then(|s| s.matching_step(code.expose_secret(), now, record.totp_step));
        let Some(step) = step else {
            return Err(self.staff_failed(&record, audit("wrong"), now).await?);
        };
        match self.store.accept_staff_totp(&record.id, step, now, audit("ok")).await? {
            Ok(()) => Ok(()),
            Err(why) => Err(self.not_accepted(&record, why, &audit, now).await?),
        }
    }

    /// Sets a new password from a signed-in session, given the current one: what finishes a
    /// sign-in with an initial password, and how a member changes theirs. The new password
    /// meets the staff policy and differs from the current one; the member's other sessions end.
    pub async fn staff_set_new_password(
        &self,
        token: &str,
        current: &SecretString,
        new: &SecretString,
        now: OffsetDateTime,
    ) -> Result<(), StaffError> {
        let session = self.staff_session(token, now).await?.ok_or(StaffError::InvalidSession)?;
        let spec = self.staff.password_spec();
        let holder = HolderContext { login_id: Some(session.login.as_str()), birth_date: None };
        let normalized = spec.check(new, holder).map_err(StaffError::Policy)?;
        if normalized.expose_secret() == normalize_password(current.expose_secret()).expose_secret() {
            return Err(StaffError::SamePassword);
        }
        let record = self.store.staff_by_id(&session.staff_id).await?.ok_or(StaffError::InvalidSession)?;
        let actor = session.actor();
        let audit = |outcome: &str| AuditDraft::new(actor.clone(), "staff_password_change", None, outcome);
        self.reserve_staff(&record, Some(current), &audit, now).await?;
        let verified = self
            .hashing
            .verify(normalize_password(current.expose_secret()), record.password_hash.clone(), HashPriority::Integrator)
            .await;
        let outcome = match verified {
            Ok(Verification::Match { .. }) => Ok(()),
            Ok(Verification::Mismatch) => Err(self.staff_failed(&record, audit("wrong"), now).await?),
            Err(HashError::Busy) => {
                self.store.release_staff_attempt(&record.id, now, audit("released_unchecked")).await?;
                Err(StaffAuthError::Busy)
            }
            Err(e) => {
                let max = self.staff.max_failures;
                let _ = self.store.record_staff_failure(&record.id, max, now, audit("unsettled_error")).await;
                Err(StaffAuthError::Hash(e))
            }
        };
        outcome?;
        let hash = match self.hashing.hash(normalized, HashPriority::Integrator).await {
            Ok(h) => h,
            Err(e) => {
                // The current password was right; only the new one could not be hashed, so
                // the attempt is given back rather than counted against the member.
                self.store.release_staff_attempt(&record.id, now, audit("released_unwritten")).await?;
                return Err(e.into());
            }
        };
        if !self.store.set_staff_password(&record.id, hash, session.session_id, now, audit("changed")).await? {
            return Err(StaffError::InvalidSession);
        }
        Ok(())
    }
}
