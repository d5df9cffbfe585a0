//! The vendor's result file: which item number each letter was handed in under, and when.
//!
//! ```text
//! reference,tracking_number,accepted_on
//! L00000123,131-12-38385-2,2026-12-02
//! ```
//!
//! The header row is required; columns are found by name, in any order, and other columns are
//! ignored. `accepted_on` is the day Japan Post accepted the item (引受日), `YYYY-MM-DD` or
//! `YYYYMMDD`. The file is taken whole or not at all.

use serde::{Deserialize, Serialize};
use time::Date;

use super::input::{Columns, FileEncoding, FileErrors, Problem, Problems, SeenReferences, parse_day, read_rows};
use super::reference::LetterRef;
use super::tracking::{CheckDigitRule, TrackingNumber};

/// The columns of a result file, as the header names them.
pub const RESULT_COLUMNS: [&str; 3] = ["reference", "tracking_number", "accepted_on"];

/// One letter of a result file: handed in to Japan Post under `tracking_number` on
/// `accepted_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingResult {
    pub reference: LetterRef,
    pub tracking_number: TrackingNumber,
    pub accepted_on: Date,
    /// The line of the file it was read from (the header is line 1).
    pub line: u64,
}

/// Reads a result file. Every row must be right, or the whole file is refused with every
/// problem on every line: a value that does not parse, a letter named twice, an item number
/// whose check digit is wrong (under `rule`), a file with only a header.
pub fn parse_results(
    bytes: &[u8],
    encoding: FileEncoding,
    rule: CheckDigitRule,
) -> Result<Vec<TrackingResult>, FileErrors> {
    let mut problems = Problems::default();
    let rows = read_rows(bytes, encoding, Columns::Named(&RESULT_COLUMNS), &mut problems);
    let mut seen = SeenReferences::default();
    let mut seen_tracking = std::collections::HashMap::new();
    let mut results = Vec::with_capacity(rows.len());
    for row in &rows {
        let reference = row.parse(0, "reference", &mut problems, LetterRef::parse);
        let tracking = row.parse(1, "tracking_number", &mut problems, |s| TrackingNumber::parse(s, rule));
        let accepted_on = row.parse(2, "accepted_on", &mut problems, parse_day);
        let (Some(reference), Some(tracking_number), Some(accepted_on)) = (reference, tracking, accepted_on) else {
            continue;
        };
        if !seen.check(&reference, row.line, &mut problems) {
            continue;
        }
        if let Some(&(ref other, first_line)) = seen_tracking.get(&tracking_number) {
            problems.add(
                row.line,
                Problem::DuplicateTracking { tracking: tracking_number, other: LetterRef::clone(other), first_line },
            );
            continue;
        }
        seen_tracking.insert(tracking_number.clone(), (reference.clone(), row.line));
        results.push(TrackingResult { reference, tracking_number, accepted_on, line: row.line });
    }
    if rows.is_empty() && problems.is_empty() {
        problems.add(2, Problem::NoRows);
    }
    problems.finish(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn parse(text: &str) -> Result<Vec<TrackingResult>, FileErrors> {
        parse_results(text.as_bytes(), FileEncoding::Utf8, CheckDigitRule::Mod7)
    }

    fn lines(errors: &FileErrors) -> Vec<u64> {
        errors.errors.iter().map(|e| e.line).collect()
    }

    #[test]
    fn a_vendor_result_file_is_read_with_both_date_forms_and_crlf() {
        let file = "reference,tracking_number,accepted_on\r\nL00000123,131-12-38385-2,2026-12-02\r\nL00000124,13112383863,20261203\r\n";
        let results = parse(file).unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].reference.as_str(), "L00000123");
        assert_eq!(results[0].tracking_number.to_string(), "131-12-38385-2");
        assert_eq!(results[0].accepted_on, date!(2026 - 12 - 02));
        assert_eq!(results[1].accepted_on, date!(2026 - 12 - 03));
        assert_eq!(results[1].line, 3);
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_with_a_bom_and_extra_columns() {
        let file =
            "\u{FEFF}Accepted_On,備考,Reference,tracking_number\nL00000123 をご確認,x,L00000123,131-12-38385-2\n";
        // The first field is not a date: the problem names it.
        let err = parse(file).unwrap_err();
        assert_eq!(lines(&err), [2]);
        assert!(err.to_string().contains("accepted_on"), "{err}");
        let file = "\u{FEFF}Accepted_On,備考,Reference,tracking_number\n2026-12-02,窓口,L00000123,131-12-38385-2\n";
        assert_eq!(parse(file).unwrap()[0].reference.as_str(), "L00000123");
    }

    #[test]
    fn every_bad_line_is_named_with_what_is_wrong_and_nothing_is_taken() {
        let file = "reference,tracking_number,accepted_on\n\
                    L00000123,131-12-38385-2,2026-12-02\n\
                    L0000012,131-12-38385-2,2026-12-02\n\
                    L00000125,131-12-38385-5,2026-12-02\n\
                    L00000126,131-12-38385-2,2026-13-02\n\
                    \n\
                    L00000123,13112383863,2026-12-02\n\
                    L00000128,,2026-12-02\n\
                    L00000129,13112383863\n";
        let err = parse(file).unwrap_err();
        assert_eq!(lines(&err), [3, 4, 5, 7, 8, 9]);
        let p = |i: usize| &err.errors[i].problem;
        assert!(matches!(p(0), Problem::Value { column: "reference", .. }));
        assert!(p(1).to_string().contains("should be 2, the number has 5"), "{}", p(1));
        assert!(matches!(p(2), Problem::Value { column: "accepted_on", .. }));
        assert_eq!(
            *p(3),
            Problem::DuplicateReference { reference: LetterRef::parse("L00000123").unwrap(), first_line: 2 }
        );
        assert_eq!(*p(4), Problem::Missing { column: "tracking_number" });
        assert_eq!(*p(5), Problem::FieldCount { columns: 3, fields: 2 });
        assert!(
            err.to_string().starts_with("the file was not taken: 6 problems\nline 3: reference \"L0000012\""),
            "{err}"
        );
    }

    #[test]
    fn one_item_number_for_two_letters_is_refused() {
        let file = "reference,tracking_number,accepted_on\nL00000123,131-12-38385-2,2026-12-02\nL00000124,131-12-38385-2,2026-12-02\n";
        let err = parse(file).unwrap_err();
        assert_eq!(lines(&err), [3]);
        assert!(err.to_string().contains("L00000123 on line 2"), "{err}");
    }

    #[test]
    fn a_file_without_rows_or_without_a_header_or_a_column_is_refused() {
        assert_eq!(parse("reference,tracking_number,accepted_on\r\n").unwrap_err().errors[0].problem, Problem::NoRows);
        assert!(matches!(parse("").unwrap_err().errors[0].problem, Problem::NoHeader { .. }));
        let err = parse("reference,accepted_on\nL00000123,2026-12-02\n").unwrap_err();
        assert_eq!(
            err.errors[0],
            super::super::input::LineError {
                line: 1,
                problem: Problem::MissingColumn { column: "tracking_number".into() }
            }
        );
        // Without a header the first letter would be taken for one.
        assert!(matches!(
            parse("L00000123,131-12-38385-2,2026-12-02\n").unwrap_err().errors[0].problem,
            Problem::MissingColumn { .. }
        ));
    }

    #[test]
    fn a_cp932_file_is_read_when_asked_and_a_wrong_encoding_names_the_lines() {
        let text = "reference,tracking_number,accepted_on,備考\r\nL00000123,１３１－１２－３８３８５－２,2026-12-02,髙橋様 不在\r\n";
        let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!had_errors);
        let results = parse_results(&bytes, FileEncoding::Cp932, CheckDigitRule::Mod7).unwrap();
        assert_eq!(results[0].tracking_number.digits(), "13112383852");
        // The same bytes read as UTF-8: every line with Japanese text is named.
        let err = parse_results(&bytes, FileEncoding::Utf8, CheckDigitRule::Mod7).unwrap_err();
        assert_eq!(lines(&err), [1, 2]);
        assert!(err.to_string().contains("set the encoding to cp932"), "{err}");
    }

    #[test]
    fn quoted_values_over_several_lines_keep_the_line_count_an_editor_shows() {
        let file = "reference,tracking_number,accepted_on,note\n\"L00000123\",\"131-12-38385-2\",2026-12-02,\"two\nlines, and \"\"quotes\"\"\"\nL00000124,bad,2026-12-02,x\n";
        let err = parse(file).unwrap_err();
        assert_eq!(lines(&err), [4]);
        let err =
            parse("reference,tracking_number,accepted_on\n\"L00000123\"x,131-12-38385-2,2026-12-02\n\"L00000124,1,2\n")
                .unwrap_err();
        assert_eq!(
            err.errors.iter().map(|e| (e.line, e.problem.clone())).collect::<Vec<_>>(),
            [(2, Problem::TextAfterQuote), (3, Problem::UnclosedQuote)]
        );
    }

    #[test]
    fn empty_rows_a_spreadsheet_leaves_and_a_trailing_comma_are_not_problems() {
        let file = "reference,tracking_number,accepted_on\r\n,,\r\nL00000123,131-12-38385-2,2026-12-02,\r\n,,\r\n";
        assert_eq!(parse(file).unwrap()[0].line, 3);
    }
}
