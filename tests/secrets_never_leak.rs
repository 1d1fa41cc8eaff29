//! Redaction tests: `{:?}` and `{}` of every generated request, response, credential, client and error type, populated with a recognizable secret, never print it.

mod support;

use auth_clients::runtime::{self, BasicCredentials, ClientError, Secret};
use auth_clients::{cair_health, dayzero, mobile_calendar, mobiscroll_connect};
use serde_json::json;
use support::SECRET;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[track_caller]
fn assert_redacted(label: &str, text: &str) {
    assert!(!text.contains(SECRET), "{label} leaks the secret: {text}");
}

/// Debug (plain and pretty) of a value.
#[track_caller]
fn assert_debug_redacted<T: std::fmt::Debug>(label: &str, value: &T) {
    assert_redacted(label, &format!("{value:?}"));
    assert_redacted(label, &format!("{value:#?}"));
}

/// Debug, Display and the Display of every `source()` in the chain of an error.
#[track_caller]
fn assert_error_redacted<E: std::error::Error>(label: &str, error: &E) {
    assert_debug_redacted(label, error);
    assert_redacted(label, &error.to_string());
    let mut source = error.source();
    while let Some(cause) = source {
        assert_redacted(label, &cause.to_string());
        assert_redacted(label, &format!("{cause:?}"));
        source = cause.source();
    }
}

/// A server that answers every request with `response`.
async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// Response headers that carry the secret (e.g. a session cookie).
fn secret_headers(response: ResponseTemplate) -> ResponseTemplate {
    response
        .insert_header("set-cookie", format!("session={SECRET}; HttpOnly").as_str())
        .insert_header("x-debug-token", SECRET)
}

// ---------------------------------------------------------------------------------------------
// Runtime types
// ---------------------------------------------------------------------------------------------

#[test]
fn secret_prints_a_redaction() {
    let secret = Secret::new(SECRET);
    assert_debug_redacted("Secret", &secret);
    // No `Display` at all (see the `compile_fail` doctest in readme.rs): `format!("Bearer {secret}")`
    // must not compile, since it would send a redaction instead of the token.
    assert_eq!(
        secret.expose(),
        SECRET,
        "the value is still there to be sent"
    );
    assert_debug_redacted("Option<Secret>", &Some(Secret::from(SECRET.to_string())));
}

#[test]
fn basic_credentials_print_no_password() {
    let credentials = BasicCredentials::new("client-id", SECRET);
    assert_debug_redacted("BasicCredentials", &credentials);
    assert!(
        format!("{credentials:?}").contains("client-id"),
        "the user name is not secret"
    );
}

#[test]
fn client_errors_print_no_password_from_the_url() {
    for url in [
        format!("https://user:{SECRET}@example.com"),
        format!("http://user:{SECRET}@example.com"),
        format!("ftp://user:{SECRET}@example.com"),
        format!("http://user:{SECRET}@127.0.0.1:8080/v1"),
    ] {
        let error =
            mobile_calendar::Client::new(&url).expect_err("credentials in the url are rejected");
        assert_error_redacted(&format!("ClientError for {url}"), &error);
    }
}

#[test]
fn client_errors_for_unparseable_urls_print_no_password() {
    // The URL does not parse (space in the host), but its userinfo is still a credential.
    let url = format!("https://user:{SECRET}@exa mple.com/");
    let error = mobile_calendar::Client::new(&url).expect_err("the url does not parse");
    assert!(
        matches!(error, ClientError::InvalidBaseUrl { .. }),
        "{error:?}"
    );
    assert_error_redacted("ClientError for an unparseable url", &error);
}

// ---------------------------------------------------------------------------------------------
// Request, response, credential and client types
// ---------------------------------------------------------------------------------------------

#[test]
fn mobile_calendar_types_print_no_secret() {
    let request = mobile_calendar::types::TokenRequest::new("id".to_string(), SECRET);
    assert_debug_redacted("mobile_calendar::TokenRequest", &request);
    let response = mobile_calendar::types::TokenResponse::new(SECRET, "Bearer".to_string(), 3600)
        .with_scope(vec![
            mobile_calendar::types::TokenResponseScopeItem::ReservationsRead,
        ]);
    assert_debug_redacted("mobile_calendar::TokenResponse", &response);
    let client = mobile_calendar::Client::new("https://api.mobile-calendar.com/v1/public").unwrap();
    assert_debug_redacted("mobile_calendar::Client", &client);
}

#[test]
fn cair_health_types_print_no_secret() {
    let request = cair_health::types::CreateTokenRequest::new("id".to_string(), SECRET);
    assert_debug_redacted("cair_health::CreateTokenRequest", &request);
    let response = cair_health::types::CreateTokenResponse::new()
        .with_access_token(SECRET)
        .with_refresh_token(SECRET);
    assert_debug_redacted("cair_health::CreateTokenResponse", &response);
}

#[test]
fn dayzero_types_credentials_and_client_print_no_secret() {
    let response = dayzero::types::OAuthTokenResponse::new(SECRET, 900)
        .with_token_type("Bearer".to_string())
        .with_refresh_token(SECRET)
        .with_scope("read".to_string());
    assert_debug_redacted("dayzero::OAuthTokenResponse", &response);
    let credentials = dayzero::Client::new("https://api.ondayzero.com")
        .unwrap()
        .with_bearer_auth(SECRET)
        .credentials()
        .clone();
    assert!(credentials.bearer_auth.is_some());
    assert_debug_redacted("dayzero::Credentials", &credentials);
    let client = dayzero::Client::new("https://api.ondayzero.com")
        .unwrap()
        .with_bearer_auth(SECRET);
    assert_debug_redacted("dayzero::Client", &client);
    assert_debug_redacted("dayzero::Client::credentials", client.credentials());
}

#[test]
fn mobiscroll_types_credentials_and_client_print_no_secret() {
    let request = mobiscroll_connect::types::TokenRequest::new(
        mobiscroll_connect::types::TokenRequestGrantType::AuthorizationCode,
        "user-456".to_string(),
        "https://app.example.com/callback".to_string(),
    )
    .with_client_id("proj-123".to_string())
    .with_client_secret(SECRET);
    assert_debug_redacted("mobiscroll_connect::TokenRequest", &request);
    let response =
        mobiscroll_connect::types::TokenResponse::new(SECRET, "Bearer".to_string(), 3600.0);
    assert_debug_redacted("mobiscroll_connect::TokenResponse", &response);
    let mut credentials =
        mobiscroll_connect::Client::new("https://connect.mobiscroll.com/api/oauth")
            .unwrap()
            .credentials()
            .clone();
    credentials.client_secret_basic = Some(BasicCredentials::new("proj-123", SECRET));
    assert_debug_redacted("mobiscroll_connect::Credentials", &credentials);
    let client = mobiscroll_connect::Client::new("https://connect.mobiscroll.com/api/oauth")
        .unwrap()
        .with_client_secret_basic("proj-123", SECRET);
    assert_debug_redacted("mobiscroll_connect::Client", &client);
}

#[tokio::test]
async fn response_values_print_no_secret_from_body_or_headers() {
    let server = server_answering(secret_headers(ResponseTemplate::new(200)).set_body_json(
        json!({
            "access_token": SECRET, "token_type": "Bearer", "expires_in": 3600
        }),
    ))
    .await;
    let client = mobiscroll_connect::Client::new(&server.uri())
        .unwrap()
        .with_client_secret_basic("proj-123", SECRET);
    let request = mobiscroll_connect::types::TokenRequest::new(
        mobiscroll_connect::types::TokenRequestGrantType::AuthorizationCode,
        "c".to_string(),
        "https://app.example.com/cb".to_string(),
    );
    let response = client.exchange_code(&request).await.expect("200 decodes");
    assert_eq!(response.access_token.expose(), SECRET);
    assert_eq!(
        response.headers().get("x-debug-token").unwrap(),
        SECRET,
        "headers are kept for the caller"
    );
    assert_debug_redacted("ResponseValue<mobiscroll TokenResponse>", &response);
}

// ---------------------------------------------------------------------------------------------
// Error values of each kind
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn error_response_prints_no_secret_from_headers() {
    let server = server_answering(secret_headers(ResponseTemplate::new(401))).await;
    // client_secret_post: the secret travels in the body (Basic as well would be refused).
    let client = mobiscroll_connect::Client::new(&server.uri()).unwrap();
    let request = mobiscroll_connect::types::TokenRequest::new(
        mobiscroll_connect::types::TokenRequestGrantType::AuthorizationCode,
        "c".to_string(),
        "https://app.example.com/cb".to_string(),
    )
    .with_client_id("proj-123".to_string())
    .with_client_secret(SECRET);
    let error = client.exchange_code(&request).await.expect_err("401");
    assert!(
        matches!(error, runtime::Error::ErrorResponse { .. }),
        "{error:?}"
    );
    assert_error_redacted("ErrorResponse", &error);
}

#[tokio::test]
async fn unexpected_response_prints_no_secret_from_raw_body_or_headers() {
    let server = server_answering(secret_headers(ResponseTemplate::new(500)).set_body_raw(
        format!(r#"{{"echo":{{"clientSecret":"{SECRET}"}}}}"#),
        "application/json",
    ))
    .await;
    let client = mobile_calendar::Client::new(&server.uri()).unwrap();
    let request = mobile_calendar::types::TokenRequest::new("id".to_string(), SECRET);
    let error = client.create_token(&request).await.expect_err("500");
    match &error {
        runtime::Error::UnexpectedResponse { body, .. } => assert!(
            body.text().contains(SECRET),
            "the raw body is kept for the caller"
        ),
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert_error_redacted("UnexpectedResponse", &error);
}

#[tokio::test]
async fn invalid_response_body_prints_no_secret_even_when_the_secret_is_the_bad_value() {
    for body in [
        // The secret is the value with the wrong type: serde's message would quote it.
        format!(r#"{{"access_token":"a","token_type":"Bearer","expires_in":"{SECRET}"}}"#),
        // Required field missing while the secret is present.
        format!(r#"{{"access_token":"{SECRET}","token_type":"Bearer"}}"#),
        // Truncated in the middle of the secret.
        format!(r#"{{"access_token":"{SECRET}"#),
        // Wrong type for the secret field itself.
        format!(r#"{{"access_token":["{SECRET}"],"token_type":"Bearer","expires_in":1}}"#),
    ] {
        let server = server_answering(
            secret_headers(ResponseTemplate::new(200))
                .set_body_raw(body.clone(), "application/json"),
        )
        .await;
        let client = mobile_calendar::Client::new(&server.uri()).unwrap();
        let request = mobile_calendar::types::TokenRequest::new("id".to_string(), SECRET);
        let error = client
            .create_token(&request)
            .await
            .expect_err("invalid body");
        match &error {
            runtime::Error::InvalidResponseBody { message, .. } => {
                assert_redacted("InvalidResponseBody message", message)
            }
            other => panic!("{body}: expected InvalidResponseBody, got {other:?}"),
        }
        assert_error_redacted(&format!("InvalidResponseBody for {body}"), &error);
    }
}

#[tokio::test]
async fn invalid_date_time_prints_no_secret() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(json!({"accessToken": "a", "expiresAt": SECRET})),
    )
    .await;
    let client = cair_health::Client::new(&server.uri()).unwrap();
    let request = cair_health::types::CreateTokenRequest::new("id".to_string(), SECRET);
    let error = client
        .create_token(&request)
        .await
        .expect_err("invalid date-time");
    assert!(
        matches!(error, runtime::Error::InvalidResponseBody { .. }),
        "{error:?}"
    );
    assert_error_redacted("InvalidResponseBody (date-time)", &error);
}

#[tokio::test]
async fn transport_error_prints_no_secret_from_the_url() {
    let port = support::closed_loopback_port();
    let client = dayzero::Client::new(&format!("http://127.0.0.1:{port}/{SECRET}"))
        .unwrap()
        .with_bearer_auth(SECRET);
    let request =
        dayzero::types::BodyGetTokenApiV1Oauth2TokenPost::new("a@example.com".to_string());
    let error = client
        .get_token(&request)
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(error, runtime::Error::Transport { .. }),
        "{error:?}"
    );
    assert_error_redacted("Transport", &error);
}

#[tokio::test]
async fn invalid_request_prints_no_secret() {
    let client = dayzero::Client::new("https://api.ondayzero.com")
        .unwrap()
        .with_bearer_auth(format!("{SECRET}\n"));
    let request =
        dayzero::types::BodyGetTokenApiV1Oauth2TokenPost::new("a@example.com".to_string());
    let error = client
        .get_token(&request)
        .await
        .expect_err("a newline cannot be sent in a header");
    assert!(
        matches!(error, runtime::Error::InvalidRequest { .. }),
        "{error:?}"
    );
    assert_error_redacted("InvalidRequest", &error);
}

#[test]
fn documented_error_enums_print_no_secret() {
    let oauth = mobiscroll_connect::types::OAuthError::new(
        mobiscroll_connect::types::OAuthErrorError::InvalidClient,
    )
    .with_error_description("client authentication failed".to_string());
    let error = mobiscroll_connect::ExchangeCodeError::BadRequest(oauth);
    // The OAuth2 error code and description are the provider's message, shown by `Display`.
    assert_eq!(
        error.to_string(),
        "400 Bad Request: invalid_client (client authentication failed)"
    );
    assert_debug_redacted("ExchangeCodeError", &error);
    assert_eq!(
        mobiscroll_connect::ExchangeCodeError::Unauthorized(
            auth_clients::runtime::RawBody::prefix_of(Vec::new())
        )
        .to_string(),
        "401 Unauthorized"
    );
}
