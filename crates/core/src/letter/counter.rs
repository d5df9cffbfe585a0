//! The counter's letters (P8b), always in Japanese, from the catalogue's `letter-inquiry-` and
//! `letter-receipt-` entries and the case's vocabulary (`counter-…`, the keys the console uses):
//!
//! - [`inquiry_letter`]: the 照会書兼回答書 mailed to the holder's registered address when an
//!   optional proxy applies, 親展 and 転送不要 (a letter the post cannot deliver comes back
//!   instead of following the holder, and that closes the case). It names the application,
//!   carries the check code the proxy must present, and ends with the response (回答書) and the
//!   power of attorney (委任状) the holder fills in by hand and gives the proxy.
//! - [`receipt`]: the 受付票 handed to the applicant over the counter: what was applied for and,
//!   when the case is not done the same day, when to come back and what to bring.
//!
//! The check code is printed on the inquiry letter only, as the emphasised item of its 記 (a
//! secret, in the middle third). The receipt goes to whoever applied — for a proxy case, the
//! proxy — so it never carries it: the proxy can learn it only from the holder.

use secrecy::SecretString;
use time::{Duration, OffsetDateTime};

use super::{FieldInput, FormField, FormSection, ItemValue, Letter, LetterError, LetterItem, recipient_block};
use crate::account::Language;
use crate::catalogue::{Arg, Catalogue};
use crate::counter::checklist::ItemKind;
use crate::counter::{CardPin, CaseRef, CaseType, CheckCode, CounterOffice, Ground, PinOperation};
use crate::mail::Institution;
use crate::ports::postal::LetterRecipient;

const JA: Language = Language::Ja;

/// What the inquiry letter tells the holder: the case a proxy has just opened.
#[derive(Debug)]
pub struct InquiryNotice<'a> {
    pub case_reference: &'a CaseRef,
    /// Printed once, in the 記; `Debug` never shows it.
    pub check_code: &'a CheckCode,
    /// When the proxy applied: the letter's date of issue and the date it names (the letter is
    /// made as the case opens).
    pub opened_at: OffsetDateTime,
    /// The case's end, the first instant it no longer may be served: the letter prints the date
    /// of the last instant before it as the last day the proxy may come.
    pub reply_by: OffsetDateTime,
    pub pins: &'a [CardPin],
    pub operation: PinOperation,
}

/// What the receipt says of the case. It has no check code to print, by construction.
#[derive(Debug, Clone)]
pub struct ReceiptFacts<'a> {
    pub case_reference: &'a CaseRef,
    pub case_type: CaseType,
    /// Why a legal representative may act (printed after the case type); ignored for others.
    pub ground: Option<Ground>,
    pub pins: &'a [CardPin],
    pub operation: PinOperation,
    /// When the application was received: the receipt's date.
    pub opened_at: OffsetDateTime,
    /// The case's end, as [`InquiryNotice::reply_by`]: the last day of the next visit.
    pub expires_at: OffsetDateTime,
    /// What to bring at the next visit (`checklist::required` for the second visit); empty when
    /// nothing is pending, and then the receipt names no next visit.
    pub next_visit: Vec<ItemKind>,
    /// The card holder's name (family, given), printed with 様 when known.
    pub holder_name: Option<(&'a str, &'a str)>,
}

/// The arguments every counter letter's entries share.
fn office_args(
    c: &Catalogue,
    office: &CounterOffice,
    reference: &CaseRef,
    pins: &[CardPin],
    operation: PinOperation,
) -> Vec<(&'static str, Arg)> {
    let pin_names: Vec<String> = pins.iter().map(|p| c.text(JA, &p.label_key(), &[])).collect();
    vec![
        ("office", office.name.as_str().into()),
        ("office_phone", office.phone.as_str().into()),
        ("office_hours", office.hours.as_str().into()),
        ("reference", reference.to_string().into()),
        ("pins", pin_names.join("、").into()),
        ("operation", c.text(JA, &operation.label_key(), &[]).into()),
    ]
}

/// The sender block: the office, its address, telephone and hours.
fn sender_lines(office: &CounterOffice, t: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut lines = vec![t("sender")];
    lines.extend(office.address_lines.iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()));
    lines.push(t("sender-phone"));
    lines.push(t("sender-hours"));
    lines
}

/// The PINs' names, one a line, for the 記.
fn pin_lines(c: &Catalogue, pins: &[CardPin]) -> String {
    pins.iter().map(|p| c.text(JA, &p.label_key(), &[])).collect::<Vec<_>>().join("\n")
}

/// The date of the last instant before `end`: the last day something may still be done.
fn last_day(inst: &Institution, end: OffsetDateTime) -> String {
    inst.time_zone.date(end - Duration::nanoseconds(1), JA)
}

/// The inquiry letter to the holder `to` (their registered address), with its response and
/// power of attorney to fill in. The holder of a card is a person: an organization on the
/// recipient is not printed.
pub fn inquiry_letter(
    c: &Catalogue,
    inst: &Institution,
    office: &CounterOffice,
    to: &LetterRecipient,
    n: &InquiryNotice<'_>,
) -> Result<Letter, LetterError> {
    if n.pins.is_empty() {
        return Err(LetterError::NoPins);
    }
    let recipient = recipient_block(c, "letter-inquiry-", to, false)?;
    let date = inst.time_zone.date(n.opened_at, JA);
    let reply_by = last_day(inst, n.reply_by);
    let mut args = office_args(c, office, n.case_reference, n.pins, n.operation);
    args.push(("date", date.into()));
    args.push(("reply_by", reply_by.into()));
    let t = |key: &str| c.text(JA, &format!("letter-inquiry-{key}"), &args);

    let items = vec![
        LetterItem::plain(t("item-reference"), n.case_reference.to_string()),
        LetterItem {
            label: t("item-check-code"),
            value: ItemValue::Secret(SecretString::from(n.check_code.grouped())),
            emphasis: true,
        },
        LetterItem::plain(t("item-pins"), pin_lines(c, n.pins)),
        LetterItem::plain(t("item-operation"), t("item-operation-value")),
        LetterItem::plain(t("item-reply-by"), t("item-reply-by-value")),
    ];
    let write = |key: &str, lines: u8, guide: Option<&str>| FormField {
        label: t(key),
        input: FieldInput::Write { lines, guide: guide.map(t) },
    };
    let response = FormSection {
        title: t("response-title"),
        statements: vec![t("response-to"), t("response-statement")],
        fields: vec![
            FormField { label: t("field-reference"), input: FieldInput::Given(n.case_reference.to_string()) },
            FormField {
                label: t("response-choice"),
                input: FieldInput::Choice(vec![t("response-choice-yes"), t("response-choice-no")]),
            },
            write("field-date", 1, Some("field-date-guide")),
            write("response-holder-address", 2, None),
            write("response-holder-name", 1, Some("field-signature-guide")),
            write("response-holder-phone", 1, None),
        ],
        notes: vec![t("response-note-pin"), t("response-note-not-you")],
    };
    let power_of_attorney = FormSection {
        title: t("poa-title"),
        statements: vec![t("poa-to"), t("poa-statement")],
        fields: vec![
            write("poa-proxy-address", 2, None),
            write("poa-proxy-name", 1, None),
            write("poa-proxy-birth-date", 1, Some("field-date-guide")),
            FormField { label: t("poa-matter"), input: FieldInput::Given(t("poa-matter-value")) },
            write("field-date", 1, Some("field-date-guide")),
            write("poa-holder-name", 1, Some("field-signature-guide")),
        ],
        notes: vec![t("poa-note")],
    };
    Ok(Letter {
        recipient: Some(recipient),
        marks: vec![t("mark-confidential"), t("mark-no-forwarding")],
        reference: Some(t("reference")),
        issued_on: t("issued-on"),
        sender_lines: sender_lines(office, &t),
        subject: t("subject"),
        paragraphs: vec![t("body-applied"), t("body-if-yes"), t("body-if-not")],
        items_heading: t("items-heading"),
        items,
        notes: vec![t("note-check-code"), t("note-deadline"), t("note-never-asked")],
        closing: t("closing"),
        qr: None,
        forms: vec![response, power_of_attorney],
    })
}

/// The receipt handed over the counter when a case opens. It goes in no envelope, so it has
/// no recipient block and no marks; it never prints the check code.
pub fn receipt(
    c: &Catalogue,
    inst: &Institution,
    office: &CounterOffice,
    r: &ReceiptFacts<'_>,
) -> Result<Letter, LetterError> {
    if r.pins.is_empty() {
        return Err(LetterError::NoPins);
    }
    let tz = &inst.time_zone;
    let opened_on = tz.date_of(r.opened_at);
    // Never the same day: the next visit is from the next calendar day.
    let first = tz.day(opened_on.next_day().unwrap_or(opened_on), JA);
    let mut args = office_args(c, office, r.case_reference, r.pins, r.operation);
    args.push(("date", tz.date(r.opened_at, JA).into()));
    args.push(("first", first.into()));
    args.push(("last", last_day(inst, r.expires_at).into()));
    let case_type = c.text(JA, &r.case_type.label_key(), &[]);
    let ground = r.ground.filter(|_| r.case_type == CaseType::LegalRepresentative);
    args.push(("type", case_type.as_str().into()));
    if let Some((family, given)) = r.holder_name {
        args.push(("family", family.into()));
        args.push(("given", given.into()));
    }
    if let Some(g) = ground {
        args.push(("ground", c.text(JA, &g.label_key(), &[]).into()));
    }
    let t = |key: &str| c.text(JA, &format!("letter-receipt-{key}"), &args);

    let pending = !r.next_visit.is_empty();
    let mut items = vec![
        LetterItem::plain(t("item-reference"), r.case_reference.to_string()),
        LetterItem::plain(t("item-type"), if ground.is_some() { t("item-type-with-ground") } else { case_type }),
    ];
    if r.holder_name.is_some() {
        items.push(LetterItem::plain(t("item-holder"), t("item-holder-value")));
    }
    items.push(LetterItem::plain(t("item-pins"), pin_lines(c, r.pins)));
    items.push(LetterItem::plain(t("item-operation"), t("item-operation-value")));
    let mut paragraphs = vec![t("body")];
    let mut notes = Vec::new();
    if pending {
        paragraphs.push(t("body-next"));
        items.push(LetterItem::plain(t("item-next-visit"), t("item-next-visit-value")));
        let bring: Vec<String> = r
            .next_visit
            .iter()
            .map(|k| {
                let name = c.text(JA, &k.label_key(), &[]);
                c.text(JA, "letter-receipt-bring-line", &[("item", name.into())])
            })
            .collect();
        items.push(LetterItem::plain(t("item-bring"), bring.join("\n")));
    }
    if r.case_type == CaseType::Proxy {
        notes.push(t("note-inquiry"));
    }
    if r.next_visit.iter().any(|k| k.original_kept()) {
        notes.push(t("note-originals"));
    }
    if pending {
        notes.push(t("note-deadline"));
    }
    notes.push(t("note-ask"));
    Ok(Letter {
        recipient: None,
        marks: Vec::new(),
        reference: Some(t("reference")),
        issued_on: t("issued-on"),
        sender_lines: sender_lines(office, &t),
        subject: t("subject"),
        paragraphs,
        items_heading: t("items-heading"),
        items,
        notes,
        closing: t("closing"),
        qr: None,
        forms: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::counter::checklist::{Visit, required};
    use crate::letter::tests::all_text;

    fn holder() -> LetterRecipient {
        LetterRecipient {
            postal_code: "1500001".into(),
            address_lines: vec!["東京都渋谷区神宮前一丁目2番3号".into(), "  ".into(), "ハイツ神宮 203".into()],
            organization: None,
            family_name: "佐藤".into(),
            given_name: "花子".into(),
        }
    }

    /// Opened at 10:00 on Wednesday 2 December 2026 in Tokyo; the case ends with 23 December.
    const OPENED: OffsetDateTime = datetime!(2026-12-02 01:00 UTC);
    const ENDS: OffsetDateTime = datetime!(2026-12-23 15:00 UTC);

    fn check_code() -> CheckCode {
        CheckCode::parse("48291736").unwrap()
    }

    fn inquiry(code: &CheckCode) -> Letter {
        let reference = CaseRef::of(42);
        let n = InquiryNotice {
            case_reference: &reference,
            check_code: code,
            opened_at: OPENED,
            reply_by: ENDS,
            pins: &[CardPin::Sign, CardPin::Auth],
            operation: PinOperation::Reset,
        };
        inquiry_letter(&Catalogue::builtin(), &Institution::default(), &CounterOffice::default(), &holder(), &n)
            .unwrap()
    }

    fn proxy_receipt(sealed: bool) -> Letter {
        let reference = CaseRef::of(42);
        let r = ReceiptFacts {
            case_reference: &reference,
            case_type: CaseType::Proxy,
            ground: None,
            pins: &[CardPin::Sign, CardPin::Auth],
            operation: PinOperation::Reset,
            opened_at: OPENED,
            expires_at: ENDS,
            next_visit: required(CaseType::Proxy, None, Visit::Second, sealed),
            holder_name: Some(("佐藤", "花子")),
        };
        receipt(&Catalogue::builtin(), &Institution::default(), &CounterOffice::default(), &r).unwrap()
    }

    fn no_catalogue_gaps(text: &str) {
        // A missing entry shows as its key, a missing variable as `{$name}`.
        for gap in ["letter-inquiry-", "letter-receipt-", "counter-", "{"] {
            assert!(!text.contains(gap), "{gap:?} in:\n{text}");
        }
    }

    #[test]
    fn the_inquiry_goes_to_the_holder_confidential_and_not_to_be_forwarded() {
        let l = inquiry(&check_code());
        let to = l.recipient.as_ref().expect("mailed");
        assert_eq!(to.postal_code, "〒150-0001");
        assert_eq!(to.address_lines, ["東京都渋谷区神宮前一丁目2番3号", "ハイツ神宮 203"]);
        assert_eq!(to.name_lines, ["佐藤 花子 様"]);
        assert_eq!(l.marks, ["親展", "転送不要"]);
        assert_eq!(l.reference.as_deref(), Some("受付番号：C000042"));
        assert_eq!(l.issued_on, "発行日：2026年12月2日（水）");
        assert_eq!(l.sender_lines[0], "reissue デモ市役所 市民課");
        assert!(l.sender_lines.iter().any(|s| s.contains("03-0000-0000")), "{:?}", l.sender_lines);
        assert!(l.sender_lines.iter().any(|s| s.contains("平日 8:30〜17:15")), "{:?}", l.sender_lines);
        let text = all_text(&l);
        for expected in [
            "2026年12月2日（水）、reissue デモ市役所 市民課の窓口に",
            "2026年12月23日（水）まで",
            "署名用電子証明書の暗証番号",
            "利用者証明用電子証明書の暗証番号",
            "暗証番号の初期化・再設定",
            "すぐにreissue デモ市役所 市民課（電話 03-0000-0000",
        ] {
            assert!(text.contains(expected), "{expected:?} not in:\n{text}");
        }
        no_catalogue_gaps(&text);
    }

    #[test]
    fn an_organization_on_the_record_is_not_printed_for_a_cards_holder() {
        let code = check_code();
        let reference = CaseRef::of(7);
        let n = InquiryNotice {
            case_reference: &reference,
            check_code: &code,
            opened_at: OPENED,
            reply_by: ENDS,
            pins: &[CardPin::Juki],
            operation: PinOperation::Change,
        };
        let to = LetterRecipient { organization: Some("株式会社リセット商事".into()), ..holder() };
        let l =
            inquiry_letter(&Catalogue::builtin(), &Institution::default(), &CounterOffice::default(), &to, &n).unwrap();
        assert_eq!(l.recipient.unwrap().name_lines, ["佐藤 花子 様"]);
    }

    #[test]
    fn the_check_code_is_printed_once_as_the_emphasised_secret_and_never_in_debug() {
        let l = inquiry(&check_code());
        let secrets: Vec<&LetterItem> = l.items.iter().filter(|i| i.value.is_secret()).collect();
        assert_eq!(secrets.len(), 1, "{:?}", l.items);
        assert!(secrets[0].emphasis);
        assert_eq!(secrets[0].label, "照合番号");
        assert_eq!(secrets[0].value.expose(), "4829-1736");
        let text = all_text(&l);
        assert_eq!(text.matches("4829-1736").count(), 1, "only in the 記:\n{text}");
        assert!(!text.contains("48291736"), "{text}");
        let debug = format!("{l:?}");
        assert!(!debug.contains("4829") && !debug.contains("1736"), "{debug}");
        assert!(debug.contains("Secret(***)") && debug.contains("佐藤 花子 様"), "{debug}");
    }

    #[test]
    fn the_response_and_the_power_of_attorney_are_forms_with_nowhere_to_write_a_pin() {
        let l = inquiry(&check_code());
        let titles: Vec<&str> = l.forms.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles, ["回答書", "委任状"]);
        let response = &l.forms[0];
        let choice = response
            .fields
            .iter()
            .find_map(|f| match &f.input {
                FieldInput::Choice(c) => Some(c),
                _ => None,
            })
            .expect("the holder chooses");
        assert_eq!(choice.len(), 2);
        assert!(choice[0].contains("依頼したものです") && choice[1].contains("依頼したものではありません"));
        let labels = |f: &FormSection| f.fields.iter().map(|f| f.label.clone()).collect::<Vec<_>>();
        assert!(labels(response).iter().any(|l| l == "ご本人の住所"), "{:?}", labels(response));
        assert!(
            response
                .fields
                .iter()
                .any(|f| matches!(&f.input, FieldInput::Write { guide: Some(g), .. } if g.contains('印'))),
            "signature or seal"
        );
        // The new PIN goes in the office's sealed request, never on this sheet.
        for f in &l.forms {
            assert!(!labels(f).iter().any(|l| l.contains("新しい暗証番号")), "{:?}", labels(f));
        }
        assert!(response.notes.iter().any(|n| n.contains("書かないで") && n.contains("暗証番号設定依頼書")));
        let poa = &l.forms[1];
        for label in ["代理人の住所", "代理人の氏名", "代理人の生年月日", "委任する事項"] {
            assert!(labels(poa).iter().any(|l| l == label), "{label}: {:?}", labels(poa));
        }
        let matter = poa.fields.iter().find(|f| f.label == "委任する事項").unwrap();
        let FieldInput::Given(matter) = &matter.input else { panic!("printed, not written: {matter:?}") };
        assert!(matter.contains("C000042") && matter.contains("初期化・再設定"), "{matter}");
        for f in &l.forms {
            let text = format!("{f:?}");
            assert!(!text.contains("4829"), "{text}");
        }
    }

    #[test]
    fn a_proxys_receipt_says_when_to_come_back_and_what_to_bring_but_never_the_check_code() {
        let l = proxy_receipt(true);
        assert!(l.recipient.is_none() && l.marks.is_empty(), "handed over, not mailed");
        assert_eq!(l.subject, "受付票");
        assert_eq!(l.reference.as_deref(), Some("受付番号：C000042"));
        assert_eq!(l.issued_on, "受付日：2026年12月2日（水）");
        assert!(l.items.iter().all(|i| !i.value.is_secret()));
        let value = |label: &str| {
            l.items.iter().find(|i| i.label == label).map(|i| i.value.expose().to_owned()).unwrap_or_default()
        };
        assert_eq!(value("受付番号"), "C000042");
        assert_eq!(value("申請の区分"), "任意代理人");
        assert_eq!(value("カードの名義人"), "佐藤 花子 様");
        // The next calendar day, never the same one, to the case's last day.
        assert!(value("次回の来庁").starts_with("2026年12月3日（木）から"), "{}", value("次回の来庁"));
        assert!(value("次回の来庁").contains("2026年12月23日（水）まで"), "{}", value("次回の来庁"));
        let bring = value("次回お持ちいただくもの");
        for thing in ["マイナンバーカード", "代理人の顔写真付き本人確認書類", "回答書", "委任状", "暗証番号設定依頼書"]
        {
            assert!(bring.contains(thing), "{thing} not in {bring}");
        }
        let text = all_text(&l);
        assert!(text.contains("原本をお預かりします"), "{text}");
        assert!(text.contains("転送不要"), "the inquiry letter is announced: {text}");
        assert!(!text.contains("照合番号") && !text.contains("4829"), "{text}");
        no_catalogue_gaps(&text);

        let unsealed = value_of(&proxy_receipt(false), "次回お持ちいただくもの");
        assert!(!unsealed.contains("暗証番号設定依頼書"), "{unsealed}");
    }

    fn value_of(l: &Letter, label: &str) -> String {
        l.items.iter().find(|i| i.label == label).map(|i| i.value.expose().to_owned()).unwrap_or_default()
    }

    #[test]
    fn a_legal_representatives_receipt_names_the_ground_and_no_next_visit_when_nothing_is_pending() {
        let reference = CaseRef::of(9);
        let r = ReceiptFacts {
            case_reference: &reference,
            case_type: CaseType::LegalRepresentative,
            ground: Some(Ground::AdultWard),
            pins: &[CardPin::Text],
            operation: PinOperation::Change,
            opened_at: OPENED,
            expires_at: ENDS,
            next_visit: Vec::new(),
            holder_name: None,
        };
        let l = receipt(&Catalogue::builtin(), &Institution::default(), &CounterOffice::default(), &r).unwrap();
        assert_eq!(value_of(&l, "申請の区分"), "法定代理人（成年被後見人）");
        assert_eq!(value_of(&l, "対象の暗証番号"), "券面事項入力補助用の暗証番号");
        assert_eq!(value_of(&l, "手続きの内容"), "暗証番号の変更");
        let text = all_text(&l);
        assert!(!text.contains("次回") && !text.contains("名義人") && !text.contains("照会書"), "{text}");
        no_catalogue_gaps(&text);
        let under_15 = ReceiptFacts { ground: Some(Ground::Under15), ..r.clone() };
        let l = receipt(&Catalogue::builtin(), &Institution::default(), &CounterOffice::default(), &under_15).unwrap();
        assert_eq!(value_of(&l, "申請の区分"), "法定代理人（15歳未満）");
        let in_person = ReceiptFacts { case_type: CaseType::InPerson, ground: Some(Ground::Under15), ..r };
        let l = receipt(&Catalogue::builtin(), &Institution::default(), &CounterOffice::default(), &in_person).unwrap();
        assert_eq!(value_of(&l, "申請の区分"), "本人", "a ground belongs to a legal representative only");
    }

    #[test]
    fn no_pins_or_no_address_is_no_letter() {
        let code = check_code();
        let reference = CaseRef::of(1);
        let n = InquiryNotice {
            case_reference: &reference,
            check_code: &code,
            opened_at: OPENED,
            reply_by: ENDS,
            pins: &[],
            operation: PinOperation::Change,
        };
        let (c, inst, office) = (Catalogue::builtin(), Institution::default(), CounterOffice::default());
        assert_eq!(inquiry_letter(&c, &inst, &office, &holder(), &n).unwrap_err(), LetterError::NoPins);
        let n = InquiryNotice { pins: &[CardPin::Auth], ..n };
        let nowhere = LetterRecipient { address_lines: vec![" ".into()], ..holder() };
        assert_eq!(inquiry_letter(&c, &inst, &office, &nowhere, &n).unwrap_err(), LetterError::NoAddress);
    }

    #[test]
    fn every_name_the_console_and_the_letters_say_is_in_both_catalogues() {
        let c = Catalogue::builtin();
        let keys: Vec<String> = CaseType::ALL
            .iter()
            .map(|v| v.label_key())
            .chain(Ground::ALL.iter().map(|v| v.label_key()))
            .chain(CardPin::ALL.iter().map(|v| v.label_key()))
            .chain(PinOperation::ALL.iter().map(|v| v.label_key()))
            .chain(ItemKind::ALL.iter().map(|v| v.label_key()))
            .collect();
        assert!(keys.contains(&"counter-case-type-legal-representative".to_owned()), "{keys:?}");
        for key in keys {
            for lang in [Language::Ja, Language::En] {
                assert!(c.has(lang, &key), "{key} is missing in {lang:?}");
            }
        }
    }
}
