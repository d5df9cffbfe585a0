//! A counter case's lifecycle (P8b), from the first visit to its end.
//!
//! A case of the holder in person or of a legal representative opens `Open`: the checklist is
//! recorded and the PIN step done in that visit (`PinStepDone` once every PIN concerned has a
//! success). A proxy's case opens `InquiryReady`: its inquiry letter can be printed; marking
//! it mailed makes it `AwaitingReply`. At the second visit — on a later calendar day — the
//! right check code from the letter makes it `SecondVisit` (five wrong ones close it,
//! `CheckCodeRefused`), and its checklist and PIN step follow as above. A returned inquiry
//! letter closes it `Undeliverable`; a case not completed within its lifetime is `Expired`;
//! staff may `Cancel` a case that is not yet closed, with a reason.
//!
//! ```text
//!  in person / legal representative          proxy
//!  ┌──────┐                                  ┌──────────────┐ mailed ┌───────────────┐
//!  │ open │                                  │inquiry_ready │───────▶│awaiting_reply │
//!  └──┬───┘                                  └──────┬───────┘        └──┬─────────┬──┘
//!     │ pin step done                        returned│      check code ok│         │5 wrong
//!     ▼                                             ▼                   ▼         ▼
//!  ┌─────────┐   pin step done   ┌────────────┐ ┌─────────────┐  ┌────────────────────┐
//!  │completed│◀──────────────────│second_visit│ │undeliverable│  │check_code_refused  │
//!  └─────────┘                   └────────────┘ └─────────────┘  └────────────────────┘
//!  any state not closed: lifetime over → expired; staff cancel → cancelled
//! ```

use time::Duration;

use super::{Impossible, Lifetime};
use crate::counter::CaseType;
use crate::counter::checklist::Visit;

/// How long a case stays open: long enough for the inquiry letter's round trip by post.
pub const CASE_LIFETIME: Lifetime =
    Lifetime::new("counter.case_lifetime_secs", Duration::days(7), Duration::days(30), Duration::days(90));

/// How long a case token shown on the console may be claimed by `reissue card`.
pub const CASE_TOKEN_LIFETIME: Duration = Duration::minutes(15);

/// How long after its claim the card client may report the outcome: the holder keys three
/// PINs, with time to read the prompts.
pub const REPORT_WINDOW: Duration = Duration::minutes(15);

/// Wrong check codes that close a proxy's case.
pub const MAX_CHECK_CODE_FAILURES: i64 = 5;

/// Where a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseState {
    Open,
    InquiryReady,
    AwaitingReply,
    SecondVisit,
    Completed,
    Undeliverable,
    CheckCodeRefused,
    Expired,
    Cancelled,
}

/// What can happen to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseEvent {
    /// The proxy's inquiry letter was printed and mailed.
    InquiryMailed,
    /// The inquiry letter came back undelivered.
    InquiryReturned,
    /// The second visit presented the right check code on a later day.
    CheckCodeAccepted,
    /// The last allowed wrong check code.
    CheckCodeLimitReached,
    /// Every PIN concerned was changed or reset.
    PinStepDone,
    /// The lifetime passed.
    Expire,
    /// Staff closed it, with a reason.
    Cancel,
}

impl CaseEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InquiryMailed => "inquiry_mailed",
            Self::InquiryReturned => "inquiry_returned",
            Self::CheckCodeAccepted => "check_code_accepted",
            Self::CheckCodeLimitReached => "check_code_limit_reached",
            Self::PinStepDone => "pin_step_done",
            Self::Expire => "expire",
            Self::Cancel => "cancel",
        }
    }
}

impl CaseState {
    pub const ALL: [CaseState; 9] = [
        Self::Open,
        Self::InquiryReady,
        Self::AwaitingReply,
        Self::SecondVisit,
        Self::Completed,
        Self::Undeliverable,
        Self::CheckCodeRefused,
        Self::Expired,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InquiryReady => "inquiry_ready",
            Self::AwaitingReply => "awaiting_reply",
            Self::SecondVisit => "second_visit",
            Self::Completed => "completed",
            Self::Undeliverable => "undeliverable",
            Self::CheckCodeRefused => "check_code_refused",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Where a new case of `case_type` starts.
    pub fn initial(case_type: CaseType) -> Self {
        match case_type {
            CaseType::Proxy => Self::InquiryReady,
            CaseType::InPerson | CaseType::LegalRepresentative => Self::Open,
        }
    }

    /// Nothing more happens to a closed case.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Completed | Self::Undeliverable | Self::CheckCodeRefused | Self::Expired | Self::Cancelled)
    }

    /// The visit whose checklist is recorded now, if any.
    pub fn visit(self) -> Option<Visit> {
        match self {
            Self::Open | Self::InquiryReady => Some(Visit::First),
            Self::SecondVisit => Some(Visit::Second),
            _ => None,
        }
    }

    /// Whether the PIN step may be done now (once the visit's checklist is complete).
    pub fn pin_step_possible(self) -> bool {
        matches!(self, Self::Open | Self::SecondVisit)
    }

    /// The state after `event`, or why it cannot happen.
    pub fn next(self, event: CaseEvent) -> Result<CaseState, Impossible> {
        use CaseEvent as E;
        use CaseState as S;
        let to = match (self, event) {
            (S::InquiryReady, E::InquiryMailed) => S::AwaitingReply,
            (S::InquiryReady | S::AwaitingReply, E::InquiryReturned) => S::Undeliverable,
            (S::AwaitingReply, E::CheckCodeAccepted) => S::SecondVisit,
            (S::AwaitingReply, E::CheckCodeLimitReached) => S::CheckCodeRefused,
            (S::Open | S::SecondVisit, E::PinStepDone) => S::Completed,
            (s, E::Expire | E::Cancel) if !s.is_closed() => {
                if event == E::Expire {
                    S::Expired
                } else {
                    S::Cancelled
                }
            }
            _ => return Err(Impossible { machine: "counter case", from: self.as_str(), event: event.as_str() }),
        };
        Ok(to)
    }

    /// The states in which `event` can happen, for a conditional write.
    pub fn before(event: CaseEvent) -> Vec<CaseState> {
        Self::ALL.into_iter().filter(|s| s.next(event).is_ok()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_case_waits_for_the_letter_and_the_second_visit() {
        let s = CaseState::initial(CaseType::Proxy);
        assert_eq!(s, CaseState::InquiryReady);
        assert!(!s.pin_step_possible(), "never the same day");
        let s = s.next(CaseEvent::InquiryMailed).unwrap();
        assert!(s.next(CaseEvent::PinStepDone).is_err());
        let s = s.next(CaseEvent::CheckCodeAccepted).unwrap();
        assert_eq!(s.visit(), Some(Visit::Second));
        assert_eq!(s.next(CaseEvent::PinStepDone), Ok(CaseState::Completed));
    }

    #[test]
    fn closed_cases_do_not_move() {
        for s in CaseState::ALL.into_iter().filter(|s| s.is_closed()) {
            for e in [CaseEvent::Expire, CaseEvent::Cancel, CaseEvent::PinStepDone, CaseEvent::InquiryReturned] {
                assert!(s.next(e).is_err(), "{s:?} {e:?}");
            }
        }
        assert_eq!(CaseState::AwaitingReply.next(CaseEvent::InquiryReturned), Ok(CaseState::Undeliverable));
        assert_eq!(CaseState::AwaitingReply.next(CaseEvent::CheckCodeLimitReached), Ok(CaseState::CheckCodeRefused));
        assert_eq!(CaseState::before(CaseEvent::InquiryMailed), vec![CaseState::InquiryReady]);
        assert_eq!(CaseState::initial(CaseType::InPerson), CaseState::Open);
        assert_eq!(CASE_LIFETIME.default, Duration::days(30));
    }
}
