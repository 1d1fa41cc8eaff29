//! Call overhead: one generated operation against the same request written by hand with reqwest,
//! on loopback, interleaved in one run, reported as medians and a ratio (never a pass/fail on time).
//!
//! `cargo bench -p end-to-end-tests --bench call_overhead` (add `-- --rounds N` for more rounds).
//! Both sides share one `reqwest::Client` and one wiremock server, so the ratio isolates what the
//! generated call adds: the deadline, the bounded body read, status and media-type matching, the
//! tracing span and request-id lookup.

use auth_clients::mobile_calendar::{
    types::{TokenRequest, TokenResponse},
    Client,
};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Calls per timed batch; a batch is the unit whose duration is compared.
const CALLS_PER_BATCH: usize = 100;

fn token_body(padding_bytes: usize) -> serde_json::Value {
    serde_json::json!({
        "access_token": "eyJhbGciOiJIUzI1NiJ9.bench.token",
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": ["reservations:read"],
        // An unknown field: both sides must read and skip it, as a real provider's extra data.
        "padding": "x".repeat(padding_bytes),
    })
}

async fn generated_batch(client: &Client, request: &TokenRequest) -> Duration {
    let started = Instant::now();
    for _ in 0..CALLS_PER_BATCH {
        let token = client.create_token(request).await.expect("generated call");
        std::hint::black_box(token.expires_in);
    }
    started.elapsed()
}

async fn hand_written_batch(
    http: &reqwest::Client,
    url: &str,
    request: &serde_json::Value,
) -> Duration {
    let started = Instant::now();
    for _ in 0..CALLS_PER_BATCH {
        let response = http
            .post(url)
            .json(request)
            .send()
            .await
            .expect("hand-written call");
        assert!(response.status().is_success());
        let bytes = response.bytes().await.expect("body");
        let token: TokenResponse = serde_json::from_slice(&bytes).expect("decode");
        std::hint::black_box(token.expires_in);
    }
    started.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn measure(padding_bytes: usize, rounds: usize) -> (Duration, Duration) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(padding_bytes)))
        .mount(&server)
        .await;
    let http = reqwest::Client::new();
    let client = Client::with_http_client(&server.uri(), http.clone()).expect("loopback base url");
    let request = TokenRequest::new("bench-client", "bench-secret");
    let request_json =
        serde_json::json!({"clientId": "bench-client", "clientSecret": "bench-secret"});
    let url = format!("{}/auth/token", server.uri());

    // Warm up both paths (connections, allocator, lazy statics).
    generated_batch(&client, &request).await;
    hand_written_batch(&http, &url, &request_json).await;

    let mut generated = Vec::with_capacity(rounds);
    let mut hand_written = Vec::with_capacity(rounds);
    for round in 0..rounds {
        // Alternate which side goes first so drift in the machine's load hits both alike.
        if round % 2 == 0 {
            generated.push(generated_batch(&client, &request).await);
            hand_written.push(hand_written_batch(&http, &url, &request_json).await);
        } else {
            hand_written.push(hand_written_batch(&http, &url, &request_json).await);
            generated.push(generated_batch(&client, &request).await);
        }
    }
    (median(generated), median(hand_written))
}

fn rounds_from_arguments() -> usize {
    let arguments: Vec<String> = std::env::args().collect();
    arguments
        .iter()
        .position(|argument| argument == "--rounds")
        .and_then(|index| arguments.get(index + 1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(15)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rounds = rounds_from_arguments();
    println!("call overhead: {rounds} interleaved rounds of {CALLS_PER_BATCH} calls each, medians per call");
    println!("| body | generated | hand-written reqwest | ratio |");
    println!("|---|---|---|---|");
    for (label, padding) in [
        ("tiny (~150 B)", 0),
        ("100 KB", 100 * 1024),
        ("1 MB", 1024 * 1024),
    ] {
        let (generated, hand_written) = measure(padding, rounds).await;
        let per_call = |batch: Duration| batch / CALLS_PER_BATCH as u32;
        println!(
            "| {label} | {:?} | {:?} | {:.3}× |",
            per_call(generated),
            per_call(hand_written),
            generated.as_secs_f64() / hand_written.as_secs_f64()
        );
    }
}
