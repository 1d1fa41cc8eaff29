//! The one function every generated file goes through: `ensure_file_contents`, in write or check mode.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Write the files, or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Update files on disk.
    Write,
    /// Change nothing; report differences.
    Check,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Already as generated.
    Unchanged,
    /// Written (write mode).
    Updated,
    /// Differs from what would be generated (check mode); a unified diff.
    Differs(String),
}

/// Normalizes line endings so a checkout with `\r\n` does not count as drift.
pub fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Makes `path` hold `contents` (write mode) or reports how it differs (check mode).
///
/// `display_path` names the file in diffs. Writes go to a temporary file first and are renamed
/// into place, so a file is never left half-written.
pub fn ensure_file_contents(
    mode: Mode,
    path: &Path,
    display_path: &str,
    contents: &str,
) -> Result<FileOutcome> {
    let contents = normalize_newlines(contents);
    ensure_file(mode, path, display_path, contents.as_bytes(), true)
}

/// [`ensure_file_contents`] for bytes kept exactly as they are, newlines included: a provider's
/// saved page and the spec taken from it are byte for byte what the provider publishes.
pub fn ensure_file_bytes(
    mode: Mode,
    path: &Path,
    display_path: &str,
    contents: &[u8],
) -> Result<FileOutcome> {
    ensure_file(mode, path, display_path, contents, false)
}

fn ensure_file(
    mode: Mode,
    path: &Path,
    display_path: &str,
    contents: &[u8],
    newlines_normalized: bool,
) -> Result<FileOutcome> {
    // Reading or writing through a symlink could reach a file the generator does not own.
    if std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink()) {
        anyhow::bail!(
            "refusing to write {display_path}: it is a symlink, and the generator never writes through one"
        );
    }
    let existing = match std::fs::read(path) {
        Ok(bytes) if newlines_normalized => {
            Some(normalize_newlines(&String::from_utf8_lossy(&bytes)).into_bytes())
        }
        Ok(bytes) => Some(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    if existing.as_deref() == Some(contents) {
        return Ok(FileOutcome::Unchanged);
    }
    match mode {
        Mode::Check => Ok(FileOutcome::Differs(unified_diff(
            display_path,
            existing
                .as_deref()
                .map(|bytes| String::from_utf8_lossy(bytes))
                .as_deref(),
            Some(&String::from_utf8_lossy(contents)),
        ))),
        Mode::Write => {
            write_atomically(path, contents)?;
            Ok(FileOutcome::Updated)
        }
    }
}

/// A unified diff between what is on disk (`old`) and what would be generated (`new`).
pub fn unified_diff(display_path: &str, old: Option<&str>, new: Option<&str>) -> String {
    let old_name = if old.is_some() {
        format!("a/{display_path}")
    } else {
        "/dev/null".to_string()
    };
    let new_name = if new.is_some() {
        format!("b/{display_path}")
    } else {
        "/dev/null".to_string()
    };
    similar::TextDiff::from_lines(old.unwrap_or(""), new.unwrap_or(""))
        .unified_diff()
        .context_radius(3)
        .header(&old_name, &new_name)
        .to_string()
}

fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    let parent = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = parent.join(format!(".{file_name}.xtask-tmp"));
    std::fs::write(&temporary, contents)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("cannot move {} into place", path.display()))?;
    Ok(())
}
