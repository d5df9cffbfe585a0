//! The Japanese font letters are set in: read once, then shared by every letter rendered (a
//! print batch renders thousands). The file comes from configuration (`postal.font_file`) or
//! is found through fontconfig; either way it must really cover Japanese, since a font that
//! lacks a kana would print empty boxes in a letter no one checks before it is mailed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// Characters a Japanese letter cannot do without: a kanji of the honorific, the postal mark,
/// hiragana, katakana, a full-width bracket and the note mark.
const PROBE: &[char] = &['様', '〒', 'あ', 'ア', '（', '※', '記'];

/// What fontconfig is asked for, in order of preference.
const PATTERNS: &[&str] = &["Noto Sans CJK JP:lang=ja", "IPAexGothic:lang=ja", "IPAGothic:lang=ja"];

/// Where Debian puts the same fonts, for a machine without fontconfig's `fc-match`.
const KNOWN_FILES: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", 0),
    ("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", 0),
    ("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf", 0),
];

/// A font that could not be had.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "no Japanese font was found for the letters (tried {tried}). Install one: \
         `apt-get install fonts-noto-cjk` (or `fonts-ipaexfont-gothic`), or set postal.font_file \
         to a .ttf, .otf or .ttc file that covers Japanese"
    )]
    NotFound { tried: String },
    #[error(
        "postal.font_file {path}: cannot be read ({source}). Point it at a Japanese font file, or \
         install one (`apt-get install fonts-noto-cjk` or `fonts-ipaexfont-gothic`) and leave it unset"
    )]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("postal.font_file {path}: face {index} is not a font this renderer can read")]
    NotAFont { path: PathBuf, index: u32 },
    #[error(
        "postal.font_file {path}: face {index} does not cover Japanese (no glyph for {missing:?}); \
         use a Japanese font such as Noto Sans CJK JP (`apt-get install fonts-noto-cjk`)"
    )]
    NotJapanese { path: PathBuf, index: u32, missing: char },
}

/// A font file read once, with the face letters use.
#[derive(Clone)]
pub struct LetterFont {
    pub(crate) data: Arc<Vec<u8>>,
    pub(crate) index: u32,
    pub(crate) pdf: krilla::text::Font,
    path: PathBuf,
}

impl std::fmt::Debug for LetterFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LetterFont").field("path", &self.path).field("index", &self.index).finish()
    }
}

impl LetterFont {
    /// The font of `postal.font_file` when it is set (face 0 of a collection: in Noto Sans
    /// CJK's `.ttc` that is the Japanese one), else the first Japanese font fontconfig knows
    /// (Noto Sans CJK JP, then IPAexGothic, then IPAGothic), else one of those at Debian's
    /// paths. Nothing found: [`FontError::NotFound`], saying what to install.
    pub fn load(path: Option<&Path>) -> Result<Self, FontError> {
        if let Some(path) = path {
            return Self::from_file(path, 0);
        }
        let mut tried = Vec::new();
        let mut candidates: Vec<(PathBuf, u32)> = PATTERNS.iter().filter_map(|p| fc_match(p)).collect();
        candidates.extend(KNOWN_FILES.iter().map(|(p, i)| (PathBuf::from(p), *i)));
        for (file, index) in candidates {
            if tried.iter().any(|t: &String| t == &describe(&file, index)) {
                continue;
            }
            tried.push(describe(&file, index));
            // Whatever fontconfig falls back to (DejaVu, say) is refused here for lack of kana.
            if let Ok(font) = Self::from_file(&file, index) {
                return Ok(font);
            }
        }
        if tried.is_empty() {
            tried.push("nothing".into());
        }
        Err(FontError::NotFound { tried: tried.join(", ") })
    }

    /// Face `index` of the file at `path` (0 for a single font), checked to cover Japanese.
    pub fn from_file(path: &Path, index: u32) -> Result<Self, FontError> {
        let data = std::fs::read(path).map_err(|source| FontError::Unreadable { path: path.to_owned(), source })?;
        Self::from_bytes(data, index, path)
    }

    fn from_bytes(data: Vec<u8>, index: u32, path: &Path) -> Result<Self, FontError> {
        let not_a_font = || FontError::NotAFont { path: path.to_owned(), index };
        {
            let face = rustybuzz::Face::from_slice(&data, index).ok_or_else(not_a_font)?;
            if let Some(&missing) = PROBE.iter().find(|c| face.glyph_index(**c).is_none()) {
                return Err(FontError::NotJapanese { path: path.to_owned(), index, missing });
            }
        }
        let data = Arc::new(data);
        let pdf = krilla::text::Font::new(krilla::Data::from(data.clone()), index).ok_or_else(not_a_font)?;
        Ok(Self { data, index, pdf, path: path.to_owned() })
    }

    /// The file the font was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The face of the file (a collection holds several).
    pub fn index(&self) -> u32 {
        self.index
    }
}

fn describe(file: &Path, index: u32) -> String {
    if index == 0 { file.display().to_string() } else { format!("{} (face {index})", file.display()) }
}

/// What `fc-match` answers for `pattern`: a file and its face index. `None` when fontconfig is
/// not installed or answers nothing usable.
fn fc_match(pattern: &str) -> Option<(PathBuf, u32)> {
    let out = Command::new("fc-match").args(["-f", "%{file}\n%{index}", pattern]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    let file = lines.next().map(str::trim).filter(|f| !f.is_empty())?;
    let index = lines.next().and_then(|i| i.trim().parse().ok()).unwrap_or(0);
    Some((PathBuf::from(file), index))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch renders on every core with one font.
    #[test]
    fn one_font_serves_every_thread() {
        fn shared<T: Send + Sync + Clone>() {}
        shared::<LetterFont>();
    }

    #[test]
    fn a_file_that_is_no_font_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.ttf");
        std::fs::write(&path, b"not a font at all").unwrap();
        let e = LetterFont::load(Some(&path)).unwrap_err();
        assert!(matches!(e, FontError::NotAFont { .. }), "{e}");
        assert!(e.to_string().contains("notes.ttf"), "{e}");
    }
}
