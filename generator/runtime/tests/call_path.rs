//! The runtime's own tests: the request path against a raw loopback server (bounded body, body
//! kept as read, lazy request ids, the failure conversion), and the response helpers the generated
//! code calls. The generated clients' end-to-end tests (`tests/` at the workspace root) cover the
//! same code through real operations.

use auth_clients_runtime::{
    send, CallContext, CallFailure, CallLimits, Error, RawBody, RawResponse, RetryPolicy, Secret,
    DEFAULT_MAX_RESPONSE_BYTES, ERROR_BODY_PREFIX_BYTES, MAX_REQUEST_ID_BYTES,
};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server that answers one request with `reply`, written in `pieces` writes (one chunk each).
async fn serve_once(pieces: Vec<Vec<u8>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut request = vec![0_u8; 4096];
        let _ = socket.read(&mut request).await;
        for piece in pieces {
            if socket.write_all(&piece).await.is_err() {
                return;
            }
            let _ = socket.flush().await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    format!("http://{address}/")
}

fn chunked(head: &str, chunks: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut pieces = vec![format!("{head}\r\nTransfer-Encoding: chunked\r\n\r\n").into_bytes()];
    for chunk in chunks {
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(chunk);
        piece.extend_from_slice(b"\r\n");
        pieces.push(piece);
    }
    pieces.push(b"0\r\n\r\n".to_vec());
    pieces
}

async fn call(url: &str, max_response_bytes: Option<usize>) -> Result<RawResponse, CallFailure> {
    let http = reqwest::Client::new();
    let retry = RetryPolicy::none();
    let limits = CallLimits {
        total_timeout: Duration::from_secs(20),
        max_response_bytes,
    };
    let context = CallContext {
        provider: "test",
        operation: "op",
        retry: &retry,
        limits: &limits,
        default_max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        retry_safe: false,
        bearer_tokens: None,
    };
    send(context, http.get(url)).await
}

#[tokio::test]
async fn a_body_in_several_chunks_is_read_whole_and_in_order() {
    let url = serve_once(chunked(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json",
        &[b"{\"a\":", b"[1,2,", b"3]}"],
    ))
    .await;
    let raw = call(&url, None).await.expect("a response");
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(&raw.body[..], b"{\"a\":[1,2,3]}");
}

#[tokio::test]
async fn a_body_over_the_limit_stops_at_the_limit_and_keeps_a_bounded_prefix() {
    let big = vec![b'x'; 40 * 1024];
    let url = serve_once(chunked("HTTP/1.1 200 OK", &[&big, &big, &big])).await;
    let failure = call(&url, Some(64 * 1024)).await.expect_err("too large");
    let error: Error<std::convert::Infallible> = failure.into();
    match error {
        Error::ResponseTooLarge { limit, prefix, .. } => {
            assert_eq!(limit, 64 * 1024);
            assert!(prefix.as_bytes().len() <= ERROR_BODY_PREFIX_BYTES);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn an_announced_length_over_the_limit_is_refused_before_reading() {
    let url = serve_once(vec![
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nxyz".to_vec(),
    ])
    .await;
    let error: Error<()> = call(&url, Some(10)).await.expect_err("too large").into();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 10, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_failure_converts_into_any_operation_error_keeping_its_variant() {
    // Nothing listens on this port once the listener is dropped.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    drop(listener);
    let failure = call(&url, None).await.expect_err("connection refused");
    let error: Error<String> = failure.into();
    assert!(
        matches!(
            error,
            Error::Transport {
                operation: "op",
                ..
            }
        ),
        "{error:?}"
    );
}

fn response(headers: &[(&'static str, &str)], body: &[u8]) -> RawResponse {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, HeaderValue::from_str(value).expect("header value"));
    }
    RawResponse {
        status: StatusCode::OK,
        headers: map,
        body: bytes::Bytes::copy_from_slice(body),
    }
}

#[test]
fn a_success_finds_the_request_id_in_the_headers_first_then_in_the_body_when_asked() {
    let value = response(
        &[("x-request-id", "from-header")],
        br#"{"ruid":"from-body"}"#,
    )
    .success::<_, ()>(1)
    .expect("success");
    assert_eq!(value.request_id(), Some("from-header"));
    let value = response(&[], br#"{"meta":{"ruid":"abc-123"},"x":1}"#)
        .success::<_, ()>(1)
        .expect("success");
    assert_eq!(value.request_id(), Some("abc-123"));
    // Asked twice, the same answer (looked up once).
    assert_eq!(value.request_id(), Some("abc-123"));
    let escaped = response(&[], br#"{"r\u0075id":"escaped"}"#)
        .success::<_, ()>(1)
        .expect("success");
    assert_eq!(escaped.request_id(), Some("escaped"));
}

#[test]
fn a_request_id_that_could_forge_a_log_line_or_flood_one_is_not_taken() {
    let forged = response(&[], br#"{"ruid":"a\nb"}"#)
        .success::<_, ()>(1)
        .expect("success");
    assert_eq!(forged.request_id(), None);
    let long = format!(
        r#"{{"request_id":"{}"}}"#,
        "x".repeat(MAX_REQUEST_ID_BYTES + 1)
    );
    let flood = response(&[], long.as_bytes())
        .success::<_, ()>(1)
        .expect("success");
    assert_eq!(flood.request_id(), None);
    let not_json = response(&[], b"ruid: 1")
        .success::<_, ()>(1)
        .expect("success");
    assert_eq!(not_json.request_id(), None);
}

#[test]
fn a_repeated_key_or_leading_whitespace_does_not_lose_the_request_id_or_the_message() {
    // A JSON object parsed whole keeps a repeated key's last value; the field-only parse must not
    // fail on the repeat (serde's derive refuses a duplicate field) and lose the id altogether.
    let repeated = response(&[], br#"{"ruid":"first","x":1,"ruid":"second"}"#)
        .success::<_, ()>(1)
        .expect("success");
    assert_eq!(repeated.request_id(), Some("second"));
    let repeated_meta = response(
        &[],
        br#"{"meta":{"ruid":"a","ruid":"b"},"meta":{"ruid":"c"}}"#,
    )
    .success::<_, ()>(1)
    .expect("success");
    assert_eq!(repeated_meta.request_id(), Some("c"));
    // JSON allows whitespace before the object; the provider's message was already found there.
    let indented = response(&[], b" \r\n\t{\"request_id\":\"req-9\"}")
        .success::<_, ()>(1)
        .expect("success");
    assert_eq!(indented.request_id(), Some("req-9"));
    let message = RawBody::copy_prefix(br#"{"message":"first","message":"rate limited"}"#);
    assert_eq!(message.provider_message(), Some("rate limited"));
    let oauth = RawBody::copy_prefix(
        br#"{"error":"invalid_client","error_description":"x","error_description":"bad secret"}"#,
    );
    assert_eq!(
        oauth.provider_message(),
        Some("invalid_client (bad secret)")
    );
    // Still only an object: anything else carries neither.
    assert_eq!(
        RawBody::copy_prefix(br#"["message"]"#).provider_message(),
        None
    );
    let array = response(&[], br#"[{"ruid":"x"}]"#)
        .success::<_, ()>(1)
        .expect("success");
    assert_eq!(array.request_id(), None);
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Token {
    access_token: Secret,
    expires_in: i64,
}

#[derive(Debug, PartialEq)]
enum TokenError {
    BadRequest(Problem),
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Problem {
    detail: String,
}

#[test]
fn json_arms_decode_success_and_documented_errors_once() {
    let success = response(&[], br#"{"access_token":"s3cret","expires_in":60}"#)
        .json_success::<Token, TokenError>("op")
        .expect("decodes");
    assert_eq!(success.expires_in, 60);
    assert!(
        !format!("{success:?}").contains("s3cret"),
        "Debug never shows a secret"
    );
    let error =
        response(&[], br#"{"detail":"bad grant"}"#).json_error("op", TokenError::BadRequest);
    assert_eq!(
        error.error_body(),
        Some(&TokenError::BadRequest(Problem {
            detail: "bad grant".into()
        }))
    );
}

#[test]
fn a_body_that_does_not_match_names_the_path_and_never_the_value() {
    let error = response(
        &[],
        br#"{"access_token":"s3cret","expires_in":"soon-s3cret"}"#,
    )
    .json_success::<Token, TokenError>("op")
    .expect_err("does not match");
    let message = match &error {
        Error::InvalidResponseBody { message, .. } => message.clone(),
        other => panic!("{other:?}"),
    };
    assert!(message.contains("expires_in"), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
    let error = response(&[], b"{}").json_error::<Problem, _>("op", TokenError::BadRequest);
    assert!(
        matches!(error, Error::InvalidResponseBody { .. }),
        "{error:?}"
    );
}

#[test]
fn error_bodies_keep_a_bounded_prefix_and_the_full_length() {
    let huge = vec![b'a'; ERROR_BODY_PREFIX_BYTES * 4];
    let body = RawBody::copy_prefix(&huge);
    assert_eq!(body.as_bytes().len(), ERROR_BODY_PREFIX_BYTES);
    assert_eq!(body.full_length(), huge.len());
    assert!(body.is_truncated());
    assert!(
        !format!("{body:?}").contains("aaaa"),
        "Debug prints the length only"
    );
    let unexpected: Error<()> = response(&[], &huge).unexpected("op");
    match unexpected {
        Error::UnexpectedResponse { body, .. } => {
            assert_eq!(body.as_bytes().len(), ERROR_BODY_PREFIX_BYTES)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_secret_never_prints() {
    let secret = Secret::new("hunter2");
    assert_eq!(format!("{secret:?}"), "Secret([redacted])");
    assert_eq!(secret.expose(), "hunter2");
}

#[test]
fn media_types_match_in_any_case_and_without_parameters() {
    let json = |content_type: &str| response(&[("content-type", content_type)], b"{}").is_json();
    assert!(json("application/json"));
    assert!(json("Application/Problem+JSON; charset=utf-8"));
    assert!(json("TEXT/JSON"));
    assert!(!json("application/jsonx"));
    assert!(!json("json"));
    assert!(
        response(&[], b"{}").is_json(),
        "no Content-Type: the documented type"
    );
    let text = |content_type: &str| response(&[("content-type", content_type)], b"x").is_text();
    assert!(text("TEXT/plain;charset=utf-8"));
    assert!(!text("tex"));
    assert!(!text("application/text"));
}
