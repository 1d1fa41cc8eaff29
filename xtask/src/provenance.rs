//! `cargo xtask specs`: checks every spec against the provider's documentation page saved beside it in
//! `specs/<provider>/`, so "byte for byte" and "invent nothing" are verified rather than promised, on
//! any clone.
//!
//! - `embedded`: the spec equals the OpenAPI block of the page (see `extract`), byte for byte;
//! - `file`: the spec is the published file itself (an OpenAPI document; `source_url` points to it);
//! - `authored`: every path, parameter, property, enum value and status code of the spec appears in the page;
//! - an `overlay.yaml`: every action cites its page, and every name, value and status it adds appears
//!   in the provider's saved pages (`docs_page`, `reference_pages`).

use crate::extract::extract_spec;
use anyhow::{bail, Context, Result};
use generator::{ProviderConfig, SourceKind};
use std::path::Path;

/// Names and values an authored spec uses, which the page must mention.
fn spec_words(document: &serde_json::Value) -> Vec<String> {
    let mut words = Vec::new();
    if let Some(paths) = document.get("paths").and_then(serde_json::Value::as_object) {
        for (path, item) in paths {
            words.push(path.clone());
            for operation in item
                .as_object()
                .into_iter()
                .flat_map(|methods| methods.values())
            {
                for parameter in operation
                    .get("parameters")
                    .and_then(serde_json::Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(name) = parameter.get("name").and_then(serde_json::Value::as_str) {
                        words.push(name.to_string());
                    }
                }
                for status in operation
                    .get("responses")
                    .and_then(serde_json::Value::as_object)
                    .into_iter()
                    .flat_map(|responses| responses.keys())
                {
                    // Pages describe success as "Response" or "Success Response", rarely as "200".
                    if status != "default" && status != "200" {
                        words.push(status.clone());
                    }
                }
            }
        }
    }
    collect_schema_words(document, Additions::SchemaNamesOnly, &mut words);
    words.sort();
    words.dedup();
    words
}

/// Which names [`collect_schema_words`] gathers besides property names and enum values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Additions {
    /// Only those (an authored spec: its paths, parameters and statuses are gathered per operation).
    SchemaNamesOnly,
    /// Also the statuses, paths and parameter names an overlay's update adds anywhere below its target.
    AlsoOperationNames,
}

fn collect_schema_words(value: &serde_json::Value, additions: Additions, words: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                match key.as_str() {
                    "properties" => {
                        if let Some(properties) = child.as_object() {
                            words.extend(properties.keys().cloned());
                        }
                    }
                    "enum" => {
                        words.extend(child.as_array().into_iter().flatten().filter_map(|item| {
                            match item {
                                serde_json::Value::String(text) => Some(text.clone()),
                                serde_json::Value::Number(number) => Some(number.to_string()),
                                _ => None,
                            }
                        }))
                    }
                    // Statuses and paths an update adds below its target (`{post: {responses: {'418': ..}}}`).
                    "responses" | "paths" if additions == Additions::AlsoOperationNames => {
                        if let Some(entries) = child.as_object() {
                            words.extend(entries.keys().cloned());
                        }
                    }
                    "parameters" if additions == Additions::AlsoOperationNames => words.extend(
                        child
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|parameter| parameter.get("name")?.as_str())
                            .map(str::to_string),
                    ),
                    // Examples and prose are checked by reading; names and values by this test.
                    "example" | "examples" | "description" | "summary" | "title" => continue,
                    _ => {}
                }
                collect_schema_words(child, additions, words);
            }
        }
        serde_json::Value::Array(items) => items
            .iter()
            .for_each(|item| collect_schema_words(item, additions, words)),
        _ => {}
    }
}

/// Checks one provider (its folder `provider_dir`, named `folder_display` in messages); returns a line
/// saying what was verified.
pub fn check_provider(
    provider_dir: &Path,
    folder_display: &str,
    config: &ProviderConfig,
) -> Result<String> {
    let spec_path = provider_dir.join(&config.spec);
    let spec_display = format!("{folder_display}/{}", config.spec);
    let spec = std::fs::read(&spec_path).with_context(|| format!("cannot read {spec_display}"))?;
    let page = match (&config.docs_page, config.source_kind) {
        (None, SourceKind::File) => None,
        (None, _) => bail!(
            "{folder_display}/provider.toml names no `docs_page`: an {} spec needs the page it comes from saved beside it",
            config.source_kind.as_str()
        ),
        (Some(page_name), _) => {
            let page_display = format!("{folder_display}/{page_name}");
            let bytes = std::fs::read(provider_dir.join(page_name))
                .with_context(|| format!("cannot read {page_display} (the docs_page of {folder_display}/provider.toml)"))?;
            Some((page_display, bytes))
        }
    };
    match config.source_kind {
        SourceKind::File => {
            let (page_display, page) = page.unwrap_or_else(|| (spec_display.clone(), spec.clone()));
            let extracted = extract_spec(SourceKind::File, &page_display, &page)?
                .context("a published file always yields itself")?;
            if extracted.bytes != spec {
                bail!("{spec_display} differs from the published file {page_display}");
            }
            Ok(format!(
                "{}: {spec_display} is the file published at {} ({} bytes)",
                config.module,
                config.source_url,
                spec.len()
            ))
        }
        SourceKind::Embedded => {
            let (page_display, page) = page.context("checked above")?;
            let extracted = extract_spec(SourceKind::Embedded, &page_display, &page)?
                .context("an embedded spec always yields a block")?;
            if extracted.bytes != spec {
                bail!(
                    "{spec_display} is not {} of {page_display}, byte for byte; `cargo xtask specs --update {folder_name}` takes it from the page",
                    extracted.origin,
                    folder_name = folder_display.rsplit('/').next().unwrap_or(folder_display)
                );
            }
            Ok(format!(
                "{}: {} of {page_display}, byte for byte ({} bytes)",
                config.module,
                extracted.origin,
                spec.len()
            ))
        }
        SourceKind::Authored => {
            let (page_display, page) = page.context("checked above")?;
            let page_text = String::from_utf8_lossy(&page);
            let document: serde_json::Value = serde_norway::from_slice(&spec)
                .with_context(|| format!("cannot parse {spec_display}"))?;
            let missing = names_missing_from_page(&document, &page_text);
            if !missing.is_empty() {
                bail!(
                    "{spec_display} uses names the page {page_display} never mentions: {missing:?}"
                );
            }
            Ok(format!(
                "{}: all {} names and values of the authored spec appear in {page_display}",
                config.module,
                spec_words(&document).len()
            ))
        }
    }
}

/// The names and values of an authored spec that `page` does not mention.
pub fn names_missing_from_page(document: &serde_json::Value, page: &str) -> Vec<String> {
    spec_words(document)
        .into_iter()
        .filter(|word| !page.contains(word.as_str()))
        .collect()
}

/// The provider folders under `specs/`, sorted by name.
pub fn provider_folders(root: &Path) -> Result<Vec<std::path::PathBuf>> {
    let specs = root.join("specs");
    let mut folders: Vec<_> = std::fs::read_dir(&specs)
        .with_context(|| format!("cannot list {}", specs.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    Ok(folders)
}

/// Reads `specs/<provider>/provider.toml`; returns the folder as messages name it and the settings.
pub fn read_provider(folder: &Path) -> Result<(String, ProviderConfig)> {
    let name = folder
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let display = format!("specs/{name}");
    let config_display = format!("{display}/provider.toml");
    let text = std::fs::read_to_string(folder.join("provider.toml"))
        .with_context(|| format!("cannot read {config_display}"))?;
    let config = ProviderConfig::from_toml_str(&config_display, &text)?;
    check_file_names(&config_display, &config)?;
    Ok((display, config))
}

/// The files provider.toml names are plain file names in the provider's folder, distinct from each
/// other and from provider.toml and the overlay: `specs --update` writes them, and must not write
/// anywhere else (`../../x`, an absolute path) or one file over another.
pub(crate) fn check_file_names(config_display: &str, config: &ProviderConfig) -> Result<()> {
    let mut names: Vec<(String, &str)> = vec![("spec".to_string(), config.spec.as_str())];
    if let Some(page) = &config.docs_page {
        names.push(("docs_page".to_string(), page));
    }
    for name in config.reference_pages.keys() {
        names.push((format!("reference_pages.\"{name}\""), name));
    }
    let mut seen: Vec<&str> = vec!["provider.toml", crate::codegen::OVERLAY_FILE];
    for (key, name) in names {
        let plain = !name.is_empty()
            && name != "."
            && name != ".."
            && !name.contains(['/', '\\', ':'])
            && !name.starts_with('.');
        if !plain {
            bail!("{config_display}: `{key}` = \"{name}\" must be a plain file name in the provider's folder");
        }
        if seen.contains(&name) {
            bail!("{config_display}: `{key}` = \"{name}\" names a file that provider.toml already uses for something else");
        }
        seen.push(name);
    }
    Ok(())
}

/// Checks a provider's overlay, when it has one: every action cites its source in a `description`,
/// and every property name, enum value and status the overlay adds appears in one of the provider's
/// saved pages (`docs_page` and `reference_pages`). Overlays carry what the provider's pages say,
/// never more.
pub fn check_overlay(
    provider_dir: &Path,
    folder_display: &str,
    config: &ProviderConfig,
) -> Result<Option<String>> {
    let overlay_path = provider_dir.join(crate::codegen::OVERLAY_FILE);
    let overlay_display = format!("{folder_display}/{}", crate::codegen::OVERLAY_FILE);
    let Ok(bytes) = std::fs::read(&overlay_path) else {
        return Ok(None);
    };
    let overlay: serde_json::Value = serde_norway::from_slice(&bytes).with_context(|| {
        format!("cannot parse {overlay_display} (`cargo xtask gen` says where and why)")
    })?;
    let mut pages = String::new();
    let mut page_names: Vec<String> = config.docs_page.iter().cloned().collect();
    page_names.extend(config.reference_pages.keys().cloned());
    if page_names.is_empty() {
        bail!(
            "{overlay_display}: {folder_display}/provider.toml names no saved page (`docs_page`, `reference_pages`) that states the overlay's facts"
        );
    }
    for name in &page_names {
        let bytes = std::fs::read(provider_dir.join(name)).with_context(|| {
            format!("cannot read {folder_display}/{name} (named in {folder_display}/provider.toml)")
        })?;
        pages.push_str(&String::from_utf8_lossy(&bytes));
        pages.push('\n');
    }
    let actions = overlay
        .get("actions")
        .and_then(serde_json::Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut words = Vec::new();
    for (index, action) in actions.iter().enumerate() {
        let cites = action
            .get("description")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|description| !description.trim().is_empty());
        if !cites {
            bail!(
                "{overlay_display} at /actions/{index}: no `description`; every action cites the page that states its fact"
            );
        }
        let Some(update) = action.get("update") else {
            continue;
        };
        let target = action
            .get("target")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        // The last segment of the target, however it is written (`.properties`, `['properties']`,
        // `["properties"]`): keys merged into a `properties`, `responses` or `paths` mapping are names.
        let last_segment = target
            .trim_end()
            .trim_end_matches([']', '\'', '"'])
            .rsplit(['.', '[', '\'', '"'])
            .next()
            .unwrap_or("");
        let keys_are_names = matches!(last_segment, "properties" | "responses" | "paths");
        if let Some(map) = update.as_object() {
            for key in map.keys() {
                let is_status =
                    key.len() == 3 && key.chars().all(|character| character.is_ascii_digit());
                if is_status || keys_are_names {
                    words.push(key.clone());
                }
            }
        }
        // An update of a list appends itself: an enum value, or a parameter with its name.
        match (last_segment, update) {
            ("enum", serde_json::Value::String(value)) => words.push(value.clone()),
            ("enum", serde_json::Value::Number(value)) => words.push(value.to_string()),
            ("parameters", parameter) => {
                if let Some(name) = parameter.get("name").and_then(serde_json::Value::as_str) {
                    words.push(name.to_string());
                }
            }
            _ => {}
        }
        collect_schema_words(update, Additions::AlsoOperationNames, &mut words);
    }
    words.sort();
    words.dedup();
    let missing: Vec<&String> = words
        .iter()
        .filter(|word| !pages.contains(word.as_str()))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{overlay_display} adds names or values that none of the saved pages ({}) mentions: {missing:?}",
            page_names.join(", ")
        );
    }
    Ok(Some(format!(
        "{}: {overlay_display}: {} action(s), each citing its page; all {} names, values and statuses it adds appear in {}",
        config.module,
        actions.len(),
        words.len(),
        page_names.join(", ")
    )))
}

/// Checks every provider under `specs/`.
pub fn check_all(root: &Path) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for folder in provider_folders(root)? {
        let (display, config) = read_provider(&folder)?;
        lines.push(check_provider(&folder, &display, &config)?);
        for name in config.reference_pages.keys() {
            if !folder.join(name).is_file() {
                bail!("{display}/{name} is missing: {display}/provider.toml lists it in `reference_pages`");
            }
        }
        lines.extend(check_overlay(&folder, &display, &config)?);
    }
    Ok(lines)
}
