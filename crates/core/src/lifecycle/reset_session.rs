//! A reset session's lifecycle: a right code opens it (`Open`); it ends when the reset
//! completes (`Completed`), when the same code opens a newer session (`Superseded`), or at
//! its expiry. It never outlives its code by more than a minute, so a code about to expire
//! still leaves time to fill in the form.

use time::{Duration, OffsetDateTime};

use super::{Impossible, Lifetime};

/// 15 minutes by default.
pub const SESSION: Lifetime =
    Lifetime::new("rules.reset_session_ttl_secs", Duration::minutes(1), Duration::minutes(15), Duration::hours(1));

/// The time a session opened at `now` always has, even when its code expires sooner.
pub const GRACE: Duration = Duration::minutes(1);

/// The state of a reset session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Open,
    Completed,
    Superseded,
    Expired,
}

/// What can happen to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEvent {
    Complete,
    /// The same code opened a newer session.
    Supersede,
}

impl SessionState {
    /// The state of a stored session: `open` as stored, and its expiry.
    pub fn of(open: bool, expires_at: OffsetDateTime, now: OffsetDateTime) -> Self {
        match (open, now < expires_at) {
            (true, true) => Self::Open,
            (true, false) => Self::Expired,
            // A closed session was completed or superseded; either way it is over.
            (false, _) => Self::Completed,
        }
    }

    pub fn next(self, event: SessionEvent) -> Result<SessionState, Impossible> {
        match (self, event) {
            (Self::Open, SessionEvent::Complete) => Ok(Self::Completed),
            (Self::Open, SessionEvent::Supersede) => Ok(Self::Superseded),
            (s, e) => Err(Impossible {
                machine: "reset session",
                from: match s {
                    Self::Open => "open",
                    Self::Completed => "completed",
                    Self::Superseded => "superseded",
                    Self::Expired => "expired",
                },
                event: match e {
                    SessionEvent::Complete => "complete",
                    SessionEvent::Supersede => "supersede",
                },
            }),
        }
    }
}

/// When a session opened at `now` for a code expiring at `code_expires_at` expires.
pub fn expires_at(now: OffsetDateTime, ttl: Duration, code_expires_at: OffsetDateTime) -> OffsetDateTime {
    (now + SESSION.clamp(ttl)).min(code_expires_at.max(now + GRACE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lasts_its_lifetime_but_not_much_past_its_code() {
        let now = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(expires_at(now, SESSION.default, now + Duration::days(1)), now + Duration::minutes(15));
        assert_eq!(expires_at(now, SESSION.default, now + Duration::minutes(5)), now + Duration::minutes(5));
        assert_eq!(expires_at(now, SESSION.default, now + Duration::seconds(10)), now + GRACE);
    }

    #[test]
    fn a_session_completes_once_and_expires_at_its_time() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let end = now + Duration::minutes(15);
        assert_eq!(SessionState::of(true, end, end - Duration::seconds(1)), SessionState::Open);
        assert_eq!(SessionState::of(true, end, end), SessionState::Expired);
        let done = SessionState::Open.next(SessionEvent::Complete).unwrap();
        assert!(done.next(SessionEvent::Complete).is_err());
        assert!(SessionState::Expired.next(SessionEvent::Complete).is_err());
        assert_eq!(SessionState::Open.next(SessionEvent::Supersede), Ok(SessionState::Superseded));
    }
}
