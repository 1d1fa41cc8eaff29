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
        TypeKind::Alias { target } | TypeKind::Newtype { target } => {
            inline_named(target).into_iter().collect()
        }
        TypeKind::StringEnum { .. } => Vec::new(),
    }
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
///
/// A reference closes a cycle when its target lies in the same strongly connected component of
/// the inline-reference graph as the referring type. The components come from one linear,
/// non-recursive pass (Kosaraju), so long chains cost linear time and no stack.
pub fn box_recursive_fields(types: &mut [TypeDefinition]) {
    let component_of = inline_cycle_components(types);
    for definition in types.iter_mut() {
        let own_component = component_of.get(definition.name.as_str()).copied();
        let closes_cycle = |type_ref: &TypeRef| {
            own_component.is_some()
                && inline_named(type_ref)
                    .is_some_and(|target| component_of.get(target).copied() == own_component)
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
            TypeKind::Newtype { target } => {
                if closes_cycle(target) {
                    box_inline_named(target);
                }
            }
            TypeKind::Alias { .. } | TypeKind::StringEnum { .. } => {}
        }
    }
}

/// For every type on a cycle of inline references (self-references included), the id of its
/// cycle's strongly connected component; types on no cycle are absent.
fn inline_cycle_components(types: &[TypeDefinition]) -> BTreeMap<String, usize> {
    let mut graph = petgraph::Graph::<(), ()>::new();
    let nodes: BTreeMap<&str, petgraph::graph::NodeIndex> = types
        .iter()
        .map(|definition| (definition.name.as_str(), graph.add_node(())))
        .collect();
    let mut self_referencing = BTreeSet::new();
    for definition in types {
        let from = nodes[definition.name.as_str()];
        for target in inline_edges(definition) {
            if let Some(&to) = nodes.get(target) {
                if to == from {
                    self_referencing.insert(from);
                }
                graph.add_edge(from, to, ());
            }
        }
    }
    let mut component_of = BTreeMap::new();
    for (component, members) in petgraph::algo::kosaraju_scc(&graph).into_iter().enumerate() {
        if members.len() > 1 || members.iter().any(|node| self_referencing.contains(node)) {
            for node in members {
                component_of.insert(types[node.index()].name.clone(), component);
            }
        }
    }
    component_of
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
            ..
        } = &mut definition.kind
        {
            *derives_default = fields.iter().all(|field| has_default(&field.type_ref));
        }
    }
}
