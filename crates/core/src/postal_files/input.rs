//! Reading the vendor's CSV files: decoding, records with the line a person sees them on,
//! columns by header name, and the errors of a whole file.
//!
//! The reader is written here rather than taken from the `csv` crate because every error must
//! name the line an editor shows, and `csv`'s record positions count CRLF files one line short.
//! It reads RFC 4180: fields separated by commas, records by CRLF or LF, fields in double
//! quotes may hold commas, line breaks and doubled quotes (`""`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::reference::LetterRef;
use super::tracking::TrackingNumber;
use crate::text::nfkc;

/// The text encoding of a vendor file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileEncoding {
    /// UTF-8; a byte order mark at the start is allowed when reading, never written.
    #[default]
    #[serde(alias = "utf-8")]
    Utf8,
    /// Windows-31J (Microsoft's Shift_JIS, with the NEC and IBM extensions), what Japanese
    /// vendor systems usually expect.
    #[serde(alias = "shift_jis", alias = "sjis", alias = "windows-31j")]
    Cp932,
}

impl FileEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            FileEncoding::Utf8 => "utf8",
            FileEncoding::Cp932 => "cp932",
        }
    }
}

/// What is wrong on one line of a vendor file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{}", match encoding {
        FileEncoding::Utf8 => "is not UTF-8 text (if the vendor writes Shift_JIS, set the encoding to cp932)",
        FileEncoding::Cp932 => "is not CP932 (Shift_JIS) text (if the vendor writes UTF-8, set the encoding to utf8)",
    })]
    Encoding { encoding: FileEncoding },
    #[error("the file is empty: a header row naming the columns ({expected}) is required")]
    NoHeader { expected: String },
    #[error("the header has no column \"{column}\"")]
    MissingColumn { column: String },
    #[error("the header names the column \"{column}\" twice")]
    DuplicateColumn { column: String },
    #[error("the file has a header but no rows")]
    NoRows,
    #[error("{fields} fields where the header has {columns} (a comma inside a value needs quotes)")]
    FieldCount { columns: usize, fields: usize },
    #[error("a quoted value is not closed")]
    UnclosedQuote,
    #[error("text after a closing quote")]
    TextAfterQuote,
    #[error("{column} {value:?}: {reason}")]
    Value { column: &'static str, value: String, reason: String },
    #[error("{column} is empty")]
    Missing { column: &'static str },
    #[error("letter {reference} is already on line {first_line}")]
    DuplicateReference { reference: LetterRef, first_line: u64 },
    #[error("item number {tracking} is already given to letter {other} on line {first_line}")]
    DuplicateTracking { tracking: TrackingNumber, other: LetterRef, first_line: u64 },
    /// What the caller found wrong with a letter the file names, against what it knows of the
    /// letter (no such letter, not in an exported batch, already returned): the file reader
    /// never makes this one, so that an import can refuse the whole file in the same words.
    #[error("letter {reference}: {reason}")]
    Letter { reference: LetterRef, reason: String },
}

/// One line's problem. Lines are counted as an editor shows them: the header is line 1, and a
/// quoted value running over several lines counts each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct LineError {
    pub line: u64,
    pub problem: Problem,
}

/// Every problem of a file that was refused as a whole, in line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileErrors {
    pub errors: Vec<LineError>,
}

impl std::fmt::Display for FileErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.errors.len();
        write!(f, "the file was not taken: {n} problem{}", if n == 1 { "" } else { "s" })?;
        for e in &self.errors {
            write!(f, "\n{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FileErrors {}

/// Collects the problems of a file as it is read.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<LineError>);

impl Problems {
    pub(crate) fn add(&mut self, line: u64, problem: Problem) {
        self.0.push(LineError { line, problem });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn finish<T>(mut self, value: T) -> Result<T, FileErrors> {
        if self.0.is_empty() {
            return Ok(value);
        }
        self.0.sort_by_key(|e| e.line);
        Err(FileErrors { errors: self.0 })
    }
}

/// One record of a file, its fields in the order the reader asked for them.
#[derive(Debug)]
pub(crate) struct Row {
    pub line: u64,
    pub fields: Vec<String>,
}

impl Row {
    /// The field for `column` (index `i` in the columns asked for), trimmed; a problem when it
    /// is empty.
    pub(crate) fn required(&self, i: usize, column: &'static str, problems: &mut Problems) -> Option<&str> {
        let value = self.fields[i].trim();
        if value.is_empty() {
            problems.add(self.line, Problem::Missing { column });
            return None;
        }
        Some(value)
    }

    /// Parses a required field with `parse`, adding its error as a problem of this line.
    pub(crate) fn parse<T, E: std::fmt::Display>(
        &self,
        i: usize,
        column: &'static str,
        problems: &mut Problems,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let value = self.required(i, column, problems)?;
        match parse(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let shown: String = value.chars().take(40).collect();
                problems.add(self.line, Problem::Value { column, value: shown, reason: e.to_string() });
                None
            }
        }
    }
}

/// How a file's columns are found.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Columns<'a> {
    /// The first record is a header; these columns are looked up by name (case-insensitively,
    /// any order); other columns are ignored.
    Named(&'a [&'a str]),
    /// No header: records have exactly this many fields, in order.
    Positional(usize),
}

/// Reads the records of a file. Problems of encoding, quoting, the header and field counts
/// are added to `problems`, and a record with such a problem is left out of the rows. Blank
/// lines, and records whose fields are all empty (what a spreadsheet writes for an empty row),
/// are skipped. A record may end with more fields than the header if they are all empty (a
/// trailing comma).
pub(crate) fn read_rows(
    bytes: &[u8],
    encoding: FileEncoding,
    columns: Columns<'_>,
    problems: &mut Problems,
) -> Vec<Row> {
    let (text, bad_lines) = decode(bytes, encoding);
    for &line in &bad_lines {
        problems.add(line, Problem::Encoding { encoding });
    }
    let mut records = parse_records(&text, problems).into_iter();
    let (picks, width) = match columns {
        Columns::Positional(n) => ((0..n).collect::<Vec<_>>(), n),
        Columns::Named(names) => {
            let Some(header) = records.next() else {
                if bad_lines.is_empty() {
                    problems.add(1, Problem::NoHeader { expected: names.join(",") });
                }
                return Vec::new();
            };
            if bad_lines.contains(&header.line) {
                return Vec::new();
            }
            let Some(picks) = header_indices(&header, names, problems) else { return Vec::new() };
            (picks, header.fields.len())
        }
    };
    let mut rows = Vec::new();
    for mut record in records.filter(|r| !bad_lines.contains(&r.line)) {
        if record.fields.len() > width && record.fields[width..].iter().all(|f| f.trim().is_empty()) {
            record.fields.truncate(width);
        }
        if record.fields.len() != width {
            problems.add(record.line, Problem::FieldCount { columns: width, fields: record.fields.len() });
            continue;
        }
        let fields = picks.iter().map(|&i| std::mem::take(&mut record.fields[i])).collect();
        rows.push(Row { line: record.line, fields });
    }
    rows
}

/// Where each wanted column is in the header; `None` (with the problems added) when one is
/// missing or named twice.
fn header_indices(header: &Record, names: &[&str], problems: &mut Problems) -> Option<Vec<usize>> {
    let found: Vec<String> = header.fields.iter().map(|f| nfkc(f.trim())).collect();
    let mut picks = Vec::with_capacity(names.len());
    for name in names {
        let at: Vec<usize> = (0..found.len()).filter(|&i| found[i].eq_ignore_ascii_case(name)).collect();
        match at.as_slice() {
            [i] => picks.push(*i),
            [] => problems.add(header.line, Problem::MissingColumn { column: name.to_string() }),
            _ => problems.add(header.line, Problem::DuplicateColumn { column: name.to_string() }),
        }
    }
    (picks.len() == names.len()).then_some(picks)
}

/// A record as read, before columns are picked.
#[derive(Debug)]
struct Record {
    line: u64,
    fields: Vec<String>,
}

/// Splits RFC 4180 text into records, each with the line it starts on.
fn parse_records(text: &str, problems: &mut Problems) -> Vec<Record> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1u64;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut broken = None;
        loop {
            let mut field = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\n' => {
                            line += 1;
                            field.push(c);
                        }
                        _ => field.push(c),
                    }
                }
                if !closed {
                    broken = Some(Problem::UnclosedQuote);
                } else if !matches!(chars.peek(), None | Some(',' | '\r' | '\n')) {
                    broken = Some(Problem::TextAfterQuote);
                    while chars.peek().is_some_and(|c| !matches!(c, '\r' | '\n')) {
                        chars.next();
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if matches!(c, ',' | '\r' | '\n') {
                        break;
                    }
                    field.push(c);
                    chars.next();
                }
            }
            fields.push(field);
            match chars.next() {
                Some(',') => continue,
                Some('\r') => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    line += 1;
                }
                Some('\n') => line += 1,
                _ => {}
            }
            break;
        }
        if let Some(problem) = broken {
            problems.add(start, problem);
        } else if fields.iter().any(|f| !f.trim().is_empty()) {
            records.push(Record { line: start, fields });
        }
    }
    records
}

/// Decodes `bytes` line by line, so that a byte sequence the encoding cannot read is named by
/// its line. Returns the text (unreadable bytes replaced) and the unreadable lines.
fn decode(bytes: &[u8], encoding: FileEncoding) -> (String, Vec<u64>) {
    let bytes = match encoding {
        FileEncoding::Utf8 => bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes),
        FileEncoding::Cp932 => bytes,
    };
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut bad = Vec::new();
    // A line feed byte is never part of a multi-byte character, in UTF-8 or in CP932 (whose
    // second bytes are 0x40 and above), so splitting there first is safe.
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        let readable = match encoding {
            FileEncoding::Utf8 => std::str::from_utf8(line).ok().map(std::borrow::Cow::Borrowed),
            FileEncoding::Cp932 => encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(line),
        };
        match readable {
            Some(s) => text.push_str(&s),
            None => {
                bad.push(i as u64 + 1);
                match encoding {
                    FileEncoding::Utf8 => text.push_str(&String::from_utf8_lossy(line)),
                    FileEncoding::Cp932 => text.push_str(&encoding_rs::SHIFT_JIS.decode_without_bom_handling(line).0),
                }
            }
        }
    }
    (text, bad)
}

/// Reads a calendar day written `YYYY-MM-DD` or `YYYYMMDD` (full-width digits accepted).
pub(crate) fn parse_day(input: &str) -> Result<Date, String> {
    let folded = nfkc(input.trim());
    let dashed = time::macros::format_description!("[year]-[month]-[day]");
    let compact = time::macros::format_description!("[year repr:full][month][day]");
    Date::parse(&folded, &dashed)
        .or_else(|_| Date::parse(&folded, &compact))
        .map_err(|_| "must be a date written YYYY-MM-DD or YYYYMMDD".to_string())
}

/// Remembers the first line of each reference, adding a problem for a reference seen before.
#[derive(Debug, Default)]
pub(crate) struct SeenReferences(HashMap<LetterRef, u64>);

impl SeenReferences {
    pub(crate) fn check(&mut self, reference: &LetterRef, line: u64, problems: &mut Problems) -> bool {
        match self.0.get(reference) {
            Some(&first_line) => {
                problems.add(line, Problem::DuplicateReference { reference: reference.clone(), first_line });
                false
            }
            None => {
                self.0.insert(reference.clone(), line);
                true
            }
        }
    }
}
