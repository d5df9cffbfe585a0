//! Who is asking: the one extractor of the client's address, used by the per-IP budget and
//! by every audit event alike. Behind a load balancer listed in `server.trusted_proxies`
//! the client is the address that balancer put in `X-Forwarded-For`, not the balancer.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::AppState;

/// The client address of a request: the socket's peer, or, when the peer is a trusted
/// proxy, the last address in `X-Forwarded-For` that is not itself a trusted proxy. An
/// IPv4-mapped IPv6 address is its IPv4 address. `None` only when the server runs without
/// connection info (in-process tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    /// Finds the client of a request from its peer address and headers.
    pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Self {
        let Some(peer) = peer.map(|p| p.to_canonical()) else { return Self(None) };
        let is_trusted = |a: &IpAddr| trusted.iter().any(|t| t.to_canonical() == *a);
        if !is_trusted(&peer) {
            return Self(Some(peer));
        }
        // Read from the right, where the trusted proxies appended what they saw. An entry that
        // is not an address (`ip:port`, `[v6]`, garbage) ends the walk: what stands left of it
        // was written by someone untrusted, so the last proxy's view is kept instead.
        let entries: Vec<String> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|a| a.trim().to_owned())
            .collect();
        let mut client = peer;
        for entry in entries.iter().rev() {
            let Ok(addr) = entry.parse::<IpAddr>().map(|a| a.to_canonical()) else { break };
            client = addr;
            if !is_trusted(&addr) {
                break;
            }
        }
        Self(Some(client))
    }

    /// The address as the audit log records it.
    pub fn audit(&self) -> Option<String> {
        self.0.map(|a| a.to_string())
    }

    /// The key of the per-IP budget: an IPv4 address alone, an IPv6 address by its /64
    /// (the smallest network a host is normally given, so rotating addresses inside it does
    /// not buy more requests).
    pub fn budget_key(&self) -> String {
        match self.0 {
            None => "unknown".into(),
            Some(IpAddr::V4(a)) => a.to_string(),
            Some(IpAddr::V6(a)) => {
                let prefix = u128::from(a) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        }
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(Self::resolve(peer, &parts.headers, &state.trusted_proxies))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", v.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let lb = ip("10.0.0.5");
        let h = forwarded("198.51.100.7, 203.0.113.9");
        assert_eq!(ClientIp::resolve(Some(lb), &h, &[lb]).audit().as_deref(), Some("203.0.113.9"));
        assert_eq!(ClientIp::resolve(Some(lb), &h, &[]).audit().as_deref(), Some("10.0.0.5"), "untrusted peer");
        assert_eq!(ClientIp::resolve(Some(ip("192.0.2.1")), &h, &[lb]).audit().as_deref(), Some("192.0.2.1"));
        // A chain of trusted proxies: the client is the last address none of them holds.
        let h = forwarded("198.51.100.7, 10.0.0.6");
        assert_eq!(ClientIp::resolve(Some(lb), &h, &[lb, ip("10.0.0.6")]).audit().as_deref(), Some("198.51.100.7"));
        // Nothing usable forwarded: the proxy itself.
        let h = forwarded("garbage");
        assert_eq!(ClientIp::resolve(Some(lb), &h, &[lb]).audit().as_deref(), Some("10.0.0.5"));
        // A proxy that appends `ip:port`: what the client wrote left of it is not believed.
        let h = forwarded("203.0.113.66, 198.51.100.7:4711");
        assert_eq!(ClientIp::resolve(Some(lb), &h, &[lb]).audit().as_deref(), Some("10.0.0.5"));
    }

    #[test]
    fn an_ipv4_mapped_peer_or_proxy_is_its_ipv4_address() {
        let mapped = ip("::ffff:10.0.0.5");
        let h = forwarded("::ffff:198.51.100.7");
        let c = ClientIp::resolve(Some(mapped), &h, &[ip("10.0.0.5")]);
        assert_eq!(c.audit().as_deref(), Some("198.51.100.7"));
        assert_eq!(c.budget_key(), "198.51.100.7");
        assert_eq!(ClientIp::resolve(Some(ip("::ffff:192.0.2.1")), &HeaderMap::new(), &[]).budget_key(), "192.0.2.1");
    }

    #[test]
    fn ipv6_clients_share_a_budget_per_64_and_ipv4_clients_have_one_each() {
        let key = |s: &str| ClientIp(Some(ip(s))).budget_key();
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("192.0.2.1"), "192.0.2.1");
        assert_ne!(key("192.0.2.1"), key("192.0.2.2"));
        assert_eq!(ClientIp(None).budget_key(), "unknown");
    }
}
