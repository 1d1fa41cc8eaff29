//! Emits a provider's token source: `TokenError`, `TokenIssuer` (the token operation behind the runtime's
//! `TokenIssuer` trait) and the `TokenSource` alias with its one-line constructor.

use super::type_tokens::{type_tokens, Scope};
use crate::ir::{
    ApiModule, Operation, TokenField, TokenFlowPlan, TokenLifetime, TokenPlan, TypeRef,
};
use crate::naming::to_identifier_tokens;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

fn ident(name: &str) -> Ident {
    to_identifier_tokens(name)
}

/// The arguments an operation's method takes besides `&self`: (field name, type) pairs.
fn operation_inputs(operation: &Operation, body_field: &str) -> Vec<(Ident, TokenStream)> {
    let mut inputs = Vec::new();
    if let Some(parameters) = &operation.parameters_type {
        let parameters = ident(parameters);
        inputs.push((ident("parameters"), quote!(#parameters)));
    }
    if let Some(body) = &operation.body {
        inputs.push((
            ident(body_field),
            type_tokens(&body.type_ref, Scope::ProviderModule),
        ));
    }
    inputs
}

/// `self.<field>` arguments for a call to an operation, in the method's order.
fn call_arguments(operation: &Operation, owner: TokenStream, body: TokenStream) -> TokenStream {
    let parameters = operation
        .parameters_type
        .as_ref()
        .map(|_| quote!(&#owner.parameters,));
    let body = operation.body.as_ref().map(|request_body| {
        if request_body.required {
            quote!(#body,)
        } else {
            quote!(Some(#body),)
        }
    });
    quote!(#parameters #body)
}

/// An expression turning a response field into a `Secret` (required) or an `Option<Secret>`.
fn secret_expression(field: &TokenField, required: bool) -> TokenStream {
    let name = ident(&field.rust_name);
    let value = quote!(body.#name);
    match (&field.type_ref, required) {
        (TypeRef::Option(inner), true) if **inner == TypeRef::Secret => {
            quote!(#value.ok_or(TokenError::MissingAccessToken)?)
        }
        (TypeRef::Option(_), true) => {
            quote!(#value.map(crate::runtime::Secret::new).ok_or(TokenError::MissingAccessToken)?)
        }
        (TypeRef::Option(inner), false) if **inner == TypeRef::Secret => value,
        (TypeRef::Option(_), false) => quote!(#value.map(crate::runtime::Secret::new)),
        (TypeRef::Secret, true) => value,
        (TypeRef::Secret, false) => quote!(Some(#value)),
        (_, true) => quote!(crate::runtime::Secret::new(#value)),
        (_, false) => quote!(Some(crate::runtime::Secret::new(#value))),
    }
}

/// The lifetime conversion applied to `value` (a field's value without `Option`).
fn lifetime_conversion(lifetime: &TokenLifetime, value: TokenStream) -> TokenStream {
    match lifetime {
        TokenLifetime::Unknown => quote!(crate::token::Lifetime::Unknown),
        TokenLifetime::ExpiresIn(field) => match base(&field.type_ref) {
            TypeRef::Number { bits: 32 } => {
                quote!(crate::token::lifetime_from_fractional_seconds(f64::from(#value)))
            }
            TypeRef::Number { .. } => {
                quote!(crate::token::lifetime_from_fractional_seconds(#value))
            }
            TypeRef::Integer { unsigned: true, .. } => {
                quote!(crate::token::lifetime_from_seconds(i64::try_from(#value).unwrap_or(i64::MAX)))
            }
            TypeRef::Integer { bits: 32, .. } => {
                quote!(crate::token::lifetime_from_seconds(i64::from(#value)))
            }
            _ => quote!(crate::token::lifetime_from_seconds(#value)),
        },
        TokenLifetime::ExpiresAt(_) => quote!(crate::token::lifetime_until(#value)),
    }
}

fn lifetime_expression(lifetime: &TokenLifetime) -> TokenStream {
    let field = match lifetime {
        TokenLifetime::Unknown => return quote!(crate::token::Lifetime::Unknown),
        TokenLifetime::ExpiresIn(field) | TokenLifetime::ExpiresAt(field) => field,
    };
    let name = ident(&field.rust_name);
    if field.type_ref.is_option() {
        let convert = lifetime_conversion(lifetime, quote!(value));
        quote! {
            match body.#name {
                Some(value) => #convert,
                None => crate::token::Lifetime::Unknown,
            }
        }
    } else {
        lifetime_conversion(lifetime, quote!(body.#name))
    }
}

fn base(type_ref: &TypeRef) -> &TypeRef {
    match type_ref {
        TypeRef::Option(inner) => base(inner),
        other => other,
    }
}

fn refresh_expiry_expression(field: Option<&TokenField>) -> TokenStream {
    match field {
        None => quote!(None),
        Some(field) => {
            let name = ident(&field.rust_name);
            if field.type_ref.is_option() {
                quote!(body.#name.map(crate::token::system_time))
            } else {
                quote!(Some(crate::token::system_time(body.#name)))
            }
        }
    }
}

/// The token source items of a provider module, when it has a token plan.
pub fn token_source_items(api: &ApiModule) -> TokenStream {
    let Some(plan) = &api.token else {
        return quote!();
    };
    let token_operation = &api.operations[plan.operation];
    let token_error_type = ident(&token_operation.error_type);
    let success_type = type_tokens(
        &token_operation.success.cases[0].type_ref,
        Scope::ProviderModule,
    );
    let access_token = secret_expression(&plan.access_token, true);
    let refresh_token = plan
        .refresh_token
        .as_ref()
        .map_or(quote!(None), |field| secret_expression(field, false));
    let lifetime = lifetime_expression(&plan.lifetime);
    let refresh_expiry = refresh_expiry_expression(plan.refresh_token_expires_at.as_ref());

    let token_inputs = operation_inputs(token_operation, "request");
    let (issuer_fields, issuer_constructor, issue_body, extra_error_variants, source_methods) =
        match &plan.flow {
            TokenFlowPlan::ClientCredentials => {
                client_credentials_parts(token_operation, &token_inputs)
            }
            TokenFlowPlan::AuthorizationCode {
                authorize_operation,
                code_field,
            } => authorization_code_parts(
                &api.operations[*authorize_operation],
                token_operation,
                code_field,
                &token_inputs,
            ),
        };
    let refresh_method = refresh_method(api, plan);
    // The pending authorizations age on the source's clock, so a `ManualClock` expires their states too.
    let clock_method = match &plan.flow {
        TokenFlowPlan::ClientCredentials => quote!(),
        TokenFlowPlan::AuthorizationCode { .. } => quote! {
            fn use_clock(&self, clock: &std::sync::Arc<dyn crate::token::Clock>) {
                self.pending.use_clock(std::sync::Arc::clone(clock));
            }
        },
    };
    let doc_issuer = format!(
        " Gets tokens for a [`TokenSource`] from [`Client::{}`].",
        token_operation.method_name
    );
    let doc_source = format!(
        " Caches the tokens [`Client::{}`] issues and renews them before they expire; see [`crate::token::TokenSource`].",
        token_operation.method_name
    );
    quote! {
        /// Why the token source could not produce a token.
        ///
        /// `Clone`: every caller that waited for one token request gets its outcome. The endpoint's
        /// error is shared behind an `Arc`, so a documented error body of megabytes is not copied
        /// for each of them.
        #[derive(Debug, Clone, thiserror::Error)]
        pub enum TokenError {
            /// The token endpoint answered with an error, or could not be reached.
            #[error(transparent)]
            Endpoint(std::sync::Arc<crate::runtime::Error<#token_error_type>>),
            /// The token response carries no access token.
            #[error("the token response carries no access token")]
            MissingAccessToken,
            /// The refresh request could not be built from the token request.
            #[error("cannot build the token request: {0}")]
            TokenRequest(String),
            #extra_error_variants
        }

        impl From<crate::runtime::Error<#token_error_type>> for TokenError {
            fn from(error: crate::runtime::Error<#token_error_type>) -> Self {
                TokenError::Endpoint(std::sync::Arc::new(error))
            }
        }

        #[doc = #doc_issuer]
        #[derive(Debug, Clone)]
        pub struct TokenIssuer {
            #issuer_fields
        }

        impl TokenIssuer {
            #issuer_constructor
        }

        fn issued_token(body: #success_type) -> Result<crate::token::IssuedToken, TokenError> {
            Ok(crate::token::IssuedToken {
                access_token: #access_token,
                lifetime: #lifetime,
                refresh_token: #refresh_token,
                refresh_token_expires_at: #refresh_expiry,
            })
        }

        impl crate::token::TokenIssuer for TokenIssuer {
            type Error = TokenError;

            async fn issue(&self) -> Result<crate::token::IssuedToken, TokenError> {
                #issue_body
            }

            #refresh_method

            #clock_method

            fn call_settings(&self) -> crate::token::CallSettings<'_> {
                crate::token::CallSettings {
                    provider: PROVIDER,
                    http: &self.client.http,
                    retry: &self.client.retry,
                    limits: &self.client.limits,
                }
            }
        }

        #[doc = #doc_source]
        pub type TokenSource = crate::token::TokenSource<TokenIssuer>;

        impl crate::token::TokenSource<TokenIssuer> {
            #source_methods
        }

    }
}

type Parts = (
    TokenStream,
    TokenStream,
    TokenStream,
    TokenStream,
    TokenStream,
);

fn field_declarations(inputs: &[(Ident, TokenStream)]) -> TokenStream {
    let fields = inputs
        .iter()
        .map(|(name, field_type)| quote!(#name: #field_type,));
    quote!(#( #fields )*)
}

fn client_credentials_parts(
    token_operation: &Operation,
    token_inputs: &[(Ident, TokenStream)],
) -> Parts {
    let token_method = ident(&token_operation.method_name);
    let fields = field_declarations(token_inputs);
    let names: Vec<&Ident> = token_inputs.iter().map(|(name, _)| name).collect();
    let arguments = token_inputs
        .iter()
        .map(|(name, field_type)| quote!(#name: #field_type));
    let constructor_arguments: Vec<TokenStream> = arguments.collect();
    let call = call_arguments(token_operation, quote!(self), quote!(&self.request));
    let issuer_fields = quote! {
        client: Client,
        #fields
    };
    let issuer_constructor = quote! {
        /// An issuer that calls the token operation with `client` and these inputs whenever a token is needed.
        pub fn new(client: Client, #( #constructor_arguments ),*) -> Self {
            TokenIssuer { client, #( #names ),* }
        }
    };
    let issue_body = quote! {
        let response = self.client.#token_method(#call).await?;
        issued_token(response.into_inner())
    };
    let source_methods = quote! {
        /// A token source for `client` and these token-request inputs: the one line of setup.
        pub fn for_client(client: Client, #( #constructor_arguments ),*) -> Self {
            Self::new(TokenIssuer::new(client, #( #names ),*))
        }
    };
    (
        issuer_fields,
        issuer_constructor,
        issue_body,
        quote!(),
        source_methods,
    )
}

fn authorization_code_parts(
    authorize_operation: &Operation,
    token_operation: &Operation,
    code_field: &str,
    token_inputs: &[(Ident, TokenStream)],
) -> Parts {
    let authorize_method = ident(&authorize_operation.method_name);
    let token_method = ident(&token_operation.method_name);
    let mut inputs: Vec<(Ident, TokenStream)> = Vec::new();
    if let Some(parameters) = &authorize_operation.parameters_type {
        let parameters = ident(parameters);
        inputs.push((ident("authorize_parameters"), quote!(#parameters)));
    }
    inputs.extend(token_inputs.iter().cloned());
    let fields = field_declarations(&inputs);
    let names: Vec<&Ident> = inputs.iter().map(|(name, _)| name).collect();
    let constructor_arguments: Vec<TokenStream> = inputs
        .iter()
        .map(|(name, field_type)| quote!(#name: #field_type))
        .collect();
    let authorize_call = if authorize_operation.parameters_type.is_some() {
        quote!(self.client.#authorize_method(&self.authorize_parameters))
    } else {
        quote!(self.client.#authorize_method())
    };
    let exchange_call = call_arguments(token_operation, quote!(issuer), quote!(&request));
    // PKCE where the provider's spec accepts it: its authorization URL takes a `code_challenge`.
    let pkce = authorize_operation
        .parameters
        .iter()
        .any(|parameter| parameter.wire_name == "code_challenge");
    let pkce_doc = if pkce {
        " The URL carries a PKCE `S256` code challenge (the spec's authorization URL takes `code_challenge`), and the exchange its verifier."
    } else {
        " No PKCE: the spec's authorization URL takes no `code_challenge`."
    };
    let issuer_fields = quote! {
        client: Client,
        #fields
        pending: crate::token::PendingAuthorizations,
    };
    let issuer_constructor = quote! {
        /// An issuer for the authorization-code flow: `authorize_parameters` build the URL the user is sent
        /// to, and the token request is the template for exchanging the code the redirect brings back.
        pub fn new(client: Client, #( #constructor_arguments ),*) -> Self {
            TokenIssuer { client, #( #names, )* pending: crate::token::PendingAuthorizations::default() }
        }

        /// A fresh authorization URL: the parameters' URL with a new unguessable `state` (any `state` in
        /// the parameters is replaced), remembered until the redirect comes back.
        #[doc = #pkce_doc]
        fn start_authorization(&self) -> Result<url::Url, TokenError> {
            let mut authorize_url = #authorize_call.map_err(|error| TokenError::TokenRequest(error.to_string()))?;
            self.pending.begin(&mut authorize_url, #pkce).map_err(TokenError::TokenRequest)?;
            Ok(authorize_url)
        }
    };
    let issue_body = quote! {
        // No token can be issued without the user: say where to send them.
        let authorize_url = self.start_authorization()?;
        Err(TokenError::AuthorizationRequired { authorize_url })
    };
    let extra_error_variants = quote! {
        /// The token expired and cannot be renewed without the user: send them to `authorize_url`, then
        /// pass the `code` and `state` from the redirect to `TokenSource::complete_authorization`.
        #[error("authorization required: the user must authorize again")]
        AuthorizationRequired {
            /// A fresh authorization URL, with its own `state`.
            authorize_url: url::Url,
        },
        /// The redirect's `state` is not one this source put on an authorization URL (a forged or
        /// replayed redirect, or one older than 10 minutes); no code was exchanged.
        #[error(transparent)]
        StateMismatch(#[from] crate::token::StateMismatch),
    };
    let source_methods = quote! {
        /// A token source for the authorization-code flow: the one line of setup.
        pub fn for_client(client: Client, #( #constructor_arguments ),*) -> Self {
            Self::new(TokenIssuer::new(client, #( #names ),*))
        }

        /// A URL to send the user to, with a fresh `state` this source remembers (also carried by
        /// [`TokenError::AuthorizationRequired`]). Each call starts a new authorization.
        pub fn authorize_url(&self) -> Result<url::Url, TokenError> {
            self.issuer().start_authorization()
        }

        /// Completes an authorization with the `code` and `state` the redirect brought back: a `state`
        /// this source did not issue, or already used, is [`TokenError::StateMismatch`] and nothing is
        /// sent. Otherwise the code is exchanged for a token, which is cached.
        pub async fn complete_authorization(&self, code: &str, state: &str) -> Result<crate::runtime::Secret, TokenError> {
            let issuer = self.issuer();
            let code_verifier = issuer.pending.complete(state)?;
            let mut fields = vec![(#code_field, code)];
            if let Some(code_verifier) = &code_verifier {
                fields.push(("code_verifier", code_verifier.expose()));
            }
            let request = crate::token::overlay_request(&issuer.request, &fields).map_err(TokenError::TokenRequest)?;
            let response = issuer.client.#token_method(#exchange_call).await?;
            let issued = issued_token(response.into_inner())?;
            let access_token = issued.access_token.clone();
            self.set_token(issued);
            Ok(access_token)
        }
    };
    (
        issuer_fields,
        issuer_constructor,
        issue_body,
        extra_error_variants,
        source_methods,
    )
}

fn refresh_method(api: &ApiModule, plan: &TokenPlan) -> TokenStream {
    let Some(refresh) = &plan.refresh else {
        return quote!();
    };
    let operation = &api.operations[refresh.operation];
    let method = ident(&operation.method_name);
    let token_field = &refresh.refresh_token_field;
    let fixed = refresh
        .set
        .iter()
        .map(|(name, value)| quote!((#name, #value),));
    let call = call_arguments(operation, quote!(self), quote!(&request));
    quote! {
        async fn refresh(&self, refresh_token: &crate::runtime::Secret) -> Result<Option<crate::token::IssuedToken>, TokenError> {
            let request = crate::token::overlay_request(&self.request, &[#( #fixed )* (#token_field, refresh_token.expose())])
                .map_err(TokenError::TokenRequest)?;
            let response = self.client.#method(#call).await?;
            issued_token(response.into_inner()).map(Some)
        }
    }
}
