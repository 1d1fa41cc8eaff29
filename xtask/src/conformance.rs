//! `cargo xtask conformance`: proves every operation of every corpus document against Stoplight
//! Prism. For each document it generates the client and its conformance driver (emitted from the
//! IR by the generator), builds the driver (one shared target directory for all of them), starts
//! Prism on the document with request validation on, runs the driver (static mode, then seeded
//! dynamic responses with `--dynamic N`), and aggregates the driver's JSON lines into one row per
//! document and the total line. The counts are compared with `xtask/conformance-expectations.toml`.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::prism::{self, Prism};

/// The options of `cargo xtask conformance`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConformanceArgs {
    /// The corpus folder (holding `specs/`, or the documents themselves); default: `../shared/corpus`.
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Only documents whose file name contains this text (repeatable).
    #[arg(long = "only", value_name = "TEXT")]
    pub only: Vec<String>,
    /// Only the documents marked `quick = true` in the expectations (the CI subset).
    #[arg(long)]
    pub quick: bool,
    /// Seeded dynamic responses per documented status and operation (0: static checks only).
    #[arg(long, default_value_t = 0)]
    pub dynamic: u32,
    /// The expectations file; default: `xtask/conformance-expectations.toml`.
    #[arg(long)]
    pub expectations: Option<PathBuf>,
    /// Write the measured counts into the expectations file (keeping each `quick` mark) instead of
    /// comparing with them.
    #[arg(long)]
    pub bless: bool,
    /// Where the client and driver crates and their shared target directory go; default: `target/conformance`.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Time limit for one driver build, in seconds.
    #[arg(long, default_value_t = 1800)]
    pub build_timeout: u64,
    /// Time limit for one driver run, in seconds.
    #[arg(long, default_value_t = 900)]
    pub run_timeout: u64,
}

/// The committed expectations: one entry per document file name.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    /// Per document.
    #[serde(default)]
    pub document: BTreeMap<String, Counts>,
}

/// What one document gives; also what is expected of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    /// How Prism was fed: `document`, `derived copy without $ref examples`, or why it was not.
    pub prism: String,
    /// Operations the driver called.
    pub operations: u64,
    /// Requests sent.
    pub requests: u64,
    /// Requests Prism accepted (no request violation).
    pub accepted: u64,
    /// Responses that decoded as the check expected (success value, or the status's own variant).
    pub decoded: u64,
    /// Requests Prism reported a violation of the document for.
    pub violations: u64,
    /// Operations skipped, for a documented limit of Prism.
    pub skipped: u64,
    /// Responses Prism made up but found invalid itself (its generator stops at a depth limit in
    /// recursive schemas, or the document's example breaks its schema): not decoded, and not a
    /// finding about the client.
    #[serde(default)]
    pub prism_invalid: u64,
    /// Part of the `--quick` subset (the CI run).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quick: bool,
    /// The dynamic pass (`--dynamic N`), checked only by a run with the same N.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic: Option<DynamicCounts>,
}

/// What the dynamic pass gives: seeded random responses per documented status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamicCounts {
    /// Seeded responses asked for per status and operation.
    pub responses_per_status: u32,
    /// Requests sent.
    pub requests: u64,
    /// Requests Prism accepted.
    pub accepted: u64,
    /// Responses that decoded as expected.
    pub decoded: u64,
    /// Requests with a violation.
    pub violations: u64,
    /// Responses Prism made up but found invalid itself.
    pub prism_invalid: u64,
    /// Operations skipped in this pass only (Prism's dynamic faker has limits of its own, such as
    /// overflowing its stack on a recursive schema); the static pass's skips are in `Counts`, so a
    /// run without `--dynamic` compares against those alone.
    #[serde(default)]
    pub skipped: u64,
}

/// One request line of a driver (the `support.rs` of every driver prints them).
#[derive(Debug, Deserialize)]
struct DriverLine {
    kind: String,
    operation: String,
    #[serde(default)]
    check: String,
    #[serde(default)]
    sent: bool,
    #[serde(default)]
    status: Option<serde_json::Value>,
    #[serde(default)]
    request_violations: Vec<String>,
    #[serde(default)]
    response_violations: Vec<String>,
    #[serde(default)]
    decoded: bool,
    #[serde(default)]
    prism_invalid_response: bool,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    prism_limit: Option<String>,
}

/// A document's measured counts and the lines that explain them.
#[derive(Debug, Default, Clone)]
pub struct Measured {
    /// The counts.
    pub counts: Counts,
    /// Each violation, undecoded response, skip and note, one line each.
    pub findings: Vec<String>,
    /// The operations the driver named (static and dynamic runs together).
    pub operations: BTreeSet<String>,
    /// The operations skipped for a limit of Prism.
    pub skipped: BTreeSet<String>,
    /// Each run of the driver that failed (exited non-zero, crashed, timed out), with its mode.
    pub driver_failures: Vec<String>,
}

/// Folds a driver's output into counts. Lines that are not JSON objects (a panic message) are
/// findings, never silently dropped.
pub fn aggregate(output: &str, measured: &mut Measured) {
    for line in output.lines().filter(|line| !line.trim().is_empty()) {
        let parsed: DriverLine = match serde_json::from_str(line) {
            Ok(parsed) => parsed,
            Err(_) => {
                measured
                    .findings
                    .push(format!("driver output: {}", line.trim()));
                continue;
            }
        };
        match parsed.kind.as_str() {
            "operation" => {
                measured.operations.insert(parsed.operation);
            }
            "skip" => {
                measured.skipped.insert(parsed.operation.clone());
                measured
                    .findings
                    .push(format!("{}: skipped: {}", parsed.operation, parsed.reason));
            }
            "not_forced" => {
                let status = parsed.status.map(|s| s.to_string()).unwrap_or_default();
                measured.findings.push(format!(
                    "{}: status {} not forced: {}",
                    parsed.operation,
                    status.trim_matches('"'),
                    parsed.reason
                ));
            }
            "request" => {
                let what = format!("{} [{}]", parsed.operation, parsed.check);
                if let Some(limit) = &parsed.prism_limit {
                    // Not counted as a request: Prism could not answer it at all.
                    if measured.skipped.insert(parsed.operation.clone()) {
                        measured
                            .findings
                            .push(format!("{}: skipped: {limit}", parsed.operation));
                    }
                    continue;
                }
                let counts = &mut measured.counts;
                counts.requests += 1;
                if !parsed.sent {
                    measured
                        .findings
                        .push(format!("{what}: not sent: {}", parsed.detail));
                    continue;
                }
                if parsed.request_violations.is_empty() {
                    counts.accepted += 1;
                } else {
                    counts.violations += 1;
                    measured.findings.push(format!(
                        "{what}: violation: {}",
                        parsed.request_violations.join("; ")
                    ));
                }
                if parsed.decoded {
                    counts.decoded += 1;
                } else if parsed.prism_invalid_response {
                    counts.prism_invalid += 1;
                    measured.findings.push(format!(
                        "{what}: Prism's own response breaks the document: {}",
                        parsed.response_violations.join("; ")
                    ));
                } else if parsed.request_violations.is_empty() {
                    measured
                        .findings
                        .push(format!("{what}: not decoded: {}", parsed.detail));
                }
            }
            other => measured
                .findings
                .push(format!("driver output of unknown kind `{other}`")),
        }
    }
    measured.counts.operations = measured.operations.len() as u64;
    measured.counts.skipped = measured.skipped.len() as u64;
}

/// The document's verdict: a driver run that failed fails it, whatever the counts say (a dynamic
/// run that crashed leaves no dynamic counts, which [`judge`] cannot tell from a static run), and
/// otherwise the counts are [`judge`]d.
pub fn verdict(
    measured: &Counts,
    driver_failures: &[String],
    expected: Option<&Counts>,
) -> Result<(), String> {
    let judged = judge(measured, expected);
    if driver_failures.is_empty() {
        return judged;
    }
    let mut message = driver_failures.join(", ");
    if let Err(differences) = judged {
        message = format!("{message}, {differences}");
    }
    Err(message)
}

/// Compares measured counts with the expectation; `Err` names every difference.
pub fn judge(measured: &Counts, expected: Option<&Counts>) -> Result<(), String> {
    let Some(expected) = expected else {
        return Err("no expectation recorded (run with --bless to record one)".to_string());
    };
    let mut differences = Vec::new();
    if measured.prism != expected.prism {
        differences.push(format!(
            "Prism fed `{}`, expected `{}`",
            measured.prism, expected.prism
        ));
    }
    for (name, got, want) in [
        ("operations", measured.operations, expected.operations),
        ("requests", measured.requests, expected.requests),
        ("accepted", measured.accepted, expected.accepted),
        ("decoded", measured.decoded, expected.decoded),
        ("violations", measured.violations, expected.violations),
        ("skipped", measured.skipped, expected.skipped),
        (
            "Prism-invalid responses",
            measured.prism_invalid,
            expected.prism_invalid,
        ),
    ] {
        if got != want {
            differences.push(format!("{name} {got}, expected {want}"));
        }
    }
    if let Some(measured_dynamic) = &measured.dynamic {
        match expected.dynamic.as_ref().filter(|expected| {
            expected.responses_per_status == measured_dynamic.responses_per_status
        }) {
            None => differences.push(format!(
                "no expectation recorded for --dynamic {}",
                measured_dynamic.responses_per_status
            )),
            Some(want) => {
                for (name, got, wanted) in [
                    ("dynamic requests", measured_dynamic.requests, want.requests),
                    ("dynamic accepted", measured_dynamic.accepted, want.accepted),
                    ("dynamic decoded", measured_dynamic.decoded, want.decoded),
                    (
                        "dynamic violations",
                        measured_dynamic.violations,
                        want.violations,
                    ),
                    (
                        "dynamic Prism-invalid responses",
                        measured_dynamic.prism_invalid,
                        want.prism_invalid,
                    ),
                    ("dynamic skipped", measured_dynamic.skipped, want.skipped),
                ] {
                    if got != wanted {
                        differences.push(format!("{name} {got}, expected {wanted}"));
                    }
                }
            }
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(differences.join(", "))
    }
}

/// The final line, exactly as the issue words it.
pub fn total_line(rows: &[(String, Counts)]) -> String {
    let sum = |field: fn(&Counts) -> u64| rows.iter().map(|(_, counts)| field(counts)).sum::<u64>();
    let dynamic = |field: fn(&DynamicCounts) -> u64| {
        rows.iter()
            .filter_map(|(_, counts)| counts.dynamic.as_ref())
            .map(field)
            .sum::<u64>()
    };
    format!(
        "conformance: {} documents, {} operations, {} requests accepted, {} responses decoded, {} violations, {} skipped",
        rows.len(),
        sum(|counts| counts.operations),
        sum(|counts| counts.accepted) + dynamic(|counts| counts.accepted),
        sum(|counts| counts.decoded) + dynamic(|counts| counts.decoded),
        sum(|counts| counts.violations) + dynamic(|counts| counts.violations),
        sum(|counts| counts.skipped) + dynamic(|counts| counts.skipped),
    )
}

/// Removes every example value that holds a `$ref` key (schema, media type, parameter and header
/// examples, and the component examples such values are in, with the references to them), keeping
/// every other example and properties that happen to be named so. Prism resolves `$ref`s inside
/// example values, which OpenAPI says are literal data; this copy is what it is fed then. Examples
/// without `$ref`s stay: a response documented by examples alone would otherwise come back empty.
pub fn without_examples(value: &mut serde_json::Value) {
    fn holds_ref(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(object) => {
                object.contains_key("$ref") || object.values().any(holds_ref)
            }
            serde_json::Value::Array(items) => items.iter().any(holds_ref),
            _ => false,
        }
    }
    // An Example Object whose literal value holds a `$ref`, or a reference to a component one.
    fn tainted_example(example: &serde_json::Value, tainted_components: &BTreeSet<String>) -> bool {
        if let Some(reference) = example.get("$ref").and_then(|reference| reference.as_str()) {
            return reference
                .strip_prefix("#/components/examples/")
                .is_some_and(|name| tainted_components.contains(name));
        }
        example.get("value").is_some_and(holds_ref)
    }
    fn walk(
        value: &mut serde_json::Value,
        in_name_map: bool,
        tainted_components: &BTreeSet<String>,
    ) {
        match value {
            serde_json::Value::Object(object) => {
                if !in_name_map {
                    if object.get("example").is_some_and(holds_ref) {
                        object.remove("example");
                    }
                    match object.get_mut("examples") {
                        // A schema's `examples` (3.1): literal values.
                        Some(examples @ serde_json::Value::Array(_)) if holds_ref(examples) => {
                            object.remove("examples");
                        }
                        // A media type's, parameter's or header's: Example Objects by name.
                        Some(serde_json::Value::Object(examples)) => {
                            examples
                                .retain(|_, example| !tainted_example(example, tainted_components));
                            if examples.is_empty() {
                                object.remove("examples");
                            }
                        }
                        _ => {}
                    }
                }
                for (key, child) in object.iter_mut() {
                    // Under these keys the children are named by the document, not keywords.
                    let name_map = !in_name_map
                        && matches!(
                            key.as_str(),
                            "properties"
                                | "patternProperties"
                                | "schemas"
                                | "paths"
                                | "responses"
                                | "parameters"
                                | "headers"
                                | "content"
                                | "securitySchemes"
                                | "requestBodies"
                                | "callbacks"
                                | "links"
                                | "encoding"
                                | "$defs"
                                | "definitions"
                        );
                    walk(child, name_map, tainted_components);
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(item, false, tainted_components);
                }
            }
            _ => {}
        }
    }
    let mut tainted_components = BTreeSet::new();
    if let Some(examples) = value
        .pointer_mut("/components/examples")
        .and_then(|examples| examples.as_object_mut())
    {
        examples.retain(|name, example| {
            let tainted = example.get("value").is_some_and(holds_ref);
            if tainted {
                tainted_components.insert(name.clone());
            }
            !tainted
        });
    }
    walk(value, false, &tainted_components);
}

/// The path of a relative first server (`/api/v3`), without a trailing `/`; `None` for an absolute
/// one, a bare `/`, or none.
pub fn relative_server_path(document: &serde_json::Value) -> Option<String> {
    let url = document["servers"][0]["url"].as_str()?;
    if !url.starts_with('/') || url.starts_with("//") {
        return None;
    }
    let path = url.trim_end_matches('/');
    (!path.is_empty() && !path.contains('{')).then(|| path.to_string())
}

/// Moves every path under `prefix` (`/users` becomes `/api/v3/users`).
pub fn paths_under(document: &mut serde_json::Value, prefix: &str) {
    if let Some(paths) = document
        .get_mut("paths")
        .and_then(|paths| paths.as_object_mut())
    {
        let moved: serde_json::Map<String, serde_json::Value> = std::mem::take(paths)
            .into_iter()
            .map(|(path, item)| {
                if path.starts_with('/') {
                    (format!("{prefix}{path}"), item)
                } else {
                    (path, item)
                }
            })
            .collect();
        *paths = moved;
    }
}

struct Document {
    name: String,
    path: PathBuf,
}

fn select_documents(corpus: &Path, only: &[String]) -> Result<Vec<Document>> {
    let folder = if corpus.join("specs").is_dir() {
        corpus.join("specs")
    } else {
        corpus.to_path_buf()
    };
    let mut documents: Vec<Document> = std::fs::read_dir(&folder)
        .with_context(|| format!("cannot list the corpus at {}", folder.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .and_then(|extension| extension.to_str())
                    .is_some_and(|extension| matches!(extension, "json" | "yaml" | "yml"))
        })
        .map(|path| Document {
            name: path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path,
        })
        .filter(|document| {
            only.is_empty()
                || only
                    .iter()
                    .any(|part| document.name.contains(part.as_str()))
        })
        .collect();
    documents.sort_by(|left, right| left.name.cmp(&right.name));
    Ok(documents)
}

fn crate_name_for(file_name: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let mut name = String::from("conformance");
    for part in stem
        .split(|character: char| !character.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
    {
        name.push('-');
        name.push_str(&part.to_ascii_lowercase());
    }
    name
}

/// A document's driver, built (or why not), and how long generating and building took.
struct Prepared {
    executable: Result<PathBuf, String>,
    note: Option<String>,
    took: Duration,
}

struct Runner {
    root: PathBuf,
    work_dir: PathBuf,
    prism_entry: PathBuf,
    args: ConformanceArgs,
}

impl Runner {
    /// Generates the client (with `--skip-invalid` when the document is defective) and its driver.
    fn generate(&self, document: &Document) -> Result<(PathBuf, Option<String>)> {
        let crate_name = crate_name_for(&document.name);
        let client_dir = self.work_dir.join("crates").join(&crate_name);
        let mut note = None;
        let mut skip_invalid = false;
        if let Err(error) = crate::codegen::generate_standalone(
            &document.path,
            &client_dir,
            Some(&crate_name),
            None,
            crate::codegen::Mode::Write,
            false,
        ) {
            skip_invalid = true;
            note = Some(format!(
                "defective document, client generated with --skip-invalid: {}",
                format!("{error:#}").lines().next().unwrap_or_default()
            ));
            crate::codegen::generate_standalone(
                &document.path,
                &client_dir,
                Some(&crate_name),
                None,
                crate::codegen::Mode::Write,
                true,
            )?;
        }
        let bytes = std::fs::read(&document.path)
            .with_context(|| format!("cannot read {}", document.path.display()))?;
        let module = crate::codegen::standalone_module_name(&crate_name);
        let source = generator::ProviderSource {
            spec_path: document.name.clone(),
            spec_bytes: &bytes,
            config: generator::ProviderConfig::for_standalone_spec(&module, &document.name),
        };
        let files = generator::conformance_driver(
            &source,
            skip_invalid,
            &crate_name,
            &format!("../../crates/{crate_name}"),
        )?;
        let driver_dir = self.work_dir.join("drivers").join(&crate_name);
        for file in &files {
            let path = driver_dir.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            crate::ensure::ensure_file_contents(
                crate::ensure::Mode::Write,
                &path,
                &file.path,
                &file.contents,
            )?;
        }
        let lock = driver_dir.join("Cargo.lock");
        if !lock.exists() {
            // The workspace lock pins the dependencies the clients and drivers use.
            std::fs::copy(self.root.join("Cargo.lock"), &lock)?;
        }
        Ok((driver_dir, note))
    }

    /// Builds the driver in the shared target directory; returns the executable.
    fn build(&self, driver_dir: &Path) -> Result<PathBuf, String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(["build", "--quiet", "--offline", "--message-format=short"])
            .arg("--manifest-path")
            .arg(driver_dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", self.work_dir.join("target"))
            .env_remove("RUSTFLAGS")
            .env("CARGO_INCREMENTAL", "0");
        let (status, _, stderr) =
            crate::corpus::run_with_limit(command, Duration::from_secs(self.args.build_timeout))
                .map_err(|error| format!("{error:#}"))?;
        match status {
            Some(status) if status.success() => {}
            Some(_) => {
                let errors: Vec<&str> = stderr
                    .lines()
                    .filter(|line| line.contains("error"))
                    .take(5)
                    .collect();
                return Err(format!(
                    "the driver does not compile: {}",
                    errors.join(" | ")
                ));
            }
            None => {
                return Err(format!(
                    "the driver build took longer than {} s",
                    self.args.build_timeout
                ))
            }
        }
        let name = driver_dir
            .file_name()
            .map(|name| format!("{}-conformance", name.to_string_lossy()))
            .unwrap_or_default();
        Ok(self
            .work_dir
            .join("target/debug")
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
    }

    /// Starts Prism on the document, or on a derived copy without example values when Prism
    /// cannot load the document itself; returns how it was fed.
    /// Starts Prism on the document, or on a derived copy: with the paths under the path of a
    /// relative first server (Prism serves paths at its root, while the client sends them under
    /// that path), and, when Prism cannot load the document, without example values. Returns how
    /// it was fed.
    fn start_prism(
        &self,
        document: &Document,
        mode: prism::Mode,
    ) -> Result<(Prism, String), String> {
        let limit = Duration::from_secs(120);
        let read = || {
            self.read_document(document)
                .map_err(|error| format!("{error:#}"))
        };
        // A document serde cannot read as JSON (a number past 64 bits) still goes to Prism as is.
        let prefix = read()
            .ok()
            .and_then(|document| relative_server_path(&document));
        let (first_path, first_fed) = match &prefix {
            None => (document.path.clone(), "document".to_string()),
            Some(prefix) => {
                let mut value = read()?;
                paths_under(&mut value, prefix);
                let path = self
                    .write_derived(document, "paths-under-server", &value)
                    .map_err(|error| format!("{error:#}"))?;
                (path, format!("derived copy, paths under {prefix}"))
            }
        };
        let first = match Prism::start(&self.prism_entry, &first_path, mode, limit) {
            Ok(prism) => return Ok((prism, first_fed)),
            Err(error) => format!("{error:#}"),
        };
        let mut value = read()?;
        if let Some(prefix) = &prefix {
            paths_under(&mut value, prefix);
        }
        without_examples(&mut value);
        let derived = self
            .write_derived(document, "without-examples", &value)
            .map_err(|error| {
                format!("Prism cannot load the document ({first}); no derived copy: {error:#}")
            })?;
        let fed = match &prefix {
            None => "derived copy without $ref examples".to_string(),
            Some(prefix) => format!("derived copy without $ref examples, paths under {prefix}"),
        };
        match Prism::start(&self.prism_entry, &derived, mode, limit) {
            Ok(prism) => Ok((prism, fed)),
            Err(error) => Err(format!(
                "Prism cannot load the document ({first}), nor a copy without the examples that hold `$ref`s ({error:#})"
            )),
        }
    }

    fn read_document(&self, document: &Document) -> Result<serde_json::Value> {
        let text = std::fs::read_to_string(&document.path)?;
        Ok(if document.name.ends_with(".json") {
            serde_json::from_str(&text)?
        } else {
            serde_norway::from_str(&text)?
        })
    }

    fn write_derived(
        &self,
        document: &Document,
        what: &str,
        value: &serde_json::Value,
    ) -> Result<PathBuf> {
        let folder = self.work_dir.join("derived");
        std::fs::create_dir_all(&folder)?;
        let path = folder.join(format!("{}.{what}.json", document.name));
        std::fs::write(&path, serde_json::to_vec(value)?)?;
        Ok(path)
    }

    fn run_driver(&self, executable: &Path, prism: &Prism, dynamic: u32) -> Result<String, String> {
        let mut command = Command::new(executable);
        command.arg(prism.base_url());
        if dynamic > 0 {
            command.args(["--dynamic", &dynamic.to_string()]);
        }
        let (status, stdout, stderr) =
            crate::corpus::run_with_limit(command, Duration::from_secs(self.args.run_timeout))
                .map_err(|error| format!("{error:#}"))?;
        match status {
            Some(status) if status.success() => Ok(stdout),
            Some(status) => Err(format!(
                "the driver failed ({status}): {}",
                stderr.lines().rev().take(3).collect::<Vec<_>>().join(" | ")
            )),
            None => Err(format!(
                "the driver took longer than {} s; Prism: {}",
                self.args.run_timeout,
                prism.log_tail(3)
            )),
        }
    }

    /// Generates the client and driver and builds the driver: what [`Runner::check`] runs, or why
    /// nothing can be (with the generator's note on a defective document either way).
    fn prepare(&self, document: &Document) -> Prepared {
        let started = Instant::now();
        let mut prepared = Prepared {
            executable: Err(String::new()),
            note: None,
            took: Duration::ZERO,
        };
        prepared.executable = match self.generate(document) {
            Ok((driver_dir, note)) => {
                prepared.note = note;
                self.build(&driver_dir)
            }
            Err(error) => Err(format!("generation failed: {error:#}")),
        };
        prepared.took = started.elapsed();
        prepared
    }

    /// Runs a prepared driver against Prism (static, then dynamic) and measures it.
    fn check(&self, document: &Document, prepared: Prepared) -> Measured {
        let mut measured = Measured::default();
        measured.findings.extend(prepared.note);
        let executable = match prepared.executable {
            Ok(executable) => executable,
            Err(error) => {
                measured.counts.prism = "not run".to_string();
                measured.findings.push(error);
                return measured;
            }
        };
        let mut modes = vec![(prism::Mode::Static, 0)];
        if self.args.dynamic > 0 {
            modes.push((prism::Mode::Dynamic, self.args.dynamic));
        }
        for (mode, dynamic) in modes {
            let (prism, fed) = match self.start_prism(document, mode) {
                Ok(started) => started,
                Err(error) => {
                    // Every operation is named as skipped, with the reason.
                    measured.counts.prism = "does not start".to_string();
                    measured.findings.push(error);
                    return measured;
                }
            };
            measured.counts.prism = fed;
            let output = match self.run_driver(&executable, &prism, dynamic) {
                Ok(output) => output,
                Err(error) => {
                    let run = if mode == prism::Mode::Static {
                        "static run"
                    } else {
                        "dynamic run"
                    };
                    measured.driver_failures.push(format!("{run}: {error}"));
                    measured.findings.push(error);
                    continue;
                }
            };
            if mode == prism::Mode::Static {
                aggregate(&output, &mut measured);
                continue;
            }
            let mut pass = Measured::default();
            aggregate(&output, &mut pass);
            measured.counts.dynamic = Some(DynamicCounts {
                responses_per_status: dynamic,
                requests: pass.counts.requests,
                accepted: pass.counts.accepted,
                decoded: pass.counts.decoded,
                violations: pass.counts.violations,
                prism_invalid: pass.counts.prism_invalid,
                skipped: 0,
            });
            measured.findings.extend(
                pass.findings
                    .into_iter()
                    .filter(|finding| !finding.contains("not forced"))
                    .map(|finding| format!("dynamic: {finding}")),
            );
            let skipped_by_static_pass = measured.skipped.len();
            measured.skipped.extend(pass.skipped);
            if let Some(dynamic_counts) = measured.counts.dynamic.as_mut() {
                dynamic_counts.skipped = (measured.skipped.len() - skipped_by_static_pass) as u64;
            }
        }
        measured
    }
}

/// Runs the conformance check and prints the table and total; returns whether every document was
/// as expected.
pub fn run(root: &Path, args: ConformanceArgs) -> Result<bool> {
    let started = Instant::now();
    let corpus = args
        .corpus
        .clone()
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let expectations_path = args
        .expectations
        .clone()
        .unwrap_or_else(|| root.join("xtask/conformance-expectations.toml"));
    let mut expectations: Expectations = match std::fs::read_to_string(&expectations_path) {
        Ok(text) => toml::from_str(&text)
            .with_context(|| format!("invalid {}", expectations_path.display()))?,
        Err(_) if args.bless => Expectations::default(),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot read {}", expectations_path.display()))
        }
    };
    let documents: Vec<Document> = select_documents(&corpus, &args.only)?
        .into_iter()
        .filter(|document| {
            !args.quick
                || expectations
                    .document
                    .get(&document.name)
                    .is_some_and(|expected| expected.quick)
        })
        .collect();
    if documents.is_empty() {
        bail!("no documents selected in {}", corpus.display());
    }
    let work_dir = args
        .work_dir
        .clone()
        .unwrap_or_else(|| root.join("target/conformance"));
    std::fs::create_dir_all(&work_dir)?;
    let runner = Runner {
        root: root.to_path_buf(),
        prism_entry: prism::install(root)?,
        work_dir,
        args: args.clone(),
    };
    println!(
        "conformance: {} document(s) from {}{}",
        documents.len(),
        corpus.display(),
        if args.dynamic > 0 {
            format!(", {} dynamic response(s) per status", args.dynamic)
        } else {
            String::new()
        }
    );
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    // Building a driver takes one core (rustc) and running one takes the other (Prism and the
    // driver), so the next documents' drivers are built while this one runs. Rows are still
    // printed in the documents' order.
    let (prepared_sender, prepared_receiver) = std::sync::mpsc::channel();
    std::thread::scope(|scope| -> Result<()> {
        let runner = &runner;
        let documents = &documents;
        scope.spawn(move || {
            for document in documents {
                if prepared_sender.send(runner.prepare(document)).is_err() {
                    break;
                }
            }
        });
        for document in documents {
            let prepared = prepared_receiver
                .recv()
                .context("the thread building the drivers ended early")?;
            let built_in = prepared.took;
            let document_started = Instant::now();
            let measured = runner.check(document, prepared);
            let mut counts = measured.counts.clone();
            if counts.prism == "does not start" || counts.prism == "not run" {
                // Nothing was called: every operation the document has counts as skipped.
                counts.skipped = std::fs::read(&document.path)
                    .ok()
                    .and_then(|bytes| generator::load::document_facts(&bytes))
                    .map_or(0, |facts| facts.operations as u64);
            }
            let expected = expectations.document.get(&document.name);
            counts.quick = expected.is_some_and(|expected| expected.quick);
            let verdict = verdict(&counts, &measured.driver_failures, expected);
            println!(
            "{:<42} {:<30} {:>5} ops {:>6} req {:>6} accepted {:>6} decoded {:>4} violations {:>4} skipped {:>4} Prism-invalid  built in {:.0} s, run in {:.0} s{}",
            document.name,
            counts.prism,
            counts.operations,
            counts.requests,
            counts.accepted,
            counts.decoded,
            counts.violations,
            counts.skipped,
            counts.prism_invalid,
            built_in.as_secs_f64(),
            document_started.elapsed().as_secs_f64(),
            match &verdict {
                Ok(()) => String::new(),
                Err(message) if args.bless => format!("  (recorded; was: {message})"),
                Err(message) => format!("  FAILED: {message}"),
            }
        );
            if let Some(dynamic) = &counts.dynamic {
                println!(
                "    dynamic ({} per status): {} req {} accepted {} decoded {} violations {} Prism-invalid",
                dynamic.responses_per_status,
                dynamic.requests,
                dynamic.accepted,
                dynamic.decoded,
                dynamic.violations,
                dynamic.prism_invalid
            );
            }
            // The worst first, so a long list never hides a violation.
            let mut findings = measured.findings.clone();
            findings.sort_by_key(|finding| {
                [
                    ": violation: ",
                    ": not sent: ",
                    ": not decoded: ",
                    "skipped: ",
                ]
                .iter()
                .position(|kind| finding.contains(kind))
                .unwrap_or(4)
            });
            for finding in findings.iter().take(200) {
                println!("    {finding}");
            }
            if measured.findings.len() > 200 {
                println!("    ... and {} more", measured.findings.len() - 200);
            }
            if let Err(message) = verdict {
                failures.push(format!("{}: {message}", document.name));
            }
            rows.push((document.name.clone(), counts));
        }
        Ok(())
    })?;
    println!();
    println!("{}", table(&rows));
    println!("{}", total_line(&rows));
    println!("conformance: took {:.0} s", started.elapsed().as_secs_f64());
    if args.bless {
        for (name, counts) in &rows {
            let mut counts = counts.clone();
            if counts.dynamic.is_none() {
                // A static run keeps what a dynamic run recorded.
                counts.dynamic = expectations
                    .document
                    .get(name)
                    .and_then(|previous| previous.dynamic.clone());
            }
            expectations.document.insert(name.clone(), counts);
        }
        let text = format!(
            "{}{}",
            EXPECTATIONS_HEADER,
            toml::to_string(&expectations).context("cannot write the expectations")?
        );
        crate::ensure::ensure_file_contents(
            crate::ensure::Mode::Write,
            &expectations_path,
            &expectations_path.display().to_string(),
            &text,
        )
        .with_context(|| format!("cannot write {}", expectations_path.display()))?;
        println!("conformance: recorded in {}", expectations_path.display());
        return Ok(true);
    }
    for failure in &failures {
        eprintln!("error: {failure}");
    }
    if !failures.is_empty() {
        eprintln!(
            "error: {} of {} document(s) differ from {} (a regression, or an improvement to record with --bless)",
            failures.len(),
            rows.len(),
            expectations_path.display()
        );
    }
    Ok(failures.is_empty())
}

const EXPECTATIONS_HEADER: &str =
    "# Expected outcome of `cargo xtask conformance` per document of the real-world corpus
# (../shared/corpus/specs): every count must match, so a regression (and an improvement) fails until
# it is recorded with `cargo xtask conformance --bless`.
#
# prism       how Prism was fed: the document, or a derived copy without example values (Prism
#             resolves `$ref`s inside example values), or why it could not be
# operations  operations the driver called; requests: requests sent (full and required-only values,
#             each success and documented error status forced with `Prefer: code=N`)
# accepted    requests Prism accepted (no request violation in `sl-violations`)
# decoded     responses that decoded as expected (success value, or the status's own error variant)
# violations  requests Prism reported a violation of the document for
# skipped     operations with a request Prism could not judge, for a limit of Prism (each named with
#             its reason in the output; its other requests are still counted)
# prism_invalid  responses Prism made up and then found invalid itself (its generator stops at a
#             depth limit in recursive schemas; or the document's example breaks its schema)
# quick       part of `cargo xtask conformance --quick` (CI)

";

fn table(rows: &[(String, Counts)]) -> String {
    let mut text = String::from(
        "| document | Prism fed | operations | requests | accepted | decoded | violations | skipped | Prism-invalid responses |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (name, counts) in rows {
        let _ = writeln!(
            text,
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |",
            counts.prism,
            counts.operations,
            counts.requests,
            counts.accepted,
            counts.decoded,
            counts.violations,
            counts.skipped,
            counts.prism_invalid
        );
    }
    text
}
