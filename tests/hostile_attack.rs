//! A second round of hostile servers, written as an adversary would: bodies that end exactly at or
//! one byte past the limit (announced and chunked), a body that drips one byte a second, a
//! `Retry-After` too large for any integer, a clock that steps backwards during the failure
//! backoff, an authorization URL handed out again after its `state` was used, and token
//! responses whose secrets must not reach an error's `Display` or `Debug`.

#[path = "support/counting_allocator.rs"]
mod counting_allocator;
#[path = "support/raw_server.rs"]
mod raw_server;

use counting_allocator::{peak_growth, CountingAllocator};
use raw_server::{RawServer, Reply};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use auth_clients::runtime::{Error, RetryPolicy};
use auth_clients::token::ManualClock;
use auth_clients::{mobile_calendar, mobiscroll_connect};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// Allocation accounting for this binary: live bytes and their peak.
#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Every test takes this, so the allocation peak a test measures is its own.
static MEASURED: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What a scripted server writes for one request: pieces of raw bytes, each after a pause.
type Script = Vec<(Duration, Vec<u8>)>;

/// A loopback server that answers every request with the script `reply(path)` gives, byte for byte.
async fn script_server(reply: impl Fn(&str) -> Script + Send + Sync + 'static) -> RawServer {
    RawServer::start(move |request| {
        let script = reply(&request.path);
        async move { Reply::Script(script) }
    })
    .await
}

fn now() -> Script {
    Vec::new()
}

fn piece(script: &mut Script, bytes: impl Into<Vec<u8>>) {
    script.push((Duration::ZERO, bytes.into()));
}

/// A whole response with `Content-Length`.
fn with_length(status: u16, headers: &str, body: &[u8]) -> Script {
    let mut script = now();
    piece(
        &mut script,
        format!("HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n", body.len()),
    );
    piece(&mut script, body.to_vec());
    script
}

/// A whole response, chunked in pieces of at most 1000 bytes.
fn chunked(status: u16, body: &[u8]) -> Script {
    let mut script = now();
    piece(&mut script, format!("HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"));
    for part in body.chunks(1000) {
        piece(
            &mut script,
            [
                format!("{:x}\r\n", part.len()).into_bytes(),
                part.to_vec(),
                b"\r\n".to_vec(),
            ]
            .concat(),
        );
    }
    piece(&mut script, "0\r\n\r\n");
    script
}

const TOKEN_PATH: &str = "/v1/public/auth/token";

fn mobile_calendar_client(url: &str) -> mobile_calendar::Client {
    mobile_calendar::Client::new(&format!("{url}/v1/public")).unwrap()
}

fn mobile_calendar_request() -> mobile_calendar::types::TokenRequest {
    mobile_calendar::types::TokenRequest::new("id", "CLIENT-SECRET")
}

/// A token body padded with spaces to exactly `length` bytes.
fn token_body_of_length(token: &str, length: usize) -> Vec<u8> {
    let mut body = json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600})
        .to_string()
        .into_bytes();
    assert!(body.len() <= length);
    body.resize(length, b' ');
    body
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_passes_and_one_byte_more_does_not() {
    let _measured = MEASURED.lock().await;
    const LIMIT: usize = 100_000;
    for framing in ["content-length", "chunked"] {
        for (length, fits) in [(LIMIT, true), (LIMIT + 1, false)] {
            let body = token_body_of_length("HIDDEN-TOKEN", length);
            let server = script_server(move |_| {
                if framing == "chunked" {
                    chunked(200, &body)
                } else {
                    with_length(200, "", &body)
                }
            })
            .await;
            let client = mobile_calendar_client(&server.url).with_max_response_bytes(LIMIT);
            let outcome = client.create_token(&mobile_calendar_request()).await;
            if fits {
                assert_eq!(
                    outcome.unwrap().access_token.expose(),
                    "HIDDEN-TOKEN",
                    "{framing} {length}"
                );
            } else {
                let error = outcome.unwrap_err();
                let Error::ResponseTooLarge { limit, .. } = &error else {
                    panic!("{framing} {length}: {error:?}")
                };
                assert_eq!(*limit, LIMIT);
                // The prefix of a token response holds the token: never shown.
                let shown = format!("{error} {error:?}");
                assert!(!shown.contains("HIDDEN"), "{shown}");
            }
        }
    }
}

#[tokio::test]
async fn a_body_dripping_one_byte_a_second_is_cut_by_the_total_deadline() {
    let _measured = MEASURED.lock().await;
    let server = script_server(|_| {
        let body =
            json!({"access_token": "t", "token_type": "Bearer", "expires_in": 3600}).to_string();
        let mut script = now();
        piece(
            &mut script,
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            ),
        );
        for byte in body.bytes() {
            script.push((Duration::from_secs(1), vec![byte]));
        }
        script
    })
    .await;
    let client = mobile_calendar_client(&server.url).with_total_timeout(Duration::from_secs(2));
    let began = Instant::now();
    let error = client
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.to_string(), "createToken: timed out after 2s");
    // The body would take 50 s; generous bound for a loaded machine.
    assert!(
        began.elapsed() < Duration::from_secs(20),
        "{:?}",
        began.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_too_large_for_an_integer_is_not_a_quick_retry() {
    let _measured = MEASURED.lock().await;
    for retry_after in ["99999999999999999999999", "18446744073709551616", "86400"] {
        let server = script_server(move |_| {
            with_length(503, &format!("retry-after: {retry_after}\r\n"), b"{}")
        })
        .await;
        let client = mobile_calendar_client(&server.url).with_retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        });
        let error = client
            .create_token(&mobile_calendar_request())
            .await
            .unwrap_err();
        assert_eq!(
            error.status().map(|status| status.as_u16()),
            Some(503),
            "{error:?}"
        );
        // The server asked for more than a day: the response is returned, not retried 1 ms later.
        assert_eq!(server.count(TOKEN_PATH), 1, "Retry-After: {retry_after}");
    }
}

#[tokio::test]
async fn the_failure_backoff_ends_even_when_the_clock_steps_backwards() {
    let _measured = MEASURED.lock().await;
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let answer = Arc::clone(&failing);
    let server = script_server(move |_| {
        if answer.load(Ordering::SeqCst) {
            with_length(200, "", b"{\"token_type\":\"Bearer\"}")
        } else {
            with_length(
                200,
                "",
                json!({"access_token": "fresh", "token_type": "Bearer", "expires_in": 3600})
                    .to_string()
                    .as_bytes(),
            )
        }
    })
    .await;
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let clock = ManualClock::new(start);
    let source = mobile_calendar::TokenSource::builder(mobile_calendar::TokenIssuer::new(
        mobile_calendar_client(&server.url),
        mobile_calendar_request(),
    ))
    .clock(clock.clone())
    .build();
    assert!(source.token().await.is_err());
    failing.store(false, Ordering::SeqCst);
    // NTP steps the wall clock back an hour. The backoff was 1 s; it must not become an hour and 1 s.
    clock.set(start - Duration::from_secs(3600));
    clock.advance(Duration::from_secs(2));
    assert_eq!(source.token().await.unwrap().expose(), "fresh");
    assert_eq!(server.count(TOKEN_PATH), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_callers_during_a_failure_then_after_recovery() {
    let _measured = MEASURED.lock().await;
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let answer = Arc::clone(&failing);
    let server = script_server(move |_| {
        let mut script = if answer.load(Ordering::SeqCst) {
            with_length(500, "", b"{}")
        } else {
            with_length(
                200,
                "",
                json!({"access_token": "back", "token_type": "Bearer", "expires_in": 3600})
                    .to_string()
                    .as_bytes(),
            )
        };
        // Slow enough that every caller is waiting on this one request.
        script[0].0 = Duration::from_millis(300);
        script
    })
    .await;
    let source = mobile_calendar::TokenSource::for_client(
        mobile_calendar_client(&server.url),
        mobile_calendar_request(),
    );
    let run = || async {
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let source = source.clone();
                tokio::spawn(async move { source.token().await })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        outcomes
    };
    let outcomes = run().await;
    assert!(outcomes.iter().all(Result::is_err));
    let after_failure = server.count(TOKEN_PATH);
    assert!(
        after_failure <= 2,
        "{after_failure} requests for 200 callers"
    );
    failing.store(false, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let outcomes = run().await;
    for outcome in outcomes {
        assert_eq!(outcome.unwrap().expose(), "back");
    }
    assert_eq!(server.count(TOKEN_PATH), after_failure + 1);
}

#[tokio::test]
async fn token_secrets_never_reach_a_decode_errors_display_or_debug() {
    let _measured = MEASURED.lock().await;
    for body in [
        json!({"access_token": "HIDDEN-1", "token_type": "Bearer", "expires_in": "HIDDEN-2"}),
        json!({"access_token": "HIDDEN-1", "token_type": "Bearer", "expires_in": 1.5}),
        json!({"access_token": "HIDDEN-1", "token_type": "Bearer", "expires_in": 1e300}),
        json!({"access_token": "HIDDEN-1", "token_type": ["HIDDEN-2"], "expires_in": 1}),
        json!({"access_token": {"HIDDEN-1": "HIDDEN-2"}, "token_type": "Bearer", "expires_in": 1}),
        json!({"access_token": "HIDDEN-1", "message": "HIDDEN-2", "error": "HIDDEN-3"}),
    ] {
        let text = body.to_string();
        let server = script_server(move |_| with_length(200, "", text.as_bytes())).await;
        let source = mobile_calendar::TokenSource::for_client(
            mobile_calendar_client(&server.url),
            mobile_calendar_request(),
        );
        let error = source.token().await.unwrap_err();
        let shown = format!("{error} {error:?} {:?}", std::error::Error::source(&error));
        assert!(!shown.contains("HIDDEN"), "{body}: {shown}");
        assert!(!shown.contains("CLIENT-SECRET"), "{body}: {shown}");
    }
    // Trailing garbage after a valid token body.
    let server = script_server(|_| {
        with_length(
            200,
            "",
            b"{\"access_token\":\"HIDDEN\",\"token_type\":\"Bearer\",\"expires_in\":1} \"HIDDEN\"",
        )
    })
    .await;
    let error = mobile_calendar_client(&server.url)
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("HIDDEN"), "{shown}");
}

fn mobiscroll_source(url: &str) -> mobiscroll_connect::TokenSource {
    let client = mobiscroll_connect::Client::new(url)
        .unwrap()
        .with_client_secret_basic("proj-123", "secret-xyz");
    let authorize = mobiscroll_connect::AuthorizeUrlParams::new("proj-123", "user-456");
    let exchange = mobiscroll_connect::types::TokenRequest::new(
        "authorization_code",
        String::new(),
        "https://app.example.com/callback",
    );
    mobiscroll_connect::TokenSource::for_client(client, authorize, exchange)
}

fn state_of(url: &url::Url) -> String {
    url.query_pairs()
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .unwrap()
}

#[tokio::test]
async fn an_authorization_url_whose_state_was_used_is_never_handed_out_again() {
    let _measured = MEASURED.lock().await;
    let server = script_server(|_| {
        with_length(
            200,
            "",
            json!({"access_token": "jwt", "token_type": "Bearer", "expires_in": 3600})
                .to_string()
                .as_bytes(),
        )
    })
    .await;
    let source = mobiscroll_source(&server.url);
    let mobiscroll_connect::TokenError::AuthorizationRequired {
        authorize_url: first,
    } = source.token().await.unwrap_err()
    else {
        panic!()
    };
    let token = source
        .complete_authorization("code", &state_of(&first))
        .await
        .unwrap();
    // The API refuses the token at once (revoked): the source forgets it and asks for authorization.
    source.invalidate(&token);
    let mobiscroll_connect::TokenError::AuthorizationRequired {
        authorize_url: second,
    } = source.token().await.unwrap_err()
    else {
        panic!()
    };
    assert_ne!(
        state_of(&first),
        state_of(&second),
        "the used state came back: {second}"
    );
    source
        .complete_authorization("code", &state_of(&second))
        .await
        .unwrap();
}

#[test]
fn states_and_pkce_verifiers_are_rfc_7636_text_and_never_repeat() {
    let pending = auth_clients::token::PendingAuthorizations::default();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..500 {
        let mut url = url::Url::parse("https://auth.example.com/authorize").unwrap();
        pending.begin(&mut url, true).unwrap();
        let state = state_of(&url);
        let verifier = pending.complete(&state).unwrap().unwrap();
        for text in [state.as_str(), verifier.expose()] {
            assert!((43..=128).contains(&text.len()), "{text}");
            assert!(
                text.bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)),
                "{text}"
            );
            assert!(seen.insert(text.to_string()));
        }
    }
}

#[tokio::test]
async fn a_concurrent_flood_of_failing_callers_makes_one_request_per_backoff() {
    let _measured = MEASURED.lock().await;
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    let server = script_server(move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
        with_length(
            401,
            "",
            json!({"type": "t", "title": "t", "status": 401, "detail": "bad credentials"})
                .to_string()
                .as_bytes(),
        )
    })
    .await;
    let source = mobile_calendar::TokenSource::for_client(
        mobile_calendar_client(&server.url),
        mobile_calendar_request(),
    );
    for _ in 0..50 {
        let error = source.token().await.unwrap_err();
        assert!(!format!("{error} {error:?}").contains("CLIENT-SECRET"));
    }
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_typed_error_body_is_not_copied_for_every_waiting_caller() {
    let _measured = MEASURED.lock().await;
    // A documented 400 whose `detail` fills most of the 4 MiB limit: it decodes, so the error keeps it.
    let detail = "d".repeat(3 * 1024 * 1024);
    let body =
        json!({"type": "t", "title": "Bad Request", "status": 400, "detail": detail, "instance": "/v1/public/auth/token"}).to_string();
    let server = script_server(move |_| {
        let mut script = with_length(400, "", body.as_bytes());
        script[0].0 = Duration::from_millis(300);
        script
    })
    .await;
    let source = mobile_calendar::TokenSource::for_client(
        mobile_calendar_client(&server.url),
        mobile_calendar_request(),
    );
    let (outcomes, growth) = peak_growth(async {
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let source = source.clone();
                tokio::spawn(async move { source.token().await })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        outcomes
    })
    .await;
    for outcome in &outcomes {
        let error = outcome.as_ref().unwrap_err();
        let mobile_calendar::TokenError::Endpoint(endpoint_error) = error else {
            panic!("{error:?}")
        };
        assert_eq!(
            endpoint_error.status().map(|status| status.as_u16()),
            Some(400)
        );
    }
    // One body of 3 MiB read and decoded, then shared: not 200 copies (600 MiB).
    assert!(
        growth < 64 * 1024 * 1024,
        "memory grew by {} MiB for 200 callers sharing one 3 MiB error",
        growth / (1024 * 1024)
    );
}

#[tokio::test]
async fn a_state_expires_after_10_minutes_on_the_sources_clock() {
    let _measured = MEASURED.lock().await;
    let server = script_server(|_| {
        with_length(
            200,
            "",
            json!({"access_token": "jwt", "token_type": "Bearer", "expires_in": 3600})
                .to_string()
                .as_bytes(),
        )
    })
    .await;
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let clock = ManualClock::new(start);
    let client = mobiscroll_connect::Client::new(&server.url).unwrap();
    let authorize = mobiscroll_connect::AuthorizeUrlParams::new("proj-123", "user-456");
    let exchange = mobiscroll_connect::types::TokenRequest::new(
        "authorization_code",
        String::new(),
        "https://app.example.com/callback",
    )
    .with_client_id("proj-123")
    .with_client_secret("secret");
    let source = mobiscroll_connect::TokenSource::builder(mobiscroll_connect::TokenIssuer::new(
        client, authorize, exchange,
    ))
    .clock(clock.clone())
    .build();
    let late = state_of(&source.authorize_url().unwrap());
    let in_time = state_of(&source.authorize_url().unwrap());
    clock.advance(Duration::from_secs(600));
    // Ten minutes to the second: still valid.
    source
        .complete_authorization("code", &in_time)
        .await
        .unwrap();
    clock.advance(Duration::from_secs(1));
    let error = source
        .complete_authorization("code", &late)
        .await
        .unwrap_err();
    assert!(
        matches!(error, mobiscroll_connect::TokenError::StateMismatch(_)),
        "a state older than 10 minutes: {error:?}"
    );
    assert_eq!(
        server.count("/token"),
        1,
        "no code was exchanged for the expired state"
    );
}

#[tokio::test]
async fn a_providers_message_cannot_forge_log_lines_or_flood_a_log() {
    let _measured = MEASURED.lock().await;
    let forged = format!(
        "bad credentials\r\n2026-01-01T00:00:00Z INFO login ok user=admin\u{1b}[2K\u{202e}{}",
        "x".repeat(1024 * 1024)
    );
    // A typed problem body (Mobile Calendar's 401) and a schema-less one (Mobiscroll's 401).
    let typed =
        json!({"type": "t", "title": "t", "status": 401, "detail": forged, "instance": "/i"})
            .to_string();
    let server = script_server(move |_| with_length(401, "", typed.as_bytes())).await;
    let error = mobile_calendar_client(&server.url)
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    let schema_less = json!({"error": "invalid_client", "error_description": forged}).to_string();
    let server = script_server(move |_| with_length(401, "", schema_less.as_bytes())).await;
    let client = mobiscroll_connect::Client::new(&server.url).unwrap();
    let request = mobiscroll_connect::types::TokenRequest::new(
        "authorization_code",
        "c",
        "https://app.example.com/callback",
    )
    .with_client_id("id")
    .with_client_secret("secret");
    let other = client.exchange_code(&request).await.unwrap_err();
    for shown in [error.to_string(), other.to_string()] {
        assert!(shown.contains("bad credentials"), "{shown}");
        assert!(
            !shown
                .chars()
                .any(|character| character.is_control() || character == '\u{202e}'),
            "{shown:?}"
        );
        assert!(
            shown.chars().count() < 400,
            "{} characters",
            shown.chars().count()
        );
    }
}

#[tokio::test]
async fn a_lying_content_length_is_neither_a_hang_nor_a_way_past_the_limit() {
    let _measured = MEASURED.lock().await;
    let token =
        json!({"access_token": "t", "token_type": "Bearer", "expires_in": 3600}).to_string();
    // Announces 10 bytes, sends more: only 10 are read, and they are not a token body.
    let short = token.clone();
    let server = script_server(move |_| {
        let mut script = now();
        piece(
            &mut script,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n",
        );
        piece(&mut script, short.clone());
        script
    })
    .await;
    let client = mobile_calendar_client(&server.url).with_total_timeout(Duration::from_secs(10));
    let error = client
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidResponseBody { .. }),
        "{error:?}"
    );
    // Announces 1000 bytes, sends a few, closes: a transport error, not a hang.
    let server = script_server(|_| {
        let mut script = now();
        piece(&mut script, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 1000\r\n\r\n{\"a");
        script.push((Duration::ZERO, Vec::new()));
        script
    })
    .await;
    let client = mobile_calendar_client(&server.url)
        .with_total_timeout(Duration::from_secs(2))
        .with_retry_policy(RetryPolicy::none());
    let began = Instant::now();
    // The scripted server keeps the connection open after its script; the deadline ends the wait.
    let error = client
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. } | Error::Timeout { .. }),
        "{error:?}"
    );
    assert!(began.elapsed() < Duration::from_secs(30));
    // Both a small Content-Length and chunked framing of 5 MiB: the limit holds.
    let server = script_server(|_| {
        let mut script = chunked(200, &vec![b' '; 5 * 1024 * 1024]);
        script[0].1 = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
        script
    })
    .await;
    let error = mobile_calendar_client(&server.url)
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge { .. } | Error::Transport { .. }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_request_id_from_a_body_is_an_id_not_a_log_line() {
    let _measured = MEASURED.lock().await;
    for ruid in [
        "ruid-1\r\n2026-01-01T00:00:00Z INFO forged\u{1b}[2K".to_string(),
        "r".repeat(10_000),
    ] {
        let body = json!({"ruid": ruid}).to_string();
        let server = script_server(move |_| with_length(500, "", body.as_bytes())).await;
        let error = mobile_calendar_client(&server.url)
            .with_retry_policy(RetryPolicy::none())
            .create_token(&mobile_calendar_request())
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::UnexpectedResponse { .. }),
            "{error:?}"
        );
        if let Some(id) = error.request_id() {
            assert!(id.len() <= 256, "a request id of {} bytes", id.len());
            assert!(
                id.chars().all(|character| character.is_ascii_graphic()),
                "{id:?}"
            );
        }
    }
    // Ordinary ones still come through, wherever the body puts them.
    for body in [
        r#"{"ruid": "ruid-500-abc"}"#,
        r#"{"request_id": "ruid-500-abc", "other": [1, {"a": null}]}"#,
        r#"{"requestId": "ruid-500-abc"}"#,
        r#"{"meta": {"ruid": "ruid-500-abc", "x": [1]}}"#,
        r#"{"ruid": 5, "meta": {"request_id": "ruid-500-abc"}}"#,
        // A key written with escapes is the same key to JSON (the byte search must not miss it).
        r#"{"r\u0075id": "ruid-500-abc"}"#,
        r#"{"meta": {"request\u005fid": "ruid-500-abc"}}"#,
    ] {
        let server = script_server(move |_| with_length(500, "", body.as_bytes())).await;
        let error = mobile_calendar_client(&server.url)
            .with_retry_policy(RetryPolicy::none())
            .create_token(&mobile_calendar_request())
            .await
            .unwrap_err();
        assert_eq!(
            error.request_id().as_deref(),
            Some("ruid-500-abc"),
            "{body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_an_odd_limit_costs_about_the_limit_not_twice_it() {
    let _measured = MEASURED.lock().await;
    // Just over a power of two: a doubling Vec would hold 4 MiB for a 2 MiB limit.
    const LIMIT: usize = 2 * 1024 * 1024 + 1;
    // The server's own buffers are allocated before the measurement starts, and reused.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let framed = [
        format!("{:x}\r\n", 64 * 1024).into_bytes(),
        vec![b' '; 64 * 1024],
        b"\r\n".to_vec(),
    ]
    .concat();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 64 * 1024];
        let _ = stream.read(&mut request).await;
        let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head).await.is_ok() {
            while stream.write_all(&framed).await.is_ok() {}
        }
    });
    let client = mobile_calendar_client(&url).with_max_response_bytes(LIMIT);
    let (outcome, growth) = peak_growth(client.create_token(&mobile_calendar_request())).await;
    assert!(
        matches!(outcome, Err(Error::ResponseTooLarge { .. })),
        "{outcome:?}"
    );
    // The limit, plus the HTTP stack's read buffers (they grow when a loaded machine lets more
    // bytes pile up per read, so the margin is generous), and still well under the 4 MiB a
    // doubling `Vec` alone would hold.
    assert!(
        growth < LIMIT + LIMIT * 3 / 4,
        "memory grew by {growth} bytes for a limit of {LIMIT}"
    );
    server.abort();
}

#[tokio::test]
async fn send_never_puts_a_bearer_token_on_plain_http_to_another_host() {
    let _measured = MEASURED.lock().await;
    let server = script_server(|_| {
        with_length(
            200,
            "",
            json!({"access_token": "HIDDEN", "token_type": "Bearer", "expires_in": 3600})
                .to_string()
                .as_bytes(),
        )
    })
    .await;
    let source = mobile_calendar::TokenSource::for_client(
        mobile_calendar_client(&server.url),
        mobile_calendar_request(),
    );
    // A listener on a non-loopback-looking name cannot be had in a loopback-only test; what
    // matters is that nothing is attempted: the token is not even fetched.
    for url in [
        "http://api.example.com/v1/reservations",
        "ftp://api.example.com/x",
    ] {
        let error = source.send(|http| http.get(url)).await.unwrap_err();
        assert!(
            matches!(
                error,
                auth_clients::token::CallError::Call(Error::InvalidRequest { .. })
            ),
            "{url}: {error:?}"
        );
        assert!(error.to_string().contains("https"), "{error}");
    }
    assert_eq!(server.count(TOKEN_PATH), 0);
    // Loopback over plain http stays allowed (tests, local proxies).
    let response = source
        .send(|http| http.get(format!("{}/v1/public/auth/token", server.url)))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn looking_for_a_request_id_costs_no_more_than_the_body() {
    let _measured = MEASURED.lock().await;
    // A token body padded to just under 4 MiB with two million tiny array items, some of them
    // where a request id or a provider message is looked for (`meta.request_id`: the spec, with its
    // overlay, types `meta.ruid` as a string, so an array there would not decode at all).
    let items = "0,".repeat(1_000_000);
    let body = format!(
        r#"{{"access_token":"t","token_type":"Bearer","expires_in":1,"meta":{{"request_id":[{items}0]}},"pad":[{items}0]}}"#
    );
    assert!(body.len() < 4 * 1024 * 1024);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 64 * 1024];
        let _ = stream.read(&mut request).await;
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(body.as_bytes()).await;
        let mut rest = [0u8; 1];
        let _ = stream.read(&mut rest).await;
    });
    let client = mobile_calendar_client(&url);
    let (outcome, growth) = peak_growth(client.create_token(&mobile_calendar_request())).await;
    assert_eq!(outcome.unwrap().access_token.expose(), "t");
    // The body (4 MiB) and the HTTP buffers; a JSON tree of two million values is ten times that.
    assert!(
        growth < 10 * 1024 * 1024,
        "memory grew by {} MiB for a body under 4 MiB",
        growth / (1024 * 1024)
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_sends_refused_with_a_401_renew_the_token_once() {
    let _measured = MEASURED.lock().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&issued);
    let server = script_server(move |path| {
        if path == TOKEN_PATH {
            let number = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let mut script = with_length(
                200,
                "",
                json!({"access_token": format!("token-{number}"), "token_type": "Bearer", "expires_in": 3600})
                    .to_string()
                    .as_bytes(),
            );
            script[0].0 = Duration::from_millis(200);
            script
        } else if counter.load(Ordering::SeqCst) < 2 {
            // The first token is revoked: every call with it is refused.
            with_length(401, "", b"{}")
        } else {
            with_length(200, "", b"[]")
        }
    })
    .await;
    let source = mobile_calendar::TokenSource::for_client(
        mobile_calendar_client(&server.url),
        mobile_calendar_request(),
    );
    let url = format!("{}/v1/public/reservations", server.url);
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let source = source.clone();
            let url = url.clone();
            tokio::spawn(async move { source.send(|http| http.get(&url)).await })
        })
        .collect();
    for task in tasks {
        let response = task.await.unwrap().unwrap();
        assert_eq!(response.status, 200);
    }
    assert_eq!(
        issued.load(Ordering::SeqCst),
        2,
        "one token, then one renewal after the 401s"
    );
}
