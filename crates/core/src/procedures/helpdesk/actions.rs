//! What staff do to an account or a channel. Each action takes a reason and is audited with
//! the staff member as actor; the customer is e-mailed where they should know (a voided code,
//! an unlocked credential, a postal letter on its way), never where it would warn a fraudster
//! (a fraud hold). Under the four-eyes rule an action named in `[staff] four_eyes` waits for
//! a second staff member (`approvals.rs`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{HelpDeskError, reason};
use crate::outbox::{MessageBody, OutboxMessage};
use crate::ports::helpdesk::{Channel, ChannelPause};
use crate::ports::postal::{Hold, HoldKind};
use crate::procedures::postal::{IdentityCheck, PostalApplication};
use crate::procedures::{Recovery, Requester};
use crate::staff::Permission;

/// An action staff take, as the console and the API submit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum StaffAction {
    /// P4: apply for a postal reset code after checking the caller's identity.
    PostalApplication {
        login_id: String,
        reason: String,
        identity_checks: Vec<IdentityCheck>,
    },
    /// Void the active code at the customer's request.
    VoidCode {
        login_id: String,
        reason: String,
    },
    /// Unlock a locked credential.
    Unlock {
        login_id: String,
        credential: String,
        reason: String,
    },
    /// Put the account on a fraud hold: no recovery procedure until lifted.
    FraudHold {
        login_id: String,
        reason: String,
    },
    LiftFraudHold {
        login_id: String,
        reason: String,
    },
    /// Clear the review a refused letter asked for.
    ClearReview {
        login_id: String,
        reason: String,
    },
    Suspend {
        login_id: String,
        reason: String,
    },
    Resume {
        login_id: String,
        reason: String,
    },
    /// Pause a recovery channel for everyone.
    PauseChannel {
        channel: Channel,
        reason: String,
    },
    ResumeChannel {
        channel: Channel,
        reason: String,
    },
}

impl StaffAction {
    /// Every action's name, as `[staff] four_eyes` and the audit log name it.
    pub const NAMES: [&'static str; 10] = [
        "postal_application",
        "void_code",
        "unlock",
        "fraud_hold",
        "lift_fraud_hold",
        "clear_review",
        "suspend",
        "resume",
        "pause_channel",
        "resume_channel",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            Self::PostalApplication { .. } => "postal_application",
            Self::VoidCode { .. } => "void_code",
            Self::Unlock { .. } => "unlock",
            Self::FraudHold { .. } => "fraud_hold",
            Self::LiftFraudHold { .. } => "lift_fraud_hold",
            Self::ClearReview { .. } => "clear_review",
            Self::Suspend { .. } => "suspend",
            Self::Resume { .. } => "resume",
            Self::PauseChannel { .. } => "pause_channel",
            Self::ResumeChannel { .. } => "resume_channel",
        }
    }

    /// What a staff member must be allowed to take this action (and, under the four-eyes
    /// rule, to approve it, besides `Approve`).
    pub fn permission(&self) -> Permission {
        match self {
            Self::PostalApplication { .. } => Permission::ApplyPostal,
            Self::VoidCode { .. } => Permission::VoidCode,
            Self::Unlock { .. } => Permission::Unlock,
            Self::FraudHold { .. } | Self::LiftFraudHold { .. } | Self::ClearReview { .. } => Permission::FraudHold,
            Self::Suspend { .. } | Self::Resume { .. } => Permission::SuspendAccount,
            Self::PauseChannel { .. } | Self::ResumeChannel { .. } => Permission::PauseChannel,
        }
    }

    pub fn login_id(&self) -> Option<&str> {
        match self {
            Self::PostalApplication { login_id, .. }
            | Self::VoidCode { login_id, .. }
            | Self::Unlock { login_id, .. }
            | Self::FraudHold { login_id, .. }
            | Self::LiftFraudHold { login_id, .. }
            | Self::ClearReview { login_id, .. }
            | Self::Suspend { login_id, .. }
            | Self::Resume { login_id, .. } => Some(login_id),
            Self::PauseChannel { .. } | Self::ResumeChannel { .. } => None,
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            Self::PostalApplication { reason, .. }
            | Self::VoidCode { reason, .. }
            | Self::Unlock { reason, .. }
            | Self::FraudHold { reason, .. }
            | Self::LiftFraudHold { reason, .. }
            | Self::ClearReview { reason, .. }
            | Self::Suspend { reason, .. }
            | Self::Resume { reason, .. }
            | Self::PauseChannel { reason, .. }
            | Self::ResumeChannel { reason, .. } => reason,
        }
    }
}

/// What an action did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ActionResult {
    /// A letter was queued.
    Letter(PostalApplication),
    /// Done; `what` says what changed, in plain words for the log and the console.
    Done { action: &'static str, what: String },
}

/// An action done, or waiting for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ActionOutcome {
    Done {
        result: ActionResult,
    },
    /// Waits for a second staff member under the four-eyes rule.
    Pending {
        id: i64,
    },
}

impl Recovery {
    /// Takes `action` as `who`: at once, or, when the four-eyes rule names it, once a second
    /// staff member approves. What it needs is checked now either way, so that a request
    /// that cannot succeed is refused before anyone is asked to approve it.
    pub async fn staff_action(
        &self,
        action: StaffAction,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<ActionOutcome, HelpDeskError> {
        self.check_action(&action, now).await?;
        if self.four_eyes.iter().any(|a| a == action.name()) {
            let payload = serde_json::to_value(&action)
                .map_err(|e| HelpDeskError::Invalid { field: "action", problem: e.to_string() })?;
            let audit = who
                .audit(action.name(), action.login_id(), "awaiting_approval")
                .detail(serde_json::json!({ "reason": action.reason() }));
            let id = self
                .store
                .queue_action(action.name(), action.login_id(), payload, &who.actor.to_string(), now, audit)
                .await?;
            return Ok(ActionOutcome::Pending { id });
        }
        Ok(ActionOutcome::Done { result: self.run_action(action, who, None, now).await? })
    }

    /// What must hold for `action` before it is taken or queued.
    async fn check_action(&self, action: &StaffAction, now: OffsetDateTime) -> Result<(), HelpDeskError> {
        reason(action.reason())?;
        let Some(login) = action.login_id() else { return Ok(()) };
        let account = self.helpdesk_account(login).await?;
        match action {
            StaffAction::PostalApplication { identity_checks, .. } => {
                if identity_checks.is_empty() {
                    return Err(HelpDeskError::Invalid {
                        field: "identity_checks",
                        problem: "say what was checked of the caller's identity".into(),
                    });
                }
                let refused = self.postal_refusals(&account, now).await?;
                if !refused.is_empty() {
                    return Err(crate::procedures::postal::PostalError::Ineligible(refused).into());
                }
            }
            StaffAction::Unlock { credential, .. } => match account.credential(credential) {
                None => {
                    return Err(HelpDeskError::Invalid {
                        field: "credential",
                        problem: format!("the account has no credential {credential:?}"),
                    });
                }
                Some(c) if !c.locked => return Err(HelpDeskError::NothingToDo(format!("{credential} is not locked"))),
                Some(_) => {}
            },
            _ => {}
        }
        Ok(())
    }

    /// Takes the action as `who`; `approved_by` names the second staff member under the
    /// four-eyes rule, in the audit event.
    pub(crate) async fn run_action(
        &self,
        action: StaffAction,
        who: &Requester,
        approved_by: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<ActionResult, HelpDeskError> {
        let why = reason(action.reason())?;
        let name = action.name();
        let detail = |extra: serde_json::Value| {
            let mut d = serde_json::json!({ "reason": why });
            if let Some(a) = approved_by {
                d["approved_by"] = serde_json::json!(a);
            }
            if let serde_json::Value::Object(m) = extra {
                for (k, v) in m {
                    d[k] = v;
                }
            }
            d
        };
        let done = |what: String| Ok(ActionResult::Done { action: name, what });
        let account = match action.login_id() {
            Some(login) => Some(self.helpdesk_account(login).await?),
            None => None,
        };
        let login = account.as_ref().map(|a| a.profile.login_id.to_string()).unwrap_or_default();
        let mail = |kind: &str, subject_body: Option<(String, String)>| -> Vec<OutboxMessage> {
            let (Some(a), Some((subject, body))) = (&account, subject_body) else { return Vec::new() };
            a.profile
                .email
                .as_ref()
                .map(|e| OutboxMessage {
                    idempotency_key: format!("{kind}-{login}-{}", now.unix_timestamp_nanos()),
                    body: MessageBody::Email { to: e.as_str().to_owned(), subject, body },
                })
                .into_iter()
                .collect()
        };
        let account_id = |a: &Option<crate::model::Account>| {
            a.as_ref().map(|a| a.id).ok_or_else(|| HelpDeskError::UnknownAccount(String::new()))
        };
        match action {
            StaffAction::PostalApplication { login_id, identity_checks, .. } => Ok(ActionResult::Letter(
                self.apply_postal(&login_id, &why, &identity_checks, who, approved_by, now).await?,
            )),
            StaffAction::PauseChannel { channel, .. } => {
                let pause =
                    ChannelPause { channel, reason: why.clone(), paused_by: who.actor.to_string(), paused_at: now };
                let audit = who.audit(name, None, "paused").detail(detail(serde_json::json!({ "channel": channel })));
                if !self.store.pause_channel(pause, now, audit).await? {
                    return Err(HelpDeskError::NothingToDo(format!("{} is already paused", channel.as_str())));
                }
                done(format!("{} paused", channel.as_str()))
            }
            StaffAction::ResumeChannel { channel, .. } => {
                let audit = who.audit(name, None, "resumed").detail(detail(serde_json::json!({ "channel": channel })));
                if !self.store.resume_channel(channel, now, audit).await? {
                    return Err(HelpDeskError::NothingToDo(format!("{} is not paused", channel.as_str())));
                }
                done(format!("{} resumed", channel.as_str()))
            }
            StaffAction::VoidCode { .. } => {
                let id = account_id(&account)?;
                let p = account.as_ref().map(|a| &a.profile);
                let m = mail(
                    "code-voided",
                    p.map(|p| crate::mail::code_voided(&self.catalogue, p, &self.institution, now)),
                );
                let audit = who.audit(name, Some(&login), "voided").detail(detail(serde_json::json!({})));
                if self.store.void_codes(id, m, now, audit).await? == 0 {
                    return Err(HelpDeskError::NothingToDo("the account has no active code".into()));
                }
                done("the active code was voided".into())
            }
            StaffAction::Unlock { credential, .. } => {
                let id = account_id(&account)?;
                let p = account.as_ref().map(|a| &a.profile);
                let label = match (self.credentials.get(&credential), p) {
                    (Some(spec), Some(p)) => self.label(spec, p),
                    _ => credential.clone(),
                };
                let m = mail(
                    "unlocked",
                    p.map(|p| crate::mail::unlocked(&self.catalogue, p, &self.institution, &label, now)),
                );
                let audit = who
                    .audit(name, Some(&login), "unlocked")
                    .detail(detail(serde_json::json!({ "credential": credential })));
                if !self.store.unlock_credential(id, &credential, m, now, audit).await? {
                    return Err(HelpDeskError::NothingToDo(format!("{credential} is not locked")));
                }
                done(format!("{credential} was unlocked"))
            }
            StaffAction::FraudHold { .. } => {
                let hold =
                    Hold { kind: HoldKind::Fraud, reason: why.clone(), set_by: who.actor.to_string(), set_at: now };
                let audit = who.audit(name, Some(&login), "held").detail(detail(serde_json::json!({})));
                if !self.store.put_hold(account_id(&account)?, hold, now, audit).await? {
                    return Err(HelpDeskError::NothingToDo("the account is already on a fraud hold".into()));
                }
                done("the account is on a fraud hold; its codes and sessions were voided".into())
            }
            StaffAction::LiftFraudHold { .. } | StaffAction::ClearReview { .. } => {
                let kind = if name == "lift_fraud_hold" { HoldKind::Fraud } else { HoldKind::Review };
                let audit = who.audit(name, Some(&login), "lifted").detail(detail(serde_json::json!({})));
                if !self.store.lift_hold(account_id(&account)?, kind, now, audit).await? {
                    return Err(HelpDeskError::NothingToDo(format!("the account has no {} hold", kind.as_str())));
                }
                done(format!("the {} hold was lifted", kind.as_str()))
            }
            StaffAction::Suspend { .. } | StaffAction::Resume { .. } => {
                let suspend = name == "suspend";
                let audit = who
                    .audit(name, Some(&login), if suspend { "suspended" } else { "resumed" })
                    .detail(detail(serde_json::json!({})));
                if !self.store.set_suspended(account_id(&account)?, suspend, now, audit).await? {
                    let what = if suspend { "the account is already suspended" } else { "the account is active" };
                    return Err(HelpDeskError::NothingToDo(what.into()));
                }
                done(if suspend { "the account was suspended" } else { "the account was resumed" }.into())
            }
        }
    }
}
