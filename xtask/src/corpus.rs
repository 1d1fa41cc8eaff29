//! `cargo xtask corpus`: runs the generator over a corpus of real-world OpenAPI documents, checks
//! each generated crate (`cargo clippy -D warnings`, then `cargo doc` with rustdoc's lints as errors), prints one row per document and compares the outcome with a committed
//! expectations file.
//!
//! Generation runs in a child process (`xtask corpus-one`), so a panic, a stack overflow or a hang in
//! the generator is observed as a crash or a hang of that child, never of the whole run. Every
//! generated crate is checked with one shared `CARGO_TARGET_DIR`, so the dependencies build once.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The options of `cargo xtask corpus`.
#[derive(Debug, Clone, clap::Args)]
pub struct CorpusArgs {
    /// The corpus folder (holding `specs/`); default: `../shared/corpus` beside the repository.
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Generate only: skip `cargo check`.
    #[arg(long)]
    pub generate_only: bool,
    /// Generate every document, but `cargo check` only those marked `quick = true` in the expectations.
    #[arg(long)]
    pub quick: bool,
    /// Only documents whose file name contains this text (repeatable).
    #[arg(long = "only", value_name = "TEXT")]
    pub only: Vec<String>,
    /// Time limit for generating one document, in seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// Time limit for `cargo check` of one generated crate, in seconds.
    #[arg(long, default_value_t = 1200)]
    pub check_timeout: u64,
    /// The expectations file; default: `xtask/corpus-expectations.toml`.
    #[arg(long)]
    pub expectations: Option<PathBuf>,
    /// Where the scratch crates and their shared target directory go; default: `target/corpus`.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
}

/// The committed expectations: one entry per document file name.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectations {
    #[serde(default)]
    document: BTreeMap<String, Expectation>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectation {
    /// `compiles` or `error`.
    expect: ExpectedResult,
    /// For `error`: the JSON pointer the error names.
    #[serde(default)]
    pointer: Option<String>,
    /// For `error`: the defect, in a few words (documentation only).
    #[serde(default)]
    defect: Option<String>,
    /// For `error`: what `gen --skip-invalid` gives (`compiles`), checked too.
    #[serde(default)]
    skip_invalid: Option<ExpectedResult>,
    /// Checked by `--quick` (the CI subset).
    #[serde(default)]
    quick: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum ExpectedResult {
    Compiles,
    Error,
}

/// What happened to one document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Generated, and `cargo check` passed.
    Compiles,
    /// Generated; not checked.
    Generated,
    /// Generated, but the crate does not compile: a generator bug.
    DoesNotCompile(String),
    /// The generator refused the document with an error naming file and pointer.
    ClearError { pointer: String, message: String },
    /// The generator panicked or died.
    Crash(String),
    /// The generator did not finish in time.
    Hang,
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Compiles => "compiles",
            Outcome::Generated => "generated",
            Outcome::DoesNotCompile(_) => "DOES NOT COMPILE",
            Outcome::ClearError { .. } => "clear error",
            Outcome::Crash(_) => "CRASH",
            Outcome::Hang => "HANG",
        }
    }
}

struct Row {
    name: String,
    version: String,
    operations: String,
    outcome: Outcome,
    generation: Duration,
    lines: usize,
    check: Option<Duration>,
    skip_invalid: Option<String>,
    verdict: Result<String, String>,
}

/// What the child process reports on stdout, one `key=value` per line.
#[derive(Debug, Default)]
struct ChildReport {
    fields: BTreeMap<String, String>,
}

impl ChildReport {
    fn parse(text: &str) -> Self {
        let fields = text
            .lines()
            .filter_map(|line| line.strip_prefix("corpus:"))
            .filter_map(|line| line.split_once('='))
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        ChildReport { fields }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }
}

/// `xtask corpus-one`: generates one document and prints the machine-readable result lines.
pub fn corpus_one(spec: &Path, out: &Path, crate_name: &str, skip_invalid: bool) -> Result<bool> {
    let bytes = std::fs::read(spec).with_context(|| format!("cannot read {}", spec.display()))?;
    if let Some(facts) = generator::load::document_facts(&bytes) {
        println!("corpus:version={}", facts.version);
        println!("corpus:operations={}", facts.operations);
    }
    let result = crate::codegen::generate_standalone(
        spec,
        out,
        Some(crate_name),
        None,
        crate::codegen::Mode::Write,
        skip_invalid,
    );
    match result {
        Ok(report) => {
            println!("corpus:result=generated");
            println!("corpus:skipped={}", report.skipped.len());
            Ok(true)
        }
        Err(error) => {
            println!("corpus:result=error");
            if let Some(generator_error) = error.downcast_ref::<generator::GeneratorError>() {
                let pointer = generator_error
                    .location()
                    .map(|location| location.pointer.clone())
                    .unwrap_or_default();
                println!("corpus:pointer={pointer}");
            }
            println!("corpus:message={}", format!("{error:#}").replace('\n', " "));
            Ok(false)
        }
    }
}

/// Runs `command` with a time limit; returns the exit status (None on timeout), stdout and stderr.
pub fn run_with_limit(
    mut command: Command,
    limit: Duration,
) -> Result<(Option<ExitStatus>, String, String)> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start a child process")?;
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let mut stdout_pipe = child.stdout.take();
    let mut stderr_pipe = child.stderr.take();
    let stdout_thread = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = stdout_pipe.as_mut() {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    });
    let stderr_thread = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = stderr_pipe.as_mut() {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout_thread.join().unwrap_or_default();
    let stderr = stderr_thread.join().unwrap_or_default();
    Ok((status, stdout, stderr))
}

fn count_lines(directory: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(directory.join("src")) else {
        return 0;
    };
    entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .map(|text| text.lines().count())
        .sum()
}

fn crate_name_for(file_name: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let cleaned: String = stem
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() {
                character.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut name = String::from("corpus");
    for part in cleaned.split('-').filter(|part| !part.is_empty()) {
        name.push('-');
        name.push_str(part);
    }
    name
}

struct Runner {
    root: PathBuf,
    work_dir: PathBuf,
    args: CorpusArgs,
    /// A private copy of this executable: a concurrent `cargo build` may replace the original.
    executable: PathBuf,
}

impl Runner {
    /// Generates one document in a child process.
    fn generate(
        &self,
        spec: &Path,
        out: &Path,
        crate_name: &str,
        skip_invalid: bool,
    ) -> Result<(Outcome, ChildReport, Duration)> {
        let mut command = Command::new(&self.executable);
        command
            .arg("corpus-one")
            .arg("--spec")
            .arg(spec)
            .arg("--out")
            .arg(out)
            .arg("--crate-name")
            .arg(crate_name);
        if skip_invalid {
            command.arg("--skip-invalid");
        }
        let started = Instant::now();
        let (status, stdout, stderr) =
            run_with_limit(command, Duration::from_secs(self.args.timeout))?;
        let elapsed = started.elapsed();
        let report = ChildReport::parse(&stdout);
        let outcome = match status {
            None => Outcome::Hang,
            Some(status) if status.success() => match report.get("result") {
                Some("generated") => Outcome::Generated,
                Some("error") => Outcome::ClearError {
                    pointer: report.get("pointer").unwrap_or_default().to_string(),
                    message: report.get("message").unwrap_or_default().to_string(),
                },
                _ => Outcome::Crash(format!("no result reported; stderr: {}", stderr.trim())),
            },
            Some(status) => {
                let panic_line = stderr
                    .lines()
                    .find(|line| line.contains("panicked") || line.contains("overflow"))
                    .unwrap_or(stderr.trim());
                Outcome::Crash(format!("{status}: {panic_line}"))
            }
        };
        Ok((outcome, report, elapsed))
    }

    /// Checks one generated crate, in the shared target directory: `cargo clippy` with every
    /// warning an error (rustc's and clippy's default lints), then `cargo doc` with rustdoc's lints
    /// as errors. "Compiles" means both pass.
    fn check(&self, crate_dir: &Path) -> Result<(Outcome, Duration)> {
        let lock = crate_dir.join("Cargo.lock");
        if !lock.exists() {
            // The workspace lock pins the same dependencies the generated crates use.
            let _ = std::fs::copy(self.root.join("Cargo.lock"), &lock);
        }
        let started = Instant::now();
        // `--workspace`: the crate's copy of the runtime (its `runtime/` member) is held to the
        // same lints, with exactly the runtime parts this crate uses.
        let clippy = self.cargo_command(
            crate_dir,
            &["clippy", "--workspace"],
            &["--", "-D", "warnings"],
        );
        let mut outcome = self.run_check(clippy, "cargo clippy -- -D warnings")?;
        if outcome == Outcome::Compiles {
            let mut doc = self.cargo_command(crate_dir, &["doc", "--workspace", "--no-deps"], &[]);
            doc.env("RUSTDOCFLAGS", "-D warnings");
            outcome = self.run_check(doc, "cargo doc (RUSTDOCFLAGS=-D warnings)")?;
        }
        Ok((outcome, started.elapsed()))
    }

    fn cargo_command(&self, crate_dir: &Path, subcommand: &[&str], trailing: &[&str]) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(subcommand)
            .arg("--quiet")
            .arg("--offline")
            .arg("--message-format=short")
            .arg("--manifest-path")
            .arg(crate_dir.join("Cargo.toml"))
            .args(trailing)
            .env("CARGO_TARGET_DIR", self.work_dir.join("target"))
            .env_remove("RUSTFLAGS")
            .env_remove("RUSTDOCFLAGS")
            .env("CARGO_INCREMENTAL", "0");
        command
    }

    fn run_check(&self, command: Command, what: &str) -> Result<Outcome> {
        let (status, _, stderr) =
            run_with_limit(command, Duration::from_secs(self.args.check_timeout))?;
        Ok(match status {
            Some(status) if status.success() => Outcome::Compiles,
            Some(_) => {
                let errors: Vec<&str> = stderr
                    .lines()
                    .filter(|line| line.contains("error"))
                    .take(5)
                    .collect();
                Outcome::DoesNotCompile(format!("{what}: {}", errors.join(" | ")))
            }
            None => Outcome::DoesNotCompile(format!(
                "{what} took longer than {} s",
                self.args.check_timeout
            )),
        })
    }
}

fn judge(outcome: &Outcome, expectation: Option<&Expectation>) -> Result<String, String> {
    match outcome {
        Outcome::Crash(detail) => return Err(format!("crash: {detail}")),
        Outcome::Hang => return Err("hang".to_string()),
        Outcome::DoesNotCompile(detail) => return Err(format!("does not compile: {detail}")),
        _ => {}
    }
    let Some(expectation) = expectation else {
        return Ok("no expectation recorded".to_string());
    };
    match (expectation.expect, outcome) {
        (ExpectedResult::Compiles, Outcome::Compiles | Outcome::Generated) => {
            Ok("as expected".to_string())
        }
        (ExpectedResult::Compiles, Outcome::ClearError { pointer, message }) => Err(format!(
            "regression: expected a compiling client, got an error at `{pointer}`: {message}"
        )),
        (ExpectedResult::Error, Outcome::ClearError { pointer, message }) => {
            match &expectation.pointer {
                Some(expected) if expected != pointer => Err(format!(
                    "regression: expected the error at `{expected}`, got it at `{pointer}`: {message}"
                )),
                _ => Ok(format!(
                    "as expected: {}",
                    expectation.defect.as_deref().unwrap_or("a defect in the document")
                )),
            }
        }
        (ExpectedResult::Error, Outcome::Compiles | Outcome::Generated) => Err(
            "expected an error, but the document now generates: update the expectations file"
                .to_string(),
        ),
        _ => Ok(String::new()),
    }
}

fn format_duration(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

/// Runs the corpus and prints the table; returns whether everything was as expected.
pub fn run(root: &Path, args: CorpusArgs) -> Result<bool> {
    let corpus = args
        .corpus
        .clone()
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let corpus = corpus.canonicalize().unwrap_or(corpus);
    let specs_dir = if corpus.join("specs").is_dir() {
        corpus.join("specs")
    } else {
        corpus.clone()
    };
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&specs_dir)
        .with_context(|| format!("cannot list the corpus at {}", specs_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .and_then(|ext| ext.to_str())
                    .is_some_and(|ext| matches!(ext, "json" | "yaml" | "yml"))
        })
        .filter(|path| {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            args.only.is_empty() || args.only.iter().any(|part| name.contains(part.as_str()))
        })
        .collect();
    specs.sort();
    if specs.is_empty() {
        bail!("no documents selected in {}", specs_dir.display());
    }
    let expectations_path = args
        .expectations
        .clone()
        .unwrap_or_else(|| root.join("xtask/corpus-expectations.toml"));
    let expectations: Expectations = match std::fs::read_to_string(&expectations_path) {
        Ok(text) => toml::from_str(&text)
            .with_context(|| format!("invalid {}", expectations_path.display()))?,
        Err(_) if args.expectations.is_none() => Expectations::default(),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot read {}", expectations_path.display()))
        }
    };
    let work_dir = args
        .work_dir
        .clone()
        .unwrap_or_else(|| root.join("target/corpus"));
    std::fs::create_dir_all(work_dir.join("crates"))?;
    let executable = work_dir.join(format!("xtask-corpus{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(std::env::current_exe()?, &executable).with_context(|| {
        format!(
            "cannot copy the xtask executable to {}",
            executable.display()
        )
    })?;
    let runner = Runner {
        root: root.to_path_buf(),
        work_dir: work_dir.clone(),
        args: args.clone(),
        executable,
    };

    println!(
        "corpus: {} document(s) from {}; scratch crates in {}",
        specs.len(),
        specs_dir.display(),
        work_dir.join("crates").display()
    );
    let mut rows = Vec::new();
    for spec in &specs {
        let name = spec
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expectation = expectations.document.get(&name);
        let crate_name = crate_name_for(&name);
        let crate_dir = work_dir.join("crates").join(&crate_name);
        let (mut outcome, report, generation) =
            runner.generate(spec, &crate_dir, &crate_name, false)?;
        let lines = if outcome == Outcome::Generated {
            count_lines(&crate_dir)
        } else {
            0
        };
        let wants_check = !args.generate_only
            && (!args.quick || expectation.is_some_and(|expectation| expectation.quick));
        let mut check = None;
        if outcome == Outcome::Generated && wants_check {
            let (checked, elapsed) = runner.check(&crate_dir)?;
            outcome = checked;
            check = Some(elapsed);
        }
        let mut verdict = judge(&outcome, expectation);
        // A defective document must still give a client with `--skip-invalid`.
        let mut skip_invalid = None;
        if let (Outcome::ClearError { .. }, Some(expected)) = (
            &outcome,
            expectation.and_then(|expectation| expectation.skip_invalid),
        ) {
            let skip_crate = format!("{crate_name}-skip-invalid");
            let skip_dir = work_dir.join("crates").join(&skip_crate);
            let (mut skip_outcome, skip_report, _) =
                runner.generate(spec, &skip_dir, &skip_crate, true)?;
            if skip_outcome == Outcome::Generated && wants_check {
                skip_outcome = runner.check(&skip_dir)?.0;
            }
            let skipped = skip_report.get("skipped").unwrap_or("?").to_string();
            skip_invalid = Some(format!("{} ({skipped} skipped)", skip_outcome.label()));
            let skip_ok = match expected {
                ExpectedResult::Compiles => {
                    matches!(skip_outcome, Outcome::Compiles | Outcome::Generated)
                }
                ExpectedResult::Error => matches!(skip_outcome, Outcome::ClearError { .. }),
            };
            if !skip_ok && verdict.is_ok() {
                verdict = Err(format!(
                    "with --skip-invalid: {} ({skip_outcome:?})",
                    skip_outcome.label()
                ));
            }
        }
        let row = Row {
            name: name.clone(),
            version: report.get("version").unwrap_or("?").to_string(),
            operations: report.get("operations").unwrap_or("?").to_string(),
            outcome,
            generation,
            lines,
            check,
            skip_invalid,
            verdict,
        };
        print_row(&row);
        rows.push(row);
    }
    println!();
    println!("{}", table(&rows));
    let failures: Vec<&Row> = rows.iter().filter(|row| row.verdict.is_err()).collect();
    for row in &rows {
        if let Outcome::ClearError { pointer, message } = &row.outcome {
            println!("{}: error at `{pointer}`: {message}", row.name);
        }
    }
    if failures.is_empty() {
        println!(
            "corpus: {} document(s), no crash, no hang, every result as expected",
            rows.len()
        );
        Ok(true)
    } else {
        for row in &failures {
            if let Err(message) = &row.verdict {
                eprintln!("error: {}: {message}", row.name);
            }
        }
        eprintln!(
            "error: {} of {} document(s) failed (crash, hang, compile failure or a regression against {})",
            failures.len(),
            rows.len(),
            expectations_path.display()
        );
        Ok(false)
    }
}

fn print_row(row: &Row) {
    println!(
        "{:<40} {:>6} {:>5} ops  {:<16} gen {:>8}  {:>7} lines{}{}",
        row.name,
        row.version,
        row.operations,
        row.outcome.label(),
        format_duration(row.generation),
        row.lines,
        row.check
            .map(|elapsed| format!("  check {}", format_duration(elapsed)))
            .unwrap_or_default(),
        match &row.verdict {
            Ok(_) => String::new(),
            Err(message) => format!("  FAILED: {message}"),
        }
    );
}

fn table(rows: &[Row]) -> String {
    let mut text = String::from(
        "| document | version | operations | result | generation | lines | cargo check | --skip-invalid | verdict |\n|---|---|---:|---|---:|---:|---:|---|---|\n",
    );
    for row in rows {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.name,
            row.version,
            row.operations,
            row.outcome.label(),
            format_duration(row.generation),
            row.lines,
            row.check
                .map(format_duration)
                .unwrap_or_else(|| "-".to_string()),
            row.skip_invalid.as_deref().unwrap_or("-"),
            match &row.verdict {
                Ok(text) => text.clone(),
                Err(text) => format!("FAILED: {text}"),
            }
        );
    }
    text
}
