//! The batch export: what the vendor receives decrypts with its key to exactly the files of the
//! batch, and nothing on disk is readable by others, overwritten or left looking complete.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use age::x25519::Identity;
use reissue_letters::export::{
    ExportError, ExportFiles, MANIFEST, Protection, RecipientError, VendorRecipient, encrypt, to_tar, write_dir,
};
use secrecy::ExposeSecret;

fn vendor() -> (Identity, VendorRecipient) {
    let identity = Identity::generate();
    let recipient = VendorRecipient::parse(&identity.to_public().to_string()).unwrap();
    (identity, recipient)
}

fn batch() -> ExportFiles {
    let mut files = ExportFiles::new();
    files.push("manifest.csv", "reference,send_date\r\nL00000001,20261202\r\nL00000002,20261202\r\n".into()).unwrap();
    files.push("L00000001.pdf", b"%PDF-1.7 letter one, code 4829 1736 05".to_vec()).unwrap();
    files.push("L00000002.pdf", b"%PDF-1.7 letter two, code 1029 3847 56".to_vec()).unwrap();
    files
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn what_is_encrypted_decrypts_with_the_vendors_key_only() {
    let (identity, recipient) = vendor();
    let plain = b"L00000001: 4829 1736 05".to_vec();
    let sealed = encrypt(&plain, &recipient).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1\n"), "binary age format");
    assert!(!sealed.windows(4).any(|w| w == b"4829"));
    assert_eq!(age::decrypt(&identity, &sealed).unwrap(), plain);
    let (someone_else, _) = vendor();
    assert!(age::decrypt(&someone_else, &sealed).is_err());
}

#[test]
fn a_batch_is_written_encrypted_private_and_with_the_manifest_last() {
    let (identity, recipient) = vendor();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("batches").join("2026-12-02");
    let written = write_dir(&dir, &batch(), Protection::Encrypted(&recipient)).unwrap();

    let names: Vec<&str> = written.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["L00000001.pdf.age", "L00000002.pdf.age", "manifest.csv.age"]);
    assert_eq!(mode(&dir), 0o700);
    let mut on_disk: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    on_disk.sort();
    assert_eq!(on_disk, names, "nothing else, no temporary file left");
    for (file, (name, plain)) in written.iter().zip(batch().iter()) {
        assert_eq!(file.name, format!("{name}.age"));
        assert_eq!(mode(&file.path), 0o600, "{}", file.name);
        let bytes = std::fs::read(&file.path).unwrap();
        assert_eq!(file.size, bytes.len() as u64);
        assert_eq!(file.sha256, sha256_hex(&bytes));
        assert_eq!(age::decrypt(&identity, &bytes).unwrap(), plain, "{name}");
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn an_existing_file_is_never_overwritten_and_nothing_is_written() {
    let (_, recipient) = vendor();
    let dir = tempfile::tempdir().unwrap();
    let earlier = dir.path().join("L00000002.pdf.age");
    std::fs::write(&earlier, b"an earlier export").unwrap();
    match write_dir(dir.path(), &batch(), Protection::Encrypted(&recipient)) {
        Err(ExportError::Exists(path)) => assert_eq!(path, earlier),
        other => panic!("expected Exists, got {other:?}"),
    }
    assert_eq!(std::fs::read(&earlier).unwrap(), b"an earlier export");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_batch_that_fails_half_way_leaves_nothing_that_looks_complete() {
    let (_, recipient) = vendor();
    let dir = tempfile::tempdir().unwrap();
    // Something in the way of the manifest's temporary file: the letters are written first,
    // then the manifest fails.
    std::fs::create_dir(dir.path().join(".manifest.csv.age.partial")).unwrap();
    let error = write_dir(dir.path(), &batch(), Protection::Encrypted(&recipient)).unwrap_err();
    assert!(error.to_string().contains(".manifest.csv.age.partial"), "{error}");
    let left: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(left, [".manifest.csv.age.partial"], "the letters written before were removed");
}

#[test]
fn the_demo_writes_the_files_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let written = write_dir(dir.path(), &batch(), Protection::ClearForDemo).unwrap();
    assert_eq!(written.last().unwrap().name, MANIFEST);
    assert_eq!(std::fs::read(dir.path().join("L00000001.pdf")).unwrap(), b"%PDF-1.7 letter one, code 4829 1736 05");
    assert_eq!(mode(&dir.path().join(MANIFEST)), 0o600);
}

#[test]
fn the_download_is_one_tar_of_the_encrypted_files() {
    let (identity, recipient) = vendor();
    let modified = time::macros::datetime!(2026-12-02 09:00 UTC);
    let tar = to_tar(&batch(), Protection::Encrypted(&recipient), modified).unwrap();
    let mut archive = tar::Archive::new(&tar[..]);
    let mut seen = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let header = entry.header();
        assert_eq!(header.mode().unwrap(), 0o600);
        assert_eq!(header.mtime().unwrap(), modified.unix_timestamp() as u64);
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        seen.push((name, age::decrypt(&identity, &bytes).unwrap()));
    }
    let expected: Vec<(String, Vec<u8>)> = batch().iter().map(|(n, b)| (format!("{n}.age"), b.to_vec())).collect();
    assert_eq!(seen, expected);
}

#[test]
fn a_batch_needs_its_manifest_and_sane_names() {
    let mut files = ExportFiles::new();
    files.push("L00000001.pdf", b"x".to_vec()).unwrap();
    assert!(matches!(
        write_dir(Path::new("/nonexistent"), &files, Protection::ClearForDemo),
        Err(ExportError::NoManifest)
    ));
    assert!(matches!(files.push("L00000001.pdf", vec![]), Err(ExportError::DuplicateName(_))));
    for bad in ["", "../etc/passwd", "a/b.pdf", ".hidden", "名前.pdf"] {
        assert!(matches!(files.push(bad, vec![]), Err(ExportError::BadName { .. })), "{bad}");
    }
    // The contents never show in a debug print.
    let shown = format!("{:?}", batch());
    assert!(shown.contains("L00000001.pdf") && !shown.contains("4829"), "{shown}");
}

#[test]
fn a_wrong_vendor_key_in_the_configuration_says_what_is_wrong() {
    let identity = Identity::generate();
    let secret = identity.to_string();
    assert_eq!(VendorRecipient::parse(secret.expose_secret()).unwrap_err(), RecipientError::SecretKey);
    assert_eq!(VendorRecipient::parse("  ").unwrap_err(), RecipientError::Empty);
    assert_eq!(
        VendorRecipient::parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")
            .unwrap_err(),
        RecipientError::SshKey
    );
    assert!(matches!(VendorRecipient::parse("age1notakey"), Err(RecipientError::NotAge { .. })));
    assert!(matches!(VendorRecipient::parse("vendor.pub"), Err(RecipientError::NotAge { .. })));
    // A key with one character changed fails its checksum.
    let public = identity.to_public().to_string();
    let mut broken = public.clone().into_bytes();
    let last = broken.len() - 1;
    broken[last] = if broken[last] == b'q' { b'p' } else { b'q' };
    assert!(matches!(
        VendorRecipient::parse(std::str::from_utf8(&broken).unwrap()),
        Err(RecipientError::NotAge { .. })
    ));

    // Read from configuration, the message is the one above.
    let parsed: VendorRecipient = serde_json::from_str(&format!("\"{public}\"")).unwrap();
    assert_eq!(parsed.to_string(), public);
    let error = serde_json::from_str::<VendorRecipient>("\"AGE-SECRET-KEY-1QQQ\"").unwrap_err().to_string();
    assert!(error.contains("must never leave the vendor"), "{error}");
}
