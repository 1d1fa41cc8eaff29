//! Decides which operations send HTTP Basic credentials as OAuth2 client credentials (RFC 6749 section 2.3.1: id and secret form-urlencoded before they are joined).
//!
//! `provider.toml` can name such schemes (`oauth2_client_basic_schemes`); then it decides alone.
//! Without that key (a standalone `gen --spec`, or a config that leaves it out), the document says it: an operation is a token request when its
//! path is the `tokenUrl` (or `refreshUrl`) of one of the document's OAuth2 flows, or when its form
//! body sends `grant_type`. A Basic scheme on a token request carries the client's credentials.

use crate::ir::{BodyEncoding, Operation, SecurityScheme, SecuritySchemeKind, TypeDefinition};
use crate::ir::{TypeKind, TypeRef};

/// The paths of every token and refresh URL of the document's OAuth2 flows (scheme and host dropped).
pub fn token_endpoint_paths(document: &openapiv3::OpenAPI) -> Vec<String> {
    let mut urls: Vec<&str> = Vec::new();
    let schemes = document
        .components
        .as_ref()
        .map(|components| components.security_schemes.values());
    for scheme in schemes.into_iter().flatten() {
        let openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::OAuth2 { flows, .. }) = scheme
        else {
            continue;
        };
        if let Some(flow) = &flows.password {
            urls.push(&flow.token_url);
            urls.extend(flow.refresh_url.as_deref());
        }
        if let Some(flow) = &flows.client_credentials {
            urls.push(&flow.token_url);
            urls.extend(flow.refresh_url.as_deref());
        }
        if let Some(flow) = &flows.authorization_code {
            urls.push(&flow.token_url);
            urls.extend(flow.refresh_url.as_deref());
        }
    }
    let mut paths: Vec<String> = urls
        .into_iter()
        .map(|url| {
            let without_origin = match url.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
                None => url,
            };
            let path = without_origin
                .split(['?', '#'])
                .next()
                .unwrap_or_default()
                .trim_end_matches('/');
            path.to_string()
        })
        .filter(|path| !path.is_empty())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

fn sends_grant_type(operation: &Operation, types: &[TypeDefinition]) -> bool {
    fn fields_have_grant_type(type_ref: &TypeRef, types: &[TypeDefinition]) -> bool {
        let TypeRef::Named(name) = type_ref else {
            return false;
        };
        match types
            .iter()
            .find(|definition| &definition.name == name)
            .map(|definition| &definition.kind)
        {
            Some(TypeKind::Struct { fields, .. }) => {
                fields.iter().any(|field| field.wire_name == "grant_type")
            }
            Some(TypeKind::Alias { target }) => fields_have_grant_type(target, types),
            _ => false,
        }
    }
    operation.body.as_ref().is_some_and(|body| {
        body.encoding == BodyEncoding::Form && fields_have_grant_type(&body.type_ref, types)
    })
}

/// Whether the operation is a token request by what the document says.
pub fn is_token_request(
    operation: &Operation,
    token_paths: &[String],
    types: &[TypeDefinition],
) -> bool {
    let path = operation.path_template.trim_end_matches('/');
    let at_token_url = !path.is_empty()
        && token_paths.iter().any(|token_path| {
            token_path == path
                || token_path
                    .strip_suffix(path)
                    .is_some_and(|prefix| prefix.ends_with('/') || path.starts_with('/'))
        });
    at_token_url || sends_grant_type(operation, types)
}

/// Sets `oauth2_client_basic` on every operation that sends a Basic scheme as client credentials.
pub fn mark_oauth2_client_basic(
    operations: &mut [Operation],
    schemes: &[SecurityScheme],
    types: &[TypeDefinition],
    detect_from_document: bool,
    token_paths: &[String],
) {
    for operation in operations {
        let basic_schemes: Vec<&SecurityScheme> = operation
            .security
            .iter()
            .flatten()
            .filter_map(|index| schemes.get(*index))
            .filter(|scheme| matches!(scheme.kind, SecuritySchemeKind::Basic { .. }))
            .collect();
        if basic_schemes.is_empty() {
            continue;
        }
        let configured = basic_schemes.iter().any(|scheme| {
            scheme.kind
                == SecuritySchemeKind::Basic {
                    oauth2_client: true,
                }
        });
        operation.oauth2_client_basic =
            configured || (detect_from_document && is_token_request(operation, token_paths, types));
    }
}
