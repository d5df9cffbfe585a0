//! The outbox worker: claims due messages with a lease, delivers them, and records the
//! outcome. A crash between claim and outcome leaves the lease to expire, and another worker
//! (or this one after restart) delivers the message again under the same idempotency key.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use reissue_core::ids::CallId;
use reissue_core::lifecycle::call::{CallEvent, EndReason, may_still_ring};
use reissue_core::model::{CallState, OutboxItem};
use reissue_core::outbox::{MessageBody, OutboxMessage};
use reissue_core::ports::{Store, StoreError};
use time::{Duration, OffsetDateTime};
use tokio::sync::Notify;

use crate::DeliveryError;
use crate::mail::{Mail, Mailer};
use crate::voice::twiml::step_url;
use crate::voice::{CallRequest, VoiceProvider};
use crate::webhook::WebhookSender;
use reissue_core::voice::Step;

/// What the worker needs.
pub struct Worker {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub voice: Arc<dyn VoiceProvider>,
    pub webhooks: Arc<WebhookSender>,
    pub public_url: String,
    pub id: String,
    /// How long a claim lasts before another worker may take the message over.
    pub lease: Duration,
    /// After a crash, how long to wait for the provider to call back about a call that may
    /// already have been placed, before placing it again.
    pub call_grace: Duration,
    /// A call not placed within this time of its application is dropped rather than placed
    /// late; by then it no longer blocks a new application either.
    pub call_max_age: Duration,
    pub max_attempts: u32,
    pub wake: Arc<Notify>,
    /// Opens e-mails that wait in the outbox sealed.
    pub sealer: Arc<reissue_core::seal::Sealer>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("id", &self.id).finish_non_exhaustive()
    }
}

/// What became of one delivery attempt.
enum Outcome {
    Done,
    Later(OffsetDateTime),
}

#[allow(clippy::disallowed_methods)] // The worker is an edge: it reads the clock for what it sends.
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

impl Worker {
    /// Backoff after the n-th failed attempt: 2^n seconds, at most 15 minutes.
    pub fn backoff(attempts: u32) -> Duration {
        Duration::seconds(2i64.saturating_pow(attempts.min(10)).min(900))
    }

    /// Delivers everything due, then returns how many messages it handled.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let t = now();
        let items = self.store.claim_outbox(&self.id, 16, t, t + self.lease).await?;
        let n = items.len();
        for item in items {
            self.handle(item).await?;
        }
        Ok(n)
    }

    async fn handle(&self, item: OutboxItem) -> Result<(), StoreError> {
        let kind = item.message.body.kind();
        match self.deliver(&item).await {
            Ok(Outcome::Done) => {
                tracing::info!(id = item.id, kind, attempts = item.attempts, "delivered");
                metrics::counter!("reissue_outbox_delivered_total", "kind" => kind).increment(1);
                match &item.message.body {
                    // A sent secret does not stay in the outbox, not even sealed.
                    MessageBody::SealedEmail { to, subject, .. } => {
                        let wiped = OutboxMessage {
                            idempotency_key: item.message.idempotency_key.clone(),
                            body: MessageBody::SealedEmail {
                                to: to.clone(),
                                subject: subject.clone(),
                                sealed_body: String::new(),
                            },
                        };
                        self.store.finish_outbox_wiped(item.id, &self.id, now(), &wiped).await
                    }
                    _ => self.store.finish_outbox(item.id, &self.id, now()).await,
                }
            }
            Ok(Outcome::Later(at)) => {
                self.store.retry_outbox(item.id, &self.id, "waiting for the provider", at, false).await
            }
            Err(e) => {
                let give_up = item.attempts >= self.max_attempts;
                tracing::warn!(id = item.id, kind, attempts = item.attempts, give_up, error = %e, "delivery failed");
                metrics::counter!("reissue_outbox_failed_total", "kind" => kind).increment(1);
                self.store
                    .retry_outbox(item.id, &self.id, &e.to_string(), now() + Self::backoff(item.attempts), give_up)
                    .await
            }
        }
    }

    async fn deliver(&self, item: &OutboxItem) -> Result<Outcome, DeliveryError> {
        let key = &item.message.idempotency_key;
        match &item.message.body {
            MessageBody::Email { to, subject, body } => {
                let mail =
                    Mail { idempotency_key: key.clone(), to: to.clone(), subject: subject.clone(), body: body.clone() };
                self.mailer.send(&mail).await?;
                Ok(Outcome::Done)
            }
            MessageBody::SealedEmail { to, subject, sealed_body } => {
                let body =
                    hex::decode(sealed_body).ok().and_then(|b| self.sealer.unseal(key, &b)).ok_or_else(|| {
                        DeliveryError::Other("a sealed e-mail does not open with this server's key".into())
                    })?;
                let mail = Mail {
                    idempotency_key: key.clone(),
                    to: to.clone(),
                    subject: subject.clone(),
                    body: secrecy::ExposeSecret::expose_secret(&body).to_owned(),
                };
                self.mailer.send(&mail).await?;
                Ok(Outcome::Done)
            }
            MessageBody::Webhook { url, event } => {
                self.webhooks.send(url, key, event, now().unix_timestamp()).await?;
                Ok(Outcome::Done)
            }
            MessageBody::PlaceCall { call_id, to } => {
                let Some(call_id) = CallId::parse(call_id) else {
                    // Only this server writes these; one it cannot read is dropped, loudly.
                    tracing::error!("an outbox call names no call this server makes; dropped");
                    return Ok(Outcome::Done);
                };
                let call_id = &call_id;
                let t = now();
                let noted =
                    self.store.note_call_attempt(call_id, t).await.map_err(|e| DeliveryError::Other(e.to_string()))?;
                let Some((call, previous)) = noted else { return Ok(Outcome::Done) };
                if call.state != CallState::Pending {
                    // The provider has called back: an earlier attempt placed it.
                    return Ok(Outcome::Done);
                }
                let req = CallRequest {
                    call_id: call_id.to_string(),
                    to: to.clone(),
                    answer_url: step_url(&self.public_url, Step::Answer { silent: 0 }, call_id.as_str()),
                    status_url: format!("{}/voice/status?call={call_id}", self.public_url.trim_end_matches('/')),
                };
                if !may_still_ring(call.created_at, t, self.call_max_age) {
                    // Too late to ring: the customer may have applied again meanwhile. Only a
                    // call the provider already has is kept.
                    if previous.is_some()
                        && let Some(sid) = self.voice.find_call(&req, call.created_at).await?
                    {
                        self.store
                            .mark_call_placed(call_id, &sid, now())
                            .await
                            .map_err(|e| DeliveryError::Other(e.to_string()))?;
                        return Ok(Outcome::Done);
                    }
                    tracing::warn!(call = %call_id, "call not placed in time; dropped");
                    self.store
                        .record_call_status(
                            call_id,
                            EndReason::NotPlacedInTime.as_str(),
                            CallEvent::End(EndReason::NotPlacedInTime),
                            t,
                            None,
                        )
                        .await
                        .map_err(|e| DeliveryError::Other(e.to_string()))?;
                    return Ok(Outcome::Done);
                }
                if let Some(prev) = previous {
                    // An earlier attempt may have reached the provider before a crash: give
                    // its callbacks a moment, then ask the provider before calling again.
                    if t - prev < self.call_grace {
                        return Ok(Outcome::Later(prev + self.call_grace));
                    }
                    if let Some(sid) = self.voice.find_call(&req, prev - Duration::seconds(5)).await? {
                        tracing::info!(call = %call_id, "the provider already has this call; not placing it again");
                        self.store
                            .mark_call_placed(call_id, &sid, now())
                            .await
                            .map_err(|e| DeliveryError::Other(e.to_string()))?;
                        return Ok(Outcome::Done);
                    }
                }
                let sid = self.voice.place_call(&req).await?;
                self.store
                    .mark_call_placed(call_id, &sid, now())
                    .await
                    .map_err(|e| DeliveryError::Other(e.to_string()))?;
                Ok(Outcome::Done)
            }
        }
    }

    /// Runs until `shutdown` resolves: delivers what is due, then sleeps until woken or a
    /// short poll interval passes (other instances may have written messages).
    pub async fn run(self: Arc<Self>, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        let mut last_prune = now();
        loop {
            if *shutdown.borrow() {
                return;
            }
            match self.run_once().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "outbox worker: store unavailable"),
            }
            if now() - last_prune > Duration::minutes(5) {
                last_prune = now();
                if let Err(e) = self.store.prune(last_prune).await {
                    tracing::warn!(error = %e, "prune failed");
                }
            }
            #[allow(clippy::disallowed_methods)] // Polling the outbox is the worker's own pace.
            let idle = tokio::time::sleep(StdDuration::from_millis(500));
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = idle => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}
