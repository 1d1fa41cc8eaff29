//! OpenAPI Overlay 1.0.0 (<https://spec.openapis.org/overlay/v1.0.0.html>): an ordered list of actions,
//! each a JSONPath target (RFC 9535, through `serde_json_path`) with an `update` merged into every node
//! it selects or `remove: true`, applied to the parsed document before anything else reads it.
//!
//! Stricter than the specification where it allows silence: a target that selects nothing is an
//! error (the specification allows zero matches), because an overlay states facts the provider's
//! spec omits, and a fact that lands nowhere, after the provider renamed a schema say, would be
//! dropped without a word. Unknown fields, an action with neither `update` nor `remove` (or both),
//! and an `update` whose shape does not fit the node it targets are errors too. Every error names
//! the overlay file and the place in it: the line and column for syntax errors and duplicate keys,
//! otherwise the action's JSON pointer (`/actions/2/target`), its JSONPath and the problem.

use crate::error::{ErrorContext, GeneratorError};
use serde_json::{Map, Value};
use serde_json_path::JsonPath;

/// An overlay file as xtask read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlaySource {
    /// The overlay's path as errors and the manifest name it (relative, `/`-separated).
    pub path: String,
    /// Its bytes (YAML or JSON).
    pub bytes: Vec<u8>,
}

/// What applying an overlay did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedOverlay {
    /// The overlay's `info.title`.
    pub title: String,
    /// The overlay's `info.version`.
    pub version: String,
    /// How many actions were applied.
    pub actions: usize,
    /// Each node an action updated or removed: the action's index and the node's JSON pointer in
    /// the spec, so that a later error there can say the overlay changed it.
    pub changed: Vec<(usize, String)>,
}

impl AppliedOverlay {
    /// The first action that changed the node at `pointer`, a node inside it, or (below the root)
    /// one that holds it: its index and the pointer it changed.
    pub fn action_that_changed(&self, pointer: &str) -> Option<&(usize, String)> {
        let within = |inner: &str, outer: &str| {
            inner == outer || (inner.starts_with(outer) && inner[outer.len()..].starts_with('/'))
        };
        self.changed.iter().find(|(_, changed)| {
            within(pointer, changed) || (!pointer.is_empty() && within(changed, pointer))
        })
    }
}

const OVERLAY_FIELDS: &[&str] = &["overlay", "info", "extends", "actions"];
const INFO_FIELDS: &[&str] = &["title", "version", "description"];
const ACTION_FIELDS: &[&str] = &["target", "description", "update", "remove"];

/// Applies `overlay` to `document` (the parsed spec, named `spec_path` in messages), action by
/// action. On error the document may be partly changed; callers discard it.
pub fn apply_overlay(
    document: &mut Value,
    spec_path: &str,
    overlay: &OverlaySource,
) -> Result<AppliedOverlay, GeneratorError> {
    let context = ErrorContext::new(&overlay.path);
    if overlay.bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(context.syntax(
            None,
            "the overlay is empty: expected an Overlay 1.0.0 document (`overlay: 1.0.0`, `info`, `actions`)",
        ));
    }
    let overlay_document = super::parse_document(&context, &overlay.bytes)?;
    let Some(root) = overlay_document.as_object() else {
        return Err(context.invalid("", "the overlay is not a mapping"));
    };
    check_fields(&context, "", root, OVERLAY_FIELDS)?;
    match root.get("overlay") {
        Some(Value::String(version)) if is_overlay_1_0(version) => {}
        Some(other) => {
            return Err(context.unsupported(
                "/overlay",
                format!(
                    "overlay version {other} is not supported; expected \"1.0.0\" (Overlay 1.0.x)"
                ),
            ))
        }
        None => {
            return Err(context.invalid(
                "",
                "missing the `overlay` version field: expected `overlay: 1.0.0`",
            ))
        }
    }
    let (title, version) = info(&context, root)?;
    if let Some(extends) = root.get("extends") {
        if !extends.is_string() {
            return Err(context.invalid("/extends", "`extends` must be a URL string"));
        }
    }
    let actions = match root.get("actions") {
        Some(Value::Array(actions)) if !actions.is_empty() => actions,
        Some(Value::Array(_)) => {
            return Err(context.invalid(
                "/actions",
                "`actions` is empty: an overlay has at least one action",
            ))
        }
        Some(_) => {
            return Err(context.invalid("/actions", "`actions` must be a list of action objects"))
        }
        None => return Err(context.invalid("", "missing `actions`: the list of changes to apply")),
    };
    let mut changed = Vec::new();
    for (index, action) in actions.iter().enumerate() {
        apply_action(&context, document, spec_path, index, action, &mut changed)?;
    }
    Ok(AppliedOverlay {
        title,
        version,
        actions: actions.len(),
        changed,
    })
}

fn is_overlay_1_0(version: &str) -> bool {
    version.strip_prefix("1.0.").is_some_and(|patch| {
        !patch.is_empty() && patch.chars().all(|character| character.is_ascii_digit())
    })
}

fn check_fields(
    context: &ErrorContext,
    pointer: &str,
    object: &Map<String, Value>,
    allowed: &[&str],
) -> Result<(), GeneratorError> {
    for key in object.keys() {
        if !allowed.contains(&key.as_str()) && !key.starts_with("x-") {
            return Err(context.invalid(
                &crate::error::pointer_push(pointer, key),
                format!(
                    "unknown field `{key}`: Overlay 1.0.0 allows {} here (and `x-` extensions)",
                    allowed
                        .iter()
                        .map(|field| format!("`{field}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn info(
    context: &ErrorContext,
    root: &Map<String, Value>,
) -> Result<(String, String), GeneratorError> {
    let Some(info) = root.get("info") else {
        return Err(context.invalid("", "missing `info` (with `title` and `version`)"));
    };
    let Some(info) = info.as_object() else {
        return Err(context.invalid(
            "/info",
            "`info` must be a mapping with `title` and `version`",
        ));
    };
    check_fields(context, "/info", info, INFO_FIELDS)?;
    let text = |field: &str| match info.get(field) {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(context.invalid(
            &format!("/info/{field}"),
            format!("`info.{field}` must be a string"),
        )),
        None => Err(context.invalid("/info", format!("missing `info.{field}`"))),
    };
    Ok((text("title")?, text("version")?))
}

fn apply_action(
    context: &ErrorContext,
    document: &mut Value,
    spec_path: &str,
    index: usize,
    action: &Value,
    changed: &mut Vec<(usize, String)>,
) -> Result<(), GeneratorError> {
    let pointer = format!("/actions/{index}");
    let Some(action) = action.as_object() else {
        return Err(context.invalid(
            &pointer,
            format!("action {index} must be a mapping with `target` and `update` or `remove`"),
        ));
    };
    check_fields(context, &pointer, action, ACTION_FIELDS)?;
    let target = match action.get("target") {
        Some(Value::String(target)) => target,
        Some(_) => {
            return Err(context.invalid(
                &format!("{pointer}/target"),
                format!("action {index}: `target` must be a JSONPath string"),
            ))
        }
        None => return Err(context.invalid(&pointer, format!("action {index} has no `target`"))),
    };
    let at_target = format!("{pointer}/target");
    let path = JsonPath::parse(target).map_err(|error| {
        context.invalid(
            &at_target,
            format!(
                "action {index}: `{target}` is not a JSONPath (RFC 9535): at character {}, {}",
                error.position(),
                error.message()
            ),
        )
    })?;
    let remove = match action.get("remove") {
        None => false,
        Some(Value::Bool(remove)) => *remove,
        Some(_) => {
            return Err(context.invalid(
                &format!("{pointer}/remove"),
                format!("action {index}: `remove` must be true or false"),
            ))
        }
    };
    let update = action.get("update");
    match (update, remove) {
        (Some(_), true) => {
            return Err(context.invalid(
                &pointer,
                format!("action {index} (`{target}`) has both `update` and `remove: true`; the update would be ignored, so say one"),
            ))
        }
        (None, false) => {
            return Err(context.invalid(
                &pointer,
                format!("action {index} (`{target}`) has neither `update` nor `remove: true`, so it does nothing"),
            ))
        }
        _ => {}
    }
    let mut locations: Vec<Vec<Step>> = path
        .query_located(document)
        .dedup()
        .into_iter()
        .map(|node| {
            node.location()
                .iter()
                .map(|element| match element.as_index() {
                    Some(index) => Step::Index(index),
                    None => Step::Name(element.as_name().unwrap_or_default().to_string()),
                })
                .collect()
        })
        .collect();
    if locations.is_empty() {
        return Err(context.invalid(
            &at_target,
            format!("action {index}: `{target}` matches nothing in {spec_path}: the fact it adds would be lost (did the provider rename or move it?)"),
        ));
    }
    changed.extend(
        locations
            .iter()
            .map(|location| (index, raw_pointer(location))),
    );
    match update {
        Some(update) => {
            for location in &locations {
                let node = node_mut(document, location);
                match (node, update) {
                    (Some(Value::Object(object)), Value::Object(update)) => deep_merge(object, update),
                    (Some(Value::Array(items)), update) => items.push(update.clone()),
                    (Some(Value::Object(_)), _) => {
                        return Err(context.invalid(
                            &format!("{pointer}/update"),
                            format!("action {index}: `{target}` selects a mapping ({}) in {spec_path}, so `update` must be a mapping to merge into it", pointer_of(location)),
                        ))
                    }
                    (Some(other), _) => {
                        return Err(context.invalid(
                            &at_target,
                            format!("action {index}: `{target}` selects {} at {} in {spec_path}; an update targets mappings and lists only (target the parent to replace a value)", kind(other), pointer_of(location)),
                        ))
                    }
                    (None, _) => unreachable_location(context, &at_target, index, target)?,
                }
            }
        }
        None => {
            if locations.iter().any(Vec::is_empty) {
                return Err(context.invalid(&at_target, format!("action {index}: `{target}` selects the whole document, which cannot be removed")));
            }
            // Last first, so removing an item does not shift the indices of those still to go.
            locations.sort();
            for location in locations.iter().rev() {
                let Some((last, parent)) = location.split_last() else {
                    continue;
                };
                match (node_mut(document, parent), last) {
                    (Some(Value::Object(object)), Step::Name(name)) => {
                        object.shift_remove(name);
                    }
                    (Some(Value::Array(items)), Step::Index(position))
                        if *position < items.len() =>
                    {
                        items.remove(*position);
                    }
                    // Already gone with an ancestor this action removed.
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

fn unreachable_location(
    context: &ErrorContext,
    at_target: &str,
    index: usize,
    target: &str,
) -> Result<(), GeneratorError> {
    // A node updated earlier in this action moved (an update appended to a list that holds a
    // later match): report rather than guess.
    Err(context.invalid(
        at_target,
        format!("action {index}: `{target}` selects nodes inside one another that this update changes; target them separately"),
    ))
}

/// One step of a location, owned so the document can be changed while locations are kept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Name(String),
    Index(usize),
}

fn node_mut<'a>(document: &'a mut Value, location: &[Step]) -> Option<&'a mut Value> {
    let mut node = document;
    for step in location {
        node = match (node, step) {
            (Value::Object(object), Step::Name(name)) => object.get_mut(name)?,
            (Value::Array(items), Step::Index(position)) => items.get_mut(*position)?,
            _ => return None,
        };
    }
    Some(node)
}

fn raw_pointer(location: &[Step]) -> String {
    let mut pointer = String::new();
    for step in location {
        pointer = match step {
            Step::Name(name) => crate::error::pointer_push(&pointer, name),
            Step::Index(position) => crate::error::pointer_push(&pointer, &position.to_string()),
        };
    }
    pointer
}

fn pointer_of(location: &[Step]) -> String {
    let pointer = raw_pointer(location);
    if pointer.is_empty() {
        "the document root".to_string()
    } else {
        pointer
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "a null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Merges `update` into `target`: mappings recursively, key by key; anything else (a string, a
/// number, a list) replaces the value under its key. Keys new to `target` are appended in the
/// update's order, so output stays deterministic.
fn deep_merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(update)) => deep_merge(existing, update),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn apply(document: &mut Value, overlay: &str) -> Result<AppliedOverlay, GeneratorError> {
        let source = OverlaySource {
            path: "overlay.yaml".to_string(),
            bytes: overlay.as_bytes().to_vec(),
        };
        apply_overlay(document, "openapi.yaml", &source)
    }

    #[test]
    fn update_merges_deeply_appends_to_lists_and_remove_deletes() {
        let mut document = json!({
            "openapi": "3.0.0",
            "tags": [{"name": "a"}],
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}, "/b": {}, "/c": {}},
            "list": [1, 2, 3, 4]
        });
        let applied = apply(
            &mut document,
            r#"
overlay: 1.0.0
info: {title: t, version: "1"}
actions:
  - target: "$.paths['/a'].get.responses"
    update: {"200": {"x-note": "kept"}, "403": {description: Forbidden}}
  - target: $.tags
    update: {name: b}
  - target: "$.paths['/b']"
    remove: true
  - target: "$.list[?@ > 2]"
    remove: true
"#,
        )
        .unwrap();
        assert_eq!(applied.actions, 4);
        assert_eq!(
            document,
            json!({
                "openapi": "3.0.0",
                "tags": [{"name": "a"}, {"name": "b"}],
                "paths": {"/a": {"get": {"responses": {
                    "200": {"description": "ok", "x-note": "kept"},
                    "403": {"description": "Forbidden"}
                }}}, "/c": {}},
                "list": [1, 2]
            })
        );
    }
}
