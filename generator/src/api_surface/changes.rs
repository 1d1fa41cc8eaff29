//! Old surface vs new surface: each difference named and classified for downstream Rust code.
//!
//! The classes assume what emit guarantees: structs, parameter structs and enums are
//! `#[non_exhaustive]`, and values are built with `new(required...)` plus `with_<field>` setters.
//! So an optional member, a variant, a type or an operation can be added without breaking code
//! that compiled before; anything removed or changed, or a new required member (a new argument of
//! `new`), breaks it.

use super::{ApiSurface, MemberSurface, TypeSurface};
use std::collections::BTreeMap;
use std::fmt;

/// Whether code that compiled against the old API still compiles against the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeClass {
    /// It does.
    Additive,
    /// It may not.
    Breaking,
}

impl ChangeClass {
    /// `additive` or `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeClass::Additive => "additive",
            ChangeClass::Breaking => "breaking",
        }
    }
}

/// One change of a module's public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiChange {
    /// Breaking or additive.
    pub class: ChangeClass,
    /// What changed, one line (`added optional field `types::TokenRequest.scope`: Option<String>`).
    pub description: String,
}

impl fmt::Display for ApiChange {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.class.as_str(), self.description)
    }
}

/// The changes from `old` to `new`; `None` is a module that does not exist on that side. Sorted:
/// breaking first, then by description, so the report is deterministic.
pub fn compare_surfaces(old: Option<&ApiSurface>, new: Option<&ApiSurface>) -> Vec<ApiChange> {
    let mut changes = Vec::new();
    match (old, new) {
        (None, None) => {}
        (None, Some(new)) => changes.push(additive(format!(
            "added module `{}` (Cargo feature `{}`)",
            new.module, new.module
        ))),
        (Some(old), None) => changes.push(breaking(format!(
            "removed module `{}` (Cargo feature `{}`)",
            old.module, old.module
        ))),
        (Some(old), Some(new)) => {
            compare_operations(old, new, &mut changes);
            compare_types(&old.types, &new.types, &mut changes);
            compare_client_methods(
                "credentials method",
                &old.credentials,
                &new.credentials,
                true,
                &mut changes,
            );
            // A server's URL is a default the caller can replace, not a signature: only the
            // method's presence counts.
            compare_client_methods(
                "server method",
                &old.servers,
                &new.servers,
                false,
                &mut changes,
            );
        }
    }
    changes.sort_by(|left, right| {
        right
            .class
            .cmp(&left.class)
            .then_with(|| left.description.cmp(&right.description))
    });
    changes
}

/// The largest class among `changes`, `None` when there are none.
pub fn overall_class(changes: &[ApiChange]) -> Option<ChangeClass> {
    changes.iter().map(|change| change.class).max()
}

fn additive(description: String) -> ApiChange {
    ApiChange {
        class: ChangeClass::Additive,
        description: on_one_line(&description),
    }
}

fn breaking(description: String) -> ApiChange {
    ApiChange {
        class: ChangeClass::Breaking,
        description: on_one_line(&description),
    }
}

/// The description with control characters escaped (`\n`, `\u{1b}`): it quotes the spec's wire
/// names and enum values, which may hold anything, and each change is one line of the report and
/// of `CHANGELOG.md`, where a line break could start a `## 42.0.0` heading the next release would
/// read as a version it already handed out.
fn on_one_line(description: &str) -> String {
    let mut line = String::with_capacity(description.len());
    for character in description.chars() {
        if character.is_control() {
            line.extend(character.escape_default());
        } else {
            line.push(character);
        }
    }
    line
}

fn compare_operations(old: &ApiSurface, new: &ApiSurface, changes: &mut Vec<ApiChange>) {
    for (name, old_operation) in &old.operations {
        let Some(new_operation) = new.operations.get(name) else {
            changes.push(breaking(format!("removed operation `{name}`")));
            continue;
        };
        if old_operation.signature != new_operation.signature {
            changes.push(breaking(format!(
                "changed operation `{name}`: `{}` is now `{}`",
                old_operation.signature, new_operation.signature
            )));
        }
        if old_operation.parameters_same_as != new_operation.parameters_same_as {
            let same_as = |value: &Option<String>| {
                value
                    .as_ref()
                    .map_or("a type of its own".to_string(), |other| {
                        format!("the same type as `{other}`")
                    })
            };
            changes.push(breaking(format!(
                "changed operation `{name}`: its parameter struct, {}, is now {}",
                same_as(&old_operation.parameters_same_as),
                same_as(&new_operation.parameters_same_as)
            )));
        }
        compare_members(
            "parameter",
            &format!("`{name}`"),
            &old_operation.parameters,
            &new_operation.parameters,
            changes,
        );
    }
    for (name, new_operation) in &new.operations {
        if !old.operations.contains_key(name) {
            changes.push(additive(format!(
                "added operation `{name}`: `{}`",
                new_operation.signature
            )));
        }
    }
}

/// `Client` methods by name, with what they take.
fn compare_client_methods(
    what: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    values_are_signatures: bool,
    changes: &mut Vec<ApiChange>,
) {
    for (method, old_value) in old {
        match new.get(method) {
            None => changes.push(breaking(format!(
                "removed {what} `Client::{method}` ({old_value})"
            ))),
            Some(new_value) if values_are_signatures && new_value != old_value => {
                changes.push(breaking(format!(
                    "changed {what} `Client::{method}`: it took a {old_value}, now a {new_value}"
                )))
            }
            Some(_) => {}
        }
    }
    for (method, new_value) in new {
        if !old.contains_key(method) {
            changes.push(additive(format!(
                "added {what} `Client::{method}` ({new_value})"
            )));
        }
    }
}

fn compare_members(
    what: &str,
    owner: &str,
    old: &BTreeMap<String, MemberSurface>,
    new: &BTreeMap<String, MemberSurface>,
    changes: &mut Vec<ApiChange>,
) {
    for (name, old_member) in old {
        match new.get(name) {
            None => changes.push(breaking(format!(
                "removed {what} `{name}` of {owner}: {}",
                old_member.type_text
            ))),
            Some(new_member) if new_member != old_member => changes.push(breaking(format!(
                "changed {what} `{name}` of {owner}: {} is now {}",
                member_text(old_member),
                member_text(new_member)
            ))),
            Some(_) => {}
        }
    }
    for (name, new_member) in new {
        if old.contains_key(name) {
            continue;
        }
        let description = format!(
            "added {} {what} `{name}` to {owner}: {}",
            if new_member.required {
                "required"
            } else {
                "optional"
            },
            new_member.type_text
        );
        // A required member is a new argument of `new`, so every call of it breaks.
        changes.push(if new_member.required {
            breaking(description)
        } else {
            additive(description)
        });
    }
}

fn member_text(member: &MemberSurface) -> String {
    format!(
        "{} ({})",
        member.type_text,
        if member.required {
            "required"
        } else {
            "optional"
        }
    )
}

fn compare_types(
    old: &BTreeMap<String, TypeSurface>,
    new: &BTreeMap<String, TypeSurface>,
    changes: &mut Vec<ApiChange>,
) {
    for (name, old_type) in old {
        let Some(new_type) = new.get(name) else {
            changes.push(breaking(format!("removed {} `{name}`", old_type.kind)));
            continue;
        };
        if old_type.kind != new_type.kind {
            changes.push(breaking(format!(
                "changed type `{name}`: a {} is now a {}",
                old_type.kind, new_type.kind
            )));
            continue;
        }
        if old_type.target != new_type.target && old_type.kind == "error enum" {
            // An error enum's target is the enum it is the same type as (see `shared_shapes`).
            let same_as = |value: &Option<String>| {
                value
                    .as_ref()
                    .map_or("a type of its own".to_string(), |other| {
                        format!("the same type as `{other}`")
                    })
            };
            changes.push(breaking(format!(
                "changed error enum `{name}`: {} is now {}",
                same_as(&old_type.target),
                same_as(&new_type.target)
            )));
        } else if old_type.target != new_type.target {
            changes.push(breaking(format!(
                "changed {} `{name}`: {} is now {}",
                old_type.kind,
                old_type.target.as_deref().unwrap_or("nothing"),
                new_type.target.as_deref().unwrap_or("nothing")
            )));
        }
        compare_members(
            "field",
            &format!("`{name}`"),
            &old_type.fields,
            &new_type.fields,
            changes,
        );
        compare_variants(name, old_type, new_type, changes);
    }
    for (name, new_type) in new {
        if !old.contains_key(name) {
            changes.push(additive(format!("added {} `{name}`", new_type.kind)));
        }
    }
}

fn compare_variants(
    name: &str,
    old_type: &TypeSurface,
    new_type: &TypeSurface,
    changes: &mut Vec<ApiChange>,
) {
    let payload = |value: &str| {
        if value.is_empty() {
            "no value".to_string()
        } else if old_type.kind == "string enum" {
            format!("`{value}`")
        } else {
            value.to_string()
        }
    };
    for (variant, old_value) in &old_type.variants {
        match new_type.variants.get(variant) {
            None => changes.push(breaking(format!(
                "removed variant `{variant}` of {} `{name}`",
                old_type.kind
            ))),
            Some(new_value) if new_value != old_value => changes.push(breaking(format!(
                "changed variant `{variant}` of {} `{name}`: {} is now {}",
                old_type.kind,
                payload(old_value),
                payload(new_value)
            ))),
            Some(_) => {}
        }
    }
    // Every enum is `#[non_exhaustive]`, so downstream matches already have a wildcard arm.
    for (variant, new_value) in &new_type.variants {
        if !old_type.variants.contains_key(variant) {
            changes.push(additive(format!(
                "added variant `{variant}` to {} `{name}`: {}",
                new_type.kind,
                payload(new_value)
            )));
        }
    }
}
