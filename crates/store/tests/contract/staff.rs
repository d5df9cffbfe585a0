//! Staff members: a TOTP step is accepted once across instances, attempts are counted before
//! they are checked and lock at the limit, and a session lives only within its lifetimes, ends
//! at sign-out and ends with its member.

use reissue_core::ids::StaffId;
use reissue_core::ports::{Attempt, AuditLog, NewStaff, NotAccepted, StaffDirectory, StaffSignInWrite};
use reissue_core::staff::{StaffLogin, StaffRole, StaffStatus};
use reissue_store::SqlStore;
use time::{Duration, OffsetDateTime};

use crate::contract;
use crate::fixtures::{Db, draft, t0};

const LEASE: Duration = reissue_core::lifecycle::ATTEMPT_LEASE;
const IDLE: Duration = Duration::minutes(15);
const ABSOLUTE: Duration = Duration::hours(8);

async fn member(db: &Db, login: &str, n: u8) -> StaffId {
    let id = StaffId::new([n; 12]);
    let new = NewStaff {
        id: id.clone(),
        login: StaffLogin::parse(login).unwrap(),
        role: StaffRole::Helpdesk,
        display_name: "Taro Koku".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        sealed_totp: vec![1, 2, 3],
        must_change_password: true,
    };
    assert!(db.store.enrol_staff(new, t0(), draft("staff_enrolled")).await.unwrap());
    id
}

fn sign_in(id: &StaffId, step: u64, token: &str, now: OffsetDateTime) -> StaffSignInWrite {
    StaffSignInWrite {
        staff_id: id.clone(),
        totp_step: step,
        token_mac: token.as_bytes().to_vec(),
        absolute_expires_at: now + ABSOLUTE,
        rehash: None,
        resealed_totp: None,
    }
}

/// Counts an attempt and completes a sign-in with `step` on `store`, as a right password and
/// code would.
async fn signed_in(
    store: &SqlStore,
    id: &StaffId,
    step: u64,
    token: &str,
    now: OffsetDateTime,
) -> Result<i64, NotAccepted> {
    let attempt = store.reserve_staff_attempt(id, 10, now, now - LEASE, draft("staff_sign_in")).await.unwrap();
    assert_eq!(attempt, Attempt::Reserved);
    store
        .complete_staff_sign_in(sign_in(id, step, token, now), now, draft("staff_sign_in"))
        .await
        .unwrap()
        .map(|s| s.session_id)
}

async fn a_code_signs_in_once_even_when_two_instances_race_with_it(db: &Db) {
    let id = member(db, "taro.koku", 1).await;
    let other = db.another_instance().await;
    for round in 1..=10u64 {
        let step = 60_000_000 + round;
        let (a, b) = (db.store.clone(), other.clone());
        let (ia, ib) = (id.clone(), id.clone());
        let first = tokio::spawn(async move { signed_in(&a, &ia, step, &format!("a{round}"), t0()).await });
        let second = tokio::spawn(async move { signed_in(&b, &ib, step, &format!("b{round}"), t0()).await });
        let answers = [first.await.unwrap(), second.await.unwrap()];
        assert_eq!(answers.iter().filter(|a| a.is_ok()).count(), 1, "round {round}: {answers:?}");
        assert!(answers.contains(&Err(NotAccepted::CodeUsed)), "round {round}: {answers:?}");
        // The loser's counted attempt was a failure: it is recorded as one.
        db.store.record_staff_failure(&id, 10, t0(), draft("staff_sign_in")).await.unwrap();
    }
    // An older step than the last accepted one is refused too.
    assert_eq!(signed_in(&db.store, &id, 60_000_001, "old", t0()).await, Err(NotAccepted::CodeUsed));
    assert_eq!(db.store.staff_by_id(&id).await.unwrap().unwrap().totp_step, 60_000_010);
    assert_eq!(db.number("SELECT COUNT(*) FROM staff_sessions").await, 10, "one session per accepted code");
    let fresh = db.store.accept_staff_totp(&id, 60_000_010, t0(), draft("staff_fresh_totp")).await.unwrap();
    assert_eq!(fresh, Err(NotAccepted::CodeUsed), "the code that signed in is no fresh code");
    assert_eq!(db.store.accept_staff_totp(&id, 60_000_011, t0(), draft("staff_fresh_totp")).await.unwrap(), Ok(()));
}
contract!(a_code_signs_in_once_even_when_two_instances_race_with_it);

async fn attempts_are_counted_before_checks_and_lock_the_member_at_the_limit(db: &Db) {
    let id = member(db, "taro.koku", 1).await;
    let other = db.another_instance().await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            store.reserve_staff_attempt(&id, 5, t0(), t0() - LEASE, draft("staff_sign_in")).await.unwrap()
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert_eq!(answers.iter().filter(|a| **a == Attempt::Reserved).count(), 5);
    assert_eq!(answers.iter().filter(|a| **a == Attempt::Busy).count(), 25);
    for n in 1..=5 {
        let f = db.store.record_staff_failure(&id, 5, t0(), draft("staff_sign_in")).await.unwrap();
        assert!(f.locked, "failure {n}: five counted attempts lock the member");
    }
    let again = db.store.reserve_staff_attempt(&id, 5, t0(), t0() - LEASE, draft("staff_sign_in"));
    assert_eq!(again.await.unwrap(), Attempt::Locked);
    let late = db.store.complete_staff_sign_in(sign_in(&id, 99, "late", t0()), t0(), draft("staff_sign_in"));
    assert_eq!(late.await.unwrap().map(|_| ()), Err(NotAccepted::Locked), "a right code after the lock opens nothing");
    let events = db.store.audit_events(None, 0, 1000).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.draft.outcome == "reserved").count(), 5);
    assert!(events.iter().any(|e| e.draft.outcome == "locked"), "{events:?}");
    // A reset lifts the lock.
    assert!(db.store.reset_staff(&id, "$argon2id$new".into(), vec![4], t0(), draft("staff_reset")).await.unwrap());
    let record = db.store.staff_by_id(&id).await.unwrap().unwrap();
    assert!(!record.locked && record.failures == 0 && record.must_change_password);
    assert_eq!(signed_in(&db.store, &id, 100, "after-reset", t0()).await.map(|_| ()), Ok(()));
}
contract!(attempts_are_counted_before_checks_and_lock_the_member_at_the_limit);

async fn attempts_never_settled_lock_the_member_once_their_lease_is_over(db: &Db) {
    let id = member(db, "taro.koku", 1).await;
    let reserve = |at: OffsetDateTime| {
        let (store, id) = (db.store.clone(), id.clone());
        async move { store.reserve_staff_attempt(&id, 3, at, at - LEASE, draft("staff_sign_in")).await.unwrap() }
    };
    for _ in 0..3 {
        assert_eq!(reserve(t0()).await, Attempt::Reserved);
    }
    assert_eq!(reserve(t0() + Duration::seconds(30)).await, Attempt::Busy);
    assert_eq!(reserve(t0() + LEASE + Duration::seconds(1)).await, Attempt::Locked);
    assert!(db.store.staff_by_id(&id).await.unwrap().unwrap().locked);
    // An attempt given back unchecked frees its place.
    let other = member(db, "hana", 2).await;
    for _ in 0..3 {
        let r = db.store.reserve_staff_attempt(&other, 3, t0(), t0() - LEASE, draft("staff_sign_in"));
        assert_eq!(r.await.unwrap(), Attempt::Reserved);
    }
    db.store.release_staff_attempt(&other, t0(), draft("staff_sign_in")).await.unwrap();
    let r = db.store.reserve_staff_attempt(&other, 3, t0(), t0() - LEASE, draft("staff_sign_in"));
    assert_eq!(r.await.unwrap(), Attempt::Reserved);
}
contract!(attempts_never_settled_lock_the_member_once_their_lease_is_over);

async fn a_session_lives_until_idle_or_its_absolute_end_and_ends_at_sign_out(db: &Db) {
    let id = member(db, "taro.koku", 1).await;
    let touch = |token: &'static str, at: OffsetDateTime| {
        let store = db.store.clone();
        async move { store.touch_staff_session(token.as_bytes(), at, at - IDLE).await.unwrap() }
    };
    // Idle: unused for the idle lifetime, it ends; used just before, it goes on from then.
    signed_in(&db.store, &id, 1, "idle", t0()).await.unwrap();
    let s = touch("idle", t0() + IDLE - Duration::milliseconds(1)).await.expect("used within the idle lifetime");
    assert_eq!((s.login.as_str(), s.role, s.must_change_password), ("taro.koku", StaffRole::Helpdesk, true));
    assert_eq!(s.last_seen_at, t0() + IDLE - Duration::milliseconds(1));
    assert!(touch("idle", s.last_seen_at + IDLE).await.is_none(), "idle at last use + idle lifetime");
    // Absolute: however busy, it ends at sign-in + the absolute lifetime.
    signed_in(&db.store, &id, 2, "busy", t0()).await.unwrap();
    let mut at = t0();
    while at + Duration::minutes(10) < t0() + ABSOLUTE {
        at += Duration::minutes(10);
        assert!(touch("busy", at).await.is_some(), "at {at}");
    }
    assert!(touch("busy", t0() + ABSOLUTE - Duration::milliseconds(1)).await.is_some());
    assert!(touch("busy", t0() + ABSOLUTE).await.is_none(), "ends at its absolute end");
    // Sign-out ends it at once, and only once.
    let session = signed_in(&db.store, &id, 3, "out", t0()).await.unwrap();
    let found = db.store.staff_session_ref(b"out").await.unwrap().unwrap();
    assert_eq!((found.session_id, found.ended), (session, false));
    assert!(db.store.end_staff_session(session, t0(), draft("staff_sign_out")).await.unwrap());
    assert!(!db.store.end_staff_session(session, t0(), draft("staff_sign_out")).await.unwrap());
    assert!(touch("out", t0() + Duration::seconds(1)).await.is_none());
    assert!(db.store.staff_session_ref(b"out").await.unwrap().unwrap().ended);
    assert!(touch("nothing", t0()).await.is_none());
}
contract!(a_session_lives_until_idle_or_its_absolute_end_and_ends_at_sign_out);

async fn disabling_a_member_ends_all_their_sessions_and_a_password_change_the_others(db: &Db) {
    let id = member(db, "taro.koku", 1).await;
    let colleague = member(db, "hana", 2).await;
    let touch = |token: &'static str| {
        let store = db.store.clone();
        async move { store.touch_staff_session(token.as_bytes(), t0(), t0() - IDLE).await.unwrap() }
    };
    let keep = signed_in(&db.store, &id, 1, "one", t0()).await.unwrap();
    signed_in(&db.store, &id, 2, "two", t0()).await.unwrap();
    signed_in(&db.store, &colleague, 1, "hers", t0()).await.unwrap();
    // A new password keeps the session it was set from and ends the member's others.
    assert!(db.store.set_staff_password(&id, "$argon2id$x".into(), keep, t0(), draft("staff_password")).await.unwrap());
    assert!(!touch("one").await.expect("the session that changed it").must_change_password);
    assert!(touch("two").await.is_none());
    // Disabling ends every session and refuses every attempt.
    signed_in(&db.store, &id, 3, "three", t0()).await.unwrap();
    assert!(db.store.disable_staff(&id, t0(), draft("staff_disabled")).await.unwrap());
    assert!(touch("one").await.is_none() && touch("three").await.is_none());
    assert!(touch("hers").await.is_some(), "a colleague's session goes on");
    assert_eq!(db.store.staff_by_id(&id).await.unwrap().unwrap().status, StaffStatus::Disabled);
    let r = db.store.reserve_staff_attempt(&id, 10, t0(), t0() - LEASE, draft("staff_sign_in"));
    assert_eq!(r.await.unwrap(), Attempt::Locked);
    let late = db.store.complete_staff_sign_in(sign_in(&id, 9, "late", t0()), t0(), draft("staff_sign_in"));
    assert_eq!(late.await.unwrap().map(|_| ()), Err(NotAccepted::Disabled));
    // Signing out everywhere ends all of a member's sessions.
    signed_in(&db.store, &colleague, 2, "hers-too", t0()).await.unwrap();
    assert_eq!(db.store.end_staff_sessions(&colleague, None, t0(), draft("staff_sign_out")).await.unwrap(), 2);
    assert!(touch("hers").await.is_none() && touch("hers-too").await.is_none());
}
contract!(disabling_a_member_ends_all_their_sessions_and_a_password_change_the_others);

async fn logins_are_unique_and_staff_states_are_checked(db: &Db) {
    member(db, "taro.koku", 1).await;
    let again = NewStaff {
        id: StaffId::new([9; 12]),
        login: StaffLogin::parse("taro.koku").unwrap(),
        role: StaffRole::Admin,
        display_name: "Someone else".into(),
        password_hash: "$argon2id$x".into(),
        sealed_totp: vec![1],
        must_change_password: true,
    };
    assert!(!db.store.enrol_staff(again, t0(), draft("staff_enrolled")).await.unwrap(), "the login exists");
    assert_eq!(db.number("SELECT COUNT(*) FROM staff").await, 1);
    for sql in [
        "UPDATE staff SET role = 'root'",
        "UPDATE staff SET status = 'deleted'",
        "UPDATE staff SET locked = 2",
        "UPDATE staff SET failures = -1",
    ] {
        let e = db.raw(sql).await.expect_err(sql);
        assert!(e.to_string().to_lowercase().contains("check"), "{sql}: {e}");
    }
    let listed = db.store.list_staff().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].member().role, StaffRole::Helpdesk);
}
contract!(logins_are_unique_and_staff_states_are_checked);
