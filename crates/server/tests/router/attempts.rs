//! An attempt counted before its secret is checked is always settled: a client that goes away
//! half way through a check leaves no attempt "in progress" for ever.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reissue_core::hashing::HashError;

use reissue_core::rules::Rules;
use serde_json::json;

use crate::kit::{ADMIN_TOKEN, Kit, LOGIN, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn abandoned_checks_are_settled_and_audited_not_left_in_progress() {
    let kit = Kit::with_slow_hashing(Rules::default(), Duration::from_millis(150)).await;
    let wrong = json!({"login_id": LOGIN, "credential": "login_password", "secret": "a wrong guess"});
    // Ten integrator checks whose client goes away while the secret is being checked.
    for _ in 0..10 {
        kit.post_and_go_away("/api/v1/credentials/verify", ADMIN_TOKEN, wrong.clone(), Duration::from_millis(20)).await;
    }
    // The checks finish on their own tasks: ten wrong guesses, so the password is locked, and
    // every one of them is in the audit log.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (s, audit) = kit.get(&format!("/api/v1/audit?login_id={LOGIN}"), ADMIN_TOKEN).await;
    assert_eq!(s, 200);
    let settled = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "credential_verify" && (e["outcome"] == "wrong" || e["outcome"] == "locked"))
        .count();
    assert_eq!(settled, 10, "{audit}");
    let right = json!({"login_id": LOGIN, "credential": "login_password", "secret": PASSWORD});
    let (s, v) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), right).await;
    assert_eq!((s, v["error"]["code"].as_str()), (423, Some("locked")), "settled, not stuck in progress: {v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn checks_that_fail_half_way_are_settled_as_failures_and_audited() {
    let failing = Arc::new(AtomicBool::new(true));
    let kit =
        Kit::with_failing_hashing(Rules::default(), failing.clone(), || HashError::Failed("injected".into())).await;
    let right = json!({"login_id": LOGIN, "credential": "login_password", "secret": PASSWORD});
    for _ in 0..10 {
        let (s, _) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), right.clone()).await;
        assert!(s >= 500, "the injected failure between counting and recording answers {s}");
    }
    failing.store(false, Ordering::SeqCst);
    // Each failed check was settled as the failure it was counted as: ten lock the password,
    // rather than leaving it "in progress" for ever.
    let (s, v) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), right).await;
    assert_eq!((s, v["error"]["code"].as_str()), (423, Some("locked")), "{v}");
    let (_, audit) = kit.get(&format!("/api/v1/audit?login_id={LOGIN}"), ADMIN_TOKEN).await;
    let events = audit["events"].as_array().unwrap();
    // Nine settled as failures; the tenth settlement is the one that locks, recorded so.
    assert_eq!(events.iter().filter(|e| e["outcome"] == "unsettled_error").count(), 9, "{audit}");
    assert_eq!(events.iter().filter(|e| e["outcome"] == "locked").count(), 2, "the lock, then the last check: {audit}");
    assert_eq!(events.iter().filter(|e| e["outcome"] == "reserved").count(), 10, "every counted attempt is audited");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_check_the_hashing_pool_refused_gives_its_attempt_back() {
    let busy = Arc::new(AtomicBool::new(true));
    let kit = Kit::with_failing_hashing(Rules::default(), busy.clone(), || HashError::Busy).await;
    let right = json!({"login_id": LOGIN, "credential": "login_password", "secret": PASSWORD});
    for _ in 0..20 {
        let (s, v) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), right.clone()).await;
        assert_eq!((s, v["error"]["code"].as_str()), (503, Some("busy")));
    }
    busy.store(false, Ordering::SeqCst);
    let (s, v) = kit.post("/api/v1/credentials/verify", Some(ADMIN_TOKEN), right).await;
    assert_eq!(s, 200, "twenty checks refused for load cost the customer nothing: {v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pin_the_hashing_pool_refused_in_a_call_costs_the_customer_no_try() {
    let busy = Arc::new(AtomicBool::new(true));
    let kit = Kit::with_failing_hashing(Rules::default(), busy.clone(), || HashError::Busy).await;
    // Two of the day's three applications meet a busy server.
    for _ in 0..2 {
        let twiml = kit.call_and_key_pin().await;
        assert!(twiml.contains("This call cannot continue") && !twiml.contains("locked"), "{twiml}");
    }
    let (_, audit) = kit.get(&format!("/api/v1/audit?login_id={LOGIN}"), ADMIN_TOKEN).await;
    let given_back =
        audit["events"].as_array().unwrap().iter().filter(|e| e["outcome"] == "released_unchecked").count();
    assert_eq!(given_back, 2, "{audit}");
    // None of them counted: with the pool free again, the PIN is checked and the code spoken.
    busy.store(false, Ordering::SeqCst);
    assert_eq!(kit.voice_code().await.len(), 10);
    let (_, audit) = kit.get(&format!("/api/v1/audit?login_id={LOGIN}"), ADMIN_TOKEN).await;
    let reserved = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "voice_pin" && e["outcome"] == "reserved")
        .count();
    assert_eq!(reserved, 3, "every counted try is in the audit log under its account");
}
