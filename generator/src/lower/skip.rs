//! `--skip-invalid`: after a defective schema or operation was skipped, drops everything that refers
//! to what was skipped, and records each drop as the error it avoids.

use crate::error::{pointer_push, ErrorContext, GeneratorError};
use crate::ir::{Operation, TypeDefinition, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// Calls `visit` with every named type `type_ref` mentions.
fn named_types<'t>(type_ref: &'t TypeRef, found: &mut Vec<&'t str>) {
    match type_ref {
        TypeRef::Named(name) => found.push(name),
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => named_types(inner, found),
        TypeRef::Tuple(items) => {
            for item in items {
                named_types(item, found);
            }
        }
        _ => {}
    }
}

fn definition_references(definition: &TypeDefinition) -> Vec<&str> {
    let mut found = Vec::new();
    match &definition.kind {
        TypeKind::Struct { fields, .. } => {
            for field in fields {
                named_types(&field.type_ref, &mut found);
            }
        }
        TypeKind::Union { variants, .. } => {
            for variant in variants {
                named_types(&variant.type_ref, &mut found);
            }
        }
        TypeKind::Alias { target } | TypeKind::Newtype { target } => {
            named_types(target, &mut found)
        }
        TypeKind::StringEnum { .. } => {}
    }
    found
}

/// The named types an operation's parameters, body and responses use.
pub fn operation_references(operation: &Operation) -> Vec<&str> {
    let mut found = Vec::new();
    for parameter in &operation.parameters {
        named_types(&parameter.type_ref, &mut found);
    }
    if let Some(body) = &operation.body {
        named_types(&body.type_ref, &mut found);
    }
    for case in operation.success.cases.iter().chain(&operation.errors) {
        named_types(&case.type_ref, &mut found);
    }
    found
}

/// Drops the types that (transitively) refer to a skipped type, then the operations that use a
/// skipped or dropped type; every drop is recorded in `skipped`.
pub fn cascade(
    context: &ErrorContext,
    skipped_names: &BTreeSet<String>,
    type_pointers: &BTreeMap<String, String>,
    types: &mut Vec<TypeDefinition>,
    operations: &mut Vec<Operation>,
    skipped: &mut Vec<GeneratorError>,
) {
    let mut gone: BTreeSet<String> = skipped_names.clone();
    if gone.is_empty() {
        return;
    }
    loop {
        let mut dropped_any = false;
        let mut kept = Vec::with_capacity(types.len());
        for definition in std::mem::take(types) {
            let missing = definition_references(&definition)
                .into_iter()
                .find(|name| gone.contains(*name))
                .map(str::to_string);
            match missing {
                Some(missing) => {
                    let pointer = type_pointers
                        .get(&definition.name)
                        .cloned()
                        .unwrap_or_default();
                    skipped.push(context.invalid(
                        &pointer,
                        format!(
                            "skipped: the type `{}` uses `{missing}`, which was skipped",
                            definition.name
                        ),
                    ));
                    gone.insert(definition.name.clone());
                    dropped_any = true;
                }
                None => kept.push(definition),
            }
        }
        *types = kept;
        if !dropped_any {
            break;
        }
    }
    operations.retain(|operation| {
        let missing = operation_references(operation)
            .into_iter()
            .find(|name| gone.contains(*name));
        match missing {
            Some(missing) => {
                let pointer = pointer_push(
                    &pointer_push("/paths", &operation.path_template),
                    &operation.http_method.to_ascii_lowercase(),
                );
                skipped.push(context.invalid(
                    &pointer,
                    format!(
                        "skipped: the operation `{}` uses `{missing}`, which was skipped",
                        operation.spec_name
                    ),
                ));
                false
            }
            None => true,
        }
    });
}
