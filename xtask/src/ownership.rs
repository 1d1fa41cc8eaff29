//! Decides whether `gen --out DIR` may write into `DIR`: only an empty (or missing) directory, or one
//! whose `manifest.toml` says this generator wrote every file in it. Never follows a symlink.

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// What cargo itself puts beside a crate: build output and the lock file. They are not the
/// generator's, but they do not make a directory foreign either; they are never read or touched.
const CARGO_OWNED_TOP_LEVEL: &[&str] = &["target", "Cargo.lock"];

/// The files of an output directory, and which of them a previous run of this generator wrote.
#[derive(Debug, Default)]
pub struct OutputDirectory {
    /// Every file found (relative, `/`-separated), cargo's own files left out.
    pub existing_files: BTreeSet<String>,
    /// The files the previous run's manifest lists (empty for a new or empty directory).
    pub owned_files: BTreeSet<String>,
}

/// Inspects `out` and refuses it unless the generator may write there.
///
/// Refused: a symlink anywhere (the directory itself, an entry in it, the manifest); a path that is
/// not a directory; a directory holding files without a manifest of this generator (an existing
/// crate, a workspace root); a manifest that lists paths outside `out`; and files the manifest
/// does not list (the generator did not write them, so it must not overwrite or own them).
pub fn inspect_output_directory(out: &Path, generator_name: &str) -> Result<OutputDirectory> {
    let metadata = match std::fs::symlink_metadata(out) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(OutputDirectory::default())
        }
        Err(error) => {
            return Err(error).with_context(|| format!("cannot inspect {}", out.display()))
        }
    };
    if metadata.file_type().is_symlink() {
        bail!(
            "refusing --out {}: it is a symlink; name the real directory",
            out.display()
        );
    }
    if !metadata.is_dir() {
        bail!("refusing --out {}: it is not a directory", out.display());
    }
    let existing_files = list_files_without_following_links(out)?;
    if existing_files.is_empty() {
        return Ok(OutputDirectory::default());
    }
    refuse_workspace_root(out)?;
    let owned_files = read_owned_files(out, generator_name)?;
    refuse_workspace_member_crate(out)?;
    let foreign: Vec<&String> = existing_files
        .iter()
        .filter(|file| !owned_files.contains(*file))
        .collect();
    if !foreign.is_empty() {
        let listed: Vec<String> = foreign
            .iter()
            .take(10)
            .map(|file| file.to_string())
            .collect();
        let more = if foreign.len() > listed.len() {
            format!(" and {} more", foreign.len() - listed.len())
        } else {
            String::new()
        };
        bail!(
            "refusing --out {}: it holds files this generator did not write ({}{more}); choose an empty directory",
            out.display(),
            listed.join(", ")
        );
    }
    Ok(OutputDirectory {
        existing_files,
        owned_files,
    })
}

/// A `Cargo.toml` with workspace members is a workspace root, whatever a manifest beside it says:
/// the generator's own `Cargo.toml` has an empty `[workspace]`.
fn refuse_workspace_root(out: &Path) -> Result<()> {
    let Ok(text) = read_regular_file(&out.join("Cargo.toml")) else {
        return Ok(());
    };
    let has_members = text
        .parse::<toml::Table>()
        .ok()
        .and_then(|table| table.get("workspace").cloned())
        .and_then(|workspace| workspace.get("members").cloned())
        .and_then(|members| members.as_array().map(|members| !members.is_empty()))
        .unwrap_or(false);
    if has_members {
        bail!(
            "refusing --out {}: it is a workspace root (its Cargo.toml lists workspace members); choose an empty directory",
            out.display()
        );
    }
    Ok(())
}

/// The generator writes a standalone crate with an empty `[workspace]` of its own; a crate of it
/// without one is the workspace crate `cargo xtask gen` keeps (a checkout's `generated/`): `--spec`
/// would replace its providers with one spec and delete their modules.
fn refuse_workspace_member_crate(out: &Path) -> Result<()> {
    let Ok(text) = read_regular_file(&out.join("Cargo.toml")) else {
        return Ok(());
    };
    let is_standalone = text
        .parse::<toml::Table>()
        .is_ok_and(|table| table.contains_key("workspace"));
    if !is_standalone {
        bail!(
            "refusing --out {}: it holds the workspace crate that `cargo xtask gen` writes from specs/ (a checkout's generated/), not a standalone crate; choose an empty directory",
            out.display()
        );
    }
    Ok(())
}

/// Every file under `root`, relative and `/`-separated, without following any symlink: a symlink
/// is an error naming it, because writing or deleting through it could reach outside `root`.
pub fn list_files_without_following_links(root: &Path) -> Result<BTreeSet<String>> {
    let mut files = BTreeSet::new();
    match std::fs::symlink_metadata(root) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot inspect {}", root.display()))
        }
        Ok(metadata) if metadata.file_type().is_symlink() => bail!(
            "refusing to write into {}: it is a symlink; name the real directory",
            root.display()
        ),
        Ok(_) => {}
    }
    let mut pending = vec![root.to_path_buf()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory)
            .with_context(|| format!("cannot list {}", directory.display()))?
        {
            let path = entry
                .with_context(|| format!("cannot list {}", directory.display()))?
                .path();
            let relative = relative_display(root, &path);
            if directory == root && CARGO_OWNED_TOP_LEVEL.contains(&relative.as_str()) {
                continue;
            }
            let metadata = std::fs::symlink_metadata(&path)
                .with_context(|| format!("cannot inspect {}", path.display()))?;
            if metadata.file_type().is_symlink() {
                bail!(
                    "refusing to write into {}: {relative} is a symlink, and the generator never writes or deletes through one",
                    root.display()
                );
            }
            if metadata.is_dir() {
                pending.push(path);
            } else {
                files.insert(relative);
            }
        }
    }
    Ok(files)
}

fn relative_display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The files a manifest of this generator lists; an error when there is no such manifest.
fn read_owned_files(out: &Path, generator_name: &str) -> Result<BTreeSet<String>> {
    #[derive(serde::Deserialize)]
    struct OwnedFiles {
        generator: Option<String>,
        #[serde(default)]
        files: Vec<String>,
    }
    let manifest_path = out.join(generator::MANIFEST_PATH);
    let text = match read_regular_file(&manifest_path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "refusing --out {}: it is not empty and has no {} written by this generator (is it an existing crate or a workspace root?); choose an empty directory",
            out.display(),
            generator::MANIFEST_PATH
        ),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", manifest_path.display()))
        }
    };
    let manifest: OwnedFiles = toml::from_str(&text).map_err(|error| {
        anyhow::anyhow!(
            "refusing --out {}: its {} is not a manifest of this generator ({})",
            out.display(),
            generator::MANIFEST_PATH,
            error.message()
        )
    })?;
    if manifest.generator.as_deref() != Some(generator_name) {
        bail!(
            "refusing --out {}: its {} was not written by this generator",
            out.display(),
            generator::MANIFEST_PATH
        );
    }
    let mut owned = BTreeSet::new();
    for file in manifest.files {
        if !is_plain_relative_path(&file) {
            bail!(
                "refusing --out {}: its {} lists `{file}`, a path outside the directory",
                out.display(),
                generator::MANIFEST_PATH
            );
        }
        owned.insert(file);
    }
    Ok(owned)
}

/// `src/lib.rs` yes; `/etc/passwd`, `../x`, `src/../../x`, `C:x` no.
fn is_plain_relative_path(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && PathBuf::from(path)
            .components()
            .all(|component| matches!(component, Component::Normal(_)))
}

/// The text of the file at `path`, refusing anything but a regular file: opening a FIFO that
/// nobody writes to waits forever. (A symlink is followed here; `--out` refuses symlinks anyway.)
fn read_regular_file(path: &Path) -> std::io::Result<String> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a directory, FIFO, socket or device)",
        ));
    }
    std::fs::read_to_string(path)
}

#[cfg(test)]
mod tests {
    use super::is_plain_relative_path;

    #[test]
    fn only_plain_relative_paths_stay_inside_the_directory() {
        assert!(is_plain_relative_path("src/lib.rs"));
        assert!(!is_plain_relative_path("../outside.rs"));
        assert!(!is_plain_relative_path("src/../../outside.rs"));
        assert!(!is_plain_relative_path("/etc/passwd"));
        assert!(!is_plain_relative_path("./src/lib.rs"));
        assert!(!is_plain_relative_path(""));
        assert!(!is_plain_relative_path("src\\..\\x"));
    }
}
