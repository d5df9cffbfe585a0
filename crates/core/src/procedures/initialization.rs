//! P5: password initialization by identity matching; a temporary password goes to the
//! registered e-mail.

use secrecy::ExposeSecret;
use time::{Duration, OffsetDateTime};

use super::{HashPriority, Identity, Recovery, RecoveryError, Requester};
use crate::account::LoginId;
use crate::credential::normalize_password;
use crate::mail::{self};
use crate::outbox::{MessageBody, OutboxMessage};
use crate::ports::Initialization;
use crate::secret::random_password;

impl Recovery {
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
        let credential = self.rules.initialization_credential.clone();
        // Every request draws and hashes a temporary password, matched or not, so that what
        // the server does (and how busy it is) is the same whatever was typed; only a matched
        // one is stored.
        let (min, max) = self.credentials.get(&credential).map_or((16, 64), |s| (s.min_length, s.max_length));
        let password = random_password(self.rng.as_ref(), self.rules.temporary_password_length.max(min).min(max));
        let temp_hash =
            match self.hashing.hash(normalize_password(password.expose_secret()), HashPriority::Public).await {
                Ok(h) => h,
                Err(crate::hashing::HashError::Busy) => {
                    // Shed under load before anything was looked at; the caller may try again.
                    let detail = self.identity_fingerprint(Some(login_id), who);
                    self.store.append_audit(now, requester.audit(action, None, "shed").detail(detail)).await?;
                    return Ok(());
                }
                Err(e) => return Err(e.into()),
            };
        let account = self.store.account(login_id).await?.filter(|a| self.identity_matches(a, who));
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
        if let Some(why) = self.blocked(account.id, crate::ports::helpdesk::Channel::Initialization).await? {
            self.store.append_audit(now, requester.audit(action, Some(&login), why)).await?;
            return Ok(());
        }
        let Some(email) = &account.profile.email else {
            self.store.append_audit(now, requester.audit(action, Some(&login), "ineligible_no_email")).await?;
            return Ok(());
        };
        let ttl = self.rules.temporary_password_ttl_secs;
        let (subject, body) = mail::temporary_password(
            &self.catalogue,
            &account.profile,
            &self.institution,
            password.expose_secret(),
            ttl,
            now + Duration::seconds(ttl),
        );
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
}
