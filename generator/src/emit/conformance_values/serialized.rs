//! Union values of parameters, judged in the form they are sent in. A path, query, header or
//! cookie value is text, and a validator (Prism's) reads that text as each member of a `oneOf`
//! would: `7` is an integer and also a string, `true` a boolean and a string. So a parameter of
//! `oneOf: [integer, string]` sent as `7` matches both members; its value must be one whose text
//! only its own member reads, such as a string that is no number (GitHub's `workflow_id`), or a
//! string outside the enum of a sibling member (Okta's `roleRef`: a role type or a role id).
//!
//! As in `matches`, a constraint the IR does not keep is taken as met, so a member is only ruled
//! out by what is known about it.

use super::{Fill, ValueSynthesizer};
use crate::ir::{TypeKind, TypeRef, UnionVariant};
use serde_json::Value;

/// Past this depth a text is taken to match.
const SERIALIZED_MATCH_DEPTH: usize = 32;

impl<'a> ValueSynthesizer<'a> {
    /// `value` for a parameter of `type_ref`, or, when `type_ref` is a union and `value`'s text
    /// would match several of its members (or none), a value of one member whose text matches
    /// that member alone. `value` stays when no member has such a value.
    pub(super) fn parameter_union_value(
        &self,
        type_ref: &TypeRef,
        value: Value,
        fill: Fill,
    ) -> Value {
        let Some(variants) = self.untagged_union_variants(type_ref) else {
            return value;
        };
        let matches_only = |index: usize, candidate: &Value| {
            let Some(text) = scalar_text(candidate) else {
                return false;
            };
            variants.iter().enumerate().all(|(other, variant)| {
                (other == index) == self.text_matches(&variant.type_ref, &text, 0)
            })
        };
        if (0..variants.len()).any(|index| matches_only(index, &value)) {
            return value;
        }
        for (index, variant) in variants.iter().enumerate() {
            let candidate = self.value(&variant.type_ref, fill, 1);
            if matches_only(index, &candidate) {
                return candidate;
            }
        }
        value
    }

    /// The members of the untagged union `type_ref` names (through aliases and options).
    pub(super) fn untagged_union_variants(&self, type_ref: &TypeRef) -> Option<&'a [UnionVariant]> {
        let mut type_ref = type_ref;
        for _ in 0..SERIALIZED_MATCH_DEPTH {
            match type_ref {
                TypeRef::Option(inner) | TypeRef::Boxed(inner) => type_ref = inner,
                TypeRef::Named(name) => match &self.types.get(name.as_str())?.kind {
                    TypeKind::Union {
                        variants,
                        discriminator: None,
                    } => return Some(variants),
                    TypeKind::Alias { target } | TypeKind::Newtype { target } => type_ref = target,
                    _ => return None,
                },
                _ => return None,
            }
        }
        None
    }

    /// Whether `text`, a parameter's value as sent, reads as a value of `type_ref`.
    pub(super) fn text_matches(&self, type_ref: &TypeRef, text: &str, depth: usize) -> bool {
        if depth > SERIALIZED_MATCH_DEPTH {
            return true;
        }
        match type_ref {
            TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
                self.text_matches(inner, text, depth + 1)
            }
            TypeRef::String
            | TypeRef::Secret
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Bytes
            | TypeRef::Base64Bytes
            | TypeRef::Json => true,
            TypeRef::Integer { .. } => text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok(),
            TypeRef::Number { .. } => text.parse::<f64>().is_ok_and(f64::is_finite),
            TypeRef::Boolean => text == "true" || text == "false",
            TypeRef::Unit => text.is_empty() || text == "null",
            // How a validator splits a text into items or properties depends on the style: any
            // such member is taken to match.
            TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Tuple(_) | TypeRef::JsonObject => true,
            TypeRef::Named(name) => match self.types.get(name.as_str()).map(|d| &d.kind) {
                None | Some(TypeKind::Struct { .. }) => true,
                Some(TypeKind::StringEnum { variants }) => {
                    variants.iter().any(|variant| variant.wire_value == text)
                }
                Some(TypeKind::Union { variants, .. }) => variants
                    .iter()
                    .any(|variant| self.text_matches(&variant.type_ref, text, depth + 1)),
                Some(TypeKind::Alias { target } | TypeKind::Newtype { target }) => {
                    self.text_matches(target, text, depth + 1)
                }
            },
        }
    }
}

/// A scalar's text as a parameter sends it; `None` for arrays, objects and `null`.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}
