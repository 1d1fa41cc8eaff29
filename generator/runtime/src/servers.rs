//! Servers and redirects: per-operation server URLs, and the `Location` of a redirect call
//! (Cargo feature `servers`).

use super::*;

/// Resolves a server URL of the spec against the client's base URL (RFC 3986, as the specification
/// resolves server URLs against the document's location): an absolute URL stands for itself, and a
/// reference such as `/api/v1` takes the base URL's scheme and host. The result passes the same
/// checks as a base URL (https, or http on loopback; no query, fragment or credentials).
#[doc(hidden)]
pub fn server_url(base_url: &url::Url, server: &str) -> Result<url::Url, ClientError> {
    let resolved = base_url
        .join(server)
        .map_err(|error| ClientError::InvalidBaseUrl {
            url: server.to_string(),
            message: error.to_string(),
        })?;
    parse_base_url(resolved.as_str())
}

impl RawResponse {
    /// The `Location` of a redirect, resolved against the request URL. The redirect is not followed.
    #[doc(hidden)]
    pub fn location<E>(
        &self,
        operation: &'static str,
        request_url: &url::Url,
    ) -> Result<url::Url, Error<E>> {
        let Some(value) = self.headers.get(reqwest::header::LOCATION) else {
            return Err(self.invalid_body(
                operation,
                "the redirect has no `Location` header".to_string(),
            ));
        };
        let text = value.to_str().map_err(|_| {
            self.invalid_body(
                operation,
                "the `Location` header is not visible ASCII".to_string(),
            )
        })?;
        request_url.join(text).map_err(|error| {
            self.invalid_body(
                operation,
                format!("the `Location` header is not a URL reference: {error}"),
            )
        })
    }
}
