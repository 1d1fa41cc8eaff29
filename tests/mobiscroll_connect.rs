//! End-to-end tests of the generated Mobiscroll Connect client: `authorize_url` (URL builder, no HTTP call) and `exchange_code` (`POST /token`, client_secret_basic and client_secret_post) against an in-process wiremock server.

mod support;

use auth_clients::mobiscroll_connect::types::{
    AuthorizeUrlScope, OAuthErrorError, TokenRequestGrantType,
};
use auth_clients::mobiscroll_connect::{
    types, AuthorizeUrlParams, Client, Error, ExchangeCodeError,
};
use base64::Engine as _;
use serde_json::json;
use support::{header_absent, single_request};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/api/oauth";
const TOKEN_PATH: &str = "/api/oauth/token";
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// The documented request: `redirect_uri` has `:` and `/`, which a form body percent-encodes.
fn basic_request() -> types::TokenRequest {
    types::TokenRequest::new(
        TokenRequestGrantType::AuthorizationCode,
        "user-456",
        "https://app.example.com/callback",
    )
}
const BASIC_FORM: &str = "grant_type=authorization_code&code=user-456&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback";

/// client_secret_post: id and secret travel in the form body (special characters encoded).
fn post_request() -> types::TokenRequest {
    {
        let mut value = basic_request();
        value.client_id = Some("proj-123".to_string());
        value.client_secret = Some("sec+ret/x:y z&w=1".into());
        value
    }
}
const POST_FORM: &str = "grant_type=authorization_code&code=user-456&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback\
&client_id=proj-123&client_secret=sec%2Bret%2Fx%3Ay+z%26w%3D1";

const CLIENT_ID: &str = "proj-123";
const CLIENT_SECRET: &str = "p+ss/w:rd 1";
/// `Basic base64(urlencode(id) ":" urlencode(secret))`, RFC 6749 section 2.3.1, encoded by hand here.
fn expected_basic() -> String {
    let joined = "proj-123:p%2Bss%2Fw%3Ard+1";
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(joined)
    )
}

fn base_url(server: &MockServer) -> String {
    format!("{}{PREFIX}", server.uri())
}

fn basic_client(server: &MockServer) -> Client {
    Client::new(&base_url(server))
        .expect("loopback http is allowed")
        .with_client_secret_basic(CLIENT_ID, CLIENT_SECRET)
}

/// A strict mock of `POST /token` with client_secret_basic.
async fn mount_basic(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", FORM_CONTENT_TYPE))
        .and(header("accept", "application/json"))
        .and(header("authorization", expected_basic().as_str()))
        .and(body_string(BASIC_FORM))
        .respond_with(response)
        .expect(1)
        .named("POST /token (client_secret_basic)")
        .mount(server)
        .await;
}

async fn call_basic(
    server: &MockServer,
) -> Result<auth_clients::runtime::ResponseValue<types::TokenResponse>, Error<ExchangeCodeError>> {
    basic_client(server).exchange_code(&basic_request()).await
}

/// The documented success body, plus an undocumented field that must be tolerated.
fn token_body() -> serde_json::Value {
    json!({
        "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.payload.sig",
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "read-write"
    })
}

// ---------------------------------------------------------------------------------------------
// POST /token
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn exchange_code_with_client_secret_basic_sends_rfc6749_basic_header_and_form_body() {
    let server = MockServer::start().await;
    mount_basic(
        &server,
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "ms-1")
            .set_body_json(token_body()),
    )
    .await;

    let response = call_basic(&server).await.expect("200 decodes");

    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(
        response.headers().get("x-request-id").expect("header kept"),
        "ms-1"
    );
    assert_eq!(
        response.access_token.expose(),
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.payload.sig"
    );
    assert_eq!(response.token_type, "Bearer");
    assert_eq!(response.expires_in, 3600.0);

    let recorded = single_request(&server).await;
    support::assert_request(
        &recorded,
        "POST",
        TOKEN_PATH,
        FORM_CONTENT_TYPE,
        Some(&expected_basic()),
    );
    assert_eq!(String::from_utf8(recorded.body).unwrap(), BASIC_FORM);
}

#[tokio::test]
async fn exchange_code_with_the_published_basic_vector() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header(
            "authorization",
            "Basic ZXhhbXBsZS5jb206cyUzRGNyJTI1dA==",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::new(&base_url(&server))
        .expect("loopback http is allowed")
        .with_client_secret_basic("example.com", "s=cr%t");
    client
        .exchange_code(&basic_request())
        .await
        .expect("200 decodes");
}

#[tokio::test]
async fn exchange_code_with_client_secret_post_sends_credentials_in_the_body_and_no_authorization()
{
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", FORM_CONTENT_TYPE))
        .and(header_absent("authorization"))
        .and(body_string(POST_FORM))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "at", "token_type": "Bearer", "expires_in": 3599.5}),
        ))
        .expect(1)
        .named("POST /token (client_secret_post)")
        .mount(&server)
        .await;

    let client = Client::new(&base_url(&server)).expect("loopback http is allowed");
    assert!(client.credentials().client_secret_basic.is_none());
    let response = client
        .exchange_code(&post_request())
        .await
        .expect("200 decodes");
    assert_eq!(response.access_token.expose(), "at");
    assert_eq!(response.expires_in, 3599.5);

    let recorded = single_request(&server).await;
    support::assert_request(&recorded, "POST", TOKEN_PATH, FORM_CONTENT_TYPE, None);
    assert_eq!(String::from_utf8(recorded.body).unwrap(), POST_FORM);
}

#[tokio::test]
async fn oauth_errors_decode_every_documented_code_and_fall_back_to_other() {
    let cases = [
        (
            "invalid_grant",
            Some("Invalid authorization code"),
            OAuthErrorError::InvalidGrant,
        ),
        (
            "invalid_grant",
            Some("Authorization code expired"),
            OAuthErrorError::InvalidGrant,
        ),
        (
            "invalid_client",
            Some("Client authentication failed"),
            OAuthErrorError::InvalidClient,
        ),
        ("invalid_request", None, OAuthErrorError::InvalidRequest),
        (
            "session_expired",
            Some("OAuth session expired"),
            OAuthErrorError::SessionExpired,
        ),
        (
            "unsupported_grant_type",
            Some("new code"),
            OAuthErrorError::Other("unsupported_grant_type".to_string()),
        ),
    ];
    for (code, description, expected) in cases {
        let server = MockServer::start().await;
        let mut body = json!({"error": code});
        if let Some(description) = description {
            body["error_description"] = json!(description);
        }
        mount_basic(
            &server,
            ResponseTemplate::new(400)
                .insert_header("x-request-id", "ms-400")
                .set_body_json(body),
        )
        .await;

        let error = call_basic(&server).await.expect_err("400 is an error");
        assert_eq!(error.operation(), "token");
        match error {
            Error::ErrorResponse {
                status,
                headers,
                body: ExchangeCodeError::BadRequest(oauth),
                ..
            } => {
                assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
                assert_eq!(headers.get("x-request-id").expect("headers kept"), "ms-400");
                assert_eq!(oauth.error, expected, "{code}");
                assert_eq!(oauth.error.as_str(), code);
                assert_eq!(oauth.error_description.as_deref(), description);
            }
            other => panic!("{code}: expected ErrorResponse(BadRequest), got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unauthorized_without_body_is_the_unauthorized_variant() {
    let server = MockServer::start().await;
    mount_basic(
        &server,
        ResponseTemplate::new(401).insert_header("www-authenticate", "Basic realm=\"connect\""),
    )
    .await;

    let error = call_basic(&server).await.expect_err("401 is an error");
    match error {
        Error::ErrorResponse {
            status,
            headers,
            body: ExchangeCodeError::Unauthorized(body),
            ..
        } => {
            assert!(body.as_bytes().is_empty());
            assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED);
            assert_eq!(
                headers.get("www-authenticate").expect("headers kept"),
                "Basic realm=\"connect\""
            );
        }
        other => panic!("expected ErrorResponse(Unauthorized), got {other:?}"),
    }
}

#[tokio::test]
async fn unauthorized_with_an_unspecified_body_keeps_the_body_and_the_providers_words() {
    let server = MockServer::start().await;
    let body =
        json!({"error": "invalid_client", "error_description": "Client authentication failed"});
    mount_basic(&server, ResponseTemplate::new(401).set_body_json(&body)).await;

    let error = call_basic(&server).await.expect_err("401 is an error");
    assert_eq!(
        error.to_string(),
        "token: 401 Unauthorized: invalid_client (Client authentication failed)"
    );
    match error {
        Error::ErrorResponse {
            body: ExchangeCodeError::Unauthorized(raw),
            ..
        } => {
            assert_eq!(raw.as_bytes(), body.to_string().as_bytes());
            assert!(!raw.is_truncated());
        }
        other => panic!("expected ErrorResponse(Unauthorized), got {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_statuses_and_media_types_keep_status_headers_and_raw_body() {
    for (status, media_type, body) in [
        (500_u16, "text/plain", "Internal Server Error"),
        (418, "application/json", r#"{"error":"teapot"}"#),
        (400, "text/html", "<h1>Bad Request</h1>"),
    ] {
        let server = MockServer::start().await;
        mount_basic(
            &server,
            ResponseTemplate::new(status)
                .insert_header("x-request-id", "ms-x")
                .set_body_raw(body, media_type),
        )
        .await;

        match call_basic(&server)
            .await
            .expect_err("undocumented response is an error")
        {
            Error::UnexpectedResponse {
                operation,
                status: got,
                headers,
                content_type,
                body: raw,
            } => {
                assert_eq!(operation, "token");
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers.get("x-request-id").expect("headers kept"), "ms-x");
                assert_eq!(content_type.as_deref(), Some(media_type));
                assert_eq!(raw.text(), body);
            }
            other => panic!("{status}: expected UnexpectedResponse, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn documented_statuses_with_bodies_not_matching_the_schema_are_invalid_response_bodies() {
    for (status, body) in [
        (
            200_u16,
            r#"{"access_token":"a","token_type":"Bearer","expires_in":"3600"}"#,
        ),
        (200, r#"{"token_type":"Bearer","expires_in":3600}"#),
        (400, r#"{"error_description":"no error code"}"#),
        (400, r#"{"error":42}"#),
    ] {
        let server = MockServer::start().await;
        mount_basic(
            &server,
            ResponseTemplate::new(status).set_body_raw(body, "application/json"),
        )
        .await;

        match call_basic(&server)
            .await
            .expect_err("a body not matching the schema is an error")
        {
            Error::InvalidResponseBody {
                status: got,
                body: raw,
                ..
            } => {
                assert_eq!(got.as_u16(), status, "{body}");
                assert_eq!(raw.text(), body);
            }
            other => panic!("{status} {body}: expected InvalidResponseBody, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn redirects_from_the_token_endpoint_are_not_followed() {
    for status in support::REDIRECT_STATUSES {
        let server = MockServer::start().await;
        let target = support::mount_redirect(&server, TOKEN_PATH, status).await;

        let error = call_basic(&server)
            .await
            .expect_err("a redirect is not a token");
        match &error {
            Error::UnexpectedResponse {
                status: got,
                headers,
                ..
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(
                    headers.get("location").expect("location kept"),
                    target.as_str()
                );
            }
            other => panic!("{status}: expected UnexpectedResponse, got {other:?}"),
        }
        support::assert_redirect_not_followed(&server, TOKEN_PATH).await;
    }
}

// ---------------------------------------------------------------------------------------------
// GET /authorize (URL builder)
// ---------------------------------------------------------------------------------------------

fn query_pairs(url: &url::Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

#[tokio::test]
async fn authorize_url_builds_every_parameter_and_makes_no_http_call() {
    let server = MockServer::start().await;
    let client = Client::new(&base_url(&server)).expect("loopback http is allowed");
    let parameters = AuthorizeUrlParams::new("proj-123".to_string(), "user 456&x=1".to_string())
        .with_scope(AuthorizeUrlScope::ReadWrite)
        .with_redirect_uri("https://app.example.com/callback?a=1&b=2".to_string())
        .with_state("csrf+token/=".to_string())
        .with_response_type("code".to_string());

    let url = client.authorize_url(&parameters).expect("the url builds");

    assert_eq!(url.scheme(), "http");
    assert_eq!(url.host_str(), Some("127.0.0.1"));
    assert_eq!(url.port(), Some(server.address().port()));
    assert_eq!(url.path(), "/api/oauth/authorize");
    assert_eq!(url.fragment(), None);
    assert_eq!(
        query_pairs(&url),
        pairs(&[
            ("client_id", "proj-123"),
            ("user_id", "user 456&x=1"),
            ("scope", "read-write"),
            ("redirect_uri", "https://app.example.com/callback?a=1&b=2"),
            ("state", "csrf+token/="),
            ("response_type", "code"),
        ])
    );
    // Reserved characters inside values are percent-encoded, so the pairs above cannot be split wrongly.
    let query = url.query().expect("a query");
    assert!(
        query.contains("redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback%3Fa%3D1%26b%3D2"),
        "{query}"
    );
    assert!(query.contains("state=csrf%2Btoken%2F%3D"), "{query}");

    assert_eq!(
        support::request_count(&server).await,
        0,
        "authorize_url must not send anything"
    );
}

#[test]
fn authorize_url_omits_optional_parameters_that_are_none() {
    let client = Client::new("https://connect.mobiscroll.com/api/oauth").expect("https is allowed");
    let parameters = AuthorizeUrlParams::new("proj-123".to_string(), "user-456".to_string());

    let url = client.authorize_url(&parameters).expect("the url builds");

    assert_eq!(
        url.as_str(),
        "https://connect.mobiscroll.com/api/oauth/authorize?client_id=proj-123&user_id=user-456"
    );
    assert_eq!(
        query_pairs(&url),
        pairs(&[("client_id", "proj-123"), ("user_id", "user-456")])
    );
}

#[test]
fn authorize_url_serializes_every_scope() {
    let client = Client::new("https://connect.mobiscroll.com").expect("https is allowed");
    for (scope, wire) in [
        (AuthorizeUrlScope::FreeBusy, "free-busy"),
        (AuthorizeUrlScope::Read, "read"),
        (AuthorizeUrlScope::ReadWrite, "read-write"),
        (
            AuthorizeUrlScope::Other("calendar.admin".to_string()),
            "calendar.admin",
        ),
    ] {
        let parameters =
            AuthorizeUrlParams::new("c".to_string(), "u".to_string()).with_scope(scope);
        let url = client.authorize_url(&parameters).expect("the url builds");
        assert_eq!(url.path(), "/authorize");
        assert_eq!(
            query_pairs(&url),
            pairs(&[("client_id", "c"), ("user_id", "u"), ("scope", wire)])
        );
    }
}

#[test]
fn authorize_url_does_not_depend_on_credentials() {
    let plain = Client::new("https://connect.mobiscroll.com").expect("https is allowed");
    let with_basic = plain
        .clone()
        .with_client_secret_basic(CLIENT_ID, CLIENT_SECRET);
    let parameters = AuthorizeUrlParams::new("c".to_string(), "u".to_string());
    let url = with_basic
        .authorize_url(&parameters)
        .expect("the url builds");
    assert_eq!(
        url,
        plain.authorize_url(&parameters).expect("the url builds")
    );
    assert!(
        !url.as_str().contains("p%2Bss"),
        "the client secret never goes into the browser URL"
    );
    assert_eq!(url.username(), "");
    assert_eq!(url.password(), None);
}

#[test]
fn enums_round_trip_through_their_wire_strings() {
    assert_eq!(
        serde_json::to_value(TokenRequestGrantType::AuthorizationCode).unwrap(),
        json!("authorization_code")
    );
    assert_eq!(
        serde_json::from_value::<OAuthErrorError>(json!("session_expired")).unwrap(),
        OAuthErrorError::SessionExpired
    );
    assert_eq!(
        serde_json::from_value::<OAuthErrorError>(json!("temporarily_unavailable")).unwrap(),
        OAuthErrorError::Other("temporarily_unavailable".to_string())
    );
    assert_eq!(
        AuthorizeUrlScope::from("free-busy"),
        AuthorizeUrlScope::FreeBusy
    );
    assert_eq!(AuthorizeUrlScope::FreeBusy.to_string(), "free-busy");
}

#[tokio::test]
async fn basic_and_body_client_credentials_together_are_refused_before_sending() {
    // RFC 6749 section 2.3: a client uses one authentication method per request.
    let server = MockServer::start().await;
    let error = basic_client(&server)
        .exchange_code(&post_request())
        .await
        .expect_err("two client authentication methods at once");
    assert!(
        matches!(&error, Error::InvalidRequest { message, .. } if message.contains("one client authentication method")),
        "{error:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
    // The client id alone in the body (without the secret) is still allowed with Basic.
    let request = {
        let mut value = basic_request();
        value.client_id = Some(CLIENT_ID.to_string());
        value
    };
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("authorization", expected_basic().as_str()))
        .and(body_string(format!("{BASIC_FORM}&client_id={CLIENT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .expect(1)
        .mount(&server)
        .await;
    basic_client(&server)
        .exchange_code(&request)
        .await
        .expect("Basic with only the client id in the body");
}
