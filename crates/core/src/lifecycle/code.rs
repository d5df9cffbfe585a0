//! A reset code's lifecycle: `Active` until it is used for a reset (`Spent`), replaced by a
//! newer code or voided with its account (`Void`), or killed by its last allowed wrong entry
//! (`Dead`); past its expiry an active code no longer works. The lifetimes of voice and postal
//! codes are here with their bounds.

use time::{Duration, OffsetDateTime};

use super::{Impossible, Lifetime};

/// A voice code: 24 hours by default (the seed), 10 minutes under the NIST profile.
pub const VOICE: Lifetime =
    Lifetime::new("rules.voice_code_ttl_secs", Duration::minutes(5), Duration::hours(24), Duration::days(3));

/// A postal code: 3 weeks by default; never less than the week a letter takes to arrive.
pub const POSTAL: Lifetime =
    Lifetime::new("rules.postal_code_ttl_secs", Duration::days(7), Duration::days(21), Duration::days(60));

/// The most a voice code may live under the NIST SP 800-63B-4 profile.
pub const NIST_VOICE_MAX: Duration = Duration::minutes(10);

/// The state of a reset code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    Active,
    /// Replaced by a newer code, or voided (account suspended, letter returned).
    Void,
    /// Used for a completed reset.
    Spent,
    /// Killed by too many wrong entries.
    Dead,
}

/// What can happen to a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeEvent {
    /// A wrong entry; `failures` counts it, and the code dies when it reaches `max`.
    WrongEntry { failures: u32, max: u32 },
    /// A reset completed with it.
    Used,
    /// A newer code was issued for the account, or the account or letter voided it.
    Voided,
}

impl CodeEvent {
    fn name(self) -> &'static str {
        match self {
            Self::WrongEntry { .. } => "wrong_entry",
            Self::Used => "used",
            Self::Voided => "voided",
        }
    }
}

impl CodeState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Void => "void",
            Self::Spent => "spent",
            Self::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "active" => Self::Active,
            "void" => Self::Void,
            "spent" => Self::Spent,
            "dead" => Self::Dead,
            _ => return None,
        })
    }

    /// The state after `event`; only an active code changes.
    pub fn next(self, event: CodeEvent) -> Result<CodeState, Impossible> {
        match (self, event) {
            (Self::Active, CodeEvent::WrongEntry { failures, max }) => {
                Ok(if failures >= max { Self::Dead } else { Self::Active })
            }
            (Self::Active, CodeEvent::Used) => Ok(Self::Spent),
            (Self::Active, CodeEvent::Voided) => Ok(Self::Void),
            _ => Err(Impossible { machine: "code", from: self.as_str(), event: event.name() }),
        }
    }
}

/// Whether a code in `state` that expires at `expires_at` may still be entered at `now`.
pub fn usable(state: CodeState, expires_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    state == CodeState::Active && now < expires_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_wrong_entry_kills_the_code() {
        let mut s = CodeState::Active;
        for failures in 1..=5 {
            s = s.next(CodeEvent::WrongEntry { failures, max: 6 }).unwrap();
            assert_eq!(s, CodeState::Active);
        }
        assert_eq!(s.next(CodeEvent::WrongEntry { failures: 6, max: 6 }), Ok(CodeState::Dead));
    }

    #[test]
    fn a_code_is_used_once_and_nothing_revives_it() {
        let spent = CodeState::Active.next(CodeEvent::Used).unwrap();
        assert_eq!(spent, CodeState::Spent);
        for e in [CodeEvent::Used, CodeEvent::Voided, CodeEvent::WrongEntry { failures: 1, max: 6 }] {
            assert!(spent.next(e).is_err());
            assert!(CodeState::Dead.next(e).is_err());
            assert!(CodeState::Void.next(e).is_err());
        }
    }

    #[test]
    fn a_code_works_until_the_instant_it_expires() {
        let issued = OffsetDateTime::UNIX_EPOCH;
        let expires = issued + VOICE.default;
        assert!(usable(CodeState::Active, expires, expires - Duration::seconds(1)));
        assert!(!usable(CodeState::Active, expires, expires));
        assert!(!usable(CodeState::Spent, expires, issued));
    }

    #[test]
    fn code_lifetimes_follow_the_seed_and_keep_their_bounds() {
        assert_eq!(VOICE.default, Duration::hours(24));
        assert_eq!(POSTAL.default, Duration::weeks(3));
        assert!(POSTAL.check(3 * 24 * 3600).is_err(), "a postal code must outlive the letter's journey");
        assert!(VOICE.check(365 * 24 * 3600).is_err());
    }
}
