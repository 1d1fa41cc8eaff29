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
    /// When the key is absent, the document decides: Basic on a token request (an OAuth2 flow's
    /// `tokenUrl`, or a form body with `grant_type`) carries client credentials.
    #[serde(default)]
    pub oauth2_client_basic_schemes: Option<Vec<String>>,
    /// The saved documentation page the spec comes from, a file beside the spec in
    /// `specs/<provider>/`, checked by `cargo xtask specs` (none for a published file: the spec is it).
    #[serde(default)]
    pub docs_page: Option<String>,
    /// Where the saved page's bytes are published, when that is not `source_url` (a GitBook or
    /// Mintlify page's Markdown is at the page's URL + `.md`); `cargo xtask specs --update` fetches it.
    #[serde(default)]
    pub docs_page_url: Option<String>,
    /// Further pages saved beside the spec (file name -> where it is published) that state facts the
    /// overlay adds: `cargo xtask specs` checks the overlay against them, `specs --update` fetches them.
    #[serde(default)]
    pub reference_pages: BTreeMap<String, String>,
    /// Which operation issues tokens and where the token and its lifetime are: drives the token source.
    #[serde(default)]
    pub token: Option<TokenConfig>,
    /// The provider's overlay (`specs/<provider>/overlay.yaml`), read by xtask: facts the provider's
    /// pages state and its spec omits, applied by the load stage.
    #[serde(skip)]
    pub overlay: Option<crate::load::overlay::OverlaySource>,
    /// The provider.toml these settings were read from, as errors should name it (empty when there
    /// is none): a key that matches nothing in the spec is a mistake in this file, not in the spec.
    #[serde(skip)]
    pub config_file: String,
}

/// How a token is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenFlow {
    /// The token operation is called with stored credentials whenever a token is needed.
    #[default]
    ClientCredentials,
    /// A user authorizes in a browser; the code is exchanged once; no re-issue without the user.
    AuthorizationCode,
}

/// The `[token]` table of `provider.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// The Rust method name (after renames) of the operation that issues tokens.
    pub operation: String,
    /// Wire name of the access token in the success body.
    pub access_token: String,
    /// Wire name of the lifetime in seconds, when the provider gives one.
    #[serde(default)]
    pub expires_in: Option<String>,
    /// Wire name of the absolute expiry (a date-time), when the provider gives one.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Wire name of the refresh token, when the provider issues one.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Wire name of the refresh token's absolute expiry.
    #[serde(default)]
    pub refresh_token_expires_at: Option<String>,
    /// How tokens are obtained.
    #[serde(default)]
    pub flow: TokenFlow,
    /// For the authorization-code flow: the URL-builder operation that starts it.
    #[serde(default)]
    pub authorize_operation: Option<String>,
    /// For the authorization-code flow: the request field that carries the code.
    #[serde(default)]
    pub code_field: Option<String>,
    /// Whether the token request may be sent again after a transport error, 429 or 503
    /// (true for client credentials; a single-use code must not be replayed).
    #[serde(default)]
    pub retry_safe: Option<bool>,
    /// The refresh operation, when the spec offers one.
    #[serde(default)]
    pub refresh: Option<RefreshConfig>,
}

/// The `[token.refresh]` table: how a refresh token is exchanged.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshConfig {
    /// The Rust method name of the refresh operation (may be the token operation itself).
    pub operation: String,
    /// Wire name of the request field that carries the refresh token.
    pub refresh_token_field: String,
    /// Request fields set to fixed values for a refresh (e.g. `grant_type = "refresh_token"`);
    /// the other fields are taken from the token request.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
}

impl ProviderConfig {
    /// Parses `provider.toml` text; `file` is named in errors.
    pub fn from_toml_str(file: &str, text: &str) -> Result<Self, GeneratorError> {
        let context = ErrorContext::new(file);
        let mut config: ProviderConfig = toml::from_str(text).map_err(|error| {
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
        if crate::naming::is_rust_keyword(&config.module)
            || crate::naming::RESERVED_MODULE_NAMES.contains(&config.module.as_str())
        {
            return Err(context.invalid(
                "/module",
                format!(
                    "module `{}` is a Rust keyword or a name the generated crate uses itself ({}); choose another",
                    config.module,
                    crate::naming::RESERVED_MODULE_NAMES.join(", ")
                ),
            ));
        }
        config.config_file = file.to_string();
        Ok(config)
    }

    /// Builds errors about these settings' keys, naming the provider.toml they came from.
    pub fn error_context(&self) -> ErrorContext {
        if self.config_file.is_empty() {
            ErrorContext::new("provider.toml")
        } else {
            ErrorContext::new(&self.config_file)
        }
    }

    /// Settings for a spec given on the command line with `--config FILE`: a `provider.toml` whose
    /// provenance keys (`display_name`, `module`, `spec`, `source_url`, `source_kind`) may be left
    /// out, so only what changes the client is needed (renames, `oauth2_client_basic_schemes`,
    /// `[token]`). Errors name `file`, with the line and column in it.
    pub fn for_standalone_spec_from_toml(
        file: &str,
        text: &str,
        module: &str,
        spec_file: &str,
    ) -> Result<Self, GeneratorError> {
        let context = ErrorContext::new(file);
        let table: toml::Table = toml::from_str(text).map_err(|error| {
            let line_column = error.span().map(|span| line_column_of(text, span.start));
            context.syntax(
                line_column,
                format!("invalid provider.toml: {}", error.message()),
            )
        })?;
        let mut defaults = String::new();
        for (key, value) in [
            ("display_name", module),
            ("module", module),
            ("spec", spec_file),
            ("source_url", ""),
            ("source_kind", "file"),
        ] {
            if !table.contains_key(key) {
                defaults.push_str(&format!("{key} = {}\n", toml::Value::from(value)));
            }
        }
        let added_lines = defaults.lines().count();
        // Top-level keys may only stand before the first table, so the defaults go first; error
        // lines are moved back to where they are in the file.
        Self::from_toml_str(file, &format!("{defaults}{text}")).map_err(|error| match error {
            GeneratorError::Syntax {
                mut location,
                message,
            } => {
                location.line_column = location
                    .line_column
                    .map(|(line, column)| (line.saturating_sub(added_lines).max(1), column));
                GeneratorError::Syntax { location, message }
            }
            other => other,
        })
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
            oauth2_client_basic_schemes: None,
            docs_page: None,
            docs_page_url: None,
            reference_pages: BTreeMap::new(),
            token: None,
            overlay: None,
            config_file: String::new(),
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

#[cfg(test)]
mod tests {
    use super::ProviderConfig;

    /// `lib` would make the module's file `src/lib.rs`, the crate root; a keyword (`self`) would
    /// not parse as `pub mod self;`. Both are located errors in the config, not a broken crate.
    #[test]
    fn a_module_named_like_the_crate_root_or_a_keyword_is_refused_at_its_key() {
        for module in ["lib", "self", "crate", "runtime", "token"] {
            let text = format!("module = \"{module}\"\n");
            let error = ProviderConfig::for_standalone_spec_from_toml(
                "provider.toml",
                &text,
                "api",
                "api.yaml",
            )
            .expect_err(module);
            let message = error.to_string();
            assert!(message.contains("provider.toml"), "{message}");
            assert!(message.contains("at /module"), "{message}");
            assert!(message.contains(&format!("module `{module}`")), "{message}");
        }
    }
}
