//! `reissue postal ...` from outside, on the database and key files the command line wrote: a
//! letter staff applied for is closed into a batch and exported encrypted to the vendor's age
//! key; decrypted (as the vendor would), its PDF holds the address, 様, 転送不要 and a code
//! that resets on the postal page only; the vendor's tracking file with one bad check digit is
//! refused whole, naming the line; a good one is taken once; a return voids the code.

use std::path::Path;
use std::process::Command;

use reissue_core::procedures::Requester;
use reissue_core::procedures::postal::IdentityCheck;
use reissue_core::rules::CodeChannel;
use secrecy::SecretString;
use time::OffsetDateTime;

use crate::staff_cli::{recovery, reissue};

const LOGIN: &str = "123456789";

fn config_with_vendor(dir: &Path, recipient: &str) -> std::path::PathBuf {
    let path = crate::staff_cli::config(dir);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!("\n[postal]\nvendor_age_recipient = \"{recipient}\"\n"));
    std::fs::write(&path, text).unwrap();
    path
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The 4-4-2 grouped code of a letter's text.
fn code_in(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    for w in words.windows(3) {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if digits(w[0], 4) && digits(w[1], 4) && digits(w[2], 2) {
            return format!("{}{}{}", w[0], w[1], w[2]);
        }
    }
    panic!("no grouped code in the letter:\n{text}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_letter_is_exported_encrypted_and_its_code_resets_on_the_postal_page_only() {
    let dir = tempfile::tempdir().unwrap();
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let config = config_with_vendor(dir.path(), &recipient);
    let line = serde_json::json!({
        "login_id": LOGIN, "kind": "individual", "name": {"family": "山田", "given": "太郎"},
        "email": "taro@example.jp", "language": "ja",
        "address": {"postal_code": "1000005", "lines": ["東京都千代田区丸の内一丁目1番1号", "リセット館101"]},
        "credentials": {"login_password": {"secret": "a long enough passphrase"}},
    });
    let accounts = dir.path().join("accounts.jsonl");
    std::fs::write(&accounts, format!("{line}\n")).unwrap();
    let (ok, _, err) = reissue(&config, &["account", "import", accounts.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, out, _) =
        reissue(&config, &["postal", "batch", "export", "--out", dir.path().join("none").to_str().unwrap()]);
    assert!(!ok && out.is_empty(), "no closed batch, no export");

    let now = OffsetDateTime::now_utc();
    {
        let r = recovery(dir.path()).await;
        let checks = [IdentityCheck::BirthDate, IdentityCheck::Address];
        r.apply_for_postal_code(LOGIN, "caller lost the card", &checks, &Requester::staff("hd.sato", None), now)
            .await
            .unwrap();
    }
    let (ok, out, err) = reissue(&config, &["postal", "queue"]);
    assert!(ok && out.contains("1 letter"), "{out}{err}");
    let (ok, out, err) = reissue(&config, &["postal", "batch", "close"]);
    assert!(ok && out.contains("batch 1 closed with 1 letter"), "{out}{err}");
    let batch_dir = dir.path().join("batch-1");
    let (ok, out, err) = reissue(&config, &["postal", "batch", "export", "--out", batch_dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("L00000001.pdf.age") && out.contains("manifest.csv.age"), "{out}");
    let (ok, _, err) = reissue(
        &config,
        &["postal", "batch", "export", "--batch", "1", "--out", dir.path().join("again").to_str().unwrap()],
    );
    assert!(!ok && err.contains("already exported"), "a batch leaves once: {err}");

    use std::os::unix::fs::PermissionsExt;
    let sealed = batch_dir.join("L00000001.pdf.age");
    assert_eq!(std::fs::metadata(&sealed).unwrap().permissions().mode() & 0o777, 0o600);
    let pdf = age::decrypt(&identity, &std::fs::read(&sealed).unwrap()).expect("the vendor's key opens it");
    let text = pdftotext(&pdf);
    for needle in ["〒100-0005", "東京都千代田区丸の内一丁目1番1号", "山田 太郎 様", "転送不要", "簡易書留", "以上"]
    {
        assert!(text.contains(needle), "{needle} in the letter:\n{text}");
    }
    let manifest = age::decrypt(&identity, &std::fs::read(batch_dir.join("manifest.csv.age")).unwrap()).unwrap();
    let manifest = String::from_utf8(manifest).unwrap();
    assert!(manifest.starts_with("reference,send_date,mail_type,postal_code,address,name\r\nL00000001,"), "{manifest}");
    assert!(manifest.contains("100-0005") && manifest.contains("山田 太郎 様"), "{manifest}");

    let code = SecretString::from(code_in(&text));
    let r = recovery(dir.path()).await;
    let who = Requester::public(None);
    assert!(r.enter_code(CodeChannel::Voice, LOGIN, &code, &who, now).await.is_err(), "the voice page refuses it");
    assert!(r.enter_code(CodeChannel::Postal, LOGIN, &code, &who, now).await.is_ok(), "the postal page takes it");

    let bad = dir.path().join("tracking-bad.csv");
    std::fs::write(&bad, "reference,tracking_number,accepted_on\nL00000001,131-12-38385-1,2027-01-16\n").unwrap();
    let (ok, _, err) = reissue(&config, &["postal", "import-tracking", bad.to_str().unwrap()]);
    assert!(!ok && err.contains("line 2") && err.contains("check digit"), "{err}");
    let good = dir.path().join("tracking.csv");
    std::fs::write(&good, "reference,tracking_number,accepted_on\nL00000001,131-12-38385-2,2027-01-16\n").unwrap();
    let (ok, out, err) = reissue(&config, &["postal", "import-tracking", good.to_str().unwrap(), "--preview"]);
    assert!(ok && out.contains("would record 1"), "{out}{err}");
    let (ok, out, err) = reissue(&config, &["postal", "import-tracking", good.to_str().unwrap()]);
    assert!(ok && out.contains("recorded 1"), "{out}{err}");
    let (ok, out, _) = reissue(&config, &["postal", "import-tracking", good.to_str().unwrap()]);
    assert!(ok && out.contains("recorded 0 letter(s), 1 already"), "the same file twice changes nothing: {out}");
    let returns = dir.path().join("returns.csv");
    std::fs::write(&returns, "reference,reason,returned_on\nL00000001,moved,2027-01-25\n").unwrap();
    let (ok, out, err) = reissue(&config, &["postal", "import-returns", returns.to_str().unwrap()]);
    assert!(ok && out.contains("recorded 1"), "{out}{err}");
}

#[test]
fn an_export_without_the_vendors_key_is_refused_saying_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::staff_cli::config(dir.path());
    let (ok, _, err) = reissue(&config, &["postal", "batch", "export", "--batch", "1", "--out", "/tmp/never"]);
    assert!(!ok, "refused");
    assert!(err.contains("postal.vendor_age_recipient") || err.contains("no batch"), "{err}");
    let bad = crate::staff_cli::config(dir.path());
    let mut text = std::fs::read_to_string(&bad).unwrap();
    text.push_str("\n[postal]\nvendor_age_recipient = \"AGE-SECRET-KEY-1QQQ\"\n");
    std::fs::write(&bad, text).unwrap();
    let (ok, _, err) = reissue(&bad, &["postal", "queue"]);
    assert!(!ok && err.contains("postal.vendor_age_recipient"), "{err}");
}
