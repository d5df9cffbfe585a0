//! The recovery procedures, one module per procedure, sharing the context `Recovery`:
//! voice application (P1), the call dialogue (P2), code entry and reset completion (P3),
//! password initialization (P5), login-ID reminder (P6), verification and change with the
//! current secret (P7), and the staff members' enrolment, sign-in and sessions.
//!
//! Each procedure takes `now` from the caller and draws randomness from the injected source.
//! Decisions are made here; the store only carries them out atomically.

mod call_dialogue;
mod change;
pub mod counter;
pub mod helpdesk;
mod initialization;
mod operations;
pub mod postal;
mod reminder;
mod reset;
mod staff;
mod tokens;
mod voice_application;

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::SecretString;
use serde::Serialize;
use time::OffsetDateTime;

use crate::account::{LoginId, Profile};
use crate::audit::{Actor, AuditDraft};
use crate::credential::{CredentialSet, CredentialSpec, PolicyViolation};
use crate::hashing::{HashError, Verification};
use crate::keys::Keys;
use crate::mail::{self, Institution};
use crate::model::Account;
use crate::outbox::{MessageBody, OutboxMessage};
use crate::ports::{Store, StoreError};
use crate::rules::Rules;
use crate::secret::Randomness;
use crate::vault::CredentialVault;

/// Whose work a hash is. The server's pool serves integrators first and sheds public work
/// first, so that a flood of public requests (each costing a hash) cannot starve sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashPriority {
    /// An integrating system's check or change at sign-in.
    Integrator,
    /// Work a public request causes: a reset, a temporary password, a PIN keyed in a call.
    Public,
}

/// Argon2 hashing, run wherever the server decides (a bounded pool of threads in production).
/// A full queue answers `HashError::Busy` instead of waiting.
#[async_trait]
pub trait Hashing: Send + Sync {
    async fn hash(&self, secret: SecretString, priority: HashPriority) -> Result<String, HashError>;
    async fn verify(
        &self,
        secret: SecretString,
        stored: String,
        priority: HashPriority,
    ) -> Result<Verification, HashError>;
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
    #[error("the account is suspended")]
    AccountSuspended,
    #[error("too many attempts on this credential are being checked at once")]
    AttemptsInProgress,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// Who is asking, for the audit log.
#[derive(Debug, Clone)]
pub struct Requester {
    pub actor: Actor,
    pub client_ip: Option<String>,
}

impl Requester {
    pub fn public(ip: Option<String>) -> Self {
        Self { actor: Actor::Public, client_ip: ip }
    }

    /// A staff member, by their login, from the address they work at.
    pub fn staff(login: &str, ip: Option<String>) -> Self {
        Self { actor: Actor::Staff(login.to_owned()), client_ip: ip }
    }

    /// The command line on the server.
    pub fn cli() -> Self {
        Self { actor: Actor::Cli, client_ip: None }
    }

    /// The telephony provider.
    pub fn provider() -> Self {
        Self { actor: Actor::Provider, client_ip: None }
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

/// An open reset session, as its page shows it.
#[derive(Debug, Clone)]
pub struct SessionView {
    /// Whose session it is, so that a password manager saves the new password under it.
    pub login_id: String,
    pub expires_at: OffsetDateTime,
    pub credentials: Vec<ResettableCredential>,
}

/// The answer to a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub must_change: bool,
}

/// What the procedures are built from; `Recovery::new` takes it whole.
pub struct RecoveryParts {
    pub store: Arc<dyn Store>,
    pub hashing: Arc<dyn Hashing>,
    /// Where credentials are checked and written (`BuiltInVault` unless the institution keeps
    /// them elsewhere).
    pub vault: Arc<dyn CredentialVault>,
    pub rng: Arc<dyn Randomness>,
    pub keys: Keys,
    pub rules: Rules,
    pub credentials: CredentialSet,
    pub institution: Institution,
    /// Every text a customer reads or hears, in both languages (a theme's entries laid over
    /// the built-in ones).
    pub catalogue: Arc<crate::catalogue::Catalogue>,
    pub public_url: String,
    pub webhooks: Vec<String>,
    /// A hash of a random secret, verified when an account is unknown so that the answer
    /// takes as long as for a known one.
    pub dummy_hash: String,
    /// The figures of staff sign-in (`[staff]`).
    pub staff: crate::staff::StaffRules,
    /// The counter's office and figures (`[counter]`).
    pub counter: crate::counter::CounterRules,
}

/// Everything the procedures need, shared by all requests. Its fields are private so that
/// the server reaches storage only through the procedures.
pub struct Recovery {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hashing: Arc<dyn Hashing>,
    pub(crate) vault: Arc<dyn CredentialVault>,
    pub(crate) rng: Arc<dyn Randomness>,
    pub(crate) keys: Keys,
    pub(crate) rules: Rules,
    pub(crate) credentials: CredentialSet,
    pub(crate) institution: Institution,
    pub(crate) catalogue: Arc<crate::catalogue::Catalogue>,
    pub(crate) public_url: String,
    pub(crate) webhooks: Vec<String>,
    pub(crate) dummy_hash: String,
    /// The staff actions that wait for a second staff member (`[staff] four_eyes`).
    pub(crate) four_eyes: Vec<String>,
    pub(crate) staff: crate::staff::StaffRules,
    pub(crate) counter: crate::counter::CounterRules,
}

impl std::fmt::Debug for RecoveryParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryParts").field("rules", &self.rules).finish_non_exhaustive()
    }
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
    pub fn new(p: RecoveryParts) -> Self {
        Self {
            store: p.store,
            hashing: p.hashing,
            vault: p.vault,
            rng: p.rng,
            keys: p.keys,
            rules: p.rules,
            credentials: p.credentials,
            institution: p.institution,
            catalogue: p.catalogue,
            public_url: p.public_url,
            webhooks: p.webhooks,
            dummy_hash: p.dummy_hash,
            four_eyes: p.staff.four_eyes.clone(),
            staff: p.staff,
            counter: p.counter,
        }
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn credentials(&self) -> &CredentialSet {
        &self.credentials
    }

    pub fn institution(&self) -> &Institution {
        &self.institution
    }

    /// The message catalogues, shared by the pages, the mails and the call.
    pub fn catalogue(&self) -> &Arc<crate::catalogue::Catalogue> {
        &self.catalogue
    }

    /// The anti-forgery token of a form: bound to the browser's form cookie and to the path
    /// the form posts to, under a key every instance shares.
    pub fn form_token(&self, cookie: &str, action: &str) -> String {
        self.keys.form_token(cookie, action)
    }

    /// A new random value for a browser's form cookie, to which its form tokens are bound.
    pub fn fresh_form_cookie(&self) -> String {
        use secrecy::ExposeSecret as _;
        crate::secret::random_token(self.rng.as_ref(), "fc").expose_secret().to_owned()
    }

    /// Whether `token` is the form token for `cookie` and `action` (constant-time).
    pub fn form_token_ok(&self, cookie: &str, action: &str, token: &str) -> bool {
        self.keys.form_token_ok(cookie, action, token)
    }

    /// The address customers and the telephony provider reach this server at.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    pub fn hashing(&self) -> Arc<dyn Hashing> {
        self.hashing.clone()
    }

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
            let (subject, body) = mail::credentials_changed(&self.catalogue, p, &self.institution, &labels, now);
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
}
