//! Messages the procedures ask to send. They are written to the outbox in the same
//! transaction as the state change that causes them, and delivered later by a worker.

use serde::{Deserialize, Serialize};

/// One message to deliver. `idempotency_key` is unique in the outbox: writing the same key
/// twice is a no-op, and delivery passes it on (e-mail Message-ID, webhook header) so that a
/// message retried after a crash can be recognised downstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub idempotency_key: String,
    #[serde(flatten)]
    pub body: MessageBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageBody {
    /// Place the voice call `call_id` to `to`.
    PlaceCall { call_id: String, to: String },
    /// Send an e-mail. The text is rendered when the message is written and never holds a
    /// reset code, PIN or password.
    Email { to: String, subject: String, body: String },
    /// An e-mail whose text holds a secret (a temporary password): the text is sealed with
    /// the outbox key, bound to the message's idempotency key, and opened only to send it.
    SealedEmail { to: String, subject: String, sealed_body: String },
    /// Post a signed event to the institution's webhook.
    Webhook { url: String, event: serde_json::Value },
}

impl MessageBody {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PlaceCall { .. } => "place_call",
            Self::Email { .. } | Self::SealedEmail { .. } => "email",
            Self::Webhook { .. } => "webhook",
        }
    }
}
