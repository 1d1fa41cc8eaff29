//! `cargo xtask bench`: generation speed against the parse floor and progenitor, peak memory against
//! document size, the compile cost of a generated crate and the call overhead, interleaved in one
//! run and reported as medians and ratios. It never fails on a time.
//!
//! Generation is measured as whole processes (`xtask gen --spec`, `cargo-progenitor`), each one's
//! peak memory read from `wait4`; the parse floor and the stage split run in this process. The
//! figures only mean something for an optimized build, so a debug `cargo xtask bench` first builds
//! the release `xtask` and hands the run over to it (`--this-build` measures the running binary).

mod compile_cost;
pub mod heap;
mod memory_table;
mod process;

use anyhow::{bail, Context, Result};
use process::{median, Measured};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The options of `cargo xtask bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// One round of everything, no compile cost or call overhead unless asked for: a quick look.
    #[arg(long)]
    pub quick: bool,
    /// Interleaved rounds (default 7, or 1 with --quick); at least 1.
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub rounds: Option<usize>,
    /// Also measure the compile cost of the generated nexus crate (and progenitor's, when on PATH):
    /// `cargo check`, full build and incremental rebuild, in a scratch target dir. Slow (minutes).
    #[arg(long)]
    pub compile: bool,
    /// Also run `cargo bench -p end-to-end-tests --bench call_overhead` (a generated call against
    /// hand-written reqwest on loopback) and include its table.
    #[arg(long)]
    pub call_overhead: bool,
    /// The corpus folder (holding `specs/`); default: `../shared/corpus` beside the repository.
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// A document measured on its own row (repeatable); default: the corpus's nexus and GitHub documents.
    #[arg(long = "document", value_name = "FILE")]
    pub documents: Vec<PathBuf>,
    /// Measure this binary as it is, even when it is a debug build (used by the bench's own test).
    #[arg(long)]
    pub this_build: bool,
    /// Leave progenitor out even when `cargo-progenitor` is on PATH.
    #[arg(long)]
    pub without_progenitor: bool,
}

/// The goals issue 12 sets, checked (never enforced) in the report.
const GOAL_SPEEDUP_OVER_PROGENITOR: f64 = 10.0;
const GOAL_CORPUS_OVER_PARSE_FLOOR: f64 = 4.0;
const GOAL_PEAK_MEMORY_OVER_SIZE: f64 = 20.0;
/// Documents smaller than this are left out of the memory goal: their peak is the fixed cost.
const MEMORY_GOAL_MINIMUM_SIZE: usize = 256 * 1024;

pub use process::{heap_count_asked, report_peak_memory_when_asked};

/// Runs the bench and prints the report; an error only when something could not run at all.
pub fn run(root: &Path, args: BenchArgs) -> Result<()> {
    if cfg!(debug_assertions) && !args.this_build {
        return hand_over_to_release_build(root);
    }
    let corpus = args
        .corpus
        .clone()
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let specs_dir = if corpus.join("specs").is_dir() {
        corpus.join("specs")
    } else {
        corpus.clone()
    };
    let corpus_documents = list_documents(&specs_dir)?;
    let named_documents: Vec<PathBuf> = if args.documents.is_empty() {
        ["progenitor__nexus.json", "progenitor__api.github.com.json"]
            .iter()
            .map(|name| specs_dir.join(name))
            .filter(|path| path.is_file())
            .collect()
    } else {
        args.documents.clone()
    };
    let rounds = args.rounds.unwrap_or(if args.quick { 1 } else { 7 });
    let work_dir = root.join("target/bench");
    std::fs::create_dir_all(&work_dir)
        .with_context(|| format!("cannot create {}", work_dir.display()))?;
    let work_dir = work_dir.canonicalize()?;
    let progenitor = if args.without_progenitor {
        None
    } else {
        process::progenitor_on_path()
    };
    let ours = std::env::current_exe().context("cannot find the running xtask")?;

    let mut report = String::new();
    writeln!(
        report,
        "# cargo xtask bench: {rounds} interleaved round(s), medians{}",
        if cfg!(debug_assertions) {
            " (DEBUG build: figures are not representative)"
        } else {
            ""
        }
    )?;
    writeln!(report)?;
    match &progenitor {
        Some(_) => writeln!(report, "progenitor: `cargo-progenitor` from PATH")?,
        None if args.without_progenitor => writeln!(report, "progenitor: left out")?,
        None => writeln!(
            report,
            "progenitor: not on PATH (`cargo install cargo-progenitor --version 0.15.1 --locked`)"
        )?,
    }
    writeln!(report)?;

    let subjects: Vec<Subject> = named_documents
        .iter()
        .map(|path| Subject::read(path))
        .chain(corpus_documents.iter().map(|path| Subject::read(path)))
        .collect::<Result<_>>()?;
    let named_count = named_documents.len();
    let mut samples: Vec<SubjectSamples> = subjects.iter().map(|_| Default::default()).collect();
    for round in 0..rounds {
        eprintln!("bench: generation round {}/{rounds}", round + 1);
        for (index, subject) in subjects.iter().enumerate() {
            // A named document that is also in the corpus is measured once per round, not twice.
            if index >= named_count {
                if let Some(twin) = subjects[..named_count]
                    .iter()
                    .position(|named| named.bytes == subject.bytes)
                {
                    let copied = samples[twin].clone();
                    samples[index] = copied;
                    continue;
                }
            }
            let entry = &mut samples[index];
            entry.parse_floor.push(parse_floor(subject));
            let out = work_dir.join("out/ours").join(&subject.stem);
            entry.ours.push(process::run_ours(&ours, subject, &out)?);
            if let Some(progenitor) = &progenitor {
                let out = work_dir.join("out/progenitor").join(&subject.stem);
                entry
                    .progenitor
                    .push(process::run_progenitor(progenitor, subject, &out)?);
            }
        }
    }
    // Counting heap bytes slows every allocation down, so it has a run of its own, not timed.
    eprintln!("bench: peak heap, one run per document");
    for (index, subject) in subjects.iter().enumerate() {
        let twin = subjects[..named_count.min(index)]
            .iter()
            .position(|named| named.bytes == subject.bytes);
        samples[index].peak_heap_bytes = match twin {
            Some(twin) => samples[twin].peak_heap_bytes,
            None => {
                let out = work_dir.join("out/ours").join(&subject.stem);
                process::run_ours_counting_heap(&ours, subject, &out)?.peak_heap_bytes
            }
        };
    }

    report_generation(
        &mut report,
        &subjects,
        &samples,
        named_count,
        progenitor.is_some(),
    )?;
    memory_table::report_memory(&mut report, &subjects, &samples)?;
    report_stages(&mut report, &subjects[..named_count], rounds)?;

    if args.compile {
        compile_cost::report(
            &mut report,
            root,
            &work_dir,
            &named_documents,
            &ours,
            &progenitor,
        )?;
    } else {
        writeln!(report, "## Compile cost of a generated crate\n\nnot measured: run with `--compile` (slow: minutes).\n")?;
    }
    if args.call_overhead {
        report_call_overhead(&mut report, root, args.quick)?;
    } else {
        writeln!(report, "## One generated call against hand-written reqwest\n\nnot measured: run with `--call-overhead` (builds the bench, about 4 minutes the first time).\n")?;
    }
    print!("{report}");
    Ok(())
}

/// One document: its bytes (read once) and what it is called in the report.
struct Subject {
    path: PathBuf,
    stem: String,
    label: String,
    bytes: Vec<u8>,
    yaml: bool,
}

impl Subject {
    fn read(path: &Path) -> Result<Subject> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = file_name
            .rsplit_once('.')
            .map_or(file_name.as_str(), |(stem, _)| stem)
            .to_string();
        let label = match stem.as_str() {
            "progenitor__nexus" => "nexus".to_string(),
            "progenitor__api.github.com" => "GitHub".to_string(),
            _ => stem.clone(),
        };
        let yaml = !bytes
            .iter()
            .find(|byte| !byte.is_ascii_whitespace())
            .is_some_and(|byte| *byte == b'{');
        Ok(Subject {
            path: path.to_path_buf(),
            stem,
            label,
            bytes,
            yaml,
        })
    }
}

#[derive(Default, Clone)]
struct SubjectSamples {
    parse_floor: Vec<Duration>,
    ours: Vec<Measured>,
    progenitor: Vec<Measured>,
    /// From one run of its own (see `bench/heap.rs`).
    peak_heap_bytes: Option<u64>,
}

fn list_documents(specs_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut documents: Vec<PathBuf> = std::fs::read_dir(specs_dir)
        .with_context(|| format!("cannot list the corpus {}", specs_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "json" || ext == "yaml" || ext == "yml")
        })
        .collect();
    documents.sort();
    if documents.is_empty() {
        bail!("no .json/.yaml documents in {}", specs_dir.display());
    }
    Ok(documents)
}

/// The floor: parsing the same bytes into a `serde_json::Value`, in this process.
fn parse_floor(subject: &Subject) -> Duration {
    let started = Instant::now();
    let value: Option<serde_json::Value> = if subject.yaml {
        serde_norway::from_slice(&subject.bytes).ok()
    } else {
        serde_json::from_slice(&subject.bytes).ok()
    };
    let elapsed = started.elapsed();
    // Dropping the tree is part of what a parse costs a process that keeps nothing.
    drop(std::hint::black_box(value));
    elapsed.max(started.elapsed())
}

fn seconds(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.2} s")
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn kilobytes(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else if bytes >= 1000 {
        format!("{} KB", bytes / 1000)
    } else {
        format!("{bytes} bytes")
    }
}

fn ratio(numerator: Duration, denominator: Duration) -> f64 {
    numerator.as_secs_f64() / denominator.as_secs_f64().max(1e-9)
}

fn report_generation(
    report: &mut String,
    subjects: &[Subject],
    samples: &[SubjectSamples],
    named_count: usize,
    with_progenitor: bool,
) -> Result<()> {
    writeln!(report, "## Generation, whole process\n")?;
    writeln!(report, "| document | size | parse floor | ours | ours ÷ floor | progenitor | progenitor ÷ ours | peak memory (ours) | memory ÷ size | peak heap (ours) | heap ÷ size |")?;
    writeln!(report, "|---|---|---|---|---|---|---|---|---|---|---|")?;
    let mut nexus_speedup = None;
    let mut worst_memory: Option<(f64, &str)> = None;
    let mut worst_heap: Option<(f64, &str)> = None;
    for (index, (subject, entry)) in subjects.iter().zip(samples).enumerate() {
        let memory_ratio = entry
            .ours
            .iter()
            .filter_map(|measured| measured.max_rss_bytes)
            .max()
            .map(|rss| rss as f64 / subject.bytes.len() as f64);
        // A small document's peak is the process's fixed cost (the executable, the runtime text).
        if let Some(memory_ratio) =
            memory_ratio.filter(|_| subject.bytes.len() >= MEMORY_GOAL_MINIMUM_SIZE)
        {
            if worst_memory.map_or(true, |(worst, _)| memory_ratio > worst) {
                worst_memory = Some((memory_ratio, &subject.label));
            }
        }
        let heap_ratio = entry
            .peak_heap_bytes
            .map(|heap| heap as f64 / subject.bytes.len() as f64);
        if let Some(heap_ratio) =
            heap_ratio.filter(|_| subject.bytes.len() >= MEMORY_GOAL_MINIMUM_SIZE)
        {
            if worst_heap.map_or(true, |(worst, _)| heap_ratio > worst) {
                worst_heap = Some((heap_ratio, &subject.label));
            }
        }
        if index >= named_count {
            continue;
        }
        let floor = median(entry.parse_floor.clone());
        let ours = median(entry.ours.iter().map(|measured| measured.wall).collect());
        let ours_failed = entry.ours.iter().any(|measured| !measured.success);
        let peak = entry
            .ours
            .iter()
            .filter_map(|measured| measured.max_rss_bytes)
            .max();
        let peak_heap = entry.peak_heap_bytes;
        let (progenitor_cell, speedup_cell) = progenitor_cells(entry, ours, with_progenitor);
        if subject.label == "nexus" {
            nexus_speedup = progenitor_speedup(entry, ours);
        }
        writeln!(
            report,
            "| {} | {} | {} | {}{} | {:.1}× | {progenitor_cell} | {speedup_cell} | {} | {} | {} | {} |",
            subject.label,
            kilobytes(subject.bytes.len()),
            seconds(floor),
            seconds(ours),
            if ours_failed { " (failed)" } else { "" },
            ratio(ours, floor),
            peak.map_or("n/a".to_string(), megabytes),
            memory_ratio.map_or("n/a".to_string(), |ratio| format!("{ratio:.0}×")),
            peak_heap.map_or("n/a".to_string(), megabytes),
            peak_heap.map_or("n/a".to_string(), |heap| format!(
                "{:.0}×",
                heap as f64 / subject.bytes.len() as f64
            )),
        )?;
    }
    // The corpus: per round, the sum over its documents; then the median of those sums.
    let corpus = &samples[named_count..];
    let corpus_rounds = corpus.first().map_or(0, |entry| entry.ours.len());
    let corpus_bytes: usize = subjects[named_count..]
        .iter()
        .map(|subject| subject.bytes.len())
        .sum();
    let sum_per_round = |pick: &dyn Fn(&SubjectSamples, usize) -> Option<Duration>| {
        let sums: Vec<Duration> = (0..corpus_rounds)
            .map(|round| corpus.iter().filter_map(|entry| pick(entry, round)).sum())
            .collect();
        median(sums)
    };
    let floor = sum_per_round(&|entry, round| entry.parse_floor.get(round).copied());
    let ours = sum_per_round(&|entry, round| entry.ours.get(round).map(|measured| measured.wall));
    let failed: Vec<&str> = subjects[named_count..]
        .iter()
        .zip(corpus)
        .filter(|(_, entry)| entry.ours.iter().any(|measured| !measured.success))
        .map(|(subject, _)| subject.label.as_str())
        .collect();
    let corpus_ratio = ratio(ours, floor);
    let mut progenitor_cell = "not on PATH".to_string();
    let mut speedup_cell = String::from("n/a");
    if with_progenitor {
        // Only the documents progenitor accepts compare like for like.
        let accepted: Vec<usize> = corpus
            .iter()
            .enumerate()
            .filter(|(_, entry)| entry.progenitor.iter().all(|measured| measured.success))
            .map(|(index, _)| index)
            .collect();
        let pick_sum = |pick: &dyn Fn(&SubjectSamples, usize) -> Option<Duration>| {
            let sums: Vec<Duration> = (0..corpus_rounds)
                .map(|round| {
                    accepted
                        .iter()
                        .filter_map(|index| pick(&corpus[*index], round))
                        .sum()
                })
                .collect();
            median(sums)
        };
        let progenitor =
            pick_sum(&|entry, round| entry.progenitor.get(round).map(|measured| measured.wall));
        let ours_on_accepted =
            pick_sum(&|entry, round| entry.ours.get(round).map(|measured| measured.wall));
        progenitor_cell = format!(
            "{} (the {} of {} it accepts)",
            seconds(progenitor),
            accepted.len(),
            corpus.len()
        );
        speedup_cell = format!("{:.1}×", ratio(progenitor, ours_on_accepted));
    }
    writeln!(
        report,
        "| whole corpus ({} documents) | {} | {} | {}{} | {corpus_ratio:.1}× | {progenitor_cell} | {speedup_cell} | | |",
        corpus.len(),
        kilobytes(corpus_bytes),
        seconds(floor),
        seconds(ours),
        if failed.is_empty() {
            String::new()
        } else {
            format!(" ({} failed: {})", failed.len(), failed.join(", "))
        },
    )?;
    writeln!(report)?;
    writeln!(report, "Whole process: `xtask gen --spec FILE --out DIR --skip-invalid` against `cargo progenitor -i FILE -o DIR`, each writing its crate; parse floor: `serde_json::from_slice` / `serde_norway::from_slice` into a `serde_json::Value` in process. Peak memory: the generator process's own peak resident set (`VmHWM`), executable and runtime text included. Peak heap: the most bytes the generator had allocated at once (a counting wrapper around its allocator), without the executable, stacks or the allocator's reserve.\n")?;

    writeln!(report, "## Goals\n")?;
    writeln!(report, "| goal | measured | |")?;
    writeln!(report, "|---|---|---|")?;
    match nexus_speedup {
        Some(speedup) => writeln!(
            report,
            "| generation ≥ {GOAL_SPEEDUP_OVER_PROGENITOR}× faster than progenitor on nexus | {speedup:.1}× | {} |",
            verdict(speedup >= GOAL_SPEEDUP_OVER_PROGENITOR)
        )?,
        None => writeln!(
            report,
            "| generation ≥ {GOAL_SPEEDUP_OVER_PROGENITOR}× faster than progenitor on nexus | progenitor not measured | |"
        )?,
    }
    writeln!(
        report,
        "| whole corpus ≤ {GOAL_CORPUS_OVER_PARSE_FLOOR}× the parse floor | {corpus_ratio:.1}× | {} |",
        verdict(corpus_ratio <= GOAL_CORPUS_OVER_PARSE_FLOOR)
    )?;
    match worst_memory {
        Some((worst, label)) => writeln!(
            report,
            "| peak memory ≤ {GOAL_PEAK_MEMORY_OVER_SIZE}× the document's size | {worst:.0}× at worst ({label}; documents of 256 KB and more){} | {} |",
            worst_heap.map_or(String::new(), |(heap, heap_label)| format!(
                "; peak heap alone {heap:.0}× at worst ({heap_label})"
            )),
            verdict(worst <= GOAL_PEAK_MEMORY_OVER_SIZE)
        )?,
        None => writeln!(
            report,
            "| peak memory ≤ {GOAL_PEAK_MEMORY_OVER_SIZE}× the document's size | not measured (no document of 256 KB or more, or no /proc) | |"
        )?,
    }
    writeln!(report)?;
    Ok(())
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "not met"
    }
}

fn progenitor_speedup(entry: &SubjectSamples, ours: Duration) -> Option<f64> {
    if entry.progenitor.is_empty() || entry.progenitor.iter().any(|measured| !measured.success) {
        return None;
    }
    let progenitor = median(
        entry
            .progenitor
            .iter()
            .map(|measured| measured.wall)
            .collect(),
    );
    Some(ratio(progenitor, ours))
}

fn progenitor_cells(
    entry: &SubjectSamples,
    ours: Duration,
    with_progenitor: bool,
) -> (String, String) {
    if !with_progenitor {
        return ("not on PATH".to_string(), "n/a".to_string());
    }
    if entry.progenitor.iter().any(|measured| !measured.success) {
        return ("fails on it".to_string(), "n/a".to_string());
    }
    let progenitor = median(
        entry
            .progenitor
            .iter()
            .map(|measured| measured.wall)
            .collect(),
    );
    (
        seconds(progenitor),
        format!("{:.1}×", ratio(progenitor, ours)),
    )
}

/// Load, lower, emit and format in this process, so the split of the time shows where it goes.
fn report_stages(report: &mut String, subjects: &[Subject], rounds: usize) -> Result<()> {
    if subjects.is_empty() {
        return Ok(());
    }
    writeln!(report, "## Where the time goes (in process)\n")?;
    let mut header = String::from("| stage |");
    let mut rule = String::from("|---|");
    for subject in subjects {
        write!(header, " {} |", subject.label)?;
        rule.push_str("---|");
    }
    writeln!(report, "{header}\n{rule}")?;
    let mut columns = Vec::new();
    for subject in subjects {
        let mut per_stage: [Vec<Duration>; 5] = Default::default();
        for _ in 0..rounds {
            let stages =
                generator::stage_timings(&subject.path.to_string_lossy(), &subject.bytes, true)
                    .map_err(|error| anyhow::anyhow!("{error}"))?;
            for (slot, duration) in per_stage.iter_mut().zip(stages.as_array()) {
                slot.push(duration);
            }
        }
        columns.push(per_stage.map(median));
    }
    for (index, stage) in generator::StageTimings::NAMES.iter().enumerate() {
        let mut line = format!("| {stage} |");
        for column in &columns {
            let total: Duration = column.iter().sum();
            write!(
                line,
                " {} ({:.0}%) |",
                seconds(column[index]),
                100.0 * ratio(column[index], total)
            )?;
        }
        writeln!(report, "{line}")?;
    }
    writeln!(report)?;
    Ok(())
}

/// Runs the existing criterion-style call-overhead bench and includes its table.
fn report_call_overhead(report: &mut String, root: &Path, quick: bool) -> Result<()> {
    writeln!(
        report,
        "## One generated call against hand-written reqwest\n"
    )?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command
        .current_dir(root)
        .args([
            "bench",
            "--quiet",
            "-p",
            "end-to-end-tests",
            "--bench",
            "call_overhead",
            "--",
            "--rounds",
        ])
        .arg(if quick { "3" } else { "15" })
        .stderr(std::process::Stdio::inherit());
    eprintln!("bench: cargo bench -p end-to-end-tests --bench call_overhead");
    let output = command.output().context("cannot run cargo bench")?;
    if output.status.success() {
        report.push_str(&String::from_utf8_lossy(&output.stdout));
    } else {
        writeln!(
            report,
            "`cargo bench -p end-to-end-tests --bench call_overhead` failed ({})",
            output.status
        )?;
    }
    writeln!(report)?;
    Ok(())
}

/// Builds the release `xtask` and runs the same command line with it.
fn hand_over_to_release_build(root: &Path) -> Result<()> {
    eprintln!("bench: building the release xtask (the figures are for an optimized build)");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "--quiet", "-p", "xtask"])
        .status()
        .context("cannot run cargo build --release")?;
    if !status.success() {
        bail!("cargo build --release -p xtask failed ({status})");
    }
    let release = root.join("target/release/xtask");
    let arguments: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let status = std::process::Command::new(&release)
        .current_dir(std::env::current_dir()?)
        .args(arguments)
        .arg("--this-build")
        .status()
        .with_context(|| format!("cannot run {}", release.display()))?;
    if !status.success() {
        bail!("{} failed ({status})", release.display());
    }
    Ok(())
}
