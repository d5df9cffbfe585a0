//! The client's address behind a trusted load balancer: the audit log records the client the
//! balancer names in `X-Forwarded-For`, the per-IP budget counts it, and IPv6 clients are
//! counted by their /64.

use serde_json::{Value, json};

use crate::harness::{Api, Db, Env, Server};

/// Trusts the test's own loopback address as a load balancer, and restarts the server.
fn behind_a_trusted_proxy(server: &mut Server) {
    let toml = std::fs::read_to_string(&server.config).unwrap();
    let toml = toml.replacen("[server]\n", "[server]\ntrusted_proxies = [\"127.0.0.1\"]\n", 1);
    std::fs::write(&server.config, toml).unwrap();
    server.restart();
}

/// A wrong code entry from `client`, as the balancer forwards it; the status.
async fn wrong_code_from(api: &Api, client: &str) -> u16 {
    let body = json!({"channel": "voice", "login_id": "123456789", "code": "0000000000"});
    let r = api
        .http
        .post(format!("{}/api/v1/resets", api.base))
        .header("x-forwarded-for", client)
        .json(&body)
        .send()
        .await
        .unwrap();
    r.status().as_u16()
}

async fn audit_addresses(api: &Api, server: &Server) -> Vec<String> {
    let r = api
        .http
        .get(format!("{}/api/v1/audit?login_id=123456789", api.base))
        .bearer_auth(&server.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["events"].as_array().unwrap().iter().filter_map(|e| e["client_ip"].as_str().map(str::to_owned)).collect()
}

const LIMIT: &str = "[limits]\nip_requests_per_minute = 3\n\n[rules]\ncode_entry_response_ms = 1\n";

#[tokio::test(flavor = "multi_thread")]
async fn behind_a_trusted_proxy_the_audit_log_and_the_budget_see_the_forwarded_client() {
    let env = Env::new(Db::Sqlite);
    let mut server = env.server(true, LIMIT);
    behind_a_trusted_proxy(&mut server);
    let api = Api::new(&server.base);

    assert_eq!(wrong_code_from(&api, "198.51.100.7").await, 400);
    let addresses = audit_addresses(&api, &server).await;
    assert!(addresses.iter().any(|a| a == "198.51.100.7"), "the audit event names the client: {addresses:?}");
    assert!(!addresses.iter().any(|a| a == "127.0.0.1"), "not the balancer: {addresses:?}");

    // Eight requests span at most two one-minute windows, so one window sees more than three.
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(wrong_code_from(&api, "198.51.100.7").await);
    }
    assert!(statuses.contains(&429), "the forwarded client is over its budget: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 400 || *s == 429), "{statuses:?}");
    // Another client behind the same balancer has its own budget.
    assert_eq!(wrong_code_from(&api, "198.51.100.8").await, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn ipv6_clients_in_one_64_share_one_budget() {
    let env = Env::new(Db::Sqlite);
    let mut server = env.server(true, LIMIT);
    behind_a_trusted_proxy(&mut server);
    let api = Api::new(&server.base);

    // A host rotating through its /64: a new address for every request.
    let mut statuses = Vec::new();
    for i in 1..=8 {
        statuses.push(wrong_code_from(&api, &format!("2001:db8:1:2::{i:x}")).await);
    }
    assert!(statuses.contains(&429), "one /64, one budget: {statuses:?}");
    // The audit log keeps the full address.
    assert!(audit_addresses(&api, &server).await.iter().any(|a| a == "2001:db8:1:2::1"));
    // The neighbouring /64, and an IPv4 client, are not affected.
    assert_eq!(wrong_code_from(&api, "2001:db8:1:3::1").await, 400);
    assert_eq!(wrong_code_from(&api, "::ffff:203.0.113.9").await, 400);
}
