//! The API change report of `cargo xtask gen` on a copy of the checkout: `--check` reports and
//! writes nothing, `gen` adds the changelog entry and bumps the version by the semver step,
//! `--no-bump` holds changes back under "Unreleased" until the next bump releases them.

use std::path::Path;
use xtask::codegen::{generate_workspace, generate_workspace_with, project_root, Bump, Mode};

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A copy of `specs/` and `generated/` in a temporary checkout.
fn checkout() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let project = project_root().unwrap();
    copy_tree(&project.join("specs"), &root.path().join("specs"));
    copy_tree(&project.join("generated"), &root.path().join("generated"));
    root
}

fn edit_dayzero_spec(root: &Path, from: &str, to: &str) {
    let spec_path = root.join("specs/dayzero/openapi.json");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    let changed = spec.replacen(from, to, 1);
    assert_ne!(spec, changed, "the spec edit must apply");
    std::fs::write(&spec_path, changed).unwrap();
}

/// Adds an optional `session_label` to the token response.
fn add_optional_response_field(root: &Path) {
    edit_dayzero_spec(
        root,
        r#""access_token":{"type":"string""#,
        r#""session_label":{"type":"string","description":"A new field"},"access_token":{"type":"string""#,
    );
}

/// Removes the token response's optional `scope`.
fn remove_scope_field(root: &Path) {
    let spec_path = root.join("specs/dayzero/openapi.json");
    let mut spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    let properties = spec
        .pointer_mut("/components/schemas/OAuthTokenResponse/properties")
        .and_then(serde_json::Value::as_object_mut)
        .expect("the token response has properties");
    assert!(properties.shift_remove("scope").is_some());
    std::fs::write(&spec_path, serde_json::to_string(&spec).unwrap()).unwrap();
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap()
}

fn version(root: &Path) -> String {
    let table: toml::Table = read(root, "generated/Cargo.toml").parse().unwrap();
    table["package"]["version"].as_str().unwrap().to_string()
}

#[test]
fn an_unchanged_api_reports_no_change_and_keeps_the_version() {
    let root = checkout();
    let before = version(root.path());
    let report = generate_workspace(root.path(), Mode::Check).unwrap();
    assert!(report.is_clean(), "{}", report.drift_text());
    assert!(
        report
            .api_changes
            .iter()
            .all(|line| line.ends_with(": API unchanged")),
        "{:?}",
        report.api_changes
    );
    assert_eq!(version(root.path()), before);
}

#[test]
fn an_additive_change_is_reported_by_check_and_released_as_a_patch_by_gen() {
    let root = checkout();
    let changelog_before = read(root.path(), "generated/CHANGELOG.md");
    let before: semver::Version = version(root.path()).parse().unwrap();
    add_optional_response_field(root.path());

    let checked = generate_workspace(root.path(), Mode::Check).unwrap();
    assert!(
        checked
            .api_changes
            .contains(&"dayzero: 1 API change(s), 0 breaking, 1 additive".to_string()),
        "{:?}",
        checked.api_changes
    );
    assert!(checked.api_changes.contains(
        &"  additive: added optional field `session_label` to `types::OAuthTokenResponse`: Option<String>"
            .to_string()
    ));
    let expected = semver::Version::new(before.major, before.minor, before.patch + 1);
    assert!(checked.api_changes.contains(&format!(
        "version {before} -> {expected} (additive change(s); CHANGELOG.md has the entry)"
    )));
    // A pure check: it fails on drift, and writes nothing.
    assert!(!checked.is_clean());
    let drift = checked.drift_text();
    assert!(
        drift.contains(&format!("+version = \"{expected}\"")),
        "{drift}"
    );
    assert!(drift.contains("generated/api/dayzero.toml"), "{drift}");
    assert_eq!(
        read(root.path(), "generated/CHANGELOG.md"),
        changelog_before
    );
    assert_eq!(version(root.path()), before.to_string());

    let written = generate_workspace(root.path(), Mode::Write).unwrap();
    assert!(written.is_clean());
    assert_eq!(version(root.path()), expected.to_string());
    let changelog = read(root.path(), "generated/CHANGELOG.md");
    let entry = format!(
        "## {expected}\n\nAdditive changes only from {before}.\n\n- `dayzero`: additive: added optional field `session_label` to `types::OAuthTokenResponse`: Option<String>\n\n## {before}\n"
    );
    assert!(changelog.contains(&entry), "{changelog}");
    assert!(changelog.ends_with(&changelog_before[changelog_before.find("\n## ").unwrap()..]));

    // Regenerating again changes nothing: the new surface is the checked-in one.
    let again = generate_workspace(root.path(), Mode::Check).unwrap();
    assert!(again.is_clean(), "{}", again.drift_text());
    assert_eq!(version(root.path()), expected.to_string());
}

#[test]
fn no_bump_holds_changes_back_and_the_next_bump_releases_them_with_the_larger_step() {
    let root = checkout();
    let before: semver::Version = version(root.path()).parse().unwrap();
    remove_scope_field(root.path());
    let held = generate_workspace_with(root.path(), Mode::Write, Bump::Never).unwrap();
    assert!(
        held.api_changes.contains(
            &"  breaking: removed field `scope` of `types::OAuthTokenResponse`: Option<String>"
                .to_string()
        ),
        "{:?}",
        held.api_changes
    );
    assert!(held
        .api_changes
        .last()
        .unwrap()
        .starts_with(&format!("version stays {before} (--no-bump)")));
    assert_eq!(version(root.path()), before.to_string());
    let changelog = read(root.path(), "generated/CHANGELOG.md");
    assert!(changelog.contains("## Unreleased\n"), "{changelog}");
    assert!(
        changelog.contains("- `dayzero`: breaking: removed field `scope`"),
        "{changelog}"
    );
    assert!(
        generate_workspace_with(root.path(), Mode::Check, Bump::Never)
            .unwrap()
            .is_clean()
    );

    // An additive change next: the held-back breaking one decides the step.
    add_optional_response_field(root.path());
    let released = generate_workspace(root.path(), Mode::Write).unwrap();
    let expected = semver::Version::new(before.major, before.minor + 1, 0);
    assert_eq!(
        version(root.path()),
        expected.to_string(),
        "{:?}",
        released.api_changes
    );
    let changelog = read(root.path(), "generated/CHANGELOG.md");
    assert!(!changelog.contains("## Unreleased"), "{changelog}");
    let entry_start = changelog.find(&format!("## {expected}\n")).unwrap();
    let entry = &changelog[entry_start..changelog.find(&format!("## {before}\n")).unwrap()];
    assert!(entry.contains("Breaking changes from"), "{entry}");
    assert!(entry.contains("removed field `scope`"), "{entry}");
    assert!(
        entry.contains("added optional field `session_label`"),
        "{entry}"
    );
}

#[test]
fn a_damaged_surface_file_is_an_error_naming_it_and_nothing_is_written() {
    let root = checkout();
    std::fs::write(root.path().join("generated/api/dayzero.toml"), "module = [").unwrap();
    add_optional_response_field(root.path());
    let source_before = read(root.path(), "generated/src/dayzero.rs");
    let error = generate_workspace(root.path(), Mode::Write).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("generated/api/dayzero.toml"), "{message}");
    assert_eq!(read(root.path(), "generated/src/dayzero.rs"), source_before);
}

#[test]
fn a_lost_cargo_toml_does_not_take_the_version_back() {
    let root = checkout();
    let before = version(root.path());
    std::fs::remove_file(root.path().join("generated/Cargo.toml")).unwrap();
    let written = generate_workspace(root.path(), Mode::Write).unwrap();
    assert!(written.is_clean());
    assert_eq!(
        version(root.path()),
        before,
        "the changelog's latest release is the floor"
    );
    assert!(generate_workspace(root.path(), Mode::Check)
        .unwrap()
        .is_clean());
}
