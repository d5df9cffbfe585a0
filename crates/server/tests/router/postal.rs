//! The postal reset code (P4) from application to reset: staff apply, the batch is closed and
//! exported by someone else, the customer enters the printed code on the postal page only,
//! until the end of the 21st day in the institution's time zone.

use reissue_core::account::{
    AccountKind, AccountStatus, Address, ChangedAt, Email, Language, LoginId, PersonName, PhoneNumber, Profile,
};
use reissue_core::audit::{Actor, AuditDraft};
use reissue_core::model::ImportedAccount;
use reissue_core::outbox::MessageBody;
use reissue_core::ports::Accounts;
use reissue_core::procedures::Requester;
use reissue_core::procedures::postal::{IdentityCheck, PostalError, PostalIneligibility};
use reissue_core::rules::Rules;
use reissue_server::Clock;
use secrecy::ExposeSecret;
use serde_json::json;
use time::Duration;

use crate::kit::{Kit, LOGIN};

const POSTAL_LOGIN: &str = "123456789";

fn rules() -> Rules {
    Rules { uniform_response_ms: 1, code_entry_response_ms: 1, ..Rules::default() }
}

fn helpdesk() -> Requester {
    Requester::staff("hd.sato", None)
}

fn operator() -> Requester {
    Requester::staff("po.suzuki", None)
}

const CHECKS: [IdentityCheck; 2] = [IdentityCheck::BirthDate, IdentityCheck::Address];

/// Imports an account with an address; `changed` sets when its address last changed.
async fn account_with_address(kit: &Kit, changed: Option<time::OffsetDateTime>) {
    let profile = Profile {
        login_id: LoginId::parse(POSTAL_LOGIN).unwrap(),
        kind: AccountKind::Individual,
        status: AccountStatus::Active,
        organization_name: None,
        name: PersonName::new("国", "太郎").unwrap(),
        name_kana: None,
        birth_date: None,
        email: Some(Email::parse("taro@example.jp").unwrap()),
        phone: Some(PhoneNumber::parse_e164("+819012345678").unwrap()),
        language: Language::Ja,
        address: Some(Address {
            postal_code: "100-0005".into(),
            lines: vec!["東京都千代田区丸の内一丁目1番1号".into(), "リセット館101".into()],
        }),
        changed_at: ChangedAt { address: changed, ..ChangedAt::default() },
    };
    let imported = ImportedAccount { line: 1, profile, credentials: vec![] };
    let draft = AuditDraft::new(Actor::Cli, "import", None, "ok");
    kit.store.import_accounts(vec![imported], false, kit.clock.now(), draft).await.unwrap();
}

/// Applies, closes the batch and opens it for export as the operator; returns the code.
async fn printed_code(kit: &Kit) -> String {
    let now = kit.clock.now();
    kit.recovery.apply_for_postal_code(POSTAL_LOGIN, "lost the card", &CHECKS, &helpdesk(), now).await.unwrap();
    let batch = kit.recovery.close_print_batch(&operator(), now).await.unwrap().expect("a batch");
    let job = kit.recovery.print_job(batch.id, &operator()).await.unwrap();
    assert_eq!(job.letters.len(), 1);
    let code = job.letters[0].code.expose_secret().to_owned();
    kit.recovery.batch_exported(batch.id, "encrypted", &operator(), now).await.unwrap();
    code
}

#[tokio::test]
async fn a_printed_code_resets_on_the_postal_page_and_nowhere_else() {
    let kit = Kit::new(rules()).await;
    account_with_address(&kit, None).await;
    let code = printed_code(&kit).await;
    assert_eq!(code.len(), 10);
    let mails = kit.outbox().await;
    let sent = mails
        .iter()
        .find_map(|m| match m {
            MessageBody::Email { subject, body, .. } if subject.contains("郵送") => Some(body.clone()),
            _ => None,
        })
        .expect("the customer is told a letter is on its way");
    assert!(sent.contains("1週間") && sent.contains("簡易書留"), "{sent}");
    assert!(!sent.contains(&code), "the e-mail never holds the code");
    let (s, v) =
        kit.post("/api/v1/resets", None, json!({"channel": "voice", "login_id": POSTAL_LOGIN, "code": code})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("invalid_code")), "the voice page refuses a postal code");
    let (s, v) =
        kit.post("/api/v1/resets", None, json!({"channel": "postal", "login_id": POSTAL_LOGIN, "code": code})).await;
    assert_eq!(s, 201, "{v}");
}

#[tokio::test]
async fn the_code_works_until_the_end_of_the_21st_day_in_tokyo() {
    let kit = Kit::new(rules()).await;
    account_with_address(&kit, None).await;
    // The kit's clock: 2027-01-15 08:00 UTC, 17:00 in Tokyo. The 21st day after is 5 February.
    let app = kit
        .recovery
        .apply_for_postal_code(POSTAL_LOGIN, "lost the card", &CHECKS, &helpdesk(), kit.clock.now())
        .await
        .unwrap();
    assert_eq!(app.expires_at, time::macros::datetime!(2027-02-05 15:00 UTC));
    assert_eq!(app.reference, format!("L{:08}", app.letter_id));
    let batch = kit.recovery.close_print_batch(&operator(), kit.clock.now()).await.unwrap().unwrap();
    let job = kit.recovery.print_job(batch.id, &operator()).await.unwrap();
    assert_eq!(job.letters[0].expires_at, app.expires_at, "the letter prints the expiry that is enforced");
    let code = job.letters[0].code.expose_secret().to_owned();
    kit.recovery.batch_exported(batch.id, "encrypted", &operator(), kit.clock.now()).await.unwrap();
    let enter = json!({"channel": "postal", "login_id": POSTAL_LOGIN, "code": code});
    kit.clock.advance(app.expires_at - kit.clock.now());
    let (s, _) = kit.post("/api/v1/resets", None, enter.clone()).await;
    assert_eq!(s, 400, "at midnight in Tokyo the code stops");
    kit.clock.advance(-Duration::seconds(1));
    let (s, v) = kit.post("/api/v1/resets", None, enter).await;
    assert_eq!(s, 201, "a second before midnight it works: {v}");
}

#[tokio::test]
async fn whoever_applied_cannot_export_and_a_batch_exports_once() {
    let kit = Kit::new(rules()).await;
    account_with_address(&kit, None).await;
    let now = kit.clock.now();
    let app = kit.recovery.apply_for_postal_code(POSTAL_LOGIN, "lost", &CHECKS, &helpdesk(), now).await.unwrap();
    let batch = kit.recovery.close_print_batch(&operator(), now).await.unwrap().unwrap();
    match kit.recovery.print_job(batch.id, &helpdesk()).await {
        Err(PostalError::OwnLetters(refs)) => assert_eq!(refs, vec![app.reference]),
        other => panic!("the applicant must not export: {other:?}"),
    }
    kit.recovery.print_job(batch.id, &operator()).await.unwrap();
    kit.recovery.batch_exported(batch.id, "encrypted", &operator(), now).await.unwrap();
    assert!(matches!(kit.recovery.print_job(batch.id, &operator()).await, Err(PostalError::AlreadyExported(_))));
    assert!(matches!(
        kit.recovery.batch_exported(batch.id, "encrypted", &operator(), now).await,
        Err(PostalError::AlreadyExported(_))
    ));
}

#[tokio::test]
async fn ineligible_accounts_get_nothing_and_staff_see_why() {
    let kit = Kit::new(rules()).await;
    let now = kit.clock.now();
    account_with_address(&kit, Some(now - Duration::days(10))).await;
    let refused = kit.recovery.apply_for_postal_code(POSTAL_LOGIN, "lost", &CHECKS, &helpdesk(), now).await;
    match refused {
        Err(PostalError::Ineligible(reasons)) => {
            assert_eq!(reasons.len(), 1);
            let PostalIneligibility::AddressChangedRecently { on, eligible_from } = &reasons[0] else {
                panic!("{reasons:?}")
            };
            assert_eq!((on.as_str(), eligible_from.as_str()), ("2027-01-05", "2027-02-04"));
        }
        other => panic!("{other:?}"),
    }
    let why = kit.recovery.postal_eligibility(LOGIN, now).await.unwrap();
    assert_eq!(why, vec![PostalIneligibility::NoAddress]);
    assert_eq!(kit.recovery.postal_queue().await.unwrap().letters, 0, "nothing was queued");
    assert!(
        kit.outbox().await.iter().all(|m| !matches!(m, MessageBody::Email { subject, .. } if subject.contains("郵送")))
    );
    let blank = kit.recovery.apply_for_postal_code(LOGIN, "  ", &CHECKS, &helpdesk(), now).await;
    assert!(matches!(blank, Err(PostalError::Invalid { field: "reason", .. })), "{blank:?}");
    let unchecked = kit.recovery.apply_for_postal_code(LOGIN, "lost", &[], &helpdesk(), now).await;
    assert!(matches!(unchecked, Err(PostalError::Invalid { field: "identity_checks", .. })), "{unchecked:?}");
    let unknown = kit.recovery.apply_for_postal_code("111111111", "lost", &CHECKS, &helpdesk(), now).await;
    assert!(matches!(unknown, Err(PostalError::UnknownAccount(_))), "{unknown:?}");
}

/// 11 digits whose last is the first ten mod 7.
fn tracking(first_ten: u64) -> String {
    format!("{first_ten:010}{}", first_ten % 7)
}

#[tokio::test]
async fn a_tracking_file_with_one_bad_check_digit_is_refused_whole_and_a_good_one_taken_once() {
    use reissue_core::postal_files::{CheckDigitRule, FileEncoding};
    let kit = Kit::new(rules()).await;
    account_with_address(&kit, None).await;
    printed_code(&kit).await;
    printed_code(&kit).await;
    let reference = "L00000001";
    // Line 2 is right; line 3's last digit is not its first ten mod 7.
    let bad = format!(
        "reference,tracking_number,accepted_on\n{reference},131-12-38385-2,2027-01-16\nL00000002,{},2027-01-16\n",
        "13112383851"
    );
    let now = kit.clock.now();
    let import = |bytes: Vec<u8>, preview: bool| {
        let kit = &kit;
        async move {
            let rule = CheckDigitRule::Mod7;
            kit.recovery.import_tracking(&bytes, FileEncoding::Utf8, rule, preview, &operator(), now).await
        }
    };
    let refused = import(bad.into_bytes(), false).await;
    let Err(PostalError::File(errors)) = refused else { panic!("{refused:?}") };
    assert_eq!(errors.errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![3], "the bad line is named: {errors}");
    assert!(errors.to_string().contains("check digit"), "{errors}");
    let unknown = import(
        format!("reference,tracking_number,accepted_on\nL00000099,{},2027-01-16\n", tracking(1311238386)).into_bytes(),
        false,
    )
    .await;
    assert!(matches!(&unknown, Err(PostalError::File(e)) if e.to_string().contains("no such letter")), "{unknown:?}");
    let view = kit.recovery.account_view(POSTAL_LOGIN, &helpdesk(), now).await.unwrap();
    let first_letter = |v: &reissue_core::procedures::helpdesk::AccountView| {
        v.letters.iter().find(|l| l.reference == reference).map(|l| l.letter.tracking_number.clone()).unwrap()
    };
    assert_eq!(first_letter(&view), None, "nothing was recorded, the right line neither");
    let good = format!("reference,tracking_number,accepted_on\n{reference},131-12-38385-2,20270116\n");
    let preview = kit
        .recovery
        .import_tracking(good.as_bytes(), FileEncoding::Utf8, CheckDigitRule::Mod7, true, &operator(), now)
        .await
        .unwrap();
    assert_eq!((preview.recorded.len(), preview.preview), (1, true));
    let view = kit.recovery.account_view(POSTAL_LOGIN, &helpdesk(), now).await.unwrap();
    assert_eq!(first_letter(&view), None, "a preview records nothing");
    let first = kit
        .recovery
        .import_tracking(good.as_bytes(), FileEncoding::Utf8, CheckDigitRule::Mod7, false, &operator(), now)
        .await
        .unwrap();
    assert_eq!(first.recorded, vec![reference.to_owned()]);
    let again = kit
        .recovery
        .import_tracking(good.as_bytes(), FileEncoding::Utf8, CheckDigitRule::Mod7, false, &operator(), now)
        .await
        .unwrap();
    assert_eq!((again.recorded.len(), again.unchanged.len()), (0, 1), "the same file again changes nothing");
    let view = kit.recovery.account_view(POSTAL_LOGIN, &helpdesk(), now).await.unwrap();
    assert_eq!(first_letter(&view).as_deref(), Some("13112383852"));
    let line = view.letters.iter().find(|l| l.reference == reference).unwrap();
    assert_eq!(line.status.as_str(), "code_voided", "accepted, but its code was replaced by the second letter's");
}

#[tokio::test]
async fn a_return_voids_the_code_and_moved_blocks_the_next_application_until_the_address_changes() {
    use reissue_core::postal_files::FileEncoding;
    let kit = Kit::new(rules()).await;
    account_with_address(&kit, None).await;
    let code = printed_code(&kit).await;
    let now = kit.clock.now();
    let file = "reference,reason,returned_on\nL00000001,moved,2027-01-25\n";
    let done = kit.recovery.import_returns(file.as_bytes(), FileEncoding::Utf8, false, &operator(), now).await.unwrap();
    assert_eq!(done.recorded, vec!["L00000001".to_owned()]);
    let (s, _) =
        kit.post("/api/v1/resets", None, json!({"channel": "postal", "login_id": POSTAL_LOGIN, "code": code})).await;
    assert_eq!(s, 400, "the returned letter's code no longer works");
    let mails = kit.outbox().await;
    let back = mails
        .iter()
        .find_map(|m| match m {
            MessageBody::Email { subject, body, .. } if subject.contains("返送") => Some(body.clone()),
            _ => None,
        })
        .expect("the customer is told the letter came back");
    assert!(back.contains("転居先") && !back.contains(&code), "{back}");
    let again = kit.recovery.apply_for_postal_code(POSTAL_LOGIN, "again", &CHECKS, &helpdesk(), now).await;
    match again {
        Err(PostalError::Ineligible(r)) => assert_eq!(r[0].code(), "address_undeliverable"),
        other => panic!("a moved customer's old address gets no second letter: {other:?}"),
    }
    let twice =
        kit.recovery.import_returns(file.as_bytes(), FileEncoding::Utf8, false, &operator(), now).await.unwrap();
    assert_eq!(twice.unchanged.len(), 1);
    // A new address (an import) clears the flag.
    let profile_update = reissue_core::model::ImportedAccount {
        line: 1,
        profile: {
            let mut p = kit.store.account(&LoginId::parse(POSTAL_LOGIN).unwrap()).await.unwrap().unwrap().profile;
            p.address = Some(Address {
                postal_code: "530-0001".into(),
                lines: vec!["大阪府大阪市北区梅田一丁目1番1号".into()],
            });
            p
        },
        credentials: vec![],
    };
    let draft = AuditDraft::new(Actor::Cli, "import", None, "ok");
    kit.store.import_accounts(vec![profile_update], true, now, draft).await.unwrap();
    let why = kit.recovery.postal_eligibility(POSTAL_LOGIN, now).await.unwrap();
    assert_eq!(
        why.iter().map(|r| r.code()).collect::<Vec<_>>(),
        vec!["address_changed_recently"],
        "the flag went with the old address; the cooldown applies"
    );
}

#[tokio::test]
async fn storage_expired_keeps_the_address_and_refused_puts_the_account_on_review() {
    use reissue_core::postal_files::FileEncoding;
    let kit = Kit::new(rules()).await;
    account_with_address(&kit, None).await;
    printed_code(&kit).await;
    let now = kit.clock.now();
    let file = "reference,reason,returned_on\nL00000001,storage_expired,2027-01-25\n";
    kit.recovery.import_returns(file.as_bytes(), FileEncoding::Utf8, false, &operator(), now).await.unwrap();
    assert!(kit.recovery.postal_eligibility(POSTAL_LOGIN, now).await.unwrap().is_empty(), "the address is right");
    printed_code(&kit).await;
    let file = "reference,reason,returned_on\nL00000002,refused,2027-02-01\n";
    kit.recovery.import_returns(file.as_bytes(), FileEncoding::Utf8, false, &operator(), now).await.unwrap();
    let view = kit.recovery.account_view(POSTAL_LOGIN, &helpdesk(), now).await.unwrap();
    assert!(view.standing.hold(reissue_core::ports::postal::HoldKind::Review).is_some(), "a refusal asks for a review");
    let unknown = "reference,reason,returned_on\nL00000009,moved,2027-02-01\n";
    let refused = kit.recovery.import_returns(unknown.as_bytes(), FileEncoding::Utf8, false, &operator(), now).await;
    assert!(matches!(refused, Err(PostalError::File(_))), "{refused:?}");
}
