//! `reissue account import` prints a progress line only when standard error is a terminal;
//! a script's output stays exactly as it was.

use std::process::Command;

use serde_json::json;

use crate::harness::{Db, Env};

fn accounts_file(env: &Env, count: usize) -> std::path::PathBuf {
    // PHC hashes keep the test fast: no clear-text secret to hash.
    let phc = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1NKxCq2f7V0X8E5yWfZ4mP7VUOZ3f7m7nC8l0n5pQ5Q";
    let lines: Vec<String> = (0..count)
        .map(|n| {
            json!({"login_id": format!("3{n:08}"), "kind": "individual",
                   "name": {"family": "Test", "given": format!("User{n}")}, "birth_date": "1990-01-01",
                   "credentials": {"login_password": {"phc": phc}}})
            .to_string()
        })
        .collect();
    let file = env.data_dir().join("accounts.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    file
}

#[test]
fn without_a_terminal_import_prints_only_its_result() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(false, "");
    let file = accounts_file(&env, 50);
    let (ok, out, err) = server.cli(&["account", "import", &file.to_string_lossy()], "");
    assert!(ok, "{out}{err}");
    assert_eq!(out, "imported 50 account(s)\n");
    assert!(!err.contains("account import:") && !err.contains('\r'), "no progress line in a script: {err:?}");
}

#[test]
fn on_a_terminal_import_shows_lines_parsed_and_accounts_written() {
    let env = Env::new(Db::Sqlite);
    let server = env.server(false, "");
    let file = accounts_file(&env, 50);
    // `script` runs the command on a pseudo-terminal and copies what it printed.
    let cmd = format!(
        "{} --config {} account import {}",
        env!("CARGO_BIN_EXE_reissue"),
        server.config.display(),
        file.display()
    );
    let out = Command::new("script").args(["-qec", &cmd, "/dev/null"]).output().expect("script (util-linux)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("account import: 50 of 50 lines parsed, 50 accounts written"), "{text:?}");
    assert!(text.contains("imported 50 account(s)"), "{text:?}");
}
