//! The four-eyes rule: an action named in `[staff] four_eyes` waits until a second staff
//! member approves it, and is then taken as its requester's, with the approver in its audit
//! event. Of two staff who approve at once, one does; the requester cannot approve their own.

use time::OffsetDateTime;

use super::{ActionResult, HelpDeskError, StaffAction, reason};
use crate::ports::helpdesk::PendingAction;
use crate::procedures::{Recovery, Requester};

impl Recovery {
    /// Sets which actions wait for a second staff member (`[staff] four_eyes`); a name that is
    /// no action is refused, naming the actions there are.
    pub fn with_four_eyes(mut self, actions: &[String]) -> Result<Self, String> {
        if let Some(bad) = actions.iter().find(|a| !StaffAction::NAMES.contains(&a.as_str())) {
            return Err(format!(
                "staff.four_eyes: {bad:?} is not an action; the actions are {}",
                StaffAction::NAMES.join(", ")
            ));
        }
        self.four_eyes = actions.to_vec();
        Ok(self)
    }

    /// Whether `action` waits for a second staff member.
    pub fn needs_approval(&self, action: &str) -> bool {
        self.four_eyes.iter().any(|a| a == action)
    }

    /// Actions waiting for approval first, then the newest decided.
    pub async fn staff_actions(&self, limit: u32) -> Result<Vec<PendingAction>, HelpDeskError> {
        Ok(self.store.actions(limit).await?)
    }

    /// A waiting action, with what it asks for.
    pub async fn pending_action(&self, id: i64) -> Result<(PendingAction, StaffAction), HelpDeskError> {
        let pending = self.store.action(id).await?.ok_or(HelpDeskError::UnknownAction(id))?;
        let action: StaffAction = serde_json::from_value(pending.payload.clone())
            .map_err(|e| HelpDeskError::Invalid { field: "action", problem: e.to_string() })?;
        Ok((pending, action))
    }

    /// Approves action `id` as `who` and takes it as its requester's. If it can no longer be
    /// taken (the account changed meanwhile), it is marked failed with why.
    pub async fn approve_action(
        &self,
        id: i64,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<ActionResult, HelpDeskError> {
        let (pending, action) = self.pending_action(id).await?;
        let me = who.actor.to_string();
        if pending.requested_by == me {
            return Err(HelpDeskError::OwnAction);
        }
        if pending.state != "pending" {
            return Err(HelpDeskError::AlreadyDecided(id));
        }
        let audit = who.audit("action_approved", pending.login_id.as_deref(), "approved").detail(serde_json::json!({
            "pending_action": id, "action": pending.action, "requested_by": pending.requested_by,
        }));
        if !self.store.decide_action(id, "pending", "approved", &me, None, now, audit).await? {
            return Err(HelpDeskError::AlreadyDecided(id));
        }
        let requester = Requester { actor: actor_of(&pending.requested_by), client_ip: None };
        match self.run_action(action, &requester, Some(&me), now).await {
            Ok(result) => Ok(result),
            Err(e) => {
                let audit = who
                    .audit("action_failed", pending.login_id.as_deref(), "failed")
                    .detail(serde_json::json!({ "pending_action": id, "error": e.to_string() }));
                self.store.decide_action(id, "approved", "failed", &me, Some(&e.to_string()), now, audit).await?;
                Err(e)
            }
        }
    }

    /// Rejects action `id` as `who`, for a reason.
    pub async fn reject_action(
        &self,
        id: i64,
        why: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<(), HelpDeskError> {
        let why = reason(why)?;
        let (pending, _) = self.pending_action(id).await?;
        let me = who.actor.to_string();
        let audit = who.audit("action_rejected", pending.login_id.as_deref(), "rejected").detail(serde_json::json!({
            "pending_action": id, "action": pending.action, "reason": why,
        }));
        if !self.store.decide_action(id, "pending", "rejected", &me, Some(&why), now, audit).await? {
            return Err(HelpDeskError::AlreadyDecided(id));
        }
        Ok(())
    }
}

/// The actor an audit log entry names (`staff:LOGIN`, `token:NAME`, `cli`) as it was.
fn actor_of(written: &str) -> crate::audit::Actor {
    use crate::audit::Actor;
    match written.split_once(':') {
        Some(("staff", login)) => Actor::Staff(login.to_owned()),
        Some(("token", name)) => Actor::Token(name.to_owned()),
        _ if written == "cli" => Actor::Cli,
        _ => Actor::Staff(written.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_requester_is_named_again_as_the_audit_log_wrote_them() {
        for written in ["staff:hd.sato", "token:helpdesk-tool", "cli"] {
            assert_eq!(super::actor_of(written).to_string(), written);
        }
    }
}
