//! Golden tests: the fixture specs under tests/fixtures/valid generate exactly the crate in tests/golden.
//!
//! The golden crate is a workspace member, so the goldens also compile (and pass clippy) with the workspace.
//! Run with `UPDATE_GOLDEN=1` to rewrite them after an intended change.

use generator::{CrateOptions, GeneratedCrate, ProviderConfig, ProviderSource};
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// A fixture's settings: `<stem>.provider.toml` beside it (provider.toml's optional keys), else the defaults.
fn fixture_config(stem: &str, spec_path: &str) -> ProviderConfig {
    let sidecar = fixtures_dir().join(format!("{stem}.provider.toml"));
    match std::fs::read_to_string(&sidecar) {
        Err(_) => ProviderConfig::for_standalone_spec(stem, spec_path),
        Ok(extra) => {
            let text = format!(
                "display_name = \"{stem}\"\nmodule = \"{stem}\"\nspec = \"{spec_path}\"\nsource_url = \"\"\nsource_kind = \"file\"\n{extra}"
            );
            ProviderConfig::from_toml_str(&sidecar.display().to_string(), &text)
                .unwrap_or_else(|error| panic!("{error}"))
        }
    }
}

/// Every valid fixture, as (spec path relative to the workspace, bytes, module name), in file-name order.
fn valid_fixtures() -> Vec<(String, Vec<u8>, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|ext| ext.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap();
            let relative = format!(
                "generator/tests/fixtures/valid/{}",
                path.file_name().unwrap().to_string_lossy()
            );
            (relative, bytes, stem)
        })
        .collect()
}

fn golden_crate_options() -> CrateOptions {
    CrateOptions {
        crate_name: "golden-clients".to_string(),
        description:
            "Golden output of the generator for its fixture specs (compiled as a workspace member)."
                .to_string(),
        standalone: false,
        skip_invalid: false,
    }
}

fn generate_golden_crate() -> GeneratedCrate {
    let fixtures = valid_fixtures();
    let sources: Vec<ProviderSource<'_>> = fixtures
        .iter()
        .map(|(path, bytes, module)| ProviderSource {
            spec_path: path.clone(),
            spec_bytes: bytes,
            config: fixture_config(module, path),
        })
        .collect();
    match generator::generate_crate(&golden_crate_options(), &sources) {
        Ok(generated) => generated,
        Err(error) => panic!("fixture specs must generate: {error}"),
    }
}

/// The one comparison helper: `UPDATE_GOLDEN=1` rewrites `expected_path`, otherwise a difference fails
/// with a unified diff of the golden file against the generator's output.
fn check(expected_path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(expected_path, actual).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(expected_path)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    if expected == actual {
        return Ok(());
    }
    let name = expected_path.display().to_string();
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (golden)"), &format!("{name} (generated)"))
        .to_string();
    Err(format!(
        "{name} differs from the generator's output; review the diff and run `UPDATE_GOLDEN=1 cargo test -p generator --test golden` if it is intended:\n{diff}"
    ))
}

/// Generates the golden crate from one fixture alone and checks that fixture's module file.
fn check_fixture_module(stem: &str) {
    let (path, bytes, module) = valid_fixtures()
        .into_iter()
        .find(|(_, _, module)| module == stem)
        .unwrap_or_else(|| panic!("no fixture `{stem}` in {}", fixtures_dir().display()));
    let source = ProviderSource {
        spec_path: path.clone(),
        spec_bytes: &bytes,
        config: fixture_config(&module, &path),
    };
    let generated = match generator::generate_crate(&golden_crate_options(), &[source]) {
        Ok(generated) => generated,
        Err(error) => panic!("{path} must generate: {error}"),
    };
    let module_path = format!("src/{module}.rs");
    let file = generated
        .files
        .iter()
        .find(|file| file.path == module_path)
        .unwrap_or_else(|| panic!("{path} produced no {module_path}"));
    if let Err(message) = check(&golden_dir().join(&file.path), &file.contents) {
        panic!("{message}");
    }
}

/// One golden test per fixture, so a failure names its fixture and shows only its diff.
macro_rules! golden_fixture_tests {
    ($($fixture:ident),* $(,)?) => {
        const FIXTURES_WITH_A_GOLDEN_TEST: &[&str] = &[$(stringify!($fixture)),*];
        $(
            #[test]
            fn $fixture() {
                check_fixture_module(stringify!($fixture));
            }
        )*
    };
}

golden_fixture_tests!(
    alias_cycles,
    all_of,
    deep_composition,
    discriminator_member_values,
    distinct_responses,
    doc_prose,
    enum_collisions,
    form_body,
    integer_edges,
    json_schema_2020,
    keyword_names,
    media_types,
    mixed_responses,
    name_collisions,
    no_operation_id,
    nullable_fields,
    oauth2_client_basic,
    one_of_discriminator,
    openapi31_no_paths,
    openapi31_types,
    own_names,
    placeholder_servers,
    pointer_refs,
    query_styles,
    recursive,
    redirect_calls,
    relative_server,
    request_content_types,
    security_basic_bearer,
    servers,
    unknown_formats,
    webhooks_callbacks,
);

#[test]
fn every_fixture_has_a_golden_test() {
    let fixtures: Vec<String> = valid_fixtures()
        .into_iter()
        .map(|(_, _, module)| module)
        .collect();
    assert_eq!(
        fixtures, FIXTURES_WITH_A_GOLDEN_TEST,
        "add the fixture to `golden_fixture_tests!` (in file-name order)"
    );
}

/// The crate-level files (manifest, `lib.rs`, runtime, ...) of the whole golden crate, and no stale
/// golden file; each fixture's module is checked by its own test above.
#[test]
fn fixture_specs_generate_the_golden_crate_files() {
    let generated = generate_golden_crate();
    let module_files: Vec<String> = valid_fixtures()
        .into_iter()
        .map(|(_, _, module)| format!("src/{module}.rs"))
        .collect();
    let mut failures = Vec::new();
    for file in &generated.files {
        if module_files.contains(&file.path) {
            continue;
        }
        if let Err(message) = check(&golden_dir().join(&file.path), &file.contents) {
            failures.push(message);
        }
    }
    // A golden file that no fixture produces any more is stale.
    let produced: Vec<&str> = generated
        .files
        .iter()
        .map(|file| file.path.as_str())
        .collect();
    for relative in ["src", "api", ""] {
        let directory = golden_dir().join(relative);
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                continue;
            }
            let name = path
                .strip_prefix(golden_dir())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !produced.contains(&name.as_str()) {
                if std::env::var_os("UPDATE_GOLDEN").is_some() {
                    std::fs::remove_file(&path).unwrap();
                } else if name != "Cargo.lock" {
                    failures.push(format!("stale golden file {name}: no fixture produces it"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn generation_is_deterministic() {
    let first = generate_golden_crate();
    let second = generate_golden_crate();
    assert_eq!(first.files, second.files);
}

#[test]
fn every_generated_file_starts_with_the_header_line() {
    for file in generate_golden_crate().files {
        let first_line = file.contents.lines().next().unwrap_or_default();
        assert!(
            first_line == generator::format::RUST_HEADER
                || first_line == generator::format::TOML_HEADER
                || first_line == generator::api_surface::release::CHANGELOG_HEADER,
            "{} starts with {first_line:?}",
            file.path
        );
    }
}

#[test]
fn every_fixture_operation_and_schema_is_generated() {
    let generated = generate_golden_crate();
    for (path, bytes, module) in valid_fixtures() {
        // The loader's own reading: fixtures hold integers beyond 64 bits, which `serde_json` rejects.
        let facts = generator::load::document_facts(&bytes).unwrap();
        let summary = generated
            .modules
            .iter()
            .find(|summary| summary.module == module)
            .unwrap();
        assert_eq!(summary.operations, facts.operations, "{path}: operations");
        let schema_count = facts.schemas;
        assert!(
            summary.types >= schema_count,
            "{path}: {} types for {schema_count} schemas",
            summary.types
        );
    }
}

/// The crate generated from one `fixtures/api_changes` spec, with its changes against `previous`.
fn api_change_crate(
    spec: &str,
    previous: &generator::api_surface::release::PreviousRelease,
) -> (GeneratedCrate, generator::api_surface::release::Release) {
    let path = format!("generator/tests/fixtures/api_changes/{spec}.yaml");
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/api_changes/{spec}.yaml")),
    )
    .unwrap();
    let source = ProviderSource {
        spec_path: path.clone(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("widgets", &path),
    };
    let options = CrateOptions {
        crate_name: "widgets".to_string(),
        description: "Widgets.".to_string(),
        standalone: true,
        skip_invalid: false,
    };
    let mut generated = generator::generate_crate(&options, &[source])
        .unwrap_or_else(|error| panic!("{path} must generate: {error}"));
    let release = generator::api_surface::release::apply_release(&mut generated, previous, true)
        .unwrap_or_else(|error| panic!("{path}: {error}"));
    (generated, release)
}

/// What the checked-in crate holds for the next run to compare with.
fn checked_in(generated: &GeneratedCrate) -> generator::api_surface::release::PreviousRelease {
    let file = |path: &str| {
        generated
            .files
            .iter()
            .find(|file| file.path == path)
            .map(|file| file.contents.clone())
    };
    generator::api_surface::release::PreviousRelease {
        cargo_toml: file("Cargo.toml"),
        changelog: file("CHANGELOG.md"),
        surfaces: generated
            .files
            .iter()
            .filter(|file| file.path.starts_with("api/"))
            .map(|file| (file.path.clone(), file.contents.clone()))
            .collect(),
    }
}

/// The change report of `base.yaml` -> `<change>.yaml`: the version step and the changelog entry.
fn check_api_change_report(change: &str) {
    let (base, baseline) = api_change_crate("base", &Default::default());
    assert!(baseline.baseline && baseline.class.is_none());
    let (changed, release) = api_change_crate(change, &checked_in(&base));
    let changelog = checked_in(&changed).changelog.unwrap();
    let entry = &changelog[changelog.find("\n## ").unwrap() + 1..];
    let entry = &entry[..entry.find("\n## 0.1.0").unwrap_or(entry.len())];
    let report = format!(
        "base.yaml -> {change}.yaml: version {} -> {}\n\n{}\n",
        release.previous_version,
        release.version,
        entry.trim_end()
    );
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/api_changes/{change}.report.md"));
    if let Err(message) = check(&golden, &report) {
        panic!("{message}");
    }
}

/// One golden change report per kind of change.
macro_rules! api_change_report_tests {
    ($($change:ident),* $(,)?) => {
        const API_CHANGES_WITH_A_GOLDEN_TEST: &[&str] = &[$(stringify!($change)),*];
        mod api_change_reports {
            $(
                #[test]
                fn $change() {
                    super::check_api_change_report(stringify!($change));
                }
            )*
        }
    };
}

api_change_report_tests!(
    credentials_added,
    error_status_added,
    error_status_removed,
    errors_shared,
    field_added_optional_request,
    field_added_optional_response,
    field_added_required,
    field_changed,
    field_removed,
    operation_added,
    operation_changed,
    operation_removed,
    parameter_added_optional,
    parameter_added_required,
    parameter_changed,
    parameter_removed,
    type_added,
    type_changed,
    type_removed,
    variant_added,
    variant_removed,
);

#[test]
fn every_api_change_fixture_has_a_golden_report() {
    let mut changes: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api_changes"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|name| name.strip_suffix(".yaml").map(str::to_string))
            .filter(|name| name != "base")
            .collect();
    changes.sort();
    assert_eq!(
        changes, API_CHANGES_WITH_A_GOLDEN_TEST,
        "add the fixture to `api_change_report_tests!` (in file-name order)"
    );
}
