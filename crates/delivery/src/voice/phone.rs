//! A phone network that plays TwiML the way Twilio does: it fetches the answer URL, speaks
//! `<Say>`, waits in `<Gather>` for keys, follows `<Redirect>`, ends at `<Hangup>` or the end of
//! the document, and posts signed status callbacks. The demo's built-in voice provider and the
//! tests' Twilio stand-in both drive calls through it; a person or a test "is" the callee.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use quick_xml::Reader;
use quick_xml::events::Event;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::twilio::signature;
use super::{CallRequest, VoiceProvider};
use crate::DeliveryError;

/// One utterance of the call, with the digits read out one by one (`<say-as>`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Said {
    pub text: String,
    pub digits: String,
}

/// A call as the callee sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CallView {
    pub sid: String,
    pub to: String,
    pub from: String,
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: time::OffsetDateTime,
    pub awaiting_keys: bool,
    /// The keys pressed so far into the `<Gather>` that waits (not yet sent).
    pub pressed: String,
    pub transcript: Vec<Said>,
}

#[derive(Debug, Clone)]
enum Verb {
    Say(Said),
    Gather { action: Option<String>, finish_on_key: Option<char>, num_digits: Option<usize>, children: Vec<Verb> },
    Redirect(String),
    Hangup,
    Pause,
}

#[derive(Debug, Clone)]
struct Pending {
    action: String,
    finish_on_key: Option<char>,
    num_digits: Option<usize>,
    rest: Vec<Verb>,
    doc_url: String,
    /// Keys pressed one by one (`key_in`) that wait for the finish key or the last digit.
    pressed: String,
}

#[derive(Debug, Clone)]
struct SimCall {
    sid: String,
    to: String,
    from: String,
    url: String,
    status_callback: Option<String>,
    status: String,
    transcript: Vec<Said>,
    pending: Option<Pending>,
    seq: u32,
    created: time::OffsetDateTime,
}

/// Why the network could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum PhoneError {
    #[error("no call {0}")]
    NoSuchCall(String),
    #[error("call {0} is {1}")]
    WrongState(String, String),
    #[error("the call is not waiting for keys")]
    NotGathering,
    #[error("keys may only be 0-9, * and #")]
    BadKeys,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    account_sid: String,
    auth_token: SecretString,
    calls: Mutex<HashMap<String, SimCall>>,
    counter: Mutex<u64>,
}

/// The simulated network. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PhoneNetwork(Arc<Inner>);

/// An element being parsed: name, attributes, child verbs, text said so far.
type Open = (String, Vec<(String, String)>, Vec<Verb>, Said);

fn parse_twiml(xml: &str) -> Result<Vec<Verb>, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Vec<Verb> = Vec::new();
    let mut in_say_as = false;
    loop {
        match reader.read_event().map_err(|e| format!("TwiML is not XML: {e}"))? {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let attrs = e
                    .attributes()
                    .filter_map(Result::ok)
                    .map(|a| {
                        let v = a.unescape_value().map(|c| c.into_owned()).unwrap_or_default();
                        (String::from_utf8_lossy(a.key.as_ref()).into_owned(), v)
                    })
                    .collect();
                if name == "say-as" {
                    in_say_as = true;
                }
                stack.push((name, attrs, Vec::new(), Said { text: String::new(), digits: String::new() }));
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let verb = match name.as_str() {
                    "Hangup" => Some(Verb::Hangup),
                    "Pause" => Some(Verb::Pause),
                    _ => None,
                };
                if let Some(v) = verb {
                    match stack.last_mut() {
                        Some(parent) => parent.2.push(v),
                        None => root.push(v),
                    }
                } else if name == "break"
                    && let Some(say) = stack.iter_mut().rev().find(|s| s.0 == "Say")
                {
                    say.3.text.push(' ');
                }
            }
            Event::Text(t) => {
                let text = t.decode().map(|c| c.into_owned()).unwrap_or_default();
                let text = quick_xml::escape::unescape(&text).map(|c| c.into_owned()).unwrap_or(text);
                if let Some(say) = stack.iter_mut().rev().find(|s| s.0 == "Say") {
                    say.3.text.push_str(&text);
                    if in_say_as {
                        say.3.digits.push_str(&text);
                    }
                } else if let Some(top) = stack.last_mut() {
                    top.3.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let c = match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                };
                let idx = stack.iter().rposition(|s| s.0 == "Say").or(stack.len().checked_sub(1));
                if let Some(top) = idx.and_then(|i| stack.get_mut(i)) {
                    top.3.text.push_str(c);
                }
            }
            Event::End(_) => {
                let Some((name, attrs, children, said)) = stack.pop() else { continue };
                let attr = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                let verb = match name.as_str() {
                    "say-as" => {
                        in_say_as = false;
                        None
                    }
                    "Say" => Some(Verb::Say(Said { text: said.text.trim().to_owned(), digits: said.digits })),
                    "Gather" => Some(Verb::Gather {
                        action: attr("action"),
                        finish_on_key: match attr("finishOnKey") {
                            Some(k) => k.chars().next(),
                            None => Some('#'),
                        },
                        num_digits: attr("numDigits").and_then(|n| n.parse().ok()),
                        children,
                    }),
                    "Redirect" => Some(Verb::Redirect(said.text.trim().to_owned())),
                    "Hangup" => Some(Verb::Hangup),
                    "Pause" => Some(Verb::Pause),
                    "Response" => {
                        root.extend(children);
                        None
                    }
                    _ => None,
                };
                if let Some(v) = verb {
                    match stack.last_mut() {
                        Some(parent) => parent.2.push(v),
                        None => root.push(v),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(root)
}

impl PhoneNetwork {
    pub fn new(http: reqwest::Client, account_sid: &str, auth_token: SecretString) -> Self {
        Self(Arc::new(Inner {
            http,
            account_sid: account_sid.to_owned(),
            auth_token,
            calls: Mutex::new(HashMap::new()),
            counter: Mutex::new(0),
        }))
    }

    fn with_calls<R>(&self, f: impl FnOnce(&mut HashMap<String, SimCall>) -> R) -> R {
        let mut g = self.0.calls.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut g)
    }

    /// Creates a call that starts ringing; the status callback hears "initiated" and "ringing".
    pub fn create(&self, to: &str, from: &str, url: &str, status_callback: Option<&str>) -> String {
        let n = {
            let mut c = self.0.counter.lock().unwrap_or_else(|e| e.into_inner());
            *c += 1;
            *c
        };
        let sid = format!("CA{:032x}", n ^ 0x5eed_0000_0000);
        let call = SimCall {
            sid: sid.clone(),
            to: to.to_owned(),
            from: from.to_owned(),
            url: url.to_owned(),
            status_callback: status_callback.map(str::to_owned),
            status: "queued".into(),
            transcript: Vec::new(),
            pending: None,
            seq: 0,
            #[allow(clippy::disallowed_methods)] // The simulated network stamps its calls as Twilio does.
            created: time::OffsetDateTime::now_utc(),
        };
        self.with_calls(|c| c.insert(sid.clone(), call));
        let me = self.clone();
        let s = sid.clone();
        tokio::spawn(async move {
            me.set_status(&s, "initiated").await;
            me.set_status(&s, "ringing").await;
        });
        sid
    }

    pub fn calls(&self) -> Vec<CallView> {
        let mut v: Vec<CallView> = self.with_calls(|c| c.values().map(Self::view).collect());
        v.sort_by(|a, b| a.sid.cmp(&b.sid));
        v
    }

    pub fn call(&self, sid: &str) -> Option<CallView> {
        self.with_calls(|c| c.get(sid).map(Self::view))
    }

    fn view(c: &SimCall) -> CallView {
        CallView {
            sid: c.sid.clone(),
            to: c.to.clone(),
            from: c.from.clone(),
            status: c.status.clone(),
            created: c.created,
            awaiting_keys: c.pending.is_some(),
            pressed: c.pending.as_ref().map(|p| p.pressed.clone()).unwrap_or_default(),
            transcript: c.transcript.clone(),
        }
    }

    fn base_params(&self, c: &SimCall) -> Vec<(String, String)> {
        vec![
            ("AccountSid".into(), self.0.account_sid.clone()),
            ("ApiVersion".into(), "2010-04-01".into()),
            ("CallSid".into(), c.sid.clone()),
            ("CallStatus".into(), c.status.clone()),
            ("Direction".into(), "outbound-api".into()),
            ("From".into(), c.from.clone()),
            ("To".into(), c.to.clone()),
        ]
    }

    async fn post(&self, url: &str, params: &[(String, String)]) -> Result<String, String> {
        let sig = signature(self.0.auth_token.expose_secret(), url, params);
        let resp = self
            .0
            .http
            .post(url)
            .header("X-Twilio-Signature", sig)
            .form(params)
            .send()
            .await
            .map_err(|e| format!("webhook unreachable: {e}"))?;
        let status = resp.status();
        let body = resp.text().await.map_err(|e| e.to_string())?;
        if status.is_success() { Ok(body) } else { Err(format!("webhook answered {status}")) }
    }

    async fn set_status(&self, sid: &str, status: &str) {
        let Some((url, params)) = self.with_calls(|calls| {
            let c = calls.get_mut(sid)?;
            c.status = status.to_owned();
            c.seq += 1;
            let mut p = self.base_params(c);
            p.push(("CallbackSource".into(), "call-progress-events".into()));
            p.push(("SequenceNumber".into(), (c.seq - 1).to_string()));
            Some((c.status_callback.clone()?, p))
        }) else {
            return;
        };
        if let Err(e) = self.post(&url, &params).await {
            tracing::warn!(%sid, error = %e, "status callback failed");
        }
    }

    /// The callee picks up: the answer URL's TwiML plays until it needs keys or ends.
    pub async fn answer(&self, sid: &str) -> Result<CallView, PhoneError> {
        let url = self.with_calls(|c| {
            let call = c.get(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))?;
            match call.status.as_str() {
                "queued" | "initiated" | "ringing" => Ok(call.url.clone()),
                s => Err(PhoneError::WrongState(sid.into(), s.into())),
            }
        })?;
        self.set_status(sid, "in-progress").await;
        self.fetch_and_run(sid, &url, Vec::new()).await;
        self.call(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))
    }

    /// The callee presses keys (`0-9`, `*`, `#`) while a `<Gather>` waits.
    pub async fn press(&self, sid: &str, keys: &str) -> Result<CallView, PhoneError> {
        if keys.is_empty() || !keys.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#') {
            return Err(PhoneError::BadKeys);
        }
        let pending = self.with_calls(|c| {
            let call = c.get_mut(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))?;
            call.pending.take().ok_or(PhoneError::NotGathering)
        })?;
        let mut digits = pending.pressed.clone();
        for k in keys.chars() {
            if Some(k) == pending.finish_on_key {
                break;
            }
            digits.push(k);
            if pending.num_digits.is_some_and(|n| digits.len() >= n) {
                break;
            }
        }
        let action = resolve(&pending.doc_url, &pending.action);
        self.fetch_and_run(sid, &action, vec![("Digits".into(), digits)]).await;
        self.call(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))
    }

    /// The callee presses keys one after another, as on a handset: they gather in the waiting
    /// `<Gather>` until its finish key or its last digit sends them. Keys pressed after that go
    /// to the next `<Gather>` when the call asks for more, and are lost when it does not.
    pub async fn key_in(&self, sid: &str, keys: &str) -> Result<CallView, PhoneError> {
        if keys.is_empty() || !keys.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#') {
            return Err(PhoneError::BadKeys);
        }
        for (i, k) in keys.chars().enumerate() {
            let sent = self.with_calls(|c| {
                let call = c.get_mut(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))?;
                let pending = call.pending.as_mut().ok_or(PhoneError::NotGathering)?;
                if Some(k) != pending.finish_on_key {
                    pending.pressed.push(k);
                    if pending.num_digits.is_none_or(|n| pending.pressed.len() < n) {
                        return Ok(None);
                    }
                }
                Ok(call.pending.take())
            });
            match sent {
                Ok(None) => {}
                Ok(Some(p)) => {
                    let action = resolve(&p.doc_url, &p.action);
                    self.fetch_and_run(sid, &action, vec![("Digits".into(), p.pressed)]).await;
                }
                Err(PhoneError::NotGathering) if i > 0 => break,
                Err(e) => return Err(e),
            }
        }
        self.call(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))
    }

    /// The `<Gather>` times out without keys: the document goes on after it.
    pub async fn wait(&self, sid: &str) -> Result<CallView, PhoneError> {
        let pending = self.with_calls(|c| {
            let call = c.get_mut(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))?;
            call.pending.take().ok_or(PhoneError::NotGathering)
        })?;
        self.run(sid, pending.rest, &pending.doc_url).await;
        self.call(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))
    }

    /// The callee hangs up.
    pub async fn hang_up(&self, sid: &str) -> Result<CallView, PhoneError> {
        self.with_calls(|c| c.get_mut(sid).map(|call| call.pending = None))
            .ok_or_else(|| PhoneError::NoSuchCall(sid.into()))?;
        self.set_status(sid, "completed").await;
        self.call(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))
    }

    /// The call never connects: `no-answer`, `busy` or `failed`.
    pub async fn fail(&self, sid: &str, status: &str) -> Result<CallView, PhoneError> {
        self.set_status(sid, status).await;
        self.call(sid).ok_or_else(|| PhoneError::NoSuchCall(sid.into()))
    }

    async fn fetch_and_run(&self, sid: &str, url: &str, extra: Vec<(String, String)>) {
        let Some(mut params) = self.with_calls(|c| c.get(sid).map(|c| self.base_params(c))) else { return };
        params.extend(extra);
        match self.post(url, &params).await.and_then(|xml| parse_twiml(&xml)) {
            Ok(verbs) => self.run(sid, verbs, url).await,
            Err(e) => {
                self.say(sid, Said { text: format!("[application error: {e}]"), digits: String::new() });
                self.set_status(sid, "completed").await;
            }
        }
    }

    fn say(&self, sid: &str, s: Said) {
        self.with_calls(|c| c.get_mut(sid).map(|call| call.transcript.push(s)));
    }

    async fn run(&self, sid: &str, verbs: Vec<Verb>, doc_url: &str) {
        let mut queue = verbs;
        let mut doc_url = doc_url.to_owned();
        let mut fetches = 0;
        while !queue.is_empty() {
            let verb = queue.remove(0);
            match verb {
                Verb::Say(s) => self.say(sid, s),
                Verb::Pause => {}
                Verb::Hangup => {
                    self.set_status(sid, "completed").await;
                    return;
                }
                Verb::Redirect(url) => {
                    fetches += 1;
                    if fetches > 20 {
                        break;
                    }
                    let url = resolve(&doc_url, &url);
                    let Some(params) = self.with_calls(|c| c.get(sid).map(|c| self.base_params(c))) else { return };
                    match self.post(&url, &params).await.and_then(|x| parse_twiml(&x)) {
                        Ok(v) => {
                            queue = v;
                            doc_url = url;
                        }
                        Err(e) => {
                            self.say(sid, Said { text: format!("[application error: {e}]"), digits: String::new() });
                            break;
                        }
                    }
                }
                Verb::Gather { action, finish_on_key, num_digits, children } => {
                    for child in children {
                        if let Verb::Say(s) = child {
                            self.say(sid, s);
                        }
                    }
                    let pending = Pending {
                        action: action.unwrap_or_else(|| doc_url.clone()),
                        finish_on_key,
                        num_digits,
                        rest: std::mem::take(&mut queue),
                        doc_url: doc_url.clone(),
                        pressed: String::new(),
                    };
                    self.with_calls(|c| c.get_mut(sid).map(|call| call.pending = Some(pending)));
                    return;
                }
            }
        }
        // The document ran out: Twilio hangs up.
        self.set_status(sid, "completed").await;
    }
}

fn resolve(base: &str, target: &str) -> String {
    url::Url::parse(base).and_then(|b| b.join(target)).map(|u| u.to_string()).unwrap_or_else(|_| target.to_owned())
}

/// The demo's voice provider: calls ring in the in-process phone network.
#[derive(Debug, Clone)]
pub struct SimulatedProvider {
    pub network: PhoneNetwork,
    pub from: String,
}

#[async_trait]
impl VoiceProvider for SimulatedProvider {
    async fn place_call(&self, req: &CallRequest) -> Result<String, DeliveryError> {
        Ok(self.network.create(&req.to, &self.from, &req.answer_url, Some(&req.status_url)))
    }

    async fn find_call(&self, req: &CallRequest, since: time::OffsetDateTime) -> Result<Option<String>, DeliveryError> {
        Ok(self.network.calls().into_iter().find(|c| c.to == req.to && c.created >= since).map(|c| c.sid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twiml_with_gather_say_as_and_redirect_parses() {
        let x = r##"<?xml version="1.0"?><Response><Say language="en-US">Hello &amp; welcome</Say><Gather action="/voice/pin?call=1" finishOnKey="#"><Say>PIN?</Say></Gather><Say>None</Say><Redirect method="POST">/voice/answer?call=1</Redirect><Say>Code <say-as interpret-as="digits">01234</say-as><break time="1s"/><say-as interpret-as="digits">56789</say-as></Say><Hangup/></Response>"##;
        let v = parse_twiml(x).unwrap();
        assert_eq!(v.len(), 6);
        match &v[0] {
            Verb::Say(s) => assert_eq!(s.text, "Hello & welcome"),
            other => panic!("{other:?}"),
        }
        match &v[1] {
            Verb::Gather { action, finish_on_key, children, .. } => {
                assert_eq!(action.as_deref(), Some("/voice/pin?call=1"));
                assert_eq!(*finish_on_key, Some('#'));
                assert_eq!(children.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        match &v[4] {
            Verb::Say(s) => assert_eq!(s.digits, "0123456789"),
            other => panic!("{other:?}"),
        }
    }
}
