//! Staff members: who they are (`StaffLogin`, `StaffRole`), what each role may do
//! (`roles.rs`, the one table), their second factor (`totp.rs`), and the figures of their
//! sign-in (`StaffRules`, the `[staff]` configuration section). The procedures that enrol them,
//! sign them in and keep their sessions are in `procedures/staff.rs`; their storage is the
//! `ports::staff::StaffDirectory` port.
//!
//! A staff member signs in with a password and a TOTP code. The password is Argon2id with the
//! customers' pepper, under a staff policy (`StaffRules::password_spec`); the TOTP secret is
//! sealed (`Keys`, purpose `staff-totp`, bound to the member's ID). A session is a random token
//! the console keeps in a cookie; the database holds only its MAC.

pub mod roles;
pub mod totp;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use roles::{Permission, StaffRole};

use crate::credential::{CredentialKind, CredentialSpec, PolicyViolation};
use crate::hashing::HashError;
use crate::ids::StaffId;
use crate::lifecycle::staff_session;
use crate::ports::StoreError;

/// A staff member's sign-in name: after NFKC and ASCII lower-casing, 3 to 64 of `a-z`, `0-9`,
/// `.`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct StaffLogin(String);

/// Why a staff login was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a staff login is 3 to 64 of a-z, 0-9, '.', '_' and '-'")]
pub struct InvalidStaffLogin;

impl StaffLogin {
    pub fn parse(input: &str) -> Result<Self, InvalidStaffLogin> {
        let folded = crate::text::nfkc(input.trim()).to_ascii_lowercase();
        let ok = (3..=64).contains(&folded.len())
            && folded.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
        if ok { Ok(Self(folded)) } else { Err(InvalidStaffLogin) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for StaffLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for StaffLogin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Whether a member may sign in at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffStatus {
    Active,
    /// Disabled by an administrator: no sign-in, every session ended.
    Disabled,
}

impl StaffStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// A member as a list shows them: never a hash or a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffMember {
    pub id: StaffId,
    pub login: StaffLogin,
    pub role: StaffRole,
    pub display_name: String,
    pub status: StaffStatus,
    /// Locked after too many failed sign-ins; an administrator's reset unlocks.
    pub locked: bool,
    pub must_change_password: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_sign_in_at: Option<OffsetDateTime>,
}

/// What an enrolment (or a reset) hands over once: the initial password and the `otpauth://`
/// URI of the TOTP secret. Nothing keeps them in clear afterwards.
#[derive(Debug)]
pub struct Enrolment {
    pub login: StaffLogin,
    pub initial_password: SecretString,
    pub otpauth_uri: SecretString,
}

/// A signed-in staff session, as every console request sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    /// The session's row, so that a password change can end the member's other sessions.
    pub session_id: i64,
    pub staff_id: StaffId,
    pub login: StaffLogin,
    pub role: StaffRole,
    pub display_name: String,
    /// Signed in with an initial password: until `staff_set_new_password` succeeds, the
    /// session may do nothing else (`may` answers false).
    pub must_change_password: bool,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// The session ends at this time whatever happens.
    pub absolute_expires_at: OffsetDateTime,
}

impl StaffSession {
    /// Whether this session may do `p`: what its role may (`StaffRole::may`), and nothing
    /// while the initial password still has to be changed.
    pub fn may(&self, p: Permission) -> bool {
        !self.must_change_password && self.role.may(p)
    }

    /// The actor the audit log names for what this session does.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor::Staff(self.login.as_str().to_owned())
    }
}

/// A successful sign-in: the session token, returned this once (the console puts it in a
/// cookie; the database has only its MAC), and the session.
#[derive(Debug)]
pub struct StaffSignIn {
    pub token: SecretString,
    pub session: StaffSession,
}

/// Why a staff sign-in or a fresh TOTP was refused. The answer never says which factor was
/// wrong, nor whether the login exists.
#[derive(Debug, thiserror::Error)]
pub enum StaffAuthError {
    /// Wrong login, password or code, a code already used, or a disabled member.
    #[error("sign-in refused: the login, password or code is not right")]
    Refused,
    /// Too many failures: an administrator must reset the member.
    #[error("sign-in is locked after too many failures; an administrator must reset it")]
    Locked,
    /// Checks of this member's sign-in fill the attempt budget just now, or the hashing pool
    /// is full; nothing was counted.
    #[error("too many sign-ins are being checked at once; try again")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(HashError),
}

/// Why a staff procedure other than sign-in did not complete.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error(transparent)]
    InvalidLogin(#[from] InvalidStaffLogin),
    #[error("a staff member's name must be 1 to 100 characters without control characters")]
    InvalidName,
    #[error("a staff member with login {0} exists already")]
    LoginTaken(StaffLogin),
    #[error("no staff member with login {0}")]
    UnknownStaff(String),
    #[error("the staff session is not valid or has expired")]
    InvalidSession,
    #[error("the new password {}", .0.message())]
    Policy(PolicyViolation),
    #[error("the new password must differ from the current one")]
    SamePassword,
    #[error(transparent)]
    Auth(#[from] StaffAuthError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// The figures of staff sign-in: the `[staff]` configuration section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StaffRules {
    /// A session unused this long ends.
    pub session_idle_secs: i64,
    /// A session ends this long after sign-in, however busy.
    pub session_absolute_secs: i64,
    /// The shortest staff password (at least 12).
    pub password_min_length: usize,
    /// Consecutive failed sign-ins (a wrong password or code, a code used twice, a wrong fresh
    /// code) after which the member is locked; the customers' passwords lock after 10 too.
    pub max_failures: u32,
    /// The actions that wait for a second staff member's approval (four eyes), by name:
    /// `postal_application`, `unlock`, ... (`StaffAction::NAMES`). None by default.
    pub four_eyes: Vec<String>,
}

impl Default for StaffRules {
    fn default() -> Self {
        Self {
            session_idle_secs: staff_session::IDLE.default.whole_seconds(),
            session_absolute_secs: staff_session::ABSOLUTE.default.whole_seconds(),
            password_min_length: 12,
            max_failures: 10,
            four_eyes: Vec::new(),
        }
    }
}

/// Groups and characters per group of an initial password: `xxxxx-xxxxx-xxxxx-xxxxx`, about
/// 112 bits from the look-alike-free alphabet.
pub const INITIAL_PASSWORD_GROUPS: (usize, usize) = (4, 5);

impl StaffRules {
    /// Refuses figures outside their bounds, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        let idle = staff_session::IDLE.check(self.session_idle_secs)?;
        let absolute = staff_session::ABSOLUTE.check(self.session_absolute_secs)?;
        if idle > absolute {
            return Err("staff.session_idle_secs must not be longer than staff.session_absolute_secs".into());
        }
        if !(12..=64).contains(&self.password_min_length) {
            return Err("staff.password_min_length must be between 12 and 64".into());
        }
        if !(1..=100).contains(&self.max_failures) {
            return Err("staff.max_failures must be between 1 and 100".into());
        }
        let names = crate::procedures::helpdesk::StaffAction::NAMES;
        if let Some(bad) = self.four_eyes.iter().find(|a| !names.contains(&a.as_str())) {
            return Err(format!("staff.four_eyes: {bad:?} is not an action; the actions are {}", names.join(", ")));
        }
        Ok(())
    }

    pub fn idle(&self) -> time::Duration {
        staff_session::IDLE.clamp(time::Duration::seconds(self.session_idle_secs))
    }

    pub fn absolute(&self) -> time::Duration {
        staff_session::ABSOLUTE.clamp(time::Duration::seconds(self.session_absolute_secs))
    }

    /// The policy a staff password meets: the customers' password policy type (length, no
    /// control characters, not a common password, not the login or the service name).
    pub fn password_spec(&self) -> CredentialSpec {
        CredentialSpec {
            name: "staff_password".into(),
            kind: CredentialKind::Password,
            min_length: self.password_min_length.max(12),
            max_length: 128,
            max_failures: self.max_failures,
            resettable_online: false,
            label_ja: "職員パスワード".into(),
            label_en: "Staff password".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::HolderContext;

    #[test]
    fn a_staff_login_is_folded_then_checked() {
        assert_eq!(StaffLogin::parse("demo-admin").unwrap().as_str(), "demo-admin");
        assert_eq!(StaffLogin::parse(" Taro.Koku_2 ").unwrap().as_str(), "taro.koku_2");
        assert_eq!(StaffLogin::parse("ｔａｒｏ").unwrap().as_str(), "taro", "full-width letters fold (NFKC)");
        assert_eq!(StaffLogin::parse(&"a".repeat(64)).unwrap().as_str().len(), 64);
        for bad in ["", "ab", "a b", "taro@bank", "太郎さん", "tarō", &"a".repeat(65), "x\u{0}y"] {
            assert_eq!(StaffLogin::parse(bad), Err(InvalidStaffLogin), "{bad:?}");
        }
        let back: StaffLogin = serde_json::from_str("\"ADMIN\"").unwrap();
        assert_eq!(back.as_str(), "admin");
        assert!(serde_json::from_str::<StaffLogin>("\"no way\"").is_err());
    }

    #[test]
    fn the_staff_policy_wants_twelve_characters_not_common_and_not_the_login() {
        let spec = StaffRules::default().password_spec();
        let check = |pw: &str, login: &str| {
            spec.check(&SecretString::from(pw.to_owned()), HolderContext { login_id: Some(login), birth_date: None })
                .map(|_| ())
        };
        assert_eq!(check("eleven char", "taro"), Err(PolicyViolation::TooShort { min: 12 }));
        assert_eq!(check("administrator", "taro"), Err(PolicyViolation::Common));
        assert_eq!(check("taro.koku.desk", "taro.koku.desk"), Err(PolicyViolation::ContainsContext));
        assert_eq!(check("lantern harbour", "taro"), Ok(()));
    }

    #[test]
    fn staff_figures_outside_their_bounds_are_refused_naming_the_setting() {
        assert_eq!(StaffRules::default().validate(), Ok(()));
        let e = StaffRules { session_idle_secs: 5, ..StaffRules::default() }.validate().unwrap_err();
        assert!(e.contains("staff.session_idle_secs"), "{e}");
        let e = StaffRules { session_absolute_secs: 7 * 86_400, ..StaffRules::default() }.validate().unwrap_err();
        assert!(e.contains("staff.session_absolute_secs"), "{e}");
        let e = StaffRules { session_idle_secs: 3600, session_absolute_secs: 1800, ..StaffRules::default() }
            .validate()
            .unwrap_err();
        assert!(e.contains("longer than"), "{e}");
        assert!(StaffRules { password_min_length: 8, ..StaffRules::default() }.validate().is_err());
        assert!(StaffRules { max_failures: 0, ..StaffRules::default() }.validate().is_err());
    }
}
