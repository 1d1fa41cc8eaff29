//! Load stage: spec bytes (JSON or YAML) to a `serde_json::Value`, 3.1 normalized, then to `openapiv3::OpenAPI`.

use crate::error::{pointer_push, ErrorContext, GeneratorError};
use crate::normalize;

/// A parsed document together with the facts the later stages need about its source.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The 3.0-model view of the document.
    pub openapi: openapiv3::OpenAPI,
    /// The `openapi` version string exactly as the document states it.
    pub declared_version: String,
}

/// Parses `bytes` (JSON when the first non-blank byte is `{`, YAML otherwise).
pub fn load_spec(context: &ErrorContext, bytes: &[u8]) -> Result<LoadedSpec, GeneratorError> {
    let mut document = parse_document(context, bytes)?;
    let declared_version = check_version(context, &document)?;
    if declared_version.starts_with("3.1") {
        normalize::normalize_openapi_31(context, &mut document)?;
    }
    let openapi = to_openapiv3(context, document)?;
    Ok(LoadedSpec {
        openapi,
        declared_version,
    })
}

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
        serde_norway::from_str(text).map_err(|error| {
            let line_column = error
                .location()
                .map(|location| (location.line(), location.column()));
            context.syntax(line_column, format!("invalid YAML: {error}"))
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
