//! End-to-end tests of the generated DayZero client (`POST /api/v1/oauth2/token`, form body, Bearer API token) against an in-process wiremock server.

mod support;

use auth_clients::dayzero::{self, types, Client, Error, GetTokenError};
use serde_json::json;
use support::single_request;
use wiremock::matchers::{any, body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_PATH: &str = "/api/v1/oauth2/token";
const API_TOKEN: &str = "dz_live_0123456789abcdef";
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

fn request() -> types::BodyGetTokenApiV1Oauth2TokenPost {
    types::BodyGetTokenApiV1Oauth2TokenPost::new("alice+dayzero@example.com".to_string())
}

/// `+` and `@` are percent-encoded in a form body (a bare `+` would decode as a space).
const EXPECTED_FORM: &str = "user_email=alice%2Bdayzero%40example.com";

/// A strict mock: method, path, form content type, exact form body, and the bearer token.
async fn mount_token(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", FORM_CONTENT_TYPE))
        .and(header(
            "authorization",
            format!("Bearer {API_TOKEN}").as_str(),
        ))
        .and(body_string(EXPECTED_FORM))
        .respond_with(response)
        .expect(1)
        .named("POST /api/v1/oauth2/token")
        .mount(server)
        .await;
}

fn client(server: &MockServer) -> Client {
    Client::new(&server.uri())
        .expect("loopback http is allowed")
        .with_bearer_auth(API_TOKEN)
}

async fn call(
    server: &MockServer,
) -> Result<auth_clients::runtime::ResponseValue<types::OAuthTokenResponse>, Error<GetTokenError>> {
    client(server).get_token(&request()).await
}

#[tokio::test]
async fn get_token_sends_bearer_and_form_body_and_decodes_every_field() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "dz-req")
            .set_body_json(json!({
                "access_token": "eyJhbGciOi.access.jwt",
                "token_type": "Bearer",
                "expires_in": 900,
                "refresh_token": "rt_abcdef",
                "scope": "read write"
            })),
    )
    .await;

    let response = call(&server).await.expect("200 decodes");

    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(
        response.headers().get("x-request-id").expect("header kept"),
        "dz-req"
    );
    assert_eq!(response.access_token.expose(), "eyJhbGciOi.access.jwt");
    assert_eq!(response.token_type.as_deref(), Some("Bearer"));
    assert_eq!(response.expires_in, 900);
    assert_eq!(
        response
            .refresh_token
            .as_ref()
            .map(|secret| secret.expose()),
        Some("rt_abcdef")
    );
    assert_eq!(response.scope.as_deref(), Some("read write"));

    let recorded = single_request(&server).await;
    support::assert_request(
        &recorded,
        "POST",
        TOKEN_PATH,
        FORM_CONTENT_TYPE,
        Some(&format!("Bearer {API_TOKEN}")),
    );
    assert_eq!(String::from_utf8(recorded.body).unwrap(), EXPECTED_FORM);
}

#[tokio::test]
async fn nullable_refresh_token_and_scope_decode_from_null() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "a",
            "token_type": "Bearer",
            "expires_in": 900,
            "refresh_token": null,
            "scope": null
        })),
    )
    .await;

    let response = call(&server)
        .await
        .expect("null is allowed by anyOf [string, null]");
    assert!(response.refresh_token.is_none());
    assert_eq!(response.scope, None);
    assert_eq!(response.access_token.expose(), "a");
}

#[tokio::test]
async fn nullable_refresh_token_and_scope_decode_from_absent() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"access_token": "a", "expires_in": 1})),
    )
    .await;

    let response = call(&server)
        .await
        .expect("only access_token and expires_in are required");
    assert!(response.refresh_token.is_none());
    assert_eq!(response.scope, None);
    assert_eq!(response.expires_in, 1);
}

#[tokio::test]
async fn form_body_encodes_spaces_and_reserved_characters() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string("user_email=a+b%26c%3Dd%2Fe%3Af%40example.com"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"access_token": "a", "expires_in": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let body = types::BodyGetTokenApiV1Oauth2TokenPost::new("a b&c=d/e:f@example.com".to_string());
    client(&server).get_token(&body).await.expect("200 decodes");
}

#[tokio::test]
async fn without_the_api_token_the_call_fails_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .named("nothing may be sent")
        .mount(&server)
        .await;

    let client = Client::new(&server.uri()).expect("loopback http is allowed");
    assert!(client.credentials().bearer_auth.is_none());
    match client
        .get_token(&request())
        .await
        .expect_err("no credentials")
    {
        Error::InvalidRequest { operation, message } => {
            assert_eq!(operation, "get_token_api_v1_oauth2_token_post");
            assert!(
                message.contains("bearer_auth"),
                "the message names the missing credential: {message}"
            );
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(support::request_count(&server).await, 0);
}

#[tokio::test]
async fn an_api_token_that_cannot_be_a_header_fails_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    let client = Client::new(&server.uri())
        .expect("loopback http is allowed")
        .with_bearer_auth("dz_bad\r\nX-Injected: 1");
    let error = client
        .get_token(&request())
        .await
        .expect_err("invalid header value");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert_eq!(support::request_count(&server).await, 0);
}

#[tokio::test]
async fn validation_error_decodes_with_mixed_string_and_integer_locations() {
    let server = MockServer::start().await;
    mount_token(
        &server,
        ResponseTemplate::new(422)
            .insert_header("x-request-id", "dz-422")
            .set_body_json(json!({
                "detail": [
                    {
                        "loc": ["body", "user_email"],
                        "msg": "Field required",
                        "type": "missing",
                        "input": null
                    },
                    {
                        "loc": ["body", "items", 0, "name"],
                        "msg": "String should have at least 1 character",
                        "type": "string_too_short",
                        "input": "",
                        "ctx": {"min_length": 1},
                        "url": "https://errors.pydantic.dev/2.5/v/string_too_short"
                    }
                ]
            })),
    )
    .await;

    let error = call(&server).await.expect_err("422 is an error");
    assert_eq!(
        error.status(),
        Some(reqwest::StatusCode::UNPROCESSABLE_ENTITY)
    );
    match error {
        Error::ErrorResponse {
            operation,
            status,
            headers,
            body: GetTokenError::UnprocessableEntity(validation),
            ..
        } => {
            use types::ValidationErrorLocItem::{Integer, String as Text};
            assert_eq!(operation, "get_token_api_v1_oauth2_token_post");
            assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(headers.get("x-request-id").expect("headers kept"), "dz-422");
            let detail = validation.detail.expect("detail present");
            assert_eq!(detail.len(), 2);

            assert_eq!(
                detail[0].loc,
                vec![Text("body".to_string()), Text("user_email".to_string())]
            );
            assert_eq!(detail[0].msg, "Field required");
            assert_eq!(detail[0].r#type, "missing");
            // `input: null` is indistinguishable from absent for an optional untyped field; either way no value.
            assert!(
                matches!(detail[0].input, None | Some(serde_json::Value::Null)),
                "{:?}",
                detail[0].input
            );
            assert_eq!(detail[0].ctx, None);

            assert_eq!(
                detail[1].loc,
                vec![
                    Text("body".to_string()),
                    Text("items".to_string()),
                    Integer(0),
                    Text("name".to_string())
                ]
            );
            assert_eq!(detail[1].msg, "String should have at least 1 character");
            assert_eq!(detail[1].r#type, "string_too_short");
            assert_eq!(detail[1].input, Some(json!("")));
            let ctx = detail[1].ctx.as_ref().expect("ctx present");
            assert_eq!(ctx.get("min_length"), Some(&json!(1)));
        }
        other => panic!("expected ErrorResponse(UnprocessableEntity), got {other:?}"),
    }
}

#[tokio::test]
async fn validation_error_without_detail_decodes() {
    let server = MockServer::start().await;
    mount_token(&server, ResponseTemplate::new(422).set_body_json(json!({}))).await;

    match call(&server).await.expect_err("422 is an error") {
        Error::ErrorResponse {
            body: GetTokenError::UnprocessableEntity(validation),
            ..
        } => assert_eq!(validation.detail, None),
        other => panic!("expected ErrorResponse(UnprocessableEntity), got {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_statuses_keep_status_headers_and_raw_body() {
    for (status, media_type, body) in [
        (500_u16, "text/plain", "Internal Server Error"),
        (418, "application/json", r#"{"detail":"teapot"}"#),
        // FastAPI answers a bad API token with 401, which this spec does not document.
        (401, "application/json", r#"{"detail":"Not authenticated"}"#),
    ] {
        let server = MockServer::start().await;
        mount_token(
            &server,
            ResponseTemplate::new(status)
                .insert_header("x-request-id", "dz-x")
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
                assert_eq!(operation, "get_token_api_v1_oauth2_token_post");
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers.get("x-request-id").expect("headers kept"), "dz-x");
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
        // expires_in missing
        (200_u16, r#"{"access_token":"a"}"#),
        // refresh_token neither string nor null
        (
            200,
            r#"{"access_token":"a","expires_in":1,"refresh_token":7}"#,
        ),
        // loc item neither string nor integer
        (422, r#"{"detail":[{"loc":[true],"msg":"m","type":"t"}]}"#),
        // msg missing
        (422, r#"{"detail":[{"loc":["body"],"type":"t"}]}"#),
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
fn default_base_url_and_credentials() {
    assert_eq!(dayzero::DEFAULT_BASE_URL, "https://api.ondayzero.com");
    let client = Client::new(dayzero::DEFAULT_BASE_URL)
        .expect("https is allowed")
        .with_bearer_auth(API_TOKEN);
    assert_eq!(
        client
            .credentials()
            .bearer_auth
            .as_ref()
            .map(|secret| secret.expose()),
        Some(API_TOKEN)
    );
}
