//! Emits the `types` module: structs, string enums, unions and aliases.

use super::constructors::{constructor_items, ConstructedField};
use super::type_tokens::{doc_attributes, type_tokens, Scope};
use crate::format::{BlockPart, Section};
use crate::ir::{
    Discriminator, EnumVariant, Field, TypeDefinition, TypeKind, TypeRef, UnionVariant,
};
use crate::naming::to_identifier_tokens;
use proc_macro2::TokenStream;
use quote::quote;

/// Every named type of a module: `pub mod types`, built one type at a time.
pub fn types_section(types: &[TypeDefinition]) -> Section<'_> {
    types_section_part(types, BlockPart::Whole)
}

/// `types` (a part of `pub mod types` when `part` is not the whole: the caller gives the types of
/// that part).
pub fn types_section_part(types: &[TypeDefinition], part: BlockPart) -> Section<'_> {
    Section::Block {
        header: quote! {
            /// Request and response types of this API, one per schema.
            pub mod types
        },
        // One type at a time, as the format stage asks for it.
        items: Box::new(types.iter().map(type_definition)),
        part,
    }
}

fn type_definition(definition: &TypeDefinition) -> TokenStream {
    let docs = doc_attributes(&definition.docs.text);
    let name = to_identifier_tokens(&definition.name);
    match &definition.kind {
        TypeKind::Struct {
            fields,
            derives_default,
            ..
        } => struct_definition(&docs, &name, fields, *derives_default),
        TypeKind::StringEnum { variants } => string_enum_definition(&docs, &name, variants),
        TypeKind::Union {
            variants,
            discriminator,
        } => union_definition(&docs, &name, variants, discriminator.as_ref()),
        TypeKind::Alias { target } => {
            let target = type_tokens(target, Scope::InsideTypes);
            quote! { #docs pub type #name = #target; }
        }
        TypeKind::Newtype { target } => {
            let target = type_tokens(target, Scope::InsideTypes);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
    }
}

/// `#[serde(...)]` for a field: rename when the wire name differs, lenient `default` for options,
/// and integers that accept any number with a zero fraction (JSON Schema's definition of integer).
pub fn field_serde_attribute(
    field_rust_name: &str,
    wire_name: &str,
    type_ref: &TypeRef,
    required: bool,
) -> TokenStream {
    let is_option = type_ref.is_option();
    let mut parts = Vec::new();
    if field_rust_name != wire_name {
        parts.push(quote!(rename = #wire_name));
    }
    match type_ref {
        TypeRef::Integer { .. } => parts.push(quote!(
            deserialize_with = "crate::runtime::integral::deserialize"
        )),
        TypeRef::Option(inner) if matches!(**inner, TypeRef::Integer { .. }) => parts.push(quote!(
            deserialize_with = "crate::runtime::integral::deserialize_option"
        )),
        _ => {}
    }
    if is_option {
        parts.push(quote!(default));
        if !required {
            parts.push(quote!(skip_serializing_if = "Option::is_none"));
        }
    }
    if parts.is_empty() {
        quote!()
    } else {
        quote!(#[serde( #( #parts ),* )])
    }
}

fn struct_definition(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    fields: &[Field],
    derives_default: bool,
) -> TokenStream {
    let default_derive = if derives_default {
        quote!(Default,)
    } else {
        quote!()
    };
    let field_list = fields;
    let fields = field_list.iter().map(|field| {
        let field_docs = doc_attributes(&field.docs.text);
        let field_name = to_identifier_tokens(&field.rust_name);
        let field_type = type_tokens(&field.type_ref, Scope::InsideTypes);
        let serde_attribute = if field.flatten {
            quote!(#[serde(flatten)])
        } else {
            field_serde_attribute(
                &field.rust_name,
                &field.wire_name,
                &field.type_ref,
                field.required,
            )
        };
        quote! {
            #field_docs
            #serde_attribute
            pub #field_name: #field_type,
        }
    });
    let constructed: Vec<ConstructedField<'_>> = field_list
        .iter()
        .map(|field| ConstructedField {
            rust_name: &field.rust_name,
            type_ref: &field.type_ref,
            required: field.required,
            flatten: field.flatten,
        })
        .collect();
    let constructors = constructor_items(name, &constructed, derives_default, Scope::InsideTypes);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default_derive serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #( #fields )*
        }

        #constructors
    }
}

fn string_enum_definition(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[EnumVariant],
) -> TokenStream {
    let variant_definitions = variants.iter().map(|variant| {
        let ident = to_identifier_tokens(&variant.rust_name);
        let doc = format!(" `{}`", crate::naming::visible_in_doc(&variant.wire_value));
        quote! { #[doc = #doc] #ident, }
    });
    let to_text = variants.iter().map(|variant| {
        let ident = to_identifier_tokens(&variant.rust_name);
        let wire = &variant.wire_value;
        quote! { #name::#ident => #wire, }
    });
    let from_text = variants.iter().map(|variant| {
        let ident = to_identifier_tokens(&variant.rust_name);
        let wire = &variant.wire_value;
        quote! { #wire => #name::#ident, }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_definitions )*
            /// A value this client does not know yet (the provider added it after the spec was generated).
            Other(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #to_text )*
                    #name::Other(value) => value.as_str(),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #from_text )*
                    other => #name::Other(other.to_string()),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(#name::from(value.as_ref()))
            }
        }
    }
}

fn union_definition(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[UnionVariant],
    discriminator: Option<&Discriminator>,
) -> TokenStream {
    let variant_definitions = variants.iter().map(|variant| {
        let ident = to_identifier_tokens(&variant.rust_name);
        let variant_type = type_tokens(&variant.type_ref, Scope::InsideTypes);
        let doc = format!(" The `{}` shape.", variant.rust_name);
        quote! { #[doc = #doc] #ident(#variant_type), }
    });
    let Some(discriminator) = discriminator else {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #( #variant_definitions )*
            }
        };
    };
    if !discriminator.members_carry_property {
        return tagged_union_definition(docs, name, variants, discriminator);
    }
    // The members carry the discriminator property themselves, so a serde-tagged enum (which
    // consumes the tag) would make them fail on it: read the tag, then decode the whole object.
    let property = &discriminator.property_name;
    let arms: Vec<TokenStream> = discriminator.mapping.iter().filter_map(|(wire_value, index)| {
        let variant = variants.get(*index)?;
        let ident = to_identifier_tokens(&variant.rust_name);
        Some(quote! {
            #wire_value => serde_json::from_value(value).map(#name::#ident).map_err(serde::de::Error::custom),
        })
    }).collect();
    let unknown = quote! {
        Err(<D::Error as serde::de::Error>::custom(format!("unknown {} `{}`", #property, tag)))
    };
    // With no member left (`--skip-invalid` dropped them all), a `match` with only a catch-all
    // arm is clippy's `match_single_binding`.
    let decode = if arms.is_empty() {
        unknown
    } else {
        quote! {
            match tag.as_str() {
                #( #arms )*
                _ => #unknown,
            }
        }
    };
    let missing = format!("missing the discriminator property `{property}`");
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_definitions )*
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value
                    .get(#property)
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| <D::Error as serde::de::Error>::custom(#missing))?
                    .to_string();
                #decode
            }
        }
    }
}

/// A union whose members' types leave the tag out: serde reads the tag, then the member from the
/// rest of the object (a unit variant when the member has nothing else).
fn tagged_union_definition(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[UnionVariant],
    discriminator: &Discriminator,
) -> TokenStream {
    let property = &discriminator.property_name;
    let variant_definitions = discriminator
        .mapping
        .iter()
        .filter_map(|(wire_value, index)| {
            let variant = variants.get(*index)?;
            let ident = to_identifier_tokens(&variant.rust_name);
            let doc = crate::naming::visible_in_doc(&format!(" `{property}: {wire_value}`"));
            Some(if variant.type_ref == TypeRef::Unit {
                quote! { #[doc = #doc] #[serde(rename = #wire_value)] #ident, }
            } else {
                let variant_type = type_tokens(&variant.type_ref, Scope::InsideTypes);
                quote! { #[doc = #doc] #[serde(rename = #wire_value)] #ident(#variant_type), }
            })
        });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(tag = #property)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_definitions )*
        }
    }
}
