//! A staff session's lifecycle: a sign-in opens it (`Active`); every request that uses it
//! moves its `last_seen_at`; it ends when its member signs out (here or everywhere), is
//! disabled or reset (`Ended`), when it goes unused for the idle lifetime (`Idle`), or at the
//! absolute end fixed at sign-in (`Expired`), however busy it was.
//!
//! The store applies `still_valid` in the same conditional update that touches a session, so
//! the limits hold across instances: `UPDATE ... SET last_seen_at = now WHERE ended_at IS NULL
//! AND last_seen_at > now - idle AND absolute_expires_at > now`.

use time::{Duration, OffsetDateTime};

use super::{Impossible, Lifetime};

/// A session unused this long ends: 15 minutes by default.
pub const IDLE: Lifetime =
    Lifetime::new("staff.session_idle_secs", Duration::minutes(1), Duration::minutes(15), Duration::hours(2));

/// A session ends this long after sign-in: 8 hours (a working day) by default.
pub const ABSOLUTE: Lifetime =
    Lifetime::new("staff.session_absolute_secs", Duration::minutes(15), Duration::hours(8), Duration::hours(24));

/// The state of a staff session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffSessionState {
    Active,
    /// Unused for the idle lifetime.
    Idle,
    /// Past its absolute end.
    Expired,
    /// Signed out, or its member was disabled or reset.
    Ended,
}

/// What can happen to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffSessionEvent {
    /// A request used it.
    Touch,
    /// Signed out, or ended with all of its member's sessions.
    End,
}

impl StaffSessionState {
    /// The state of a stored session at `now`.
    pub fn of(
        ended: bool,
        last_seen_at: OffsetDateTime,
        absolute_expires_at: OffsetDateTime,
        idle: Duration,
        now: OffsetDateTime,
    ) -> Self {
        if ended {
            Self::Ended
        } else if now >= absolute_expires_at {
            Self::Expired
        } else if now >= last_seen_at + idle {
            Self::Idle
        } else {
            Self::Active
        }
    }

    pub fn next(self, event: StaffSessionEvent) -> Result<StaffSessionState, Impossible> {
        match (self, event) {
            (Self::Active, StaffSessionEvent::Touch) => Ok(Self::Active),
            // Ending a session that timed out is allowed (sign-out after a pause), and leaves
            // it ended; ending an ended one is a no-op the caller does not count.
            (Self::Active | Self::Idle | Self::Expired, StaffSessionEvent::End) => Ok(Self::Ended),
            (s, e) => Err(Impossible {
                machine: "staff session",
                from: match s {
                    Self::Active => "active",
                    Self::Idle => "idle",
                    Self::Expired => "expired",
                    Self::Ended => "ended",
                },
                event: match e {
                    StaffSessionEvent::Touch => "touch",
                    StaffSessionEvent::End => "end",
                },
            }),
        }
    }
}

/// When a session opened at `now` ends at the latest.
pub fn absolute_expires_at(now: OffsetDateTime, absolute: Duration) -> OffsetDateTime {
    now + ABSOLUTE.clamp(absolute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifetimes_have_their_bounds_and_refuse_values_outside_them() {
        assert_eq!(IDLE.check(900), Ok(Duration::minutes(15)));
        assert_eq!(ABSOLUTE.check(8 * 3600), Ok(Duration::hours(8)));
        assert!(IDLE.check(59).unwrap_err().contains("staff.session_idle_secs"));
        assert!(IDLE.check(2 * 3600 + 1).is_err());
        assert!(ABSOLUTE.check(14 * 60).unwrap_err().contains("staff.session_absolute_secs"));
        assert!(ABSOLUTE.check(24 * 3600 + 1).is_err());
        assert!(IDLE.default <= ABSOLUTE.default && IDLE.min <= ABSOLUTE.min);
    }

    #[test]
    fn a_session_goes_idle_at_its_idle_lifetime_and_ends_at_its_absolute_end() {
        let t = OffsetDateTime::UNIX_EPOCH;
        let end = absolute_expires_at(t, ABSOLUTE.default);
        let idle = IDLE.default;
        assert_eq!(
            StaffSessionState::of(false, t, end, idle, t + idle - Duration::seconds(1)),
            StaffSessionState::Active
        );
        assert_eq!(StaffSessionState::of(false, t, end, idle, t + idle), StaffSessionState::Idle);
        let late = end - Duration::seconds(1);
        assert_eq!(StaffSessionState::of(false, late, end, idle, late), StaffSessionState::Active);
        assert_eq!(StaffSessionState::of(false, late, end, idle, end), StaffSessionState::Expired);
        assert_eq!(StaffSessionState::of(true, t, end, idle, t), StaffSessionState::Ended);
    }

    #[test]
    fn only_an_active_session_can_be_used_and_an_ended_one_stays_ended() {
        assert_eq!(StaffSessionState::Active.next(StaffSessionEvent::Touch), Ok(StaffSessionState::Active));
        assert!(StaffSessionState::Idle.next(StaffSessionEvent::Touch).is_err());
        assert!(StaffSessionState::Expired.next(StaffSessionEvent::Touch).is_err());
        assert_eq!(StaffSessionState::Idle.next(StaffSessionEvent::End), Ok(StaffSessionState::Ended));
        assert!(StaffSessionState::Ended.next(StaffSessionEvent::End).is_err());
        assert!(StaffSessionState::Ended.next(StaffSessionEvent::Touch).is_err());
    }
}
