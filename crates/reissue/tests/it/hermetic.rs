//! The repository is self-contained: nothing under `crates/`, `scripts/` or `.ci/` reads a
//! path outside it (such as a `shared` folder beside a checkout), so a fresh clone builds and
//! passes its tests on its own.

use std::path::{Component, Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target" || n.to_string_lossy().starts_with("target-")) {
                continue;
            }
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The directory a relative path on `line` of `file` is resolved from: the file's own
/// directory for `include_str!`-like macros, `#[path]` and files outside a crate (scripts);
/// otherwise the crate's root, which is both `CARGO_MANIFEST_DIR` and the working directory
/// of its tests.
fn base(root: &Path, file: &Path, line: &str) -> PathBuf {
    let own = file.parent().unwrap().to_path_buf();
    if ["include_str!", "include_bytes!", "include!", "#[path"].iter().any(|m| line.contains(m)) {
        return own;
    }
    let mut dir = file.parent();
    while let Some(d) = dir.filter(|d| d.starts_with(root) && *d != root) {
        if d.join("Cargo.toml").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    own
}

/// Whether `rel`, a path starting with `..`, leaves `root` when resolved from `base`.
fn escapes(root: &Path, base: &Path, rel: &str) -> bool {
    let mut at = base.to_path_buf();
    for c in Path::new(rel).components() {
        match c {
            Component::ParentDir => {
                at.pop();
            }
            Component::Normal(n) => at.push(n),
            _ => {}
        }
        if !at.starts_with(root) {
            return true;
        }
    }
    false
}

/// Every reference in `text` to a place outside the repository.
fn outside_references(root: &Path, file: &Path, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let shared = ["..", "shared"].join("/");
    let work = ["", "work", ""].join("/");
    for (n, line) in text.lines().enumerate() {
        if line.contains(&shared) || line.contains(&work) {
            found.push(format!("line {}: {}", n + 1, line.trim()));
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("../") {
            let start = &rest[i..];
            let end =
                start.find(|c: char| c == '"' || c == '\'' || c.is_whitespace() || c == ')').unwrap_or(start.len());
            if escapes(root, &base(root, file, line), &start[..end]) {
                found.push(format!("line {}: {}", n + 1, line.trim()));
                break;
            }
            rest = &start[3..];
        }
    }
    found
}

#[test]
fn no_file_in_crates_scripts_or_ci_refers_to_a_path_outside_the_repository() {
    let root = repo_root();
    let mut all = Vec::new();
    for dir in ["crates", "scripts", ".ci"] {
        files(&root.join(dir), &mut all);
    }
    assert!(all.len() > 20, "found only {} files under {}", all.len(), root.display());
    let mut problems = Vec::new();
    for f in &all {
        let Ok(text) = std::fs::read_to_string(f) else { continue }; // binary files
        for p in outside_references(&root, f, &text) {
            problems.push(format!("{}: {p}", f.strip_prefix(&root).unwrap().display()));
        }
    }
    assert!(problems.is_empty(), "references outside the repository:\n{}", problems.join("\n"));
}

#[test]
fn the_check_recognizes_a_path_that_climbs_out_of_the_crate() {
    let root = repo_root();
    let file = root.join("crates/reissue/tests/it/twilio.rs");
    let climbing = format!("join(\"{}/{}/{}/elsewhere/spec.json\")", "..", "..", "..");
    assert_eq!(outside_references(&root, &file, &climbing).len(), 1);
    assert!(outside_references(&root, &file, "join(\"../fixtures/spec.json\")").is_empty());
    assert!(outside_references(&root, &file, "join(\"../core/src/lib.rs\")").is_empty());
    assert!(outside_references(&root, &file, "include_str!(\"../../src/config.rs\")").is_empty());
    let shared = format!("let spec = \"{}/{}/specs/x.json\";", "..", "shared");
    assert_eq!(outside_references(&root, &file, &shared).len(), 1);
}
