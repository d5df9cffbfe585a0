//! The lifecycles of what recovery creates — a call, a reset code, a reset session, a
//! temporary password, a staff session — each an explicit state machine: its states, the
//! events that move it, and `next()`, which refuses a transition that cannot happen. Each
//! lifetime is a named `Lifetime` with MIN, DEFAULT and MAX: configuration outside the bounds
//! is refused, naming the setting and the bounds, so that no deployment can make a code live
//! for a year or a session for a second.

pub mod call;
pub mod code;
pub mod counter_case;
pub mod letter;
pub mod reset_session;
pub mod staff_session;
pub mod temporary_password;

use time::Duration;

/// How long an attempt at a password or PIN counted before its check may stay unsettled. A
/// check takes well under a second; an attempt still unsettled after this was lost (the
/// process died between counting and recording it), and once such attempts fill the
/// credential's budget they are settled as the failures they were counted as.
pub const ATTEMPT_LEASE: Duration = Duration::minutes(1);

/// A transition the machine does not allow. Reaching one is a bug or a stale request; the
/// caller refuses it and changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{machine}: {event} cannot happen in state {from}")]
pub struct Impossible {
    pub machine: &'static str,
    pub from: &'static str,
    pub event: &'static str,
}

/// A lifetime and its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    /// The configuration key that sets it, in seconds.
    pub setting: &'static str,
    pub min: Duration,
    pub default: Duration,
    pub max: Duration,
}

impl Lifetime {
    pub const fn new(setting: &'static str, min: Duration, default: Duration, max: Duration) -> Self {
        Self { setting, min, default, max }
    }

    /// The configured number of seconds as a lifetime, or an error naming the setting and its
    /// bounds when it is outside them.
    pub fn check(&self, secs: i64) -> Result<Duration, String> {
        let d = Duration::seconds(secs);
        if d < self.min || d > self.max {
            return Err(format!(
                "{} must be between {} and {} seconds (default {}), not {secs}",
                self.setting,
                self.min.whole_seconds(),
                self.max.whole_seconds(),
                self.default.whole_seconds()
            ));
        }
        Ok(d)
    }

    /// `d` brought within the bounds.
    pub fn clamp(&self, d: Duration) -> Duration {
        d.clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Lifetime = Lifetime::new("rules.x_secs", Duration::minutes(1), Duration::hours(1), Duration::days(1));

    #[test]
    fn a_lifetime_outside_its_bounds_is_refused_naming_the_setting_and_bounds() {
        assert_eq!(L.check(3600), Ok(Duration::hours(1)));
        assert_eq!(L.check(60), Ok(Duration::minutes(1)));
        let e = L.check(59).unwrap_err();
        assert!(e.contains("rules.x_secs") && e.contains("60") && e.contains("86400"), "{e}");
        assert!(L.check(86_401).is_err());
        assert_eq!(L.clamp(Duration::days(9)), Duration::days(1));
        assert_eq!(L.clamp(Duration::ZERO), Duration::minutes(1));
    }
}
