//! Child processes the bench times: their wall time, and our generator's peak resident memory.

use super::Subject;
use anyhow::{Context, Result};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One timed child process.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    /// From spawn to exit.
    pub wall: Duration,
    /// The child's own peak resident memory, when it reports it (our generator does, see
    /// [`PEAK_MEMORY_VARIABLE`]). `wait4`'s figure would include the bench's own peak, which
    /// Linux carries over a spawn, so progenitor's is not measured.
    pub max_rss_bytes: Option<u64>,
    /// The child's peak of heap bytes allocated at once, when it reports it (`bench/heap.rs`).
    pub peak_heap_bytes: Option<u64>,
    /// Whether it exited 0.
    pub success: bool,
}

/// Set for our generator's child processes: it then prints its peak resident memory on exit.
pub const PEAK_MEMORY_VARIABLE: &str = "XTASK_REPORT_PEAK_MEMORY";

/// The line prefix of that report on stderr, followed by KiB.
const PEAK_MEMORY_PREFIX: &str = "xtask-peak-memory-kib=";

/// The line prefix of the peak of heap bytes on stderr, followed by bytes.
const PEAK_HEAP_PREFIX: &str = "xtask-peak-heap-bytes=";

/// Set for a run of our generator that counts its heap bytes (slower, so never a timed run).
pub const COUNT_HEAP_VARIABLE: &str = "XTASK_COUNT_HEAP";

/// Whether the bench asked this process for its peak memory.
pub fn peak_memory_asked() -> bool {
    std::env::var_os(PEAK_MEMORY_VARIABLE).is_some()
}

/// Whether the bench asked this process to count its heap bytes (`bench/heap.rs`).
pub fn heap_count_asked() -> bool {
    std::env::var_os(COUNT_HEAP_VARIABLE).is_some()
}

/// Called by `xtask` just before it exits: prints the peak of heap bytes (counted by
/// `bench/heap.rs`) and `VmHWM` (the peak resident set of this process image, from
/// `/proc/self/status`) when the bench asked for it.
pub fn report_peak_memory_when_asked(peak_heap_bytes: usize) {
    if heap_count_asked() {
        eprintln!("{PEAK_HEAP_PREFIX}{peak_heap_bytes}");
    }
    if !peak_memory_asked() {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(kib) = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
    {
        eprintln!("{PEAK_MEMORY_PREFIX}{kib}");
    }
}

/// The median; zero for no samples.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples
        .get(samples.len() / 2)
        .copied()
        .unwrap_or(Duration::ZERO)
}

/// Our generator as a whole process: `xtask gen --spec FILE --out DIR --skip-invalid`.
pub fn run_ours(xtask: &Path, subject: &Subject, out: &Path) -> Result<Measured> {
    run_ours_asking(xtask, subject, out, PEAK_MEMORY_VARIABLE)
}

/// [`run_ours`] counting the generator's heap bytes (slower; not for timing).
pub fn run_ours_counting_heap(xtask: &Path, subject: &Subject, out: &Path) -> Result<Measured> {
    run_ours_asking(xtask, subject, out, COUNT_HEAP_VARIABLE)
}

/// [`run_ours`] with `variable` set, which asks the generator for one memory report.
fn run_ours_asking(
    xtask: &Path,
    subject: &Subject,
    out: &Path,
    variable: &str,
) -> Result<Measured> {
    empty_directory(out)?;
    let mut command = Command::new(xtask);
    command
        .arg("gen")
        .arg("--spec")
        .arg(&subject.path)
        .arg("--out")
        .arg(out)
        .arg("--crate-name")
        .arg("bench-client")
        .arg("--skip-invalid")
        .env(variable, "1");
    measure(command)
}

/// Progenitor as a whole process: `cargo-progenitor progenitor -i FILE -o DIR -n NAME -v 0.1.0`.
pub fn run_progenitor(progenitor: &Path, subject: &Subject, out: &Path) -> Result<Measured> {
    empty_directory(out)?;
    let mut command = Command::new(progenitor);
    command
        .arg("progenitor")
        .arg("-i")
        .arg(&subject.path)
        .arg("-o")
        .arg(out)
        .arg("-n")
        .arg("bench-client")
        .arg("-v")
        .arg("0.1.0");
    measure(command)
}

/// `cargo-progenitor` when it is on PATH.
pub fn progenitor_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|directory| directory.join("cargo-progenitor"))
        .find(|candidate| candidate.is_file())
}

fn empty_directory(directory: &Path) -> Result<()> {
    if directory.exists() {
        std::fs::remove_dir_all(directory)
            .with_context(|| format!("cannot empty {}", directory.display()))?;
    }
    if let Some(parent) = directory.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(())
}

/// Runs `command` to its end, discarding its output (drained, so it never blocks on a pipe).
fn measure(mut command: Command) -> Result<Measured> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().context("cannot start a child process")?;
    let mut stderr = child.stderr.take();
    let drain = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = stderr.as_mut() {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    });
    let success = child
        .wait()
        .context("cannot wait for a child process")?
        .success();
    let wall = started.elapsed();
    let stderr = drain.join().unwrap_or_default();
    let max_rss_bytes = stderr
        .lines()
        .find_map(|line| line.strip_prefix(PEAK_MEMORY_PREFIX))
        .and_then(|kib| kib.trim().parse::<u64>().ok())
        .map(|kib| kib * 1024);
    let peak_heap_bytes = stderr
        .lines()
        .find_map(|line| line.strip_prefix(PEAK_HEAP_PREFIX))
        .and_then(|bytes| bytes.trim().parse::<u64>().ok());
    Ok(Measured {
        wall,
        max_rss_bytes,
        peak_heap_bytes,
        success,
    })
}
