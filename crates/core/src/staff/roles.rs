//! Staff roles and what each may do: `StaffRole::may` is the one table that decides it.
//!
//! Least privilege: a role holds only what its desk needs. Duties are separated where one
//! person holding two of them could recover an account alone: the postal operator, who exports
//! a batch of letters (the only moment postal codes exist in clear), cannot apply for postal
//! codes; the help desk, which applies for them, never exports; the administrator manages staff
//! and approves, but exports nothing either.
//!
//! What no role sees, whatever it may do: a reset code, a PIN, a password or any hash. The
//! console shows codes only as their state (active, spent, void), never their digits.

use serde::{Deserialize, Serialize};

/// A staff member's role; every member has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// The help desk: answers customers, looks up accounts, applies for postal codes, voids
    /// codes, unlocks credentials, holds an account on suspicion of fraud.
    Helpdesk,
    /// The postal operator: closes and exports print batches for the letter vendor and imports
    /// the vendor's tracking and returns files.
    PostalOperator,
    /// The counter: cases handled in person at a branch.
    Counter,
    /// The auditor: reads the audit log and accounts, changes nothing.
    Auditor,
    /// The administrator: manages staff, suspends accounts, pauses channels, approves what
    /// needs a second pair of eyes.
    Admin,
}

/// Something a staff member may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Look up an account and its recovery state (never a secret or a hash).
    ViewAccount,
    /// See an account's full e-mail address, phone number and postal address (masked
    /// otherwise).
    RevealContact,
    /// Apply for a postal reset code on a customer's behalf.
    ApplyPostal,
    /// Void an account's active reset codes.
    VoidCode,
    /// Unlock a locked credential.
    Unlock,
    /// Put an account on fraud hold, or lift the hold.
    FraudHold,
    /// Suspend or reinstate an account.
    SuspendAccount,
    /// Pause or resume a recovery channel (voice, postal) for everyone.
    PauseChannel,
    /// Close print batches and view them.
    ManageBatches,
    /// Export a closed batch for the letter vendor: the only moment postal codes exist in
    /// clear.
    ExportBatch,
    /// Import the vendor's tracking and returns files.
    ImportVendorFiles,
    /// Handle counter cases.
    CounterCases,
    /// Read the audit log.
    ReadAudit,
    /// Enrol, disable and reset staff members.
    ManageStaff,
    /// Approve an action that needs a second person (four eyes).
    Approve,
}

impl StaffRole {
    /// Every role, in the order the table lists them.
    pub const ALL: [StaffRole; 5] =
        [StaffRole::Helpdesk, StaffRole::PostalOperator, StaffRole::Counter, StaffRole::Auditor, StaffRole::Admin];

    /// Whether this role may do `p`. The one place this is decided.
    pub fn may(self, p: Permission) -> bool {
        use Permission as P;
        match self {
            Self::Helpdesk => {
                matches!(p, P::ViewAccount | P::RevealContact | P::ApplyPostal | P::VoidCode | P::Unlock | P::FraudHold)
            }
            // Never ApplyPostal: whoever exports the codes in clear cannot also ask for them.
            Self::PostalOperator => matches!(p, P::ManageBatches | P::ExportBatch | P::ImportVendorFiles),
            Self::Counter => matches!(p, P::CounterCases | P::ViewAccount),
            Self::Auditor => matches!(p, P::ReadAudit | P::ViewAccount),
            // Never ExportBatch nor ApplyPostal: the administrator does not handle codes.
            Self::Admin => matches!(
                p,
                P::ManageStaff
                    | P::SuspendAccount
                    | P::PauseChannel
                    | P::ViewAccount
                    | P::RevealContact
                    | P::VoidCode
                    | P::Unlock
                    | P::FraudHold
                    | P::ReadAudit
                    | P::Approve
            ),
        }
    }

    /// The role as configuration and the database write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Helpdesk => "helpdesk",
            Self::PostalOperator => "postal_operator",
            Self::Counter => "counter",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The roles as a list for messages: `helpdesk, postal_operator, counter, auditor, admin`.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

impl std::fmt::Display for StaffRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Permission {
    /// Every permission, in the order the table lists them.
    pub const ALL: [Permission; 15] = [
        Permission::ViewAccount,
        Permission::RevealContact,
        Permission::ApplyPostal,
        Permission::VoidCode,
        Permission::Unlock,
        Permission::FraudHold,
        Permission::SuspendAccount,
        Permission::PauseChannel,
        Permission::ManageBatches,
        Permission::ExportBatch,
        Permission::ImportVendorFiles,
        Permission::CounterCases,
        Permission::ReadAudit,
        Permission::ManageStaff,
        Permission::Approve,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ViewAccount => "view_account",
            Self::RevealContact => "reveal_contact",
            Self::ApplyPostal => "apply_postal",
            Self::VoidCode => "void_code",
            Self::Unlock => "unlock",
            Self::FraudHold => "fraud_hold",
            Self::SuspendAccount => "suspend_account",
            Self::PauseChannel => "pause_channel",
            Self::ManageBatches => "manage_batches",
            Self::ExportBatch => "export_batch",
            Self::ImportVendorFiles => "import_vendor_files",
            Self::CounterCases => "counter_cases",
            Self::ReadAudit => "read_audit",
            Self::ManageStaff => "manage_staff",
            Self::Approve => "approve",
        }
    }
}

/// The table of roles and permissions as Markdown, as `docs/staff-roles.md` shows it.
pub fn markdown_table() -> String {
    let mut out = String::from("| permission |");
    for r in StaffRole::ALL {
        out.push_str(&format!(" {r} |"));
    }
    out.push_str("\n| --- |");
    for _ in StaffRole::ALL {
        out.push_str(" :-: |");
    }
    out.push('\n');
    for p in Permission::ALL {
        out.push_str(&format!("| `{}` |", p.as_str()));
        for r in StaffRole::ALL {
            out.push_str(if r.may(p) { " ✓ |" } else { " |" });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    static DOC: &str = include_str!("../../../../docs/staff-roles.md");
    static README: &str = include_str!("../../../../README.md");

    #[test]
    fn the_documented_table_is_the_table_the_code_decides_by() {
        let table = markdown_table();
        for (name, text) in [("docs/staff-roles.md", DOC), ("README.md", README)] {
            assert!(
                text.contains(&table),
                "{name} no longer shows the table StaffRole::may decides by; put this in it:\n\n{table}"
            );
        }
    }

    #[test]
    fn duties_that_together_recover_an_account_are_separated() {
        for r in StaffRole::ALL {
            assert!(
                !(r.may(Permission::ExportBatch) && r.may(Permission::ApplyPostal)),
                "{r} may both export codes and apply for them"
            );
        }
        assert!(!StaffRole::Admin.may(Permission::ExportBatch));
        assert!(!StaffRole::PostalOperator.may(Permission::ApplyPostal));
        assert!(!StaffRole::PostalOperator.may(Permission::ViewAccount));
    }

    #[test]
    fn the_auditor_changes_nothing_and_only_the_admin_manages_staff() {
        let read_only = [Permission::ReadAudit, Permission::ViewAccount];
        assert!(Permission::ALL.iter().all(|p| StaffRole::Auditor.may(*p) == read_only.contains(p)));
        let managers: Vec<StaffRole> = StaffRole::ALL
            .into_iter()
            .filter(|r| r.may(Permission::ManageStaff) || r.may(Permission::Approve))
            .collect();
        assert_eq!(managers, vec![StaffRole::Admin]);
    }

    #[test]
    fn roles_read_back_from_their_names_in_snake_case() {
        for r in StaffRole::ALL {
            assert_eq!(StaffRole::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.as_str()));
        }
        for p in Permission::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), serde_json::json!(p.as_str()));
        }
        assert_eq!(StaffRole::parse("Admin"), None);
        assert_eq!(StaffRole::names(), "helpdesk, postal_operator, counter, auditor, admin");
    }
}
