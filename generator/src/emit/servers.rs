//! Emits what a client needs for servers: the constants, the per-server client fields and their overrides, and each operation's server.

use super::type_tokens::doc_attributes;
use crate::ir::{ApiModule, Operation, Server};
use crate::naming::{server_constant_name, server_field_name, to_identifier_tokens};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The pieces of `Client` that hold and set the servers.
pub struct ClientServerItems {
    /// `server_<name>: url::Url,` per extra server.
    pub fields: TokenStream,
    /// `server_<name>: ...,` in the constructor (after `base_url` is bound).
    pub initializers: TokenStream,
    /// `with_<name>_server` per extra server.
    pub methods: TokenStream,
    /// `let base_url = ...;` from the constructor's argument, when the servers need it bound.
    pub base_url_initializer: TokenStream,
    /// The `base_url` field in the constructor.
    pub base_url_field: TokenStream,
    /// More docs for `Client::new`.
    pub new_docs: TokenStream,
}

fn field_ident(server: &Server) -> Ident {
    to_identifier_tokens(&server_field_name(&server.rust_name))
}

fn constant_ident(server: &Server) -> Ident {
    to_identifier_tokens(&server_constant_name(&server.rust_name))
}

/// `pub const <NAME>_SERVER_URL` for each absolute extra server.
pub fn server_constants(api: &ApiModule) -> TokenStream {
    let constants = api
        .servers
        .iter()
        .filter(|server| !server.relative)
        .filter_map(|server| server.url.as_ref().map(|url| (server, url)))
        .map(|(server, url)| {
            let name = constant_ident(server);
            let doc = format!(
                " A server that some operations are sent to instead of the base URL: `{url}`."
            );
            quote! {
                #[doc = #doc]
                pub const #name: &str = #url;
            }
        });
    quote! { #( #constants )* }
}

/// The fields, constructor lines and override methods of the extra servers.
pub fn client_server_items(api: &ApiModule) -> ClientServerItems {
    let (base_url_initializer, base_url_field) = match &api.base_reference {
        Some(reference) => (
            quote! {
                let base_url = crate::runtime::server_url(&crate::runtime::parse_base_url(base_url)?, #reference)?;
            },
            quote!(base_url,),
        ),
        None if api.servers.is_empty() => (
            quote!(),
            quote!(base_url: crate::runtime::parse_base_url(base_url)?,),
        ),
        None => (
            quote! {
                let base_url = crate::runtime::parse_base_url(base_url)?;
            },
            quote!(base_url,),
        ),
    };
    let mut new_docs = Vec::new();
    if let Some(reference) = &api.base_reference {
        new_docs.push(String::new());
        new_docs.push(format!("The spec's server is the relative URL `{reference}`. It is resolved against `base_url` (RFC 3986), which supplies the scheme and host: `https://api.example.com` gives `https://api.example.com{reference}`."));
    }
    if !api.servers.is_empty() {
        new_docs.push(String::new());
        new_docs.push("Operations that the spec sends to a server of their own use that server; each one can be replaced with its `with_*_server` method.".to_string());
    }
    let new_docs = doc_attributes(&new_docs.join("\n"));
    let fields = api.servers.iter().map(|server| {
        let field = field_ident(server);
        if server.url.is_some() {
            quote! { #field: url::Url, }
        } else {
            quote! { #field: Option<url::Url>, }
        }
    });
    let initializers = api.servers.iter().map(|server| {
        let field = field_ident(server);
        match &server.url {
            None => quote! { #field: None, },
            Some(url) if server.relative => {
                quote! { #field: crate::runtime::server_url(&base_url, #url)?, }
            }
            Some(_) => {
                let constant = constant_ident(server);
                quote! { #field: crate::runtime::server_url(&base_url, #constant)?, }
            }
        }
    });
    let methods = api.servers.iter().enumerate().map(|(index, server)| {
        let field = field_ident(server);
        let method = to_identifier_tokens(&server.override_method);
        let users: Vec<String> = api
            .operations
            .iter()
            .filter(|operation| operation.server == Some(index))
            .map(|operation| format!("[`Client::{}`]", operation.method_name))
            .collect();
        let mut text = server.docs.text.clone();
        text.push_str(&format!(
            "\n\nSends {} to `url` instead. A relative URL is resolved against the base URL.",
            users.join(", ")
        ));
        let docs = doc_attributes(&text);
        let value = if server.url.is_some() {
            quote!(crate::runtime::server_url(&self.base_url, url)?)
        } else {
            quote!(Some(crate::runtime::server_url(&self.base_url, url)?))
        };
        quote! {
            #docs
            pub fn #method(mut self, url: &str) -> Result<Self, crate::runtime::ClientError> {
                self.#field = #value;
                Ok(self)
            }
        }
    });
    ClientServerItems {
        fields: quote! { #( #fields )* },
        initializers: quote! { #( #initializers )* },
        methods: quote! { #( #methods )* },
        base_url_initializer,
        base_url_field,
        new_docs,
    }
}

/// `&self.base_url`, or the field of the operation's own server.
pub fn operation_server_expression(api: &ApiModule, operation: &Operation) -> TokenStream {
    match operation.server.and_then(|index| api.servers.get(index)) {
        Some(server) if server.url.is_some() => {
            let field = field_ident(server);
            quote!(&self.#field)
        }
        Some(server) => {
            let field = field_ident(server);
            let message = format!(
                "the spec gives this operation's server (`{}`) no usable URL: set it with `Client::{}`",
                server.declared_url, server.override_method
            );
            quote! {
                match &self.#field {
                    Some(url) => url,
                    None => return Err(crate::runtime::Error::invalid_request(OPERATION, #message)),
                }
            }
        }
        None => quote!(&self.base_url),
    }
}
