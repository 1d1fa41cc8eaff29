//! Security requirements that send the same credentials are one alternative: a repeated one would be
//! generated as an `if` branch that can never run (clippy's `ifs_same_cond`, seen in DigitalOcean's spec).

use generator::{ProviderConfig, ProviderSource};

#[test]
fn requirements_differing_only_in_scopes_or_order_are_one_alternative() {
    let document = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "scopes", "version": "1"},
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        }},
        "paths": {"/records": {"post": {
            "operationId": "createRecord",
            "security": [
                {"bearer": ["read"]},
                {"bearer": ["write"]},
                {"bearer": [], "key": []},
                {"key": [], "bearer": []},
            ],
            "responses": {"204": {"description": "none"}},
        }}},
    });
    let bytes = serde_json::to_vec(&document).unwrap();
    let source = ProviderSource {
        spec_path: "scopes.json".to_string(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("scopes", "scopes.json"),
    };
    let (api, _) = generator::lower_spec(&source).unwrap_or_else(|error| panic!("{error}"));
    let alternatives: Vec<Vec<&str>> = api.operations[0]
        .security
        .iter()
        .map(|alternative| {
            alternative
                .iter()
                .map(|index| api.security_schemes[*index].spec_name.as_str())
                .collect()
        })
        .collect();
    assert_eq!(alternatives, vec![vec!["bearer"], vec!["bearer", "key"]]);
}
