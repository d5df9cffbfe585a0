//! Renders the demo postal letter (P4) and times it:
//!
//! ```text
//! cargo run --release -p reissue-letters --example postal_letter -- out.pdf [count] [--qr] [--organization]
//! ```
//!
//! writes `out.pdf` and prints how long one letter took, averaged over `count` renderings
//! (default 200) with the font loaded once, as a print batch does.

#![allow(clippy::disallowed_methods)] // An example at the edge: it reads the clock to time itself.

use std::time::Instant;

use reissue_core::account::{AccountKind, AccountStatus, Address, ChangedAt, Language, LoginId, PersonName, Profile};
use reissue_core::catalogue::Catalogue;
use reissue_core::letter::{PostalCodeNotice, PostalLetterOptions, postal_code_letter};
use reissue_core::mail::Institution;
use reissue_core::ports::postal::LetterRecipient;
use reissue_core::secret::ResetCode;
use reissue_letters::{LetterFont, render};
use time::macros::datetime;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.first().cloned().unwrap_or_else(|| "postal-letter.pdf".into());
    let count: u32 = args.iter().skip(1).find_map(|a| a.parse().ok()).unwrap_or(200);
    let organization = args.iter().any(|a| a == "--organization");
    let options = PostalLetterOptions { qr_code: args.iter().any(|a| a == "--qr"), ..PostalLetterOptions::default() };

    let profile = Profile {
        login_id: LoginId::parse("123456789")?,
        kind: if organization { AccountKind::Organization } else { AccountKind::Individual },
        status: AccountStatus::Active,
        organization_name: organization.then(|| "株式会社リセット商事".to_owned()),
        name: PersonName::new("山田", "太郎")?,
        name_kana: None,
        birth_date: None,
        email: None,
        phone: None,
        language: Language::Ja,
        address: Some(Address {
            postal_code: "100-0005".into(),
            lines: vec!["東京都千代田区丸の内一丁目1番1号".into(), "リセット館 101".into()],
        }),
        changed_at: ChangedAt::default(),
    };
    let code = ResetCode::parse("4829173605", 10).ok_or("a code")?;
    let institution = Institution::default();
    let issued_at = datetime!(2026-12-02 01:00 UTC);
    let notice = PostalCodeNotice {
        code: &code,
        issued_at,
        expires_at: institution.time_zone.start_of_day(issued_at) + time::Duration::days(22),
        public_url: "https://bank.example",
        reference: Some("P4-2026-000123".into()),
    };
    let letter = postal_code_letter(
        &Catalogue::builtin(),
        &institution,
        &LetterRecipient::of(&profile).ok_or("no address")?,
        &notice,
        &options,
    )?;

    let loading = Instant::now();
    let font = LetterFont::load(None)?;
    let loaded = loading.elapsed();
    let pdf = render(&letter, &font)?;
    std::fs::write(&out, &pdf)?;
    let started = Instant::now();
    for _ in 0..count {
        std::hint::black_box(render(&letter, &font)?);
    }
    let each = started.elapsed() / count.max(1);
    println!(
        "{out}: {} bytes; font {} (face {}) loaded in {loaded:.1?}; one letter in {each:.2?} ({:.0} letters/s on one core)",
        pdf.len(),
        font.path().display(),
        font.index(),
        1.0 / each.as_secs_f64()
    );
    Ok(())
}
