//! Delivery: the outbox worker and the channels it delivers through — e-mail over SMTP (or
//! the built-in mailbox of the demo), voice calls through a Twilio-compatible provider (or
//! the built-in phone simulator), and signed webhooks. It decides nothing about who gets
//! what: the procedures wrote that into the outbox.

pub mod mail;
pub mod voice;
pub mod webhook;
pub mod worker;

/// A delivery failure. Every one is retried with backoff until the attempts run out.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("smtp: {0}")]
    Smtp(String),
    #[error("voice provider: {0}")]
    Voice(String),
    #[error("webhook: {0}")]
    Webhook(String),
    #[error("{0}")]
    Other(String),
}
