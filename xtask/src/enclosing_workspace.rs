//! The Cargo workspace above a standalone crate's `--out`, and the note that says how to keep it apart.
//!
//! A standalone crate has a `[workspace]` table of its own, so it builds wherever it is written. An
//! enclosing workspace that takes it as a member (a `members` glob such as `clients/*`, or a path
//! dependency of one of its members, which Cargo makes a member) then has two roots, and every
//! build of it fails: "multiple workspace roots found in the same workspace". The cure is an
//! `exclude` entry in the enclosing workspace (Cargo then builds the crate as a plain path
//! dependency). The generator never edits a file outside `--out`, so it says so instead.

use std::path::{Path, PathBuf};

/// The note for a crate written to `out`, or `None` when no workspace encloses it or that
/// workspace already excludes it. `out` must exist (it is read after writing).
pub fn enclosing_workspace_note(out: &Path) -> Option<String> {
    let out = std::fs::canonicalize(out).ok()?;
    let (root, workspace) = nearest_enclosing_workspace(&out)?;
    if is_excluded(&root, &workspace, &out) {
        return None;
    }
    let relative = out
        .strip_prefix(&root)
        .ok()?
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    // A TOML string (quotes and backslashes in a folder's name escaped), so the line reads back.
    let entry = toml::Value::String(relative).to_string();
    // A second `exclude` key would be a duplicate, which makes Cargo refuse the whole file.
    let addition = if workspace.contains_key("exclude") {
        format!("Add `{entry}` to the `exclude` list")
    } else {
        format!("Add `exclude = [{entry}]` to the `[workspace]` table")
    };
    Some(format!(
        "{} is a Cargo workspace, and this crate is a workspace of its own: if the outer one takes it as a member (a `members` glob that matches it, or a path dependency of a member), its builds fail with \"multiple workspace roots found\". {addition} of that Cargo.toml (a member may still depend on the crate by path)",
        root.join("Cargo.toml").display(),
    ))
}

/// The nearest directory above `out` whose `Cargo.toml` has a `[workspace]` table, with that table.
fn nearest_enclosing_workspace(out: &Path) -> Option<(PathBuf, toml::Table)> {
    out.ancestors().skip(1).find_map(|candidate| {
        let manifest_path = candidate.join("Cargo.toml");
        // Only a file is read: opening a FIFO that nobody writes to would wait forever.
        if !std::fs::metadata(&manifest_path).is_ok_and(|metadata| metadata.is_file()) {
            return None;
        }
        let text = std::fs::read_to_string(manifest_path).ok()?;
        let mut manifest = text.parse::<toml::Table>().ok()?;
        match manifest.remove("workspace")? {
            toml::Value::Table(workspace) => Some((candidate.to_path_buf(), workspace)),
            _ => None,
        }
    })
}

/// Whether an `exclude` entry of the workspace at `root` is `out` or a folder above it (Cargo's
/// rule: an excluded path excludes everything under it).
fn is_excluded(root: &Path, workspace: &toml::Table, out: &Path) -> bool {
    let Some(toml::Value::Array(entries)) = workspace.get("exclude") else {
        return false;
    };
    entries
        .iter()
        .filter_map(toml::Value::as_str)
        .filter_map(|entry| std::fs::canonicalize(root.join(entry)).ok())
        .any(|excluded| out.starts_with(excluded))
}
