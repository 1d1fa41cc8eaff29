//! A standalone crate written inside a user's Cargo workspace: Cargo is the oracle. Without an
//! `exclude` entry, the outer workspace has two roots as soon as it takes the crate as a member (a
//! `members` glob, or a path dependency of a member), and `cargo metadata` there fails; `gen --spec`
//! says so in a note naming the `exclude` line, and with that line added the outer workspace loads
//! and the note is gone.

use std::path::Path;
use std::process::Command;

fn gen_into(out: &Path) -> (i32, String) {
    let spec = xtask::codegen::project_root()
        .unwrap()
        .join("generator/tests/fixtures/api_changes/base.yaml");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(out)
        .arg("--crate-name=foo")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `cargo metadata` of the workspace at `root`, without resolving dependencies: Ok, or Cargo's error.
fn load_workspace(root: &Path) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--offline",
            "--no-deps",
            "--format-version",
            "1",
        ])
        .current_dir(root)
        .output()
        .expect("cargo runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// The `exclude = [...]` line the note asks for.
fn suggested_exclude_line(stderr: &str) -> String {
    stderr
        .lines()
        .find(|line| line.starts_with("note: ") && line.contains("is a Cargo workspace"))
        .and_then(|line| line.split("Add `").nth(1))
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no note with an exclude line: {stderr}"))
        .to_string()
}

fn write_member_app(root: &Path, dependency: &str) {
    std::fs::create_dir_all(root.join("app/src")).unwrap();
    std::fs::write(
        root.join("app/Cargo.toml"),
        format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dependency}"),
    )
    .unwrap();
    std::fs::write(root.join("app/src/main.rs"), "fn main() {}\n").unwrap();
}

#[test]
fn a_member_glob_over_the_crate_breaks_the_outer_workspace_until_the_noted_exclude_is_added() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("my-workspace");
    std::fs::create_dir_all(&root).unwrap();
    write_member_app(&root, "");
    let members = "[workspace]\nmembers = [\"clients/*\", \"app\"]\nresolver = \"2\"\n";
    std::fs::write(root.join("Cargo.toml"), members).unwrap();

    let (code, stderr) = gen_into(&root.join("clients/foo"));
    assert_eq!(code, 0, "{stderr}");
    let exclude = suggested_exclude_line(&stderr);
    assert_eq!(exclude, "exclude = [\"clients/foo\"]", "{stderr}");
    let error = load_workspace(&root).expect_err("two workspace roots");
    assert!(
        error.contains("multiple workspace roots found"),
        "the note names Cargo's error: {error}"
    );

    std::fs::write(root.join("Cargo.toml"), format!("{members}{exclude}\n")).unwrap();
    load_workspace(&root).unwrap();
    let (code, stderr) = gen_into(&root.join("clients/foo"));
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("Cargo workspace"), "{stderr}");
}

#[test]
fn a_path_dependency_of_a_member_makes_the_crate_a_member_too() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("my-workspace");
    std::fs::create_dir_all(&root).unwrap();
    write_member_app(&root, "foo = { path = \"../clients/foo\" }\n");
    let members = "[workspace]\nmembers = [\"app\"]\nresolver = \"2\"\n";
    std::fs::write(root.join("Cargo.toml"), members).unwrap();

    let (code, stderr) = gen_into(&root.join("clients/foo"));
    assert_eq!(code, 0, "{stderr}");
    let exclude = suggested_exclude_line(&stderr);
    assert!(load_workspace(&root)
        .expect_err("two workspace roots")
        .contains("multiple workspace roots found"));

    // An exclude of a folder above the crate covers it too.
    std::fs::write(
        root.join("Cargo.toml"),
        format!("{members}exclude = [\"./clients/\"]\n"),
    )
    .unwrap();
    load_workspace(&root).unwrap();
    let (code, stderr) = gen_into(&root.join("clients/foo"));
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("Cargo workspace"), "{stderr}");
    assert_eq!(exclude, "exclude = [\"clients/foo\"]");
}

#[test]
fn no_note_without_an_enclosing_workspace() {
    let scratch = tempfile::tempdir().unwrap();
    // A package above `--out` that is not a workspace takes no member.
    std::fs::write(
        scratch.path().join("Cargo.toml"),
        "[package]\nname = \"outer\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    let (code, stderr) = gen_into(&scratch.path().join("clients/foo"));
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("note:"), "{stderr}");
}

/// A workspace that already has an `exclude` list gets the entry to add to it (a second
/// `exclude = [...]` line would be a duplicate key, and Cargo would refuse the whole file), and a
/// folder whose name has TOML's special characters gets an entry TOML reads back as that name.
#[test]
fn the_noted_entry_joins_an_existing_exclude_list_and_is_valid_toml_for_any_folder_name() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("my-workspace");
    std::fs::create_dir_all(&root).unwrap();
    write_member_app(&root, "");
    let members = "[workspace]\nmembers = [\"clients/*\", \"app\"]\nresolver = \"2\"\n";
    std::fs::write(
        root.join("Cargo.toml"),
        format!("{members}exclude = [\"legacy\"]\n"),
    )
    .unwrap();
    let out = root.join("clients/say \"hi\" \\ there");

    let (code, stderr) = gen_into(&out);
    assert_eq!(code, 0, "{stderr}");
    let entry = suggested_exclude_line(&stderr);
    assert!(
        !entry.starts_with("exclude"),
        "a second `exclude` key would break the Cargo.toml: {stderr}"
    );
    assert!(stderr.contains("to the `exclude` list"), "{stderr}");
    assert!(load_workspace(&root)
        .expect_err("two workspace roots")
        .contains("multiple workspace roots found"));

    std::fs::write(
        root.join("Cargo.toml"),
        format!("{members}exclude = [\"legacy\", {entry}]\n"),
    )
    .unwrap();
    load_workspace(&root).unwrap();
    let (code, stderr) = gen_into(&out);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("Cargo workspace"), "{stderr}");
}

/// A `Cargo.toml` above `--out` that is not a file (a FIFO nobody writes to, a directory) is not a
/// workspace: generation finishes without a note instead of waiting on it forever.
#[cfg(unix)]
#[test]
fn a_fifo_named_cargo_toml_above_the_crate_is_not_waited_on() {
    let scratch = tempfile::tempdir().unwrap();
    let made = Command::new("mkfifo")
        .arg(scratch.path().join("Cargo.toml"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::fs::create_dir_all(scratch.path().join("clients/Cargo.toml")).unwrap();
    let spec = xtask::codegen::project_root()
        .unwrap()
        .join("generator/tests/fixtures/api_changes/base.yaml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(["gen", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(scratch.path().join("clients/foo"))
        .arg("--crate-name=foo");
    // Generous: generation takes well under a second; a hang never ends.
    let (status, _, stderr) =
        xtask::corpus::run_with_limit(command, std::time::Duration::from_secs(120)).unwrap();
    let status = status
        .unwrap_or_else(|| panic!("gen --spec waited on the FIFO named Cargo.toml above --out"));
    assert!(status.success(), "{stderr}");
    assert!(!stderr.contains("Cargo workspace"), "{stderr}");
}
