//! Reading the OpenAPI documents the conformance tests run against, so the tests can prove they cover
//! every operation and every documented status, and can compare decoded values with the examples.

use std::collections::BTreeMap;

use serde_json::Value;

use super::workspace_root;

/// The methods an OpenAPI path item can hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A spec (JSON or YAML), by path relative to the workspace root.
pub fn load(spec: &str) -> Value {
    let path = workspace_root().join(spec);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    if spec.ends_with(".json") {
        serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
    } else {
        // Integers beyond 64 bits (bounds such as 2^64) do not fit `serde_json::Value` directly;
        // they become floats, as JSON parsing makes them.
        serde_norway::from_str::<Lenient>(&text)
            .unwrap_or_else(|error| panic!("{} is not YAML: {error}", path.display()))
            .0
    }
}

/// A JSON value read from YAML, with integers beyond 64 bits as floats and non-string keys as text.
struct Lenient(Value);

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor).map(Lenient)
    }
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any YAML value")
    }
    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }
    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(Value::from(value as f64))
    }
    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(Value::from(value as f64))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }
    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(LenientVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Lenient(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((Lenient(key), Lenient(value))) = map.next_entry()? {
            let key = match key {
                Value::String(text) => text,
                other => other.to_string(),
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// `(METHOD /path, [documented statuses])` for every operation, in document order.
pub fn operations(spec: &Value) -> Vec<(String, Vec<String>)> {
    let mut operations = Vec::new();
    let Some(paths) = spec["paths"].as_object() else {
        return operations;
    };
    for (path, item) in paths {
        // A path item that is a `$ref` has the operations of the one it points to.
        let item = item["$ref"]
            .as_str()
            .and_then(|reference| reference.strip_prefix('#'))
            .and_then(|pointer| spec.pointer(pointer))
            .unwrap_or(item);
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                let statuses = operation["responses"]
                    .as_object()
                    .map(|responses| responses.keys().cloned().collect())
                    .unwrap_or_default();
                operations.push((format!("{} {path}", method.to_uppercase()), statuses));
            }
        }
    }
    operations
}

/// Fails unless the spec has exactly these operations with exactly these statuses: a new operation or
/// status in the spec must get a conformance test.
pub fn assert_operations(spec_path: &str, expected: &[(&str, &[&str])]) {
    let actual: BTreeMap<String, Vec<String>> = operations(&load(spec_path)).into_iter().collect();
    let expected: BTreeMap<String, Vec<String>> = expected
        .iter()
        .map(|(operation, statuses)| {
            (
                operation.to_string(),
                statuses.iter().map(|status| status.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(
        actual, expected,
        "{spec_path}: the operations and statuses the conformance tests cover differ from the spec's"
    );
}

/// The operation object at `METHOD /path`.
pub fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> &'a Value {
    let operation = &spec["paths"][path][method.to_lowercase()];
    assert!(operation.is_object(), "the spec has no {method} {path}");
    operation
}

/// The examples of one response's JSON body: `(Some(key), value)` for each named example, or
/// `(None, value)` for a single `example`. Empty when the response has none.
pub fn response_examples(
    spec: &Value,
    method: &str,
    path: &str,
    status: &str,
) -> Vec<(Option<String>, Value)> {
    let content = &operation(spec, method, path)["responses"][status]["content"];
    let Some(media) = content.as_object().and_then(|media| {
        media
            .iter()
            .find(|(media_type, _)| {
                media_type.as_str() == "application/json" || media_type.ends_with("+json")
            })
            .map(|(_, media)| media)
    }) else {
        return Vec::new();
    };
    if let Some(examples) = media["examples"].as_object() {
        return examples
            .iter()
            .map(|(key, example)| (Some(key.clone()), example["value"].clone()))
            .collect();
    }
    match media.get("example") {
        Some(example) => vec![(None, example.clone())],
        None => Vec::new(),
    }
}

/// Compares JSON values, numbers by value (`3600` equals `3600.0`).
pub fn json_equivalent(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => left.as_f64() == right.as_f64(),
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .zip(right)
                    .all(|(left, right)| json_equivalent(left, right))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left.iter().all(|(key, left)| {
                    right
                        .get(key)
                        .is_some_and(|right| json_equivalent(left, right))
                })
        }
        (left, right) => left == right,
    }
}

/// Date-times compare by instant (`...47.781Z` equals `...47.781+00:00`); strings parsed first.
pub fn assert_example_decoded(decoded: &Value, example: &Value, what: &str) {
    let decoded = normalize_date_times(decoded);
    let example = normalize_date_times(example);
    assert!(
        json_equivalent(&decoded, &example),
        "{what}: the decoded value differs from the spec's example\n  decoded: {decoded}\n  example: {example}"
    );
}

fn normalize_date_times(value: &Value) -> Value {
    match value {
        Value::String(text) => match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(instant) => Value::String(
                instant
                    .with_timezone(&chrono::Utc)
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            ),
            Err(_) => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(normalize_date_times).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), normalize_date_times(value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A copy of `spec` for Prism in which every schema a discriminator maps to has its discriminator
/// property pinned to its mapping keys (`enum: [cat]`), written under Cargo's target tmp dir.
///
/// Prism generates and validates with JSON Schema only and ignores `discriminator`: it would generate
/// `petType: "string"` (which the spec's mapping does not allow, so a client must reject it), and a
/// `oneOf` of overlapping object schemas fails its own validation. The pins only make explicit what
/// the mapping already implies; the client under test is generated from the original.
pub fn with_pinned_discriminators(spec_path: &str) -> String {
    let mut document = load(spec_path);
    let mut pins: BTreeMap<String, (String, Vec<Value>)> = BTreeMap::new();
    if let Some(schemas) = document["components"]["schemas"].as_object() {
        for schema in schemas.values() {
            let discriminator = &schema["discriminator"];
            let (Some(property), Some(mapping)) = (
                discriminator["propertyName"].as_str(),
                discriminator["mapping"].as_object(),
            ) else {
                continue;
            };
            for (key, target) in mapping {
                let name = target
                    .as_str()
                    .and_then(|target| target.strip_prefix("#/components/schemas/"))
                    .unwrap_or_else(|| panic!("{spec_path}: unsupported mapping target {target}"));
                pins.entry(name.to_string())
                    .or_insert_with(|| (property.to_string(), Vec::new()))
                    .1
                    .push(Value::String(key.clone()));
            }
        }
    }
    assert!(!pins.is_empty(), "{spec_path} has no discriminator mapping");
    for (name, (property, keys)) in pins {
        let schema = &mut document["components"]["schemas"][&name]["properties"][&property];
        assert!(
            schema.is_object(),
            "{spec_path}: {name} has no property {property}"
        );
        schema["enum"] = Value::Array(keys);
    }
    write_derived(spec_path, "pinned-discriminators", &document)
}

/// A copy of a components-only `spec` for Prism with one endpoint per component schema,
/// `GET /schemas/{Name}` answering 200 with that schema, so Prism can generate instances of each.
pub fn with_schema_endpoints(spec_path: &str) -> String {
    let mut document = load(spec_path);
    let names: Vec<String> = document["components"]["schemas"]
        .as_object()
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    assert!(!names.is_empty(), "{spec_path} has no component schemas");
    let mut paths = serde_json::Map::new();
    for name in names {
        paths.insert(
            format!("/schemas/{name}"),
            serde_json::json!({
                "get": {
                    "operationId": format!("get{name}"),
                    "responses": {
                        "200": {
                            "description": format!("One {name}."),
                            "content": {
                                "application/json": {
                                    "schema": { "$ref": format!("#/components/schemas/{name}") }
                                }
                            }
                        }
                    }
                }
            }),
        );
    }
    document["paths"] = Value::Object(paths);
    write_derived(spec_path, "schema-endpoints", &document)
}

/// The spec at `spec_path` with the overlay beside it (`specs/<provider>/overlay.yaml`) applied by the
/// generator's own code, as `cargo xtask gen` applies it, written as a derived copy: Prism then
/// validates against the document the client was generated from, overlay facts included.
pub fn with_overlay(spec_path: &str) -> String {
    let overlay_path = std::path::Path::new(spec_path)
        .parent()
        .expect("a spec in a provider folder")
        .join("overlay.yaml");
    let bytes = std::fs::read(workspace_root().join(&overlay_path))
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", overlay_path.display()));
    let mut document = load(spec_path);
    generator::load::overlay::apply_overlay(
        &mut document,
        spec_path,
        &generator::OverlaySource {
            path: overlay_path.to_string_lossy().into_owned(),
            bytes,
        },
    )
    .unwrap_or_else(|error| panic!("{error}"));
    write_derived(spec_path, "overlay", &document)
}

/// Writes a derived copy of `spec_path` under Cargo's target tmp dir and returns its path. Every call
/// gets a file of its own: Prism watches its spec and restarts its server when the file changes, so a
/// copy shared by concurrent tests would make a running Prism refuse connections while it reloads.
fn write_derived(spec_path: &str, kind: &str, document: &Value) -> String {
    let stem = std::path::Path::new(spec_path)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("spec");
    let directory = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance-specs");
    std::fs::create_dir_all(&directory)
        .unwrap_or_else(|error| panic!("cannot create {}: {error}", directory.display()));
    static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let unique = format!(
        "{}.{}",
        std::process::id(),
        WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let path = directory.join(format!("{stem}.{kind}.{unique}.json"));
    let text = serde_json::to_string_pretty(document).expect("serialize the spec");
    std::fs::write(&path, text)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
    path.to_str().expect("a UTF-8 path").to_string()
}
