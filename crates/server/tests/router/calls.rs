//! What the call says comes from the catalogue, in the account's language, and names the help
//! desk of that language when the call cannot go on.

use reissue_core::rules::Rules;

use crate::kit::Kit;

#[tokio::test]
async fn an_english_call_out_of_tries_names_the_english_help_desk() {
    let kit = Kit::new(Rules::default()).await;
    let (call_id, answered) = kit.apply_and_answer().await;
    assert!(
        answered.contains("This is reissue demo bank.") && answered.contains("PIN of your cash card"),
        "{answered}"
    );
    let pin = format!("/voice/pin?call={call_id}");
    let wrong = [("CallSid", "CA1"), ("Digits", "0000")];
    let first = kit.webhook(&pin, &wrong).await;
    assert!(first.contains("The PIN is not correct. You have 2 more tries."), "{first}");
    let second = kit.webhook(&pin, &wrong).await;
    assert!(second.contains("The PIN is not correct. You have 1 more try."), "{second}");
    let last = kit.webhook(&pin, &wrong).await;
    // The demo institution's English help desk is 0120-000-001, its Japanese one 0120-000-000.
    assert!(last.contains("Please contact our English help desk at 0 1 2 0, 0 0 0, 0 0 1."), "{last}");
    assert!(last.contains("<Hangup/>"), "{last}");
}
