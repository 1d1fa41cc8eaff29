//! Emits a provider module's client: `Client`, `Credentials`, parameter structs, error enums and one method per operation.

use super::constructors::{constructor_items, ConstructedField};
use super::type_tokens::{doc_attributes, type_tokens, Scope};
use super::types::field_serde_attribute;
use crate::format::{BlockPart, Section};
use crate::ir::{
    ApiModule, BodyEncoding, ErrorMessage, Operation, OperationKind, Parameter, ParameterLocation,
    PathPart, ResponseCase, SecurityScheme, SecuritySchemeKind, StatusMatch, TypeRef,
};
use crate::lower::status_reason_text;
use crate::naming::to_identifier_tokens;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

fn ident(name: &str) -> Ident {
    to_identifier_tokens(name)
}

/// Everything in the provider module beside `types` and the token source, as sections built one
/// at a time when the format stage asks for them: `Credentials` and `Client`, the `impl Client`
/// block (its fixed methods, then one operation's method at a time), then each operation's
/// parameter struct and response enums.
pub fn client_sections(api: &ApiModule) -> impl Iterator<Item = Section<'_>> + '_ {
    std::iter::once_with(move || client_struct_section(api))
        .chain(std::iter::once_with(move || {
            client_methods_section(api, &api.operations, BlockPart::Whole)
        }))
        .chain(operation_items_sections(&api.operations))
}

/// `Credentials` and `Client`.
pub fn client_struct_section(api: &ApiModule) -> Section<'_> {
    let credentials = credentials_struct(&api.security_schemes);
    let client = client_struct(api);
    Section::Items(quote! {
        #credentials
        #client
    })
}

/// The `impl Client` block, or a part of it: the first part (or the whole) has the fixed methods,
/// then the methods of `operations`, one at a time.
pub fn client_methods_section<'a>(
    api: &'a ApiModule,
    operations: &'a [Operation],
    part: BlockPart,
) -> Section<'a> {
    let fixed_methods = part
        .opens()
        .then(move || std::iter::once_with(move || client_fixed_methods(api)))
        .into_iter()
        .flatten();
    let operation_methods = operations
        .iter()
        .map(move |operation| operation_method(api, operation));
    Section::Block {
        header: quote!(impl Client),
        items: Box::new(fixed_methods.chain(operation_methods)),
        part,
    }
}

/// Each operation's parameter struct and response enums, one operation at a time.
pub fn operation_items_sections(
    operations: &[Operation],
) -> impl Iterator<Item = Section<'_>> + '_ {
    operations
        .iter()
        .map(|operation| Section::Items(operation_items(operation)))
}

fn credentials_struct(schemes: &[SecurityScheme]) -> TokenStream {
    if schemes.is_empty() {
        return quote!();
    }
    let fields = schemes.iter().map(|scheme| {
        let name = ident(&scheme.rust_name);
        let docs = doc_attributes(&scheme.docs.text);
        let field_type = match scheme.kind {
            SecuritySchemeKind::Basic { .. } => quote!(crate::runtime::BasicCredentials),
            SecuritySchemeKind::Bearer | SecuritySchemeKind::ApiKey { .. } => {
                quote!(crate::runtime::Secret)
            }
        };
        let token_source_field = match scheme.kind {
            SecuritySchemeKind::Bearer => {
                let tokens = token_source_field(scheme);
                let doc = format!(
                    " A token source for `{}`: it is asked for a token on every call, and re-authenticates once on a 401. It takes precedence over a fixed token.",
                    scheme.spec_name
                );
                quote! { #[doc = #doc] pub #tokens: Option<crate::token::SharedTokenProvider>, }
            }
            _ => quote!(),
        };
        quote! { #docs pub #name: Option<#field_type>, #token_source_field }
    });
    quote! {
        /// Credentials for the security schemes this API uses; each operation sends the ones its spec names.
        ///
        /// `Debug` never prints a secret.
        #[derive(Debug, Clone, Default)]
        #[non_exhaustive]
        pub struct Credentials {
            #( #fields )*
        }
    }
}

/// The `Credentials` field holding a token source for a bearer scheme.
fn token_source_field(scheme: &SecurityScheme) -> Ident {
    ident(&crate::naming::scheme_token_source_field(&scheme.rust_name))
}

fn client_struct(api: &ApiModule) -> TokenStream {
    let credentials_field = if api.security_schemes.is_empty() {
        quote!()
    } else {
        quote! { credentials: Credentials, }
    };
    let servers = super::servers::client_server_items(api);
    let server_fields = &servers.fields;
    let title = format!(
        " A client for {} ({}, API version {}).",
        api.display_name, api.title, api.api_version
    );
    quote! {
        #[doc = #title]
        ///
        /// It follows no redirects and accepts only `https` base URLs (plain `http` only for loopback hosts).
        #[derive(Debug, Clone)]
        pub struct Client {
            base_url: url::Url,
            http: reqwest::Client,
            retry: crate::runtime::RetryPolicy,
            limits: crate::runtime::CallLimits,
            #credentials_field
            #server_fields
        }
    }
}

/// The methods of `impl Client` that every client has, before the operations' methods.
fn client_fixed_methods(api: &ApiModule) -> TokenStream {
    let has_credentials = !api.security_schemes.is_empty();
    let credentials_init = if has_credentials {
        quote! { credentials: Credentials::default(), }
    } else {
        quote!()
    };
    let credential_methods = api.security_schemes.iter().enumerate().map(|(scheme_index, scheme)| {
        let field = ident(&scheme.rust_name);
        let method = ident(&crate::naming::scheme_setter_method(&scheme.rust_name));
        match scheme.kind {
            SecuritySchemeKind::Basic { oauth2_client } => {
                let doc = if oauth2_client {
                    format!(
                        " Sends the `{}` HTTP Basic credentials: the OAuth2 client id and secret, form-urlencoded before they are joined (RFC 6749 section 2.3.1).",
                        scheme.spec_name
                    )
                } else {
                    let token_requests: Vec<String> = api
                        .operations
                        .iter()
                        .filter(|operation| {
                            operation.oauth2_client_basic
                                && operation.security.iter().flatten().any(|index| *index == scheme_index)
                        })
                        .map(|operation| format!("[`Client::{}`]", operation.method_name))
                        .collect();
                    if token_requests.is_empty() {
                        format!(" Sends the `{}` HTTP Basic credentials.", scheme.spec_name)
                    } else {
                        format!(
                            " Sends the `{}` HTTP Basic credentials. On the token requests ({}) they are the OAuth2 client id and secret, form-urlencoded before they are joined (RFC 6749 section 2.3.1).",
                            scheme.spec_name,
                            token_requests.join(", ")
                        )
                    }
                };
                quote! {
                    #[doc = #doc]
                    pub fn #method(mut self, username: impl Into<String>, password: impl Into<crate::runtime::Secret>) -> Self {
                        self.credentials.#field = Some(crate::runtime::BasicCredentials::new(username, password));
                        self
                    }
                }
            }
            SecuritySchemeKind::Bearer => {
                let doc = format!(" Sends `token` as the `{}` bearer token.", scheme.spec_name);
                let tokens_field = token_source_field(scheme);
                let tokens_method = ident(&crate::naming::scheme_token_source_setter_method(
                    &scheme.rust_name,
                ));
                let tokens_doc = format!(
                    " Takes the `{}` bearer token from `tokens` (such as a `TokenSource`) on every call; on a 401 the token is renewed and the call sent once more.",
                    scheme.spec_name
                );
                quote! {
                    #[doc = #doc]
                    pub fn #method(mut self, token: impl Into<crate::runtime::Secret>) -> Self {
                        self.credentials.#field = Some(token.into());
                        self
                    }

                    #[doc = #tokens_doc]
                    pub fn #tokens_method(mut self, tokens: impl crate::token::BearerTokenProvider) -> Self {
                        self.credentials.#tokens_field = Some(crate::token::SharedTokenProvider(std::sync::Arc::new(tokens)));
                        self
                    }
                }
            }
            SecuritySchemeKind::ApiKey { .. } => {
                let doc = format!(" Sends `key` as the `{}` API key.", scheme.spec_name);
                quote! {
                    #[doc = #doc]
                    pub fn #method(mut self, key: impl Into<crate::runtime::Secret>) -> Self {
                        self.credentials.#field = Some(key.into());
                        self
                    }
                }
            }
        }
    });
    let credentials_accessor = if has_credentials {
        quote! {
            /// The credentials this client sends.
            pub fn credentials(&self) -> &Credentials {
                &self.credentials
            }
        }
    } else {
        quote!()
    };
    let servers = super::servers::client_server_items(api);
    let server_inits = &servers.initializers;
    let server_methods = &servers.methods;
    let base_url_init = &servers.base_url_initializer;
    let base_url_field = &servers.base_url_field;
    let new_docs = &servers.new_docs;
    quote! {
        /// A client for the API at `base_url`, with the default HTTP client (no redirects, timeouts set).
        #new_docs
        pub fn new(base_url: &str) -> Result<Self, crate::runtime::ClientError> {
            Self::with_http_client(base_url, crate::runtime::default_http_client_for(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))?)
        }

        /// A client that sends its requests through `http`. Configure it not to follow redirects.
        pub fn with_http_client(base_url: &str, http: reqwest::Client) -> Result<Self, crate::runtime::ClientError> {
            #base_url_init
            Ok(Client {
                #server_inits
                #base_url_field
                http,
                retry: crate::runtime::RetryPolicy::default(),
                limits: crate::runtime::CallLimits::default(),
                #credentials_init
            })
        }

        #server_methods

        /// The base URL every path is joined to.
        pub fn base_url(&self) -> &url::Url {
            &self.base_url
        }

        /// The underlying HTTP client.
        pub fn http_client(&self) -> &reqwest::Client {
            &self.http
        }

        /// Replaces the retry policy (by default 3 attempts for calls that are safe to repeat).
        pub fn with_retry_policy(mut self, retry: crate::runtime::RetryPolicy) -> Self {
            self.retry = retry;
            self
        }

        /// Sets the total deadline of each call, every attempt and backoff included (30 s by default).
        pub fn with_total_timeout(mut self, total_timeout: std::time::Duration) -> Self {
            self.limits.total_timeout = total_timeout;
            self
        }

        /// Sets the largest response body every call reads, checked while it streams in. By
        /// default it suits the operation: 4 MiB for JSON, text and token bodies, 64 MiB for binary ones.
        pub fn with_max_response_bytes(mut self, max_response_bytes: usize) -> Self {
            self.limits.max_response_bytes = Some(max_response_bytes);
            self
        }

        /// The deadline and size limit of every call.
        pub fn call_limits(&self) -> &crate::runtime::CallLimits {
            &self.limits
        }

        #credentials_accessor
        #( #credential_methods )*
    }
}

fn operation_items(operation: &Operation) -> TokenStream {
    let parameters_struct = parameters_struct(operation);
    // A URL builder makes no call, so it has no error responses to decode; its docs list them.
    let error_enum = if operation.kind != OperationKind::UrlBuilder {
        error_enum(operation)
    } else {
        quote!()
    };
    let success_enum = success_enum(operation);
    quote! {
        #parameters_struct
        #error_enum
        #success_enum
    }
}

fn parameters_struct(operation: &Operation) -> TokenStream {
    let Some(name) = &operation.parameters_type else {
        return quote!();
    };
    let name = ident(name);
    if let Some(same_as) = &operation.parameters_type_same_as {
        let doc = format!(
            " Parameters of [`Client::{}`]: the same type as [`{same_as}`] (the parameters are identical).",
            operation.method_name
        );
        let same_as = ident(same_as);
        return quote! { #[doc = #doc] pub type #name = #same_as; };
    }
    let derives_default = operation
        .parameters
        .iter()
        .all(|parameter| crate::lower::has_default(&parameter.type_ref));
    let default_derive = if derives_default {
        quote!(Default,)
    } else {
        quote!()
    };
    let fields = operation.parameters.iter().map(|parameter| {
        let docs = doc_attributes(&parameter.docs.text);
        let field = ident(&parameter.rust_name);
        let field_type = type_tokens(&parameter.type_ref, Scope::ProviderModule);
        // A path and a query parameter may share a wire name; their serde names must differ, or
        // the derived `Deserialize` has two equal match arms (and one field could never be set).
        let shares_wire_name = operation
            .parameters
            .iter()
            .filter(|other| other.wire_name == parameter.wire_name)
            .count()
            > 1;
        let serde_name = if shares_wire_name {
            format!(
                "{}.{}",
                location_word(parameter.location),
                parameter.wire_name
            )
        } else {
            parameter.wire_name.clone()
        };
        let serde_attribute = field_serde_attribute(
            &parameter.rust_name,
            &serde_name,
            &parameter.type_ref,
            parameter.required,
        );
        quote! { #docs #serde_attribute pub #field: #field_type, }
    });
    let doc = format!(" Parameters of [`Client::{}`].", operation.method_name);
    let constructed: Vec<ConstructedField<'_>> = operation
        .parameters
        .iter()
        .map(|parameter| ConstructedField {
            rust_name: &parameter.rust_name,
            type_ref: &parameter.type_ref,
            required: parameter.required,
            flatten: false,
        })
        .collect();
    let constructors =
        constructor_items(&name, &constructed, derives_default, Scope::ProviderModule);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #default_derive serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #( #fields )*
        }

        #constructors
    }
}

/// The location's name as the spec writes it (`in: query`).
fn location_word(location: ParameterLocation) -> &'static str {
    match location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    }
}

fn case_variant(case: &ResponseCase) -> TokenStream {
    let docs = doc_attributes(&case.docs.text);
    let variant = ident(&case.variant_name);
    match &case.type_ref {
        TypeRef::Unit => quote! { #docs #variant, },
        other => {
            let body_type = type_tokens(other, Scope::ProviderModule);
            quote! { #docs #variant(#body_type), }
        }
    }
}

/// An error variant: its documented body, or for a status documented without a body schema, the
/// body's bounded raw prefix, so the provider's own words (an OAuth2 `error_description`) survive.
fn error_case_variant(case: &ResponseCase) -> TokenStream {
    if case.type_ref != TypeRef::Unit {
        return case_variant(case);
    }
    let docs = doc_attributes(&case.docs.text);
    let variant = ident(&case.variant_name);
    quote! { #docs #variant(crate::runtime::RawBody), }
}

fn error_enum(operation: &Operation) -> TokenStream {
    let name = ident(&operation.error_type);
    if let Some(same_as) = &operation.error_type_same_as {
        let doc = format!(
            " The documented error responses of [`Client::{}`]: the same type as [`{same_as}`] (the documented errors are identical).",
            operation.method_name
        );
        let same_as = ident(same_as);
        return quote! { #[doc = #doc] pub type #name = #same_as; };
    }
    let variants = operation.errors.iter().map(error_case_variant);
    let display_arms =
        operation
            .errors
            .iter()
            .zip(&operation.error_messages)
            .map(|(case, message)| {
                let variant = ident(&case.variant_name);
                let text = match case.status {
                    StatusMatch::Default => "error response documented as `default`".to_string(),
                    _ => status_reason_text(case.status),
                };
                match (&case.type_ref, message) {
                    (TypeRef::Unit, _) => quote! {
                        #name::#variant(ref body) => {
                            formatter.write_str(#text)?;
                            if let Some(message) = body.provider_message() {
                                write!(formatter, ": {}", crate::runtime::ProviderText(message))?;
                            }
                            Ok(())
                        }
                    },
                    (_, None) => quote! { #name::#variant(_) => formatter.write_str(#text), },
                    (_, Some(message)) => {
                        let write_message = provider_message_statements(message);
                        quote! {
                            #name::#variant(ref body) => {
                                formatter.write_str(#text)?;
                                #write_message
                                Ok(())
                            }
                        }
                    }
                }
            });
    let doc = format!(
        " The documented error responses of [`Client::{}`].",
        operation.method_name
    );
    let formatter = if operation.errors.is_empty() {
        quote!(_formatter)
    } else {
        quote!(formatter)
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants )*
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, #formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match *self {
                    #( #display_arms )*
                }
            }
        }
    }
}

/// Statements that append `: <the provider's message>` from `body` to the formatter.
fn provider_message_statements(message: &ErrorMessage) -> TokenStream {
    match message {
        ErrorMessage::Text => quote! {
            if !body.is_empty() {
                write!(formatter, ": {}", crate::runtime::ProviderText(body))?;
            }
        },
        ErrorMessage::Field {
            rust_name,
            optional,
        } => {
            let field = ident(rust_name);
            if *optional {
                quote! {
                    if let Some(message) = &body.#field {
                        write!(formatter, ": {}", crate::runtime::ProviderText(message))?;
                    }
                }
            } else {
                quote! { write!(formatter, ": {}", crate::runtime::ProviderText(&body.#field))?; }
            }
        }
        ErrorMessage::OAuth {
            code_field,
            code_optional,
            description_field,
        } => {
            let code = ident(code_field);
            let write_code = if *code_optional {
                quote! {
                    if let Some(code) = &body.#code {
                        write!(formatter, ": {}", crate::runtime::ProviderText(code))?;
                    }
                }
            } else {
                quote! { write!(formatter, ": {}", crate::runtime::ProviderText(&body.#code))?; }
            };
            let write_description = match description_field {
                None => quote!(),
                Some((description, true)) => {
                    let description = ident(description);
                    quote! {
                        if let Some(description) = &body.#description {
                            write!(formatter, " ({})", crate::runtime::ProviderText(description))?;
                        }
                    }
                }
                Some((description, false)) => {
                    let description = ident(description);
                    quote! { write!(formatter, " ({})", crate::runtime::ProviderText(&body.#description))?; }
                }
            };
            quote! { #write_code #write_description }
        }
        ErrorMessage::ValidationList {
            list_field,
            optional,
            item_message_field,
        } => {
            let list = ident(list_field);
            let item_message = ident(item_message_field);
            let items = if *optional {
                quote!(body.#list.iter().flatten())
            } else {
                quote!(body.#list.iter())
            };
            quote! {
                let messages: Vec<&str> = #items.map(|item| item.#item_message.as_str()).collect();
                if !messages.is_empty() {
                    write!(formatter, ": {}", crate::runtime::ProviderText(messages.join("; ")))?;
                }
            }
        }
    }
}

fn success_enum(operation: &Operation) -> TokenStream {
    let Some(name) = &operation.success.enum_name else {
        return quote!();
    };
    let name = ident(name);
    let variants = operation.success.cases.iter().map(case_variant);
    let doc = format!(
        " The documented success responses of [`Client::{}`].",
        operation.method_name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants )*
        }
    }
}

/// A response's whole description as one Markdown list item (continuation lines indented under it).
fn outcome_item(text: &str) -> String {
    let mut lines = text.lines();
    let mut item = format!("- {}", lines.next().unwrap_or_default());
    for line in lines {
        item.push('\n');
        if !line.is_empty() {
            item.push_str("  ");
            item.push_str(line);
        }
    }
    item
}

/// What a redirect call's docs say about its outcome.
fn redirect_call_docs(operation: &Operation) -> String {
    let mut lines = vec![String::new(), "The provider answers this request with a redirect. The request (and its body) is sent, and the redirect's `Location`, resolved against the request URL, is returned without being followed.".to_string()];
    for case in &operation.success.cases {
        lines.push(outcome_item(&case.docs.text));
    }
    lines.join("\n")
}

/// The type a successful call returns, inside `ResponseValue`.
fn success_type(operation: &Operation) -> TokenStream {
    if operation.kind == OperationKind::RedirectCall {
        return quote!(url::Url);
    }
    match &operation.success.enum_name {
        Some(name) => {
            let name = ident(name);
            quote!(#name)
        }
        None => {
            let type_ref = operation
                .success
                .cases
                .first()
                .map_or(TypeRef::Unit, |case| case.type_ref.clone());
            type_tokens(&type_ref, Scope::ProviderModule)
        }
    }
}

fn operation_method(api: &ApiModule, operation: &Operation) -> TokenStream {
    match operation.kind {
        OperationKind::Call | OperationKind::RedirectCall => {
            call_method(api, operation, &api.security_schemes)
        }
        OperationKind::UrlBuilder => url_builder_method(api, operation),
    }
}

fn method_arguments(operation: &Operation) -> TokenStream {
    let parameters = operation.parameters_type.as_ref().map(|name| {
        let name = ident(name);
        quote! { parameters: &#name, }
    });
    let body = operation.body.as_ref().map(|body| {
        let body_type = type_tokens(&body.type_ref, Scope::ProviderModule);
        if body.required {
            quote! { body: &#body_type, }
        } else {
            quote! { body: Option<&#body_type>, }
        }
    });
    quote! { #parameters #body }
}

/// The statement that binds `encoded_path` (a `&str` or a `String`): the path itself when it has
/// no parameters, else its pieces joined once.
fn path_statements(operation: &Operation) -> TokenStream {
    let has_parameters = operation
        .path_parts
        .iter()
        .any(|part| matches!(part, PathPart::Parameter(_)));
    if !has_parameters {
        let path: String = operation
            .path_parts
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => text.as_str(),
                PathPart::Parameter(_) => "",
            })
            .collect();
        return quote! { let encoded_path = #path; };
    }
    let pieces = operation.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote! { #text },
        PathPart::Parameter(index) => {
            let parameter = &operation.parameters[*index];
            let field = ident(&parameter.rust_name);
            let wire = &parameter.wire_name;
            quote! { crate::runtime::path_segment(OPERATION, #wire, &parameters.#field)?.as_str() }
        }
    });
    quote! {
        let encoded_path = &[#( #pieces ),*].concat();
    }
}

fn parameters_at(operation: &Operation, location: ParameterLocation) -> Vec<&Parameter> {
    operation
        .parameters
        .iter()
        .filter(|parameter| parameter.location == location)
        .collect()
}

fn query_statements(operation: &Operation) -> TokenStream {
    if parameters_at(operation, ParameterLocation::Query).is_empty() {
        return quote!();
    }
    let appends = parameters_at(operation, ParameterLocation::Query).into_iter().map(|parameter| {
        if let Some(styled) = super::media::styled_query(parameter) {
            return styled;
        }
        let field = ident(&parameter.rust_name);
        let wire = &parameter.wire_name;
        let explode = parameter.explode;
        quote! { crate::runtime::append_query(OPERATION, &mut query, #wire, &parameters.#field, #explode)?; }
    });
    quote! {
        let mut query: Vec<(String, String)> = Vec::new();
        #( #appends )*
    }
}

fn header_statements(operation: &Operation) -> TokenStream {
    let headers = parameters_at(operation, ParameterLocation::Header).into_iter().map(|parameter| {
        let field = ident(&parameter.rust_name);
        let wire = &parameter.wire_name;
        quote! {
            if let Some(value) = crate::runtime::header_value(OPERATION, #wire, &parameters.#field)? {
                request = request.header(#wire, value);
            }
        }
    });
    let cookies: Vec<&Parameter> = parameters_at(operation, ParameterLocation::Cookie);
    let cookie_statements = if cookies.is_empty() {
        quote!()
    } else {
        let pushes = cookies.iter().map(|parameter| {
            let field = ident(&parameter.rust_name);
            let wire = &parameter.wire_name;
            quote! {
                if let Some(value) = crate::runtime::cookie_value(OPERATION, #wire, &parameters.#field)? {
                    cookies.push(format!("{}={}", #wire, value));
                }
            }
        });
        quote! {
            let mut cookies: Vec<String> = Vec::new();
            #( #pushes )*
            if !cookies.is_empty() {
                request = request.header(reqwest::header::COOKIE, cookies.join("; "));
            }
        }
    };
    quote! { #( #headers )* #cookie_statements }
}

/// Statements refusing a request that would send client credentials twice (Basic and in the body).
fn one_client_authentication_method(operation: &Operation, scheme: &SecurityScheme) -> TokenStream {
    if !matches!(scheme.kind, SecuritySchemeKind::Basic { .. })
        || !operation.oauth2_client_basic
        || operation.body_client_credentials.is_empty()
    {
        return quote!();
    }
    let fields = operation
        .body_client_credentials
        .iter()
        .map(|field| ident(field));
    let message = format!(
        "`{}` sends the client credentials with HTTP Basic, so the body must not carry them too (RFC 6749 section 2.3: one client authentication method per request)",
        scheme.rust_name
    );
    let check = quote! {
        if #( body.#fields.is_some() )||* {
            return Err(crate::runtime::Error::invalid_request(OPERATION, #message));
        }
    };
    if operation.body.as_ref().is_some_and(|body| body.required) {
        check
    } else {
        quote! {
            if let Some(body) = body {
                #check
            }
        }
    }
}

fn apply_scheme(operation: &Operation, scheme: &SecurityScheme, value: &Ident) -> TokenStream {
    match &scheme.kind {
        SecuritySchemeKind::Bearer => quote! {
            request = request.header(reqwest::header::AUTHORIZATION, crate::runtime::bearer_authorization(OPERATION, #value)?);
        },
        SecuritySchemeKind::Basic { .. } => {
            let oauth2_client = operation.oauth2_client_basic;
            quote! {
                request = request.header(reqwest::header::AUTHORIZATION, crate::runtime::basic_authorization(OPERATION, #value, #oauth2_client)?);
            }
        }
        SecuritySchemeKind::ApiKey {
            location,
            parameter_name,
        } => match location {
            ParameterLocation::Header => quote! {
                request = request.header(#parameter_name, crate::runtime::secret_header(OPERATION, #value)?);
            },
            ParameterLocation::Query => quote! {
                request = request.query(&[(#parameter_name, #value.expose())]);
            },
            ParameterLocation::Cookie | ParameterLocation::Path => quote! {
                let mut cookie = reqwest::header::HeaderValue::from_str(&format!("{}={}", #parameter_name, #value.expose()))
                    .map_err(|_| crate::runtime::Error::invalid_request(OPERATION, "the API key cannot be sent in a cookie"))?;
                cookie.set_sensitive(true);
                request = request.header(reqwest::header::COOKIE, cookie);
            },
        },
    }
}

fn security_statements(operation: &Operation, schemes: &[SecurityScheme]) -> TokenStream {
    if operation.security.is_empty() {
        return quote!();
    }
    let anonymous_allowed = operation.security.iter().any(Vec::is_empty);
    let mut branches = Vec::new();
    let mut wanted = Vec::new();
    for alternative in operation
        .security
        .iter()
        .filter(|alternative| !alternative.is_empty())
    {
        let names: Vec<Ident> = alternative
            .iter()
            .map(|index| ident(&schemes[*index].rust_name))
            .collect();
        let bindings: Vec<Ident> = alternative
            .iter()
            .map(|index| {
                ident(&crate::naming::credential_binding_name(
                    &schemes[*index].rust_name,
                ))
            })
            .collect();
        let applies = alternative.iter().zip(&bindings).map(|(index, binding)| {
            let guard = one_client_authentication_method(operation, &schemes[*index]);
            let apply = apply_scheme(operation, &schemes[*index], binding);
            quote! { #guard #apply }
        });
        let pattern = if bindings.len() == 1 {
            let binding = &bindings[0];
            let name = &names[0];
            quote! { Some(#binding) = &self.credentials.#name }
        } else {
            quote! { ( #( Some(#bindings), )* ) = ( #( &self.credentials.#names, )* ) }
        };
        if let [index] = alternative.as_slice() {
            if schemes[*index].kind == SecuritySchemeKind::Bearer {
                let tokens = token_source_field(&schemes[*index]);
                branches.push(quote! {
                    if let Some(tokens) = &self.credentials.#tokens {
                        bearer_tokens = Some(&*tokens.0);
                    }
                });
            }
        }
        branches.push(quote! {
            if let #pattern {
                #( #applies )*
            }
        });
        wanted.push(
            alternative
                .iter()
                .map(|index| format!("`{}`", schemes[*index].rust_name))
                .collect::<Vec<_>>()
                .join(" and "),
        );
    }
    if anonymous_allowed {
        // With no credentials set, the request goes out anonymously, as the spec allows.
        return quote! {
            #( #branches )else*
        };
    }
    let message = format!(
        "missing credentials: set {} on the client",
        wanted.join(", or ")
    );
    quote! {
        #( #branches else )* { return Err(crate::runtime::Error::invalid_request(OPERATION, #message)); }
    }
}

fn body_statements(operation: &Operation) -> TokenStream {
    let Some(body) = &operation.body else {
        return quote!();
    };
    let send = super::media::send_body(body);
    if body.required {
        send
    } else {
        quote! {
            if let Some(body) = body {
                #send
            }
        }
    }
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(first_digit) => {
            let low = proc_macro2::Literal::u16_unsuffixed(first_digit * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(first_digit * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// `match` arms over the status; specific codes come before ranges, ranges before `default`.
fn response_arms(operation: &Operation) -> TokenStream {
    let mut cases: Vec<(bool, &ResponseCase)> = operation
        .success
        .cases
        .iter()
        .map(|case| (true, case))
        .collect();
    cases.extend(operation.errors.iter().map(|case| (false, case)));
    // A binary case takes any media type, so it comes after the JSON and text cases of its status.
    cases.sort_by_key(|(_, case)| {
        let specificity = match case.status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        };
        (specificity, case.encoding == BodyEncoding::Binary)
    });
    let success_enum = operation.success.enum_name.as_ref().map(|name| ident(name));
    let error_enum = ident(&operation.error_type);
    let arms = cases.iter().map(|(is_success, case)| {
        let pattern = status_pattern(case.status);
        let (guard, decode) = match case.encoding {
            // A redirect call's answer is its `Location`, whatever the body.
            _ if *is_success && operation.kind == OperationKind::RedirectCall => {
                (quote!(), quote!())
            }
            BodyEncoding::Json => (
                quote!(if raw.is_json()),
                quote!(let value = raw.json(OPERATION)?;),
            ),
            BodyEncoding::Text => (
                quote!(if raw.is_text()),
                quote!(let value = raw.text(OPERATION)?;),
            ),
            BodyEncoding::Binary => (quote!(), quote!(let value = raw.binary();)),
            BodyEncoding::Form | BodyEncoding::Empty | BodyEncoding::Multipart => {
                (quote!(), quote!())
            }
        };
        let variant = ident(&case.variant_name);
        let has_body = case.type_ref != TypeRef::Unit;
        let value = if has_body { quote!(value) } else { quote!(()) };
        let redirect = operation.kind == OperationKind::RedirectCall;
        let result = if *is_success && redirect {
            quote! {
                let location = raw.location(OPERATION, &request_url)?;
                raw.success(location)
            }
        } else if *is_success {
            match (&success_enum, has_body) {
                (Some(success_enum), true) => {
                    quote! { raw.success(#success_enum::#variant(value)) }
                }
                (Some(success_enum), false) => quote! { raw.success(#success_enum::#variant) },
                (None, _) => quote! { raw.success(#value) },
            }
        } else if has_body {
            quote! { Err(raw.error(OPERATION, #error_enum::#variant(value))) }
        } else {
            quote! { Err(raw.error_with_raw_body(OPERATION, #error_enum::#variant)) }
        };
        let decode = if has_body && !(*is_success && redirect) {
            decode
        } else {
            quote!()
        };
        // The common JSON cases are one runtime call each, not a decode and a wrap per arm.
        if case.encoding == BodyEncoding::Json && has_body && !redirect {
            if *is_success && success_enum.is_none() {
                return quote! { #pattern #guard => raw.json_success(OPERATION), };
            }
            if !*is_success {
                return quote! { #pattern #guard => Err(raw.json_error(OPERATION, #error_enum::#variant)), };
            }
        }
        quote! {
            #pattern #guard => {
                #decode
                #result
            }
        }
    });
    let has_catch_all = cases.iter().any(|(_, case)| {
        case.status == StatusMatch::Default && case.encoding == BodyEncoding::Empty
    });
    let fallback = if has_catch_all {
        quote!()
    } else {
        quote! { _ => Err(raw.unexpected(OPERATION)), }
    };
    quote! {
        match raw.status.as_u16() {
            #( #arms )*
            #fallback
        }
    }
}

fn accept_header(operation: &Operation) -> TokenStream {
    // JSON first and preferred: a server that can answer a status in JSON or in another type the
    // client also reads (CBOR, YAML, protobuf as bytes) should pick the typed one, so the others
    // get a lower `q`.
    let cases = || operation.success.cases.iter().chain(&operation.errors);
    let mut json: Vec<&str> = cases()
        .filter(|case| case.encoding == BodyEncoding::Json)
        .filter_map(|case| case.media_type.as_deref())
        .collect();
    json.sort_unstable();
    json.dedup();
    let mut others: Vec<&str> = cases()
        .filter(|case| case.encoding != BodyEncoding::Json)
        .filter_map(|case| case.media_type.as_deref())
        .filter(|media_type| !json.contains(media_type))
        .collect();
    others.sort_unstable();
    others.dedup();
    if json.is_empty() && others.is_empty() {
        return quote!();
    }
    let lowered = if json.is_empty() {
        others
            .iter()
            .map(|media_type| media_type.to_string())
            .collect::<Vec<_>>()
    } else {
        others
            .iter()
            .map(|media_type| format!("{media_type};q=0.5"))
            .collect()
    };
    let accept = json
        .iter()
        .map(|media_type| media_type.to_string())
        .chain(lowered)
        .collect::<Vec<_>>()
        .join(", ");
    quote! { request = request.header(reqwest::header::ACCEPT, #accept); }
}

fn call_method(api: &ApiModule, operation: &Operation, schemes: &[SecurityScheme]) -> TokenStream {
    let docs = doc_attributes(&operation.docs.text);
    let name = ident(&operation.method_name);
    let arguments = method_arguments(operation);
    let spec_name = &operation.spec_name;
    let success = success_type(operation);
    let server = super::servers::operation_server_expression(api, operation);
    let redirect = operation.kind == OperationKind::RedirectCall;
    let keep_request_url = if redirect {
        quote! { let request_url = url.clone(); }
    } else {
        quote!()
    };
    let redirect_docs = if redirect {
        doc_attributes(&redirect_call_docs(operation))
    } else if operation.success.enum_name.is_none() && !operation.success.cases.is_empty() {
        // One success type: no enum variant carries the responses' descriptions, so the method does.
        let mut lines = vec![String::new(), "On success:".to_string()];
        lines.extend(
            operation
                .success
                .cases
                .iter()
                .map(|case| outcome_item(&case.docs.text)),
        );
        doc_attributes(&lines.join("\n"))
    } else {
        quote!()
    };
    let error_type = ident(&operation.error_type);
    let path = path_statements(operation);
    let query = query_statements(operation);
    let http_method = ident(&operation.http_method);
    let send_query = if parameters_at(operation, ParameterLocation::Query).is_empty() {
        quote!()
    } else {
        quote! { request = request.query(&query); }
    };
    let headers = header_statements(operation);
    let security = security_statements(operation, schemes);
    let uses_token_source = operation.security.iter().any(|alternative| {
        matches!(alternative.as_slice(), [index] if schemes[*index].kind == SecuritySchemeKind::Bearer)
    });
    let bearer_tokens_declaration = if uses_token_source {
        quote! { let mut bearer_tokens: Option<&dyn crate::token::BearerTokenProvider> = None; }
    } else {
        quote! { let bearer_tokens = None; }
    };
    let retry_safe = operation.retry_safe;
    // Binary bodies (files, images) may be large; JSON, text and token bodies stay in the low MiB.
    let binary_response = operation
        .success
        .cases
        .iter()
        .chain(&operation.errors)
        .any(|case| case.encoding == BodyEncoding::Binary && case.type_ref != TypeRef::Unit);
    let default_max_response_bytes = if binary_response {
        quote!(crate::runtime::DEFAULT_MAX_BINARY_RESPONSE_BYTES)
    } else {
        quote!(crate::runtime::DEFAULT_MAX_RESPONSE_BYTES)
    };
    // A binary body is moved out of the response, not copied.
    let raw_binding = if binary_response {
        quote!(mut raw)
    } else {
        quote!(raw)
    };
    let body = body_statements(operation);
    let accept = accept_header(operation);
    let arms = response_arms(operation);
    quote! {
        #docs
        #redirect_docs
        pub async fn #name(&self, #arguments) -> Result<crate::runtime::ResponseValue<#success>, crate::runtime::Error<#error_type>> {
            const OPERATION: &str = #spec_name;
            #path
            let url = crate::runtime::endpoint_url(OPERATION, #server, encoded_path)?;
            #keep_request_url
            #query
            // Without parameters, body, credentials or Accept, nothing is added to the request.
            #[allow(unused_mut)]
            let mut request = self.http.request(reqwest::Method::#http_method, url);
            #send_query
            #accept
            #headers
            #bearer_tokens_declaration
            #security
            #body
            let context = crate::runtime::CallContext {
                provider: PROVIDER,
                operation: OPERATION,
                retry: &self.retry,
                limits: &self.limits,
                default_max_response_bytes: #default_max_response_bytes,
                retry_safe: #retry_safe,
                bearer_tokens,
            };
            let #raw_binding = crate::runtime::send(context, request).await?;
            #arms
        }
    }
}

fn url_builder_method(api: &ApiModule, operation: &Operation) -> TokenStream {
    let docs = doc_attributes(&operation.docs.text);
    let server = super::servers::operation_server_expression(api, operation);
    let name = ident(&operation.method_name);
    let arguments = method_arguments(operation);
    let spec_name = &operation.spec_name;
    let path = path_statements(operation);
    let query = query_statements(operation);
    let append_query = if parameters_at(operation, ParameterLocation::Query).is_empty() {
        quote!()
    } else {
        quote! {
            if !query.is_empty() {
                url.query_pairs_mut().extend_pairs(query.iter().map(|(name, value)| (name.as_str(), value.as_str())));
            }
        }
    };
    let mut outcome_lines = vec![String::new(), "The provider answers this request with a browser redirect, so this method only builds the URL to send the user to; it makes no HTTP call.".to_string()];
    for case in operation.success.cases.iter().chain(&operation.errors) {
        outcome_lines.push(outcome_item(&case.docs.text));
    }
    let outcome_docs = doc_attributes(&outcome_lines.join("\n"));
    quote! {
        #docs
        #outcome_docs
        pub fn #name(&self, #arguments) -> Result<url::Url, crate::runtime::Error<std::convert::Infallible>> {
            const OPERATION: &str = #spec_name;
            #path
            #[allow(unused_mut)]
            let mut url = crate::runtime::endpoint_url(OPERATION, #server, encoded_path)?;
            #query
            #append_query
            Ok(url)
        }
    }
}
