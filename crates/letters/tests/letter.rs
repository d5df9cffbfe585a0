//! The postal letter as the customer and the post office get it: rendered with the machine's
//! Japanese font, then read back with poppler (`pdftotext`, `pdffonts`, `pdfinfo`) — its
//! words, its embedded subset font, its page size, and where the address and the code sit.
//!
//! Nothing here is skipped: without poppler or a Japanese font a test fails saying what to
//! install (`scripts/test-deps` installs both). `letter/counter.rs` does the same for the
//! counter's inquiry letter and receipt.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use reissue_core::account::{AccountKind, AccountStatus, Address, ChangedAt, Language, LoginId, PersonName, Profile};
use reissue_core::catalogue::Catalogue;
use reissue_core::letter::{Letter, PostalCodeNotice, PostalLetterOptions, postal_code_letter};
use reissue_core::mail::Institution;
use reissue_core::ports::postal::LetterRecipient;
use reissue_core::secret::ResetCode;
use reissue_letters::pdf::MM;
use reissue_letters::{FontError, LetterError, LetterFont, render};
use time::macros::datetime;

// In a folder of its own, so that cargo does not take it for a test binary of its own.
#[path = "letter/counter.rs"]
mod counter;

const INSTALL_POPPLER: &str = "install poppler-utils (`apt-get install -y poppler-utils`, or run scripts/test-deps)";

/// The machine's Japanese font, found as the server finds it (fontconfig), read once.
fn font() -> &'static LetterFont {
    static FONT: OnceLock<LetterFont> = OnceLock::new();
    FONT.get_or_init(|| LetterFont::load(None).unwrap_or_else(|e| panic!("{e}")))
}

fn profile(kind: AccountKind) -> Profile {
    Profile {
        login_id: LoginId::parse("123456789").unwrap(),
        kind,
        status: AccountStatus::Active,
        organization_name: (kind == AccountKind::Organization).then(|| "株式会社リセット商事".to_owned()),
        name: PersonName::new("山田", "太郎").unwrap(),
        name_kana: None,
        birth_date: None,
        email: None,
        phone: None,
        language: Language::En,
        address: Some(Address {
            postal_code: "1000005".into(),
            lines: vec!["東京都千代田区丸の内一丁目1番1号".into(), "リセット館 101".into()],
        }),
        changed_at: ChangedAt::default(),
    }
}

fn letter(p: &Profile, options: &PostalLetterOptions) -> Letter {
    let code = ResetCode::parse("4829173605", 10).unwrap();
    let institution = Institution::default();
    // Issued on Wednesday 2 December 2026 in Tokyo, valid to the end of the 21st day after.
    let issued_at = datetime!(2026-12-02 01:00 UTC);
    let notice = PostalCodeNotice {
        code: &code,
        issued_at,
        expires_at: institution.time_zone.start_of_day(issued_at) + time::Duration::days(22),
        public_url: "https://bank.example",
        reference: Some("P4-2026-000123".into()),
    };
    postal_code_letter(&Catalogue::builtin(), &institution, &LetterRecipient::of(p).unwrap(), &notice, options).unwrap()
}

/// A rendered letter in a file of its own.
struct Rendered {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn rendered(letter: &Letter) -> Rendered {
    let pdf = render(letter, font()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).unwrap();
    Rendered { _dir: dir, path }
}

fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): {INSTALL_POPPLER}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `pdffonts` and `pdfinfo` take no output argument.
fn poppler_info(tool: &str, pdf: &Path) -> String {
    let out =
        Command::new(tool).arg(pdf).output().unwrap_or_else(|e| panic!("cannot run {tool} ({e}): {INSTALL_POPPLER}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A word of `pdftotext -bbox` and its box, in points from the top left.
#[derive(Debug)]
struct Word {
    text: String,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

fn words(pdf: &Path) -> Vec<Word> {
    parse_words(&poppler("pdftotext", &["-bbox"], pdf))
}

/// The words of `pdftotext -bbox`'s page.
fn parse_words(html: &str) -> Vec<Word> {
    let attr = |tag: &str, name: &str| -> f32 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let (tag, rest) = w.split_once('>').unwrap();
            let text = rest.split("</word>").next().unwrap().to_owned();
            Word { x0: attr(tag, "xMin"), y0: attr(tag, "yMin"), x1: attr(tag, "xMax"), y1: attr(tag, "yMax"), text }
        })
        .collect()
}

fn word<'a>(all: &'a [Word], text: &str) -> &'a Word {
    all.iter().find(|w| w.text == text).unwrap_or_else(|| panic!("no word {text:?} in {all:?}"))
}

/// The usual window of a 長形3号 envelope on the sheet: 23 mm from the left, 13 mm from the
/// top, 90 × 45 mm.
fn in_window(w: &Word) -> bool {
    w.x0 >= 23.0 * MM && w.x1 <= 113.0 * MM && w.y0 >= 13.0 * MM && w.y1 <= 58.0 * MM
}

fn touches_window(w: &Word) -> bool {
    w.x0 < 113.0 * MM && w.x1 > 23.0 * MM && w.y0 < 58.0 * MM && w.y1 > 13.0 * MM
}

#[test]
fn the_individuals_letter_says_everything_in_japanese_with_the_font_embedded_as_a_subset_on_a4() {
    let pdf = rendered(&letter(&profile(AccountKind::Individual), &PostalLetterOptions::default()));
    let text = poppler("pdftotext", &["-layout"], &pdf.path);
    for expected in [
        "〒100-0005",
        "東京都千代田区丸の内一丁目1番1号",
        "リセット館 101",
        "山田 太郎 様",
        "親展",
        "転送不要",
        "簡易書留",
        "リセットコードのお知らせ",
        "4829 1736 05",
        "2026年12月23日（水）まで",
        "発行日：2026年12月2日（水）",
        "https://bank.example/reset/postal",
        "https://bank.example/help/postal-letter",
        "0120-000-000",
        "記",
        "以上",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in the letter:\n{text}");
    }

    let fonts = poppler_info("pdffonts", &pdf.path);
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let name = cols[0];
        let (prefix, _) = name.split_once('+').unwrap_or_else(|| panic!("not a subset's name: {row}"));
        assert!(prefix.len() == 6 && prefix.bytes().all(|b| b.is_ascii_uppercase()), "{row}");
        // The three yes/no columns before the object number: embedded, subset, ToUnicode.
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "embedded, a subset, with ToUnicode: {row}");
    }

    let info = poppler_info("pdfinfo", &pdf.path);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "one page: {info}");
    let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
    let nums: Vec<f32> = size.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    assert!((nums[0] - 595.0).abs() < 1.0 && (nums[1] - 842.0).abs() < 1.0, "A4: {size}");
}

#[test]
fn the_address_shows_through_the_window_and_the_code_hides_in_the_middle_third() {
    let pdf = rendered(&letter(&profile(AccountKind::Individual), &PostalLetterOptions::default()));
    let all = words(&pdf.path);
    for w in ["〒100-0005", "東京都千代田区丸の内一丁目1番1号", "様", "転送不要", "親展"] {
        let w = word(&all, w);
        assert!(in_window(w), "{w:?} is outside the window");
    }
    // The sender and the date stay clear of it, however the sheet shifts sideways.
    for w in ["発行日：2026年12月2日（水）", "reissue"] {
        assert!(!touches_window(word(&all, w)), "{w:?} shows through the window");
    }
    let (third_top, third_bottom) = (99.0 * MM, 198.0 * MM);
    for group in ["4829", "1736", "05"] {
        let w = word(&all, group);
        assert!(!touches_window(w), "{w:?}");
        assert!(w.y0 > third_top && w.y1 < third_bottom, "{w:?} is outside the middle third");
        assert!(w.y1 - w.y0 > 20.0, "printed large: {w:?}");
    }
}

#[test]
fn an_organizations_letter_names_it_then_the_person_in_charge_with_sama_and_never_onchu() {
    let pdf = rendered(&letter(&profile(AccountKind::Organization), &PostalLetterOptions::default()));
    let text = poppler("pdftotext", &["-layout"], &pdf.path);
    let org = text.find("株式会社リセット商事").unwrap_or_else(|| panic!("{text}"));
    let person = text.find("山田 太郎 様").unwrap_or_else(|| panic!("{text}"));
    assert!(org < person, "the organization first, then the person in charge:\n{text}");
    assert!(!text.contains("御中"), "{text}");
    let all = words(&pdf.path);
    assert!(in_window(word(&all, "株式会社リセット商事")) && in_window(word(&all, "様")));
}

#[test]
fn the_options_drop_the_registered_mail_mark_and_add_a_qr_code() {
    let options = PostalLetterOptions { registered_mail_mark: false, qr_code: true };
    let pdf = rendered(&letter(&profile(AccountKind::Individual), &options));
    let text = poppler("pdftotext", &["-layout"], &pdf.path);
    assert!(!text.contains("簡易書留"), "{text}");
    assert!(text.contains("転送不要") && text.contains("4829 1736 05"), "{text}");
    let info = poppler_info("pdfinfo", &pdf.path);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "still one page: {info}");
}

#[test]
fn a_long_letter_goes_on_to_a_second_page_and_an_address_too_long_for_the_window_is_refused() {
    let mut long = letter(&profile(AccountKind::Individual), &PostalLetterOptions::default());
    let last = "この段落はページの終わりまで続きます。".repeat(30);
    long.notes.push(last.clone());
    long.notes.push(last);
    let pdf = rendered(&long);
    let info = poppler_info("pdfinfo", &pdf.path);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 2")), "{info}");
    let text = poppler("pdftotext", &[], &pdf.path);
    assert!(text.contains("以上"), "the closing after the overflow: {text}");

    let mut crowded = letter(&profile(AccountKind::Individual), &PostalLetterOptions::default());
    crowded.recipient.as_mut().unwrap().address_lines =
        vec!["東京都千代田区丸の内一丁目1番1号".into(); 8];
    assert!(matches!(render(&crowded, font()), Err(LetterError::AddressTooLong)));
}

#[test]
fn a_missing_font_file_says_what_to_install() {
    let e = LetterFont::load(Some(Path::new("/nonexistent/fonts/NotoSansCJK-Regular.ttc"))).unwrap_err();
    assert!(matches!(e, FontError::Unreadable { .. }), "{e:?}");
    let message = e.to_string();
    assert!(message.contains("/nonexistent/fonts/NotoSansCJK-Regular.ttc"), "{message}");
    assert!(message.contains("apt-get install fonts-noto-cjk"), "{message}");
    assert!(message.contains("postal.font_file"), "{message}");
}
