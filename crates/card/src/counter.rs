//! A PIN change at a municipal counter workstation that belongs to a counter case
//! (`reissue card change-pin PIN --case TOKEN --server URL`): claim the case token before
//! the card is touched, change the PIN as at home, then report the outcome and the tries
//! left, never a PIN.
//!
//! The server is behind the [`CaseDesk`] trait (the HTTP client is [`crate::counter_http`]),
//! the card behind [`Transport`], so the whole sequence runs in tests against a local
//! listener and the software card.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::pin::PinKind;
use crate::procedure::{CardError, PinChange, pin_status};
use crate::transport::Transport;

/// Crockford's base 32 without I, L, O, U, as `reissue_core::counter::CaseToken` uses.
const TOKEN_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TOKEN_CHARS: usize = 10;

/// A one-time case token as shown on the console: `K7QM4-XPA2B`. Read as the server reads
/// it (case and hyphens ignored, O as 0, I and L as 1), so a typo is refused here, before
/// the server counts it. Hidden from `Debug`.
pub struct CaseToken(Zeroizing<String>);

impl CaseToken {
    /// What was typed, or `None` when it cannot be a case token.
    pub fn parse(s: &str) -> Option<Self> {
        let mut out = Zeroizing::new(String::with_capacity(TOKEN_CHARS));
        for c in s.trim().chars().filter(|c| *c != '-' && *c != ' ') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !TOKEN_ALPHABET.contains(&(c as u8)) {
                return None;
            }
            out.push(c);
        }
        (out.len() == TOKEN_CHARS).then(|| Self(out))
    }

    /// As shown and sent: `K7QM4-XPA2B`.
    pub fn grouped(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{}-{}", &self.0[..5], &self.0[5..]))
    }
}

impl fmt::Debug for CaseToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CaseToken(***)")
    }
}

/// The server's answer to a claim: which case, and the token to report with.
#[derive(Deserialize)]
pub struct Claim {
    /// The case's reference, `C000042`.
    pub case_reference: String,
    /// The PIN the case token is for (`auth`, `sign`, `juki`, `text`).
    pub pin: String,
    /// `change` (the current PIN is known) or `reset`.
    pub operation: String,
    #[serde(deserialize_with = "zeroizing")]
    report_token: Zeroizing<String>,
    /// The latest time the outcome may be reported (RFC 3339).
    pub report_by: String,
}

fn zeroizing<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Zeroizing<String>, D::Error> {
    String::deserialize(d).map(Zeroizing::new)
}

impl fmt::Debug for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claim")
            .field("case_reference", &self.case_reference)
            .field("pin", &self.pin)
            .field("operation", &self.operation)
            .field("report_token", &"<redacted>")
            .field("report_by", &self.report_by)
            .finish()
    }
}

/// What happened on the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The PIN was changed.
    Success,
    /// It was not (wrong current PIN, locked, card trouble, input refused).
    Failure,
}

/// The report the server gets: outcome and tries left, never a PIN.
#[derive(Serialize)]
pub struct Report<'a> {
    /// From the claim.
    report_token: &'a str,
    /// Which PIN.
    pub pin: &'static str,
    /// What happened.
    pub outcome: Outcome,
    /// Tries left, read from the card after the change (`null` when it could not be read).
    pub tries_left: Option<u8>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("pin", &self.pin)
            .field("outcome", &self.outcome)
            .field("tries_left", &self.tries_left)
            .finish_non_exhaustive()
    }
}

/// The server's answer to a report.
#[derive(Debug, Clone, Deserialize)]
pub struct Reported {
    /// The case's reference.
    pub case_reference: String,
    /// The case's state now.
    pub state: String,
    /// PINs of the case still to do.
    #[serde(default)]
    pub pins_remaining: Vec<String>,
}

/// A failed exchange with the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeskError {
    /// The server answered with its error document.
    #[error("{message}{}", retry_after.map(|s| format!(" (try again in {s} seconds)")).unwrap_or_default())]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The stable code: `case_token_unknown`, `case_token_used`, ...
        code: String,
        /// The server's words.
        message: String,
        /// From `Retry-After`, on `429`.
        retry_after: Option<u64>,
    },
    /// The server could not be reached, or the connection failed.
    #[error("the server could not be reached: {0}")]
    Unreachable(String),
    /// The server answered something that is not the contract.
    #[error("the server's answer was not understood: {0}")]
    BadAnswer(String),
}

/// The counter-case endpoints of the reissue server.
pub trait CaseDesk {
    /// `POST /api/v1/counter/case-tokens/claim`.
    fn claim(&self, token: &CaseToken, pin: PinKind) -> Result<Claim, DeskError>;
    /// `POST /api/v1/counter/case-tokens/report`.
    fn report(&self, report: &Report<'_>) -> Result<Reported, DeskError>;
}

/// How a case's PIN change went.
#[derive(Debug)]
pub enum CaseRun {
    /// The claim was refused or failed: nothing was sent to the card.
    NotClaimed(DeskError),
    /// The claim was for something this command cannot do: nothing was sent to the card.
    WrongCase {
        /// The claim.
        claim: Claim,
        /// What does not fit.
        problem: String,
    },
    /// The case was claimed and the card worked on (or the input refused); the outcome
    /// was reported, or the report failed.
    Done {
        /// The claim.
        claim: Claim,
        /// The change: `Ok` when the PIN was changed.
        change: Result<(), CardError>,
        /// Tries left after the change, as reported.
        tries_left: Option<u8>,
        /// The server's answer to the report.
        report: Result<Reported, DeskError>,
    },
}

impl CaseRun {
    /// Whether the PIN on the card was changed.
    pub fn changed(&self) -> bool {
        matches!(self, CaseRun::Done { change: Ok(()), .. })
    }
}

/// Claims the case, and only then asks for the PINs (`input`) and opens the card (`open`),
/// changes the PIN, reads the tries left, and reports.
pub fn change_for_case<'c>(
    desk: &dyn CaseDesk,
    token: &CaseToken,
    kind: PinKind,
    input: impl FnOnce(&Claim) -> Result<PinChange, CardError>,
    open: impl FnOnce() -> Result<Box<dyn Transport + 'c>, CardError>,
) -> CaseRun {
    let claim = match desk.claim(token, kind) {
        Ok(claim) => claim,
        Err(err) => return CaseRun::NotClaimed(err),
    };
    if claim.pin != kind.name() {
        let problem = format!("the case token is for the {} PIN, not the {kind}", claim.pin);
        return CaseRun::WrongCase { claim, problem };
    }
    if claim.operation != "change" {
        let problem = format!(
            "the case asks for a PIN {}, which is done at the counter's national terminal (統合端末), \
             not with `reissue card change-pin`",
            claim.operation
        );
        return CaseRun::WrongCase { claim, problem };
    }
    let (change, tries_left) = match input(&claim) {
        // Input refused on the host: the card is only asked for the tries left.
        Err(err) => (Err(err), open().ok().and_then(|mut card| tries_left(card.as_mut(), kind))),
        Ok(pins) => match open() {
            Err(err) => (Err(err), None),
            Ok(mut card) => {
                let change = pins.apply(card.as_mut());
                (change, tries_left(card.as_mut(), kind))
            }
        },
    };
    let outcome = if change.is_ok() { Outcome::Success } else { Outcome::Failure };
    let report = desk.report(&Report { report_token: &claim.report_token, pin: kind.name(), outcome, tries_left });
    CaseRun::Done { claim, change, tries_left, report }
}

/// VERIFY without data after the change: spends nothing.
fn tries_left(card: &mut dyn Transport, kind: PinKind) -> Option<u8> {
    pin_status(card, kind).ok().map(|s| s.tries_left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_token_reads_as_the_server_reads_it_and_hides_from_debug() {
        let t = CaseToken::parse(" k7qm4-xpa2b ").unwrap();
        assert_eq!(t.grouped().as_str(), "K7QM4-XPA2B");
        assert_eq!(CaseToken::parse("oooooiiiii").unwrap().grouped().as_str(), "00000-11111");
        assert!(CaseToken::parse("ABCDE-FGHJ").is_none());
        assert!(CaseToken::parse("ABCDE-FGHJU").is_none(), "U is not in the alphabet");
        assert!(CaseToken::parse("ABCDE-FGHJÄ").is_none());
        assert_eq!(format!("{t:?}"), "CaseToken(***)");
    }

    #[test]
    fn a_refusal_reads_as_the_servers_message() {
        let err = DeskError::Refused {
            status: 429,
            code: "rate_limited".into(),
            message: "Too many attempts.".into(),
            retry_after: Some(30),
        };
        assert_eq!(err.to_string(), "Too many attempts. (try again in 30 seconds)");
    }
}
