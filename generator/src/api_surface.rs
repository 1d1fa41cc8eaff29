//! The public API surface of a generated module, as plain data derived from the IR: what downstream
//! code can name (operations, their parameters, types, fields and variants) and how it can use it.
//!
//! A serialization of it is checked in beside the generated crate (`api/<module>.toml`); comparing
//! it with the next one classifies each change as breaking or additive (`changes`), and `release`
//! turns that into a changelog entry and a semver step.

pub mod changes;
pub mod release;

use crate::ir::{ApiModule, Operation, OperationKind, SecuritySchemeKind, TypeKind, TypeRef};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The folder of the generated crate that holds one surface file per module.
pub const SURFACE_DIRECTORY: &str = "api";

/// The path of a module's surface file in the generated crate.
pub fn surface_file_path(module: &str) -> String {
    format!("{SURFACE_DIRECTORY}/{module}.toml")
}

/// Everything of one module that downstream code can depend on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ApiSurface {
    /// The module (and Cargo feature).
    pub module: String,
    /// Client methods by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub operations: BTreeMap<String, OperationSurface>,
    /// Public types by the path downstream code names them with (`types::TokenRequest`,
    /// `CreateTokenError`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub types: BTreeMap<String, TypeSurface>,
    /// The `Client` methods that set credentials (`with_bearer_auth`), with what they take.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub credentials: BTreeMap<String, String>,
    /// The `Client` methods that replace a path's or operation's server (`with_*_server`), with
    /// the server URL the spec declares.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub servers: BTreeMap<String, String>,
}

/// A client method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationSurface {
    /// The method's signature as downstream code calls it.
    pub signature: String,
    /// The fields of its parameter struct, by Rust name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, MemberSurface>,
    /// The parameter struct it is the same type as (an alias), when another operation's
    /// parameters are identical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters_same_as: Option<String>,
}

/// A field or parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSurface {
    /// Its Rust type.
    #[serde(rename = "type")]
    pub type_text: String,
    /// Whether the constructor (`new`) takes it: adding such a member changes `new`'s signature.
    pub required: bool,
}

/// A public type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeSurface {
    /// `struct`, `string enum`, `union`, `alias`, `newtype`, `error enum` or `success enum`.
    pub kind: String,
    /// What an alias or newtype stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Struct fields by Rust name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, MemberSurface>,
    /// Enum variants by Rust name: the wire value of a string enum's, the payload type of others
    /// (empty for a unit variant).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variants: BTreeMap<String, String>,
}

impl ApiSurface {
    /// The surface of a lowered module.
    pub fn from_module(api: &ApiModule) -> ApiSurface {
        let mut surface = ApiSurface {
            module: api.module_name.clone(),
            ..ApiSurface::default()
        };
        for scheme in &api.security_schemes {
            let [setter, tokens_setter] = crate::naming::scheme_method_names(&scheme.rust_name);
            let takes = match &scheme.kind {
                SecuritySchemeKind::Basic { .. } => "username and password",
                SecuritySchemeKind::Bearer => "bearer token",
                SecuritySchemeKind::ApiKey { .. } => "API key",
            };
            surface.credentials.insert(setter, takes.to_string());
            if scheme.kind == SecuritySchemeKind::Bearer {
                surface
                    .credentials
                    .insert(tokens_setter, "bearer token source".to_string());
            }
        }
        for server in &api.servers {
            surface
                .servers
                .insert(server.override_method.clone(), server.declared_url.clone());
        }
        for definition in &api.types {
            surface.types.insert(
                format!("types::{}", definition.name),
                type_surface(&definition.kind),
            );
        }
        for operation in &api.operations {
            surface
                .operations
                .insert(operation.method_name.clone(), operation_surface(operation));
            if operation.kind != OperationKind::UrlBuilder {
                let variants = operation
                    .errors
                    .iter()
                    .map(|case| {
                        let payload = match &case.type_ref {
                            TypeRef::Unit => "RawBody".to_string(),
                            other => type_text(other, false),
                        };
                        (case.variant_name.clone(), payload)
                    })
                    .collect();
                let mut error_enum = enum_surface("error enum", variants);
                // The same type as another operation's: what downstream code can rely on.
                error_enum.target.clone_from(&operation.error_type_same_as);
                surface
                    .types
                    .insert(operation.error_type.clone(), error_enum);
            }
            if let Some(name) = &operation.success.enum_name {
                let variants = operation
                    .success
                    .cases
                    .iter()
                    .map(|case| {
                        (
                            case.variant_name.clone(),
                            payload_text(&case.type_ref, false),
                        )
                    })
                    .collect();
                surface
                    .types
                    .insert(name.clone(), enum_surface("success enum", variants));
            }
        }
        surface
    }

    /// The checked-in form: TOML, keys sorted, with the generated-file header.
    pub fn to_toml(&self) -> String {
        // Strings, booleans and maps of them always serialize.
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!("{}\n{body}", crate::format::TOML_HEADER)
    }

    /// Reads a checked-in surface back; `path` names it in the error.
    pub fn from_toml(path: &str, text: &str) -> Result<ApiSurface, String> {
        toml::from_str(text).map_err(|error| format!("{path}: not an API surface file: {error}"))
    }
}

fn enum_surface(kind: &str, variants: BTreeMap<String, String>) -> TypeSurface {
    TypeSurface {
        kind: kind.to_string(),
        target: None,
        fields: BTreeMap::new(),
        variants,
    }
}

fn payload_text(type_ref: &TypeRef, inside_types: bool) -> String {
    match type_ref {
        TypeRef::Unit => String::new(),
        other => type_text(other, inside_types),
    }
}

fn type_surface(kind: &TypeKind) -> TypeSurface {
    match kind {
        TypeKind::Struct { fields, .. } => TypeSurface {
            kind: "struct".to_string(),
            target: None,
            fields: fields
                .iter()
                .map(|field| {
                    let required =
                        !field.flatten && (field.required || !field.type_ref.is_option());
                    let member = MemberSurface {
                        type_text: type_text(&field.type_ref, true),
                        required,
                    };
                    (field.rust_name.clone(), member)
                })
                .collect(),
            variants: BTreeMap::new(),
        },
        TypeKind::StringEnum { variants } => enum_surface(
            "string enum",
            variants
                .iter()
                .map(|variant| (variant.rust_name.clone(), variant.wire_value.clone()))
                .collect(),
        ),
        TypeKind::Union { variants, .. } => enum_surface(
            "union",
            variants
                .iter()
                .map(|variant| {
                    (
                        variant.rust_name.clone(),
                        payload_text(&variant.type_ref, true),
                    )
                })
                .collect(),
        ),
        TypeKind::Alias { target } => TypeSurface {
            kind: "alias".to_string(),
            target: Some(type_text(target, true)),
            fields: BTreeMap::new(),
            variants: BTreeMap::new(),
        },
        TypeKind::Newtype { target } => TypeSurface {
            kind: "newtype".to_string(),
            target: Some(type_text(target, true)),
            fields: BTreeMap::new(),
            variants: BTreeMap::new(),
        },
    }
}

fn operation_surface(operation: &Operation) -> OperationSurface {
    let mut arguments = Vec::new();
    if let Some(name) = &operation.parameters_type {
        arguments.push(format!("parameters: &{name}"));
    }
    if let Some(body) = &operation.body {
        let body_type = type_text(&body.type_ref, false);
        arguments.push(if body.required {
            format!("body: &{body_type}")
        } else {
            format!("body: Option<&{body_type}>")
        });
    }
    let returns = match operation.kind {
        OperationKind::UrlBuilder => "url::Url, Error<Infallible>".to_string(),
        OperationKind::RedirectCall => {
            format!("ResponseValue<url::Url>, Error<{}>", operation.error_type)
        }
        OperationKind::Call => {
            let success = match &operation.success.enum_name {
                Some(name) => name.clone(),
                None => operation
                    .success
                    .cases
                    .first()
                    .map_or("()".to_string(), |case| type_text(&case.type_ref, false)),
            };
            format!("ResponseValue<{success}>, Error<{}>", operation.error_type)
        }
    };
    let asyncness = if operation.kind == OperationKind::UrlBuilder {
        ""
    } else {
        "async "
    };
    OperationSurface {
        signature: format!(
            "{asyncness}fn {}(&self{}) -> Result<{returns}>",
            operation.method_name,
            arguments
                .iter()
                .map(|argument| format!(", {argument}"))
                .collect::<String>()
        ),
        parameters: operation
            .parameters
            .iter()
            .map(|parameter| {
                let member = MemberSurface {
                    type_text: type_text(&parameter.type_ref, false),
                    required: parameter.required || !parameter.type_ref.is_option(),
                };
                (parameter.rust_name.clone(), member)
            })
            .collect(),
        parameters_same_as: operation.parameters_type_same_as.clone(),
    }
}

/// A type as Rust code outside `types` writes it (inside, when `inside_types`), for reading and
/// comparing; depth is bounded by lower's nesting limits.
pub fn type_text(type_ref: &TypeRef, inside_types: bool) -> String {
    let inner = |inner: &TypeRef| type_text(inner, inside_types);
    match type_ref {
        TypeRef::String => "String".to_string(),
        TypeRef::Secret => "Secret".to_string(),
        TypeRef::Integer {
            bits: 32,
            unsigned: false,
        } => "i32".to_string(),
        TypeRef::Integer { unsigned: true, .. } => "u64".to_string(),
        TypeRef::Integer { .. } => "i64".to_string(),
        TypeRef::Number { bits: 32 } => "f32".to_string(),
        TypeRef::Number { .. } => "f64".to_string(),
        TypeRef::Boolean => "bool".to_string(),
        TypeRef::DateTime => "DateTime<Utc>".to_string(),
        TypeRef::Date => "NaiveDate".to_string(),
        TypeRef::Json => "serde_json::Value".to_string(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".to_string(),
        TypeRef::Vec(item) => format!("Vec<{}>", inner(item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", inner(value)),
        TypeRef::Option(value) => format!("Option<{}>", inner(value)),
        TypeRef::Boxed(value) => format!("Box<{}>", inner(value)),
        TypeRef::Named(name) if inside_types => name.clone(),
        TypeRef::Named(name) => format!("types::{name}"),
        TypeRef::Unit => "()".to_string(),
        TypeRef::Bytes => "Binary".to_string(),
        TypeRef::Base64Bytes => "Base64Bytes".to_string(),
        TypeRef::Tuple(items) => format!(
            "({})",
            items.iter().map(inner).collect::<Vec<_>>().join(", ")
        ),
    }
}
