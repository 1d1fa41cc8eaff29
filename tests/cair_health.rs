//! End-to-end tests of the generated Cair Health client (`POST /api/token`, `security: []`) against an in-process wiremock server.

mod support;

use auth_clients::cair_health::{self, types, Client, CreateTokenError, Error};
use chrono::{TimeZone, Utc};
use serde_json::json;
use support::{header_absent, single_request};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_PATH: &str = "/api/token";

fn request() -> types::CreateTokenRequest {
    types::CreateTokenRequest::new("xxxxx-xxxxxx-xxxxxxx".to_string(), "yyyy+yy/yy:y y")
}

fn expected_request_json() -> serde_json::Value {
    json!({"clientId": "xxxxx-xxxxxx-xxxxxxx", "clientSecret": "yyyy+yy/yy:y y"})
}

/// A strict mock: method, path, JSON content type and body, and no `Authorization` header (`security: []`).
async fn mount_token(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/json"))
        .and(header_absent("authorization"))
        .and(body_json(expected_request_json()))
        .respond_with(response)
        .expect(1)
        .named("POST /api/token")
        .mount(server)
        .await;
}

async fn call(
    server: &MockServer,
) -> Result<auth_clients::runtime::ResponseValue<types::CreateTokenResponse>, Error<CreateTokenError>>
{
    Client::new(&server.uri())
        .expect("loopback http is allowed")
        .create_token(&request())
        .await
}

#[tokio::test]
async fn create_token_posts_json_without_authorization_and_decodes_every_field() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req-1")
            .set_body_json(json!({
                "accessToken": "xxxxxxxxxxxxx.access",
                "refreshToken": "xxxxxxxxxxxxx.refresh",
                "expiresAt": "2025-03-24T18:38:47.781Z",
                "refreshTokenExpiresAt": "2025-03-25T20:28:47.781+02:00",
                "unknownField": {"tolerated": true}
            })),
    )
    .await;

    let response = call(&server).await.expect("200 decodes");

    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(
        response.headers().get("x-request-id").expect("header kept"),
        "req-1"
    );
    assert_eq!(
        response.access_token.as_ref().map(|secret| secret.expose()),
        Some("xxxxxxxxxxxxx.access")
    );
    assert_eq!(
        response
            .refresh_token
            .as_ref()
            .map(|secret| secret.expose()),
        Some("xxxxxxxxxxxxx.refresh")
    );
    let expires_at = Utc.with_ymd_and_hms(2025, 3, 24, 18, 38, 47).unwrap()
        + chrono::Duration::milliseconds(781);
    assert_eq!(response.expires_at, Some(expires_at));
    // The +02:00 offset is converted to UTC.
    let refresh_expires_at = Utc.with_ymd_and_hms(2025, 3, 25, 18, 28, 47).unwrap()
        + chrono::Duration::milliseconds(781);
    assert_eq!(response.refresh_token_expires_at, Some(refresh_expires_at));

    let recorded = single_request(&server).await;
    support::assert_request(&recorded, "POST", TOKEN_PATH, "application/json", None);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&recorded.body).unwrap(),
        expected_request_json()
    );
}

#[tokio::test]
async fn create_token_with_every_optional_field_absent_decodes_to_none() {
    let server = MockServer::start().await;
    mount_token(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;

    let response = call(&server)
        .await
        .expect("200 with {} decodes: no field is required");
    assert!(response.access_token.is_none());
    assert!(response.refresh_token.is_none());
    assert_eq!(response.expires_at, None);
    assert_eq!(response.refresh_token_expires_at, None);
}

#[tokio::test]
async fn base_url_with_a_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/prefix/api/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"accessToken": "a"})))
        .expect(1)
        .mount(&server)
        .await;

    let client =
        Client::new(&format!("{}/prefix", server.uri())).expect("loopback http is allowed");
    let response = client.create_token(&request()).await.expect("200 decodes");
    assert_eq!(
        response.access_token.as_ref().map(|secret| secret.expose()),
        Some("a")
    );
}

#[tokio::test]
async fn unauthorized_error_message_decodes() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(401)
            .insert_header("x-request-id", "req-401")
            .set_body_json(json!({"message": "Invalid credentials provided"})),
    )
    .await;

    let error = call(&server).await.expect_err("401 is an error");
    assert_eq!(error.operation(), "POST /api/token");
    match error {
        Error::ErrorResponse {
            status,
            headers,
            body: CreateTokenError::Unauthorized(body),
            ..
        } => {
            assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED);
            assert_eq!(
                headers.get("x-request-id").expect("headers kept"),
                "req-401"
            );
            assert_eq!(
                body.message.as_deref(),
                Some("Invalid credentials provided")
            );
        }
        other => panic!("expected ErrorResponse(Unauthorized), got {other:?}"),
    }
}

#[tokio::test]
async fn unauthorized_error_without_message_decodes_to_none() {
    let server = MockServer::start().await;
    mount_token(&server, ResponseTemplate::new(401).set_body_json(json!({}))).await;

    match call(&server).await.expect_err("401 is an error") {
        Error::ErrorResponse {
            body: CreateTokenError::Unauthorized(body),
            ..
        } => assert_eq!(body.message, None),
        other => panic!("expected ErrorResponse(Unauthorized), got {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_statuses_keep_status_headers_and_raw_body() {
    for (status, media_type, body) in [
        (
            500_u16,
            "application/json",
            r#"{"message":"Internal error"}"#,
        ),
        (418, "text/plain", "teapot"),
        // 400 is not documented for this operation.
        (400, "application/json", r#"{"message":"bad"}"#),
    ] {
        let server = MockServer::start().await;
        mount_token(
            &server,
            ResponseTemplate::new(status)
                .insert_header("x-request-id", "req-x")
                .set_body_raw(body, media_type),
        )
        .await;

        match call(&server)
            .await
            .expect_err("undocumented status is an error")
        {
            Error::UnexpectedResponse {
                operation,
                status: got,
                headers,
                content_type,
                body: raw,
            } => {
                assert_eq!(operation, "POST /api/token");
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers.get("x-request-id").expect("headers kept"), "req-x");
                assert_eq!(content_type.as_deref(), Some(media_type));
                assert_eq!(raw.as_bytes(), body.as_bytes());
            }
            other => panic!("{status}: expected UnexpectedResponse, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn documented_statuses_with_bodies_not_matching_the_schema_are_invalid_response_bodies() {
    for (status, body) in [
        (200_u16, r#"{"expiresAt":"tomorrow-ish"}"#),
        (200, r#"{"accessToken":42}"#),
        (200, r#"["not","an","object"]"#),
        (401, r#"{"message":42}"#),
        (401, "not json"),
    ] {
        let server = MockServer::start().await;
        mount_token(
            &server,
            ResponseTemplate::new(status).set_body_raw(body, "application/json"),
        )
        .await;

        match call(&server)
            .await
            .expect_err("a body not matching the schema is an error")
        {
            Error::InvalidResponseBody {
                status: got,
                body: raw,
                message,
                ..
            } => {
                assert_eq!(got.as_u16(), status, "{body}");
                assert_eq!(raw.text(), body);
                assert!(!message.is_empty());
            }
            other => panic!("{status} {body}: expected InvalidResponseBody, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn redirects_from_the_token_endpoint_are_not_followed() {
    for status in support::REDIRECT_STATUSES {
        let server = MockServer::start().await;
        support::mount_redirect(&server, TOKEN_PATH, status).await;

        let error = call(&server).await.expect_err("a redirect is not a token");
        assert!(
            matches!(error, Error::UnexpectedResponse { .. }),
            "{status}: {error:?}"
        );
        assert_eq!(error.status().map(|status| status.as_u16()), Some(status));
        support::assert_redirect_not_followed(&server, TOKEN_PATH).await;
    }
}

#[test]
fn default_base_url_is_the_spec_server() {
    assert_eq!(
        cair_health::DEFAULT_BASE_URL,
        "https://forecaster.cairhealth.com"
    );
    Client::new(cair_health::DEFAULT_BASE_URL).expect("https is allowed");
}
