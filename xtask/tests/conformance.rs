//! `cargo xtask conformance`: the aggregation of driver output, the expectations check, the total
//! line, the derived copy without examples, and one fixture document end to end against Prism.

use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::conformance::{
    aggregate, judge, paths_under, relative_server_path, total_line, verdict, without_examples,
    Counts, DynamicCounts, Measured,
};

fn request_line(operation: &str, check: &str, extra: &str) -> String {
    format!(
        r#"{{"kind":"request","operation":"{operation}","check":"{check}","sent":true,"status":200{extra}}}"#
    )
}

#[test]
fn aggregation_counts_every_request_once_and_names_every_finding() {
    let output = [
        r#"{"kind":"operation","operation":"getThing"}"#.to_string(),
        request_line("getThing", "success", r#","decoded":true"#),
        request_line(
            "getThing",
            "required-only",
            r#","decoded":false,"request_violations":["request.query.limit: must be >= 10"]"#,
        ),
        request_line(
            "getThing",
            "error 404",
            r#","decoded":false,"detail":"expected the error variant `NotFound`, got 200""#,
        ),
        r#"{"kind":"operation","operation":"putThing"}"#.to_string(),
        r#"{"kind":"request","operation":"putThing","check":"success","sent":false,"detail":"cannot build the request value: body: missing field `id`"}"#.to_string(),
        request_line(
            "putThing",
            "error 400",
            r#","decoded":false,"prism_invalid_response":true,"response_violations":["response.body: must be object"]"#,
        ),
        r#"{"kind":"operation","operation":"noResponse"}"#.to_string(),
        r#"{"kind":"skip","operation":"noResponse","reason":"the operation documents no response"}"#.to_string(),
        r#"{"kind":"operation","operation":"cbor"}"#.to_string(),
        request_line(
            "cbor",
            "success",
            r#","prism_limit":"Prism cannot answer: Cannot find serializer for application/cbor (UNKNOWN)""#,
        ),
        request_line(
            "cbor",
            "error 500",
            r#","prism_limit":"Prism cannot answer: Cannot find serializer for application/cbor (UNKNOWN)""#,
        ),
        "thread 'main' panicked at src/main.rs:1:1".to_string(),
    ]
    .join("\n");
    let mut measured = Measured::default();
    aggregate(&output, &mut measured);
    let counts = &measured.counts;
    assert_eq!(counts.operations, 4);
    // Requests Prism could not answer at all are not requests of the client.
    assert_eq!(counts.requests, 5);
    assert_eq!(counts.accepted, 3, "{measured:?}");
    assert_eq!(counts.decoded, 1);
    assert_eq!(counts.violations, 1);
    assert_eq!(counts.skipped, 2);
    assert_eq!(counts.prism_invalid, 1);
    let findings = measured.findings.join("\n");
    for expected in [
        "getThing [required-only]: violation: request.query.limit: must be >= 10",
        "getThing [error 404]: not decoded: expected the error variant `NotFound`, got 200",
        "putThing [success]: not sent: cannot build the request value: body: missing field `id`",
        "putThing [error 400]: Prism's own response breaks the document: response.body: must be object",
        "noResponse: skipped: the operation documents no response",
        "cbor: skipped: Prism cannot answer: Cannot find serializer for application/cbor (UNKNOWN)",
        "driver output: thread 'main' panicked",
    ] {
        assert!(findings.contains(expected), "missing `{expected}` in:\n{findings}");
    }
    // The cbor operation is named once, whatever number of its requests hit the limit.
    assert_eq!(findings.matches("cbor: skipped").count(), 1);

    // A second run (dynamic mode) over the same operations adds requests, not operations.
    aggregate(
        &[
            r#"{"kind":"operation","operation":"getThing"}"#.to_string(),
            request_line("getThing", "dynamic 200 seed 0", r#","decoded":true"#),
        ]
        .join("\n"),
        &mut measured,
    );
    assert_eq!(measured.counts.operations, 4);
    assert_eq!(measured.counts.requests, 6);
    assert_eq!(measured.counts.decoded, 2);
}

#[test]
fn any_difference_from_the_expectation_fails_and_is_named() {
    let measured = Counts {
        prism: "document".to_string(),
        operations: 3,
        requests: 9,
        accepted: 9,
        decoded: 8,
        violations: 0,
        skipped: 0,
        prism_invalid: 0,
        quick: false,
        dynamic: None,
    };
    assert_eq!(judge(&measured, Some(&measured.clone())), Ok(()));
    let mut better = measured.clone();
    better.decoded = 9;
    let message = judge(&better, Some(&measured)).unwrap_err();
    assert!(message.contains("decoded 9, expected 8"), "{message}");
    let mut worse = measured.clone();
    worse.violations = 2;
    worse.prism = "derived copy without examples".to_string();
    let message = judge(&worse, Some(&measured)).unwrap_err();
    assert!(message.contains("violations 2, expected 0"), "{message}");
    assert!(
        message.contains("Prism fed `derived copy without examples`"),
        "{message}"
    );
    assert!(judge(&measured, None)
        .unwrap_err()
        .contains("no expectation"));
}

#[test]
fn a_driver_run_that_failed_fails_the_document_even_when_its_counts_match() {
    let dynamic = DynamicCounts {
        responses_per_status: 3,
        requests: 9,
        accepted: 9,
        decoded: 9,
        violations: 0,
        prism_invalid: 0,
        skipped: 0,
    };
    let expected = Counts {
        prism: "as published".to_string(),
        operations: 3,
        requests: 9,
        accepted: 9,
        decoded: 9,
        dynamic: Some(dynamic),
        ..Counts::default()
    };
    // The dynamic run crashed: no dynamic counts, which `judge` alone cannot tell from a static run.
    let measured = Counts {
        dynamic: None,
        ..expected.clone()
    };
    assert_eq!(judge(&measured, Some(&expected)), Ok(()));
    let failure = "dynamic run: the driver failed (signal: 6): thread 'main' panicked".to_string();
    let message = verdict(&measured, std::slice::from_ref(&failure), Some(&expected))
        .expect_err("a crashed driver fails the document");
    assert!(message.contains(&failure), "{message}");
    // Both the failure and any count differences are named.
    let fewer = Counts {
        requests: 8,
        ..measured.clone()
    };
    let message = verdict(&fewer, &[failure], Some(&expected)).expect_err("fails");
    assert!(
        message.contains("dynamic run") && message.contains("requests 8, expected 9"),
        "{message}"
    );
    assert_eq!(verdict(&measured, &[], Some(&expected)), Ok(()));
}

/// A Ctrl-C ends xtask without `Drop`, and Prism (in a process group of its own) never sees it:
/// Prism must end with the thread that started it, not keep running with its port.
#[cfg(target_os = "linux")]
#[test]
fn a_started_server_ends_when_the_thread_that_started_it_ends() {
    use std::os::unix::process::ExitStatusExt;
    let child = std::thread::spawn(|| {
        let mut command = Command::new("sleep");
        command.arg("300");
        xtask::prism::ends_with_the_starting_thread(&mut command);
        command.spawn().expect("sleep starts")
    })
    .join()
    .expect("the starting thread");
    let mut child = child;
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the server outlived the thread that started it");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.signal(), Some(15), "{status:?}");
}

#[test]
fn the_total_line_is_exactly_as_specified() {
    let counts = |operations, accepted, decoded, violations, skipped| Counts {
        prism: "document".to_string(),
        operations,
        requests: accepted + violations,
        accepted,
        decoded,
        violations,
        skipped,
        prism_invalid: 0,
        quick: false,
        dynamic: None,
    };
    let rows = vec![
        ("a.yaml".to_string(), counts(2, 5, 4, 1, 0)),
        ("b.json".to_string(), counts(0, 0, 0, 0, 7)),
    ];
    assert_eq!(
        total_line(&rows),
        "conformance: 2 documents, 2 operations, 5 requests accepted, 4 responses decoded, 1 violations, 7 skipped"
    );
    assert_eq!(
        total_line(&[]),
        "conformance: 0 documents, 0 operations, 0 requests accepted, 0 responses decoded, 0 violations, 0 skipped"
    );
}

#[test]
fn the_derived_copy_drops_example_values_holding_refs_and_keeps_the_rest() {
    let mut document = serde_json::json!({
        "paths": {"/x": {"get": {
            "parameters": [{"name": "q", "in": "query", "example": {"$ref": "https://example.com/a"}}],
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {
                    "examples": {"one": {"value": {"$ref": "#/definitions/Missing"}},
                                 "two": {"value": {"name": "plain"}},
                                 "three": {"$ref": "#/components/examples/Tainted"},
                                 "four": {"$ref": "#/components/examples/Plain"}},
                    "schema": {"type": "object", "example": {"$ref": "#/definitions/User"},
                        "properties": {"example": {"type": "string", "example": "kept"},
                                       "examples": {"type": "array", "examples": [[{"$ref": "x"}]]}}}
                }}},
                "401": {"description": "no", "content": {"application/json": {
                    "examples": {"only": {"value": {"nested": [{"$ref": "#/definitions/Error"}]}}}
                }}}
            }
        }}},
        "components": {"examples": {
            "Tainted": {"value": {"deep": {"$ref": "#/definitions/User"}}},
            "Plain": {"value": {"id": 1}}
        }}
    });
    without_examples(&mut document);
    let text = document.to_string();
    // Only the references to what is left: no `$ref` inside an example value remains.
    assert_eq!(text.matches("$ref").count(), 1, "{text}");
    let content =
        &document["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"];
    let examples: Vec<&String> = content["examples"].as_object().unwrap().keys().collect();
    assert_eq!(examples, ["two", "four"]);
    assert_eq!(
        content["examples"]["four"]["$ref"],
        "#/components/examples/Plain"
    );
    assert!(content["schema"].get("example").is_none());
    let properties = &content["schema"]["properties"];
    assert_eq!(properties["example"]["type"], "string");
    assert_eq!(properties["example"]["example"], "kept");
    assert_eq!(properties["examples"]["type"], "array");
    assert!(properties["examples"].get("examples").is_none());
    assert!(document["paths"]["/x"]["get"]["parameters"][0]
        .get("example")
        .is_none());
    let unauthorized =
        &document["paths"]["/x"]["get"]["responses"]["401"]["content"]["application/json"];
    assert!(unauthorized.get("examples").is_none(), "{unauthorized}");
    let components: Vec<&String> = document["components"]["examples"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(components, ["Plain"]);
}

#[test]
fn a_relative_server_moves_the_paths_of_the_copy_prism_gets() {
    let mut document = serde_json::json!({
        "servers": [{"url": "/api/v3/"}],
        "paths": {"/users": {}, "/users/{id}": {}, "x-extension": {}}
    });
    assert_eq!(relative_server_path(&document).as_deref(), Some("/api/v3"));
    paths_under(&mut document, "/api/v3");
    let paths: Vec<&String> = document["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        ["/api/v3/users", "/api/v3/users/{id}", "x-extension"]
    );
    for absolute in [
        serde_json::json!({"servers": [{"url": "https://api.example.com/v1"}]}),
        serde_json::json!({"servers": [{"url": "//cdn.example.com/v1"}]}),
        serde_json::json!({"servers": [{"url": "/"}]}),
        serde_json::json!({"servers": [{"url": "/{version}"}]}),
        serde_json::json!({}),
    ] {
        assert_eq!(relative_server_path(&absolute), None, "{absolute}");
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// The fixture document through the whole command: client, driver, Prism, table, total line,
/// expectations recorded and then met. Needs Node.js (as the conformance tests do).
#[test]
fn a_fixture_document_conforms_end_to_end() {
    let corpus = tempfile::tempdir().expect("a temp dir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/conformance/every_location.yaml"),
        corpus.path().join("every_location.yaml"),
    )
    .expect("copy the fixture");
    let expectations = corpus.path().join("expectations.toml");
    // The shared work directory: the drivers' dependencies are built once for every run.
    let work_dir = workspace_root().join("target/conformance");
    let run = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .current_dir(workspace_root())
            .arg("conformance")
            .arg("--corpus")
            .arg(corpus.path())
            .arg("--expectations")
            .arg(&expectations)
            .arg("--work-dir")
            .arg(&work_dir)
            .args(extra)
            .output()
            .expect("run xtask");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = run(&["--bless", "--dynamic", "2"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    // Every operation, every forced status (404, `default` as an unlisted code, 400, 401), the
    // required-only values, and two seeded dynamic responses per status: all accepted, all
    // decoded but the four static answers in which Prism's own example of the recursive `Thing`
    // stops at its depth limit and breaks the document (Prism says so itself). `createToken` with
    // its array field is skipped, named with Prism's limit (repeated form keys); its
    // required-only call, without the array, is checked.
    let total = stdout
        .lines()
        .find(|line| line.starts_with("conformance: 1 documents"))
        .unwrap_or_else(|| panic!("no total line in:\n{stdout}"));
    assert_eq!(
        total,
        "conformance: 1 documents, 3 operations, 18 requests accepted, 14 responses decoded, 0 violations, 1 skipped",
        "{stdout}"
    );
    assert!(
        stdout.contains("| every_location.yaml | document | 3 | 8 | 8 | 4 | 0 | 1 | 4 |"),
        "{stdout}"
    );
    assert!(
        stdout.contains("getThing [success]: Prism's own response breaks the document: response.body.parts.0.parts.0"),
        "{stdout}"
    );
    assert!(
        stdout.contains("createToken: skipped: Prism reads a form body's repeated key"),
        "{stdout}"
    );
    let recorded = std::fs::read_to_string(&expectations).expect("expectations written");
    assert!(
        recorded.contains("[document.\"every_location.yaml\"]"),
        "{recorded}"
    );
    assert!(recorded.contains("violations = 0"), "{recorded}");
    assert!(recorded.contains("responses_per_status = 2"), "{recorded}");

    // Recorded, the same run passes; a changed expectation fails and names the difference.
    let (code, stdout, stderr) = run(&["--dynamic", "2"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    // A dynamic run with another N has nothing to compare with, and says so.
    let (code, _, stderr) = run(&["--dynamic", "1"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("no expectation recorded for --dynamic 1"),
        "{stderr}"
    );
    std::fs::write(
        &expectations,
        recorded.replacen("decoded = 4\n", "decoded = 5\n", 1),
    )
    .expect("edit the expectations");
    let (code, stdout, stderr) = run(&["--dynamic", "2"]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("decoded 4, expected 5"), "{stderr}");
}

#[test]
fn skips_of_the_dynamic_pass_are_its_own_so_a_static_run_still_matches() {
    let static_counts = Counts {
        prism: "document".to_string(),
        operations: 2,
        requests: 4,
        accepted: 4,
        decoded: 4,
        skipped: 1,
        ..Counts::default()
    };
    let recorded = Counts {
        dynamic: Some(DynamicCounts {
            responses_per_status: 3,
            requests: 6,
            accepted: 6,
            decoded: 6,
            skipped: 1,
            ..DynamicCounts::default()
        }),
        ..static_counts.clone()
    };
    // A run without --dynamic measures the static pass only, and matches the recorded static skips.
    judge(&static_counts, Some(&recorded)).unwrap();
    // A dynamic run that skips one more operation than recorded is a difference, named.
    let mut more_skips = recorded.clone();
    more_skips.dynamic.as_mut().unwrap().skipped = 2;
    let message = judge(&more_skips, Some(&recorded)).unwrap_err();
    assert!(
        message.contains("dynamic skipped 2, expected 1"),
        "{message}"
    );
    // The total line counts both passes' skips.
    assert!(total_line(&[("d".to_string(), recorded)]).ends_with(", 2 skipped"));
}
