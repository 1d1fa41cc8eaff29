//! The team's module rule, checked on the checkout: every hand-written Rust file (the generator,
//! its runtime, xtask and every test crate) starts with a `//!` line that says its job.

use std::path::{Path, PathBuf};

/// Where hand-written Rust lives; generated crates (`generated/`, the golden crate's `src/`),
/// fixtures and Node's packages are not looked at.
const SOURCE_FOLDERS: &[&str] = &[
    "generator/src",
    "generator/runtime/src",
    "generator/tests",
    "xtask/src",
    "xtask/tests",
    "tests",
];

const SKIPPED_FOLDERS: &[&str] = &["fixtures", "golden", "node_modules", "target"];

fn rust_files(folder: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let metadata = std::fs::symlink_metadata(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if metadata.is_dir() {
            if !SKIPPED_FOLDERS.contains(&name.as_str()) {
                rust_files(&path, files);
            }
        } else if metadata.is_file() && name.ends_with(".rs") {
            files.push(path);
        }
    }
}

#[test]
fn every_hand_written_rust_file_starts_with_a_module_doc_line() {
    let root = xtask::codegen::project_root().unwrap();
    let mut files = Vec::new();
    for folder in SOURCE_FOLDERS {
        rust_files(&root.join(folder), &mut files);
    }
    assert!(
        files
            .iter()
            .any(|file| file.ends_with("format/fast_functions/statements.rs")),
        "the walk reaches nested module folders"
    );
    let without_doc: Vec<String> = files
        .iter()
        .filter(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            !text
                .lines()
                .next()
                .is_some_and(|line| line.starts_with("//!") && line.len() > "//! ".len())
        })
        .map(|file| {
            file.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        without_doc.is_empty(),
        "these files do not start with a `//!` line saying their job:\n{}",
        without_doc.join("\n")
    );
}
