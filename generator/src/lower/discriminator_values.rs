//! The wire values a member of a discriminated union admits for the discriminator property, read
//! from the member's own schema (`type: {enum: [message]}`, or a `const`): documents often give a
//! discriminator without `mapping` and mean those values, not the member's schema name, and a
//! server that follows the member's schema sends them.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

/// How deep `$ref`s, `allOf`s and nested unions are followed; a cycle stops here.
const MAX_DEPTH: usize = 16;

type Components = indexmap::IndexMap<String, ReferenceOr<Schema>>;

/// The string values `member` allows for `property`, in document order, when the member restricts
/// it to an enum (through `$ref`s, `allOf` members and nested unions); `None` when it does not (a
/// plain string, or no such property), so any value may name it.
pub fn member_tag_values(
    components: &Components,
    member: &ReferenceOr<Schema>,
    property: &str,
) -> Option<Vec<String>> {
    values_of(components, member, property, 0)
}

fn resolve<'a>(components: &'a Components, view: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    match view {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => super::samples::component(components, reference),
    }
}

fn values_of(
    components: &Components,
    member: &ReferenceOr<Schema>,
    property: &str,
    depth: usize,
) -> Option<Vec<String>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let schema = resolve(components, member)?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => property_values(
            components,
            object.properties.get(property)?.clone().unbox(),
            depth + 1,
        ),
        SchemaKind::Any(any) => match any.properties.get(property) {
            Some(property_schema) => {
                property_values(components, property_schema.clone().unbox(), depth + 1)
            }
            None => all_of_values(components, &any.all_of, property, depth),
        },
        SchemaKind::AllOf { all_of } => all_of_values(components, all_of, property, depth),
        // A nested union: each of its members names itself, so the union allows all their values,
        // but only when every member restricts the property.
        SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
            let mut values: Vec<String> = Vec::new();
            for member in members {
                for value in values_of(components, member, property, depth + 1)? {
                    if !values.contains(&value) {
                        values.push(value);
                    }
                }
            }
            (!values.is_empty()).then_some(values)
        }
        _ => None,
    }
}

/// An `allOf` allows the values every restricting member allows.
fn all_of_values(
    components: &Components,
    members: &[ReferenceOr<Schema>],
    property: &str,
    depth: usize,
) -> Option<Vec<String>> {
    let mut allowed: Option<Vec<String>> = None;
    for member in members {
        if let Some(values) = values_of(components, member, property, depth + 1) {
            allowed = Some(match allowed {
                None => values,
                Some(previous) => previous
                    .into_iter()
                    .filter(|value| values.contains(value))
                    .collect(),
            });
        }
    }
    allowed.filter(|values| !values.is_empty())
}

/// The string enum values of a property's schema (a `const` is a one-value enum by now).
fn property_values(
    components: &Components,
    property: ReferenceOr<Schema>,
    depth: usize,
) -> Option<Vec<String>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let schema = resolve(components, &property)?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
            let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
            (!values.is_empty()).then_some(values)
        }
        // `{allOf: [$ref: ItemType], description: ...}`: the referenced enum.
        SchemaKind::AllOf { all_of } => all_of
            .iter()
            .find_map(|member| property_values(components, member.clone(), depth + 1)),
        _ => None,
    }
}
