//! OpenAPI 3.0/3.1 documents to typed Rust client crates: load, lower to an IR, emit tokens, format.
//!
//! This crate does no file IO: callers hand it bytes and get back file contents (see `xtask`).

pub mod config;
pub mod emit;
pub mod error;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
mod normalize;

pub use config::{ProviderConfig, SourceKind};
pub use error::{GeneratorError, SpecLocation};

use error::ErrorContext;
use sha2::Digest;

/// One spec to turn into one module.
#[derive(Debug, Clone)]
pub struct ProviderSource<'a> {
    /// The spec's path as users should see it in errors and the manifest (relative, `/`-separated).
    pub spec_path: String,
    /// The spec's bytes.
    pub spec_bytes: &'a [u8],
    /// The provider's settings.
    pub config: ProviderConfig,
}

/// What crate to produce.
#[derive(Debug, Clone)]
pub struct CrateOptions {
    /// The package name.
    pub crate_name: String,
    /// The crate's one-line description (also its top doc line).
    pub description: String,
    /// Adds an empty `[workspace]` so the crate builds on its own wherever it is written.
    pub standalone: bool,
    /// Leave out defective schemas and operations (and whatever uses them) instead of failing;
    /// each module's summary lists what was skipped.
    pub skip_invalid: bool,
}

/// A file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate root, `/`-separated.
    pub path: String,
    /// The full contents, `\n` line endings.
    pub contents: String,
}

/// What was generated for one module, for the one-line report per provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleSummary {
    /// Module name.
    pub module: String,
    /// Operations generated.
    pub operations: usize,
    /// Named types generated.
    pub types: usize,
    /// The module's file, relative to the crate root.
    pub file: String,
    /// What `skip_invalid` left out, as the errors it would otherwise have failed with.
    pub skipped: Vec<GeneratorError>,
    /// Names changed because another name took them, one line each.
    pub renamed: Vec<String>,
}

/// All files of a generated crate, sorted by path.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    /// Every file the generator owns in the crate, the manifest included.
    pub files: Vec<GeneratedFile>,
    /// One entry per module.
    pub modules: Vec<ModuleSummary>,
}

/// The manifest's path in a generated crate.
pub const MANIFEST_PATH: &str = "manifest.toml";

/// The `generator` value of a manifest this generator wrote: it marks a directory as the generator's own.
pub const MANIFEST_GENERATOR: &str = env!("CARGO_PKG_NAME");

const RUNTIME_TEMPLATE: &str = include_str!("../templates/runtime.rs");
const RUNTIME_MEDIA_TEMPLATE: &str = include_str!("../templates/runtime_media.rs");
const RUNTIME_SERVERS_TEMPLATE: &str = include_str!("../templates/runtime_servers.rs");
const RUNTIME_SCHEMA_FORMS_TEMPLATE: &str = include_str!("../templates/runtime_schema_forms.rs");
const TOKEN_TEMPLATE: &str = include_str!("../templates/token.rs");
const TOKEN_AUTHORIZATION_TEMPLATE: &str = include_str!("../templates/token_authorization.rs");

/// Loads and lowers one spec to the IR.
pub fn lower_spec(
    source: &ProviderSource<'_>,
) -> Result<(ir::ApiModule, load::LoadedSpec), GeneratorError> {
    let context = ErrorContext::new(&source.spec_path);
    let loaded = load::load_spec(&context, source.spec_bytes)?;
    let context = loaded.error_context(&context);
    let api = lower::lower_api(&context, &loaded.openapi, &source.config)?;
    Ok((api, loaded))
}

/// Loads and lowers one spec; with `skip_invalid`, also returns what was left out.
pub fn lower_spec_with(
    source: &ProviderSource<'_>,
    skip_invalid: bool,
) -> Result<(ir::ApiModule, load::LoadedSpec, Vec<GeneratorError>), GeneratorError> {
    let context = ErrorContext::new(&source.spec_path);
    let (loaded, mut skipped) = load::load_spec_with(&context, source.spec_bytes, skip_invalid)?;
    let context = loaded.error_context(&context);
    let (mut api, mut lowering_skipped) =
        lower::lower_api_with(&context, &loaded.openapi, &source.config, skip_invalid)?;
    skipped.append(&mut lowering_skipped);
    if !loaded.webhooks.is_empty() {
        let names: Vec<String> = loaded
            .webhooks
            .iter()
            .map(|name| format!("`{}`", name.replace('`', "'")))
            .collect();
        let note = format!(
            "The spec's webhooks ({}) are requests the provider sends to you, so no client method is generated for them.",
            names.join(", ")
        );
        api.description = Some(match api.description.take() {
            Some(description) => format!("{description}\n\n{note}"),
            None => note,
        });
    }
    Ok((api, loaded, skipped))
}

/// Generates a whole crate from the given specs. Nothing is returned unless every spec succeeds.
pub fn generate_crate(
    options: &CrateOptions,
    sources: &[ProviderSource<'_>],
) -> Result<GeneratedCrate, GeneratorError> {
    let mut sorted: Vec<&ProviderSource<'_>> = sources.iter().collect();
    sorted.sort_by(|left, right| left.config.module.cmp(&right.config.module));

    let mut files = Vec::new();
    let mut modules = Vec::new();
    let mut manifest_entries = Vec::new();
    let mut module_names: Vec<(String, String)> = Vec::new();
    for source in sorted {
        let context = ErrorContext::new(&source.spec_path);
        if naming::RESERVED_MODULE_NAMES.contains(&source.config.module.as_str()) {
            return Err(context.invalid(
                "",
                format!(
                    "the module name `{}` is reserved: the generated crate uses {} itself",
                    source.config.module,
                    naming::RESERVED_MODULE_NAMES.join(", ")
                ),
            ));
        }
        if module_names
            .iter()
            .any(|(module, _)| module == &source.config.module)
        {
            return Err(context.invalid(
                "",
                format!(
                    "two providers use the module name `{}`",
                    source.config.module
                ),
            ));
        }
        let (api, loaded, skipped) = lower_spec_with(source, options.skip_invalid)?;
        // The parsed document is as large as everything emit and format build; keep only its version
        // so the two never sit in memory together.
        let openapi_version = loaded.declared_version.clone();
        drop(loaded);
        let file = format!("src/{}.rs", api.module_name);
        let tokens = emit::provider_module_tokens(&api, &source.spec_path);
        files.push(GeneratedFile {
            path: file.clone(),
            contents: format::format_rust_file(&file, tokens)?,
        });
        modules.push(ModuleSummary {
            module: api.module_name.clone(),
            operations: api.operations.len(),
            types: api.types.len(),
            file,
            skipped,
            renamed: api.renamed.clone(),
        });
        manifest_entries.push(emit::ManifestEntry {
            module: api.module_name.clone(),
            spec: source.spec_path.clone(),
            spec_sha256: hex_sha256(source.spec_bytes),
            openapi_version,
            source_url: source.config.source_url.clone(),
            source_kind: source.config.source_kind.as_str().to_string(),
            operations: api.operations.len(),
            types: api.types.len(),
        });
        module_names.push((api.module_name.clone(), source.config.display_name.clone()));
    }

    let module_list: Vec<String> = module_names
        .iter()
        .map(|(module, _)| module.clone())
        .collect();
    files.push(GeneratedFile {
        path: "Cargo.toml".to_string(),
        contents: emit::cargo_toml(
            &options.crate_name,
            &options.description,
            &module_list,
            options.standalone,
        ),
    });
    let mut crate_doc = format!(
        "{}\n\nModules, one Cargo feature each (all on by default):\n",
        options.description
    );
    for (module, display_name) in &module_names {
        crate_doc.push_str(&format!("\n- [`{module}`] ({display_name})"));
    }
    files.push(GeneratedFile {
        path: "src/lib.rs".to_string(),
        contents: format::format_rust_file(
            "src/lib.rs",
            emit::lib_rs_tokens(&crate_doc, &module_names),
        )?,
    });
    files.push(GeneratedFile {
        path: "src/runtime.rs".to_string(),
        contents: format::with_rust_header(&format!(
            "{RUNTIME_TEMPLATE}{RUNTIME_MEDIA_TEMPLATE}{RUNTIME_SERVERS_TEMPLATE}{RUNTIME_SCHEMA_FORMS_TEMPLATE}"
        )),
    });
    files.push(GeneratedFile {
        path: "src/token.rs".to_string(),
        contents: format::with_rust_header(&format!(
            "{TOKEN_TEMPLATE}{TOKEN_AUTHORIZATION_TEMPLATE}"
        )),
    });
    files.push(GeneratedFile {
        path: "rustfmt.toml".to_string(),
        contents: emit::rustfmt_toml(),
    });

    let mut owned: Vec<String> = files.iter().map(|file| file.path.clone()).collect();
    owned.push(MANIFEST_PATH.to_string());
    owned.sort();
    files.push(GeneratedFile {
        path: MANIFEST_PATH.to_string(),
        contents: emit::manifest_toml(&owned, &manifest_entries),
    });
    files.sort_by(|left, right| left.path.cmp(&right.path));
    Ok(GeneratedCrate { files, modules })
}

fn hex_sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The conformance driver crate for the standalone client crate `client_crate` generated from
/// `source` (see `emit::conformance_driver_files`): load and lower as for the client, then emit
/// the driver from the IR. `client_path` is the client crate's directory, relative to the driver's.
pub fn conformance_driver(
    source: &ProviderSource<'_>,
    skip_invalid: bool,
    client_crate: &str,
    client_path: &str,
) -> Result<Vec<GeneratedFile>, GeneratorError> {
    let (api, _, _) = lower_spec_with(source, skip_invalid)?;
    emit::conformance_driver_files(&api, client_crate, client_path)
}
