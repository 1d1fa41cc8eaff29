//! Emit stage: IR to token streams, and the files of a client crate (manifest, Cargo.toml, lib.rs, runtime, one module per provider).

mod client;
mod conformance_driver;
mod conformance_values;
mod constructors;
mod crate_files;
mod media;
mod servers;
mod token_module;
mod token_source;
mod type_tokens;
mod types;

pub use conformance_driver::conformance_driver_files;
pub use crate_files::{
    cargo_toml, lib_rs_tokens, manifest_toml, runtime_copy_cargo_toml, runtime_dependency_names,
    rustfmt_toml, ManifestEntry,
};
pub use token_module::token_module_tokens;

use crate::format::{BlockPart, Section, SectionLane};
use crate::ir::ApiModule;
use proc_macro2::TokenStream;
use quote::quote;

/// The whole provider module (progenitor-style: tokens only, no IO, no formatting).
pub fn provider_module_tokens(api: &ApiModule, spec_path: &str) -> TokenStream {
    provider_module_sections(api, spec_path)
        .map(Section::into_tokens)
        .collect()
}

/// The provider module as consecutive sections: the module's own items, `types` (a block built one
/// type at a time), the client (its `impl` block one method at a time, then each operation's
/// items), the token source. Each is built only when the format stage
/// (`format::format_rust_sections`) asks for it, so the tokens alive at a time are those of one
/// type, method or operation, not a whole section's (the largest cost in peak memory).
pub fn provider_module_sections<'a>(
    api: &'a ApiModule,
    spec_path: &'a str,
) -> impl Iterator<Item = Section<'a>> + 'a {
    let head = std::iter::once_with(move || Section::Items(module_head(api, spec_path)));
    let types = std::iter::once_with(move || types::types_section(&api.types));
    let token_source =
        std::iter::once_with(move || Section::Items(token_source::token_source_items(api)));
    head.chain(types)
        .chain(client::client_sections(api))
        .chain(token_source)
}

/// [`provider_module_sections`] in lanes that can be built and printed at the same time on
/// several threads (see `format::format_rust_lanes`), in file order: the module's head and the
/// first half of `types`, the second half, `Credentials` and `Client` with the first half of the
/// `impl Client` block, its second half, then the operations' items in two halves and the token
/// source. Halves, so that two threads share the work whichever part of a module is the larger.
pub fn provider_module_lanes<'a>(
    api: &'a ApiModule,
    spec_path: &'a str,
) -> (impl Iterator<Item = Section<'a>> + 'a, Vec<SectionLane<'a>>) {
    let (first_types, later_types) = halves(&api.types);
    let (first_operations, later_operations) = halves(&api.operations);
    let (types_part, later_types_part) = parts(later_types);
    let (methods_part, later_methods_part) = parts(later_operations);
    let head = std::iter::once_with(move || Section::Items(module_head(api, spec_path)));
    let types = std::iter::once_with(move || types::types_section_part(first_types, types_part));
    let mut lanes: Vec<SectionLane<'a>> = Vec::new();
    if let Some(part) = later_types_part {
        lanes.push(Box::new(move || {
            Box::new(std::iter::once_with(move || {
                types::types_section_part(later_types, part)
            }))
        }));
    }
    lanes.push(Box::new(move || {
        Box::new(
            std::iter::once_with(move || client::client_struct_section(api)).chain(
                std::iter::once_with(move || {
                    client::client_methods_section(api, first_operations, methods_part)
                }),
            ),
        )
    }));
    if let Some(part) = later_methods_part {
        lanes.push(Box::new(move || {
            Box::new(std::iter::once_with(move || {
                client::client_methods_section(api, later_operations, part)
            }))
        }));
    }
    lanes.push(Box::new(move || {
        Box::new(client::operation_items_sections(first_operations))
    }));
    lanes.push(Box::new(move || {
        let token_source =
            std::iter::once_with(move || Section::Items(token_source::token_source_items(api)));
        Box::new(client::operation_items_sections(later_operations).chain(token_source))
    }));
    (head.chain(types), lanes)
}

/// A list cut in two halves (the first one the larger by one when the count is odd).
fn halves<T>(items: &[T]) -> (&[T], &[T]) {
    items.split_at(items.len().div_ceil(2))
}

/// The block parts of a block cut at `later`: the whole block in one part when `later` is empty.
fn parts<T>(later: &[T]) -> (BlockPart, Option<BlockPart>) {
    if later.is_empty() {
        (BlockPart::Whole, None)
    } else {
        (BlockPart::First, Some(BlockPart::Last))
    }
}

/// The module's docs and its own items before `types`.
fn module_head(api: &ApiModule, spec_path: &str) -> TokenStream {
    let mut module_doc = vec![
        format!(
            " {}: a typed client for {} (API version {}).",
            api.display_name, api.title, api.api_version
        ),
        String::new(),
        format!(" Generated from `{spec_path}`."),
    ];
    if let Some(description) = &api.description {
        module_doc.push(String::new());
        module_doc.extend(description.lines().map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        }));
    }
    let base_url = api.default_base_url.as_ref().map(|url| {
        let doc = format!(" The server URL the spec names: `{url}`.");
        quote! {
            #[doc = #doc]
            pub const DEFAULT_BASE_URL: &str = #url;
        }
    });
    let server_constants = servers::server_constants(api);
    let module_name = &api.module_name;
    let makes_calls = api
        .operations
        .iter()
        .any(|operation| operation.kind != crate::ir::OperationKind::UrlBuilder);
    let provider_const = if makes_calls {
        quote! {
            /// The provider's name in tracing spans.
            const PROVIDER: &str = #module_name;
        }
    } else {
        quote!()
    };
    quote! {
        #( #![doc = #module_doc] )*

        pub use crate::runtime::{BasicCredentials, ClientError, Error, ResponseValue, RetryPolicy, Secret};

        #provider_const

        #base_url
        #server_constants
    }
}
