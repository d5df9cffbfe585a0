//! `serve --demo`: the demo customers (one with a name in kana, one who moved ten days ago so
//! that a postal code is refused with its reason, a child of ten for the counter's legal
//! representative) and the banner that says how to walk them.

use std::net::SocketAddr;

use reissue_core::account::LoginId;
use reissue_core::audit::{Actor, AuditDraft};
use reissue_core::mail::Institution;
use reissue_core::ports::Accounts;
use reissue_core::procedures::Recovery;
use reissue_store::SqlStore;

use crate::{import, import_progress, now};

const DEMO_ACCOUNTS: &str = r#"{"login_id":"123456789","kind":"individual","name":{"family":"Koku","given":"Taro"},"name_kana":"コク タロウ","birth_date":"1980-04-01","email":"taro@example.jp","phone":"+819012345678","language":"ja","address":{"postal_code":"100-0001","lines":["東京都千代田区千代田1-1-1"]},"credentials":{"login_password":{"secret":"sakura blossom 2024"},"transaction_password":{"secret":"river stone garden"},"telephone_pin":{"secret":"3917"},"cash_card_pin":{"secret":"4826"}},"changed_at":{"email":"2020-01-01T00:00:00Z","phone":"2020-01-01T00:00:00Z"}}
{"login_id":"987654321","kind":"individual","name":{"family":"Stone","given":"Emily"},"birth_date":"1975-11-30","email":"emily@example.com","phone":"+819087654321","language":"en","address":{"postal_code":"106-0032","lines":["3-2-1 Roppongi, Minato-ku, Tokyo"]},"credentials":{"login_password":{"secret":"lantern harbour mist"},"telephone_pin":{"secret":"5190"},"cash_card_pin":{"secret":"7351"}}}
{"login_id":"555000111","kind":"organization","organization_name":"Koku Trading K.K.","name":{"family":"Sato","given":"Hanako"},"birth_date":"1985-06-15","email":"sato@koku-trading.example","phone":"+81312345678","language":"ja","credentials":{"login_password":{"secret":"maple ledger autumn"},"cash_card_pin":{"secret":"2468"}}}
{"login_id":"246813579","kind":"individual","name":{"family":"鈴木","given":"一郎"},"name_kana":"スズキ イチロウ","birth_date":"1990-07-07","email":"ichiro@example.jp","phone":"+819011112222","language":"ja","address":{"postal_code":"530-0001","lines":["大阪府大阪市北区梅田一丁目1番1号"]},"credentials":{"login_password":{"secret":"autumn harbour lantern"},"cash_card_pin":{"secret":"1357"}},"changed_at":{"address":"ADDRESS_CHANGED"}}
{"login_id":"135792468","kind":"individual","name":{"family":"国","given":"小太郎"},"name_kana":"コク コタロウ","birth_date":"CHILD_BORN","language":"ja","address":{"postal_code":"100-0001","lines":["東京都千代田区千代田1-1-1"]},"credentials":{"login_password":{"secret":"paper crane morning"}}}
"#;

/// Imports the demo accounts once (a second start finds them).
pub async fn load(store: &SqlStore, recovery: &Recovery) -> Result<(), String> {
    let first = LoginId::parse("123456789").map_err(|e| e.to_string())?;
    if store.account(&first).await.map_err(|e| e.to_string())?.is_some() {
        return Ok(());
    }
    let mut quiet = import_progress::Progress::off();
    // One demo customer moved ten days ago: the help desk sees why no postal code can go to
    // the new address yet.
    let moved = (now() - time::Duration::days(10))
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| e.to_string())?;
    // Koku Taro's son is ten: at the counter, his parent applies as his legal representative.
    let today = now().date();
    let born = today.replace_year(today.year() - 10).unwrap_or(today - time::Duration::days(3653));
    let born = format!("{:04}-{:02}-{:02}", born.year(), u8::from(born.month()), born.day());
    let lines = DEMO_ACCOUNTS.replace("ADDRESS_CHANGED", &moved).replace("CHILD_BORN", &born);
    let accounts = import::parse_all(&lines, recovery.credentials(), recovery.hashing(), &mut quiet)
        .await
        .map_err(|e| e.join("; "))?;
    store
        .import_accounts(accounts, false, now(), AuditDraft::new(Actor::Cli, "account_import", None, "demo"))
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The demo's software card (test PINs, in clear in its state file): sign password, then the
/// user-authentication, resident-registry and text-input PINs.
pub const DEMO_CARD_PINS: [&str; 4] = ["ABC123", "1234", "2345", "3456"];

/// Makes the demo's software card in the data directory unless it is there already, and
/// returns its state file: `reissue card emulate --state` puts it behind pcscd for a counter
/// case's `reissue card change-pin --case`.
pub fn software_card(data_dir: &std::path::Path) -> Result<std::path::PathBuf, String> {
    use reissue_card::pin::{Pin, PinKind};
    let path = data_dir.join("demo-card.json");
    if path.exists() {
        return Ok(path);
    }
    let [sign, auth, juki, text] = DEMO_CARD_PINS;
    let pin = |kind, v: &str| Pin::new(kind, v).map_err(|e| e.to_string());
    let pins = reissue_card::soft::SoftCardPins {
        sign: pin(PinKind::Sign, sign)?,
        auth: pin(PinKind::Auth, auth)?,
        juki: pin(PinKind::Juki, juki)?,
        text: pin(PinKind::Text, text)?,
    };
    let validity = reissue_card::cli::soft_card_validity(now(), None, None);
    reissue_card::soft::SoftCard::create(&path, &pins, validity).map_err(|e| e.to_string())?;
    Ok(path)
}

/// The banner `serve --demo` prints: where to look and the voice reset by hand.
pub fn print_walkthrough(addr: SocketAddr, inst: &Institution, card: &std::path::Path) {
    let b = format!("http://{addr}");
    let card = card.display();
    let [sign, auth, juki, text] = DEMO_CARD_PINS;
    println!(
        r#"reissue demo ({name}): open {b}/ in a browser.
  {b}/demo/phone     the demo customers' phone: answer the call, key in the PIN, read the code
  {b}/demo/mailbox   every e-mail the demo sends
SQLite in ./reissue-data, built-in phone simulator and mailbox.
Demo account: login ID 123456789, born 1980-04-01, cash-card PIN 4826 (Japanese); 987654321, 1975-11-30, PIN 7351 (English).
Staff console: {b}/staff/ (demo staff below). Postal codes: 123456789 and 987654321 can get one;
  246813579 moved ten days ago and cannot yet; 555000111 has no address. The demo server exports
  batches in clear from the console; anywhere else they are encrypted to postal.vendor_age_recipient.
Counter cases (demo-counter): open one at {b}/staff/counter for 123456789 (in person, or a proxy:
  print the inquiry letter, mark it mailed, then move the demo's clock a day ahead with
  curl -s -X POST {b}/demo/clock -H 'content-type: application/json' -d '{{"advance_secs":86400}}'
  and sign in again for the second visit), 987654321 (an adult ward's legal representative) or
  135792468 (a child of ten: under 15, no signature certificate).
Software card (test data, its PINs in clear): {card}, PINs sign {sign}, auth {auth}, juki {juki}, text {text}.
  Behind pcscd (a build with --features pcsc):  reissue card emulate --state {card} &
  then, with a case token issued on the case's page:  reissue card change-pin auth --case TOKEN --server {b}
Or walk the voice reset by hand with curl:
  1. Apply:        curl -si {b}/api/v1/voice-applications -H 'content-type: application/json' -d '{{"login_id":"987654321","birth_date":"1975-11-30"}}'
  2. See the call: curl -s {b}/demo/calls            (take the "sid")
  3. Answer it:    curl -s -X POST {b}/demo/calls/SID/answer
  4. Key the PIN:  curl -s {b}/demo/calls/SID/keys -H 'content-type: application/json' -d '{{"keys":"7351#"}}'   (the transcript speaks the code)
  5. Enter code:   curl -s {b}/api/v1/resets -H 'content-type: application/json' -d '{{"channel":"voice","login_id":"987654321","code":"CODE"}}'
  6. Set new:      curl -s {b}/api/v1/resets/complete -H 'content-type: application/json' -d '{{"reset_token":"TOKEN","credentials":{{"login_password":"a new long passphrase","telephone_pin":""}}}}'
  7. Read mail:    curl -s {b}/demo/mailbox"#,
        name = inst.name
    );
}
