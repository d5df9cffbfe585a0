//! Letters: a generic [`Letter`] — what a Japanese business letter (横書き) holds, in the order
//! it is printed, with the forms its reader may fill in by hand — and the assembly of each
//! letter a procedure sends, from the catalogue:
//!
//! - `postal.rs`: P4's postal reset code letter ([`postal_code_letter`], `letter-postal-`);
//! - `counter.rs`: a counter case's inquiry letter to the holder, with its response and power
//!   of attorney to fill in, and the receipt handed over the counter (`letter-inquiry-`,
//!   `letter-receipt-`).
//!
//! A letter is words only; where they go on the page is `reissue-letters`' business (`pdf.rs`:
//! A4, the recipient behind a window envelope, a secret in the middle third of a tri-fold, the
//! forms from a new page). The layout it follows:
//!
//! ```text
//! 〒100-0005             [親展][転送不要]        reference     (top right)
//! address lines                                 date of issue
//! name lines … 様                               sender lines
//!                       subject (centred)
//! paragraphs …
//!                          記
//!   label   value        (an emphasised item: large, boxed, hatched behind)
//!   notes …
//!                                                          以上
//! ── new page ──
//!                     form title (centred)
//! statements …
//! ┌label──┬────────────────────────────┐
//! │       │ (empty box / □ choice / value)
//! └───────┴────────────────────────────┘
//! notes …
//! ```
//!
//! Every word comes from the catalogue; what these modules add is only dates (as
//! `calendar.rs` writes them), the postal code's hyphen and the grouping of a code's digits. A
//! letter that carries a secret keeps it in an [`ItemValue::Secret`], which `Debug` never
//! prints.

use secrecy::{ExposeSecret, SecretString};

use crate::account::Language;
use crate::catalogue::Catalogue;
use crate::ports::postal::LetterRecipient;
use crate::text::digits_only;

pub mod counter;
pub mod postal;

pub use postal::{PostalCodeNotice, PostalLetterOptions, postal_code_letter};

/// One letter, in the order its parts are printed.
#[derive(Debug, Clone)]
pub struct Letter {
    /// Who it goes to: the block that shows through the envelope's window. `None` for a
    /// document handed over at the counter (a receipt): nothing is printed where a window
    /// would be, and it has no envelope marks.
    pub recipient: Option<Recipient>,
    /// The envelope marks printed beside the address, such as 親展 (confidential), 転送不要
    /// (not to be forwarded) and 簡易書留 (Simplified Registered Mail), in that order.
    pub marks: Vec<String>,
    /// A document number, top right (optional).
    pub reference: Option<String>,
    /// The date of issue, already written as people read it (`2026年12月2日（水）`).
    pub issued_on: String,
    /// The sender, one line each (institution, department, telephone), below the date.
    pub sender_lines: Vec<String>,
    /// The subject (件名), centred.
    pub subject: String,
    /// The body, one paragraph each; a paragraph wraps, and a line break in it is kept.
    pub paragraphs: Vec<String>,
    /// The heading of the itemised facts, centred (記).
    pub items_heading: String,
    /// The itemised facts under the heading (none: no 記 block).
    pub items: Vec<LetterItem>,
    /// Notes after the items (なお… / ※…), one each.
    pub notes: Vec<String>,
    /// The closing mark, right-aligned (以上); empty for none.
    pub closing: String,
    /// A QR code to print beside the items (optional).
    pub qr: Option<LetterQr>,
    /// Sections the reader fills in by hand and hands back (a response, a power of attorney),
    /// printed after the letter from a new page, one after the other.
    pub forms: Vec<FormSection>,
}

/// The recipient block, as printed: it must show through the window of the envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The postal code line with its mark, `〒100-0005`.
    pub postal_code: String,
    /// The address, one line each (prefecture to building and room).
    pub address_lines: Vec<String>,
    /// The addressee, one line each, the last one ending with its honorific (`山田 太郎 様`);
    /// an organization's name comes first, on its own line.
    pub name_lines: Vec<String>,
}

/// One line of the 記 block.
#[derive(Debug, Clone)]
pub struct LetterItem {
    pub label: String,
    pub value: ItemValue,
    /// Printed large in a box with a tint pattern behind it (the reset code). A letter has at
    /// most one; it is placed where a tri-folded sheet hides it (the middle third).
    pub emphasis: bool,
}

impl LetterItem {
    /// An item printed as written, not emphasised.
    pub fn plain(label: String, value: String) -> Self {
        Self { label, value: ItemValue::Plain(value), emphasis: false }
    }
}

/// What an item says: plain text, or a secret that is printed but never shows in `Debug`.
#[derive(Clone)]
pub enum ItemValue {
    Plain(String),
    Secret(SecretString),
}

impl ItemValue {
    /// The text to print.
    pub fn expose(&self) -> &str {
        match self {
            Self::Plain(s) => s,
            Self::Secret(s) => s.expose_secret(),
        }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, Self::Secret(_))
    }
}

impl std::fmt::Debug for ItemValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Plain(s) => f.debug_tuple("Plain").field(s).finish(),
            Self::Secret(_) => f.write_str("Secret(***)"),
        }
    }
}

/// A QR code and the words printed under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterQr {
    /// What it encodes (a URL; never a secret).
    pub content: String,
    pub caption: String,
}

/// A form to fill in by hand: a title, what the signer declares, the fields as a table of
/// labelled boxes, and notes. It holds no secret: what it prints is printed as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSection {
    /// Centred above the form (回答書, 委任状).
    pub title: String,
    /// Paragraphs under the title: the addressee, the declaration (私は、次の者を代理人と定め…).
    pub statements: Vec<String>,
    /// The table's rows, label on the left.
    pub fields: Vec<FormField>,
    /// Notes under the table (※…), one each.
    pub notes: Vec<String>,
}

/// One row of a form's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub label: String,
    pub input: FieldInput,
}

/// What a form's row holds beside its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldInput {
    /// Already printed, nothing to write (what is delegated, the case's reference).
    Given(String),
    /// An empty box `lines` lines of handwriting high, with an optional guide printed small at
    /// its right end (`年　　月　　日`, `印`).
    Write { lines: u8, guide: Option<String> },
    /// A check box before each choice, one to tick.
    Choice(Vec<String>),
}

/// A letter that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("the account has no postal address of record, so no letter can be sent")]
    NoAddress,
    #[error("an inquiry letter names at least one of the card's PINs")]
    NoPins,
}

/// Groups a code's digits for reading and typing: fours, then what remains
/// (`4829 1736 05`). Fours because that is how a cash card or credit card number is printed
/// in Japan, so the eye and the hand take four at a time; the short last group makes the end
/// plain, and the rule holds for every configured code length (6 to 18 digits), which 3-3-4
/// does not.
pub fn group_digits(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// A Japanese postal code as printed: seven digits get their hyphen (`100-0005`); anything
/// else is kept as recorded.
fn postal_code_digits(raw: &str) -> String {
    match digits_only(raw) {
        Some(d) if d.len() == 7 => format!("{}-{}", &d[..3], &d[3..]),
        _ => raw.trim().to_owned(),
    }
}

/// The window block of `to`, in the words of the catalogue's `{prefix}postal-code` (with
/// `$postal_code`) and `{prefix}name` (with `$family`, `$given`): the address's blank lines
/// dropped, and an organization's name on its own line above the person when `organization`
/// is kept. No address at all is no letter.
fn recipient_block(
    c: &Catalogue,
    prefix: &str,
    to: &LetterRecipient,
    organization: bool,
) -> Result<Recipient, LetterError> {
    const JA: Language = Language::Ja;
    let address_lines: Vec<String> =
        to.address_lines.iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
    if address_lines.is_empty() {
        return Err(LetterError::NoAddress);
    }
    let postal_code =
        c.text(JA, &format!("{prefix}postal-code"), &[("postal_code", postal_code_digits(&to.postal_code).into())]);
    let person = c.text(
        JA,
        &format!("{prefix}name"),
        &[("family", to.family_name.as_str().into()), ("given", to.given_name.as_str().into())],
    );
    // A person with 様; an organization's name on its own line, then the person in charge with
    // 様. Never 御中 (which is for an organization alone) together with 様.
    let org = to.organization.as_deref().map(str::trim).filter(|o| organization && !o.is_empty());
    let name_lines = match org {
        Some(org) => vec![org.to_owned(), person],
        None => vec![person],
    };
    Ok(Recipient { postal_code, address_lines, name_lines })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every word of a letter, its forms included, one per line: what a reader sees.
    pub(crate) fn all_text(l: &Letter) -> String {
        let mut parts = Vec::new();
        if let Some(r) = &l.recipient {
            parts.push(r.postal_code.clone());
            parts.extend(r.address_lines.iter().cloned());
            parts.extend(r.name_lines.iter().cloned());
        }
        parts.extend(l.marks.iter().cloned());
        parts.extend(l.reference.iter().cloned());
        parts.push(l.issued_on.clone());
        parts.extend(l.sender_lines.iter().cloned());
        parts.push(l.subject.clone());
        parts.extend(l.paragraphs.iter().cloned());
        parts.push(l.items_heading.clone());
        for i in &l.items {
            parts.push(i.label.clone());
            parts.push(i.value.expose().to_owned());
        }
        parts.extend(l.notes.iter().cloned());
        parts.push(l.closing.clone());
        for f in &l.forms {
            parts.push(f.title.clone());
            parts.extend(f.statements.iter().cloned());
            for field in &f.fields {
                parts.push(field.label.clone());
                match &field.input {
                    FieldInput::Given(v) => parts.push(v.clone()),
                    FieldInput::Write { guide, .. } => parts.extend(guide.iter().cloned()),
                    FieldInput::Choice(choices) => parts.extend(choices.iter().cloned()),
                }
            }
            parts.extend(f.notes.iter().cloned());
        }
        parts.join("\n")
    }

    #[test]
    fn digits_group_in_fours_and_postal_codes_get_their_hyphen() {
        assert_eq!(group_digits("4829173605"), "4829 1736 05");
        assert_eq!(group_digits("123456"), "1234 56");
        assert_eq!(group_digits("12345678"), "1234 5678");
        assert_eq!(postal_code_digits("１０００００５"), "100-0005");
        assert_eq!(postal_code_digits("100-0005"), "100-0005");
        assert_eq!(postal_code_digits(" 12345 "), "12345");
    }
}
