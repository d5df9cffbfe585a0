//! The pages' look and words: templates and static files compiled into the binary
//! (`crates/server/theme/`), and an institution's theme directory (`server.theme_dir`) laid
//! over them file by file, as Keycloak's themes are. A theme directory holds any of
//!
//! ```text
//! templates/*.html    replaces the built-in template of the same name (or adds one)
//! static/*            replaces or adds a style sheet, script or image (logo.svg, theme.css, ...)
//! locales/ja.ftl      replaces single catalogue entries (see reissue_core::catalogue)
//! locales/en.ftl
//! ```
//!
//! Everything is read once at start-up; a file that cannot be used stops the start with its
//! path and the problem.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use reissue_core::account::Language;

macro_rules! builtin {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../theme/", $dir, "/", $name)).as_slice())),*]
    };
}

/// The built-in templates, by name.
pub const BUILTIN_TEMPLATES: &[(&str, &[u8])] = builtin!("templates":
    "base.html",
    "forms.html",
    "identity.html",
    "start.html",
    "voice_conditions.html",
    "postal_conditions.html",
    "help_postal_letter.html",
    "voice_application.html",
    "voice_application_sent.html",
    "reset_code.html",
    "reset_credentials.html",
    "reset_done.html",
    "password_initialization.html",
    "password_initialization_sent.html",
    "login_id_notification.html",
    "login_id_notification_sent.html",
    "message.html",
    "demo_phone.html",
    "demo_mailbox.html",
    "staff_base.html",
    "staff_message.html",
    "staff_sign_in.html",
    "staff_password.html",
    "staff_search.html",
    "staff_account.html",
    "staff_postal.html",
    "staff_postal_applied.html",
    "staff_approvals.html",
    "staff_batches.html",
    "staff_members.html",
    "staff_enrolment.html",
    "staff_counter.html",
    "staff_counter_open.html",
    "staff_counter_case.html",
);

/// The built-in static files, by name.
pub const BUILTIN_STATIC: &[(&str, &[u8])] = builtin!("static":
    "style.css",
    "theme.css",
    "logo.svg",
    "app.js",
    "demo.css",
    "demo.js",
    "staff.css",
);

/// A theme file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("theme file {path}: {problem}")]
pub struct ThemeError {
    pub path: PathBuf,
    pub problem: String,
}

/// A static file as served.
#[derive(Debug, Clone)]
pub struct StaticFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// The content type of a static file, by extension; other files are not served.
pub fn content_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

/// The files the pages are made of: built-in, with a theme's laid over them.
#[derive(Debug, Clone)]
pub struct ThemeFiles {
    pub templates: BTreeMap<String, String>,
    /// Where each template the theme replaced or added came from, to name it in an error.
    pub template_paths: BTreeMap<String, PathBuf>,
    pub statics: BTreeMap<String, StaticFile>,
    /// Catalogue entries the theme replaces: (language, where they came from, text).
    pub locales: Vec<(Language, String, String)>,
    /// Whether a theme directory was laid over the built-in files.
    pub themed: bool,
}

impl ThemeFiles {
    /// The built-in files alone.
    pub fn builtin() -> Self {
        let templates =
            BUILTIN_TEMPLATES.iter().map(|(n, b)| ((*n).to_owned(), String::from_utf8_lossy(b).into_owned())).collect();
        let statics = BUILTIN_STATIC
            .iter()
            .map(|(n, b)| {
                let content_type = content_type(n).expect("built-in static files have known types");
                ((*n).to_owned(), StaticFile { bytes: b.to_vec(), content_type })
            })
            .collect();
        Self { templates, template_paths: BTreeMap::new(), statics, locales: Vec::new(), themed: false }
    }

    /// The built-in files with the theme directory's laid over them.
    pub fn load(dir: Option<&Path>) -> Result<Self, ThemeError> {
        let mut files = Self::builtin();
        let Some(dir) = dir else { return Ok(files) };
        files.themed = true;
        if !dir.is_dir() {
            return Err(ThemeError { path: dir.to_owned(), problem: "is not a directory".into() });
        }
        for (path, name) in entries(&dir.join("templates"))? {
            if !name.ends_with(".html") {
                return Err(ThemeError { path, problem: "templates must be .html files".into() });
            }
            let text = read_text(&path)?;
            files.templates.insert(name.clone(), text);
            files.template_paths.insert(name, path);
        }
        for (path, name) in entries(&dir.join("static"))? {
            let Some(content_type) = content_type(&name) else {
                return Err(ThemeError {
                    path,
                    problem: "only .css, .js, .svg, .png, .ico and .woff2 files are served".into(),
                });
            };
            let bytes = std::fs::read(&path).map_err(|e| ThemeError { path: path.clone(), problem: e.to_string() })?;
            files.statics.insert(name, StaticFile { bytes, content_type });
        }
        for (path, name) in entries(&dir.join("locales"))? {
            let lang = match name.as_str() {
                "ja.ftl" => Language::Ja,
                "en.ftl" => Language::En,
                _ => return Err(ThemeError { path, problem: "catalogues are named ja.ftl or en.ftl".into() }),
            };
            let text = read_text(&path)?;
            files.locales.push((lang, path.display().to_string(), text));
        }
        Ok(files)
    }
}

fn read_text(path: &Path) -> Result<String, ThemeError> {
    let bytes = std::fs::read(path).map_err(|e| ThemeError { path: path.to_owned(), problem: e.to_string() })?;
    String::from_utf8(bytes).map_err(|_| ThemeError { path: path.to_owned(), problem: "is not UTF-8 text".into() })
}

/// The files of one folder of the theme (none when it does not exist), in name order.
fn entries(dir: &Path) -> Result<Vec<(PathBuf, String)>, ThemeError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let read = std::fs::read_dir(dir).map_err(|e| ThemeError { path: dir.to_owned(), problem: e.to_string() })?;
    let mut out = Vec::new();
    for entry in read {
        let entry = entry.map_err(|e| ThemeError { path: dir.to_owned(), problem: e.to_string() })?;
        let path = entry.path();
        if path.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            out.push((path, name));
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reissue_core::catalogue::Catalogue;

    /// A template with its template tags, expressions and comments taken out: what it would
    /// show whatever the catalogue says.
    fn without_template_code(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find(['{']) {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            let close = match tail.get(..2) {
                Some("{{") => "}}",
                Some("{%") => "%}",
                Some("{#") => "#}",
                _ => {
                    out.push('{');
                    rest = &tail[1..];
                    continue;
                }
            };
            let end = tail.find(close).expect("closed template tag");
            rest = &tail[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// The text between tags, and the values of the attributes a person reads or hears.
    fn readable_parts(html: &str) -> Vec<String> {
        let mut parts = Vec::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            parts.push(rest[..open].to_owned());
            let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
            let tag = &rest[open..close];
            for attr in ["alt=\"", "title=\"", "placeholder=\"", "aria-label=\"", "value=\""] {
                // A hidden field's value is for the server, not for a person.
                if attr == "value=\"" && tag.contains("type=\"hidden\"") {
                    continue;
                }
                if let Some(a) = tag.find(attr) {
                    let v = &tag[a + attr.len()..];
                    parts.push(v[..v.find('"').unwrap_or(v.len())].to_owned());
                }
            }
            rest = &rest[close.min(rest.len())..];
        }
        parts.push(rest.to_owned());
        parts
    }

    #[test]
    fn no_template_holds_literal_prose() {
        for (name, bytes) in BUILTIN_TEMPLATES {
            let text = String::from_utf8_lossy(bytes);
            let html = without_template_code(&text);
            for part in readable_parts(&html) {
                // Only the doctype keyword may be letters outside the catalogue.
                let words: String = part.replace("doctype html", "").chars().filter(|c| c.is_alphabetic()).collect();
                assert!(words.is_empty(), "{name} shows {part:?} outside the catalogue");
            }
        }
    }

    #[test]
    fn every_key_a_template_uses_is_in_both_catalogues() {
        let catalogue = Catalogue::builtin();
        let mut checked = 0;
        for (name, bytes) in BUILTIN_TEMPLATES {
            let text = String::from_utf8_lossy(bytes);
            for quote in ['"', '\''] {
                let opener = format!("t({quote}");
                let mut rest = text.as_ref();
                while let Some(at) = rest.find(&opener) {
                    let tail = &rest[at + opener.len()..];
                    let end = tail.find(quote).unwrap();
                    let key = &tail[..end];
                    // A key completed by the page (`"reset-title-" ~ channel`) stands for
                    // each of its completions.
                    let keys: Vec<String> = if key.ends_with('-') {
                        ["voice", "postal"].iter().map(|c| format!("{key}{c}")).collect()
                    } else {
                        vec![key.to_owned()]
                    };
                    for k in keys {
                        for lang in [Language::Ja, Language::En] {
                            assert!(catalogue.has(lang, &k), "{name} uses {k}, missing in {}", lang.as_str());
                        }
                        checked += 1;
                    }
                    rest = &tail[end..];
                }
            }
        }
        assert!(checked > 100, "the scan found the keys ({checked})");
    }

    #[test]
    fn a_theme_directory_replaces_files_one_by_one_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/theme.css"), ":root { --brand: #123456; }").unwrap();
        let files = ThemeFiles::load(Some(dir.path())).unwrap();
        assert_eq!(files.statics["theme.css"].bytes, b":root { --brand: #123456; }");
        assert_eq!(files.statics["style.css"].bytes, ThemeFiles::builtin().statics["style.css"].bytes, "the rest stay");

        std::fs::write(dir.path().join("static/notes.txt"), "x").unwrap();
        let e = ThemeFiles::load(Some(dir.path())).unwrap_err();
        assert!(e.path.ends_with("static/notes.txt"), "{e}");
    }
}
