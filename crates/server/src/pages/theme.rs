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
);

/// The built-in static files, by name.
pub const BUILTIN_STATIC: &[(&str, &[u8])] = builtin!("static":
    "style.css",
    "theme.css",
    "logo.svg",
    "app.js",
    "demo.css",
    "demo.js",
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
        Self { templates, template_paths: BTreeMap::new(), statics, locales: Vec::new() }
    }

    /// The built-in files with the theme directory's laid over them.
    pub fn load(dir: Option<&Path>) -> Result<Self, ThemeError> {
        let mut files = Self::builtin();
        let Some(dir) = dir else { return Ok(files) };
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
