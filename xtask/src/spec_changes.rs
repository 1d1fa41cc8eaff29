//! What changed between two versions of a spec, as JSON pointers (`added /paths/~1a/get`), for
//! `cargo xtask specs --update`: a spec embedded as one line of JSON gives a useless line diff.
//! What the change means for the generated Rust API is `cargo xtask gen`'s report, not this one.

use serde_json::Value;

/// At most this many lines; the rest are counted.
const MAX_LINES: usize = 40;
/// Values are shown up to this many characters.
const MAX_VALUE_CHARS: usize = 60;

/// One line per added, removed or changed place, in document order.
pub fn describe(old: &[u8], new: &[u8]) -> Vec<String> {
    let (Some(old), Some(new)) = (parse(old), parse(new)) else {
        return vec!["(not comparable as documents: one version does not parse)".to_string()];
    };
    let mut lines = Vec::new();
    compare(&old, &new, &mut String::new(), &mut lines);
    if lines.len() > MAX_LINES {
        let more = lines.len() - MAX_LINES;
        lines.truncate(MAX_LINES);
        lines.push(format!("... and {more} more"));
    }
    lines
}

fn parse(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return Some(Value::Null);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).ok()
    } else {
        serde_norway::from_str(text).ok()
    }
}

fn compare(old: &Value, new: &Value, pointer: &mut String, lines: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(old_map), Value::Object(new_map)) => {
            for (key, old_value) in old_map {
                let length = pointer.len();
                push_token(pointer, key);
                match new_map.get(key) {
                    Some(new_value) => compare(old_value, new_value, pointer, lines),
                    None => lines.push(format!("removed {}", shown(pointer))),
                }
                pointer.truncate(length);
            }
            for key in new_map.keys().filter(|key| !old_map.contains_key(*key)) {
                let length = pointer.len();
                push_token(pointer, key);
                lines.push(format!("added {}", shown(pointer)));
                pointer.truncate(length);
            }
        }
        (Value::Array(old_items), Value::Array(new_items))
            if old_items.len() == new_items.len() =>
        {
            for (index, (old_item, new_item)) in old_items.iter().zip(new_items).enumerate() {
                let length = pointer.len();
                push_token(pointer, &index.to_string());
                compare(old_item, new_item, pointer, lines);
                pointer.truncate(length);
            }
        }
        _ if old == new => {}
        _ => lines.push(format!(
            "changed {}: {} -> {}",
            shown(pointer),
            abbreviated(old),
            abbreviated(new)
        )),
    }
}

fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(the whole document)"
    } else {
        pointer
    }
}

fn abbreviated(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        text
    } else {
        let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn names_each_added_removed_and_changed_place() {
        let old = br#"{"info":{"version":"1.0.0"},"paths":{"/a":{"get":{}}},"tags":["x"]}"#;
        let new = br#"{"info":{"version":"1.1.0"},"paths":{"/b":{"get":{}}},"tags":["x","y"]}"#;
        assert_eq!(
            describe(old, new),
            vec![
                "changed /info/version: \"1.0.0\" -> \"1.1.0\"",
                "removed /paths/~1a",
                "added /paths/~1b",
                "changed /tags: [\"x\"] -> [\"x\",\"y\"]",
            ]
        );
        assert!(describe(old, old).is_empty());
        assert_eq!(
            describe(b"", b"openapi: 3.1.0\n"),
            vec!["changed (the whole document): null -> {\"openapi\":\"3.1.0\"}"]
        );
    }
}
