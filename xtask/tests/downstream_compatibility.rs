//! Additive spec changes are additive Rust changes: the same downstream code, written against the
//! crate generated from `generator/tests/fixtures/api_changes/base.yaml`, must compile against the
//! crate generated from each additive variant (an optional request or response field, an enum value,
//! an error status, an operation, an optional parameter, a security scheme), and the change report must call each of
//! them additive. A removed field is reported as breaking, and that same code stops compiling.
//!
//! rustc is the oracle: each crate is built (`cargo check --offline`) as a new crate outside the
//! workspace, with the workspace's `Cargo.lock` and the target directory that `readme_downstream`
//! and `cargo xtask corpus` share, so the dependencies build once.

use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::codegen::{generate_standalone_with, project_root, Bump, Mode, StandaloneOptions};

/// Downstream code as users write it: values built with `new` and setters, fields read and
/// assigned, a destructuring and matches with the wildcard arms `#[non_exhaustive]` asks for.
const DOWNSTREAM_CODE: &str = r#"//! Written against the crate generated from base.yaml.
use widgets::widgets::types::{Color, Widget, WidgetInput};
use widgets::widgets::{Client, Error, GetWidgetError, GetWidgetParams};

pub fn new_widget() -> WidgetInput {
    WidgetInput::new("lamp").with_color(Color::Red)
}

pub fn lookup(id: &str) -> GetWidgetParams {
    let mut parameters = GetWidgetParams::new(id);
    parameters.verbose = Some(true);
    parameters
}

pub fn describe(widget: &Widget) -> String {
    let Widget { id, name, .. } = widget;
    format!("{id}: {name}, size {:?}, color {:?}", widget.size, widget.color)
}

pub fn color_name(color: &Color) -> &str {
    match color {
        Color::Red => "red",
        Color::Green => "green",
        other => other.as_str(),
    }
}

pub fn problem_of(error: &GetWidgetError) -> Option<&str> {
    match error {
        GetWidgetError::NotFound(problem) => Some(problem.detail.as_str()),
        _ => None,
    }
}

pub async fn create_then_get(client: &Client) -> Result<String, Box<dyn std::error::Error>> {
    let created = client.create_widget(&new_widget()).await?;
    match client.get_widget(&lookup(&created.id)).await {
        Ok(widget) => Ok(describe(&widget)),
        Err(Error::ErrorResponse { body, .. }) => Ok(problem_of(&body).unwrap_or_default().to_string()),
        Err(other) => Err(other.into()),
    }
}
"#;

const ADDITIVE_CHANGES: &[&str] = &[
    "field_added_optional_request",
    "field_added_optional_response",
    "variant_added",
    "error_status_added",
    "operation_added",
    "parameter_added_optional",
    "credentials_added",
];

fn fixture(change: &str) -> PathBuf {
    project_root().unwrap().join(format!(
        "generator/tests/fixtures/api_changes/{change}.yaml"
    ))
}

/// Regenerates the crate in `out` from a fixture; returns the change report's lines.
fn generate(change: &str, out: &Path) -> Vec<String> {
    let spec = fixture(change);
    let report = generate_standalone_with(&StandaloneOptions {
        spec: &spec,
        out,
        crate_name: Some("widgets"),
        config: None,
        overlay: None,
        mode: Mode::Write,
        skip_invalid: false,
        bump: Bump::BySemver,
    })
    .unwrap_or_else(|error| panic!("{change}.yaml must generate: {error:#}"));
    report.api_changes
}

/// `cargo check` of the downstream crate: Ok, or the compiler's errors.
fn check_downstream(downstream: &Path) -> Result<(), String> {
    let root = project_root().unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--lib", "--manifest-path"])
        .arg(downstream.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/corpus/target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() && !stderr.contains("warning") {
        Ok(())
    } else {
        Err(stderr)
    }
}

#[test]
fn downstream_code_compiles_before_and_after_each_additive_change_and_not_after_a_breaking_one() {
    let root = project_root().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("widgets");
    let downstream = scratch.path().join("downstream");
    std::fs::create_dir_all(downstream.join("src")).unwrap();
    std::fs::write(
        downstream.join("Cargo.toml"),
        "[package]\nname = \"downstream\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nwidgets = { path = \"../widgets\" }\n\n# Not a member of any workspace.\n[workspace]\n",
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), downstream.join("Cargo.lock")).unwrap();
    std::fs::write(downstream.join("src/lib.rs"), DOWNSTREAM_CODE).unwrap();

    generate("base", &out);
    if let Err(errors) = check_downstream(&downstream) {
        panic!("the downstream code must compile against the base crate:\n{errors}");
    }

    for change in ADDITIVE_CHANGES {
        // Each change is compared with the base, so the report shows that one change alone.
        generate("base", &out);
        let report = generate(change, &out);
        assert!(
            report.iter().any(|line| line.starts_with("  additive: "))
                && !report.iter().any(|line| line.starts_with("  breaking: ")),
            "{change}: an additive spec change must be reported as additive only:\n{}",
            report.join("\n")
        );
        assert!(
            report
                .iter()
                .any(|line| line.starts_with("version ") && line.contains("(additive change(s)")),
            "{change}: an additive change steps the patch version:\n{}",
            report.join("\n")
        );
        if let Err(errors) = check_downstream(&downstream) {
            panic!("{change}: the downstream code that compiled against the base crate no longer compiles:\n{errors}");
        }
    }

    generate("base", &out);
    let report = generate("field_removed", &out);
    assert!(
        report.contains(
            &"  breaking: removed field `size` of `types::Widget`: Option<i64>".to_string()
        ),
        "a removed field must be reported as breaking:\n{}",
        report.join("\n")
    );
    assert!(
        report
            .iter()
            .any(|line| line.starts_with("version ") && line.contains("(breaking change(s)")),
        "{}",
        report.join("\n")
    );
    let errors = check_downstream(&downstream).expect_err(
        "the downstream code reads `size`, so it must not compile once the field is gone",
    );
    assert!(errors.contains("size"), "{errors}");
}
