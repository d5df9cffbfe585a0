//! A browser for router tests: a cookie jar, a language, and forms posted from this origin.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{HeaderMap, Request, header};
use tower::ServiceExt;

use crate::kit::{Kit, PUBLIC_URL};

/// A page as a browser got it.
#[derive(Debug)]
pub struct Got {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Got {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// Every header but `Date`, sorted: what two answers must share to be the same answer.
    pub fn headers_but_date(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .headers
            .iter()
            .filter(|(k, _)| *k != header::DATE)
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        all.sort();
        all
    }

    /// The hidden form token of the page's form.
    pub fn csrf(&self) -> String {
        let at = self.body.find(r#"name="csrf" value=""#).expect("the page has a form token");
        let rest = &self.body[at + r#"name="csrf" value=""#.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    /// The body without its form token, to compare pages byte for byte.
    pub fn without_token(&self) -> String {
        match self.body.find(r#"name="csrf" value=""#) {
            Some(_) => self.body.replace(&self.csrf(), "TOKEN"),
            None => self.body.clone(),
        }
    }
}

/// A browser: a cookie jar, a language, and the origin its forms post from.
pub struct Browser<'k> {
    pub kit: &'k Kit,
    pub cookies: BTreeMap<String, String>,
    pub accept_language: &'static str,
}

impl<'k> Browser<'k> {
    pub fn new(kit: &'k Kit) -> Self {
        Self { kit, cookies: BTreeMap::new(), accept_language: "ja,en;q=0.5" }
    }

    pub fn english(kit: &'k Kit) -> Self {
        Self { accept_language: "en-GB,en;q=0.9", ..Self::new(kit) }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Got {
        let req = req
            .header(header::ACCEPT_LANGUAGE, self.accept_language)
            .header(header::COOKIE, self.cookie_header())
            .body(body)
            .unwrap();
        let resp = self.kit.app.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        for c in headers.get_all(header::SET_COOKIE) {
            let first = c.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            if v.is_empty() || c.to_str().unwrap().contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        // A download (a batch's tar) is read as far as it is text.
        Got { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
    }

    pub async fn get(&mut self, path: &str) -> Got {
        self.send(Request::get(path), Body::empty()).await
    }

    /// Posts a form as the page's own form would: same origin, with the token.
    pub async fn post(&mut self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Got {
        let mut all = vec![("csrf", csrf)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all, &[("origin", PUBLIC_URL), ("sec-fetch-site", "same-origin")]).await
    }

    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Got {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields.iter()).finish();
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req, Body::from(body)).await
    }

    /// Opens the form at `path` and posts it.
    pub async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Got {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        self.post(path, &page.csrf(), fields).await
    }
}
