//! `cargo xtask bench --compile`: what a generated crate costs to compile (`cargo check`, a full
//! build and an incremental rebuild after touching a file), ours and progenitor's side by side,
//! in a scratch target dir (`target/bench/compile/target`) with dependencies built beforehand.

use super::process::{self, median};
use super::{seconds, Subject};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// Which of a contender's samples a row shows.
type SamplesOf = fn(&Contender) -> &[Duration];

struct Contender {
    label: &'static str,
    crate_dir: PathBuf,
    package: String,
    touched_file: PathBuf,
    lines: usize,
    check: Vec<Duration>,
    full_build: Vec<Duration>,
    incremental: Vec<Duration>,
}

/// Measures the compile cost of the nexus crate (or the first named document's) and writes its table.
pub fn report(
    report: &mut String,
    root: &Path,
    work_dir: &Path,
    documents: &[PathBuf],
    ours: &Path,
    progenitor: &Option<PathBuf>,
) -> Result<()> {
    writeln!(report, "## Compile cost of a generated crate\n")?;
    let Some(document) = documents
        .iter()
        .find(|path| path.ends_with("progenitor__nexus.json"))
        .or(documents.first())
    else {
        writeln!(report, "no document to compile\n")?;
        return Ok(());
    };
    let subject = Subject::read(document)?;
    let compile_dir = work_dir.join("compile");
    let target_dir = compile_dir.join("target");
    let mut contenders = Vec::new();

    let crate_dir = compile_dir.join("ours");
    let generated = process::run_ours(ours, &subject, &crate_dir)?;
    if !generated.success {
        bail!("generating {} failed", subject.path.display());
    }
    // The workspace lock pins the versions the generated crates are tested with; offline works.
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))?;
    let module_file = std::fs::read_dir(crate_dir.join("src"))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            !["lib.rs", "token.rs"]
                .iter()
                .any(|name| path.ends_with(name))
        })
        .max_by_key(|path| std::fs::metadata(path).map_or(0, |metadata| metadata.len()))
        .context("the generated crate has no module file")?;
    contenders.push(Contender::new(
        "ours",
        crate_dir,
        "bench-client",
        module_file,
    )?);

    if let Some(progenitor) = progenitor {
        let crate_dir = compile_dir.join("progenitor");
        let generated = process::run_progenitor(progenitor, &subject, &crate_dir)?;
        if generated.success {
            // Its manifest has no `[workspace]`, and target/ sits inside this workspace.
            let manifest = crate_dir.join("Cargo.toml");
            let text = std::fs::read_to_string(&manifest)?;
            if !text.contains("[workspace]") {
                std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
            }
            let touched = crate_dir.join("src/lib.rs");
            contenders.push(Contender::new(
                "progenitor",
                crate_dir,
                "bench-client",
                touched,
            )?);
        } else {
            writeln!(report, "progenitor failed on {}\n", subject.label)?;
        }
    }

    // Dependencies built once for both modes, outside the timing.
    for contender in &contenders {
        eprintln!("bench: building the dependencies of {}", contender.label);
        cargo(&target_dir, &contender.crate_dir, &["build"])?;
        cargo(&target_dir, &contender.crate_dir, &["check"])?;
    }
    let rounds = 3;
    for round in 0..rounds {
        eprintln!("bench: compile round {}/{rounds}", round + 1);
        for contender in &mut contenders {
            let clean = ["clean", "-p", contender.package.as_str()];
            cargo(&target_dir, &contender.crate_dir, &clean)?;
            contender
                .check
                .push(cargo(&target_dir, &contender.crate_dir, &["check"])?);
            cargo(&target_dir, &contender.crate_dir, &clean)?;
            contender
                .full_build
                .push(cargo(&target_dir, &contender.crate_dir, &["build"])?);
            std::fs::File::options()
                .append(true)
                .open(&contender.touched_file)?
                .set_modified(SystemTime::now())?;
            contender
                .incremental
                .push(cargo(&target_dir, &contender.crate_dir, &["build"])?);
        }
    }

    write!(report, "| {} |", subject.label)?;
    for contender in &contenders {
        write!(report, " {} |", contender.label)?;
    }
    let compared = contenders.len() == 2;
    if compared {
        write!(report, " progenitor ÷ ours |")?;
    }
    writeln!(report)?;
    writeln!(
        report,
        "|---|{}",
        "---|".repeat(contenders.len() + usize::from(compared))
    )?;
    let rows: [(&str, SamplesOf); 3] = [
        ("`cargo check`", |contender| &contender.check),
        ("full build (debug)", |contender| &contender.full_build),
        ("incremental rebuild (a file touched)", |contender| {
            &contender.incremental
        }),
    ];
    for (label, pick) in rows {
        write!(report, "| {label} |")?;
        let figures: Vec<Duration> = contenders
            .iter()
            .map(|contender| median(pick(contender).to_vec()))
            .collect();
        for figure in &figures {
            write!(report, " {} |", seconds(*figure))?;
        }
        if compared {
            write!(report, " {:.2}× |", super::ratio(figures[1], figures[0]))?;
        }
        writeln!(report)?;
    }
    write!(report, "| lines of Rust |")?;
    for contender in &contenders {
        write!(report, " {} |", contender.lines)?;
    }
    writeln!(report)?;
    writeln!(
        report,
        "\nMedians of {rounds} rounds, `CARGO_INCREMENTAL=1` (cargo's default for a dev build), dependencies already built.\n"
    )?;
    Ok(())
}

impl Contender {
    fn new(
        label: &'static str,
        crate_dir: PathBuf,
        package: &str,
        touched_file: PathBuf,
    ) -> Result<Contender> {
        let lines = count_lines(&crate_dir.join("src"));
        Ok(Contender {
            label,
            crate_dir,
            package: package.to_string(),
            touched_file,
            lines,
            check: Vec::new(),
            full_build: Vec::new(),
            incremental: Vec::new(),
        })
    }
}

fn count_lines(directory: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return 0;
    };
    entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .map(|text| text.lines().count())
        .sum()
}

/// Runs one cargo command on the crate; returns how long it took.
fn cargo(target_dir: &Path, crate_dir: &Path, arguments: &[&str]) -> Result<Duration> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(arguments)
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_INCREMENTAL", "1")
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let output = command.output().context("cannot run cargo")?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        bail!(
            "`cargo {}` in {} failed: {}",
            arguments.join(" "),
            crate_dir.display(),
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .take(10)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    Ok(elapsed)
}
