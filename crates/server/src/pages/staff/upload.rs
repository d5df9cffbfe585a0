//! A file upload (`multipart/form-data`), checked as every form post is: the token bound to
//! the form cookie and the path, and the origin. Vendor files run to a few hundred kilobytes,
//! so an upload may be larger than a form (up to [`MAX_UPLOAD`]).

use std::collections::BTreeMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header};

use crate::AppState;
use crate::pages::forms::same_origin;
use crate::pages::{Forged, Visit, message};

/// The largest upload taken.
pub const MAX_UPLOAD: usize = 4 * 1024 * 1024;

/// An upload's parts by name, after its token and origin were checked (`csrf` not among them).
#[derive(Debug)]
pub struct Upload(pub BTreeMap<String, Vec<u8>>);

impl Upload {
    pub fn text(&self, name: &str) -> String {
        self.0.get(name).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default()
    }

    pub fn bytes(&self, name: &str) -> &[u8] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

/// The parts of a `multipart/form-data` body, by the `name` of each part's
/// `Content-Disposition`; `None` when it is not one.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Option<BTreeMap<String, Vec<u8>>> {
    let boundary = content_type.split(';').map(str::trim).find_map(|p| p.strip_prefix("boundary="))?.trim_matches('"');
    if !content_type.trim_start().starts_with("multipart/form-data") || boundary.is_empty() {
        return None;
    }
    let delimiter = format!("--{boundary}");
    let mut parts = BTreeMap::new();
    let mut at = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    loop {
        if body[at..].starts_with(b"--") {
            return Some(parts);
        }
        let head_start = at + 2; // after CRLF
        let head_end = find(body, b"\r\n\r\n", head_start)?;
        let head = std::str::from_utf8(&body[head_start..head_end]).ok()?;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), head_end + 4)?;
        let content = body[head_end + 4..next].to_vec();
        let name = head.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition")).and_then(|l| {
            l.split(';').map(str::trim).find_map(|p| p.strip_prefix("name=")).map(|n| n.trim_matches('"').to_owned())
        })?;
        parts.insert(name, content);
        at = next + 2 + delimiter.len();
    }
}

impl FromRequest<AppState> for Upload {
    type Rejection = Forged;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let visit = Visit::from_request_parts(&mut parts, state).await.unwrap_or_else(|e| match e {});
        let refuse = |status: StatusCode, key: &str| {
            Forged::new(message(state, &visit, status, &format!("{key}-title"), &format!("{key}-body")))
        };
        let bytes = match axum::body::to_bytes(body, MAX_UPLOAD).await {
            Ok(b) => b,
            Err(_) => return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, "message-too-large")),
        };
        let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let Some(mut fields) = parse_multipart(content_type, &bytes) else {
            return Err(refuse(StatusCode::FORBIDDEN, "message-forged"));
        };
        let token = fields.remove("csrf").map(|t| String::from_utf8_lossy(&t).into_owned());
        let token_ok = token.is_some_and(|t| {
            visit.form_cookie_was_sent() && state.recovery.form_token_ok(&visit.form_cookie, parts.uri.path(), &t)
        });
        if !same_origin(&parts, &state.site) || !token_ok {
            return Err(refuse(StatusCode::FORBIDDEN, "message-forged"));
        }
        Ok(Self(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_body_is_read_part_by_part() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\nContent-Type: text/csv\r\n\r\nreference,tracking_number\r\nL1,2\r\n\r\n--XyZ--\r\n";
        let parts = parse_multipart("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts["csrf"], b"tok");
        assert_eq!(parts["file"], b"reference,tracking_number\r\nL1,2\r\n");
        assert!(parse_multipart("application/x-www-form-urlencoded", b"a=b").is_none());
        assert!(parse_multipart("multipart/form-data; boundary=XyZ", b"--XyZ\r\nbroken").is_none());
    }
}
