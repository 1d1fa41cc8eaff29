//! Rewrites an OpenAPI 3.1 document, as a JSON value, into the 3.0 model `openapiv3` understands, so nothing a 3.1 document says is lost.
//!
//! Each rule keeps the meaning: type arrays with `"null"` become `nullable`, `{type: "null"}` members
//! of `anyOf`/`oneOf` make the parent nullable, `const` becomes a one-value `enum`, schema `examples`
//! becomes `example`, numeric exclusive bounds become the boolean form, a missing `paths` becomes
//! empty, and a `$ref` with sibling keywords becomes `allOf: [$ref]` so the siblings survive.
//! Keywords that change the shape of data and have no 3.0 equivalent are reported, not dropped.
//!
//! JSON Schema 2020-12 keywords with a faithful Rust form get it:
//! - `patternProperties` becomes `additionalProperties` (a map; keys are not checked against the
//!   pattern, as string `pattern`s are not);
//! - an exact `prefixItems` (with `items: false`, or `maxItems` equal to its length, at most 12) becomes a
//!   tuple, through the `x-generator-prefix-items` extension the schema lowering reads; an open one,
//!   which allows more items of any shape, becomes an array of JSON values;
//! - `contentEncoding: base64` on a string becomes bytes (the `x-generator-content-encoding` extension);
//! - a property whose schema is `false` must be absent: it is left out of the type, and the schema's
//!   description says so;
//! - `dependentRequired` only constrains which properties are present together, not their shapes, so
//!   it is accepted as is (like `required` across `oneOf` members, it is not checked);
//! - `$defs` are walked like `definitions`, and are `$ref` targets like any other JSON pointer.

use crate::error::{pointer_push, ErrorContext, GeneratorError};
use serde_json::{Map, Value};

/// 3.1 keywords that would change the generated types but have no 3.0 form.
const UNSUPPORTED_SHAPE_KEYWORDS: &[&str] = &[
    "if",
    "then",
    "else",
    "dependentSchemas",
    "unevaluatedItems",
    "$dynamicRef",
];

/// The extension an exact `prefixItems` becomes, read by the schema lowering as a tuple.
pub const PREFIX_ITEMS_EXTENSION: &str = "x-generator-prefix-items";
/// The extension `contentEncoding` becomes, read by the schema lowering (`base64` gives bytes).
pub const CONTENT_ENCODING_EXTENSION: &str = "x-generator-content-encoding";
/// Rust implements `Debug`, `PartialEq` and `Default` for tuples of at most 12 elements.
const LONGEST_TUPLE: usize = 12;

/// Normalizes a whole 3.1 document in place.
pub fn normalize_openapi_31(
    context: &ErrorContext,
    document: &mut Value,
) -> Result<(), GeneratorError> {
    let Some(root) = document.as_object_mut() else {
        return Ok(());
    };
    root.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    // 3.1 made an operation's `responses` optional; 3.0 (and `openapiv3`) require it.
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for method in HTTP_METHODS {
                if let Some(Value::Object(operation)) = item.get_mut(*method) {
                    operation
                        .entry("responses")
                        .or_insert_with(|| Value::Object(Map::new()));
                }
            }
        }
    }
    walk_for_schemas(context, "", document)
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Integer bounds at or beyond the edges of 64 bits (`-2^63` written as a float, `2^64 - 1`) do not
/// fit the `i64` that `openapiv3` reads them into. They only constrain values, so an integral float
/// inside the `i64` range becomes that integer, and a bound outside it is dropped; a non-negative
/// integer whose maximum exceeds `i64::MAX` becomes `format: uint64` (a `u64`). Applies to 3.0 and 3.1.
pub fn normalize_integer_bounds(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                fix_integer_schema(map);
            }
            for child in map.values_mut() {
                normalize_integer_bounds(child);
            }
        }
        Value::Array(items) => {
            for item in items {
                normalize_integer_bounds(item);
            }
        }
        _ => {}
    }
}

fn fix_integer_schema(map: &mut Map<String, Value>) {
    const I64_MAX_AS_F64: f64 = 9_223_372_036_854_775_807.0;
    let exceeds_i64 = map.get("maximum").is_some_and(|maximum| {
        maximum.as_i64().is_none()
            && maximum
                .as_f64()
                .is_some_and(|float| float >= I64_MAX_AS_F64)
    });
    let non_negative = map
        .get("minimum")
        .and_then(Value::as_f64)
        .is_some_and(|minimum| minimum >= 0.0);
    if exceeds_i64
        && non_negative
        && matches!(
            map.get("format").and_then(Value::as_str),
            None | Some("int64") | Some("uint64")
        )
    {
        map.insert("format".to_string(), Value::String("uint64".to_string()));
    }
    for keyword in ["minimum", "maximum", "multipleOf"] {
        let Some(bound) = map.get(keyword) else {
            continue;
        };
        if bound.is_i64() {
            continue;
        }
        match bound.as_f64() {
            Some(float)
                if float.fract() == 0.0
                    && (-I64_MAX_AS_F64 - 1.0..I64_MAX_AS_F64).contains(&float) =>
            {
                map.insert(keyword.to_string(), Value::from(float as i64));
            }
            _ => {
                map.remove(keyword);
            }
        }
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        if values
            .iter()
            .any(|value| !(value.is_i64() || value.is_null()))
        {
            map.remove("enum");
        }
    }
}

/// Finds every schema position in the document: `components/schemas/*` and any `schema` key.
fn walk_for_schemas(
    context: &ErrorContext,
    pointer: &str,
    value: &mut Value,
) -> Result<(), GeneratorError> {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let child_pointer = pointer_push(pointer, key);
                // Example payloads are user data, not schemas: never rewrite them.
                if key == "example" || key == "examples" {
                    continue;
                }
                let is_schema_map = key == "schemas" && pointer == "/components";
                if key == "schema" && child.is_object() {
                    normalize_schema(context, &child_pointer, child)?;
                } else if is_schema_map {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas.iter_mut() {
                            normalize_schema(context, &pointer_push(&child_pointer, name), schema)?;
                        }
                    }
                } else {
                    walk_for_schemas(context, &child_pointer, child)?;
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                walk_for_schemas(context, &pointer_push(pointer, &index.to_string()), item)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn normalize_schema(
    context: &ErrorContext,
    pointer: &str,
    schema: &mut Value,
) -> Result<(), GeneratorError> {
    let Value::Object(map) = schema else {
        // `true`/`false` schemas: `true` accepts anything, which 3.0 spells `{}`.
        if schema.as_bool() == Some(true) {
            *schema = Value::Object(Map::new());
            return Ok(());
        }
        if schema.as_bool() == Some(false) {
            return Err(context.unsupported(
                pointer,
                "the `false` schema (accepts nothing) has no Rust type",
            ));
        }
        return Ok(());
    };
    for keyword in UNSUPPORTED_SHAPE_KEYWORDS {
        if map.contains_key(*keyword) {
            return Err(context.unsupported(
                &pointer_push(pointer, keyword),
                format!("the JSON Schema keyword `{keyword}` is not supported"),
            ));
        }
    }
    move_ref_siblings_into_all_of(map);
    drop_false_properties(map);
    let exact_tuple = take_exact_tuple_marker(map);
    normalize_type_keyword(context, pointer, map)?;
    normalize_const(map);
    normalize_examples(map);
    normalize_exclusive_bound(map, "exclusiveMinimum", "minimum");
    normalize_exclusive_bound(map, "exclusiveMaximum", "maximum");
    recurse_into_subschemas(context, pointer, map)?;
    fold_null_members(map, "anyOf");
    fold_null_members(map, "oneOf");
    pattern_properties_to_map(map);
    prefix_items_to_tuple(map, exact_tuple);
    if let Some(encoding) = map.remove("contentEncoding") {
        map.insert(CONTENT_ENCODING_EXTENSION.to_string(), encoding);
    }
    Ok(())
}

/// `properties: {x: false}`: `x` must be absent. The type leaves it out; its docs say so.
fn drop_false_properties(map: &mut Map<String, Value>) {
    let Some(Value::Object(properties)) = map.get_mut("properties") else {
        return;
    };
    let absent: Vec<String> = properties
        .iter()
        .filter(|(_, schema)| schema.as_bool() == Some(false))
        .map(|(name, _)| name.clone())
        .collect();
    if absent.is_empty() {
        return;
    }
    for name in &absent {
        properties.shift_remove(name);
    }
    let names: Vec<String> = absent
        .iter()
        .map(|name| format!("`{}`", name.replace('`', "'")))
        .collect();
    let note = format!(
        "The spec forbids the propert{} {} (a `false` schema): {} must be absent.",
        if names.len() == 1 { "y" } else { "ies" },
        names.join(", "),
        if names.len() == 1 { "it" } else { "they" }
    );
    let description = match map.get("description").and_then(Value::as_str) {
        Some(description) => format!("{description}\n\n{note}"),
        None => note,
    };
    map.insert("description".to_string(), Value::String(description));
}

/// Whether `prefixItems` lists every item (`items: false`, or `maxItems` equal to its length);
/// `items: false` is removed here, since `false` has no schema form of its own.
fn take_exact_tuple_marker(map: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(prefix)) = map.get("prefixItems") else {
        return false;
    };
    let length = prefix.len();
    let closed_by_items = map.get("items").and_then(Value::as_bool) == Some(false);
    if closed_by_items {
        map.remove("items");
    }
    let closed_by_max = map.get("maxItems").and_then(Value::as_u64) == Some(length as u64);
    closed_by_items || closed_by_max
}

/// `prefixItems` (already normalized): a tuple when exact and short enough, else JSON values.
fn prefix_items_to_tuple(map: &mut Map<String, Value>, exact: bool) {
    let Some(Value::Array(prefix)) = map.remove("prefixItems") else {
        return;
    };
    map.insert("type".to_string(), Value::String("array".to_string()));
    // `items` after `prefixItems` describes only the later items, not the array's items as a whole.
    map.remove("items");
    if exact && !prefix.is_empty() && prefix.len() <= LONGEST_TUPLE {
        map.insert(PREFIX_ITEMS_EXTENSION.to_string(), Value::Array(prefix));
    }
}

/// `patternProperties` (already normalized): a map whose values are any of the pattern schemas (and
/// the `additionalProperties` schema, which covers the keys no pattern matches).
fn pattern_properties_to_map(map: &mut Map<String, Value>) {
    let Some(Value::Object(patterns)) = map.remove("patternProperties") else {
        return;
    };
    let mut value_schemas: Vec<Value> = Vec::new();
    for schema in patterns.into_values() {
        if !value_schemas.contains(&schema) {
            value_schemas.push(schema);
        }
    }
    match map.get("additionalProperties") {
        Some(Value::Object(additional)) if !additional.is_empty() => {
            let additional = Value::Object(additional.clone());
            if !value_schemas.contains(&additional) {
                value_schemas.push(additional);
            }
        }
        Some(Value::Object(_)) | Some(Value::Bool(true)) => {
            // Any value is allowed for the other keys, so any value is what a map value can be.
            value_schemas = vec![Value::Object(Map::new())];
        }
        _ => {}
    }
    let value_schema = match value_schemas.len() {
        0 => Value::Object(Map::new()),
        1 => value_schemas.remove(0),
        _ => {
            let mut any_of = Map::new();
            any_of.insert("anyOf".to_string(), Value::Array(value_schemas));
            Value::Object(any_of)
        }
    };
    map.insert("additionalProperties".to_string(), value_schema);
    if !map.contains_key("type") && !map.contains_key("properties") {
        map.insert("type".to_string(), Value::String("object".to_string()));
    }
}

fn recurse_into_subschemas(
    context: &ErrorContext,
    pointer: &str,
    map: &mut Map<String, Value>,
) -> Result<(), GeneratorError> {
    for key in ["properties", "$defs", "definitions", "patternProperties"] {
        if let Some(Value::Object(properties)) = map.get_mut(key) {
            let base = pointer_push(pointer, key);
            for (name, property) in properties.iter_mut() {
                normalize_schema(context, &pointer_push(&base, name), property)?;
            }
        }
    }
    for key in [
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
    ] {
        if let Some(child) = map.get_mut(key) {
            if child.is_object() || (key != "additionalProperties" && child.is_boolean()) {
                normalize_schema(context, &pointer_push(pointer, key), child)?;
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            let base = pointer_push(pointer, key);
            for (index, member) in members.iter_mut().enumerate() {
                normalize_schema(context, &pointer_push(&base, &index.to_string()), member)?;
            }
        }
    }
    Ok(())
}

/// `{$ref: X, description: ...}` means "X, and also these keywords" in 3.1; 3.0 tools ignore the siblings.
fn move_ref_siblings_into_all_of(map: &mut Map<String, Value>) {
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    let reference = map.remove("$ref").unwrap_or(Value::Null);
    let mut reference_schema = Map::new();
    reference_schema.insert("$ref".to_string(), reference);
    let mut members = vec![Value::Object(reference_schema)];
    if let Some(Value::Array(existing)) = map.remove("allOf") {
        members.extend(existing);
    }
    map.insert("allOf".to_string(), Value::Array(members));
}

fn normalize_type_keyword(
    context: &ErrorContext,
    pointer: &str,
    map: &mut Map<String, Value>,
) -> Result<(), GeneratorError> {
    let Some(type_value) = map.get("type").cloned() else {
        return Ok(());
    };
    match type_value {
        Value::String(name) if name == "null" => {
            map.remove("type");
            map.insert("nullable".to_string(), Value::Bool(true));
            map.insert("enum".to_string(), Value::Array(vec![Value::Null]));
        }
        Value::Array(types) => {
            let mut names = Vec::new();
            for entry in &types {
                let Some(name) = entry.as_str() else {
                    return Err(context.invalid(
                        &pointer_push(pointer, "type"),
                        "every entry of a `type` array must be a string",
                    ));
                };
                names.push(name.to_string());
            }
            let nullable = names.iter().any(|name| name == "null");
            names.retain(|name| name != "null");
            names.dedup();
            map.remove("type");
            if nullable {
                map.insert("nullable".to_string(), Value::Bool(true));
            }
            match names.as_slice() {
                [] => {}
                [single] => {
                    map.insert("type".to_string(), Value::String(single.clone()));
                }
                several => {
                    let members = several
                        .iter()
                        .map(|name| {
                            let mut member = Map::new();
                            member.insert("type".to_string(), Value::String(name.clone()));
                            if name == "array" {
                                if let Some(items) = map.get("items") {
                                    member.insert("items".to_string(), items.clone());
                                }
                            }
                            Value::Object(member)
                        })
                        .collect();
                    map.insert("anyOf".to_string(), Value::Array(members));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn normalize_const(map: &mut Map<String, Value>) {
    let Some(constant) = map.remove("const") else {
        return;
    };
    if !map.contains_key("type") {
        let inferred = match &constant {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(number) if number.is_i64() || number.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(inferred) = inferred {
            map.insert("type".to_string(), Value::String(inferred.to_string()));
        }
    }
    map.insert("enum".to_string(), Value::Array(vec![constant]));
}

fn normalize_examples(map: &mut Map<String, Value>) {
    if let Some(Value::Array(examples)) = map.remove("examples") {
        if !map.contains_key("example") {
            if let Some(first) = examples.into_iter().next() {
                map.insert("example".to_string(), first);
            }
        }
    }
}

fn normalize_exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive_keyword: &str,
    inclusive_keyword: &str,
) {
    if let Some(bound) = map
        .get(exclusive_keyword)
        .filter(|value| value.is_number())
        .cloned()
    {
        map.insert(inclusive_keyword.to_string(), bound);
        map.insert(exclusive_keyword.to_string(), Value::Bool(true));
    }
}

/// `anyOf: [X, {type: "null"}]` is "X or null": drop the null member and mark the schema nullable.
fn fold_null_members(map: &mut Map<String, Value>, keyword: &str) {
    let Some(Value::Array(members)) = map.get(keyword) else {
        return;
    };
    let is_null_member = |member: &Value| {
        member.get("enum") == Some(&Value::Array(vec![Value::Null]))
            && member.get("nullable") == Some(&Value::Bool(true))
    };
    if !members.iter().any(is_null_member) {
        return;
    }
    let remaining: Vec<Value> = members
        .iter()
        .filter(|member| !is_null_member(member))
        .cloned()
        .collect();
    map.remove(keyword);
    map.insert("nullable".to_string(), Value::Bool(true));
    match remaining.len() {
        0 => {}
        1 => {
            let only = remaining.into_iter().next().unwrap_or(Value::Null);
            match only {
                Value::Object(member) if !member.contains_key("$ref") => {
                    // Keywords on the outer schema (title, description) stay; the member supplies the shape.
                    for (key, value) in member {
                        map.entry(key).or_insert(value);
                    }
                }
                other => {
                    let mut members = vec![other];
                    if let Some(Value::Array(existing)) = map.remove("allOf") {
                        members.extend(existing);
                    }
                    map.insert("allOf".to_string(), Value::Array(members));
                }
            }
        }
        _ => {
            map.insert(keyword.to_string(), Value::Array(remaining));
        }
    }
}
