//! The vendor's returns file: letters Japan Post brought back, and why.
//!
//! ```text
//! reference,reason,returned_on
//! L00000123,storage_expired,2026-12-14
//! ```
//!
//! The same rules as the result file: a header row, columns by name in any order, dates
//! `YYYY-MM-DD` or `YYYYMMDD`, taken whole or not at all. `reason` is one of the codes of
//! [`ReturnReason`].

use serde::{Deserialize, Serialize};
use time::Date;

use super::input::{Columns, FileEncoding, FileErrors, Problem, Problems, SeenReferences, parse_day, read_rows};
use super::reference::LetterRef;

/// The columns of a returns file, as the header names them.
pub const RETURN_COLUMNS: [&str; 3] = ["reference", "reason", "returned_on"];

/// Why Japan Post returned a letter, as stamped on it (郵便約款 第95条's return to sender).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    /// 保管期間経過: nobody was home, the notice left in the letterbox was not acted on, and
    /// nobody collected the letter during the 7 days the post office held it.
    StorageExpired,
    /// あて所に尋ねあたりません: the carrier found no such addressee at the address.
    AddresseeUnknown,
    /// 転居先不明: the addressee moved and left no forwarding address (a letter marked 転送不要
    /// is returned even when one is registered).
    Moved,
    /// 受取拒絶: the addressee refused to accept it.
    Refused,
    /// Any other reason the vendor reports.
    Other,
}

impl ReturnReason {
    pub const ALL: [ReturnReason; 5] =
        [Self::StorageExpired, Self::AddresseeUnknown, Self::Moved, Self::Refused, Self::Other];

    /// The code written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StorageExpired => "storage_expired",
            Self::AddresseeUnknown => "addressee_unknown",
            Self::Moved => "moved",
            Self::Refused => "refused",
            Self::Other => "other",
        }
    }

    /// What Japan Post stamps on the envelope (none for `Other`).
    pub fn stamp_ja(self) -> Option<&'static str> {
        match self {
            Self::StorageExpired => Some("保管期間経過"),
            Self::AddresseeUnknown => Some("あて所に尋ねあたりません"),
            Self::Moved => Some("転居先不明"),
            Self::Refused => Some("受取拒絶"),
            Self::Other => None,
        }
    }

    /// Reads a code (case and surrounding spaces do not matter).
    pub fn parse(input: &str) -> Result<Self, UnknownReason> {
        let folded = crate::text::nfkc(input.trim()).to_ascii_lowercase();
        Self::ALL.into_iter().find(|r| r.as_str() == folded).ok_or(UnknownReason)
    }
}

impl std::fmt::Display for ReturnReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reason that is not one of the codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of storage_expired, addressee_unknown, moved, refused, other")]
pub struct UnknownReason;

/// One letter of a returns file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterReturn {
    pub reference: LetterRef,
    pub reason: ReturnReason,
    pub returned_on: Date,
    /// The line of the file it was read from (the header is line 1).
    pub line: u64,
}

/// Reads a returns file. Every row must be right, or the whole file is refused with every
/// problem on every line (a letter named twice is one).
pub fn parse_returns(bytes: &[u8], encoding: FileEncoding) -> Result<Vec<LetterReturn>, FileErrors> {
    let mut problems = Problems::default();
    let rows = read_rows(bytes, encoding, Columns::Named(&RETURN_COLUMNS), &mut problems);
    let mut seen = SeenReferences::default();
    let mut returns = Vec::with_capacity(rows.len());
    for row in &rows {
        let reference = row.parse(0, "reference", &mut problems, LetterRef::parse);
        let reason = row.parse(1, "reason", &mut problems, ReturnReason::parse);
        let returned_on = row.parse(2, "returned_on", &mut problems, parse_day);
        let (Some(reference), Some(reason), Some(returned_on)) = (reference, reason, returned_on) else { continue };
        if seen.check(&reference, row.line, &mut problems) {
            returns.push(LetterReturn { reference, reason, returned_on, line: row.line });
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.add(2, Problem::NoRows);
    }
    problems.finish(returns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_reason_reads_back_from_its_code() {
        for reason in ReturnReason::ALL {
            assert_eq!(ReturnReason::parse(reason.as_str()), Ok(reason));
            assert_eq!(serde_json::to_string(&reason).unwrap(), format!("\"{}\"", reason.as_str()));
        }
        assert_eq!(ReturnReason::parse(" Storage_Expired "), Ok(ReturnReason::StorageExpired));
        assert_eq!(ReturnReason::parse("lost"), Err(UnknownReason));
        assert_eq!(ReturnReason::Moved.stamp_ja(), Some("転居先不明"));
    }

    #[test]
    fn a_returns_file_is_read() {
        let file =
            "returned_on,reference,reason\r\n2026-12-14,L00000123,storage_expired\r\n20261215,L00000124,moved\r\n";
        let returns = parse_returns(file.as_bytes(), FileEncoding::Utf8).unwrap();
        assert_eq!(returns[0].reason, ReturnReason::StorageExpired);
        assert_eq!(returns[1].returned_on, date!(2026 - 12 - 15));
        assert_eq!(returns[1].reference.as_str(), "L00000124");
    }

    #[test]
    fn every_bad_line_is_named_and_nothing_is_taken() {
        let file = "reference,reason,returned_on\nL00000123,refused,2026-12-14\nL00000124,lost,2026-12-14\nL00000123,moved,2026-12-15\nL00000125,other,14/12/2026\n";
        let err = parse_returns(file.as_bytes(), FileEncoding::Utf8).unwrap_err();
        let found: Vec<_> = err.errors.iter().map(|e| (e.line, e.problem.to_string())).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, 3);
        assert!(found[0].1.contains("must be one of storage_expired"), "{}", found[0].1);
        assert_eq!(found[1], (4, "letter L00000123 is already on line 2".to_string()));
        assert_eq!(found[2].0, 5);
        assert_eq!(
            parse_returns(b"reference,reason,returned_on\n", FileEncoding::Utf8).unwrap_err().errors[0].problem,
            Problem::NoRows
        );
    }
}
