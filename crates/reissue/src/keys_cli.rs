//! `reissue keys retire KIND ID`: removing an older key once nothing in use depends on it.

use std::process::ExitCode;

use reissue_core::hashing::SecretHasher;
use reissue_core::keyring::KeyId;
use reissue_core::keys::stored_mac_key_id;
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
            (n > 0).then(|| {
                format!("{n} API token(s) were made under code_hmac key {id}; create new ones and delete them first")
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
