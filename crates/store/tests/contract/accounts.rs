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
