//! Who a staff request is: the one place the console (a session cookie) and the staff JSON API
//! (a bearer session token, or an API token of a staff role) turn a request into a
//! [`StaffCaller`], and the one place permissions are asked (`StaffCaller::may`, which defers
//! to `StaffRole::may`).

use reissue_core::procedures::Requester;
use reissue_core::staff::{Permission, StaffRole, StaffSession};

use crate::AppState;

/// A staff member (or a help-desk tool's token) making a request.
#[derive(Debug, Clone)]
pub struct StaffCaller {
    pub credential: StaffCredential,
    /// The audit log's actor, with the client address.
    pub requester: Requester,
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum StaffCredential {
    /// A signed-in staff member.
    Session(StaffSession),
    /// An API token of a staff role: a help-desk tool that authenticates its own users. It
    /// cannot give a fresh TOTP code, so actions that ask for one are taken on the token's
    /// standing alone; its name is in every audit event.
    Token { name: String, role: StaffRole },
}

impl StaffCaller {
    pub fn role(&self) -> StaffRole {
        match &self.credential {
            StaffCredential::Session(s) => s.role,
            StaffCredential::Token { role, .. } => *role,
        }
    }

    /// Whether the caller may do `p` (never, for a session whose initial password is still
    /// to be changed).
    pub fn may(&self, p: Permission) -> bool {
        match &self.credential {
            StaffCredential::Session(s) => s.may(p),
            StaffCredential::Token { role, .. } => role.may(p),
        }
    }

    pub fn session(&self) -> Option<&StaffSession> {
        match &self.credential {
            StaffCredential::Session(s) => Some(s),
            StaffCredential::Token { .. } => None,
        }
    }
}

/// The caller a staff session token belongs to, if the session is valid now (which also moves
/// its last-seen time). Storage failures count as no session.
pub async fn from_session_token(state: &AppState, token: &str, ip: Option<String>) -> Option<StaffCaller> {
    let now = state.clock.now();
    let session = state.recovery.staff_session(token, now).await.ok().flatten()?;
    let requester = Requester { actor: session.actor(), client_ip: ip };
    Some(StaffCaller { credential: StaffCredential::Session(session), requester })
}
