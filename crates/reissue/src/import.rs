//! `reissue account import`: JSON Lines in, all accounts or none written.

use std::collections::BTreeMap;
use std::sync::Arc;

use reissue_core::account::{
    AccountKind, AccountStatus, Address, ChangedAt, Email, KanaName, Language, LoginId, PersonName, PhoneNumber,
    Profile, parse_date,
};
use reissue_core::credential::{CredentialSet, HolderContext};
use reissue_core::hashing::SecretHasher;
use reissue_core::model::ImportedAccount;
use reissue_core::procedures::{HashPriority, Hashing};
use secrecy::SecretString;
use serde::Deserialize;

use crate::import_progress::{Progress, Stage};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    login_id: String,
    kind: AccountKind,
    #[serde(default)]
    organization_name: Option<String>,
    name: Name,
    #[serde(default)]
    name_kana: Option<String>,
    #[serde(default)]
    birth_date: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    address: Option<Address>,
    #[serde(default)]
    credentials: BTreeMap<String, Credential>,
    #[serde(default)]
    changed_at: ChangedAt,
    #[serde(default)]
    status: Option<AccountStatus>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Name {
    family: String,
    given: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credential {
    secret: Option<SecretString>,
    phc: Option<String>,
}

/// A parsed line whose clear-text secrets still need hashing.
struct Parsed {
    line: usize,
    profile: Profile,
    credentials: Vec<(String, CredentialValue)>,
}

enum CredentialValue {
    Hash(String),
    Secret(SecretString),
}

fn parse_line(n: usize, text: &str, set: &CredentialSet) -> Result<Parsed, String> {
    let l: Line = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let login_id = LoginId::parse(&l.login_id).map_err(|e| e.to_string())?;
    let name = PersonName::new(&l.name.family, &l.name.given).map_err(|e| e.to_string())?;
    if l.kind == AccountKind::Organization && l.organization_name.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err("organization_name: required for kind \"organization\"".into());
    }
    let name_kana = l.name_kana.as_deref().map(KanaName::parse).transpose().map_err(|e| e.to_string())?;
    let birth_date =
        l.birth_date.as_deref().map(|d| parse_date("birth_date", d)).transpose().map_err(|e| e.to_string())?;
    let email = l.email.as_deref().map(Email::parse).transpose().map_err(|e| e.to_string())?;
    let phone = l.phone.as_deref().map(PhoneNumber::parse_e164).transpose().map_err(|e| e.to_string())?;
    let language =
        l.language.as_deref().map(Language::parse).transpose().map_err(|e| e.to_string())?.unwrap_or_default();
    let mut credentials = Vec::new();
    for (cname, c) in l.credentials {
        let spec =
            set.get(&cname).ok_or_else(|| format!("credentials.{cname}: not in the configured credential set"))?;
        let value = match (c.secret, c.phc) {
            (Some(s), None) => {
                let holder = HolderContext { login_id: Some(login_id.as_str()), birth_date };
                let normalized = spec.check(&s, holder).map_err(|v| format!("credentials.{cname}: {}", v.message()))?;
                CredentialValue::Secret(normalized)
            }
            (None, Some(h)) if SecretHasher::is_known_format(&h) => CredentialValue::Hash(h),
            (None, Some(_)) => {
                return Err(format!(
                    "credentials.{cname}: phc is not an Argon2 PHC string, a bcrypt $2b$ hash or a Django pbkdf2_sha256$ hash"
                ));
            }
            _ => return Err(format!("credentials.{cname}: give exactly one of \"secret\" or \"phc\"")),
        };
        credentials.push((cname, value));
    }
    let profile = Profile {
        login_id,
        kind: l.kind,
        status: l.status.unwrap_or(AccountStatus::Active),
        organization_name: l.organization_name,
        name,
        name_kana,
        birth_date,
        email,
        phone,
        language,
        address: l.address,
        changed_at: l.changed_at,
    };
    Ok(Parsed { line: n, profile, credentials })
}

/// Parses every line; on any error returns all of them, each with its line number.
/// `progress` counts lines parsed and accounts hashed.
pub async fn parse_all(
    input: &str,
    set: &CredentialSet,
    hashing: Arc<dyn Hashing>,
    progress: &mut Progress,
) -> Result<Vec<ImportedAccount>, Vec<String>> {
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, text) in input.lines().enumerate() {
        let n = i + 1;
        if text.trim().is_empty() {
            continue;
        }
        match parse_line(n, text, set) {
            Ok(p) => {
                if let Some(first) = seen.insert(p.profile.login_id.to_string(), n) {
                    errors.push(format!("line {n}: login_id {} already appears on line {first}", p.profile.login_id));
                } else {
                    parsed.push(p);
                }
            }
            Err(e) => errors.push(format!("line {n}: {e}")),
        }
        progress.counts.parsed += 1;
        progress.show(false);
    }
    if !errors.is_empty() {
        progress.finish();
        return Err(errors);
    }
    progress.counts.stage = Stage::Hashing;
    progress.counts.accounts = parsed.len();
    progress.show(true);
    // Hash clear-text secrets on the bounded pool, several at a time.
    let mut out = Vec::with_capacity(parsed.len());
    for p in parsed {
        let mut creds = Vec::new();
        let mut tasks = Vec::new();
        for (name, v) in p.credentials {
            match v {
                CredentialValue::Hash(h) => creds.push((name, h)),
                CredentialValue::Secret(s) => {
                    let h = hashing.clone();
                    tasks.push((name, tokio::spawn(async move { h.hash(s, HashPriority::Integrator).await })));
                }
            }
        }
        for (name, t) in tasks {
            let hash = t.await.map_err(|e| vec![e.to_string()])?.map_err(|e| vec![format!("line {}: {e}", p.line)])?;
            creds.push((name, hash));
        }
        out.push(ImportedAccount { line: p.line, profile: p.profile, credentials: creds });
        progress.counts.hashed += 1;
        progress.show(false);
    }
    Ok(out)
}
