//! Token lifecycle against in-process mock servers: caching, single flight, renewal at the margin,
//! `expires_in` and `expiresAt`, refresh tokens, 401 re-authentication, retries, and the
//! authorization-code flow.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use auth_clients::token::{ManualClock, MemoryTokenStore, StoredToken, TokenStore};
use auth_clients::{cair_health, dayzero, mobile_calendar, mobiscroll_connect, runtime};
use serde_json::json;
use support::{request_count, ServerThatShutsDownOnDrop};
use wiremock::matchers::{body_string, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// 2026-01-01T00:00:00Z: a fixed start for every manual clock.
fn start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

fn mobile_calendar_source(
    server: &MockServer,
    clock: &ManualClock,
) -> mobile_calendar::TokenSource {
    let client = mobile_calendar::Client::new(&format!("{}/v1/public", server.uri())).unwrap();
    let request = mobile_calendar::types::TokenRequest::new("id", "secret");
    mobile_calendar::TokenSource::builder(mobile_calendar::TokenIssuer::new(client, request))
        .clock(clock.clone())
        .build()
}

/// Answers each token request with a new numbered token.
struct NumberedTokens {
    issued: AtomicUsize,
    expires_in: u64,
    delay: Duration,
}

impl Respond for NumberedTokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let number = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_delay(self.delay)
            .set_body_json(json!({"access_token": format!("token-{number}"), "token_type": "Bearer", "expires_in": self.expires_in}))
    }
}

async fn mount_numbered_tokens(server: &MockServer, expires_in: u64, delay: Duration) {
    Mock::given(method("POST"))
        .and(path("/v1/public/auth/token"))
        .respond_with(NumberedTokens {
            issued: AtomicUsize::new(0),
            expires_in,
            delay,
        })
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_callers_cause_exactly_one_token_request() {
    // A thousand awaits in a row spend tokio's cooperative budget; see `ServerThatShutsDownOnDrop`.
    // Held in it, the server also shuts down when a failed assertion below unwinds.
    let server = ServerThatShutsDownOnDrop::new(MockServer::start().await);
    mount_numbered_tokens(&server, 3600, Duration::from_millis(200)).await;
    let source = mobile_calendar_source(&server, &ManualClock::new(start()));
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let source = source.clone();
            tokio::spawn(async move { source.token().await })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap().unwrap().expose(), "token-1");
    }
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn renewal_happens_at_the_margin_not_before() {
    let server = MockServer::start().await;
    mount_numbered_tokens(&server, 3600, Duration::ZERO).await;
    let clock = ManualClock::new(start());
    let source = mobile_calendar_source(&server, &clock);
    assert_eq!(source.token().await.unwrap().expose(), "token-1");
    // Default margin: 5 minutes. One second before the margin the cached token is still used.
    clock.advance(Duration::from_secs(3600 - 300 - 1));
    assert_eq!(source.token().await.unwrap().expose(), "token-1");
    assert_eq!(request_count(&server).await, 1);
    clock.advance(Duration::from_secs(1));
    assert_eq!(source.token().await.unwrap().expose(), "token-2");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn the_renewal_margin_is_configurable() {
    let server = MockServer::start().await;
    mount_numbered_tokens(&server, 3600, Duration::ZERO).await;
    let clock = ManualClock::new(start());
    let client = mobile_calendar::Client::new(&format!("{}/v1/public", server.uri())).unwrap();
    let request = mobile_calendar::types::TokenRequest::new("id", "secret");
    let source =
        mobile_calendar::TokenSource::builder(mobile_calendar::TokenIssuer::new(client, request))
            .clock(clock.clone())
            .renew_margin(Duration::from_secs(60))
            .build();
    source.token().await.unwrap();
    clock.advance(Duration::from_secs(3600 - 61));
    assert_eq!(source.token().await.unwrap().expose(), "token-1");
    clock.advance(Duration::from_secs(1));
    assert_eq!(source.token().await.unwrap().expose(), "token-2");
}

#[tokio::test]
async fn expiry_from_an_expires_at_timestamp() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "accessToken": "cair-access",
            "refreshToken": "cair-refresh",
            // start() + 1 hour
            "expiresAt": "2026-01-01T01:00:00Z",
            "refreshTokenExpiresAt": "2026-01-02T00:00:00Z"
        })))
        .mount(&server)
        .await;
    let clock = ManualClock::new(start());
    let client = cair_health::Client::new(&server.uri()).unwrap();
    let request = cair_health::types::CreateTokenRequest::new("id", "secret");
    let source = cair_health::TokenSource::builder(cair_health::TokenIssuer::new(client, request))
        .clock(clock.clone())
        .build();
    assert_eq!(source.token().await.unwrap().expose(), "cair-access");
    clock.advance(Duration::from_secs(3600 - 301));
    source.token().await.unwrap();
    assert_eq!(
        request_count(&server).await,
        1,
        "still fresh before the margin"
    );
    clock.advance(Duration::from_secs(2));
    source.token().await.unwrap();
    // Cair's spec offers no refresh operation: the token is re-issued with the credentials.
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_token_in_the_store_is_used_without_a_request_and_new_ones_are_saved() {
    let server = MockServer::start().await;
    mount_numbered_tokens(&server, 3600, Duration::ZERO).await;
    let clock = ManualClock::new(start());
    let store = Arc::new(MemoryTokenStore::default());
    store.save(Some(&StoredToken {
        access_token: "persisted".into(),
        expires_at: Some(start() + Duration::from_secs(1000)),
        issued_at: None,
        refresh_token: None,
        refresh_token_expires_at: None,
    }));
    let client = mobile_calendar::Client::new(&format!("{}/v1/public", server.uri())).unwrap();
    let request = mobile_calendar::types::TokenRequest::new("id", "secret");
    let source =
        mobile_calendar::TokenSource::builder(mobile_calendar::TokenIssuer::new(client, request))
            .clock(clock.clone())
            .store(store.clone())
            .build();
    assert_eq!(source.token().await.unwrap().expose(), "persisted");
    assert_eq!(request_count(&server).await, 0);
    clock.advance(Duration::from_secs(800));
    assert_eq!(source.token().await.unwrap().expose(), "token-1");
    let saved = store.load().unwrap();
    assert_eq!(saved.access_token.expose(), "token-1");
    assert_eq!(
        saved.expires_at,
        Some(start() + Duration::from_secs(800 + 3600))
    );
}

#[tokio::test]
async fn a_401_renews_the_token_and_retries_once() {
    let server = MockServer::start().await;
    mount_numbered_tokens(&server, 3600, Duration::ZERO).await;
    Mock::given(method("GET"))
        .and(path("/v1/public/reservations"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/public/reservations"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    let source = mobile_calendar_source(&server, &ManualClock::new(start()));
    let url = format!("{}/v1/public/reservations", server.uri());
    let response = source.send(|http| http.get(&url)).await.unwrap();
    assert_eq!(response.status, 200);
    let requests = server.received_requests().await.unwrap();
    let token_requests = requests
        .iter()
        .filter(|request| request.url.path().ends_with("/auth/token"))
        .count();
    assert_eq!(token_requests, 2);
    assert_eq!(requests.len(), 4);
}

#[tokio::test]
async fn a_second_401_is_returned_never_a_loop() {
    let server = MockServer::start().await;
    mount_numbered_tokens(&server, 3600, Duration::ZERO).await;
    Mock::given(method("GET"))
        .and(path("/v1/public/reservations"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let source = mobile_calendar_source(&server, &ManualClock::new(start()));
    let url = format!("{}/v1/public/reservations", server.uri());
    let response = source.send(|http| http.get(&url)).await.unwrap();
    assert_eq!(response.status, 401);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests
            .iter()
            .filter(|request| request.url.path().ends_with("/reservations"))
            .count(),
        2
    );
    assert_eq!(
        requests
            .iter()
            .filter(|request| request.url.path().ends_with("/auth/token"))
            .count(),
        2
    );

    // The same through `call`, with a generated error type.
    let calls = AtomicUsize::new(0);
    let outcome: Result<(), _> = source
        .call(|_token| {
            calls.fetch_add(1, Ordering::SeqCst);
            async {
                let error: runtime::Error<mobile_calendar::CreateTokenError> =
                    runtime::Error::invalid_request("op", "x");
                Err(error)
            }
        })
        .await;
    assert!(outcome.is_err());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a non-401 error is not retried"
    );
}

#[tokio::test]
async fn a_token_endpoint_400_is_returned_at_once_and_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/public/auth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "type": "https://mobile-calendar.com/problems/bad-request", "title": "Bad Request", "status": 400,
            "detail": "clientId is required", "instance": "/v1/public/auth/token", "ruid": "ruid-400"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let source = mobile_calendar_source(&server, &ManualClock::new(start()));
    let error = source.token().await.unwrap_err();
    let mobile_calendar::TokenError::Endpoint(endpoint_error) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        endpoint_error.status(),
        Some(reqwest::StatusCode::BAD_REQUEST)
    );
    assert_eq!(endpoint_error.request_id().as_deref(), Some("ruid-400"));
    assert_eq!(
        error.to_string(),
        "createToken: 400 Bad Request: clientId is required"
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_for_and_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/public/auth/token"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_numbered_tokens(&server, 3600, Duration::ZERO).await;
    let source = mobile_calendar_source(&server, &ManualClock::new(start()));
    let started = std::time::Instant::now();
    assert_eq!(source.token().await.unwrap().expose(), "token-1");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_503_is_retried_with_backoff_and_attempts_are_bounded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/public/auth/token"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let client = mobile_calendar::Client::new(&format!("{}/v1/public", server.uri()))
        .unwrap()
        .with_retry_policy(runtime::RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..Default::default()
        });
    let request = mobile_calendar::types::TokenRequest::new("id", "secret");
    let error = client.create_token(&request).await.unwrap_err();
    assert_eq!(
        error.status(),
        Some(reqwest::StatusCode::SERVICE_UNAVAILABLE)
    );
}

#[tokio::test]
async fn the_authorization_code_exchange_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = mobiscroll_connect::Client::new(&server.uri()).unwrap();
    let request = mobiscroll_connect::types::TokenRequest::new(
        "authorization_code",
        "user-456",
        "https://app.example.com/callback",
    )
    .with_client_id("proj-123")
    .with_client_secret("secret-xyz");
    assert!(client.exchange_code(&request).await.is_err());
}

fn mobiscroll_source(server: &MockServer, clock: &ManualClock) -> mobiscroll_connect::TokenSource {
    let client = mobiscroll_connect::Client::new(&server.uri())
        .unwrap()
        .with_client_secret_basic("proj-123", "secret-xyz");
    let authorize = mobiscroll_connect::AuthorizeUrlParams::new("proj-123", "user-456")
        .with_response_type("code");
    let exchange = mobiscroll_connect::types::TokenRequest::new(
        "authorization_code",
        String::new(),
        "https://app.example.com/callback",
    );
    mobiscroll_connect::TokenSource::builder(mobiscroll_connect::TokenIssuer::new(
        client, authorize, exchange,
    ))
    .clock(clock.clone())
    .build()
}

#[tokio::test]
async fn the_authorization_code_flow_holds_the_token_then_asks_for_authorization_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string("grant_type=authorization_code&code=user-456&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "jwt-1", "token_type": "Bearer", "expires_in": 3600})))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new(start());
    let source = mobiscroll_source(&server, &clock);

    let before = source.token().await.unwrap_err();
    let mobiscroll_connect::TokenError::AuthorizationRequired { authorize_url } = &before else {
        panic!("{before:?}")
    };
    assert_eq!(authorize_url.path(), "/authorize");
    assert!(authorize_url
        .query()
        .unwrap()
        .contains("client_id=proj-123"));

    let state = authorize_url
        .query_pairs()
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .expect("every authorization URL carries a state");
    assert!(state.len() >= 43, "32 random bytes, base64url");
    assert_eq!(
        source
            .complete_authorization("user-456", &state)
            .await
            .unwrap()
            .expose(),
        "jwt-1"
    );
    assert_eq!(source.token().await.unwrap().expose(), "jwt-1");
    clock.advance(Duration::from_secs(3600 - 299));
    let expired = source.token().await.unwrap_err();
    assert!(
        matches!(
            expired,
            mobiscroll_connect::TokenError::AuthorizationRequired { .. }
        ),
        "{expired:?}"
    );
    assert!(!expired.to_string().contains("secret-xyz"));
}

#[tokio::test]
async fn dayzero_token_calls_carry_the_api_token_and_cache_the_result() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/oauth2/token"))
        .and(header("authorization", "Bearer dz_api_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "dz-access", "expires_in": 900, "refresh_token": "dz-refresh"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = dayzero::Client::new(&server.uri())
        .unwrap()
        .with_bearer_auth("dz_api_token");
    let source = dayzero::TokenSource::for_client(
        client,
        dayzero::types::BodyGetTokenApiV1Oauth2TokenPost::new("a@example.com"),
    );
    assert_eq!(source.token().await.unwrap().expose(), "dz-access");
    assert_eq!(source.token().await.unwrap().expose(), "dz-access");
}

#[tokio::test]
async fn a_refresh_token_is_used_where_the_spec_offers_a_refresh_operation() {
    use golden_clients::form_body;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "first", "token_type": "Bearer", "expires_in": 600, "refresh_token": "refresh-1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=refresh-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "second", "token_type": "Bearer", "expires_in": 600}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let clock = golden_clients::token::ManualClock::new(start());
    let client = form_body::Client::new(&server.uri()).unwrap();
    let request = form_body::types::TokenRequest::new(
        form_body::types::TokenRequestGrantType::ClientCredentials,
        "client",
        "secret",
    );
    let source = form_body::TokenSource::builder(form_body::TokenIssuer::new(client, request))
        .clock(clock.clone())
        .build();
    assert_eq!(source.token().await.unwrap().expose(), "first");
    clock.advance(Duration::from_secs(600));
    assert_eq!(source.token().await.unwrap().expose(), "second");
}

#[tokio::test]
async fn generated_bearer_operations_take_tokens_from_the_source_and_reauthenticate_once() {
    use golden_clients::security_basic_bearer as api;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(NumberedTokensAt {
            issued: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "u1", "name": "Ada"})))
        .mount(&server)
        .await;
    let token_client = api::Client::new(&server.uri())
        .unwrap()
        .with_basic_auth("client", "secret");
    let request = api::types::CreateTokenRequest::new(
        api::types::CreateTokenRequestGrantType::ClientCredentials,
    );
    let source = api::TokenSource::for_client(token_client, request);
    let client = api::Client::new(&server.uri())
        .unwrap()
        .with_bearer_auth_tokens(source.clone());
    let me = client.get_me().await.unwrap();
    assert_eq!(me.status(), 200);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests
            .iter()
            .filter(|request| request.url.path() == "/token")
            .count(),
        2
    );
    assert_eq!(
        requests
            .iter()
            .filter(|request| request.url.path() == "/me")
            .count(),
        2
    );
}

/// Numbered tokens for the golden security fixture's `/token`.
struct NumberedTokensAt {
    issued: AtomicUsize,
}

impl Respond for NumberedTokensAt {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let number = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(json!({"access_token": format!("token-{number}"), "expires_in": 3600}))
    }
}

#[tokio::test]
async fn integral_numbers_written_as_floats_decode_into_integer_fields() {
    // JSON Schema counts 3600.0 as an integer; JavaScript servers print large integers as floats.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/public/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"t","token_type":"Bearer","expires_in":3600.0}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = mobile_calendar::Client::new(&format!("{}/v1/public", server.uri())).unwrap();
    let request = mobile_calendar::types::TokenRequest::new("id", "secret");
    assert_eq!(
        client.create_token(&request).await.unwrap().expires_in,
        3600
    );

    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/v1/public/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"t","token_type":"Bearer","expires_in":3600.5}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let error = client.create_token(&request).await.unwrap_err();
    assert!(
        matches!(error, runtime::Error::InvalidResponseBody { .. }),
        "{error:?}"
    );
}

/// Runs `finish` on a thread of its own, in a runtime of its own, with a wiremock server (a mock
/// mounted) once tokio's cooperative budget of the current poll is spent (128 units, at once).
/// `Some(true)` when `finish` returned, `Some(false)` when it panicked, `None` when the thread did
/// not end within a generous bound: it hangs.
fn after_spending_the_cooperative_budget(finish: fn(MockServer)) -> Option<bool> {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(async {
                let server = MockServer::start().await;
                Mock::given(method("GET"))
                    .respond_with(ResponseTemplate::new(200))
                    .mount(&server)
                    .await;
                // Yield once so that the budget below is a fresh poll's whole budget.
                tokio::task::yield_now().await;
                for _ in 0..128 {
                    tokio::task::consume_budget().await;
                }
                finish(server);
            })
        }));
        let _ = done.send(outcome.is_ok());
    });
    finished.recv_timeout(Duration::from_secs(120)).ok()
}

/// The reason for `support::ServerThatShutsDownOnDrop`, shown without a thousand callers: with
/// tokio's cooperative budget spent, a wiremock server dropped through it still shuts down. A plain
/// `drop` there spins forever (wiremock blocks on a tokio lock that waits for a budget only a
/// yield restores), so the test fails, rather than hangs, past a generous bound.
#[test]
fn a_server_shut_down_after_the_cooperative_budget_is_spent_does_not_hang() {
    assert_eq!(
        after_spending_the_cooperative_budget(|server| drop(ServerThatShutsDownOnDrop::new(
            server
        ))),
        Some(true),
        "dropping the server hung once the cooperative budget was spent"
    );
}

/// A failed assertion after the cooperative budget is spent unwinds through the test's locals: a
/// server held in `ServerThatShutsDownOnDrop` still shuts down, so the test fails with its
/// message instead of hanging (a plain `MockServer` spins in its drop there).
#[test]
fn a_test_that_fails_after_the_cooperative_budget_is_spent_fails_instead_of_hanging() {
    assert_eq!(
        after_spending_the_cooperative_budget(|server| {
            let _server = ServerThatShutsDownOnDrop::new(server);
            panic!("a failed assertion");
        }),
        Some(false),
        "the failing test hung in the server's drop instead of failing"
    );
}
