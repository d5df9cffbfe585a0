//! A fresh store per test, and the accounts and drafts the tests write.

use reissue_core::account::{
    AccountKind, AccountStatus, ChangedAt, Email, Language, LoginId, PersonName, PhoneNumber, Profile,
};
use reissue_core::audit::AuditDraft;
use reissue_core::ids::CallId;
use reissue_core::model::{Account, ImportedAccount, StoredCode};
use reissue_core::outbox::{MessageBody, OutboxMessage};
use reissue_core::ports::Accounts;
use reissue_store::SqlStore;
use reissue_testkit::Postgres;
use time::OffsetDateTime;

/// A store on a database of its own, removed when dropped.
/// The audit key every test store chains its events under.
pub fn audit_keys() -> std::sync::Arc<reissue_core::audit::AuditKeys> {
    std::sync::Arc::new(reissue_core::audit::AuditKeys::new(&reissue_core::keyring::KeyRing::single(vec![9u8; 32])))
}

pub struct Db {
    pub store: SqlStore,
    pub url: String,
    _dir: tempfile::TempDir,
    _pg: Option<Postgres>,
}

impl Db {
    /// SQLite in a temporary file.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/contract.db", dir.path().display());
        let store = SqlStore::connect_keyed(&url, Some(audit_keys())).await.expect("connect to SQLite");
        Self { store, url, _dir: dir, _pg: None }
    }

    /// A throwaway PostgreSQL cluster.
    pub async fn postgres() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = Postgres::start();
        let url = pg.url.clone();
        let store = SqlStore::connect_keyed(&url, Some(audit_keys())).await.expect("connect to PostgreSQL");
        Self { store, url, _dir: dir, _pg: Some(pg) }
    }

    /// A second store on the same database, as another instance would have.
    pub async fn another_instance(&self) -> SqlStore {
        SqlStore::connect_keyed(&self.url, Some(audit_keys())).await.expect("connect again")
    }

    pub fn is_postgres(&self) -> bool {
        self._pg.is_some()
    }

    /// Runs one statement outside the store's methods, as a faulty writer would.
    pub async fn raw(&self, sql: &str) -> Result<u64, sqlx::Error> {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(self.store.pool()).await.map(|r| r.rows_affected())
    }

    /// One number from the database.
    pub async fn number(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(self.store.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .get::<i64, _>(0)
    }

    /// Imports one account with a cash-card PIN and a login password, and returns it.
    pub async fn account(&self, login: &str) -> Account {
        let imported = ImportedAccount { line: 1, profile: profile(login), credentials: credentials() };
        self.store.import_accounts(vec![imported], false, t0(), draft("import")).await.expect("import");
        self.store.account(&LoginId::parse(login).unwrap()).await.unwrap().expect("the imported account")
    }
}

/// The `n`th call of a test.
pub fn call_id(n: u8) -> CallId {
    CallId::new([n; 12])
}

/// Places a call for the account: a voice application, then the provider's acceptance.
pub async fn live_call(db: &Db, account: &Account, call_id: &CallId) {
    use reissue_core::ports::{Calls, VoiceApplication, VoiceApplicationOutcome};
    let app = VoiceApplication {
        account_id: account.id,
        eligible: true,
        call_id: call_id.clone(),
        message: email(&format!("place-{call_id}")),
        window_start: t0() - time::Duration::days(1),
        max_per_window: 1000,
        // Earlier test calls never block a new one.
        live_call_cutoff: t0() + time::Duration::seconds(1),
    };
    let outcome = db.store.record_voice_application(app, t0(), draft("voice_application")).await.unwrap();
    assert_eq!(outcome, VoiceApplicationOutcome::CallQueued);
    db.store.mark_call_placed(call_id, &format!("CA{call_id}"), t0()).await.unwrap();
}

/// Speaks a new code in a new call; returns the stored code.
pub async fn code(db: &Db, account: &Account, call_id: &CallId) -> StoredCode {
    use reissue_core::model::NewCode;
    use reissue_core::ports::{Calls, IssuedVoiceCode, Resets};
    use reissue_core::rules::CodeChannel;
    live_call(db, account, call_id).await;
    let issued = IssuedVoiceCode {
        call_id: call_id.clone(),
        code: NewCode {
            account_id: account.id,
            channel: CodeChannel::Voice,
            salt: call_id.as_str().as_bytes().to_vec(),
            mac: vec![7; 32],
            issued_at: t0(),
            expires_at: t0() + time::Duration::hours(1),
        },
        sealed_code: vec![1, 2, 3],
        gate_credential: "cash_card_pin".to_owned(),
        messages: vec![email(&format!("code-{call_id}"))],
    };
    assert!(db.store.issue_voice_code(issued, t0(), draft("code_issued")).await.unwrap());
    let (_, _, code) = db.store.code_entry(&account.profile.login_id, CodeChannel::Voice).await.unwrap().unwrap();
    code.expect("the active code")
}

/// An e-mail to the account's address under `key`.
pub fn email(key: &str) -> OutboxMessage {
    OutboxMessage {
        idempotency_key: key.to_owned(),
        body: MessageBody::Email { to: "taro@example.jp".into(), subject: "s".into(), body: "b".into() },
    }
}

pub fn t0() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
}

pub fn draft(action: &str) -> AuditDraft {
    AuditDraft::new(reissue_core::audit::Actor::Cli, action, None, "ok")
}

pub fn profile(login: &str) -> Profile {
    Profile {
        login_id: LoginId::parse(login).unwrap(),
        kind: AccountKind::Individual,
        status: AccountStatus::Active,
        organization_name: None,
        name: PersonName::new("Koku", "Taro").unwrap(),
        name_kana: None,
        birth_date: None,
        email: Some(Email::parse("taro@example.jp").unwrap()),
        phone: Some(PhoneNumber::parse_e164("+819012345678").unwrap()),
        language: Language::Ja,
        address: None,
        changed_at: ChangedAt::default(),
    }
}

pub fn credentials() -> Vec<(String, String)> {
    vec![
        ("cash_card_pin".to_owned(), "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".to_owned()),
        ("login_password".to_owned(), "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$cGFzc3Bhc3NwYXNzcGFzcw".to_owned()),
    ]
}
