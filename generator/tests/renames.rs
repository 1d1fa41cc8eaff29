//! Names that collide are renamed stably and every rename is reported: an unrelated change (another
//! operation or schema, a different document order) never renumbers them.

use generator::{ProviderConfig, ProviderSource};
use std::collections::BTreeMap;

/// (operation id -> method name, schema key -> type name, rename notes) for a document.
fn names_of(
    document: &serde_json::Value,
) -> (
    BTreeMap<String, String>,
    BTreeMap<String, String>,
    Vec<String>,
) {
    let bytes = serde_json::to_vec(document).unwrap();
    let source = ProviderSource {
        spec_path: "renames.json".to_string(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("renames", "renames.json"),
    };
    let (api, _) = generator::lower_spec(&source).unwrap_or_else(|error| panic!("{error}"));
    let methods = api
        .operations
        .iter()
        .map(|operation| (operation.spec_name.clone(), operation.method_name.clone()))
        .collect();
    let types = api
        .types
        .iter()
        .map(|definition| (definition.docs.text.clone(), definition.name.clone()))
        .collect();
    (methods, types, api.renamed.clone())
}

fn document(operation_ids: &[&str], schema_keys: &[&str]) -> serde_json::Value {
    let mut paths = serde_json::Map::new();
    for (index, id) in operation_ids.iter().enumerate() {
        paths.insert(
            format!("/path{index}"),
            serde_json::json!({"get": {"operationId": id, "responses": {"204": {"description": "none"}}}}),
        );
    }
    let mut schemas = serde_json::Map::new();
    for key in schema_keys {
        schemas.insert(
            key.to_string(),
            serde_json::json!({"type": "object", "description": format!("schema {key}"), "properties": {"x": {"type": "string"}}}),
        );
    }
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "renames", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

#[test]
fn colliding_operation_ids_are_numbered_by_sorted_id_and_reported() {
    let (methods, _, renamed) = names_of(&document(&["getUser", "get_user", "GetUser"], &[]));
    assert_eq!(methods["GetUser"], "get_user");
    assert_eq!(methods["getUser"], "get_user_2");
    assert_eq!(methods["get_user"], "get_user_3");
    assert_eq!(renamed.len(), 2, "{renamed:#?}");
    assert!(
        renamed
            .iter()
            .any(|line| line.contains("operation `getUser`") && line.contains("`get_user_2`")),
        "{renamed:#?}"
    );
    assert!(
        renamed
            .iter()
            .any(|line| line.contains("operation `get_user`") && line.contains("`get_user_3`")),
        "{renamed:#?}"
    );
}

#[test]
fn unrelated_changes_and_document_order_do_not_renumber() {
    let base = names_of(&document(
        &["getUser", "get_user", "GetUser"],
        &["User", "user"],
    ));
    let reordered = names_of(&document(
        &["GetUser", "listThings", "get_user", "aaa", "getUser"],
        &["zeta", "user", "Alpha", "User"],
    ));
    for id in ["getUser", "get_user", "GetUser"] {
        assert_eq!(base.0[id], reordered.0[id], "{id}");
    }
    for key in ["User", "user"] {
        let docs = format!("schema {key}");
        assert_eq!(base.1[&docs], reordered.1[&docs], "{key}");
    }
    assert_eq!(base.1["schema user"], "User2");
    assert!(
        base.2
            .iter()
            .any(|line| line.contains("schema `user` is the type `User2`")),
        "{:#?}",
        base.2
    );
}

#[test]
fn operation_ids_that_are_the_clients_own_methods_are_renamed_and_reported() {
    let (methods, _, renamed) = names_of(&document(
        &["withRetryPolicy", "new", "baseUrl", "client"],
        &[],
    ));
    assert_eq!(methods["withRetryPolicy"], "with_retry_policy_2");
    assert_eq!(methods["new"], "new_2");
    assert_eq!(methods["baseUrl"], "base_url_2");
    assert_eq!(
        methods["client"], "client",
        "`client` is not a method of the client"
    );
    assert_eq!(renamed.len(), 3, "{renamed:#?}");
    assert!(
        renamed
            .iter()
            .all(|line| line.contains("the generated client's own method")),
        "{renamed:#?}"
    );
}

fn lower(document: &serde_json::Value) -> generator::ir::ApiModule {
    let bytes = serde_json::to_vec(document).unwrap();
    let source = ProviderSource {
        spec_path: "renames.json".to_string(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("renames", "renames.json"),
    };
    generator::lower_spec(&source)
        .unwrap_or_else(|error| panic!("{error}"))
        .0
}

/// `Self` is the method `self_`; its types are `SelfError`, not `Self_Error` (rustc's
/// `non_camel_case_types` warns on that).
#[test]
fn an_operation_named_after_a_keyword_has_upper_camel_case_types() {
    let api = lower(&document(&["Self", "self"], &[]));
    let error_types: BTreeMap<&str, &str> = api
        .operations
        .iter()
        .map(|operation| (operation.spec_name.as_str(), operation.error_type.as_str()))
        .collect();
    assert_eq!(error_types["Self"], "SelfError");
    assert_eq!(error_types["self"], "Self2Error");
}

/// A server's override method (`with_api_example_com_server`) taken by an operation is renamed,
/// and the rename is reported like any other.
#[test]
fn a_server_override_method_taken_by_an_operation_is_renamed_and_reported() {
    let mut spec = document(&["withApiExampleComServer"], &[]);
    spec["paths"]["/token"] = serde_json::json!({
        "servers": [{"url": "https://api.example.com"}],
        "post": {"operationId": "createToken", "responses": {"204": {"description": "none"}}}
    });
    let api = lower(&spec);
    assert_eq!(
        api.servers[0].override_method,
        "with_api_example_com_server_2"
    );
    assert!(
        api.renamed.iter().any(|line| line
            .contains("the server `https://api.example.com` has the override method `with_api_example_com_server_2`")),
        "{:#?}",
        api.renamed
    );
}

/// Security schemes whose names collide (`api-key`, `api_key`, `apiKey`; a scheme `bearer_tokens`
/// beside a bearer scheme `bearer`, whose token source field it would take) are numbered, and each
/// numbering is reported like any other rename (it was silent).
#[test]
fn colliding_security_scheme_names_are_numbered_and_reported() {
    let mut spec = document(&["getThing"], &[]);
    spec["components"]["securitySchemes"] = serde_json::json!({
        "api-key": {"type": "apiKey", "in": "header", "name": "X-A"},
        "api_key": {"type": "apiKey", "in": "header", "name": "X-B"},
        "apiKey": {"type": "apiKey", "in": "query", "name": "k"},
        "bearer": {"type": "http", "scheme": "bearer"},
        "bearer_tokens": {"type": "http", "scheme": "bearer"}
    });
    let api = lower(&spec);
    for expected in [
        "security scheme `api_key` is the credentials field `api_key_2` (method `with_api_key_2`): `api_key` is taken",
        "security scheme `apiKey` is the credentials field `api_key_3` (method `with_api_key_3`): `api_key` is taken",
        "security scheme `bearer_tokens` is the credentials field `bearer_tokens_2` (method `with_bearer_tokens_2`): `bearer_tokens` is taken",
    ] {
        assert!(
            api.renamed.iter().any(|line| line.contains(expected)),
            "`{expected}` missing from {:#?}",
            api.renamed
        );
    }
    assert!(
        !api.renamed
            .iter()
            .any(|line| line.contains("scheme `bearer`")),
        "{:#?}",
        api.renamed
    );
}

#[test]
fn a_required_key_no_schema_declares_is_reported_once() {
    let mut spec = document(&["getThing"], &[]);
    // As in DigitalOcean's `uptime_create_check`: the outer `required` names `method`, which no
    // member declares; two members also require it, and `x` is declared.
    spec["components"]["schemas"]["Check"] = serde_json::json!({
        "type": "object",
        "allOf": [
            {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["method"]},
            {"type": "object", "required": ["method", "x"]}
        ],
        "required": ["x", "method"]
    });
    let api = lower(&spec);
    let notes: Vec<&String> = api
        .renamed
        .iter()
        .filter(|line| line.contains("none of its schemas declares"))
        .collect();
    assert_eq!(
        notes,
        ["`Check` requires `method`, which none of its schemas declares: it has no field for it"],
        "{:#?}",
        api.renamed
    );
}
