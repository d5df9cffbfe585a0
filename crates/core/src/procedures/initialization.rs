//! P5: password initialization by identity matching; a temporary password goes to the
//! registered e-mail.

use secrecy::ExposeSecret;
use time::{Duration, OffsetDateTime};

use super::{Identity, Recovery, RecoveryError, Requester};
use crate::account::LoginId;
use crate::credential::normalize_password;
use crate::mail::{self};
use crate::outbox::{MessageBody, OutboxMessage};
use crate::secret::random_password;
use crate::store::Initialization;

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
        let (subject, body) = mail::temporary_password(
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
