//! Captures the tracing output of real calls (token issue, 401 re-authentication, retries, errors) and
//! formats token-source types, and finds no secret anywhere, while the spans carry provider, operation,
//! attempt, status and request id.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth_clients::{dayzero, mobile_calendar, mobiscroll_connect, runtime};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_SECRET: &str = "CLIENT-SECRET-111";
const ACCESS_TOKEN: &str = "ACCESS-TOKEN-222";
const API_TOKEN: &str = "dz_API-TOKEN-333";
const REFRESH_TOKEN: &str = "REFRESH-TOKEN-444";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [CLIENT_SECRET, ACCESS_TOKEN, API_TOKEN, REFRESH_TOKEN] {
        assert!(!text.contains(secret), "{what} leaks {secret}:\n{text}");
    }
}

#[tokio::test]
async fn tracing_output_and_debug_of_every_token_type_carry_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    // Mobile Calendar: one 503 (retried), then a token.
    Mock::given(method("POST"))
        .and(path("/v1/public/auth/token"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/public/auth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-42")
                .set_body_json(json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600})),
        )
        .mount(&server)
        .await;
    let client = mobile_calendar::Client::new(&format!("{}/v1/public", server.uri()))
        .unwrap()
        .with_retry_policy(runtime::RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..Default::default()
        });
    let request = mobile_calendar::types::TokenRequest::new("id", CLIENT_SECRET);
    let source = mobile_calendar::TokenSource::for_client(client, request);
    let token = source.token().await.unwrap();
    assert_eq!(token.expose(), ACCESS_TOKEN);
    assert_no_secret("TokenSource Debug", &format!("{source:?}"));
    assert_no_secret("Secret Debug", &format!("{token:?}"));

    // DayZero: the API token travels as a bearer token; an undocumented 401 comes back as an error.
    Mock::given(method("POST"))
        .and(path("/api/v1/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"detail": format!("bad token {API_TOKEN}")})),
        )
        .mount(&server)
        .await;
    let dayzero_client = dayzero::Client::new(&server.uri())
        .unwrap()
        .with_bearer_auth(API_TOKEN);
    let dayzero_source = dayzero::TokenSource::for_client(
        dayzero_client,
        dayzero::types::BodyGetTokenApiV1Oauth2TokenPost::new("a@example.com"),
    );
    let error = dayzero_source.token().await.unwrap_err();
    assert_no_secret("dayzero TokenError", &format!("{error:?} {error}"));

    // Mobiscroll: a code exchange with Basic client authentication and a refresh token in the answer.
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 60, "refresh_token": REFRESH_TOKEN})))
        .mount(&server)
        .await;
    let mobiscroll = mobiscroll_connect::Client::new(&server.uri())
        .unwrap()
        .with_client_secret_basic("proj", CLIENT_SECRET);
    let exchange = mobiscroll_connect::types::TokenRequest::new(
        "authorization_code",
        String::new(),
        "https://app.example.com/callback",
    );
    let authorize = mobiscroll_connect::AuthorizeUrlParams::new("proj", "u");
    let mobiscroll_source =
        mobiscroll_connect::TokenSource::for_client(mobiscroll, authorize, exchange);
    let authorize_url = mobiscroll_source.authorize_url().unwrap();
    let state = authorize_url
        .query_pairs()
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    mobiscroll_source
        .complete_authorization("code-1", &state)
        .await
        .unwrap();
    assert_no_secret(
        "mobiscroll TokenSource Debug",
        &format!("{mobiscroll_source:?}"),
    );
    let stored = auth_clients::token::StoredToken {
        access_token: ACCESS_TOKEN.into(),
        expires_at: None,
        issued_at: None,
        refresh_token: Some(REFRESH_TOKEN.into()),
        refresh_token_expires_at: None,
    };
    assert_no_secret("StoredToken Debug", &format!("{stored:?}"));
    let issued = auth_clients::token::IssuedToken {
        access_token: ACCESS_TOKEN.into(),
        lifetime: auth_clients::token::Lifetime::Unknown,
        refresh_token: Some(REFRESH_TOKEN.into()),
        refresh_token_expires_at: None,
    };
    assert_no_secret("IssuedToken Debug", &format!("{issued:?}"));

    let output = captured.text();
    assert_no_secret("tracing output", &output);
    assert!(output.contains("api_call"), "{output}");
    assert!(output.contains("provider=\"mobile_calendar\""), "{output}");
    assert!(output.contains("operation=\"createToken\""), "{output}");
    assert!(
        output.contains("attempt=2"),
        "the 503 was retried: {output}"
    );
    assert!(output.contains("status=503"), "{output}");
    assert!(output.contains("request_id=\"req-42\""), "{output}");
    assert!(
        output.contains("provider=\"mobiscroll_connect\""),
        "{output}"
    );
}
