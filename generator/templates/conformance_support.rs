//! The fixed half of a conformance driver: Prism's `Prefer` header, the checks each operation goes
//! through (full and required-only values, every success and error status, seeded dynamic
//! responses), and the one JSON line printed per request, which `cargo xtask conformance` reads.

use std::future::Future;
use std::time::Duration;

/// One operation's checks, started: a boxed future, so `main` awaits one type in a loop.
pub type Exercising = std::pin::Pin<Box<dyn Future<Output = ()>>>;

/// The function that starts one operation's checks.
pub type Exercise = fn(Run) -> Exercising;

/// What the driver was asked to do (from its command line: `BASE_URL [--dynamic N]`).
#[derive(Debug, Clone)]
pub struct Run {
    /// Prism's URL.
    pub base_url: String,
    /// Seeded dynamic responses per status (0: the static checks only).
    pub dynamic: u32,
}

impl Run {
    /// Reads the command line.
    pub fn from_args() -> Run {
        let mut arguments = std::env::args().skip(1);
        let base_url = arguments.next().unwrap_or_else(|| "http://127.0.0.1:4010".to_string());
        let mut dynamic = 0;
        while let Some(argument) = arguments.next() {
            if argument == "--dynamic" {
                dynamic = arguments.next().and_then(|count| count.parse().ok()).unwrap_or(0);
            }
        }
        Run { base_url, dynamic }
    }
}

/// Prism's per-request preferences.
#[derive(Debug, Clone, Default)]
pub struct Prefer {
    /// `code=N`: answer with this documented status.
    pub code: Option<u16>,
    /// `seed=S`: a reproducible dynamic response.
    pub seed: Option<String>,
}

impl Prefer {
    /// The HTTP client a generated `Client` is given: sends `Prefer`, follows no redirects.
    pub fn http_client(&self) -> reqwest::Client {
        let mut parts = Vec::new();
        if let Some(code) = self.code {
            parts.push(format!("code={code}"));
        }
        if let Some(seed) = &self.seed {
            parts.push(format!("seed={seed}"));
        }
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(value) = reqwest::header::HeaderValue::from_str(&parts.join(", ")) {
            if !parts.is_empty() {
                headers.insert("prefer", value);
            }
        }
        reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap_or_default()
    }
}

/// What one call gave.
#[derive(Debug)]
pub enum Outcome {
    /// A request value could not be built from its synthesized JSON (a defect of the generator).
    BuildFailed(String),
    /// No response arrived (transport error, invalid request, missing credentials).
    NoResponse(String),
    /// A response arrived; `decoded` says as what.
    Response {
        status: u16,
        headers: reqwest::header::HeaderMap,
        decoded: Decoded,
        detail: String,
        /// Violations Prism named in its own problem+json body (`validation`).
        body_violations: Vec<serde_json::Value>,
        /// Prism's own error when it cannot answer at all (no response defined, a media type it
        /// cannot produce): a limit of Prism, not a finding about the client.
        prism_limit: Option<String>,
    },
}

/// How the client read a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A success value.
    Success,
    /// A documented error, decoded into this variant of the operation's error enum.
    ErrorVariant(&'static str),
    /// Anything else (undocumented status, invalid body, ...), named.
    Other(&'static str),
}

impl Outcome {
    /// A success value arrived.
    pub fn success(status: u16, headers: &reqwest::header::HeaderMap) -> Outcome {
        Outcome::Response {
            status,
            headers: headers.clone(),
            decoded: Decoded::Success,
            detail: String::new(),
            body_violations: Vec::new(),
            prism_limit: None,
        }
    }

    /// An error arrived: `kind` names the runtime error, `variant` the documented error's variant.
    pub fn error(
        status: Option<u16>,
        headers: Option<&reqwest::header::HeaderMap>,
        kind: &'static str,
        variant: Option<&'static str>,
        detail: String,
        undocumented_body: Option<&[u8]>,
    ) -> Outcome {
        let problem = undocumented_body.and_then(|body| serde_json::from_slice::<serde_json::Value>(body).ok());
        let prism_limit = problem.as_ref().and_then(prism_limit);
        // Prism's own problem (a 404 for a route, a 500 it could not generate) names itself.
        let detail = match problem.as_ref().and_then(|problem| problem.get("title")).and_then(|title| title.as_str()) {
            Some(title) => format!("{detail} (Prism: {})", one_line(title)),
            None => detail,
        };
        let body_violations = problem
            .and_then(|problem| problem.get("validation").and_then(|list| list.as_array()).cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|mut violation| {
                name_request_side(&mut violation);
                violation
            })
            .collect();
        match (status, headers) {
            (Some(status), Some(headers)) => Outcome::Response {
                status,
                headers: headers.clone(),
                decoded: variant.map_or(Decoded::Other(kind), Decoded::ErrorVariant),
                detail,
                body_violations,
                prism_limit,
            },
            _ => Outcome::NoResponse(format!("{kind}: {detail}")),
        }
    }
}

/// Sends the URL a URL builder made (a browser navigation) and reports the answer: a documented
/// redirect is its success.
pub async fn navigate(prefer: &Prefer, url: &str) -> Outcome {
    match prefer.http_client().get(url).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let decoded = if response.status().is_redirection() {
                Decoded::Success
            } else {
                Decoded::Other("not a redirect")
            };
            let body_violations = if response.status().is_client_error() {
                response
                    .json::<serde_json::Value>()
                    .await
                    .ok()
                    .and_then(|problem| problem.get("validation").and_then(|list| list.as_array()).cloned())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|mut violation| {
                        name_request_side(&mut violation);
                        violation
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Outcome::Response { status, headers, decoded, detail: String::new(), body_violations, prism_limit: None }
        }
        Err(error) => Outcome::NoResponse(error.to_string()),
    }
}

/// What the driver knows of one operation.
#[derive(Debug)]
pub struct Plan {
    /// `operationId` (or `METHOD /path`).
    pub operation: &'static str,
    /// Documented success statuses (`None`: a range or `default`, which Prism picks itself).
    pub success_codes: &'static [u16],
    /// Documented error statuses to force, with the variant each must decode into.
    pub error_cases: &'static [(u16, &'static str)],
    /// Statuses Prism cannot be asked for, with the reason (a range or `default`).
    pub not_forced: &'static [(&'static str, &'static str)],
    /// Whether the required-only values differ from the full ones (else that call is not repeated).
    pub has_optional: bool,
    /// Why the operation cannot be checked against Prism at all (a limit of Prism), if it cannot.
    pub skip: Option<&'static str>,
    /// The operation documents no success response, so an unforced call must give a documented error.
    pub errors_only: bool,
    /// The array fields of a form body: sent as repeated keys (`a=1&a=2`, OpenAPI's default), which
    /// Prism reads as one value (stoplightio/prism#2473).
    pub form_array_fields: &'static [&'static str],
    /// The body is form-urlencoded: one with no field set is empty, which Prism takes for no body.
    pub form_body: bool,
    /// The body is `multipart/form-data`: Prism reads every part as a string (a repeated part as
    /// its last one), so it cannot judge an array or object field.
    pub multipart_body: bool,
}

/// What a check expects.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Success,
    Variant(&'static str),
    AnyVariant,
}

/// Calls one operation through every check and prints one JSON line per request.
pub async fn exercise<F, Fut>(run: &Run, plan: &Plan, call: F)
where
    F: Fn(Prefer, bool) -> Fut,
    Fut: Future<Output = Outcome>,
{
    println!("{}", serde_json::json!({ "kind": "operation", "operation": plan.operation }));
    if let Some(reason) = plan.skip {
        println!("{}", serde_json::json!({ "kind": "skip", "operation": plan.operation, "reason": reason }));
        return;
    }
    for (status, reason) in plan.not_forced {
        println!(
            "{}",
            serde_json::json!({ "kind": "not_forced", "operation": plan.operation, "status": status, "reason": reason })
        );
    }
    if run.dynamic == 0 {
        let unforced = if plan.errors_only { Expect::AnyVariant } else { Expect::Success };
        report(plan, "success", unforced, call(Prefer::default(), false).await);
        if plan.has_optional {
            report(plan, "required-only", unforced, call(Prefer::default(), true).await);
        }
        for code in plan.success_codes.iter().skip(1) {
            let prefer = Prefer { code: Some(*code), seed: None };
            report(plan, &format!("success {code}"), Expect::Success, call(prefer, false).await);
        }
        for (code, variant) in plan.error_cases {
            let prefer = Prefer { code: Some(*code), seed: None };
            report(plan, &format!("error {code}"), Expect::Variant(variant), call(prefer, false).await);
        }
        return;
    }
    let mut statuses: Vec<(u16, Expect)> = plan.success_codes.iter().map(|code| (*code, Expect::Success)).collect();
    statuses.extend(plan.error_cases.iter().map(|(code, variant)| (*code, Expect::Variant(variant))));
    for (code, expect) in statuses {
        for seed in 0..run.dynamic {
            let prefer = Prefer { code: Some(code), seed: Some(format!("conformance-{seed}")) };
            report(plan, &format!("dynamic {code} seed {seed}"), expect, call(prefer, false).await);
        }
    }
}

fn report(plan: &Plan, check: &str, expect: Expect, outcome: Outcome) {
    let line = match outcome {
        Outcome::BuildFailed(detail) => serde_json::json!({
            "kind": "request", "operation": plan.operation, "check": check,
            "sent": false, "detail": format!("cannot build the request value: {detail}"),
        }),
        Outcome::NoResponse(detail) => serde_json::json!({
            "kind": "request", "operation": plan.operation, "check": check,
            "sent": false, "detail": detail,
        }),
        Outcome::Response { status, headers, decoded, detail, body_violations, prism_limit } => {
            let mut violations: Vec<serde_json::Value> = headers
                .get("sl-violations")
                .map(|value| header_violations(&String::from_utf8_lossy(value.as_bytes())))
                .unwrap_or_default();
            violations.extend(body_violations);
            let in_request: Vec<String> = violations
                .iter()
                .filter(|violation| violation["location"][0] == "request")
                .map(violation_text)
                .collect();
            // Prism's misreading of repeated form keys is its limit, not a violation.
            let form_array_limit = !in_request.is_empty()
                && violations.iter().filter(|violation| violation["location"][0] == "request").all(|violation| {
                    violation["location"][1] == "body"
                        && violation["location"][2].as_str().is_some_and(|field| plan.form_array_fields.contains(&field))
                        && violation["message"].as_str().is_some_and(|message| message.contains("must be array"))
                });
            let empty_form_limit = plan.form_body
                && !in_request.is_empty()
                && violations.iter().filter(|violation| violation["location"][0] == "request").all(|violation| {
                    violation["message"].as_str() == Some("Body parameter is required")
                });
            let prism_limit = prism_limit.or_else(|| {
                empty_form_limit.then(|| {
                    "Prism takes an empty form body (no field set: every one is optional) for no body at all".to_string()
                })
            });
            let in_request = if empty_form_limit { Vec::new() } else { in_request };
            let prism_limit = prism_limit.or_else(|| {
                form_array_limit.then(|| {
                    "Prism reads a form body's repeated key (an array, `style: form, explode: true`) as one value (stoplightio/prism#2473)".to_string()
                })
            });
            let in_request = if form_array_limit { Vec::new() } else { in_request };
            let multipart_limit = plan.multipart_body
                && !in_request.is_empty()
                && violations.iter().filter(|violation| violation["location"][0] == "request").all(|violation| {
                    violation["location"][1] == "body"
                        && violation["message"].as_str().is_some_and(|message| {
                            message.ends_with("must be array") || message.ends_with("must be object")
                        })
                });
            let prism_limit = prism_limit.or_else(|| {
                multipart_limit.then(|| {
                    "Prism reads every part of a multipart body as a string, and a repeated part as its last one, so it cannot judge an array or object field".to_string()
                })
            });
            let in_request = if multipart_limit { Vec::new() } else { in_request };
            let in_response: Vec<String> = violations
                .iter()
                .filter(|violation| violation["location"][0] != "request")
                .map(violation_text)
                .collect();
            let as_expected = match (expect, &decoded) {
                (Expect::Success, Decoded::Success) => true,
                (Expect::Variant(wanted), Decoded::ErrorVariant(got)) => wanted == *got,
                // A `2XX` documented without a body looks like no success at all in the IR.
                (Expect::AnyVariant, Decoded::ErrorVariant(_) | Decoded::Success) => true,
                _ => false,
            };
            // With `--errors`, Prism answers 500 when the response it made up breaks the spec.
            let prism_invalid = status == 500 && in_request.is_empty() && !in_response.is_empty();
            let detail = if as_expected {
                String::new()
            } else {
                format!("expected {}, got {status} read as {}{}{}", expect_text(expect), decoded_text(&decoded), if detail.is_empty() { "" } else { ": " }, detail)
            };
            serde_json::json!({
                "kind": "request", "operation": plan.operation, "check": check,
                "sent": true, "status": status,
                "request_violations": in_request,
                "response_violations": in_response,
                "decoded": as_expected && in_response.is_empty(),
                "prism_invalid_response": prism_invalid,
                "prism_limit": prism_limit,
                "detail": detail,
            })
        }
    };
    println!("{line}");
}

fn violation_text(violation: &serde_json::Value) -> String {
    let location: Vec<String> = violation["location"]
        .as_array()
        .map(|parts| parts.iter().map(|part| part.as_str().map_or_else(|| part.to_string(), str::to_string)).collect())
        .unwrap_or_default();
    format!("{}: {}", location.join("."), violation["message"].as_str().unwrap_or_default())
}

fn expect_text(expect: Expect) -> String {
    match expect {
        Expect::Success => "a success value".to_string(),
        Expect::Variant(variant) => format!("the error variant `{variant}`"),
        Expect::AnyVariant => "a documented response (the operation documents no success body)".to_string(),
    }
}

fn decoded_text(decoded: &Decoded) -> String {
    match decoded {
        Decoded::Success => "a success value".to_string(),
        Decoded::ErrorVariant(variant) => format!("the error variant `{variant}`"),
        Decoded::Other(kind) => kind.to_string(),
    }
}

/// Prism's own problem body names a request violation by its place only (`["query", "limit"]`);
/// the `sl-violations` header form starts with the side, so the side is added (a violation of
/// Prism's own response already says `response`).
fn name_request_side(violation: &mut serde_json::Value) {
    if let Some(location) = violation.get_mut("location").and_then(|location| location.as_array_mut()) {
        if location.first().and_then(|first| first.as_str()) != Some("response") {
            location.insert(0, serde_json::json!("request"));
        }
    }
}

/// Prism's problem+json for an answer it cannot give (its 500s `NO_RESPONSE_RESPONSE_DEFINED`,
/// `Cannot find serializer for <media type>`, and in dynamic mode a response documented by
/// examples without a schema), named by its title.
fn prism_limit(problem: &serde_json::Value) -> Option<String> {
    let kind = problem.get("type")?.as_str()?;
    let title = problem.get("title").and_then(|title| title.as_str()).unwrap_or_default();
    // Dynamic mode needs a schema: a response given by examples only cannot be generated.
    let limit = kind.ends_with("#NO_RESPONSE_RESPONSE_DEFINED")
        || (kind.ends_with("#UNKNOWN") && title.starts_with("Cannot find serializer for"))
        || title.contains("Tried to force a dynamic response")
        // Its schema faker recurses without bound on some recursive schemas.
        || title.contains("Maximum call stack size exceeded");
    limit.then(|| format!("Prism cannot answer: {} ({})", one_line(title), kind.rsplit('#').next().unwrap_or_default()))
}

/// Prism's text on one line, at most 200 characters (its titles can carry a whole stack trace).
fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line.to_string(),
    }
}

/// A request value from its synthesized JSON, through the type's own `Deserialize`. Read from bytes,
/// as the client reads response bodies: a debug build shares generic code between crates, so a type
/// the client decodes too is not compiled a second time for the driver.
pub fn value<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_slice(json.as_bytes()).map_err(|error| error.to_string())
}
