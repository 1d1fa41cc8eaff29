//! `cargo xtask specs`: checks every spec against the provider's saved documentation page, so "byte for
//! byte" and "invent nothing" are verified rather than promised.
//!
//! - `embedded`: the spec equals the fenced `json`/`yaml` block of the page, byte for byte;
//! - `file`: the spec equals the saved file;
//! - `authored`: every path, parameter, property, enum value and status code of the spec appears in the page.

use anyhow::{bail, Context, Result};
use generator::{ProviderConfig, SourceKind};
use std::path::Path;

/// The contents of the first fenced block whose info string starts with `json` or `yaml`.
pub fn embedded_block(page: &str) -> Option<&str> {
    let mut offset = 0;
    for line in page.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let ticks = trimmed
            .chars()
            .take_while(|character| *character == '`')
            .count();
        let info = trimmed[ticks..].trim_start();
        if ticks >= 3 && (info.starts_with("json") || info.starts_with("yaml")) {
            let content_start = offset + line.len();
            let fence = &trimmed[..ticks];
            let rest = &page[content_start..];
            let mut content_length = 0;
            for content_line in rest.split_inclusive('\n') {
                if content_line.trim_end_matches(['\n', '\r']) == fence {
                    return Some(&rest[..content_length]);
                }
                content_length += content_line.len();
            }
            return None;
        }
        offset += line.len();
    }
    None
}

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
    collect_schema_words(document, &mut words);
    words.sort();
    words.dedup();
    words
}

fn collect_schema_words(value: &serde_json::Value, words: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                match key.as_str() {
                    "properties" => {
                        if let Some(properties) = child.as_object() {
                            words.extend(properties.keys().cloned());
                        }
                    }
                    "enum" => words.extend(
                        child
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|item| item.as_str().map(str::to_string)),
                    ),
                    // Examples and prose are checked by reading; names and values by this test.
                    "example" | "examples" | "description" | "summary" | "title" => continue,
                    _ => {}
                }
                collect_schema_words(child, words);
            }
        }
        serde_json::Value::Array(items) => items
            .iter()
            .for_each(|item| collect_schema_words(item, words)),
        _ => {}
    }
}

/// Checks one provider; returns a line saying what was verified.
pub fn check_provider(
    provider_dir: &Path,
    config: &ProviderConfig,
    docs_dir: &Path,
) -> Result<String> {
    let Some(page_name) = &config.docs_page else {
        bail!(
            "{}: provider.toml names no `docs_page`",
            provider_dir.display()
        );
    };
    let page_path = docs_dir.join(page_name);
    let page = std::fs::read(&page_path)
        .with_context(|| format!("cannot read {}", page_path.display()))?;
    let spec_path = provider_dir.join(&config.spec);
    let spec = std::fs::read(&spec_path)
        .with_context(|| format!("cannot read {}", spec_path.display()))?;
    match config.source_kind {
        SourceKind::File => {
            if spec != page {
                bail!(
                    "{} differs from the published file {page_name}",
                    spec_path.display()
                );
            }
            Ok(format!("{}: identical to {page_name}", config.module))
        }
        SourceKind::Embedded => {
            let page_text = String::from_utf8_lossy(&page);
            let Some(block) = embedded_block(&page_text) else {
                bail!("{page_name} has no fenced json or yaml block");
            };
            if block.as_bytes() != spec.as_slice() {
                bail!(
                    "{} is not the block embedded in {page_name}, byte for byte",
                    spec_path.display()
                );
            }
            Ok(format!(
                "{}: the block embedded in {page_name}, byte for byte ({} bytes)",
                config.module,
                spec.len()
            ))
        }
        SourceKind::Authored => {
            let page_text = String::from_utf8_lossy(&page);
            let document: serde_json::Value = serde_norway::from_slice(&spec)
                .with_context(|| format!("cannot parse {}", spec_path.display()))?;
            let words = spec_words(&document);
            let missing: Vec<&String> = words
                .iter()
                .filter(|word| !page_text.contains(word.as_str()))
                .collect();
            if !missing.is_empty() {
                bail!(
                    "{} uses names the page {page_name} never mentions: {missing:?}",
                    spec_path.display()
                );
            }
            Ok(format!(
                "{}: all {} names and values of the authored spec appear in {page_name}",
                config.module,
                words.len()
            ))
        }
    }
}

/// Checks every provider under `specs/`.
pub fn check_all(root: &Path, docs_dir: &Path) -> Result<Vec<String>> {
    let mut folders: Vec<_> = std::fs::read_dir(root.join("specs"))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    let mut lines = Vec::new();
    for folder in folders {
        let config_path = folder.join("provider.toml");
        let text = std::fs::read_to_string(&config_path)
            .with_context(|| format!("cannot read {}", config_path.display()))?;
        let config = ProviderConfig::from_toml_str(&config_path.display().to_string(), &text)?;
        lines.push(check_provider(&folder, &config, docs_dir)?);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::embedded_block;

    #[test]
    fn finds_the_fenced_block_with_or_without_a_final_newline() {
        assert_eq!(
            embedded_block("intro\n```json\n{\"a\":1}\n```\nafter"),
            Some("{\"a\":1}\n")
        );
        assert_eq!(
            embedded_block("````yaml POST /x\na: 1\n\n````"),
            Some("a: 1\n\n")
        );
        assert_eq!(
            embedded_block("```bash\nls\n```\n```json\n{}\n```"),
            Some("{}\n")
        );
        assert_eq!(embedded_block("no block"), None);
    }
}
