//! The API change report of a regeneration: reads what the previous release left in the output
//! folder (`Cargo.toml`, `CHANGELOG.md`, `api/*.toml`), lets the generator classify the changes and
//! write the changelog entry and version bump, and words the report.

use anyhow::{anyhow, Context, Result};
use generator::api_surface::release::{apply_release, PreviousRelease, Release, CHANGELOG_PATH};
use generator::api_surface::SURFACE_DIRECTORY;
use generator::GeneratedCrate;
use std::path::Path;

/// Whether an API change bumps the crate's version (`--no-bump` says no).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    /// Bump by the semver step the changes call for.
    BySemver,
    /// Keep the version; record the changes as unreleased.
    Never,
}

/// Reads a regular file; a missing one (or anything else: a symlink, a folder) is `None`, since the
/// generator only ever reads back files it wrote.
fn read_regular_file(path: &Path) -> Result<Option<String>> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_file() => std::fs::read_to_string(path)
            .map(Some)
            .with_context(|| format!("cannot read {}", path.display())),
        _ => Ok(None),
    }
}

/// What the last run left in `out`; nothing unless `out` holds a generator manifest (a folder the
/// generator does not own is refused later, before anything is written).
pub fn read_previous_release(out: &Path) -> Result<PreviousRelease> {
    let mut previous = PreviousRelease::default();
    if read_regular_file(&out.join(generator::MANIFEST_PATH))?.is_none() {
        return Ok(previous);
    }
    previous.cargo_toml = read_regular_file(&out.join("Cargo.toml"))?;
    previous.changelog = read_regular_file(&out.join(CHANGELOG_PATH))?;
    let surfaces = out.join(SURFACE_DIRECTORY);
    let is_folder = std::fs::symlink_metadata(&surfaces).is_ok_and(|metadata| metadata.is_dir());
    if is_folder {
        let mut names: Vec<String> = std::fs::read_dir(&surfaces)
            .with_context(|| format!("cannot list {}", surfaces.display()))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".toml"))
            .collect();
        names.sort();
        for name in names {
            if let Some(text) = read_regular_file(&surfaces.join(&name))? {
                previous
                    .surfaces
                    .push((format!("{SURFACE_DIRECTORY}/{name}"), text));
            }
        }
    }
    Ok(previous)
}

/// Classifies the API changes of `generated` against what `out` holds, and puts the changelog
/// entry and version into `generated`.
pub fn release_changes(
    out: &Path,
    out_display: &str,
    generated: &mut GeneratedCrate,
    bump: Bump,
) -> Result<Release> {
    let previous = read_previous_release(out)?;
    apply_release(generated, &previous, bump == Bump::BySemver)
        .map_err(|message| anyhow!("{out_display}/{message}"))
}

/// The report's lines: each change under its module, then the version step.
pub fn report_lines(release: &Release, bump: Bump) -> Vec<String> {
    let mut lines = Vec::new();
    if release.baseline {
        lines.push(format!(
            "API: first run with an API surface; recorded for {} module(s), nothing to compare with",
            release.modules.len()
        ));
        return lines;
    }
    for module in &release.modules {
        if module.changes.is_empty() {
            lines.push(format!("{}: API unchanged", module.module));
            continue;
        }
        let breaking = module
            .changes
            .iter()
            .filter(|change| change.class == generator::api_surface::changes::ChangeClass::Breaking)
            .count();
        lines.push(format!(
            "{}: {} API change(s), {breaking} breaking, {} additive",
            module.module,
            module.changes.len(),
            module.changes.len() - breaking
        ));
        for change in &module.changes {
            lines.push(format!("  {change}"));
        }
    }
    match (release.class, bump) {
        (None, _) => {}
        (Some(_), Bump::Never) => lines.push(format!(
            "version stays {} (--no-bump): the changes are listed under Unreleased in {CHANGELOG_PATH}",
            release.version
        )),
        (Some(class), Bump::BySemver) => lines.push(format!(
            "version {} -> {} ({} change(s); {CHANGELOG_PATH} has the entry)",
            release.previous_version,
            release.version,
            class.as_str()
        )),
    }
    lines
}
