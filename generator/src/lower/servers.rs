//! Lowers `servers` at document, path and operation level: which URL each operation is sent to.
//!
//! The first server of the innermost level that declares any wins (operation, then path, then
//! document), with its `{variables}` at their defaults. A `{variable}` the server does not define is
//! a located error, never a silently missing URL. A relative server URL (`/api/v1`) is resolved
//! against the client's base URL (RFC 3986), as the specification resolves it against the document's
//! location; so the caller's base URL supplies the scheme and host. A path or operation server that
//! differs from the document's becomes an extra server of the client, with its own constant and its
//! own override.

use crate::error::{pointer_push, ErrorContext, GeneratorError};
use crate::ir::{Docs, Server};
use crate::naming::{sanitize_doc, snake_case_name, UniqueNames};

/// The document's server and the extra servers of paths and operations.
pub struct ServerPlan {
    /// The document's first server when it is absolute: `DEFAULT_BASE_URL`.
    pub default_base_url: Option<String>,
    /// The document's first server when it is relative (`/api/v1`): resolved against the base URL.
    pub base_reference: Option<String>,
    /// The servers of paths and operations that differ from the document's.
    pub servers: Vec<Server>,
    /// Rust names handed out to servers so far.
    names: UniqueNames,
}

/// The URL of a server object with its variables at their defaults.
fn server_url(
    context: &ErrorContext,
    server: &openapiv3::Server,
    pointer: &str,
) -> Result<String, GeneratorError> {
    let mut url = server.url.clone();
    if let Some(variables) = &server.variables {
        for (name, variable) in variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    if let Some(start) = url.find('{') {
        let name = url[start + 1..]
            .split('}')
            .next()
            .unwrap_or_default()
            .to_string();
        return Err(context.invalid(
            &pointer_push(pointer, "url"),
            format!(
                "the server URL `{}` uses the variable `{{{name}}}`, but the server's `variables` do not define it (a variable needs a `default`)",
                server.url
            ),
        ));
    }
    let trimmed = url.trim_end_matches('/');
    Ok(if trimmed.is_empty() && url.starts_with('/') {
        "/".to_string()
    } else {
        trimmed.to_string()
    })
}

fn is_absolute(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

impl ServerPlan {
    /// The document-level server.
    pub fn for_document(
        context: &ErrorContext,
        document: &openapiv3::OpenAPI,
    ) -> Result<Self, GeneratorError> {
        let mut plan = ServerPlan {
            default_base_url: None,
            base_reference: None,
            servers: Vec::new(),
            names: UniqueNames::new(),
        };
        for (index, server) in document.servers.iter().enumerate() {
            // Every server is checked, so an undefined variable anywhere is reported.
            let url = server_url(context, server, &format!("/servers/{index}"))?;
            if index > 0 {
                continue;
            }
            if is_absolute(&url) {
                plan.default_base_url = Some(url);
            } else if url != "/" {
                plan.base_reference = Some(url);
            }
        }
        Ok(plan)
    }

    /// The server of an operation: `None` for the document's (the client's base URL), else the index of
    /// an extra server in `servers`.
    pub fn for_operation(
        &mut self,
        context: &ErrorContext,
        item: &openapiv3::PathItem,
        operation: &openapiv3::Operation,
        operation_pointer: &str,
    ) -> Result<Option<usize>, GeneratorError> {
        let path_pointer = operation_pointer
            .rsplit_once('/')
            .map_or("", |(parent, _)| parent);
        let (servers, pointer) = if !operation.servers.is_empty() {
            (&operation.servers, pointer_push(operation_pointer, "servers"))
        } else if !item.servers.is_empty() {
            (&item.servers, pointer_push(path_pointer, "servers"))
        } else {
            return Ok(None);
        };
        let mut urls = Vec::new();
        for (index, server) in servers.iter().enumerate() {
            urls.push(server_url(
                context,
                server,
                &pointer_push(&pointer, &index.to_string()),
            )?);
        }
        let url = urls.swap_remove(0);
        let document_url = self
            .default_base_url
            .as_ref()
            .or(self.base_reference.as_ref());
        if document_url == Some(&url) {
            return Ok(None);
        }
        if let Some(index) = self.servers.iter().position(|known| known.url == url) {
            return Ok(Some(index));
        }
        let stem = url
            .split_once("://")
            .map_or(url.as_str(), |(_, rest)| rest)
            .to_string();
        let rust_name = self.names.claim(&snake_case_name(&stem, "server"));
        let description = servers[0]
            .description
            .as_deref()
            .map(sanitize_doc)
            .filter(|text| !text.is_empty());
        let mut text = match description {
            Some(description) => format!("{description}\n\n"),
            None => String::new(),
        };
        text.push_str(&format!("The server `{url}` (first declared at `{pointer}`)."));
        self.servers.push(Server {
            rust_name,
            // Claimed among the client's method names by the operation lowering.
            override_method: String::new(),
            relative: !is_absolute(&url),
            url,
            docs: Docs { text },
        });
        Ok(Some(self.servers.len() - 1))
    }
}
