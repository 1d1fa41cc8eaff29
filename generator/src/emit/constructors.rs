//! `new(required...)` and `with_<field>(value)` for every generated struct, which is `#[non_exhaustive]`:
//! downstream code builds values through these, so a field the spec adds later breaks nothing.

use super::type_tokens::{type_tokens, Scope};
use crate::ir::TypeRef;
use crate::naming::{
    optional_field_setter_method, to_identifier_tokens, STRUCT_CONSTRUCTOR_METHOD,
};
use proc_macro2::TokenStream;
use quote::quote;

/// One field as the constructor sees it.
pub struct ConstructedField<'a> {
    /// Rust field name.
    pub rust_name: &'a str,
    /// Full type (`Option` included).
    pub type_ref: &'a TypeRef,
    /// Required by the spec: a constructor argument even when the type is an `Option` (nullable).
    pub required: bool,
    /// The flattened map of other keys: starts empty.
    pub flatten: bool,
}

impl ConstructedField<'_> {
    /// Whether `new` takes this field: required fields and fields without a natural empty value.
    /// An optional field (an `Option` the spec does not require) or the flattened map never is,
    /// so adding one to the spec leaves `new`'s signature as it was.
    pub fn is_constructor_argument(&self) -> bool {
        !self.flatten && (self.required || !self.type_ref.is_option())
    }
}

/// The `impl` block with `new` and the optional fields' setters.
pub fn constructor_items(
    type_name: &proc_macro2::Ident,
    fields: &[ConstructedField<'_>],
    derives_default: bool,
    scope: Scope,
) -> TokenStream {
    let constructor = to_identifier_tokens(STRUCT_CONSTRUCTOR_METHOD);
    let mut arguments = Vec::new();
    let mut initializers = Vec::new();
    let mut setters = Vec::new();
    for field in fields {
        let name = to_identifier_tokens(field.rust_name);
        if field.is_constructor_argument() {
            let field_type = type_tokens(field.type_ref, scope);
            arguments.push(quote!(#name: impl Into<#field_type>));
            initializers.push(quote!(#name: #name.into()));
            continue;
        }
        if field.flatten {
            initializers.push(quote!(#name: Default::default()));
            continue;
        }
        initializers.push(quote!(#name: None));
        let TypeRef::Option(inner) = field.type_ref else {
            continue;
        };
        let inner_type = type_tokens(inner, scope);
        let setter = to_identifier_tokens(&optional_field_setter_method(field.rust_name));
        let doc = format!(" Sets `{}`.", field.rust_name.trim_start_matches("r#"));
        setters.push(quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: impl Into<#inner_type>) -> Self {
                self.#name = Some(value.into());
                self
            }
        });
    }
    // Many required fields make a long argument list; that is the spec's shape, not a smell.
    let too_many = if arguments.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    let without_default = if arguments.is_empty() && !derives_default {
        quote!(#[allow(clippy::new_without_default)])
    } else {
        quote!()
    };
    quote! {
        impl #type_name {
            /// A value with the required fields given and every optional field unset.
            #too_many
            #without_default
            pub fn #constructor(#( #arguments ),*) -> Self {
                Self { #( #initializers ),* }
            }
            #( #setters )*
        }
    }
}
