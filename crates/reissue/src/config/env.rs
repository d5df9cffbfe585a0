//! The `REISSUE__SECTION__KEY` environment as a figment provider that keeps every value as
//! the text it is: `+815012345678`, `0120000000` or `123456` stay strings for string
//! settings, and the configuration is extracted leniently (`extract_lossy`), so numeric and
//! boolean settings parse that text where the setting is one. A value is read as a list or
//! table (`[10.0.0.5, 10.0.0.6]`, `[{url="https://..."}]`) only for a setting that is one:
//! [`EnvText::with_structured`] names those keys, which `super::read` learns from the type
//! error that the text alone gives. Inside a list or table an unquoted item is also kept as
//! written; `"..."` quotes one that contains `,` `[` `]` `{` `}` `=` or spaces at its ends.

use std::collections::BTreeSet;

use figment::value::{Dict, Map, Value};
use figment::{Error, Metadata, Profile, Provider};

/// The prefix of every setting in the environment.
pub const PREFIX: &str = "REISSUE__";

/// `REISSUE__A__B_FILE` names a file whose content is the setting `a.b`.
pub fn is_file_reference(key: &str) -> bool {
    key.to_ascii_uppercase().ends_with("_FILE")
}

/// The dotted setting path of an environment key after the prefix: `VOICE__TWILIO__FROM`
/// is `voice.twilio.from`.
pub fn setting_path(rest: &str) -> String {
    rest.split("__").map(|k| k.to_ascii_lowercase()).collect::<Vec<_>>().join(".")
}

/// The environment variable that sets `path`, for error messages.
pub fn variable_name(path: &[String]) -> String {
    format!("{PREFIX}{}", path.iter().map(|k| k.to_ascii_uppercase()).collect::<Vec<_>>().join("__"))
}

/// The settings from the environment, values as written.
#[derive(Debug, Default, Clone)]
pub struct EnvText {
    vars: Vec<(String, String)>,
    structured: BTreeSet<String>,
}

impl EnvText {
    /// The `REISSUE__` variables among `vars`, each taken as a setting (the caller has
    /// taken out the `_FILE` references).
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let vars = vars
            .into_iter()
            .filter_map(|(k, v)| {
                let rest = k.strip_prefix(PREFIX)?;
                (!rest.is_empty()).then(|| (setting_path(rest), v))
            })
            .collect();
        Self { vars, structured: BTreeSet::new() }
    }

    /// Whether `path` came from the environment as text that could be a list or table, and
    /// is not yet read as one.
    pub fn could_be_structured(&self, path: &str) -> bool {
        !self.structured.contains(path)
            && self.vars.iter().any(|(k, v)| k == path && matches!(v.trim_start().chars().next(), Some('[' | '{')))
    }

    /// Reads `path` as a list or table from now on.
    pub fn with_structured(mut self, path: &str) -> Self {
        self.structured.insert(path.to_owned());
        self
    }

    fn value(&self, path: &str, text: &str) -> Value {
        if self.structured.contains(path)
            && let Some(v) = parse_structured(text)
        {
            return v;
        }
        Value::from(text.to_owned())
    }
}

impl Provider for EnvText {
    fn metadata(&self) -> Metadata {
        Metadata::named(format!("`{PREFIX}` environment variable(s)"))
            .interpolater(|_profile, path| variable_name(&path.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let mut dict = Dict::new();
        for (path, text) in &self.vars {
            insert(&mut dict, path.split('.'), self.value(path, text));
        }
        Ok(Profile::Default.collect(dict))
    }
}

/// Puts `value` at the dotted path in `dict`, keeping what other keys put beside it.
fn insert<'a>(dict: &mut Dict, mut path: impl Iterator<Item = &'a str>, value: Value) {
    let Some(key) = path.next() else { return };
    let rest: Vec<&str> = path.collect();
    if rest.is_empty() {
        dict.insert(key.to_owned(), value);
        return;
    }
    let entry = dict.entry(key.to_owned()).or_insert_with(|| Value::from(Dict::new()));
    if !matches!(entry, Value::Dict(..)) {
        *entry = Value::from(Dict::new());
    }
    if let Value::Dict(_, inner) = entry {
        insert(inner, rest.into_iter(), value);
    }
}

/// Parses `[a, b]` and `{k = v, ...}` (nested freely) with every scalar kept as a string:
/// an unquoted item as written (trimmed), a quoted one with `\"`, `\\`, `\n`, `\t`
/// unescaped. `None` when the text is not one whole list or table.
pub fn parse_structured(text: &str) -> Option<Value> {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let v = parse_value(&chars, &mut at)?;
    skip_ws(&chars, &mut at);
    (at == chars.len() && !matches!(v, Value::String(..))).then_some(v)
}

fn skip_ws(c: &[char], at: &mut usize) {
    while *at < c.len() && c[*at].is_whitespace() {
        *at += 1;
    }
}

fn parse_value(c: &[char], at: &mut usize) -> Option<Value> {
    skip_ws(c, at);
    match c.get(*at)? {
        '[' => {
            *at += 1;
            let mut items = Vec::new();
            loop {
                skip_ws(c, at);
                if c.get(*at) == Some(&']') {
                    *at += 1;
                    return Some(Value::from(items));
                }
                items.push(parse_value(c, at)?);
                skip_ws(c, at);
                match c.get(*at)? {
                    ',' => *at += 1,
                    ']' => {}
                    _ => return None,
                }
            }
        }
        '{' => {
            *at += 1;
            let mut dict = Dict::new();
            loop {
                skip_ws(c, at);
                if c.get(*at) == Some(&'}') {
                    *at += 1;
                    return Some(Value::from(dict));
                }
                let key = match parse_value(c, at)? {
                    Value::String(_, k) if !k.is_empty() => k,
                    _ => return None,
                };
                skip_ws(c, at);
                if c.get(*at) != Some(&'=') {
                    return None;
                }
                *at += 1;
                let value = parse_value(c, at)?;
                dict.insert(key, value);
                skip_ws(c, at);
                match c.get(*at)? {
                    ',' => *at += 1,
                    '}' => {}
                    _ => return None,
                }
            }
        }
        '"' => {
            *at += 1;
            let mut s = String::new();
            loop {
                match *c.get(*at)? {
                    '"' => {
                        *at += 1;
                        return Some(Value::from(s));
                    }
                    '\\' => {
                        *at += 1;
                        s.push(match *c.get(*at)? {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    }
                    ch => s.push(ch),
                }
                *at += 1;
            }
        }
        _ => {
            let start = *at;
            while *at < c.len() && !matches!(c[*at], ',' | '[' | ']' | '{' | '}' | '=') {
                *at += 1;
            }
            Some(Value::from(c[start..*at].iter().collect::<String>().trim().to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::from(v.to_owned())
    }

    #[test]
    fn lists_and_tables_keep_every_item_as_its_text() {
        assert_eq!(
            parse_structured("[10.0.0.5, 007 ,+81]"),
            Some(Value::from(vec![s("10.0.0.5"), s("007"), s("+81")]))
        );
        let mut d = Dict::new();
        d.insert("name".into(), s("0120"));
        d.insert("label".into(), s(" a, b "));
        assert_eq!(parse_structured("[{name = 0120, label = \" a, b \"}]"), Some(Value::from(vec![Value::from(d)])));
        assert_eq!(parse_structured("[]"), Some(Value::from(Vec::<Value>::new())));
    }

    #[test]
    fn text_that_is_not_one_whole_list_or_table_is_not_structured() {
        assert_eq!(parse_structured("[abc"), None);
        assert_eq!(parse_structured("[a] b"), None);
        assert_eq!(parse_structured("plain"), None);
        assert_eq!(parse_structured("{=x}"), None);
    }
}
