//! The crate-level files: `Cargo.toml`, `src/lib.rs`, and the provenance manifest.

use crate::api_surface::release::INITIAL_CRATE_VERSION;
use crate::format::TOML_HEADER;
use proc_macro2::TokenStream;
use quote::quote;
use serde::Serialize;

/// Provenance of one module, recorded once in the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestEntry {
    /// Module and feature name.
    pub module: String,
    /// The spec file, as the caller named it.
    pub spec: String,
    /// SHA-256 of the spec bytes.
    pub spec_sha256: String,
    /// The `openapi` version the spec declares.
    pub openapi_version: String,
    /// Where the spec comes from.
    pub source_url: String,
    /// `file`, `embedded` or `authored`.
    pub source_kind: String,
    /// The OpenAPI Overlay applied after load, when the provider has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overlay: Option<String>,
    /// SHA-256 of the overlay's bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overlay_sha256: Option<String>,
    /// How many operations were generated.
    pub operations: usize,
    /// How many named types were generated.
    pub types: usize,
}

#[derive(Serialize)]
struct Manifest<'a> {
    generator: &'a str,
    generator_version: &'a str,
    regenerate_with: &'a str,
    files: &'a [String],
    provider: &'a [ManifestEntry],
}

/// `manifest.toml`: generator version, the files the generator owns, and each spec's provenance.
pub fn manifest_toml(files: &[String], entries: &[ManifestEntry]) -> String {
    let manifest = Manifest {
        generator: crate::MANIFEST_GENERATOR,
        generator_version: env!("CARGO_PKG_VERSION"),
        regenerate_with: "cargo xtask gen",
        files,
        provider: entries,
    };
    // Serializing plain strings, numbers and arrays of them cannot fail.
    let body = toml::to_string_pretty(&manifest).unwrap_or_default();
    format!("{TOML_HEADER}\n{body}")
}

/// The crate's `Cargo.toml`: one feature per module, all on by default. `runtime_parts[i]` is what
/// `modules[i]` uses of the runtime: a module's feature turns those parts on in the runtime crate
/// (a standalone crate depends on its own copy of the runtime instead, with exactly the parts its
/// modules use, see [`crate::runtime_source`]).
pub fn cargo_toml(
    crate_name: &str,
    description: &str,
    modules: &[String],
    runtime_parts: &[std::collections::BTreeSet<crate::runtime_source::RuntimePart>],
    standalone: bool,
) -> String {
    let feature_list = modules
        .iter()
        .map(|module| format!("\"{module}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let runtime_package = crate::runtime_source::RUNTIME_PACKAGE;
    let features = modules
        .iter()
        .enumerate()
        .map(|(index, module)| {
            let parts = runtime_parts.get(index).into_iter().flatten();
            let enabled: Vec<String> = if standalone {
                Vec::new()
            } else {
                parts
                    .map(|part| format!("\"{runtime_package}/{}\"", part.feature()))
                    .collect()
            };
            format!("{module} = [{}]\n", enabled.join(", "))
        })
        .collect::<String>();
    let (workspace, runtime_dependency) = if standalone {
        let package = crate::runtime_source::runtime_copy_package(crate_name);
        let folder = crate::runtime_source::RUNTIME_COPY_FOLDER;
        (
            "\n# A crate of its own, not a member of an enclosing workspace.\n[workspace]\n",
            format!(
                "{package} = {{ path = \"{folder}\", version = \"{RUNTIME_COPY_VERSION}\" }}\n"
            ),
        )
    } else {
        ("", format!("{runtime_package} = {{ workspace = true }}\n"))
    };
    format!(
        r#"{TOML_HEADER}
[package]
name = "{crate_name}"
version = "{INITIAL_CRATE_VERSION}"
edition = "2021"
rust-version = "1.82"
description = "{description}"
license = "MIT OR Apache-2.0"
publish = false

[features]
default = [{feature_list}]
{features}
[dependencies]
{runtime_dependency}{dependencies}{workspace}"#,
        dependencies = runtime_dependency_lines(),
    )
}

/// The runtime's dependencies, as both a generated crate and a standalone crate's copy of the
/// runtime name them (the versions of `generator/runtime/Cargo.toml`): each package's name and its
/// requirement, as written in `Cargo.toml`. The one list of them: `gen --spec` refuses a crate
/// named like one of these (see [`runtime_dependency_names`]).
const RUNTIME_DEPENDENCIES: &[(&str, &str)] = &[
    ("base64", r#""0.22""#),
    ("bytes", r#""1""#),
    (
        "chrono",
        r#"{ version = "0.4", default-features = false, features = ["serde", "std"] }"#,
    ),
    ("fastrand", r#""2""#),
    ("form_urlencoded", r#""1""#),
    ("getrandom", r#""0.2""#),
    ("memchr", r#""2""#),
    ("percent-encoding", r#""2""#),
    (
        "reqwest",
        r#"{ version = "0.12", default-features = false, features = ["json", "rustls-tls"] }"#,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    ("serde_json", r#""1""#),
    ("serde_path_to_error", r#""0.1""#),
    ("serde_urlencoded", r#""0.7""#),
    ("sha2", r#""0.10""#),
    ("thiserror", r#""2""#),
    ("tokio", r#"{ version = "1", features = ["sync", "time"] }"#),
    ("tracing", r#""0.1""#),
    ("url", r#""2""#),
    ("zeroize", r#""1""#),
];

/// The `[dependencies]` lines of [`RUNTIME_DEPENDENCIES`].
fn runtime_dependency_lines() -> String {
    RUNTIME_DEPENDENCIES
        .iter()
        .map(|(package, requirement)| format!("{package} = {requirement}\n"))
        .collect()
}

/// The packages every generated crate (and a standalone crate's runtime copy) depends on, by name.
pub fn runtime_dependency_names() -> impl Iterator<Item = &'static str> {
    RUNTIME_DEPENDENCIES.iter().map(|(package, _)| *package)
}

/// The version of a standalone crate's copy of the runtime: its sources change only with the generator.
const RUNTIME_COPY_VERSION: &str = "0.1.0";

/// `runtime/Cargo.toml` of a standalone crate named `crate_name`: its copy of the runtime, a crate
/// of its own (a member of the standalone crate's workspace, as a path dependency inside it).
pub fn runtime_copy_cargo_toml(crate_name: &str) -> String {
    let package = crate::runtime_source::runtime_copy_package(crate_name);
    format!(
        r#"{TOML_HEADER}
[package]
name = "{package}"
version = "{RUNTIME_COPY_VERSION}"
edition = "2021"
rust-version = "1.82"
description = "The runtime of {crate_name}: secrets, errors, the request path, the token lifecycle (a copy of the generator's runtime crate)."
license = "MIT OR Apache-2.0"
publish = false

[dependencies]
{dependencies}"#,
        dependencies = runtime_dependency_lines(),
    )
}

/// `src/lib.rs`: crate docs, lints, the runtime and one feature-gated module per provider. The
/// runtime is the library `runtime_library` re-exported as `runtime`: the workspace's runtime crate,
/// or a standalone crate's own copy of it, so the modules' `crate::runtime::...` paths are the same
/// either way.
pub fn lib_rs_tokens(
    crate_doc: &str,
    modules: &[(String, String)],
    runtime_library: &str,
    standalone: bool,
) -> TokenStream {
    let doc_lines: Vec<String> = crate_doc
        .lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect();
    let module_items = modules.iter().map(|(module, display_name)| {
        let ident = crate::naming::to_identifier_tokens(module);
        let doc = format!(" {display_name} (Cargo feature `{module}`).");
        quote! {
            #[cfg(feature = #module)]
            #[doc = #doc]
            pub mod #ident;
        }
    });
    let library = crate::naming::to_identifier_tokens(runtime_library);
    let runtime = if standalone {
        quote! {
            /// The runtime: secrets, errors, response values, retry policy and limits (this crate's
            /// own copy, the crate in its `runtime/` folder).
            pub use #library as runtime;
        }
    } else {
        quote! {
            /// The runtime: secrets, errors, response values, retry policy and limits (the crate
            /// shared by every generated client of this workspace).
            pub use #library as runtime;
        }
    };
    quote! {
        #( #![doc = #doc_lines] )*
        #![deny(missing_docs)]
        // Errors carry the status, headers and body on purpose, so callers can inspect them. A
        // field's type is the schema's shape spelled out (arrays of maps of arrays): clippy calls
        // it very complex, but an alias per nesting would only hide what the spec says.
        #![allow(clippy::result_large_err, clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::too_many_arguments, clippy::type_complexity)]

        // The HTTP and URL types the public API takes and returns, so a downstream crate needs no
        // version-matched dependency of its own (`auth_clients::reqwest::Client`, `auth_clients::url::Url`).
        pub use chrono;
        pub use reqwest;
        pub use url;

        #runtime
        pub mod token;
        #( #module_items )*
    }
}

/// `rustfmt.toml` that keeps rustfmt away: the crate is formatted by prettyplease, and the drift check compares bytes.
pub fn rustfmt_toml() -> String {
    format!("{TOML_HEADER}\n# Formatted by prettyplease at generation time; the drift check compares bytes, so rustfmt must not touch it.\ndisable_all_formatting = true\n")
}

#[cfg(test)]
mod tests {
    use super::runtime_dependency_names;

    /// The runtime crate's own `Cargo.toml` is a hand-written manifest; the list the generator
    /// writes (and `gen --spec` checks crate names against) must name the same packages.
    #[test]
    fn the_dependency_list_names_the_runtime_crates_dependencies() {
        let manifest: toml::Table = include_str!("../../runtime/Cargo.toml").parse().unwrap();
        let runtime: Vec<&str> = manifest["dependencies"]
            .as_table()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let written: Vec<&str> = runtime_dependency_names().collect();
        assert_eq!(written, runtime);
    }
}
