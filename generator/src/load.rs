//! Load stage: spec bytes (JSON or YAML) to a `serde_json::Value`, 3.1 normalized, then to `openapiv3::OpenAPI`.

mod duplicate_keys;
pub mod overlay;
mod path_keys;
mod resolve_pointers;
mod response_keys;

use crate::error::{
    pointer_push, ErrorContext, GeneratorError, MisdirectedReference, PointerAlias, SpecLocation,
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
    /// The overlay applied (its path, and the nodes its actions changed), so that a later stage's
    /// error at one of them can name the action ([`LoadedSpec::name_the_overlay_action`]).
    pub applied_overlay: Option<(String, overlay::AppliedOverlay)>,
}

impl LoadedSpec {
    /// `error`, naming the overlay action that changed the node it points at, if one did.
    pub fn name_the_overlay_action(&self, error: GeneratorError) -> GeneratorError {
        match &self.applied_overlay {
            Some((path, applied)) => name_the_overlay_action(error, applied, path),
            None => error,
        }
    }

    /// `context`, reporting errors in the terms of the document as written (see `resolve_pointers`).
    pub fn error_context(&self, context: &ErrorContext) -> ErrorContext {
        context
            .with_pointer_aliases(&self.pointer_aliases)
            .with_reference_targets(&self.misdirected_references)
    }
}

/// Parses `bytes` (JSON when the first non-blank byte is `{`, YAML otherwise).
pub fn load_spec(context: &ErrorContext, bytes: &[u8]) -> Result<LoadedSpec, GeneratorError> {
    load_spec_with(context, bytes, false).map(|(loaded, _)| loaded)
}

/// [`load_spec`]; with `skip_invalid`, `paths` keys that are not path templates are left out and
/// returned as the errors they would have given.
pub fn load_spec_with(
    context: &ErrorContext,
    bytes: &[u8],
    skip_invalid: bool,
) -> Result<(LoadedSpec, Vec<GeneratorError>), GeneratorError> {
    load_spec_with_overlay(context, bytes, None, skip_invalid)
}

/// [`load_spec_with`], applying `overlay` (OpenAPI Overlay 1.0.0) to the parsed document first, so
/// every later check and stage sees the document with the overlay's facts.
pub fn load_spec_with_overlay(
    context: &ErrorContext,
    bytes: &[u8],
    overlay: Option<&overlay::OverlaySource>,
    skip_invalid: bool,
) -> Result<(LoadedSpec, Vec<GeneratorError>), GeneratorError> {
    let mut document = parse_document(context, bytes)?;
    let Some(overlay) = overlay else {
        return load_document(context, document, skip_invalid);
    };
    let applied = overlay::apply_overlay(&mut document, context.file(), overlay)?;
    let (mut loaded, skipped) = load_document(context, document, skip_invalid)
        .map_err(|error| name_the_overlay_action(error, &applied, &overlay.path))?;
    loaded.applied_overlay = Some((overlay.path.clone(), applied));
    Ok((loaded, skipped))
}

/// An error at a node the overlay changed says so: the spec file holds something else there, and
/// the fix is in the overlay.
fn name_the_overlay_action(
    mut error: GeneratorError,
    applied: &overlay::AppliedOverlay,
    overlay_path: &str,
) -> GeneratorError {
    let Some(pointer) = error.location().map(|location| location.pointer.clone()) else {
        return error;
    };
    let Some((index, changed)) = applied.action_that_changed(&pointer) else {
        return error;
    };
    let note = format!(
        " (after the overlay: {overlay_path} action {index} changed {})",
        if changed.is_empty() {
            "the document root"
        } else {
            changed.as_str()
        }
    );
    match &mut error {
        GeneratorError::Syntax { message, .. }
        | GeneratorError::Unsupported { message, .. }
        | GeneratorError::Invalid { message, .. } => message.push_str(&note),
        GeneratorError::Internal { .. } => {}
    }
    error
}

/// The load stage after the overlay: version, path keys, `$ref`s, response keys, 3.1 forms.
fn load_document(
    context: &ErrorContext,
    mut document: serde_json::Value,
    skip_invalid: bool,
) -> Result<(LoadedSpec, Vec<GeneratorError>), GeneratorError> {
    let declared_version = check_version(context, &document)?;
    let skipped = if skip_invalid {
        path_keys::remove_invalid_path_keys(context, &mut document)
    } else {
        path_keys::check_path_keys(context, &document)?;
        Vec::new()
    };
    let webhooks = document
        .get("webhooks")
        .and_then(serde_json::Value::as_object)
        .map(|webhooks| webhooks.keys().cloned().collect())
        .unwrap_or_default();
    let resolved = resolve_pointers::resolve_pointer_references(context, &mut document)?;
    let context = &context.with_pointer_aliases(&resolved.aliases);
    response_keys::check_response_keys(context, &document)?;
    if declared_version.starts_with("3.1") {
        normalize::normalize_openapi_31(context, &mut document)?;
    }
    normalize::normalize_integer_bounds(&mut document);
    let openapi = to_openapiv3(context, document)?;
    Ok((
        LoadedSpec {
            openapi,
            declared_version,
            webhooks,
            pointer_aliases: resolved.aliases,
            misdirected_references: resolved.misdirected,
            applied_overlay: None,
        },
        skipped,
    ))
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
    let finder = duplicate_keys::DuplicateKeyFinder::new();
    let located_duplicate = |line_column: Option<(usize, usize)>| {
        finder.duplicate().map(|duplicate| GeneratorError::Invalid {
            location: SpecLocation {
                file: context.file().to_string(),
                pointer: duplicate.pointer,
                line_column,
            },
            message: format!(
                "duplicate key `{}`: this mapping already has one, and keeping either would silently drop the other",
                duplicate.key
            ),
        })
    };
    let document: serde_json::Value = if text.trim_start().starts_with('{') {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        serde::de::DeserializeSeed::deserialize(finder.document_seed(), &mut deserializer)
            .and_then(|document| deserializer.end().map(|()| document))
            .map_err(|error| {
                let line_column = Some((error.line(), error.column()));
                located_duplicate(line_column).unwrap_or_else(|| {
                    context.syntax(line_column, format!("invalid JSON: {error}"))
                })
            })?
    } else {
        serde::de::DeserializeSeed::deserialize(
            finder.document_seed(),
            serde_norway::Deserializer::from_str(text),
        )
        .map_err(|error| {
            let line_column = error
                .location()
                .map(|location| (location.line(), location.column()));
            // For a duplicate, serde_norway's mark is where the mapping starts, not the second
            // key, so the JSON pointer alone locates it.
            located_duplicate(None)
                .unwrap_or_else(|| context.syntax(line_column, format!("invalid YAML: {error}")))
        })?
    };
    if !document.is_object() {
        return Err(context.invalid(
            "",
            "the document is not a mapping: expected an OpenAPI 3.0 or 3.1 document",
        ));
    }
    Ok(document)
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
