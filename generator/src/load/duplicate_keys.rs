//! Parses JSON or YAML into a `serde_json::Value` that refuses duplicate mapping keys.
//!
//! `serde_json::Value` and `serde_norway` both keep the last of two equal keys, so a document with
//! two `paths` objects would silently lose the first. Here a duplicate is an error naming the key,
//! its JSON pointer and (from the parser) its line and column. YAML integers beyond 64 bits become
//! floats, as JSON parsing makes them, and non-string YAML keys become their text.

use crate::error::pointer_push;
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// A key that a mapping defines twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key, as written.
    pub key: String,
    /// JSON pointer of the second occurrence.
    pub pointer: String,
}

/// Tracks where the parser is, so a duplicate can be located by JSON pointer.
#[derive(Default)]
pub struct DuplicateKeyFinder {
    path: RefCell<Vec<String>>,
    found: RefCell<Option<DuplicateKey>>,
}

impl DuplicateKeyFinder {
    /// A finder at the document root.
    pub fn new() -> Self {
        DuplicateKeyFinder::default()
    }

    /// The duplicate that stopped parsing, if that is why it stopped.
    pub fn duplicate(&self) -> Option<DuplicateKey> {
        self.found.borrow().clone()
    }

    /// The seed that deserializes the whole document.
    pub fn document_seed(&self) -> UniqueKeysValue<'_> {
        UniqueKeysValue { finder: self }
    }

    fn pointer(&self) -> String {
        self.path
            .borrow()
            .iter()
            .fold(String::new(), |pointer, token| {
                pointer_push(&pointer, token)
            })
    }
}

/// Deserializes one value whose mappings must not repeat a key.
pub struct UniqueKeysValue<'f> {
    finder: &'f DuplicateKeyFinder,
}

impl<'de> DeserializeSeed<'de> for UniqueKeysValue<'_> {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A mapping key: any scalar, as text.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        let finder = DuplicateKeyFinder::new();
        let key = deserializer.deserialize_any(UniqueKeysValue { finder: &finder })?;
        Ok(match key {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        })
    }
}

impl<'de> Visitor<'de> for UniqueKeysValue<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON or YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
        Ok(serde_json::Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
        Ok(serde_json::Value::from(value))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Self::Value, E> {
        Ok(float_value(value as f64))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Self::Value, E> {
        Ok(float_value(value as f64))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
        Ok(float_value(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(serde_json::Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
        Ok(serde_json::Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.finder.path.borrow_mut().push(items.len().to_string());
            let item = sequence.next_element_seed(UniqueKeysValue {
                finder: self.finder,
            });
            self.finder.path.borrow_mut().pop();
            match item? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if object.contains_key(&key) {
                self.finder.path.borrow_mut().push(key.clone());
                let pointer = self.finder.pointer();
                self.finder.path.borrow_mut().pop();
                let message = format!("duplicate key `{key}` at {pointer}");
                *self.finder.found.borrow_mut() = Some(DuplicateKey { key, pointer });
                return Err(A::Error::custom(message));
            }
            self.finder.path.borrow_mut().push(key.clone());
            let value = map.next_value_seed(UniqueKeysValue {
                finder: self.finder,
            });
            self.finder.path.borrow_mut().pop();
            object.insert(key, value?);
        }
        Ok(serde_json::Value::Object(object))
    }
}

fn float_value(value: f64) -> serde_json::Value {
    serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, serde_json::Value::Number)
}
