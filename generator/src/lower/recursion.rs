//! Boxes the fields that would otherwise make a type contain itself, and decides which structs can derive `Default`.

use crate::ir::{TypeDefinition, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// The named type a field stores inline (through `Option`, not through `Vec`/`Map`/`Box`, which add indirection).
fn inline_named(type_ref: &TypeRef) -> Option<&str> {
    match type_ref {
        TypeRef::Named(name) => Some(name),
        TypeRef::Option(inner) => inline_named(inner),
        _ => None,
    }
}

fn inline_edges(definition: &TypeDefinition) -> Vec<&str> {
    match &definition.kind {
        TypeKind::Struct { fields, .. } => fields
            .iter()
            .filter_map(|field| inline_named(&field.type_ref))
            .collect(),
        TypeKind::Union { variants, .. } => variants
            .iter()
            .filter_map(|variant| inline_named(&variant.type_ref))
            .collect(),
        TypeKind::Alias { target } => inline_named(target).into_iter().collect(),
        TypeKind::StringEnum { .. } => Vec::new(),
    }
}

fn reaches(graph: &BTreeMap<String, Vec<String>>, from: &str, target: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(current) = stack.pop() {
        if current == target {
            return true;
        }
        if !seen.insert(current.clone()) {
            continue;
        }
        if let Some(next) = graph.get(&current) {
            stack.extend(next.iter().cloned());
        }
    }
    false
}

fn box_inline_named(type_ref: &mut TypeRef) {
    match type_ref {
        TypeRef::Option(inner) => box_inline_named(inner),
        TypeRef::Named(_) => {
            let named = std::mem::replace(type_ref, TypeRef::Unit);
            *type_ref = TypeRef::Boxed(Box::new(named));
        }
        _ => {}
    }
}

/// Wraps in `Box` every inline reference that closes a cycle back to its own type.
pub fn box_recursive_fields(types: &mut [TypeDefinition]) {
    let graph: BTreeMap<String, Vec<String>> = types
        .iter()
        .map(|definition| {
            (
                definition.name.clone(),
                inline_edges(definition)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            )
        })
        .collect();
    for definition in types.iter_mut() {
        let own_name = definition.name.clone();
        let closes_cycle = |type_ref: &TypeRef| {
            inline_named(type_ref).is_some_and(|target| reaches(&graph, target, &own_name))
        };
        match &mut definition.kind {
            TypeKind::Struct { fields, .. } => {
                for field in fields.iter_mut() {
                    if closes_cycle(&field.type_ref) {
                        box_inline_named(&mut field.type_ref);
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for variant in variants.iter_mut() {
                    if closes_cycle(&variant.type_ref) {
                        box_inline_named(&mut variant.type_ref);
                    }
                }
            }
            TypeKind::Alias { .. } | TypeKind::StringEnum { .. } => {}
        }
    }
}

/// Whether a value of this type has an obvious empty default.
pub fn has_default(type_ref: &TypeRef) -> bool {
    match type_ref {
        TypeRef::Option(_) | TypeRef::Vec(_) | TypeRef::Map(_) => true,
        TypeRef::String
        | TypeRef::Secret
        | TypeRef::Integer { .. }
        | TypeRef::Number { .. }
        | TypeRef::Boolean => true,
        TypeRef::Json
        | TypeRef::JsonObject
        | TypeRef::Unit
        | TypeRef::Bytes
        | TypeRef::Base64Bytes => true,
        TypeRef::Tuple(items) => items.iter().all(has_default),
        TypeRef::DateTime | TypeRef::Date | TypeRef::Named(_) | TypeRef::Boxed(_) => false,
    }
}

/// Marks the structs whose fields all have defaults.
pub fn decide_default_derives(types: &mut [TypeDefinition]) {
    for definition in types.iter_mut() {
        if let TypeKind::Struct {
            fields,
            derives_default,
        } = &mut definition.kind
        {
            *derives_default = fields.iter().all(|field| has_default(&field.type_ref));
        }
    }
}
