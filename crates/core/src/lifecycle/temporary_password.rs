//! A temporary password's lifecycle (P5): `Issued` beside the old password, which keeps
//! working, so that a stranger's request cannot lock the owner out; its first use makes it
//! the password (`InUse`: must be changed, and stops working at its expiry); a change ends it
//! (`Changed`). A newer initialization voids an unused one (`Superseded`); past its expiry an
//! unused one no longer works.

use time::{Duration, OffsetDateTime};

use super::{Impossible, Lifetime};

/// 24 hours by default.
pub const TEMPORARY_PASSWORD: Lifetime =
    Lifetime::new("rules.temporary_password_ttl_secs", Duration::hours(1), Duration::hours(24), Duration::days(7));

/// The state of a temporary password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemporaryState {
    /// Sent, not used yet; the old password still works.
    Issued,
    /// Used once: it is now the password, must be changed, and expires.
    InUse,
    Changed,
    Superseded,
    Expired,
}

/// What can happen to a temporary password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemporaryEvent {
    FirstUse,
    Change,
    /// A newer initialization for the same credential.
    Supersede,
}

impl TemporaryState {
    /// Whether it still signs in at `now`, given its expiry.
    pub fn signs_in(self, expires_at: OffsetDateTime, now: OffsetDateTime) -> bool {
        matches!(self, Self::Issued | Self::InUse) && now < expires_at
    }

    pub fn next(self, event: TemporaryEvent) -> Result<TemporaryState, Impossible> {
        match (self, event) {
            (Self::Issued, TemporaryEvent::FirstUse) => Ok(Self::InUse),
            (Self::InUse, TemporaryEvent::Change) => Ok(Self::Changed),
            (Self::Issued, TemporaryEvent::Supersede) => Ok(Self::Superseded),
            (s, e) => Err(Impossible {
                machine: "temporary password",
                from: match s {
                    Self::Issued => "issued",
                    Self::InUse => "in_use",
                    Self::Changed => "changed",
                    Self::Superseded => "superseded",
                    Self::Expired => "expired",
                },
                event: match e {
                    TemporaryEvent::FirstUse => "first_use",
                    TemporaryEvent::Change => "change",
                    TemporaryEvent::Supersede => "supersede",
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_password_is_used_then_changed_and_never_used_twice_as_new() {
        let used = TemporaryState::Issued.next(TemporaryEvent::FirstUse).unwrap();
        assert_eq!(used, TemporaryState::InUse);
        assert!(used.next(TemporaryEvent::FirstUse).is_err());
        assert!(used.next(TemporaryEvent::Supersede).is_err(), "once used it is the password");
        assert_eq!(used.next(TemporaryEvent::Change), Ok(TemporaryState::Changed));
        assert!(TemporaryState::Changed.next(TemporaryEvent::Change).is_err());
    }

    #[test]
    fn a_temporary_password_stops_signing_in_at_its_expiry() {
        let issued = OffsetDateTime::UNIX_EPOCH;
        let expires = issued + TEMPORARY_PASSWORD.default;
        assert!(TemporaryState::Issued.signs_in(expires, expires - Duration::seconds(1)));
        assert!(!TemporaryState::Issued.signs_in(expires, expires));
        assert!(!TemporaryState::Superseded.signs_in(expires, issued));
    }
}
