//! What a browser brings to a page: the `Visit` (its language, and the form cookie its form
//! tokens are bound to), and a form post's `Fields`, read only after its token and its origin
//! were checked, with the `FormErrors` a page shows when they are wrong.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::value::Value;
use reissue_core::account::Language;

use super::cookies::{self, CookieJar};
use super::message;
use super::site::Site;
use crate::AppState;

/// A browser's visit: the language it reads the page in, and the form cookie its form tokens
/// are bound to (set now when it had none).
#[derive(Debug, Clone)]
pub struct Visit {
    pub lang: Language,
    pub cookies: CookieJar,
    pub(super) form_cookie: String,
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
        // Read once per request: a handler's `Visit` and the one `Fields` checks the token
        // against are the same, fresh form cookie included.
        if let Some(visit) = parts.extensions.get::<Visit>() {
            return Ok(visit.clone());
        }
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
        let visit = Self { lang, cookies, form_cookie };
        parts.extensions.insert(visit.clone());
        Ok(visit)
    }
}

impl Visit {
    /// The visit of a whole request, for answers made outside an extractor.
    pub async fn of(req: Request, state: &AppState) -> Self {
        let (mut parts, _) = req.into_parts();
        Self::from_request_parts(&mut parts, state).await.unwrap_or_else(|e| match e {})
    }

    /// The token a form posting to `action` carries.
    pub fn form_token(&self, state: &AppState, action: &str) -> String {
        state.recovery.form_token(&self.form_cookie, action)
    }

    /// Whether the browser sent its form cookie (a form posted without it was not made by
    /// one of this server's pages in this browser).
    pub(super) fn form_cookie_was_sent(&self) -> bool {
        !self.cookies.is_setting(cookies::FORM)
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

impl Forged {
    pub(super) fn new(resp: Response) -> Self {
        Self(resp)
    }
}

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
pub(super) fn same_origin(parts: &Parts, site: &Site) -> bool {
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

    /// The messages, in order.
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|e| e.message.as_str())
    }

    /// The errors as the templates read them: `errors` (in order, for the summary) and
    /// `error_of` (by field, for each field's own message).
    pub fn context(&self) -> (Value, Value) {
        let by_field: BTreeMap<&str, &str> = self.list.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        (Value::from(minijinja::value::Serde(&self.list)), Value::from(minijinja::value::Serde(&by_field)))
    }
}
