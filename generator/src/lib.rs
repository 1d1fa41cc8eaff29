//! OpenAPI 3.0/3.1 documents to typed Rust client crates: load, lower to an IR, emit tokens, format.
//!
//! This crate does no file IO: callers hand it bytes and get back file contents (see `xtask`).

pub mod api_surface;
pub mod config;
pub mod emit;
pub mod error;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
mod normalize;
pub mod runtime_source;
mod stage_timings;

pub use config::{ProviderConfig, SourceKind};
pub use error::{GeneratorError, SpecLocation};
pub use load::overlay::OverlaySource;
pub use stage_timings::{stage_timings, StageTimings};

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
    /// The module's public API, also written to `api/<module>.toml` for the next run to compare with.
    pub api_surface: api_surface::ApiSurface,
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

/// Loads and lowers one spec to the IR.
pub fn lower_spec(
    source: &ProviderSource<'_>,
) -> Result<(ir::ApiModule, load::LoadedSpec), GeneratorError> {
    let context = ErrorContext::new(&source.spec_path);
    let (loaded, _) = load::load_spec_with_overlay(
        &context,
        source.spec_bytes,
        source.config.overlay.as_ref(),
        false,
    )?;
    let context = loaded.error_context(&context);
    let api = lower::lower_api(&context, &loaded.openapi, &source.config)
        .map_err(|error| loaded.name_the_overlay_action(error))?;
    Ok((api, loaded))
}

/// Loads and lowers one spec; with `skip_invalid`, also returns what was left out.
pub fn lower_spec_with(
    source: &ProviderSource<'_>,
    skip_invalid: bool,
) -> Result<(ir::ApiModule, load::LoadedSpec, Vec<GeneratorError>), GeneratorError> {
    let context = ErrorContext::new(&source.spec_path);
    let (loaded, mut skipped) = load::load_spec_with_overlay(
        &context,
        source.spec_bytes,
        source.config.overlay.as_ref(),
        skip_invalid,
    )?;
    let context = loaded.error_context(&context);
    let (mut api, mut lowering_skipped) =
        lower::lower_api_with(&context, &loaded.openapi, &source.config, skip_invalid)
            .map_err(|error| loaded.name_the_overlay_action(error))?;
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
    let mut runtime_parts: Vec<std::collections::BTreeSet<runtime_source::RuntimePart>> =
        Vec::new();
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
        // With an overlay, the module's docs name both files: "Generated from `spec` with the overlay `file`".
        let generated_from = match &source.config.overlay {
            Some(overlay) => format!("{}` with the overlay `{}", source.spec_path, overlay.path),
            None => source.spec_path.clone(),
        };
        // Section by section, so the whole module's tokens never sit in memory at once, in two
        // lanes built and printed on two threads.
        let (first_lane, other_lanes) = emit::provider_module_lanes(&api, &generated_from);
        let contents = format::format_rust_lanes(&file, first_lane, other_lanes)?;
        runtime_parts.push(runtime_source::parts_used_by(&contents));
        files.push(GeneratedFile {
            path: file.clone(),
            contents,
        });
        let api_surface = api_surface::ApiSurface::from_module(&api);
        let (module_name, operations, types, renamed) = (
            api.module_name.clone(),
            api.operations.len(),
            api.types.len(),
            api.renamed.clone(),
        );
        // The IR is not needed past here; its surface's TOML is built without it beside.
        drop(api);
        files.push(GeneratedFile {
            path: api_surface::surface_file_path(&module_name),
            contents: api_surface.to_toml(),
        });
        modules.push(ModuleSummary {
            module: module_name.clone(),
            operations,
            types,
            file,
            skipped,
            renamed,
            api_surface,
        });
        manifest_entries.push(emit::ManifestEntry {
            module: module_name.clone(),
            spec: source.spec_path.clone(),
            spec_sha256: hex_sha256(source.spec_bytes),
            openapi_version,
            source_url: source.config.source_url.clone(),
            source_kind: source.config.source_kind.as_str().to_string(),
            overlay: source
                .config
                .overlay
                .as_ref()
                .map(|overlay| overlay.path.clone()),
            overlay_sha256: source
                .config
                .overlay
                .as_ref()
                .map(|overlay| hex_sha256(&overlay.bytes)),
            operations,
            types,
        });
        module_names.push((module_name, source.config.display_name.clone()));
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
            &runtime_parts,
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
    let runtime_library = if options.standalone {
        runtime_source::runtime_copy_library(&options.crate_name)
    } else {
        runtime_source::RUNTIME_LIBRARY.to_string()
    };
    files.push(GeneratedFile {
        path: "src/lib.rs".to_string(),
        contents: format::format_rust_file(
            "src/lib.rs",
            emit::lib_rs_tokens(
                &crate_doc,
                &module_names,
                &runtime_library,
                options.standalone,
            ),
        )?,
    });
    if options.standalone {
        // No path to the runtime crate outside this checkout: the crate carries its own copy, as a
        // crate of its own so that a rebuild of the client does not compile the runtime again.
        let used_anywhere = runtime_parts.iter().flatten().copied().collect();
        for (path, source) in runtime_source::runtime_copy_files(&used_anywhere) {
            files.push(GeneratedFile {
                contents: format::with_rust_header(&source),
                path,
            });
        }
        files.push(GeneratedFile {
            path: format!("{}/Cargo.toml", runtime_source::RUNTIME_COPY_FOLDER),
            contents: emit::runtime_copy_cargo_toml(&options.crate_name),
        });
    }
    files.push(GeneratedFile {
        path: "src/token.rs".to_string(),
        contents: format::format_rust_file("src/token.rs", emit::token_module_tokens())?,
    });
    files.push(GeneratedFile {
        path: api_surface::release::CHANGELOG_PATH.to_string(),
        contents: api_surface::release::initial_changelog(),
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
