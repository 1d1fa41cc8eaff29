//! The generated clients against loopback servers that misbehave the way real ones do: endless and
//! huge bodies, servers that hang or stall, extreme token lifetimes, 200 concurrent callers of a
//! short-lived or failing token endpoint, forged authorization redirects, and tokens that cannot be
//! sent in a header.
//!
//! Every test here takes `SERIAL`, so the allocation peak one test measures is its own.

#[path = "support/counting_allocator.rs"]
mod counting_allocator;
#[path = "support/raw_server.rs"]
mod raw_server;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use auth_clients::runtime::{self, Error, RetryPolicy};
use auth_clients::token::{self, CallError, ManualClock, PendingAuthorizations};
use auth_clients::{cair_health, mobile_calendar, mobiscroll_connect};
use counting_allocator::{peak_growth, CountingAllocator};
use raw_server::{RawServer, Reply};
use serde_json::json;

// Allocation accounting: the live bytes of the whole test binary, and their peak.
#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    SERIAL.lock().await
}

const MIB: usize = 1024 * 1024;
const TOKEN_PATH: &str = "/v1/public/auth/token";

/// 2026-01-01T00:00:00Z: a fixed start for every manual clock.
fn start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

fn mobile_calendar_client(server: &RawServer) -> mobile_calendar::Client {
    mobile_calendar::Client::new(&format!("{}/v1/public", server.url)).unwrap()
}

fn mobile_calendar_request() -> mobile_calendar::types::TokenRequest {
    mobile_calendar::types::TokenRequest::new("id", "secret")
}

fn mobile_calendar_source(
    client: mobile_calendar::Client,
    clock: &ManualClock,
) -> mobile_calendar::TokenSource {
    mobile_calendar::TokenSource::builder(mobile_calendar::TokenIssuer::new(
        client,
        mobile_calendar_request(),
    ))
    .clock(clock.clone())
    .build()
}

fn token_body(token: &str, expires_in: serde_json::Value) -> serde_json::Value {
    json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in})
}

// ---------------------------------------------------------------------------------------------
// Bounded bodies
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_chunked_body_stops_at_the_limit_with_bounded_memory() {
    let _serial = serial().await;
    let server = RawServer::start(|_| async { Reply::EndlessChunked { status: 200 } }).await;
    let client = mobile_calendar_client(&server).with_max_response_bytes(MIB);
    let (outcome, growth) = peak_growth(client.create_token(&mobile_calendar_request())).await;
    match outcome.unwrap_err() {
        Error::ResponseTooLarge {
            operation,
            status,
            limit,
            prefix,
            ..
        } => {
            assert_eq!(operation, "createToken");
            assert_eq!(status, 200);
            assert_eq!(limit, MIB);
            assert!(prefix.as_bytes().len() <= runtime::ERROR_BODY_PREFIX_BYTES);
            assert!(prefix.as_bytes().starts_with(b"["));
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    // Read whole, the body would never end; bounded, the call holds about the limit at most.
    assert!(
        growth < 16 * MIB,
        "memory grew by {growth} bytes for a 1 MiB limit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_announced_body_is_refused_before_it_is_read() {
    let _serial = serial().await;
    let server = RawServer::start(|_| async {
        Reply::AnnouncedLength {
            status: 200,
            length: 100 * MIB as u64,
        }
    })
    .await;
    let client = mobile_calendar_client(&server);
    let (outcome, growth) = peak_growth(client.create_token(&mobile_calendar_request())).await;
    let error = outcome.unwrap_err();
    let Error::ResponseTooLarge { limit, prefix, .. } = &error else {
        panic!("expected ResponseTooLarge, got {error:?}")
    };
    assert_eq!(*limit, runtime::DEFAULT_MAX_RESPONSE_BYTES);
    assert_eq!(*limit, 4 * MIB, "the README promises 4 MiB");
    assert!(prefix.as_bytes().is_empty());
    assert_eq!(
        error.to_string(),
        "createToken: the 200 OK response body is larger than the limit of 4194304 bytes"
    );
    assert!(
        growth < 16 * MIB,
        "memory grew by {growth} bytes for a 100 MB body"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_chunked_error_body_is_cut_at_the_default_limit() {
    let _serial = serial().await;
    let server = RawServer::start(|_| async { Reply::EndlessChunked { status: 500 } }).await;
    let client = mobile_calendar_client(&server);
    let (outcome, growth) = peak_growth(client.create_token(&mobile_calendar_request())).await;
    match outcome.unwrap_err() {
        Error::ResponseTooLarge { status, limit, .. } => {
            assert_eq!(status, 500);
            assert_eq!(limit, 4 * MIB);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert!(growth < 32 * MIB, "memory grew by {growth} bytes");
}

#[tokio::test]
async fn errors_keep_a_16_kib_prefix_of_the_body() {
    let _serial = serial().await;
    let server =
        RawServer::start(|_| async { Reply::bytes(502, "text/plain", vec![b'x'; 3 * MIB]) }).await;
    let client = mobile_calendar_client(&server);
    let error = client
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    let Error::UnexpectedResponse { body, .. } = &error else {
        panic!("expected UnexpectedResponse, got {error:?}")
    };
    assert_eq!(
        body.as_bytes().len(),
        16 * 1024,
        "the README promises 16 KiB"
    );
    assert_eq!(body.full_length(), 3 * MIB);
    assert!(body.is_truncated());
    assert_eq!(
        format!("{body:?}"),
        format!("RawBody(16384 of {} bytes)", 3 * MIB)
    );
}

#[tokio::test]
async fn the_default_limit_suits_the_operation_binary_bodies_get_64_mib() {
    let _serial = serial().await;
    let server =
        RawServer::start(|_| async { Reply::bytes(200, "image/png", vec![7u8; 5 * MIB]) }).await;
    let parameters = golden_clients::media_types::GetFileContentParams::new("f");
    // 5 MiB is past the 4 MiB of a JSON operation, well within the 64 MiB of a binary one.
    let client = golden_clients::media_types::Client::new(&server.url).unwrap();
    let file = client.get_file_content(&parameters).await.unwrap();
    assert_eq!(file.as_bytes().len(), 5 * MIB);
    assert_eq!(runtime::DEFAULT_MAX_BINARY_RESPONSE_BYTES, 64 * MIB);
    // A limit set on the client applies to every operation.
    let limited = client.with_max_response_bytes(MIB);
    let error = limited.get_file_content(&parameters).await.unwrap_err();
    assert!(
        matches!(error, golden_clients::runtime::Error::ResponseTooLarge { limit, .. } if limit == MIB),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// One total deadline per call
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_hanging_server_gives_a_timeout_within_the_deadline() {
    let _serial = serial().await;
    let server = RawServer::start(|_| async { Reply::Hang }).await;
    let client = mobile_calendar_client(&server).with_total_timeout(Duration::from_millis(500));
    let started = Instant::now();
    let error = client
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.to_string(), "createToken: timed out after 500ms");
    // Generous: three attempts of the HTTP client's 30 s would take 90 s.
    assert!(started.elapsed() < Duration::from_secs(25));
    assert_eq!(
        server.count(TOKEN_PATH),
        1,
        "the deadline ended the first attempt"
    );
}

#[tokio::test]
async fn a_server_that_stalls_mid_body_times_out_too() {
    let _serial = serial().await;
    let server = RawServer::start(|_| async { Reply::StallMidBody }).await;
    let client = mobile_calendar_client(&server).with_total_timeout(Duration::from_millis(500));
    let error = client
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after, .. } if after == Duration::from_millis(500)),
        "{error:?}"
    );
    assert!(error.to_string().contains("timed out"));
}

#[tokio::test]
async fn the_default_total_deadline_is_30_seconds() {
    let _serial = serial().await;
    let client = mobile_calendar::Client::new("http://127.0.0.1:9").unwrap();
    assert_eq!(
        client.call_limits().total_timeout,
        Duration::from_secs(30),
        "the README promises 30 s in all"
    );
    assert_eq!(runtime::DEFAULT_TOTAL_TIMEOUT, Duration::from_secs(30));
}

#[tokio::test]
async fn backoff_never_sleeps_past_the_deadline() {
    let _serial = serial().await;
    let server = RawServer::start(|_| async {
        Reply::Full {
            status: 503,
            headers: vec![("retry-after".to_string(), "1".to_string())],
            body: Vec::new(),
        }
    })
    .await;
    let client = mobile_calendar_client(&server)
        .with_total_timeout(Duration::from_millis(1500))
        .with_retry_policy(RetryPolicy {
            max_attempts: 10,
            ..RetryPolicy::default()
        });
    let error = client
        .create_token(&mobile_calendar_request())
        .await
        .unwrap_err();
    // One wait of 1 s fits in 1.5 s, a second does not: the last 503 is returned, not a timeout
    // (and on a machine so slow that even the first wait would not fit, it is not waited for).
    assert_eq!(
        error.status(),
        Some(reqwest::StatusCode::SERVICE_UNAVAILABLE),
        "{error:?}"
    );
    assert!((1..=2).contains(&server.count(TOKEN_PATH)));
}

// ---------------------------------------------------------------------------------------------
// Token lifetimes
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn extreme_expires_in_values_never_panic() {
    let _serial = serial().await;
    let expires_in = Arc::new(Mutex::new(json!(0)));
    let answer = Arc::clone(&expires_in);
    let server = RawServer::start(move |_| {
        let body = token_body("t", answer.lock().unwrap().clone());
        async move { Reply::json(200, &body) }
    })
    .await;
    for value in [
        json!(0),
        json!(-1),
        json!(i64::MIN),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(1e300),
        json!(-1e300),
        json!(9.223372036854776e18),
    ] {
        *expires_in.lock().unwrap() = value.clone();
        let clock = ManualClock::new(start());
        let source = mobile_calendar_source(mobile_calendar_client(&server), &clock);
        let first = source.token().await;
        let second = source.token().await;
        clock.advance(Duration::MAX);
        clock.advance(Duration::from_secs(u64::MAX / 2));
        let third = source.token().await;
        if value == json!(i64::MAX) || value == json!(i64::MIN) || value == json!(0) {
            assert_eq!(first.unwrap().expose(), "t", "{value}");
            assert!(second.is_ok() && third.is_ok(), "{value}");
        } else if value == json!(u64::MAX)
            || value == json!(1e300)
            || value == json!(9.223372036854776e18)
        {
            // Out of the spec's int64 range: a decode error naming the field, never a panic.
            let error = first.unwrap_err().to_string();
            assert!(error.contains("`expires_in`"), "{error}");
        }
    }
    // i64::MAX seconds: cached, however far the clock moves.
    let before = server.count(TOKEN_PATH);
    *expires_in.lock().unwrap() = json!(i64::MAX);
    let clock = ManualClock::new(start());
    let source = mobile_calendar_source(mobile_calendar_client(&server), &clock);
    for _ in 0..5 {
        source.token().await.unwrap();
        clock.advance(Duration::from_secs(365 * 24 * 3600));
    }
    assert_eq!(server.count(TOKEN_PATH), before + 1);
}

#[tokio::test]
async fn extreme_fractional_lifetimes_never_panic() {
    let _serial = serial().await;
    let expires_in = Arc::new(Mutex::new(json!(0)));
    let answer = Arc::clone(&expires_in);
    let server = RawServer::start(move |_| {
        let body = token_body("jwt", answer.lock().unwrap().clone());
        async move { Reply::json(200, &body) }
    })
    .await;
    for value in [
        json!(0.0),
        json!(-0.5),
        json!(5e-324),
        json!(1.7976931348623157e308),
        json!(-1.7976931348623157e308),
        json!(1e19),
    ] {
        *expires_in.lock().unwrap() = value.clone();
        let source = mobiscroll_source(&server);
        let state = state_of(&source.authorize_url().unwrap());
        let token = source.complete_authorization("code", &state).await;
        assert_eq!(token.unwrap().expose(), "jwt", "{value}");
        let _ = source.token().await;
    }
}

#[tokio::test]
async fn extreme_expires_at_dates_never_panic() {
    let _serial = serial().await;
    let expires_at = Arc::new(Mutex::new(json!(null)));
    let answer = Arc::clone(&expires_at);
    let server = RawServer::start(move |_| {
        let body = json!({"accessToken": "c", "expiresAt": answer.lock().unwrap().clone()});
        async move { Reply::json(200, &body) }
    })
    .await;
    for value in [
        "1970-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "1900-01-01T00:00:00+14:00",
        "2025-12-31T23:59:59Z",
        "2026-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
    ] {
        *expires_at.lock().unwrap() = json!(value);
        let clock = ManualClock::new(start());
        let source = cair_source(&server, &clock);
        assert_eq!(source.token().await.unwrap().expose(), "c", "{value}");
        clock.advance(Duration::MAX);
        let _ = source.token().await;
    }
    // Far-future dates fit on every platform: `system_time` clamps what `SystemTime` cannot hold.
    let far = chrono::DateTime::<chrono::Utc>::MAX_UTC;
    assert!(token::system_time(far) > start());
    assert!(token::system_time(chrono::DateTime::<chrono::Utc>::MIN_UTC) < start());
}

fn cair_source(server: &RawServer, clock: &ManualClock) -> cair_health::TokenSource {
    let client = cair_health::Client::new(&server.url).unwrap();
    let request = cair_health::types::CreateTokenRequest::new("id", "secret");
    cair_health::TokenSource::builder(cair_health::TokenIssuer::new(client, request))
        .clock(clock.clone())
        .build()
}

// ---------------------------------------------------------------------------------------------
// 200 concurrent callers: one token request per renewal
// ---------------------------------------------------------------------------------------------

/// A token endpoint that answers only once `started` callers have each made their first poll of
/// `token()`, so every one of them is waiting on the same request, however loaded the machine.
async fn gated_token_server(
    started: Arc<AtomicUsize>,
    gate: Arc<AtomicUsize>,
    body: serde_json::Value,
) -> RawServer {
    RawServer::start(move |_| {
        let started = Arc::clone(&started);
        let gate = Arc::clone(&gate);
        let body = body.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(60);
            while started.load(Ordering::SeqCst) < gate.load(Ordering::SeqCst)
                && Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            // A counted caller may still be a few instructions short of its first poll.
            tokio::time::sleep(Duration::from_millis(50)).await;
            Reply::json(200, &body)
        }
    })
    .await
}

/// `callers` tasks that each count themselves started, then ask `source` for a token.
async fn concurrent_tokens<F, Fut, T>(callers: usize, started: &Arc<AtomicUsize>, call: F) -> Vec<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let started = Arc::clone(started);
            let call = call();
            tokio::spawn(async move {
                started.fetch_add(1, Ordering::SeqCst);
                call.await
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(callers);
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_callers_share_one_request_for_every_short_lifetime() {
    let _serial = serial().await;
    // 300 s equals the default margin: it is renewed at half its lifetime, not at once.
    for expires_in in [json!(0), json!(-5), json!(300)] {
        let started = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(AtomicUsize::new(200));
        let server = gated_token_server(
            Arc::clone(&started),
            Arc::clone(&gate),
            token_body("short", expires_in.clone()),
        )
        .await;
        let clock = ManualClock::new(start());
        let source = mobile_calendar_source(mobile_calendar_client(&server), &clock);
        let outcomes = concurrent_tokens(200, &started, || {
            let source = source.clone();
            async move { source.token().await }
        })
        .await;
        for outcome in outcomes {
            assert_eq!(outcome.unwrap().expose(), "short", "{expires_in}");
        }
        assert_eq!(server.count(TOKEN_PATH), 1, "expires_in {expires_in}");

        // The next renewal: once more 200 callers, once more one request (none for 300 s).
        gate.store(400, Ordering::SeqCst);
        let outcomes = concurrent_tokens(200, &started, || {
            let source = source.clone();
            async move { source.token().await }
        })
        .await;
        assert!(outcomes.iter().all(Result::is_ok));
        let expected = if expires_in == json!(300) { 1 } else { 2 };
        assert_eq!(
            server.count(TOKEN_PATH),
            expected,
            "expires_in {expires_in}"
        );
    }
}

#[tokio::test]
async fn a_300_second_token_is_reused_under_the_default_5_minute_margin() {
    let _serial = serial().await;
    let server =
        RawServer::start(|_| async { Reply::json(200, &token_body("five", json!(300))) }).await;
    let clock = ManualClock::new(start());
    let source = mobile_calendar_source(mobile_calendar_client(&server), &clock);
    for _ in 0..5 {
        assert_eq!(source.token().await.unwrap().expose(), "five");
    }
    assert_eq!(server.count(TOKEN_PATH), 1);
    // Half of its lifetime is the margin: renewed after 150 s, not before.
    clock.advance(Duration::from_secs(149));
    source.token().await.unwrap();
    assert_eq!(server.count(TOKEN_PATH), 1);
    clock.advance(Duration::from_secs(1));
    source.token().await.unwrap();
    assert_eq!(server.count(TOKEN_PATH), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_callers_share_one_request_for_a_past_expires_at() {
    let _serial = serial().await;
    let started = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(AtomicUsize::new(200));
    let body = json!({"accessToken": "stale", "expiresAt": "2020-01-01T00:00:00Z"});
    let server = gated_token_server(Arc::clone(&started), gate, body).await;
    let clock = ManualClock::new(start());
    let source = cair_source(&server, &clock);
    let outcomes = concurrent_tokens(200, &started, || {
        let source = source.clone();
        async move { source.token().await }
    })
    .await;
    for outcome in outcomes {
        assert_eq!(outcome.unwrap().expose(), "stale");
    }
    assert_eq!(server.count("/api/token"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_token_endpoint_is_asked_once_for_two_hundred_callers() {
    let _serial = serial().await;
    let started = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(AtomicUsize::new(200));
    // A 200 whose body does not decode: a failure every waiting caller shares.
    let body = json!({"token_type": "Bearer", "expires_in": 60});
    let server = gated_token_server(Arc::clone(&started), gate, body).await;
    let clock = ManualClock::new(start());
    let source = mobile_calendar_source(mobile_calendar_client(&server), &clock);
    let outcomes = concurrent_tokens(200, &started, || {
        let source = source.clone();
        async move { source.token().await }
    })
    .await;
    for outcome in &outcomes {
        let error = outcome.as_ref().unwrap_err();
        assert!(
            error.to_string().contains("missing field `access_token`"),
            "{error}"
        );
    }
    assert_eq!(server.count(TOKEN_PATH), 1, "one request, not 200");

    // Within the backoff (1 s after a first failure) the failure is returned without a request.
    assert!(source.token().await.is_err());
    assert_eq!(server.count(TOKEN_PATH), 1);
    clock.advance(Duration::from_millis(1001));
    assert!(source.token().await.is_err());
    assert_eq!(server.count(TOKEN_PATH), 2);
    // A second failure in a row doubles the wait to 2 s.
    clock.advance(Duration::from_millis(1500));
    assert!(source.token().await.is_err());
    assert_eq!(server.count(TOKEN_PATH), 2);
    clock.advance(Duration::from_millis(501));
    assert!(source.token().await.is_err());
    assert_eq!(server.count(TOKEN_PATH), 3);
}

// ---------------------------------------------------------------------------------------------
// Decode errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn decode_errors_name_the_field_path_and_never_its_value() {
    let _serial = serial().await;
    let body = Arc::new(Mutex::new(json!(null)));
    let answer = Arc::clone(&body);
    let server = RawServer::start(move |_| {
        let body = answer.lock().unwrap().clone();
        async move { Reply::json(200, &body) }
    })
    .await;
    let client = mobile_calendar_client(&server);
    for (value, path, problem) in [
        (
            json!({"access_token": "t", "token_type": "Bearer", "expires_in": "HIDDEN-abc"}),
            "at `expires_in`",
            "invalid type: string, expected an integer in range",
        ),
        (
            json!({"access_token": "t", "token_type": "Bearer", "expires_in": 1, "scope": ["a", "HIDDEN", 5]}),
            "at `scope[2]`",
            "invalid type: integer, expected a string",
        ),
        (
            json!({"access_token": ["HIDDEN"], "token_type": "Bearer", "expires_in": 1}),
            "at `access_token`",
            "invalid type: sequence, expected a string",
        ),
        (
            json!({"access_token": "HIDDEN", "expires_in": 1}),
            "at the top level",
            "missing field `token_type`",
        ),
    ] {
        *body.lock().unwrap() = value.clone();
        let error = client
            .create_token(&mobile_calendar_request())
            .await
            .unwrap_err();
        let Error::InvalidResponseBody { message, .. } = &error else {
            panic!("expected InvalidResponseBody, got {error:?}")
        };
        assert!(message.starts_with(path), "{message}");
        assert!(message.contains(problem), "{message}");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("HIDDEN"), "{shown}");
    }
}

// ---------------------------------------------------------------------------------------------
// One request path: TokenSource::send
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_token_that_is_not_a_header_value_is_an_error_never_a_bare_bearer() {
    let _serial = serial().await;
    let server = RawServer::start(|request| async move {
        if request.path == TOKEN_PATH {
            Reply::json(200, &token_body("line\nbreak", json!(3600)))
        } else {
            Reply::json(200, &json!([]))
        }
    })
    .await;
    let clock = ManualClock::new(start());
    let source = mobile_calendar_source(mobile_calendar_client(&server), &clock);
    let url = format!("{}/v1/public/reservations", server.url);
    let error = source.send(|http| http.get(&url)).await.unwrap_err();
    assert!(
        matches!(error, CallError::Call(Error::InvalidRequest { .. })),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("cannot be sent in a header"),
        "{error}"
    );
    assert_eq!(
        server.count("/v1/public/reservations"),
        0,
        "nothing was sent"
    );
}

#[tokio::test]
async fn send_retries_idempotent_calls_keeps_the_deadline_and_the_request_id() {
    let _serial = serial().await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&attempts);
    let server = RawServer::start(move |request| {
        let counted = Arc::clone(&counted);
        async move {
            match request.path.as_str() {
                TOKEN_PATH => Reply::json(200, &token_body("ok", json!(3600))),
                "/hang" => Reply::Hang,
                "/huge" => Reply::EndlessChunked { status: 200 },
                _ if counted.fetch_add(1, Ordering::SeqCst) == 0 => Reply::Full {
                    status: 503,
                    headers: vec![("retry-after".to_string(), "0".to_string())],
                    body: Vec::new(),
                },
                _ => Reply::Full {
                    status: 200,
                    headers: vec![("x-request-id".to_string(), "req-42".to_string())],
                    body: b"[]".to_vec(),
                },
            }
        }
    })
    .await;
    let clock = ManualClock::new(start());
    let client = mobile_calendar_client(&server)
        .with_total_timeout(Duration::from_millis(700))
        .with_max_response_bytes(MIB);
    let source = mobile_calendar_source(client, &clock);

    let get = format!("{}/v1/public/reservations", server.url);
    let response = source.send(|http| http.get(&get)).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body, &b"[]"[..]);
    assert_eq!(response.request_id().as_deref(), Some("req-42"));
    assert_eq!(
        server.count("/v1/public/reservations"),
        2,
        "a GET is retried after a 503"
    );

    // A POST is not idempotent: its 503 is returned as it is.
    attempts.store(0, Ordering::SeqCst);
    let response = source
        .send(|http| http.post(&get).body("{}"))
        .await
        .unwrap();
    assert_eq!(response.status, 503);
    assert_eq!(server.count("/v1/public/reservations"), 3);

    let hang = format!("{}/hang", server.url);
    let error = source.send(|http| http.get(&hang)).await.unwrap_err();
    assert!(
        matches!(&error, CallError::Call(call) if call.is_timeout()),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("timed out after 700ms"),
        "{error}"
    );

    let huge = format!("{}/huge", server.url);
    let error = source.send(|http| http.get(&huge)).await.unwrap_err();
    assert!(
        matches!(&error, CallError::Call(Error::ResponseTooLarge { limit, .. }) if *limit == MIB),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Authorization code: state and PKCE
// ---------------------------------------------------------------------------------------------

fn mobiscroll_source(server: &RawServer) -> mobiscroll_connect::TokenSource {
    let client = mobiscroll_connect::Client::new(&server.url)
        .unwrap()
        .with_client_secret_basic("proj-123", "secret-xyz");
    // A fixed state in the parameters is replaced by a fresh one on every URL.
    let authorize = mobiscroll_connect::AuthorizeUrlParams::new("proj-123", "user-456")
        .with_response_type("code")
        .with_state("fixed");
    let exchange = mobiscroll_connect::types::TokenRequest::new(
        "authorization_code",
        String::new(),
        "https://app.example.com/callback",
    );
    mobiscroll_connect::TokenSource::for_client(client, authorize, exchange)
}

fn state_of(url: &url::Url) -> String {
    let states: Vec<String> = url
        .query_pairs()
        .filter(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .collect();
    assert_eq!(states.len(), 1, "one state per URL: {url}");
    states.into_iter().next().unwrap()
}

#[tokio::test]
async fn a_state_mismatch_is_rejected_and_nothing_is_sent() {
    let _serial = serial().await;
    let server =
        RawServer::start(|_| async { Reply::json(200, &token_body("jwt", json!(3600))) }).await;
    let source = mobiscroll_source(&server);
    let first = source.authorize_url().unwrap();
    let second = source.authorize_url().unwrap();
    let (first_state, second_state) = (state_of(&first), state_of(&second));
    assert_ne!(first_state, second_state, "a fresh state per URL");
    assert_ne!(first_state, "fixed");
    assert!(first_state.len() >= 43, "32 random bytes");
    // Mobiscroll's docs do not mention PKCE, so no challenge is sent to it.
    assert!(!first.query().unwrap().contains("code_challenge"));

    for forged in ["forged", "", "fixed", &first_state[..42]] {
        let error = source
            .complete_authorization("code", forged)
            .await
            .unwrap_err();
        assert!(
            matches!(error, mobiscroll_connect::TokenError::StateMismatch(_)),
            "{error:?}"
        );
    }
    assert_eq!(server.count("/token"), 0, "no code was exchanged");

    let token = source
        .complete_authorization("code", &first_state)
        .await
        .unwrap();
    assert_eq!(token.expose(), "jwt");
    assert_eq!(server.count("/token"), 1);
    let replay = source
        .complete_authorization("code", &first_state)
        .await
        .unwrap_err();
    assert!(
        matches!(replay, mobiscroll_connect::TokenError::StateMismatch(_)),
        "a state is used once: {replay:?}"
    );
    source
        .complete_authorization("code", &second_state)
        .await
        .unwrap();
    assert_eq!(server.count("/token"), 2);

    // The URL in AuthorizationRequired carries a state of its own, which completes too.
    let fresh = mobiscroll_source(&server);
    let error = fresh.token().await.unwrap_err();
    let mobiscroll_connect::TokenError::AuthorizationRequired { authorize_url } = &error else {
        panic!("{error:?}")
    };
    fresh
        .complete_authorization("code", &state_of(authorize_url))
        .await
        .unwrap();
}

#[test]
fn pkce_s256_matches_rfc_7636_and_travels_with_the_pending_authorization() {
    let _serial = SERIAL.blocking_lock();
    // RFC 7636, appendix B.
    assert_eq!(
        token::pkce_s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let pending = PendingAuthorizations::default();
    let mut url =
        url::Url::parse("https://auth.example.com/authorize?client_id=c&state=old").unwrap();
    pending.begin(&mut url, true).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap()
    };
    assert_eq!(value("client_id"), "c");
    assert_eq!(value("code_challenge_method"), "S256");
    let state = value("state");
    assert_ne!(state, "old");
    let verifier = pending.complete(&state).unwrap().expect("a PKCE verifier");
    assert!((43..=128).contains(&verifier.expose().len()));
    assert_eq!(
        token::pkce_s256_challenge(verifier.expose()),
        value("code_challenge")
    );
    assert!(pending.complete(&state).is_err(), "used once");
    assert!(!format!("{pending:?}").contains(&state));
}

// ---------------------------------------------------------------------------------------------
// Documented error statuses without a body schema
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_schema_less_401_keeps_a_bounded_body_and_the_providers_words() {
    let _serial = serial().await;
    let padding = "p".repeat(3 * MIB);
    let body = json!({"error": "invalid_client", "error_description": "Client authentication failed", "padding": padding});
    let server = RawServer::start(move |_| {
        let body = body.clone();
        async move { Reply::json(401, &body) }
    })
    .await;
    let client = mobiscroll_connect::Client::new(&server.url)
        .unwrap()
        .with_client_secret_basic("proj-123", "secret-xyz");
    let request = mobiscroll_connect::types::TokenRequest::new(
        "authorization_code",
        "c",
        "https://app.example.com/callback",
    );
    let error = client.exchange_code(&request).await.unwrap_err();
    let Some(mobiscroll_connect::ExchangeCodeError::Unauthorized(raw)) = error.error_body() else {
        panic!("expected the Unauthorized variant, got {error:?}")
    };
    assert_eq!(raw.as_bytes().len(), runtime::ERROR_BODY_PREFIX_BYTES);
    assert!(raw.is_truncated());
    assert!(raw.text().contains("Client authentication failed"));
    assert_eq!(
        error.to_string(),
        "token: 401 Unauthorized: invalid_client (Client authentication failed)"
    );
}
