//! The counter's letters (P8b) as the holder, the post office and the proxy get them: the
//! inquiry letter behind the window with the check code hidden in the middle third and its
//! forms on the next page, and the receipt, which never carries the check code.

use reissue_core::catalogue::Catalogue;
use reissue_core::counter::checklist::{Visit, required};
use reissue_core::counter::{CardPin, CaseRef, CaseType, CheckCode, CounterOffice, PinOperation};
use reissue_core::letter::Letter;
use reissue_core::letter::counter::{InquiryNotice, ReceiptFacts, inquiry_letter, receipt};
use reissue_core::mail::Institution;
use reissue_core::ports::postal::LetterRecipient;
use reissue_letters::pdf::MM;
use reissue_letters::{LetterError, render};
use time::OffsetDateTime;
use time::macros::datetime;

use super::{font, in_window, parse_words, poppler, poppler_info, rendered, touches_window, word};

const CHECK_CODE: &str = "48291736";
/// Opened at 10:00 on Wednesday 2 December 2026 in Tokyo; the case ends with 23 December.
const OPENED: OffsetDateTime = datetime!(2026-12-02 01:00 UTC);
const ENDS: OffsetDateTime = datetime!(2026-12-23 15:00 UTC);
const PINS: [CardPin; 2] = [CardPin::Sign, CardPin::Auth];

fn holder() -> LetterRecipient {
    LetterRecipient {
        postal_code: "1500001".into(),
        address_lines: vec!["東京都渋谷区神宮前一丁目2番3号".into(), "ハイツ神宮 203".into()],
        organization: None,
        family_name: "佐藤".into(),
        given_name: "花子".into(),
    }
}

fn inquiry() -> Letter {
    let reference = CaseRef::of(42);
    let code = CheckCode::parse(CHECK_CODE).unwrap();
    let n = InquiryNotice {
        case_reference: &reference,
        check_code: &code,
        opened_at: OPENED,
        reply_by: ENDS,
        pins: &PINS,
        operation: PinOperation::Reset,
    };
    inquiry_letter(&Catalogue::builtin(), &Institution::default(), &CounterOffice::default(), &holder(), &n).unwrap()
}

fn proxy_receipt() -> Letter {
    let reference = CaseRef::of(42);
    let r = ReceiptFacts {
        case_reference: &reference,
        case_type: CaseType::Proxy,
        ground: None,
        pins: &PINS,
        operation: PinOperation::Reset,
        opened_at: OPENED,
        expires_at: ENDS,
        next_visit: required(CaseType::Proxy, None, Visit::Second, true),
        holder_name: Some(("佐藤", "花子")),
    };
    receipt(&Catalogue::builtin(), &Institution::default(), &CounterOffice::default(), &r).unwrap()
}

fn pages(info: &str) -> u32 {
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap_or(0)
}

#[test]
fn the_inquiry_letter_names_the_holder_the_case_and_the_check_code_with_its_forms_on_page_two() {
    let pdf = rendered(&inquiry());
    assert_eq!(pages(&poppler_info("pdfinfo", &pdf.path)), 2, "the letter, then its forms");
    let page = |n: &str| poppler("pdftotext", &["-layout", "-f", n, "-l", n], &pdf.path);
    let (first, second) = (page("1"), page("2"));
    for expected in [
        "〒150-0001",
        "東京都渋谷区神宮前一丁目2番3号",
        "ハイツ神宮 203",
        "佐藤 花子 様",
        "親展",
        "転送不要",
        "照会書兼回答書",
        "受付番号：C000042",
        "C000042",
        "4829-1736",
        "署名用電子証明書の暗証番号",
        "2026年12月23日（水）まで",
        "reissue デモ市役所 市民課",
        "03-0000-0000",
        "以上",
    ] {
        assert!(first.contains(expected), "{expected:?} is not on page 1:\n{first}");
    }
    for expected in [
        "回答書",
        "この申請は、私が代理人に依頼したものです。",
        "この申請は、私が依頼したものではありません。",
        "ご本人の住所",
        "委任状",
        "代理人の生年月日",
        "C000042",
        "暗証番号設定依頼書",
    ] {
        assert!(second.contains(expected), "{expected:?} is not on page 2:\n{second}");
    }
    assert!(!first.contains("代理人の生年月日"), "the forms start on a page of their own:\n{first}");
    assert!(!second.contains("4829"), "the check code is printed once, on page 1:\n{second}");
}

#[test]
fn on_page_one_only_the_holders_address_and_the_marks_show_through_the_window_and_the_check_code_hides() {
    let letter = inquiry();
    let pdf = rendered(&letter);
    let all = parse_words(&poppler("pdftotext", &["-bbox", "-f", "1", "-l", "1"], &pdf.path));
    let to = letter.recipient.as_ref().unwrap();
    let block: Vec<&str> = [&to.postal_code]
        .into_iter()
        .chain(&to.address_lines)
        .chain(&to.name_lines)
        .chain(&letter.marks)
        .flat_map(|l| l.split_whitespace())
        .collect();
    for w in &block {
        let w = word(&all, w);
        assert!(in_window(w), "{w:?} is outside the window");
    }
    for w in all.iter().filter(|w| touches_window(w)) {
        assert!(block.contains(&w.text.as_str()), "{w:?} shows through the window");
    }
    let code = word(&all, "4829-1736");
    assert!(code.y0 > 99.0 * MM && code.y1 < 198.0 * MM, "{code:?} is outside the middle third");
    assert!(code.y1 - code.y0 > 20.0, "printed large: {code:?}");
}

#[test]
fn the_receipt_names_the_case_and_what_to_bring_on_one_page_and_never_the_check_code() {
    let pdf = rendered(&proxy_receipt());
    assert_eq!(pages(&poppler_info("pdfinfo", &pdf.path)), 1);
    let text = poppler("pdftotext", &["-layout"], &pdf.path);
    for expected in [
        "受付票",
        "受付番号：C000042",
        "受付日：2026年12月2日（水）",
        "任意代理人",
        "佐藤 花子 様",
        "利用者証明用電子証明書の暗証番号",
        "暗証番号の初期化・再設定",
        "2026年12月3日（木）から",
        "2026年12月23日（水）まで",
        "マイナンバーカード（ご本人のもの）",
        "代理人の顔写真付き本人確認書類",
        "照会書兼回答書（ご本人が回答を記入したもの）",
        "委任状",
        "暗証番号設定依頼書",
        "原本をお預かりします",
        "reissue デモ市役所 市民課",
    ] {
        assert!(text.contains(expected), "{expected:?} is not on the receipt:\n{text}");
    }
    assert!(!text.contains("4829") && !text.contains("1736") && !text.contains("照合番号"), "{text}");
}

#[test]
fn envelope_marks_without_a_recipient_block_are_refused() {
    let mut handed = proxy_receipt();
    handed.marks.push("親展".into());
    assert!(matches!(render(&handed, font()), Err(LetterError::MarksWithoutRecipient)));
}

#[test]
fn all_four_pins_and_an_office_with_a_long_address_still_keep_the_check_code_in_the_middle_third() {
    let reference = CaseRef::of(123_456);
    let code = CheckCode::parse(CHECK_CODE).unwrap();
    let office = CounterOffice {
        name: "さいたま市浦和区役所 区民生活部 区民課".into(),
        address_lines: vec![
            "〒330-8522".into(),
            "埼玉県さいたま市浦和区常盤六丁目4番28号".into(),
            "本庁舎1階 5番窓口".into(),
        ],
        phone: "048-000-0000".into(),
        hours: "平日 8:30〜17:15（第2・第4土曜 9:00〜12:00）".into(),
    };
    let n = InquiryNotice {
        case_reference: &reference,
        check_code: &code,
        opened_at: OPENED,
        reply_by: ENDS,
        pins: CardPin::ALL,
        operation: PinOperation::Change,
    };
    let letter = inquiry_letter(&Catalogue::builtin(), &Institution::default(), &office, &holder(), &n).unwrap();
    let pdf = rendered(&letter);
    assert_eq!(pages(&poppler_info("pdfinfo", &pdf.path)), 2);
    let all = parse_words(&poppler("pdftotext", &["-bbox", "-f", "1", "-l", "1"], &pdf.path));
    let code = word(&all, "4829-1736");
    assert!(code.y0 > 99.0 * MM && code.y1 < 198.0 * MM, "{code:?} is outside the middle third");
    let text = poppler("pdftotext", &["-layout"], &pdf.path);
    for pin in ["住民基本台帳用の暗証番号", "券面事項入力補助用の暗証番号", "C123456"] {
        assert!(text.contains(pin), "{pin:?}:\n{text}");
    }
}
