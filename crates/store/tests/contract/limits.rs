//! The per-IP budget counts every request exactly once, across instances and batches.

use reissue_core::ports::Limits;

use crate::contract;
use crate::fixtures::{Db, t0};

async fn requests_from_two_instances_are_counted_exactly(db: &Db) {
    let other = db.another_instance().await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        tasks.push(tokio::spawn(async move { store.count_ip_request("192.0.2.1", t0()).await }));
    }
    let mut seen = Vec::new();
    for t in tasks {
        seen.push(t.await.unwrap().unwrap());
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=200).collect::<Vec<u32>>(), "each request saw its own count");
    assert_eq!(db.number("SELECT count FROM ip_budget").await, 200);
}
contract!(requests_from_two_instances_are_counted_exactly);

/// Two instances whose batches hold the same addresses in opposite arrival orders: each batch
/// upserts in key order, so neither waits on the other in a cycle.
async fn batches_from_two_instances_never_deadlock(db: &Db) {
    let other = db.another_instance().await;
    let ips: Vec<String> = (0..16).map(|i| format!("198.51.100.{i}")).collect();
    for round in 0..30 {
        let mut tasks = Vec::new();
        for (k, store) in [db.store.clone(), other.clone()].into_iter().enumerate() {
            let mut order = ips.clone();
            if k == 1 {
                order.reverse();
            }
            for ip in order {
                let store = store.clone();
                tasks.push(tokio::spawn(async move { store.count_ip_request(&ip, t0()).await }));
            }
        }
        for t in tasks {
            t.await.unwrap().unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
    }
    assert_eq!(db.number("SELECT CAST(SUM(count) AS BIGINT) FROM ip_budget").await, 30 * 2 * 16);
}
contract!(batches_from_two_instances_never_deadlock);
