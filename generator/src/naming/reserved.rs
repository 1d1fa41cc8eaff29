//! The one table of names the generated code defines itself, which names from a spec must not take.
//! Lower reserves them before it hands out names, and emit builds its own names from the same functions.

/// Methods the generated `Client` defines itself (besides the per-scheme setters below), and the
/// trait methods it derives (`Clone`, `Debug`), which an inherent method of the same name would shadow.
pub const CLIENT_METHOD_NAMES: &[&str] = &[
    "new",
    "with_http_client",
    "with_retry_policy",
    "with_total_timeout",
    "with_max_response_bytes",
    "call_limits",
    "base_url",
    "http_client",
    "credentials",
    "clone",
    "clone_from",
    "fmt",
];

/// Items every provider module defines or re-exports at its top level. The types an operation adds
/// there (`{Op}Params`, `{Op}Error`, `{Op}Success`) must not take these names; schema types live in
/// the `types` module, where they cannot clash with them.
pub const PROVIDER_MODULE_ITEM_NAMES: &[&str] = &[
    "BasicCredentials",
    "Client",
    "ClientError",
    "Credentials",
    "Error",
    "ResponseValue",
    "RetryPolicy",
    "Secret",
    "TokenError",
    "TokenIssuer",
    "TokenSource",
    "DEFAULT_BASE_URL",
    "PROVIDER",
    "OPERATION",
    "types",
];

/// Crate-level modules every generated crate has, the crate root's own file (`src/lib.rs`), and
/// the crates its `lib.rs` re-exports (the HTTP and time types its public API takes), which a
/// provider module must not be named.
pub const RESERVED_MODULE_NAMES: &[&str] = &["runtime", "token", "lib", "reqwest", "url", "chrono"];

/// The `Client` method that sets a security scheme's credentials: `with_{scheme}`.
pub fn scheme_setter_method(scheme_rust_name: &str) -> String {
    format!("with_{scheme_rust_name}")
}

/// The `Credentials` field that holds a bearer scheme's token source: `{scheme}_tokens`.
pub fn scheme_token_source_field(scheme_rust_name: &str) -> String {
    format!("{}_tokens", scheme_rust_name.trim_end_matches('_'))
}

/// A security scheme's `Credentials` field name, unique in `credentials_fields` together with
/// the token source field a bearer scheme also adds: a scheme named `api_tokens` must not take the
/// token source field of a bearer scheme `api`, whichever comes first. The `Client` methods are
/// built from these field names, so they are unique too.
pub fn claim_scheme_field(
    credentials_fields: &mut super::UniqueNames,
    wanted: &str,
    is_bearer: bool,
) -> String {
    loop {
        let name = credentials_fields.claim(wanted);
        if !is_bearer {
            return name;
        }
        let token_source_field = scheme_token_source_field(&name);
        if credentials_fields.is_free(&token_source_field) {
            credentials_fields.reserve(&token_source_field);
            return name;
        }
    }
}

/// The `Client` method that sets a bearer scheme's token source: `with_{scheme}_tokens`.
pub fn scheme_token_source_setter_method(scheme_rust_name: &str) -> String {
    format!("with_{}", scheme_token_source_field(scheme_rust_name))
}

/// Every `Client` method name a security scheme adds (whatever its kind, to stay on the safe side).
pub fn scheme_method_names(scheme_rust_name: &str) -> [String; 2] {
    [
        scheme_setter_method(scheme_rust_name),
        scheme_token_source_setter_method(scheme_rust_name),
    ]
}

/// The `Client` field that holds an extra server's URL: `server_{server}`.
pub fn server_field_name(server_rust_name: &str) -> String {
    format!("server_{}", server_rust_name.trim_start_matches("r#"))
}

/// The module constant that holds an extra server's default URL: `{SERVER}_SERVER_URL`.
pub fn server_constant_name(server_rust_name: &str) -> String {
    format!(
        "{}_SERVER_URL",
        server_rust_name.trim_start_matches("r#").to_uppercase()
    )
}

/// The `Client` method that replaces an extra server's URL: `with_{server}_server`.
pub fn server_override_method(server_rust_name: &str) -> String {
    format!("with_{}_server", server_rust_name.trim_start_matches("r#"))
}

/// The constructor every generated struct has: it takes the required fields, in field order.
pub const STRUCT_CONSTRUCTOR_METHOD: &str = "new";

/// The builder-style setter of a struct's optional field: `with_{field}` (a raw keyword loses its `r#`).
pub fn optional_field_setter_method(field_rust_name: &str) -> String {
    format!("with_{}", field_rust_name.trim_start_matches("r#"))
}

/// The local binding in an operation's body that holds a security scheme's credentials:
/// `credential_{scheme}`.
pub fn credential_binding_name(scheme_rust_name: &str) -> String {
    format!("credential_{}", scheme_rust_name.trim_start_matches("r#"))
}

/// The conformance driver's function that calls an operation once: `call_{operation}`.
pub fn conformance_call_function(operation_method_name: &str) -> String {
    format!("call_{}", operation_method_name.trim_start_matches("r#"))
}

/// The conformance driver's function that exercises an operation: `exercise_{operation}`.
pub fn conformance_exercise_function(operation_method_name: &str) -> String {
    format!(
        "exercise_{}",
        operation_method_name.trim_start_matches("r#")
    )
}

/// The name Rust code gives a crate of this package name (`my-client` -> `my_client`).
pub fn crate_identifier(package_name: &str) -> String {
    package_name.replace('-', "_")
}
