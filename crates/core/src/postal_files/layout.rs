//! The manifest's layout, one per vendor: which columns, in which order, under which
//! headers, with or without a header row, in which encoding, with which mail type code.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::cp932::{fold_for_cp932, unencodable};
use super::input::FileEncoding;

/// A value the manifest can carry, one per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManifestField {
    /// The letter's reference (お客様側管理番号), `L00000123`.
    Reference,
    /// The day the batch is handed to the vendor, `yyyymmdd`.
    SendDate,
    /// The layout's mail type code, the same on every row (`kan_i_kakitome` by default).
    MailType,
    /// `NNN-NNNN`.
    PostalCode,
    /// The address lines, joined by one full-width space (U+3000).
    Address,
    /// The name lines as on the envelope, with 様, joined by one full-width space.
    Name,
}

impl ManifestField {
    pub const ALL: [ManifestField; 6] =
        [Self::Reference, Self::SendDate, Self::MailType, Self::PostalCode, Self::Address, Self::Name];

    /// The field's name in the configuration, and its header unless renamed.
    pub fn name(self) -> &'static str {
        match self {
            Self::Reference => "reference",
            Self::SendDate => "send_date",
            Self::MailType => "mail_type",
            Self::PostalCode => "postal_code",
            Self::Address => "address",
            Self::Name => "name",
        }
    }
}

impl std::fmt::Display for ManifestField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One column: a field, written under `header` (the field's name when `None`).
///
/// In the configuration either the field's name, `"postal_code"`, or a table,
/// `{ field = "reference", header = "お客様管理番号" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestColumn {
    pub field: ManifestField,
    pub header: Option<String>,
}

impl ManifestColumn {
    pub fn new(field: ManifestField) -> Self {
        Self { field, header: None }
    }

    pub fn renamed(field: ManifestField, header: impl Into<String>) -> Self {
        Self { field, header: Some(header.into()) }
    }

    /// The header this column is written under.
    pub fn header(&self) -> &str {
        self.header.as_deref().unwrap_or(self.field.name())
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RenamedColumn {
    field: ManifestField,
    header: String,
}

impl<'de> Deserialize<'de> for ManifestColumn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ManifestColumn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name such as \"reference\", or { field = \"...\", header = \"...\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ManifestColumn, E> {
                let field = ManifestField::deserialize(serde::de::value::StrDeserializer::<E>::new(v))?;
                Ok(ManifestColumn::new(field))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<ManifestColumn, A::Error> {
                let c = RenamedColumn::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(ManifestColumn::renamed(c.field, c.header))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Serialize for ManifestColumn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.header {
            None => self.field.serialize(serializer),
            Some(header) => RenamedColumn { field: self.field, header: header.clone() }.serialize(serializer),
        }
    }
}

/// Why a manifest layout was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("the manifest needs at least one column")]
    NoColumns,
    #[error("the manifest needs the reference column: the vendor's result file names letters by it")]
    NoReference,
    #[error("the manifest names the field {0} twice")]
    FieldTwice(ManifestField),
    #[error("two manifest columns have the header {0:?}")]
    HeaderTwice(String),
    #[error("the manifest column {0} has an empty header")]
    EmptyHeader(ManifestField),
    #[error("{what} {text:?} has {character:?} (U+{code:04X}), which {encoding} cannot hold", code = *character as u32, encoding = encoding.as_str())]
    Unencodable { what: &'static str, text: String, character: char, encoding: FileEncoding },
    #[error("{what} {text:?} has a control character")]
    ControlCharacter { what: &'static str, text: String },
    #[error("the manifest's mail type code is empty")]
    EmptyMailType,
}

/// How one vendor wants the manifest. The default is the layout shown in the module docs.
///
/// Configuration (every key optional):
///
/// ```toml
/// [postal.manifest]
/// columns = ["reference", "send_date", { field = "postal_code", header = "郵便番号" }, "address", "name"]
/// header = true
/// encoding = "cp932"          # or "utf8" (the default)
/// mail_type = "kan_i_kakitome"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LayoutConfig", into = "LayoutConfig")]
pub struct ManifestLayout {
    columns: Vec<ManifestColumn>,
    header: bool,
    encoding: FileEncoding,
    mail_type: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayoutConfig {
    #[serde(default = "default_columns")]
    columns: Vec<ManifestColumn>,
    #[serde(default = "yes")]
    header: bool,
    #[serde(default)]
    encoding: FileEncoding,
    #[serde(default = "default_mail_type")]
    mail_type: String,
}

fn default_columns() -> Vec<ManifestColumn> {
    ManifestField::ALL.into_iter().map(ManifestColumn::new).collect()
}

fn yes() -> bool {
    true
}

fn default_mail_type() -> String {
    ManifestLayout::DEFAULT_MAIL_TYPE.to_string()
}

impl TryFrom<LayoutConfig> for ManifestLayout {
    type Error = LayoutError;
    fn try_from(c: LayoutConfig) -> Result<Self, LayoutError> {
        ManifestLayout::new(c.columns, c.header, c.encoding, c.mail_type)
    }
}

impl From<ManifestLayout> for LayoutConfig {
    fn from(l: ManifestLayout) -> Self {
        LayoutConfig { columns: l.columns, header: l.header, encoding: l.encoding, mail_type: l.mail_type }
    }
}

impl Default for ManifestLayout {
    fn default() -> Self {
        Self { columns: default_columns(), header: true, encoding: FileEncoding::Utf8, mail_type: default_mail_type() }
    }
}

impl ManifestLayout {
    /// The mail type code written by default: Japan Post's 簡易書留 (Simplified Registered Mail).
    pub const DEFAULT_MAIL_TYPE: &str = "kan_i_kakitome";

    /// A layout, checked: at least the reference column, no field or header twice, headers and
    /// the mail type code writable in `encoding`.
    pub fn new(
        columns: Vec<ManifestColumn>,
        header: bool,
        encoding: FileEncoding,
        mail_type: String,
    ) -> Result<Self, LayoutError> {
        if columns.is_empty() {
            return Err(LayoutError::NoColumns);
        }
        for (i, column) in columns.iter().enumerate() {
            if columns[..i].iter().any(|c| c.field == column.field) {
                return Err(LayoutError::FieldTwice(column.field));
            }
            let name = column.header();
            if name.trim().is_empty() {
                return Err(LayoutError::EmptyHeader(column.field));
            }
            if columns[..i].iter().any(|c| c.header().trim().eq_ignore_ascii_case(name.trim())) {
                return Err(LayoutError::HeaderTwice(name.to_string()));
            }
            check_text("the manifest header", name, encoding)?;
        }
        if !columns.iter().any(|c| c.field == ManifestField::Reference) {
            return Err(LayoutError::NoReference);
        }
        if mail_type.trim().is_empty() {
            return Err(LayoutError::EmptyMailType);
        }
        check_text("the mail type code", &mail_type, encoding)?;
        Ok(Self { columns, header, encoding, mail_type })
    }

    pub fn columns(&self) -> &[ManifestColumn] {
        &self.columns
    }

    pub fn header(&self) -> bool {
        self.header
    }

    pub fn encoding(&self) -> FileEncoding {
        self.encoding
    }

    pub fn mail_type(&self) -> &str {
        &self.mail_type
    }
}

fn check_text(what: &'static str, text: &str, encoding: FileEncoding) -> Result<(), LayoutError> {
    if text.chars().any(char::is_control) {
        return Err(LayoutError::ControlCharacter { what, text: text.to_string() });
    }
    if encoding == FileEncoding::Cp932
        && let Some(&character) = unencodable(&fold_for_cp932(text)).first()
    {
        return Err(LayoutError::Unencodable { what, text: text.to_string(), character, encoding });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::manifest::{ManifestRow, render};
    use super::super::reference::LetterRef;
    use super::*;
    use encoding_rs::SHIFT_JIS;
    use time::macros::date;

    fn row(id: i64, address: &[&str], name: &[&str]) -> ManifestRow {
        ManifestRow {
            reference: LetterRef::from_id(id).unwrap(),
            send_date: date!(2026 - 12 - 02),
            postal_code: "1000005".into(),
            address_lines: address.iter().map(|s| s.to_string()).collect(),
            name_lines: name.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_vendor_layout_is_read_from_configuration() {
        let layout: ManifestLayout = serde_json::from_value(serde_json::json!({
            "columns": [{ "field": "reference", "header": "お客様管理番号" }, "postal_code", "address", "name", "send_date"],
            "header": false,
            "encoding": "cp932",
            "mail_type": "KANI",
        }))
        .unwrap();
        assert_eq!(layout.columns()[0].header(), "お客様管理番号");
        assert_eq!(layout.columns()[1], ManifestColumn::new(ManifestField::PostalCode));
        assert!(!layout.header());
        assert_eq!(layout.encoding(), FileEncoding::Cp932);
        let bytes = render(&[row(7, &["東京都"], &["山田 太郎 様"])], &layout).unwrap();
        let (text, _, _) = SHIFT_JIS.decode(&bytes);
        assert_eq!(text, "L00000007,100-0005,東京都,山田 太郎 様,20261202\r\n");
        // Nothing said is the default.
        assert_eq!(serde_json::from_str::<ManifestLayout>("{}").unwrap(), ManifestLayout::default());
        // And it goes back to configuration as it came.
        let again: ManifestLayout = serde_json::from_value(serde_json::to_value(&layout).unwrap()).unwrap();
        assert_eq!(again, layout);
    }

    #[test]
    fn a_layout_that_cannot_work_is_refused_saying_why() {
        let error = |json: serde_json::Value| serde_json::from_value::<ManifestLayout>(json).unwrap_err().to_string();
        assert!(
            error(serde_json::json!({ "columns": ["reference", "phone"] }))
                .contains("unknown variant `phone`, expected one of `reference`")
        );
        assert!(error(serde_json::json!({ "columns": ["name", "address"] })).contains("needs the reference column"));
        assert!(
            error(serde_json::json!({ "columns": ["reference", "name", "name"] })).contains("the field name twice")
        );
        assert!(
            error(serde_json::json!({ "columns": ["reference", { "field": "name", "header": "Reference" }] }))
                .contains("header \"Reference\"")
        );
        assert!(
            error(serde_json::json!({ "columns": ["reference", { "field": "name", "title": "x" }] }))
                .contains("unknown field `title`")
        );
        assert!(error(serde_json::json!({ "encoding": "cp932", "columns": ["reference", { "field": "name", "header": "𠮷" }] })).contains("cp932 cannot hold"));
        assert!(error(serde_json::json!({ "encoding": "latin1" })).contains("unknown variant `latin1`"));
        assert!(error(serde_json::json!({ "columns": [] })).contains("at least one column"));
        assert!(error(serde_json::json!({ "mail_type": " " })).contains("mail type"));
        assert!(error(serde_json::json!({ "colums": [] })).contains("unknown field `colums`"));
    }
}
