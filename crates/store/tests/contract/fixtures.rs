//! A fresh store per test, and the accounts and drafts the tests write.

use reissue_core::account::{
    AccountKind, AccountStatus, ChangedAt, Email, Language, LoginId, PersonName, PhoneNumber, Profile,
};
use reissue_core::audit::AuditDraft;
use reissue_core::model::{Account, ImportedAccount};
use reissue_core::ports::Accounts;
use reissue_store::SqlStore;
use time::OffsetDateTime;

/// A store on a database of its own, removed when dropped.
pub struct Db {
    pub store: SqlStore,
    _dir: tempfile::TempDir,
}

impl Db {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/contract.db", dir.path().display());
        let store = SqlStore::connect(&url).await.expect("connect to SQLite");
        Self { store, _dir: dir }
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

pub fn t0() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
}

pub fn draft(action: &str) -> AuditDraft {
    AuditDraft::new("test", action, None, "ok")
}

pub fn profile(login: &str) -> Profile {
    Profile {
        login_id: LoginId::parse(login).unwrap(),
        kind: AccountKind::Individual,
        status: AccountStatus::Active,
        organization_name: None,
        name: PersonName::new("Koku", "Taro").unwrap(),
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
