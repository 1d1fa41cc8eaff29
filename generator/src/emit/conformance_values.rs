//! Request values for the conformance driver, synthesized from the IR's types alone: one valid JSON
//! value per parameter struct and body, with every optional field filled (`Fill::Full`) or only
//! the required ones (`Fill::Required`).
//!
//! The values are JSON, not Rust expressions: the driver turns them into the client's types with
//! `serde_json::from_str`, so it never writes a struct literal and uses only the client's public API.

use crate::ir::{
    ApiModule, ArrayBounds, Field, Operation, ParameterLocation, TypeDefinition, TypeKind, TypeRef,
    UnionVariant,
};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

mod matches;
mod presence;
mod serialized;

/// Which optional fields a synthesized value carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Every field, optional ones included (bounded by `OPTIONAL_DEPTH` in recursive types).
    Full,
    /// Only the fields the schema requires.
    Required,
}

/// Optional fields are filled down to this depth; below it only required ones are, so recursive
/// types stay finite.
const OPTIONAL_DEPTH: usize = 4;

/// From this depth on arrays and maps are empty, which ends every cycle the generator accepts
/// (a recursive type always goes through an array, a map or an optional field).
const COLLECTION_DEPTH: usize = 8;

/// Past this depth even required values stop (`null`, `[]`, `{}`): a required cycle (which the
/// generator only accepts through arrays and maps) cannot go on for ever.
const REQUIRED_DEPTH: usize = 24;

/// The most fields one synthesized value fills before it gives up growing. Types that fan out (a
/// dozen properties of a type that has a dozen of the next, eight levels down) have values with
/// millions of objects, which would hang the generator and fill the driver; past the budget
/// optional fields are left out and required ones get the shortest value (`null`, `[]`, `{}`), which
/// may not match, so that operation fails in the driver, reported, rather than hangs.
const MAX_VALUE_FIELDS: usize = 20_000;

/// Builds values from one module's named types.
pub struct ValueSynthesizer<'a> {
    types: HashMap<&'a str, &'a TypeDefinition>,
    /// Fields the value being built may still fill (see `MAX_VALUE_FIELDS`); reset per value.
    fields_left: std::cell::Cell<usize>,
}

impl<'a> ValueSynthesizer<'a> {
    /// A synthesizer over `api`'s types.
    pub fn new(api: &'a ApiModule) -> Self {
        let types = api
            .types
            .iter()
            .map(|definition| (definition.name.as_str(), definition))
            .collect();
        ValueSynthesizer {
            types,
            fields_left: std::cell::Cell::new(MAX_VALUE_FIELDS),
        }
    }

    /// Takes one field from the budget; false once it is spent.
    fn take_field(&self) -> bool {
        let left = self.fields_left.get();
        self.fields_left.set(left.saturating_sub(1));
        left > 0
    }

    /// The parameter struct's value: one key per parameter, under its serde name (the wire name,
    /// or `location.name` when a path and a query parameter share one).
    pub fn parameters(&self, operation: &Operation, fill: Fill) -> Value {
        self.fields_left.set(MAX_VALUE_FIELDS);
        let mut object = Map::new();
        for parameter in &operation.parameters {
            if !parameter.required && fill == Fill::Required {
                continue;
            }
            let shares_wire_name = operation
                .parameters
                .iter()
                .filter(|other| other.wire_name == parameter.wire_name)
                .count()
                > 1;
            let key = if shares_wire_name {
                format!(
                    "{}.{}",
                    location_word(parameter.location),
                    parameter.wire_name
                )
            } else {
                parameter.wire_name.clone()
            };
            let value = self.sampled(
                &parameter.type_ref,
                parameter.sample.as_ref(),
                parameter.array_bounds,
                fill,
                0,
            );
            let value = self.parameter_union_value(&parameter.type_ref, value, fill);
            object.insert(key, value);
        }
        Value::Object(object)
    }

    /// The document's sample when it is a value of `type_ref` (an array's grown or cut to its
    /// `bounds`), else a synthesized one.
    fn sampled(
        &self,
        type_ref: &TypeRef,
        sample: Option<&Value>,
        bounds: Option<ArrayBounds>,
        fill: Fill,
        depth: usize,
    ) -> Value {
        let type_ref = strip_option(type_ref);
        let sample = sample
            .filter(|sample| self.fits(type_ref, sample, 0))
            .and_then(|sample| match (sample, bounds) {
                (Value::Array(items), Some(bounds)) => within_bounds(items, bounds),
                _ => Some(sample.clone()),
            });
        match (sample, type_ref) {
            // A document's sample of a `oneOf` can be a value of two members (an enum value is
            // also a string): a synthesized value known to match one member only is better. When
            // none is known (members told apart by a `format` the IR does not keep), the sample.
            (Some(sample), _) if self.union_members_matched(type_ref, &sample) > Some(1) => {
                let synthesized = self.value(type_ref, fill, depth);
                if self.union_members_matched(type_ref, &synthesized) == Some(1) {
                    synthesized
                } else {
                    sample
                }
            }
            (Some(sample), _) => sample,
            (None, TypeRef::Vec(item)) => self.array(item, bounds.unwrap_or_default(), fill, depth),
            (None, _) => self.value(type_ref, fill, depth),
        }
    }

    /// An array of `item` values: two distinct ones where the item type allows them (one item
    /// cannot tell `a,b` from `a&a=b`, so two exercise the array's encoding in queries, headers
    /// and form bodies), or as many as `bounds` ask, distinct where they ask it.
    fn array(&self, item: &TypeRef, bounds: ArrayBounds, fill: Fill, depth: usize) -> Value {
        if depth > REQUIRED_DEPTH || (depth >= COLLECTION_DEPTH && bounds.min_items == 0) {
            return json!([]);
        }
        let item = strip_option(item);
        let wanted = bounds
            .min_items
            .max(2)
            .min(bounds.max_items.unwrap_or(usize::MAX))
            .min(MAX_ARRAY_ITEMS.max(bounds.min_items));
        if wanted == 0 {
            return json!([]);
        }
        let first = self.value(item, fill, depth + 1);
        let mut items = vec![first];
        for index in 1..wanted {
            match self.nth_distinct(item, &items[0], index) {
                Some(next) => items.push(next),
                // No further distinct value is known: repeat the first where repeats are
                // allowed and needed, else stop at the distinct ones.
                None if !bounds.unique_items && items.len() < bounds.min_items => {
                    items.push(items[0].clone())
                }
                None => break,
            }
        }
        Value::Array(items)
    }

    /// Whether the scalar `sample` deserializes as `type_ref` (dates are left to the synthesizer,
    /// which writes them in the one form `chrono` reads).
    fn fits(&self, type_ref: &TypeRef, sample: &Value, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match type_ref {
            TypeRef::String | TypeRef::Secret => sample.is_string(),
            TypeRef::Integer {
                bits: 32,
                unsigned: false,
            } => sample
                .as_i64()
                .is_some_and(|number| i32::try_from(number).is_ok()),
            TypeRef::Integer { unsigned: true, .. } => sample.is_u64(),
            TypeRef::Integer { .. } => sample.is_i64(),
            TypeRef::Number { .. } => sample.is_number(),
            TypeRef::Boolean => sample.is_boolean(),
            TypeRef::Option(inner) | TypeRef::Boxed(inner) => self.fits(inner, sample, depth + 1),
            TypeRef::Vec(item) => sample.as_array().is_some_and(|items| {
                !items.is_empty() && items.iter().all(|value| self.fits(item, value, depth + 1))
            }),
            TypeRef::Named(name) => match self
                .types
                .get(name.as_str())
                .map(|definition| &definition.kind)
            {
                Some(TypeKind::StringEnum { .. }) => sample.is_string(),
                // An untagged union takes a value of any member.
                Some(TypeKind::Union {
                    variants,
                    discriminator: None,
                }) => variants
                    .iter()
                    .any(|variant| self.fits(&variant.type_ref, sample, depth + 1)),
                Some(TypeKind::Alias { target } | TypeKind::Newtype { target }) => {
                    self.fits(target, sample, depth + 1)
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// The request body's value. Client credentials the body could carry (`client_secret`) are left
    /// out: the driver sets every scheme's credentials, HTTP Basic included, and the client refuses
    /// two client authentication methods in one request (RFC 6749 section 2.3).
    pub fn body(&self, operation: &Operation, fill: Fill) -> Value {
        let Some(body) = &operation.body else {
            return Value::Null;
        };
        self.fields_left.set(MAX_VALUE_FIELDS);
        let mut value = self.value(&body.type_ref, fill, 0);
        if let (Value::Object(object), TypeRef::Named(name)) = (&mut value, &body.type_ref) {
            if let Some(TypeKind::Struct { fields, .. }) = self
                .types
                .get(name.as_str())
                .map(|definition| &definition.kind)
            {
                for field in fields {
                    if operation.body_client_credentials.contains(&field.rust_name) {
                        object.remove(&field.wire_name);
                    }
                }
            }
        }
        value
    }

    /// The wire names of a form body's array fields.
    pub fn form_array_fields(&self, operation: &Operation) -> Vec<String> {
        let Some(body) = operation
            .body
            .as_ref()
            .filter(|body| body.encoding == crate::ir::BodyEncoding::Form)
        else {
            return Vec::new();
        };
        let mut type_ref = &body.type_ref;
        for _ in 0..32 {
            match type_ref {
                TypeRef::Named(name) => match self
                    .types
                    .get(name.as_str())
                    .map(|definition| &definition.kind)
                {
                    Some(TypeKind::Struct { fields, .. }) => {
                        return fields
                            .iter()
                            .filter(|field| {
                                matches!(strip_option(&field.type_ref), TypeRef::Vec(_))
                            })
                            .map(|field| field.wire_name.clone())
                            .collect()
                    }
                    Some(TypeKind::Alias { target } | TypeKind::Newtype { target }) => {
                        type_ref = target
                    }
                    _ => break,
                },
                TypeRef::Boxed(inner) | TypeRef::Option(inner) => type_ref = inner,
                _ => break,
            }
        }
        Vec::new()
    }

    /// A value of `type_ref`.
    pub fn value(&self, type_ref: &TypeRef, fill: Fill, depth: usize) -> Value {
        let deep = depth > REQUIRED_DEPTH;
        match type_ref {
            TypeRef::String => json!("conformance"),
            TypeRef::Secret => json!("conformance-secret"),
            TypeRef::Integer { .. } => json!(1),
            TypeRef::Number { .. } => json!(1.5),
            TypeRef::Boolean => json!(true),
            TypeRef::DateTime => json!("2024-01-02T03:04:05Z"),
            TypeRef::Date => json!("2024-01-02"),
            TypeRef::Json | TypeRef::JsonObject => json!({}),
            TypeRef::Unit => Value::Null,
            TypeRef::Bytes => json!("conformance"),
            // "conformance" in base64.
            TypeRef::Base64Bytes => json!("Y29uZm9ybWFuY2U="),
            TypeRef::Vec(item) => self.array(item, ArrayBounds::default(), fill, depth),
            TypeRef::Map(_) if deep || depth >= COLLECTION_DEPTH => json!({}),
            TypeRef::Map(item) => {
                json!({ "key": self.value(strip_option(item), fill, depth + 1) })
            }
            TypeRef::Option(_) if deep => Value::Null,
            TypeRef::Option(inner) | TypeRef::Boxed(inner) => self.value(inner, fill, depth),
            // Tuples of tuples fan out like structs: each item is charged to the same budget.
            TypeRef::Tuple(items) => Value::Array(
                items
                    .iter()
                    .map(|item| {
                        let item_depth = if self.take_field() {
                            depth + 1
                        } else {
                            REQUIRED_DEPTH + 1
                        };
                        self.value(strip_option(item), fill, item_depth)
                    })
                    .collect(),
            ),
            TypeRef::Named(name) => self.named(name, fill, depth),
        }
    }

    /// The `index`th (from 1) value of a scalar item type, different from `first` and from the
    /// others before it: the next enum value, another string or number. `None` where no such
    /// value is known to be valid.
    fn nth_distinct(&self, item: &TypeRef, first: &Value, index: usize) -> Option<Value> {
        let next = match item {
            TypeRef::String => json!(format!("conformance-{}", index + 1)),
            TypeRef::Integer { .. } => json!(index + 1),
            TypeRef::Named(name) => match &self.types.get(name.as_str())?.kind {
                TypeKind::StringEnum { variants } => json!(variants.get(index)?.wire_value),
                _ => return None,
            },
            _ => return None,
        };
        (next != *first).then_some(next)
    }

    /// A struct field's value: its sample where it fits, else a synthesized one.
    fn field_value(&self, field: &Field, fill: Fill, depth: usize) -> Value {
        self.sampled(
            &field.type_ref,
            field.sample.as_ref(),
            field.array_bounds,
            fill,
            depth,
        )
    }

    /// Adds the fields of one "at least one of" list (`required_alternatives`) when the object
    /// has none of them complete: the list with the fewest fields missing, of those it has every
    /// field of.
    fn meet_required_alternatives(
        &self,
        object: &mut Map<String, Value>,
        definition: &TypeDefinition,
        fill: Fill,
        depth: usize,
    ) {
        let TypeKind::Struct {
            fields,
            required_alternatives,
            ..
        } = &definition.kind
        else {
            return;
        };
        if required_alternatives.is_empty()
            || required_alternatives
                .iter()
                .any(|list| list.iter().all(|key| object.contains_key(key)))
        {
            return;
        }
        let field_named = |key: &String| {
            fields
                .iter()
                .find(|field| !field.flatten && field.wire_name == *key)
        };
        let Some(list) = required_alternatives
            .iter()
            .filter(|list| list.iter().all(|key| field_named(key).is_some()))
            .min_by_key(|list| list.iter().filter(|key| !object.contains_key(*key)).count())
        else {
            return;
        };
        for key in list {
            if let (false, Some(field)) = (object.contains_key(key), field_named(key)) {
                let value = self.field_value(field, fill, depth + 1);
                object.insert(key.clone(), value);
            }
        }
    }

    /// The value of an untagged union: one that matches exactly one member, as a `oneOf` asks
    /// (a value of the first member often matches several: an object of optional fields matches
    /// every member without required ones). Each member is tried with `fill`, then with every
    /// optional field (a property only that member gives a value of, such as its own `type`
    /// enum); when no value matches only its member, the first member's.
    fn one_member_value(&self, variants: &[UnionVariant], fill: Fill, depth: usize) -> Value {
        let Some(first) = variants.first() else {
            return Value::Null;
        };
        let first_value = self.value(&first.type_ref, fill, depth + 1);
        if variants.len() == 1 {
            return first_value;
        }
        let matches_only = |index: usize, value: &Value| {
            variants.iter().enumerate().all(|(other, variant)| {
                (other == index) == self.matches(&variant.type_ref, value, 0)
            })
        };
        if matches_only(0, &first_value) {
            return first_value;
        }
        let fills: &[Fill] = match fill {
            Fill::Required => &[Fill::Required, Fill::Full],
            Fill::Full => &[Fill::Full],
        };
        for (index, variant) in variants.iter().enumerate().take(MAX_UNION_TRIES) {
            for &member_fill in fills {
                if index == 0 && member_fill == fill {
                    continue;
                }
                let value = self.value(&variant.type_ref, member_fill, depth + 1);
                if matches_only(index, &value) {
                    return value;
                }
            }
        }
        first_value
    }

    /// A member of a discriminated union with its discriminator value: the first in the
    /// mapping's order whose value matches no other member (Prism validates the `oneOf` without
    /// reading the discriminator), else the first. `None` when the mapping is empty.
    fn discriminated_value(
        &self,
        variants: &[UnionVariant],
        discriminator: &crate::ir::Discriminator,
        fill: Fill,
        depth: usize,
    ) -> Option<Value> {
        let with_discriminator = |wire_value: &str, index: usize, member_fill: Fill| {
            let mut member = variants
                .get(index)
                .map(|variant| self.value(&variant.type_ref, member_fill, depth + 1))
                .unwrap_or(Value::Null);
            // A member that is only its tag (a unit variant) is the tag alone.
            if member.is_null() {
                member = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(object) = &mut member {
                object.insert(discriminator.property_name.clone(), json!(wire_value));
            }
            member
        };
        let (first_wire_value, first_index) = discriminator.mapping.first()?;
        let first = with_discriminator(first_wire_value, *first_index, fill);
        let matches_only = |index: usize, value: &Value| {
            variants.iter().enumerate().all(|(other, variant)| {
                (other == index) == self.matches(&variant.type_ref, value, 0)
            })
        };
        // Members told apart by a one-value tag property (a serde-tagged enum whose members leave
        // the tag out) match one member by construction: the tag admits one value per member.
        if variants.len() == 1
            || !discriminator.members_carry_property
            || matches_only(*first_index, &first)
        {
            return Some(first);
        }
        let fills: &[Fill] = match fill {
            Fill::Required => &[Fill::Required, Fill::Full],
            Fill::Full => &[Fill::Full],
        };
        for (position, (wire_value, index)) in discriminator
            .mapping
            .iter()
            .enumerate()
            .take(MAX_UNION_TRIES)
        {
            for &member_fill in fills {
                if position == 0 && member_fill == fill {
                    continue;
                }
                let value = with_discriminator(wire_value, *index, member_fill);
                if matches_only(*index, &value) {
                    return Some(value);
                }
            }
        }
        Some(first)
    }

    fn named(&self, name: &str, fill: Fill, depth: usize) -> Value {
        let Some(definition) = self.types.get(name) else {
            return Value::Null;
        };
        if depth > REQUIRED_DEPTH {
            return match &definition.kind {
                TypeKind::Struct { .. } => json!({}),
                _ => Value::Null,
            };
        }
        match &definition.kind {
            TypeKind::Struct { fields, .. } => {
                let mut object = Map::new();
                for field in fields {
                    // The flattened map holds keys no property names: leaving it empty is valid.
                    if field.flatten {
                        continue;
                    }
                    let within_budget = self.take_field();
                    let optional_wanted =
                        fill == Fill::Full && depth < OPTIONAL_DEPTH && within_budget;
                    if !field.required && !optional_wanted {
                        continue;
                    }
                    // Past the budget, a required field's value is the shortest there is.
                    let field_depth = if within_budget {
                        depth + 1
                    } else {
                        REQUIRED_DEPTH + 1
                    };
                    object.insert(
                        field.wire_name.clone(),
                        self.field_value(field, fill, field_depth),
                    );
                }
                self.meet_required_alternatives(&mut object, definition, fill, depth);
                self.avoid_forbidden_combinations(&mut object, definition);
                Value::Object(object)
            }
            TypeKind::StringEnum { variants } => variants
                .first()
                .map_or(json!("conformance"), |variant| json!(variant.wire_value)),
            TypeKind::Union {
                variants,
                discriminator,
            } => {
                if let Some(discriminator) = discriminator {
                    if let Some(value) =
                        self.discriminated_value(variants, discriminator, fill, depth)
                    {
                        return value;
                    }
                }
                self.one_member_value(variants, fill, depth)
            }
            TypeKind::Alias { target } | TypeKind::Newtype { target } => {
                self.value(target, fill, depth + 1)
            }
        }
    }
}

/// The most members of a union tried for a value that matches only its member.
const MAX_UNION_TRIES: usize = 64;

/// The most items an array gets when its `minItems` does not ask for more.
const MAX_ARRAY_ITEMS: usize = 2;

/// The items of a document's sample within `bounds`: cut to `maxItems`, or grown to `minItems` by
/// repeating them where repeats are allowed. `None` when it cannot be made to fit.
fn within_bounds(items: &[Value], bounds: ArrayBounds) -> Option<Value> {
    let mut items = items.to_vec();
    if let Some(max_items) = bounds.max_items {
        items.truncate(max_items);
    }
    if bounds.unique_items {
        let mut seen = Vec::new();
        for item in &items {
            if !seen.contains(item) {
                seen.push(item.clone());
            }
        }
        items = seen;
    }
    if items.len() < bounds.min_items {
        if bounds.unique_items || items.is_empty() {
            return None;
        }
        let repeated: Vec<Value> = items
            .iter()
            .cycle()
            .take(bounds.min_items)
            .cloned()
            .collect();
        items = repeated;
    }
    Some(Value::Array(items))
}

/// A field's or parameter's type without its outer `Option`: when the value is given at all, it is
/// given as the inner type (`null` only where nothing else is possible).
fn strip_option(type_ref: &TypeRef) -> &TypeRef {
    match type_ref {
        TypeRef::Option(inner) => inner,
        other => other,
    }
}

/// The location's name as the spec writes it (`in: query`), as the parameter struct's serde names use it.
fn location_word(location: ParameterLocation) -> &'static str {
    match location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    }
}

#[cfg(test)]
mod tests;
