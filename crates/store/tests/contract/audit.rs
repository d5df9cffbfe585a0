//! The audit chain is appended in commit order: however many writers on however many
//! instances, sequence numbers are contiguous and each event links to the one before.

use reissue_core::audit::verify_chain;
use reissue_core::model::Role;
use reissue_core::ports::{AuditLog, Tokens};

use crate::contract;
use crate::fixtures::{Db, draft, t0};

async fn concurrent_appends_from_two_instances_form_one_chain(db: &Db) {
    let other = db.another_instance().await;
    let mut tasks = Vec::new();
    for i in 0..120 {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        tasks.push(tokio::spawn(async move {
            if i % 10 == 0 {
                // A write that ends with its own event, beside the group-committed appends.
                store.create_token(&format!("t{i}"), Role::Auditor, &[i as u8; 32], t0(), draft("token_create")).await
            } else {
                store.append_audit(t0(), draft(&format!("event-{i}"))).await
            }
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let events = db.store.audit_events(None, 0, 1000).await.unwrap();
    assert_eq!(events.len(), 120);
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=120).collect::<Vec<i64>>());
    assert_eq!(verify_chain(&events, &crate::fixtures::audit_keys()).unwrap(), 120);
    let after = db.store.audit_events(None, 100, 1000).await.unwrap();
    assert_eq!(after.first().map(|e| e.seq), Some(101), "reading on from a sequence number");
}
contract!(concurrent_appends_from_two_instances_form_one_chain);
