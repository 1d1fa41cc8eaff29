//! Rust type syntax for IR type references.

use crate::ir::TypeRef;
use crate::naming::to_identifier_tokens;
use proc_macro2::TokenStream;
use quote::quote;

/// Where the tokens will stand: inside the `types` module, or beside it in the provider module.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Inside `types`: named types are in scope.
    InsideTypes,
    /// In the provider module: named types are `types::Name`.
    ProviderModule,
}

/// The Rust type for `type_ref`.
pub fn type_tokens(type_ref: &TypeRef, scope: Scope) -> TokenStream {
    match type_ref {
        TypeRef::String => quote!(String),
        TypeRef::Secret => quote!(crate::runtime::Secret),
        TypeRef::Integer {
            bits: 32,
            unsigned: false,
        } => quote!(i32),
        TypeRef::Integer { unsigned: true, .. } => quote!(u64),
        TypeRef::Integer { .. } => quote!(i64),
        TypeRef::Number { bits: 32 } => quote!(f32),
        TypeRef::Number { .. } => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(Box<#inner>)
        }
        TypeRef::Named(name) => {
            let ident = to_identifier_tokens(name);
            match scope {
                Scope::InsideTypes => quote!(#ident),
                Scope::ProviderModule => quote!(types::#ident),
            }
        }
        TypeRef::Unit => quote!(()),
        TypeRef::Bytes => quote!(crate::runtime::Binary),
        TypeRef::Base64Bytes => quote!(crate::runtime::Base64Bytes),
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|item| type_tokens(item, scope));
            quote!(( #( #items, )* ))
        }
    }
}

/// `#[doc = "..."]` attributes, one per line, each with the leading space rustdoc expects.
pub fn doc_attributes(text: &str) -> TokenStream {
    let text = crate::naming::visible_in_doc(text);
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}
