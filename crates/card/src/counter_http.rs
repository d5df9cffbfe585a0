//! The [`CaseDesk`] over HTTPS: reqwest's blocking client against the reissue server's
//! counter endpoints. The server's address is an origin (`https://reissue.city.example`);
//! plain http is accepted, with a warning unless the host is loopback.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use url::Url;

use crate::counter::{CaseDesk, CaseToken, Claim, DeskError, Report, Reported};
use crate::pin::PinKind;

const CLAIM_PATH: &str = "api/v1/counter/case-tokens/claim";
const REPORT_PATH: &str = "api/v1/counter/case-tokens/report";
const TIMEOUT: Duration = Duration::from_secs(30);

/// What is wrong with `--server`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerUrlError {
    /// Not a URL at all.
    #[error("--server {0:?} is not a URL: {1}")]
    NotAUrl(String, String),
    /// Not http or https, or with a path, query or credentials.
    #[error("--server must be an http:// or https:// origin such as https://reissue.city.example, not {0:?}")]
    NotAnOrigin(String),
}

/// The reissue server's origin, checked.
#[derive(Debug, Clone)]
pub struct ServerUrl(Url);

impl ServerUrl {
    /// Parses `--server`: `http(s)://host[:port]`, an optional `/` and nothing else.
    pub fn parse(s: &str) -> Result<Self, ServerUrlError> {
        let url = Url::parse(s).map_err(|e| ServerUrlError::NotAUrl(s.to_owned(), e.to_string()))?;
        let origin_only = matches!(url.scheme(), "http" | "https")
            && url.host().is_some()
            && url.path() == "/"
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        if !origin_only {
            return Err(ServerUrlError::NotAnOrigin(s.to_owned()));
        }
        Ok(Self(url))
    }

    /// Whether the case token and the report would travel in clear over a network: plain
    /// http to a host that is not loopback.
    pub fn is_plain_http_over_a_network(&self) -> bool {
        if self.0.scheme() != "http" {
            return false;
        }
        !match self.0.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
    }

    fn join(&self, path: &str) -> Result<Url, DeskError> {
        self.0.join(path).map_err(|e| DeskError::BadAnswer(e.to_string()))
    }
}

impl std::fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str().trim_end_matches('/'))
    }
}

/// The counter endpoints over HTTP(S).
#[derive(Debug)]
pub struct HttpCaseDesk {
    server: ServerUrl,
    client: Client,
}

impl HttpCaseDesk {
    /// A client for `server`. Uses rustls with ring, the workspace's TLS.
    pub fn new(server: ServerUrl) -> Result<Self, DeskError> {
        // Another part of the process may have installed it already; either is ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!("reissue-card/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| DeskError::Unreachable(e.to_string()))?;
        Ok(Self { server, client })
    }

    fn post<T: serde::de::DeserializeOwned>(&self, path: &str, body: &impl serde::Serialize) -> Result<T, DeskError> {
        let url = self.server.join(path)?;
        let response = self.client.post(url).json(body).send().map_err(|e| DeskError::Unreachable(plain(e)))?;
        if response.status() == StatusCode::OK {
            return response.json::<T>().map_err(|e| DeskError::BadAnswer(plain(e)));
        }
        Err(refusal(response))
    }
}

/// reqwest's error with its causes, without the URL (which is already on screen).
fn plain(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[derive(serde::Deserialize)]
struct ErrorDocument {
    error: ErrorBody,
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

fn refusal(response: Response) -> DeskError {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match response.json::<ErrorDocument>() {
        Ok(doc) => DeskError::Refused {
            status: status.as_u16(),
            code: doc.error.code,
            message: doc.error.message,
            retry_after,
        },
        Err(_) => DeskError::BadAnswer(format!("HTTP {status} without the API's error document")),
    }
}

impl CaseDesk for HttpCaseDesk {
    fn claim(&self, token: &CaseToken, pin: PinKind) -> Result<Claim, DeskError> {
        let token = token.grouped();
        self.post(CLAIM_PATH, &serde_json::json!({ "token": token.as_str(), "pin": pin.name() }))
    }

    fn report(&self, report: &Report<'_>) -> Result<Reported, DeskError> {
        self.post(REPORT_PATH, report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_must_be_an_http_origin() {
        assert!(ServerUrl::parse("https://reissue.city.example").is_ok());
        assert!(ServerUrl::parse("https://reissue.city.example/").is_ok());
        assert!(ServerUrl::parse("http://127.0.0.1:8080").is_ok());
        for bad in [
            "https://reissue.city.example/api",
            "ftp://x.example",
            "https://u:p@x.example",
            "x.example",
            "https://x.example/?a=1",
        ] {
            assert!(ServerUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_http_warns_only_off_the_loopback() {
        let warns = |s: &str| ServerUrl::parse(s).unwrap().is_plain_http_over_a_network();
        assert!(warns("http://reissue.city.example"));
        assert!(warns("http://192.0.2.1:8080"));
        assert!(!warns("http://127.0.0.1:8080"));
        assert!(!warns("http://localhost:8080"));
        assert!(!warns("http://[::1]:8080"));
        assert!(!warns("https://reissue.city.example"));
    }
}
