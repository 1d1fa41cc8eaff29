//! Runs the generator over `specs/` into `generated/`, or over one spec into a standalone crate, and reports drift.

pub use crate::ensure::Mode;
use crate::ensure::{ensure_file_contents, unified_diff, FileOutcome};
pub use crate::release::Bump;
use crate::release::{release_changes, report_lines};
use anyhow::{bail, Context, Result};
use generator::{CrateOptions, GeneratedCrate, ProviderConfig, ProviderSource};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The package name of the checked-in client crate.
pub const WORKSPACE_CRATE_NAME: &str = "auth-clients";
const WORKSPACE_CRATE_DESCRIPTION: &str =
    "Typed Rust clients for SaaS token endpoints, generated from the providers' OpenAPI documents.";
/// The command that fixes drift, named in every drift report.
pub const FIX_COMMAND: &str = "cargo xtask gen";

/// What a run did or found.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per provider: operations, types, file.
    pub provider_lines: Vec<String>,
    /// Files written (write mode).
    pub updated: Vec<String>,
    /// Stray files deleted (write mode).
    pub deleted: Vec<String>,
    /// Diffs of files that differ, are missing, or should not exist (check mode).
    pub drift: Vec<String>,
    /// The command that fixes the drift.
    pub fix_command: String,
    /// What `--skip-invalid` left out, one line each.
    pub skipped: Vec<String>,
    /// Names the generator changed because another name took them, one line each.
    pub renamed: Vec<String>,
    /// The API change report: per module, each change classified breaking or additive, and the version step.
    pub api_changes: Vec<String>,
    /// Advice on where the crate was written (an enclosing Cargo workspace), one line each.
    pub notes: Vec<String>,
}

impl Report {
    /// No drift found.
    pub fn is_clean(&self) -> bool {
        self.drift.is_empty()
    }

    /// The diff plus the command that fixes it.
    pub fn drift_text(&self) -> String {
        let mut text = self.drift.join("");
        text.push_str(&format!(
            "\nerror: {} generated file(s) are out of date; run `{}` and commit the result\n",
            self.drift.len(),
            self.fix_command
        ));
        text
    }

    /// One line saying what was written.
    pub fn write_summary(&self) -> String {
        format!(
            "{} file(s) updated, {} stray file(s) deleted",
            self.updated.len(),
            self.deleted.len()
        )
    }
}

/// The checkout to work on: the nearest directory, from the current one upwards, whose
/// `Cargo.toml` declares a workspace with an `xtask/` beside it.
///
/// Found at run time, not baked in at compile time, so a copy of the repository that shares a build
/// folder (`CARGO_TARGET_DIR`) with another checkout works on itself, not on the other one.
pub fn project_root() -> Result<PathBuf> {
    let current = std::env::current_dir().context("cannot read the current directory")?;
    find_project_root(&current)
}

/// [`project_root`] starting from `start`.
pub fn find_project_root(start: &Path) -> Result<PathBuf> {
    for candidate in start.ancestors() {
        let manifest = candidate.join("Cargo.toml");
        let declares_workspace = std::fs::read_to_string(&manifest)
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .is_some_and(|table| table.contains_key("workspace"));
        if declares_workspace && candidate.join("xtask/Cargo.toml").is_file() {
            return Ok(candidate.to_path_buf());
        }
    }
    bail!(
        "cannot find the checkout: no directory from {} upwards has a workspace Cargo.toml with xtask/ beside it; run cargo xtask inside the repository",
        start.display()
    )
}

/// Paths as users see them: relative to the root, with `/`.
fn display_relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Reads every `specs/<provider>/provider.toml` and its spec, in folder-name order.
fn read_provider_specs(root: &Path) -> Result<Vec<(String, Vec<u8>, ProviderConfig)>> {
    let specs_dir = root.join("specs");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&specs_dir)
        .with_context(|| format!("cannot list {}", specs_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    let mut providers = Vec::new();
    for folder in folders {
        let config_path = folder.join("provider.toml");
        let config_display = display_relative(root, &config_path);
        let config_text = std::fs::read_to_string(&config_path)
            .with_context(|| format!("cannot read {config_display}"))?;
        let mut config = ProviderConfig::from_toml_str(&config_display, &config_text)?;
        // The spec is read from the provider's folder only: `../x` or an absolute path would read
        // a file outside the checkout and put its path into generated/.
        crate::provenance::check_file_names(&config_display, &config)?;
        config.overlay = read_overlay(root, &folder.join(OVERLAY_FILE))?;
        let spec_path = folder.join(&config.spec);
        let spec_display = display_relative(root, &spec_path);
        let bytes = std::fs::read(&spec_path)
            .with_context(|| format!("cannot read {spec_display} (named by {config_display})"))?;
        providers.push((spec_display, bytes, config));
    }
    if providers.is_empty() {
        bail!("no providers found under {}", specs_dir.display());
    }
    Ok(providers)
}

/// The overlay's file name in a provider folder.
pub const OVERLAY_FILE: &str = "overlay.yaml";

/// The overlay at `path`, when there is one; errors and the manifest name it relative to `root`.
fn read_overlay(root: &Path, path: &Path) -> Result<Option<generator::OverlaySource>> {
    let display = display_relative(root, path);
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {display}"))?;
    Ok(Some(generator::OverlaySource {
        path: display,
        bytes,
    }))
}

/// Generates the checked-in crate from `specs/` into `generated/`, bumping its version when the API changed.
pub fn generate_workspace(root: &Path, mode: Mode) -> Result<Report> {
    generate_workspace_with(root, mode, Bump::BySemver)
}

/// [`generate_workspace`], with or without a version bump.
pub fn generate_workspace_with(root: &Path, mode: Mode, bump: Bump) -> Result<Report> {
    let providers = read_provider_specs(root)?;
    let sources: Vec<ProviderSource<'_>> = providers
        .iter()
        .map(|(spec_path, bytes, config)| ProviderSource {
            spec_path: spec_path.clone(),
            spec_bytes: bytes,
            config: config.clone(),
        })
        .collect();
    let options = CrateOptions {
        crate_name: WORKSPACE_CRATE_NAME.to_string(),
        description: WORKSPACE_CRATE_DESCRIPTION.to_string(),
        standalone: false,
        skip_invalid: false,
    };
    let mut generated = generator::generate_crate(&options, &sources)?;
    let out = root.join("generated");
    let release = release_changes(&out, "generated", &mut generated, bump)?;
    let mut report = apply(
        root,
        &out,
        &generated,
        mode,
        StrayPolicy::EverythingIsOwned,
        FIX_COMMAND,
    )?;
    report.api_changes = report_lines(&release, bump);
    Ok(report)
}

/// Generates a standalone crate from one spec into `out`, bumping its version when the API changed.
pub fn generate_standalone(
    spec: &Path,
    out: &Path,
    crate_name: Option<&str>,
    config: Option<&Path>,
    mode: Mode,
    skip_invalid: bool,
) -> Result<Report> {
    generate_standalone_with(&StandaloneOptions {
        spec,
        out,
        crate_name,
        config,
        overlay: None,
        mode,
        skip_invalid,
        bump: Bump::BySemver,
    })
}

/// Everything `gen --spec` takes.
#[derive(Debug, Clone, Copy)]
pub struct StandaloneOptions<'a> {
    /// The OpenAPI document.
    pub spec: &'a Path,
    /// The crate folder to write or check.
    pub out: &'a Path,
    /// `--crate-name`; by default `<spec file stem>-client`.
    pub crate_name: Option<&'a str>,
    /// `--config`: a provider.toml.
    pub config: Option<&'a Path>,
    /// `--overlay`: an OpenAPI Overlay applied after load. The crate names it by its file name only,
    /// as it does the spec.
    pub overlay: Option<&'a Path>,
    /// Write, or only check.
    pub mode: Mode,
    /// `--skip-invalid`.
    pub skip_invalid: bool,
    /// Whether an API change bumps the version.
    pub bump: Bump,
}

/// [`generate_standalone`] with every option.
pub fn generate_standalone_with(options: &StandaloneOptions<'_>) -> Result<Report> {
    let StandaloneOptions {
        spec,
        out,
        crate_name,
        config,
        overlay,
        mode,
        skip_invalid,
        bump,
    } = *options;
    let bytes = std::fs::read(spec).with_context(|| format!("cannot read {}", spec.display()))?;
    let stem = spec
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "api".to_string());
    let crate_name = match crate_name {
        Some(name) => name.to_string(),
        None => format!(
            "{}-client",
            generator::naming::snake_case_name(&stem, "api").replace('_', "-")
        ),
    };
    check_crate_name(&crate_name)?;
    let module = standalone_module_name(&crate_name);
    // The generated files name the spec by its file name only: an absolute (or machine-specific)
    // path would make the output differ between checkouts.
    let spec_display = spec
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| spec.to_string_lossy().replace('\\', "/"));
    let mut provider_config = match config {
        None => ProviderConfig::for_standalone_spec(&module, &spec_display),
        Some(config) => {
            let text = std::fs::read_to_string(config)
                .with_context(|| format!("cannot read {}", config.display()))?;
            ProviderConfig::for_standalone_spec_from_toml(
                &config.to_string_lossy().replace('\\', "/"),
                &text,
                &module,
                &spec_display,
            )?
        }
    };
    if let Some(overlay) = overlay {
        provider_config.overlay = Some(generator::OverlaySource {
            path: overlay
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_else(|| overlay.to_string_lossy().replace('\\', "/")),
            bytes: std::fs::read(overlay)
                .with_context(|| format!("cannot read {}", overlay.display()))?,
        });
    }
    let source = ProviderSource {
        spec_path: spec_display.clone(),
        spec_bytes: &bytes,
        config: provider_config,
    };
    let options = CrateOptions {
        crate_name: crate_name.clone(),
        description: format!(
            "A typed client generated from {}.",
            spec.file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
        standalone: true,
        skip_invalid,
    };
    let mut generated = generator::generate_crate(&options, &[source])?;
    // A folder the generator does not own is refused before anything in it is read back.
    crate::ownership::inspect_output_directory(out, generator::MANIFEST_GENERATOR)?;
    let release = release_changes(out, &out.display().to_string(), &mut generated, bump)?;
    let fix_command = format!(
        "cargo xtask gen --spec {} --out {} --crate-name {crate_name}{}{}{}",
        spec.display(),
        out.display(),
        config
            .map(|config| format!(" --config {}", config.display()))
            .unwrap_or_default(),
        overlay
            .map(|overlay| format!(" --overlay {}", overlay.display()))
            .unwrap_or_default(),
        if skip_invalid { " --skip-invalid" } else { "" }
    );
    let root = out.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut report = apply(
        &root,
        out,
        &generated,
        mode,
        StrayPolicy::OnlyManifestListed,
        &fix_command,
    )?;
    report.api_changes = report_lines(&release, bump);
    report
        .notes
        .extend(crate::enclosing_workspace::enclosing_workspace_note(out));
    Ok(report)
}

/// The one module of a standalone crate named `crate_name`.
pub fn standalone_module_name(crate_name: &str) -> String {
    let module = generator::naming::snake_case_name(&crate_name.replace('-', "_"), "api");
    if generator::naming::is_rust_keyword(&module)
        || generator::naming::RESERVED_MODULE_NAMES.contains(&module.as_str())
    {
        format!("{module}_api")
    } else {
        module
    }
}

/// Refuses a package name Cargo would reject, before anything is generated or written.
fn check_crate_name(crate_name: &str) -> Result<()> {
    let problem = if crate_name.is_empty() {
        Some("it is empty".to_string())
    } else if let Some(bad) = crate_name.chars().find(|character| {
        !(character.is_ascii_alphanumeric() || *character == '-' || *character == '_')
    }) {
        Some(format!(
            "`{bad}` is not allowed: use ASCII letters, digits, `-` and `_`"
        ))
    } else if !crate_name.starts_with(|character: char| character.is_ascii_alphabetic()) {
        Some("it must start with an ASCII letter".to_string())
    } else if let Some(dependency) = dependency_of_the_same_name(crate_name) {
        // Cargo builds it, but the crate's own name and its dependency's are then one extern
        // crate name: its doctests fail (rustdoc gets `--extern chrono` twice: "multiple
        // candidates for `rlib` dependency"), `cargo doc` writes both crates' pages to one folder,
        // and a user cannot depend on the client and on that dependency under their names.
        Some(format!(
            "it is the name of `{dependency}`, a dependency of the generated crate, so `cargo test` (its doctests) fails with \"multiple candidates for `rlib` dependency\" and `cargo doc` writes both crates' pages to one folder; choose another name, such as `{}`",
            name_with_client_suffix(crate_name)
        ))
    } else if crate_name.contains(|character: char| character.is_ascii_uppercase()) {
        // Cargo takes it, but rustc warns that the crate and its runtime copy should have snake
        // case names: the crate would not build without warnings.
        let lower_case = crate_name.to_ascii_lowercase();
        let suggestion = if check_crate_name(&lower_case).is_ok() {
            format!("; use `{lower_case}`")
        } else {
            String::new()
        };
        Some(format!(
            "it has upper-case letters, and rustc warns on a crate name that is not snake case{suggestion}"
        ))
    } else if let Some(base) = crate_name
        .strip_suffix("-runtime")
        .or_else(|| crate_name.strip_suffix("_runtime"))
    {
        // The runtime copy of a crate `foo` is the package `foo-runtime`: a crate of that name
        // beside `foo` would put two packages of one name in a build, which Cargo refuses.
        Some(format!(
            "it ends in `runtime` after a separator, as the runtime copy of the crate `{base}` is named (`{}`); two packages of one name cannot be built together",
            generator::runtime_source::runtime_copy_package(base)
        ))
    } else if generator::naming::is_rust_keyword(&crate_name.replace('-', "_")) {
        Some("it is a Rust keyword".to_string())
    } else if ["std", "core", "alloc", "proc_macro", "test"]
        .contains(&crate_name.replace('-', "_").as_str())
    {
        Some("it is the name of a crate Rust ships with".to_string())
    } else if crate_name.len() > 64 {
        Some("it is longer than 64 characters".to_string())
    } else {
        None
    };
    match problem {
        Some(problem) => bail!("invalid --crate-name `{crate_name}`: {problem}"),
        None => Ok(()),
    }
}

/// The package the generated crate (or its runtime copy) depends on whose name is `crate_name`'s,
/// compared as Cargo and rustc compare them (`-` and `_` are one, and case is ignored, so the name
/// an upper-case one suggests is not one of these either).
fn dependency_of_the_same_name(crate_name: &str) -> Option<&'static str> {
    let comparable = |name: &str| name.to_ascii_lowercase().replace('-', "_");
    let wanted = comparable(crate_name);
    generator::emit::runtime_dependency_names().find(|dependency| comparable(dependency) == wanted)
}

/// `crate_name` lower-cased with `client` appended after its own kind of separator.
fn name_with_client_suffix(crate_name: &str) -> String {
    let lower_case = crate_name.to_ascii_lowercase();
    let separator = if lower_case.contains('_') { '_' } else { '-' };
    format!("{lower_case}{separator}client")
}

/// Removes the folders above the deleted `file` that it left empty, up to (not including) `out`:
/// a layout that moved (the runtime module `src/runtime/` of older standalone crates) would
/// otherwise leave an empty folder behind. A folder that still holds anything is kept, and the
/// listing before any deletion refused symlinks, so nothing outside `out` is reached.
fn remove_folders_left_empty(out: &Path, file: &Path) -> Result<()> {
    let mut folder = file.parent();
    while let Some(current) = folder {
        if current == out || !current.starts_with(out) {
            break;
        }
        let is_empty = std::fs::read_dir(current)
            .with_context(|| format!("cannot list {}", current.display()))?
            .next()
            .is_none();
        if !is_empty {
            break;
        }
        std::fs::remove_dir(current)
            .with_context(|| format!("cannot delete the empty folder {}", current.display()))?;
        folder = current.parent();
    }
    Ok(())
}

/// Which files in the output directory the generator may delete.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StrayPolicy {
    /// generated/: every byte is the generator's, so any file no spec produces is stray.
    EverythingIsOwned,
    /// A user-chosen directory: only files the previous run's manifest lists.
    OnlyManifestListed,
}

fn apply(
    root: &Path,
    out: &Path,
    generated: &GeneratedCrate,
    mode: Mode,
    strays: StrayPolicy,
    fix_command: &str,
) -> Result<Report> {
    let mut report = Report {
        fix_command: fix_command.to_string(),
        ..Report::default()
    };
    for module in &generated.modules {
        report.provider_lines.push(format!(
            "{}: {} operation(s), {} type(s) -> {}",
            module.module,
            module.operations,
            module.types,
            display_relative(root, &out.join(&module.file))
        ));
        for skipped in &module.skipped {
            report.skipped.push(format!("skipped {skipped}"));
        }
        for renamed in &module.renamed {
            report.renamed.push(format!("{}: {renamed}", module.module));
        }
    }
    let produced: BTreeSet<String> = generated
        .files
        .iter()
        .map(|file| file.path.clone())
        .collect();
    let directory = match strays {
        StrayPolicy::EverythingIsOwned => {
            let files = crate::ownership::list_files_without_following_links(out)?;
            crate::ownership::OutputDirectory {
                owned_files: files.clone(),
                existing_files: files,
            }
        }
        StrayPolicy::OnlyManifestListed => {
            crate::ownership::inspect_output_directory(out, generator::MANIFEST_GENERATOR)?
        }
    };
    for relative in &directory.existing_files {
        // Only what this generator wrote before may be deleted, and only inside `out`.
        let is_stray = !produced.contains(relative) && directory.owned_files.contains(relative);
        if !is_stray {
            continue;
        }
        let existing = out.join(relative);
        let display = display_relative(root, &existing);
        match mode {
            Mode::Check => {
                let old = std::fs::read_to_string(&existing).unwrap_or_default();
                let mut diff = unified_diff(&display, Some(&old), None);
                diff.insert_str(0, &format!("stray file {display}: no spec produces it\n"));
                report.drift.push(diff);
            }
            Mode::Write => {
                std::fs::remove_file(&existing)
                    .with_context(|| format!("cannot delete {display}"))?;
                report.deleted.push(display);
                remove_folders_left_empty(out, &existing)?;
            }
        }
    }
    for file in &generated.files {
        let path = out.join(&file.path);
        let display = display_relative(root, &path);
        match ensure_file_contents(mode, &path, &display, &file.contents)? {
            FileOutcome::Unchanged => {}
            FileOutcome::Updated => report.updated.push(display),
            FileOutcome::Differs(diff) => report.drift.push(diff),
        }
    }
    Ok(report)
}
