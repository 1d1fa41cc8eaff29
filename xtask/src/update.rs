//! `cargo xtask specs --update [PROVIDER] [--from URL|FILE] [--check]`: fetches each provider's page
//! again, takes the spec out of it as `cargo xtask specs` checks it (`extract`), and updates the saved
//! page and the spec byte for byte, saying what changed. An authored spec is never overwritten.
//!
//! Every page is fetched and every spec extracted before anything is written, so a network error, a
//! page without a spec block or one with several changes nothing at all.

use crate::ensure::{ensure_file_bytes, unified_diff, FileOutcome, Mode};
use crate::extract::extract_spec;
use crate::fetch::{read_page, FetchLimits, PageSource};
use crate::provenance::{names_missing_from_page, provider_folders, read_provider};
use anyhow::{bail, Context, Result};
use generator::{ProviderConfig, SourceKind};
use std::path::{Path, PathBuf};

/// What `--update` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct UpdateOptions {
    /// One provider (its folder name under `specs/`, or its module); all when `None`.
    pub provider: Option<String>,
    /// Read the page from here instead of the provider's `docs_page_url` / `source_url`.
    pub from: Option<String>,
    /// Write nothing; report whether the live page differs from the saved one.
    pub check: bool,
    /// Time and size bounds of each fetch.
    pub limits: FetchLimits,
}

/// What `--update` found and did.
#[derive(Debug, Default)]
pub struct UpdateReport {
    /// What to print, in order.
    pub lines: Vec<String>,
    /// Some saved page (or spec) differs from the live one.
    pub differs: bool,
    /// Files written.
    pub written: Vec<String>,
}

/// One file to bring up to date.
struct PlannedFile {
    path: PathBuf,
    display: String,
    bytes: Vec<u8>,
}

/// Runs the update in `root`.
pub fn update(root: &Path, options: &UpdateOptions) -> Result<UpdateReport> {
    let mut selected = Vec::new();
    for folder in provider_folders(root)? {
        let (display, config) = read_provider(&folder)?;
        let folder_name = display.trim_start_matches("specs/").to_string();
        let wanted = match &options.provider {
            None => true,
            Some(name) => *name == folder_name || *name == config.module,
        };
        if wanted {
            selected.push((folder, display, folder_name, config));
        }
    }
    if let Some(name) = &options.provider {
        if selected.is_empty() {
            let known: Vec<String> = provider_folders(root)?
                .iter()
                .filter_map(|folder| {
                    folder
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                })
                .collect();
            bail!(
                "no provider `{name}` under specs/ (there are: {})",
                known.join(", ")
            );
        }
    }
    if options.from.is_some() && options.provider.is_none() {
        bail!("--from needs a PROVIDER: one page holds one provider's spec");
    }

    let mut report = UpdateReport::default();
    let mut planned: Vec<PlannedFile> = Vec::new();
    for (folder, display, folder_name, config) in &selected {
        let source = match (&options.from, page_url(config)) {
            (Some(from), _) => PageSource::parse(from),
            (None, Some(url)) => PageSource::Url(url.to_string()),
            (None, None) => {
                let message = format!(
                    "{}: the spec is authored and its saved page ({}) is not published at a known URL (no docs_page_url in {display}/provider.toml): not watched; update it with `cargo xtask specs --update {folder_name} --from FILE`",
                    config.module,
                    config.docs_page.as_deref().unwrap_or("none")
                );
                if options.provider.is_some() {
                    bail!("{message}");
                }
                report.lines.push(message);
                continue;
            }
        };
        let page = read_page(&source, &options.limits)?;
        plan_provider(
            folder,
            display,
            config,
            &source,
            page,
            &mut planned,
            &mut report,
        )?;
        // The pages an overlay cites are watched too: a changed fact there may change the overlay.
        for (name, url) in &config.reference_pages {
            if options.from.is_some() {
                report.lines.push(format!(
                    "  {display}/{name}: not fetched (--from replaces the spec's page only)"
                ));
                continue;
            }
            let page = read_page(&PageSource::Url(url.clone()), &options.limits)?;
            plan_saved_page(
                &folder.join(name),
                &format!("{display}/{name}"),
                page,
                &mut planned,
                &mut report,
            )?;
        }
    }

    if options.check {
        report.differs = !planned.is_empty();
        return Ok(report);
    }
    for file in &planned {
        if ensure_file_bytes(Mode::Write, &file.path, &file.display, &file.bytes)?
            == FileOutcome::Updated
        {
            report.written.push(file.display.clone());
        }
    }
    report.differs = !planned.is_empty();
    Ok(report)
}

/// Where the provider's saved page is published: `docs_page_url`, else `source_url` (which for a
/// published file is the file, and for an embedded spec the page). An authored spec's page needs
/// `docs_page_url`: its `source_url` is the page a person reads, not necessarily the saved bytes.
fn page_url(config: &ProviderConfig) -> Option<&str> {
    match (&config.docs_page_url, config.source_kind) {
        (Some(url), _) => Some(url),
        (None, SourceKind::Authored) => None,
        (None, _) if config.source_url.is_empty() => None,
        (None, _) => Some(&config.source_url),
    }
}

fn plan_provider(
    folder: &Path,
    display: &str,
    config: &ProviderConfig,
    source: &PageSource,
    page: Vec<u8>,
    planned: &mut Vec<PlannedFile>,
    report: &mut UpdateReport,
) -> Result<()> {
    let module = &config.module;
    let spec_display = format!("{display}/{}", config.spec);
    let spec_path = folder.join(&config.spec);
    let page_name = config.docs_page.clone();
    let page_display = match &page_name {
        Some(name) => format!("{display}/{name}"),
        None => spec_display.clone(),
    };
    let extracted = extract_spec(config.source_kind, &source.display(), &page)?;
    report.lines.push(format!(
        "{module}: fetched {} ({} bytes)",
        source.display(),
        page.len()
    ));

    // The saved page (for a published file, the spec is the saved page).
    if let Some(name) = &page_name {
        plan_saved_page(
            &folder.join(name),
            &page_display,
            page.clone(),
            planned,
            report,
        )?;
    }

    let saved_spec = read_optional(&spec_path, &spec_display)?;
    match extracted {
        None => {
            // Authored: the page is evidence; the spec is ours and only a person changes it.
            let spec = saved_spec.unwrap_or_default();
            let document: serde_json::Value = serde_norway::from_slice(&spec)
                .with_context(|| format!("cannot parse {spec_display}"))?;
            let missing = names_missing_from_page(&document, &String::from_utf8_lossy(&page));
            report.lines.push(format!(
                "  {spec_display}: authored, never overwritten by --update; {}",
                if missing.is_empty() {
                    "every name and value it uses still appears in the page".to_string()
                } else {
                    format!("the page no longer mentions {missing:?}: edit the spec by hand")
                }
            ));
        }
        Some(extracted) => {
            if saved_spec.as_deref() == Some(extracted.bytes.as_slice()) {
                report.lines.push(format!(
                    "  {spec_display}: unchanged ({})",
                    extracted.origin
                ));
            } else {
                report.lines.push(format!(
                    "  {spec_display}: changed, from {} ({})",
                    extracted.origin,
                    line_counts(saved_spec.as_deref().unwrap_or_default(), &extracted.bytes)
                ));
                for change in crate::spec_changes::describe(
                    saved_spec.as_deref().unwrap_or_default(),
                    &extracted.bytes,
                ) {
                    report.lines.push(format!("    {change}"));
                }
                planned.push(PlannedFile {
                    path: spec_path,
                    display: spec_display,
                    bytes: extracted.bytes,
                });
            }
        }
    }
    Ok(())
}

/// Plans bringing a saved page up to date with `page`, and reports the difference.
fn plan_saved_page(
    page_path: &Path,
    page_display: &str,
    page: Vec<u8>,
    planned: &mut Vec<PlannedFile>,
    report: &mut UpdateReport,
) -> Result<()> {
    let saved = read_optional(page_path, page_display)?;
    if saved.as_deref() == Some(page.as_slice()) {
        report.lines.push(format!("  {page_display}: unchanged"));
        return Ok(());
    }
    report.lines.push(format!(
        "  {page_display}: changed ({})",
        line_counts(saved.as_deref().unwrap_or_default(), &page)
    ));
    report.lines.push(indent(&unified_diff(
        page_display,
        saved
            .as_deref()
            .map(|bytes| String::from_utf8_lossy(bytes))
            .as_deref(),
        Some(&String::from_utf8_lossy(&page)),
    )));
    planned.push(PlannedFile {
        path: page_path.to_path_buf(),
        display: page_display.to_string(),
        bytes: page,
    });
    Ok(())
}

fn read_optional(path: &Path, display: &str) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {display}")),
    }
}

/// `+3 -1 lines`.
fn line_counts(old: &[u8], new: &[u8]) -> String {
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    let diff = crate::ensure::line_diff(old.as_ref(), new.as_ref());
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    format!("+{added} -{removed} lines")
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
