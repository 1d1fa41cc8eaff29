//! Reading the outcome of a generated client call, for both generated crates (`auth-clients` and the
//! golden fixtures' `golden-clients`), without matching exhaustively on their `Error` enums (they may
//! gain variants).

use std::fmt::Debug;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::assert_no_violations;

/// What a failed call tells the conformance tests.
pub enum Outcome<E> {
    /// A documented error status, decoded into the operation's error enum.
    Documented {
        status: StatusCode,
        headers: HeaderMap,
        body: E,
    },
    /// Anything else: an undocumented status or media type, a body that did not decode, a transport
    /// failure, an invalid request. The text names it and, where there is one, quotes the raw body;
    /// status and headers are there when a response was received.
    Other {
        status: Option<StatusCode>,
        headers: Option<HeaderMap>,
        text: String,
    },
}

/// What one dynamic call showed.
pub enum CallCheck {
    /// The response decoded as documented; the text fingerprints the decoded value.
    Decoded(String),
    /// Prism's generator produced a response that breaks the spec, and Prism's own response validation
    /// turned it into a 500 (every reported violation is in the response; the request was valid).
    PrismGeneratedInvalid(String),
    /// Anything else: a conformance failure.
    Failed(String),
}

impl<E> Outcome<E> {
    /// Did Prism refuse its own generated response (a 500 whose violations are all in the response)?
    pub fn is_prism_generated_invalid(&self) -> bool {
        match self {
            Outcome::Other {
                status: Some(status),
                headers: Some(headers),
                ..
            } => super::prism_generated_invalid(*status, headers),
            _ => false,
        }
    }
}

/// A generated `Error<E>`.
pub trait GeneratedError: Debug {
    type Body: Debug;
    fn into_outcome(self) -> Outcome<Self::Body>;
}

/// A generated `ResponseValue<T>`.
pub trait GeneratedSuccess: Debug {
    fn status_code(&self) -> StatusCode;
    fn header_map(&self) -> &HeaderMap;
}

macro_rules! impl_for_generated_crate {
    ($runtime:path) => {
        const _: () = {
            use $runtime as runtime;

            impl<E: Debug> GeneratedError for runtime::Error<E> {
                type Body = E;

                fn into_outcome(self) -> Outcome<E> {
                    match self {
                        runtime::Error::ErrorResponse {
                            status,
                            headers,
                            body,
                            ..
                        } => Outcome::Documented {
                            status,
                            headers,
                            body,
                        },
                        runtime::Error::InvalidResponseBody {
                            ref status,
                            ref headers,
                            ref body,
                            ..
                        }
                        | runtime::Error::UnexpectedResponse {
                            ref status,
                            ref headers,
                            ref body,
                            ..
                        } => Outcome::Other {
                            status: Some(*status),
                            headers: Some(headers.clone()),
                            text: format!(
                                "{self:?}; sl-violations: {:?}; raw body ({status}): {}",
                                headers.get("sl-violations"),
                                body.text()
                            ),
                        },
                        other => Outcome::Other {
                            status: None,
                            headers: None,
                            text: format!("{other:?}"),
                        },
                    }
                }
            }

            impl<T: Debug> GeneratedSuccess for runtime::ResponseValue<T> {
                fn status_code(&self) -> StatusCode {
                    self.status()
                }

                fn header_map(&self) -> &HeaderMap {
                    self.headers()
                }
            }
        };
    };
}

// Both generated crates re-export one runtime crate (`auth-clients-runtime`), so
// `golden_clients::runtime` is this same module and needs no impls of its own.
impl_for_generated_crate!(auth_clients::runtime);

/// A failed call, described for a test failure message (with the raw body where there is one).
pub fn describe<E: GeneratedError>(error: E) -> String {
    match error.into_outcome() {
        Outcome::Documented {
            status,
            headers,
            body,
        } => format!(
            "documented error {status}: {body:?}; sl-violations: {:?}",
            headers.get("sl-violations")
        ),
        Outcome::Other { text, .. } => text,
    }
}

/// The call must succeed with `status`, and Prism must report no violation of the spec.
pub fn expect_success<S: GeneratedSuccess, E: GeneratedError>(
    result: Result<S, E>,
    status: u16,
    what: &str,
) -> S {
    match result {
        Ok(success) => {
            assert_eq!(success.status_code().as_u16(), status, "{what}: status");
            assert_no_violations(success.header_map(), what);
            success
        }
        Err(error) => panic!(
            "{what}: expected a {status} success, got: {}",
            describe(error)
        ),
    }
}

/// The call must fail with the documented error `status`, and Prism must report no violation of the
/// spec; returns the decoded error body for the caller to match the variant.
pub fn expect_error<S: GeneratedSuccess, E: GeneratedError>(
    result: Result<S, E>,
    status: u16,
    what: &str,
) -> E::Body {
    match result {
        Ok(success) => {
            panic!("{what}: expected the documented {status} error, got a success: {success:?}")
        }
        Err(error) => match error.into_outcome() {
            Outcome::Documented {
                status: actual,
                headers,
                body,
            } => {
                assert_eq!(actual.as_u16(), status, "{what}: status");
                assert_no_violations(&headers, what);
                body
            }
            Outcome::Other { text, .. } => {
                panic!("{what}: expected the documented {status} error, got: {text}")
            }
        },
    }
}

/// For dynamic calls: the decoded success as a fingerprint, or what went wrong.
pub fn success_fingerprint<S: GeneratedSuccess, E: GeneratedError>(
    result: Result<S, E>,
    status: u16,
) -> CallCheck {
    match result {
        Ok(success) if success.status_code().as_u16() == status => {
            match success.header_map().get("sl-violations") {
                Some(violations) => CallCheck::Failed(format!(
                    "Prism reports violations: {}",
                    String::from_utf8_lossy(violations.as_bytes())
                )),
                None => CallCheck::Decoded(format!("{success:?}")),
            }
        }
        Ok(success) => CallCheck::Failed(format!("expected status {status}, got {success:?}")),
        Err(error) => other_outcome(error.into_outcome()),
    }
}

/// For dynamic calls: the decoded documented error as a fingerprint, if `accept` takes the variant.
pub fn error_fingerprint<S: GeneratedSuccess, E: GeneratedError>(
    result: Result<S, E>,
    status: u16,
    accept: impl Fn(&E::Body) -> bool,
) -> CallCheck {
    match result {
        Ok(success) => CallCheck::Failed(format!(
            "expected the documented {status} error, got a success: {success:?}"
        )),
        Err(error) => match error.into_outcome() {
            Outcome::Documented {
                status: actual,
                headers,
                body,
            } => {
                if actual.as_u16() != status {
                    CallCheck::Failed(format!("expected status {status}, got {actual}: {body:?}"))
                } else if let Some(violations) = headers.get("sl-violations") {
                    CallCheck::Failed(format!(
                        "Prism reports violations: {}",
                        String::from_utf8_lossy(violations.as_bytes())
                    ))
                } else if !accept(&body) {
                    CallCheck::Failed(format!("{status} decoded into the wrong variant: {body:?}"))
                } else {
                    CallCheck::Decoded(format!("{body:?}"))
                }
            }
            other => other_outcome(other),
        },
    }
}

fn other_outcome<E: Debug>(outcome: Outcome<E>) -> CallCheck {
    let prism_generated_invalid = outcome.is_prism_generated_invalid();
    let text = match outcome {
        Outcome::Documented {
            status,
            headers,
            body,
        } => format!(
            "unexpected documented error {status}: {body:?}; sl-violations: {:?}",
            headers.get("sl-violations")
        ),
        Outcome::Other { text, .. } => text,
    };
    if prism_generated_invalid {
        CallCheck::PrismGeneratedInvalid(text)
    } else {
        CallCheck::Failed(text)
    }
}

/// The call must end in Prism refusing its own generated response: the request was valid (no
/// request-side violation), but Prism cannot generate a response that its own validation accepts.
pub fn expect_prism_cannot_generate<S: GeneratedSuccess, E: GeneratedError>(
    result: Result<S, E>,
    what: &str,
) {
    match result {
        Ok(success) => panic!(
            "{what}: Prism now serves a valid response ({success:?}): turn this check into a decoding test"
        ),
        Err(error) => {
            let outcome = error.into_outcome();
            if !outcome.is_prism_generated_invalid() {
                panic!(
                    "{what}: expected Prism to refuse only its own response, got: {}",
                    match outcome {
                        Outcome::Documented { status, body, .. } => format!("{status}: {body:?}"),
                        Outcome::Other { text, .. } => text,
                    }
                );
            }
        }
    }
}

/// The call must end in Prism's own 500 naming `reason`: something Prism cannot serve at all (a media
/// type it has no serializer for, a dynamic body without a schema). Fails if Prism starts serving it,
/// so the test can then be turned into a decoding test.
pub fn expect_prism_unable<S: GeneratedSuccess, E: GeneratedError>(
    result: Result<S, E>,
    what: &str,
    reason: &str,
) {
    match result {
        Ok(success) => panic!(
            "{what}: Prism now serves this ({success:?}): turn this check into a decoding test"
        ),
        Err(error) => match error.into_outcome() {
            Outcome::Other {
                status: Some(status),
                text,
                ..
            } if status == StatusCode::INTERNAL_SERVER_ERROR && text.contains(reason) => {}
            Outcome::Documented { status, body, .. } => {
                panic!("{what}: expected Prism's 500 ({reason}), got {status}: {body:?}")
            }
            Outcome::Other { text, .. } => {
                panic!("{what}: expected Prism's 500 ({reason}), got: {text}")
            }
        },
    }
}
