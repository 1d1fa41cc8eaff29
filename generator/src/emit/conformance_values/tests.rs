//! The synthesizer's values against the constraints of the schemas they come from, each checked
//! here by hand from the document, not through the synthesizer's own matcher.

use super::{Fill, ValueSynthesizer};
use crate::config::ProviderConfig;
use crate::ProviderSource;
use serde_json::{json, Value};

/// The IR of the one-operation spec `spec` (YAML).
fn lowered(spec: &str) -> crate::ir::ApiModule {
    let source = ProviderSource {
        spec_path: "values.yaml".to_string(),
        spec_bytes: spec.as_bytes(),
        config: ProviderConfig::for_standalone_spec("values", "values.yaml"),
    };
    let (api, _) = crate::lower_spec(&source).unwrap_or_else(|error| panic!("{error}"));
    api
}

/// The body values (full, required only) of the operation `operation_id` of a one-operation
/// spec whose request body is `body_schema` and whose component schemas are `schemas` (YAML).
fn body_values(schemas: &str, body_schema: &str) -> (Value, Value) {
    let spec = format!(
        r#"openapi: 3.0.3
info: {{title: values, version: "1"}}
components:
  schemas:
{schemas}
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {body_schema}
      responses:
        "204": {{description: done}}
"#
    );
    let api = lowered(&spec);
    let synthesizer = ValueSynthesizer::new(&api);
    let operation = &api.operations[0];
    (
        synthesizer.body(operation, Fill::Full),
        synthesizer.body(operation, Fill::Required),
    )
}

#[test]
fn a_one_of_value_matches_exactly_one_member_by_its_own_enum_or_required_fields() {
    // Neither member requires anything: `{}` and any object of optional fields match both.
    // Only the `type` enum tells them apart, so the required-only value carries it.
    let schemas = r##"
    Ach:
      type: object
      properties:
        type: {type: string, enum: [ach]}
        owner: {type: string}
    Card:
      type: object
      properties:
        type: {type: string, enum: [scheme]}
        number: {type: string}
    Payment:
      type: object
      required: [method]
      properties:
        method:
          oneOf: [{$ref: "#/components/schemas/Ach"}, {$ref: "#/components/schemas/Card"}]
"##;
    let (full, required) = body_values(schemas, r##"{$ref: "#/components/schemas/Payment"}"##);
    for value in [&full, &required] {
        let method = &value["method"];
        let is_ach = method.get("type").map_or(true, |kind| kind == "ach");
        let is_card = method.get("type").map_or(true, |kind| kind == "scheme");
        assert!(is_ach != is_card, "{method} matches both members or none");
    }
    // A member whose required field the others lack is told apart by it alone.
    let schemas = r##"
    Loose:
      type: object
      properties:
        note: {type: string}
    Strict:
      type: object
      required: [code]
      properties:
        code: {type: integer}
"##;
    let (_, required) = body_values(
        schemas,
        r##"{oneOf: [{$ref: "#/components/schemas/Loose"}, {$ref: "#/components/schemas/Strict"}]}"##,
    );
    // `{}` would match `Loose` only; so would `{note}`. Either way, not `Strict`.
    assert!(required.get("code").is_none(), "{required}");
}

#[test]
fn an_any_of_of_required_lists_is_met_by_the_required_only_value() {
    let schemas = r##"
    Firewall:
      type: object
      properties:
        name: {type: string}
        inbound_rules: {type: array, items: {type: string}}
        outbound_rules: {type: array, items: {type: string}}
"##;
    let body = r##"{allOf: [{$ref: "#/components/schemas/Firewall"}, {required: [name]}, {anyOf: [{title: In, required: [inbound_rules]}, {title: Out, required: [outbound_rules]}]}]}"##;
    let (full, required) = body_values(schemas, body);
    assert!(required.get("name").is_some(), "{required}");
    assert!(
        required.get("inbound_rules").is_some() || required.get("outbound_rules").is_some(),
        "neither alternative is met: {required}"
    );
    // Exactly one alternative is added: the required-only value stays minimal.
    assert!(
        required.get("inbound_rules").is_none() || required.get("outbound_rules").is_none(),
        "{required}"
    );
    assert!(full.get("inbound_rules").is_some() && full.get("outbound_rules").is_some());
}

#[test]
fn arrays_have_as_many_items_as_their_bounds_ask_distinct_where_they_ask_it() {
    let schemas = r##"
    Bounded:
      type: object
      required: [three, one, unique, tags]
      properties:
        three: {type: array, minItems: 3, items: {type: integer}}
        one: {type: array, maxItems: 1, items: {type: string}}
        unique: {type: array, minItems: 4, uniqueItems: true, items: {type: string, enum: [a, b, c, d, e]}}
        tags: {type: array, minItems: 3, items: {type: string, pattern: "^t[0-9]$"}}
        none: {type: array, maxItems: 0, items: {type: string}}
"##;
    let (full, required) = body_values(schemas, r##"{$ref: "#/components/schemas/Bounded"}"##);
    let pattern = regex::Regex::new("^t[0-9]$").expect("a regex");
    for value in [&full, &required] {
        let count = |key: &str| value[key].as_array().map(Vec::len);
        assert!(count("three") >= Some(3), "{value}");
        assert_eq!(count("one"), Some(1), "{value}");
        let unique = value["unique"].as_array().expect("an array");
        assert!(unique.len() >= 4, "{value}");
        for (index, item) in unique.iter().enumerate() {
            assert!(!unique[..index].contains(item), "{value}: a repeated item");
        }
        // The pattern's sample is kept for every item (repeated: uniqueness is not asked).
        let tags = value["tags"].as_array().expect("an array");
        assert!(tags.len() >= 3, "{value}");
        assert!(
            tags.iter()
                .all(|tag| tag.as_str().is_some_and(|tag| pattern.is_match(tag))),
            "{value}"
        );
    }
    assert_eq!(full["none"], json!([]));
}

#[test]
fn an_any_of_of_required_lists_on_the_object_itself_is_met_by_the_required_only_value() {
    // GitHub's `gists/update` form: the rule is written beside `properties`, not in an `allOf`.
    let body = r##"{type: object, nullable: true, properties: {description: {type: string}, files: {type: object, additionalProperties: {type: string}}}, anyOf: [{required: [description]}, {required: [files]}]}"##;
    let (full, required) = body_values("    Unused: {type: string}", body);
    assert!(
        required.get("description").is_some() != required.get("files").is_some(),
        "the required-only value should meet exactly one alternative: {required}"
    );
    assert!(full.get("description").is_some() && full.get("files").is_some());
    // Four one-property alternatives, as `repos/update-information-about-pages-site` has them.
    let body = r##"{type: object, properties: {cname: {type: string}, public: {type: boolean}}, anyOf: [{required: [cname]}, {required: [public]}]}"##;
    let (_, required) = body_values("    Unused: {type: string}", body);
    assert!(
        required.get("cname").is_some() || required.get("public").is_some(),
        "{required}"
    );
}

/// The parameter struct's values (full, required only) of a one-operation spec with the path
/// `/things/{id}` and the parameters `parameters` (YAML list), beside component schemas `schemas`.
fn parameter_values(schemas: &str, parameters: &str) -> (Value, Value) {
    let spec = format!(
        r#"openapi: 3.0.3
info: {{title: values, version: "1"}}
components:
  schemas:
{schemas}
paths:
  /things/{{id}}:
    get:
      operationId: getThing
      parameters: {parameters}
      responses:
        "204": {{description: done}}
"#
    );
    let api = lowered(&spec);
    let synthesizer = ValueSynthesizer::new(&api);
    let operation = &api.operations[0];
    (
        synthesizer.parameters(operation, Fill::Full),
        synthesizer.parameters(operation, Fill::Required),
    )
}

#[test]
fn a_union_parameter_value_matches_one_member_as_the_text_it_is_sent_as() {
    let schemas = r##"
    RoleType: {type: string, enum: [SUPER_ADMIN, APP_ADMIN]}
    RoleId: {type: string}
"##;
    // `id`: GitHub's `workflow_id`; `role`: Okta's `roleRef` (an enum value is also a string,
    // even when the document's example is one); `flag`: `true` is a boolean and a string.
    let parameters = r##"[
        {name: id, in: path, required: true, schema: {oneOf: [{type: integer}, {type: string}]}},
        {name: role, in: query, required: true, example: SUPER_ADMIN, schema: {oneOf: [{$ref: "#/components/schemas/RoleType"}, {$ref: "#/components/schemas/RoleId"}]}},
        {name: flag, in: header, required: false, schema: {oneOf: [{type: boolean}, {type: string}]}}
    ]"##;
    let (full, required) = parameter_values(schemas, parameters);
    let text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    for value in [&full, &required] {
        let id = text(&value["id"]);
        assert!(id.parse::<f64>().is_err(), "{id} reads as a number too");
        let role = text(&value["role"]);
        assert!(
            role != "SUPER_ADMIN" && role != "APP_ADMIN",
            "{role} is a role type and a role id"
        );
    }
    let flag = text(&full["flag"]);
    assert!(
        flag != "true" && flag != "false",
        "{flag} reads as a boolean too"
    );
    // Members told apart only by a `format` (Supabase's `relaystate`: a URI or a UUID): no
    // value is known to match one only, so the document's sample stays.
    let parameters = r##"[{name: id, in: path, required: true, example: "https://example.com/relay", schema: {oneOf: [{type: string, format: uri}, {type: string, format: uuid}]}}]"##;
    let (full, required) = parameter_values(schemas, parameters);
    assert_eq!(full["id"], json!("https://example.com/relay"));
    assert_eq!(required["id"], json!("https://example.com/relay"));
    // A member alone whose text nothing else reads keeps its natural value.
    let parameters = r##"[{name: id, in: path, required: true, schema: {oneOf: [{type: integer}, {type: boolean}]}}]"##;
    let (full, _) = parameter_values(schemas, parameters);
    assert_eq!(full["id"], json!(1));
}

#[test]
fn exactly_one_of_and_never_all_of_required_lists_hold_in_full_and_required_only_values() {
    // OpenAI's `file_search` (a `oneOf` of required lists) and `ImageRefParam` (`anyOf` plus
    // `not: {required: [both]}`): each value has exactly one of the two properties.
    let schemas = r##"
    ImageRef:
      type: object
      additionalProperties: false
      properties:
        image_url: {type: string}
        file_id: {type: string}
      anyOf: [{required: [image_url]}, {required: [file_id]}]
      not: {required: [image_url, file_id]}
    FileSearch:
      type: object
      properties:
        vector_store_ids: {type: array, maxItems: 1, items: {type: string}}
        vector_stores: {type: array, maxItems: 1, items: {type: object, properties: {file_ids: {type: array, items: {type: string}}}}}
        note: {type: string}
      oneOf: [{required: [vector_store_ids]}, {required: [vector_stores]}]
    Edit:
      type: object
      required: [image, search]
      properties:
        image: {$ref: "#/components/schemas/ImageRef"}
        search: {$ref: "#/components/schemas/FileSearch"}
"##;
    let (full, required) = body_values(schemas, r##"{$ref: "#/components/schemas/Edit"}"##);
    for value in [&full, &required] {
        let image = &value["image"];
        assert!(
            image.get("image_url").is_some() != image.get("file_id").is_some(),
            "{image}"
        );
        let search = &value["search"];
        assert!(
            search.get("vector_store_ids").is_some() != search.get("vector_stores").is_some(),
            "{search}"
        );
    }
    // Fields outside the rules stay in the full value.
    assert!(full["search"].get("note").is_some(), "{full}");
}

#[test]
fn a_closed_empty_member_is_not_matched_by_the_value_of_its_sibling() {
    // Okta's `startOrgFailover`: `{}` matches both members; `{domains}` only the open one,
    // since the other says `additionalProperties: false`.
    let schemas = r##"
    Failover:
      type: object
      properties:
        domains: {type: array, items: {type: string}}
    Empty:
      type: object
      additionalProperties: false
"##;
    let (full, required) = body_values(
        schemas,
        r##"{oneOf: [{$ref: "#/components/schemas/Failover"}, {$ref: "#/components/schemas/Empty"}]}"##,
    );
    for value in [&full, &required] {
        assert!(
            value.get("domains").is_some(),
            "{value} matches both members"
        );
    }
}
