//! The conformance driver: a small binary crate beside a generated client crate that calls every
//! operation through the client's public API against Stoplight Prism, with request values
//! synthesized from the IR (`conformance_values`), and prints one JSON line per request for
//! `cargo xtask conformance`.
//!
//! Request values are built with `serde_json::from_str` into the client's own types (never struct
//! literals), so the driver keeps compiling when types gain fields or become `#[non_exhaustive]`.

use super::conformance_values::{Fill, ValueSynthesizer};
use crate::error::GeneratorError;
use crate::ir::{ApiModule, Operation, OperationKind, SecuritySchemeKind, StatusMatch};
use crate::naming::{
    conformance_call_function, conformance_exercise_function, crate_identifier,
    scheme_setter_method, to_identifier_tokens,
};
use crate::GeneratedFile;
use proc_macro2::TokenStream;
use quote::quote;

/// The build profile of every driver (the driver is its workspace's root, so it sets the profile of
/// the client crate and the dependencies too). A driver of a large document compiles a client of
/// 100,000 lines or more in debug: without debug information rustc and the linker do far less
/// work, and nobody debugs a driver.
const DRIVER_PROFILE: &str = "\n# Drivers are built, run once and thrown away: no debug information, no incremental state.\n[profile.dev]\ndebug = 0\nincremental = false\n";

const SUPPORT_TEMPLATE: &str = concat!(
    include_str!("../../templates/conformance_support.rs"),
    "\n",
    include_str!("../../templates/conformance_violations.rs"),
);

/// The part of the driver's support that reads Prism's answers, compiled here to be tested.
#[cfg(test)]
#[path = "../../templates/conformance_violations.rs"]
mod conformance_violations_template;

/// The driver crate's files (`Cargo.toml`, `src/main.rs`, `src/support.rs`) for the client crate
/// `client_crate` (its package name) at `client_path` (relative to the driver crate), which holds
/// `api` as its one module.
pub fn conformance_driver_files(
    api: &ApiModule,
    client_crate: &str,
    client_path: &str,
) -> Result<Vec<GeneratedFile>, GeneratorError> {
    let driver_name = format!("{client_crate}-conformance");
    let cargo_toml = format!(
        "{header}\n[package]\nname = \"{driver_name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{client_crate} = {{ path = {client_path:?} }}\nreqwest = {{ version = \"0.12\", default-features = false, features = [\"rustls-tls\"] }}\nserde = \"1\"\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\n# A crate of its own, not a member of an enclosing workspace.\n[workspace]\n{DRIVER_PROFILE}",
        header = crate::format::TOML_HEADER,
    );
    let main = crate::format::format_rust_file("src/main.rs", main_tokens(api, client_crate))?;
    Ok(vec![
        GeneratedFile {
            path: "Cargo.toml".to_string(),
            contents: cargo_toml,
        },
        GeneratedFile {
            path: "src/main.rs".to_string(),
            contents: main,
        },
        GeneratedFile {
            path: "src/support.rs".to_string(),
            contents: crate::format::with_rust_header(SUPPORT_TEMPLATE),
        },
    ])
}

fn main_tokens(api: &ApiModule, client_crate: &str) -> TokenStream {
    let client_crate = to_identifier_tokens(&crate_identifier(client_crate));
    let module = to_identifier_tokens(&api.module_name);
    let synthesizer = ValueSynthesizer::new(api);
    let configure = configure_client(api);
    let functions = api
        .operations
        .iter()
        .map(|operation| operation_function(&synthesizer, operation));
    let calls = api
        .operations
        .iter()
        .map(|operation| operation_call(&synthesizer, operation));
    let exercise_names = api.operations.iter().map(exercise_function_name);
    let doc = format!(
        " Conformance driver for `{}`: every operation, called through the generated client against Prism.",
        api.module_name
    );
    quote! {
        #![doc = #doc]
        #![allow(unused_variables, unused_mut, unreachable_patterns, clippy::all)]

        mod support;

        use #client_crate::#module as api;

        /// The client every call uses: Prism's URL for every server, and credentials for every scheme.
        fn client(run: &support::Run, prefer: &support::Prefer) -> Result<api::Client, String> {
            let client = api::Client::with_http_client(&run.base_url, prefer.http_client())
                .map_err(|error| error.to_string())?;
            #configure
            Ok(client)
        }

        #( #functions )*

        #( #calls )*

        /// Every operation's checks, in the document's order.
        const OPERATIONS: &[support::Exercise] = &[ #( #exercise_names ),* ];

        #[tokio::main(flavor = "current_thread")]
        async fn main() {
            let run = support::Run::from_args();
            for exercise in OPERATIONS {
                exercise(run.clone()).await;
            }
        }
    }
}

/// Statements that point every server at Prism and set every security scheme's credentials.
fn configure_client(api: &ApiModule) -> TokenStream {
    let servers = api.servers.iter().map(|server| {
        let method = to_identifier_tokens(&server.override_method);
        quote! { let client = client.#method(&run.base_url).map_err(|error| error.to_string())?; }
    });
    let schemes = api.security_schemes.iter().map(|scheme| {
        let method = to_identifier_tokens(&scheme_setter_method(&scheme.rust_name));
        match scheme.kind {
            SecuritySchemeKind::Basic { .. } => {
                quote! { let client = client.#method("conformance-user", "conformance-password"); }
            }
            SecuritySchemeKind::Bearer => {
                quote! { let client = client.#method("conformance-token"); }
            }
            SecuritySchemeKind::ApiKey { .. } => {
                quote! { let client = client.#method("conformance-key"); }
            }
        }
    });
    quote! { #( #servers )* #( #schemes )* }
}

fn function_name(operation: &Operation) -> proc_macro2::Ident {
    to_identifier_tokens(&conformance_call_function(&operation.method_name))
}

fn exercise_function_name(operation: &Operation) -> proc_macro2::Ident {
    to_identifier_tokens(&conformance_exercise_function(&operation.method_name))
}

/// `async fn call_<op>(run, prefer, required_only) -> Outcome`: builds the values and calls.
fn operation_function(synthesizer: &ValueSynthesizer<'_>, operation: &Operation) -> TokenStream {
    let name = function_name(operation);
    let method = to_identifier_tokens(&operation.method_name);
    let mut build = Vec::new();
    let mut arguments = Vec::new();
    if operation.parameters_type.is_some() {
        let full = synthesizer.parameters(operation, Fill::Full).to_string();
        let required = synthesizer
            .parameters(operation, Fill::Required)
            .to_string();
        build.push(quote! {
            let parameters = match support::value(if required_only { #required } else { #full }) {
                Ok(value) => value,
                Err(error) => return support::Outcome::BuildFailed(format!("parameters: {error}")),
            };
        });
        arguments.push(quote!(&parameters));
    }
    if let Some(body) = &operation.body {
        let full = synthesizer.body(operation, Fill::Full).to_string();
        let required = synthesizer.body(operation, Fill::Required).to_string();
        build.push(quote! {
            let body = match support::value(if required_only { #required } else { #full }) {
                Ok(value) => value,
                Err(error) => return support::Outcome::BuildFailed(format!("body: {error}")),
            };
        });
        if body.required {
            arguments.push(quote!(&body));
        } else {
            // Sent with the required fields too: Prism refuses a request without a body whose
            // schema has required properties, even when the document makes the body optional.
            arguments.push(quote!(Some(&body)));
        }
    }
    let call = match operation.kind {
        OperationKind::UrlBuilder => quote! {
            match client.#method(#( #arguments ),*) {
                Ok(url) => support::navigate(&prefer, url.as_str()).await,
                Err(error) => support::Outcome::NoResponse(error.to_string()),
            }
        },
        OperationKind::Call | OperationKind::RedirectCall => {
            let error_type = to_identifier_tokens(&operation.error_type);
            let variant = if operation.errors.is_empty() {
                quote!(None)
            } else {
                let arms = operation.errors.iter().map(|case| {
                    let variant = to_identifier_tokens(&case.variant_name);
                    let text = &case.variant_name;
                    quote! { api::#error_type::#variant(..) => #text, }
                });
                // The error enums are `#[non_exhaustive]`: a variant this driver was not generated
                // with is named as such, and then differs from the expected one.
                quote!(error.error_body().map(|body| match body {
                    #( #arms )*
                    _ => "a variant the driver does not know",
                }))
            };
            quote! {
                match client.#method(#( #arguments ),*).await {
                    Ok(value) => support::Outcome::success(value.status().as_u16(), value.headers()),
                    Err(error) => {
                        let kind = match &error {
                            api::Error::ErrorResponse { .. } => "a documented error",
                            api::Error::UnexpectedResponse { .. } => "an undocumented response",
                            api::Error::InvalidResponseBody { .. } => "a body that does not decode",
                            api::Error::ResponseTooLarge { .. } => "a body too large",
                            api::Error::Timeout { .. } => "a timeout",
                            _ => "another error",
                        };
                        let variant: Option<&'static str> = #variant;
                        // Prism names the violations of a request it rejects in its own
                        // problem+json body when the document has no response for that.
                        let undocumented_body = match &error {
                            api::Error::UnexpectedResponse { body, .. }
                            | api::Error::InvalidResponseBody { body, .. } => Some(body.as_bytes()),
                            _ => None,
                        };
                        support::Outcome::error(
                            error.status().map(|status| status.as_u16()),
                            error.headers(),
                            kind,
                            variant,
                            error.to_string(),
                            undocumented_body,
                        )
                    }
                }
            }
        }
    };
    quote! {
        async fn #name(run: support::Run, prefer: support::Prefer, required_only: bool) -> support::Outcome {
            let client = match client(&run, &prefer) {
                Ok(client) => client,
                Err(error) => return support::Outcome::NoResponse(error),
            };
            #( #build )*
            #call
        }
    }
}

/// The success case the lower stage adds to an operation that documents none (any 2xx, no body):
/// Prism cannot be asked for it, and an unforced call gets one of the documented errors instead.
fn is_undocumented_success(case: &crate::ir::ResponseCase) -> bool {
    case.status == StatusMatch::Range(2)
        && case.encoding == crate::ir::BodyEncoding::Empty
        && case.media_type.is_none()
        && case.type_ref == crate::ir::TypeRef::Unit
}

/// The status Prism is asked for to get `status`: a listed code as is; for a range (`4XX`) and
/// `default`, a code the operation does not list otherwise (Prism answers an unlisted
/// `Prefer: code=N` with the range's or the `default` response).
fn forced_code(status: StatusMatch, listed: &[StatusMatch]) -> Option<u16> {
    let free = |code: u16| {
        !listed.iter().any(|other| match *other {
            StatusMatch::Code(listed_code) => listed_code == code,
            StatusMatch::Range(digit) => digit == code / 100 && status != *other,
            StatusMatch::Default => false,
        })
    };
    match status {
        StatusMatch::Code(code) => Some(code),
        StatusMatch::Range(digit) => (digit * 100..digit * 100 + 100).find(|code| free(*code)),
        // Not 500: with `--errors` Prism answers 500 when its own response breaks the document.
        StatusMatch::Default => [599, 418, 520, 499, 299]
            .into_iter()
            .find(|code| free(*code)),
    }
}

const NO_FREE_CODE: &str =
    "every status this range or `default` could stand for is listed on its own, so Prism never answers with it";

const OWN_PREFER: &str =
    "the operation has a `Prefer` header parameter of its own, which Prism's `Prefer: code=N` would break or be replaced by";

fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(digit) => format!("{digit}XX"),
        StatusMatch::Default => "default".to_string(),
    }
}

/// `fn exercise_<op>(run) -> Box<Future>`: `support::exercise(&run, &Plan { .. }, |prefer,
/// required_only| call_<op>(..))`, boxed. One small function per operation, and `main` loops over
/// them: one `async fn main` awaiting every operation in turn is one enormous state machine, which
/// rustc is slow to compile for a document of a thousand operations.
fn operation_call(synthesizer: &ValueSynthesizer<'_>, operation: &Operation) -> TokenStream {
    let form_array_fields = synthesizer.form_array_fields(operation);
    let form_body = operation
        .body
        .as_ref()
        .is_some_and(|body| body.encoding == crate::ir::BodyEncoding::Form);
    let multipart_body = operation
        .body
        .as_ref()
        .is_some_and(|body| body.encoding == crate::ir::BodyEncoding::Multipart);
    let name = function_name(operation);
    let spec_name = &operation.spec_name;
    let mut success_codes = Vec::new();
    let mut error_cases = Vec::new();
    let mut not_forced = Vec::new();
    // Prism is asked for a status in the `Prefer` header; an operation's own `Prefer` parameter
    // (Okta's `Prefer: respond-async`) takes its place when it is set, and Prism checks Prism's
    // own `Prefer: code=N` against that parameter's schema when it is not.
    let own_prefer = operation.parameters.iter().any(|parameter| {
        parameter.location == crate::ir::ParameterLocation::Header
            && parameter.wire_name.eq_ignore_ascii_case("prefer")
    });
    if operation.kind != OperationKind::UrlBuilder {
        let listed: Vec<StatusMatch> = operation
            .success
            .cases
            .iter()
            .chain(&operation.errors)
            .map(|case| case.status)
            .collect();
        for case in operation
            .success
            .cases
            .iter()
            .filter(|case| !is_undocumented_success(case))
        {
            match forced_code(case.status, &listed) {
                Some(code) if !success_codes.contains(&code) => success_codes.push(code),
                Some(_) => {}
                None => not_forced.push((status_text(case.status), NO_FREE_CODE)),
            }
        }
        for case in &operation.errors {
            match forced_code(case.status, &listed) {
                Some(code) => {
                    if !error_cases.iter().any(|(known, _)| *known == code) {
                        error_cases.push((code, case.variant_name.clone()));
                    }
                }
                None => not_forced.push((status_text(case.status), NO_FREE_CODE)),
            }
        }
    }
    if own_prefer {
        // Only the unforced call stays: every status Prism would be asked for is named instead.
        let first_success = success_codes.first().copied();
        for code in success_codes.drain(..).skip(1) {
            not_forced.push((code.to_string(), OWN_PREFER));
        }
        success_codes.extend(first_success);
        for (code, _) in error_cases.drain(..) {
            not_forced.push((code.to_string(), OWN_PREFER));
        }
    }
    let has_optional = synthesizer.parameters(operation, Fill::Full)
        != synthesizer.parameters(operation, Fill::Required)
        || operation.body.as_ref().is_some_and(|body| {
            !body.required
                || synthesizer.body(operation, Fill::Full)
                    != synthesizer.body(operation, Fill::Required)
        });
    let errors_only = operation.kind != OperationKind::UrlBuilder
        && operation.success.cases.iter().all(is_undocumented_success)
        && !operation.errors.is_empty();
    // Prism needs a documented response to answer with (`NO_RESPONSE_RESPONSE_DEFINED`).
    let skip = if operation.kind != OperationKind::UrlBuilder
        && operation.success.cases.iter().all(is_undocumented_success)
        && operation.errors.is_empty()
    {
        quote!(Some("the operation documents no response, and Prism answers every request to it with its own 500 (NO_RESPONSE_RESPONSE_DEFINED)"))
    } else {
        quote!(None)
    };
    let error_cases = error_cases
        .iter()
        .map(|(code, variant)| quote! { (#code, #variant) });
    let not_forced = not_forced
        .iter()
        .map(|(status, reason)| quote! { (#status, #reason) });
    let exercise_name = exercise_function_name(operation);
    quote! {
        fn #exercise_name(run: support::Run) -> support::Exercising {
            Box::pin(async move {
        support::exercise(
            &run,
            &support::Plan {
                operation: #spec_name,
                success_codes: &[ #( #success_codes ),* ],
                error_cases: &[ #( #error_cases ),* ],
                not_forced: &[ #( #not_forced ),* ],
                has_optional: #has_optional,
                skip: #skip,
                errors_only: #errors_only,
                form_array_fields: &[ #( #form_array_fields ),* ],
                form_body: #form_body,
                multipart_body: #multipart_body,
            },
            |prefer, required_only| #name(run.clone(), prefer, required_only),
        )
        .await;
            })
        }
    }
}

#[cfg(test)]
mod violations_tests {
    use super::conformance_violations_template::header_violations;
    use serde_json::json;

    #[test]
    fn a_cut_off_violations_header_still_names_its_whole_violations() {
        let whole = r#"[{"location":["request","body"],"message":"must be object"}]"#;
        assert_eq!(
            header_violations(whole),
            vec![json!({"location": ["request", "body"], "message": "must be object"})]
        );
        // Prism's form for a long list: a prefix, and the list cut mid-object.
        let cut = r#"Too many violations! [{"location":["response","body","output","0"],"code":"required"},{"location":["response","body"],"code":"enum"},{"location":["response","body","output","0"],"severity":"Error","code":"required","messag"#;
        let violations = header_violations(cut);
        assert_eq!(violations.len(), 2, "{violations:?}");
        assert!(violations
            .iter()
            .all(|violation| violation["location"][0] == "response"));
        for nothing in [
            "",
            "Too many violations!",
            "[",
            "[{",
            "not json",
            "[1, 2]",
            "{}",
        ] {
            assert!(
                header_violations(nothing).is_empty(),
                "{nothing}: {:?}",
                header_violations(nothing)
            );
        }
    }
}
