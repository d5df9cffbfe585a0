//! Signed webhooks to the institution's systems.
//!
//! The body is JSON; `Reissue-Signature: t=UNIX,v1=HEX` carries HMAC-SHA256 over `t.body`
//! with the webhook key, and `Idempotency-Key` lets the receiver drop a retried delivery.
//!
//! While an older webhook key is still in the key file (after `reissue keys rotate
//! webhook-signing`), the header carries one `v1=` signature per key, newest first
//! (`t=UNIX,v1=NEW,v1=OLD`), so a receiver that knows either key accepts the webhook while it
//! moves to the new one.

use hmac::{KeyInit, Mac};
use reissue_core::keyring::KeyRing;
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

use crate::DeliveryError;

pub struct WebhookSender {
    client: reqwest::Client,
    keys: KeyRing<SecretBox<[u8]>>,
}

impl std::fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSender")
    }
}

/// The signature header value for `body` at time `t`: one `v1=` per key, in the order given.
pub fn sign<'a>(keys: impl IntoIterator<Item = &'a [u8]>, t: i64, body: &[u8]) -> String {
    let mut header = format!("t={t}");
    for key in keys {
        let mut m =
            <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!("any key length"));
        m.update(t.to_string().as_bytes());
        m.update(b".");
        m.update(body);
        header.push_str(",v1=");
        header.push_str(&hex::encode(m.finalize().into_bytes()));
    }
    header
}

/// The signature header for `body` at `t` under every key of the ring, newest first.
fn signature(keys: &KeyRing<SecretBox<[u8]>>, t: i64, body: &[u8]) -> String {
    sign(keys.newest_first().map(|(_, k)| k.expose_secret()), t, body)
}

impl WebhookSender {
    pub fn new(client: reqwest::Client, keys: KeyRing<Vec<u8>>) -> Self {
        Self { client, keys: keys.map(|k| SecretBox::new(k.clone().into_boxed_slice())) }
    }

    pub async fn send(&self, url: &str, key: &str, event: &serde_json::Value, t: i64) -> Result<(), DeliveryError> {
        let body = serde_json::to_vec(event).map_err(|e| DeliveryError::Webhook(e.to_string()))?;
        let resp = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("reissue-signature", signature(&self.keys, t, &body))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hmac_hex(key: &[u8], t: i64, body: &[u8]) -> String {
        let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
        m.update(format!("{t}.").as_bytes());
        m.update(body);
        hex::encode(m.finalize().into_bytes())
    }

    #[test]
    fn one_key_gives_one_signature_and_an_overlap_gives_both_newest_first() {
        let key = |b: u8| SecretBox::new(vec![b; 32].into_boxed_slice());
        let one = KeyRing::single(key(1));
        assert_eq!(signature(&one, 10, b"{}"), format!("t=10,v1={}", hmac_hex(&[1; 32], 10, b"{}")));
        let two = KeyRing::new([(1, key(1)), (2, key(2))]).unwrap();
        assert_eq!(
            signature(&two, 10, b"{}"),
            format!("t=10,v1={},v1={}", hmac_hex(&[2; 32], 10, b"{}"), hmac_hex(&[1; 32], 10, b"{}"))
        );
    }
}
