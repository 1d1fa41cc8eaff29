//! Runtime shared by every generated client: secrets, errors, response handling, URL and
//! authentication helpers, the one request path (`send`), and the token lifecycle ([`token`]).
//!
//! Crates generated inside this workspace depend on it (and name it `crate::runtime`); a standalone
//! crate (`cargo xtask gen --spec`) gets a copy of these files as its `runtime` module. So every
//! path here is relative (`super::`, never `crate::`), and the parts only some APIs need are Cargo
//! features, which the generator turns on (or copies) per provider.
//!
//! Items marked `#[doc(hidden)]` are the generated code's building blocks, not an API.

#![deny(missing_docs)]
// Errors carry the status, headers and body on purpose, so callers can inspect them.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

pub mod token;

#[cfg(feature = "media")]
mod media;
#[cfg(feature = "media")]
pub use media::*;

#[cfg(feature = "servers")]
mod servers;
#[cfg(feature = "servers")]
pub use servers::*;

#[cfg(feature = "schema_forms")]
mod schema_forms;
#[cfg(feature = "schema_forms")]
pub use schema_forms::*;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use tracing::Instrument as _;

/// The `User-Agent` the generated clients send.
#[doc(hidden)]
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A credential (client secret, password, access or refresh token, API key).
///
/// `Debug` prints `[redacted]`, so logging a request, a response or an error never leaks it. There
/// is deliberately no `Display`: `format!("Bearer {secret}")` must not compile (it would send the
/// word `[redacted]`). [`Secret::expose`] is the one way to read it. The memory is zeroed on drop.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself. Call this only where the value must travel.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret([redacted])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

/// A user name and password for HTTP Basic authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasicCredentials {
    /// The user name (for OAuth2 client authentication, the client id).
    pub username: String,
    /// The password (for OAuth2 client authentication, the client secret).
    pub password: Secret,
}

impl BasicCredentials {
    /// Pairs a user name with its password.
    pub fn new(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        BasicCredentials {
            username: username.into(),
            password: password.into(),
        }
    }
}

/// A successful response: the decoded body, plus the status and headers it came with.
///
/// It dereferences to the body, so `response.access_token` works directly.
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    /// The body as read (shared, not copied), for a request id asked for later.
    body: bytes::Bytes,
    /// Looked up on the first [`ResponseValue::request_id`]: most callers never ask, and a body
    /// search is a pass over every byte.
    request_id: std::sync::OnceLock<Option<String>>,
}

impl<T> ResponseValue<T> {
    /// Wraps a decoded body.
    pub fn new(inner: T, status: StatusCode, headers: HeaderMap) -> Self {
        ResponseValue {
            inner,
            status,
            headers,
            body: bytes::Bytes::new(),
            request_id: std::sync::OnceLock::new(),
        }
    }

    /// The provider's request id (a header such as `X-Request-Id`, or `ruid`/`request_id` in the body), for support tickets and logs.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id
            .get_or_init(|| request_id_from(&self.headers, &self.body))
            .as_deref()
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (request ids live here).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> std::ops::DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("headers", &HeaderNames(&self.headers))
            .field("request_id", &self.request_id())
            .field("inner", &self.inner)
            .finish()
    }
}

/// Prints header names only: values such as `Set-Cookie` can carry credentials.
struct HeaderNames<'a>(&'a HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_list()
            .entries(self.0.keys().map(|name| name.as_str()))
            .finish()
    }
}

/// The most of a response body an error keeps (16 KiB): enough for any provider's error message,
/// never a whole hostile body.
pub const ERROR_BODY_PREFIX_BYTES: usize = 16 * 1024;

/// A response body kept as bytes, as errors keep it: at most its first [`ERROR_BODY_PREFIX_BYTES`].
///
/// `Debug` prints only its length, since it may hold a credential.
#[derive(Clone, PartialEq, Eq)]
pub struct RawBody {
    bytes: Vec<u8>,
    full_length: usize,
    /// Found in the whole body before it was cut, so a long body does not lose it.
    provider_message: Option<String>,
}

impl RawBody {
    /// Keeps at most the first [`ERROR_BODY_PREFIX_BYTES`] of `bytes` (no copy: the rest is cut off).
    pub fn prefix_of(mut bytes: Vec<u8>) -> Self {
        let full_length = bytes.len();
        let provider_message = provider_message_in(&bytes);
        if full_length > ERROR_BODY_PREFIX_BYTES {
            bytes.truncate(ERROR_BODY_PREFIX_BYTES);
            bytes.shrink_to_fit();
        }
        RawBody {
            bytes,
            full_length,
            provider_message,
        }
    }

    /// A copy of at most the first [`ERROR_BODY_PREFIX_BYTES`] of `bytes`.
    pub fn copy_prefix(bytes: &[u8]) -> Self {
        RawBody {
            bytes: bytes[..bytes.len().min(ERROR_BODY_PREFIX_BYTES)].to_vec(),
            full_length: bytes.len(),
            provider_message: provider_message_in(bytes),
        }
    }

    /// The bytes kept (the whole body, or its first [`ERROR_BODY_PREFIX_BYTES`]).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes kept, as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// The length of the body as it was read (more than [`RawBody::as_bytes`] holds when cut off).
    pub fn full_length(&self) -> usize {
        self.full_length
    }

    /// Whether only a prefix of the body was kept.
    pub fn is_truncated(&self) -> bool {
        self.full_length > self.bytes.len()
    }

    /// The provider's own message in a JSON error body that has no documented schema: OAuth2
    /// `error` (`error_description`), `message`, `detail` or `title`, found in the whole body before
    /// it was cut. `None` for anything else.
    pub fn provider_message(&self) -> Option<&str> {
        self.provider_message.as_deref()
    }
}

/// The fields of a JSON error body that carry the provider's message; the rest is skipped unread.
#[derive(Default)]
struct MessageFields {
    error: Option<TextOrSkipped>,
    error_description: Option<TextOrSkipped>,
    message: Option<TextOrSkipped>,
    detail: Option<TextOrSkipped>,
    title: Option<TextOrSkipped>,
}

impl ObjectFields for MessageFields {
    fn read_value<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        entries: &mut A,
    ) -> Result<bool, A::Error> {
        let slot = match key {
            "error" => &mut self.error,
            "error_description" => &mut self.error_description,
            "message" => &mut self.message,
            "detail" => &mut self.detail,
            "title" => &mut self.title,
            _ => return Ok(false),
        };
        *slot = Some(entries.next_value()?);
        Ok(true)
    }
}

/// A few fields of a JSON object, read by key; every other value is skipped unread.
///
/// Not serde's derive: it refuses a key that appears twice, so one repeated `message` (or `ruid`)
/// would lose the provider's message (or request id) altogether. Here a repeated key is read again,
/// and its last value wins, as when the object is parsed whole.
trait ObjectFields: Default {
    /// Reads the value of `key` when it is one of the fields (true), else leaves it (false).
    fn read_value<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        entries: &mut A,
    ) -> Result<bool, A::Error>;

    /// Reads the fields of the object `entries`.
    fn from_entries<'de, A: serde::de::MapAccess<'de>>(mut entries: A) -> Result<Self, A::Error> {
        let mut fields = Self::default();
        while let Some(key) = entries.next_key::<String>()? {
            if !fields.read_value(&key, &mut entries)? {
                entries.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(fields)
    }
}

/// A JSON object's [`ObjectFields`]; anything but an object is an error.
fn object_fields_in<T: ObjectFields>(body: &[u8]) -> Option<T> {
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: ObjectFields> serde::de::Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a JSON object")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, entries: A) -> Result<T, A::Error> {
            T::from_entries(entries)
        }
    }

    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let fields = serde::Deserializer::deserialize_map(
        &mut deserializer,
        ObjectVisitor(std::marker::PhantomData),
    )
    .ok()?;
    deserializer.end().ok()?;
    Some(fields)
}

/// A JSON string, or any other value skipped without building it: a hostile body's megabyte array
/// where a message or a request id is looked for costs nothing.
struct TextOrSkipped(Option<String>);

impl<'de> serde::Deserialize<'de> for TextOrSkipped {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl<'de> serde::de::Visitor<'de> for TextVisitor {
            type Value = TextOrSkipped;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("any JSON value")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<TextOrSkipped, E> {
                Ok(TextOrSkipped(Some(text.to_string())))
            }

            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<TextOrSkipped, E> {
                Ok(TextOrSkipped(None))
            }

            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<TextOrSkipped, E> {
                Ok(TextOrSkipped(None))
            }

            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<TextOrSkipped, E> {
                Ok(TextOrSkipped(None))
            }

            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<TextOrSkipped, E> {
                Ok(TextOrSkipped(None))
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<TextOrSkipped, E> {
                Ok(TextOrSkipped(None))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut items: A,
            ) -> Result<TextOrSkipped, A::Error> {
                while items.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(TextOrSkipped(None))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut entries: A,
            ) -> Result<TextOrSkipped, A::Error> {
                while entries
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(TextOrSkipped(None))
            }
        }

        deserializer.deserialize_any(TextVisitor)
    }
}

impl TextOrSkipped {
    fn text(field: &Option<TextOrSkipped>) -> Option<&str> {
        field.as_ref().and_then(|value| value.0.as_deref())
    }
}

fn provider_message_in(body: &[u8]) -> Option<String> {
    if !body.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    let fields: MessageFields = object_fields_in(body)?;
    let text = |value: &Option<TextOrSkipped>| {
        TextOrSkipped::text(value)
            .filter(|text| !text.is_empty())
            .map(str::to_string)
    };
    let message = match (text(&fields.error), text(&fields.error_description)) {
        (Some(error), Some(description)) => format!("{error} ({description})"),
        (Some(error), None) => error,
        (None, Some(description)) => description,
        (None, None) => text(&fields.message)
            .or_else(|| text(&fields.detail))
            .or_else(|| text(&fields.title))?,
    };
    // A message is a line for humans; past 200 characters it is not one.
    Some(ProviderText(message).to_string())
}

/// The most characters of a provider's message an error's `Display` shows.
pub const PROVIDER_MESSAGE_CHARS: usize = 200;

/// Text from a provider's response (an error message) as an error's `Display` shows it: at most
/// [`PROVIDER_MESSAGE_CHARS`] characters, then `…`, with control and bidirectional-override
/// characters as spaces. A hostile body can then neither forge log lines (`\r\n`, terminal escapes)
/// nor put megabytes into a log line.
pub struct ProviderText<T>(pub T);

impl<T: fmt::Display> fmt::Display for ProviderText<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bounded = BoundedText {
            output: formatter,
            characters_left: PROVIDER_MESSAGE_CHARS,
            cut: false,
        };
        fmt::write(&mut bounded, format_args!("{}", self.0))?;
        if bounded.cut {
            bounded.output.write_str("…")?;
        }
        Ok(())
    }
}

struct BoundedText<'a, 'b> {
    output: &'a mut fmt::Formatter<'b>,
    characters_left: usize,
    cut: bool,
}

impl fmt::Write for BoundedText<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for character in text.chars() {
            if self.characters_left == 0 {
                self.cut = true;
                return Ok(());
            }
            self.characters_left -= 1;
            fmt::Write::write_char(
                self.output,
                if is_unsafe_in_a_log(character) {
                    ' '
                } else {
                    character
                },
            )?;
        }
        Ok(())
    }
}

/// Control characters, and the invisible ones that reorder or hide text on a terminal.
fn is_unsafe_in_a_log(character: char) -> bool {
    character.is_control()
        || matches!(character, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

impl fmt::Debug for RawBody {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_truncated() {
            write!(
                formatter,
                "RawBody({} of {} bytes)",
                self.bytes.len(),
                self.full_length
            )
        } else {
            write!(formatter, "RawBody({} bytes)", self.bytes.len())
        }
    }
}

/// Why `Client::new` failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The base URL does not parse.
    #[error("invalid base url `{url}`: {message}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// The base URL is not https, and not a loopback host either.
    #[error("base url `{url}` must use https (plain http is allowed only for localhost and loopback addresses)")]
    InsecureBaseUrl {
        /// The URL as given.
        url: String,
    },
    /// The HTTP client could not be built.
    #[error("could not build the http client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

/// The outcome of a call that did not succeed.
///
/// `E` is the operation's own enum of documented error responses. It is `Clone`, so the callers
/// that waited for one token request can each have its failure.
#[derive(Clone, thiserror::Error)]
pub enum Error<E> {
    /// The server answered with a status the spec documents as an error; `body` is decoded.
    #[error("{operation}: {body}")]
    ErrorResponse {
        /// The operation (its `operationId`).
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The decoded, documented error body.
        body: E,
        /// The provider's request id, when the response carried one.
        request_id: Option<String>,
    },
    /// The server answered with a status or media type the spec does not document.
    #[error("{operation}: unexpected response {status} ({})", content_type.as_deref().unwrap_or("no content type"))]
    UnexpectedResponse {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The body's first [`ERROR_BODY_PREFIX_BYTES`] at most.
        body: RawBody,
    },
    /// The status was documented, but the body did not decode into the documented type.
    #[error("{operation}: the {status} response body does not match the spec: {message}")]
    InvalidResponseBody {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// Where (the JSON path of the field) and why decoding failed, never the body's content.
        message: String,
        /// The body's first [`ERROR_BODY_PREFIX_BYTES`] at most.
        body: RawBody,
    },
    /// The response body passed the client's size limit ([`CallLimits::max_response_bytes`]); reading stopped there.
    #[error("{operation}: the {status} response body is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The limit, in bytes.
        limit: usize,
        /// The body's first [`ERROR_BODY_PREFIX_BYTES`] at most.
        prefix: RawBody,
    },
    /// The call did not finish within its total deadline ([`CallLimits::total_timeout`], every
    /// attempt and backoff included), or an attempt hit the HTTP client's own timeout.
    #[error("{operation}: timed out after {after:?}")]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// How long the call had run when it was given up.
        after: Duration,
    },
    /// The request could not be sent or the response not read (connection, TLS, redirect).
    #[error("{operation}: request failed: {source}")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The cause, without the URL (query strings can carry API keys).
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// The caller's input cannot be sent (missing credentials, a value that cannot be encoded).
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        /// The operation.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No access token could be had from the token source this operation uses.
    #[error("{operation}: no access token: {source}")]
    Authentication {
        /// The operation.
        operation: &'static str,
        /// Why the token source failed (downcast it to the provider's `TokenError`).
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
}

impl<E> Error<E> {
    /// The operation that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::ErrorResponse { operation, .. }
            | Error::UnexpectedResponse { operation, .. }
            | Error::InvalidResponseBody { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::Authentication { operation, .. } => operation,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::ErrorResponse { status, .. }
            | Error::UnexpectedResponse { status, .. }
            | Error::InvalidResponseBody { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::Timeout { .. } | Error::InvalidRequest { .. } | Error::Authentication { .. } => {
                None
            }
        }
    }

    /// Whether the call timed out (its total deadline, or the HTTP client's timeout of one attempt).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// The documented error body, when the status was a documented error.
    pub fn error_body(&self) -> Option<&E> {
        match self {
            Error::ErrorResponse { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::ErrorResponse { headers, .. }
            | Error::UnexpectedResponse { headers, .. }
            | Error::InvalidResponseBody { headers, .. }
            | Error::ResponseTooLarge { headers, .. } => Some(headers),
            Error::Timeout { .. }
            | Error::Transport { .. }
            | Error::InvalidRequest { .. }
            | Error::Authentication { .. } => None,
        }
    }

    /// The provider's request id (header, or `ruid`/`request_id` in an error body), when a response carried one.
    pub fn request_id(&self) -> Option<String> {
        match self {
            Error::ErrorResponse { request_id, .. } => request_id.clone(),
            Error::UnexpectedResponse { headers, body, .. }
            | Error::InvalidResponseBody { headers, body, .. } => {
                request_id_from(headers, body.as_bytes())
            }
            Error::ResponseTooLarge { headers, .. } => request_id_from(headers, &[]),
            Error::Timeout { .. }
            | Error::Transport { .. }
            | Error::InvalidRequest { .. }
            | Error::Authentication { .. } => None,
        }
    }

    /// An invalid-request error.
    pub fn invalid_request(operation: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidRequest {
            operation,
            message: message.into(),
        }
    }

    /// A transport error; a timeout of the HTTP client becomes [`Error::Timeout`], so it says so.
    fn transport(
        operation: &'static str,
        error: reqwest::Error,
        started: tokio::time::Instant,
    ) -> Self {
        if error.is_timeout() {
            return Error::Timeout {
                operation,
                after: rounded_to_milliseconds(started.elapsed()),
            };
        }
        Error::Transport {
            operation,
            source: Arc::new(error.without_url()),
        }
    }
}

fn rounded_to_milliseconds(duration: Duration) -> Duration {
    Duration::from_millis(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ErrorResponse {
                operation,
                status,
                headers,
                body,
                request_id,
            } => formatter
                .debug_struct("ErrorResponse")
                .field("operation", operation)
                .field("status", status)
                .field("headers", &HeaderNames(headers))
                .field("request_id", request_id)
                .field("body", body)
                .finish(),
            Error::UnexpectedResponse {
                operation,
                status,
                headers,
                content_type,
                body,
            } => formatter
                .debug_struct("UnexpectedResponse")
                .field("operation", operation)
                .field("status", status)
                .field("headers", &HeaderNames(headers))
                .field("content_type", content_type)
                .field("body", body)
                .finish(),
            Error::InvalidResponseBody {
                operation,
                status,
                headers,
                message,
                body,
            } => formatter
                .debug_struct("InvalidResponseBody")
                .field("operation", operation)
                .field("status", status)
                .field("headers", &HeaderNames(headers))
                .field("message", message)
                .field("body", body)
                .finish(),
            Error::ResponseTooLarge {
                operation,
                status,
                headers,
                limit,
                prefix,
            } => formatter
                .debug_struct("ResponseTooLarge")
                .field("operation", operation)
                .field("status", status)
                .field("headers", &HeaderNames(headers))
                .field("limit", limit)
                .field("prefix", prefix)
                .finish(),
            Error::Timeout { operation, after } => formatter
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("after", after)
                .finish(),
            Error::Transport { operation, source } => formatter
                .debug_struct("Transport")
                .field("operation", operation)
                .field("source", source)
                .finish(),
            Error::InvalidRequest { operation, message } => formatter
                .debug_struct("InvalidRequest")
                .field("operation", operation)
                .field("message", message)
                .finish(),
            Error::Authentication { operation, source } => formatter
                .debug_struct("Authentication")
                .field("operation", operation)
                .field("source", &source.to_string())
                .finish(),
        }
    }
}

/// Parses a base URL and enforces https, allowing plain http only for loopback hosts.
#[doc(hidden)]
pub fn parse_base_url(text: &str) -> Result<url::Url, ClientError> {
    let url = url::Url::parse(text).map_err(|error| ClientError::InvalidBaseUrl {
        url: redact_userinfo_text(text),
        message: error.to_string(),
    })?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(ClientError::InvalidBaseUrl {
            url: redact_userinfo(&url),
            message: "expected an absolute http(s) url with a host".to_string(),
        });
    }
    if url.query().is_some() || url.fragment().is_some() {
        // Operation paths are appended to the base URL's path; a query or fragment would swallow them.
        return Err(ClientError::InvalidBaseUrl {
            url: redact_userinfo(&url),
            message: "a base url must not have a query or a fragment".to_string(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ClientError::InvalidBaseUrl {
            url: redact_userinfo(&url),
            message: "credentials in the url are not allowed; use the client's credential setters"
                .to_string(),
        });
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&url) => Ok(url),
        "http" => Err(ClientError::InsecureBaseUrl {
            url: text.to_string(),
        }),
        other => Err(ClientError::InvalidBaseUrl {
            url: text.to_string(),
            message: format!("unsupported scheme `{other}`"),
        }),
    }
}

/// Hides `user:password@` in text that did not parse as a URL.
fn redact_userinfo_text(text: &str) -> String {
    let Some(scheme_end) = text.find("://") else {
        return text.to_string();
    };
    let authority_start = scheme_end + 3;
    let authority_end = text[authority_start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |offset| authority_start + offset);
    match text[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}[redacted]{}",
            &text[..authority_start],
            &text[authority_start + at..]
        ),
        None => text.to_string(),
    }
}

fn redact_userinfo(url: &url::Url) -> String {
    let mut redacted = url.clone();
    let _ = redacted.set_username("");
    let _ = redacted.set_password(None);
    redacted.to_string()
}

/// Whether a request to `url` may carry credentials: https, or plain http to a loopback host.
#[doc(hidden)]
pub fn may_carry_credentials(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => is_loopback_host(url),
        _ => false,
    }
}

fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => {
            domain.eq_ignore_ascii_case("localhost")
                || domain.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

/// The HTTP client the generated clients use by default: no redirects followed (a redirect on a
/// token call must not be chased with credentials attached), bounded connect and total time.
pub fn default_http_client() -> Result<reqwest::Client, ClientError> {
    http_client_builder()
        .build()
        .map_err(ClientError::HttpClient)
}

/// [`default_http_client`] with the generated crate's own `User-Agent` (its name and version).
#[doc(hidden)]
pub fn default_http_client_for(user_agent: &'static str) -> Result<reqwest::Client, ClientError> {
    http_client_builder()
        .user_agent(user_agent)
        .build()
        .map_err(ClientError::HttpClient)
}

/// The default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default timeout of one attempt in the default HTTP client; the call as a whole has
/// [`DEFAULT_TOTAL_TIMEOUT`], which this never extends.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default total deadline of one call: every attempt, backoff and body read included.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
/// The default largest response body of an operation with JSON, text or no body (4 MiB): token and
/// JSON bodies are far smaller.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The default largest response body of an operation that can answer with binary data (64 MiB).
pub const DEFAULT_MAX_BINARY_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// The bounds every call of a client keeps: a total deadline and a response size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallLimits {
    /// The whole call, every attempt and backoff included; past it the call fails with [`Error::Timeout`].
    pub total_timeout: Duration,
    /// The largest response body read, checked while it streams in; past it the call fails with
    /// [`Error::ResponseTooLarge`] and the rest is never read. `None`: the operation's default,
    /// [`DEFAULT_MAX_RESPONSE_BYTES`] or, where it can answer with binary data,
    /// [`DEFAULT_MAX_BINARY_RESPONSE_BYTES`].
    pub max_response_bytes: Option<usize>,
}

impl Default for CallLimits {
    fn default() -> Self {
        CallLimits {
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            max_response_bytes: None,
        }
    }
}

/// The default HTTP client's builder, to change timeouts (`.timeout(..)`, `.connect_timeout(..)`) and
/// pass the result to `Client::with_http_client`.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .timeout(DEFAULT_TIMEOUT)
        .user_agent(USER_AGENT)
}

/// When a call is sent again: only where a retry is safe (idempotent methods, token requests with
/// client credentials), only after a transport error, a 429 or a 503, with exponential backoff and
/// jitter, honouring `Retry-After`, and a bounded number of attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The first backoff; it doubles each attempt.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not waited for: the response is returned.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The backoff before attempt `next_attempt` (2 for the first retry): exponential, with "equal
    /// jitter" (half fixed, half random) so that many clients do not retry in step.
    pub fn backoff(&self, next_attempt: u32) -> Duration {
        let exponent = next_attempt.saturating_sub(2).min(16);
        let exponential = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let half = exponential / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// What `send` needs to know about a call besides the request.
#[doc(hidden)]
pub struct CallContext<'a> {
    /// The provider module, for tracing.
    pub provider: &'static str,
    /// The operation, for tracing and errors.
    pub operation: &'static str,
    /// The client's retry policy.
    pub retry: &'a RetryPolicy,
    /// The client's deadline and size limit.
    pub limits: &'a CallLimits,
    /// The size limit that suits this operation, unless the client sets one.
    pub default_max_response_bytes: usize,
    /// Whether this request may be sent again.
    pub retry_safe: bool,
    /// A token source for the bearer token, when the client has one for this operation's scheme.
    pub bearer_tokens: Option<&'a dyn token::BearerTokenProvider>,
}

/// Response headers that carry a provider's request id, in the order they are looked at.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
    "x-ruid",
    "ruid",
];

/// The provider's request id: a well-known header, else `ruid`/`request_id`/`requestId` (or `meta.ruid`) in a JSON body.
///
/// Only an id is taken: at most [`MAX_REQUEST_ID_BYTES`] of printable ASCII. Anything else (a line
/// break that would forge a log line, a megabyte that would go into every log line of the call's
/// span) is not an id, and is skipped.
#[doc(hidden)]
pub fn request_id_from(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    for name in REQUEST_ID_HEADERS {
        if let Some(value) = headers
            .get(*name)
            .and_then(|value| value.to_str().ok())
            .filter(|value| is_request_id(value))
        {
            return Some(value.to_string());
        }
    }
    // JSON allows whitespace before the object (a pretty-printer's leading line break).
    if !body.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    // Most bodies carry no id: a byte search for the keys is far cheaper than a pass of the parser.
    // A key may also be written with `\u` escapes (`"r\u0075id"`), which the parser reads as `ruid`.
    if !REQUEST_ID_BODY_KEYS
        .iter()
        .any(|key| memchr::memmem::find(body, key).is_some())
        && memchr::memmem::find(body, b"\\u").is_none()
    {
        return None;
    }
    // Only these fields are read; the rest of the body is skipped, never built as a JSON tree.
    let fields: RequestIdFields = object_fields_in(body)?;
    let meta = fields.meta.as_ref().and_then(|meta| meta.0.as_ref());
    let id = [
        TextOrSkipped::text(&fields.ruid),
        TextOrSkipped::text(&fields.request_id),
        TextOrSkipped::text(&fields.request_id_camel),
        meta.and_then(|meta| TextOrSkipped::text(&meta.ruid)),
        meta.and_then(|meta| TextOrSkipped::text(&meta.request_id)),
    ]
    .into_iter()
    .flatten()
    .find(|id| is_request_id(id))
    .map(str::to_string);
    id
}

/// The keys of [`RequestIdFields`] and [`MetaRequestIds`], quoted as they stand in a JSON body.
const REQUEST_ID_BODY_KEYS: &[&[u8]] = &[b"\"ruid\"", b"\"request_id\"", b"\"requestId\""];

/// Where a JSON body carries the provider's request id: `ruid`, `request_id`, `requestId`, `meta.ruid`, `meta.request_id`.
#[derive(Default)]
struct RequestIdFields {
    ruid: Option<TextOrSkipped>,
    request_id: Option<TextOrSkipped>,
    request_id_camel: Option<TextOrSkipped>,
    meta: Option<MetaOrSkipped>,
}

impl ObjectFields for RequestIdFields {
    fn read_value<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        entries: &mut A,
    ) -> Result<bool, A::Error> {
        let slot = match key {
            "meta" => {
                self.meta = Some(entries.next_value()?);
                return Ok(true);
            }
            "ruid" => &mut self.ruid,
            "request_id" => &mut self.request_id,
            "requestId" => &mut self.request_id_camel,
            _ => return Ok(false),
        };
        *slot = Some(entries.next_value()?);
        Ok(true)
    }
}

#[derive(Default)]
struct MetaRequestIds {
    ruid: Option<TextOrSkipped>,
    request_id: Option<TextOrSkipped>,
}

impl ObjectFields for MetaRequestIds {
    fn read_value<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        entries: &mut A,
    ) -> Result<bool, A::Error> {
        let slot = match key {
            "ruid" => &mut self.ruid,
            "request_id" => &mut self.request_id,
            _ => return Ok(false),
        };
        *slot = Some(entries.next_value()?);
        Ok(true)
    }
}

/// `meta` when it is an object, else skipped.
struct MetaOrSkipped(Option<MetaRequestIds>);

impl<'de> serde::Deserialize<'de> for MetaOrSkipped {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MetaVisitor;

        impl<'de> serde::de::Visitor<'de> for MetaVisitor {
            type Value = MetaOrSkipped;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("any JSON value")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                entries: A,
            ) -> Result<MetaOrSkipped, A::Error> {
                let ids = MetaRequestIds::from_entries(entries)?;
                Ok(MetaOrSkipped(Some(ids)))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut items: A,
            ) -> Result<MetaOrSkipped, A::Error> {
                while items.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(MetaOrSkipped(None))
            }

            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<MetaOrSkipped, E> {
                Ok(MetaOrSkipped(None))
            }

            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<MetaOrSkipped, E> {
                Ok(MetaOrSkipped(None))
            }

            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<MetaOrSkipped, E> {
                Ok(MetaOrSkipped(None))
            }

            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<MetaOrSkipped, E> {
                Ok(MetaOrSkipped(None))
            }

            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<MetaOrSkipped, E> {
                Ok(MetaOrSkipped(None))
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<MetaOrSkipped, E> {
                Ok(MetaOrSkipped(None))
            }
        }

        deserializer.deserialize_any(MetaVisitor)
    }
}

/// The longest request id taken from a response.
pub const MAX_REQUEST_ID_BYTES: usize = 256;

fn is_request_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_REQUEST_ID_BYTES
        && text.bytes().all(|byte| byte.is_ascii_graphic())
}

/// `Retry-After` as a delay: delta-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        // Delta-seconds past what a u64 holds still mean "not soon", never "retry at once".
        return Some(Duration::from_secs(text.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let at: std::time::SystemTime = chrono::DateTime::parse_from_rfc2822(text).ok()?.into();
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Joins the base URL and an already-encoded path (which starts with `/`).
#[doc(hidden)]
pub fn endpoint_url(
    operation: &'static str,
    base_url: &url::Url,
    encoded_path: &str,
) -> Result<url::Url, CallFailure> {
    let joined = format!(
        "{}{}",
        base_url.as_str().trim_end_matches('/'),
        encoded_path
    );
    url::Url::parse(&joined).map_err(|error| {
        CallFailure::invalid_request(operation, format!("cannot build the request url: {error}"))
    })
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, percent-encoded as one segment. `.` and `..` are refused: URL parsing removes
/// them as dot segments (encoded as `%2E` too), so `..` would send the request outside its path.
#[doc(hidden)]
pub fn path_segment<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    name: &str,
    value: &T,
) -> Result<String, CallFailure> {
    let text = parameter_text(operation, name, value)?.unwrap_or_default();
    if text == "." || text == ".." {
        return Err(CallFailure::invalid_request(
            operation,
            format!(
                "path parameter `{name}` is `{text}`, which would move the request to another path"
            ),
        ));
    }
    Ok(percent_encoding::utf8_percent_encode(&text, PATH_SEGMENT).to_string())
}

/// A parameter as text (`None` for null), in the non-exploded `simple`/`form` style: arrays are
/// comma-joined, and an object is its properties and values comma-joined (`role,admin,level,5`),
/// leaving out null properties.
#[doc(hidden)]
pub fn parameter_text<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    name: &str,
    value: &T,
) -> Result<Option<String>, CallFailure> {
    let value = serde_json::to_value(value).map_err(|error| {
        CallFailure::invalid_request(operation, format!("parameter `{name}`: {error}"))
    })?;
    match value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Array(items) => {
            let mut texts = Vec::with_capacity(items.len());
            for item in items {
                texts.push(scalar_text(operation, name, item)?);
            }
            Ok(Some(texts.join(",")))
        }
        serde_json::Value::Object(properties) => {
            let mut texts = Vec::with_capacity(properties.len() * 2);
            for (property, item) in properties {
                if item.is_null() {
                    continue;
                }
                texts.push(property.clone());
                texts.push(property_text(operation, name, &property, item)?);
            }
            Ok(Some(texts.join(",")))
        }
        other => scalar_text(operation, name, other).map(Some),
    }
}

/// A property of an object parameter as text: OpenAPI's `simple` and `form` styles define objects
/// of scalar properties only.
fn property_text(
    operation: &'static str,
    name: &str,
    property: &str,
    value: serde_json::Value,
) -> Result<String, CallFailure> {
    if value.is_array() || value.is_object() {
        return Err(CallFailure::invalid_request(
            operation,
            format!(
                "parameter `{name}`: its property `{property}` is an array or object, which OpenAPI defines no encoding for in this parameter style (only `deepObject` nests objects)"
            ),
        ));
    }
    scalar_text(operation, name, value)
}

fn scalar_text(
    operation: &'static str,
    name: &str,
    value: serde_json::Value,
) -> Result<String, CallFailure> {
    match value {
        serde_json::Value::String(text) => Ok(text),
        serde_json::Value::Number(number) => Ok(number.to_string()),
        serde_json::Value::Bool(flag) => Ok(flag.to_string()),
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
            Err(CallFailure::invalid_request(
                operation,
                format!(
                    "parameter `{name}`: an array or object nested in an array or object, which OpenAPI defines no encoding for in this parameter style (only `deepObject` nests objects)"
                ),
            ))
        }
    }
}

/// Adds a `form` query parameter; null adds nothing. Exploded, an array becomes one pair per item
/// (`id=1&id=2`) and an object one pair per property (`role=admin&level=5`); otherwise both are one
/// comma-joined pair (see [`parameter_text`]).
#[doc(hidden)]
pub fn append_query<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    explode: bool,
) -> Result<(), CallFailure> {
    let json = serde_json::to_value(value).map_err(|error| {
        CallFailure::invalid_request(operation, format!("parameter `{name}`: {error}"))
    })?;
    match json {
        serde_json::Value::Array(items) if explode => {
            for item in items {
                pairs.push((name.to_string(), scalar_text(operation, name, item)?));
            }
            Ok(())
        }
        serde_json::Value::Object(properties) if explode => {
            for (property, item) in properties {
                if item.is_null() {
                    continue;
                }
                let text = property_text(operation, name, &property, item)?;
                pairs.push((property, text));
            }
            Ok(())
        }
        _ => {
            if let Some(text) = parameter_text(operation, name, value)? {
                pairs.push((name.to_string(), text));
            }
            Ok(())
        }
    }
}

/// A header value built from a parameter (`None` for null).
#[doc(hidden)]
pub fn header_value<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    name: &str,
    value: &T,
) -> Result<Option<HeaderValue>, CallFailure> {
    match parameter_text(operation, name, value)? {
        None => Ok(None),
        Some(text) => HeaderValue::from_str(&text).map(Some).map_err(|_| {
            CallFailure::invalid_request(
                operation,
                format!("parameter `{name}` is not a valid header value"),
            )
        }),
    }
}

/// A cookie parameter's value: only RFC 6265 `cookie-octet`s, so a `;` or `,` in it cannot end the
/// cookie and add another one (`x; admin=true`).
#[doc(hidden)]
pub fn cookie_value<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    name: &str,
    value: &T,
) -> Result<Option<String>, CallFailure> {
    let Some(text) = parameter_text(operation, name, value)? else {
        return Ok(None);
    };
    let is_cookie_octet =
        |byte: u8| matches!(byte, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E);
    if text.bytes().all(is_cookie_octet) {
        Ok(Some(text))
    } else {
        Err(CallFailure::invalid_request(operation, format!("parameter `{name}` has a character a cookie value cannot carry (space, `\"`, `,`, `;`, `\\` or a control or non-ASCII character)")))
    }
}

/// `Authorization: Bearer <token>`, marked sensitive so HTTP-level logging hides it.
#[doc(hidden)]
pub fn bearer_authorization(
    operation: &'static str,
    token: &Secret,
) -> Result<HeaderValue, CallFailure> {
    sensitive_header(operation, &format!("Bearer {}", token.expose()))
}

/// `Authorization: Basic <base64(user:password)>`.
///
/// With `oauth2_client_encoding`, the id and secret are form-urlencoded before they are joined, as
/// RFC 6749 section 2.3.1 requires for OAuth2 client authentication (so `:` in a secret survives).
#[doc(hidden)]
pub fn basic_authorization(
    operation: &'static str,
    credentials: &BasicCredentials,
    oauth2_client_encoding: bool,
) -> Result<HeaderValue, CallFailure> {
    sensitive_header(
        operation,
        &basic_authorization_text(credentials, oauth2_client_encoding),
    )
}

/// The text of a Basic `Authorization` header (see [`basic_authorization`]).
pub fn basic_authorization_text(
    credentials: &BasicCredentials,
    oauth2_client_encoding: bool,
) -> String {
    use base64::Engine as _;
    let joined = if oauth2_client_encoding {
        let username: String =
            form_urlencoded::byte_serialize(credentials.username.as_bytes()).collect();
        let password: String =
            form_urlencoded::byte_serialize(credentials.password.expose().as_bytes()).collect();
        format!("{username}:{password}")
    } else {
        format!("{}:{}", credentials.username, credentials.password.expose())
    };
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(joined)
    )
}

/// An API key or other credential as a header value, marked sensitive.
#[doc(hidden)]
pub fn secret_header(operation: &'static str, secret: &Secret) -> Result<HeaderValue, CallFailure> {
    sensitive_header(operation, secret.expose())
}

fn sensitive_header(operation: &'static str, text: &str) -> Result<HeaderValue, CallFailure> {
    let mut value = HeaderValue::from_str(text).map_err(|_| {
        CallFailure::invalid_request(
            operation,
            "a credential contains characters that cannot be sent in a header",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Serializes a JSON request body.
#[doc(hidden)]
pub fn json_body<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    body: &T,
) -> Result<Vec<u8>, CallFailure> {
    serde_json::to_vec(body).map_err(|error| {
        CallFailure::invalid_request(operation, format!("cannot encode the json body: {error}"))
    })
}

/// Serializes a form-urlencoded request body. An array field is one pair per item and an object
/// field one pair per property (OpenAPI's default `style: form, explode: true`).
#[doc(hidden)]
pub fn form_body<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    body: &T,
) -> Result<String, CallFailure> {
    let invalid = |message: String| {
        CallFailure::invalid_request(operation, format!("cannot encode the form body: {message}"))
    };
    // Flat bodies (every field a scalar) keep their fields' order.
    if let Ok(encoded) = serde_urlencoded::to_string(body) {
        return Ok(encoded);
    }
    let value = serde_json::to_value(body).map_err(|error| invalid(error.to_string()))?;
    let serde_json::Value::Object(fields) = value else {
        return Err(invalid("it is not an object".to_string()));
    };
    // OpenAPI's default for form bodies is `style: form, explode: true`: an array is one pair per
    // item (`scope=a&scope=b`) and an object one pair per property; absent (null) fields are left out.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in fields {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                pairs.extend(
                    items
                        .into_iter()
                        .filter(|item| !item.is_null())
                        .map(|item| (name.clone(), form_text(item))),
                );
            }
            serde_json::Value::Object(properties) => {
                pairs.extend(
                    properties
                        .into_iter()
                        .filter(|(_, value)| !value.is_null())
                        .map(|(key, value)| (key, form_text(value))),
                );
            }
            scalar => pairs.push((name, form_text(scalar))),
        }
    }
    serde_urlencoded::to_string(&pairs).map_err(|error| invalid(error.to_string()))
}

/// A form value's text: strings as they are, other scalars as JSON writes them, nested arrays and
/// objects as JSON text (OpenAPI gives them no other form encoding).
fn form_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}

/// A response read to the end: status, headers and body bytes.
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body (at most the call's [`CallLimits::max_response_bytes`]), as read: not copied.
    pub body: bytes::Bytes,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names and the body's length only: either may carry a credential.
        formatter
            .debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &HeaderNames(&self.headers))
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Sends a request and reads the whole response, retrying where the policy and the call allow, and
/// re-authenticating once on a 401 when the bearer token comes from a token source.
///
/// The call as a whole, every attempt, backoff and body read included, ends by
/// [`CallLimits::total_timeout`]; the body is read as it streams in and never past
/// [`CallLimits::max_response_bytes`].
///
/// Each call is a `tracing` span `api_call` with the provider, operation, attempt, status and the
/// provider's request id; no header or body is ever recorded.
#[doc(hidden)]
pub async fn send(
    context: CallContext<'_>,
    request: reqwest::RequestBuilder,
) -> Result<RawResponse, CallFailure> {
    let span = tracing::info_span!(
        "api_call",
        provider = context.provider,
        operation = context.operation,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    let operation = context.operation;
    let total_timeout = context.limits.total_timeout;
    let started = tokio::time::Instant::now();
    // A deadline too far to represent is no deadline.
    let deadline = started.checked_add(total_timeout);
    let attempts =
        send_attempts(context, request, span.clone(), started, deadline).instrument(span.clone());
    let outcome = match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, attempts).await,
        None => Ok(attempts.await),
    };
    let outcome = outcome.unwrap_or_else(|_| {
        let _entered = span.enter();
        tracing::warn!(
            timeout_ms = u64::try_from(total_timeout.as_millis()).unwrap_or(u64::MAX),
            "the call's total deadline passed"
        );
        Err(Error::Timeout {
            operation,
            after: total_timeout,
        })
    });
    outcome.map_err(CallFailure)
}

/// A call that failed before its response was matched against the documented statuses: any
/// [`Error`] but a documented error response, so it converts into every operation's `Error<E>`.
///
/// [`send`] returns it, not an `Error<E>`, so that the request path is compiled once rather than
/// once for each operation's error type.
#[doc(hidden)]
#[derive(Debug)]
pub struct CallFailure(pub Error<std::convert::Infallible>);

impl CallFailure {
    /// An invalid-request failure.
    pub fn invalid_request(operation: &'static str, message: impl Into<String>) -> Self {
        CallFailure(Error::invalid_request(operation, message))
    }
}

impl<E> From<CallFailure> for Error<E> {
    fn from(failure: CallFailure) -> Self {
        match failure.0 {
            Error::ErrorResponse { body, .. } => match body {},
            Error::UnexpectedResponse {
                operation,
                status,
                headers,
                content_type,
                body,
            } => Error::UnexpectedResponse {
                operation,
                status,
                headers,
                content_type,
                body,
            },
            Error::InvalidResponseBody {
                operation,
                status,
                headers,
                message,
                body,
            } => Error::InvalidResponseBody {
                operation,
                status,
                headers,
                message,
                body,
            },
            Error::ResponseTooLarge {
                operation,
                status,
                headers,
                limit,
                prefix,
            } => Error::ResponseTooLarge {
                operation,
                status,
                headers,
                limit,
                prefix,
            },
            Error::Timeout { operation, after } => Error::Timeout { operation, after },
            Error::Transport { operation, source } => Error::Transport { operation, source },
            Error::InvalidRequest { operation, message } => {
                Error::InvalidRequest { operation, message }
            }
            Error::Authentication { operation, source } => {
                Error::Authentication { operation, source }
            }
        }
    }
}

/// Whether sleeping `delay` now still leaves time before the deadline (else the retry is given up).
fn fits_before(deadline: Option<tokio::time::Instant>, delay: Duration) -> bool {
    deadline.is_none_or(|deadline| {
        tokio::time::Instant::now()
            .checked_add(delay)
            .is_some_and(|wake| wake < deadline)
    })
}

async fn send_attempts(
    context: CallContext<'_>,
    request: reqwest::RequestBuilder,
    span: tracing::Span,
    started: tokio::time::Instant,
    deadline: Option<tokio::time::Instant>,
) -> Result<RawResponse, Error<std::convert::Infallible>> {
    let operation = context.operation;
    let mut template = Some(request);
    let mut attempt: u32 = 0;
    let mut reauthenticated = false;
    loop {
        attempt += 1;
        span.record("attempt", attempt);
        // A request that can never go out again (no retry, no token to renew on a 401) is sent as it
        // is. Bodies are bytes, so a request can always be cloned; the fallback keeps a streaming one single-shot.
        let may_send_again = (context.retry_safe && attempt < context.retry.max_attempts)
            || (context.bearer_tokens.is_some() && !reauthenticated);
        let copy = if may_send_again {
            template
                .as_ref()
                .and_then(reqwest::RequestBuilder::try_clone)
        } else {
            None
        };
        let mut this_request = match copy {
            Some(request) => request,
            None => match template.take() {
                Some(request) => request,
                None => {
                    return Err(Error::invalid_request(
                        operation,
                        "the request body cannot be sent again",
                    ))
                }
            },
        };
        let mut used_token = None;
        if let Some(tokens) = context.bearer_tokens {
            let token = tokens
                .bearer_token()
                .await
                .map_err(|source| Error::Authentication {
                    operation,
                    source: Arc::from(source),
                })?;
            this_request = this_request.header(
                reqwest::header::AUTHORIZATION,
                bearer_authorization(operation, &token)?,
            );
            used_token = Some((tokens, token));
        }
        let may_retry =
            context.retry_safe && attempt < context.retry.max_attempts && template.is_some();
        let response = match this_request.send().await {
            Ok(response) => response,
            Err(error)
                if may_retry
                    && (error.is_connect() || error.is_timeout() || error.is_request()) =>
            {
                let delay = context.retry.backoff(attempt + 1);
                if !fits_before(deadline, delay) {
                    return Err(Error::transport(operation, error, started));
                }
                tracing::warn!(
                    attempt,
                    delay_ms = delay.as_millis() as u64,
                    "transport error; retrying"
                );
                tokio::time::sleep(delay).await;
                continue;
            }
            Err(error) => return Err(Error::transport(operation, error, started)),
        };
        let status = response.status();
        // Only a span that someone records needs the status and the request id now; otherwise
        // `request_id()` on the response or the error finds the id when asked.
        let recorded = !span.is_disabled();
        if recorded {
            span.record("status", status.as_u16());
            if let Some(request_id) = request_id_from(response.headers(), &[]) {
                span.record("request_id", request_id.as_str());
            }
        }
        if status == StatusCode::UNAUTHORIZED && !reauthenticated {
            if let Some((tokens, token)) = used_token {
                // The token was refused (revoked, or expired early): get a new one and try once more.
                tokens.invalidate_bearer_token(&token);
                reauthenticated = true;
                attempt -= 1;
                tracing::info!("401 with a cached token; re-authenticating once");
                continue;
            }
        }
        if (status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE)
            && may_retry
        {
            let delay = retry_after(response.headers())
                .unwrap_or_else(|| context.retry.backoff(attempt + 1));
            if delay <= context.retry.max_retry_after && fits_before(deadline, delay) {
                tracing::warn!(
                    attempt,
                    status = status.as_u16(),
                    delay_ms = delay.as_millis() as u64,
                    "retrying"
                );
                tokio::time::sleep(delay).await;
                continue;
            }
        }
        let limit = context
            .limits
            .max_response_bytes
            .unwrap_or(context.default_max_response_bytes);
        let raw = read_bounded(operation, response, limit, started).await?;
        // A request id in the body costs a pass over it; only pay that when someone records the span.
        if recorded {
            if let Some(request_id) = raw.request_id() {
                span.record("request_id", request_id.as_str());
            }
        }
        tracing::debug!(status = status.as_u16(), "response");
        return Ok(raw);
    }
}

/// Reads a response body chunk by chunk and stops at `limit`: an endless or huge body costs at
/// most `limit` bytes of memory, and going over it is [`Error::ResponseTooLarge`].
async fn read_bounded(
    operation: &'static str,
    mut response: reqwest::Response,
    limit: usize,
    started: tokio::time::Instant,
) -> Result<RawResponse, Error<std::convert::Infallible>> {
    let status = response.status();
    let too_large = |headers: HeaderMap, prefix: Vec<u8>| Error::ResponseTooLarge {
        operation,
        status,
        headers,
        limit,
        prefix: RawBody::prefix_of(prefix),
    };
    let announced = response
        .content_length()
        .map(|length| usize::try_from(length).unwrap_or(usize::MAX));
    if announced.is_some_and(|length| length > limit) {
        // Said too large up front: nothing of it is read.
        return Err(too_large(
            std::mem::take(response.headers_mut()),
            Vec::new(),
        ));
    }
    // A body that arrives as one chunk (most do) is kept as that chunk, without a copy; the first
    // chunk moves into `body` only when a second one comes.
    let mut first_chunk: Option<bytes::Bytes> = None;
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| Error::transport(operation, error, started))?
    {
        if let Some(first) = first_chunk.take() {
            body.reserve_exact(
                announced
                    .unwrap_or(0)
                    .max(first.len() + chunk.len())
                    .min(limit),
            );
            body.extend_from_slice(&first);
        }
        if chunk.len() > limit - body.len() {
            let room = limit - body.len();
            body.extend_from_slice(
                &chunk[..room.min(ERROR_BODY_PREFIX_BYTES.saturating_sub(body.len()))],
            );
            return Err(too_large(std::mem::take(response.headers_mut()), body));
        }
        if body.capacity() == 0 {
            first_chunk = Some(chunk);
            continue;
        }
        if body.capacity() - body.len() < chunk.len() {
            // Doubling, but never past the limit: a doubling Vec would hold up to twice the limit.
            let wanted = body
                .capacity()
                .saturating_mul(2)
                .max(body.len() + chunk.len())
                .min(limit);
            body.reserve_exact(wanted - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    let body = first_chunk.unwrap_or_else(|| bytes::Bytes::from(body));
    Ok(RawResponse {
        status,
        headers: std::mem::take(response.headers_mut()),
        body,
    })
}

/// Is this media type JSON (`application/json`, `application/problem+json`, any `+json`)?
#[doc(hidden)]
pub fn is_json_media_type(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json") || media_type == "text/json"
}

impl RawResponse {
    /// The `Content-Type` essence (no parameters), lower-cased.
    #[doc(hidden)]
    pub fn media_type(&self) -> Option<String> {
        self.media_type_as_sent().map(str::to_ascii_lowercase)
    }

    /// The `Content-Type` essence as sent (any case), without a copy: every call matches on it.
    fn media_type_as_sent(&self) -> Option<&str> {
        let value = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)?
            .to_str()
            .ok()?;
        Some(value.split(';').next().unwrap_or("").trim())
    }

    /// Does the body claim to be JSON? A missing `Content-Type` is read as the documented type.
    #[doc(hidden)]
    pub fn is_json(&self) -> bool {
        self.media_type_as_sent().is_none_or(|media_type| {
            // `to_str` passed, so the value is visible ASCII and any byte offset is a character boundary.
            let suffix = media_type
                .len()
                .checked_sub("+json".len())
                .map(|start| &media_type[start..]);
            media_type.eq_ignore_ascii_case("application/json")
                || media_type.eq_ignore_ascii_case("text/json")
                || suffix.is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"))
        })
    }

    /// Does the body claim to be text? A missing `Content-Type` is read as the documented type.
    #[doc(hidden)]
    pub fn is_text(&self) -> bool {
        self.media_type_as_sent().is_none_or(|media_type| {
            media_type
                .get(.."text/".len())
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case("text/"))
        })
    }

    /// Decodes the body as JSON into `T`. A failure names the JSON path of the field (never its value).
    #[doc(hidden)]
    pub fn json<T: serde::de::DeserializeOwned, E>(
        &self,
        operation: &'static str,
    ) -> Result<T, Error<E>> {
        // The fast path tracks nothing; only a failure pays for a second, path-tracking pass.
        serde_json::from_slice(&self.body).map_err(|error| {
            self.invalid_body(operation, json_error_with_path::<T>(&self.body, &error))
        })
    }

    /// Reads the body as UTF-8 text.
    #[doc(hidden)]
    pub fn text<E>(&self, operation: &'static str) -> Result<String, Error<E>> {
        match std::str::from_utf8(&self.body) {
            Ok(text) => Ok(text.to_string()),
            Err(error) => Err(self.invalid_body(operation, format!("not utf-8 text: {error}"))),
        }
    }

    /// The provider's request id, from the headers or the body.
    pub fn request_id(&self) -> Option<String> {
        request_id_from(&self.headers, &self.body)
    }

    fn invalid_body<E>(&self, operation: &'static str, message: String) -> Error<E> {
        Error::InvalidResponseBody {
            operation,
            status: self.status,
            headers: self.headers.clone(),
            message,
            body: RawBody::copy_prefix(&self.body),
        }
    }

    /// A success value carrying this response's status and headers.
    #[doc(hidden)]
    pub fn success<T, E>(self, value: T) -> Result<ResponseValue<T>, Error<E>> {
        Ok(ResponseValue {
            inner: value,
            status: self.status,
            headers: self.headers,
            body: self.body,
            request_id: std::sync::OnceLock::new(),
        })
    }

    /// A success whose body is JSON: decoded, with this response's status and headers.
    #[doc(hidden)]
    pub fn json_success<T: serde::de::DeserializeOwned, E>(
        self,
        operation: &'static str,
    ) -> Result<ResponseValue<T>, Error<E>> {
        let value = self.json(operation)?;
        self.success(value)
    }

    /// A documented error whose body is JSON: decoded into its variant of the operation's error enum.
    #[doc(hidden)]
    pub fn json_error<T: serde::de::DeserializeOwned, E>(
        self,
        operation: &'static str,
        variant: fn(T) -> E,
    ) -> Error<E> {
        match self.json(operation) {
            Ok(value) => self.error(operation, variant(value)),
            Err(error) => error,
        }
    }

    /// A documented error.
    #[doc(hidden)]
    pub fn error<E>(self, operation: &'static str, body: E) -> Error<E> {
        let request_id = self.request_id();
        Error::ErrorResponse {
            operation,
            status: self.status,
            headers: self.headers,
            body,
            request_id,
        }
    }

    /// A documented error status without a body schema: the variant keeps the body's bounded prefix.
    #[doc(hidden)]
    pub fn error_with_raw_body<E>(
        self,
        operation: &'static str,
        variant: impl FnOnce(RawBody) -> E,
    ) -> Error<E> {
        let request_id = self.request_id();
        Error::ErrorResponse {
            operation,
            status: self.status,
            headers: self.headers,
            body: variant(RawBody::copy_prefix(&self.body)),
            request_id,
        }
    }

    /// A status or media type the spec does not document.
    #[doc(hidden)]
    pub fn unexpected<E>(self, operation: &'static str) -> Error<E> {
        let content_type = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        Error::UnexpectedResponse {
            operation,
            status: self.status,
            headers: self.headers,
            content_type,
            body: RawBody::copy_prefix(&self.body),
        }
    }

    /// The body's first [`ERROR_BODY_PREFIX_BYTES`] at most, for a documented error status that has no body schema.
    #[doc(hidden)]
    pub fn raw_body(&self) -> RawBody {
        RawBody::copy_prefix(&self.body)
    }
}

/// Describes a JSON decoding failure: the JSON path of the failing field, what was wrong, and the
/// position; never a value from the input (it may hold a secret).
fn json_error_with_path<T: serde::de::DeserializeOwned>(
    body: &[u8],
    first: &serde_json::Error,
) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(tracked) => json_error_summary(&tracked.path().to_string(), tracked.inner()),
        // It decoded this time, so what failed came after the value (trailing characters).
        Ok(_) => json_error_summary(".", first),
    }
}

/// `at <path>: <problem> (line L, column C)`, with every input value taken out of the problem.
fn json_error_summary(path: &str, error: &serde_json::Error) -> String {
    let location = if path == "." {
        "at the top level".to_string()
    } else {
        format!("at `{path}`")
    };
    let problem = match error.classify() {
        serde_json::error::Category::Io => "i/o error".to_string(),
        serde_json::error::Category::Syntax => "invalid json syntax".to_string(),
        serde_json::error::Category::Eof => "the body ends too early".to_string(),
        serde_json::error::Category::Data => {
            let text = error.to_string();
            let text = text
                .rfind(" at line ")
                .map_or(text.as_str(), |end| &text[..end]);
            without_input_values(text)
        }
    };
    format!(
        "{location}: {problem} (line {}, column {})",
        error.line(),
        error.column()
    )
}

/// A serde message without the input values it quotes: `invalid type: string "abc", expected u64`
/// becomes `invalid type: string, expected u64`. Names from the schema (`missing field `x``) stay.
fn without_input_values(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            // What was expected comes last and from the schema; the input sits before it.
            let (unexpected, expected) = rest
                .rfind(", expected ")
                .map_or((rest, ""), |at| (&rest[..at], &rest[at..]));
            let kind = unexpected
                .split(['"', '`'])
                .next()
                .unwrap_or_default()
                .trim();
            return format!("{prefix}{kind}{expected}");
        }
    }
    for prefix in ["unknown variant", "unknown field"] {
        if message.starts_with(prefix) {
            let expected = message.rfind(", expected ").map_or("", |at| &message[at..]);
            return format!("{prefix}{expected}");
        }
    }
    if message.starts_with("missing field ") || message.starts_with("duplicate field ") {
        return message.to_string();
    }
    // Anything else: drop whatever is quoted, since it may come from the input.
    let mut kept = String::with_capacity(message.len());
    let mut quote = None;
    for character in message.chars() {
        match quote {
            Some(open) if character == open => quote = None,
            Some(_) => {}
            None if character == '"' || character == '`' => quote = Some(character),
            None => kept.push(character),
        }
    }
    kept
}

/// Integers as JSON Schema defines them: any number with a zero fractional part, so `1.0`, or
/// `-9223372036854776000` (how JavaScript prints -2^63), decode into an integer field.
#[doc(hidden)]
pub mod integral {
    use std::marker::PhantomData;

    /// A value of integer type `T` read from any integral JSON number.
    pub struct Integral<T>(pub T);

    struct IntegralVisitor<T>(PhantomData<T>);

    impl<'de, T> serde::de::Visitor<'de> for IntegralVisitor<T>
    where
        T: TryFrom<i64> + TryFrom<u64>,
    {
        type Value = Integral<T>;

        fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.write_str("an integer in range")
        }

        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
            T::try_from(value)
                .map(Integral)
                .map_err(|_| E::custom("integer out of range"))
        }

        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
            T::try_from(value)
                .map(Integral)
                .map_err(|_| E::custom("integer out of range"))
        }

        fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
            // 2^63 and 2^64 are exact in f64; the range checks are on exact values.
            const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
            const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
            if !value.is_finite() || value.fract() != 0.0 {
                return Err(E::custom(
                    "a number with a fractional part where an integer is expected",
                ));
            }
            if (-TWO_POW_63..TWO_POW_63).contains(&value) {
                return self.visit_i64(value as i64);
            }
            if (0.0..TWO_POW_64).contains(&value) {
                return self.visit_u64(value as u64);
            }
            Err(E::custom("integer out of range"))
        }
    }

    impl<'de, T> serde::Deserialize<'de> for Integral<T>
    where
        T: TryFrom<i64> + TryFrom<u64>,
    {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(IntegralVisitor(PhantomData))
        }
    }

    /// For `#[serde(deserialize_with)]` on an integer field.
    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
    where
        D: serde::Deserializer<'de>,
        T: TryFrom<i64> + TryFrom<u64>,
    {
        <Integral<T> as serde::Deserialize>::deserialize(deserializer).map(|integral| integral.0)
    }

    /// For `#[serde(deserialize_with)]` on an optional integer field.
    pub fn deserialize_option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: serde::Deserializer<'de>,
        T: TryFrom<i64> + TryFrom<u64>,
    {
        <Option<Integral<T>> as serde::Deserialize>::deserialize(deserializer)
            .map(|value| value.map(|integral| integral.0))
    }
}
