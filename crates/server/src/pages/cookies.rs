//! The pages' cookies. Secret ones (the form cookie, a reset session's token) are `HttpOnly`,
//! `SameSite` (`Strict`, the form cookie `Lax`), `Path=/`, and over https `Secure` with the `__Host-` prefix, which the
//! browser keeps only when all of those hold. The language preference is a plain cookie.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderValue, header};

/// The form cookie, to which every form token is bound.
pub const FORM: &str = "form";
/// A reset session opened on the voice page, and on the postal page: a session works only on
/// the page of its own code's channel.
pub const RESET_VOICE: &str = "reset-voice";
pub const RESET_POSTAL: &str = "reset-postal";
/// What a completed reset changed (credential names only), for the confirmation page.
pub const DONE: &str = "done";

/// The cookies a request sent, and those its answer sets.
#[derive(Debug, Clone, Default)]
pub struct CookieJar {
    sent: BTreeMap<String, String>,
    set: Vec<(String, String)>,
    secure: bool,
}

impl CookieJar {
    pub fn read(headers: &HeaderMap, secure: bool) -> Self {
        let mut sent = BTreeMap::new();
        for v in headers.get_all(header::COOKIE) {
            // Byte by byte: one crumb another site of the domain set with raw UTF-8 (or
            // anything else) must not cost the browser the cookies of this server.
            for pair in v.as_bytes().split(|b| *b == b';') {
                let Ok(pair) = std::str::from_utf8(pair) else { continue };
                if let Some((k, v)) = pair.trim().split_once('=') {
                    sent.entry(k.trim().to_owned()).or_insert_with(|| v.trim().to_owned());
                }
            }
        }
        Self { sent, set: Vec::new(), secure }
    }

    /// The name a secret cookie has on the wire.
    pub fn secret_name(&self, base: &str) -> String {
        if self.secure { format!("__Host-reissue-{base}") } else { format!("reissue-{base}") }
    }

    /// A plain cookie the browser sent.
    pub fn get(&self, name: &str) -> Option<String> {
        self.sent.get(name).cloned()
    }

    /// A secret cookie the browser sent.
    pub fn get_secret(&self, base: &str) -> Option<String> {
        self.sent.get(&self.secret_name(base)).cloned()
    }

    fn push(&mut self, name: String, line: String) {
        self.set.retain(|(n, _)| *n != name);
        self.set.push((name, line));
    }

    /// Sets a secret cookie, for the browser session or for `max_age_secs`. The form cookie is
    /// `SameSite=Lax`: a customer who arrives from a link in webmail keeps it, so forms open in
    /// other tabs stay valid (a cross-site post still carries no Lax cookie). Every other
    /// secret cookie is `Strict`.
    pub fn set_secret(&mut self, base: &str, value: &str, max_age_secs: Option<i64>) {
        let name = self.secret_name(base);
        let same_site = if base == FORM { "Lax" } else { "Strict" };
        let mut line = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
        if let Some(age) = max_age_secs {
            line.push_str(&format!("; Max-Age={}", age.max(0)));
        }
        if self.secure {
            line.push_str("; Secure");
        }
        self.push(name, line);
    }

    /// Removes a secret cookie.
    pub fn clear_secret(&mut self, base: &str) {
        self.set_secret(base, "", Some(0));
    }

    /// Sets a preference for a year.
    pub fn set_preference(&mut self, name: &str, value: &str) {
        let mut line = format!("{name}={value}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax");
        if self.secure {
            line.push_str("; Secure");
        }
        self.push(name.to_owned(), line);
    }

    /// Whether this answer sets the secret cookie `base` (so the browser did not send it).
    pub fn is_setting(&self, base: &str) -> bool {
        let name = self.secret_name(base);
        self.set.iter().any(|(n, _)| *n == name)
    }

    /// Adds the `Set-Cookie` headers to an answer.
    pub fn apply(&self, headers: &mut HeaderMap) {
        for (_, line) in &self.set {
            if let Ok(v) = HeaderValue::from_str(line) {
                headers.append(header::SET_COOKIE, v);
            }
        }
    }
}
