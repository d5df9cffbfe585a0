//! Letters for the post: a generic [`Letter`] — what a Japanese business letter (横書き) holds,
//! in the order it is printed — and the assembly of the one procedure P4 sends, the postal
//! reset code letter ([`postal_code_letter`]), from the catalogue's `letter-postal-` entries.
//!
//! A letter is words only; where they go on the page is `reissue-letters`' business (`pdf.rs`:
//! A4, the recipient behind a window envelope, the code in the middle third of a tri-fold).
//! The layout it follows:
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
//! ```
//!
//! Every word comes from the catalogue; what this module adds is only dates (as `calendar.rs`
//! writes them), the postal code's hyphen and the grouping of the code's digits. A letter that
//! carries a secret keeps it in an [`ItemValue::Secret`], which `Debug` never prints.

use secrecy::{ExposeSecret, SecretString};
use time::{Duration, OffsetDateTime};

use crate::account::Language;
use crate::catalogue::{Arg, Catalogue};
use crate::mail::Institution;
use crate::ports::postal::LetterRecipient;
use crate::secret::ResetCode;
use crate::text::digits_only;

/// One letter, in the order its parts are printed.
#[derive(Debug, Clone)]
pub struct Letter {
    /// Who it goes to: the block that shows through the envelope's window.
    pub recipient: Recipient,
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

/// A letter that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("the account has no postal address of record, so no letter can be sent")]
    NoAddress,
}

/// What the institution chooses for its postal letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalLetterOptions {
    /// Print 簡易書留 beside the address. Off when the vendor's envelopes have it pre-printed.
    pub registered_mail_mark: bool,
    /// Print a QR code of the reset page's address. Off by default: some institutions forbid
    /// QR codes in their mail (customers are taught never to scan one).
    pub qr_code: bool,
}

impl Default for PostalLetterOptions {
    fn default() -> Self {
        Self { registered_mail_mark: true, qr_code: false }
    }
}

/// The code a postal letter carries and when: what P4 has just issued.
#[derive(Debug)]
pub struct PostalCodeNotice<'a> {
    pub code: &'a ResetCode,
    /// When the code was issued: the letter's date of issue is its local date.
    pub issued_at: OffsetDateTime,
    /// The first instant the code no longer works. A postal code lives to the end of a local
    /// day (the 21st after issue), so this is that day's end, the next midnight; the letter
    /// prints the date of the last instant before it (`2026年12月23日（水）まで`).
    pub expires_at: OffsetDateTime,
    /// `server.public_url`: the letter names `{public_url}/reset/postal`, where the code is
    /// entered, and `{public_url}/help/postal-letter`, its English translation.
    pub public_url: &'a str,
    /// A document number for the top right (the letter's reference in the print batch).
    pub reference: Option<String>,
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

/// The addressee: a person with 様; an organization's name on its own line, then the person
/// in charge with 様. Never 御中 (which is for an organization alone) together with 様.
fn name_lines(c: &Catalogue, r: &LetterRecipient) -> Vec<String> {
    let person = c.text(
        Language::Ja,
        "letter-postal-name",
        &[("family", r.family_name.as_str().into()), ("given", r.given_name.as_str().into())],
    );
    match r.organization.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        Some(org) => vec![org.to_owned(), person],
        None => vec![person],
    }
}

/// The letter P4 mails: the reset code, its expiry, where to enter it, and whom to call. It is
/// always in Japanese (a postal letter goes to a Japanese address and is read by the post
/// office); its English translation is the page `/help/postal-letter`, which it names.
pub fn postal_code_letter(
    c: &Catalogue,
    inst: &Institution,
    to: &LetterRecipient,
    notice: &PostalCodeNotice<'_>,
    options: &PostalLetterOptions,
) -> Result<Letter, LetterError> {
    const JA: Language = Language::Ja;
    if !to.address_lines.iter().any(|l| !l.trim().is_empty()) {
        return Err(LetterError::NoAddress);
    }
    let base = notice.public_url.trim_end_matches('/');
    let reset_url = format!("{base}/reset/postal");
    let help_url = format!("{base}/help/postal-letter");
    let desk = &inst.help_desk.ja;
    let issued_on = inst.time_zone.date(notice.issued_at, JA);
    // The last instant the code still works is on the day it is valid through.
    let until = inst.time_zone.date(notice.expires_at - Duration::nanoseconds(1), JA);
    let code = notice.code.expose();
    let digits = u32::try_from(code.len()).unwrap_or(u32::MAX);
    let args: Vec<(&str, Arg)> = vec![
        ("institution", inst.name.as_str().into()),
        ("help_number", desk.number.as_str().into()),
        ("help_hours", desk.hours.as_str().into()),
        ("until", until.as_str().into()),
        ("digits", digits.into()),
        ("reset_url", reset_url.as_str().into()),
        ("help_url", help_url.as_str().into()),
        ("postal_code", postal_code_digits(&to.postal_code).into()),
        ("date", issued_on.as_str().into()),
    ];
    let t = |key: &str| c.text(JA, &format!("letter-postal-{key}"), &args);

    let mut marks = vec![t("mark-confidential"), t("mark-no-forwarding")];
    if options.registered_mail_mark {
        marks.push(t("mark-registered"));
    }
    let reference =
        notice.reference.as_deref().map(|r| c.text(JA, "letter-postal-reference", &[("reference", r.into())]));
    let items = vec![
        LetterItem {
            label: t("item-code"),
            value: ItemValue::Secret(SecretString::from(group_digits(code))),
            emphasis: true,
        },
        LetterItem { label: t("item-expiry"), value: ItemValue::Plain(t("item-expiry-value")), emphasis: false },
        LetterItem { label: t("item-page"), value: ItemValue::Plain(reset_url.clone()), emphasis: false },
    ];
    Ok(Letter {
        recipient: Recipient {
            postal_code: t("postal-code"),
            address_lines: to.address_lines.iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect(),
            name_lines: name_lines(c, to),
        },
        marks,
        reference,
        issued_on: t("issued-on"),
        sender_lines: vec![t("sender"), t("sender-desk"), t("sender-hours")],
        subject: t("subject"),
        paragraphs: vec![t("opening"), t("body-purpose"), t("body-how")],
        items_heading: t("items-heading"),
        items,
        notes: vec![t("note-once"), t("note-expired"), t("note-secret"), t("note-not-you"), t("note-english")],
        closing: t("closing"),
        qr: options.qr_code.then(|| LetterQr { content: reset_url, caption: t("qr-caption") }),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::account::{AccountKind, AccountStatus, Address, ChangedAt, LoginId, PersonName, Profile};
    use crate::calendar::Calendar;

    fn recipient(p: &Profile) -> LetterRecipient {
        LetterRecipient::of(p).unwrap()
    }

    fn profile(kind: AccountKind, organization: Option<&str>) -> Profile {
        Profile {
            login_id: LoginId::parse("123456789").unwrap(),
            kind,
            status: AccountStatus::Active,
            organization_name: organization.map(str::to_owned),
            name: PersonName::new("山田", "太郎").unwrap(),
            name_kana: None,
            birth_date: None,
            email: None,
            phone: None,
            // The customer reads English; the letter is Japanese all the same.
            language: Language::En,
            address: Some(Address {
                postal_code: "1000005".into(),
                lines: vec!["東京都千代田区丸の内一丁目1番1号".into(), "リセット館 101".into()],
            }),
            changed_at: ChangedAt::default(),
        }
    }

    /// Issued at 10:00 on Wednesday 2 December 2026 in Tokyo; valid to the end of the 21st day.
    fn notice(code: &ResetCode) -> PostalCodeNotice<'_> {
        let issued_at = datetime!(2026-12-02 01:00 UTC);
        let tokyo = Calendar::default();
        let expires_at = tokyo.start_of_day(issued_at) + Duration::days(22);
        PostalCodeNotice { code, issued_at, expires_at, public_url: "https://bank.example/", reference: None }
    }

    fn all_text(l: &Letter) -> String {
        let mut parts = vec![l.recipient.postal_code.clone()];
        parts.extend(l.recipient.address_lines.iter().cloned());
        parts.extend(l.recipient.name_lines.iter().cloned());
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
        parts.join("\n")
    }

    #[test]
    fn the_postal_letter_says_what_the_code_is_where_to_enter_it_and_until_when() {
        let c = Catalogue::builtin();
        let code = ResetCode::parse("4829173605", 10).unwrap();
        let l = postal_code_letter(
            &c,
            &Institution::default(),
            &recipient(&profile(AccountKind::Individual, None)),
            &notice(&code),
            &PostalLetterOptions::default(),
        )
        .unwrap();
        assert_eq!(l.recipient.postal_code, "〒100-0005");
        assert_eq!(l.recipient.address_lines, ["東京都千代田区丸の内一丁目1番1号", "リセット館 101"]);
        assert_eq!(l.recipient.name_lines, ["山田 太郎 様"]);
        assert_eq!(l.marks, ["親展", "転送不要", "簡易書留"]);
        assert_eq!(l.issued_on, "発行日：2026年12月2日（水）");
        let code_item = l.items.iter().find(|i| i.emphasis).expect("the code is the emphasised item");
        assert_eq!(code_item.value.expose(), "4829 1736 05");
        assert!(code_item.label.contains("10桁"), "{}", code_item.label);
        let text = all_text(&l);
        // The expiry is the end of the 21st day after issue: 23 December, printed as a date.
        assert!(text.contains("2026年12月23日（水）まで"), "{text}");
        assert!(text.contains("https://bank.example/reset/postal"), "{text}");
        assert!(text.contains("https://bank.example/help/postal-letter"), "{text}");
        assert!(text.contains("ログインID"), "entered with the login ID: {text}");
        assert!(text.contains("0120-000-000"), "the Japanese help desk: {text}");
        assert!(!text.contains("0120-000-001"), "not the English one: {text}");
        assert_eq!(l.closing, "以上");
        assert!(l.qr.is_none(), "no QR code unless asked for");
        // A missing entry shows as its key, a missing variable as `{$name}`.
        assert!(!text.contains("letter-postal-") && !text.contains('{'), "{text}");
    }

    #[test]
    fn an_organization_is_named_on_its_own_line_and_the_person_in_charge_gets_sama_never_onchu() {
        let c = Catalogue::builtin();
        let code = ResetCode::parse("0000000001", 10).unwrap();
        let p = profile(AccountKind::Organization, Some("株式会社リセット商事"));
        let l = postal_code_letter(
            &c,
            &Institution::default(),
            &recipient(&p),
            &notice(&code),
            &PostalLetterOptions::default(),
        )
        .unwrap();
        assert_eq!(l.recipient.name_lines, ["株式会社リセット商事", "山田 太郎 様"]);
        assert!(!all_text(&l).contains("御中"));
    }

    #[test]
    fn the_options_choose_the_registered_mail_mark_and_the_qr_code() {
        let c = Catalogue::builtin();
        let code = ResetCode::parse("4829173605", 10).unwrap();
        let options = PostalLetterOptions { registered_mail_mark: false, qr_code: true };
        let mut n = notice(&code);
        n.reference = Some("P4-000123".into());
        let l = postal_code_letter(
            &c,
            &Institution::default(),
            &recipient(&profile(AccountKind::Individual, None)),
            &n,
            &options,
        )
        .unwrap();
        assert_eq!(l.marks, ["親展", "転送不要"]);
        let qr = l.qr.expect("a QR code");
        assert_eq!(qr.content, "https://bank.example/reset/postal", "the page's address, never the code");
        assert!(l.reference.unwrap().contains("P4-000123"));
    }

    #[test]
    fn the_code_never_shows_in_debug_output() {
        let c = Catalogue::builtin();
        let code = ResetCode::parse("4829173605", 10).unwrap();
        let l = postal_code_letter(
            &c,
            &Institution::default(),
            &recipient(&profile(AccountKind::Individual, None)),
            &notice(&code),
            &PostalLetterOptions::default(),
        )
        .unwrap();
        let debug = format!("{l:?}");
        assert!(!debug.contains("4829") && !debug.contains("3605"), "{debug}");
        assert!(debug.contains("Secret(***)") && debug.contains("山田 太郎 様"), "the rest shows: {debug}");
    }

    #[test]
    fn dates_are_the_institutions_and_no_address_is_no_letter() {
        let c = Catalogue::builtin();
        let code = ResetCode::parse("4829173605", 10).unwrap();
        // 15:30 UTC on 1 December is already 2 December in Tokyo.
        let issued_at = datetime!(2026-12-01 15:30 UTC);
        let expires_at = Calendar::default().start_of_day(issued_at) + Duration::days(22);
        let n = PostalCodeNotice { code: &code, issued_at, expires_at, public_url: "https://x", reference: None };
        let p = profile(AccountKind::Individual, None);
        let l = postal_code_letter(&c, &Institution::default(), &recipient(&p), &n, &PostalLetterOptions::default())
            .unwrap();
        assert_eq!(l.issued_on, "発行日：2026年12月2日（水）");
        assert!(all_text(&l).contains("2026年12月23日（水）まで"));

        assert!(LetterRecipient::of(&Profile { address: None, ..p.clone() }).is_none());
        let e = postal_code_letter(
            &c,
            &Institution::default(),
            &LetterRecipient { address_lines: vec![" ".into()], ..recipient(&profile(AccountKind::Individual, None)) },
            &n,
            &PostalLetterOptions::default(),
        );
        assert_eq!(e.unwrap_err(), LetterError::NoAddress);
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
