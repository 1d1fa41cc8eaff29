//! Builds the README's Rust examples as a new crate outside the workspace, whose only dependencies
//! are the ones the README's `[dependencies]` block lists: what a downstream user gets after copying
//! them. Doctests (readme.rs) cannot show this, since they see every dependency of the tests crate.
//!
//! Cheap by design: `cargo check --offline`, the workspace's `Cargo.lock`, and the target directory
//! of `cargo xtask corpus` (the same dependencies with the same features), so they build once.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The fenced blocks of `markdown` whose info string starts with `language`, without their fences
/// and without the indentation of the list item they sit in.
fn fenced_blocks(markdown: &str, language: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut current {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    if info.split(',').next() == Some(language) {
                        current = Some((indent, Vec::new()));
                    }
                }
            }
            Some((block_indent, lines)) => {
                if trimmed.starts_with("```") {
                    blocks.push(lines.join("\n"));
                    current = None;
                } else {
                    let cut = (*block_indent).min(indent);
                    lines.push(line[cut..].to_string());
                }
            }
        }
    }
    blocks
}

/// A doctest's source as rustc sees it: `# ` hides a line from the reader, not from the compiler.
fn without_rustdoc_hiding(block: &str) -> String {
    block
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed == "#" {
                ""
            } else if let Some(rest) = trimmed.strip_prefix("# ") {
                rest
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_readme_examples_compile_in_a_new_crate_with_exactly_the_listed_dependencies() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();

    let dependency_blocks: Vec<String> = fenced_blocks(&readme, "toml")
        .into_iter()
        .filter(|block| block.trim_start().starts_with("[dependencies]"))
        .collect();
    assert_eq!(
        dependency_blocks.len(),
        1,
        "the README lists its dependencies in one `[dependencies]` block"
    );
    let generated = root.join("generated");
    let dependencies = dependency_blocks[0].replace(
        "path = \"generated\"",
        &format!("path = {:?}", generated.display().to_string()),
    );
    assert!(dependencies.contains(&generated.display().to_string()));

    let examples: Vec<String> = fenced_blocks(&readme, "rust")
        .iter()
        .map(|block| without_rustdoc_hiding(block))
        .collect();
    assert!(examples.len() >= 3, "the README's examples were found");

    let crate_dir =
        std::env::temp_dir().join(format!("auth-clients-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&crate_dir);
    std::fs::create_dir_all(crate_dir.join("src/bin")).unwrap();
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"readme-examples\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n{dependencies}\n\n# Not a member of any workspace.\n[workspace]\n"
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    for (number, example) in examples.iter().enumerate() {
        assert!(
            example.contains("fn main"),
            "README example {} is a whole program:\n{example}",
            number + 1
        );
        std::fs::write(
            crate_dir.join(format!("src/bin/example_{}.rs", number + 1)),
            example,
        )
        .unwrap();
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--bins", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/corpus/target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let _ = std::fs::remove_dir_all(&crate_dir);
    assert!(
        output.status.success(),
        "the README's examples do not compile with only the dependencies it lists:\n{stderr}"
    );
    assert!(
        !stderr.contains("warning"),
        "the README's examples compile with warnings:\n{stderr}"
    );
}
