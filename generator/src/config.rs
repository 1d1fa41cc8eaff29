//! Per-provider settings read from `provider.toml`: module name, provenance, operation renames, OAuth2 Basic schemes.

use crate::error::{ErrorContext, GeneratorError};
use serde::Deserialize;
use std::collections::BTreeMap;

/// How a provider's OpenAPI document came to be in `specs/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Published by the provider as a file, copied as is.
    File,
    /// The OpenAPI block embedded in a documentation page, copied byte for byte.
    Embedded,
    /// The provider publishes no OpenAPI document; we wrote it from the page in `source_url`.
    Authored,
}

impl SourceKind {
    /// The spelling used in `provider.toml` and the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::File => "file",
            SourceKind::Embedded => "embedded",
            SourceKind::Authored => "authored",
        }
    }
}

/// The contents of one `specs/<provider>/provider.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Human name, used in docs.
    pub display_name: String,
    /// Rust module and Cargo feature name (snake_case).
    pub module: String,
    /// The spec file, relative to the provider folder.
    pub spec: String,
    /// The page the spec comes from.
    pub source_url: String,
    /// How the spec was obtained.
    pub source_kind: SourceKind,
    /// Free text about the provenance.
    #[serde(default)]
    pub source_note: String,
    /// Operation renames: key is the `operationId`, or `"METHOD /path"` when there is none.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// HTTP Basic security schemes whose credentials are OAuth2 client credentials (RFC 6749 section 2.3.1).
    #[serde(default)]
    pub oauth2_client_basic_schemes: Vec<String>,
}

impl ProviderConfig {
    /// Parses `provider.toml` text; `file` is named in errors.
    pub fn from_toml_str(file: &str, text: &str) -> Result<Self, GeneratorError> {
        let context = ErrorContext::new(file);
        let config: ProviderConfig = toml::from_str(text).map_err(|error| {
            let line_column = error.span().map(|span| line_column_of(text, span.start));
            context.syntax(
                line_column,
                format!("invalid provider.toml: {}", error.message()),
            )
        })?;
        let is_snake_case = !config.module.is_empty()
            && config.module.chars().all(|character| {
                character.is_ascii_lowercase() || character.is_ascii_digit() || character == '_'
            })
            && !config
                .module
                .starts_with(|character: char| character.is_ascii_digit());
        if !is_snake_case {
            return Err(context.invalid(
                "/module",
                format!(
                    "module `{}` must be a snake_case Rust identifier",
                    config.module
                ),
            ));
        }
        Ok(config)
    }

    /// Settings for a spec given on the command line, with no provider.toml.
    pub fn for_standalone_spec(module: &str, spec_file: &str) -> Self {
        ProviderConfig {
            display_name: module.to_string(),
            module: module.to_string(),
            spec: spec_file.to_string(),
            source_url: String::new(),
            source_kind: SourceKind::File,
            source_note: String::new(),
            operations: BTreeMap::new(),
            oauth2_client_basic_schemes: Vec::new(),
        }
    }
}

fn line_column_of(text: &str, byte_offset: usize) -> (usize, usize) {
    let before = text.get(..byte_offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    (line, column)
}
