//! The customer's pages: server-rendered HTML for every public procedure, in Japanese and
//! English, each form posting to its own path and redirecting, so that everything works
//! without JavaScript. One module per procedure; this one holds what they share: the `Site`
//! (templates and catalogue), the `Visit` of a browser (its language and form cookie), the
//! checked form `Fields`, the `Page` answer and the headers every page carries.
//!
//! Pages call the same procedures as the JSON API and answer what it answers, in words.

pub mod cookies;
pub mod demo;
mod identity;
pub mod reset;
pub mod start;
pub mod static_files;
pub mod theme;
pub mod voice_application;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State as TemplateState};
use reissue_core::account::Language;
use reissue_core::catalogue::{Arg, Catalogue};
use reissue_core::mail::Institution;

use self::cookies::CookieJar;
use self::theme::{StaticFile, ThemeError, ThemeFiles};
use crate::AppState;
use crate::client::ClientIp;

/// The pages' templates, catalogue and how their cookies are set.
pub struct Site {
    env: Environment<'static>,
    catalogue: Arc<Catalogue>,
    statics: BTreeMap<String, StaticFile>,
    institution: Institution,
    /// Over https: cookies are `Secure` with the `__Host-` prefix, and HSTS is sent.
    secure: bool,
    /// `scheme://host[:port]` of `server.public_url`, which a form's `Origin` may name.
    public_origin: String,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").field("secure", &self.secure).field("public_origin", &self.public_origin).finish()
    }
}

fn to_arg(v: &Value) -> Arg {
    if let Some(n) = v.as_i64() { Arg::from(n) } else { Arg::Text(v.to_string()) }
}

impl Site {
    /// Compiles every template now, so that a broken theme stops the start naming its file.
    pub fn new(
        files: ThemeFiles,
        catalogue: Arc<Catalogue>,
        institution: Institution,
        public_url: &str,
    ) -> Result<Self, ThemeError> {
        let mut env = Environment::new();
        // The built-in templates are tested to name only what their pages give them, and a
        // mistake there should fail loudly. A theme's template may name what no page gives
        // (a variable of another version): it shows as nothing rather than as a broken page.
        env.set_undefined_behavior(if files.themed {
            minijinja::UndefinedBehavior::Lenient
        } else {
            minijinja::UndefinedBehavior::Strict
        });
        let paths = files.template_paths;
        let path_of = |name: &str| paths.get(name).cloned().unwrap_or_else(|| format!("templates/{name}").into());
        for (name, text) in files.templates {
            env.add_template_owned(name.clone(), text)
                .map_err(|e| ThemeError { path: path_of(&name), problem: e.to_string() })?;
        }
        let cat = catalogue.clone();
        // `t("key", name=value, ...)`: the text of `key` in the page's language; `in_lang="ja"`
        // asks for another language's (the language switch names each language in itself).
        env.add_function(
            "t",
            move |state: &TemplateState, key: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
                let mut lang = state.lookup("lang").and_then(|l| l.as_str().map(str::to_owned)).unwrap_or_default();
                let mut args = Vec::new();
                for name in kwargs.args() {
                    let v: Value = kwargs.get(name)?;
                    if name == "in_lang" {
                        lang = v.to_string();
                    } else {
                        args.push((name.to_owned(), to_arg(&v)));
                    }
                }
                let lang = Language::parse(&lang).unwrap_or_default();
                let args: Vec<(&str, Arg)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                Ok(cat.text(lang, &key, &args))
            },
        );
        for name in env.templates().map(|(n, _)| n.to_owned()).collect::<Vec<_>>() {
            // Resolve extends/imports now rather than on the first visit.
            let tmpl =
                env.get_template(&name).map_err(|e| ThemeError { path: path_of(&name), problem: e.to_string() })?;
            drop(tmpl);
        }
        let url = url::Url::parse(public_url)
            .map_err(|e| ThemeError { path: "server.public_url".into(), problem: e.to_string() })?;
        Ok(Self {
            env,
            catalogue,
            statics: files.statics,
            institution,
            secure: url.scheme() == "https",
            public_origin: url.origin().ascii_serialization(),
        })
    }

    /// The built-in theme over `recovery`'s catalogue and institution (tests, and a server
    /// without `server.theme_dir`).
    pub fn builtin(recovery: &reissue_core::procedures::Recovery) -> Self {
        Self::new(
            ThemeFiles::builtin(),
            recovery.catalogue().clone(),
            recovery.institution().clone(),
            recovery.public_url(),
        )
        .expect("the built-in theme compiles (tested)")
    }

    /// One text of the catalogue.
    pub fn t(&self, lang: Language, key: &str, args: &[(&str, Arg)]) -> String {
        self.catalogue.text(lang, key, args)
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    pub fn secure(&self) -> bool {
        self.secure
    }

    fn render(&self, name: &str, lang: Language, ctx: Value) -> Result<String, minijinja::Error> {
        let help = self.institution.help_desk.for_language(lang);
        let base = minijinja::context! {
            lang => lang.as_str(),
            institution => self.institution.name.clone(),
            help_number => help.number.clone(),
            help_hours => help.hours.clone(),
        };
        self.env.get_template(name)?.render(minijinja::context! { ..ctx, ..base })
    }

    fn static_file(&self, name: &str) -> Option<&StaticFile> {
        self.statics.get(name)
    }

    /// The names of the templates, for the tests that read them all.
    pub fn template_names(&self) -> Vec<String> {
        self.env.templates().map(|(n, _)| n.to_owned()).collect()
    }
}

/// A page to answer with: a template, its context, a status and the cookies to set.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub template: &'static str,
    pub context: Value,
    pub lang: Language,
    pub cookies: CookieJar,
}

impl Page {
    pub fn new(visit: &Visit, template: &'static str, context: Value) -> Self {
        Self { status: StatusCode::OK, template, context, lang: visit.lang, cookies: visit.cookies.clone() }
    }

    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn render(self, site: &Site) -> Response {
        match site.render(self.template, self.lang, self.context) {
            Ok(html) => {
                let mut resp =
                    (self.status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
                self.cookies.apply(resp.headers_mut());
                resp
            }
            Err(e) => {
                tracing::error!(template = self.template, error = %e, "a page's template failed");
                (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "500")
                    .into_response()
            }
        }
    }
}

/// A browser's visit: the language it reads the page in, and the form cookie its form tokens
/// are bound to (set now when it had none).
#[derive(Debug, Clone)]
pub struct Visit {
    pub lang: Language,
    pub cookies: CookieJar,
    form_cookie: String,
}

/// The language cookie: a preference, not a secret.
const LANG_COOKIE: &str = "reissue_lang";

fn lang_from_accept(accept: &str) -> Option<Language> {
    // The first of ja/en by quality; anything else says nothing.
    let mut best: Option<(f32, Language)> = None;
    for part in accept.split(',') {
        let mut it = part.trim().split(';');
        let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        let lang = match tag.split('-').next() {
            Some("ja") => Language::Ja,
            Some("en") => Language::En,
            _ => continue,
        };
        if best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l)
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let site = &state.site;
        let mut cookies = CookieJar::read(&parts.headers, site.secure);
        let asked = parts
            .uri
            .query()
            .and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang").map(|(_, v)| v.into_owned())
            })
            .and_then(|v| Language::parse(&v).ok());
        let lang = if let Some(l) = asked {
            if cookies.get(LANG_COOKIE).as_deref() != Some(l.as_str()) {
                cookies.set_preference(LANG_COOKIE, l.as_str());
            }
            l
        } else if let Some(l) = cookies.get(LANG_COOKIE).and_then(|v| Language::parse(&v).ok()) {
            l
        } else {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(lang_from_accept)
                .unwrap_or_default()
        };
        let form_cookie = match cookies.get_secret(cookies::FORM) {
            Some(v) if !v.is_empty() && v.len() <= 128 => v,
            _ => {
                let fresh = state.recovery.fresh_form_cookie();
                cookies.set_secret(cookies::FORM, &fresh, None);
                fresh
            }
        };
        Ok(Self { lang, cookies, form_cookie })
    }
}

impl Visit {
    /// The token a form posting to `action` carries.
    pub fn form_token(&self, state: &AppState, action: &str) -> String {
        state.recovery.form_token(&self.form_cookie, action)
    }
}

/// A form's fields, after its anti-forgery token and the request's origin were checked. The
/// token field (`csrf`) is not among them.
#[derive(Debug)]
pub struct Fields(pub BTreeMap<String, String>);

impl Fields {
    /// A field as typed, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }
}

/// Why a form was refused before it was read: the page says so in the user's language.
#[derive(Debug)]
pub struct Forged(Response);

impl IntoResponse for Forged {
    fn into_response(self) -> Response {
        self.0
    }
}

/// Whether a form post comes from a page of this server. `Sec-Fetch-Site`, which browsers
/// set and no page can forge, decides when sent: it must be `same-origin`. Without it (an
/// older browser), `Origin`, when sent, must be this server's — or `null`, which is what a
/// browser's own form post says under `Referrer-Policy: no-referrer`; the contexts that send
/// `null` from elsewhere (sandboxed frames, `data:` pages) carry no form cookie, so the form
/// token still refuses them.
fn same_origin(parts: &Parts, site: &Site) -> bool {
    if let Some(sfs) = parts.headers.get("sec-fetch-site") {
        return sfs.as_bytes() == b"same-origin";
    }
    let Some(origin) = parts.headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    if origin == site.public_origin || origin == "null" {
        return true;
    }
    // The host the browser addressed (a demo reached as localhost rather than 127.0.0.1).
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .unwrap_or("");
    origin.split_once("://").is_some_and(|(_, h)| !host.is_empty() && h == host)
}

impl FromRequest<AppState> for Fields {
    type Rejection = Forged;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let visit = Visit::from_request_parts(&mut parts, state).await.unwrap_or_else(|e| match e {});
        let refuse = |visit: &Visit, status: StatusCode, key: &str| {
            Forged(message(state, visit, status, &format!("{key}-title"), &format!("{key}-body")))
        };
        let bytes = match axum::body::to_bytes(body, 16 * 1024).await {
            Ok(b) => b,
            Err(_) => return Err(refuse(&visit, StatusCode::PAYLOAD_TOO_LARGE, "message-too-large")),
        };
        let mut fields = BTreeMap::new();
        let mut token = None;
        for (k, v) in url::form_urlencoded::parse(&bytes) {
            if k == "csrf" {
                token = Some(v.into_owned());
            } else {
                fields.insert(k.into_owned(), v.into_owned());
            }
        }
        let token_ok = token.is_some_and(|t| {
            visit.form_cookie_was_sent() && state.recovery.form_token_ok(&visit.form_cookie, parts.uri.path(), &t)
        });
        if !same_origin(&parts, &state.site) || !token_ok {
            return Err(refuse(&visit, StatusCode::FORBIDDEN, "message-forged"));
        }
        Ok(Self(fields))
    }
}

impl Visit {
    /// Whether the browser sent its form cookie (a form posted without it was not made by
    /// one of this server's pages in this browser).
    fn form_cookie_was_sent(&self) -> bool {
        !self.cookies.is_setting(cookies::FORM)
    }
}

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
/// `Origin: null` a browser then sends on a form post does not matter), no framing, HSTS over https, and `no-store` on pages (which
/// carry form tokens and, on the reset pages, what the customer typed).
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
            let (mut parts, _) = req.into_parts();
            let visit = Visit::from_request_parts(&mut parts, &state).await.unwrap_or_else(|e| match e {});
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
            let (mut parts, _) = req.into_parts();
            let visit = Visit::from_request_parts(&mut parts, &state).await.unwrap_or_else(|e| match e {});
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

/// Every page, with its headers and the budget on its posts.
pub fn routes(state: AppState) -> Router<AppState> {
    let mut router = Router::new();
    if state.demo.is_some() {
        router = router.merge(demo::routes());
    }
    router
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
        .route("/static/{file}", get(static_files::serve))
        .route_layer(middleware::from_fn_with_state(state.clone(), page_budget))
        .layer(middleware::from_fn_with_state(state, page_headers))
}

/// A form's errors: each names its field and says what is wrong, in the page's language.
#[derive(Debug, Default, serde::Serialize)]
pub struct FormErrors {
    list: Vec<FieldError>,
}

#[derive(Debug, serde::Serialize)]
struct FieldError {
    field: String,
    message: String,
}

impl FormErrors {
    pub fn add(&mut self, field: &str, message: String) {
        if !self.has(field) {
            self.list.push(FieldError { field: field.to_owned(), message });
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.list.iter().any(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The errors as the templates read them: `errors` (in order, for the summary) and
    /// `error_of` (by field, for each field's own message).
    pub fn context(&self) -> (Value, Value) {
        let by_field: BTreeMap<&str, &str> = self.list.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        (Value::from(minijinja::value::Serde(&self.list)), Value::from(minijinja::value::Serde(&by_field)))
    }
}
