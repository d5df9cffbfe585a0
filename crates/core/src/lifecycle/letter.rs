//! A letter's lifecycle, from the application to the vendor's last word on it.
//!
//! A letter is `Queued` in the day's open batch when staff apply for it; closing the batch
//! takes every queued letter (`InBatch`); exporting the batch hands it to the print-and-mail
//! vendor (`Exported`) and wipes the sealed code; the vendor's result file gives it a tracking
//! number (`Accepted`); a returns file brings it back (`Returned`, with a reason). A letter
//! not yet exported is `Withdrawn` when its code is voided (a newer code, the customer's
//! request, a suspended account): it is never printed.
//!
//! What the customer did with the code is the code's state, not the letter's: the
//! [`LetterStatus`] people read says `Used` or `Expired` from the two together.

use time::OffsetDateTime;

use super::Impossible;
use super::code::CodeState;

/// Where a letter is in the print pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LetterState {
    Queued,
    InBatch,
    Exported,
    Accepted,
    Returned,
    Withdrawn,
}

/// What can happen to a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterEvent {
    /// Its batch was closed.
    BatchClosed,
    /// Its batch was exported to the vendor.
    Exported,
    /// The vendor's result file gave it a tracking number.
    Accepted,
    /// It came back undelivered.
    Returned,
    /// Its code was voided before it left.
    Withdrawn,
}

impl LetterEvent {
    fn name(self) -> &'static str {
        match self {
            Self::BatchClosed => "batch_closed",
            Self::Exported => "exported",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
            Self::Withdrawn => "withdrawn",
        }
    }
}

impl LetterState {
    pub const ALL: [LetterState; 6] =
        [Self::Queued, Self::InBatch, Self::Exported, Self::Accepted, Self::Returned, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::InBatch => "in_batch",
            Self::Exported => "exported",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The state after `event`. A letter that has left (exported) can no longer be withdrawn:
    /// only its code can be voided. A vendor may report a return without a result line first.
    pub fn next(self, event: LetterEvent) -> Result<LetterState, Impossible> {
        use LetterEvent as E;
        match (self, event) {
            (Self::Queued, E::BatchClosed) => Ok(Self::InBatch),
            (Self::InBatch, E::Exported) => Ok(Self::Exported),
            (Self::Exported, E::Accepted) => Ok(Self::Accepted),
            (Self::Exported | Self::Accepted, E::Returned) => Ok(Self::Returned),
            (Self::Queued | Self::InBatch, E::Withdrawn) => Ok(Self::Withdrawn),
            _ => Err(Impossible { machine: "letter", from: self.as_str(), event: event.name() }),
        }
    }

    /// The states a letter may be in when `event` happens: the conditional write's `WHERE`.
    pub fn before(event: LetterEvent) -> Vec<LetterState> {
        Self::ALL.into_iter().filter(|s| s.next(event).is_ok()).collect()
    }

    /// Whether the letter still waits for the vendor (its sealed code is kept).
    pub fn awaits_export(self) -> bool {
        matches!(self, Self::Queued | Self::InBatch)
    }
}

/// A letter's state as staff and `/metrics` read it: the pipeline's state, except that once
/// the letter has left, what became of its code says more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LetterStatus {
    Queued,
    InBatch,
    Exported,
    Accepted,
    Returned,
    Withdrawn,
    /// The customer reset their credentials with its code.
    Used,
    /// Its code's time ran out unused.
    Expired,
    /// Its code was voided after the letter left (a newer code, the customer's request) or
    /// killed by wrong entries.
    CodeVoided,
}

impl LetterStatus {
    pub const ALL: [LetterStatus; 9] = [
        Self::Queued,
        Self::InBatch,
        Self::Exported,
        Self::Accepted,
        Self::Returned,
        Self::Withdrawn,
        Self::Used,
        Self::Expired,
        Self::CodeVoided,
    ];

    pub fn of(state: LetterState, code: Option<(CodeState, OffsetDateTime)>, now: OffsetDateTime) -> Self {
        let left = matches!(state, LetterState::Exported | LetterState::Accepted);
        match (state, code) {
            (_, Some((CodeState::Spent, _))) if state != LetterState::Returned => Self::Used,
            (_, Some((CodeState::Active, expires))) if left && now >= expires => Self::Expired,
            (_, Some((CodeState::Void | CodeState::Dead, _))) if left => Self::CodeVoided,
            (LetterState::Queued, _) => Self::Queued,
            (LetterState::InBatch, _) => Self::InBatch,
            (LetterState::Exported, _) => Self::Exported,
            (LetterState::Accepted, _) => Self::Accepted,
            (LetterState::Returned, _) => Self::Returned,
            (LetterState::Withdrawn, _) => Self::Withdrawn,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::InBatch => "in_batch",
            Self::Exported => "exported",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
            Self::Withdrawn => "withdrawn",
            Self::Used => "used",
            Self::Expired => "expired",
            Self::CodeVoided => "code_voided",
        }
    }
}

/// A print batch: `Closed` with its letters fixed, then `Exported` once, which wipes the
/// codes. There is no second export: a lost export is answered by withdrawing nothing and
/// applying again, since the codes no longer exist anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchState {
    Closed,
    Exported,
}

impl BatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Exported => "exported",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "closed" => Some(Self::Closed),
            "exported" => Some(Self::Exported),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_letter_goes_through_the_pipeline_once() {
        let s = LetterState::Queued.next(LetterEvent::BatchClosed).unwrap();
        let s = s.next(LetterEvent::Exported).unwrap();
        let s = s.next(LetterEvent::Accepted).unwrap();
        assert_eq!(s.next(LetterEvent::Returned).unwrap(), LetterState::Returned);
        assert!(LetterState::Exported.next(LetterEvent::Withdrawn).is_err(), "a letter that left is not withdrawn");
        assert!(LetterState::Queued.next(LetterEvent::Exported).is_err(), "only a closed batch is exported");
        assert!(LetterState::Returned.next(LetterEvent::Accepted).is_err());
        assert_eq!(LetterState::before(LetterEvent::Returned), vec![LetterState::Exported, LetterState::Accepted]);
        assert_eq!(LetterState::before(LetterEvent::Withdrawn), vec![LetterState::Queued, LetterState::InBatch]);
        for s in LetterState::ALL {
            assert_eq!(LetterState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn the_status_people_read_follows_the_code_once_the_letter_left() {
        let now = datetime!(2026-12-20 00:00 UTC);
        let later = now + time::Duration::days(1);
        let earlier = now - time::Duration::days(1);
        use LetterStatus as S;
        assert_eq!(S::of(LetterState::Accepted, Some((CodeState::Spent, later)), now), S::Used);
        assert_eq!(S::of(LetterState::Accepted, Some((CodeState::Active, earlier)), now), S::Expired);
        assert_eq!(S::of(LetterState::Accepted, Some((CodeState::Active, later)), now), S::Accepted);
        assert_eq!(S::of(LetterState::Exported, Some((CodeState::Void, later)), now), S::CodeVoided);
        assert_eq!(S::of(LetterState::Returned, Some((CodeState::Void, later)), now), S::Returned);
        assert_eq!(S::of(LetterState::Withdrawn, Some((CodeState::Void, later)), now), S::Withdrawn);
        assert_eq!(S::of(LetterState::Queued, Some((CodeState::Active, later)), now), S::Queued);
    }
}
