//! Conformance of the generated provider clients (`generated/`, crate `auth-clients`) against Stoplight
//! Prism serving each provider's own spec from `specs/<provider>/`, with request validation on.
//!
//! For every operation: a valid call succeeds and decodes (and equals the spec's examples where it has
//! some); every documented error status, picked with `Prefer: code=NNN`, decodes into its variant;
//! [`harness::DYNAMIC_CALLS`] seeded random responses per status with a body all decode; Prism reports
//! no violation of the spec for any of these exchanges (`sl-violations`), so the generated requests
//! are valid too; and a deliberately invalid request sent with plain reqwest is rejected, which proves
//! validation is on. Mobiscroll's `authorize_url` builds a URL: it is checked against the spec's
//! parameters and then sent to Prism.

mod harness;

use harness::outcome::{error_fingerprint, success_fingerprint};
use harness::{expect_error, expect_success, spec, Mode, Prefer, Prism};

mod mobile_calendar {
    use super::*;
    use auth_clients::mobile_calendar::{types, Client, CreateTokenError};

    /// The spec with specs/mobile-calendar/overlay.yaml applied (scopes, `ruid`, the IP allow-list 403),
    /// a copy per call (see `spec::with_overlay`).
    fn spec_with_overlay() -> String {
        spec::with_overlay("specs/mobile-calendar/openapi.json")
    }
    const OPERATION: &str = "mobile_calendar::create_token";

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn request() -> types::TokenRequest {
        types::TokenRequest::new("conformance-client".to_string(), "conformance-secret")
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec_with_overlay(),
            &[("POST /auth/token", &["200", "400", "401", "403"])],
        );
    }

    #[tokio::test]
    async fn create_token_static_responses_decode() {
        let prism = Prism::start(&spec_with_overlay(), Mode::Static);

        let result = client(&prism, Prefer::none().client())
            .create_token(&request())
            .await;
        let token = expect_success(result, 200, OPERATION);
        assert!(token.expires_in >= 0, "{token:?}");

        let result = client(&prism, Prefer::code(400).client())
            .create_token(&request())
            .await;
        let body = expect_error(result, 400, OPERATION);
        assert!(matches!(body, CreateTokenError::BadRequest(_)), "{body:?}");

        let result = client(&prism, Prefer::code(401).client())
            .create_token(&request())
            .await;
        let body = expect_error(result, 401, OPERATION);
        assert!(
            matches!(body, CreateTokenError::Unauthorized(_)),
            "{body:?}"
        );

        // From the overlay: the guide's 403 for callers outside the IP allow-list, without a body schema.
        let result = client(&prism, Prefer::code(403).client())
            .create_token(&request())
            .await;
        let body = expect_error(result, 403, OPERATION);
        assert!(matches!(body, CreateTokenError::Forbidden(_)), "{body:?}");
    }

    #[tokio::test]
    async fn create_token_dynamic_responses_decode() {
        let prism = &Prism::start(&spec_with_overlay(), Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                success_fingerprint(client(prism, http).create_token(&request()).await, 200)
            })
            .await;
        prism
            .dynamic_calls(OPERATION, Some(400), |http| async move {
                error_fingerprint(
                    client(prism, http).create_token(&request()).await,
                    400,
                    |body| matches!(body, CreateTokenError::BadRequest(_)),
                )
            })
            .await;
        prism
            .dynamic_calls(OPERATION, Some(401), |http| async move {
                error_fingerprint(
                    client(prism, http).create_token(&request()).await,
                    401,
                    |body| matches!(body, CreateTokenError::Unauthorized(_)),
                )
            })
            .await;
    }

    #[tokio::test]
    async fn prism_rejects_an_invalid_request() {
        let prism = Prism::start(&spec_with_overlay(), Mode::Static);
        let request = reqwest::Client::new()
            .post(format!("{}/auth/token", prism.base_url()))
            .header("content-type", "application/json")
            .body(r#"{"clientId":"conformance-client"}"#);
        harness::assert_rejected(&prism, request, "clientSecret").await;
    }
}

mod cair_health {
    use super::*;
    use auth_clients::cair_health::{types, Client, CreateTokenError};

    const SPEC: &str = "specs/cair-health/openapi.yaml";
    const OPERATION: &str = "cair_health::create_token";

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn request() -> types::CreateTokenRequest {
        types::CreateTokenRequest::new("conformance-client".to_string(), "conformance-secret")
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(SPEC, &[("POST /api/token", &["200", "401"])]);
    }

    /// The document requires a bearer token globally and lifts it for this operation (`security: []`):
    /// the call succeeds without one, so Prism agrees the client may send none.
    #[tokio::test]
    async fn create_token_static_responses_decode_and_equal_the_example() {
        let prism = Prism::start(SPEC, Mode::Static);
        let document = spec::load(SPEC);

        let examples = spec::response_examples(&document, "POST", "/api/token", "200");
        assert_eq!(examples.len(), 1, "the spec has one 200 example");
        let result = client(&prism, Prefer::none().client())
            .create_token(&request())
            .await;
        let token = expect_success(result, 200, OPERATION);
        let decoded = serde_json::to_value(&*token).expect("serialize the decoded body");
        spec::assert_example_decoded(&decoded, &examples[0].1, OPERATION);

        let result = client(&prism, Prefer::code(401).client())
            .create_token(&request())
            .await;
        let body = expect_error(result, 401, OPERATION);
        assert!(
            matches!(body, CreateTokenError::Unauthorized(_)),
            "{body:?}"
        );
    }

    #[tokio::test]
    async fn create_token_dynamic_responses_decode() {
        let prism = &Prism::start(SPEC, Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                success_fingerprint(client(prism, http).create_token(&request()).await, 200)
            })
            .await;
        prism
            .dynamic_calls(OPERATION, Some(401), |http| async move {
                error_fingerprint(
                    client(prism, http).create_token(&request()).await,
                    401,
                    |body| matches!(body, CreateTokenError::Unauthorized(_)),
                )
            })
            .await;
    }

    #[tokio::test]
    async fn prism_rejects_an_invalid_request() {
        let prism = Prism::start(SPEC, Mode::Static);
        let request = reqwest::Client::new()
            .post(format!("{}/api/token", prism.base_url()))
            .header("content-type", "application/json")
            .body(r#"{"clientId":"conformance-client"}"#);
        harness::assert_rejected(&prism, request, "clientSecret").await;
    }
}

mod dayzero {
    use super::*;
    use auth_clients::dayzero::{types, Client, GetTokenError};

    const SPEC: &str = "specs/dayzero/openapi.json";
    const OPERATION: &str = "dayzero::get_token";
    const PATH: &str = "/api/v1/oauth2/token";

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http)
            .expect("a loopback base url")
            .with_bearer_auth("dz_conformance_token")
    }

    fn request() -> types::BodyGetTokenApiV1Oauth2TokenPost {
        types::BodyGetTokenApiV1Oauth2TokenPost::new("alice+conformance@example.com".to_string())
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(SPEC, &[("POST /api/v1/oauth2/token", &["200", "422"])]);
    }

    /// The document requires `BearerAuth` for this call, and Prism checks it: the call succeeds only
    /// because the client sends the token (see `prism_rejects_a_request_without_the_bearer_token`).
    #[tokio::test]
    async fn get_token_static_responses_decode() {
        let prism = Prism::start(SPEC, Mode::Static);

        let result = client(&prism, Prefer::none().client())
            .get_token(&request())
            .await;
        expect_success(result, 200, OPERATION);

        let result = client(&prism, Prefer::code(422).client())
            .get_token(&request())
            .await;
        let body = expect_error(result, 422, OPERATION);
        assert!(
            matches!(body, GetTokenError::UnprocessableEntity(_)),
            "{body:?}"
        );
    }

    #[tokio::test]
    async fn get_token_dynamic_responses_decode() {
        let prism = &Prism::start(SPEC, Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                success_fingerprint(client(prism, http).get_token(&request()).await, 200)
            })
            .await;
        prism
            .dynamic_calls(OPERATION, Some(422), |http| async move {
                error_fingerprint(
                    client(prism, http).get_token(&request()).await,
                    422,
                    |body| matches!(body, GetTokenError::UnprocessableEntity(_)),
                )
            })
            .await;
    }

    #[tokio::test]
    async fn prism_rejects_an_invalid_request() {
        let prism = Prism::start(SPEC, Mode::Static);
        let request = reqwest::Client::new()
            .post(format!("{}{PATH}", prism.base_url()))
            .header("authorization", "Bearer dz_conformance_token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=alice%40example.com");
        harness::assert_rejected(&prism, request, "user_email").await;
    }

    #[tokio::test]
    async fn prism_rejects_a_request_without_the_bearer_token() {
        let prism = Prism::start(SPEC, Mode::Static);
        let request = reqwest::Client::new()
            .post(format!("{}{PATH}", prism.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("user_email=alice%40example.com");
        harness::assert_rejected(&prism, request, "security requirements").await;
    }
}

mod mobiscroll_connect {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use auth_clients::mobiscroll_connect::{types, AuthorizeUrlParams, Client, ExchangeCodeError};
    use serde_json::{json, Value};

    const SPEC: &str = "specs/mobiscroll-connect/openapi.yaml";
    const OPERATION: &str = "mobiscroll_connect::exchange_code";

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    /// `client_secret_basic`: the credentials travel in the `Authorization` header. The spec also
    /// allows no header (`security: [clientSecretBasic, {}]`), so Prism accepts the call either way:
    /// here it validates the form body; the header is covered by the end-to-end tests and the RFC 6749
    /// vectors.
    fn basic_client(prism: &Prism, http: reqwest::Client) -> Client {
        client(prism, http).with_client_secret_basic("conformance client", "s=cr%t:+/")
    }

    fn request() -> types::TokenRequest {
        types::TokenRequest::new(
            types::TokenRequestGrantType::AuthorizationCode,
            "user-123",
            "https://app.example.com/oauth/callback?from=conformance",
        )
    }

    /// `client_secret_post`: the credentials travel in the form body.
    fn request_with_client_credentials() -> types::TokenRequest {
        {
            let mut value = request();
            value.client_id = Some("conformance-client".to_string());
            value.client_secret = Some("s=cr%t:+/".into());
            value
        }
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            SPEC,
            &[
                // A URL builder: the browser, not the client, receives these responses.
                ("GET /authorize", &["302", "400", "401", "500"]),
                ("POST /token", &["200", "400", "401"]),
            ],
        );
    }

    #[tokio::test]
    async fn exchange_code_static_responses_decode_and_equal_the_examples() {
        let prism = Prism::start(SPEC, Mode::Static);
        let document = spec::load(SPEC);

        // Both client authentication methods; Prism validates the form body either way.
        for (how, result) in [
            (
                "client_secret_basic",
                basic_client(&prism, Prefer::none().client())
                    .exchange_code(&request())
                    .await,
            ),
            (
                "client_secret_post",
                client(&prism, Prefer::none().client())
                    .exchange_code(&request_with_client_credentials())
                    .await,
            ),
        ] {
            expect_success(result, 200, &format!("{OPERATION} ({how})"));
        }

        let examples = spec::response_examples(&document, "POST", "/token", "200");
        assert!(!examples.is_empty(), "the spec has 200 examples");
        for (key, example) in examples {
            let key = key.expect("named examples");
            let prefer = Prefer {
                code: Some(200),
                example: Some(key.clone()),
                seed: None,
            };
            let result = basic_client(&prism, prefer.client())
                .exchange_code(&request())
                .await;
            let what = format!("{OPERATION} 200 example `{key}`");
            let token = expect_success(result, 200, &what);
            let decoded = serde_json::to_value(&*token).expect("serialize the decoded body");
            spec::assert_example_decoded(&decoded, &example, &what);
        }

        let examples = spec::response_examples(&document, "POST", "/token", "400");
        assert!(examples.len() >= 3, "the spec has 400 examples");
        for (key, example) in examples {
            let key = key.expect("named examples");
            let prefer = Prefer {
                code: Some(400),
                example: Some(key.clone()),
                seed: None,
            };
            let result = basic_client(&prism, prefer.client())
                .exchange_code(&request())
                .await;
            let what = format!("{OPERATION} 400 example `{key}`");
            match expect_error(result, 400, &what) {
                ExchangeCodeError::BadRequest(error) => {
                    assert!(
                        !matches!(error.error, types::OAuthErrorError::Other(_)),
                        "{what}: a documented error code decoded as unknown: {error:?}"
                    );
                    let decoded = serde_json::to_value(&error).expect("serialize");
                    spec::assert_example_decoded(&decoded, &example, &what);
                }
                other => panic!("{what}: decoded into the wrong variant: {other:?}"),
            }
        }

        let result = basic_client(&prism, Prefer::code(401).client())
            .exchange_code(&request())
            .await;
        let body = expect_error(result, 401, OPERATION);
        assert!(
            matches!(body, ExchangeCodeError::Unauthorized(_)),
            "{body:?}"
        );
    }

    /// The 401 has no body, so there is nothing random to decode: the static test covers it.
    #[tokio::test]
    async fn exchange_code_dynamic_responses_decode() {
        let prism = &Prism::start(SPEC, Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                success_fingerprint(
                    basic_client(prism, http).exchange_code(&request()).await,
                    200,
                )
            })
            .await;
        prism
            .dynamic_calls(OPERATION, Some(400), |http| async move {
                error_fingerprint(
                    basic_client(prism, http).exchange_code(&request()).await,
                    400,
                    |body| matches!(body, ExchangeCodeError::BadRequest(_)),
                )
            })
            .await;
    }

    #[tokio::test]
    async fn prism_rejects_an_invalid_request() {
        let prism = Prism::start(SPEC, Mode::Static);
        let request = reqwest::Client::new()
            .post(format!("{}/token", prism.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                "grant_type=password&code=user-123&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb",
            );
        harness::assert_rejected(&prism, request, "grant_type").await;
    }

    /// A value for each `/authorize` parameter, as the spec describes it: the first enum value for an
    /// enum, otherwise text that needs percent-encoding.
    fn sample_values(parameters: &[Value]) -> BTreeMap<String, String> {
        parameters
            .iter()
            .map(|parameter| {
                let name = parameter["name"].as_str().expect("a parameter name");
                let value = match parameter["schema"]["enum"].as_array() {
                    Some(values) => values[0].as_str().expect("string enum").to_string(),
                    None => format!("{name} value & more=?/#é+"),
                };
                (name.to_string(), value)
            })
            .collect()
    }

    fn query_pairs(url: &url::Url) -> BTreeMap<String, String> {
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let map: BTreeMap<String, String> = pairs.iter().cloned().collect();
        assert_eq!(map.len(), pairs.len(), "no parameter appears twice: {url}");
        map
    }

    /// The URL builder against the spec: every parameter of `GET /authorize` (names, `in`, required-ness
    /// and enum values read from the YAML) has a field of `AuthorizeUrlParams` with the wire name; required
    /// ones are not optional; every enum value is known; each value arrives in the query unchanged;
    /// and Prism, validating the query against the same spec, answers the built URL with the documented
    /// 302 and no violation, while it rejects the URL without a required parameter.
    #[tokio::test]
    async fn authorize_url_matches_the_spec_parameters_and_prism_accepts_it() {
        let document = spec::load(SPEC);
        let operation = spec::operation(&document, "GET", "/authorize");
        let parameters = operation["parameters"]
            .as_array()
            .expect("GET /authorize has parameters")
            .clone();
        for parameter in &parameters {
            assert_eq!(
                parameter["in"], "query",
                "the URL builder sends query parameters only: {parameter}"
            );
        }
        let names: BTreeSet<String> = parameters
            .iter()
            .map(|parameter| parameter["name"].as_str().expect("name").to_string())
            .collect();
        let required: BTreeSet<String> = parameters
            .iter()
            .filter(|parameter| parameter["required"] == true)
            .map(|parameter| parameter["name"].as_str().expect("name").to_string())
            .collect();

        // Required-ness: an empty parameter struct serializes exactly its required (non-optional) fields.
        let empty = serde_json::to_value(AuthorizeUrlParams::default()).expect("serialize");
        let empty_names: BTreeSet<String> = empty
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            empty_names, required,
            "the required fields of AuthorizeUrlParams differ from the spec's required parameters"
        );

        let prism = Prism::start(SPEC, Mode::Static);
        let http = Prefer::none().client();
        let client = client(&prism, http.clone());

        let mut variants = vec![sample_values(&parameters)];
        for parameter in &parameters {
            for value in parameter["schema"]["enum"].as_array().into_iter().flatten() {
                let mut values = sample_values(&parameters);
                values.insert(
                    parameter["name"].as_str().expect("name").to_string(),
                    value.as_str().expect("string enum").to_string(),
                );
                variants.push(values);
            }
        }
        let required_only: BTreeMap<String, String> = sample_values(&parameters)
            .into_iter()
            .filter(|(name, _)| required.contains(name))
            .collect();
        variants.push(required_only);

        for values in variants {
            // Every spec parameter must land in a field with its wire name: unknown names would be
            // dropped here and missed in the URL below.
            let params: AuthorizeUrlParams = serde_json::from_value(json!(values))
                .unwrap_or_else(|error| panic!("AuthorizeUrlParams from {values:?}: {error}"));
            if let Some(scope) = &params.scope {
                assert!(
                    !matches!(scope, types::AuthorizeUrlScope::Other(_)),
                    "the spec's scope value {scope:?} is unknown to the generated enum"
                );
            }
            let url = client.authorize_url(&params).expect("the URL builds");
            assert_eq!(url.scheme(), "http");
            assert_eq!(url.host_str(), Some("127.0.0.1"));
            assert_eq!(url.path(), "/authorize", "{url}");
            assert_eq!(url.fragment(), None);
            assert_eq!(
                query_pairs(&url),
                values,
                "the query of {url} differs from the parameters"
            );
            for name in values.keys() {
                assert!(names.contains(name), "{name} is not a spec parameter");
            }

            let response = http.get(url.clone()).send().await.expect("Prism answers");
            assert_eq!(
                response.status().as_u16(),
                302,
                "Prism answers {url} with the documented redirect; sl-violations: {:?}",
                response.headers().get("sl-violations")
            );
            harness::assert_no_violations(response.headers(), &format!("GET {url}"));
        }

        // Prism validates the query: without a required parameter the URL is rejected.
        let mut url = client
            .authorize_url(&AuthorizeUrlParams::new(
                "conformance-client".to_string(),
                "user-123".to_string(),
            ))
            .expect("the URL builds");
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .into_owned()
            .filter(|(name, _)| name != "user_id")
            .collect();
        url.query_pairs_mut().clear().extend_pairs(kept);
        harness::assert_rejected(&prism, http.get(url), "user_id").await;
    }
}
