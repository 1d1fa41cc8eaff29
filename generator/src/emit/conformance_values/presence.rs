//! The "never all of" rule on a synthesized object (`TypeKind::Struct::forbidden_combinations`):
//! a value with every optional field filled can hold a combination the schema forbids (OpenAI's
//! `ImageRefParam`: `image_url` or `file_id`, `not: {required: [image_url, file_id]}`; a `oneOf`
//! of `required` lists, where each two lists together are forbidden), so fields are taken out
//! until none is complete, never one the schema requires or one of the "at least one of" list
//! the value meets.

use super::ValueSynthesizer;
use crate::ir::{TypeDefinition, TypeKind};
use serde_json::{Map, Value};

impl ValueSynthesizer<'_> {
    /// Removes optional fields from `object` until it holds no forbidden combination whole.
    pub(super) fn avoid_forbidden_combinations(
        &self,
        object: &mut Map<String, Value>,
        definition: &TypeDefinition,
    ) {
        let TypeKind::Struct {
            fields,
            required_alternatives,
            forbidden_combinations,
            ..
        } = &definition.kind
        else {
            return;
        };
        if forbidden_combinations.is_empty() {
            return;
        }
        let kept: Vec<String> = required_alternatives
            .iter()
            .find(|list| list.iter().all(|key| object.contains_key(key)))
            .cloned()
            .unwrap_or_default();
        let required = |key: &String| {
            fields
                .iter()
                .any(|field| field.required && field.wire_name == *key)
        };
        // Each round removes one field, so the object's size bounds the rounds.
        for _ in 0..=object.len() {
            let Some(combination) = forbidden_combinations
                .iter()
                .find(|combination| combination.iter().all(|key| object.contains_key(key)))
            else {
                return;
            };
            let Some(removable) = combination
                .iter()
                .rev()
                .find(|key| !kept.contains(key) && !required(key))
            else {
                return;
            };
            object.remove(removable);
        }
    }
}

/// Whether `object` holds none of `forbidden_combinations` whole.
pub(super) fn holds_no_forbidden_combination(
    object: &Map<String, Value>,
    forbidden_combinations: &[Vec<String>],
) -> bool {
    !forbidden_combinations
        .iter()
        .any(|combination| combination.iter().all(|key| object.contains_key(key)))
}
