//! Tests of `Client::new` / `Client::with_http_client` for every provider: https required, plain http only for loopback hosts, malformed and credential-bearing URLs rejected.

use auth_clients::runtime::ClientError;
use auth_clients::{cair_health, dayzero, mobile_calendar, mobiscroll_connect};

/// Runs `check` against each provider's `Client::new`, reduced to the parsed base URL.
fn each_provider(check: impl Fn(&str, &dyn Fn(&str) -> Result<url::Url, ClientError>)) {
    check("mobile_calendar", &|url| {
        mobile_calendar::Client::new(url).map(|client| client.base_url().clone())
    });
    check("cair_health", &|url| {
        cair_health::Client::new(url).map(|client| client.base_url().clone())
    });
    check("dayzero", &|url| {
        dayzero::Client::new(url).map(|client| client.base_url().clone())
    });
    check("mobiscroll_connect", &|url| {
        mobiscroll_connect::Client::new(url).map(|client| client.base_url().clone())
    });
}

#[test]
fn plain_http_to_a_remote_host_is_rejected() {
    for insecure in [
        "http://example.com",
        "http://example.com/v1/public",
        "http://192.168.1.10:8080",
        "http://10.0.0.1",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
    ] {
        each_provider(|provider, new| match new(insecure) {
            Err(ClientError::InsecureBaseUrl { url }) => assert_eq!(url, insecure, "{provider}"),
            other => panic!("{provider}: {insecure} must be rejected as insecure, got {other:?}"),
        });
    }
}

#[test]
fn https_is_accepted_and_keeps_its_path_prefix() {
    each_provider(|provider, new| {
        let url = new("https://example.com/v1/public")
            .unwrap_or_else(|error| panic!("{provider}: {error}"));
        assert_eq!(url.scheme(), "https");
        assert_eq!(url.host_str(), Some("example.com"));
        assert_eq!(url.path(), "/v1/public");
        new("https://example.com").unwrap_or_else(|error| panic!("{provider}: {error}"));
        new("https://example.com:8443/").unwrap_or_else(|error| panic!("{provider}: {error}"));
    });
}

#[test]
fn plain_http_to_loopback_is_accepted() {
    for loopback in [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:1/v1/public",
        "http://127.1.2.3",
        "http://localhost:3000",
        "http://LOCALHOST",
        "http://api.localhost:3000",
        "http://[::1]:9000",
    ] {
        each_provider(|provider, new| {
            let url = new(loopback)
                .unwrap_or_else(|error| panic!("{provider}: {loopback} must be accepted: {error}"));
            assert_eq!(url.scheme(), "http");
        });
    }
}

#[test]
fn malformed_and_unsupported_urls_are_invalid() {
    for invalid in [
        "not a url",
        "",
        "/v1/public",
        "ftp://example.com",
        "file:///etc/passwd",
        "mailto:someone@example.com",
        "https://",
    ] {
        each_provider(|provider, new| match new(invalid) {
            Err(ClientError::InvalidBaseUrl { .. }) => {}
            other => panic!("{provider}: {invalid:?} must be an invalid base url, got {other:?}"),
        });
    }
}

#[test]
fn credentials_in_the_url_are_rejected() {
    for with_userinfo in [
        "https://user:pass@example.com",
        "https://user@example.com",
        "http://user:pass@127.0.0.1:8080",
    ] {
        each_provider(|provider, new| match new(with_userinfo) {
            Err(ClientError::InvalidBaseUrl { url, .. }) => {
                assert!(!url.contains("pass"), "{provider}: {url}")
            }
            other => panic!("{provider}: {with_userinfo} must be rejected, got {other:?}"),
        });
    }
}

#[test]
fn the_spec_default_base_urls_are_accepted() {
    for default in [
        mobile_calendar::DEFAULT_BASE_URL,
        cair_health::DEFAULT_BASE_URL,
        dayzero::DEFAULT_BASE_URL,
    ] {
        each_provider(|provider, new| {
            new(default).unwrap_or_else(|error| panic!("{provider}: {default}: {error}"));
        });
    }
}

#[test]
fn with_http_client_enforces_the_same_rules() {
    let http = reqwest::Client::new();
    assert!(matches!(
        mobile_calendar::Client::with_http_client("http://example.com", http.clone()),
        Err(ClientError::InsecureBaseUrl { .. })
    ));
    assert!(matches!(
        cair_health::Client::with_http_client("http://example.com", http.clone()),
        Err(ClientError::InsecureBaseUrl { .. })
    ));
    assert!(matches!(
        dayzero::Client::with_http_client("http://example.com", http.clone()),
        Err(ClientError::InsecureBaseUrl { .. })
    ));
    assert!(matches!(
        mobiscroll_connect::Client::with_http_client("http://example.com", http.clone()),
        Err(ClientError::InsecureBaseUrl { .. })
    ));
    let client = dayzero::Client::with_http_client("https://api.ondayzero.com", http)
        .expect("https is allowed");
    assert_eq!(client.base_url().as_str(), "https://api.ondayzero.com/");
    assert!(client.credentials().bearer_auth.is_none());
}

#[test]
fn insecure_error_message_says_why() {
    let error = mobile_calendar::Client::new("http://example.com").expect_err("insecure");
    let message = error.to_string();
    assert!(message.contains("https"), "{message}");
    assert!(message.contains("http://example.com"), "{message}");
}
