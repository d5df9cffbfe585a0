//! Key files in `data_dir/keys` (or where `[keys]` points): reading them (refusing files that
//! group or others may read), creating them on first start, rotating them, and comparing
//! them with the key checks in the database, so that an instance whose keys differ from the
//! ones the database was used with refuses to start and names the key.
//!
//! A key file holds one key per line as `ID:HEX`; the highest ID is current. A file with a
//! single bare hex line (as written before key IDs existed, and still while there is only one
//! key) holds key 1.

use std::path::{Path, PathBuf};

use reissue_core::keyring::{KeyId, KeyRing, key_check};
use reissue_core::secret::Randomness;
use reissue_store::SqlStore;
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// The keys of a file, by ID, wiped from memory when dropped.
type Keys = Vec<(KeyId, Zeroizing<Vec<u8>>)>;

/// The kinds of server keys, each with a file of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyKind {
    /// Reset codes, tokens and the sealing of read-back secrets (`code_hmac.key`).
    CodeHmac,
    /// The Argon2 pepper of passwords and PINs (`pepper.key`).
    Pepper,
    /// Webhook signatures (`webhook_signing.key`).
    WebhookSigning,
    /// The audit chain and its checkpoints (`audit.key`).
    Audit,
}

impl KeyKind {
    /// The name in the database and in messages; the file is `NAME.key`.
    pub fn name(self) -> &'static str {
        match self {
            Self::CodeHmac => "code_hmac",
            Self::Pepper => "pepper",
            Self::WebhookSigning => "webhook_signing",
            Self::Audit => "audit",
        }
    }
}

/// The keys of one kind and the file they came from.
#[derive(Debug)]
pub struct KeyFile {
    pub kind: KeyKind,
    pub path: PathBuf,
    keys: Keys,
}

impl KeyFile {
    /// Reads the key file of `kind`, or creates it with one fresh random key (mode 0600) when
    /// it is missing from the data directory. A file named in the configuration must exist.
    pub fn load(kind: KeyKind, given: Option<&Path>, data_dir: &Path, rng: &dyn Randomness) -> Result<Self, String> {
        let path =
            given.map(Path::to_path_buf).unwrap_or_else(|| data_dir.join("keys").join(format!("{}.key", kind.name())));
        if path.exists() {
            check_mode(&path)?;
            let text = Zeroizing::new(std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?);
            let keys = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            return Ok(Self { kind, path, keys });
        }
        if given.is_some() {
            return Err(format!("key file {} does not exist", path.display()));
        }
        let file = Self { kind, path, keys: vec![(1, fresh_key(rng))] };
        if let Some(dir) = file.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        write_private(&file.path, &file.text()).map_err(|e| format!("{}: {e}", file.path.display()))?;
        Ok(file)
    }

    pub fn ring(&self) -> KeyRing<Vec<u8>> {
        KeyRing::new(self.keys.iter().map(|(id, k)| (*id, k.to_vec())))
            .unwrap_or_else(|_| unreachable!("a key file holds at least one key"))
    }

    pub fn holds(&self, id: KeyId) -> bool {
        self.keys.iter().any(|(k, _)| *k == id)
    }

    pub fn current_id(&self) -> KeyId {
        self.keys.iter().map(|(id, _)| *id).max().unwrap_or(1)
    }

    /// The file's text: a bare hex line while it holds only key 1 (as before key IDs), else
    /// one `ID:HEX` line per key.
    fn text(&self) -> Zeroizing<String> {
        if let [(1, key)] = self.keys.as_slice() {
            return Zeroizing::new(format!("{}\n", hex::encode(key.as_slice())));
        }
        let mut text = Zeroizing::new(String::new());
        for (id, key) in &self.keys {
            text.push_str(&format!("{id}:{}\n", hex::encode(key.as_slice())));
        }
        text
    }

    /// Adds a fresh key with the next ID and rewrites the file in place (a new file with
    /// mode 0600, renamed over the old one). Returns the new key's ID.
    pub fn rotate(&mut self, rng: &dyn Randomness) -> Result<KeyId, String> {
        let id = self.current_id() + 1;
        self.keys.push((id, fresh_key(rng)));
        self.write()?;
        Ok(id)
    }

    /// Removes key `id` (not the current one) and rewrites the file.
    pub fn retire(&mut self, id: KeyId) -> Result<(), String> {
        let kind = self.kind.name();
        if !self.holds(id) {
            return Err(format!("{} holds no {kind} key {id}", self.path.display()));
        }
        if id == self.current_id() {
            return Err(format!("{kind} key {id} is the current key; rotate first, then retire the old one"));
        }
        self.keys.retain(|(k, _)| *k != id);
        self.write()
    }

    fn write(&self) -> Result<(), String> {
        let tmp = self.path.with_extension("key.new");
        let _ = std::fs::remove_file(&tmp);
        write_private(&tmp, &self.text()).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| format!("{}: {e}", self.path.display()))
    }

    /// Compares every key with the database's key checks, and records the checks of keys the
    /// database does not know yet. Refuses, naming the key and the file, when a key differs
    /// from the one the database was used with, or when the database knows a key ID this
    /// file lacks (rotated on another instance).
    pub async fn check(&self, store: &SqlStore, now: OffsetDateTime) -> Result<(), String> {
        let kind = self.kind.name();
        let stored = store.key_checks(kind).await.map_err(|e| e.to_string())?;
        let mismatch = |id: KeyId| {
            format!(
                "the {kind} key {id} in {} is not the one this database was used with: every instance on one \
                 database needs the same key files (copy them from an instance that works)",
                self.path.display()
            )
        };
        for (id, check) in &stored {
            match self.keys.iter().find(|(k, _)| k == id) {
                Some((_, key)) if key_check(kind, *id, key) == *check => {}
                Some(_) => return Err(mismatch(*id)),
                None => {
                    return Err(format!(
                        "the database knows {kind} key {id}, which {} does not hold (it was added by `reissue keys \
                         rotate` elsewhere): copy that key file here",
                        self.path.display()
                    ));
                }
            }
        }
        for (id, key) in &self.keys {
            if stored.iter().any(|(k, _)| k == id) {
                continue;
            }
            let check = key_check(kind, *id, key);
            let kept = store.record_key_check(kind, *id, &check, now).await.map_err(|e| e.to_string())?;
            if kept != check {
                return Err(mismatch(*id));
            }
        }
        Ok(())
    }
}

fn fresh_key(rng: &dyn Randomness) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(vec![0u8; 32]);
    rng.fill(&mut key);
    key
}

fn parse(text: &str) -> Result<Keys, String> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let decode = |hex_text: &str| -> Result<Zeroizing<Vec<u8>>, String> {
        let key = Zeroizing::new(hex::decode(hex_text).map_err(|_| "must hold hex".to_owned())?);
        if key.len() < 32 {
            return Err("a key needs at least 32 bytes".into());
        }
        Ok(key)
    };
    if let [single] = lines.as_slice()
        && !single.contains(':')
    {
        return Ok(vec![(1, decode(single)?)]);
    }
    let mut keys: Keys = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let (id, hex_text) = line.split_once(':').ok_or(format!("line {}: must be ID:HEX", n + 1))?;
        let id: KeyId = id
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(format!("line {}: the key ID must be a positive number", n + 1))?;
        if keys.iter().any(|(k, _)| *k == id) {
            return Err(format!("line {}: key ID {id} appears twice", n + 1));
        }
        keys.push((id, decode(hex_text).map_err(|e| format!("line {}: {e}", n + 1))?));
    }
    if keys.is_empty() {
        return Err("holds no key".into());
    }
    Ok(keys)
}

#[cfg(unix)]
fn check_mode(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "key file {} may be read by group or others (mode {:04o}); restrict it with `chmod 600 {}`",
            path.display(),
            mode & 0o7777,
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_hex_file_is_key_1_and_lines_name_their_ids() {
        let k = "ab".repeat(32);
        assert_eq!(parse(&format!("{k}\n")).unwrap()[0].0, 1);
        let two = parse(&format!("1:{k}\n2:{k}\n")).unwrap();
        assert_eq!(two.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![1, 2]);
        assert!(parse(&format!("1:{k}\n1:{k}\n")).unwrap_err().contains("twice"));
        assert!(parse("abcd").unwrap_err().contains("32 bytes"));
        assert!(parse(&format!("0:{k}")).unwrap_err().contains("positive"));
        assert!(parse("").unwrap_err().contains("no key"));
    }
}
