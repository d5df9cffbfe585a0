//! The customer's pages: server-rendered HTML for every public procedure, in Japanese and
//! English, each form posting to its own path and redirecting, so that everything works
//! without JavaScript. One module per procedure; `site.rs` holds the templates and the `Page`
//! answer, `forms.rs` the `Visit` of a browser and the checked form `Fields`; this one the
//! routes, the headers every page carries and the per-IP budget on posts.
//!
//! Pages call the same procedures as the JSON API and answer what it answers, in words.

pub mod cookies;
pub mod demo;
mod forms;
pub mod help;
mod identity;
pub mod reset;
mod site;
pub mod staff;
pub mod start;
pub mod static_files;
pub mod theme;
pub mod voice_application;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use reissue_core::catalogue::Arg;

use self::cookies::CookieJar;
use crate::AppState;
use crate::client::ClientIp;

pub use self::forms::{Fields, Forged, FormErrors, Visit};
pub use self::site::{Page, Site};

/// A page with a title and one paragraph (refusals, limits, not found).
pub fn message(state: &AppState, visit: &Visit, status: StatusCode, title: &str, body: &str) -> Response {
    message_with(state, visit, status, title, state.site.t(visit.lang, body, &[]))
}

/// A message page whose paragraph was already put into words.
pub fn message_with(state: &AppState, visit: &Visit, status: StatusCode, title: &str, body: String) -> Response {
    let ctx = minijinja::context! { title => state.site.t(visit.lang, title, &[]), body => body };
    Page::new(visit, "message.html", ctx).status(status).render(&state.site)
}

/// A redirect after a post (`303`), with the cookies the post set.
pub fn see_other(to: &str, cookies: &CookieJar) -> Response {
    let mut resp = Redirect::to(to).into_response();
    cookies.apply(resp.headers_mut());
    resp
}

/// The headers of every page, style sheet and script: a strict Content-Security-Policy (no
/// inline script or style), no referrer (the origin check reads `Sec-Fetch-Site`, so the
/// `Origin: null` a browser then sends on a form post does not matter), no framing, HSTS over
/// https, and `no-store` on pages (which carry form tokens and, on the reset pages, what the
/// customer typed).
async fn page_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut resp = next.run(req).await;
    let cacheable = is_static && resp.status().is_success();
    set_page_headers(resp.headers_mut(), state.site.secure, cacheable);
    resp
}

/// The headers of `page_headers`, for answers made outside the pages' router (the 404 page).
pub fn set_page_headers(h: &mut axum::http::HeaderMap, secure: bool, is_static: bool) {
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; \
             connect-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if secure {
        h.insert("strict-transport-security", HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    let cache = if is_static { "public, max-age=3600" } else { "no-store" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
}

/// Form posts count toward the per-IP budget; showing a page or its style sheet does not
/// (many mobile customers share one carrier-grade NAT address, and the per-account limits are
/// what protect an account). Over budget: a `429` page in the user's language saying when to
/// try again.
async fn page_budget(State(state): State<AppState>, client: ClientIp, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    match crate::over_ip_budget(&state, &client).await {
        Ok(None) => next.run(req).await,
        Ok(Some(retry_after)) => {
            let visit = Visit::of(req, &state).await;
            let body = state.site.t(
                visit.lang,
                "message-busy-body",
                &[("seconds", Arg::from(i64::try_from(retry_after).unwrap_or(60)))],
            );
            let mut resp = message_with(&state, &visit, StatusCode::TOO_MANY_REQUESTS, "message-busy-title", body);
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        Err(()) => {
            let visit = Visit::of(req, &state).await;
            message(
                &state,
                &visit,
                StatusCode::SERVICE_UNAVAILABLE,
                "message-unavailable-title",
                "message-unavailable-body",
            )
        }
    }
}

/// The page for a path that does not exist.
pub async fn not_found(State(state): State<AppState>, visit: Visit) -> Response {
    let mut resp = message(&state, &visit, StatusCode::NOT_FOUND, "message-not-found-title", "message-not-found-body");
    set_page_headers(resp.headers_mut(), state.site.secure, false);
    resp
}

/// The page for a method a page's path does not take (a `PUT` to a form, say).
pub async fn method_not_allowed(State(state): State<AppState>, visit: Visit) -> Response {
    let mut resp =
        message(&state, &visit, StatusCode::METHOD_NOT_ALLOWED, "message-method-title", "message-method-body");
    set_page_headers(resp.headers_mut(), state.site.secure, false);
    resp
}

/// Every page, with its headers and the budget on its posts.
pub fn routes(state: AppState) -> Router<AppState> {
    let mut router = Router::new();
    if state.demo.is_some() {
        router = router.merge(demo::routes());
    }
    router
        .merge(staff::routes())
        .route("/", get(start::show))
        .route("/voice-application", get(voice_application::show).post(voice_application::submit))
        .route("/voice-application/sent", get(voice_application::sent))
        .route("/reset/voice", get(reset::show_voice).post(reset::submit_voice))
        .route("/reset/postal", get(reset::show_postal).post(reset::submit_postal))
        .route("/reset/voice/done", get(reset::done_voice))
        .route("/reset/postal/done", get(reset::done_postal))
        .route("/password-initialization", get(identity::show_initialization).post(identity::submit_initialization))
        .route("/password-initialization/sent", get(identity::initialization_sent))
        .route("/login-id-notification", get(identity::show_reminder).post(identity::submit_reminder))
        .route("/login-id-notification/sent", get(identity::reminder_sent))
        .route("/help/postal-letter", get(help::postal_letter))
        .route("/static/{file}", get(static_files::serve))
        .route_layer(middleware::from_fn_with_state(state.clone(), page_budget))
        .layer(middleware::from_fn_with_state(state, page_headers))
}
