//! OpenAPI Overlay 1.0.0 fixtures (`tests/fixtures/overlays`): an overlay's facts reach the generated
//! client and the manifest; every defective overlay is an error naming the overlay file and the place
//! in it (line and column, or the action's pointer and its JSONPath) and the problem, with no output.

use generator::{
    CrateOptions, GeneratedCrate, GeneratorError, OverlaySource, ProviderConfig, ProviderSource,
};
use std::path::Path;

const SPEC: &str = "fixtures/overlays/base.yaml";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/overlays")
            .join(name),
    )
    .unwrap()
}

fn generate_with_overlay(overlay_name: &str) -> Result<GeneratedCrate, GeneratorError> {
    let spec = fixture("base.yaml");
    let mut config = ProviderConfig::for_standalone_spec("base", SPEC);
    config.overlay = Some(OverlaySource {
        path: format!("fixtures/overlays/{overlay_name}"),
        bytes: fixture(overlay_name),
    });
    let source = ProviderSource {
        spec_path: SPEC.to_string(),
        spec_bytes: &spec,
        config,
    };
    let options = CrateOptions {
        crate_name: "base-client".to_string(),
        description: "Overlay fixture.".to_string(),
        standalone: true,
        skip_invalid: false,
    };
    generator::generate_crate(&options, &[source])
}

fn file<'a>(generated: &'a GeneratedCrate, path: &str) -> &'a str {
    &generated
        .files
        .iter()
        .find(|file| file.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn the_overlays_facts_reach_the_client_and_the_manifest() {
    let generated = generate_with_overlay("adds_facts.overlay.yaml").unwrap();
    let module = file(&generated, "src/base.rs");
    // Deep merge: the enum joins `items.type`.
    assert!(
        module.contains("pub enum TokenResponseScopeItem"),
        "{module}"
    );
    assert!(
        module.contains("Read,") && module.contains("Write,"),
        "{module}"
    );
    // An added property, an added status, a removed property, a value appended to a list.
    assert!(module.contains("pub ruid: Option<String>"), "{module}");
    assert!(module.contains("Forbidden("), "{module}");
    assert!(!module.contains("legacy_field"), "{module}");
    assert!(
        module.contains("pub scope: Vec<TokenResponseScopeItem>"),
        "{module}"
    );
    // The RFC 9535 filter reached every undescribed string property, and only those.
    // (clientId, access_token, detail and the added ruid).
    assert_eq!(
        module.matches("Described by the overlay.").count(),
        4,
        "{module}"
    );
    assert!(module.contains(
        "Generated from `fixtures/overlays/base.yaml` with the overlay `fixtures/overlays/adds_facts.overlay.yaml`."
    ));
    let manifest = file(&generated, "manifest.toml");
    assert!(
        manifest.contains("overlay = \"fixtures/overlays/adds_facts.overlay.yaml\""),
        "{manifest}"
    );
    assert!(manifest.contains("overlay_sha256 = \""), "{manifest}");
    // Same inputs, same bytes.
    let again = generate_with_overlay("adds_facts.overlay.yaml").unwrap();
    assert_eq!(generated.files, again.files);
}

#[test]
fn defective_overlays_are_located_errors() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "unknown_target.overlay.yaml",
            "unknown_target.overlay.yaml at /actions/1/target",
            "action 1: `$.components.schemas.AccessToken.properties` matches nothing in fixtures/overlays/base.yaml",
        ),
        (
            "bad_jsonpath.overlay.yaml",
            "bad_jsonpath.overlay.yaml at /actions/0/target",
            "is not a JSONPath (RFC 9535): at character",
        ),
        ("malformed.overlay.yaml", "malformed.overlay.yaml:", "invalid YAML"),
        (
            "duplicate_keys.overlay.yaml",
            "duplicate_keys.overlay.yaml at /actions/0/update",
            "duplicate key `description`",
        ),
        (
            "duplicate_keys.overlay.json",
            "duplicate_keys.overlay.json:2:",
            "duplicate key `target`",
        ),
        (
            "wrong_version.overlay.yaml",
            "wrong_version.overlay.yaml at /overlay",
            "overlay version \"2.0.0\" is not supported",
        ),
        (
            "unknown_field.overlay.yaml",
            "unknown_field.overlay.yaml at /actions/0/updates",
            "unknown field `updates`",
        ),
        (
            "update_and_remove.overlay.yaml",
            "update_and_remove.overlay.yaml at /actions/0",
            "has both `update` and `remove: true`",
        ),
        (
            "no_change.overlay.yaml",
            "no_change.overlay.yaml at /actions/0",
            "has neither `update` nor `remove: true`",
        ),
        (
            "update_on_a_string.overlay.yaml",
            "update_on_a_string.overlay.yaml at /actions/0/target",
            "selects a string at /info/title",
        ),
        (
            "list_update_on_mapping.overlay.yaml",
            "list_update_on_mapping.overlay.yaml at /actions/0/update",
            "so `update` must be a mapping",
        ),
        (
            "remove_root.overlay.yaml",
            "remove_root.overlay.yaml at /actions/0/target",
            "selects the whole document, which cannot be removed",
        ),
        (
            "empty_actions.overlay.yaml",
            "empty_actions.overlay.yaml at /actions",
            "`actions` is empty",
        ),
        (
            "missing_info.overlay.yaml",
            "missing_info.overlay.yaml (document root)",
            "missing `info`",
        ),
        ("empty.overlay.yaml", "empty.overlay.yaml", "the overlay is empty"),
        // What the overlay adds is checked like the spec itself: the error names the spec's pointer.
        (
            "dangling_ref.overlay.yaml",
            "fixtures/overlays/base.yaml at /components/schemas/TokenResponse/properties/owner",
            "#/components/schemas/Owner",
        ),
        (
            "dangling_ref.overlay.yaml",
            "fixtures/overlays/base.yaml at /components/schemas/TokenResponse/properties/owner",
            "(after the overlay: fixtures/overlays/dangling_ref.overlay.yaml action 0 changed /components/schemas/TokenResponse/properties)",
        ),
        // The spec file holds something valid at the pointer: the error names the action that
        // changed the node (the parser reports the schema that holds it).
        (
            "wrong_type.overlay.yaml",
            "fixtures/overlays/base.yaml at /components/schemas/TokenResponse",
            "(after the overlay: fixtures/overlays/wrong_type.overlay.yaml action 1 changed /components/schemas/TokenResponse/properties/access_token)",
        ),
    ];
    for (name, location, problem) in cases {
        let error = match generate_with_overlay(name) {
            Ok(_) => panic!("{name} must be rejected"),
            Err(error) => error,
        };
        let message = error.to_string();
        assert!(
            message.contains(location),
            "{name}: expected {location:?} in {message}"
        );
        assert!(
            message.contains(problem),
            "{name}: expected {problem:?} in {message}"
        );
    }
}

#[test]
fn the_mobile_calendar_overlay_applies_to_its_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let spec = std::fs::read(root.join("specs/mobile-calendar/openapi.json")).unwrap();
    let overlay = std::fs::read(root.join("specs/mobile-calendar/overlay.yaml")).unwrap();
    let mut document: serde_json::Value = serde_json::from_slice(&spec).unwrap();
    let applied = generator::load::overlay::apply_overlay(
        &mut document,
        "specs/mobile-calendar/openapi.json",
        &OverlaySource {
            path: "specs/mobile-calendar/overlay.yaml".to_string(),
            bytes: overlay,
        },
    )
    .unwrap();
    assert_eq!(applied.actions, 4);
    let scopes = document
        .pointer("/components/schemas/TokenResponse/properties/scope/items/enum")
        .and_then(serde_json::Value::as_array)
        .unwrap();
    assert_eq!(scopes.len(), 26);
    assert!(document
        .pointer("/components/schemas/ApiProblemBase/properties/ruid")
        .is_some());
    assert!(document
        .pointer("/components/schemas/TokenResponse/properties/meta/properties/ruid")
        .is_some());
    assert!(document
        .pointer("/paths/~1auth~1token/post/responses/403")
        .is_some());
    // The provider's own parts are untouched by the merge.
    assert_eq!(
        document.pointer("/components/schemas/TokenResponse/properties/scope/items/type"),
        Some(&serde_json::json!("string"))
    );
}
