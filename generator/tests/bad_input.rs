//! Bad specs give an error value naming the file, the location and the problem; never a panic, never output.

use generator::{CrateOptions, GeneratorError, ProviderConfig, ProviderSource};
use std::path::Path;

fn generate_fixture(file_name: &str) -> GeneratorError {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(file_name);
    let bytes = std::fs::read(&path).unwrap();
    let spec_path = format!("fixtures/invalid/{file_name}");
    let source = ProviderSource {
        spec_path: spec_path.clone(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("bad", &spec_path),
    };
    let options = CrateOptions {
        crate_name: "bad".to_string(),
        description: "bad".to_string(),
        standalone: true,
        skip_invalid: false,
    };
    match generator::generate_crate(&options, &[source]) {
        Ok(_) => panic!("{file_name} must be rejected"),
        Err(error) => error,
    }
}

/// Asserts the message names the file, the given location text and the problem text.
fn assert_error(file_name: &str, location_text: &str, problem_text: &str) {
    let error = generate_fixture(file_name);
    let message = error.to_string();
    assert!(
        message.contains(&format!("fixtures/invalid/{file_name}")),
        "{message}"
    );
    assert!(
        message.contains(location_text),
        "expected location {location_text:?} in {message}"
    );
    assert!(
        message.contains(problem_text),
        "expected problem {problem_text:?} in {message}"
    );
    assert!(error.location().is_some(), "{message}");
}

#[test]
fn unresolved_ref_names_the_pointer_and_the_missing_schema() {
    assert_error(
        "unresolved_ref.yaml",
        "at /paths/~1things/get/responses/200/content/application~1json/schema/$ref",
        "unresolved `$ref: #/components/schemas/Missing`",
    );
}

#[test]
fn yaml_syntax_error_names_line_and_column() {
    assert_error(
        "yaml_syntax_error.yaml",
        "yaml_syntax_error.yaml:7:",
        "invalid YAML",
    );
}

#[test]
fn unknown_schema_type_names_the_pointer_and_the_type() {
    assert_error(
        "unknown_schema_type.yaml",
        "at /components/schemas/User/properties/name/type",
        "unknown schema type `strng`",
    );
}

#[test]
fn swagger_2_is_rejected_with_a_hint() {
    assert_error(
        "swagger2.json",
        "at /swagger",
        "Swagger 2.0 document; only OpenAPI 3.0 and 3.1 are supported",
    );
}

#[test]
fn empty_file_is_rejected() {
    assert_error("empty.yaml", "empty.yaml", "the file is empty");
}

#[test]
fn truncated_json_names_line_and_column() {
    assert_error("bad_json.json", "bad_json.json:3:", "invalid JSON");
}

#[test]
fn arbitrary_bytes_never_panic() {
    let inputs: [&[u8]; 8] = [
        b"",
        b"\xff\xfe\x00",
        b"[]",
        b"openapi: 3.0.0",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents: {schemas: {A: {type: [string, integer, 'null']}}}",
        b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {/x: {get: {responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}}}}}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A'}}}",
        b"openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {/x/{id}: {get: {responses: {'200': {description: ok}}}}}",
        b"{\"openapi\": 4}",
    ];
    for bytes in inputs {
        let source = ProviderSource {
            spec_path: "input".to_string(),
            spec_bytes: bytes,
            config: ProviderConfig::for_standalone_spec("input", "input"),
        };
        let options = CrateOptions {
            crate_name: "input".to_string(),
            description: "input".to_string(),
            standalone: true,
            skip_invalid: false,
        };
        // Either outcome is fine; reaching this line without a panic is the point, and errors must name the file.
        if let Err(error) = generator::generate_crate(&options, &[source]) {
            assert!(error.to_string().starts_with("input"), "{error}");
        }
    }
}

#[test]
fn skip_invalid_leaves_out_the_defects_and_what_uses_them_and_lists_them() {
    let file_name = "partially_defective.yaml";
    let error = generate_fixture(file_name);
    assert!(
        error
            .to_string()
            .contains("/components/schemas/Defective/properties/value/$ref"),
        "{error}"
    );

    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(file_name);
    let bytes = std::fs::read(&path).unwrap();
    let source = ProviderSource {
        spec_path: file_name.to_string(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("partial", file_name),
    };
    let options = CrateOptions {
        crate_name: "partial".to_string(),
        description: "partial".to_string(),
        standalone: true,
        skip_invalid: true,
    };
    let generated = generator::generate_crate(&options, &[source]).unwrap();
    let module = &generated.modules[0];
    assert_eq!(module.operations, 1, "only getFine remains");
    let pointers: Vec<String> = module
        .skipped
        .iter()
        .map(|error| error.location().unwrap().pointer.clone())
        .collect();
    assert_eq!(
        pointers,
        [
            "/components/schemas/Defective/properties/value/$ref",
            "/paths/~1wrong-ref/delete/responses/401/content/application~1json/schema/$ref",
            "/components/schemas/Wrapper",
            "/paths/~1broken/get",
        ]
    );
    let module_file = generated
        .files
        .iter()
        .find(|file| file.path == "src/partial.rs")
        .unwrap();
    assert!(module_file.contents.contains("pub async fn get_fine"));
    assert!(!module_file.contents.contains("get_broken"));
    assert!(!module_file.contents.contains("struct Wrapper"));
}

#[test]
fn a_pointer_to_nothing_is_dangling_not_unsupported() {
    assert_error(
        "dangling_pointer_ref.yaml",
        "at /paths/~1tags/get/responses/200/content/application~1json/schema/$ref",
        "dangling `$ref: #/components/schemas/Tag/allOf/5`",
    );
}

#[test]
fn path_items_that_refer_to_each_other_are_a_located_cycle() {
    assert_error("path_item_ref_cycle.yaml", "/$ref", "includes itself");
}

#[test]
fn an_undefined_server_variable_is_a_located_error() {
    assert_error(
        "undefined_server_variable.yaml",
        "at /servers/0/url",
        "uses the variable `{region}`",
    );
}

/// The schema is lowered from the copy the loader made; the error names where the original stands.
#[test]
fn an_error_inside_a_pointed_at_schema_names_where_it_stands() {
    assert_error(
        "hoisted_schema_error.yaml",
        "at /components/responses/Things/content/application~1json/schema/properties/size/type",
        "unknown schema type `enormous`",
    );
}

#[test]
fn a_pointer_to_something_that_is_not_a_schema_says_what_it_reaches() {
    assert_error(
        "misdirected_pointer_ref.yaml",
        "at /paths/~1things/get/responses/200/content/application~1json/schema/$ref",
        "points to a media type object, not to a schema",
    );
}

#[test]
fn a_duplicate_json_key_is_an_error_naming_the_key_and_its_place() {
    // The second `paths` would otherwise replace the first without a word.
    assert_error(
        "duplicate_key.json",
        "duplicate_key.json:5:",
        "duplicate key `paths`",
    );
    assert_error("duplicate_key.json", "at /paths", "duplicate key");
}

#[test]
fn a_duplicate_yaml_key_is_an_error_naming_the_key_and_its_place() {
    assert_error(
        "duplicate_key.yaml",
        "at /paths/~1things/get/responses/200",
        "duplicate key `200`",
    );
}

#[test]
fn response_keys_that_differ_only_in_case_are_an_error_naming_both() {
    assert_error(
        "response_keys_differ_in_case.yaml",
        "at /paths/~1things/get/responses/2xx",
        "the response keys `2XX` and `2xx` differ only in case",
    );
}

#[test]
fn a_path_without_a_leading_slash_is_an_error_not_dropped() {
    assert_error(
        "path_without_slash.yaml",
        "at /paths/things",
        "does not start with `/`",
    );
}

#[test]
fn a_path_that_climbs_out_of_the_base_path_is_an_error() {
    assert_error(
        "path_dot_segments.yaml",
        "at /paths/~1..~1..~1etc~1passwd",
        "has a `..` segment",
    );
}

#[test]
fn a_path_with_backslashes_that_url_parsing_reads_as_slashes_is_an_error() {
    assert_error(
        "path_with_backslash.yaml",
        "at /paths/~1a~1\\..\\..\\etc",
        "contains `\\`",
    );
}

#[test]
fn a_path_with_a_fragment_that_would_never_be_sent_is_an_error() {
    assert_error(
        "path_with_fragment.yaml",
        "at /paths/~1users#admin",
        "contains `#`",
    );
}

#[test]
fn an_unknown_path_item_field_such_as_an_upper_case_method_is_an_error_not_dropped() {
    assert_error(
        "path_item_unknown_field.yaml",
        "at /paths/~1users/GET",
        "`GET` is not a field of a Path Item",
    );
}

#[test]
fn a_header_parameter_name_that_is_not_an_http_token_is_an_error() {
    assert_error(
        "header_name_not_a_token.yaml",
        "at /paths/~1users/get/parameters/0/name",
        "is not an HTTP token",
    );
}

#[test]
fn an_api_key_cookie_name_that_is_not_an_http_token_is_an_error() {
    assert_error(
        "api_key_cookie_name_not_a_token.yaml",
        "at /components/securitySchemes/session/name",
        "is not an HTTP token",
    );
}

#[test]
fn an_alias_cycle_with_no_array_or_map_on_it_is_an_error() {
    assert_error(
        "alias_cycle.yaml",
        "at /components/schemas/A",
        "the schemas `A`, `B` refer to each other in a cycle",
    );
}

#[test]
fn a_ref_chain_deeper_than_rustc_can_expand_is_an_error() {
    assert_error(
        "ref_chain_too_deep.yaml",
        "at /components/schemas/Link",
        "levels deep through `$ref` aliases and arrays (the limit is 64)",
    );
}

#[test]
fn objects_nested_deeper_than_rustc_can_check_are_an_error() {
    assert_error(
        "nesting_too_deep.yaml",
        "at /components/schemas/Level",
        "nests other schemas",
    );
}

/// A 10,000-long chain of `oneOf`s used to take minutes (a reachability search per type) and then
/// overflow rustc; now it is refused with a located error, in one linear pass without recursion.
#[test]
fn long_union_chains_are_refused_without_recursion_or_hanging() {
    for length in [1_000, 10_000] {
        // A `oneOf` chain: each member a union of the next and an integer, nominal types all the way.
        let mut schemas = serde_json::Map::new();
        for index in 0..length {
            schemas.insert(
                format!("S{index}"),
                serde_json::json!({"oneOf": [{"$ref": format!("#/components/schemas/S{}", index + 1)}, {"type": "integer"}]}),
            );
        }
        schemas.insert(format!("S{length}"), serde_json::json!({"type": "string"}));
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "chain", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}}}}},
            "components": {"schemas": schemas},
        });
        let bytes = serde_json::to_vec(&document).unwrap();
        let source = ProviderSource {
            spec_path: "chain.json".to_string(),
            spec_bytes: &bytes,
            config: ProviderConfig::for_standalone_spec("chain", "chain.json"),
        };
        let options = CrateOptions {
            crate_name: "chain".to_string(),
            description: "chain".to_string(),
            standalone: true,
            skip_invalid: false,
        };
        let error = match generator::generate_crate(&options, &[source]) {
            Ok(_) => panic!("a chain of {length} nested unions cannot compile"),
            Err(error) => error,
        };
        assert!(error.to_string().contains("nests other schemas"), "{error}");
    }
}

/// Generates a standalone crate from `schemas`, with a `Holder` object whose required property
/// `held` refers to `#/components/schemas/{held}`.
fn generate_holder(
    schemas: serde_json::Map<String, serde_json::Value>,
    held: &str,
) -> Result<generator::GeneratedCrate, GeneratorError> {
    let mut schemas = schemas;
    schemas.insert(
        "Holder".to_string(),
        serde_json::json!({"type": "object", "required": ["held"], "properties": {
            "held": {"$ref": format!("#/components/schemas/{held}")},
            "items": {"type": "array", "items": {"$ref": format!("#/components/schemas/{held}")}}
        }}),
    );
    let document = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "holder", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}}}}}}},
        "components": {"schemas": schemas},
    });
    let bytes = serde_json::to_vec(&document).unwrap();
    let source = ProviderSource {
        spec_path: "holder.json".to_string(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("holder", "holder.json"),
    };
    let options = CrateOptions {
        crate_name: "holder".to_string(),
        description: "holder".to_string(),
        standalone: true,
        skip_invalid: false,
    };
    generator::generate_crate(&options, &[source])
}

/// Whether a `$ref` admits `null` is decided by looking through unions for a nullable member. That
/// look once followed every path: 20 unions that each list the other 19 hung the generator (20^8
/// paths), and a 10,000-long chain ending in a nullable schema would overflow the stack.
#[test]
fn looking_through_unions_for_null_neither_hangs_nor_overflows() {
    let width = 20;
    let mut schemas = serde_json::Map::new();
    for index in 0..width {
        let mut members: Vec<serde_json::Value> = (0..width)
            .filter(|other| *other != index)
            .map(|other| serde_json::json!({"$ref": format!("#/components/schemas/U{other}")}))
            .collect();
        members
            .push(serde_json::json!({"type": "object", "properties": {"x": {"type": "string"}}}));
        schemas.insert(format!("U{index}"), serde_json::json!({ "oneOf": members }));
    }
    generate_holder(schemas, "U0").unwrap_or_else(|error| panic!("{error}"));

    let length = 10_000;
    let mut schemas = serde_json::Map::new();
    for index in 0..length {
        schemas.insert(
            format!("S{index}"),
            serde_json::json!({"oneOf": [{"$ref": format!("#/components/schemas/S{}", index + 1)}, {"type": "integer"}]}),
        );
    }
    schemas.insert(
        format!("S{length}"),
        serde_json::json!({"type": "string", "nullable": true}),
    );
    let error = match generate_holder(schemas, "S0") {
        Ok(_) => panic!("a chain of {length} nested unions cannot compile"),
        Err(error) => error,
    };
    assert!(error.to_string().contains("nests other schemas"), "{error}");
}

#[test]
fn skip_invalid_leaves_out_bad_paths_and_lists_them() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid/path_without_slash.yaml");
    let bytes = std::fs::read(&path).unwrap();
    let source = ProviderSource {
        spec_path: "path_without_slash.yaml".to_string(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("paths", "path_without_slash.yaml"),
    };
    let options = CrateOptions {
        crate_name: "paths".to_string(),
        description: "paths".to_string(),
        standalone: true,
        skip_invalid: true,
    };
    let generated = match generator::generate_crate(&options, &[source]) {
        Ok(generated) => generated,
        Err(error) => panic!("{error}"),
    };
    let module = &generated.modules[0];
    assert_eq!(module.operations, 1, "`/kept` is generated");
    assert_eq!(module.skipped.len(), 1);
    assert!(
        module.skipped[0].to_string().contains("at /paths/things"),
        "{}",
        module.skipped[0]
    );
}

/// An authorization-code spec whose authorization URL takes `code_challenge`, with a token request
/// that has (or lacks) `code_verifier`.
fn pkce_spec(token_request_properties: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: pkce, version: "1"}}
paths:
  /authorize:
    get:
      operationId: authorize
      parameters:
        - {{name: client_id, in: query, required: true, schema: {{type: string}}}}
        - {{name: state, in: query, schema: {{type: string}}}}
        - {{name: code_challenge, in: query, schema: {{type: string}}}}
        - {{name: code_challenge_method, in: query, schema: {{type: string}}}}
      responses:
        "302": {{description: redirect}}
  /token:
    post:
      operationId: token
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [grant_type, code]
              properties:
{token_request_properties}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [access_token]
                properties:
                  access_token: {{type: string}}
                  expires_in: {{type: integer}}
"#
    )
}

fn generate_pkce(spec: &str) -> Result<generator::GeneratedCrate, GeneratorError> {
    let config = ProviderConfig::from_toml_str(
        "pkce.provider.toml",
        "display_name = \"pkce\"\nmodule = \"pkce\"\nspec = \"pkce.yaml\"\nsource_url = \"\"\nsource_kind = \"file\"\n\
         [token]\nflow = \"authorization_code\"\noperation = \"token\"\nauthorize_operation = \"authorize\"\n\
         code_field = \"code\"\naccess_token = \"access_token\"\nexpires_in = \"expires_in\"\n",
    )
    .unwrap();
    let source = ProviderSource {
        spec_path: "pkce.yaml".to_string(),
        spec_bytes: spec.as_bytes(),
        config,
    };
    let options = CrateOptions {
        crate_name: "pkce".to_string(),
        description: "pkce".to_string(),
        standalone: true,
        skip_invalid: false,
    };
    generator::generate_crate(&options, &[source])
}

#[test]
fn pkce_without_a_code_verifier_field_is_an_error_not_a_flow_that_always_fails() {
    // The URL would carry a challenge whose verifier the exchange cannot send: every authorization
    // would end in an error after its `state` was used.
    let without = pkce_spec(
        "                grant_type: {type: string}\n                code: {type: string}\n",
    );
    let message = match generate_pkce(&without) {
        Ok(_) => panic!("a PKCE flow without `code_verifier` must be rejected"),
        Err(error) => error.to_string(),
    };
    assert!(message.contains("pkce"), "{message}");
    assert!(message.contains("code_challenge"), "{message}");
    assert!(message.contains("code_verifier"), "{message}");

    let with = pkce_spec(
        "                grant_type: {type: string}\n                code: {type: string}\n                code_verifier: {type: string}\n",
    );
    let generated = generate_pkce(&with).unwrap_or_else(|error| panic!("{error}"));
    let module = generated
        .files
        .iter()
        .find(|file| file.path.ends_with("pkce.rs"))
        .expect("the module");
    assert!(module.contents.contains("begin(&mut authorize_url, true)"));
}

/// A spec with one token operation (`issueToken`, a form post answering `access_token`) and one
/// HTTP Basic scheme, `clientBasic`.
const CONFIG_MISTAKES_SPEC: &str = r#"openapi: 3.0.3
info: {title: config mistakes, version: "1"}
components:
  securitySchemes:
    clientBasic: {type: http, scheme: basic}
paths:
  /token:
    post:
      operationId: issueToken
      security: [{clientBasic: []}]
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [grant_type]
              properties:
                grant_type: {type: string}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [access_token]
                properties:
                  access_token: {type: string}
                  expires_in: {type: integer}
"#;

/// Generates `CONFIG_MISTAKES_SPEC` (as `specs/mistakes/openapi.yaml`) with the given provider.toml
/// keys (as `specs/mistakes/provider.toml`), expecting an error.
fn config_mistake(provider_toml_keys: &str) -> GeneratorError {
    let config = ProviderConfig::from_toml_str(
        "specs/mistakes/provider.toml",
        &format!(
            "display_name = \"mistakes\"\nmodule = \"mistakes\"\nspec = \"openapi.yaml\"\nsource_url = \"\"\nsource_kind = \"file\"\n{provider_toml_keys}"
        ),
    )
    .unwrap();
    let source = ProviderSource {
        spec_path: "specs/mistakes/openapi.yaml".to_string(),
        spec_bytes: CONFIG_MISTAKES_SPEC.as_bytes(),
        config,
    };
    let options = CrateOptions {
        crate_name: "mistakes".to_string(),
        description: "mistakes".to_string(),
        standalone: true,
        skip_invalid: false,
    };
    match generator::generate_crate(&options, &[source]) {
        Ok(_) => panic!("provider.toml keys {provider_toml_keys:?} must be rejected"),
        Err(error) => error,
    }
}

/// Asserts the error names the provider.toml (not the spec), the key's pointer and the message texts.
fn assert_config_error(error: &GeneratorError, pointer: &str, texts: &[&str]) {
    let message = error.to_string();
    let location = error.location().expect("a located error");
    assert_eq!(location.file, "specs/mistakes/provider.toml", "{message}");
    assert_eq!(location.pointer, pointer, "{message}");
    assert!(
        !message.contains("openapi.yaml"),
        "the spec is not at fault: {message}"
    );
    for text in texts {
        assert!(message.contains(text), "`{text}` missing from: {message}");
    }
}

/// An `[operations]` rename is the method name as written: one that is not a snake_case Rust
/// identifier (`"not an ident"`, `"Create-Token"`, `"self"`, `""`) was silently turned into
/// another name, so `[token].operation` and the README's calls could not find it.
#[test]
fn an_operation_rename_that_is_not_a_method_name_is_reported_in_the_provider_toml() {
    for (rename, becomes) in [
        ("not an ident", "not_an_ident"),
        ("Create-Token", "create_token"),
        ("self", "self_"),
        ("", "operation"),
    ] {
        let error = config_mistake(&format!("[operations]\nissueToken = \"{rename}\"\n"));
        assert_config_error(
            &error,
            "/operations/issueToken",
            &[
                "[operations]",
                &format!("`{rename}`"),
                &format!("`{becomes}`"),
            ],
        );
    }
}

#[test]
fn a_provider_toml_key_that_matches_nothing_in_the_spec_is_reported_in_the_provider_toml() {
    let token = "[token]\noperation = \"issue_token\"\naccess_token = \"access_token\"\n";

    let unknown_rename = config_mistake("[operations]\n\"POST /tokens\" = \"create_token\"\n");
    assert_config_error(
        &unknown_rename,
        "/operations/POST ~1tokens",
        &["[operations]", "`POST /tokens`"],
    );

    let unknown_operation =
        config_mistake("[token]\noperation = \"nope\"\naccess_token = \"access_token\"\n");
    assert_config_error(
        &unknown_operation,
        "/token/operation",
        &["[token].operation", "\"nope\"", "issue_token"],
    );

    let unknown_field = config_mistake(&token.replace(
        "access_token = \"access_token\"",
        "access_token = \"token\"",
    ));
    assert_config_error(
        &unknown_field,
        "/token/access_token",
        &["[token].access_token", "`token`", "expires_in"],
    );

    let wrong_type = config_mistake(&format!("{token}expires_at = \"expires_in\"\n"));
    assert_config_error(
        &wrong_type,
        "/token/expires_at",
        &["[token].expires_at", "date-time"],
    );

    let unknown_refresh = config_mistake(&format!(
        "{token}refresh_token = \"access_token\"\n[token.refresh]\noperation = \"renew\"\nrefresh_token_field = \"grant_type\"\n"
    ));
    assert_config_error(
        &unknown_refresh,
        "/token/refresh/operation",
        &["[token.refresh].operation", "\"renew\"", "issue_token"],
    );

    let unknown_basic = config_mistake("oauth2_client_basic_schemes = [\"clientBasics\"]\n");
    assert_config_error(
        &unknown_basic,
        "/oauth2_client_basic_schemes",
        &["oauth2_client_basic_schemes", "`clientBasics`"],
    );
}

/// Constraints at the edges of their types (a `minLength` of 10^15, `minimum: i64::MAX` with
/// `exclusiveMinimum`, a `minLength` over the `maxLength`, a `multipleOf` past `i64::MAX`'s neighbourhood, bounds whose midpoint is
/// infinite) are valid OpenAPI: the client and the conformance driver are generated, the driver's
/// samples stay small, and nothing overflows or allocates a petabyte.
#[test]
fn constraints_at_the_edges_of_their_types_give_small_samples_and_never_panic() {
    let spec = r#"{
      "openapi": "3.0.3",
      "info": {"title": "edges", "version": "1"},
      "paths": {"/things": {"post": {
        "operationId": "createThing",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
          "type": "object",
          "required": ["huge_text", "top", "bottom", "stepped", "wide", "tiny_step"],
          "properties": {
            "huge_text": {"type": "string", "minLength": 1000000000000000},
            "contradictory": {"type": "string", "minLength": 20, "maxLength": 5},
            "huge_pattern": {"type": "string", "pattern": "^[a-z]+$", "minLength": 1000000000000000},
            "top": {"type": "integer", "format": "int64", "minimum": 9223372036854775807, "exclusiveMinimum": true},
            "bottom": {"type": "integer", "format": "int64", "maximum": -9223372036854775808, "exclusiveMaximum": true},
            "stepped": {"type": "integer", "format": "int64", "minimum": 9223372036854775800, "multipleOf": 1000},
            "wide": {"type": "number", "minimum": -1.7e308, "maximum": 1.7e308, "multipleOf": 1e-300},
            "tiny_step": {"type": "number", "minimum": 1e308, "multipleOf": 1e-308}
          }
        }}}},
        "responses": {"204": {"description": "created"}}
      }}}
    }"#;
    let spec_path = "edges.json";
    let source = ProviderSource {
        spec_path: spec_path.to_string(),
        spec_bytes: spec.as_bytes(),
        config: ProviderConfig::for_standalone_spec("edges", spec_path),
    };
    let options = CrateOptions {
        crate_name: "edges".to_string(),
        description: "edges".to_string(),
        standalone: true,
        skip_invalid: false,
    };
    generator::generate_crate(&options, std::slice::from_ref(&source)).expect("generates");
    let driver = generator::conformance_driver(&source, false, "edges", "../edges")
        .expect("the driver generates");
    for file in &driver {
        assert!(
            file.contents.len() < 1024 * 1024,
            "{} is {} bytes",
            file.path,
            file.contents.len()
        );
    }
}

/// A document a few kilobytes long whose types fan out (each of 8 levels has 12 optional and 2
/// required properties of the next level's type) has values with millions of objects: the
/// conformance driver's values stay bounded instead of hanging the generator or filling the disk.
#[test]
fn types_that_fan_out_give_a_bounded_conformance_driver() {
    let mut schemas = serde_json::Map::new();
    for level in 0..24 {
        let next = serde_json::json!({"$ref": format!("#/components/schemas/Level{}", level + 1)});
        let mut properties = serde_json::Map::new();
        for field in 0..12 {
            properties.insert(format!("optional_{field}"), next.clone());
        }
        properties.insert("left".to_string(), next.clone());
        properties.insert("right".to_string(), next);
        schemas.insert(
            format!("Level{level}"),
            serde_json::json!({"type": "object", "required": ["left", "right"], "properties": properties}),
        );
    }
    schemas.insert("Level24".to_string(), serde_json::json!({"type": "string"}));
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "fan-out", "version": "1"},
        "paths": {"/things": {"post": {
            "operationId": "createThing",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Level0"}}}},
            "responses": {"204": {"description": "created"}}
        }}},
        "components": {"schemas": schemas}
    })
    .to_string();
    let spec_path = "fan_out.json";
    let source = ProviderSource {
        spec_path: spec_path.to_string(),
        spec_bytes: spec.as_bytes(),
        config: ProviderConfig::for_standalone_spec("fan_out", spec_path),
    };
    let driver = generator::conformance_driver(&source, false, "fan_out", "../fan_out")
        .expect("the driver generates");
    let total: usize = driver.iter().map(|file| file.contents.len()).sum();
    assert!(total < 4 * 1024 * 1024, "the driver is {total} bytes");

    // The same fan-out through tuples (OpenAPI 3.1 `prefixItems` of the next level, eight wide).
    let mut schemas = serde_json::Map::new();
    for level in 0..24 {
        let next = serde_json::json!({"$ref": format!("#/components/schemas/Pair{}", level + 1)});
        schemas.insert(
            format!("Pair{level}"),
            serde_json::json!({"type": "array", "prefixItems": vec![next; 8], "items": false}),
        );
    }
    schemas.insert("Pair24".to_string(), serde_json::json!({"type": "integer"}));
    let spec = serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "tuples", "version": "1"},
        "paths": {"/things": {"post": {
            "operationId": "createThing",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pair0"}}}},
            "responses": {"204": {"description": "created"}}
        }}},
        "components": {"schemas": schemas}
    })
    .to_string();
    let source = ProviderSource {
        spec_path: "tuples.json".to_string(),
        spec_bytes: spec.as_bytes(),
        config: ProviderConfig::for_standalone_spec("tuples", "tuples.json"),
    };
    let driver = generator::conformance_driver(&source, false, "tuples", "../tuples")
        .expect("the driver generates");
    let total: usize = driver.iter().map(|file| file.contents.len()).sum();
    assert!(total < 4 * 1024 * 1024, "the tuple driver is {total} bytes");
}
