//! Header parameters named `Accept` or `Content-Type` are ignored, as OpenAPI says (Parameter
//! Object, `name`), and the operation's docs say so: the client sets those headers itself, and
//! sending the parameter too gave two values (DigitalOcean's `apps_create` declares an `Accept`
//! parameter; Prism refused `application/json, application/json`). `Authorization` is kept: a
//! document without security schemes (progenitor's keeper) has only the parameter for its token.

use generator::ir::ParameterLocation;
use generator::{ProviderConfig, ProviderSource};

#[test]
fn accept_and_content_type_header_parameters_are_ignored_and_said_so() {
    let document = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "headers", "version": "1"},
        "paths": {"/apps": {"post": {
            "operationId": "createApp",
            "parameters": [
                {"in": "header", "name": "Accept", "schema": {"type": "string", "enum": ["application/json", "application/yaml"]}},
                {"in": "header", "name": "content-type", "schema": {"type": "string"}},
                {"in": "header", "name": "AUTHORIZATION", "required": true, "schema": {"type": "string"}},
                {"in": "header", "name": "X-Request-Id", "schema": {"type": "string"}},
                {"in": "query", "name": "accept", "schema": {"type": "string"}}
            ],
            "responses": {"204": {"description": "created"}}
        }}}
    });
    let bytes = serde_json::to_vec(&document).unwrap();
    let source = ProviderSource {
        spec_path: "headers.json".to_string(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("headers", "headers.json"),
    };
    let (api, _) = generator::lower_spec(&source).unwrap_or_else(|error| panic!("{error}"));
    let operation = &api.operations[0];
    let kept: Vec<(ParameterLocation, &str)> = operation
        .parameters
        .iter()
        .map(|parameter| (parameter.location, parameter.wire_name.as_str()))
        .collect();
    // A query parameter of the same name is an ordinary parameter.
    assert_eq!(
        kept,
        [
            (ParameterLocation::Header, "AUTHORIZATION"),
            (ParameterLocation::Header, "X-Request-Id"),
            (ParameterLocation::Query, "accept")
        ]
    );
    for name in ["Accept", "content-type"] {
        assert!(
            operation.docs.text.contains(&format!(
                "header parameter `{name}`, which OpenAPI says is ignored"
            )),
            "{}",
            operation.docs.text
        );
    }
}
