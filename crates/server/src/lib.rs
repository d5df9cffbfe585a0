//! The HTTP face of reissue: the JSON API, the telephony webhooks and the demo's simulator
//! pages, built by `app(state)`. Handlers only translate between HTTP and the procedures of
//! `reissue_core::procedures`; errors become HTTP answers in `error/` alone.

pub mod background;
pub mod client;
pub mod counter_desk;
pub mod error;
pub mod hashing;
pub mod openapi;
pub mod pages;
pub mod postal_desk;
pub mod routes;
pub mod staff_auth;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use reissue_core::procedures::Recovery;
use reissue_delivery::mail::MemoryMailbox;
use reissue_delivery::voice::phone::PhoneNetwork;
use secrecy::SecretString;
use time::OffsetDateTime;

use crate::client::ClientIp;
use crate::error::ApiError;

/// Everything a request may need.
#[derive(Clone)]
pub struct AppState {
    pub recovery: Arc<Recovery>,
    /// The secret that signs the provider's webhooks (Twilio: the auth token).
    pub voice_webhook_token: SecretString,
    /// Requests per minute per client IP on the public endpoints.
    pub ip_requests_per_minute: u32,
    /// The demo's phone network and mailbox, when the built-in simulator is in use.
    pub demo: Option<Demo>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Wakes the outbox worker when a request wrote a message.
    pub wake: Arc<tokio::sync::Notify>,
    /// `admin.token` from configuration: every role, for scripts.
    pub admin_token: Option<SecretString>,
    /// Load balancers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub clock: Arc<dyn Clock>,
    /// Where the always-`202` endpoints finish their work after answering.
    pub background: background::Background,
    /// The customer pages' templates, catalogue and cookie settings.
    pub site: Arc<pages::Site>,
    /// How postal letters are rendered and exported, and the vendor's files read.
    pub postal: Arc<postal_desk::PostalDesk>,
}

/// The demo's in-process phone network and mailbox.
#[derive(Clone, Debug)]
pub struct Demo {
    pub phone: PhoneNetwork,
    pub mailbox: Option<MemoryMailbox>,
    /// The demo's clock, which `POST /demo/clock` moves forward (a proxy's second visit is
    /// on a later day); `None` where the state's clock is another (the router tests').
    pub clock: Option<Arc<DemoClock>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("ip_requests_per_minute", &self.ip_requests_per_minute).finish_non_exhaustive()
    }
}

/// Where requests read the time: the system clock in the server, a clock the test moves in
/// router tests. A request reads it once and passes `now` down.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // The one wall-clock read of the server.
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The demo's clock: the wall clock moved forward by what `POST /demo/clock` added, so that
/// a person walking the demo (and the browser tests) can come back "tomorrow". Only
/// `serve --demo` uses it.
#[derive(Debug, Default)]
pub struct DemoClock {
    ahead_secs: std::sync::atomic::AtomicI64,
    /// Where the offset is kept, so that a restarted demo keeps its day (its staff's last
    /// accepted authenticator steps and its cases are on that day).
    file: Option<std::path::PathBuf>,
}

impl DemoClock {
    /// The longest the demo's clock goes ahead in all.
    pub const MAX_AHEAD: time::Duration = time::Duration::days(400);

    /// A demo clock whose offset lives in `file` (read now, written at each move).
    pub fn kept_in(file: std::path::PathBuf) -> Self {
        let ahead = std::fs::read_to_string(&file)
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|s| (0..=Self::MAX_AHEAD.whole_seconds()).contains(s))
            .unwrap_or(0);
        Self { ahead_secs: std::sync::atomic::AtomicI64::new(ahead), file: Some(file) }
    }

    /// Moves the clock `by` forward; `false` (and no move) past `MAX_AHEAD`.
    pub fn advance(&self, by: time::Duration) -> bool {
        use std::sync::atomic::Ordering;
        let add = by.whole_seconds();
        let moved = self.ahead_secs.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |s| {
            s.checked_add(add).filter(|v| add > 0 && *v <= Self::MAX_AHEAD.whole_seconds())
        });
        if let (Ok(before), Some(file)) = (moved, &self.file)
            && let Err(e) = std::fs::write(file, (before + add).to_string())
        {
            tracing::warn!(error = %e, "the demo clock's offset could not be kept");
        }
        moved.is_ok()
    }

    /// How far ahead of the wall clock it is.
    pub fn ahead(&self) -> time::Duration {
        time::Duration::seconds(self.ahead_secs.load(std::sync::atomic::Ordering::SeqCst))
    }
}

impl Clock for DemoClock {
    fn now(&self) -> OffsetDateTime {
        SystemClock.now() + self.ahead()
    }
}

/// Counts the request against its client IP's budget for the current minute, in the database
/// so that the budget holds across instances. Over budget: `429` with `Retry-After`.
/// An IPv6 client is counted by its /64 (`ClientIp::budget_key`).
async fn ip_budget(State(state): State<AppState>, client: ClientIp, req: Request, next: Next) -> Response {
    match over_ip_budget(&state, &client).await {
        Ok(Some(retry_after)) => {
            let mut e = ApiError::new(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                crate::error::ErrorCode::TooManyRequests,
                "too many requests from this address; wait and try again",
            );
            e.retry_after = Some(retry_after);
            e.into_response()
        }
        Ok(None) => next.run(req).await,
        Err(()) => ApiError::internal().into_response(),
    }
}

/// Counts one request of `client` in the current minute: `Some(seconds until the next
/// minute)` when it is over the budget, `Err` when the count could not be kept (logged).
pub(crate) async fn over_ip_budget(state: &AppState, client: &ClientIp) -> Result<Option<u64>, ()> {
    let ip = client.budget_key();
    let t = state.clock.now();
    let window = t.replace_second(0).and_then(|w| w.replace_nanosecond(0)).unwrap_or(t);
    match state.recovery.count_client_request(&ip, window).await {
        Ok(n) if n > state.ip_requests_per_minute => Ok(Some((60 - u64::from(t.second())).max(1))),
        Ok(_) => Ok(None),
        Err(e) => {
            tracing::error!(error = %e, "rate limit store failure");
            Err(())
        }
    }
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    // The pages set their own (static files may be cached); everything else is not stored.
    h.entry("cache-control").or_insert(HeaderValue::from_static("no-store"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    resp
}

/// Where the JSON API, the provider's webhooks and the demo's JSON hands live: a path under
/// them that does not exist (or a method it does not take) is answered in JSON, any other in a
/// page in the browser's language.
const JSON_PREFIXES: [&str; 3] = ["/api/", "/voice/", "/demo/calls"];

fn is_json_path(req: &Request) -> bool {
    JSON_PREFIXES.iter().any(|p| req.uri().path().starts_with(p))
}

async fn not_found(State(state): State<AppState>, req: Request) -> Response {
    if is_json_path(&req) {
        return ApiError::not_found().into_response();
    }
    let visit = pages::Visit::of(req, &state).await;
    pages::not_found(State(state), visit).await
}

async fn method_not_allowed(State(state): State<AppState>, req: Request) -> Response {
    if is_json_path(&req) {
        return ApiError::method_not_allowed().into_response();
    }
    let visit = pages::Visit::of(req, &state).await;
    pages::method_not_allowed(State(state), visit).await
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let public = Router::new()
        .route("/api/v1/voice-applications", post(routes::recovery::voice_application))
        .route("/api/v1/resets", post(routes::recovery::enter_code))
        .route("/api/v1/resets/complete", post(routes::recovery::complete_reset))
        .route("/api/v1/password-initializations", post(routes::recovery::password_initialization))
        .route("/api/v1/login-id-notifications", post(routes::recovery::login_id_notification))
        .route("/api/v1/counter/case-tokens/claim", post(routes::counter::claim))
        .route("/api/v1/counter/case-tokens/report", post(routes::counter::report))
        .route_layer(middleware::from_fn_with_state(state.clone(), ip_budget));
    let mut router = Router::new()
        .merge(public)
        .merge(pages::routes(state.clone()))
        // The integrators' backends call these for every customer from a few addresses: they
        // are behind the integrator token, not the per-IP budget.
        .route("/api/v1/credentials/verify", post(routes::credentials::verify_credential))
        .route("/api/v1/credentials/change", post(routes::credentials::change_credential))
        .route("/api/v1/audit", get(routes::audit::audit))
        .route("/api/v1/openapi.json", get(routes::ops::openapi))
        .route("/healthz", get(routes::ops::healthz))
        .route("/readyz", get(routes::ops::readyz))
        .route("/metrics", get(routes::ops::metrics))
        .route("/voice/answer", post(routes::telephony::answer))
        .route("/voice/pin", post(routes::telephony::pin))
        .route("/voice/repeat", post(routes::telephony::repeat))
        .route("/voice/status", post(routes::telephony::status))
        .merge(routes::staff::routes());
    if state.demo.is_some() {
        router = router.merge(routes::demo::routes());
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(16 * 1024))
        // A client that sends its (at most 16 KiB) body slower than this holds a connection
        // for nothing: the read fails and the request is answered.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(std::time::Duration::from_secs(10)))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}
