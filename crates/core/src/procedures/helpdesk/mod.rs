//! The help desk's procedures: finding an account (`search.rs`), the account view with
//! everything staff need to help a caller and nothing they must not see — never a code, a PIN
//! or a hash (`view.rs`), the actions staff take, each with a reason and audited with the
//! staff member as actor (`actions.rs`), and the four-eyes rule, under which an action waits
//! for a second staff member's approval (`approvals.rs`).
//!
//! Who may do what is decided by the caller from the staff member's role (`staff.rs`); these
//! procedures take the staff member as a `Requester` and record them.

mod actions;
mod approvals;
mod search;
mod view;

pub use actions::{ActionOutcome, ActionResult, StaffAction};
pub use search::{AccountMatch, SearchInput};
pub use view::{AccountView, CodeView, ContactField, CredentialView, Eligibility, LetterLine};

use crate::ports::StoreError;
use crate::ports::helpdesk::Channel;
use crate::procedures::Recovery;
use crate::procedures::postal::PostalError;

/// What went wrong in a help-desk procedure.
#[derive(Debug, thiserror::Error)]
pub enum HelpDeskError {
    #[error("no account has the login ID {0}")]
    UnknownAccount(String),
    #[error("{field}: {problem}")]
    Invalid { field: &'static str, problem: String },
    /// The action would change nothing (the credential is not locked, there is no active
    /// code, the account already has that status).
    #[error("nothing to do: {0}")]
    NothingToDo(String),
    #[error("no action {0} waits for approval")]
    UnknownAction(i64),
    #[error("action {0} was already decided")]
    AlreadyDecided(i64),
    /// Four eyes means two different people.
    #[error("an action must be approved by someone other than who asked for it")]
    OwnAction,
    #[error(transparent)]
    Postal(#[from] PostalError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The longest reason staff may give.
pub(crate) const MAX_REASON: usize = 500;

/// A reason staff give for an action: required, trimmed, bounded.
pub(crate) fn reason(input: &str) -> Result<String, HelpDeskError> {
    let r = input.trim();
    if r.is_empty() {
        return Err(HelpDeskError::Invalid { field: "reason", problem: "say why".into() });
    }
    if r.chars().count() > MAX_REASON || r.chars().any(|c| c.is_control() && c != '\n') {
        return Err(HelpDeskError::Invalid {
            field: "reason",
            problem: format!("at most {MAX_REASON} characters, no control characters"),
        });
    }
    Ok(r.to_owned())
}

impl Recovery {
    /// Whether an administrator paused `channel` for everyone.
    pub(crate) async fn paused(&self, channel: Channel) -> Result<bool, StoreError> {
        Ok(self.store.channel_pauses().await?.iter().any(|p| p.channel == channel))
    }

    /// Why a procedure on `channel` is closed to the account, or `None`: the channel paused
    /// for everyone, or the account on a fraud hold. The audit log gets the outcome.
    pub(crate) async fn blocked(
        &self,
        account: crate::ids::AccountId,
        channel: Channel,
    ) -> Result<Option<&'static str>, StoreError> {
        if self.paused(channel).await? {
            return Ok(Some("ineligible_channel_paused"));
        }
        let standing = self.store.account_standing(account).await?;
        if standing.hold(crate::ports::postal::HoldKind::Fraud).is_some() {
            return Ok(Some("ineligible_fraud_hold"));
        }
        Ok(None)
    }
}
