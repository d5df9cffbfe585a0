//! Renders the demo counter case's letters (P8b), to look at them:
//!
//! ```text
//! cargo run -p reissue-letters --example counter_letters -- DIR
//! ```
//!
//! writes `DIR/inquiry.pdf` (the inquiry letter to the holder, with its response and power of
//! attorney) and `DIR/receipt.pdf` (the receipt handed to the proxy); `pdftoppm -png -r 100`
//! turns them into pictures.

use reissue_core::catalogue::Catalogue;
use reissue_core::counter::checklist::{Visit, required};
use reissue_core::counter::{CardPin, CaseRef, CaseType, CheckCode, CounterOffice, PinOperation};
use reissue_core::letter::counter::{InquiryNotice, ReceiptFacts, inquiry_letter, receipt};
use reissue_core::mail::Institution;
use reissue_core::ports::postal::LetterRecipient;
use reissue_letters::{LetterFont, render};
use time::macros::datetime;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let (c, inst, office) = (Catalogue::builtin(), Institution::default(), CounterOffice::default());
    let reference = CaseRef::of(42);
    let code = CheckCode::parse("48291736").ok_or("a check code")?;
    let pins = [CardPin::Sign, CardPin::Auth];
    // Opened on Wednesday 2 December 2026 at 10:00 in Tokyo; the case ends with the 23rd.
    let (opened_at, ends) = (datetime!(2026-12-02 01:00 UTC), datetime!(2026-12-23 15:00 UTC));
    let holder = LetterRecipient {
        postal_code: "1500001".into(),
        address_lines: vec!["東京都渋谷区神宮前一丁目2番3号".into(), "ハイツ神宮 203".into()],
        organization: None,
        family_name: "佐藤".into(),
        given_name: "花子".into(),
    };
    let notice = InquiryNotice {
        case_reference: &reference,
        check_code: &code,
        opened_at,
        reply_by: ends,
        pins: &pins,
        operation: PinOperation::Reset,
    };
    let facts = ReceiptFacts {
        case_reference: &reference,
        case_type: CaseType::Proxy,
        ground: None,
        pins: &pins,
        operation: PinOperation::Reset,
        opened_at,
        expires_at: ends,
        next_visit: required(CaseType::Proxy, None, Visit::Second, true),
        holder_name: Some(("佐藤", "花子")),
    };
    let font = LetterFont::load(None)?;
    std::fs::write(dir.join("inquiry.pdf"), render(&inquiry_letter(&c, &inst, &office, &holder, &notice)?, &font)?)?;
    std::fs::write(dir.join("receipt.pdf"), render(&receipt(&c, &inst, &office, &facts)?, &font)?)?;
    println!("{}: inquiry.pdf, receipt.pdf", dir.display());
    Ok(())
}
