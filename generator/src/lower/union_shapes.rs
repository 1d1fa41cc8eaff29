//! Two `oneOf`/`anyOf` shapes that have a smaller Rust form than an untagged enum of members:
//! members that are each a string enum (one string enum of all their values), and object members
//! told apart by a property whose schema allows one string (a serde-tagged enum). Both cost far
//! less to compile than one type per member (and one string enum per tag), and mean the same.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

/// The values of a union whose members are all inline string enums (`oneOf: [{type: string,
/// enum: [a]}, {type: string, enum: [b]}]`), in order, when no value appears twice: the union
/// accepts exactly the strings one string enum of those values accepts.
pub fn merged_string_enum_values(members: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
    let mut values: Vec<String> = Vec::new();
    for member in members {
        let ReferenceOr::Item(schema) = member else {
            return None;
        };
        if schema.schema_data.nullable {
            return None;
        }
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
            return None;
        };
        if string.enumeration.is_empty() {
            return None;
        }
        for value in &string.enumeration {
            // `null` among the values makes the member nullable: not a plain string enum.
            let value = value.as_ref()?;
            if values.contains(value) {
                return None;
            }
            values.push(value.clone());
        }
    }
    (!values.is_empty()).then_some(values)
}

/// A union of inline objects that each require one property (the same for all) whose schema
/// allows exactly one string, distinct per member: the tag serde reads to pick the member.
pub struct ImplicitTag {
    /// The tag property's wire name.
    pub property: String,
    /// Each member's tag value, in member order.
    pub values: Vec<String>,
}

/// The implicit tag of `members`, when they have one (see [`ImplicitTag`]). Members that are
/// `$ref`s keep their own shape (other places may use them with the property), so they do not
/// qualify; neither do nullable members or members with `additionalProperties` and no other field.
pub fn implicit_tag(members: &[ReferenceOr<Schema>]) -> Option<ImplicitTag> {
    let objects: Vec<&openapiv3::ObjectType> = members
        .iter()
        .map(|member| match member {
            ReferenceOr::Item(Schema {
                schema_data,
                schema_kind: SchemaKind::Type(Type::Object(object)),
            }) if !schema_data.nullable => Some(object),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let first = objects.first()?;
    first.properties.keys().find_map(|property| {
        let values: Vec<String> = objects
            .iter()
            .map(|object| single_string_value(object, property))
            .collect::<Option<_>>()?;
        let distinct: std::collections::BTreeSet<&String> = values.iter().collect();
        let members_keep_a_shape = objects.iter().all(|object| {
            object.properties.len() > 1
                || !matches!(
                    object.additional_properties,
                    Some(AdditionalProperties::Schema(_) | AdditionalProperties::Any(true))
                )
        });
        (distinct.len() == values.len() && members_keep_a_shape).then(|| ImplicitTag {
            property: property.clone(),
            values,
        })
    })
}

/// The one string `object`'s required `property` may be.
fn single_string_value(object: &openapiv3::ObjectType, property: &str) -> Option<String> {
    if !object.required.iter().any(|name| name == property) {
        return None;
    }
    let ReferenceOr::Item(schema) = object.properties.get(property)? else {
        return None;
    };
    if schema.schema_data.nullable {
        return None;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
            [Some(value)] => Some(value.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `member` without the tag property: what is left for the member's own type.
pub fn without_tag(member: &Schema, property: &str) -> Schema {
    let mut member = member.clone();
    if let SchemaKind::Type(Type::Object(object)) = &mut member.schema_kind {
        object.properties.shift_remove(property);
        object.required.retain(|name| name != property);
    }
    member
}

/// Whether the member, its tag removed, has nothing left: the variant carries no value.
pub fn is_tag_only(member: &Schema) -> bool {
    match &member.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.is_empty()
                && !matches!(
                    object.additional_properties,
                    Some(AdditionalProperties::Schema(_) | AdditionalProperties::Any(true))
                )
        }
        _ => false,
    }
}
