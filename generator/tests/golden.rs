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
    let options = CrateOptions {
        crate_name: "golden-clients".to_string(),
        description:
            "Golden output of the generator for its fixture specs (compiled as a workspace member)."
                .to_string(),
        standalone: false,
        skip_invalid: false,
    };
    match generator::generate_crate(&options, &sources) {
        Ok(generated) => generated,
        Err(error) => panic!("fixture specs must generate: {error}"),
    }
}

/// The one comparison helper: `UPDATE_GOLDEN=1` rewrites `expected_path`, otherwise a difference fails with a diff hint.
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
    let first_difference = expected
        .lines()
        .zip(actual.lines())
        .position(|(left, right)| left != right)
        .map_or_else(
            || expected.lines().count().min(actual.lines().count()) + 1,
            |index| index + 1,
        );
    Err(format!(
        "{} differs from the generator's output (first difference at line {first_difference}); run `UPDATE_GOLDEN=1 cargo test -p generator --test golden` and review the diff",
        expected_path.display()
    ))
}

#[test]
fn fixture_specs_generate_the_golden_crate() {
    let generated = generate_golden_crate();
    let mut failures = Vec::new();
    for file in &generated.files {
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
    for relative in ["src", ""] {
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
                || first_line == generator::format::TOML_HEADER,
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
