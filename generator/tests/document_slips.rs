//! Slips of real documents the client reads as HTTP and JSON Schema mean them, not as written:
//! a body documented for a status HTTP sends without one (204, 205, 304) is read as no body, and
//! the operation's docs say so (Authentik's `flows_instances_import_create` documents a JSON body
//! for its 204, so a client waiting for it failed on every real answer); `items` beside
//! `type: object` leaves an object; a union beside an object's properties whose members bring
//! fields keeps the JSON (Okta's `addJwk`).

use generator::ir::{BodyEncoding, StatusMatch, TypeRef};
use generator::{ProviderConfig, ProviderSource};

#[test]
fn a_body_documented_for_204_205_or_304_is_read_as_none_and_said_so() {
    let document = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "bodiless", "version": "1"},
        "paths": {"/import": {"post": {
            "operationId": "importThings",
            "responses": {
                "204": {"description": "imported", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["success"],
                    "properties": {"success": {"type": "boolean"}}
                }}}},
                "304": {"description": "unchanged", "content": {"application/json": {"schema": {"type": "string"}}}},
                "400": {"description": "refused", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"message": {"type": "string"}}
                }}}}
            }
        }}}
    });
    let api = lowered("bodiless", &document);
    let operation = &api.operations[0];
    let success = &operation.success.cases;
    assert_eq!(success.len(), 1);
    assert_eq!(success[0].status, StatusMatch::Code(204));
    assert_eq!(success[0].type_ref, TypeRef::Unit);
    assert_eq!(success[0].encoding, BodyEncoding::Empty);
    let not_modified = operation
        .errors
        .iter()
        .find(|case| case.status == StatusMatch::Code(304))
        .expect("the 304 case");
    assert_eq!(not_modified.type_ref, TypeRef::Unit);
    // Other statuses keep their bodies.
    let refused = operation
        .errors
        .iter()
        .find(|case| case.status == StatusMatch::Code(400))
        .expect("the 400 case");
    assert_ne!(refused.type_ref, TypeRef::Unit);
    for status in ["204 No Content", "304 Not Modified"] {
        assert!(
            operation
                .docs
                .text
                .contains(&format!("The spec documents a body for `{status}`")),
            "{}",
            operation.docs.text
        );
    }
}

/// `items` beside `type: object` says nothing (it applies to arrays only): the value is an object,
/// not an array (DigitalOcean's `partnerAttachments_get_bgp_auth_key` answers `{"bgp_auth_key": {...}}`).
#[test]
fn items_beside_type_object_leaves_an_object() {
    let document = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "stray", "version": "1"},
        "paths": {"/key": {"get": {
            "operationId": "getKey",
            "responses": {"200": {"description": "the key", "content": {"application/json": {"schema": {
                "allOf": [{"type": "object", "properties": {"key": {
                    "type": "object", "items": {"type": "string"}
                }}}]
            }}}}}
        }}}
    });
    let api = lowered("stray", &document);
    let field_types: Vec<&TypeRef> = api
        .types
        .iter()
        .filter_map(|definition| match &definition.kind {
            generator::ir::TypeKind::Struct { fields, .. } => Some(fields),
            _ => None,
        })
        .flatten()
        .filter(|field| field.wire_name == "key")
        .map(|field| &field.type_ref)
        .collect();
    assert_eq!(field_types.len(), 1, "{:?}", api.types);
    assert!(
        !matches!(field_types[0], TypeRef::Vec(_))
            && !matches!(field_types[0], TypeRef::Option(inner) if matches!(**inner, TypeRef::Vec(_))),
        "{:?}",
        field_types[0]
    );
}

/// The IR of `document`, generated as the module `name` from `name.json`.
fn lowered(name: &str, document: &serde_json::Value) -> generator::ir::ApiModule {
    let bytes = serde_json::to_vec(document).unwrap();
    let spec_path = format!("{name}.json");
    let source = ProviderSource {
        spec_path: spec_path.clone(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec(name, &spec_path),
    };
    let (api, _) = generator::lower_spec(&source).unwrap_or_else(|error| panic!("{error}"));
    api
}

/// The types of a one-operation document whose components are `schemas`.
fn lowered_types(schemas: serde_json::Value) -> Vec<generator::ir::TypeDefinition> {
    let document = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "beside", "version": "1"},
        "paths": {"/keys": {"post": {
            "operationId": "addKey",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/KeyRequest"}}}},
            "responses": {"204": {"description": "added"}}
        }}},
        "components": {"schemas": schemas}
    });
    let api = lowered("beside", &document);
    api.types
}

/// Okta's `OAuth2ClientJsonSigningKeyRequest`: `properties` with a `oneOf` beside them whose members
/// hold the key's own fields. A struct of the properties alone could not send `kty`, `n` or `e`.
#[test]
fn a_union_beside_properties_whose_members_add_fields_keeps_the_json() {
    let types = lowered_types(serde_json::json!({
        "KeyRequest": {
            "type": "object",
            "properties": {"status": {"type": "string"}, "kid": {"type": "string"}},
            "oneOf": [{"$ref": "#/components/schemas/RsaKey"}, {"$ref": "#/components/schemas/EcKey"}]
        },
        "RsaKey": {"type": "object", "required": ["kty", "n", "e"], "properties": {
            "kty": {"type": "string", "enum": ["RSA"]}, "n": {"type": "string"}, "e": {"type": "string"}
        }},
        "EcKey": {"type": "object", "required": ["kty", "x", "y"], "properties": {
            "kty": {"type": "string", "enum": ["EC"]}, "x": {"type": "string"}, "y": {"type": "string"}
        }}
    }));
    let request = types
        .iter()
        .find(|definition| definition.name == "KeyRequest")
        .expect("KeyRequest is defined");
    assert_eq!(
        request.kind,
        generator::ir::TypeKind::Alias {
            target: TypeRef::Json
        },
        "{request:?}"
    );
}

/// GitHub's check runs: `oneOf` members that only narrow properties the object declares (and
/// say which are required) add no field; the object stays a struct.
#[test]
fn a_union_beside_properties_that_only_narrows_them_keeps_the_struct() {
    let types = lowered_types(serde_json::json!({
        "KeyRequest": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "status": {"type": "string"}, "conclusion": {"type": "string"}},
            "oneOf": [
                {"properties": {"status": {"enum": ["completed"]}}, "required": ["status", "conclusion"]},
                {"properties": {"status": {"enum": ["queued", "in_progress"]}}}
            ]
        }
    }));
    let request = types
        .iter()
        .find(|definition| definition.name == "KeyRequest")
        .expect("KeyRequest is defined");
    let generator::ir::TypeKind::Struct { fields, .. } = &request.kind else {
        panic!("a struct: {request:?}")
    };
    let names: Vec<&str> = fields
        .iter()
        .map(|field| field.wire_name.as_str())
        .collect();
    assert_eq!(names, ["name", "status", "conclusion"]);
}
