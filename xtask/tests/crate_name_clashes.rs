//! A standalone crate named like one of its own dependencies (`--crate-name chrono`): Cargo and
//! rustc build it, since a crate's own name is not in its extern prelude, but its doctests do not
//! compile (rustdoc gets `--extern chrono` for the crate and for the dependency: "multiple
//! candidates for `rlib` dependency"), `cargo doc` writes both crates' pages to one folder (Cargo's
//! "output filename collision"), and a user cannot depend on both under their names. So `gen --spec`
//! refuses such a name, with the list of names taken from the one list that writes the generated
//! `Cargo.toml`'s dependencies (`generator::emit::runtime_dependency_names`).
//!
//! rustc and rustdoc are the oracle: the crate is built with `cargo --offline` against the
//! workspace's `Cargo.lock` in the target directory that `readme_downstream` and `cargo xtask corpus`
//! share, so the dependencies build once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xtask::codegen::{project_root, standalone_module_name};

fn fixture() -> PathBuf {
    project_root()
        .unwrap()
        .join("generator/tests/fixtures/api_changes/base.yaml")
}

/// Writes the standalone crate `crate_name` to `out` through the generator library, past the
/// command line's check of the name, as the generator wrote it before that check existed.
fn write_crate_past_the_name_check(crate_name: &str, out: &Path) {
    let spec = fixture();
    let bytes = std::fs::read(&spec).unwrap();
    let module = standalone_module_name(crate_name);
    let source = generator::ProviderSource {
        spec_path: "base.yaml".to_string(),
        spec_bytes: &bytes,
        config: generator::ProviderConfig::for_standalone_spec(&module, "base.yaml"),
    };
    let options = generator::CrateOptions {
        crate_name: crate_name.to_string(),
        description: "A typed client generated from base.yaml.".to_string(),
        standalone: true,
        skip_invalid: false,
    };
    let generated = generator::generate_crate(&options, &[source]).unwrap();
    for file in &generated.files {
        let path = out.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.contents).unwrap();
    }
    std::fs::copy(
        project_root().unwrap().join("Cargo.lock"),
        out.join("Cargo.lock"),
    )
    .unwrap();
}

fn cargo(crate_dir: &Path, arguments: &[&str]) -> Output {
    let root = project_root().unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .args(arguments)
        .args(["--offline", "--quiet", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/corpus/target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .expect("cargo runs")
}

#[test]
fn a_crate_named_like_its_dependency_builds_but_its_doctests_cannot_find_the_dependency() {
    let scratch = tempfile::tempdir().unwrap();
    let clashing = scratch.path().join("chrono");
    write_crate_past_the_name_check("chrono", &clashing);

    let check = cargo(&clashing, &["check", "--lib"]);
    assert!(
        check.status.success(),
        "the crate itself compiles: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let doctests = cargo(&clashing, &["test", "--doc"]);
    let stderr = String::from_utf8_lossy(&doctests.stderr);
    assert!(!doctests.status.success(), "{stderr}");
    assert!(
        stderr.contains("multiple candidates for `rlib` dependency `chrono` found"),
        "{stderr}"
    );

    // The same spec under the name the refusal suggests passes the same doctests.
    let renamed = scratch.path().join("chrono-client");
    write_crate_past_the_name_check("chrono-client", &renamed);
    let doctests = cargo(&renamed, &["test", "--doc"]);
    assert!(
        doctests.status.success(),
        "{}",
        String::from_utf8_lossy(&doctests.stderr)
    );
}

fn gen_named(out: &Path, crate_name: &str) -> (i32, String) {
    let spec = fixture();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(out)
        .arg(format!("--crate-name={crate_name}"))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_dependency_name_is_refused_in_every_spelling_and_the_suggested_name_is_taken() {
    let scratch = tempfile::tempdir().unwrap();
    let dependencies: Vec<&str> = generator::emit::runtime_dependency_names().collect();
    for expected in ["chrono", "reqwest", "serde", "serde_json", "tokio", "url"] {
        assert!(dependencies.contains(&expected), "{dependencies:?}");
    }
    for dependency in &dependencies {
        let upper_first = {
            let mut characters = dependency.chars();
            let first = characters.next().unwrap().to_ascii_uppercase();
            format!("{first}{}", characters.as_str())
        };
        for name in [
            dependency.to_string(),
            dependency.replace('_', "-"),
            dependency.replace('-', "_"),
            upper_first,
            dependency.to_ascii_uppercase(),
        ] {
            let out = scratch.path().join("crate");
            let (code, stderr) = gen_named(&out, &name);
            assert_eq!(code, 1, "{name}: {stderr}");
            assert!(
                stderr.contains(&format!(
                    "invalid --crate-name `{name}`: it is the name of `{dependency}`, a dependency of the generated crate"
                )),
                "{name}: {stderr}"
            );
            assert!(!out.exists(), "{name}: output was written");
            let suggested = stderr
                .split("choose another name, such as `")
                .nth(1)
                .and_then(|rest| rest.split('`').next())
                .unwrap_or_else(|| panic!("{name}: no suggestion in {stderr}"));
            let out = scratch.path().join(format!("suggested-{name}"));
            let (code, stderr) = gen_named(&out, suggested);
            assert_eq!(code, 0, "{name} -> {suggested}: {stderr}");
        }
    }
    // Names that only contain a dependency's name are other names.
    for name in [
        "chronos",
        "my-reqwest",
        "serde-json-client",
        "tokio2",
        "url_tools",
    ] {
        let out = scratch.path().join(name);
        let (code, stderr) = gen_named(&out, name);
        assert_eq!(code, 0, "{name}: {stderr}");
    }
    // An upper-case name never suggests a name that is refused in turn.
    let (code, stderr) = gen_named(&scratch.path().join("fn"), "FN");
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("use `fn`"), "{stderr}");
}
