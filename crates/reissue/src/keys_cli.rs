//! `reissue keys retire KIND ID`: removing an older key once nothing in use depends on it.

use std::process::ExitCode;

use reissue_core::hashing::SecretHasher;
use reissue_core::keyring::KeyId;
use reissue_core::keys::stored_mac_key_id;
use reissue_core::outbox::{MessageBody, OutboxMessage};
use reissue_core::seal::Sealer;
use reissue_store::SqlStore;

use crate::keyfiles::{KeyFile, KeyKind};

/// What still depends on key `id` of `kind`, if anything; `None` when it may go.
async fn still_in_use(store: &SqlStore, kind: KeyKind, id: KeyId) -> Result<Option<String>, String> {
    Ok(match kind {
        KeyKind::Audit => {
            Some("audit keys verify the events made under them and are never retired; rotate instead".into())
        }
        KeyKind::Pepper => {
            let n =
                store.hashes_with_keyid(&SecretHasher::keyid_param(id), id == 1).await.map_err(|e| e.to_string())?;
            (n > 0).then(|| {
                format!(
                    "{n} password or PIN hash(es) still use pepper key {id}; each is re-hashed under the current \
                     pepper when next verified: retire the key once none remain"
                )
            })
        }
        KeyKind::CodeHmac => {
            let macs = store.api_token_macs().await.map_err(|e| e.to_string())?;
            let n = macs.iter().filter(|m| stored_mac_key_id(m) == Some(id)).count();
            if n > 0 {
                return Ok(Some(format!(
                    "{n} API token(s) were made under code_hmac key {id}; create new ones and delete them first"
                )));
            }
            // Reset codes (a postal one lives three weeks), open sessions, the spoken code of a
            // live call and a temporary-password mail waiting in the outbox are all made under
            // this master too: retiring it would void them silently.
            let d = store.code_hmac_dependents(crate::now()).await.map_err(|e| e.to_string())?;
            let under = |b: &Vec<u8>| stored_mac_key_id(b) == Some(id);
            let sealed_under = |b: &Vec<u8>| Sealer::key_id(b) == Some(id);
            let mails = d
                .pending
                .iter()
                .filter_map(|p| serde_json::from_str::<OutboxMessage>(p).ok())
                .filter(|m| match &m.body {
                    MessageBody::SealedEmail { sealed_body, .. } => {
                        hex::decode(sealed_body).ok().is_some_and(|b| Sealer::key_id(&b) == Some(id))
                    }
                    _ => false,
                })
                .count();
            let counts = [
                (d.codes.iter().filter(|b| under(b)).count(), "reset code(s) that can still be entered"),
                (d.sessions.iter().filter(|b| under(b)).count(), "open reset session(s)"),
                (d.sealed_calls.iter().filter(|b| sealed_under(b)).count(), "live call(s) with a spoken code"),
                (mails, "temporary-password mail(s) not yet sent"),
                (d.staff_sessions.iter().filter(|b| under(b)).count(), "open staff session(s)"),
                (
                    d.staff_totp.iter().filter(|b| sealed_under(b)).count(),
                    "staff TOTP secret(s) (sealed again at each member's next sign-in, or by `reissue staff reset`)",
                ),
            ];
            let left: Vec<String> =
                counts.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}")).collect();
            (!left.is_empty()).then(|| {
                format!(
                    "{} still depend on code_hmac key {id}; retire it once they have expired or been used",
                    left.join(", ")
                )
            })
        }
        KeyKind::WebhookSigning => None,
    })
}

pub async fn retire(store: &SqlStore, mut file: KeyFile, id: KeyId) -> Result<ExitCode, String> {
    let kind = file.kind;
    if !file.holds(id) {
        return Err(format!("{} holds no {} key {id}", file.path.display(), kind.name()));
    }
    if id == file.current_id() {
        return Err(format!("{} key {id} is the current key; rotate first, then retire the old one", kind.name()));
    }
    if let Some(why) = still_in_use(store, kind, id).await? {
        return Err(format!("{} key {id} is not retired: {why}", kind.name()));
    }
    // The database forgets the key first: should writing the file fail, the next start
    // records the key's check again instead of refusing.
    store.forget_key_check(kind.name(), id).await.map_err(|e| e.to_string())?;
    file.retire(id)?;
    println!(
        "{} key {id} is retired from {}; copy this file to every instance on the same database and restart them",
        kind.name(),
        file.path.display()
    );
    Ok(ExitCode::SUCCESS)
}
