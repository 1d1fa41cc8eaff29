//! `gen --spec --out DIR` writes only where the generator owns everything: an empty or new
//! directory, or one its own manifest describes. It never follows a symlink, never deletes outside
//! `DIR`, and names every file it writes or deletes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    xtask::codegen::project_root()
        .unwrap()
        .join("generator/tests/fixtures/valid")
        .join(name)
}

fn run_xtask(current_dir: Option<&Path>, arguments: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(arguments);
    if let Some(directory) = current_dir {
        command.current_dir(directory);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn gen_into(out: &Path, extra: &[&str]) -> (i32, String, String) {
    let spec = fixture("recursive.yaml");
    let mut arguments = vec![
        "gen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    arguments.extend_from_slice(extra);
    run_xtask(None, &arguments)
}

/// Every file under `directory` with its bytes, following nothing.
fn snapshot(directory: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![directory.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            let metadata = std::fs::symlink_metadata(&path).unwrap();
            if metadata.is_dir() {
                pending.push(path);
            } else if metadata.file_type().is_symlink() {
                files.push((
                    path.clone(),
                    std::fs::read_link(&path)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                ));
            } else {
                files.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn an_existing_crate_is_refused_and_left_as_it_was() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("my-crate");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(
        out.join("Cargo.toml"),
        "[package]\nname = \"mine\"\nversion = \"1.0.0\"\n",
    )
    .unwrap();
    std::fs::write(out.join("src/lib.rs"), "pub fn mine() {}\n").unwrap();
    let before = snapshot(&out);
    let (code, stdout, stderr) = gen_into(&out, &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("refusing --out"), "{stderr}");
    assert!(stderr.contains("manifest.toml"), "{stderr}");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_workspace_root_is_refused_and_left_as_it_was() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("workspace");
    std::fs::create_dir_all(root.join("member/src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"member\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("member/Cargo.toml"),
        "[package]\nname = \"member\"\n",
    )
    .unwrap();
    std::fs::write(root.join("member/src/lib.rs"), "\n").unwrap();
    let before = snapshot(&root);
    let (code, _, stderr) = gen_into(&root, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("refusing --out"), "{stderr}");
    assert_eq!(snapshot(&root), before);
    assert!(stderr.contains("it is a workspace root"), "{stderr}");
    // Even a planted manifest claiming every file does not make a workspace root the generator's.
    std::fs::write(
        root.join("manifest.toml"),
        "generator = \"generator\"\nfiles = [\"Cargo.toml\", \"manifest.toml\", \"member/Cargo.toml\", \"member/src/lib.rs\"]\n",
    )
    .unwrap();
    let before = snapshot(&root);
    let (code, _, stderr) = gen_into(&root, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("it is a workspace root"), "{stderr}");
    assert_eq!(snapshot(&root), before);
    // Check mode refuses as well: it must not report a workspace's files as drift to be fixed.
    let (code, _, stderr) = gen_into(&root, &["--check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("refusing --out"), "{stderr}");
}

/// `generated/` is the generator's, but it is the workspace's crate of every provider: `--spec`
/// must not turn it into a one-spec crate and delete the providers' modules.
#[test]
fn the_checked_in_workspace_crate_is_refused_and_left_as_it_was() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("generated");
    let checked_in = xtask::codegen::project_root().unwrap().join("generated");
    std::fs::create_dir_all(out.join("src")).unwrap();
    for relative in ["Cargo.toml", "manifest.toml", "rustfmt.toml"] {
        std::fs::copy(checked_in.join(relative), out.join(relative)).unwrap();
    }
    for entry in std::fs::read_dir(checked_in.join("src")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, out.join("src").join(path.file_name().unwrap())).unwrap();
    }
    let before = snapshot(&out);
    let (code, stdout, stderr) = gen_into(&out, &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("not a standalone crate"), "{stderr}");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_planted_manifest_and_a_symlinked_folder_cannot_reach_outside_out() {
    let scratch = tempfile::tempdir().unwrap();
    let outside = scratch.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("victim.rs"), "// not the generator's\n").unwrap();
    let out = scratch.path().join("crate");
    assert_eq!(gen_into(&out, &[]).0, 0);
    // An adversary lists a file under `src/` in the manifest and turns `src/` into a link outside.
    let manifest = std::fs::read_to_string(out.join("manifest.toml")).unwrap();
    let planted = manifest.replacen("files = [", "files = [\n    \"src/victim.rs\",", 1);
    assert_ne!(manifest, planted);
    std::fs::write(out.join("manifest.toml"), planted).unwrap();
    std::fs::remove_dir_all(out.join("src")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("src")).unwrap();
    let outside_before = snapshot(&outside);
    let (code, stdout, stderr) = gen_into(&out, &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("src is a symlink"), "{stderr}");
    assert_eq!(snapshot(&outside), outside_before);
}

#[test]
fn a_symlinked_out_or_manifest_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let real = scratch.path().join("real");
    assert_eq!(gen_into(&real, &[]).0, 0);
    let link = scratch.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let before = snapshot(&real);
    let (code, _, stderr) = gen_into(&link, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("is a symlink"), "{stderr}");
    assert_eq!(snapshot(&real), before);

    let manifest_elsewhere = scratch.path().join("manifest.toml");
    std::fs::rename(real.join("manifest.toml"), &manifest_elsewhere).unwrap();
    std::os::unix::fs::symlink(&manifest_elsewhere, real.join("manifest.toml")).unwrap();
    let (code, _, stderr) = gen_into(&real, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("manifest.toml is a symlink"), "{stderr}");
}

#[test]
fn a_manifest_listing_a_path_outside_out_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(scratch.path().join("victim.rs"), "// mine\n").unwrap();
    let out = scratch.path().join("crate");
    assert_eq!(gen_into(&out, &[]).0, 0);
    let manifest = std::fs::read_to_string(out.join("manifest.toml")).unwrap();
    let planted = manifest.replacen("files = [", "files = [\n    \"../victim.rs\",", 1);
    std::fs::write(out.join("manifest.toml"), planted).unwrap();
    let (code, _, stderr) = gen_into(&out, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`../victim.rs`, a path outside"),
        "{stderr}"
    );
    assert!(scratch.path().join("victim.rs").exists());
}

#[test]
fn files_the_generator_did_not_write_make_out_foreign() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("crate");
    assert_eq!(gen_into(&out, &[]).0, 0);
    std::fs::write(out.join("src/handwritten.rs"), "// mine\n").unwrap();
    let before = snapshot(&out);
    let (code, _, stderr) = gen_into(&out, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("src/handwritten.rs"), "{stderr}");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn every_file_written_or_deleted_is_named_and_cargo_files_are_left_alone() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("crate");
    let (code, stdout, stderr) = gen_into(&out, &[]);
    assert_eq!(code, 0, "{stderr}");
    for file in [
        "Cargo.toml",
        "manifest.toml",
        "src/lib.rs",
        "runtime/Cargo.toml",
        "runtime/src/lib.rs",
    ] {
        assert!(
            stdout.contains(&format!("wrote {}", out.join(file).display()))
                || stdout.contains(&format!("wrote crate/{file}")),
            "{file}: {stdout}"
        );
    }
    // A file the previous run wrote and this one does not produce is deleted, by name.
    let manifest = std::fs::read_to_string(out.join("manifest.toml")).unwrap();
    std::fs::write(
        out.join("manifest.toml"),
        manifest.replacen("files = [", "files = [\n    \"src/old_module.rs\",", 1),
    )
    .unwrap();
    std::fs::write(out.join("src/old_module.rs"), "// old\n").unwrap();
    std::fs::write(out.join("Cargo.lock"), "# cargo's\n").unwrap();
    std::fs::create_dir_all(out.join("target/debug")).unwrap();
    std::fs::write(out.join("target/debug/build-output"), "cargo's").unwrap();
    let (code, stdout, stderr) = gen_into(&out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("deleted crate/src/old_module.rs"),
        "{stdout}"
    );
    assert!(stdout.contains("wrote crate/manifest.toml"), "{stdout}");
    assert!(!out.join("src/old_module.rs").exists());
    assert!(out.join("Cargo.lock").exists());
    assert!(out.join("target/debug/build-output").exists());
}

/// A crate written by the layout before the runtime became a crate of its own (`src/runtime.rs`
/// and `src/runtime/*.rs`, listed in its manifest): regenerating deletes those files and the
/// folder they leave empty, and never a folder that still holds something.
#[test]
fn regenerating_over_the_module_runtime_layout_leaves_no_empty_folder() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("crate");
    assert_eq!(gen_into(&out, &[]).0, 0);
    let manifest = std::fs::read_to_string(out.join("manifest.toml")).unwrap();
    std::fs::write(
        out.join("manifest.toml"),
        manifest.replacen(
            "files = [",
            "files = [\n    \"src/runtime.rs\",\n    \"src/runtime/token.rs\",\n    \"src/runtime/deep/er.rs\",",
            1,
        ),
    )
    .unwrap();
    std::fs::create_dir_all(out.join("src/runtime/deep")).unwrap();
    std::fs::write(out.join("src/runtime.rs"), "// old\n").unwrap();
    std::fs::write(out.join("src/runtime/token.rs"), "// old\n").unwrap();
    std::fs::write(out.join("src/runtime/deep/er.rs"), "// old\n").unwrap();
    std::fs::create_dir_all(out.join("target/debug/deps")).unwrap();
    let (code, stdout, stderr) = gen_into(&out, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("3 stray file(s) deleted"), "{stdout}");
    assert!(
        !out.join("src/runtime").exists(),
        "an empty folder was left"
    );
    assert!(out.join("src").is_dir());
    assert!(
        out.join("target/debug/deps").is_dir(),
        "cargo's folders are left alone"
    );
    // Nothing left to do: the check agrees.
    let (code, stdout, stderr) = gen_into(&out, &["--check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn invalid_crate_names_are_refused_before_anything_is_written() {
    let scratch = tempfile::tempdir().unwrap();
    // `MyClient`: Cargo takes it, but rustc warns that the crate (and its runtime copy,
    // `MyClient_runtime`) should have a snake case name, so the crate would not build warning-free.
    for name in [
        "123", "fn", "my crate", "", "-lead", "std", "café", "MyClient",
    ] {
        let out = scratch.path().join("crate");
        let (code, _, stderr) = gen_into(&out, &[&format!("--crate-name={name}")]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.contains("invalid --crate-name"), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: output was written");
    }
}

/// A standalone crate's runtime copy is the package `<crate>-runtime`: a crate named `foo-runtime`
/// beside one named `foo` would bring two packages of that name into one build, which Cargo
/// refuses ("package collision in the lockfile"). So no crate name ends in that suffix.
#[test]
fn crate_names_that_could_be_another_crates_runtime_copy_are_refused() {
    let scratch = tempfile::tempdir().unwrap();
    for name in ["foo-runtime", "foo_runtime", "x-runtime-runtime"] {
        let out = scratch.path().join("crate");
        let (code, _, stderr) = gen_into(&out, &[&format!("--crate-name={name}")]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.contains("invalid --crate-name"), "{name}: {stderr}");
        assert!(stderr.contains("runtime copy"), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: output was written");
    }
    // The runtime's own name and names that merely contain it are fine.
    for name in ["runtime", "runtimes", "my-runtime-client"] {
        let out = scratch.path().join(name);
        let (code, _, stderr) = gen_into(&out, &[&format!("--crate-name={name}")]);
        assert_eq!(code, 0, "{name}: {stderr}");
    }
}

/// `--crate-name lib` would make the module `lib`, whose file is the crate root `src/lib.rs`.
#[test]
fn a_crate_named_lib_does_not_overwrite_its_own_root() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("crate");
    let (code, stdout, stderr) = gen_into(&out, &["--crate-name=lib"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(out.join("src/lib_api.rs").exists(), "{stdout}");
    let root = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(root.contains("pub mod lib_api;"), "{root}");
}

#[test]
fn the_generated_crate_names_the_spec_by_file_name_only() {
    let scratch = tempfile::tempdir().unwrap();
    let spec_folder = scratch.path().join("a-very-private-folder");
    std::fs::create_dir_all(&spec_folder).unwrap();
    std::fs::copy(fixture("recursive.yaml"), spec_folder.join("api.yaml")).unwrap();
    let out = scratch.path().join("crate");
    let spec = spec_folder.join("api.yaml");
    let (code, _, stderr) = run_xtask(
        None,
        &[
            "gen",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    for (path, bytes) in snapshot(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("a-very-private-folder"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn the_checkout_is_found_from_the_current_directory_at_run_time() {
    // A second checkout that shares this build: xtask must work on it, not on the one it was built in.
    let scratch = tempfile::tempdir().unwrap();
    let copy = scratch.path().join("copy");
    std::fs::create_dir_all(copy.join("xtask")).unwrap();
    std::fs::create_dir_all(copy.join("specs")).unwrap();
    std::fs::create_dir_all(copy.join("generated/src")).unwrap();
    std::fs::write(
        copy.join("Cargo.toml"),
        "[workspace]\nmembers = [\"xtask\"]\n",
    )
    .unwrap();
    std::fs::write(
        copy.join("xtask/Cargo.toml"),
        "[package]\nname = \"xtask\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run_xtask(Some(&copy.join("generated/src")), &["gen", "--check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "no providers found under {}",
            copy.join("specs").display()
        )),
        "{stderr}"
    );

    let nowhere = scratch.path().join("nowhere");
    std::fs::create_dir_all(&nowhere).unwrap();
    let (code, _, stderr) = run_xtask(Some(&nowhere), &["gen", "--check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cannot find the checkout"), "{stderr}");
}

/// A FIFO where `--out`'s manifest or `Cargo.toml` stood is refused with an error: reading one that
/// nobody writes to waited forever.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_the_manifest_or_cargo_toml_is_refused_not_waited_on() {
    for replaced in ["manifest.toml", "Cargo.toml"] {
        let scratch = tempfile::tempdir().unwrap();
        let out = scratch.path().join("client");
        let (code, _, stderr) = gen_into(&out, &[]);
        assert_eq!(code, 0, "{stderr}");
        std::fs::remove_file(out.join(replaced)).unwrap();
        let made = Command::new("mkfifo")
            .arg(out.join(replaced))
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let spec = fixture("recursive.yaml");
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .args(["gen", "--spec"])
            .arg(&spec)
            .arg("--out")
            .arg(&out);
        // Generous: generation takes well under a second; a hang never ends.
        let (status, _, stderr) =
            xtask::corpus::run_with_limit(command, std::time::Duration::from_secs(120)).unwrap();
        let status =
            status.unwrap_or_else(|| panic!("gen --spec waited on the FIFO at {replaced}"));
        assert!(!status.success(), "{replaced}: {stderr}");
        assert!(
            stderr.contains(replaced) && stderr.contains("not a regular file"),
            "{replaced}: {stderr}"
        );
    }
}
