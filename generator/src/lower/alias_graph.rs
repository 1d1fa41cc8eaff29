//! Aliases that Rust cannot expand: a cycle of aliases becomes newtypes (or a located error), and
//! a chain of aliases and containers deeper than [`MAX_TYPE_NESTING`] is a located error.
//!
//! rustc expands a `type` alias eagerly, so `type A = Vec<A>;` is error E0391, and a chain of a
//! few thousand aliases overflows its stack. Both are decided here, right after the component
//! schemas are lowered and before anything follows an alias, in linear time and without recursion.

use crate::error::{ErrorContext, GeneratorError};
use crate::ir::{TypeDefinition, TypeKind, TypeRef};
use petgraph::graph::{Graph, NodeIndex};
use std::collections::BTreeMap;

/// How deeply one type may nest through aliases and containers (`Vec`, maps, `Option`). Real
/// documents stay far below it; rustc (and the generator's own walks over aliases) overflow far above.
pub const MAX_TYPE_NESTING: usize = 64;

/// An alias's edges: every named type its target mentions, and whether it stands there directly
/// (only through `Option`/`Box`, consuming no input when decoded) or inside a `Vec` or map.
fn alias_references(target: &TypeRef) -> Vec<(&str, bool)> {
    let mut found = Vec::new();
    let mut pending = vec![(target, true)];
    while let Some((type_ref, direct)) = pending.pop() {
        match type_ref {
            TypeRef::Named(name) => found.push((name.as_str(), direct)),
            TypeRef::Option(inner) | TypeRef::Boxed(inner) => pending.push((inner, direct)),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => pending.push((inner, false)),
            _ => {}
        }
    }
    found
}

/// Turns every alias on a cycle of aliases into a newtype, which Rust can name recursively.
///
/// A cycle that never passes through a `Vec` or map (`A = B`, `B = A`, maybe through `nullable`)
/// describes no value at all: decoding it would recurse without consuming input. That is an error
/// at the first such alias, naming the cycle.
pub fn resolve_alias_cycles(
    context: &ErrorContext,
    types: &mut [TypeDefinition],
    type_pointers: &BTreeMap<String, String>,
) -> Result<(), GeneratorError> {
    let index_of: BTreeMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(index, definition)| (definition.name.as_str(), index))
        .collect();
    let mut all_edges = Graph::<(), ()>::new();
    let mut direct_edges = Graph::<(), ()>::new();
    for _ in types.iter() {
        all_edges.add_node(());
        direct_edges.add_node(());
    }
    let mut self_loop = vec![false; types.len()];
    let mut direct_self_loop = vec![false; types.len()];
    for (from, definition) in types.iter().enumerate() {
        let TypeKind::Alias { target } = &definition.kind else {
            continue;
        };
        for (name, direct) in alias_references(target) {
            let Some(&to) = index_of.get(name) else {
                continue;
            };
            all_edges.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
            self_loop[from] |= from == to;
            if direct {
                direct_edges.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
                direct_self_loop[from] |= from == to;
            }
        }
    }
    // A cycle that consumes no input: an error, reported at the alias that comes first in the document.
    for members in petgraph::algo::kosaraju_scc(&direct_edges) {
        if members.len() > 1 || direct_self_loop[members[0].index()] {
            let mut names: Vec<(usize, &str)> = members
                .iter()
                .map(|node| (node.index(), types[node.index()].name.as_str()))
                .collect();
            names.sort();
            let first = names[0].1;
            let cycle: Vec<&str> = names.iter().map(|(_, name)| *name).collect();
            return Err(context.invalid(
                type_pointers.get(first).map_or("", String::as_str),
                format!(
                    "the schemas {} refer to each other in a cycle that never passes through an array or a map, so no value can ever match them",
                    cycle
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    for members in petgraph::algo::kosaraju_scc(&all_edges) {
        if members.len() > 1 || self_loop[members[0].index()] {
            for node in members {
                let definition = &mut types[node.index()];
                if let TypeKind::Alias { target } = &definition.kind {
                    definition.kind = TypeKind::Newtype {
                        target: target.clone(),
                    };
                }
            }
        }
    }
    Ok(())
}

/// Refuses a type that nests more than [`MAX_TYPE_NESTING`] levels deep once its aliases are
/// expanded (as rustc expands them): a long `$ref` chain, or arrays of arrays of aliases.
///
/// Runs after [`resolve_alias_cycles`], so the aliases form a DAG and one pass in reverse
/// topological order gives every depth.
pub fn check_type_nesting(
    context: &ErrorContext,
    types: &[TypeDefinition],
    type_pointers: &BTreeMap<String, String>,
) -> Result<(), GeneratorError> {
    let index_of: BTreeMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(index, definition)| (definition.name.as_str(), index))
        .collect();
    let mut graph = Graph::<(), ()>::new();
    for _ in types.iter() {
        graph.add_node(());
    }
    for (from, definition) in types.iter().enumerate() {
        if let TypeKind::Alias { target } = &definition.kind {
            for (name, _) in alias_references(target) {
                if let Some(&to) = index_of.get(name) {
                    graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
                }
            }
        }
    }
    // Cycles were turned into newtypes, whose edges are not in this graph, so this cannot fail;
    // should it, there is nothing to check in the cyclic part.
    let Ok(order) = petgraph::algo::toposort(&graph, None) else {
        return Ok(());
    };
    let mut depth = vec![1usize; types.len()];
    for node in order.iter().rev() {
        let definition = &types[node.index()];
        if let TypeKind::Alias { target } = &definition.kind {
            // The alias itself is one level: rustc expands each hop of a `$ref` chain in turn.
            let nested = 1 + nesting_depth(target, &|name| {
                index_of.get(name).map_or(1, |&index| depth[index])
            });
            depth[node.index()] = nested;
            if nested > MAX_TYPE_NESTING {
                return Err(context.unsupported(
                    type_pointers.get(&definition.name).map_or("", String::as_str),
                    format!(
                        "the schema `{}` nests {nested} levels deep through `$ref` aliases and arrays (the limit is {MAX_TYPE_NESTING}); Rust cannot compile types nested this deeply",
                        definition.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// How many levels `type_ref` nests once the aliases it names are expanded (`named_depth` gives theirs).
fn nesting_depth(type_ref: &TypeRef, named_depth: &dyn Fn(&str) -> usize) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(type_ref, 0usize)];
    while let Some((current, level)) = pending.pop() {
        match current {
            TypeRef::Named(name) => deepest = deepest.max(level + named_depth(name)),
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner) => pending.push((inner, level + 1)),
            _ => deepest = deepest.max(level + 1),
        }
    }
    deepest
}

/// How deeply a type may contain other types, counting every named type and every wrapper
/// (`Option`, `Vec`, map, `Box`) on the way. rustc walks this chain when it checks auto traits
/// (`Send`), drop glue and layout, and gives up at its recursion limit (128).
pub const MAX_CONTAINMENT_DEPTH: usize = 96;

/// Refuses a type whose chain of contained types is deeper than [`MAX_CONTAINMENT_DEPTH`]: a long
/// chain of objects (each a property of the one before) or of `oneOf` members.
///
/// Types on a common cycle count as one level (rustc handles cycles coinductively). One pass over
/// the strongly connected components, sinks first, gives every depth in linear time.
pub fn check_containment_depth(
    context: &ErrorContext,
    types: &[TypeDefinition],
    type_pointers: &BTreeMap<String, String>,
) -> Result<(), GeneratorError> {
    let index_of: BTreeMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(index, definition)| (definition.name.as_str(), index))
        .collect();
    let mut graph = Graph::<(), usize>::new();
    for _ in types.iter() {
        graph.add_node(());
    }
    for (from, definition) in types.iter().enumerate() {
        for type_ref in contained_type_refs(&definition.kind) {
            let mut pending = vec![(type_ref, 1usize)];
            while let Some((current, level)) = pending.pop() {
                match current {
                    TypeRef::Named(name) => {
                        if let Some(&to) = index_of.get(name.as_str()) {
                            graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), level);
                        }
                    }
                    TypeRef::Vec(inner)
                    | TypeRef::Map(inner)
                    | TypeRef::Option(inner)
                    | TypeRef::Boxed(inner) => pending.push((inner, level + 1)),
                    _ => {}
                }
            }
        }
    }
    let components = petgraph::algo::kosaraju_scc(&graph);
    let mut component_of = vec![0usize; types.len()];
    for (component, members) in components.iter().enumerate() {
        for node in members {
            component_of[node.index()] = component;
        }
    }
    // Sinks come first, so every component a member points to already has its depth.
    let mut depth = vec![1usize; components.len()];
    for (component, members) in components.iter().enumerate() {
        let mut deepest = 1;
        for node in members {
            for edge in graph.edges(*node) {
                use petgraph::visit::EdgeRef;
                let target = component_of[edge.target().index()];
                if target != component {
                    deepest = deepest.max(1 + *edge.weight() + depth[target]);
                }
            }
        }
        depth[component] = deepest;
        if deepest > MAX_CONTAINMENT_DEPTH {
            let first = members
                .iter()
                .map(|node| node.index())
                .min()
                .unwrap_or_default();
            let name = &types[first].name;
            return Err(context.unsupported(
                type_pointers.get(name).map_or("", String::as_str),
                format!(
                    "the schema `{name}` nests other schemas {deepest} levels deep (counting arrays and optional values; the limit is {MAX_CONTAINMENT_DEPTH}); Rust cannot compile types nested this deeply"
                ),
            ));
        }
    }
    Ok(())
}

fn contained_type_refs(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter().map(|field| &field.type_ref).collect(),
        TypeKind::Union { variants, .. } => {
            variants.iter().map(|variant| &variant.type_ref).collect()
        }
        TypeKind::Alias { target } | TypeKind::Newtype { target } => vec![target],
        TypeKind::StringEnum { .. } => Vec::new(),
    }
}
