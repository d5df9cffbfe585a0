//! The voice call's lifecycle: written with the application (`Pending`), accepted by the
//! provider (`Placed`), heard of from the provider (`InProgress`), the code spoken
//! (`CodeIssued`), and `Ended` for one of the reasons in `EndReason`. Also the decisions about
//! a call's time: when a call not yet placed is too late to ring, and how long a call may last.

use time::{Duration, OffsetDateTime};

use super::{Impossible, Lifetime};

/// How long a call may go without any word from the provider before it is treated as never
/// placed (and no longer blocks a new application).
pub const SILENCE: Lifetime =
    Lifetime::new("rules.call_silence_timeout_secs", Duration::minutes(1), Duration::minutes(10), Duration::hours(1));

/// The state of a voice call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Written with the application; the outbox has not placed it yet.
    Pending,
    /// The provider accepted it.
    Placed,
    /// The provider has called back (ringing or answered).
    InProgress,
    /// The code was spoken.
    CodeIssued,
    /// Ended: completed, no answer, busy, failed, out of PIN tries, and so on.
    Ended,
}

/// Why a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
    /// The caller used the call's PIN tries.
    OutOfTries,
    /// The gate credential is locked.
    PinLocked,
    /// The caller keyed nothing for the configured number of prompts.
    NoInput,
    /// The account was suspended while the call was under way.
    AccountSuspended,
    /// The outbox could not place it before it was too late to ring.
    NotPlacedInTime,
    /// The PIN could not be checked just now (the server was too busy); nothing was counted.
    CheckUnavailable,
}

impl EndReason {
    /// The status recorded for the call.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Busy => "busy",
            Self::NoAnswer => "no-answer",
            Self::Failed => "failed",
            Self::Canceled => "canceled",
            Self::OutOfTries => "out-of-tries",
            Self::PinLocked => "pin-locked",
            Self::NoInput => "no-input",
            Self::AccountSuspended => "account-suspended",
            Self::NotPlacedInTime => "expired",
            Self::CheckUnavailable => "check-unavailable",
        }
    }

    /// Whether the customer should hear of it in the audit log as a call that did not reach
    /// them (the application has ended; they may apply again).
    pub fn is_unreached(self) -> bool {
        matches!(self, Self::Busy | Self::NoAnswer | Self::Failed | Self::Canceled)
    }
}

/// What can happen to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallEvent {
    /// The provider accepted the request to place it.
    Accepted,
    /// The provider reported progress (queued, ringing, answered).
    Progress,
    /// A right PIN: the code was issued and spoken.
    CodeIssued,
    End(EndReason),
}

impl CallEvent {
    fn name(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Progress => "progress",
            Self::CodeIssued => "code_issued",
            Self::End(_) => "end",
        }
    }
}

/// A call status as the provider reports it (Twilio's `CallStatus` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderStatus {
    Queued,
    Initiated,
    Ringing,
    InProgress,
    Completed,
    Busy,
    Failed,
    NoAnswer,
    Canceled,
}

impl ProviderStatus {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => Self::Queued,
            "initiated" => Self::Initiated,
            "ringing" => Self::Ringing,
            "in-progress" | "answered" => Self::InProgress,
            "completed" => Self::Completed,
            "busy" => Self::Busy,
            "failed" => Self::Failed,
            "no-answer" => Self::NoAnswer,
            "canceled" => Self::Canceled,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Initiated => "initiated",
            Self::Ringing => "ringing",
            Self::InProgress => "in-progress",
            Self::Completed => "completed",
            Self::Busy => "busy",
            Self::Failed => "failed",
            Self::NoAnswer => "no-answer",
            Self::Canceled => "canceled",
        }
    }

    /// The event the status means for the call.
    pub fn event(self) -> CallEvent {
        match self {
            Self::Queued | Self::Initiated | Self::Ringing | Self::InProgress => CallEvent::Progress,
            Self::Completed => CallEvent::End(EndReason::Completed),
            Self::Busy => CallEvent::End(EndReason::Busy),
            Self::Failed => CallEvent::End(EndReason::Failed),
            Self::NoAnswer => CallEvent::End(EndReason::NoAnswer),
            Self::Canceled => CallEvent::End(EndReason::Canceled),
        }
    }
}

impl CallState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Placed => "placed",
            Self::InProgress => "in_progress",
            Self::CodeIssued => "code_issued",
            Self::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "placed" => Self::Placed,
            "in_progress" => Self::InProgress,
            "code_issued" => Self::CodeIssued,
            "ended" => Self::Ended,
            _ => return None,
        })
    }

    pub fn is_live(self) -> bool {
        !matches!(self, Self::Ended)
    }

    /// Whether the dialogue may still ask for the PIN.
    pub fn takes_pin(self) -> bool {
        matches!(self, Self::Placed | Self::InProgress)
    }

    /// The state after `event`. Progress reported late (after the code, or a provider's
    /// callbacks arriving out of order) keeps the state; nothing moves an ended call.
    pub fn next(self, event: CallEvent) -> Result<CallState, Impossible> {
        use CallEvent as E;
        use CallState as S;
        let next = match (self, event) {
            (S::Ended, _) => None,
            (_, E::End(_)) => Some(S::Ended),
            (S::Pending, E::Accepted) => Some(S::Placed),
            (S::Placed | S::InProgress | S::CodeIssued, E::Accepted) => Some(self),
            (S::Pending | S::Placed | S::InProgress, E::Progress) => Some(S::InProgress),
            (S::CodeIssued, E::Progress) => Some(S::CodeIssued),
            (S::Placed | S::InProgress, E::CodeIssued) => Some(S::CodeIssued),
            (S::Pending | S::CodeIssued, E::CodeIssued) => None,
        };
        next.ok_or(Impossible { machine: "call", from: self.as_str(), event: event.name() })
    }
}

impl CallState {
    /// Every state a call can be in.
    pub const ALL: [CallState; 5] =
        [CallState::Pending, CallState::Placed, CallState::InProgress, CallState::CodeIssued, CallState::Ended];

    /// The state changes `event` makes, as `(from, to)` for each state it moves: the table a
    /// store applies in one conditional write, so that which transitions exist is decided
    /// here and not in SQL.
    pub fn moves(event: CallEvent) -> Vec<(CallState, CallState)> {
        Self::ALL
            .into_iter()
            .filter_map(|from| from.next(event).ok().filter(|to| *to != from).map(|to| (from, to)))
            .collect()
    }
}

/// Whether a call not yet placed may still ring: after `max_age` the customer may have
/// applied again or given up, so the call is dropped instead of ringing late.
pub fn may_still_ring(created_at: OffsetDateTime, now: OffsetDateTime, max_age: Duration) -> bool {
    now - created_at <= max_age
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallEvent as E;
    use CallState as S;

    #[test]
    fn a_call_moves_from_pending_to_ended_through_its_states() {
        let s = S::Pending.next(E::Accepted).unwrap();
        assert_eq!(s, S::Placed);
        let s = s.next(ProviderStatus::Ringing.event()).unwrap();
        assert_eq!(s, S::InProgress);
        let s = s.next(E::CodeIssued).unwrap();
        assert_eq!(s, S::CodeIssued);
        assert_eq!(s.next(ProviderStatus::InProgress.event()), Ok(S::CodeIssued), "late progress keeps the state");
        assert_eq!(s.next(ProviderStatus::Completed.event()), Ok(S::Ended));
    }

    #[test]
    fn nothing_moves_an_ended_call_and_a_code_is_issued_once() {
        for e in [E::Accepted, E::Progress, E::CodeIssued, E::End(EndReason::Busy)] {
            assert!(S::Ended.next(e).is_err(), "{e:?}");
        }
        assert!(S::CodeIssued.next(E::CodeIssued).is_err());
        assert!(S::Pending.next(E::CodeIssued).is_err(), "no code before the provider has the call");
    }

    #[test]
    fn provider_statuses_parse_and_unknown_ones_are_refused() {
        for s in
            ["queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"]
        {
            assert_eq!(ProviderStatus::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(ProviderStatus::parse("exploded"), None);
        assert!(ProviderStatus::Busy.event() == E::End(EndReason::Busy) && EndReason::Busy.is_unreached());
        assert!(!EndReason::Completed.is_unreached());
    }

    #[test]
    fn the_moves_of_an_event_are_its_transitions_that_change_the_state() {
        assert_eq!(CallState::moves(E::Accepted), vec![(S::Pending, S::Placed)]);
        assert_eq!(CallState::moves(E::Progress), vec![(S::Pending, S::InProgress), (S::Placed, S::InProgress)]);
        let end = CallState::moves(E::End(EndReason::Completed));
        assert_eq!(end.len(), 4, "every live state ends; an ended call stays as it is");
        assert!(end.iter().all(|(from, to)| *from != S::Ended && *to == S::Ended));
    }

    #[test]
    fn a_call_too_old_to_ring_is_dropped() {
        let t = OffsetDateTime::UNIX_EPOCH;
        assert!(may_still_ring(t, t + Duration::minutes(10), Duration::minutes(10)));
        assert!(!may_still_ring(t, t + Duration::minutes(10) + Duration::seconds(1), Duration::minutes(10)));
    }
}
