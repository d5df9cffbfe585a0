//! Finding an account: by login ID, or by any of name, phone, name in kana and birth date
//! together. Every search is audited with what it searched by (not the values).

use serde::Serialize;
use time::OffsetDateTime;

use super::HelpDeskError;
use crate::account::{KanaName, LoginId, PersonName, Profile, parse_date};
use crate::ports::helpdesk::AccountSearch;
use crate::procedures::{Recovery, Requester};

/// The most accounts one search lists.
const MAX_MATCHES: u32 = 50;

/// What staff typed; blank fields are ignored.
#[derive(Debug, Clone, Default)]
pub struct SearchInput {
    pub login_id: String,
    pub family_name: String,
    pub given_name: String,
    /// E.164 (`+81...`), or a Japanese number as people write it (`090-1234-5678`).
    pub phone: String,
    pub name_kana: String,
    pub birth_date: String,
}

/// One account found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountMatch {
    pub login_id: String,
    pub kind: &'static str,
    pub name: String,
    pub organization_name: Option<String>,
    pub name_kana: Option<String>,
    pub birth_date: Option<String>,
    pub status: &'static str,
}

impl AccountMatch {
    fn of(p: &Profile) -> Self {
        Self {
            login_id: p.login_id.to_string(),
            kind: p.kind.as_str(),
            name: format!("{} {}", p.name.family(), p.name.given()),
            organization_name: p.organization_name.clone(),
            name_kana: p.name_kana.as_ref().map(|k| k.as_str().to_owned()),
            birth_date: p.birth_date.map(crate::account::format_date),
            status: match p.status {
                crate::account::AccountStatus::Active => "active",
                crate::account::AccountStatus::Suspended => "suspended",
            },
        }
    }
}

fn given(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

impl Recovery {
    /// Finds accounts for the help desk.
    pub async fn find_accounts(
        &self,
        input: &SearchInput,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<Vec<AccountMatch>, HelpDeskError> {
        let invalid =
            |field: &'static str, e: crate::account::FieldError| HelpDeskError::Invalid { field, problem: e.reason };
        let mut by = Vec::new();
        let found = if let Some(l) = given(&input.login_id) {
            by.push("login_id");
            let login = LoginId::parse(l).map_err(|e| invalid("login_id", e))?;
            self.store.account(&login).await?.map(|a| vec![a.profile]).unwrap_or_default()
        } else {
            let mut search = AccountSearch::default();
            match (given(&input.family_name), given(&input.given_name)) {
                (Some(f), Some(g)) => {
                    by.push("name");
                    search.name = Some(PersonName::new(f, g).map_err(|e| invalid("name", e))?);
                }
                (None, None) => {}
                _ => {
                    return Err(HelpDeskError::Invalid {
                        field: "name",
                        problem: "give both the family and the given name".into(),
                    });
                }
            }
            if let Some(p) = given(&input.phone) {
                by.push("phone");
                let parsed = if p.starts_with('+') || p.starts_with('＋') {
                    crate::account::PhoneNumber::parse_e164(p)
                } else {
                    crate::identity::parse_phone("JP", p)
                };
                search.phone = Some(parsed.map_err(|e| invalid("phone", e))?);
            }
            if let Some(k) = given(&input.name_kana) {
                by.push("name_kana");
                search.name_kana = Some(KanaName::parse(k).map_err(|e| invalid("name_kana", e))?);
            }
            if let Some(d) = given(&input.birth_date) {
                by.push("birth_date");
                search.birth_date = Some(parse_date("birth_date", d).map_err(|e| invalid("birth_date", e))?);
            }
            if by.is_empty() {
                return Err(HelpDeskError::Invalid {
                    field: "search",
                    problem: "give a login ID, or any of name, phone, name in kana and birth date".into(),
                });
            }
            self.store.search_accounts(&search, MAX_MATCHES).await?
        };
        let audit =
            who.audit("account_search", None, "ok").detail(serde_json::json!({ "by": by, "matches": found.len() }));
        self.store.append_audit(now, audit).await?;
        Ok(found.iter().map(AccountMatch::of).collect())
    }
}
