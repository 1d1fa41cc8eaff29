//! End-to-end tests of the generated Mobile Calendar client (`POST /auth/token`) against an in-process wiremock server.

mod support;

use auth_clients::mobile_calendar::{self, types, Client, CreateTokenError, Error};
use serde_json::json;
use support::{header_absent, single_request, SECRET};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_PATH: &str = "/v1/public/auth/token";

/// The base URL as the spec's server has it: with the `/v1/public` path prefix.
fn base_url(server: &MockServer) -> String {
    format!("{}/v1/public", server.uri())
}

fn request() -> types::TokenRequest {
    types::TokenRequest::new("client-42".to_string(), "s3cr\"et/+:%")
}

fn expected_request_json() -> serde_json::Value {
    json!({"clientId": "client-42", "clientSecret": "s3cr\"et/+:%"})
}

fn problem(status: u16, title: &str, detail: &str) -> serde_json::Value {
    json!({
        "type": "https://mobile-calendar.com/problems/problem",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "/v1/public/auth/token",
        "ruid": "7f80f1b4-a44b-4345-b383-7d0a937b4411"
    })
}

/// Mounts a strict mock of the token call: every request property is matched, so a request that
/// differs in method, path, content type, body or auth gets wiremock's 404 instead.
async fn mount_token(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header_absent("authorization"))
        .and(body_json(expected_request_json()))
        .respond_with(response)
        .expect(1)
        .named("POST /v1/public/auth/token")
        .mount(server)
        .await;
}

async fn call(
    server: &MockServer,
) -> Result<auth_clients::runtime::ResponseValue<types::TokenResponse>, Error<CreateTokenError>> {
    Client::new(&base_url(server))
        .expect("loopback http is allowed")
        .create_token(&request())
        .await
}

#[tokio::test]
async fn create_token_posts_json_under_the_path_prefix_and_decodes_every_field() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(200)
            .insert_header("x-ruid", "96ee294f")
            .set_body_json(json!({
                "token_type": "Bearer",
                "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.payload.sig",
                "expires_in": 3600,
                "scope": ["reservations.read", "reservations.create", "locks.update"],
                "meta": {"ruid": "96ee294f-be6d-490e-adb5-bdb4c6a8b2d9"}
            })),
    )
    .await;

    let response = call(&server).await.expect("200 decodes");

    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("x-ruid")
            .expect("x-ruid header kept"),
        "96ee294f"
    );
    assert_eq!(
        response.access_token.expose(),
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.payload.sig"
    );
    assert_eq!(response.token_type, "Bearer");
    assert_eq!(response.expires_in, 3600);
    // The scopes and `meta.ruid` come from the authentication guide, through specs/mobile-calendar/overlay.yaml.
    assert_eq!(
        response.scope.as_deref(),
        Some(
            &[
                types::TokenResponseScopeItem::ReservationsRead,
                types::TokenResponseScopeItem::ReservationsCreate,
                types::TokenResponseScopeItem::LocksUpdate,
            ][..]
        )
    );
    assert_eq!(
        response.meta.as_ref().and_then(|meta| meta.ruid.as_deref()),
        Some("96ee294f-be6d-490e-adb5-bdb4c6a8b2d9")
    );

    let recorded = single_request(&server).await;
    support::assert_request(&recorded, "POST", TOKEN_PATH, "application/json", None);
    let sent: serde_json::Value = serde_json::from_slice(&recorded.body).expect("the body is JSON");
    assert_eq!(sent, expected_request_json());

    let inner = response.into_inner();
    assert_eq!(inner.expires_in, 3600);
}

#[tokio::test]
async fn create_token_without_optional_scope_decodes_to_none() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(200).set_body_json(
            json!({"token_type": "Bearer", "access_token": "abc", "expires_in": 60}),
        ),
    )
    .await;

    let response = call(&server).await.expect("200 decodes");
    assert_eq!(response.scope, None);
    assert_eq!(response.access_token.expose(), "abc");
    assert_eq!(response.expires_in, 60);
}

#[tokio::test]
async fn base_url_with_trailing_slash_still_hits_the_prefixed_path() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(200).set_body_json(
            json!({"token_type": "Bearer", "access_token": "abc", "expires_in": 60}),
        ),
    )
    .await;

    let client =
        Client::new(&format!("{}/v1/public/", server.uri())).expect("loopback http is allowed");
    client.create_token(&request()).await.expect("200 decodes");
    assert_eq!(single_request(&server).await.url.path(), TOKEN_PATH);
}

/// A base URL with a query or fragment must either be rejected by `Client::new`, or the operation
/// path must still land in the URL path (not be appended to the query or fragment).
#[tokio::test]
async fn base_url_with_query_or_fragment_is_rejected_or_joined_into_the_path() {
    let mut failures = Vec::new();
    for suffix in ["/v1/public?tenant=a", "/v1/public#section"] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"token_type": "Bearer", "access_token": "abc", "expires_in": 60}),
            ))
            .mount(&server)
            .await;
        let base = format!("{}{suffix}", server.uri());
        match Client::new(&base) {
            Err(auth_clients::runtime::ClientError::InvalidBaseUrl { .. }) => {}
            Err(other) => failures.push(format!("{base}: unexpected error {other:?}")),
            Ok(client) => {
                let result = client.create_token(&request()).await;
                let recorded = single_request(&server).await;
                if recorded.url.path() != TOKEN_PATH {
                    failures.push(format!(
                        "base {base}: accepted, but the request went to {} (path {}), not {TOKEN_PATH}",
                        recorded.url,
                        recorded.url.path()
                    ));
                } else if let Err(error) = result {
                    failures.push(format!("base {base}: {error:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn response_without_content_type_is_read_as_the_documented_json() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(200).set_body_bytes(
            br#"{"token_type":"Bearer","access_token":"abc","expires_in":5}"#.to_vec(),
        ),
    )
    .await;

    let response = call(&server)
        .await
        .expect("200 without content type decodes");
    assert_eq!(response.expires_in, 5);
}

#[tokio::test]
async fn bad_request_problem_details_decode_with_problem_json_and_plain_json() {
    for media_type in [
        "application/problem+json",
        "application/json",
        "application/problem+json; charset=utf-8",
    ] {
        let server = MockServer::start().await;
        let body = problem(400, "Bad Request", "clientId is required");
        mount_token(
            &server,
            ResponseTemplate::new(400)
                .insert_header("x-ruid", "r-400")
                .set_body_raw(body.to_string(), media_type),
        )
        .await;

        let error = call(&server).await.expect_err("400 is an error");
        assert_eq!(error.operation(), "createToken");
        assert_eq!(error.status(), Some(reqwest::StatusCode::BAD_REQUEST));
        // The provider's own message (the problem's `detail`) and request id (`ruid`) are exposed.
        assert_eq!(
            error.to_string(),
            "createToken: 400 Bad Request: clientId is required"
        );
        assert_eq!(error.request_id().as_deref(), Some("r-400"));
        match error {
            Error::ErrorResponse {
                status,
                headers,
                body: CreateTokenError::BadRequest(problem),
                ..
            } => {
                assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{media_type}");
                assert_eq!(headers.get("x-ruid").expect("headers kept"), "r-400");
                assert_eq!(
                    problem.r#type,
                    "https://mobile-calendar.com/problems/problem"
                );
                assert_eq!(problem.title, "Bad Request");
                assert_eq!(problem.status, 400);
                assert_eq!(problem.detail, "clientId is required");
                assert_eq!(problem.instance, "/v1/public/auth/token");
            }
            other => panic!("{media_type}: expected ErrorResponse(BadRequest), got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unauthorized_problem_details_decode_with_problem_json_and_plain_json() {
    for media_type in ["application/problem+json", "application/json"] {
        let server = MockServer::start().await;
        let body = problem(401, "Unauthorized", "Invalid credentials");
        mount_token(
            &server,
            ResponseTemplate::new(401).set_body_raw(body.to_string(), media_type),
        )
        .await;

        let error = call(&server).await.expect_err("401 is an error");
        assert!(
            matches!(error.error_body(), Some(CreateTokenError::Unauthorized(_))),
            "{media_type}: {error:?}"
        );
        match error {
            Error::ErrorResponse {
                status,
                body: CreateTokenError::Unauthorized(problem),
                ..
            } => {
                assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED, "{media_type}");
                assert_eq!(
                    problem,
                    types::ApiProblem401::new(
                        "https://mobile-calendar.com/problems/problem".to_string(),
                        "Unauthorized".to_string(),
                        401,
                        "Invalid credentials".to_string(),
                        "/v1/public/auth/token".to_string()
                    )
                    .with_ruid("7f80f1b4-a44b-4345-b383-7d0a937b4411".to_string())
                );
            }
            other => panic!("{media_type}: expected ErrorResponse(Unauthorized), got {other:?}"),
        }
    }
}

#[tokio::test]
async fn undocumented_statuses_keep_status_headers_and_raw_body() {
    for (status, media_type, body) in [
        (
            500_u16,
            "application/problem+json",
            problem(500, "Internal Server Error", "boom").to_string(),
        ),
        (418, "text/plain", "I'm a teapot".to_string()),
    ] {
        let server = MockServer::start().await;
        mount_token(
            &server,
            ResponseTemplate::new(status)
                .insert_header("x-ruid", "r-unexpected")
                .set_body_raw(body.clone(), media_type),
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
                assert_eq!(operation, "createToken");
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers.get("x-ruid").expect("headers kept"), "r-unexpected");
                assert_eq!(content_type.as_deref(), Some(media_type));
                assert_eq!(raw.as_bytes(), body.as_bytes());
                assert_eq!(raw.text(), body);
            }
            other => panic!("{status}: expected UnexpectedResponse, got {other:?}"),
        }
    }
}

/// The 403 for a caller outside the IP allow-list is in the authentication guide, not in the spec;
/// the overlay adds it, without a body schema (the guide shows none), so the body is kept raw.
#[tokio::test]
async fn forbidden_ip_from_the_overlay_is_a_documented_error_with_its_raw_body() {
    let server = MockServer::start().await;
    let body = problem(403, "Forbidden", "IP not allowed").to_string();
    mount_token(
        &server,
        ResponseTemplate::new(403).set_body_raw(body.clone(), "application/problem+json"),
    )
    .await;

    let error = call(&server).await.expect_err("403 is an error");
    assert_eq!(error.status(), Some(reqwest::StatusCode::FORBIDDEN));
    assert_eq!(
        error.request_id().as_deref(),
        Some("7f80f1b4-a44b-4345-b383-7d0a937b4411")
    );
    assert!(error.to_string().contains("403 Forbidden"), "{error}");
    match error {
        Error::ErrorResponse {
            body: CreateTokenError::Forbidden(raw),
            ..
        } => assert_eq!(raw.as_bytes(), body.as_bytes()),
        other => panic!("expected ErrorResponse(Forbidden), got {other:?}"),
    }
}

#[tokio::test]
async fn documented_status_with_undocumented_media_type_is_unexpected() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
    )
    .await;

    match call(&server)
        .await
        .expect_err("html is not the documented body")
    {
        Error::UnexpectedResponse {
            status,
            content_type,
            body,
            ..
        } => {
            assert_eq!(status, reqwest::StatusCode::OK);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert_eq!(body.text(), "<html>maintenance</html>");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn documented_statuses_with_bodies_not_matching_the_schema_are_invalid_response_bodies() {
    for (status, body) in [
        // access_token missing
        (
            200_u16,
            json!({"token_type": "Bearer", "expires_in": 3600}).to_string(),
        ),
        // expires_in has the wrong type
        (
            200,
            json!({"token_type": "Bearer", "access_token": "a", "expires_in": "soon"}).to_string(),
        ),
        // not JSON at all
        (200, "{not json".to_string()),
        // problem details without the required fields
        (400, json!({"title": "Bad Request"}).to_string()),
        (401, json!({"error": "nope"}).to_string()),
    ] {
        let server = MockServer::start().await;
        mount_token(
            &server,
            ResponseTemplate::new(status)
                .insert_header("x-ruid", "r-bad")
                .set_body_raw(body.clone(), "application/json"),
        )
        .await;

        match call(&server)
            .await
            .expect_err("a body not matching the schema is an error")
        {
            Error::InvalidResponseBody {
                operation,
                status: got,
                headers,
                message,
                body: raw,
            } => {
                assert_eq!(operation, "createToken");
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers.get("x-ruid").expect("headers kept"), "r-bad");
                assert!(!message.is_empty());
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

        let error = call(&server).await.expect_err("a redirect is not a token");
        assert_eq!(error.status().map(|status| status.as_u16()), Some(status));
        match &error {
            Error::UnexpectedResponse { headers, .. } => {
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

#[tokio::test]
async fn transport_failure_is_a_transport_error() {
    let port = support::closed_loopback_port();
    let client = Client::new(&format!("http://127.0.0.1:{port}/v1/public"))
        .expect("loopback http is allowed");
    match client
        .create_token(&request())
        .await
        .expect_err("nothing listens")
    {
        Error::Transport { operation, .. } => assert_eq!(operation, "createToken"),
        other => panic!("expected Transport, got {other:?}"),
    }
}

#[test]
fn default_base_url_is_the_spec_server_with_its_path_prefix() {
    assert_eq!(
        mobile_calendar::DEFAULT_BASE_URL,
        "https://api.mobile-calendar.com/v1/public"
    );
    let client = Client::new(mobile_calendar::DEFAULT_BASE_URL).expect("https is allowed");
    assert_eq!(client.base_url().path(), "/v1/public");
}

#[test]
fn the_secret_in_the_request_is_serialized_in_clear_on_the_wire_only() {
    let request = types::TokenRequest::new("id".to_string(), SECRET);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"clientId": "id", "clientSecret": SECRET})
    );
    assert!(!format!("{request:?}").contains(SECRET));
}
