//! The schema refuses states the code never writes, so a faulty writer cannot leave a row
//! that the store would later fail to read.

use reissue_core::ports::Accounts;

use crate::contract;
use crate::fixtures::Db;

async fn state_columns_refuse_states_the_code_never_writes(db: &Db) {
    let a = db.account("123456789").await;
    let blob = if db.is_postgres() { "'\\x00'::bytea" } else { "X'00'" };
    let bad = [
        "UPDATE accounts SET status = 'deleted'".to_owned(),
        "UPDATE accounts SET kind = 'robot'".to_owned(),
        "UPDATE credentials SET locked = 2".to_owned(),
        "UPDATE credentials SET failures = -1".to_owned(),
        format!(
            "INSERT INTO calls (id, account_id, state, pin_tries, created_at, updated_at) VALUES ('c1', {}, 'ringing', 0, 0, 0)",
            a.id
        ),
        format!(
            "INSERT INTO reset_codes (account_id, channel, salt, mac, issued_at, expires_at, failures, state) \
             VALUES ({}, 'voice', {blob}, {blob}, 0, 1, 0, 'used')",
            a.id
        ),
        "INSERT INTO outbox (idempotency_key, kind, payload, state, attempts, next_attempt_at, created_at) \
         VALUES ('k', 'email', '{}', 'sent', 0, 0, 0)"
            .to_owned(),
        format!("INSERT INTO api_tokens (name, role, token_mac, created_at) VALUES ('t', 'root', {blob}, 0)"),
        format!("INSERT INTO identity_requests (account_id, kind, created_at) VALUES ({}, 'unlock', 0)", a.id),
    ];
    for sql in &bad {
        let e = db.raw(sql).await.expect_err(sql);
        assert!(e.to_string().to_lowercase().contains("check"), "{sql}: {e}");
    }
    assert_eq!(db.store.account(&a.profile.login_id).await.unwrap(), Some(a), "nothing changed");
    assert_eq!(db.number("SELECT COUNT(*) FROM calls").await + db.number("SELECT COUNT(*) FROM outbox").await, 0);
    // The states the code does write are accepted.
    db.raw("UPDATE accounts SET status = 'suspended'").await.unwrap();
    db.raw("UPDATE credentials SET locked = 1, must_change = 1").await.unwrap();
}
contract!(state_columns_refuse_states_the_code_never_writes);
