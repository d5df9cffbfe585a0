//! Voice calls: the provider trait, the Twilio adapter, TwiML rendering of the dialogue, and
//! a phone network simulator that plays TwiML like Twilio does.

pub mod phone;
pub mod twilio;
pub mod twiml;

use async_trait::async_trait;

use crate::DeliveryError;

/// Where the provider should fetch the dialogue and report the call's progress.
#[derive(Debug, Clone)]
pub struct CallRequest {
    pub call_id: String,
    pub to: String,
    pub answer_url: String,
    pub status_url: String,
}

/// A telephony provider that places calls and calls our webhooks back.
#[async_trait]
pub trait VoiceProvider: Send + Sync {
    /// Places the call; returns the provider's call ID.
    async fn place_call(&self, req: &CallRequest) -> Result<String, DeliveryError>;

    /// A call to `req.to` that the provider created at or after `since`, if any. Asked after
    /// a crash may have come between the provider accepting a call and our record of it.
    async fn find_call(&self, req: &CallRequest, since: time::OffsetDateTime) -> Result<Option<String>, DeliveryError>;
}
