//! Object-valued parameters, as OpenAPI's styles define them: `form` exploded (the default for a
//! query parameter) sends each property as its own pair, `form` not exploded and `simple` send one
//! comma-joined list of properties and values, `deepObject` sends `name[property]=value`. What
//! OpenAPI leaves undefined (an array or object inside the value, outside `deepObject`) is refused
//! with an error that says so.

use auth_clients_runtime::{append_query, parameter_text, CallFailure};
use serde_json::json;

const OPERATION: &str = "object_parameters::test";

/// The pairs a query parameter adds, or the error's message.
fn query(value: serde_json::Value, explode: bool) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    append_query(OPERATION, &mut pairs, "effective_at", &value, explode)
        .map_err(|error: CallFailure| error.0.to_string())?;
    Ok(pairs)
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

#[test]
fn an_exploded_form_object_sends_one_pair_per_property() {
    let sent = query(
        json!({"gt": 0, "lte": i64::MAX, "note": "a b&c", "on": true}),
        true,
    )
    .unwrap();
    assert_eq!(
        sent,
        pairs(&[
            ("gt", "0"),
            ("lte", "9223372036854775807"),
            ("note", "a b&c"),
            ("on", "true")
        ])
    );
}

#[test]
fn null_properties_and_empty_objects_send_nothing() {
    assert_eq!(
        query(json!({"gt": null, "lt": -1}), true).unwrap(),
        pairs(&[("lt", "-1")])
    );
    assert_eq!(query(json!({}), true).unwrap(), pairs(&[]));
    assert_eq!(query(json!(null), true).unwrap(), pairs(&[]));
}

#[test]
fn a_form_object_not_exploded_is_one_comma_joined_pair() {
    assert_eq!(
        query(json!({"gt": 1, "lt": 2}), false).unwrap(),
        pairs(&[("effective_at", "gt,1,lt,2")])
    );
    assert_eq!(
        parameter_text(OPERATION, "filter", &json!({"level": 5, "role": "admin"})).unwrap(),
        Some("level,5,role,admin".to_string())
    );
}

#[test]
fn nested_arrays_and_objects_are_refused_with_a_clear_error() {
    for (value, explode) in [
        (json!({"range": {"gt": 1}}), true),
        (json!({"ids": [1, 2]}), true),
        (json!({"range": {"gt": 1}}), false),
        (json!([[1], [2]]), true),
        (json!([{"a": 1}]), false),
    ] {
        let message = query(value.clone(), explode).expect_err("undefined in OpenAPI");
        assert!(message.contains("effective_at"), "{value}: {message}");
        assert!(
            message.contains("OpenAPI defines no encoding"),
            "{value}: {message}"
        );
        assert!(message.contains("deepObject"), "{value}: {message}");
    }
}
