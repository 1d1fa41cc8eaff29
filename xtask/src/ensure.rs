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

/// Normalizes line endings so a checkout with `\r\n` does not count as drift. Borrowed when there
/// is nothing to change: a module can be several MB, and a copy of it was the peak of memory.
pub fn normalize_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("\r\n") {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
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
    if let Ok(metadata) = std::fs::symlink_metadata(path) {
        if metadata.file_type().is_symlink() {
            anyhow::bail!(
                "refusing to write {display_path}: it is a symlink, and the generator never writes through one"
            );
        }
        // Opening a FIFO nobody writes to waits forever; a directory or a device is not ours.
        if !metadata.is_file() {
            anyhow::bail!(
                "refusing to write {display_path}: it is not a regular file (a directory, FIFO, socket or device), and the generator only replaces files"
            );
        }
    }
    // The usual case, a file that is already right, is settled reading a block at a time: reading
    // a module of several MB whole, beside its new contents, was the peak of memory.
    match first_difference(path, contents) {
        Ok(FirstDifference::None) => return Ok(FileOutcome::Unchanged),
        Ok(FirstDifference::At { file_byte }) => {
            // A `\r` may be a checkout's line ending, equal once normalized; anything else differs.
            let may_be_line_ending = newlines_normalized && file_byte == Some(b'\r');
            if mode == Mode::Write && !may_be_line_ending {
                write_atomically(path, contents)?;
                return Ok(FileOutcome::Updated);
            }
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
    let existing = match std::fs::read(path) {
        // Only valid UTF-8 is normalized: lossy decoding would turn an invalid byte into U+FFFD,
        // which the contents may hold, and a damaged file would pass for a right one.
        Ok(bytes) if newlines_normalized && bytes.contains(&b'\r') => {
            match String::from_utf8(bytes) {
                Ok(text) => Some(normalize_newlines(&text).into_owned().into_bytes()),
                Err(not_text) => Some(not_text.into_bytes()),
            }
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

/// Where a file first differs from the contents it should have.
enum FirstDifference {
    /// Nowhere: the file holds exactly the contents.
    None,
    /// At the file's byte there (`None`: the file ends early, or goes on after the contents end).
    At { file_byte: Option<u8> },
}

/// Compares the file at `path` with `contents`, a block at a time.
fn first_difference(path: &Path, contents: &[u8]) -> std::io::Result<FirstDifference> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut block = vec![0; 64 * 1024];
    let mut compared = 0;
    loop {
        let read = match file.read(&mut block) {
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let expected = &contents[compared..];
        if read == 0 {
            return Ok(if expected.is_empty() {
                FirstDifference::None
            } else {
                FirstDifference::At { file_byte: None }
            });
        }
        let common = read.min(expected.len());
        if block[..common] != expected[..common] {
            let offset = (0..common)
                .find(|&index| block[index] != expected[index])
                .unwrap_or(0);
            return Ok(FirstDifference::At {
                file_byte: Some(block[offset]),
            });
        }
        if read > expected.len() {
            return Ok(FirstDifference::At {
                file_byte: Some(block[common]),
            });
        }
        compared += read;
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

    /// A FIFO, a directory or a device where a generated file goes is refused with an error that
    /// names it: reading a FIFO that nobody writes to waited forever.
    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_directory_at_the_path_is_refused_not_waited_on() {
        let folder = tempfile::tempdir().unwrap();
        let fifo = folder.path().join("lib.rs");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let directory = folder.path().join("mod.rs");
        std::fs::create_dir(&directory).unwrap();
        for (path, display_path) in [(fifo, "lib.rs"), (directory, "mod.rs")] {
            for mode in [Mode::Check, Mode::Write] {
                let (sender, receiver) = std::sync::mpsc::channel();
                let thread_path = path.clone();
                std::thread::spawn(move || {
                    let outcome =
                        ensure_file_contents(mode, &thread_path, display_path, "fn f() {}\n");
                    let _ = sender.send(outcome.map_err(|error| format!("{error:#}")));
                });
                // Generous: the refusal is immediate, a hang never answers.
                let outcome = receiver
                    .recv_timeout(std::time::Duration::from_secs(120))
                    .unwrap_or_else(|_| panic!("{display_path} ({mode:?}): no answer, it hangs"));
                let error = outcome.expect_err(display_path);
                assert!(
                    error.contains(display_path) && error.contains("not a regular file"),
                    "{error}"
                );
            }
        }
    }

    /// A file that is not UTF-8 is never equal to text, even where lossy decoding would make it
    /// so (an invalid byte reads as U+FFFD, which a spec's prose may hold): with a checkout's line
    /// endings beside it, the file is still rewritten, and `--check` still reports it.
    #[test]
    fn a_file_with_invalid_utf8_and_carriage_returns_is_not_taken_for_its_lossy_text() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("module.rs");
        let contents = "/// caf\u{FFFD}\nstruct A;\n";
        let on_disk = b"/// caf\xff\r\nstruct A;\r\n";
        std::fs::write(&path, on_disk).unwrap();
        let outcome = ensure_file_contents(Mode::Check, &path, "module.rs", contents).unwrap();
        assert!(matches!(outcome, FileOutcome::Differs(_)), "{outcome:?}");
        let outcome = ensure_file_contents(Mode::Write, &path, "module.rs", contents).unwrap();
        assert_eq!(outcome, FileOutcome::Updated);
        assert_eq!(std::fs::read(&path).unwrap(), contents.as_bytes());
    }

    /// Every way a file on disk can differ from what it should hold, around the block size the
    /// comparison reads at: each is settled as reading the whole file would settle it.
    #[test]
    fn a_file_compared_a_block_at_a_time_is_unchanged_exactly_when_its_bytes_are() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("module.rs");
        let block = 64 * 1024;
        let long: String = (0..3 * block / 10)
            .map(|line| format!("l{line:08}\n"))
            .collect();
        let mut changed_late = long.clone().into_bytes();
        changed_late[2 * block + 5] = b'X';
        let cases: Vec<(&str, Vec<u8>, &str, FileOutcome)> = vec![
            (
                "same bytes",
                long.clone().into_bytes(),
                &long,
                FileOutcome::Unchanged,
            ),
            (
                "a byte changed in a later block",
                changed_late,
                &long,
                FileOutcome::Updated,
            ),
            (
                "a file cut short",
                long.as_bytes()[..block].to_vec(),
                &long,
                FileOutcome::Updated,
            ),
            (
                "a file that goes on",
                format!("{long}more\n").into_bytes(),
                &long,
                FileOutcome::Updated,
            ),
            ("an empty file", Vec::new(), &long, FileOutcome::Updated),
            ("empty contents", b"x".to_vec(), "", FileOutcome::Updated),
            ("both empty", Vec::new(), "", FileOutcome::Unchanged),
            (
                "a checkout's line endings",
                long.replace('\n', "\r\n").into_bytes(),
                &long,
                FileOutcome::Unchanged,
            ),
            (
                "a stray carriage return",
                b"a\rb\n".to_vec(),
                "ab\n",
                FileOutcome::Updated,
            ),
        ];
        for (case, on_disk, contents, expected) in cases {
            std::fs::write(&path, &on_disk).unwrap();
            let outcome = ensure_file_contents(Mode::Write, &path, "module.rs", contents).unwrap();
            assert_eq!(outcome, expected, "{case}");
            let now = std::fs::read(&path).unwrap();
            if expected == FileOutcome::Unchanged {
                assert_eq!(now, on_disk, "{case}: left as it was");
            } else {
                assert_eq!(now, contents.as_bytes(), "{case}: written");
            }
        }
        // Bytes kept as they are: line endings count.
        std::fs::write(&path, "a\r\n").unwrap();
        let outcome = ensure_file_bytes(Mode::Write, &path, "page.md", b"a\n").unwrap();
        assert_eq!(outcome, FileOutcome::Updated);
        // Check mode changes nothing and shows the difference.
        std::fs::write(&path, "old\n").unwrap();
        let outcome = ensure_file_contents(Mode::Check, &path, "module.rs", "new\n").unwrap();
        assert!(
            matches!(&outcome, FileOutcome::Differs(diff) if diff.contains("-old") && diff.contains("+new"))
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"old\n");
        let missing = folder.path().join("missing.rs");
        let outcome = ensure_file_contents(Mode::Check, &missing, "missing.rs", "new\n").unwrap();
        assert!(matches!(outcome, FileOutcome::Differs(_)));
        let outcome = ensure_file_contents(Mode::Write, &missing, "missing.rs", "new\n").unwrap();
        assert_eq!(outcome, FileOutcome::Updated);
    }
}
