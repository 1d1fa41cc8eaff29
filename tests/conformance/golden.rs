//! Conformance of the generator's golden output (`generator/tests/golden`, crate `golden-clients`: the
//! code `cargo xtask gen --spec` produces for each fixture in `generator/tests/fixtures/valid/`) against
//! Stoplight Prism serving that fixture, with request validation on.
//!
//! The same checks as for the providers, for every operation of every fixture: a valid call succeeds
//! and decodes, every documented status (picked with `Prefer: code=NNN`) decodes into its variant,
//! seeded random responses from dynamic mode decode, Prism reports no violation of the spec, and a
//! deliberately invalid request is rejected where the fixture leaves room for one.
//!
//! Components-only fixtures are served through a copy with one endpoint per schema, and every instance
//! Prism generates must decode into the generated type. Where Prism cannot serve something (recursion
//! past its generator's depth limit, schema-less or `image/png` bodies, multipart arrays and objects,
//! discriminator mappings), the test says so and checks that it fails in the known way, so a Prism
//! upgrade that lifts a limit shows up.

mod harness;

use harness::outcome::{error_fingerprint, success_fingerprint};
use harness::{expect_error, expect_success, spec, CallCheck, Mode, Prefer, Prism};

const FIXTURES: &str = "generator/tests/fixtures/valid";

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}.yaml")
}

/// Every valid fixture has a module below (a new fixture must get conformance tests).
#[test]
fn every_fixture_has_conformance_tests() {
    let tested = [
        "alias_cycles",
        "all_of",
        "deep_composition",
        "discriminator_member_values",
        "distinct_responses",
        "doc_prose",
        "enum_collisions",
        "form_body",
        "integer_edges",
        "keyword_names",
        "media_types",
        "mixed_responses",
        "name_collisions",
        "no_operation_id",
        "nullable_fields",
        "one_of_discriminator",
        "openapi31_no_paths",
        "openapi31_types",
        "own_names",
        "pointer_refs",
        "query_styles",
        "recursive",
        "request_content_types",
        "security_basic_bearer",
        "unknown_formats",
        "webhooks_callbacks",
    ];
    // These fixtures are about where a request goes (servers, redirects, client authentication),
    // which one Prism server cannot tell, or use `prefixItems`, which Prism's validator does not
    // know (it applies `items` to every item); their end-to-end tests, against wiremock servers
    // standing in for each server, are in `tests/spec_constructs.rs`.
    let covered_by_spec_constructs = [
        "json_schema_2020",
        "oauth2_client_basic",
        "placeholder_servers",
        "redirect_calls",
        "relative_server",
        "servers",
    ];
    let directory = harness::workspace_root().join(FIXTURES);
    let mut fixtures: Vec<String> = std::fs::read_dir(&directory)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()))
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".yaml")
                .filter(|stem| !stem.contains('.'))
                .map(str::to_string)
        })
        .collect();
    fixtures.sort();
    let mut expected: Vec<&str> = tested
        .iter()
        .chain(&covered_by_spec_constructs)
        .copied()
        .collect();
    expected.sort_unstable();
    assert_eq!(
        fixtures, expected,
        "fixtures in {FIXTURES} vs fixtures with conformance tests"
    );
}

mod all_of {
    use super::*;
    use golden_clients::all_of::{Client, GetOrderError, GetOrderParams};

    const OPERATION: &str = "all_of::get_order";

    fn spec() -> String {
        fixture("all_of")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn params() -> GetOrderParams {
        GetOrderParams::new("order 42/ü".to_string())
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[("GET /orders/{order_id}", &["200", "404", "409"])],
        );
    }

    #[tokio::test]
    async fn static_responses_decode() {
        let prism = Prism::start(&spec(), Mode::Static);
        let result = client(&prism, Prefer::none().client())
            .get_order(&params())
            .await;
        expect_success(result, 200, OPERATION);

        let result = client(&prism, Prefer::code(404).client())
            .get_order(&params())
            .await;
        let body = expect_error(result, 404, OPERATION);
        assert!(matches!(body, GetOrderError::NotFound(_)), "{body:?}");

        let result = client(&prism, Prefer::code(409).client())
            .get_order(&params())
            .await;
        let body = expect_error(result, 409, OPERATION);
        assert!(matches!(body, GetOrderError::Conflict(_)), "{body:?}");
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                success_fingerprint(client(prism, http).get_order(&params()).await, 200)
            })
            .await;
        prism
            .dynamic_calls(OPERATION, Some(404), |http| async move {
                error_fingerprint(
                    client(prism, http).get_order(&params()).await,
                    404,
                    |body| matches!(body, GetOrderError::NotFound(_)),
                )
            })
            .await;
        prism
            .dynamic_calls(OPERATION, Some(409), |http| async move {
                error_fingerprint(
                    client(prism, http).get_order(&params()).await,
                    409,
                    |body| matches!(body, GetOrderError::Conflict(_)),
                )
            })
            .await;
    }
}

mod form_body {
    use super::*;
    use golden_clients::form_body::{types, Client, IssueTokenError};

    const OPERATION: &str = "form_body::issue_token";

    fn spec() -> String {
        fixture("form_body")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn request() -> types::TokenRequest {
        types::TokenRequest::new(
            types::TokenRequestGrantType::ClientCredentials,
            "conformance client",
            "s=cr%t:+/",
        )
        .with_scope("read write")
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(&spec(), &[("POST /oauth/token", &["200", "400", "401"])]);
    }

    #[tokio::test]
    async fn static_responses_decode_and_invalid_requests_are_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let result = client(&prism, Prefer::none().client())
            .issue_token(&request())
            .await;
        expect_success(result, 200, OPERATION);

        let refresh = {
            let mut value = request();
            value.grant_type = types::TokenRequestGrantType::RefreshToken;
            value.scope = None;
            value.refresh_token = Some("rt-123".into());
            value
        };
        let result = client(&prism, Prefer::none().client())
            .issue_token(&refresh)
            .await;
        expect_success(result, 200, &format!("{OPERATION} (refresh_token grant)"));

        let result = client(&prism, Prefer::code(400).client())
            .issue_token(&request())
            .await;
        let body = expect_error(result, 400, OPERATION);
        assert!(matches!(body, IssueTokenError::BadRequest(_)), "{body:?}");

        let result = client(&prism, Prefer::code(401).client())
            .issue_token(&request())
            .await;
        let body = expect_error(result, 401, OPERATION);
        assert!(matches!(body, IssueTokenError::Unauthorized(_)), "{body:?}");

        let invalid = reqwest::Client::new()
            .post(format!("{}/oauth/token", prism.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&client_id=conformance");
        harness::assert_rejected(&prism, invalid, "client_secret").await;
    }

    /// The 401 has no body: the static test covers it.
    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                success_fingerprint(client(prism, http).issue_token(&request()).await, 200)
            })
            .await;
        prism
            .dynamic_calls(OPERATION, Some(400), |http| async move {
                error_fingerprint(
                    client(prism, http).issue_token(&request()).await,
                    400,
                    |body| matches!(body, IssueTokenError::BadRequest(_)),
                )
            })
            .await;
    }
}

mod discriminator_member_values {
    use super::*;
    use golden_clients::discriminator_member_values::{types, Client, GetEventParams};

    const GET_EVENT: &str = "discriminator_member_values::get_event";
    const CREATE_EVENT: &str = "discriminator_member_values::create_event";

    fn spec() -> String {
        fixture("discriminator_member_values")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    /// One event of each member, each tag value the members allow.
    fn events() -> Vec<types::Event> {
        vec![
            types::Event::Message(types::Message::new(types::MessageType::Message, "hi")),
            types::Event::ToolCall(types::ToolCall::new(
                types::ToolCallType::ToolCall,
                "search",
            )),
            types::Event::ToolCall(types::ToolCall::new(
                types::ToolCallType::FunctionCall,
                "search",
            )),
            types::Event::Refusal(types::Refusal::new(types::RefusalType::Refusal, "policy")),
            types::Event::Citation(types::Citation::FileCitation(types::FileCitation::new(
                types::FileCitationType::FileCitation,
                "file-1",
            ))),
            types::Event::Citation(types::Citation::UrlCitation(types::UrlCitation::new(
                types::UrlCitationType::UrlCitation,
                "https://example.com",
            ))),
        ]
    }

    /// Every value a member's schema allows for `type` picks that member (there is no mapping,
    /// and the schema names are not values the document allows).
    #[test]
    fn every_member_value_decodes_into_its_member() {
        for event in events() {
            let wire = serde_json::to_string(&event).unwrap();
            assert_eq!(
                serde_json::from_str::<types::Event>(&wire).unwrap(),
                event,
                "{wire}"
            );
        }
        for refused in [
            r#"{"type":"Message","text":"hi"}"#,
            r#"{"type":"Citation","url":"u"}"#,
            r#"{"type":"citation","url":"u"}"#,
            r#"{"text":"hi"}"#,
        ] {
            assert!(
                serde_json::from_str::<types::Event>(refused).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[
                ("GET /events/{event_id}", &["200"]),
                ("POST /events", &["201"]),
            ],
        );
    }

    #[tokio::test]
    async fn static_responses_decode() {
        let prism = Prism::start(&spec(), Mode::Static);
        let result = client(&prism, Prefer::none().client())
            .get_event(&GetEventParams::new("e-1"))
            .await;
        expect_success(result, 200, GET_EVENT);
        for event in events() {
            let result = client(&prism, Prefer::none().client())
                .create_event(&event)
                .await;
            expect_success(result, 201, &format!("{CREATE_EVENT} ({event:?})"));
        }
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls(GET_EVENT, None, |http| async move {
                success_fingerprint(
                    client(prism, http)
                        .get_event(&GetEventParams::new("e-1"))
                        .await,
                    200,
                )
            })
            .await;
        for event in events() {
            let event = &event;
            prism
                .dynamic_calls(CREATE_EVENT, None, |http| async move {
                    success_fingerprint(client(prism, http).create_event(event).await, 201)
                })
                .await;
        }
    }
}

mod keyword_names {
    use super::*;
    use golden_clients::keyword_names::{types, Client, SearchParams};

    const OPERATION: &str = "keyword_names::search";

    fn spec() -> String {
        fixture("keyword_names")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    /// Every parameter set, each named after a Rust keyword (or a header).
    fn params() -> SearchParams {
        SearchParams::new("books & more".to_string())
            .with_match("exact".to_string())
            .with_self_(true)
            .with_async(false)
            .with_in("title".to_string())
            .with_fn("lower".to_string())
            .with_limit(25)
            .with_x_request_id("req-123".to_string())
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(&spec(), &[("GET /search/{type}", &["200"])]);
    }

    #[tokio::test]
    async fn static_responses_decode_and_invalid_requests_are_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let result = client(&prism, Prefer::none().client())
            .search(&params())
            .await;
        expect_success(result, 200, OPERATION);

        let result = client(&prism, Prefer::none().client())
            .search(&SearchParams::new("books".to_string()))
            .await;
        expect_success(
            result,
            200,
            &format!("{OPERATION} (required parameters only)"),
        );

        let invalid =
            reqwest::Client::new().get(format!("{}/search/books?limit=many", prism.base_url()));
        harness::assert_rejected(&prism, invalid, "limit").await;
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                let result = client(prism, http).search(&params()).await;
                if let Ok(found) = &result {
                    if let Some(types::Status::Other(value)) = &found.status {
                        return CallCheck::Failed(format!(
                            "the spec's status value {value:?} is unknown to the generated enum"
                        ));
                    }
                }
                success_fingerprint(result, 200)
            })
            .await;
    }
}

mod mixed_responses {
    use super::*;
    use golden_clients::mixed_responses::{
        Client, SubmitJobError, SubmitJobParams, SubmitJobSuccess,
    };

    const OPERATION: &str = "mixed_responses::submit_job";

    fn spec() -> String {
        fixture("mixed_responses")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn params() -> SubmitJobParams {
        SubmitJobParams::new()
            .with_tags(vec!["nightly".to_string(), "high priority".to_string()])
            .with_priority(5)
    }

    /// Prism answers `Prefer: code=500` with the `default` response.
    const DEFAULT_STATUS: u16 = 500;

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[(
                "POST /jobs",
                &["200", "201", "204", "400", "404", "422", "default"],
            )],
        );
    }

    #[tokio::test]
    async fn static_responses_decode_and_invalid_requests_are_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let call = |prefer: Prefer| {
            let client = client(&prism, prefer.client());
            async move { client.submit_job(&params()).await }
        };

        let success = expect_success(call(Prefer::none()).await, 200, OPERATION);
        assert!(matches!(*success, SubmitJobSuccess::Ok(_)), "{success:?}");
        let success = expect_success(call(Prefer::code(201)).await, 201, OPERATION);
        assert!(
            matches!(*success, SubmitJobSuccess::Created(_)),
            "{success:?}"
        );
        let success = expect_success(call(Prefer::code(204)).await, 204, OPERATION);
        assert!(
            matches!(*success, SubmitJobSuccess::NoContent),
            "{success:?}"
        );

        let body = expect_error(call(Prefer::code(400)).await, 400, OPERATION);
        assert!(matches!(body, SubmitJobError::BadRequest(_)), "{body:?}");
        let body = expect_error(call(Prefer::code(404)).await, 404, OPERATION);
        assert!(matches!(body, SubmitJobError::NotFound(_)), "{body:?}");
        let body = expect_error(call(Prefer::code(422)).await, 422, OPERATION);
        assert!(
            matches!(body, SubmitJobError::UnprocessableEntity(_)),
            "{body:?}"
        );
        let body = expect_error(
            call(Prefer::code(DEFAULT_STATUS)).await,
            DEFAULT_STATUS,
            OPERATION,
        );
        assert!(matches!(body, SubmitJobError::Default(_)), "{body:?}");

        let invalid =
            reqwest::Client::new().post(format!("{}/jobs?priority=urgent", prism.base_url()));
        harness::assert_rejected(&prism, invalid, "priority").await;
    }

    /// The 204 has no body: the static test covers it.
    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                let result = client(prism, http).submit_job(&params()).await;
                if let Ok(success) = &result {
                    if !matches!(**success, SubmitJobSuccess::Ok(_)) {
                        return CallCheck::Failed(format!(
                            "200 decoded into the wrong variant: {success:?}"
                        ));
                    }
                }
                success_fingerprint(result, 200)
            })
            .await;
        prism
            .dynamic_calls(OPERATION, Some(201), |http| async move {
                let result = client(prism, http).submit_job(&params()).await;
                if let Ok(success) = &result {
                    if !matches!(**success, SubmitJobSuccess::Created(_)) {
                        return CallCheck::Failed(format!(
                            "201 decoded into the wrong variant: {success:?}"
                        ));
                    }
                }
                success_fingerprint(result, 201)
            })
            .await;
        type Check = fn(&SubmitJobError) -> bool;
        let errors: [(u16, Check); 4] = [
            (400, |body| matches!(body, SubmitJobError::BadRequest(_))),
            (404, |body| matches!(body, SubmitJobError::NotFound(_))),
            (422, |body| {
                matches!(body, SubmitJobError::UnprocessableEntity(_))
            }),
            (DEFAULT_STATUS, |body| {
                matches!(body, SubmitJobError::Default(_))
            }),
        ];
        for (status, check) in errors {
            prism
                .dynamic_calls(OPERATION, Some(status), |http| async move {
                    error_fingerprint(
                        client(prism, http).submit_job(&params()).await,
                        status,
                        check,
                    )
                })
                .await;
        }
    }
}

mod nullable_fields {
    use super::*;
    use golden_clients::nullable_fields::{Client, GetProfileParams};

    const OPERATION: &str = "nullable_fields::get_profile";

    fn spec() -> String {
        fixture("nullable_fields")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn params() -> GetProfileParams {
        GetProfileParams::new("profile-7".to_string())
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(&spec(), &[("GET /profiles/{profile_id}", &["200"])]);
    }

    #[tokio::test]
    async fn static_responses_decode() {
        let prism = Prism::start(&spec(), Mode::Static);
        let result = client(&prism, Prefer::none().client())
            .get_profile(&params())
            .await;
        expect_success(result, 200, OPERATION);
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                success_fingerprint(client(prism, http).get_profile(&params()).await, 200)
            })
            .await;
    }

    /// A required property whose `$ref` names a nullable component accepts `null` (the spec allows
    /// it), and sends `null` back rather than leaving the required key out.
    #[test]
    fn a_required_reference_to_a_nullable_component_admits_null() {
        let text = r#"{"id": "p1", "display_name": null, "work_address": null,
                       "note": null, "previous_address": null}"#;
        let profile: golden_clients::nullable_fields::types::Profile =
            serde_json::from_str(text).expect("null is valid for both references");
        assert_eq!(profile.note, None);
        assert_eq!(profile.previous_address, None);
        let value = serde_json::to_value(&profile).unwrap();
        assert!(
            value["note"].is_null() && value.get("note").is_some(),
            "{value}"
        );
        assert!(value.get("previous_address").is_some(), "{value}");
    }

    /// A required union with a member that is a `$ref` to a nullable component accepts `null` (it
    /// failed to decode: the untagged enum has no `null` variant), and sends it back as `null`.
    #[test]
    fn a_required_union_with_a_nullable_member_admits_null() {
        use golden_clients::nullable_fields::types::{Profile, ProfileNoteOrCount};
        let text = r#"{"id": "p1", "display_name": null, "work_address": null,
                       "note": null, "previous_address": null, "note_or_count": null}"#;
        let profile: Profile =
            serde_json::from_str(text).expect("null matches the nullable member");
        assert_eq!(profile.note_or_count, None);
        let value = serde_json::to_value(&profile).unwrap();
        assert!(
            value["note_or_count"].is_null() && value.get("note_or_count").is_some(),
            "{value}"
        );
        let text = r#"{"id": "p1", "display_name": null, "work_address": null,
                       "note": null, "previous_address": null, "note_or_count": 3}"#;
        let profile: Profile = serde_json::from_str(text).unwrap();
        assert_eq!(profile.note_or_count, Some(ProfileNoteOrCount::Integer(3)));
    }

    /// A required `allOf` whose every member is a `$ref` to a nullable component accepts `null` (it
    /// failed to decode: the field was the plain struct).
    #[test]
    fn a_required_all_of_of_a_nullable_component_admits_null() {
        use golden_clients::nullable_fields::types::Profile;
        let text = r#"{"id": "p1", "display_name": null, "work_address": null, "note": null,
                       "previous_address": null, "note_or_count": null, "last_address": null,
                       "described_address": null}"#;
        let profile: Profile = serde_json::from_str(text).expect("null matches every member");
        assert_eq!(profile.last_address, None);
        assert_eq!(profile.described_address, None);
        let value = serde_json::to_value(&profile).unwrap();
        assert!(
            value["last_address"].is_null() && value.get("last_address").is_some(),
            "{value}"
        );
        let text = text.replace(
            r#""last_address": null"#,
            r#""last_address": {"city": "Oslo"}"#,
        );
        let profile: Profile = serde_json::from_str(&text).unwrap();
        assert_eq!(
            profile.last_address.map(|address| address.city),
            Some("Oslo".to_string())
        );
    }

    /// An array item or a map value whose `$ref` names a nullable component accepts `null` too (it
    /// failed to decode: the element type was not an `Option`), and sends it back as `null`.
    #[test]
    fn array_items_and_map_values_that_reference_a_nullable_component_admit_null() {
        let text = r#"{"id": "p1", "display_name": null, "work_address": null,
                       "note": null, "previous_address": null,
                       "notes": ["first", null],
                       "addresses_by_label": {"home": {"city": "Oslo"}, "old": null}}"#;
        let profile: golden_clients::nullable_fields::types::Profile =
            serde_json::from_str(text).expect("null is valid for a nullable item and value");
        assert_eq!(profile.notes, Some(vec![Some("first".to_string()), None]));
        let addresses = profile
            .addresses_by_label
            .as_ref()
            .expect("the map is present");
        assert_eq!(addresses["old"], None);
        assert_eq!(
            addresses["home"].as_ref().map(|a| a.city.as_str()),
            Some("Oslo")
        );
        let value = serde_json::to_value(&profile).unwrap();
        assert!(value["notes"][1].is_null(), "{value}");
        assert!(
            value["addresses_by_label"]["old"].is_null()
                && value["addresses_by_label"].get("old").is_some(),
            "{value}"
        );
    }
}

mod one_of_discriminator {
    use super::*;
    use golden_clients::one_of_discriminator::{types, Client, GetPetParams};

    const GET_PET: &str = "one_of_discriminator::get_pet";
    const CREATE_PET: &str = "one_of_discriminator::create_pet";

    fn spec() -> String {
        fixture("one_of_discriminator")
    }

    /// What Prism serves for the decoding tests: the fixture with `petType` pinned to the mapping keys
    /// (see `spec::with_pinned_discriminators`; the client is generated from the fixture itself).
    fn pinned_spec() -> String {
        spec::with_pinned_discriminators(&spec())
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn cat() -> types::Pet {
        types::Pet::Cat(
            types::Cat::new("cat".to_string(), "Tom".to_string())
                .with_indoor(true)
                .with_mood(types::Mood::Sleepy),
        )
    }

    fn dog() -> types::Pet {
        types::Pet::Dog(
            types::Dog::new("dog".to_string(), "Rex".to_string(), 11).with_collar(
                types::Collar::LeatherStrap(types::CollarLeatherStrap::new("brown")),
            ),
        )
    }

    /// The tagged union's wire form is the member's object with `kind` added, for every member
    /// (a unit variant is `kind` alone); the union of string enums is the string. Prism checks the
    /// same bodies against the fixture's `oneOf`s in the tests below.
    #[test]
    fn tagged_and_merged_unions_keep_their_wire_form() {
        let cases = [
            (types::Collar::None, r#"{"kind":"none"}"#),
            (
                types::Collar::LeatherStrap(types::CollarLeatherStrap::new("brown")),
                r#"{"kind":"leather","colour":"brown"}"#,
            ),
            (
                types::Collar::Chain(types::CollarChain::new(-3)),
                r#"{"kind":"chain","length_cm":-3}"#,
            ),
        ];
        for (collar, wire) in cases {
            assert_eq!(serde_json::to_string(&collar).unwrap(), wire);
            assert_eq!(serde_json::from_str::<types::Collar>(wire).unwrap(), collar);
        }
        // The tag may come anywhere in the object; an integral float is an integer.
        let late_tag: types::Collar =
            serde_json::from_str(r#"{"length_cm":4.0,"kind":"chain"}"#).unwrap();
        assert_eq!(late_tag, types::Collar::Chain(types::CollarChain::new(4)));
        for refused in [
            r#"{"kind":"rope"}"#,
            r#"{"colour":"brown"}"#,
            r#"{"kind":"chain"}"#,
            r#"{"kind":null}"#,
            r#""none""#,
        ] {
            assert!(
                serde_json::from_str::<types::Collar>(refused).is_err(),
                "{refused}"
            );
        }
        assert_eq!(
            serde_json::to_string(&types::Mood::Happy).unwrap(),
            r#""happy""#
        );
        assert_eq!(
            serde_json::from_str::<types::Mood>(r#""sleepy""#).unwrap(),
            types::Mood::Sleepy
        );
    }

    /// The variant must be the one the discriminator value maps to.
    fn mapped_correctly(pet: &types::Pet) -> bool {
        match pet {
            types::Pet::Cat(cat) => cat.pet_type == "cat",
            types::Pet::Dog(dog) => dog.pet_type == "dog",
            _ => false,
        }
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[("GET /pets/{pet_id}", &["200"]), ("POST /pets", &["201"])],
        );
    }

    #[tokio::test]
    async fn static_responses_decode_and_invalid_requests_are_rejected() {
        let prism = Prism::start(&pinned_spec(), Mode::Static);
        let result = client(&prism, Prefer::none().client())
            .get_pet(&GetPetParams::new(7))
            .await;
        let pet = expect_success(result, 200, GET_PET);
        assert!(mapped_correctly(&pet), "{pet:?}");

        for pet in [cat(), dog()] {
            let result = client(&prism, Prefer::none().client())
                .create_pet(&pet)
                .await;
            let created = expect_success(result, 201, &format!("{CREATE_PET} ({pet:?})"));
            assert!(mapped_correctly(&created), "{created:?}");
        }

        let invalid = reqwest::Client::new().get(format!("{}/pets/seven", prism.base_url()));
        harness::assert_rejected(&prism, invalid, "pet_id").await;
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&pinned_spec(), Mode::Dynamic);
        prism
            .dynamic_calls(GET_PET, None, |http| async move {
                let result = client(prism, http).get_pet(&GetPetParams::new(7)).await;
                if let Ok(pet) = &result {
                    if !mapped_correctly(pet) {
                        return CallCheck::Failed(format!(
                            "decoded into the wrong variant: {pet:?}"
                        ));
                    }
                }
                success_fingerprint(result, 200)
            })
            .await;
        for pet in [cat(), dog()] {
            let pet = &pet;
            prism
                .dynamic_calls(CREATE_PET, None, |http| async move {
                    success_fingerprint(client(prism, http).create_pet(pet).await, 201)
                })
                .await;
        }
    }

    /// Against the fixture as written, Prism's sample is `{"petType": "string", ...}`: JSON Schema
    /// allows it, the discriminator mapping (cat, dog) does not. The client must refuse to guess a
    /// variant (OpenAPI: with no matching mapping "validation SHOULD fail").
    #[tokio::test]
    async fn a_discriminator_value_outside_the_mapping_is_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let result = client(&prism, Prefer::none().client())
            .get_pet(&GetPetParams::new(7))
            .await;
        match result {
            Err(golden_clients::runtime::Error::InvalidResponseBody {
                status, headers, ..
            }) => {
                assert_eq!(status.as_u16(), 200);
                harness::assert_no_violations(&headers, GET_PET);
            }
            other => {
                panic!("{GET_PET}: expected the unmapped petType to be rejected, got {other:?}")
            }
        }
    }
}

mod openapi31_no_paths {
    use super::*;

    /// A document with components only: no operation for Prism to serve, and none in the client.
    #[test]
    fn the_spec_has_no_operation_to_serve() {
        spec::assert_operations(&fixture("openapi31_no_paths"), &[]);
    }
}

mod openapi31_types {
    use super::*;
    use golden_clients::openapi31_types::{types, Client};

    const OPERATION: &str = "openapi31_types::list_items";

    fn spec() -> String {
        fixture("openapi31_types")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(&spec(), &[("GET /items", &["200"])]);
    }

    #[tokio::test]
    async fn static_responses_decode() {
        let prism = Prism::start(&spec(), Mode::Static);
        let result = client(&prism, Prefer::none().client()).list_items().await;
        let list = expect_success(result, 200, OPERATION);
        assert_eq!(
            list.kind,
            types::ItemListKind::ItemList,
            "the `const` value"
        );
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                let result = client(prism, http).list_items().await;
                if let Ok(list) = &result {
                    if list.kind != types::ItemListKind::ItemList {
                        return CallCheck::Failed(format!(
                            "the `const` kind decoded as {:?}",
                            list.kind
                        ));
                    }
                }
                success_fingerprint(result, 200)
            })
            .await;
    }
}

mod recursive {
    use super::*;
    use golden_clients::recursive::Client;

    const GET_TREE: &str = "recursive::get_tree";
    const GET_LIST: &str = "recursive::get_list";

    fn spec() -> String {
        fixture("recursive")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(&spec(), &[("GET /tree", &["200"]), ("GET /list", &["200"])]);
    }

    /// `LinkedList` per the spec: `value` and `next` required, `next` null or another list.
    fn linked_list_is_valid(node: &serde_json::Value) -> bool {
        node["value"].is_i64()
            && match node.get("next") {
                Some(serde_json::Value::Null) => true,
                Some(next @ serde_json::Value::Object(_)) => linked_list_is_valid(next),
                _ => false,
            }
    }

    /// `A` per the spec: all optional; `b`, when there, is a `B`, whose `a` is required.
    fn a_is_valid(a: &serde_json::Value) -> bool {
        a.is_object()
            && match a.get("b") {
                None => true,
                Some(b) => b.get("a").is_some_and(a_is_valid),
            }
    }

    /// Prism cannot serve `GET /list` either, and does not notice: at its generator's depth limit the
    /// nullable `next` becomes `{"nullable": true}` (or `{}`), a `LinkedList` without its required
    /// `value`, and its validator lets the circular reference pass. So each body is judged here, by the
    /// spec's rules for these schemas: a valid body must decode, an invalid one must be rejected
    /// (`InvalidResponseBody`), never decoded into something the spec forbids. Prism must see no
    /// violation in the client's request either way.
    #[tokio::test]
    async fn get_list_decodes_valid_bodies_and_rejects_invalid_ones() {
        let mut judged = (0, 0);
        for mode in [Mode::Static, Mode::Dynamic] {
            let prism = Prism::start(&spec(), mode);
            let seeds = if mode == Mode::Static { 1 } else { 20 };
            for seed in 0..seeds {
                let prefer = Prefer {
                    seed: (mode == Mode::Dynamic).then(|| format!("conformance-{seed}")),
                    ..Prefer::none()
                };
                let raw = prefer
                    .client()
                    .get(format!("{}/list", prism.base_url()))
                    .header("accept", "application/json")
                    .send()
                    .await
                    .expect("Prism answers");
                let body: serde_json::Value =
                    serde_json::from_str(&raw.text().await.expect("a body")).expect("JSON");
                let valid = body.get("list").is_none_or(linked_list_is_valid)
                    && body.get("a").is_none_or(a_is_valid);

                let result = client(&prism, prefer.client()).get_list().await;
                if valid {
                    judged.0 += 1;
                    expect_success(result, 200, GET_LIST);
                    continue;
                }
                judged.1 += 1;
                match result {
                    Err(golden_clients::runtime::Error::InvalidResponseBody {
                        status, headers, ..
                    }) => {
                        assert_eq!(status.as_u16(), 200);
                        harness::assert_no_violations(&headers, GET_LIST);
                    }
                    other => panic!(
                        "{GET_LIST} ({mode:?}, seed {seed}): Prism's body breaks the spec and must be rejected, got {other:?}\nbody: {body}"
                    ),
                }
            }
        }
        eprintln!(
            "{GET_LIST}: {} valid bodies decoded, {} invalid ones rejected",
            judged.0, judged.1
        );
    }

    /// Prism cannot serve `GET /tree`: it fills every optional property, so the optional `parent`
    /// recurses until its generator's depth limit, which leaves an empty object without the required
    /// `name` and `children`; Prism's own response validation then answers 500. What can be checked:
    /// the client's request is valid (every violation Prism reports is in its response).
    #[tokio::test]
    async fn get_tree_is_accepted_though_prism_cannot_generate_a_tree() {
        let prism = Prism::start(&spec(), Mode::Static);
        harness::outcome::expect_prism_cannot_generate(
            client(&prism, Prefer::none().client()).get_tree().await,
            GET_TREE,
        );
        drop(prism);
        let prism = Prism::start(&spec(), Mode::Dynamic);
        for seed in 0..5 {
            let prefer = Prefer {
                seed: Some(format!("conformance-{seed}")),
                ..Prefer::none()
            };
            harness::outcome::expect_prism_cannot_generate(
                client(&prism, prefer.client()).get_tree().await,
                GET_TREE,
            );
        }
    }
}

mod security_basic_bearer {
    use super::*;
    use golden_clients::security_basic_bearer::{types, Client, GetKeyError, GetKeyParams};

    fn spec() -> String {
        fixture("security_basic_bearer")
    }

    /// All three credentials set: each operation must send the one its spec names, and Prism checks it.
    /// Prism's Basic check splits the decoded credentials on `:` and wants exactly two parts (RFC 7617
    /// allows `:` in a password), so this password has none.
    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http)
            .expect("a loopback base url")
            .with_bearer_auth("bearer-token-123")
            .with_basic_auth("conformance-user", "pass word+/=")
            .with_api_key("api-key-123")
    }

    fn token_request() -> types::CreateTokenRequest {
        types::CreateTokenRequest::new(types::CreateTokenRequestGrantType::ClientCredentials)
    }

    fn key() -> GetKeyParams {
        GetKeyParams::new("key-1".to_string())
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[
                ("GET /me", &["200"]),
                ("POST /token", &["200"]),
                ("GET /public/status", &["200"]),
                ("GET /keys/{key_id}", &["200", "404"]),
            ],
        );
    }

    #[tokio::test]
    async fn static_responses_decode_and_missing_credentials_are_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let client = client(&prism, Prefer::none().client());
        expect_success(client.get_me().await, 200, "get_me (bearer)");
        expect_success(
            client.create_token(&token_request()).await,
            200,
            "create_token (basic)",
        );
        expect_success(client.get_status().await, 200, "get_status (no security)");
        expect_success(client.get_key(&key()).await, 200, "get_key (api key)");

        let not_found = self::client(&prism, Prefer::code(404).client());
        let body = expect_error(not_found.get_key(&key()).await, 404, "get_key 404");
        assert!(matches!(body, GetKeyError::NotFound(_)), "{body:?}");

        // Prism enforces each scheme: without the credential the same requests are refused.
        let plain = reqwest::Client::new();
        let base = prism.base_url();
        harness::assert_rejected(
            &prism,
            plain.get(format!("{base}/me")),
            "security requirements",
        )
        .await;
        harness::assert_rejected(
            &prism,
            plain
                .post(format!("{base}/token"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials"),
            "security requirements",
        )
        .await;
        harness::assert_rejected(
            &prism,
            plain.get(format!("{base}/keys/key-1")),
            "security requirements",
        )
        .await;
    }

    /// The 404 has no body: the static test covers it.
    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls("get_me", None, |http| async move {
                success_fingerprint(client(prism, http).get_me().await, 200)
            })
            .await;
        prism
            .dynamic_calls("create_token", None, |http| async move {
                success_fingerprint(
                    client(prism, http).create_token(&token_request()).await,
                    200,
                )
            })
            .await;
        prism
            .dynamic_calls("get_status", None, |http| async move {
                success_fingerprint(client(prism, http).get_status().await, 200)
            })
            .await;
        prism
            .dynamic_calls("get_key", None, |http| async move {
                success_fingerprint(client(prism, http).get_key(&key()).await, 200)
            })
            .await;
    }
}

/// Components-only fixtures: Prism has no operation to serve, so it serves a copy with one endpoint
/// per component schema (`spec::with_schema_endpoints`), and every instance it generates, static and
/// dynamic, must decode into the generated type. Enums must also survive the round trip unchanged
/// (a value must not come back as another value that cases the same).
mod component_schemas {
    use super::*;

    /// Decodes a body into a generated type; returns a fingerprint and the value serialized again.
    type Decode = fn(&[u8]) -> Result<(String, serde_json::Value), String>;

    macro_rules! decode_as {
        ($type:ty) => {
            (|bytes: &[u8]| {
                let value: $type = serde_json::from_slice(bytes)
                    .map_err(|error| format!("{}: {error}", stringify!($type)))?;
                let json = serde_json::to_value(&value).map_err(|error| error.to_string())?;
                Ok((format!("{value:?}"), json))
            }) as Decode
        };
    }

    /// What each component schema must show.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Check {
        /// Every instance decodes.
        Decodes,
        /// Every instance decodes and serializes back to the same JSON (enums, scalars).
        RoundTrips,
        /// No instance exists (the schema contradicts itself): Prism must refuse what it generates.
        Unsatisfiable,
    }

    /// Decodes Prism's instances of every component schema of fixture `name` in the given modes.
    /// A static sample that Prism itself refuses (its sampler ignores some formats) is noted, not
    /// failed: dynamic mode must still decode [`harness::DYNAMIC_CALLS`] valid instances.
    async fn instances_decode(name: &str, modes: &[Mode], schemas: &[(&str, Decode, Check)]) {
        let original = fixture(name);
        spec::assert_operations(&original, &[]);
        let document = spec::load(&original);
        let mut declared: Vec<&str> = document["components"]["schemas"]
            .as_object()
            .expect("component schemas")
            .keys()
            .map(String::as_str)
            .collect();
        declared.sort_unstable();
        let mut tested: Vec<&str> = schemas.iter().map(|(schema, _, _)| *schema).collect();
        tested.sort_unstable();
        assert_eq!(
            declared, tested,
            "{name}: every component schema gets decoded"
        );

        let served = spec::with_schema_endpoints(&original);
        for &mode in modes {
            let prism = &Prism::start(&served, mode);
            for &(schema, decode, check) in schemas {
                let what = format!("{name}::types::{schema} ({mode:?})");
                let call = |http: reqwest::Client| {
                    let url = format!("{}/schemas/{schema}", prism.base_url());
                    async move { instance_decodes(http, url, decode, check == Check::RoundTrips).await }
                };
                match (mode, check) {
                    (_, Check::Unsatisfiable) => {
                        for seed in 0..3 {
                            let prefer = Prefer {
                                seed: Some(format!("conformance-{seed}")),
                                ..Prefer::none()
                            };
                            if let CallCheck::Decoded(value) | CallCheck::Failed(value) =
                                call(prefer.client()).await
                            {
                                panic!("{what}: no instance should exist, yet Prism served one that it accepts: {value}");
                            }
                        }
                    }
                    (Mode::Static, _) => {
                        match call(Prefer::none().client()).await {
                            CallCheck::Decoded(_) => {}
                            CallCheck::PrismGeneratedInvalid(text) => {
                                eprintln!("{what}: Prism's static sample breaks the schema, skipped: {text}")
                            }
                            CallCheck::Failed(text) => panic!("{what}: {text}"),
                        }
                    }
                    (Mode::Dynamic, _) => prism.dynamic_calls(&what, None, call).await,
                }
            }
        }
    }

    async fn instance_decodes(
        http: reqwest::Client,
        url: String,
        decode: Decode,
        round_trip: bool,
    ) -> CallCheck {
        let response = match http
            .get(&url)
            .header("accept", "application/json")
            .send()
            .await
        {
            Ok(response) => response,
            Err(error) => return CallCheck::Failed(format!("GET {url}: {error}")),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap_or_default();
        let text = String::from_utf8_lossy(&body).into_owned();
        if harness::prism_generated_invalid(status, &headers) {
            return CallCheck::PrismGeneratedInvalid(text);
        }
        if status != reqwest::StatusCode::OK || headers.contains_key("sl-violations") {
            return CallCheck::Failed(format!(
                "{status}, sl-violations: {:?}, body: {text}",
                headers.get("sl-violations")
            ));
        }
        match decode(&body) {
            Err(error) => CallCheck::Failed(format!("{error}; body: {text}")),
            Ok((fingerprint, again)) => {
                if round_trip {
                    let original: serde_json::Value =
                        serde_json::from_slice(&body).unwrap_or_default();
                    if !spec::json_equivalent(&again, &original) {
                        return CallCheck::Failed(format!(
                            "{text} decoded to {fingerprint}, which serializes as {again}"
                        ));
                    }
                }
                CallCheck::Decoded(fingerprint)
            }
        }
    }

    const BOTH: &[Mode] = &[Mode::Static, Mode::Dynamic];

    #[tokio::test]
    async fn deep_composition() {
        use golden_clients::deep_composition::types;
        instances_decode(
            "deep_composition",
            BOTH,
            &[
                ("Status", decode_as!(types::Status), Check::RoundTrips),
                ("Base", decode_as!(types::Base), Check::Decodes),
                ("Named", decode_as!(types::Named), Check::Decodes),
                ("Deep", decode_as!(types::Deep), Check::Decodes),
                (
                    "NestedContainers",
                    decode_as!(types::NestedContainers),
                    // Prism adds properties the schema does not name; they are not kept.
                    Check::Decodes,
                ),
                // `allOf: [Base, oneOf: [{a?}, {b?}]]`: every object matches both `oneOf` branches, so
                // no instance is valid; the generator keeps it as JSON.
                (
                    "ObjectAndUnion",
                    decode_as!(types::ObjectAndUnion),
                    Check::Unsatisfiable,
                ),
                (
                    "ScalarAllOf",
                    decode_as!(types::ScalarAllOf),
                    Check::RoundTrips,
                ),
            ],
        )
        .await;
    }

    #[tokio::test]
    async fn enum_collisions() {
        use golden_clients::enum_collisions::types;
        instances_decode(
            "enum_collisions",
            BOTH,
            &[
                ("Status", decode_as!(types::Status), Check::RoundTrips),
                ("GrantType", decode_as!(types::GrantType), Check::RoundTrips),
                ("Priority", decode_as!(types::Priority), Check::RoundTrips),
            ],
        )
        .await;
    }

    #[tokio::test]
    async fn integer_edges() {
        use golden_clients::integer_edges::types;
        instances_decode(
            "integer_edges",
            &[Mode::Dynamic],
            &[("Limits", decode_as!(types::Limits), Check::Decodes)],
        )
        .await;
    }

    /// `seed` is bounded by floats at ±2^63. Prism's static sample is the inclusive minimum as
    /// JavaScript writes -2^63, `-9223372036854776000`: an integral number, so it must decode as
    /// `i64::MIN` (generated integer fields accept any number with a zero fraction).
    #[tokio::test]
    async fn integer_edges_static_sample_at_the_bounds() {
        use golden_clients::integer_edges::types;
        instances_decode(
            "integer_edges",
            &[Mode::Static],
            &[("Limits", decode_as!(types::Limits), Check::Decodes)],
        )
        .await;
    }

    #[tokio::test]
    async fn unknown_formats() {
        use golden_clients::unknown_formats::types;
        instances_decode(
            "unknown_formats",
            BOTH,
            &[("Formats", decode_as!(types::Formats), Check::Decodes)],
        )
        .await;
    }

    #[tokio::test]
    async fn openapi31_no_paths() {
        use golden_clients::openapi31_no_paths::types;
        instances_decode(
            "openapi31_no_paths",
            BOTH,
            &[
                ("Money", decode_as!(types::Money), Check::Decodes),
                ("Invoice", decode_as!(types::Invoice), Check::Decodes),
            ],
        )
        .await;
    }
}

mod distinct_responses {
    use super::*;
    use golden_clients::distinct_responses::{Client, ExportError, ExportSuccess};

    const OPERATION: &str = "distinct_responses::export";

    fn spec() -> String {
        fixture("distinct_responses")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[("GET /export", &["200", "202", "400", "default"])],
        );
    }

    /// Prism picks the media type from the client's `Accept` (JSON first), so the CSV, ZIP and text
    /// variants are not reachable through it; the end-to-end tests cover them.
    #[tokio::test]
    async fn static_and_dynamic_responses_decode() {
        for mode in [Mode::Static, Mode::Dynamic] {
            let prism = &Prism::start(&spec(), mode);
            let success = |code: u16, check: fn(&ExportSuccess) -> bool| async move {
                let prefer = Prefer::code(code);
                let result = client(prism, prefer.client()).export().await;
                if let Ok(success) = &result {
                    if !check(success) {
                        return CallCheck::Failed(format!(
                            "{code} decoded into the wrong variant: {success:?}"
                        ));
                    }
                }
                success_fingerprint(result, code)
            };
            let error = |code: u16, check: fn(&ExportError) -> bool| async move {
                error_fingerprint(
                    client(prism, Prefer::code(code).client()).export().await,
                    code,
                    check,
                )
            };
            let checks = [
                success(200, |body| matches!(body, ExportSuccess::OkJson(_))).await,
                success(202, |body| matches!(body, ExportSuccess::Accepted(_))).await,
                error(400, |body| matches!(body, ExportError::BadRequestJson(_))).await,
                error(500, |body| matches!(body, ExportError::Default(_))).await,
            ];
            for check in checks {
                if let CallCheck::PrismGeneratedInvalid(text) | CallCheck::Failed(text) = check {
                    panic!("{OPERATION} ({mode:?}): {text}");
                }
            }
            if mode == Mode::Dynamic {
                prism
                    .dynamic_calls(OPERATION, Some(200), |http| async move {
                        success_fingerprint(client(prism, http).export().await, 200)
                    })
                    .await;
                prism
                    .dynamic_calls(OPERATION, Some(202), |http| async move {
                        success_fingerprint(client(prism, http).export().await, 202)
                    })
                    .await;
                prism
                    .dynamic_calls(OPERATION, Some(400), |http| async move {
                        error_fingerprint(client(prism, http).export().await, 400, |body| {
                            matches!(body, ExportError::BadRequestJson(_))
                        })
                    })
                    .await;
                prism
                    .dynamic_calls(OPERATION, Some(500), |http| async move {
                        error_fingerprint(client(prism, http).export().await, 500, |body| {
                            matches!(body, ExportError::Default(_))
                        })
                    })
                    .await;
            }
        }
    }
}

mod media_types {
    use super::*;
    use golden_clients::media_types::{
        types, Client, GetFileContentError, GetFileContentParams, PostRawError,
        PutFileContentParams,
    };
    use golden_clients::runtime::Binary;

    fn spec() -> String {
        fixture("media_types")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    /// The file, text and optional file parts. Prism reads each multipart part as one string (a
    /// repeated part overwrites the one before, JSON is not parsed), so it cannot validate the array
    /// (`tags`) and object (`metadata`) parts of any encoding: those stay with the end-to-end tests.
    fn upload() -> types::UploadFileRequest {
        types::UploadFileRequest::new(
            Binary::from(vec![0x89, b'P', b'N', b'G', 0, 1, 2, 255]),
            "report final.png".to_string(),
        )
        .with_thumbnail(Binary::from(vec![1, 2, 3]))
    }

    fn file_info() -> types::FileInfo {
        types::FileInfo::new("file-1".to_string()).with_size(1024)
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[
                ("POST /files", &["201"]),
                ("POST /attachments", &["201"]),
                ("PUT /files/{id}/content", &["204"]),
                ("GET /files/{id}/content", &["200", "404"]),
                ("POST /echo", &["200"]),
                ("POST /raw", &["200", "400"]),
                ("GET /report", &["200"]),
            ],
        );
    }

    /// What Prism cannot serve is checked to fail the known way, so a Prism that learns it shows up:
    /// `image/png` (it has no serializer for it), and a JSON response without a schema (static mode
    /// sends an empty body, which is not JSON, and the client rightly refuses it).
    #[tokio::test]
    async fn static_responses_decode_and_invalid_requests_are_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let client = |prefer: Prefer| self::client(&prism, prefer.client());
        let id = "file 1";

        expect_success(
            client(Prefer::none()).upload_file(&upload()).await,
            201,
            "upload_file (multipart)",
        );
        let minimal = {
            let mut value = upload();
            value.thumbnail = None;
            value
        };
        expect_success(
            client(Prefer::none()).upload_file(&minimal).await,
            201,
            "upload_file (required parts)",
        );
        // Offered as JSON first and as multipart: a JSON body would carry the file as an array of
        // numbers, which Prism refuses (`file must be string`); the client sends multipart.
        let attachment = types::Attachment::new(Binary::from(vec![b'P', b'K', 3, 4, 0, 255]))
            .with_bundle(types::AttachmentBundle::String(Binary::from(vec![1, 2, 3])))
            .with_label("quarterly".to_string());
        expect_success(
            client(Prefer::none()).upload_attachment(&attachment).await,
            201,
            "upload_attachment (multipart, not JSON)",
        );
        expect_success(
            client(Prefer::none())
                .put_file_content(
                    &PutFileContentParams::new(id.to_string()),
                    &Binary::from(vec![0, 1, 2, 255]),
                )
                .await,
            204,
            "put_file_content (octet-stream)",
        );
        let params = GetFileContentParams::new(id.to_string());
        harness::outcome::expect_prism_unable(
            client(Prefer::none()).get_file_content(&params).await,
            "get_file_content (image/png)",
            "Cannot find serializer for image/png",
        );
        let body = expect_error(
            client(Prefer::code(404)).get_file_content(&params).await,
            404,
            "get_file_content 404",
        );
        assert!(matches!(body, GetFileContentError::NotFound(_)), "{body:?}");
        expect_success(
            client(Prefer::none()).echo(Some(&file_info())).await,
            200,
            "echo (*/*)",
        );
        expect_success(
            client(Prefer::none()).echo(None).await,
            200,
            "echo (no body)",
        );
        let value = serde_json::json!({"any": ["json", 1, true, null]});
        match client(Prefer::none()).post_raw(Some(&value)).await {
            Err(golden_clients::runtime::Error::InvalidResponseBody { status, body, .. }) => {
                assert_eq!(status.as_u16(), 200);
                assert!(body.as_bytes().is_empty(), "Prism sent a body: {}", body.text());
            }
            other => panic!("post_raw: expected Prism's empty `application/json` body to be refused, got {other:?}"),
        }
        let body = expect_error(
            client(Prefer::code(400)).post_raw(Some(&value)).await,
            400,
            "post_raw 400",
        );
        assert!(matches!(body, PostRawError::BadRequest(_)), "{body:?}");
        expect_success(
            client(Prefer::none()).get_report().await,
            200,
            "get_report (pdf)",
        );

        let invalid = reqwest::Client::new()
            .post(format!("{}/files", prism.base_url()))
            .header("content-type", "application/json")
            .body(r#"{"name":"x"}"#);
        harness::assert_rejected(&prism, invalid, "multipart/form-data").await;
    }

    /// Dynamic mode needs a schema: the schema-less `*/*` and JSON responses and the `text/plain` 400
    /// of `post_raw` get Prism's 500, checked once each.
    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls("upload_file", None, |http| async move {
                success_fingerprint(client(prism, http).upload_file(&upload()).await, 201)
            })
            .await;
        prism
            .dynamic_calls("get_file_content 404", Some(404), |http| async move {
                let params = GetFileContentParams::new("file-1".to_string());
                error_fingerprint(
                    client(prism, http).get_file_content(&params).await,
                    404,
                    |body| matches!(body, GetFileContentError::NotFound(_)),
                )
            })
            .await;
        prism
            .dynamic_calls("get_report", None, |http| async move {
                success_fingerprint(client(prism, http).get_report().await, 200)
            })
            .await;
        let client = |prefer: Prefer| self::client(prism, prefer.client());
        harness::outcome::expect_prism_unable(
            client(Prefer::none()).echo(Some(&file_info())).await,
            "echo (dynamic)",
            "schema is not defined",
        );
        let value = serde_json::json!({"a": 1});
        harness::outcome::expect_prism_unable(
            client(Prefer::none()).post_raw(Some(&value)).await,
            "post_raw (dynamic)",
            "schema is not defined",
        );
        harness::outcome::expect_prism_unable(
            client(Prefer::code(400)).post_raw(Some(&value)).await,
            "post_raw 400 (dynamic)",
            "schema is not defined",
        );
    }
}

mod no_operation_id {
    use super::*;
    use golden_clients::no_operation_id::{
        Client, DeleteUsersByUserIdParams, GetUsersByUserIdKeysByKeyIdParams,
        GetUsersByUserIdParams,
    };

    fn spec() -> String {
        fixture("no_operation_id")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn key() -> GetUsersByUserIdKeysByKeyIdParams {
        GetUsersByUserIdKeysByKeyIdParams::new("user-1".to_string(), 42)
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[
                ("GET /users", &["200"]),
                ("POST /users", &["201"]),
                ("GET /users/{userId}", &["200"]),
                ("DELETE /users/{userId}", &["204"]),
                ("GET /users/{user_id}/keys/{key-id}", &["200"]),
                ("GET /users/", &["204"]),
            ],
        );
    }

    #[tokio::test]
    async fn static_responses_decode_and_invalid_requests_are_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let client = client(&prism, Prefer::none().client());
        expect_success(client.get_users().await, 200, "get_users");
        expect_success(client.post_users().await, 201, "post_users");
        let user = GetUsersByUserIdParams::new("user 1".to_string());
        expect_success(
            client.get_users_by_user_id(&user).await,
            200,
            "get_users_by_user_id",
        );
        let user = DeleteUsersByUserIdParams::new("user-1".to_string());
        expect_success(
            client.delete_users_by_user_id(&user).await,
            204,
            "delete_users_by_user_id",
        );
        expect_success(
            client.get_users_by_user_id_keys_by_key_id(&key()).await,
            200,
            "get_users_by_user_id_keys_by_key_id",
        );
        expect_success(client.get_users_2().await, 204, "get_users_2 (GET /users/)");

        let invalid =
            reqwest::Client::new().get(format!("{}/users/user-1/keys/forty-two", prism.base_url()));
        harness::assert_rejected(&prism, invalid, "key-id").await;
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls("get_users", None, |http| async move {
                success_fingerprint(client(prism, http).get_users().await, 200)
            })
            .await;
        prism
            .dynamic_calls("get_users_by_user_id", None, |http| async move {
                let user = GetUsersByUserIdParams::new("user-1".to_string());
                success_fingerprint(client(prism, http).get_users_by_user_id(&user).await, 200)
            })
            .await;
        prism
            .dynamic_calls(
                "get_users_by_user_id_keys_by_key_id",
                None,
                |http| async move {
                    success_fingerprint(
                        client(prism, http)
                            .get_users_by_user_id_keys_by_key_id(&key())
                            .await,
                        200,
                    )
                },
            )
            .await;
    }
}

mod query_styles {
    use super::*;
    use golden_clients::query_styles::{types, Client, SearchParams};

    const OPERATION: &str = "query_styles::search";

    fn spec() -> String {
        fixture("query_styles")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn params() -> SearchParams {
        SearchParams::new("session-123".to_string())
            .with_tags(vec!["red".to_string(), "blue".to_string()])
            .with_ids(vec![1, 2, 3])
            .with_filter(
                types::SearchFilter::new()
                    .with_status("open".to_string())
                    .with_owner("me".to_string()),
            )
            .with_sort(vec!["name".to_string(), "date".to_string()])
            .with_price_range(
                types::SearchPriceRange::new()
                    .with_min_price(0)
                    .with_max_price(i64::MAX),
            )
            .with_theme(types::SearchTheme::Dark)
            .with_q("text".to_string())
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(&spec(), &[("GET /search", &["200"])]);
    }

    #[tokio::test]
    async fn static_responses_decode_and_invalid_requests_are_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let result = client(&prism, Prefer::none().client())
            .search(&params())
            .await;
        expect_success(result, 200, OPERATION);
        let required_only = SearchParams::new("session-123".to_string());
        let result = client(&prism, Prefer::none().client())
            .search(&required_only)
            .await;
        expect_success(
            result,
            200,
            &format!("{OPERATION} (required parameters only)"),
        );

        let invalid = reqwest::Client::new()
            .get(format!("{}/search?ids=one|two", prism.base_url()))
            .header("cookie", "session=s");
        harness::assert_rejected(&prism, invalid, "ids").await;
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                success_fingerprint(client(prism, http).search(&params()).await, 200)
            })
            .await;
    }

    /// A `;` in a cookie value would end it and add a cookie of the caller's choosing
    /// (`session=s; admin=true`): refused before anything is sent.
    #[tokio::test]
    async fn a_cookie_value_that_would_add_another_cookie_is_refused() {
        let client = Client::new("https://api.example.com").expect("an https base url");
        for session in ["s; admin=true", "s, admin=true", "two words"] {
            let injected = SearchParams::new(session.to_string());
            let error = client
                .search(&injected)
                .await
                .expect_err("not a cookie value");
            assert!(error.to_string().contains("parameter `session`"), "{error}");
        }
    }
}

mod request_content_types {
    use super::*;
    use golden_clients::request_content_types::{types, Client};

    fn spec() -> String {
        fixture("request_content_types")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn request() -> types::TokenRequest {
        types::TokenRequest::new("client_credentials".to_string()).with_scope("read".to_string())
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[("POST /token", &["200"]), ("PUT /notes", &["204"])],
        );
    }

    #[tokio::test]
    async fn static_responses_decode_and_invalid_requests_are_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let client = client(&prism, Prefer::none().client());
        expect_success(
            client.create_token(&request()).await,
            200,
            "create_token (JSON)",
        );
        let note = "a note".to_string();
        expect_success(client.put_note(Some(&note)).await, 204, "put_note");
        expect_success(client.put_note(None).await, 204, "put_note (no body)");

        let invalid = reqwest::Client::new()
            .post(format!("{}/token", prism.base_url()))
            .header("content-type", "application/json")
            .body(r#"{"scope":"read"}"#);
        harness::assert_rejected(&prism, invalid, "grant_type").await;
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls("create_token", None, |http| async move {
                let result = client(prism, http).create_token(&request()).await;
                // The only field is a secret, which `Debug` redacts: fingerprint the token itself.
                let token = result
                    .as_ref()
                    .ok()
                    .map(|token| token.access_token.expose().to_string());
                match success_fingerprint(result, 200) {
                    CallCheck::Decoded(_) => CallCheck::Decoded(token.unwrap_or_default()),
                    other => other,
                }
            })
            .await;
    }
}

mod webhooks_callbacks {
    use super::*;
    use golden_clients::webhooks_callbacks::{types, Client};

    fn spec() -> String {
        fixture("webhooks_callbacks")
    }

    /// Only the operation is generated; the webhook and the callback are the provider's requests.
    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(&spec(), &[("POST /subscriptions", &["201"])]);
    }

    /// Prism runs the callback after answering: the URL points at a loopback port nothing listens on,
    /// so the test talks to loopback only.
    #[tokio::test]
    async fn static_responses_decode_and_invalid_requests_are_rejected() {
        let prism = Prism::start(&spec(), Mode::Static);
        let nobody = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let client = Client::with_http_client(&prism.base_url(), Prefer::none().client())
            .expect("a loopback base url");
        let request = types::SubscribeRequest::new(format!("http://127.0.0.1:{nobody}/events"));
        expect_success(client.subscribe(&request).await, 201, "subscribe");

        let invalid = reqwest::Client::new()
            .post(format!("{}/subscriptions", prism.base_url()))
            .header("content-type", "application/json")
            .body(r#"{"callback":"http://127.0.0.1:9/events"}"#);
        harness::assert_rejected(&prism, invalid, "callbackUrl").await;
    }
}

/// `$ref`s to any JSON pointer: Prism resolves them with its own reference parser, an independent
/// reading of where each one leads.
mod pointer_refs {
    use super::*;
    use golden_clients::pointer_refs::{
        types, Client, CreateTagParams, ListCountriesParams, ReplaceTagError, ReplaceTagParams,
    };

    fn spec() -> String {
        fixture("pointer_refs")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    fn tag() -> types::TagAllOf0 {
        types::TagAllOf0::new("blue".to_string()).with_color("#00f".to_string())
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[
                ("GET /api/v1/countries", &["200", "default"]),
                ("GET /api/v2/countries", &["200", "default"]),
                ("POST /api/v1/tags", &["201", "default"]),
                ("PUT /api/v1/tags/{id}", &["200", "409"]),
                ("GET /api/v1/trees", &["200"]),
            ],
        );
    }

    #[tokio::test]
    async fn static_responses_decode() {
        let prism = Prism::start(&spec(), Mode::Static);
        let params = ListCountriesParams::new()
            .with_region("eu".to_string())
            .with_limit(5);
        let result = client(&prism, Prefer::none().client())
            .list_countries(&params)
            .await;
        expect_success(result, 200, "pointer_refs::list_countries");
        let result = client(&prism, Prefer::none().client())
            .list_countries_2(
                &golden_clients::pointer_refs::ListCountries2Params::new().with_limit(1),
            )
            .await;
        expect_success(result, 200, "pointer_refs::list_countries_2");
        let result = client(&prism, Prefer::none().client())
            .create_tag(
                &CreateTagParams::new().with_region("eu".to_string()),
                &tag(),
            )
            .await;
        expect_success(result, 201, "pointer_refs::create_tag");
        let replace = ReplaceTagParams::new("t1".to_string());
        let result = client(&prism, Prefer::none().client())
            .replace_tag(&replace, &tag())
            .await;
        expect_success(result, 200, "pointer_refs::replace_tag");
        let result = client(&prism, Prefer::code(409).client())
            .replace_tag(&replace, &tag())
            .await;
        let body = expect_error(result, 409, "pointer_refs::replace_tag");
        assert!(matches!(body, ReplaceTagError::Conflict(_)), "{body:?}");
        let result = client(&prism, Prefer::none().client()).get_tree().await;
        expect_success(result, 200, "pointer_refs::get_tree");
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls("pointer_refs::list_countries", None, |http| async move {
                success_fingerprint(
                    client(prism, http)
                        .list_countries(&ListCountriesParams::default())
                        .await,
                    200,
                )
            })
            .await;
        prism
            .dynamic_calls("pointer_refs::list_countries_2", None, |http| async move {
                success_fingerprint(
                    client(prism, http)
                        .list_countries_2(&Default::default())
                        .await,
                    200,
                )
            })
            .await;
        prism
            .dynamic_calls("pointer_refs::create_tag", None, |http| async move {
                success_fingerprint(
                    client(prism, http)
                        .create_tag(&CreateTagParams::new(), &tag())
                        .await,
                    201,
                )
            })
            .await;
        prism
            .dynamic_calls("pointer_refs::replace_tag", Some(409), |http| async move {
                error_fingerprint(
                    client(prism, http)
                        .replace_tag(&ReplaceTagParams::new("t1".to_string()), &tag())
                        .await,
                    409,
                    |body| matches!(body, ReplaceTagError::Conflict(_)),
                )
            })
            .await;
    }
}

mod alias_cycles {
    use super::*;
    use golden_clients::alias_cycles::types;

    /// Components only: nothing for Prism to serve. The schemas refer to themselves through arrays
    /// and maps, so their instances are checked here, against the spec's own examples of each shape.
    #[test]
    fn the_spec_has_no_operation_to_serve() {
        spec::assert_operations(&fixture("alias_cycles"), &[]);
    }

    #[test]
    fn self_referencing_aliases_decode_and_encode_transparently() {
        for text in ["[]", "[[], [[]]]", "[[[[[]]]]]"] {
            let tree: types::Tree = serde_json::from_str(text).expect(text);
            assert_eq!(
                serde_json::to_value(&tree).unwrap(),
                serde_json::from_str::<serde_json::Value>(text).unwrap()
            );
        }
        assert!(
            serde_json::from_str::<types::Tree>("[1]").is_err(),
            "a number is not a Tree"
        );

        let dictionary: types::Dictionary =
            serde_json::from_str(r#"{"a": {"b": {}}, "c": {}}"#).unwrap();
        assert_eq!(dictionary.0["a"].0["b"].0.len(), 0);
        assert!(serde_json::from_str::<types::Dictionary>(r#"{"a": 1}"#).is_err());

        let list: types::MaybeList = serde_json::from_str("[[], [[]]]").unwrap();
        assert_eq!(list.0.len(), 2);
        // `MaybeItem` is a nullable `MaybeList`, so an item may be `null`.
        let list: types::MaybeList = serde_json::from_str("[null, [null]]").unwrap();
        assert_eq!(list.0[0], None);
        let forest: types::Forest = serde_json::from_str("[[], [[]]]").unwrap();
        assert_eq!(forest.len(), 2, "an alias on no cycle stays a plain `Vec`");
    }
}

mod doc_prose {
    use super::*;
    use golden_clients::doc_prose::Client;

    const OPERATION: &str = "doc_prose::list_notes";

    fn spec() -> String {
        fixture("doc_prose")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(&spec(), &[("GET /notes", &["200"])]);
    }

    /// The fixture is about rustdoc (its docs build with every rustdoc lint as an error); the
    /// operation still works.
    #[tokio::test]
    async fn static_responses_decode() {
        let prism = Prism::start(&spec(), Mode::Static);
        let notes = expect_success(
            client(&prism, Prefer::none().client()).list_notes().await,
            200,
            OPERATION,
        );
        assert!(notes.iter().all(|note| note.text == "hello"), "{notes:?}");
    }

    #[tokio::test]
    async fn dynamic_responses_decode() {
        let prism = &Prism::start(&spec(), Mode::Dynamic);
        prism
            .dynamic_calls(OPERATION, None, |http| async move {
                success_fingerprint(client(prism, http).list_notes().await, 200)
            })
            .await;
    }
}

mod name_collisions {
    use super::*;
    use golden_clients::name_collisions::{Client, GetItemError, GetItemParams};

    fn spec() -> String {
        fixture("name_collisions")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http).expect("a loopback base url")
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[
                ("GET /users/by-camel-case", &["200"]),
                ("GET /users/by-snake-case", &["200"]),
                ("GET /users/by-pascal-case", &["200"]),
                ("GET /items/{id}", &["200", "404"]),
            ],
        );
    }

    /// `GetUser`, `getUser` and `get_user` are all `get_user`: they are numbered in the order of
    /// their operation ids, and each method calls its own path (Prism answers each with its example).
    #[tokio::test]
    async fn static_responses_decode_and_each_renamed_method_calls_its_own_path() {
        let prism = Prism::start(&spec(), Mode::Static);
        let client = client(&prism, Prefer::none().client());
        let pascal = expect_success(client.get_user().await, 200, "name_collisions::get_user");
        assert_eq!(*pascal, "edsger", "`GetUser` keeps the plain name");
        let camel = expect_success(
            client.get_user_2().await,
            200,
            "name_collisions::get_user_2",
        );
        assert_eq!(*camel, "ada", "`getUser` is `get_user_2`");
        let snake = expect_success(
            client.get_user_3().await,
            200,
            "name_collisions::get_user_3",
        );
        assert_eq!(*snake, "grace", "`get_user` is `get_user_3`");

        let params =
            GetItemParams::new("item 1".to_string()).with_id_2("the query one".to_string());
        let item = expect_success(
            client.get_item(&params).await,
            200,
            "name_collisions::get_item",
        );
        assert_eq!(item.id, "item-1");
        let result = client_for_code(&prism, 404).get_item(&params).await;
        let body = expect_error(result, 404, "name_collisions::get_item");
        assert!(matches!(body, GetItemError::NotFound(_)), "{body:?}");
    }

    fn client_for_code(prism: &Prism, code: u16) -> Client {
        client(prism, Prefer::code(code).client())
    }

    /// The path and the query parameter share the wire name `id`; their serde names say where each
    /// goes (`path.id`, `query.id`), so
    /// both survive a round trip (and the derived `Deserialize` has no unreachable arm).
    #[test]
    fn a_path_and_a_query_parameter_with_one_name_both_round_trip() {
        let params =
            GetItemParams::new("in the path".to_string()).with_id_2("in the query".to_string());
        let value = serde_json::to_value(&params).unwrap();
        assert_eq!(value["path.id"], "in the path");
        assert_eq!(value["query.id"], "in the query");
        assert_eq!(
            serde_json::from_value::<GetItemParams>(value).unwrap(),
            params
        );
    }
}

mod own_names {
    use super::*;
    use golden_clients::own_names::{types, Client, New2Error, TokenError2};

    fn spec() -> String {
        fixture("own_names")
    }

    fn client(prism: &Prism, http: reqwest::Client) -> Client {
        Client::with_http_client(&prism.base_url(), http)
            .expect("a loopback base url")
            .with_bearer_auth("a-token")
            .with_retry_policy(golden_clients::runtime::RetryPolicy::default())
    }

    #[test]
    fn the_tests_cover_every_operation_and_status() {
        spec::assert_operations(
            &spec(),
            &[
                ("POST /new", &["200", "400"]),
                ("GET /retry-policy", &["200"]),
                ("GET /base-url", &["200"]),
                ("GET /client", &["200"]),
                ("GET /token", &["200", "401"]),
                ("GET /credentials", &["204"]),
                ("GET /bearer-tokens", &["204"]),
                ("GET /http-client", &["204"]),
            ],
        );
    }

    /// Every operation named like one of the client's own methods, and every schema named like one
    /// of the module's own types, is generated next to them and works.
    #[tokio::test]
    async fn static_responses_decode() {
        let prism = Prism::start(&spec(), Mode::Static);
        let client = client(&prism, Prefer::none().client());
        let body = types::Client::new("client-1".to_string());
        let created = expect_success(client.new_2(&body).await, 200, "own_names::new_2");
        assert_eq!(created.id, "client-1");
        let secret = expect_success(
            client.with_retry_policy_2().await,
            200,
            "own_names::with_retry_policy_2",
        );
        assert_eq!(secret.name, "the name of a secret, not a secret");
        let client_error = expect_success(client.base_url_2().await, 200, "own_names::base_url_2");
        assert_eq!(client_error.code, 7);
        let params = golden_clients::own_names::ClientParams::new().with_token("t");
        let credentials = expect_success(client.client(&params).await, 200, "own_names::client");
        assert_eq!(credentials.user.as_deref(), Some("ada"));
        let token_error = expect_success(client.token().await, 200, "own_names::token");
        assert_eq!(token_error.reason, "expired");
        expect_success(
            client.credentials_2().await,
            204,
            "own_names::credentials_2",
        );
        expect_success(
            client.with_bearer_auth_tokens_2().await,
            204,
            "own_names::with_bearer_auth_tokens_2",
        );
        expect_success(
            client.http_client_2().await,
            204,
            "own_names::http_client_2",
        );
        // The client's own methods are still there, unchanged.
        assert!(client.base_url().as_str().starts_with("http://127.0.0.1"));
        let _: &reqwest::Client = client.http_client();
        assert!(client.credentials().bearer_auth.is_some());

        let errors = Prefer::code(400).client();
        let body = expect_error(
            self::client(&prism, errors).new_2(&body).await,
            400,
            "own_names::new_2",
        );
        assert!(
            matches!(&body, New2Error::BadRequest(error) if error.message == "bad request"),
            "{body:?}"
        );
        let body = expect_error(
            self::client(&prism, Prefer::code(401).client())
                .token()
                .await,
            401,
            "own_names::token",
        );
        assert!(matches!(body, TokenError2::Unauthorized(_)), "{body:?}");
    }
}
