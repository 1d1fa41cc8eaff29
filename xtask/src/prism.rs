//! Stoplight Prism for `cargo xtask conformance`: installed from the project's own lockfile
//! (`tests/conformance/prism`, `npm ci`, the same marker file the conformance tests' harness
//! writes, so either one installs it for both), started on a free loopback port with request
//! validation on (`prism mock --errors`), and stopped (its whole process group) on drop, or by
//! the kernel when xtask ends without dropping it (a Ctrl-C).

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Installs Prism if needed and returns its entry script.
pub fn install(root: &Path) -> Result<PathBuf> {
    let project = root.join("tests/conformance/prism");
    let entry = project.join("node_modules/@stoplight/prism-cli/dist/index.js");
    let marker = project.join("node_modules/.conformance-installed-from-lockfile");
    let lockfile_path = project.join("package-lock.json");
    let lockfile = std::fs::read(&lockfile_path)
        .with_context(|| format!("cannot read {}", lockfile_path.display()))?;
    if entry.is_file() && std::fs::read(&marker).is_ok_and(|bytes| bytes == lockfile) {
        return Ok(entry);
    }
    eprintln!(
        "conformance: installing Prism with `npm ci --prefix {}`",
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
        .context("cannot run `npm ci`: Prism needs Node.js >= 18.20.1 and npm on PATH")?;
    if !output.status.success() || !entry.is_file() {
        bail!(
            "`npm ci --prefix {}` failed ({}): {}",
            project.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    std::fs::write(&marker, &lockfile)
        .with_context(|| format!("cannot write {}", marker.display()))?;
    Ok(entry)
}

/// A running Prism; dropping it stops it.
pub struct Prism {
    child: Child,
    port: u16,
    /// Prism's output (both streams), kept for error messages.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// Static (examples, or a sample from the schema) or dynamic (`--dynamic --seed`) responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Examples or schema samples.
    Static,
    /// Random responses from the schema, reproducible through `Prefer: seed=`.
    Dynamic,
}

impl Prism {
    /// Starts Prism on `spec` and waits (at most `limit`) until it listens. An error carries the
    /// tail of Prism's output.
    pub fn start(entry: &Path, spec: &Path, mode: Mode, limit: Duration) -> Result<Prism> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .context("cannot find a free loopback port")?
            .port();
        let mut command = Command::new("node");
        command.arg(entry).args(["mock", "--errors"]);
        if mode == Mode::Dynamic {
            command.args(["--dynamic", "--seed", "conformance"]);
        }
        command
            .arg(spec)
            .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        ends_with_the_starting_thread(&mut command);
        let mut child = command
            .spawn()
            .context("cannot run `node` (Prism needs Node.js >= 18.20.1 on PATH)")?;
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (ready_sender, ready) = mpsc::channel();
        let listening = format!("Prism is listening on http://127.0.0.1:{port}");
        for (stream, needle) in [
            (
                child
                    .stdout
                    .take()
                    .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
                Some(listening),
            ),
            (
                child
                    .stderr
                    .take()
                    .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
                None,
            ),
        ] {
            let Some(stream) = stream else { continue };
            let log = std::sync::Arc::clone(&log);
            let sender = ready_sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if needle
                        .as_deref()
                        .is_some_and(|needle| line.contains(needle))
                    {
                        let _ = sender.send(());
                    }
                    if let Ok(mut lines) = log.lock() {
                        // Keep memory bounded on a chatty server: the tail is what errors show.
                        if lines.len() > 2000 {
                            lines.drain(..1000);
                        }
                        lines.push(line);
                    }
                }
            });
        }
        drop(ready_sender);
        let mut prism = Prism { child, port, log };
        let started = Instant::now();
        loop {
            match ready.recv_timeout(Duration::from_millis(100)) {
                Ok(()) => return Ok(prism),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let _ = prism.child.wait();
                    bail!("Prism exited before listening: {}", prism.log_tail(6));
                }
            }
            if let Ok(Some(status)) = prism.child.try_wait() {
                bail!(
                    "Prism exited ({status}) before listening: {}",
                    prism.log_tail(6)
                );
            }
            if started.elapsed() > limit {
                bail!(
                    "Prism did not listen within {} s: {}",
                    limit.as_secs(),
                    prism.log_tail(6)
                );
            }
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The last `lines` lines of Prism's output, on one line, without its timestamps' noise.
    pub fn log_tail(&self, lines: usize) -> String {
        let all = self
            .log
            .lock()
            .map(|lines| lines.clone())
            .unwrap_or_default();
        all[all.len().saturating_sub(lines)..]
            .iter()
            .map(|line| line.trim())
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// Makes the kernel stop (SIGTERM) the process `command` starts when the thread that starts it
/// ends, however it ends. Prism runs in a process group of its own, so a Ctrl-C at the terminal
/// never reaches it, and the Ctrl-C ends xtask at once, without `Drop`: Prism was left running,
/// holding its port, after every interrupted `cargo xtask conformance` (and after a SIGKILL, or
/// a CI job's timeout). Xtask starts Prism on its main thread.
pub fn ends_with_the_starting_thread(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let starter = std::process::id() as libc::pid_t;
        // SAFETY: the closure runs in the child between fork and exec, and calls only prctl(2)
        // and getppid(2), which are async-signal-safe, and allocates nothing.
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The starter ended before the request took effect: nothing would signal.
                if libc::getppid() != starter {
                    return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

impl Drop for Prism {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        #[cfg(unix)]
        {
            // The whole process group (Prism's own), in case Prism started helpers of its own.
            let group = -(self.child.id() as libc::pid_t);
            // SAFETY: kill(2) on the process group Prism leads; the leader is not reaped yet.
            unsafe { libc::kill(group, libc::SIGTERM) };
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            // SAFETY: as above.
            unsafe { libc::kill(group, libc::SIGKILL) };
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
