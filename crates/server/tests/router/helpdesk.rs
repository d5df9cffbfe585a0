//! The help desk's procedures: the four-eyes rule holds an action until a second staff member
//! approves it; a fraud hold and a paused channel close the voice application; the account
//! view masks contacts until an audited reveal and never shows a code.

use reissue_core::outbox::MessageBody;
use reissue_core::ports::AuditLog;
use reissue_core::ports::helpdesk::Channel;
use reissue_core::procedures::Requester;
use reissue_core::procedures::helpdesk::{ActionOutcome, ActionResult, ContactField, HelpDeskError, StaffAction};
use reissue_core::rules::Rules;
use reissue_server::Clock;
use serde_json::json;

use crate::kit::{BIRTH, Kit, LOGIN};

fn rules() -> Rules {
    Rules { uniform_response_ms: 1, code_entry_response_ms: 1, ..Rules::default() }
}

fn staff(login: &str) -> Requester {
    Requester::staff(login, None)
}

async fn lock_pin(kit: &Kit) {
    sqlx::query("UPDATE credentials SET locked = 1, failures = 5 WHERE name = 'cash_card_pin'")
        .execute(kit.store.pool())
        .await
        .unwrap();
}

fn unlock() -> StaffAction {
    StaffAction::Unlock { login_id: LOGIN.into(), credential: "cash_card_pin".into(), reason: "caller verified".into() }
}

#[tokio::test]
async fn four_eyes_holds_an_unlock_until_a_second_member_approves() {
    let kit = Kit::with_four_eyes(rules(), &["unlock"]).await;
    lock_pin(&kit).await;
    let now = kit.clock.now();
    let ActionOutcome::Pending { id } = kit.recovery.staff_action(unlock(), &staff("hd.sato"), now).await.unwrap()
    else {
        panic!("an unlock waits for approval")
    };
    let view = kit.recovery.account_view(LOGIN, &staff("hd.sato"), now).await.unwrap();
    assert!(view.credentials.iter().any(|c| c.name == "cash_card_pin" && c.locked), "still locked while it waits");
    let own = kit.recovery.approve_action(id, &staff("hd.sato"), now).await;
    assert!(matches!(own, Err(HelpDeskError::OwnAction)), "{own:?}");
    let done = kit.recovery.approve_action(id, &staff("hd.tanaka"), now).await.unwrap();
    assert!(matches!(done, ActionResult::Done { action: "unlock", .. }), "{done:?}");
    let view = kit.recovery.account_view(LOGIN, &staff("hd.sato"), now).await.unwrap();
    assert!(view.credentials.iter().any(|c| c.name == "cash_card_pin" && !c.locked && c.failures == 0));
    let again = kit.recovery.approve_action(id, &staff("hd.suzuki"), now).await;
    assert!(matches!(again, Err(HelpDeskError::AlreadyDecided(_))), "{again:?}");
    let events = kit.store.audit_events(Some(LOGIN), 0, 100).await.unwrap();
    let unlocked = events.iter().find(|e| e.draft.action == "unlock" && e.draft.outcome == "unlocked").unwrap();
    assert_eq!(unlocked.draft.actor, "staff:hd.sato", "the action is its requester's");
    assert_eq!(unlocked.draft.detail["approved_by"], "staff:hd.tanaka");
    let mails = kit.outbox().await;
    assert!(
        mails.iter().any(|m| matches!(m, MessageBody::Email { subject, .. } if subject.contains("unlocked"))),
        "the customer is told: {mails:?}"
    );
}

#[tokio::test]
async fn without_four_eyes_an_action_is_taken_at_once_and_refused_when_it_changes_nothing() {
    let kit = Kit::new(rules()).await;
    let now = kit.clock.now();
    let nothing = kit.recovery.staff_action(unlock(), &staff("hd.sato"), now).await;
    assert!(matches!(nothing, Err(HelpDeskError::NothingToDo(_))), "{nothing:?}");
    lock_pin(&kit).await;
    let blank = StaffAction::Unlock { login_id: LOGIN.into(), credential: "cash_card_pin".into(), reason: " ".into() };
    let refused = kit.recovery.staff_action(blank, &staff("hd.sato"), now).await;
    assert!(matches!(refused, Err(HelpDeskError::Invalid { field: "reason", .. })), "{refused:?}");
    let done = kit.recovery.staff_action(unlock(), &staff("hd.sato"), now).await.unwrap();
    assert!(matches!(done, ActionOutcome::Done { .. }), "{done:?}");
}

/// Applies for a voice code as the customer would; whether a call was queued.
async fn voice_call_queued(kit: &Kit) -> bool {
    let before = kit.outbox().await.iter().filter(|m| matches!(m, MessageBody::PlaceCall { .. })).count();
    let (s, _) = kit.post("/api/v1/voice-applications", None, json!({"login_id": LOGIN, "birth_date": BIRTH})).await;
    assert_eq!(s, 202);
    kit.outbox().await.iter().filter(|m| matches!(m, MessageBody::PlaceCall { .. })).count() > before
}

#[tokio::test]
async fn a_fraud_hold_and_a_paused_channel_close_the_voice_application() {
    let kit = Kit::new(rules()).await;
    let now = kit.clock.now();
    let hold = StaffAction::FraudHold { login_id: LOGIN.into(), reason: "caller could not say the address".into() };
    kit.recovery.staff_action(hold, &staff("hd.sato"), now).await.unwrap();
    assert!(!voice_call_queued(&kit).await, "no call on a fraud hold");
    let view = kit.recovery.account_view(LOGIN, &staff("hd.sato"), now).await.unwrap();
    assert_eq!(view.voice.reasons, vec!["ineligible_fraud_hold"]);
    let lift = StaffAction::LiftFraudHold { login_id: LOGIN.into(), reason: "identity confirmed at a branch".into() };
    kit.recovery.staff_action(lift, &staff("hd.sato"), now).await.unwrap();
    let pause = StaffAction::PauseChannel { channel: Channel::Voice, reason: "telephony provider outage".into() };
    kit.recovery.staff_action(pause.clone(), &staff("admin.ito"), now).await.unwrap();
    let twice = kit.recovery.staff_action(pause, &staff("admin.ito"), now).await;
    assert!(matches!(twice, Err(HelpDeskError::NothingToDo(_))), "{twice:?}");
    assert!(!voice_call_queued(&kit).await, "no call while the channel is paused");
    let resume = StaffAction::ResumeChannel { channel: Channel::Voice, reason: "provider back".into() };
    kit.recovery.staff_action(resume, &staff("admin.ito"), now).await.unwrap();
    assert!(voice_call_queued(&kit).await, "calls again once resumed");
}

#[tokio::test]
async fn the_view_masks_contacts_until_an_audited_reveal() {
    let kit = Kit::new(rules()).await;
    let now = kit.clock.now();
    let view = kit.recovery.account_view(LOGIN, &staff("hd.sato"), now).await.unwrap();
    assert_eq!(view.email_masked.as_deref(), Some("e***@example.com"));
    assert_eq!(view.phone_masked.as_deref(), Some("+81 ******4321"));
    let who = staff("hd.sato");
    let full = kit.recovery.reveal_contact(LOGIN, ContactField::Email, "caller asks which address", &who, now).await;
    assert_eq!(full.unwrap().as_deref(), Some("emily@example.com"));
    let events = kit.store.audit_events(Some(LOGIN), 0, 100).await.unwrap();
    let revealed = events.iter().find(|e| e.draft.action == "contact_revealed").expect("the reveal is audited");
    assert_eq!((revealed.draft.actor.as_str(), &revealed.draft.detail["field"]), ("staff:hd.sato", &json!("email")));
    let code = kit.voice_code().await;
    let view = kit.recovery.account_view(LOGIN, &staff("hd.sato"), now).await.unwrap();
    let active = view.active_code.as_ref().expect("the active code's state");
    assert_eq!((active.channel, active.wrong_entries), ("voice", 0));
    assert!(!format!("{view:?}").contains(&code), "the view never holds the code");
    assert!(view.calls.len() == 1 && !view.deliveries.is_empty(), "calls and deliveries are listed");
}
