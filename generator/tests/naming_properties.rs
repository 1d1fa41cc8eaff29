//! Property tests for the naming module: any string gives a valid Rust identifier, names are unique
//! within a scope, and the same input always gives the same names.

use generator::naming::{pascal_case_name, snake_case_name, to_identifier_tokens, UniqueNames};
use proptest::prelude::*;

/// Parses `name` (as the emitter turns it into a token) back as a Rust identifier.
fn parses_as_identifier(name: &str) -> bool {
    let token = to_identifier_tokens(name).to_string();
    syn::parse_str::<syn::Ident>(&token).is_ok()
}

/// Arbitrary text, biased towards what specs contain: punctuation, digits, keywords, non-ASCII.
fn spec_like_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9_ .+/@$-]{0,24}",
        prop::sample::select(vec![
            "type",
            "self",
            "Self",
            "crate",
            "super",
            "_",
            "r#type",
            "async",
            "gen",
            "try",
            "1st",
            "",
            "__",
            "_1",
            "in-progress",
            "IN_PROGRESS",
            "日本",
            "+1",
            "-1",
            "Option",
            "Result",
        ])
        .prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_string_gives_a_valid_snake_case_identifier(raw in spec_like_text()) {
        let name = snake_case_name(&raw, "field");
        prop_assert!(parses_as_identifier(&name), "{raw:?} -> {name:?}");
        prop_assert!(name.chars().all(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || character == '_'), "{name:?}");
    }

    #[test]
    fn any_string_gives_a_valid_pascal_case_identifier(raw in spec_like_text()) {
        let name = pascal_case_name(&raw, "Value");
        prop_assert!(parses_as_identifier(&name), "{raw:?} -> {name:?}");
        prop_assert!(name.starts_with(|character: char| character.is_ascii_uppercase()), "{name:?}");
    }

    #[test]
    fn names_are_unique_within_a_scope(raws in prop::collection::vec(spec_like_text(), 0..40)) {
        let mut fields = UniqueNames::new();
        let mut types = UniqueNames::for_types();
        let mut seen_fields = std::collections::BTreeSet::new();
        let mut seen_types = std::collections::BTreeSet::new();
        for raw in &raws {
            let field = fields.claim(&snake_case_name(raw, "field"));
            prop_assert!(parses_as_identifier(&field), "{field:?}");
            prop_assert!(seen_fields.insert(field.clone()), "duplicate {field:?}");
            let type_name = types.claim(&pascal_case_name(raw, "Value"));
            prop_assert!(parses_as_identifier(&type_name), "{type_name:?}");
            prop_assert!(seen_types.insert(type_name.clone()), "duplicate {type_name:?}");
        }
    }

    #[test]
    fn names_are_stable(raws in prop::collection::vec(spec_like_text(), 0..20)) {
        let run = |raws: &[String]| {
            let mut names = UniqueNames::new();
            raws.iter().map(|raw| names.claim(&snake_case_name(raw, "field"))).collect::<Vec<_>>()
        };
        prop_assert_eq!(run(&raws), run(&raws));
        for raw in &raws {
            prop_assert_eq!(pascal_case_name(raw, "Value"), pascal_case_name(raw, "Value"));
        }
    }
}
