//! Who a staff request is: the one place the console (a session cookie) and the staff JSON API
//! (a bearer session token, or an API token of a staff role) turn a request into a
//! [`StaffCaller`], and the one place permissions are asked (`StaffCaller::may`, which defers
//! to `StaffRole::may`). The console reads its cookie with `from_session_token`; the JSON API
//! reads its bearer token with `from_bearer`.

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

/// What a bearer token on the staff JSON API turned out to be.
#[derive(Debug)]
pub enum StaffBearer {
    /// A staff session, or an API token of a staff role.
    Caller(StaffCaller),
    /// A valid token of no staff role (an integrator's).
    NotStaff,
    /// No valid session or token.
    Invalid,
}

/// The caller a bearer token names on the staff API: a staff session token (`st_...`, valid
/// now, which moves its last use), else an API token — `admin.token` from configuration or
/// one from `reissue token create` — whose role maps to a staff role (`Role::staff_role`).
pub async fn from_bearer(
    state: &AppState,
    token: &str,
    ip: Option<String>,
) -> Result<StaffBearer, reissue_core::procedures::RecoveryError> {
    use secrecy::ExposeSecret;
    use subtle::ConstantTimeEq;
    if token.starts_with("st_") {
        return Ok(match from_session_token(state, token, ip).await {
            Some(caller) => StaffBearer::Caller(caller),
            None => StaffBearer::Invalid,
        });
    }
    let found = match &state.admin_token {
        Some(admin) if bool::from(admin.expose_secret().as_bytes().ct_eq(token.as_bytes())) => {
            Some(("admin.token".to_owned(), reissue_core::model::Role::Admin))
        }
        _ => state.recovery.token_role(token).await?,
    };
    let Some((name, role)) = found else { return Ok(StaffBearer::Invalid) };
    let Some(role) = role.staff_role() else { return Ok(StaffBearer::NotStaff) };
    let requester = Requester { actor: reissue_core::audit::Actor::Token(name.clone()), client_ip: ip };
    Ok(StaffBearer::Caller(StaffCaller { credential: StaffCredential::Token { name, role }, requester }))
}
