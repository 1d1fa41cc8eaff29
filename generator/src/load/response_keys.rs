//! Response keys are case-insensitive (`2XX` is `2xx`), so `openapiv3` reads two keys that differ
//! only in case as one status and keeps the last: here that is an error naming both keys.

use crate::error::{pointer_push, ErrorContext, GeneratorError};

/// The Path Item fields that hold an operation.
const OPERATION_FIELDS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Refuses an operation's `responses` with two keys that differ only in ASCII case.
pub fn check_response_keys(
    context: &ErrorContext,
    document: &serde_json::Value,
) -> Result<(), GeneratorError> {
    let Some(paths) = document.get("paths").and_then(serde_json::Value::as_object) else {
        return Ok(());
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in OPERATION_FIELDS {
            let Some(responses) = item
                .get(*method)
                .and_then(|operation| operation.get("responses"))
                .and_then(serde_json::Value::as_object)
            else {
                continue;
            };
            let responses_pointer = pointer_push(
                &pointer_push(&pointer_push("/paths", path), method),
                "responses",
            );
            let keys: Vec<&String> = responses.keys().collect();
            if let Some(key) = keys.iter().find(|key| !is_response_key(key)) {
                return Err(context.invalid(
                    &pointer_push(&responses_pointer, key),
                    format!("`{key}` is not a response key (a status code from 100 to 999 such as `200`, a range such as `4XX`, `default`, or an `x-` extension), so the response would be silently left out"),
                ));
            }
            for (index, later) in keys.iter().enumerate() {
                if let Some(earlier) = keys[..index]
                    .iter()
                    .find(|earlier| earlier.eq_ignore_ascii_case(later))
                {
                    return Err(context.invalid(
                        &pointer_push(&responses_pointer, later),
                        format!("the response keys `{earlier}` and `{later}` differ only in case, so they name the same status and one would silently replace the other; keep one"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Whether `openapiv3` reads a key of `responses` as a response (or an extension): any other key,
/// such as `0200`, `+20`, `2OO` or `Default`, it skips without a word.
fn is_response_key(key: &str) -> bool {
    if key == "default" || key.starts_with("x-") {
        return true;
    }
    let [first, second, third] = key.as_bytes() else {
        return false;
    };
    if key.bytes().all(|byte| byte.is_ascii_digit()) {
        // `openapiv3` takes the number 100 to 999.
        return *first != b'0';
    }
    first.is_ascii_digit()
        && second.eq_ignore_ascii_case(&b'X')
        && third.eq_ignore_ascii_case(&b'X')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `openapiv3` skips a key it cannot read as a status, so a response under `0200` or `Default`
    /// was lost without a word (and the client treated that status as undocumented).
    #[test]
    fn keys_that_are_no_status_are_refused_and_every_status_form_passes() {
        let context = ErrorContext::new("spec.yaml");
        for key in ["0200", "+20", "099", "2OO", "20", "Default", "200 ", "ok"] {
            let document = serde_json::json!({"paths": {"/a": {"post": {"responses": {
                "200": {}, key: {}
            }}}}});
            let message = check_response_keys(&context, &document)
                .expect_err(key)
                .to_string();
            assert!(
                message.starts_with(&format!(
                    "spec.yaml at /paths/~1a/post/responses/{key}: `{key}` is not a response key"
                )),
                "{message}"
            );
        }
        let document = serde_json::json!({"paths": {"/a": {"post": {"responses": {
            "100": {}, "599": {}, "999": {}, "1XX": {}, "5xx": {}, "default": {}, "x-note": 1
        }}}}});
        assert!(check_response_keys(&context, &document).is_ok());
    }

    #[test]
    fn keys_that_differ_only_in_case_are_refused_and_distinct_keys_pass() {
        let context = ErrorContext::new("spec.yaml");
        let clashing = serde_json::json!({"paths": {"/a/b": {"get": {"responses": {
            "200": {}, "2XX": {}, "default": {}, "2xx": {}
        }}}}});
        let message = check_response_keys(&context, &clashing)
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("spec.yaml at /paths/~1a~1b/get/responses/2xx: ")
                && message.contains("`2XX` and `2xx`"),
            "{message}"
        );
        let distinct = serde_json::json!({"paths": {"/a": {"get": {"responses": {
            "200": {}, "2XX": {}, "4XX": {}, "default": {}
        }}}}});
        assert_eq!(check_response_keys(&context, &distinct), Ok(()));
    }
}
