//! The router test kit: an `AppState` on a fresh SQLite database with fixed keys, seeded
//! randomness, cheap Argon2, a clock the test moves, and helpers that speak to the router as
//! a browser, an integrator and the telephony provider would.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use reissue_core::account::{
    AccountKind, AccountStatus, ChangedAt, Email, Language, LoginId, PersonName, PhoneNumber, Profile, parse_date,
};
use reissue_core::audit::{AuditDraft, AuditKeys};
use reissue_core::credential::CredentialSet;
use reissue_core::hashing::{Argon2Cost, HashError, MacKey, SecretHasher, Verification};
use reissue_core::keyring::KeyRing;
use reissue_core::keys::Keys;
use reissue_core::mail::Institution;
use reissue_core::model::ImportedAccount;
use reissue_core::outbox::MessageBody;
use reissue_core::ports::{Accounts, Outbox};
use reissue_core::procedures::{HashPriority, Hashing, Recovery, RecoveryParts};
use reissue_core::rules::Rules;
use reissue_core::secret::testing::SeededRandomness;
use reissue_core::vault::{BuiltInVault, CredentialVault};
use reissue_server::hashing::BlockingHashing;
use reissue_server::{AppState, Clock, Demo, app};
use reissue_store::SqlStore;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt;

pub const LOGIN: &str = "987654321";
pub const BIRTH: &str = "1975-11-30";
pub const PIN: &str = "7351";
pub const PASSWORD: &str = "lantern harbour mist";
const MASTER: [u8; 32] = [7; 32];
const WEBHOOK_TOKEN: &str = "router-test-webhook-token";
pub const PUBLIC_URL: &str = "https://reissue.bank.example";
pub const ADMIN_TOKEN: &str = "router-test-admin-token";

fn masters() -> KeyRing<MacKey> {
    KeyRing::single(MacKey::new(MASTER.to_vec()))
}

/// A clock that stands still until the test moves it.
#[derive(Debug)]
pub struct TestClock(Mutex<OffsetDateTime>);

impl TestClock {
    pub fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

/// Hashing that takes at least `delay`: the time in which a client can go away.
struct SlowHashing {
    inner: Arc<dyn Hashing>,
    delay: std::time::Duration,
}

#[async_trait::async_trait]
impl Hashing for SlowHashing {
    async fn hash(&self, secret: SecretString, p: HashPriority) -> Result<String, HashError> {
        tokio::time::sleep(self.delay).await;
        self.inner.hash(secret, p).await
    }

    async fn verify(&self, secret: SecretString, stored: String, p: HashPriority) -> Result<Verification, HashError> {
        tokio::time::sleep(self.delay).await;
        self.inner.verify(secret, stored, p).await
    }
}

/// A failure to inject into checks: while the flag is set, checks fail with what the
/// function makes.
type Injected = (Arc<AtomicBool>, fn() -> HashError);

/// Builds a credential vault from the built-in hashing.
pub type MakeVault = Box<dyn FnOnce(Arc<dyn Hashing>) -> Arc<dyn CredentialVault>>;

/// Hashing whose checks fail while `failing` is set: an error between counting an attempt
/// and recording it.
struct FailingHashing {
    inner: Arc<dyn Hashing>,
    failing: Arc<AtomicBool>,
    failure: fn() -> HashError,
}

#[async_trait::async_trait]
impl Hashing for FailingHashing {
    async fn hash(&self, secret: SecretString, p: HashPriority) -> Result<String, HashError> {
        self.inner.hash(secret, p).await
    }

    async fn verify(&self, secret: SecretString, stored: String, p: HashPriority) -> Result<Verification, HashError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err((self.failure)());
        }
        self.inner.verify(secret, stored, p).await
    }
}

/// The Japanese font letters are rendered with, read once for every kit of the binary.
fn test_font() -> Result<Arc<reissue_letters::LetterFont>, String> {
    static FONT: std::sync::OnceLock<Result<Arc<reissue_letters::LetterFont>, String>> = std::sync::OnceLock::new();
    FONT.get_or_init(|| reissue_letters::LetterFont::load(None).map(Arc::new).map_err(|e| e.to_string())).clone()
}

pub struct Kit {
    pub app: Router,
    background: reissue_server::background::Background,
    pub clock: Arc<TestClock>,
    pub store: Arc<SqlStore>,
    /// The procedures, for what has no route yet or is a staff member's doing.
    pub recovery: Arc<Recovery>,
    /// The demo's phone network and mailbox, in a kit built `with_demo`.
    pub demo: Option<Demo>,
    _dir: tempfile::TempDir,
}

impl Kit {
    /// A fresh router with one English-speaking account holding a login password and a
    /// cash-card PIN, under `rules`.
    pub async fn new(rules: Rules) -> Self {
        Self::build(rules, None, None, None, 1_000_000, false, &[]).await
    }

    /// The same, served as `serve --demo` serves it: with the demo's phone network and
    /// mailbox (the calls a test creates on it fetch their TwiML wherever the test says).
    pub async fn with_demo(rules: Rules) -> Self {
        Self::build(rules, None, None, None, 1_000_000, true, &[]).await
    }

    /// The same, with credentials checked and written by the vault `make` builds (given the
    /// built-in hashing, for what it does not hold itself).
    pub async fn with_vault(rules: Rules, make: MakeVault) -> Self {
        Self::build(rules, None, None, Some(make), 1_000_000, false, &[]).await
    }

    /// The same, with every hash taking at least `delay` (so a test can drop a request while
    /// its secret is being checked).
    pub async fn with_slow_hashing(rules: Rules, delay: std::time::Duration) -> Self {
        Self::build(rules, Some(delay), None, None, 1_000_000, false, &[]).await
    }

    /// The same, with checks failing with `failure` while `failing` is set.
    pub async fn with_failing_hashing(rules: Rules, failing: Arc<AtomicBool>, failure: fn() -> HashError) -> Self {
        Self::build(rules, None, Some((failing, failure)), None, 1_000_000, false, &[]).await
    }

    /// The same, with a per-IP budget of `per_minute` requests.
    /// A kit whose `actions` wait for a second staff member's approval.
    pub async fn with_four_eyes(rules: Rules, actions: &[&str]) -> Self {
        Self::build(rules, None, None, None, 1_000_000, false, actions).await
    }

    pub async fn with_ip_budget(rules: Rules, per_minute: u32) -> Self {
        Self::build(rules, None, None, None, per_minute, false, &[]).await
    }

    async fn build(
        rules: Rules,
        delay: Option<std::time::Duration>,
        failing: Option<Injected>,
        vault: Option<MakeVault>,
        ip_budget: u32,
        demo: bool,
        four_eyes: &[&str],
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("reissue.db").display());
        let audit_keys = Arc::new(AuditKeys::new(&KeyRing::single(vec![5u8; 32])));
        let store = Arc::new(SqlStore::connect_keyed(&url, Some(audit_keys)).await.unwrap());
        let rng = Arc::new(SeededRandomness::new(42));
        let cost = Argon2Cost { memory_kib: 64, iterations: 1, parallelism: 1 };
        let hasher = Arc::new(SecretHasher::new(vec![3; 32], cost).unwrap());
        let mut hashing: Arc<dyn Hashing> = Arc::new(BlockingHashing::new(hasher.clone(), rng.clone(), 2));
        if let Some(delay) = delay {
            hashing = Arc::new(SlowHashing { inner: hashing, delay });
        }
        if let Some((failing, failure)) = failing {
            hashing = Arc::new(FailingHashing { inner: hashing, failing, failure });
        }
        let clock = Arc::new(TestClock(Mutex::new(OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap())));
        let hash = |s: &str| hasher.hash(&SecretString::from(s.to_owned()), rng.as_ref()).unwrap();
        let profile = Profile {
            login_id: LoginId::parse(LOGIN).unwrap(),
            kind: AccountKind::Individual,
            status: AccountStatus::Active,
            organization_name: None,
            name: PersonName::new("Stone", "Emily").unwrap(),
            name_kana: None,
            birth_date: Some(parse_date("birth_date", BIRTH).unwrap()),
            email: Some(Email::parse("emily@example.com").unwrap()),
            phone: Some(PhoneNumber::parse_e164("+819087654321").unwrap()),
            language: Language::En,
            address: None,
            changed_at: ChangedAt::default(),
        };
        let account = ImportedAccount {
            line: 1,
            profile,
            credentials: vec![("login_password".into(), hash(PASSWORD)), ("cash_card_pin".into(), hash(PIN))],
        };
        store
            .import_accounts(
                vec![account],
                false,
                clock.now(),
                AuditDraft::new(reissue_core::audit::Actor::Cli, "import", None, "ok"),
            )
            .await
            .unwrap();
        let vault: Arc<dyn CredentialVault> = match vault {
            Some(make) => make(hashing.clone()),
            None => Arc::new(BuiltInVault::new(hashing.clone())),
        };
        let recovery = Arc::new(
            Recovery::new(RecoveryParts {
                store: store.clone(),
                vault,
                hashing,
                rng: rng.clone(),
                keys: Keys::new(&masters()),
                rules,
                credentials: CredentialSet::bank_default(),
                institution: Institution::default(),
                catalogue: Arc::new(reissue_core::catalogue::Catalogue::builtin()),
                public_url: PUBLIC_URL.into(),
                webhooks: vec!["https://hooks.bank.example/reissue".into()],
                dummy_hash: hash("a dummy secret nobody knows"),
                staff: reissue_core::staff::StaffRules::default(),
                counter: Default::default(),
            })
            .with_four_eyes(&four_eyes.iter().map(|a| a.to_string()).collect::<Vec<_>>())
            .unwrap(),
        );
        let site = Arc::new(reissue_server::pages::Site::builtin(&recovery));
        let demo = demo.then(|| {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let phone = reissue_delivery::voice::phone::PhoneNetwork::new(
                reqwest::Client::new(),
                "AC00000000000000000000000000000000",
                SecretString::from(WEBHOOK_TOKEN),
            );
            Demo { phone, mailbox: Some(reissue_delivery::mail::MemoryMailbox::default()), clock: None }
        });
        let printing = test_font().map(|font| reissue_letters::batch::PrintSettings {
            catalogue: recovery.catalogue().clone(),
            institution: recovery.institution().clone(),
            public_url: PUBLIC_URL.into(),
            font,
            options: reissue_core::letter::PostalLetterOptions::default(),
            layout: reissue_core::postal_files::ManifestLayout::default(),
            parallel: 2,
        });
        let postal = Arc::new(reissue_server::postal_desk::PostalDesk {
            printing,
            vendor: None,
            demo: true,
            check_rule: reissue_core::postal_files::CheckDigitRule::Mod7,
            import_encoding: reissue_core::postal_files::FileEncoding::Utf8,
            warn_after: Duration::hours(24),
        });
        let state = AppState {
            postal,
            site,
            recovery: recovery.clone(),
            voice_webhook_token: SecretString::from(WEBHOOK_TOKEN),
            ip_requests_per_minute: ip_budget,
            demo: demo.clone(),
            metrics: None,
            wake: Arc::new(tokio::sync::Notify::new()),
            admin_token: Some(SecretString::from(ADMIN_TOKEN)),
            trusted_proxies: Vec::new(),
            clock: clock.clone(),
            background: reissue_server::background::Background::start(2, 64),
        };
        let background = state.background.clone();
        Self { app: app(state), background, clock, store, recovery, demo, _dir: dir }
    }

    async fn send(&self, req: Request<Body>) -> (u16, String) {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    /// A JSON POST that the client abandons after `after`, as a browser or an integrator that
    /// times out would.
    pub async fn post_and_go_away(&self, path: &str, token: &str, body: Value, after: std::time::Duration) {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(body.to_string()))
            .unwrap();
        let abandoned = tokio::time::timeout(after, self.app.clone().oneshot(req)).await;
        assert!(abandoned.is_err(), "the request finished before the client went away");
    }

    /// A JSON POST, with a bearer token when given.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let (status, text) = self.send(req.body(Body::from(body.to_string())).unwrap()).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A GET with a bearer token.
    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let req =
            Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
        let (status, text) = self.send(req).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A telephony webhook signed as Twilio signs it; answers the TwiML.
    pub async fn webhook(&self, path_and_query: &str, params: &[(&str, &str)]) -> String {
        let params: Vec<(String, String)> = params.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        let url = format!("{PUBLIC_URL}{path_and_query}");
        let sig = reissue_delivery::voice::twilio::signature(WEBHOOK_TOKEN, &url, &params);
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params.iter()).finish();
        let req = Request::post(path_and_query)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(Body::from(body))
            .unwrap();
        let (status, text) = self.send(req).await;
        assert_eq!(status, 200, "{text}");
        text
    }

    /// The next outbox messages, claimed as the delivery worker would, once the work of the
    /// always-`202` requests so far is done.
    pub async fn outbox(&self) -> Vec<MessageBody> {
        self.background.drained().await;
        let now = self.clock.now();
        let items = self.store.claim_outbox("router-test", 100, now, now + Duration::minutes(1)).await.unwrap();
        for i in &items {
            self.store.finish_outbox(i.id, "router-test", now).await.unwrap();
        }
        items.into_iter().map(|i| i.message.body).collect()
    }

    /// Applies for a voice code, plays the call as the provider would, keys the PIN and
    /// returns the spoken code.
    pub async fn voice_code(&self) -> String {
        let twiml = self.call_and_key_pin().await;
        let code: String =
            twiml.split(r#"interpret-as="digits">"#).skip(1).filter_map(|part| part.split('<').next()).collect();
        assert_eq!(code.len(), 10, "{twiml}");
        code
    }

    /// Applies for a voice code and answers the call the outbox places, as the provider
    /// would; returns the call's ID and the TwiML the answer got.
    pub async fn apply_and_answer(&self) -> (String, String) {
        let (s, _) = self
            .post("/api/v1/voice-applications", None, serde_json::json!({"login_id": LOGIN, "birth_date": BIRTH}))
            .await;
        assert_eq!(s, 202);
        let call_id = self
            .outbox()
            .await
            .into_iter()
            .find_map(|m| match m {
                MessageBody::PlaceCall { call_id, .. } => Some(call_id),
                _ => None,
            })
            .expect("a call was queued");
        let answered = self
            .webhook(&format!("/voice/answer?call={call_id}"), &[("CallSid", "CA1"), ("CallStatus", "in-progress")])
            .await;
        (call_id.to_string(), answered)
    }

    /// Applies for a voice code, answers the call and keys the right PIN; returns the TwiML
    /// the call answered with.
    pub async fn call_and_key_pin(&self) -> String {
        let (call_id, _) = self.apply_and_answer().await;
        self.webhook(&format!("/voice/pin?call={call_id}"), &[("CallSid", "CA1"), ("Digits", PIN)]).await
    }

    /// Opens the sealed e-mails in the outbox and returns their bodies.
    pub async fn sealed_mail_bodies(&self) -> Vec<String> {
        self.background.drained().await;
        let sealer = Keys::outbox_sealer(&masters());
        let now = self.clock.now();
        let items = self.store.claim_outbox("router-test", 100, now, now + Duration::minutes(1)).await.unwrap();
        let mut bodies = Vec::new();
        for i in items {
            if let MessageBody::SealedEmail { sealed_body, .. } = &i.message.body {
                let bytes = hex::decode(sealed_body).unwrap();
                bodies.push(sealer.unseal(&i.message.idempotency_key, &bytes).unwrap().expose_secret().to_owned());
            }
            self.store.finish_outbox(i.id, "router-test", now).await.unwrap();
        }
        bodies
    }
}

/// RFC 4648 base32 without padding, as otpauth URIs write a TOTP secret.
fn base32(text: &str) -> Vec<u8> {
    let (mut bits, mut n, mut out) = (0u64, 0u32, Vec::new());
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {c}"),
        };
        bits = (bits << 5) | u64::from(v);
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// A staff member as a test holds them: login, initial password and authenticator.
pub struct Member {
    pub login: String,
    pub password: String,
    pub totp: reissue_core::staff::totp::TotpSecret,
}

impl Member {
    /// The code the member's authenticator shows now.
    pub fn code(&self, kit: &Kit) -> String {
        self.totp.code_at(kit.clock.now())
    }
}

impl Kit {
    /// Enrols a member, as an administrator would; the secret is read back from the otpauth URI.
    pub async fn enrol(&self, login: &str, role: reissue_core::staff::StaffRole) -> Member {
        let e = self
            .recovery
            .enrol_staff(login, role, "Test Member", &reissue_core::audit::Actor::Cli, self.clock.now())
            .await
            .unwrap();
        let uri = e.otpauth_uri.expose_secret().to_owned();
        let secret = uri.split("secret=").nth(1).unwrap().split('&').next().unwrap();
        let bytes: [u8; 20] = base32(secret).try_into().expect("a 160-bit secret");
        Member {
            login: login.into(),
            password: e.initial_password.expose_secret().to_owned(),
            totp: reissue_core::staff::totp::TotpSecret::from_bytes(bytes),
        }
    }
}
