//! Lowers `servers` at document, path and operation level: which URL each operation is sent to.
//!
//! The first server of the innermost level that declares any wins (operation, then path, then
//! document), with its `{variables}` at their defaults. A `{variable}` the server does not define is
//! a located error, never a silently missing URL. A server whose defaults give no usable URL (a
//! default that is itself a placeholder such as `{your-agent-url}`, or a bare `https://` whose
//! description says to use a URL from another response) is a reported omission: the module docs or
//! the method docs say so, and the caller must supply that URL. A relative server URL (`/api/v1`) is resolved
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
    /// Why there is no `DEFAULT_BASE_URL` although the document declares a server, for the module docs.
    pub omission_note: Option<String>,
    /// Rust names handed out to servers so far.
    names: UniqueNames,
}

/// The URL of a server object with its variables at their defaults; `None` when the defaults give
/// no usable URL.
fn server_url(
    context: &ErrorContext,
    server: &openapiv3::Server,
    pointer: &str,
) -> Result<Option<String>, GeneratorError> {
    let mut rest = server.url.as_str();
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err(context.invalid(
                &pointer_push(pointer, "url"),
                format!("the server URL `{}` has an unclosed `{{`", server.url),
            ));
        };
        let name = &after[..end];
        let defined = server
            .variables
            .as_ref()
            .is_some_and(|variables| variables.contains_key(name));
        if !defined {
            return Err(context.invalid(
                &pointer_push(pointer, "url"),
                format!(
                    "the server URL `{}` uses the variable `{{{name}}}`, but the server's `variables` do not define it (each variable needs a `default`)",
                    server.url
                ),
            ));
        }
        rest = &after[end + 1..];
    }
    let mut url = server.url.clone();
    if let Some(variables) = &server.variables {
        for (name, variable) in variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    let host = url
        .split_once("://")
        .map(|(_, after)| after.split(['/', '?', '#']).next().unwrap_or_default());
    if url.contains('{') || host == Some("") {
        return Ok(None);
    }
    let trimmed = url.trim_end_matches('/');
    Ok(Some(if trimmed.is_empty() && url.starts_with('/') {
        "/".to_string()
    } else {
        trimmed.to_string()
    }))
}

/// Why the generated runtime would refuse this server URL, which has its variables at their
/// defaults; `None` when it accepts it. The runtime resolves every extra server when the client is
/// built, so a server it refuses must not be built in: it would make `Client::new` fail for every
/// operation, not just for those sent to that server.
fn runtime_refusal(url: &str, allow_plain_http: bool) -> Option<String> {
    let parsed = match url::Url::parse(url) {
        Ok(parsed) => parsed,
        // A relative reference (`/api/v1`) takes the base URL's scheme and host.
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            return (url.contains('?') || url.contains('#')).then(|| {
                "it has a query or a fragment, which would swallow the operations' paths"
                    .to_string()
            })
        }
        Err(error) => return Some(format!("it is not a valid URL ({error})")),
    };
    let loopback = match parsed.host() {
        Some(url::Host::Domain(domain)) => {
            let domain = domain.to_ascii_lowercase();
            domain == "localhost" || domain.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => return Some("it has no host".to_string()),
    };
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Some(
            "it has a query or a fragment, which would swallow the operations' paths".to_string(),
        );
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("it carries credentials in the URL".to_string());
    }
    match parsed.scheme() {
        "https" => None,
        "http" if allow_plain_http || loopback => None,
        "http" => Some(
            "it is plain http, and the client sends only over https (plain http only to loopback hosts)"
                .to_string(),
        ),
        other => Some(format!("its scheme `{other}` is not http(s)")),
    }
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
            omission_note: None,
            names: UniqueNames::new(),
        };
        for (index, server) in document.servers.iter().enumerate() {
            // Every server is checked, so an undefined variable anywhere is reported.
            let url = server_url(context, server, &format!("/servers/{index}"))?;
            if index > 0 {
                continue;
            }
            // A plain-http document server stays `DEFAULT_BASE_URL`: `Client::new` says why it is
            // refused, and nothing else depends on it.
            if let Some(reason) = url.as_deref().and_then(|url| runtime_refusal(url, true)) {
                plan.omission_note = Some(format!(
                    "The spec's server `{}` cannot be used as it stands ({reason}), so this module has no `DEFAULT_BASE_URL`: pass your server's URL to `Client::new`.",
                    server.url.replace('`', "'")
                ));
                continue;
            }
            match url {
                Some(url) if is_absolute(&url) => plan.default_base_url = Some(url),
                Some(url) if url != "/" => plan.base_reference = Some(url),
                Some(_) => {}
                None => {
                    plan.omission_note = Some(format!(
                        "The spec's server `{}` has no usable default (its variables' defaults are placeholders), so this module has no `DEFAULT_BASE_URL`: pass your server's URL to `Client::new`.",
                        server.url.replace('`', "'")
                    ));
                }
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
            (
                &operation.servers,
                pointer_push(operation_pointer, "servers"),
            )
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
        let mut url = urls.swap_remove(0);
        let declared_url = servers[0].url.clone();
        let refusal = url.as_deref().and_then(|url| runtime_refusal(url, false));
        if refusal.is_some() {
            url = None;
        }
        let document_url = self
            .default_base_url
            .as_ref()
            .or(self.base_reference.as_ref());
        if url.is_some() && document_url == url.as_ref() {
            return Ok(None);
        }
        if let Some(index) = self.servers.iter().position(|known| {
            known.url == url && (url.is_some() || known.declared_url == declared_url)
        }) {
            return Ok(Some(index));
        }
        let named_after = url.as_deref().unwrap_or(&declared_url);
        let stem = named_after
            .split_once("://")
            .map_or(named_after, |(_, rest)| rest)
            .to_string();
        // A server with no host to be named after is named after the operation that declares it.
        let fallback = operation.operation_id.as_deref().unwrap_or("server");
        let stem = if stem.trim_matches(['/', ':']).is_empty() {
            fallback.to_string()
        } else {
            stem
        };
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
        match (&url, &refusal) {
            (Some(url), _) => text.push_str(&format!("The server `{url}` (declared at `{pointer}`).")),
            (None, Some(reason)) => text.push_str(&format!(
                "The server `{}` (declared at `{pointer}`) cannot be used as it stands ({reason}): set a URL with this method before calling the operations that use it.",
                declared_url.replace('`', "'")
            )),
            (None, None) => text.push_str(&format!(
                "The server `{}` (declared at `{pointer}`) has no usable default URL: set one with this method before calling the operations that use it.",
                declared_url.replace('`', "'")
            )),
        }
        self.servers.push(Server {
            rust_name,
            // Claimed among the client's method names by the operation lowering.
            override_method: String::new(),
            relative: url.as_deref().is_some_and(|url| !is_absolute(url)),
            url,
            declared_url,
            docs: Docs { text },
        });
        Ok(Some(self.servers.len() - 1))
    }
}
