//! Resolves `$ref`s that point anywhere inside the document (not only at a component), on the JSON value, before `openapiv3` reads it.
//!
//! `openapiv3` only takes `$ref`s in the places a component may stand, and the lower stage only looks
//! components up by name. A document may point at any JSON pointer, though: a schema inside another
//! schema (`#/components/schemas/Tag/allOf/0`), inside a response or a parameter, another operation's
//! response (`#/paths/~1a/get/responses/default`), a callback or a path item. So, on the JSON value:
//!
//! - a schema `$ref` to anything but a component schema is *hoisted*: the schema found there is copied
//!   into a synthetic component schema, named after where it stands (`Tag_allOf_0`), and the `$ref`
//!   points at that component. The same target always gives the same component, which is also how a
//!   schema that refers to itself stays finite;
//! - any other `$ref` (response, parameter, request body, header, path item, callback) to anything but
//!   a plain component of its own section is *inlined*: the object found there replaces it. A chain of
//!   such inlines that comes back to itself is reported, since it would be infinite.
//!
//! Errors found later in a copy must still name where the defect stands in the document, so every
//! hoist and inline records a [`PointerAlias`], which `ErrorContext` applies to every error pointer.
//! `$ref`s that point nowhere are left in place for the lower stage, which names them as dangling.

use crate::error::{
    pointer_push, pointer_push_in_place, ErrorContext, GeneratorError, MisdirectedReference,
    PointerAlias,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// What kind of object stands at a place in an OpenAPI document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Paths,
    PathItem,
    Operation,
    ParameterList,
    ParameterMap,
    Parameter,
    RequestBodyMap,
    RequestBody,
    Responses,
    Response,
    Content,
    MediaType,
    Encodings,
    Encoding,
    Headers,
    Header,
    Callbacks,
    Callback,
    Schema,
    SchemaMap,
    SchemaList,
    Components,
    /// Anything else (examples, links, extensions, security): `$ref`s there are left as they are.
    Other,
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The kind of the member `key` of an object (or array element) of kind `parent`.
fn child_kind(parent: Kind, key: &str) -> Kind {
    match parent {
        Kind::Root => match key {
            "paths" | "webhooks" => Kind::Paths,
            "components" => Kind::Components,
            _ => Kind::Other,
        },
        Kind::Paths => Kind::PathItem,
        Kind::PathItem if HTTP_METHODS.contains(&key) => Kind::Operation,
        Kind::PathItem | Kind::Operation if key == "parameters" => Kind::ParameterList,
        Kind::Operation => match key {
            "requestBody" => Kind::RequestBody,
            "responses" => Kind::Responses,
            "callbacks" => Kind::Callbacks,
            _ => Kind::Other,
        },
        Kind::ParameterList | Kind::ParameterMap => Kind::Parameter,
        Kind::Parameter | Kind::Header => match key {
            "schema" => Kind::Schema,
            "content" => Kind::Content,
            _ => Kind::Other,
        },
        Kind::RequestBodyMap => Kind::RequestBody,
        Kind::RequestBody if key == "content" => Kind::Content,
        Kind::Responses => Kind::Response,
        Kind::Response => match key {
            "content" => Kind::Content,
            "headers" => Kind::Headers,
            _ => Kind::Other,
        },
        Kind::Content => Kind::MediaType,
        Kind::MediaType => match key {
            "schema" => Kind::Schema,
            "encoding" => Kind::Encodings,
            _ => Kind::Other,
        },
        Kind::Encodings => Kind::Encoding,
        Kind::Encoding if key == "headers" => Kind::Headers,
        Kind::Headers => Kind::Header,
        Kind::Callbacks => Kind::Callback,
        Kind::Callback => Kind::PathItem,
        Kind::Schema => match key {
            "properties" | "$defs" | "definitions" | "patternProperties" | "dependentSchemas" => {
                Kind::SchemaMap
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => Kind::SchemaList,
            "items"
            | "additionalProperties"
            | "not"
            | "contains"
            | "propertyNames"
            | "if"
            | "then"
            | "else"
            | "additionalItems"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "contentSchema" => Kind::Schema,
            _ => Kind::Other,
        },
        Kind::SchemaMap | Kind::SchemaList => Kind::Schema,
        Kind::Components => match key {
            "schemas" => Kind::SchemaMap,
            "responses" => Kind::Responses,
            "parameters" => Kind::ParameterMap,
            "requestBodies" => Kind::RequestBodyMap,
            "headers" => Kind::Headers,
            "callbacks" => Kind::Callbacks,
            "pathItems" => Kind::Paths,
            _ => Kind::Other,
        },
        _ => Kind::Other,
    }
}

/// What stands at a place of this kind, for messages about a `$ref` that reaches the wrong thing.
fn kind_description(kind: Kind) -> &'static str {
    match kind {
        Kind::Root => "the document root",
        Kind::Paths => "the paths object",
        Kind::PathItem => "a path item",
        Kind::Operation => "an operation",
        Kind::ParameterList | Kind::ParameterMap => "a list of parameters",
        Kind::Parameter => "a parameter object",
        Kind::RequestBodyMap => "a map of request bodies",
        Kind::RequestBody => "a request body object",
        Kind::Responses => "a responses object",
        Kind::Response => "a response object",
        Kind::Content => "a content map",
        Kind::MediaType => "a media type object",
        Kind::Encodings | Kind::Encoding => "an encoding object",
        Kind::Headers => "a map of headers",
        Kind::Header => "a header object",
        Kind::Callbacks | Kind::Callback => "a callback object",
        Kind::Schema => "a schema",
        Kind::SchemaMap => "a map of schemas",
        Kind::SchemaList => "a list of schemas",
        Kind::Components => "the components object",
        Kind::Other => {
            "an object that is not a schema (an example, a link, a security scheme, ...)"
        }
    }
}

/// What a position of this kind expects, in the words of the lower stage's messages.
fn position_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Schema => "schema",
        Kind::Parameter => "parameter",
        Kind::RequestBody => "request body",
        Kind::Response => "response",
        Kind::Header => "header",
        _ => "object",
    }
}

/// The root keys of an OpenAPI document: anything below them that the grammar does not know is not
/// a schema. Below any other root key (`definitions`, `x-schemas`), a document keeps its own schemas.
const OPENAPI_ROOT_KEYS: &[&str] = &[
    "openapi",
    "info",
    "jsonSchemaDialect",
    "servers",
    "paths",
    "webhooks",
    "components",
    "security",
    "tags",
    "externalDocs",
];

/// The component section whose plain members the lower stage resolves itself, for a kind of `$ref`.
fn component_section(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Schema => Some("schemas"),
        Kind::Response => Some("responses"),
        Kind::Parameter => Some("parameters"),
        Kind::RequestBody => Some("requestBodies"),
        Kind::Header => Some("headers"),
        _ => None,
    }
}

/// Splits `#/a/b~1c` into its reference tokens (`a`, `b/c`), after percent-decoding the fragment.
fn reference_tokens(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_encoding::percent_decode_str(fragment)
        .decode_utf8()
        .ok()?;
    if decoded.is_empty() {
        return Some(Vec::new());
    }
    let rest = decoded.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

fn tokens_to_pointer(tokens: &[String]) -> String {
    tokens.iter().fold(String::new(), |pointer, token| {
        pointer_push(&pointer, token)
    })
}

/// The kind of what stands at `tokens` from the document root.
fn kind_at(tokens: &[String]) -> Kind {
    tokens
        .iter()
        .fold(Kind::Root, |kind, token| child_kind(kind, token))
}

fn lookup<'v>(document: &'v Value, tokens: &[String]) -> Option<&'v Value> {
    tokens
        .iter()
        .try_fold(document, |value, token| match value {
            Value::Object(map) => map.get(token),
            Value::Array(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index)),
            _ => None,
        })
}

fn lookup_mut<'v>(document: &'v mut Value, tokens: &[String]) -> Option<&'v mut Value> {
    tokens
        .iter()
        .try_fold(document, |value, token| match value {
            Value::Object(map) => map.get_mut(token),
            Value::Array(items) => token
                .parse::<usize>()
                .ok()
                .and_then(move |index| items.get_mut(index)),
            _ => None,
        })
}

/// Rewrites a `$ref` that is left in place to its plain spelling: `openapiv3` and the lower stage
/// look a component up by the text after its section, so `#/components/schemas/My%20Schema` (a
/// URI fragment is percent-encoded, RFC 6901 section 6) must reach them as `.../My Schema`.
fn spell_reference_plainly(value: &mut Value, tokens: &[String]) {
    if let Value::Object(map) = value {
        map.insert(
            "$ref".to_string(),
            Value::String(format!("#{}", tokens_to_pointer(tokens))),
        );
    }
}

/// The only key of `{"$ref": "..."}`-like objects, when the object is a reference.
fn reference_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

struct Resolver<'d> {
    context: &'d ErrorContext,
    /// The document as written, for looking targets up while the working copy changes.
    original: &'d Value,
    /// Target pointer to the synthetic component schema key it was hoisted to.
    hoisted: BTreeMap<String, String>,
    /// Component schema keys taken, by the document or by hoisting.
    taken_schema_keys: std::collections::BTreeSet<String>,
    /// Hoisted schemas still to be walked: (key, schema).
    pending: Vec<(String, Value)>,
    /// Finished hoisted schemas, in the order they were first referenced.
    finished: Vec<(String, Value)>,
    /// Hoisted schemas that stood in a schema position: the original place becomes a `$ref` to the
    /// component too, so both are one Rust type.
    shared_places: Vec<(Vec<String>, String)>,
    aliases: Vec<PointerAlias>,
    /// `$ref`s left in place that reach the wrong kind of object, with what they reach.
    misdirected: Vec<MisdirectedReference>,
    /// Pointer of each link of a followed alias chain (non-schema `$ref`s) to the pointer the chain
    /// ends at.
    alias_chain_ends: BTreeMap<String, String>,
    /// `$ref` links followed while hoisting, over the whole document: the chain memo keeps this
    /// linear in the number of `$ref`s (a unit test counts it, as wall time is no test).
    links_followed: usize,
    /// Objects inlined so far: nested `$ref`s can multiply copies (each level doubling them), so
    /// there is a bound.
    inlined: usize,
}

/// How many objects may be inlined in one document; real documents stay far below.
const MOST_INLINED_OBJECTS: usize = 100_000;

/// What the loader did to the document's `$ref`s, for error messages.
#[derive(Debug, Clone, Default)]
pub struct ResolvedReferences {
    /// The copies made, so errors inside them name the originals.
    pub aliases: Vec<PointerAlias>,
    /// `$ref`s left in place that reach the wrong kind of object.
    pub misdirected: Vec<MisdirectedReference>,
}

/// Resolves every in-document `$ref` `openapiv3` or the lower stage cannot take (see the module
/// docs); returns the pointer aliases of what was copied.
pub fn resolve_pointer_references(
    context: &ErrorContext,
    document: &mut Value,
) -> Result<ResolvedReferences, GeneratorError> {
    let original = copy_of_what_references_reach(document);
    let taken_schema_keys = original
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut resolver = Resolver {
        context,
        original: &original,
        hoisted: BTreeMap::new(),
        taken_schema_keys,
        pending: Vec::new(),
        finished: Vec::new(),
        shared_places: Vec::new(),
        aliases: Vec::new(),
        misdirected: Vec::new(),
        alias_chain_ends: BTreeMap::new(),
        links_followed: 0,
        inlined: 0,
    };
    let mut inline_stack = Vec::new();
    resolver.walk(document, Kind::Root, &mut String::new(), &mut inline_stack)?;
    while let Some((key, mut schema)) = resolver.pending.pop() {
        let mut pointer = pointer_push("/components/schemas", &key);
        resolver.walk(&mut schema, Kind::Schema, &mut pointer, &mut inline_stack)?;
        resolver.finished.push((key, schema));
    }
    // The deepest places first, so a place inside another one is still found.
    resolver
        .shared_places
        .sort_by(|left, right| right.0.len().cmp(&left.0.len()).then(left.cmp(right)));
    for (tokens, key) in &resolver.shared_places {
        if let Some(place) = lookup_mut(document, tokens) {
            let mut reference = Map::new();
            reference.insert(
                "$ref".to_string(),
                Value::String(format!("#/components/schemas/{}", escape_token(key))),
            );
            // The place keeps its description (a field's docs) and its nullability, around a
            // one-member `allOf`: a `$ref` alone would lose both.
            let nullable = place.get("nullable") == Some(&Value::Bool(true))
                || place
                    .get("type")
                    .and_then(Value::as_array)
                    .is_some_and(|types| types.iter().any(|name| name == "null"));
            let description = place.get("description").cloned();
            let replacement = if description.is_some() || nullable {
                let mut wrapper = Map::new();
                wrapper.insert(
                    "allOf".to_string(),
                    Value::Array(vec![Value::Object(reference)]),
                );
                if let Some(description) = description {
                    wrapper.insert("description".to_string(), description);
                }
                if nullable {
                    wrapper.insert("nullable".to_string(), Value::Bool(true));
                }
                wrapper
            } else {
                reference
            };
            *place = Value::Object(replacement);
        }
    }
    if !resolver.finished.is_empty() {
        let Some(root) = document.as_object_mut() else {
            return Ok(ResolvedReferences {
                aliases: resolver.aliases,
                misdirected: resolver.misdirected,
            });
        };
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(components) = components {
            let schemas = components
                .entry("schemas")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(schemas) = schemas {
                // Sorted by key, so the output does not depend on the order they were found in.
                resolver
                    .finished
                    .sort_by(|left, right| left.0.cmp(&right.0));
                for (key, schema) in resolver.finished.drain(..) {
                    schemas.insert(key, schema);
                }
            }
        }
    }
    Ok(ResolvedReferences {
        aliases: resolver.aliases,
        misdirected: resolver.misdirected,
    })
}

/// The document as written, for looking `$ref` targets up while the working copy changes: only
/// its `components` when every in-document `$ref` points into them (the usual case, and the paths
/// are often half a document), else all of it. Targets and the ends of alias chains are all
/// `$ref` targets, so a lookup finds the same value either way.
fn copy_of_what_references_reach(document: &Value) -> Value {
    if !every_local_reference_is_into_components(document) {
        return document.clone();
    }
    let mut copy = Map::new();
    if let Some(components) = document.get("components") {
        copy.insert("components".to_string(), components.clone());
    }
    Value::Object(copy)
}

/// Whether every `$ref` string that points inside the document (`#...`) starts with
/// `#/components/`. Spelled otherwise (percent-encoded, another root), the whole document is copied.
fn every_local_reference_is_into_components(value: &Value) -> bool {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    if reference.starts_with('#') && !reference.starts_with("#/components/") {
                        return false;
                    }
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    true
}

impl<'d> Resolver<'d> {
    fn walk(
        &mut self,
        value: &mut Value,
        kind: Kind,
        pointer: &mut String,
        inline_stack: &mut Vec<String>,
    ) -> Result<(), GeneratorError> {
        if kind == Kind::Other {
            return Ok(());
        }
        if let Some(reference) = reference_of(value).map(str::to_string) {
            if self.resolve_here(value, kind, pointer.as_str(), &reference, inline_stack)? {
                return Ok(());
            }
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "$ref" {
                        continue;
                    }
                    let length = pointer.len();
                    pointer_push_in_place(pointer, key);
                    self.walk(child, child_kind(kind, key), pointer, inline_stack)?;
                    pointer.truncate(length);
                }
            }
            Value::Array(items) => {
                // `items: [..]` (an old tuple form) holds schemas like a schema list does.
                let item_kind = if kind == Kind::Schema {
                    Kind::Schema
                } else {
                    child_kind(kind, "0")
                };
                for (index, item) in items.iter_mut().enumerate() {
                    let length = pointer.len();
                    pointer_push_in_place(pointer, &index.to_string());
                    self.walk(item, item_kind, pointer, inline_stack)?;
                    pointer.truncate(length);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Handles the `$ref` of `value`; returns whether it was replaced (otherwise the rest of `value` is walked).
    fn resolve_here(
        &mut self,
        value: &mut Value,
        kind: Kind,
        pointer: &str,
        reference: &str,
        inline_stack: &mut Vec<String>,
    ) -> Result<bool, GeneratorError> {
        let Some(tokens) = reference_tokens(reference) else {
            // External references are reported by the lower stage.
            return Ok(false);
        };
        let is_plain_component = |tokens: &[String]| {
            component_section(kind).is_some_and(|section| {
                tokens.len() == 3 && tokens[0] == "components" && tokens[1] == section
            })
        };
        let Some(target) = lookup(self.original, &tokens) else {
            // Dangling: the lower stage names it (with `--skip-invalid`, it drops what uses it).
            return Ok(false);
        };
        let target_kind = kind_at(&tokens);
        if kind == Kind::Schema {
            if is_plain_component(&tokens) {
                spell_reference_plainly(value, &tokens);
                return Ok(false);
            }
            // A schema kept outside the OpenAPI objects (`#/definitions/X`) is still a schema.
            let outside_openapi = tokens
                .first()
                .is_some_and(|root| !OPENAPI_ROOT_KEYS.contains(&root.as_str()));
            let is_schema = (target_kind == Kind::Schema
                || (target_kind == Kind::Other && outside_openapi))
                && (target.is_object() || target.is_boolean());
            if !is_schema {
                // A `$ref` to a response or a parameter where a schema stands: the lower stage names
                // what it points to (with `--skip-invalid`, it drops what uses it).
                self.misdirected.push(MisdirectedReference {
                    expected: position_name(kind),
                    reference: reference.to_string(),
                    found: kind_description(target_kind).to_string(),
                });
                return Ok(false);
            }
            let key = self.hoist(&tokens, pointer)?;
            let mut rewritten = Map::new();
            rewritten.insert(
                "$ref".to_string(),
                Value::String(format!("#/components/schemas/{}", escape_token(&key))),
            );
            if let Value::Object(map) = value {
                // 3.1 allows keywords beside `$ref`; they stay for the 3.1 normalizer.
                for (sibling, sibling_value) in map.iter() {
                    if sibling != "$ref" {
                        rewritten.insert(sibling.clone(), sibling_value.clone());
                    }
                }
            }
            *value = Value::Object(rewritten);
            return Ok(true);
        }
        let inlines_always = matches!(kind, Kind::PathItem | Kind::Callback);
        if !inlines_always {
            if component_section(kind).is_none() {
                // Examples, links and the like: `openapiv3` takes their `$ref`s as they are.
                return Ok(false);
            }
            // A component that is itself a `$ref` (an alias) is inlined, as the lower stage looks
            // components up one level only.
            let site_is_component =
                pointer.starts_with("/components/") && pointer.matches('/').count() == 3;
            if is_plain_component(&tokens) && reference_of(target).is_none() && !site_is_component {
                spell_reference_plainly(value, &tokens);
                return Ok(false);
            }
            if target_kind != kind && target_kind != Kind::Other {
                // A `$ref` to the wrong kind of object: the lower stage names it.
                self.misdirected.push(MisdirectedReference {
                    expected: position_name(kind),
                    reference: reference.to_string(),
                    found: kind_description(target_kind).to_string(),
                });
                return Ok(false);
            }
        }
        let first_pointer = tokens_to_pointer(&tokens);
        if inline_stack.contains(&first_pointer) {
            return Err(self.context.invalid(
                &pointer_push(pointer, "$ref"),
                format!("`$ref: {reference}` includes itself (a cycle of `$ref`s that never reaches an object)"),
            ));
        }
        // A chain of plain aliases (`R0: $ref R1`, `R1: $ref R2`, ...) is followed here, in a loop,
        // to the object it ends at: walking each link as a copy would recurse once per link (a
        // stack overflow on a long chain) and copy the rest of the chain at every link.
        let (target, chain) =
            self.follow_alias_chain(target, &tokens, kind, pointer, reference, inline_stack)?;
        let target_pointer = chain.last().cloned().unwrap_or(first_pointer);
        self.inlined += 1;
        if self.inlined > MOST_INLINED_OBJECTS {
            return Err(self.context.invalid(
                &pointer_push(pointer, "$ref"),
                format!("`$ref: {reference}` is one too many: resolving the document's nested `$ref`s would copy more than {MOST_INLINED_OBJECTS} objects"),
            ));
        }
        let mut copy = target.clone();
        if let (Value::Object(copy_map), Value::Object(site)) = (&mut copy, &*value) {
            // 3.1 reference objects may override `summary` and `description`.
            for sibling in ["summary", "description"] {
                if let Some(text) = site.get(sibling) {
                    copy_map.insert(sibling.to_string(), text.clone());
                }
            }
        }
        self.aliases.push(PointerAlias {
            copy: pointer.to_string(),
            original: target_pointer.clone(),
        });
        let depth = inline_stack.len();
        inline_stack.extend(chain);
        // The copy may itself be a `$ref`, or hold some: it is walked as what stands here.
        let walked = self.walk(&mut copy, kind, &mut pointer.to_string(), inline_stack);
        inline_stack.truncate(depth);
        walked?;
        *value = copy;
        Ok(true)
    }

    /// Follows `target` (at `tokens`) through plain `{"$ref": ...}` aliases of the same kind to the
    /// object the chain ends at; returns it with the pointers of the chain, first to last. Each
    /// link's end is remembered, so many places referring into one long chain stay linear.
    fn follow_alias_chain(
        &mut self,
        target: &'d Value,
        tokens: &[String],
        kind: Kind,
        pointer: &str,
        reference: &str,
        inline_stack: &[String],
    ) -> Result<(&'d Value, Vec<String>), GeneratorError> {
        let mut target = target;
        let mut chain = vec![tokens_to_pointer(tokens)];
        let mut in_chain: std::collections::BTreeSet<String> = chain.iter().cloned().collect();
        loop {
            let current = chain.last().cloned().unwrap_or_default();
            if let Some(end) = self.alias_chain_ends.get(&current).cloned() {
                if let Some(end_target) = reference_tokens(&format!("#{end}"))
                    .and_then(|end_tokens| lookup(self.original, &end_tokens))
                {
                    if end != current {
                        chain.push(end);
                    }
                    target = end_target;
                    break;
                }
            }
            let next = match target {
                Value::Object(map) if map.len() == 1 => reference_of(target)
                    .and_then(reference_tokens)
                    .filter(|next| kind_at(next) == kind)
                    .and_then(|next| lookup(self.original, &next).map(|found| (next, found))),
                _ => None,
            };
            let Some((next_tokens, next_target)) = next else {
                break;
            };
            let next_pointer = tokens_to_pointer(&next_tokens);
            if !in_chain.insert(next_pointer.clone()) || inline_stack.contains(&next_pointer) {
                return Err(self.context.invalid(
                    &pointer_push(pointer, "$ref"),
                    format!("`$ref: {reference}` includes itself (a cycle of `$ref`s that never reaches an object)"),
                ));
            }
            chain.push(next_pointer);
            target = next_target;
        }
        let end = chain.last().cloned().unwrap_or_default();
        for link in &chain {
            self.alias_chain_ends.insert(link.clone(), end.clone());
        }
        Ok((target, chain))
    }

    /// The synthetic component key for the schema at `tokens`, hoisting it on first use.
    fn hoist(&mut self, tokens: &[String], pointer: &str) -> Result<String, GeneratorError> {
        // Follow a chain of plain `$ref`s, so an alias of an alias names the schema itself.
        // Every pointer followed on the way is remembered with the key it leads to, so the places
        // along a long chain (`A/n -> B/n -> C/n ...`) each follow it once: linear, not quadratic.
        let mut tokens = tokens.to_vec();
        let mut seen = Vec::new();
        let mut seen_set = std::collections::BTreeSet::new();
        loop {
            let target_pointer = tokens_to_pointer(&tokens);
            if let Some(key) = self.hoisted.get(&target_pointer).cloned() {
                self.remember_chain(seen, &key);
                return Ok(key);
            }
            let target = lookup(self.original, &tokens)
                .cloned()
                .unwrap_or(Value::Null);
            let next = match &target {
                Value::Object(map) if map.len() == 1 => reference_of(&target)
                    .and_then(reference_tokens)
                    .filter(|next| lookup(self.original, next).is_some()),
                _ => None,
            };
            if let Some(next) = next {
                if !seen_set.insert(target_pointer.clone()) {
                    return Err(self.context.invalid(
                        &pointer_push(pointer, "$ref"),
                        format!("the `$ref`s through `{target_pointer}` form a cycle that never reaches a schema"),
                    ));
                }
                seen.push(target_pointer);
                self.links_followed += 1;
                let is_component =
                    next.len() == 3 && next[0] == "components" && next[1] == "schemas";
                if is_component {
                    let key = next[2].clone();
                    self.remember_chain(seen, &key);
                    return Ok(key);
                }
                tokens = next;
                continue;
            }
            let key = self.synthetic_key(&tokens);
            self.hoisted.insert(target_pointer.clone(), key.clone());
            self.remember_chain(seen, &key);
            if kind_at(&tokens) == Kind::Schema {
                self.shared_places.push((tokens.clone(), key.clone()));
            }
            self.aliases.push(PointerAlias {
                copy: pointer_push("/components/schemas", &key),
                original: target_pointer,
            });
            let mut target = target;
            if let Value::Object(map) = &mut target {
                // The type's docs say where it comes from, when the schema says nothing itself.
                if !map.contains_key("description") && !map.contains_key("$ref") {
                    map.insert(
                        "description".to_string(),
                        Value::String(format!("The schema at `#{}`.", tokens_to_pointer(&tokens))),
                    );
                }
            }
            self.pending.push((key.clone(), target));
            return Ok(key);
        }
    }

    /// The pointers of a followed `$ref` chain all lead to `key`.
    fn remember_chain(&mut self, followed: Vec<String>, key: &str) {
        for pointer in followed {
            self.hoisted.insert(pointer, key.to_string());
        }
    }

    /// A component key named after where the schema stands: `Tag/allOf/0` gives `Tag_allOf_0`.
    fn synthetic_key(&mut self, tokens: &[String]) -> String {
        let words: Vec<&str> = tokens
            .iter()
            .map(String::as_str)
            .filter(|token| {
                !matches!(
                    *token,
                    "components" | "schemas" | "properties" | "content" | "schema" | "paths"
                ) && !token.contains('/')
            })
            .collect();
        let base = if words.is_empty() {
            "Schema".to_string()
        } else {
            words.join("_")
        };
        let mut key = base.clone();
        let mut counter = 2;
        while self.taken_schema_keys.contains(&key) {
            key = format!("{base}_{counter}");
            counter += 1;
        }
        self.taken_schema_keys.insert(key.clone());
        key
    }
}

fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The copy for lookups is the components alone only when every in-document `$ref` points
    /// into them; any other spelling or root copies the whole document.
    #[test]
    fn lookups_copy_only_the_components_when_every_reference_points_into_them() {
        let into_components = serde_json::json!({
            "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Ok"}}}}},
            "components": {"responses": {"Ok": {"description": "ok"}}},
            "x-external": {"$ref": "other.yaml#/paths/~1b"},
            "x-not-a-reference": {"$ref": 7}
        });
        let copy = copy_of_what_references_reach(&into_components);
        assert_eq!(copy.as_object().map(|map| map.len()), Some(1));
        assert_eq!(copy.get("components"), into_components.get("components"));
        for elsewhere in [
            "#/paths/~1a/get/responses/200",
            "#/%63omponents/responses/Ok",
            "#",
            "#/components",
        ] {
            let mut document = into_components.clone();
            document["paths"]["/a"]["get"]["responses"]["201"] =
                serde_json::json!({"$ref": elsewhere});
            assert_eq!(
                copy_of_what_references_reach(&document),
                document,
                "{elsewhere}"
            );
        }
    }
    use serde_json::json;

    fn resolve(mut document: Value) -> (Value, Result<ResolvedReferences, GeneratorError>) {
        let result = resolve_pointer_references(&ErrorContext::new("spec.yaml"), &mut document);
        (document, result)
    }

    #[test]
    fn a_synthetic_name_never_takes_a_components_own_name() {
        let (document, result) = resolve(json!({
            "components": {"schemas": {
                "Tag": {"allOf": [{"type": "string"}]},
                "Tag_allOf_0": {"type": "integer"},
                "User": {"properties": {"tag": {"$ref": "#/components/schemas/Tag/allOf/0"}}}
            }}
        }));
        result.expect("resolves");
        assert_eq!(
            document.pointer("/components/schemas/Tag_allOf_0_2/type"),
            Some(&json!("string"))
        );
        assert_eq!(
            document.pointer("/components/schemas/Tag_allOf_0/type"),
            Some(&json!("integer"))
        );
        assert_eq!(
            document.pointer("/components/schemas/User/properties/tag/$ref"),
            Some(&json!("#/components/schemas/Tag_allOf_0_2"))
        );
        // The original place refers to the same component, so both are one type.
        assert_eq!(
            document.pointer("/components/schemas/Tag/allOf/0/$ref"),
            Some(&json!("#/components/schemas/Tag_allOf_0_2"))
        );
    }

    /// The place a hoisted schema came from keeps its docs and stays nullable (3.0 and 3.1 spellings).
    #[test]
    fn the_original_place_keeps_its_description_and_nullability() {
        let (document, result) = resolve(json!({
            "components": {"schemas": {
                "Page": {"properties": {
                    "total": {"type": "integer", "nullable": true, "description": "All."},
                    "next": {"type": ["string", "null"]}
                }},
                "Use": {"properties": {
                    "a": {"$ref": "#/components/schemas/Page/properties/total"},
                    "b": {"$ref": "#/components/schemas/Page/properties/next"}
                }}
            }}
        }));
        result.expect("resolves");
        assert_eq!(
            document.pointer("/components/schemas/Page/properties/total"),
            Some(&json!({
                "allOf": [{"$ref": "#/components/schemas/Page_total"}],
                "description": "All.",
                "nullable": true
            }))
        );
        assert_eq!(
            document.pointer("/components/schemas/Page/properties/next"),
            Some(&json!({"allOf": [{"$ref": "#/components/schemas/Page_next"}], "nullable": true}))
        );
    }

    /// A `$ref` is a URI fragment, so its pointer may be percent-encoded (RFC 6901 section 6); the
    /// lower stage looks components up by name, so it must see the name itself.
    #[test]
    fn a_percent_encoded_reference_to_a_component_is_spelled_plainly() {
        let (document, result) = resolve(json!({
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/parameters/page%20size"}],
                "responses": {
                    "200": {"$ref": "#/components/responses/r%C3%A9ponse"},
                    "201": {"description": "x", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Country%20Code"}
                    }}}
                }
            }}},
            "components": {
                "parameters": {"page size": {"name": "size", "in": "query"}},
                "responses": {"réponse": {"description": "ok"}},
                "schemas": {"Country Code": {"type": "string"}}
            }
        }));
        result.expect("resolves");
        let operation = document.pointer("/paths/~1a/get").expect("operation");
        assert_eq!(
            operation.pointer("/parameters/0/$ref"),
            Some(&json!("#/components/parameters/page size"))
        );
        assert_eq!(
            operation.pointer("/responses/200/$ref"),
            Some(&json!("#/components/responses/réponse"))
        );
        assert_eq!(
            operation.pointer("/responses/201/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/Country Code"))
        );
    }

    /// `S0/n -> S1/n -> ... -> S999/n`: each of the 1,000 places follows the chain only as far as
    /// a place already hoisted, so the links followed stay linear (they were quadratic).
    #[test]
    fn a_long_chain_of_pointer_references_is_followed_in_linear_steps() {
        let length = 1_000;
        let mut schemas = Map::new();
        for index in 0..length {
            let next = if index + 1 < length {
                json!({"$ref": format!("#/components/schemas/S{}/properties/n", index + 1)})
            } else {
                json!({"type": "string"})
            };
            schemas.insert(
                format!("S{index}"),
                json!({"type": "object", "properties": {"n": next}}),
            );
        }
        let mut document = json!({"components": {"schemas": schemas}});
        let context = ErrorContext::new("spec.yaml");
        let original = document.clone();
        let mut resolver = Resolver {
            context: &context,
            original: &original,
            hoisted: BTreeMap::new(),
            taken_schema_keys: Default::default(),
            pending: Vec::new(),
            finished: Vec::new(),
            shared_places: Vec::new(),
            aliases: Vec::new(),
            misdirected: Vec::new(),
            alias_chain_ends: BTreeMap::new(),
            links_followed: 0,
            inlined: 0,
        };
        resolver
            .walk(
                &mut document,
                Kind::Root,
                &mut String::new(),
                &mut Vec::new(),
            )
            .expect("resolves");
        assert!(
            resolver.links_followed <= 2 * length,
            "{} links followed for a chain of {length}",
            resolver.links_followed
        );
        assert_eq!(
            resolver.hoisted.get("/components/schemas/S1/properties/n"),
            Some(&"S999_n".to_string())
        );
    }

    /// `R0: $ref R1`, ..., `R4999: {description}`: every alias is inlined once, in a loop; walking
    /// each link as a copy overflowed the stack at 2,000 links and copied the chain's rest at each
    /// link (over the copy bound at 1,000).
    #[test]
    fn a_long_chain_of_component_aliases_resolves_without_recursion() {
        let length = 5_000;
        let mut responses = Map::new();
        for index in 0..length {
            let response = if index + 1 < length {
                json!({"$ref": format!("#/components/responses/R{}", index + 1)})
            } else {
                json!({"description": "The end."})
            };
            responses.insert(format!("R{index}"), response);
        }
        let (document, result) = resolve(json!({
            "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/R0"}}}}},
            "components": {"responses": responses}
        }));
        result.expect("resolves");
        for place in ["/components/responses/R0", "/components/responses/R4998"] {
            assert_eq!(
                document.pointer(place),
                Some(&json!({"description": "The end."})),
                "{place}"
            );
        }
    }

    #[test]
    fn a_component_that_is_an_alias_of_another_is_inlined() {
        let (document, result) = resolve(json!({
            "components": {"responses": {
                "Gone": {"$ref": "#/components/responses/NotFound"},
                "NotFound": {"description": "Not found."}
            }}
        }));
        result.expect("resolves");
        assert_eq!(
            document.pointer("/components/responses/Gone"),
            Some(&json!({"description": "Not found."}))
        );
    }

    #[test]
    fn references_that_only_point_at_each_other_are_a_located_error() {
        let (_, result) = resolve(json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "x", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/A/properties/b"}}
            }}}}}},
            "components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/A/properties/c"},
                                     "c": {"$ref": "#/components/schemas/A/properties/b"}}}
            }}
        }));
        let error = result.expect_err("a cycle of references").to_string();
        assert!(error.contains("cycle"), "{error}");
        assert!(error.contains("spec.yaml at /"), "{error}");
    }

    /// Each level refers twice to the next: 2^40 copies if nothing stopped it.
    #[test]
    fn nested_references_that_multiply_copies_are_bounded() {
        let mut paths = serde_json::Map::new();
        for level in 0..40 {
            let next = format!("#/paths/~1p{}", level + 1);
            paths.insert(
                format!("/p{level}"),
                json!({"post": {
                    "responses": {"default": {"description": "d"}},
                    "callbacks": {
                        "first": {"{$request.body#/a}": {"$ref": next}},
                        "second": {"{$request.body#/b}": {"$ref": next}}
                    }
                }}),
            );
        }
        paths.insert("/p40".to_string(), json!({}));
        let (_, result) = resolve(json!({ "paths": paths }));
        let error = result.expect_err("bounded").to_string();
        assert!(error.contains("more than 100000 objects"), "{error}");
    }

    #[test]
    fn copies_map_back_to_their_originals() {
        let (document, result) = resolve(json!({
            "paths": {
                "/a": {"get": {"responses": {"default": {"$ref": "#/paths/~1b/get/responses/default"}}}},
                "/b": {"get": {"responses": {"default": {"description": "shared"}}}}
            }
        }));
        let resolved = result.expect("resolves");
        assert_eq!(
            document.pointer("/paths/~1a/get/responses/default/description"),
            Some(&json!("shared"))
        );
        let context = ErrorContext::new("spec.yaml").with_pointer_aliases(&resolved.aliases);
        assert_eq!(
            context.original_pointer("/paths/~1a/get/responses/default/content"),
            "/paths/~1b/get/responses/default/content"
        );
        assert_eq!(
            context.original_pointer("/paths/~1a/get/responses/defaults"),
            "/paths/~1a/get/responses/defaults"
        );
    }
}
