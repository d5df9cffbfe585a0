//! The files exchanged with the print-and-mail vendor for postal reset codes (P4): the batch
//! manifest reissue writes, and the result and returns files the vendor sends back. Pure
//! parsing and rendering from and to bytes; the export (encryption, files on disk) is in the
//! `reissue-letters` crate.
//!
//! # The letter reference
//!
//! Every file names a letter by its reference, `L` and 8 to 12 digits (`L00000123`): the
//! store's letter number, zero-padded to 8. It is printed on the letter too.
//!
//! # Common rules of the files
//!
//! * CSV (RFC 4180): comma-separated, values with a comma, a quote or a line break in double
//!   quotes, a quote in a quoted value doubled.
//! * Encoding: UTF-8 (a byte order mark is accepted on reading and never written), or CP932
//!   (Windows-31J, Microsoft's Shift_JIS) when configured.
//! * The files reissue reads have a header row; columns are found by name, in any order, case
//!   aside; other columns are ignored. Blank lines and rows of empty values are skipped.
//! * Dates `YYYY-MM-DD` or `YYYYMMDD`.
//! * A file is taken whole or not at all. A refused file comes back with every problem, each
//!   with its line as an editor counts it (the header is line 1): a value that does not parse,
//!   a letter named twice, a file with a header but no rows.
//!
//! # `manifest.csv` (reissue → vendor)
//!
//! One row per letter of the batch, by default
//! `reference,send_date,mail_type,postal_code,address,name`: `send_date` `yyyymmdd`,
//! `mail_type` `kan_i_kakitome` (簡易書留), `postal_code` `NNN-NNNN`, the address lines joined
//! by one full-width space, the name as on the envelope with 様. CRLF line ends. The columns,
//! their headers, the header row, the encoding and the mail type code are configurable per
//! vendor ([`ManifestLayout`], `[postal.manifest]`). A letter whose address or name holds a
//! character the encoding cannot carry is refused by name, never written with a substitute.
//!
//! # The result file (vendor → reissue)
//!
//! `reference,tracking_number,accepted_on`: the Japan Post item number (引受番号) each letter
//! was handed in under, 11 digits, hyphens anywhere (`131-12-38385-2`), the last digit the first
//! ten modulo 7 ([`CheckDigitRule`]); `accepted_on` the day Japan Post accepted it. An item
//! number given to two letters is refused.
//!
//! # The returns file (vendor → reissue)
//!
//! `reference,reason,returned_on`: a letter Japan Post returned, `reason` one of
//! `storage_expired` (保管期間経過: not collected in the 7-day hold), `addressee_unknown`
//! (あて所に尋ねあたりません), `moved` (転居先不明), `refused` (受取拒絶), `other`
//! ([`ReturnReason`]).

mod cp932;
mod input;
mod layout;
mod manifest;
mod reference;
mod results;
mod returns;
mod tracking;

pub use input::{FileEncoding, FileErrors, LineError, Problem};
pub use layout::{LayoutError, ManifestColumn, ManifestField, ManifestLayout};
pub use manifest::{
    LINE_JOINER, ManifestError, ManifestRecord, ManifestRow, RefusedRow, RowProblem, parse_manifest, postal_code,
    render,
};
pub use reference::{LetterRef, ReferenceError};
pub use results::{RESULT_COLUMNS, TrackingResult, parse_results};
pub use returns::{LetterReturn, RETURN_COLUMNS, ReturnReason, UnknownReason, parse_returns};
pub use tracking::{CheckDigitRule, TrackingError, TrackingNumber};
