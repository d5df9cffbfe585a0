//! A serde deserializer that walks a configuration type instead of reading data: it visits
//! every field of every section (an `Option` as present, a list as empty) and records the
//! dotted path and kind of each scalar setting, so tests can exercise every key.

use std::cell::RefCell;

use serde::de::value::{Error, StrDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};

/// The text a walked string setting gets; one that every validated string setting accepts
/// (a time zone name is checked as it is read).
const PLACEHOLDER: &str = "UTC";

/// What a scalar setting is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Unsigned,
    Signed,
    Bool,
    /// One of fixed names (`provider`, `security`, `profile`).
    Enum,
    /// A list: its items are not walked.
    List,
}

/// Every scalar setting of `T`, as `("section.key", kind)`.
pub fn settings<'de, T: de::Deserialize<'de>>() -> Vec<(String, Kind)> {
    let out = RefCell::new(Vec::new());
    T::deserialize(Probe { path: String::new(), out: &out }).expect("the probe walks every type of the configuration");
    out.into_inner()
}

struct Probe<'a> {
    path: String,
    out: &'a RefCell<Vec<(String, Kind)>>,
}

impl Probe<'_> {
    fn record(&self, kind: Kind) {
        self.out.borrow_mut().push((self.path.clone(), kind));
    }
}

macro_rules! leaf {
    ($($method:ident => $kind:ident, $visit:ident($value:expr);)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.record(Kind::$kind);
            visitor.$visit($value)
        }
    )*};
}

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = Error;

    leaf! {
        deserialize_bool => Bool, visit_bool(false);
        deserialize_u8 => Unsigned, visit_u8(1);
        deserialize_u16 => Unsigned, visit_u16(1);
        deserialize_u32 => Unsigned, visit_u32(1);
        deserialize_u64 => Unsigned, visit_u64(1);
        deserialize_i8 => Signed, visit_i8(1);
        deserialize_i16 => Signed, visit_i16(1);
        deserialize_i32 => Signed, visit_i32(1);
        deserialize_i64 => Signed, visit_i64(1);
        deserialize_str => Str, visit_str(PLACEHOLDER);
        deserialize_string => Str, visit_str(PLACEHOLDER);
        deserialize_char => Str, visit_char('x');
        deserialize_seq => List, visit_seq(de::value::SeqDeserializer::<_, Error>::new(std::iter::empty::<u8>()));
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(de::Error::custom(format!("{}: a type the probe does not know", self.path)))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.record(Kind::Enum);
        let first: StrDeserializer<'_, Error> = variants[0].into_deserializer();
        visitor.visit_enum(first)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_map(Fields { probe: self, fields, at: 0 })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(Fields { probe: self, fields: &[], at: 0 })
    }

    serde::forward_to_deserialize_any! {
        f32 f64 bytes byte_buf unit unit_struct tuple tuple_struct identifier ignored_any
    }
}

struct Fields<'a> {
    probe: Probe<'a>,
    fields: &'static [&'static str],
    at: usize,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some(field) = self.fields.get(self.at) else { return Ok(None) };
        let key: StrDeserializer<'_, Error> = field.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let field = self.fields[self.at];
        self.at += 1;
        let path = if self.probe.path.is_empty() { field.to_owned() } else { format!("{}.{field}", self.probe.path) };
        seed.deserialize(Probe { path, out: self.probe.out })
    }
}
