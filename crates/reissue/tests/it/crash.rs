//! Kill -9 during delivery, restart, and every e-mail and call arrives exactly once.
//!
//! Calls are placed exactly once: after a crash the worker asks the provider whether the call
//! exists before placing it again. E-mail is delivered exactly once per idempotency key: SMTP
//! has no idempotent submission, so a crash after the receiving server accepted a message but
//! before the outbox recorded it sends it again under the same Message-ID, which receivers
//! use to drop the copy. The test checks that no message is lost, none is ever sent under two
//! keys, and any repeated delivery carries the same Message-ID.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;

use crate::harness::{Api, Db, Env};
use crate::twilio::{Smtp, real_channels_toml, start_stand_in, wait_until};

const ACCOUNTS: usize = 12;

fn message_id(raw: &str) -> Option<String> {
    raw.lines().find_map(|l| l.strip_prefix("Message-ID: ").map(|v| v.trim().to_owned()))
}

#[tokio::test(flavor = "multi_thread")]
async fn killing_the_server_during_delivery_loses_nothing_and_sends_nothing_twice() {
    let env = Env::new(Db::Sqlite);
    let smtp = Smtp::start(env.data_dir());
    let (stand_in, twilio_base) = start_stand_in().await;
    let extra = format!(
        "[rules]\nuniform_response_ms = 10\n\n[delivery]\nlease_secs = 2\ncall_grace_secs = 1\n\n{}",
        real_channels_toml(&twilio_base, smtp.port)
    );
    let mut server = env.server(false, &extra);

    // Accounts whose cash-card PIN hash is made with this server's pepper.
    let (ok, phc, err) = server.cli(&["secret", "hash"], "4826\n");
    assert!(ok, "{err}");
    let lines: Vec<String> = (1..=ACCOUNTS)
        .map(|n| {
            json!({
                "login_id": format!("2000000{n:02}"), "kind": "individual",
                "name": {"family": "Test", "given": format!("User{n}")}, "birth_date": "1990-01-01",
                "email": format!("user{n}@example.jp"), "phone": format!("+8190000100{n:02}"), "language": "en",
                "credentials": {"login_password": {"secret": format!("old passphrase {n}")}, "cash_card_pin": {"phc": phc.trim()}},
            })
            .to_string()
        })
        .collect();
    let file = env.data_dir().join("accounts.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (ok, out, err) = server.cli(&["account", "import", &file.to_string_lossy()], "");
    assert!(ok, "{out}{err}");

    // Each account applies for a call and changes its password (which sends a notice).
    let api = Api::new(&server.base);
    let mut tasks = Vec::new();
    for n in 1..=ACCOUNTS {
        let login = format!("2000000{n:02}");
        let (http, base, token) = (api.http.clone(), server.base.clone(), server.admin_token.clone());
        tasks.push(tokio::spawn(async move {
            let a = http.post(format!("{base}/api/v1/voice-applications")).json(&json!({"login_id": login, "birth_date": "1990-01-01"})).send().await.unwrap();
            let c = http
                .post(format!("{base}/api/v1/credentials/change"))
                .bearer_auth(token)
                .json(&json!({"login_id": login, "credential": "login_password", "current": format!("old passphrase {n}"), "new": format!("new passphrase {n}")}))
                .send()
                .await
                .unwrap();
            (a.status().as_u16(), c.status().as_u16())
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), (202, 200));
    }

    // Kill the server at uneven moments while the outbox worker delivers, and restart it.
    for delay_ms in [5u64, 60, 15, 120, 35, 200, 0, 80] {
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        server.kill();
        server.restart();
    }

    let expected_numbers: Vec<String> = (1..=ACCOUNTS).map(|n| format!("+8190000100{n:02}")).collect();
    wait_until(|| {
        let created = stand_in.created.lock().unwrap();
        let done =
            expected_numbers.iter().all(|to| created.iter().any(|(_, f)| f.iter().any(|(k, v)| k == "To" && v == to)));
        done.then_some(())
    })
    .await;
    wait_until(|| (smtp.messages().len() >= ACCOUNTS).then_some(())).await;
    // Give any duplicate time to show up before counting.
    tokio::time::sleep(Duration::from_secs(4)).await;

    let created = stand_in.created.lock().unwrap().clone();
    let mut calls_per_number: HashMap<String, usize> = HashMap::new();
    for (_, form) in &created {
        let to = form.iter().find(|(k, _)| k == "To").map(|(_, v)| v.clone()).unwrap();
        *calls_per_number.entry(to).or_default() += 1;
    }
    for to in &expected_numbers {
        assert_eq!(calls_per_number.get(to), Some(&1), "calls to {to}: {calls_per_number:?}");
    }
    assert_eq!(created.len(), ACCOUNTS);

    let mails = smtp.messages();
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for m in &mails {
        *per_id.entry(message_id(m).expect("Message-ID")).or_default() += 1;
    }
    assert_eq!(per_id.len(), ACCOUNTS, "one notice per account, none lost, none under a second key: {per_id:?}");
    for n in 1..=ACCOUNTS {
        let ids: std::collections::HashSet<Option<String>> =
            mails.iter().filter(|m| m.contains(&format!("user{n}@example.jp"))).map(|m| message_id(m)).collect();
        assert_eq!(ids.len(), 1, "account {n}'s notice went out under one Message-ID");
    }
    let repeats = mails.len() - per_id.len();
    println!("{} e-mails, {} repeated deliveries (same Message-ID) after {} kills", mails.len(), repeats, 8);
}
