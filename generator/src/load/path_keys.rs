//! Every key of `paths` is generated or is an error: `openapiv3` silently drops keys that do not
//! start with `/` and Path Item fields it does not know (an upper-case `GET`), a `.` or `..`
//! segment would move the request outside the base path, and a `#` or `\` would end the path early
//! or, as URL parsing reads `\` as `/`, hide such a segment.

use crate::error::{pointer_push, ErrorContext, GeneratorError};

/// Refuses a `paths` key that is not a path template the client can send under its base URL.
pub fn check_path_keys(
    context: &ErrorContext,
    document: &serde_json::Value,
) -> Result<(), GeneratorError> {
    match invalid_path_keys(context, document).into_iter().next() {
        Some((_, error)) => Err(error),
        None => Ok(()),
    }
}

/// `--skip-invalid`: removes every invalid `paths` key and returns the errors it would have given.
pub fn remove_invalid_path_keys(
    context: &ErrorContext,
    document: &mut serde_json::Value,
) -> Vec<GeneratorError> {
    let invalid = invalid_path_keys(context, document);
    if let Some(paths) = document
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    {
        for (key, _) in &invalid {
            paths.shift_remove(key);
        }
    }
    invalid.into_iter().map(|(_, error)| error).collect()
}

/// Every `paths` key that is not a path template, in document order, with its error.
fn invalid_path_keys(
    context: &ErrorContext,
    document: &serde_json::Value,
) -> Vec<(String, GeneratorError)> {
    let Some(paths) = document.get("paths").and_then(serde_json::Value::as_object) else {
        return Vec::new();
    };
    let mut invalid = Vec::new();
    for (key, item) in paths {
        // Specification extensions are allowed beside the paths.
        if key.starts_with("x-") {
            continue;
        }
        let pointer = pointer_push("/paths", key);
        let unknown_field = item.as_object().and_then(|item| {
            item.keys().find(|field| {
                !field.starts_with("x-") && !PATH_ITEM_FIELDS.contains(&field.as_str())
            })
        });
        if let Some(field) = unknown_field {
            invalid.push((key.clone(), context.invalid(
                &pointer_push(&pointer, field),
                format!("`{field}` is not a field of a Path Item, so its content would be lost (HTTP methods are lower case: `get`, `post`, ...)"),
            )));
        } else if !key.starts_with('/') {
            invalid.push((key.clone(), context.invalid(
                &pointer,
                format!("the path `{key}` does not start with `/`: every key of `paths` must (or be an `x-` extension)"),
            )));
        } else if let Some(character) = key
            .chars()
            .find(|character| PATH_BREAKING_CHARACTERS.contains(character))
        {
            invalid.push((key.clone(), context.invalid(
                &pointer,
                format!("the path `{key}` contains `{character}`, which a URL does not keep in its path (a fragment is never sent, and `\\` is read as `/`); write the path without it"),
            )));
        } else if let Some(segment) = key
            .split('?')
            .next()
            .unwrap_or_default()
            .split('/')
            .find(|segment| is_dot_segment(segment))
        {
            invalid.push((key.clone(), context.invalid(
                &pointer,
                format!("the path `{key}` has a `{segment}` segment, which would send the request outside the base path"),
            )));
        }
    }
    invalid
}

/// The fixed fields of a Path Item; `openapiv3` ignores any other key (an upper-case `GET`, say),
/// and the operation under it would be lost.
const PATH_ITEM_FIELDS: &[&str] = &[
    "$ref",
    "summary",
    "description",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "servers",
    "parameters",
];

/// Characters that URL parsing does not keep as part of a path: `#` starts the fragment, which is
/// never sent, and `\` is read as `/`, so `\..\` would be a dot segment. A `?` is kept: real
/// documents tell operations apart by a fixed query (`/responses?beta=true`), which is sent as is.
const PATH_BREAKING_CHARACTERS: &[char] = &['#', '\\'];

/// `.` and `..`, also percent-encoded (`%2e`, `.%2E`, ...), which URL resolution treats alike.
fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

#[cfg(test)]
mod tests {
    use super::{check_path_keys, is_dot_segment};
    use crate::error::ErrorContext;

    fn path_error(path: &str) -> Option<String> {
        let document = serde_json::json!({"paths": {path: {}}});
        check_path_keys(&ErrorContext::new("spec.yaml"), &document)
            .err()
            .map(|error| error.to_string())
    }

    #[test]
    fn a_fixed_query_is_kept_but_a_fragment_or_backslash_is_an_error() {
        assert_eq!(path_error("/responses?beta=true"), None);
        assert_eq!(path_error("/search?q=a/../b"), None);
        for path in ["/users#admin", "/a/\\..\\etc", "/a/..?x=1"] {
            assert!(path_error(path).is_some(), "{path}");
        }
    }

    #[test]
    fn dot_segments_are_found_in_any_spelling() {
        for segment in [".", "..", "%2e", "%2E%2e", ".%2E"] {
            assert!(is_dot_segment(segment), "{segment}");
        }
        for segment in ["", "...", "a..b", "v1.0", "{id}"] {
            assert!(!is_dot_segment(segment), "{segment}");
        }
    }
}
