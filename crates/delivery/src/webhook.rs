//! Signed webhooks to the institution's systems.
//!
//! The body is JSON; `Reissue-Signature: t=UNIX,v1=HEX` carries HMAC-SHA256 over `t.body`
//! with the webhook key, and `Idempotency-Key` lets the receiver drop a retried delivery.

use hmac::{KeyInit, Mac};
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

use crate::DeliveryError;

pub struct WebhookSender {
    client: reqwest::Client,
    key: SecretBox<[u8]>,
}

impl std::fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSender")
    }
}

/// The signature header value for `body` at time `t`.
pub fn sign(key: &[u8], t: i64, body: &[u8]) -> String {
    let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!("any key length"));
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    format!("t={t},v1={}", hex::encode(m.finalize().into_bytes()))
}

impl WebhookSender {
    pub fn new(client: reqwest::Client, key: Vec<u8>) -> Self {
        Self { client, key: SecretBox::new(key.into_boxed_slice()) }
    }

    pub async fn send(&self, url: &str, key: &str, event: &serde_json::Value, t: i64) -> Result<(), DeliveryError> {
        let body = serde_json::to_vec(event).map_err(|e| DeliveryError::Webhook(e.to_string()))?;
        let resp = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("reissue-signature", sign(self.key.expose_secret(), t, &body))
            .header("idempotency-key", key)
            .body(body)
            .send()
            .await
            .map_err(|e| DeliveryError::Webhook(e.to_string()))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(DeliveryError::Webhook(format!("{url} answered {}", resp.status())))
        }
    }
}
