//! Child processes the bench times: their wall time and peak resident memory (from `wait4`).

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
    /// The child's maximum resident set, when the platform reports it.
    pub max_rss_bytes: Option<u64>,
    /// Whether it exited 0.
    pub success: bool,
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
        .arg("--skip-invalid");
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

/// The version line `cargo-progenitor --version` prints, or its path.
pub fn describe_progenitor(progenitor: &Path) -> String {
    Command::new(progenitor)
        .args(["progenitor", "--version"])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| progenitor.display().to_string())
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
        let mut sink = Vec::new();
        if let Some(pipe) = stderr.as_mut() {
            let _ = pipe.read_to_end(&mut sink);
        }
    });
    let (success, max_rss_bytes) = wait_with_peak_memory(&mut child)?;
    let wall = started.elapsed();
    let _ = drain.join();
    Ok(Measured {
        wall,
        max_rss_bytes,
        success,
    })
}

#[cfg(unix)]
fn wait_with_peak_memory(child: &mut std::process::Child) -> Result<(bool, Option<u64>)> {
    let pid = libc::pid_t::try_from(child.id()).context("child pid out of range")?;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value, and `wait4` only writes into the two
    // out-parameters we own; the pid is our own child, not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        return Err(std::io::Error::last_os_error()).context("wait4 on the child failed");
    }
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports `ru_maxrss` in KiB.
    let max_rss_bytes = u64::try_from(usage.ru_maxrss).ok().map(|kib| kib * 1024);
    Ok((success, max_rss_bytes))
}

#[cfg(not(unix))]
fn wait_with_peak_memory(child: &mut std::process::Child) -> Result<(bool, Option<u64>)> {
    Ok((child.wait()?.success(), None))
}
