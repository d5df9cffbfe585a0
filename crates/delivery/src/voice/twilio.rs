//! Twilio's REST API (create a call) and its webhook signature (`X-Twilio-Signature`).

use async_trait::async_trait;
use base64::Engine;
use hmac::{KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha1::Sha1;

use super::{CallRequest, VoiceProvider};
use crate::DeliveryError;

/// The signature Twilio puts on a webhook: HMAC-SHA1, keyed with the auth token, over the
/// full URL followed by each POST parameter's name and value in name order; Base64.
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut m = <hmac::Hmac<Sha1> as KeyInit>::new_from_slice(auth_token.as_bytes())
        .unwrap_or_else(|_| unreachable!("any key length"));
    m.update(url.as_bytes());
    for (k, v) in sorted {
        m.update(k.as_bytes());
        m.update(v.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
}

/// Checks a webhook's signature in constant time. Like Twilio's helper libraries, it also
/// accepts the URL with or without the scheme's default port.
pub fn verify_signature(auth_token: &str, url: &str, params: &[(String, String)], header: Option<&str>) -> bool {
    let Some(header) = header else { return false };
    let mut candidates = vec![url.to_owned()];
    if let Some((scheme, rest)) = url.split_once("://") {
        let default = match scheme {
            "https" => ":443",
            "http" => ":80",
            _ => "",
        };
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if !default.is_empty() {
            if let Some(host) = authority.strip_suffix(default) {
                candidates.push(format!("{scheme}://{host}{tail}"));
            } else if !authority.contains(':') {
                candidates.push(format!("{scheme}://{authority}{default}{tail}"));
            }
        }
    }
    candidates.iter().any(|c| {
        let expected = signature(auth_token, c, params);
        subtle_eq(expected.as_bytes(), header.as_bytes())
    })
}

fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Twilio settings.
#[derive(Debug, Clone)]
pub struct TwilioSettings {
    pub api_base: String,
    pub account_sid: String,
    pub auth_token: SecretString,
    pub from: String,
    /// Seconds to ring before "no-answer": short enough that voicemail does not pick up.
    pub ring_timeout_secs: u32,
    /// The longest a call may last once answered (Twilio's `TimeLimit`): a caller who holds
    /// the line, or a dialogue that goes wrong, cannot keep a call open for hours.
    pub max_call_secs: u32,
}

/// Places calls through Twilio's `Calls.json`.
#[derive(Debug)]
pub struct Twilio {
    client: reqwest::Client,
    settings: TwilioSettings,
}

impl Twilio {
    pub fn new(client: reqwest::Client, settings: TwilioSettings) -> Self {
        Self { client, settings }
    }

    /// The form Twilio receives for a call; exposed so tests can check it against Twilio's
    /// published OpenAPI description.
    pub fn call_form(&self, req: &CallRequest) -> Vec<(String, String)> {
        let mut form = vec![
            ("To".to_owned(), req.to.clone()),
            ("From".to_owned(), self.settings.from.clone()),
            ("Url".to_owned(), req.answer_url.clone()),
            ("Method".to_owned(), "POST".to_owned()),
            ("StatusCallback".to_owned(), req.status_url.clone()),
            ("StatusCallbackMethod".to_owned(), "POST".to_owned()),
            ("Timeout".to_owned(), self.settings.ring_timeout_secs.to_string()),
            ("TimeLimit".to_owned(), self.settings.max_call_secs.to_string()),
            ("Record".to_owned(), "false".to_owned()),
        ];
        for e in ["initiated", "ringing", "answered", "completed"] {
            form.push(("StatusCallbackEvent".to_owned(), e.to_owned()));
        }
        form
    }
}

impl Twilio {
    fn calls_url(&self) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/Calls.json",
            self.settings.api_base.trim_end_matches('/'),
            self.settings.account_sid
        )
    }
}

#[async_trait]
impl VoiceProvider for Twilio {
    async fn find_call(&self, req: &CallRequest, since: time::OffsetDateTime) -> Result<Option<String>, DeliveryError> {
        let list = url::Url::parse_with_params(&self.calls_url(), [("To", req.to.as_str()), ("PageSize", "50")])
            .map_err(|e| DeliveryError::Voice(format!("voice.twilio.api_base: {e}")))?;
        let resp = self
            .client
            .get(list)
            .basic_auth(&self.settings.account_sid, Some(self.settings.auth_token.expose_secret()))
            .send()
            .await
            .map_err(|e| DeliveryError::Voice(e.without_url().to_string()))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(DeliveryError::Voice(format!("listing calls: {status}")));
        }
        let body: serde_json::Value =
            resp.json().await.map_err(|e| DeliveryError::Voice(format!("listing calls: {e}")))?;
        let rfc2822 = &time::format_description::well_known::Rfc2822;
        Ok(body["calls"].as_array().into_iter().flatten().find_map(|c| {
            let created = c["date_created"].as_str().and_then(|d| time::OffsetDateTime::parse(d, rfc2822).ok())?;
            (created >= since && c["to"] == req.to.as_str()).then(|| c["sid"].as_str().map(str::to_owned)).flatten()
        }))
    }

    async fn place_call(&self, req: &CallRequest) -> Result<String, DeliveryError> {
        let url = self.calls_url();
        let resp = self
            .client
            .post(&url)
            .basic_auth(&self.settings.account_sid, Some(self.settings.auth_token.expose_secret()))
            .form(&self.call_form(req))
            .send()
            .await
            .map_err(|e| DeliveryError::Voice(e.without_url().to_string()))?;
        let status = resp.status();
        let body: serde_json::Value =
            resp.json().await.map_err(|e| DeliveryError::Voice(format!("{status}: unreadable answer: {e}")))?;
        if status.as_u16() != 201 && !status.is_success() {
            let msg = body.get("message").and_then(|m| m.as_str()).unwrap_or("");
            return Err(DeliveryError::Voice(format!("{status}: {msg}")));
        }
        body.get("sid")
            .and_then(|s| s.as_str())
            .map(str::to_owned)
            .ok_or_else(|| DeliveryError::Voice("answer has no call sid".into()))
    }
}

/// A `CallStatus` of Twilio's status callbacks, or `None` for a value Twilio does not send.
pub fn parse_call_status(s: &str) -> Option<reissue_core::lifecycle::call::ProviderStatus> {
    reissue_core::lifecycle::call::ProviderStatus::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn signature_matches_the_published_test_vector() {
        let params = vec![
            p("CallSid", "CA1234567890ABCDE"),
            p("Caller", "+12349013030"),
            p("Digits", "1234"),
            p("From", "+12349013030"),
            p("To", "+18005551212"),
        ];
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(signature("12345", url, &params), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        assert!(verify_signature("12345", url, &params, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")));
        assert!(!verify_signature("12345", url, &params, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ")));
        assert!(!verify_signature("12345", url, &params, None));
        assert!(!verify_signature("12346", url, &params, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")));
        let mut tampered = params.clone();
        tampered[2].1 = "1235".into();
        assert!(!verify_signature("12345", url, &tampered, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ=")));
    }

    #[test]
    fn the_default_port_may_be_present_or_not() {
        let params = vec![p("Digits", "1")];
        let sig = signature("t", "https://example.com:443/voice", &params);
        assert!(verify_signature("t", "https://example.com/voice", &params, Some(&sig)));
    }
}
