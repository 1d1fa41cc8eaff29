//! Whether a JSON value is one of an IR type's values, as a JSON Schema validator (Prism's) would
//! judge it from what the IR keeps: the JSON kind, the required fields, the enum values, the item
//! counts. The synthesizer asks it which members of a union a value matches, so that a `oneOf`
//! value matches exactly one.
//!
//! Constraints the IR does not keep (a `pattern`, a `format`) are taken as met: a member is only
//! ruled out by what is known about it, so "matches one member" is never claimed wrongly because
//! of a constraint left out.

use super::ValueSynthesizer;
use crate::ir::{TypeKind, TypeRef};
use serde_json::Value;

/// Past this depth a value is taken to match: the structure checked above it decides.
const MATCH_DEPTH: usize = 32;

impl ValueSynthesizer<'_> {
    /// Whether `value` is a value of `type_ref`.
    pub(super) fn matches(&self, type_ref: &TypeRef, value: &Value, depth: usize) -> bool {
        if depth > MATCH_DEPTH {
            return true;
        }
        match type_ref {
            TypeRef::Option(inner) => value.is_null() || self.matches(inner, value, depth + 1),
            TypeRef::Boxed(inner) => self.matches(inner, value, depth + 1),
            TypeRef::String
            | TypeRef::Secret
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Bytes
            | TypeRef::Base64Bytes => value.is_string(),
            TypeRef::Integer { .. } => value.is_i64() || value.is_u64(),
            TypeRef::Number { .. } => value.is_number(),
            TypeRef::Boolean => value.is_boolean(),
            TypeRef::Json => true,
            TypeRef::JsonObject => value.is_object(),
            TypeRef::Unit => value.is_null(),
            TypeRef::Vec(item) => value.as_array().is_some_and(|items| {
                items
                    .iter()
                    .all(|item_value| self.matches(item, item_value, depth + 1))
            }),
            TypeRef::Map(item) => value.as_object().is_some_and(|object| {
                object
                    .values()
                    .all(|item_value| self.matches(item, item_value, depth + 1))
            }),
            TypeRef::Tuple(items) => value.as_array().is_some_and(|values| {
                values.len() == items.len()
                    && items
                        .iter()
                        .zip(values)
                        .all(|(item, item_value)| self.matches(item, item_value, depth + 1))
            }),
            TypeRef::Named(name) => self.matches_named(name, value, depth),
        }
    }

    fn matches_named(&self, name: &str, value: &Value, depth: usize) -> bool {
        let Some(definition) = self.types.get(name) else {
            return true;
        };
        match &definition.kind {
            TypeKind::Struct {
                fields,
                required_alternatives,
                forbidden_combinations,
                denies_other_properties,
                ..
            } => {
                let Some(object) = value.as_object() else {
                    return false;
                };
                let other_keys = fields.iter().find(|field| field.flatten);
                let declared = |key: &str| {
                    fields
                        .iter()
                        .any(|field| !field.flatten && field.wire_name == key)
                };
                let fields_match = fields.iter().filter(|field| !field.flatten).all(|field| {
                    match object.get(&field.wire_name) {
                        Some(field_value) => self.matches(&field.type_ref, field_value, depth + 1),
                        None => !field.required,
                    }
                });
                let others_match = other_keys.map_or(true, |other_keys| {
                    let item = match &other_keys.type_ref {
                        TypeRef::Map(item) => item.as_ref(),
                        _ => return true,
                    };
                    object
                        .iter()
                        .filter(|(key, _)| !declared(key))
                        .all(|(_, other_value)| self.matches(item, other_value, depth + 1))
                });
                let one_alternative_met = required_alternatives.is_empty()
                    || required_alternatives
                        .iter()
                        .any(|alternative| alternative.iter().all(|key| object.contains_key(key)));
                let no_undeclared =
                    !*denies_other_properties || object.keys().all(|key| declared(key));
                fields_match
                    && others_match
                    && no_undeclared
                    && one_alternative_met
                    && super::presence::holds_no_forbidden_combination(
                        object,
                        forbidden_combinations,
                    )
            }
            TypeKind::StringEnum { variants } => value
                .as_str()
                .is_some_and(|text| variants.iter().any(|variant| variant.wire_value == text)),
            TypeKind::Union {
                variants,
                discriminator,
            } => match discriminator {
                Some(discriminator) => {
                    let named = value
                        .get(&discriminator.property_name)
                        .and_then(Value::as_str)
                        .and_then(|wire_value| {
                            discriminator
                                .mapping
                                .iter()
                                .find(|(mapped, _)| mapped == wire_value)
                        });
                    match named {
                        Some((_, index)) => variants.get(*index).map_or(true, |variant| {
                            self.matches(&variant.type_ref, value, depth + 1)
                        }),
                        None => variants
                            .iter()
                            .any(|variant| self.matches(&variant.type_ref, value, depth + 1)),
                    }
                }
                None => variants
                    .iter()
                    .any(|variant| self.matches(&variant.type_ref, value, depth + 1)),
            },
            TypeKind::Alias { target } | TypeKind::Newtype { target } => {
                self.matches(target, value, depth + 1)
            }
        }
    }

    /// How many members of the untagged union `type_ref` names `value` matches; `None` when
    /// `type_ref` is no untagged union.
    pub(super) fn union_members_matched(&self, type_ref: &TypeRef, value: &Value) -> Option<usize> {
        self.untagged_union_variants(type_ref).map(|variants| {
            variants
                .iter()
                .filter(|variant| self.matches(&variant.type_ref, value, 0))
                .count()
        })
    }
}
