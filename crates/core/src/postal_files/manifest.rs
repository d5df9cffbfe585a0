//! The batch manifest, `manifest.csv`: one row per letter, what the vendor needs to put it in
//! the post.
//!
//! By default:
//!
//! ```text
//! reference,send_date,mail_type,postal_code,address,name
//! L00000123,20261202,kan_i_kakitome,100-0005,東京都千代田区丸の内一丁目1番1号　リセット館 101,山田 太郎 様
//! ```
//!
//! Every vendor wants its own: a [`ManifestLayout`] (from `[postal.manifest]` in the
//! configuration) chooses the columns, their order and header names, whether there is a
//! header row, the encoding (UTF-8 or CP932) and the mail type code. Lines end in CRLF;
//! values are quoted when they hold a comma, a quote or a line break (RFC 4180).
//!
//! A row the manifest cannot carry faithfully is refused, never altered: a character CP932
//! cannot hold (`𠮷`, a name's variant kanji outside JIS) would otherwise reach the envelope
//! as `?` or `&#134071;`. [`render`] then names every refused letter and character, and
//! writes nothing; the caller takes those letters out of the batch (or corrects the address)
//! and renders again.
//!
//! For CP932, the characters JIS X 0208 and Windows map to different code points are written
//! as the one CP932 holds, which prints the same: 〜 (U+301C WAVE DASH) as ～ (U+FF5E), ‖ as
//! ∥, — (U+2014) as ― (U+2015), − (U+2212) as － (U+FF0D), ¢ £ ¬ as ￠ ￡ ￢. Read back, they
//! are the CP932 ones.

use encoding_rs::SHIFT_JIS;
use time::Date;

use super::cp932::{fold_for_cp932, unencodable};
use super::input::{Columns, FileEncoding, FileErrors, Problems, SeenReferences, parse_day, read_rows};
use super::layout::{ManifestColumn, ManifestField, ManifestLayout};
use super::reference::LetterRef;
use crate::text::digits_only;
/// One letter of a batch, as the manifest needs it. The lines are as printed on the envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    pub reference: LetterRef,
    pub send_date: Date,
    /// As stored (`1000005`, `100-0005`, `〒100-0005`); written `NNN-NNNN`.
    pub postal_code: String,
    pub address_lines: Vec<String>,
    /// With 様, e.g. `["山田 太郎 様"]`, or an organization and its person in charge.
    pub name_lines: Vec<String>,
}

/// Why one letter cannot be in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    #[error("the {field} has {character:?} (U+{code:04X}), which {encoding} cannot hold", code = *character as u32, encoding = encoding.as_str())]
    Unencodable { field: ManifestField, character: char, encoding: FileEncoding },
    #[error("the postal code {given:?} is not 7 digits (NNN-NNNN)")]
    PostalCode { given: String },
    #[error("the {field} is empty")]
    Empty { field: ManifestField },
    #[error("the {field} has a control character (a line break or tab)")]
    ControlCharacter { field: ManifestField },
    #[error("the letter is in the batch twice")]
    Duplicate,
}

/// A letter refused from the manifest, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reference}: {problem}")]
pub struct RefusedRow {
    pub reference: LetterRef,
    pub problem: RowProblem,
}

/// Why no manifest was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// These letters cannot be carried as they are; nothing was written.
    #[error("{} letter(s) cannot go in the manifest: {}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Refused(Vec<RefusedRow>),
    #[error("the manifest could not be written: {0}")]
    Write(String),
}

/// The full-width space that joins address and name lines.
pub const LINE_JOINER: char = '\u{3000}';

/// Writes the manifest of `rows` in `layout`. Every row is checked first; if any is refused,
/// the error lists every refused letter with every problem, and nothing is written. No rows
/// give a manifest of its header alone.
pub fn render(rows: &[ManifestRow], layout: &ManifestLayout) -> Result<Vec<u8>, ManifestError> {
    let mut refused = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let mut problems = Vec::new();
        if !seen.insert(row.reference.clone()) {
            problems.push(RowProblem::Duplicate);
        }
        let values: Vec<String> = layout.columns().iter().map(|c| value(row, c.field, layout, &mut problems)).collect();
        if problems.is_empty() {
            records.push(values);
        } else {
            refused
                .extend(problems.into_iter().map(|problem| RefusedRow { reference: row.reference.clone(), problem }));
        }
    }
    if !refused.is_empty() {
        return Err(ManifestError::Refused(refused));
    }
    let write_error = |e: csv::Error| ManifestError::Write(e.to_string());
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    if layout.header() {
        writer.write_record(layout.columns().iter().map(ManifestColumn::header)).map_err(write_error)?;
    }
    for record in &records {
        writer.write_record(record).map_err(write_error)?;
    }
    let utf8 = writer.into_inner().map_err(|e| ManifestError::Write(e.to_string()))?;
    match layout.encoding() {
        FileEncoding::Utf8 => Ok(utf8),
        FileEncoding::Cp932 => {
            let text = String::from_utf8(utf8).map_err(|e| ManifestError::Write(e.to_string()))?;
            // Every value was folded and checked above; an error here would be a bug.
            let (bytes, _, had_errors) = SHIFT_JIS.encode(&text);
            if had_errors {
                return Err(ManifestError::Write("a character CP932 cannot hold slipped past the checks".into()));
            }
            Ok(bytes.into_owned())
        }
    }
}

/// The value of `field` for `row`, as written (folded for CP932), adding what is wrong.
fn value(row: &ManifestRow, field: ManifestField, layout: &ManifestLayout, problems: &mut Vec<RowProblem>) -> String {
    let text = match field {
        ManifestField::Reference => return row.reference.to_string(),
        ManifestField::SendDate => {
            let format = time::macros::format_description!("[year][month][day]");
            return row.send_date.format(&format).unwrap_or_default();
        }
        ManifestField::MailType => return layout.mail_type().to_string(),
        ManifestField::PostalCode => {
            return match postal_code(&row.postal_code) {
                Some(code) => code,
                None => {
                    problems.push(RowProblem::PostalCode { given: row.postal_code.chars().take(20).collect() });
                    String::new()
                }
            };
        }
        ManifestField::Address => join_lines(&row.address_lines),
        ManifestField::Name => join_lines(&row.name_lines),
    };
    if text.is_empty() {
        problems.push(RowProblem::Empty { field });
    }
    if text.chars().any(char::is_control) {
        problems.push(RowProblem::ControlCharacter { field });
    }
    match layout.encoding() {
        FileEncoding::Utf8 => text,
        FileEncoding::Cp932 => {
            let folded = fold_for_cp932(&text);
            for character in unencodable(&folded) {
                problems.push(RowProblem::Unencodable { field, character, encoding: FileEncoding::Cp932 });
            }
            folded
        }
    }
}

/// Trimmed lines, empty ones dropped, joined by one full-width space.
fn join_lines(lines: &[String]) -> String {
    let kept: Vec<&str> = lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
    kept.join(&LINE_JOINER.to_string())
}

/// `NNN-NNNN` from a stored postal code (full-width digits, hyphens and a leading 〒 allowed).
pub fn postal_code(input: &str) -> Option<String> {
    let trimmed = input.trim().trim_start_matches('〒');
    let digits = digits_only(trimmed)?;
    (digits.len() == 7).then(|| format!("{}-{}", &digits[..3], &digits[3..]))
}
/// A manifest row as read back (what the vendor receives). A field the layout does not carry
/// is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRecord {
    pub line: u64,
    pub reference: LetterRef,
    pub send_date: Option<Date>,
    pub mail_type: Option<String>,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub name: Option<String>,
}

/// Reads a manifest written in `layout`: what the demo's vendor and the tests see. The same
/// all-or-nothing rules as the vendor's files.
pub fn parse_manifest(bytes: &[u8], layout: &ManifestLayout) -> Result<Vec<ManifestRecord>, FileErrors> {
    let mut problems = Problems::default();
    let headers: Vec<&str> = layout.columns().iter().map(ManifestColumn::header).collect();
    let columns = if layout.header() { Columns::Named(&headers) } else { Columns::Positional(headers.len()) };
    let rows = read_rows(bytes, layout.encoding(), columns, &mut problems);
    let mut seen = SeenReferences::default();
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        let (mut reference, mut send_date, mut mail_type, mut postal_code, mut address, mut name) =
            (None, None, None, None, None, None);
        for (i, column) in layout.columns().iter().enumerate() {
            let field = column.field.name();
            let text = |problems: &mut Problems| row.required(i, field, problems).map(str::to_string);
            match column.field {
                ManifestField::Reference => reference = row.parse(i, field, &mut problems, LetterRef::parse),
                ManifestField::SendDate => send_date = row.parse(i, field, &mut problems, parse_day),
                ManifestField::MailType => mail_type = text(&mut problems),
                ManifestField::PostalCode => postal_code = text(&mut problems),
                ManifestField::Address => address = text(&mut problems),
                ManifestField::Name => name = text(&mut problems),
            }
        }
        if let Some(reference) = reference
            && seen.check(&reference, row.line, &mut problems)
        {
            records.push(ManifestRecord {
                line: row.line,
                reference,
                send_date,
                mail_type,
                postal_code,
                address,
                name,
            });
        }
    }
    problems.finish(records)
}
#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn row(id: i64, address: &[&str], name: &[&str]) -> ManifestRow {
        ManifestRow {
            reference: LetterRef::from_id(id).unwrap(),
            send_date: date!(2026 - 12 - 02),
            postal_code: "1000005".into(),
            address_lines: address.iter().map(|s| s.to_string()).collect(),
            name_lines: name.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn cp932() -> ManifestLayout {
        ManifestLayout::new(
            ManifestLayout::default().columns().to_vec(),
            true,
            FileEncoding::Cp932,
            "kan_i_kakitome".into(),
        )
        .unwrap()
    }

    fn refused(result: Result<Vec<u8>, ManifestError>) -> Vec<RefusedRow> {
        match result {
            Err(ManifestError::Refused(rows)) => rows,
            other => panic!("expected refused rows, got {other:?}"),
        }
    }

    #[test]
    fn the_default_manifest_is_utf8_with_a_header_and_crlf_and_quotes_what_needs_quoting() {
        let rows = [
            row(123, &["東京都千代田区丸の内一丁目1番1号", "リセット館 101"], &["山田 太郎 様"]),
            row(124, &["大阪府大阪市北区梅田1-2-3", "\"梅田\",ビル 5F"], &["株式会社リセット", "総務部 佐藤 花子 様"]),
        ];
        let text = String::from_utf8(render(&rows, &ManifestLayout::default()).unwrap()).unwrap();
        assert_eq!(
            text,
            "reference,send_date,mail_type,postal_code,address,name\r\n\
             L00000123,20261202,kan_i_kakitome,100-0005,東京都千代田区丸の内一丁目1番1号\u{3000}リセット館 101,山田 太郎 様\r\n\
             L00000124,20261202,kan_i_kakitome,100-0005,\"大阪府大阪市北区梅田1-2-3\u{3000}\"\"梅田\"\",ビル 5F\",株式会社リセット\u{3000}総務部 佐藤 花子 様\r\n"
        );
    }

    #[test]
    fn cp932_carries_nec_and_ibm_extensions_and_the_full_width_space() {
        let rows = [row(1, &["東京都千代田区丸の内1-1-1", "①号館　㈱リセット内"], &["髙橋 一郎 様"])];
        let bytes = render(&rows, &cp932()).unwrap();
        // 髙 is an IBM extension (FB FC), ① and ㈱ NEC special characters (87 40, 87 8A), the
        // full-width space 81 40.
        for needle in [&[0xFB, 0xFC][..], &[0x87, 0x40], &[0x87, 0x8A], &[0x81, 0x40]] {
            assert!(bytes.windows(needle.len()).any(|w| w == needle), "{needle:02X?}");
        }
        let back = parse_manifest(&bytes, &cp932()).unwrap();
        assert_eq!(back[0].address.as_deref(), Some("東京都千代田区丸の内1-1-1\u{3000}①号館　㈱リセット内"));
        assert_eq!(back[0].name.as_deref(), Some("髙橋 一郎 様"));
    }

    #[test]
    fn a_character_cp932_cannot_hold_refuses_that_letter_by_name_and_nothing_is_written() {
        let rows = [
            row(1, &["東京都千代田区丸の内1-1-1"], &["山田 太郎 様"]),
            row(2, &["東京都府中市1-1"], &["𠮷田 次郎 様"]),
            row(3, &["Rue de l'Église 3", "€ 1"], &["𠮷野 三郎 様"]),
        ];
        let refused = refused(render(&rows, &cp932()));
        let said: Vec<String> = refused.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "L00000002: the name has '𠮷' (U+20BB7), which cp932 cannot hold",
                "L00000003: the address has 'É' (U+00C9), which cp932 cannot hold",
                "L00000003: the address has '€' (U+20AC), which cp932 cannot hold",
                "L00000003: the name has '𠮷' (U+20BB7), which cp932 cannot hold",
            ]
        );
        // The same letters are fine in UTF-8.
        assert!(render(&rows, &ManifestLayout::default()).is_ok());
    }

    #[test]
    fn the_wave_dash_goes_out_as_the_one_cp932_holds() {
        // 〜 (U+301C, what Macs and JIS-based systems type) and ～ (U+FF5E, what Windows types)
        // are the same JIS character, 81 60 in CP932; read back it is ～. The minus sign and
        // the em dash likewise.
        let rows = [
            row(1, &["東京都港区1〜3−5", "—"], &["山田 太郎 様"]),
            row(2, &["東京都港区1～3－5", "―"], &["山田 花子 様"]),
        ];
        let bytes = render(&rows, &cp932()).unwrap();
        assert_eq!(bytes.windows(2).filter(|w| *w == [0x81, 0x60]).count(), 2);
        let back = parse_manifest(&bytes, &cp932()).unwrap();
        assert_eq!(back[0].address, back[1].address);
        assert_eq!(back[0].address.as_deref(), Some("東京都港区1～3－5\u{3000}―"));
    }

    #[test]
    fn every_problem_of_every_letter_is_named() {
        let mut bad_code = row(1, &["東京都"], &["山田 太郎 様"]);
        bad_code.postal_code = "100-005".into();
        let no_address = row(2, &["", " "], &["山田 花子 様"]);
        let line_break = row(3, &["東京都\n千代田区"], &["山田 次郎 様"]);
        let twice = row(1, &["東京都"], &["山田 太郎 様"]);
        let refused = refused(render(&[bad_code, no_address, line_break, twice], &ManifestLayout::default()));
        let problems: Vec<_> = refused.iter().map(|r| (r.reference.id(), r.problem.clone())).collect();
        assert_eq!(
            problems,
            [
                (1, RowProblem::PostalCode { given: "100-005".into() }),
                (2, RowProblem::Empty { field: ManifestField::Address }),
                (3, RowProblem::ControlCharacter { field: ManifestField::Address }),
                (1, RowProblem::Duplicate),
            ]
        );
    }

    #[test]
    fn postal_codes_are_written_nnn_nnnn() {
        assert_eq!(postal_code("1000005").as_deref(), Some("100-0005"));
        assert_eq!(postal_code("〒１００－０００５").as_deref(), Some("100-0005"));
        assert_eq!(postal_code("100-00051"), None);
        assert_eq!(postal_code("ABC-DEFG"), None);
    }

    #[test]
    fn a_manifest_without_header_is_read_by_position_and_checked_like_any_file() {
        let layout = ManifestLayout::new(
            vec![ManifestColumn::new(ManifestField::Reference), ManifestColumn::new(ManifestField::Name)],
            false,
            FileEncoding::Utf8,
            "x".into(),
        )
        .unwrap();
        let err = parse_manifest(b"L00000001,a\r\nL00000001,b\r\nL1,c\r\n", &layout).unwrap_err();
        assert_eq!(err.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
    }

    /// Text an address or a name may hold: kanji (with 髙 and NEC specials), kana, ASCII with
    /// the CSV specials, the full-width space.
    fn address_text() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(
            "東京都千代田区丸の内一丁目番号館髙橋①㈱アイウｱｲｳ　 ,\"'-0123456789ABCxyz#()".chars().collect::<Vec<_>>(),
        );
        prop::collection::vec(chars, 1..30)
            .prop_map(|v| v.into_iter().collect::<String>())
            .prop_filter("not blank", |s| !s.trim().is_empty())
    }

    fn rows() -> impl Strategy<Value = Vec<ManifestRow>> {
        let one = (
            1i64..=999_999_999_999,
            0u32..3000,
            0u32..10_000_000,
            prop::collection::vec(address_text(), 1..4),
            prop::collection::vec(address_text(), 1..3),
        );
        prop::collection::vec(one, 1..8).prop_map(|rows| {
            let mut seen = std::collections::HashSet::new();
            rows.into_iter()
                .filter(|(id, ..)| seen.insert(*id))
                .map(|(id, day, code, address, name)| ManifestRow {
                    reference: LetterRef::from_id(id).unwrap(),
                    send_date: date!(2026 - 01 - 01) + time::Duration::days(day.into()),
                    postal_code: format!("{code:07}"),
                    address_lines: address,
                    name_lines: name,
                })
                .collect()
        })
    }

    fn layouts() -> impl Strategy<Value = ManifestLayout> {
        let encoding = prop::sample::select(vec![FileEncoding::Utf8, FileEncoding::Cp932]);
        (Just(ManifestLayout::default().columns().to_vec()).prop_shuffle(), any::<bool>(), encoding).prop_map(
            |(columns, header, encoding)| {
                ManifestLayout::new(columns, header, encoding, "kan_i_kakitome".into()).unwrap()
            },
        )
    }

    proptest! {
        #[test]
        fn a_rendered_manifest_reads_back_as_the_rows(rows in rows(), layout in layouts()) {
            let bytes = render(&rows, &layout).unwrap();
            let crlf = bytes.windows(2).filter(|w| *w == b"\r\n").count();
            prop_assert_eq!(crlf, rows.len() + usize::from(layout.header()));
            let back = parse_manifest(&bytes, &layout).unwrap();
            prop_assert_eq!(back.len(), rows.len());
            for (row, record) in rows.iter().zip(&back) {
                prop_assert_eq!(&record.reference, &row.reference);
                prop_assert_eq!(record.send_date, Some(row.send_date));
                prop_assert_eq!(record.mail_type.as_deref(), Some("kan_i_kakitome"));
                prop_assert_eq!(record.postal_code.clone(), postal_code(&row.postal_code));
                prop_assert_eq!(record.address.clone(), Some(join_lines(&row.address_lines)));
                prop_assert_eq!(record.name.clone(), Some(join_lines(&row.name_lines)));
            }
        }
    }
}
