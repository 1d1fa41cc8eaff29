//! Load stage: spec bytes (JSON or YAML) to a `serde_json::Value`, 3.1 normalized, then to `openapiv3::OpenAPI`.

mod resolve_pointers;

use crate::error::{
    pointer_push, ErrorContext, GeneratorError, MisdirectedReference, PointerAlias,
};
use crate::normalize;

/// A parsed document together with the facts the later stages need about its source.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The 3.0-model view of the document.
    pub openapi: openapiv3::OpenAPI,
    /// The `openapi` version string exactly as the document states it.
    pub declared_version: String,
    /// The names of the 3.1 `webhooks` (requests the provider sends; not generated).
    pub webhooks: Vec<String>,
    /// The parts of `openapi` that are copies made while resolving `$ref`s, so errors name the originals.
    pub pointer_aliases: Vec<PointerAlias>,
    /// `$ref`s left in place that reach the wrong kind of object.
    pub misdirected_references: Vec<MisdirectedReference>,
}

impl LoadedSpec {
    /// `context`, reporting errors in the terms of the document as written (see `resolve_pointers`).
    pub fn error_context(&self, context: &ErrorContext) -> ErrorContext {
        context
            .with_pointer_aliases(&self.pointer_aliases)
            .with_reference_targets(&self.misdirected_references)
    }
}

/// Parses `bytes` (JSON when the first non-blank byte is `{`, YAML otherwise).
pub fn load_spec(context: &ErrorContext, bytes: &[u8]) -> Result<LoadedSpec, GeneratorError> {
    let mut document = parse_document(context, bytes)?;
    let declared_version = check_version(context, &document)?;
    let webhooks = document
        .get("webhooks")
        .and_then(serde_json::Value::as_object)
        .map(|webhooks| webhooks.keys().cloned().collect())
        .unwrap_or_default();
    let resolved = resolve_pointers::resolve_pointer_references(context, &mut document)?;
    let context = &context.with_pointer_aliases(&resolved.aliases);
    if declared_version.starts_with("3.1") {
        normalize::normalize_openapi_31(context, &mut document)?;
    }
    normalize::normalize_integer_bounds(&mut document);
    let openapi = to_openapiv3(context, document)?;
    Ok(LoadedSpec {
        openapi,
        declared_version,
        webhooks,
        pointer_aliases: resolved.aliases,
        misdirected_references: resolved.misdirected,
    })
}

/// What a corpus report says about a document before generating it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    /// The `openapi` (or `swagger`) version string, `?` when absent.
    pub version: String,
    /// How many operations `paths` declares.
    pub operations: usize,
    /// How many schemas `components.schemas` declares.
    pub schemas: usize,
}

/// The version and operation count of a document, when it parses at all.
pub fn document_facts(bytes: &[u8]) -> Option<DocumentFacts> {
    let document = parse_document(&ErrorContext::new(""), bytes).ok()?;
    let version = document
        .get("openapi")
        .or_else(|| document.get("swagger"))
        .map_or_else(|| "?".to_string(), display_scalar);
    let operations = document
        .get("paths")
        .and_then(serde_json::Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                // A path item that is a `$ref` holds the operations of what it points to.
                .map(|item| {
                    item.get("$ref")
                        .and_then(serde_json::Value::as_str)
                        .and_then(|reference| reference.strip_prefix('#'))
                        .and_then(|pointer| document.pointer(pointer))
                        .unwrap_or(item)
                })
                .filter_map(serde_json::Value::as_object)
                .map(|item| {
                    HTTP_METHODS
                        .iter()
                        .filter(|method| item.contains_key(**method))
                        .count()
                })
                .sum()
        });
    let schemas = document
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map_or(0, serde_json::Map::len);
    Some(DocumentFacts {
        version,
        operations,
        schemas,
    })
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn parse_document(
    context: &ErrorContext,
    bytes: &[u8],
) -> Result<serde_json::Value, GeneratorError> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        context.syntax(
            None,
            format!("the file is not valid UTF-8 (byte {})", error.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(context.syntax(
            None,
            "the file is empty: expected an OpenAPI 3.0 or 3.1 document",
        ));
    }
    let document: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|error| {
            context.syntax(
                Some((error.line(), error.column())),
                format!("invalid JSON: {error}"),
            )
        })?
    } else {
        match serde_norway::from_str(text) {
            Ok(document) => document,
            // Integers beyond 64 bits (bounds such as 2^64) do not fit `serde_json::Value` directly;
            // through the YAML value they become floats, as JSON parsing makes them.
            Err(error) => match serde_norway::from_str::<LenientJson>(text) {
                Ok(LenientJson(value)) => value,
                Err(_) => {
                    let line_column = error
                        .location()
                        .map(|location| (location.line(), location.column()));
                    return Err(context.syntax(line_column, format!("invalid YAML: {error}")));
                }
            },
        }
    };
    if !document.is_object() {
        return Err(context.invalid(
            "",
            "the document is not a mapping: expected an OpenAPI 3.0 or 3.1 document",
        ));
    }
    Ok(document)
}

/// A JSON value deserialized from YAML, where integers beyond 64 bits (which `serde_json::Value`
/// rejects) become floats, as JSON parsing makes them, and non-string keys become their text.
struct LenientJson(serde_json::Value);

impl<'de> serde::Deserialize<'de> for LenientJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(LenientVisitor)
            .map(LenientJson)
    }
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any YAML value")
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
        deserializer.deserialize_any(LenientVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut sequence: A,
    ) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(LenientJson(item)) = sequence.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((LenientJson(key), LenientJson(value))) = map.next_entry()? {
            let key = match key {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

fn float_value(value: f64) -> serde_json::Value {
    serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

fn check_version(
    context: &ErrorContext,
    document: &serde_json::Value,
) -> Result<String, GeneratorError> {
    if let Some(swagger) = document.get("swagger") {
        return Err(context.unsupported(
            "/swagger",
            format!(
                "this is a Swagger {} document; only OpenAPI 3.0 and 3.1 are supported (convert it first, e.g. with swagger2openapi)",
                display_scalar(swagger)
            ),
        ));
    }
    let Some(version) = document.get("openapi") else {
        return Err(context.invalid(
            "",
            "missing the `openapi` version field: expected an OpenAPI 3.0 or 3.1 document",
        ));
    };
    let Some(version) = version.as_str() else {
        return Err(context.invalid(
            "/openapi",
            "the `openapi` field must be a string such as \"3.1.0\"",
        ));
    };
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        return Err(context.unsupported(
            "/openapi",
            format!("OpenAPI version {version} is not supported; expected 3.0.x or 3.1.x"),
        ));
    }
    Ok(version.to_string())
}

fn display_scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn to_openapiv3(
    context: &ErrorContext,
    document: serde_json::Value,
) -> Result<openapiv3::OpenAPI, GeneratorError> {
    serde_path_to_error::deserialize(document).map_err(|error| {
        let pointer = path_to_pointer(error.path());
        context.invalid(
            &pointer,
            format!("not a valid OpenAPI object here: {}", error.inner()),
        )
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                pointer = pointer_push(&pointer, &index.to_string())
            }
            serde_path_to_error::Segment::Map { key } => pointer = pointer_push(&pointer, key),
            serde_path_to_error::Segment::Enum { variant } => {
                pointer = pointer_push(&pointer, variant)
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    pointer
}
