//! Lowers JSON schemas to named Rust types and type references.

use super::required_alternatives::{
    collect_required_alternatives, own_presence_rules, required_alternatives_of,
    required_alternatives_of_members,
};
use super::union_shapes;
use crate::error::{pointer_push, ErrorContext, GeneratorError};
use crate::ir::{
    ArrayBounds, Discriminator, Docs, EnumVariant, Field, TypeDefinition, TypeKind, TypeRef,
    UnionVariant,
};
use crate::naming::{pascal_case_name, sanitize_doc, snake_case_name, UniqueNames};
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

/// A schema position: a `$ref` or an inline schema, whichever box it came in.
#[derive(Clone, Copy)]
pub enum SchemaView<'a> {
    /// `$ref: '#/...'`.
    Reference(&'a str),
    /// An inline schema.
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaView<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaView::Reference(reference),
            ReferenceOr::Item(schema) => SchemaView::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaView<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaView::Reference(reference),
            ReferenceOr::Item(schema) => SchemaView::Inline(schema),
        }
    }
}

const COMPONENT_SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Component sections that hold something other than schemas, with what they hold.
const NON_SCHEMA_COMPONENTS: &[(&str, &str)] = &[
    ("#/components/responses/", "a response object"),
    ("#/components/parameters/", "a parameter object"),
    ("#/components/requestBodies/", "a request body object"),
    ("#/components/headers/", "a header object"),
    ("#/components/examples/", "an example object"),
    ("#/components/securitySchemes/", "a security scheme"),
    ("#/components/links/", "a link object"),
    ("#/components/callbacks/", "a callback object"),
];

/// Wire names whose string values are credentials, compared after lower-casing and dropping `_`/`-`.
const SECRET_NAME_SUFFIXES: &[&str] = &[
    "secret",
    "password",
    "token",
    "apikey",
    "privatekey",
    "passphrase",
    "clientassertion",
];

/// Does a field or parameter with this wire name hold a credential?
pub fn is_secret_name(wire_name: &str) -> bool {
    let normalized: String = wire_name
        .chars()
        .filter(|character| character.is_ascii_alphanumeric())
        .map(|character| character.to_ascii_lowercase())
        .collect();
    SECRET_NAME_SUFFIXES
        .iter()
        .any(|suffix| normalized.ends_with(suffix))
}

/// Collects named types while schemas are lowered.
pub struct SchemaLowering<'a> {
    context: &'a ErrorContext,
    components: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
    /// Component key to final Rust name.
    component_names: BTreeMap<String, String>,
    /// All type names handed out in this module.
    pub type_names: UniqueNames,
    /// Types defined so far, in definition order.
    pub types: Vec<TypeDefinition>,
    /// `--skip-invalid`: a component schema that cannot be lowered is skipped (and recorded) instead of failing.
    pub skip_invalid: bool,
    /// What was skipped, as the errors that would otherwise have been returned.
    pub skipped: Vec<GeneratorError>,
    /// The JSON pointer each named type was defined at, for skip reports.
    pub type_pointers: BTreeMap<String, String>,
    /// Names of the component types that were skipped.
    pub skipped_names: std::collections::BTreeSet<String>,
    /// One line per component schema or property whose Rust name had to change because another took it.
    pub renamed: Vec<String>,
}

/// Extra facts about the position a schema stands in.
#[derive(Clone, Copy)]
pub struct Position<'p> {
    /// JSON pointer of the schema.
    pub pointer: &'p str,
    /// Name for an inline type defined here (PascalCase).
    pub name_hint: &'p str,
    /// Wire name of the field or parameter, for secret detection.
    pub wire_name: Option<&'p str>,
}

/// How many unions deep `reference_is_nullable` looks for a nullable member; deeper nesting than
/// this cannot compile and is refused by the containment-depth check.
const NULLABLE_UNION_DEPTH: usize = 128;

impl<'a> SchemaLowering<'a> {
    /// Claims a Rust name for every component schema, in document order, before any is lowered.
    pub fn new(
        context: &'a ErrorContext,
        components: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
        type_names: UniqueNames,
    ) -> Self {
        let mut lowering = SchemaLowering {
            context,
            components,
            component_names: BTreeMap::new(),
            type_names,
            types: Vec::new(),
            skip_invalid: false,
            skipped: Vec::new(),
            type_pointers: BTreeMap::new(),
            skipped_names: std::collections::BTreeSet::new(),
            renamed: Vec::new(),
        };
        // Claimed in the order of the wanted name and then the schema key, never document order,
        // so adding or moving an unrelated schema renumbers nothing.
        let mut wanted_names: Vec<(String, &String)> = components
            .keys()
            .map(|key| (pascal_case_name(key, "Schema"), key))
            .collect();
        wanted_names.sort();
        let mut owners: BTreeMap<String, &String> = BTreeMap::new();
        for (wanted, key) in wanted_names {
            let name = lowering.type_names.claim(&wanted);
            if name != wanted {
                let owner = owners.get(&wanted).map_or_else(
                    || "a name the generated code uses itself".to_string(),
                    |owner| format!("the schema `{owner}`"),
                );
                lowering.renamed.push(format!(
                    "schema `{key}` is the type `{name}`: `{wanted}` is taken by {owner}"
                ));
            }
            owners.insert(name.clone(), key);
            lowering.component_names.insert(key.clone(), name);
        }
        lowering
    }

    /// Defines one named type per component schema.
    pub fn lower_components(&mut self) -> Result<(), GeneratorError> {
        for (key, schema) in self.components {
            let pointer = pointer_push("/components/schemas", key);
            let name = self.component_names.get(key).cloned().unwrap_or_default();
            let defined_before = self.types.len();
            if let Err(error) = self.lower_component(key, schema, &pointer, &name) {
                if !self.skip_invalid {
                    return Err(error);
                }
                // Drop whatever the failed schema defined; `skip::cascade` drops what refers to it.
                self.types.truncate(defined_before);
                self.skipped.push(error);
                self.skipped_names.insert(name.clone());
            }
        }
        Ok(())
    }

    fn lower_component(
        &mut self,
        key: &str,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
        name: &str,
    ) -> Result<(), GeneratorError> {
        let pointer = pointer.to_string();
        let name = name.to_string();
        match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.resolve_reference(&pointer, reference)?;
                if target == TypeRef::Named(name.clone()) {
                    return Err(self.context.invalid(
                        &pointer_push(&pointer, "$ref"),
                        "the schema is a `$ref` to itself",
                    ));
                }
                let docs = Docs {
                    text: format!("Alias of the schema `{key}`."),
                };
                self.type_pointers.insert(name.clone(), pointer.clone());
                self.types.push(TypeDefinition {
                    name,
                    docs,
                    kind: TypeKind::Alias { target },
                });
            }
            ReferenceOr::Item(schema) => {
                self.define_named(&name, schema, &pointer, key)?;
            }
        }
        Ok(())
    }

    fn resolve_reference(&self, pointer: &str, reference: &str) -> Result<TypeRef, GeneratorError> {
        let reference_pointer = pointer_push(pointer, "$ref");
        let Some(key) = reference.strip_prefix(COMPONENT_SCHEMA_PREFIX) else {
            if let Some(target) = self.context.reference_target("schema", reference) {
                return Err(self.context.invalid(
                    &reference_pointer,
                    format!("`$ref: {reference}` points to {target}, not to a schema: a schema `$ref` must name a schema"),
                ));
            }
            if let Some(kind) = NON_SCHEMA_COMPONENTS
                .iter()
                .find(|(prefix, _)| reference.starts_with(prefix))
                .map(|(_, kind)| kind)
            {
                return Err(self.context.invalid(
                    &reference_pointer,
                    format!("`$ref: {reference}` points to {kind}, not to a schema: a schema `$ref` must name a schema"),
                ));
            }
            if reference.starts_with('#') && !reference.starts_with("#/") && reference != "#" {
                return Err(self.context.unsupported(
                    &reference_pointer,
                    format!("`$ref: {reference}` names a plain-name fragment (a `$anchor`), which is not supported: refer to the schema by its JSON pointer (`#/components/schemas/...`)"),
                ));
            }
            // The loader has already hoisted every schema an in-document pointer reaches.
            if reference.starts_with('#') {
                return Err(self.context.invalid(
                    &reference_pointer,
                    format!("dangling `$ref: {reference}`: there is no schema at that JSON pointer in the document"),
                ));
            }
            return Err(self.context.unsupported(
                &reference_pointer,
                format!("`$ref: {reference}` is not supported: only references within the document are (bundle external files first)"),
            ));
        };
        if let Some(target) = self.context.reference_target("schema", reference) {
            return Err(self.context.invalid(
                &reference_pointer,
                format!("`$ref: {reference}` points to {target}, not to a schema: a schema `$ref` must name a schema"),
            ));
        }
        if key.contains('/') {
            // A pointer below a component: the loader hoists every one that reaches a schema.
            return Err(self.context.invalid(
                &reference_pointer,
                format!("dangling `$ref: {reference}`: there is no schema at that JSON pointer in the document"),
            ));
        }
        let key = key.replace("~1", "/").replace("~0", "~");
        match self.component_names.get(&key) {
            Some(name) => Ok(TypeRef::Named(name.clone())),
            None => Err(self.context.invalid(
                &reference_pointer,
                format!("unresolved `$ref: {reference}`: there is no schema `{key}` in #/components/schemas"),
            )),
        }
    }

    /// Whether a `$ref` reaches a component schema that admits `null` (see `union_admits_null`),
    /// directly or through aliases, so that a field of that type must accept `null`. A reference that
    /// does not resolve is not nullable here; resolving it reports the defect.
    fn reference_is_nullable(&self, reference: &str) -> bool {
        self.reference_admits_null(reference, &mut BTreeSet::new(), 0)
    }

    /// `reference_is_nullable`, visiting each component at most once: unions may refer to each
    /// other in cycles, and a walk without `visited` grows exponentially with their width. Unions
    /// nested deeper than `NULLABLE_UNION_DEPTH` are not followed (no stack overflow on a 10,000-long
    /// chain; such nesting is refused later anyway).
    fn reference_admits_null(
        &self,
        reference: &str,
        visited: &mut BTreeSet<String>,
        union_depth: usize,
    ) -> bool {
        if union_depth > NULLABLE_UNION_DEPTH {
            return false;
        }
        let mut current = reference;
        // A bounded walk: alias cycles are reported elsewhere.
        for _ in 0..32 {
            let Some(key) = current.strip_prefix(COMPONENT_SCHEMA_PREFIX) else {
                return false;
            };
            let key = key.replace("~1", "/").replace("~0", "~");
            if !visited.insert(key.clone()) {
                return false;
            }
            match self.components.get(&key) {
                Some(ReferenceOr::Item(schema)) => {
                    return schema.schema_data.nullable
                        || self.union_admits_null(schema, visited, union_depth)
                }
                Some(ReferenceOr::Reference { reference }) => current = reference,
                None => return false,
            }
        }
        false
    }

    /// Whether a `oneOf`/`anyOf` admits `null` through a member that is a `$ref` to a nullable
    /// schema (`oneOf: [$ref: NullableNote, {type: integer}]`), or an `allOf` whose members all are:
    /// `null` matches, so the union's place must accept it, though the type itself has no `null`.
    fn union_admits_null(
        &self,
        schema: &Schema,
        visited: &mut BTreeSet<String>,
        union_depth: usize,
    ) -> bool {
        let mut member_admits_null = |member: &ReferenceOr<Schema>| match member {
            ReferenceOr::Reference { reference } => {
                self.reference_admits_null(reference, visited, union_depth + 1)
            }
            ReferenceOr::Item(_) => false,
        };
        // An inline member with annotations only (`{description: ...}`) constrains nothing, so
        // `null` matches it too.
        let all_of_member_admits_null = |member: &ReferenceOr<Schema>| match member {
            ReferenceOr::Item(schema) => {
                schema.schema_data.nullable
                    || schema.schema_kind == SchemaKind::Any(openapiv3::AnySchema::default())
            }
            reference => member_admits_null(reference),
        };
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                members.iter().any(member_admits_null)
            }
            // `null` satisfies an `allOf` only when it matches every member; one of them is a
            // `$ref` (an inline nullable type is an `Option` already).
            SchemaKind::AllOf { all_of: members } => {
                members
                    .iter()
                    .any(|member| matches!(member, ReferenceOr::Reference { .. }))
                    && members.iter().all(all_of_member_admits_null)
            }
            _ => false,
        }
    }

    /// Whether a schema position admits `null` although the type lowered for it is not an `Option`:
    /// a `$ref` to a nullable component, or an inline union with such a member. (An inline
    /// `nullable: true` is already an `Option` from `type_ref`.)
    fn view_admits_null(&self, view: SchemaView<'_>) -> bool {
        match view {
            SchemaView::Reference(reference) => self.reference_is_nullable(reference),
            SchemaView::Inline(schema) => self.union_admits_null(schema, &mut BTreeSet::new(), 0),
        }
    }

    /// The sample value of a schema in place (see `samples`).
    pub fn sample_of(&self, view: SchemaView<'_>) -> Option<serde_json::Value> {
        self.sample_within(view, 0, &mut std::collections::HashSet::new())
    }

    /// `sample_of`, through `allOf` members (a `$ref` with siblings becomes `allOf: [$ref]`).
    ///
    /// Each `$ref` is searched at most once per sample: a search stops at the first sample it
    /// finds, so a reference seen before gave none (or is on the path, a cycle). Without that, a
    /// web of unions that name each other is searched along every path, exponentially.
    fn sample_within(
        &self,
        view: SchemaView<'_>,
        depth: usize,
        searched_references: &mut std::collections::HashSet<String>,
    ) -> Option<serde_json::Value> {
        if depth > 16 {
            return None;
        }
        let schema = match view {
            SchemaView::Inline(schema) => schema,
            SchemaView::Reference(reference) => {
                if !searched_references.insert(reference.to_string()) {
                    return None;
                }
                super::samples::component(self.components, reference)?
            }
        };
        super::samples::schema_sample(schema).or_else(|| match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of.iter().find_map(|member| {
                self.sample_within(SchemaView::from(member), depth + 1, searched_references)
            }),
            // A value of one member (`oneOf: [{format: uri}, {format: uuid}]`): the first with a sample.
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                members.iter().find_map(|member| {
                    self.sample_within(SchemaView::from(member), depth + 1, searched_references)
                })
            }
            // An array of items that have a sample (a `format: uri` string, say): one such item.
            SchemaKind::Type(openapiv3::Type::Array(array)) => {
                let item = self.sample_within(
                    SchemaView::from(array.items.as_ref()?),
                    depth + 1,
                    searched_references,
                )?;
                (!item.is_array()).then(|| serde_json::Value::Array(vec![item]))
            }
            _ => None,
        })
    }

    /// What an array schema in place asks of its item count and uniqueness (see `samples`), through
    /// `$ref`s and `allOf` members.
    pub fn array_bounds_of(&self, view: SchemaView<'_>) -> Option<ArrayBounds> {
        let mut current = view;
        for _ in 0..16 {
            let schema = match current {
                SchemaView::Inline(schema) => schema,
                SchemaView::Reference(reference) => {
                    super::samples::component(self.components, reference)?
                }
            };
            if let Some(bounds) = super::samples::array_bounds(schema) {
                return Some(bounds);
            }
            let all_of = match &schema.schema_kind {
                SchemaKind::AllOf { all_of } => all_of,
                SchemaKind::Any(any) => &any.all_of,
                _ => return None,
            };
            // The one member that is the array (`allOf: [$ref: List]` with a description beside it).
            current = SchemaView::from(all_of.first().filter(|_| all_of.len() == 1)?);
        }
        None
    }

    /// The component schema behind a `$ref`, for merging `allOf` members.
    fn component_schema(
        &self,
        pointer: &str,
        reference: &str,
    ) -> Result<(&'a Schema, String), GeneratorError> {
        let mut current = reference.to_string();
        // Follow alias chains; a bounded walk so a self-referencing alias reports instead of looping.
        for _ in 0..32 {
            self.resolve_reference(pointer, &current)?;
            let key = current
                .trim_start_matches(COMPONENT_SCHEMA_PREFIX)
                .replace("~1", "/")
                .replace("~0", "~");
            match self.components.get(&key) {
                Some(ReferenceOr::Item(schema)) => {
                    return Ok((schema, pointer_push("/components/schemas", &key)))
                }
                Some(ReferenceOr::Reference { reference }) => current = reference.clone(),
                None => break,
            }
        }
        Err(self.context.invalid(
            &pointer_push(pointer, "$ref"),
            format!("`$ref: {reference}` never reaches a schema"),
        ))
    }

    /// The type for a schema position; inline objects, enums and unions become named types.
    pub fn type_ref(
        &mut self,
        view: SchemaView<'_>,
        position: Position<'_>,
    ) -> Result<TypeRef, GeneratorError> {
        match view {
            SchemaView::Reference(reference) => self.resolve_reference(position.pointer, reference),
            SchemaView::Inline(schema) => {
                let base = self.inline_type_ref(schema, position)?;
                Ok(if schema.schema_data.nullable {
                    base.into_option()
                } else {
                    base
                })
            }
        }
    }

    /// The type of an element that sits inside a container (an array item, a map value): a `$ref` to a
    /// nullable component admits `null` there too, so the element becomes an `Option`, as an inline
    /// `nullable: true` element does.
    fn element_type_ref(
        &mut self,
        view: SchemaView<'_>,
        position: Position<'_>,
    ) -> Result<TypeRef, GeneratorError> {
        let admits_null = self.view_admits_null(view);
        let element = self.type_ref(view, position)?;
        Ok(if admits_null {
            element.into_option()
        } else {
            element
        })
    }

    fn inline_type_ref(
        &mut self,
        schema: &Schema,
        position: Position<'_>,
    ) -> Result<TypeRef, GeneratorError> {
        let pointer = position.pointer;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if string.enumeration.iter().any(Option::is_some) {
                    return self.define_inline(schema, position);
                }
                if is_base64_encoded(schema) {
                    return Ok(TypeRef::Base64Bytes);
                }
                Ok(string_type_ref(&string.format, position.wire_name))
            }
            SchemaKind::Type(Type::Number(number)) => Ok(TypeRef::Number {
                bits: if matches!(
                    number.format,
                    VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float)
                ) {
                    32
                } else {
                    64
                },
            }),
            SchemaKind::Type(Type::Integer(integer)) => Ok(integer_type_ref(
                &integer.format,
                integer.minimum.is_some_and(|minimum| minimum >= 0),
            )),
            SchemaKind::Type(Type::Boolean(_)) => Ok(TypeRef::Boolean),
            SchemaKind::Type(Type::Object(object)) => {
                if object.properties.is_empty() {
                    return self.map_type_ref(object.additional_properties.as_ref(), position);
                }
                self.define_inline(schema, position)
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(tuple) = self.tuple_type_ref(schema, position)? {
                    return Ok(tuple);
                }
                self.array_type_ref(array.items.as_ref(), position)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                let member = SchemaView::from(&all_of[0]);
                let member_pointer = pointer_push(&pointer_push(pointer, "allOf"), "0");
                self.type_ref(
                    member,
                    Position {
                        pointer: &member_pointer,
                        ..position
                    },
                )
            }
            SchemaKind::AllOf { all_of } => match self.all_of_plan(all_of, false) {
                AllOfPlan::Merge => self.define_inline(schema, position),
                plan => self.all_of_fallback(plan, all_of, position),
            },
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                self.define_inline(schema, position)
            }
            // `not` only narrows which values are valid; any JSON value is the faithful Rust type.
            SchemaKind::Not { .. } => Ok(TypeRef::Json),
            SchemaKind::Any(any) => self.any_schema_type_ref(schema, any, position),
        }
    }

    fn any_schema_type_ref(
        &mut self,
        schema: &Schema,
        any: &openapiv3::AnySchema,
        position: Position<'_>,
    ) -> Result<TypeRef, GeneratorError> {
        let pointer = position.pointer;
        if let Some(type_name) = &any.typ {
            match type_name.as_str() {
                "string" if any.enumeration.is_empty() && is_base64_encoded(schema) => {
                    return Ok(TypeRef::Base64Bytes);
                }
                "string" if any.enumeration.is_empty() => {
                    let format = match any.format.as_deref() {
                        Some("date-time") => VariantOrUnknownOrEmpty::Item(StringFormat::DateTime),
                        Some("date") => VariantOrUnknownOrEmpty::Item(StringFormat::Date),
                        Some("password") => VariantOrUnknownOrEmpty::Item(StringFormat::Password),
                        Some("binary") => VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                        Some(other) => VariantOrUnknownOrEmpty::Unknown(other.to_string()),
                        None => VariantOrUnknownOrEmpty::Empty,
                    };
                    return Ok(string_type_ref(&format, position.wire_name));
                }
                "integer" => {
                    let format = match any.format.as_deref() {
                        Some("int32") => VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32),
                        Some(other) => VariantOrUnknownOrEmpty::Unknown(other.to_string()),
                        None => VariantOrUnknownOrEmpty::Empty,
                    };
                    return Ok(integer_type_ref(&format, any.minimum.is_some_and(|minimum| minimum >= 0.0)));
                }
                "number" => return Ok(TypeRef::Number { bits: if any.format.as_deref() == Some("float") { 32 } else { 64 } }),
                "boolean" => return Ok(TypeRef::Boolean),
                "string" | "object" | "array" => {}
                unknown => {
                    return Err(self.context.unsupported(
                        &pointer_push(pointer, "type"),
                        format!("unknown schema type `{unknown}`; expected one of string, number, integer, boolean, object, array, null"),
                    ))
                }
            }
        }
        if !any.properties.is_empty()
            || !any.all_of.is_empty()
            || !any.one_of.is_empty()
            || !any.any_of.is_empty()
        {
            return self.define_inline(schema, position);
        }
        if any.enumeration.iter().any(serde_json::Value::is_string) {
            return self.define_inline(schema, position);
        }
        if let Some(tuple) = self.tuple_type_ref(schema, position)? {
            return Ok(tuple);
        }
        // `items` applies to arrays only: beside `type: object` it says nothing (DigitalOcean's
        // `bgp_auth_key` is an object with a stray `items`).
        if (any.items.is_some() && any.typ.is_none()) || any.typ.as_deref() == Some("array") {
            return self.array_type_ref(any.items.as_ref(), position);
        }
        if any.additional_properties.is_some() || any.typ.as_deref() == Some("object") {
            return self.map_type_ref(any.additional_properties.as_ref(), position);
        }
        Ok(TypeRef::Json)
    }

    /// An exact `prefixItems` (see `normalize`): a tuple of the items' types. Named items other than
    /// string enums are boxed, since a tuple holds them inline and a schema may contain itself
    /// through one.
    fn tuple_type_ref(
        &mut self,
        schema: &Schema,
        position: Position<'_>,
    ) -> Result<Option<TypeRef>, GeneratorError> {
        let Some(items) = schema
            .schema_data
            .extensions
            .get(crate::normalize::PREFIX_ITEMS_EXTENSION)
        else {
            return Ok(None);
        };
        let items_pointer = pointer_push(position.pointer, "prefixItems");
        let Some(items) = items.as_array() else {
            return Err(self
                .context
                .invalid(&items_pointer, "`prefixItems` must be an array of schemas"));
        };
        let mut types = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let item_pointer = pointer_push(&items_pointer, &index.to_string());
            let item_schema: ReferenceOr<Schema> =
                serde_json::from_value(item.clone()).map_err(|error| {
                    self.context
                        .invalid(&item_pointer, format!("not a valid schema here: {error}"))
                })?;
            let hint = format!("{}Item{index}", position.name_hint);
            // A `$ref` to a nullable component admits `null` in its slot (boxed first, then optional).
            let admits_null = self.view_admits_null(SchemaView::from(&item_schema));
            let item_type = self.type_ref(
                SchemaView::from(&item_schema),
                Position {
                    pointer: &item_pointer,
                    name_hint: &hint,
                    wire_name: None,
                },
            )?;
            let is_string_enum = |name: &str| {
                self.types.iter().any(|definition| {
                    definition.name == name
                        && matches!(definition.kind, TypeKind::StringEnum { .. })
                })
            };
            let item_type = match item_type {
                TypeRef::Named(ref name) if !is_string_enum(name) => {
                    TypeRef::Boxed(Box::new(item_type))
                }
                other => other,
            };
            types.push(if admits_null {
                item_type.into_option()
            } else {
                item_type
            });
        }
        Ok(Some(TypeRef::Tuple(types)))
    }

    fn array_type_ref(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        position: Position<'_>,
    ) -> Result<TypeRef, GeneratorError> {
        let Some(items) = items else {
            return Ok(TypeRef::Vec(Box::new(TypeRef::Json)));
        };
        let items_pointer = pointer_push(position.pointer, "items");
        let hint = format!("{}Item", position.name_hint);
        let item = self.element_type_ref(
            SchemaView::from(items),
            Position {
                pointer: &items_pointer,
                name_hint: &hint,
                wire_name: None,
            },
        )?;
        Ok(TypeRef::Vec(Box::new(item)))
    }

    fn map_type_ref(
        &mut self,
        additional: Option<&AdditionalProperties>,
        position: Position<'_>,
    ) -> Result<TypeRef, GeneratorError> {
        match additional {
            Some(AdditionalProperties::Schema(value_schema)) => {
                let value_pointer = pointer_push(position.pointer, "additionalProperties");
                let hint = format!("{}Value", position.name_hint);
                let value = self.element_type_ref(
                    SchemaView::from(value_schema.as_ref()),
                    Position {
                        pointer: &value_pointer,
                        name_hint: &hint,
                        wire_name: None,
                    },
                )?;
                Ok(TypeRef::Map(Box::new(value)))
            }
            _ => Ok(TypeRef::JsonObject),
        }
    }

    fn define_inline(
        &mut self,
        schema: &Schema,
        position: Position<'_>,
    ) -> Result<TypeRef, GeneratorError> {
        let name = self
            .type_names
            .claim(&pascal_case_name(position.name_hint, "Inline"));
        self.define_named(&name, schema, position.pointer, position.name_hint)?;
        Ok(TypeRef::Named(name))
    }

    /// Defines the named type `name` for `schema`; `spec_name` is used in fallback docs.
    fn define_named(
        &mut self,
        name: &str,
        schema: &Schema,
        pointer: &str,
        spec_name: &str,
    ) -> Result<(), GeneratorError> {
        self.type_pointers
            .insert(name.to_string(), pointer.to_string());
        let docs = schema_docs(schema, &format!("The `{spec_name}` schema."));
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string))
                if string.enumeration.iter().any(Option::is_some) =>
            {
                let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
                string_enum(&values)
            }
            SchemaKind::Any(any)
                if any.enumeration.iter().any(serde_json::Value::is_string)
                    && any.properties.is_empty() =>
            {
                let values: Vec<String> = any
                    .enumeration
                    .iter()
                    .filter_map(|value| value.as_str().map(str::to_string))
                    .collect();
                string_enum(&values)
            }
            // An object of only `additionalProperties: {schema}` is a map, not an empty struct.
            SchemaKind::Type(Type::Object(object))
                if !(object.properties.is_empty()
                    && matches!(
                        object.additional_properties,
                        Some(AdditionalProperties::Schema(_))
                    )) =>
            {
                let properties = object
                    .properties
                    .iter()
                    .map(|(key, value)| {
                        (
                            key.clone(),
                            SchemaView::from(value),
                            pointer_push(&pointer_push(pointer, "properties"), key),
                        )
                    })
                    .collect();
                let mut kind = self.struct_kind(name, properties, &object.required)?;
                mark_closed(&mut kind, object.additional_properties.as_ref());
                if let Some(AdditionalProperties::Schema(_)) = &object.additional_properties {
                    self.add_other_properties_field(
                        &mut kind,
                        name,
                        object.additional_properties.as_ref(),
                        pointer,
                    )?;
                }
                kind
            }
            SchemaKind::AllOf { all_of } => match self.all_of_plan(all_of, false) {
                AllOfPlan::Merge => self.all_of_kind(name, all_of, pointer)?,
                plan => TypeKind::Alias {
                    target: self.all_of_fallback(
                        plan,
                        all_of,
                        Position {
                            pointer,
                            name_hint: &format!("{name}Inner"),
                            wire_name: None,
                        },
                    )?,
                },
            },
            SchemaKind::OneOf { one_of } => self.union_kind(
                name,
                one_of,
                schema.schema_data.discriminator.as_ref(),
                &pointer_push(pointer, "oneOf"),
            )?,
            SchemaKind::AnyOf { any_of } => self.union_kind(
                name,
                any_of,
                schema.schema_data.discriminator.as_ref(),
                &pointer_push(pointer, "anyOf"),
            )?,
            SchemaKind::Any(any)
                if !any.all_of.is_empty()
                    && self.all_of_plan(&any.all_of, !any.properties.is_empty())
                        != AllOfPlan::Merge =>
            {
                let plan = self.all_of_plan(&any.all_of, !any.properties.is_empty());
                TypeKind::Alias {
                    target: self.all_of_fallback(
                        plan,
                        &any.all_of,
                        Position {
                            pointer,
                            name_hint: &format!("{name}Inner"),
                            wire_name: None,
                        },
                    )?,
                }
            }
            // Properties with a `oneOf`/`anyOf` beside them whose members bring fields of their own
            // (Okta's `OAuth2ClientJsonSigningKeyRequest`: `kty`, `n`, `e` live in the members): a
            // struct of the properties alone would drop those fields. As for an `allOf` of an object
            // and a union, no Rust struct says both; keep the JSON.
            SchemaKind::Any(any)
                if (!any.all_of.is_empty() || !any.properties.is_empty())
                    && self.union_beside_properties_adds_fields(any, pointer) =>
            {
                TypeKind::Alias {
                    target: TypeRef::Json,
                }
            }
            SchemaKind::Any(any) if !any.all_of.is_empty() || !any.properties.is_empty() => {
                let mut properties: Vec<(String, SchemaView<'_>, String)> = any
                    .properties
                    .iter()
                    .map(|(key, value)| {
                        (
                            key.clone(),
                            SchemaView::from(value),
                            pointer_push(&pointer_push(pointer, "properties"), key),
                        )
                    })
                    .collect();
                let mut required = any.required.clone();
                for (index, member) in any.all_of.iter().enumerate() {
                    let member_pointer =
                        pointer_push(&pointer_push(pointer, "allOf"), &index.to_string());
                    self.collect_object_members(
                        SchemaView::from(member),
                        &member_pointer,
                        &mut properties,
                        &mut required,
                        0,
                    )?;
                }
                let mut kind = self.struct_kind(name, properties, &required)?;
                mark_closed(&mut kind, any.additional_properties.as_ref());
                let (own_rules, forbidden) = own_presence_rules(any);
                self.with_required_alternatives(kind, &any.all_of, own_rules, forbidden)
            }
            SchemaKind::Any(any) if !any.one_of.is_empty() => self.union_kind(
                name,
                &any.one_of,
                schema.schema_data.discriminator.as_ref(),
                &pointer_push(pointer, "oneOf"),
            )?,
            SchemaKind::Any(any) if !any.any_of.is_empty() => self.union_kind(
                name,
                &any.any_of,
                schema.schema_data.discriminator.as_ref(),
                &pointer_push(pointer, "anyOf"),
            )?,
            _ => {
                let target = self.inline_type_ref(
                    schema,
                    Position {
                        pointer,
                        name_hint: &format!("{name}Inner"),
                        wire_name: None,
                    },
                )?;
                TypeKind::Alias { target }
            }
        };
        self.types.push(TypeDefinition {
            name: name.to_string(),
            docs,
            kind,
        });
        Ok(())
    }

    /// `additionalProperties: {schema}` (or `patternProperties`) beside `properties`: the other
    /// keys go to a flattened map field, so their entries are decoded and sent, not dropped.
    fn add_other_properties_field(
        &mut self,
        kind: &mut TypeKind,
        struct_name: &str,
        additional: Option<&AdditionalProperties>,
        pointer: &str,
    ) -> Result<(), GeneratorError> {
        let type_ref = self.map_type_ref(
            additional,
            Position {
                pointer,
                name_hint: struct_name,
                wire_name: None,
            },
        )?;
        let TypeKind::Struct { fields, .. } = kind else {
            return Ok(());
        };
        let mut names = UniqueNames::new();
        for field in fields.iter() {
            names.claim(&field.rust_name);
        }
        let wanted = "additional_properties";
        let rust_name = names.claim(wanted);
        if rust_name != wanted {
            self.renamed.push(format!(
                "the other properties of `{struct_name}` are the field `{rust_name}`: `{wanted}` is taken by a property"
            ));
        }
        fields.push(Field {
            rust_name,
            wire_name: "additionalProperties".to_string(),
            type_ref,
            required: true,
            docs: Docs {
                text: "The other properties, by name (`additionalProperties`/`patternProperties`)."
                    .to_string(),
            },
            flatten: true,
            sample: None,
            array_bounds: None,
        });
        Ok(())
    }

    fn struct_kind(
        &mut self,
        struct_name: &str,
        properties: Vec<(String, SchemaView<'_>, String)>,
        required: &[String],
    ) -> Result<TypeKind, GeneratorError> {
        let mut field_names = UniqueNames::new();
        let mut fields = Vec::new();
        // JSON Schema lets `required` name a key no schema declares; a struct has no field to give
        // it, so it is left out, and said so (never silently).
        let undeclared_required: std::collections::BTreeSet<&String> = required
            .iter()
            .filter(|name| {
                !properties
                    .iter()
                    .any(|(wire_name, _, _)| wire_name == *name)
            })
            .collect();
        for undeclared in undeclared_required {
            self.renamed.push(format!(
                "`{struct_name}` requires `{undeclared}`, which none of its schemas declares: it has no field for it"
            ));
        }
        for (wire_name, view, property_pointer) in properties {
            let wanted = snake_case_name(&wire_name, "field");
            let rust_name = field_names.claim(&wanted);
            if rust_name != wanted {
                self.renamed.push(format!(
                    "property `{wire_name}` of `{struct_name}` is the field `{rust_name}`: `{wanted}` is taken by an earlier property"
                ));
            }
            let hint = format!("{struct_name}{}", pascal_case_name(&wire_name, "Field"));
            let is_required = required.contains(&wire_name);
            let type_ref = self.type_ref(
                view,
                Position {
                    pointer: &property_pointer,
                    name_hint: &hint,
                    wire_name: Some(&wire_name),
                },
            )?;
            // A `$ref` to a nullable component (or a union with one) admits `null` even where the
            // property is required.
            let admits_null = self.view_admits_null(view);
            let type_ref = if is_required && !admits_null {
                type_ref
            } else {
                type_ref.into_option()
            };
            let docs = match view {
                SchemaView::Inline(schema) => {
                    schema_docs(schema, &format!("The `{wire_name}` field."))
                }
                SchemaView::Reference(_) => Docs {
                    text: format!("The `{wire_name}` field."),
                },
            };
            let sample = self.sample_of(view);
            let array_bounds = self.array_bounds_of(view);
            fields.push(Field {
                rust_name,
                wire_name,
                type_ref,
                required: is_required,
                docs,
                flatten: false,
                sample,
                array_bounds,
            });
        }
        Ok(TypeKind::Struct {
            fields,
            derives_default: false,
            required_alternatives: Vec::new(),
            forbidden_combinations: Vec::new(),
            denies_other_properties: false,
        })
    }

    /// What a member of an `allOf` contributes: object properties, only annotations, or another shape.
    fn member_shape(&self, view: SchemaView<'_>, depth: usize) -> MemberShape {
        if depth > 32 {
            // Deeper than any real document: let the merge report the cycle.
            return MemberShape::Object;
        }
        let schema = match view {
            SchemaView::Reference(reference) => match self.component_schema("", reference) {
                Ok((schema, _)) => schema,
                // A dangling reference is reported by the merge, with its pointer.
                Err(_) => return MemberShape::Object,
            },
            SchemaView::Inline(schema) => schema,
        };
        // "At least one of" these properties: a rule on the merged object, not a shape.
        if required_alternatives_of(schema).is_some() {
            return MemberShape::Annotation;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(_)) => MemberShape::Object,
            SchemaKind::AllOf { all_of } => {
                self.combined_shape(all_of, MemberShape::Annotation, depth)
            }
            SchemaKind::Any(any) => {
                if !any.one_of.is_empty()
                    || !any.any_of.is_empty()
                    || !any.enumeration.is_empty()
                    || any.not.is_some()
                {
                    return MemberShape::Other;
                }
                let own = if !any.properties.is_empty()
                    || any.typ.as_deref() == Some("object")
                    || any.additional_properties.is_some()
                {
                    MemberShape::Object
                } else if any.typ.is_some() || any.items.is_some() {
                    MemberShape::Other
                } else {
                    MemberShape::Annotation
                };
                self.combined_shape(&any.all_of, own, depth)
            }
            _ => MemberShape::Other,
        }
    }

    fn combined_shape(
        &self,
        members: &[ReferenceOr<Schema>],
        own: MemberShape,
        depth: usize,
    ) -> MemberShape {
        let mut shapes = vec![own];
        shapes.extend(
            members
                .iter()
                .map(|member| self.member_shape(SchemaView::from(member), depth + 1)),
        );
        let has_object = shapes.contains(&MemberShape::Object);
        let has_other =
            shapes.contains(&MemberShape::Other) || shapes.contains(&MemberShape::Mixed);
        match (has_object, has_other) {
            (true, true) => MemberShape::Mixed,
            (true, false) => MemberShape::Object,
            (false, true) => MemberShape::Other,
            (false, false) => MemberShape::Annotation,
        }
    }

    /// How to type an `allOf`: merge object members into one struct, take the one member that
    /// carries the shape (`allOf: [$ref: SomeEnum, {description: ...}]`), or keep JSON when object
    /// and non-object shapes are mixed.
    fn all_of_plan(&self, members: &[ReferenceOr<Schema>], has_own_properties: bool) -> AllOfPlan {
        let shapes: Vec<MemberShape> = members
            .iter()
            .map(|member| self.member_shape(SchemaView::from(member), 0))
            .collect();
        let has_object = has_own_properties || shapes.contains(&MemberShape::Object);
        let has_other = shapes
            .iter()
            .any(|shape| matches!(shape, MemberShape::Other | MemberShape::Mixed));
        if !has_other {
            return AllOfPlan::Merge;
        }
        if has_object || shapes.contains(&MemberShape::Mixed) {
            return AllOfPlan::Json;
        }
        let chosen = members
            .iter()
            .zip(&shapes)
            .position(|(member, shape)| {
                *shape == MemberShape::Other && matches!(member, ReferenceOr::Reference { .. })
            })
            .or_else(|| shapes.iter().position(|shape| *shape == MemberShape::Other))
            .unwrap_or(0);
        AllOfPlan::Member(chosen)
    }

    fn all_of_fallback(
        &mut self,
        plan: AllOfPlan,
        members: &[ReferenceOr<Schema>],
        position: Position<'_>,
    ) -> Result<TypeRef, GeneratorError> {
        match plan {
            AllOfPlan::Member(index) => match members.get(index) {
                Some(member) => {
                    let member_pointer =
                        pointer_push(&pointer_push(position.pointer, "allOf"), &index.to_string());
                    self.type_ref(
                        SchemaView::from(member),
                        Position {
                            pointer: &member_pointer,
                            ..position
                        },
                    )
                }
                None => Ok(TypeRef::Json),
            },
            // An object combined with a union or a scalar: no Rust struct says both; keep the JSON.
            AllOfPlan::Json | AllOfPlan::Merge => Ok(TypeRef::Json),
        }
    }

    /// Whether a member of the `oneOf`/`anyOf` beside an object's own properties (and `allOf`)
    /// declares a property the object does not, or is no object at all. Members that only say
    /// which properties are required are presence rules (`required_alternatives`), not fields.
    fn union_beside_properties_adds_fields(
        &self,
        any: &openapiv3::AnySchema,
        pointer: &str,
    ) -> bool {
        if any.one_of.is_empty() && any.any_of.is_empty() {
            return false;
        }
        let mut declared: BTreeSet<&str> = any.properties.keys().map(String::as_str).collect();
        let mut inherited = Vec::new();
        let mut ignored_required = Vec::new();
        for (index, member) in any.all_of.iter().enumerate() {
            let member_pointer = pointer_push(&pointer_push(pointer, "allOf"), &index.to_string());
            if self
                .collect_object_members(
                    SchemaView::from(member),
                    &member_pointer,
                    &mut inherited,
                    &mut ignored_required,
                    0,
                )
                .is_err()
            {
                // The merge reports it, with its pointer.
                return false;
            }
        }
        declared.extend(inherited.iter().map(|(key, _, _)| key.as_str()));
        for (keyword, members) in [("oneOf", &any.one_of), ("anyOf", &any.any_of)] {
            if required_alternatives_of_members(members) {
                continue;
            }
            for (index, member) in members.iter().enumerate() {
                let member_pointer =
                    pointer_push(&pointer_push(pointer, keyword), &index.to_string());
                let mut fields = Vec::new();
                let member_is_object = self
                    .collect_object_members(
                        SchemaView::from(member),
                        &member_pointer,
                        &mut fields,
                        &mut ignored_required,
                        0,
                    )
                    .is_ok();
                if !member_is_object
                    || fields
                        .iter()
                        .any(|(key, _, _)| !declared.contains(key.as_str()))
                {
                    return true;
                }
            }
        }
        false
    }

    fn all_of_kind(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        pointer: &str,
    ) -> Result<TypeKind, GeneratorError> {
        let mut properties = Vec::new();
        let mut required = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let member_pointer = pointer_push(&pointer_push(pointer, "allOf"), &index.to_string());
            self.collect_object_members(
                SchemaView::from(member),
                &member_pointer,
                &mut properties,
                &mut required,
                0,
            )?;
        }
        let kind = self.struct_kind(name, properties, &required)?;
        Ok(self.with_required_alternatives(kind, members, Vec::new(), Vec::new()))
    }

    /// `kind` with the "at least one of" rules of `members` and the schema's `own_rules`, and
    /// the schema's `forbidden` combinations (see `required_alternatives`).
    fn with_required_alternatives(
        &self,
        mut kind: TypeKind,
        members: &[ReferenceOr<Schema>],
        own_rules: Vec<Vec<Vec<String>>>,
        forbidden: Vec<Vec<String>>,
    ) -> TypeKind {
        let mut rules = own_rules;
        collect_required_alternatives(
            members,
            &|reference| super::samples::component(self.components, reference),
            0,
            &mut rules,
        );
        if let TypeKind::Struct {
            required_alternatives,
            forbidden_combinations,
            ..
        } = &mut kind
        {
            *forbidden_combinations = forbidden;
            // Several rules must all hold: a value meets them when it has one list of each, so
            // the lists kept are the unions of one list per rule (the first 64 of them).
            let mut combined: Vec<Vec<String>> = vec![Vec::new()];
            for rule in rules {
                combined = combined
                    .iter()
                    .flat_map(|so_far| {
                        rule.iter().map(move |list| {
                            let mut joined = so_far.clone();
                            joined.extend(list.iter().filter(|key| !so_far.contains(key)).cloned());
                            joined
                        })
                    })
                    .take(64)
                    .collect();
            }
            if combined != [Vec::<String>::new()] {
                *required_alternatives = combined;
            }
        }
        kind
    }

    /// Gathers the properties of an `allOf` member (following refs and nested `allOf`), later members overriding earlier ones.
    fn collect_object_members<'s>(
        &self,
        view: SchemaView<'s>,
        pointer: &str,
        properties: &mut Vec<(String, SchemaView<'s>, String)>,
        required: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), GeneratorError>
    where
        'a: 's,
    {
        if depth > 32 {
            return Err(self.context.unsupported(
                pointer,
                "`allOf` nesting deeper than 32 levels (a cycle through allOf?)",
            ));
        }
        let (schema, schema_pointer): (&'s Schema, String) = match view {
            SchemaView::Reference(reference) => {
                let (schema, target_pointer) = self.component_schema(pointer, reference)?;
                (schema, target_pointer)
            }
            SchemaView::Inline(schema) => (schema, pointer.to_string()),
        };
        let mut add = |key: &String, value: SchemaView<'s>, base: &str| {
            let property_pointer = pointer_push(&pointer_push(base, "properties"), key);
            if let Some(existing) = properties
                .iter_mut()
                .find(|(existing_key, _, _)| existing_key == key)
            {
                *existing = (key.clone(), value, property_pointer);
            } else {
                properties.push((key.clone(), value, property_pointer));
            }
        };
        if required_alternatives_of(schema).is_some() {
            // Read by `required_alternatives_in`; it names no property of its own.
            return Ok(());
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                for (key, value) in &object.properties {
                    add(key, SchemaView::from(value), &schema_pointer);
                }
                required.extend(object.required.iter().cloned());
            }
            SchemaKind::AllOf { all_of } => {
                for (index, member) in all_of.iter().enumerate() {
                    let member_pointer =
                        pointer_push(&pointer_push(&schema_pointer, "allOf"), &index.to_string());
                    self.collect_object_members(
                        SchemaView::from(member),
                        &member_pointer,
                        properties,
                        required,
                        depth + 1,
                    )?;
                }
            }
            SchemaKind::Any(any)
                if any.one_of.is_empty() && any.any_of.is_empty() && any.enumeration.is_empty() =>
            {
                for (key, value) in &any.properties {
                    add(key, SchemaView::from(value), &schema_pointer);
                }
                required.extend(any.required.iter().cloned());
                for (index, member) in any.all_of.iter().enumerate() {
                    let member_pointer =
                        pointer_push(&pointer_push(&schema_pointer, "allOf"), &index.to_string());
                    self.collect_object_members(
                        SchemaView::from(member),
                        &member_pointer,
                        properties,
                        required,
                        depth + 1,
                    )?;
                }
            }
            _ => {
                return Err(self.context.unsupported(
                    pointer,
                    "an `allOf` member that is not an object schema cannot be merged into a struct",
                ))
            }
        }
        Ok(())
    }

    fn union_kind(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
        pointer: &str,
    ) -> Result<TypeKind, GeneratorError> {
        if discriminator.is_none() {
            if let Some(values) = union_shapes::merged_string_enum_values(members) {
                return Ok(string_enum(&values));
            }
            if let Some(tag) = union_shapes::implicit_tag(members) {
                return self.implicitly_tagged_union_kind(name, members, tag, pointer);
            }
        }
        let mut variant_names = UniqueNames::new();
        let mut variants = Vec::new();
        let mut reference_keys = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let member_pointer = pointer_push(pointer, &index.to_string());
            let view = SchemaView::from(member);
            let (wanted, reference_key) = match view {
                SchemaView::Reference(reference) => {
                    let key = reference
                        .trim_start_matches(COMPONENT_SCHEMA_PREFIX)
                        .to_string();
                    (pascal_case_name(&key, "Variant"), Some(key))
                }
                SchemaView::Inline(schema) => (inline_variant_name(schema, index), None),
            };
            let rust_name = variant_names.claim(&wanted);
            let hint = format!("{name}{rust_name}");
            let type_ref = self.type_ref(
                view,
                Position {
                    pointer: &member_pointer,
                    name_hint: &hint,
                    wire_name: None,
                },
            )?;
            reference_keys.push(reference_key);
            variants.push(UnionVariant {
                rust_name,
                type_ref,
            });
        }
        let discriminator = match discriminator {
            None => None,
            Some(discriminator) => {
                let mut mapping: Vec<(String, usize)> = Vec::new();
                for (wire_value, target) in &discriminator.mapping {
                    let target_key = target.trim_start_matches(COMPONENT_SCHEMA_PREFIX);
                    let Some(index) = reference_keys
                        .iter()
                        .position(|key| key.as_deref() == Some(target_key))
                    else {
                        return Err(self.context.invalid(
                            &pointer_push(&pointer_push(pointer.rsplit_once('/').map_or(pointer, |(parent, _)| parent), "discriminator"), "mapping"),
                            format!("discriminator mapping `{wire_value}: {target}` names no member of the union"),
                        ));
                    };
                    mapping.push((wire_value.clone(), index));
                }
                let explicitly_mapped: Vec<usize> =
                    mapping.iter().map(|(_, index)| *index).collect();
                let add = |mapping: &mut Vec<(String, usize)>, wire_value: &str, index: usize| {
                    if !mapping.iter().any(|(mapped, _)| mapped == wire_value) {
                        mapping.push((wire_value.to_string(), index));
                    }
                };
                // Every value a member's own tag property allows names it too: a server that
                // follows the member's schema sends those, whatever the mapping says.
                let member_values: Vec<Option<Vec<String>>> = members
                    .iter()
                    .map(|member| {
                        super::discriminator_values::member_tag_values(
                            self.components,
                            member,
                            &discriminator.property_name,
                        )
                    })
                    .collect();
                for (index, values) in member_values.iter().enumerate() {
                    for value in values.iter().flatten() {
                        add(&mut mapping, value, index);
                    }
                }
                // The implicit mapping by schema name, for a member the mapping does not name,
                // unless the member's tag allows other values only.
                for (index, key) in reference_keys.iter().enumerate() {
                    if let Some(key) = key {
                        let name_allowed = member_values[index]
                            .as_ref()
                            .map_or(true, |values| values.contains(key));
                        let has_value = mapping.iter().any(|(_, mapped)| *mapped == index);
                        if !explicitly_mapped.contains(&index) && (name_allowed || !has_value) {
                            add(&mut mapping, key, index);
                        }
                    }
                }
                Some(Discriminator {
                    property_name: discriminator.property_name.clone(),
                    mapping,
                    members_carry_property: true,
                })
            }
        };
        Ok(TypeKind::Union {
            variants,
            discriminator,
        })
    }
}

impl SchemaLowering<'_> {
    /// A union whose inline object members are told apart by `tag`: each member's type leaves the
    /// tag property out (the enum carries it), and a member with nothing else is a unit variant.
    fn implicitly_tagged_union_kind(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        tag: union_shapes::ImplicitTag,
        pointer: &str,
    ) -> Result<TypeKind, GeneratorError> {
        let mut variant_names = UniqueNames::new();
        let mut variants = Vec::new();
        let mut mapping = Vec::new();
        for (index, (member, value)) in members.iter().zip(&tag.values).enumerate() {
            let ReferenceOr::Item(member) = member else {
                continue;
            };
            let member_pointer = pointer_push(pointer, &index.to_string());
            let wanted = match &member.schema_data.title {
                Some(title) => pascal_case_name(title, "Variant"),
                None => pascal_case_name(value, "Variant"),
            };
            let rust_name = variant_names.claim(&wanted);
            let own_fields = union_shapes::without_tag(member, &tag.property);
            let type_ref = if union_shapes::is_tag_only(&own_fields) {
                TypeRef::Unit
            } else {
                let hint = format!("{name}{rust_name}");
                self.type_ref(
                    SchemaView::Inline(&own_fields),
                    Position {
                        pointer: &member_pointer,
                        name_hint: &hint,
                        wire_name: None,
                    },
                )?
            };
            mapping.push((value.clone(), variants.len()));
            variants.push(UnionVariant {
                rust_name,
                type_ref,
            });
        }
        Ok(TypeKind::Union {
            variants,
            discriminator: Some(Discriminator {
                property_name: tag.property,
                mapping,
                members_carry_property: false,
            }),
        })
    }
}

/// See [`SchemaLowering::member_shape`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MemberShape {
    /// Contributes properties.
    Object,
    /// Only annotations (description, readOnly, ...).
    Annotation,
    /// A scalar, array, enum or union.
    Other,
    /// Both of the above, nested.
    Mixed,
}

/// See [`SchemaLowering::all_of_plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AllOfPlan {
    Merge,
    Member(usize),
    Json,
}

fn inline_variant_name(schema: &Schema, index: usize) -> String {
    if let Some(title) = &schema.schema_data.title {
        return pascal_case_name(title, "Variant");
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String".to_string(),
        SchemaKind::Type(Type::Integer(_)) => "Integer".to_string(),
        SchemaKind::Type(Type::Number(_)) => "Number".to_string(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".to_string(),
        SchemaKind::Type(Type::Array(_)) => "Array".to_string(),
        SchemaKind::Type(Type::Object(_)) => "Object".to_string(),
        _ => format!("Variant{index}"),
    }
}

fn string_enum(values: &[String]) -> TypeKind {
    let mut variant_names = UniqueNames::new();
    // The fallback variant for values newer than the spec.
    variant_names.reserve("Other");
    let mut variants: Vec<EnumVariant> = Vec::new();
    for value in values {
        if variants.iter().any(|variant| &variant.wire_value == value) {
            continue;
        }
        let rust_name = variant_names.claim(&pascal_case_name(value, "Value"));
        variants.push(EnumVariant {
            rust_name,
            wire_value: value.clone(),
        });
    }
    TypeKind::StringEnum { variants }
}

/// `contentEncoding: base64` (see `normalize`): the string carries bytes.
fn is_base64_encoded(schema: &Schema) -> bool {
    schema
        .schema_data
        .extensions
        .get(crate::normalize::CONTENT_ENCODING_EXTENSION)
        .and_then(serde_json::Value::as_str)
        .is_some_and(|encoding| encoding.eq_ignore_ascii_case("base64"))
}

fn string_type_ref(
    format: &VariantOrUnknownOrEmpty<StringFormat>,
    wire_name: Option<&str>,
) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => TypeRef::Secret,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Bytes,
        _ if wire_name.is_some_and(is_secret_name) => TypeRef::Secret,
        _ => TypeRef::String,
    }
}

fn integer_type_ref(
    format: &VariantOrUnknownOrEmpty<openapiv3::IntegerFormat>,
    non_negative: bool,
) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::Integer {
            bits: 32,
            unsigned: false,
        },
        VariantOrUnknownOrEmpty::Unknown(unknown)
            if unknown == "uint64" || (unknown == "uint32" && non_negative) =>
        {
            TypeRef::Integer {
                bits: 64,
                unsigned: true,
            }
        }
        VariantOrUnknownOrEmpty::Unknown(unknown)
            if unknown == "int32" || unknown == "int16" || unknown == "int8" =>
        {
            TypeRef::Integer {
                bits: 32,
                unsigned: false,
            }
        }
        _ => TypeRef::Integer {
            bits: 64,
            unsigned: false,
        },
    }
}

/// Rustdoc from a schema's description, else its title, else `fallback`.
pub fn schema_docs(schema: &Schema, fallback: &str) -> Docs {
    let data = &schema.schema_data;
    let mut text = data
        .description
        .as_deref()
        .or(data.title.as_deref())
        .map(sanitize_doc)
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| fallback.to_string());
    if let Some(default) = &data.default {
        text.push_str(&format!("\n\nDefault: `{default}`."));
    }
    Docs { text }
}

/// Marks a struct whose schema says `additionalProperties: false` (see
/// `TypeKind::Struct::denies_other_properties`).
fn mark_closed(kind: &mut TypeKind, additional: Option<&AdditionalProperties>) {
    if let (
        TypeKind::Struct {
            denies_other_properties,
            ..
        },
        Some(AdditionalProperties::Any(false)),
    ) = (kind, additional)
    {
        *denies_other_properties = true;
    }
}
