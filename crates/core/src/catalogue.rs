//! The message catalogues: every text a customer reads or hears — pages, e-mails, the call's
//! spoken sentences — in the Fluent format, one catalogue per language, so that a translator
//! edits one place.
//!
//! The built-in catalogues (`crates/core/locales/{ja,en}.ftl`) are compiled in. An institution's
//! theme may replace any entry: its `locales/ja.ftl` and `locales/en.ftl` are read by the
//! binary at start-up and laid over the built-in ones, entry by entry (`Catalogue::themed`).
//! Nothing here reads a file.

use std::collections::BTreeSet;
use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::account::Language;

/// The built-in Japanese catalogue.
pub const BUILTIN_JA: &str = include_str!("../locales/ja.ftl");
/// The built-in English catalogue.
pub const BUILTIN_EN: &str = include_str!("../locales/en.ftl");

/// A value passed into a message: text, or a number (which selects plural forms).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Self::Text(s.clone())
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Self::Number(f64::from(n))
    }
}

impl From<i64> for Arg {
    #[allow(clippy::cast_precision_loss)] // Counts and lifetimes, far below 2^52.
    fn from(n: i64) -> Self {
        Self::Number(n as f64)
    }
}

/// A catalogue file that could not be used, named with the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {problem}")]
pub struct CatalogueError {
    /// Where the text came from, e.g. `theme/locales/ja.ftl`.
    pub source_name: String,
    pub problem: String,
}

/// Both languages' messages.
pub struct Catalogue {
    ja: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
    ja_keys: BTreeSet<String>,
    en_keys: BTreeSet<String>,
}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalogue").field("ja", &self.ja_keys.len()).field("en", &self.en_keys.len()).finish()
    }
}

impl Default for Catalogue {
    fn default() -> Self {
        Self::builtin()
    }
}

fn parse(source_name: &str, text: &str) -> Result<(FluentResource, BTreeSet<String>), CatalogueError> {
    let resource = FluentResource::try_new(text.to_owned()).map_err(|(_, errors)| {
        let problems: Vec<String> = errors
            .iter()
            .map(|e| {
                let line = text[..e.pos.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: {}", e.kind)
            })
            .collect();
        CatalogueError { source_name: source_name.to_owned(), problem: problems.join("; ") }
    })?;
    let keys = resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect();
    Ok((resource, keys))
}

fn bundle(lang: Language) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.as_str().parse().expect("ja and en are language identifiers");
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // Texts go into HTML, e-mails and speech; Unicode isolation marks around arguments
    // would show up in all three.
    b.set_use_isolating(false);
    b
}

impl Catalogue {
    /// The built-in catalogues alone.
    pub fn builtin() -> Self {
        Self::themed(&[]).expect("the built-in catalogues parse (tested)")
    }

    /// The built-in catalogues with a theme's entries laid over them. Each override is
    /// `(language, where it came from, its text)`; an entry it defines replaces the built-in
    /// one, and the rest stay.
    pub fn themed(overrides: &[(Language, String, String)]) -> Result<Self, CatalogueError> {
        let mut ja = bundle(Language::Ja);
        let mut en = bundle(Language::En);
        let (res, mut ja_keys) = parse("built-in ja.ftl", BUILTIN_JA)?;
        ja.add_resource_overriding(res);
        let (res, mut en_keys) = parse("built-in en.ftl", BUILTIN_EN)?;
        en.add_resource_overriding(res);
        for (lang, name, text) in overrides {
            let (res, keys) = parse(name, text)?;
            let (b, k) = match lang {
                Language::Ja => (&mut ja, &mut ja_keys),
                Language::En => (&mut en, &mut en_keys),
            };
            b.add_resource_overriding(res);
            k.extend(keys);
        }
        Ok(Self { ja, en, ja_keys, en_keys })
    }

    fn bundle(&self, lang: Language) -> &FluentBundle<FluentResource> {
        match lang {
            Language::Ja => &self.ja,
            Language::En => &self.en,
        }
    }

    /// The keys of one language's catalogue.
    pub fn keys(&self, lang: Language) -> &BTreeSet<String> {
        match lang {
            Language::Ja => &self.ja_keys,
            Language::En => &self.en_keys,
        }
    }

    /// Whether a message exists.
    pub fn has(&self, lang: Language, key: &str) -> bool {
        self.bundle(lang).has_message(key)
    }

    /// The text of `key` (or of its attribute, `key.attribute`) with `args` filled in. A key
    /// that does not exist gives the key itself, so a missing translation shows as what it
    /// is instead of as nothing.
    pub fn text(&self, lang: Language, key: &str, args: &[(&str, Arg)]) -> String {
        let b = self.bundle(lang);
        let (id, attr) = key.split_once('.').map_or((key, None), |(m, a)| (m, Some(a)));
        let Some(msg) = b.get_message(id) else { return key.to_owned() };
        let pattern = match attr {
            Some(a) => msg.get_attribute(a).map(|a| a.value()),
            None => msg.value(),
        };
        let Some(pattern) = pattern else { return key.to_owned() };
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(s) => fargs.set(*name, FluentValue::from(s.as_str())),
                Arg::Number(n) => fargs.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        let out = b.format_pattern(pattern, Some(&fargs), &mut errors);
        out.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_builtin_catalogues_parse_and_have_the_same_keys() {
        let c = Catalogue::builtin();
        let ja = c.keys(Language::Ja);
        let en = c.keys(Language::En);
        let only_ja: Vec<_> = ja.difference(en).collect();
        let only_en: Vec<_> = en.difference(ja).collect();
        assert!(only_ja.is_empty() && only_en.is_empty(), "only in ja: {only_ja:?}; only in en: {only_en:?}");
        assert!(!ja.is_empty());
    }

    #[test]
    fn a_theme_replaces_single_entries_and_keeps_the_rest() {
        let key = Catalogue::builtin().keys(Language::En).iter().next().cloned().unwrap();
        let other = Catalogue::builtin().keys(Language::En).iter().nth(1).cloned().unwrap();
        let builtin_other = Catalogue::builtin().text(Language::En, &other, &[]);
        let c = Catalogue::themed(&[(Language::En, "theme/locales/en.ftl".into(), format!("{key} = Our own words\n"))])
            .unwrap();
        assert_eq!(c.text(Language::En, &key, &[]), "Our own words");
        assert_eq!(c.text(Language::En, &other, &[]), builtin_other);
    }

    #[test]
    fn a_broken_theme_catalogue_is_refused_naming_the_file_and_line() {
        let e = Catalogue::themed(&[(Language::Ja, "theme/locales/ja.ftl".into(), "ok = fine\n\n= broken\n".into())])
            .unwrap_err();
        assert_eq!(e.source_name, "theme/locales/ja.ftl");
        assert!(e.problem.contains("line 3"), "{e}");
    }

    #[test]
    fn arguments_fill_in_and_numbers_choose_plurals() {
        let c = Catalogue::themed(&[(
            Language::En,
            "t".into(),
            "tries = { $n ->\n    [one] one more try\n   *[other] { $n } more tries\n}\n".into(),
        )])
        .unwrap();
        assert_eq!(c.text(Language::En, "tries", &[("n", 1u32.into())]), "one more try");
        assert_eq!(c.text(Language::En, "tries", &[("n", 3u32.into())]), "3 more tries");
        assert_eq!(c.text(Language::En, "no-such-key", &[]), "no-such-key");
    }
}
