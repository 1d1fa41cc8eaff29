//! End-to-end tests of the golden fixtures for servers, redirect calls and `$ref`s to any JSON pointer:
//! each generated client (from `generator/tests/golden`) sends its requests to the URL, with the
//! method, body and credentials its spec says, against in-process wiremock servers on loopback.

mod support;

use golden_clients::{
    json_schema_2020, oauth2_client_basic, placeholder_servers, pointer_refs, redirect_calls,
    relative_server, servers,
};
use serde_json::json;
use support::single_request;
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod servers_at_every_level {
    use super::*;
    use servers::{types, Client};

    #[test]
    fn server_variables_take_their_defaults() {
        assert_eq!(servers::DEFAULT_BASE_URL, "https://api.example.com/2.0");
        assert_eq!(
            servers::API_EXAMPLE_COM_SERVER_URL,
            "https://api.example.com"
        );
        assert_eq!(
            servers::USERS_EXAMPLE_COM_V1_SERVER_URL,
            "https://users.example.com/v1"
        );
        assert_eq!(
            servers::UPLOADS_EXAMPLE_COM_FILES_SERVER_URL,
            "https://uploads.example.com/files"
        );
    }

    /// The document's server is `{host}/2.0`; the token operation's own server is the host's root.
    #[tokio::test]
    async fn the_token_operation_goes_to_its_own_server_and_the_rest_to_the_document_server() {
        let api = MockServer::start().await;
        let token_server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(body_string("grant_type=client_credentials"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "t"})))
            .expect(1)
            .mount(&token_server)
            .await;
        Mock::given(method("GET"))
            .and(path("/2.0/status"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", "text/plain")
                    .set_body_string("ok"),
            )
            .expect(1)
            .mount(&api)
            .await;
        let client = Client::new(&format!("{}/2.0", api.uri()))
            .expect("loopback")
            .with_api_example_com_server(&token_server.uri())
            .expect("loopback");
        let token = client
            .create_token(&types::CreateTokenRequest::new(
                "client_credentials".to_string(),
            ))
            .await
            .expect("200");
        assert_eq!(token.access_token.expose(), "t");
        let status = client.get_status().await.expect("200");
        assert_eq!(status.into_inner(), "ok");
    }

    /// A path-level server applies to every operation of the path; an operation-level one with a
    /// variable holding the origin applies to its operation only.
    #[tokio::test]
    async fn path_and_operation_servers_can_each_be_overridden() {
        let users = MockServer::start().await;
        let uploads = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/users/a%20b"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "Ann"})))
            .expect(1)
            .mount(&users)
            .await;
        Mock::given(method("DELETE"))
            .and(path("/v1/users/a%20b"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&users)
            .await;
        Mock::given(method("POST"))
            .and(path("/files/uploads"))
            .and(header("content-type", "application/octet-stream"))
            .and(body_string("\u{0}bytes"))
            .respond_with(ResponseTemplate::new(201))
            .expect(1)
            .mount(&uploads)
            .await;
        let client = Client::new(servers::DEFAULT_BASE_URL)
            .expect("https")
            .with_users_example_com_v1_server(&format!("{}/v1", users.uri()))
            .expect("loopback")
            .with_uploads_example_com_files_server(&format!("{}/files", uploads.uri()))
            .expect("loopback");
        let user = client
            .get_user(&servers::GetUserParams::new("a b".to_string()))
            .await
            .expect("200");
        assert_eq!(user.name.as_deref(), Some("Ann"));
        client
            .delete_user(&servers::DeleteUserParams::new("a b".to_string()))
            .await
            .expect("204");
        client
            .upload_file(&golden_clients::runtime::Binary::from(b"\0bytes".to_vec()))
            .await
            .expect("201");
    }

    /// `/reports-api` is resolved against the client's base URL: same scheme and host, its own path.
    #[tokio::test]
    async fn a_relative_operation_server_takes_the_base_urls_scheme_and_host() {
        let api = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/reports-api/reports"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"a": 1})))
            .expect(1)
            .mount(&api)
            .await;
        let client = Client::new(&format!("{}/2.0", api.uri())).expect("loopback");
        let report = client.get_report().await.expect("200");
        assert_eq!(report.get("a"), Some(&1));
    }

    #[test]
    fn a_server_override_passes_the_base_url_checks() {
        let client = Client::new(servers::DEFAULT_BASE_URL).expect("https");
        let insecure = client
            .clone()
            .with_api_example_com_server("http://tokens.example.com")
            .map(|_| ())
            .expect_err("plain http to a remote host is refused");
        assert!(
            insecure.to_string().contains("must use https"),
            "{insecure}"
        );
        let with_query = client
            .with_uploads_example_com_files_server("https://uploads.example.com/?a=1")
            .map(|_| ())
            .expect_err("a query would swallow the paths");
        assert!(with_query.to_string().contains("query"), "{with_query}");
    }
}

mod relative_document_server {
    use super::*;
    use relative_server::Client;

    /// The spec's only server is `/api/v1`: the base URL supplies the scheme and host, whether or not
    /// it already ends with `/api/v1`.
    #[tokio::test]
    async fn the_base_url_supplies_scheme_and_host() {
        let api = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/countries"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!(["NO", "SE"])))
            .expect(2)
            .mount(&api)
            .await;
        for base_url in [api.uri(), format!("{}/api/v1", api.uri())] {
            let client = Client::new(&base_url).expect("loopback");
            assert_eq!(client.base_url().path(), "/api/v1");
            let countries = client.list_countries().await.expect("200");
            assert_eq!(*countries, vec!["NO".to_string(), "SE".to_string()]);
        }
    }
}

mod redirect_only_operations {
    use super::*;
    use golden_clients::runtime::Error;
    use redirect_calls::{types, Client, LoginLocalError, LoginLocalParams, LoginSamlParams};

    fn credentials() -> types::LoginLocalRequest {
        types::LoginLocalRequest::new("ann".to_string(), "p@ss word")
    }

    /// A POST answering 303 is sent with its body, and the `Location` comes back, not followed.
    #[tokio::test]
    async fn a_post_answered_with_303_sends_its_body_and_returns_the_location() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/login/my%20silo/local"))
            .and(header("content-type", "application/json"))
            .and(body_json(
                json!({"username": "ann", "password": "p@ss word"}),
            ))
            .respond_with(
                ResponseTemplate::new(303)
                    .insert_header("location", "/console?tab=home")
                    .insert_header("set-cookie", "session=abc"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).expect("loopback");
        let location = client
            .login_local(
                &LoginLocalParams::new("my silo".to_string()),
                &credentials(),
            )
            .await
            .expect("303 is the documented success");
        assert_eq!(location.status().as_u16(), 303);
        assert_eq!(
            location.as_str(),
            format!("{}/console?tab=home", server.uri())
        );
        assert!(location.headers().contains_key("set-cookie"));
        // The redirect was not followed: the POST is the only request.
        let request = single_request(&server).await;
        assert_eq!(request.method.as_str(), "POST");
    }

    /// A GET that only redirects but needs a header and credentials is no browser navigation: it
    /// is sent with both, and the `Location` comes back (a URL builder silently dropped them).
    #[tokio::test]
    async fn a_get_with_a_header_and_credentials_is_sent_and_returns_the_location() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/files/f1/download"))
            .and(header("x-api-version", "2"))
            .and(header("authorization", "Bearer t0ken"))
            .respond_with(
                ResponseTemplate::new(302).insert_header("location", "https://cdn.example.com/f1"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri())
            .expect("loopback")
            .with_bearer_auth("t0ken");
        let location = client
            .download_file(&redirect_calls::DownloadFileParams::new(
                "f1".to_string(),
                "2".to_string(),
            ))
            .await
            .expect("302 is the documented success");
        assert_eq!(location.as_str(), "https://cdn.example.com/f1");
        assert_eq!(single_request(&server).await.method.as_str(), "GET");
    }

    #[tokio::test]
    async fn a_rejected_login_decodes_its_error_and_a_redirect_without_location_is_an_error() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/login/bad/local"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "no"})))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/login/nowhere/local"))
            .respond_with(ResponseTemplate::new(303))
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).expect("loopback");
        let rejected = client
            .login_local(&LoginLocalParams::new("bad".to_string()), &credentials())
            .await
            .expect_err("401");
        match rejected {
            Error::ErrorResponse {
                body: LoginLocalError::Status4xx(body),
                ..
            } => assert_eq!(body.message.as_deref(), Some("no")),
            other => panic!("expected the 4XX variant, got {other:?}"),
        }
        let missing = client
            .login_local(
                &LoginLocalParams::new("nowhere".to_string()),
                &credentials(),
            )
            .await
            .expect_err("a redirect must say where");
        assert!(missing.to_string().contains("Location"), "{missing}");
    }

    /// A form POST answered with 307 and an HTML body: the absolute `Location` is returned as is.
    #[tokio::test]
    async fn a_form_post_answered_with_307_returns_an_absolute_location() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/login/s/saml/okta"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(body_string("SAMLResponse=PHNhbWw%2BPC9zYW1sPg%3D%3D"))
            .respond_with(
                ResponseTemplate::new(307)
                    .insert_header("location", "https://idp.example.com/next")
                    .insert_header("content-type", "text/html")
                    .set_body_string("<html></html>"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).expect("loopback");
        let location = client
            .login_saml(
                &LoginSamlParams::new("s".to_string(), "okta".to_string()),
                &types::LoginSamlRequest::new("PHNhbWw+PC9zYW1sPg==".to_string()),
            )
            .await
            .expect("307 is a documented success");
        assert_eq!(location.as_str(), "https://idp.example.com/next");
    }

    /// A GET answered with a redirect is a browser navigation: only the URL is built, nothing is sent.
    #[tokio::test]
    async fn a_get_answered_with_a_redirect_is_a_url_builder() {
        let server = MockServer::start().await;
        let client = Client::new(&server.uri()).expect("loopback");
        let url = client
            .login_saml_begin(&redirect_calls::LoginSamlBeginParams::new(
                "s".to_string(),
                "a/b".to_string(),
            ))
            .expect("a url");
        assert_eq!(url.as_str(), format!("{}/login/s/saml/a%2Fb", server.uri()));
        assert_eq!(support::request_count(&server).await, 0);
    }
}

mod references_to_any_pointer {
    use super::*;
    use golden_clients::runtime::Error;
    use pointer_refs::{types, Client, ListCountriesError, ReplaceTagError};

    fn client(server: &MockServer) -> Client {
        Client::new(&server.uri()).expect("loopback")
    }

    /// A parameter schema from a component parameter, a response schema from inside a component
    /// response, and a path item that is a `$ref` to another path item.
    #[tokio::test]
    async fn list_countries_on_both_paths_sends_the_query_and_decodes_both_bodies() {
        let server = MockServer::start().await;
        for prefix in ["/api/v1", "/api/v2"] {
            Mock::given(method("GET"))
                .and(path(format!("{prefix}/countries")))
                .and(query_param("region", "eu"))
                .and(query_param("limit", "2"))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(json!({"items": ["NO", "SE"], "total": 9})),
                )
                .expect(1)
                .mount(&server)
                .await;
        }
        let client = client(&server);
        let page = client
            .list_countries(
                &pointer_refs::ListCountriesParams::new()
                    .with_region("eu".to_string())
                    .with_limit(2),
            )
            .await
            .expect("200");
        assert_eq!(page.total, 9);
        let page = client
            .list_countries_2(
                &pointer_refs::ListCountries2Params::new()
                    .with_region("eu".to_string())
                    .with_limit(2),
            )
            .await
            .expect("200");
        assert_eq!(page.items, vec!["NO".to_string(), "SE".to_string()]);
    }

    #[tokio::test]
    async fn a_default_response_from_inside_a_component_response_decodes() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/countries"))
            .respond_with(
                ResponseTemplate::new(503).set_body_json(json!({"title": "down", "status": 503})),
            )
            .mount(&server)
            .await;
        let error = client(&server)
            .list_countries(&Default::default())
            .await
            .expect_err("503");
        match error {
            Error::ErrorResponse {
                body: ListCountriesError::Default(problem),
                ..
            } => {
                assert_eq!(problem.title, "down");
                assert_eq!(problem.status, Some(503));
            }
            other => panic!("expected the default variant, got {other:?}"),
        }
    }

    /// A request body from `Tag/allOf/0`, a parameter from another operation, a response from
    /// another operation, a request body from another operation, a schema from `definitions`.
    #[tokio::test]
    async fn create_and_replace_tag_send_the_pointed_at_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v1/tags"))
            .and(query_param("region", "eu"))
            .and(body_json(json!({"name": "blue", "color": "#00f"})))
            .respond_with(
                ResponseTemplate::new(201).set_body_json(json!({"name": "blue", "id": "t1"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/api/v1/tags/t1"))
            .and(body_json(json!({"name": "red"})))
            .respond_with(ResponseTemplate::new(409).set_body_json(json!({"reason": "taken"})))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server);
        let tag = client
            .create_tag(
                &pointer_refs::CreateTagParams::new().with_region("eu".to_string()),
                &types::TagAllOf0::new("blue".to_string()).with_color("#00f".to_string()),
            )
            .await
            .expect("201");
        assert_eq!(tag.id.as_deref(), Some("t1"));
        let conflict = client
            .replace_tag(
                &pointer_refs::ReplaceTagParams::new("t1".to_string()),
                &types::TagAllOf0::new("red".to_string()),
            )
            .await
            .expect_err("409");
        match conflict {
            Error::ErrorResponse {
                body: ReplaceTagError::Conflict(conflict),
                ..
            } => assert_eq!(conflict.reason, "taken"),
            other => panic!("expected the 409 variant, got {other:?}"),
        }
    }

    /// A path parameter `..` or `.` would be removed by URL parsing as a dot segment, moving the
    /// request to another path (`PUT /api/v1/tags/..` is `PUT /api/v1/`): refused before sending.
    #[tokio::test]
    async fn a_dot_segment_path_parameter_is_refused_before_sending() {
        let server = MockServer::start().await;
        let client = client(&server);
        for id in ["..", "."] {
            let error = client
                .replace_tag(
                    &pointer_refs::ReplaceTagParams::new(id.to_string()),
                    &types::TagAllOf0::new("red".to_string()),
                )
                .await
                .expect_err("a dot segment");
            assert!(error.to_string().contains("path parameter `id`"), "{error}");
        }
        assert_eq!(support::request_count(&server).await, 0);
    }

    /// A schema that refers to itself through a pointer into its parent decodes at any depth.
    #[tokio::test]
    async fn a_self_referencing_pointer_schema_decodes_deeply() {
        let server = MockServer::start().await;
        let mut body = json!({"label": "leaf"});
        for depth in 0..100 {
            body = json!({"label": format!("level {depth}"), "next": body});
        }
        Mock::given(method("GET"))
            .and(path("/api/v1/trees"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
        let tree = client(&server).get_tree().await.expect("200");
        let mut depth = 0;
        let mut branch: &types::TreeBranch = &tree;
        while let Some(next) = &branch.next {
            depth += 1;
            branch = next;
        }
        assert_eq!(depth, 100);
        assert_eq!(branch.label.as_deref(), Some("leaf"));
    }
}

mod json_schema_2020_keywords {
    use super::*;
    use golden_clients::runtime::{Base64Bytes, Error};
    use json_schema_2020::types::{
        Document, DocumentCountersValue, DocumentDefsPointInnerItem2, DocumentTags,
    };
    use json_schema_2020::Client;
    use std::collections::BTreeMap;

    fn document() -> Document {
        Document::new(
            "Q3".to_string(),
            (59.91, 10.75, DocumentDefsPointInnerItem2::Wgs84),
        )
        .with_labels(BTreeMap::from([("x-team".to_string(), "maps".to_string())]))
        .with_tags({
            let mut value = DocumentTags::new().with_owner("ann".to_string());
            value.additional_properties =
                BTreeMap::from([("tag-color".to_string(), "blue".to_string())]);
            value
        })
        .with_counters(BTreeMap::from([
            ("pages".to_string(), DocumentCountersValue::Integer(12)),
            (
                "ISO".to_string(),
                DocumentCountersValue::String("A4".to_string()),
            ),
        ]))
        .with_attachment(Base64Bytes::from(b"%PDF-1.7\n\xff\x00".to_vec()))
        .with_open_tail(vec![json!("head"), json!(1), json!(2)])
    }

    fn document_json() -> serde_json::Value {
        json!({
            "title": "Q3",
            "point": [59.91, 10.75, "wgs84"],
            "labels": {"x-team": "maps"},
            "tags": {"owner": "ann", "tag-color": "blue"},
            "counters": {"ISO": "A4", "pages": 12},
            "attachment": "JVBERi0xLjcK/wA=",
            "openTail": ["head", 1, 2]
        })
    }

    /// A tuple, two maps, a struct with patterned extra keys, base64 bytes and an open
    /// `prefixItems` array go out as the spec says, and come back the same; the `false` property
    /// `legacyId` is not part of the type.
    #[tokio::test]
    async fn a_document_round_trips_through_every_keyword() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/documents"))
            .and(header("content-type", "application/json"))
            .and(body_json(document_json()))
            .respond_with(ResponseTemplate::new(201).set_body_json(document_json()))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).expect("loopback");
        let stored = client.create_document(&document()).await.expect("201");
        assert_eq!(*stored, document());
        assert_eq!(
            stored.attachment.as_deref().map(<[u8]>::to_vec),
            Some(b"%PDF-1.7\n\xff\x00".to_vec())
        );
    }

    /// A `prefixItems` tuple closed by `items: false` takes exactly its items; base64 must be base64.
    #[tokio::test]
    async fn an_exact_tuple_rejects_extra_items_and_bad_base64_is_an_error() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/points"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([1.0, 2.0, "etrs89", 4])))
            .mount(&server)
            .await;
        let client = Client::new(&server.uri()).expect("loopback");
        let error = client
            .get_point()
            .await
            .expect_err("four items for a three-tuple");
        assert!(
            matches!(error, Error::InvalidResponseBody { .. }),
            "{error:?}"
        );

        let mut bad = document_json();
        bad["attachment"] = json!("not base64!");
        let decoded: Result<Document, _> = serde_json::from_value(bad);
        let message = decoded.expect_err("not base64").to_string();
        assert!(
            message.contains("base64") && !message.contains("not base64!"),
            "{message}"
        );
        let unpadded: Document = serde_json::from_value({
            let mut value = document_json();
            value["attachment"] = json!("JVBERi0xLjcK/wA");
            value
        })
        .expect("padding is optional");
        assert_eq!(unpadded.attachment, document().attachment);
    }

    #[tokio::test]
    async fn a_point_decodes_as_a_tuple() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/points"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([-90.0, 180.0, "custom"])))
            .mount(&server)
            .await;
        let point = Client::new(&server.uri())
            .expect("loopback")
            .get_point()
            .await
            .expect("200");
        assert_eq!(
            *point,
            (
                -90.0,
                180.0,
                DocumentDefsPointInnerItem2::Other("custom".to_string())
            )
        );
    }
}

mod oauth2_client_basic_without_a_config {
    use super::*;
    use base64::Engine as _;
    use oauth2_client_basic::{types, Client};

    const CLIENT_ID: &str = "my client:1";
    const CLIENT_SECRET: &str = "s3cr3t/+%&é";

    /// RFC 6749 section 2.3.1 by hand: each part form-urlencoded (space as `+`), then joined and base64.
    fn oauth2_client_header() -> String {
        let joined = "my+client%3A1:s3cr3t%2F%2B%25%26%C3%A9";
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(joined)
        )
    }

    /// RFC 7617: the bytes as they are.
    fn plain_header() -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        )
    }

    fn client(server: &MockServer) -> Client {
        Client::new(&server.uri())
            .expect("loopback")
            .with_client_basic(CLIENT_ID, CLIENT_SECRET)
    }

    #[tokio::test]
    async fn the_token_url_and_a_grant_type_form_use_oauth2_client_encoding_and_other_calls_do_not()
    {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(header("authorization", oauth2_client_header().as_str()))
            .and(body_string("scope=read"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "a"})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/connect/exchange"))
            .and(header("authorization", oauth2_client_header().as_str()))
            .and(body_string("grant_type=authorization_code&code=c+1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "b"})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/admin/users"))
            .and(header("authorization", plain_header().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!(["ann"])))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server);
        let token = client
            .issue_token(&types::IssueTokenRequest::new().with_scope("read".to_string()))
            .await
            .expect("200");
        assert_eq!(token.access_token.expose(), "a");
        let token = client
            .exchange_code(&types::ExchangeCodeRequest::new(
                "authorization_code".to_string(),
                "c 1".to_string(),
            ))
            .await
            .expect("200");
        assert_eq!(token.access_token.expose(), "b");
        let users = client.list_users().await.expect("200");
        assert_eq!(*users, vec!["ann".to_string()]);
    }

    /// RFC 6749 section 2.3: one client authentication method per request.
    #[tokio::test]
    async fn a_secret_in_the_body_beside_client_basic_is_refused_before_sending() {
        let server = MockServer::start().await;
        let error = client(&server)
            .exchange_code(
                &types::ExchangeCodeRequest::new("authorization_code".to_string(), "c".to_string())
                    .with_client_secret(CLIENT_SECRET),
            )
            .await
            .expect_err("two client authentication methods");
        assert!(error.to_string().contains("RFC 6749"), "{error}");
        assert!(!error.to_string().contains(CLIENT_SECRET), "{error}");
        assert_eq!(support::request_count(&server).await, 0);
    }
}

mod servers_without_a_usable_default {
    use super::*;
    use placeholder_servers::{types, Client};

    /// The spec's servers have placeholders for defaults: no constant, and an operation whose server
    /// is not set fails before sending, naming the method that sets it.
    #[tokio::test]
    async fn an_unset_server_is_an_error_naming_its_setter_and_a_set_one_is_used() {
        let api = MockServer::start().await;
        let agent = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/tenant"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&api)
            .await;
        Mock::given(method("POST"))
            .and(path("/agents/chat"))
            .and(body_json(json!({"message": "hi"})))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", "text/plain")
                    .set_body_string("hello"),
            )
            .expect(1)
            .mount(&agent)
            .await;
        let client = Client::new(&api.uri()).expect("loopback");
        client.get_tenant().await.expect("204 from the base URL");
        let request = types::ChatWithAgentRequest::new("hi".to_string());
        let unset = client
            .chat_with_agent(&request)
            .await
            .expect_err("no server for the agent");
        assert!(
            unset.to_string().contains("with_agent_url_server"),
            "{unset}"
        );
        let unset = client
            .upload_to_presigned_url(&golden_clients::runtime::Binary::from("x"))
            .await
            .expect_err("no server for the upload");
        assert!(
            unset
                .to_string()
                .contains("with_upload_to_presigned_url_server"),
            "{unset}"
        );
        let answer = client
            .with_agent_url_server(&agent.uri())
            .expect("loopback")
            .chat_with_agent(&request)
            .await
            .expect("200");
        assert_eq!(answer.into_inner(), "hello");
        assert_eq!(support::request_count(&api).await, 1);
    }

    /// A server the client would refuse (plain http to a remote host, a query in the URL) is not
    /// built in: `Client::new` still works for every other operation, and those operations fail
    /// before sending, naming the setter, until it is set.
    #[tokio::test]
    async fn a_server_the_client_refuses_does_not_break_the_client() {
        let legacy = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/legacy/status"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&legacy)
            .await;
        let client = Client::new("https://api.example.com").expect("https base URL");
        let unset = client
            .get_legacy_status()
            .await
            .expect_err("the http server is not built in");
        assert!(
            unset.to_string().contains("with_legacy_example_com_server"),
            "{unset}"
        );
        let unset = client
            .get_signed_report()
            .await
            .expect_err("the server with a query is not built in");
        assert!(
            unset
                .to_string()
                .contains("with_files_example_com_report_signature_abc_server"),
            "{unset}"
        );
        client
            .with_legacy_example_com_server(&legacy.uri())
            .expect("loopback")
            .get_legacy_status()
            .await
            .expect("204 from the server that was set");
    }
}
