//! Shared helpers for the end-to-end tests: header-absence matching, request inspection, redirect and secret fixtures.
#![allow(dead_code)]

use std::future::Future as _;
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

/// A recognizable credential: no test output may ever contain it.
pub const SECRET: &str = "SUPER-SECRET-123";

/// Matches requests that do NOT carry the named header at all.
pub struct HeaderAbsent(pub &'static str);

impl Match for HeaderAbsent {
    fn matches(&self, request: &Request) -> bool {
        !request.headers.contains_key(self.0)
    }
}

/// Header absence as a wiremock matcher.
pub fn header_absent(name: &'static str) -> HeaderAbsent {
    HeaderAbsent(name)
}

/// The one request the server received; fails if it received none or several.
pub async fn single_request(server: &MockServer) -> Request {
    let mut requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {}: {requests:#?}",
        requests.len()
    );
    requests.remove(0)
}

/// A `MockServer` that cannot hang the end of a test when dropped, also when a failed assertion
/// unwinds through the test (where no `.await` can run): the test then ends, or fails with its
/// message.
///
/// wiremock's `MockServer` verifies its mocks on drop by blocking on a tokio lock with
/// `futures::executor::block_on`. When the test has spent tokio's cooperative budget in its current
/// poll (a thousand `JoinHandle`s awaited in a row do), that lock answers "not yet" forever and the
/// thread spins. Dropping inside `unconstrained` lifts the budget.
pub struct ServerThatShutsDownOnDrop(Option<MockServer>);

impl ServerThatShutsDownOnDrop {
    pub fn new(server: MockServer) -> Self {
        ServerThatShutsDownOnDrop(Some(server))
    }
}

impl std::ops::Deref for ServerThatShutsDownOnDrop {
    type Target = MockServer;

    fn deref(&self) -> &MockServer {
        self.0.as_ref().expect("dropped only once")
    }
}

impl Drop for ServerThatShutsDownOnDrop {
    fn drop(&mut self) {
        /// Nothing to wake: the future below is ready on its first poll.
        struct NoWake;
        impl std::task::Wake for NoWake {
            fn wake(self: std::sync::Arc<Self>) {}
        }
        let Some(server) = self.0.take() else { return };
        // One synchronous poll: `unconstrained` lifts the budget for exactly that poll, and the
        // drop inside it completes there (wiremock blocks until its lock is granted).
        let waker = std::task::Waker::from(std::sync::Arc::new(NoWake));
        let mut context = std::task::Context::from_waker(&waker);
        let mut dropping = std::pin::pin!(tokio::task::unconstrained(async move { drop(server) }));
        let _ = dropping.as_mut().poll(&mut context);
    }
}

/// How many requests the server received in total.
pub async fn request_count(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .len()
}

/// A header of a recorded request as text (`None` when absent).
pub fn header_text(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().expect("header value is ASCII").to_string())
}

/// Asserts everything about a recorded request: method, path (no query), content type, and absence or value of `Authorization`.
pub fn assert_request(
    request: &Request,
    expected_method: &str,
    expected_path: &str,
    content_type: &str,
    authorization: Option<&str>,
) {
    assert_eq!(request.method.as_str(), expected_method, "method");
    assert_eq!(request.url.path(), expected_path, "path");
    assert_eq!(request.url.query(), None, "no query string expected");
    assert_eq!(
        header_text(request, "content-type").as_deref(),
        Some(content_type),
        "content-type"
    );
    assert_eq!(
        header_text(request, "authorization").as_deref(),
        authorization,
        "authorization"
    );
    assert_eq!(
        header_text(request, "accept").as_deref(),
        Some("application/json"),
        "accept"
    );
    let user_agent = header_text(request, "user-agent").unwrap_or_default();
    assert!(
        user_agent.starts_with("auth-clients/"),
        "user-agent names the generated crate: {user_agent:?}"
    );
}

/// The status codes a token endpoint could redirect with.
pub const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

/// Mounts `POST {endpoint_path}` answering with a redirect to `{server}/redirect-target`, and a
/// catch-all for the target that must never be hit. Returns the redirect target URL.
pub async fn mount_redirect(server: &MockServer, endpoint_path: &str, status: u16) -> String {
    let target = format!("{}/redirect-target", server.uri());
    Mock::given(method("POST"))
        .and(path(endpoint_path.to_string()))
        .respond_with(ResponseTemplate::new(status).insert_header("location", target.as_str()))
        .expect(1)
        .named("token endpoint answering with a redirect")
        .mount(server)
        .await;
    Mock::given(path("/redirect-target"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "stolen", "expires_in": 1})),
        )
        .expect(0)
        .named("redirect target (must never be requested)")
        .mount(server)
        .await;
    target
}

/// Asserts that after a redirect only the token endpoint was requested, never the redirect target.
pub async fn assert_redirect_not_followed(server: &MockServer, endpoint_path: &str) {
    let requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(
        requests.len(),
        1,
        "only the token endpoint may be requested: {requests:#?}"
    );
    assert_eq!(requests[0].url.path(), endpoint_path);
    assert!(
        requests
            .iter()
            .all(|request| request.url.path() != "/redirect-target"),
        "the redirect was followed"
    );
}

/// A loopback port on which nothing listens (bound, then released).
pub fn closed_loopback_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    port
}
