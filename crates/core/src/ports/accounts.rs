//! Accounts: import and lookup of accounts with their credential state.

use crate::ids::AccountId;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;
use crate::account::{Email, LoginId};
use crate::audit::AuditDraft;
use crate::model::{Account, ImportedAccount};

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("login IDs already exist (use --update to replace them): {}", .0.iter().map(|(l, id)| format!("line {l}: {id}")).collect::<Vec<_>>().join(", "))]
    Existing(Vec<(usize, String)>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[async_trait]
pub trait Accounts: Send + Sync {
    /// Writes all accounts or none. Without `update`, an existing login ID fails the import.
    /// With it, an e-mail, phone, name or address that differs from the stored one gets
    /// `now` as its `changed_at` unless the file gives a later time.
    async fn import_accounts(
        &self,
        accounts: Vec<ImportedAccount>,
        update: bool,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<usize, ImportError>;

    async fn account(&self, login_id: &LoginId) -> Result<Option<Account>, StoreError>;

    async fn login_id_of(&self, account_id: AccountId) -> Result<Option<LoginId>, StoreError>;

    /// Accounts whose registered e-mail is `email`, compared without regard to case.
    async fn accounts_by_email(&self, email: &Email) -> Result<Vec<Account>, StoreError>;
}
