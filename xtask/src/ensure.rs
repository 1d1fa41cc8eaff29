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

/// How long a line diff may search for the smallest difference before it settles for a larger
/// (still correct) one: a page of a few MB whose lines all changed took minutes otherwise.
pub const LINE_DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// The line diff every report shows, bounded in time by [`LINE_DIFF_TIMEOUT`].
pub fn line_diff<'text>(
    old: &'text str,
    new: &'text str,
) -> similar::TextDiff<'text, 'text, 'text, str> {
    similar::TextDiff::configure()
        .timeout(LINE_DIFF_TIMEOUT)
        .diff_lines(old, new)
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
    line_diff(old.unwrap_or(""), new.unwrap_or(""))
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
    // The temporary name is predictable, so whatever stands there (a leftover, or a symlink a
    // checkout planted to have the write land elsewhere) is removed, never written through, and
    // the file is created new: `create_new` fails rather than follow a symlink that reappears.
    if let Ok(metadata) = std::fs::symlink_metadata(&temporary) {
        if metadata.is_dir() {
            anyhow::bail!(
                "cannot write {}: {} is a directory",
                path.display(),
                temporary.display()
            );
        }
        std::fs::remove_file(&temporary)
            .with_context(|| format!("cannot remove {}", temporary.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .with_context(|| format!("cannot create {}", temporary.display()))?;
    std::io::Write::write_all(&mut file, contents)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    drop(file);
    std::fs::rename(&temporary, path)
        .with_context(|| format!("cannot move {} into place", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A saved page of 200 lines against a new one with 1,000 changed lines after each: the smallest
    /// diff took minutes to find; the bounded one is found in seconds and still turns one text into
    /// the other.
    #[test]
    fn a_diff_of_pages_whose_lines_all_changed_is_bounded_and_still_correct() {
        let old: String = (0..200).map(|line| format!("saved {line}\n")).collect();
        let new: String = (0..200)
            .map(|line| {
                let mut block = format!("saved {line}\n");
                for changed in 0..1_000 {
                    block.push_str(&format!("new {line} {changed} {}\n", line * 7919 + changed));
                }
                block
            })
            .collect();
        let diff = line_diff(&old, &new);
        let (mut rebuilt_old, mut rebuilt_new) = (String::new(), String::new());
        for change in diff.iter_all_changes() {
            match change.tag() {
                similar::ChangeTag::Equal => {
                    rebuilt_old.push_str(change.value());
                    rebuilt_new.push_str(change.value());
                }
                similar::ChangeTag::Delete => rebuilt_old.push_str(change.value()),
                similar::ChangeTag::Insert => rebuilt_new.push_str(change.value()),
            }
        }
        assert_eq!(rebuilt_old, old);
        assert_eq!(rebuilt_new, new);
        let report = unified_diff("page.md", Some(&old), Some(&new));
        assert!(
            report.starts_with("--- a/page.md\n+++ b/page.md\n"),
            "{}",
            &report[..80]
        );
    }
}
