//! P4's letter: the postal reset code, its expiry, where to enter it and whom to call, from
//! the catalogue's `letter-postal-` entries.

use secrecy::SecretString;
use time::{Duration, OffsetDateTime};

use super::{ItemValue, Letter, LetterError, LetterItem, LetterQr, group_digits, recipient_block};
use crate::account::Language;
use crate::catalogue::{Arg, Catalogue};
use crate::mail::Institution;
use crate::ports::postal::LetterRecipient;
use crate::secret::ResetCode;

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
    let recipient = recipient_block(c, "letter-postal-", to, true)?;
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
        recipient: Some(recipient),
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
        forms: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::account::{AccountKind, AccountStatus, Address, ChangedAt, LoginId, PersonName, Profile};
    use crate::calendar::Calendar;
    use crate::letter::tests::all_text;

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
        let to = l.recipient.as_ref().expect("a mailed letter has a recipient");
        assert_eq!(to.postal_code, "〒100-0005");
        assert_eq!(to.address_lines, ["東京都千代田区丸の内一丁目1番1号", "リセット館 101"]);
        assert_eq!(to.name_lines, ["山田 太郎 様"]);
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
        assert_eq!(l.recipient.as_ref().unwrap().name_lines, ["株式会社リセット商事", "山田 太郎 様"]);
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
}
