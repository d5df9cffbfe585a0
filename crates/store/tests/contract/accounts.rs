//! Imports are all or nothing, and re-imports keep what the procedures rely on.

use reissue_core::model::ImportedAccount;
use reissue_core::ports::{Accounts, ImportError};

use crate::contract;
use crate::fixtures::{Db, credentials, draft, profile, t0};

async fn an_import_that_meets_an_existing_login_id_writes_nothing(db: &Db) {
    db.account("123456789").await;
    let lines = vec![
        ImportedAccount { line: 1, profile: profile("200000001"), credentials: credentials() },
        ImportedAccount { line: 2, profile: profile("123456789"), credentials: credentials() },
    ];
    match db.store.import_accounts(lines, false, t0(), draft("import")).await {
        Err(ImportError::Existing(clashes)) => assert_eq!(clashes, vec![(2, "123456789".to_owned())]),
        other => panic!("expected a clash, got {other:?}"),
    }
    assert_eq!(db.number("SELECT COUNT(*) FROM accounts").await, 1);
    assert_eq!(db.number("SELECT COUNT(*) FROM audit_events WHERE action = 'import'").await, 1);
}
contract!(an_import_that_meets_an_existing_login_id_writes_nothing);

async fn a_re_import_that_changes_the_phone_counts_it_as_changed_at_the_import(db: &Db) {
    let old = t0() - time::Duration::days(3650);
    let mut first = profile("123456789");
    first.changed_at.phone = Some(old);
    first.changed_at.email = Some(old);
    let line = |p: &reissue_core::account::Profile| ImportedAccount {
        line: 1,
        profile: p.clone(),
        credentials: credentials(),
    };
    db.store.import_accounts(vec![line(&first)], false, t0(), draft("import")).await.unwrap();
    let mut second = first.clone();
    second.phone = Some(reissue_core::account::PhoneNumber::parse_e164("+819099998888").unwrap());
    let later = t0() + time::Duration::days(1);
    db.store.import_accounts(vec![line(&second)], true, later, draft("import")).await.unwrap();
    let stored = db.store.account(&first.login_id).await.unwrap().unwrap().profile;
    assert_eq!(stored.phone, second.phone);
    assert_eq!(stored.changed_at.phone, Some(later), "the phone changed at the import");
    assert_eq!(stored.changed_at.email, Some(old), "the e-mail did not change");
}
contract!(a_re_import_that_changes_the_phone_counts_it_as_changed_at_the_import);
