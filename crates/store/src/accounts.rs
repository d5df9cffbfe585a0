//! Accounts: the all-or-nothing import and the reads of an account with its credentials.

use async_trait::async_trait;
use reissue_core::account::{
    AccountKind, AccountStatus, Address, ChangedAt, Email, KanaName, Language, LoginId, PersonName, PhoneNumber,
    Profile, format_date, parse_date,
};
use reissue_core::audit::AuditDraft;
use reissue_core::ids::AccountId;
use reissue_core::model::{Account, CredentialState, ImportedAccount};
use reissue_core::ports::{Accounts, ImportError, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::{SqlStore, corrupt, db, from_ms, ms};

const ACCOUNT_COLUMNS: &str = "id, login_id, kind, status, organization_name, family_name, given_name, birth_date, \
     email, phone, language, address, changed_at, code_failures, name_kana";

impl SqlStore {
    pub(crate) fn account_from_row(r: &AnyRow) -> Result<(i64, Profile, i64), StoreError> {
        let s = |c: &str| r.try_get::<String, _>(c).map_err(db);
        let o = |c: &str| r.try_get::<Option<String>, _>(c).map_err(db);
        let id: i64 = r.try_get("id").map_err(db)?;
        let login_id = LoginId::parse(&s("login_id")?).map_err(corrupt)?;
        let kind = AccountKind::parse(&s("kind")?).map_err(corrupt)?;
        let status = match s("status")?.as_str() {
            "active" => AccountStatus::Active,
            "suspended" => AccountStatus::Suspended,
            other => return Err(corrupt(format!("account status {other:?}"))),
        };
        let name = PersonName::new(&s("family_name")?, &s("given_name")?).map_err(corrupt)?;
        let birth_date = o("birth_date")?.map(|d| parse_date("birth_date", &d)).transpose().map_err(corrupt)?;
        let email = o("email")?.map(|e| Email::parse(&e)).transpose().map_err(corrupt)?;
        let phone = o("phone")?.map(|p| PhoneNumber::parse_e164(&p)).transpose().map_err(corrupt)?;
        let language = Language::parse(&s("language")?).map_err(corrupt)?;
        let address: Option<Address> = o("address")?.map(|a| serde_json::from_str(&a)).transpose().map_err(corrupt)?;
        let changed_at: ChangedAt = serde_json::from_str(&s("changed_at")?).map_err(corrupt)?;
        let code_failures: i64 = r.try_get("code_failures").map_err(db)?;
        let name_kana = o("name_kana")?.map(|k| KanaName::parse(&k)).transpose().map_err(corrupt)?;
        let profile = Profile {
            login_id,
            kind,
            status,
            organization_name: o("organization_name")?,
            name,
            name_kana,
            birth_date,
            email,
            phone,
            language,
            address,
            changed_at,
        };
        Ok((id, profile, code_failures))
    }
}

#[async_trait]
impl Accounts for SqlStore {
    async fn import_accounts(
        &self,
        accounts: Vec<ImportedAccount>,
        update: bool,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<usize, ImportError> {
        let logins: Vec<&str> = accounts.iter().map(|a| a.profile.login_id.as_str()).collect();
        let (mut tx, existing) = self.import_tx(&logins).await?;
        if !update && !existing.is_empty() {
            let mut clashes: Vec<(usize, String)> = accounts
                .iter()
                .filter(|a| existing.contains_key(a.profile.login_id.as_str()))
                .map(|a| (a.line, a.profile.login_id.to_string()))
                .collect();
            clashes.sort();
            return Err(ImportError::Existing(clashes));
        }
        let t = ms(now);
        let profile_values = |p: &Profile| -> Result<Vec<Option<String>>, StoreError> {
            Ok(vec![
                Some(p.login_id.to_string()),
                Some(p.kind.as_str().to_owned()),
                Some(match p.status {
                    AccountStatus::Active => "active".to_owned(),
                    AccountStatus::Suspended => "suspended".to_owned(),
                }),
                p.organization_name.clone(),
                Some(p.name.family().to_owned()),
                Some(p.name.given().to_owned()),
                p.birth_date.map(format_date),
                p.email.as_ref().map(|e| e.as_str().to_owned()),
                p.phone.as_ref().map(|e| e.as_str().to_owned()),
                Some(p.language.as_str().to_owned()),
                p.address.as_ref().map(serde_json::to_string).transpose().map_err(corrupt)?,
                Some(serde_json::to_string(&p.changed_at).map_err(corrupt)?),
                p.name_kana.as_ref().map(|k| k.as_str().to_owned()),
            ])
        };
        let mut ids = std::collections::HashMap::new();
        let (fresh, known): (Vec<&ImportedAccount>, Vec<&ImportedAccount>) =
            accounts.iter().partition(|a| !existing.contains_key(a.profile.login_id.as_str()));
        for chunk in fresh.chunks(200) {
            let sql = format!(
                "INSERT INTO accounts (login_id, kind, status, organization_name, family_name, given_name, birth_date, \
                 email, phone, language, address, changed_at, name_kana, code_failures, created_at, updated_at) VALUES {} \
                 RETURNING id, login_id",
                (0..chunk.len())
                    .map(|r| {
                        let b = r * 14;
                        let cells: Vec<String> = (1..=13).map(|c| format!("${}", b + c)).collect();
                        format!("({}, 0, ${t}, ${t})", cells.join(", "), t = b + 14)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
            for a in chunk {
                for v in profile_values(&a.profile)? {
                    q = q.bind(v);
                }
                q = q.bind(t);
            }
            for r in q.fetch_all(&mut *tx).await.map_err(db)? {
                ids.insert(r.try_get::<String, _>("login_id").map_err(db)?, r.try_get::<i64, _>("id").map_err(db)?);
            }
        }
        // What the known accounts hold now, so that a contact detail the file changes counts
        // as changed at this import, whatever older time the file gives.
        let mut stored = std::collections::HashMap::new();
        let known_ids: Vec<i64> =
            known.iter().filter_map(|a| existing.get(a.profile.login_id.as_str()).copied()).collect();
        for chunk in known_ids.chunks(500) {
            let ph: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id IN ({})", ph.join(", "));
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&mut *tx).await.map_err(db)? {
                let (_, profile, _) = Self::account_from_row(&r)?;
                stored.insert(profile.login_id.to_string(), profile);
            }
        }
        let mut suspended = 0u64;
        for a in &known {
            let mut profile = a.profile.clone();
            if let Some(before) = stored.get(a.profile.login_id.as_str()) {
                profile.changed_at = ChangedAt::after_update(before, &a.profile, now);
            }
            let v = profile_values(&profile)?;
            let r = sqlx::query(
                "UPDATE accounts SET kind = $2, status = $3, organization_name = $4, family_name = $5, given_name = $6, \
                 birth_date = $7, email = $8, phone = $9, language = $10, address = $11, changed_at = $12, updated_at = $13, \
                 name_kana = $14 WHERE login_id = $1 RETURNING id",
            )
            .bind(v[0].clone())
            .bind(v[1].clone())
            .bind(v[2].clone())
            .bind(v[3].clone())
            .bind(v[4].clone())
            .bind(v[5].clone())
            .bind(v[6].clone())
            .bind(v[7].clone())
            .bind(v[8].clone())
            .bind(v[9].clone())
            .bind(v[10].clone())
            .bind(v[11].clone())
            .bind(t)
            .bind(v[12].clone())
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
            let id = r.try_get::<i64, _>("id").map_err(db)?;
            ids.insert(a.profile.login_id.to_string(), id);
            if profile.status == AccountStatus::Suspended {
                suspended += Self::void_recovery(&mut tx, id, t).await?;
            }
        }
        let creds: Vec<(i64, &str, &str)> = accounts
            .iter()
            .flat_map(|a| {
                let id = ids.get(a.profile.login_id.as_str()).copied().unwrap_or_default();
                a.credentials.iter().map(move |(n, h)| (id, n.as_str(), h.as_str()))
            })
            .collect();
        for chunk in creds.chunks(500) {
            let sql = format!(
                "INSERT INTO credentials (account_id, name, hash, failures, locked, must_change, changed_at) VALUES {} \
                 ON CONFLICT (account_id, name) DO UPDATE SET hash = excluded.hash, failures = 0, locked = 0, \
                 must_change = 0, changed_at = excluded.changed_at, hash_expires_at = NULL, temp_hash = NULL, \
                 temp_expires_at = NULL, reserved_at = NULL",
                (0..chunk.len())
                    .map(|r| {
                        let b = r * 4;
                        format!("(${}, ${}, ${}, 0, 0, 0, ${})", b + 1, b + 2, b + 3, b + 4)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
            for (id, name, hash) in chunk {
                q = q.bind(*id).bind(*name).bind(*hash).bind(t);
            }
            q.execute(&mut *tx).await.map_err(db)?;
        }
        let n = accounts.len();
        let draft = audit.detail(serde_json::json!({
            "accounts": n, "created": fresh.len(), "updated": known.len(), "recovery_voided_by_suspension": suspended,
        }));
        self.audit(&mut tx, now, &draft).await?;
        tx.commit().await.map_err(db)?;
        Ok(n)
    }

    async fn account(&self, login_id: &LoginId) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login_id = $1")))
            .bind(login_id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        let (id, profile, code_failures) = Self::account_from_row(&row)?;
        let creds = sqlx::query(
            "SELECT name, hash, failures, locked, must_change, hash_expires_at, temp_hash, temp_expires_at \
             FROM credentials WHERE account_id = $1 ORDER BY name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let credentials = creds
            .iter()
            .map(|r| {
                Ok(CredentialState {
                    name: r.try_get("name").map_err(db)?,
                    hash: r.try_get("hash").map_err(db)?,
                    failures: u32::try_from(r.try_get::<i64, _>("failures").map_err(db)?).map_err(corrupt)?,
                    locked: r.try_get::<i64, _>("locked").map_err(db)? != 0,
                    must_change: r.try_get::<i64, _>("must_change").map_err(db)? != 0,
                    hash_expires_at: r
                        .try_get::<Option<i64>, _>("hash_expires_at")
                        .map_err(db)?
                        .map(from_ms)
                        .transpose()?,
                    temporary: match (
                        r.try_get::<Option<String>, _>("temp_hash").map_err(db)?,
                        r.try_get::<Option<i64>, _>("temp_expires_at").map_err(db)?,
                    ) {
                        (Some(h), Some(t)) => Some((h, from_ms(t)?)),
                        _ => None,
                    },
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(Account {
            id: AccountId::new(id),
            profile,
            credentials,
            code_failures: u32::try_from(code_failures).map_err(corrupt)?,
        }))
    }

    async fn login_id_of(&self, account_id: AccountId) -> Result<Option<LoginId>, StoreError> {
        let r = sqlx::query("SELECT login_id FROM accounts WHERE id = $1")
            .bind(account_id.get())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        r.map(|r| LoginId::parse(&r.try_get::<String, _>("login_id").map_err(db)?).map_err(corrupt)).transpose()
    }

    async fn accounts_by_email(&self, email: &Email) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query("SELECT login_id FROM accounts WHERE lower(email) = lower($1) ORDER BY login_id")
            .bind(email.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let mut out = Vec::new();
        for r in rows {
            let login = LoginId::parse(&r.try_get::<String, _>("login_id").map_err(db)?).map_err(corrupt)?;
            if let Some(a) = self.account(&login).await? {
                out.push(a);
            }
        }
        Ok(out)
    }
}

impl SqlStore {
    /// A suspended account keeps nothing that could recover it later: its active codes are
    /// voided, its open reset sessions ended, an unused temporary password dropped and a live
    /// call ended with its sealed code, a letter not yet sent withdrawn. Returns how many such things there were.
    pub(crate) async fn void_recovery(
        tx: &mut sqlx::AnyConnection,
        account_id: i64,
        t: i64,
    ) -> Result<u64, StoreError> {
        // Each statement is bound with exactly the parameters it names: PostgreSQL refuses a
        // cached statement of the same text bound with more.
        let statements: [(&str, bool); 4] = [
            ("UPDATE reset_codes SET state = 'void' WHERE account_id = $1 AND state = 'active'", false),
            ("UPDATE reset_sessions SET state = 'ended' WHERE account_id = $1 AND state = 'open'", false),
            (
                "UPDATE credentials SET temp_hash = NULL, temp_expires_at = NULL WHERE account_id = $1 AND temp_hash IS NOT NULL",
                false,
            ),
            (
                "UPDATE calls SET state = 'ended', sealed_code = NULL, last_status = 'account-suspended', updated_at = $2 \
                 WHERE account_id = $1 AND state <> 'ended'",
                true,
            ),
        ];
        let mut n = 0;
        for (sql, with_time) in statements {
            let q = sqlx::query(sql).bind(account_id);
            let q = if with_time { q.bind(t) } else { q };
            n += q.execute(&mut *tx).await.map_err(db)?.rows_affected();
        }
        n += Self::withdraw_unsent_letters(tx, account_id, t).await?;
        Ok(n)
    }
}
