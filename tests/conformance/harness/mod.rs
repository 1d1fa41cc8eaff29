//! The conformance harness: Stoplight Prism (`@stoplight/prism-cli`, pinned in `prism/package-lock.json`)
//! serving one OpenAPI document on a free loopback port, with request validation on (`--errors`).
//!
//! - [`Prism::start`] installs Prism the first time (`npm ci`, once per checkout and lockfile), starts
//!   `prism mock --errors [-d] <spec> --port N --host 127.0.0.1`, and waits for its "listening" line.
//!   Dropping the [`Prism`] guard kills its process group, also when the test panics; on Linux the
//!   server also dies with the test thread that started it (parent-death signal), so not even a killed
//!   test binary leaves a server behind.
//! - [`Prefer`] builds the `reqwest::Client` a generated client is given (`Client::with_http_client`):
//!   it carries Prism's `Prefer` header (`code=NNN` picks a documented status, `example=KEY` a named
//!   example, `seed=S` makes a dynamic response reproducible) and follows no redirects.
//! - Prism reports every request *and* response violation in an `sl-violations` header; with `--errors`
//!   a response that breaks the spec becomes a 500. [`assert_no_violations`] checks the header.
//! - [`spec`] reads the OpenAPI documents so the tests can check they cover every operation and status.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::future::Future;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};

pub mod outcome;
pub mod spec;

pub use outcome::{expect_error, expect_success, CallCheck};

/// How many dynamically generated responses must decode, per documented status, in dynamic mode.
pub const DYNAMIC_CALLS: u32 = 50;

/// How many seeds dynamic mode may try to get [`DYNAMIC_CALLS`] responses that Prism's own validation
/// accepts (its generator ignores a few keywords, such as 3.1's numeric `exclusiveMinimum`).
pub const MAX_DYNAMIC_SEEDS: u32 = 8 * DYNAMIC_CALLS;

/// What to install when Node.js or npm is missing.
const NODE_HELP: &str = "the conformance tests run Stoplight Prism (tests/conformance/prism), which needs Node.js >= 18.20.1 and npm on PATH. \
Install them (Debian/Ubuntu: `apt-get install nodejs npm`; otherwise https://nodejs.org/en/download), then run `cargo test --workspace` again";

/// The workspace root (specs and fixtures are named relative to it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the workspace")
        .to_path_buf()
}

/// The npm project that pins Prism.
fn prism_project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/prism")
}

/// Prism's entry script, installed with `npm ci` on first use.
///
/// One install per process (a `OnceLock`), and one at a time across processes (an exclusive `flock` on a
/// file in Cargo's target tmp dir), so test binaries running side by side never race. A marker in
/// `node_modules` holds the lockfile the install came from: a changed lockfile reinstalls.
pub fn prism_entry() -> &'static Path {
    static INSTALL: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match INSTALL.get_or_init(install_prism) {
        Ok(entry) => entry,
        Err(message) => panic!("{message}"),
    }
}

fn install_prism() -> Result<PathBuf, String> {
    check_node()?;
    let project = prism_project();
    let entry = project.join("node_modules/@stoplight/prism-cli/dist/index.js");
    let marker = project.join("node_modules/.conformance-installed-from-lockfile");
    let lockfile_path = project.join("package-lock.json");
    let lockfile = std::fs::read(&lockfile_path)
        .map_err(|error| format!("cannot read {}: {error}", lockfile_path.display()))?;

    let lock_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance-prism-npm-ci.lock");
    let _lock = FileLock::exclusive(&lock_path)?;
    let installed = entry.is_file() && std::fs::read(&marker).is_ok_and(|bytes| bytes == lockfile);
    if installed {
        return Ok(entry);
    }
    check_tool("npm")?;
    eprintln!(
        "conformance: installing Prism with `npm ci --prefix {}` (first run only)",
        project.display()
    );
    let output = Command::new("npm")
        .args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(&project)
        .current_dir(&project)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run `npm ci`: {error}; {NODE_HELP}"))?;
    if !output.status.success() {
        return Err(format!(
            "`npm ci --prefix {}` failed ({}); it needs network access to the npm registry the first time.\n--- stdout\n{}\n--- stderr\n{}",
            project.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        ));
    }
    if !entry.is_file() {
        return Err(format!(
            "`npm ci` succeeded but {} is missing",
            entry.display()
        ));
    }
    std::fs::write(&marker, &lockfile)
        .map_err(|error| format!("cannot write {}: {error}", marker.display()))?;
    Ok(entry)
}

/// Node must be on PATH and new enough for Prism 5.14 (`engines: node >= 18.20.1`).
fn check_node() -> Result<(), String> {
    let version = check_tool("node")?;
    let numbers: Vec<u64> = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .map(|part| part.parse().unwrap_or(0))
        .collect();
    if numbers.as_slice() < [18, 20, 1].as_slice() {
        return Err(format!("found Node.js {}, but {NODE_HELP}", version.trim()));
    }
    Ok(())
}

/// Runs `tool --version`; a missing tool is an error that says what to install.
fn check_tool(tool: &str) -> Result<String, String> {
    match Command::new(tool)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(output) if output.status.success() => {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Ok(output) => Err(format!(
            "`{tool} --version` failed ({}): {}; {NODE_HELP}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(error) => Err(format!(
            "`{tool}` was not found on PATH ({error}): {NODE_HELP}"
        )),
    }
}

/// An exclusive advisory lock on a file, released on drop (or when the process dies).
struct FileLock {
    _file: std::fs::File,
}

impl FileLock {
    fn exclusive(path: &Path) -> Result<FileLock, String> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // SAFETY: flock on a file descriptor we own; blocks until the lock is free.
            let result = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
            if result != 0 {
                return Err(format!(
                    "cannot lock {}: {}",
                    path.display(),
                    std::io::Error::last_os_error()
                ));
            }
        }
        Ok(FileLock { _file: file })
    }
}

/// Static mode answers with the spec's examples (or a sample built from the schema); dynamic mode
/// (`-d`) generates a random response from the schema for every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Static,
    Dynamic,
}

/// A running Prism mock server; dropping it stops the server.
pub struct Prism {
    child: Child,
    port: u16,
    spec: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
}

impl Prism {
    /// Starts Prism on `spec` (relative to the workspace root, or absolute) and waits until it listens.
    pub fn start(spec: &str, mode: Mode) -> Prism {
        let entry = prism_entry();
        let spec_path = workspace_root().join(spec);
        assert!(spec_path.is_file(), "no spec at {}", spec_path.display());
        let mut failures = Vec::new();
        // A port found free can be taken before Prism binds it; try a few.
        for _ in 0..3 {
            match Prism::try_start(entry, &spec_path, mode, free_loopback_port()) {
                Ok(prism) => return prism,
                Err(failure) => failures.push(failure),
            }
        }
        panic!(
            "Prism did not start on {}:\n{}",
            spec_path.display(),
            failures.join("\n---\n")
        );
    }

    fn try_start(entry: &Path, spec: &Path, mode: Mode, port: u16) -> Result<Prism, String> {
        let mut command = Command::new("node");
        command.arg(entry).args(["mock", "--errors"]);
        if mode == Mode::Dynamic {
            // A server-wide seed makes even a request without `Prefer: seed=` reproducible.
            command.args(["--dynamic", "--seed", "conformance"]);
        }
        command
            .arg(spec)
            .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        isolate(&mut command);
        let mut child = command
            .spawn()
            .map_err(|error| format!("cannot run node: {error}; {NODE_HELP}"))?;

        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let listening = format!("Prism is listening on http://127.0.0.1:{port}");
        spawn_log_reader(
            child.stdout.take().expect("stdout is piped"),
            Arc::clone(&log),
            Some((listening, ready_tx)),
        );
        spawn_log_reader(
            child.stderr.take().expect("stderr is piped"),
            Arc::clone(&log),
            None,
        );

        let mut prism = Prism {
            child,
            port,
            spec: spec.to_path_buf(),
            log,
        };
        // A cold node on a busy 2-core machine can take several seconds.
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            match ready_rx.recv_timeout(Duration::from_millis(50)) {
                Ok(()) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    // stdout closed without the line: Prism exited (port taken, bad spec, ...).
                    let status = prism.child.wait().ok();
                    return Err(format!(
                        "Prism exited ({status:?}) before listening on port {port}:\n{}",
                        prism.log_text()
                    ));
                }
            }
            if let Ok(Some(status)) = prism.child.try_wait() {
                return Err(format!(
                    "Prism exited ({status}) before listening on port {port}:\n{}",
                    prism.log_text()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "Prism did not listen on port {port} within 90 s:\n{}",
                    prism.log_text()
                ));
            }
        }
        Ok(prism)
    }

    /// `http://127.0.0.1:PORT`: Prism serves the spec's paths at the root, whatever path the spec's
    /// `servers` URL has (Mobile Calendar's `/v1/public` is not part of the routes).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's output so far.
    pub fn log_text(&self) -> String {
        self.log
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }

    /// Calls with one seed after another (`Prefer: seed=conformance-N`, plus `code=` when given) until
    /// [`DYNAMIC_CALLS`] responses have decoded; `call` reports each outcome. A seed for which Prism
    /// generates a response that breaks the spec (and so refuses it itself) is skipped, at most up to
    /// [`MAX_DYNAMIC_SEEDS`] seeds in all; any other failure fails at once, naming the seed. The seeds
    /// are fixed, so a run is reproducible. Fails unless the decoded values differ: a dynamic server
    /// that always answers the same proves little.
    pub async fn dynamic_calls<F, Fut>(&self, what: &str, code: Option<u16>, mut call: F)
    where
        F: FnMut(reqwest::Client) -> Fut,
        Fut: Future<Output = CallCheck>,
    {
        let mut distinct = BTreeSet::new();
        let mut decoded = 0;
        let mut skipped = Vec::new();
        let mut index = 0;
        while decoded < DYNAMIC_CALLS {
            assert!(
                index < MAX_DYNAMIC_SEEDS,
                "{what}: only {decoded} of {index} dynamic responses were valid by Prism's own validation; first refused: {}",
                skipped.first().map(String::as_str).unwrap_or_default()
            );
            let prefer = Prefer {
                code,
                seed: Some(format!("conformance-{index}")),
                example: None,
            };
            match call(prefer.client()).await {
                CallCheck::Decoded(fingerprint) => {
                    decoded += 1;
                    distinct.insert(fingerprint);
                }
                CallCheck::PrismGeneratedInvalid(text) => skipped.push(text),
                CallCheck::Failed(failure) => panic!(
                    "{what}: dynamic response {index} (`Prefer: {}`) did not decode: {failure}\n--- Prism log (tail)\n{}",
                    prefer.header_value().unwrap_or_default(),
                    tail(&self.log_text(), 60)
                ),
            }
            index += 1;
        }
        if !skipped.is_empty() {
            eprintln!(
                "{what}: {} of {index} generated responses broke the spec by Prism's own validation and were skipped; first: {}",
                skipped.len(),
                skipped[0]
            );
        }
        assert!(
            distinct.len() > 1,
            "{what}: {DYNAMIC_CALLS} dynamic responses all decoded to the same value; is Prism generating?"
        );
    }
}

/// A 500 that Prism made of its own generated response because that response broke the spec: every
/// violation it reports is in the response, none in the request.
pub fn prism_generated_invalid(status: reqwest::StatusCode, headers: &HeaderMap) -> bool {
    let violations = violations(headers);
    status == reqwest::StatusCode::INTERNAL_SERVER_ERROR
        && !violations.is_empty()
        && violations
            .iter()
            .all(|violation| violation["location"][0] == "response")
}

impl Drop for Prism {
    fn drop(&mut self) {
        terminate(&mut self.child);
        if std::thread::panicking() {
            eprintln!(
                "--- Prism log for {} (port {}), last lines:\n{}",
                self.spec.display(),
                self.port,
                tail(&self.log_text(), 80)
            );
        }
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn spawn_log_reader(
    stream: impl Read + Send + 'static,
    log: Arc<Mutex<Vec<String>>>,
    mut ready: Option<(String, mpsc::Sender<()>)>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some((needle, sender)) = &ready {
                if line.contains(needle.as_str()) {
                    let _ = sender.send(());
                    ready = None;
                }
            }
            if let Ok(mut lines) = log.lock() {
                lines.push(line);
            }
        }
    });
}

/// Puts Prism in its own process group (so the whole group can be killed) and, on Linux, asks the
/// kernel to kill it when the thread that started it dies (a test binary killed with SIGKILL included).
fn isolate(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: the closure runs between fork and exec and calls only async-signal-safe functions.
        let parent = unsafe { libc::getpid() };
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent may have died before prctl took effect.
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
}

/// SIGTERM to Prism's process group, SIGKILL if it is still there after 5 s, then reap it.
fn terminate(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    #[cfg(unix)]
    {
        let group = -(child.id() as libc::pid_t);
        // SAFETY: kill(2) on the process group we created; the leader is not reaped yet.
        unsafe { libc::kill(group, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: as above; the leader is still not reaped.
        unsafe { libc::kill(group, libc::SIGKILL) };
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A loopback port nothing listens on right now.
fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind an ephemeral loopback port")
        .port()
}

/// Prism's per-request preferences, sent in a `Prefer` header by every request of the client it builds.
#[derive(Debug, Clone, Default)]
pub struct Prefer {
    /// `code=NNN`: answer with this documented status.
    pub code: Option<u16>,
    /// `example=KEY`: answer with this named example (static mode).
    pub example: Option<String>,
    /// `seed=S`: generate this dynamic response deterministically.
    pub seed: Option<String>,
}

impl Prefer {
    /// No preferences: Prism picks the first documented success.
    pub fn none() -> Prefer {
        Prefer::default()
    }

    /// `Prefer: code=NNN`.
    pub fn code(code: u16) -> Prefer {
        Prefer {
            code: Some(code),
            ..Prefer::default()
        }
    }

    /// The header value, if there is anything to prefer.
    pub fn header_value(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(code) = self.code {
            parts.push(format!("code={code}"));
        }
        if let Some(example) = &self.example {
            parts.push(format!("example={example}"));
        }
        if let Some(seed) = &self.seed {
            parts.push(format!("seed={seed}"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// An HTTP client for `Client::with_http_client`: sends the `Prefer` header, follows no redirects,
    /// and gives up after 30 s.
    pub fn client(&self) -> reqwest::Client {
        let mut headers = HeaderMap::new();
        if let Some(value) = self.header_value() {
            headers.insert(
                "prefer",
                HeaderValue::from_str(&value).expect("a valid Prefer header"),
            );
        }
        reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("build the test http client")
    }
}

/// Fails if Prism reported a request or response violation (`sl-violations`) for this exchange.
pub fn assert_no_violations(headers: &HeaderMap, what: &str) {
    if let Some(violations) = headers.get("sl-violations") {
        panic!(
            "{what}: Prism reports violations of the spec: {}",
            String::from_utf8_lossy(violations.as_bytes())
        );
    }
}

/// The violations Prism reported (`sl-violations`), as JSON; empty when there were none.
pub fn violations(headers: &HeaderMap) -> Vec<serde_json::Value> {
    headers
        .get("sl-violations")
        .and_then(|value| serde_json::from_slice(value.as_bytes()).ok())
        .unwrap_or_default()
}

/// Sends a request that breaks the spec with plain reqwest, and checks that Prism rejects it with a
/// 4xx and reports the violation. `mentions` must occur in a reported violation message.
pub async fn assert_rejected(prism: &Prism, request: reqwest::RequestBuilder, mentions: &str) {
    let response = request.send().await.expect("Prism answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    let mut messages: Vec<String> = violations(&headers)
        .iter()
        .filter_map(|violation| violation["message"].as_str().map(str::to_string))
        .collect();
    // Without a documented 400/422/401 Prism answers with its own problem+json naming the violations.
    if let Ok(problem) = serde_json::from_str::<serde_json::Value>(&body) {
        if let Some(validation) = problem["validation"].as_array() {
            messages.extend(
                validation
                    .iter()
                    .filter_map(|violation| violation["message"].as_str().map(str::to_string)),
            );
        }
        if let Some(detail) = problem["detail"].as_str() {
            messages.push(detail.to_string());
        }
    }
    assert!(
        status.is_client_error(),
        "Prism accepted an invalid request ({status}); is request validation on? body: {body}\n--- Prism log (tail)\n{}",
        tail(&prism.log_text(), 40)
    );
    assert!(
        messages.iter().any(|message| message.contains(mentions)),
        "Prism rejected the request ({status}) but no violation mentions `{mentions}`: {messages:?}"
    );
}
