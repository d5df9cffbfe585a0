//! A print batch's files for the print-and-mail vendor: encrypted to the vendor's age public
//! key, written to a directory or packed in one tar.
//!
//! The letters of a batch hold reset codes in clear, so they leave reissue only encrypted:
//! each file is encrypted on its own to the vendor's age X25519 recipient (`age1...`, from the
//! configuration), in age's binary format, and named with `.age` added (`L00000123.pdf.age`,
//! `manifest.csv.age`); the vendor decrypts with `age -d -i key.txt`. Unencrypted files are for
//! the demo only, and the API says so ([`Protection::ClearForDemo`]).
//!
//! Writing a directory ([`write_dir`]) never overwrites a file, creates each file with mode
//! 0600 (the directory, if missing, 0700), writes each under a temporary name and links it to
//! its name only once complete, and writes `manifest.csv` last: a directory with a manifest
//! holds the whole batch, one without is an interrupted export. What an export that fails
//! half-way had written is removed again.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// The vendor's age X25519 public key, the recipient every exported file is encrypted to.
#[derive(Clone)]
pub struct VendorRecipient(age::x25519::Recipient);

/// Why a text is not a vendor recipient.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecipientError {
    #[error("the vendor's age public key is empty; set it to the key the vendor gave (age1...)")]
    Empty,
    #[error(
        "this is an age secret key (AGE-SECRET-KEY-1...), which must never leave the vendor; set the vendor's public key (age1...), which `age-keygen -y` prints from it"
    )]
    SecretKey,
    #[error("an SSH key is not accepted as the vendor's key; ask the vendor for an age X25519 public key (age1...)")]
    SshKey,
    #[error("not an age X25519 public key (age1... , 62 characters): {reason}")]
    NotAge { reason: &'static str },
}

impl VendorRecipient {
    pub fn parse(input: &str) -> Result<Self, RecipientError> {
        let key = input.trim();
        if key.is_empty() {
            return Err(RecipientError::Empty);
        }
        if key.to_ascii_uppercase().starts_with("AGE-SECRET-KEY-") {
            return Err(RecipientError::SecretKey);
        }
        if key.starts_with("ssh-") || key.starts_with("ecdsa-") {
            return Err(RecipientError::SshKey);
        }
        if !key.starts_with("age1") {
            return Err(RecipientError::NotAge { reason: "it does not start with age1" });
        }
        key.parse::<age::x25519::Recipient>().map(Self).map_err(|reason| RecipientError::NotAge { reason })
    }
}

impl std::str::FromStr for VendorRecipient {
    type Err = RecipientError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl std::fmt::Display for VendorRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Debug for VendorRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VendorRecipient({})", self.0)
    }
}

impl<'de> serde::Deserialize<'de> for VendorRecipient {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Encrypts `plaintext` to `recipient`, in age's binary format.
pub fn encrypt(plaintext: &[u8], recipient: &VendorRecipient) -> Result<Vec<u8>, ExportError> {
    age::encrypt(&recipient.0, plaintext).map_err(|e| ExportError::Encrypt(e.to_string()))
}

/// How the files leave reissue.
#[derive(Debug, Clone, Copy)]
pub enum Protection<'a> {
    /// Each file encrypted to the vendor's key, named with `.age` added.
    Encrypted(&'a VendorRecipient),
    /// As they are: only for the demo, whose letters hold demo codes.
    ClearForDemo,
}

/// Why an export did not happen (or was undone).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the file name {name:?} cannot be exported: {reason}")]
    BadName { name: String, reason: &'static str },
    #[error("the batch has the file {0:?} twice")]
    DuplicateName(String),
    #[error("the batch has no {MANIFEST}")]
    NoManifest,
    #[error("{} already exists; an export never overwrites a file", .0.display())]
    Exists(PathBuf),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("encrypting to the vendor's key failed: {0}")]
    Encrypt(String),
    #[error("packing the tar failed: {0}")]
    Tar(io::Error),
}

/// The name of the batch manifest, written last.
pub const MANIFEST: &str = "manifest.csv";

/// The files of one batch: names and contents, the letters in order, `manifest.csv` among
/// them. The contents are wiped from memory when dropped, and never shown by `Debug`.
#[derive(Default)]
pub struct ExportFiles {
    files: Vec<(String, Zeroizing<Vec<u8>>)>,
}

impl ExportFiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file. A name is 1 to 90 characters of ASCII letters, digits, `.`, `_` and `-`,
    /// not starting with a dot, and unique in the batch.
    pub fn push(&mut self, name: impl Into<String>, bytes: Vec<u8>) -> Result<(), ExportError> {
        let name = name.into();
        check_name(&name)?;
        if self.files.iter().any(|(n, _)| *n == name) {
            return Err(ExportError::DuplicateName(name));
        }
        self.files.push((name, Zeroizing::new(bytes)));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files in the order they are written: as added, `manifest.csv` last.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        let (manifest, others): (Vec<_>, Vec<_>) = self.files.iter().partition(|(n, _)| n == MANIFEST);
        others.into_iter().chain(manifest).map(|(n, b)| (n.as_str(), b.as_slice()))
    }

    fn check_manifest(&self) -> Result<(), ExportError> {
        if self.files.iter().any(|(n, _)| n == MANIFEST) { Ok(()) } else { Err(ExportError::NoManifest) }
    }
}

/// A file name an export writes: 1 to 90 characters of ASCII letters, digits, `.`, `_` and
/// `-`, not starting with a dot.
fn check_name(name: &str) -> Result<(), ExportError> {
    let bad = |reason| Err(ExportError::BadName { name: name.to_owned(), reason });
    if name.is_empty() || name.len() > 90 {
        return bad("a name has 1 to 90 characters");
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
        return bad("a name has only ASCII letters, digits, '.', '_' and '-'");
    }
    if name.starts_with('.') {
        return bad("a name does not start with a dot");
    }
    Ok(())
}

impl std::fmt::Debug for ExportFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.files.iter().map(|(n, b)| (n, format!("{} bytes", b.len())))).finish()
    }
}

/// A file an export wrote, as written (encrypted, when it was).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    /// SHA-256 of the bytes written, in hex: what the audit log can name.
    pub sha256: String,
}

/// The name and bytes a file leaves as.
fn protect(name: &str, bytes: &[u8], protection: Protection<'_>) -> Result<(String, Zeroizing<Vec<u8>>), ExportError> {
    match protection {
        Protection::Encrypted(recipient) => Ok((format!("{name}.age"), Zeroizing::new(encrypt(bytes, recipient)?))),
        Protection::ClearForDemo => Ok((name.to_string(), Zeroizing::new(bytes.to_vec()))),
    }
}

fn final_name(name: &str, protection: Protection<'_>) -> String {
    match protection {
        Protection::Encrypted(_) => format!("{name}.age"),
        Protection::ClearForDemo => name.to_string(),
    }
}

/// Writes the batch to `dir` (created with mode 0700 if missing) and returns what it wrote, in
/// order, `manifest.csv` last. Refuses, before writing anything, when any of the files exists.
/// On a failure half-way, what this call wrote is removed.
pub fn write_dir(dir: &Path, files: &ExportFiles, protection: Protection<'_>) -> Result<Vec<WrittenFile>, ExportError> {
    files.check_manifest()?;
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Io { path, source }
    };
    create_private_dir(dir).map_err(io_error(dir))?;
    for (name, _) in files.iter() {
        let path = dir.join(final_name(name, protection));
        if fs::symlink_metadata(&path).is_ok() {
            return Err(ExportError::Exists(path));
        }
    }
    let mut written = Vec::with_capacity(files.len());
    for (name, bytes) in files.iter() {
        match write_one(dir, name, bytes, protection) {
            Ok(file) => written.push(file),
            Err(e) => {
                for file in &written {
                    let _ = fs::remove_file(&file.path);
                }
                return Err(e);
            }
        }
    }
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_error(dir))?;
    Ok(written)
}

/// Writes one file under a temporary name, then links it to its name, which fails rather than
/// replace a file that appeared meanwhile.
fn write_one(dir: &Path, name: &str, bytes: &[u8], protection: Protection<'_>) -> Result<WrittenFile, ExportError> {
    let (name, bytes) = protect(name, bytes, protection)?;
    let path = dir.join(&name);
    let partial = dir.join(format!(".{name}.partial"));
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Io { path, source }
    };
    let mut file = create_private_file(&partial).map_err(io_error(&partial))?;
    let result = file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(io_error(&partial)).and_then(|()| {
        fs::hard_link(&partial, &path).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => ExportError::Exists(path.clone()),
            _ => ExportError::Io { path: path.clone(), source: e },
        })
    });
    drop(file);
    let removed = fs::remove_file(&partial).map_err(io_error(&partial));
    result?;
    if let Err(e) = removed {
        let _ = fs::remove_file(&path);
        return Err(e);
    }
    Ok(WrittenFile { name, path, size: bytes.len() as u64, sha256: hex::encode(Sha256::digest(&bytes[..])) })
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// Where a batch's files go one at a time, so that a batch of thousands of letters is never
/// held in memory whole: a directory ([`DirWriter`]) or a tar stream ([`TarWriter`]).
pub trait BatchSink {
    /// Writes one file (encrypted first, when the sink's protection says so).
    fn put(&mut self, name: &str, bytes: &[u8]) -> Result<(), ExportError>;
}

/// Writes a batch's files to a directory one at a time, with [`write_dir`]'s rules: nothing is
/// overwritten (every name is checked before the first file is written), files 0600, each
/// linked into place only once complete, and — unless [`DirWriter::finish`] is reached —
/// whatever was written is removed again when the writer is dropped.
pub struct DirWriter<'a> {
    dir: PathBuf,
    protection: Protection<'a>,
    written: Vec<WrittenFile>,
    finished: bool,
}

impl std::fmt::Debug for DirWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirWriter").field("dir", &self.dir).field("written", &self.written.len()).finish()
    }
}

impl<'a> DirWriter<'a> {
    /// Opens `dir` (created 0700 if missing) for files named `names`; refuses, writing
    /// nothing, when any of them exists.
    pub fn open(dir: &Path, names: &[String], protection: Protection<'a>) -> Result<Self, ExportError> {
        create_private_dir(dir).map_err(|source| ExportError::Io { path: dir.to_path_buf(), source })?;
        for name in names {
            let path = dir.join(final_name(name, protection));
            if fs::symlink_metadata(&path).is_ok() {
                return Err(ExportError::Exists(path));
            }
        }
        Ok(Self { dir: dir.to_path_buf(), protection, written: Vec::new(), finished: false })
    }

    /// Keeps what was written and returns it.
    pub fn finish(mut self) -> Result<Vec<WrittenFile>, ExportError> {
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|source| ExportError::Io { path: self.dir.clone(), source })?;
        self.finished = true;
        Ok(std::mem::take(&mut self.written))
    }
}

impl BatchSink for DirWriter<'_> {
    fn put(&mut self, name: &str, bytes: &[u8]) -> Result<(), ExportError> {
        check_name(name)?;
        let file = write_one(&self.dir, name, bytes, self.protection)?;
        self.written.push(file);
        Ok(())
    }
}

impl Drop for DirWriter<'_> {
    fn drop(&mut self) {
        if !self.finished {
            for file in &self.written {
                let _ = fs::remove_file(&file.path);
            }
        }
    }
}

/// Writes a batch's files as one tar stream (ustar) into `W`, for the console's download.
pub struct TarWriter<'a, W: Write> {
    builder: tar::Builder<W>,
    protection: Protection<'a>,
    modified: OffsetDateTime,
}

impl<W: Write> std::fmt::Debug for TarWriter<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TarWriter").finish_non_exhaustive()
    }
}

impl<'a, W: Write> TarWriter<'a, W> {
    pub fn new(out: W, protection: Protection<'a>, modified: OffsetDateTime) -> Self {
        Self { builder: tar::Builder::new(out), protection, modified }
    }

    /// Ends the tar and returns its writer.
    pub fn finish(self) -> Result<W, ExportError> {
        self.builder.into_inner().map_err(ExportError::Tar)
    }
}

impl<W: Write> BatchSink for TarWriter<'_, W> {
    fn put(&mut self, name: &str, bytes: &[u8]) -> Result<(), ExportError> {
        check_name(name)?;
        let (name, bytes) = protect(name, bytes, self.protection)?;
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o600);
        header.set_size(bytes.len() as u64);
        header.set_mtime(self.modified.unix_timestamp().max(0) as u64);
        header.set_path(&name).map_err(ExportError::Tar)?;
        header.set_cksum();
        self.builder.append(&header, &bytes[..]).map_err(ExportError::Tar)
    }
}

/// Packs the batch in one tar (ustar), for the console's download: the files as
/// [`write_dir`] would write them (encrypted, named `.age`, when asked), each entry mode 0600
/// and dated `modified`, `manifest.csv` last.
pub fn to_tar(
    files: &ExportFiles,
    protection: Protection<'_>,
    modified: OffsetDateTime,
) -> Result<Vec<u8>, ExportError> {
    files.check_manifest()?;
    let mut builder = tar::Builder::new(Vec::new());
    for (name, bytes) in files.iter() {
        let (name, bytes) = protect(name, bytes, protection)?;
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o600);
        header.set_size(bytes.len() as u64);
        header.set_mtime(modified.unix_timestamp().max(0) as u64);
        header.set_path(&name).map_err(ExportError::Tar)?;
        header.set_cksum();
        builder.append(&header, &bytes[..]).map_err(ExportError::Tar)?;
    }
    builder.into_inner().map_err(ExportError::Tar)
}
