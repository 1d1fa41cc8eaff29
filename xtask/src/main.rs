//! `cargo xtask`: runs the generator over `specs/` (or one spec) and writes or checks the output.

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::codegen::{self, Mode};

/// Set when stdout or stderr could not be written (a reader that went away: `gen --check | head`).
static OUTPUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes one report line; a closed pipe ends in exit 1, never in std's "failed printing" panic
/// (exit 101 with a backtrace after the work is done).
fn emit(to_stderr: bool, text: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let written = if to_stderr {
        std::io::stderr().write_fmt(text)
    } else {
        std::io::stdout().write_fmt(text)
    };
    if written.is_err() {
        OUTPUT_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

macro_rules! println {
    ($($argument:tt)*) => { emit(false, format_args!("{}\n", format_args!($($argument)*))) };
}
macro_rules! eprintln {
    ($($argument:tt)*) => { emit(true, format_args!("{}\n", format_args!($($argument)*))) };
}
macro_rules! eprint {
    ($($argument:tt)*) => { emit(true, format_args!($($argument)*)) };
}

/// The generator makes millions of small allocations (tokens, syntax trees); mimalloc serves them
/// faster than the system allocator, from every formatting thread. It is built without transparent
/// huge pages (`no_thp` in Cargo.toml): with them, the first touch of each 2 MB of an arena makes it
/// all resident, a third of the peak memory of a generation (nexus: 58 MB against 40 MB), for no
/// gain in speed.
/// Wrapped to count the peak of heap bytes when the bench asks for it (see `bench/heap.rs`).
#[global_allocator]
static GLOBAL_ALLOCATOR: xtask::bench::heap::PeakCountingAllocator<mimalloc::MiMalloc> =
    xtask::bench::heap::PeakCountingAllocator::new(mimalloc::MiMalloc);

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project automation for the OpenAPI client generator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/ from specs/ (or, with --spec and --out, a standalone crate from one spec).
    Gen {
        /// Write nothing; exit 1 and print a diff when the output differs from what is on disk.
        #[arg(long)]
        check: bool,
        /// One OpenAPI 3.0/3.1 document (JSON or YAML) to turn into a standalone crate.
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// The directory to write the standalone crate into.
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
        /// The standalone crate's package name (default: from the spec's file name).
        #[arg(long, requires = "spec")]
        crate_name: Option<String>,
        /// A provider.toml for the spec (renames, oauth2_client_basic_schemes, [token]); its
        /// provenance keys may be left out.
        #[arg(long, requires = "spec")]
        config: Option<PathBuf>,
        /// An OpenAPI Overlay 1.0.0 document (YAML or JSON) to apply to the spec after load.
        #[arg(long, requires = "spec")]
        overlay: Option<PathBuf>,
        /// Leave out the defective schemas and operations of the spec (and whatever uses them)
        /// instead of failing, and list what was left out.
        #[arg(long, requires = "spec")]
        skip_invalid: bool,
        /// Keep the crate's version when the API changed: the changes go under "Unreleased" in
        /// CHANGELOG.md, and the next regeneration that bumps releases them.
        #[arg(long)]
        no_bump: bool,
    },
    /// Check every spec against the provider's page saved beside it in specs/<provider>/ (embedded
    /// blocks byte for byte, published files as is, authored specs naming nothing the page does not);
    /// with --update, fetch the pages again and update the saved pages and specs.
    Specs {
        /// Fetch each provider's page (docs_page_url or source_url in provider.toml), take the spec
        /// out of it as the check does, and update the saved page and the spec byte for byte.
        /// Authored specs are never overwritten.
        #[arg(long)]
        update: bool,
        /// Only this provider (its folder under specs/, or its module name).
        #[arg(requires = "update")]
        provider: Option<String>,
        /// Read the page from this URL or file instead.
        #[arg(long, requires = "provider", value_name = "URL|FILE")]
        from: Option<String>,
        /// Write nothing; exit 1 when a live page differs from the saved one.
        #[arg(long, requires = "update")]
        check: bool,
    },
    /// Generate (and `cargo check`) a client for every document of the real-world corpus, one row each.
    Corpus(xtask::corpus::CorpusArgs),
    /// Generation speed against the parse floor and progenitor, peak memory, compile cost and call
    /// overhead, interleaved, as medians and ratios (never fails on a time).
    Bench(xtask::bench::BenchArgs),
    /// Call every operation of every corpus document through its generated client against Prism.
    Conformance(xtask::conformance::ConformanceArgs),
    /// Generates one corpus document and prints machine-readable result lines (used by `corpus`).
    #[command(hide = true)]
    CorpusOne {
        #[arg(long)]
        spec: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        crate_name: String,
        #[arg(long)]
        skip_invalid: bool,
    },
}

/// `mi_option_purge_delay`, its position in `mi_option_e` (mimalloc.h, v2 and v3 alike), which
/// `libmimalloc-sys` names no constant for.
const MIMALLOC_PURGE_DELAY_OPTION: libmimalloc_sys::mi_option_t = 15;

/// Milliseconds mimalloc waits before it gives freed pages back to the kernel (its default is 1000).
/// Giving them back sooner lowers the peak resident set by about a third (nexus 38 -> 25 MB) for
/// a few percent more CPU time; see README, Performance.
const MIMALLOC_PURGE_DELAY_MILLISECONDS: std::ffi::c_long = 50;

fn main() {
    if xtask::bench::heap_count_asked() {
        GLOBAL_ALLOCATOR.start_counting();
    }
    // An explicit `MIMALLOC_PURGE_DELAY` in the environment wins.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one integer option of the allocator; mimalloc reads options atomically.
        unsafe {
            libmimalloc_sys::mi_option_set(
                MIMALLOC_PURGE_DELAY_OPTION,
                MIMALLOC_PURGE_DELAY_MILLISECONDS,
            )
        };
    }
    let succeeded = match run() {
        Ok(code) => code == ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            false
        }
    };
    // Ends the process at once, once the output is flushed: whatever is still allocated is the
    // kernel's to reclaim, so nothing pays for freeing trees one node at a time.
    xtask::bench::report_peak_memory_when_asked(GLOBAL_ALLOCATOR.peak_bytes());
    use std::io::Write as _;
    let flushed = std::io::stdout().flush().is_ok()
        && std::io::stderr().flush().is_ok()
        && !OUTPUT_FAILED.load(std::sync::atomic::Ordering::Relaxed);
    std::process::exit(if succeeded && flushed { 0 } else { 1 })
}

fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Gen {
            check,
            spec,
            out,
            crate_name,
            config,
            overlay,
            skip_invalid,
            no_bump,
        } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            let bump = if no_bump {
                codegen::Bump::Never
            } else {
                codegen::Bump::BySemver
            };
            let report = match (spec, out) {
                (Some(spec), Some(out)) => {
                    codegen::generate_standalone_with(&codegen::StandaloneOptions {
                        spec: &spec,
                        out: &out,
                        crate_name: crate_name.as_deref(),
                        config: config.as_deref(),
                        overlay: overlay.as_deref(),
                        mode,
                        skip_invalid,
                        bump,
                    })?
                }
                _ => codegen::generate_workspace_with(&codegen::project_root()?, mode, bump)?,
            };
            for line in &report.provider_lines {
                println!("{line}");
            }
            for line in &report.api_changes {
                println!("{line}");
            }
            for line in &report.renamed {
                eprintln!("note: {line}");
            }
            for line in &report.notes {
                eprintln!("note: {line}");
            }
            for line in &report.skipped {
                eprintln!("warning: {line}");
            }
            if !report.skipped.is_empty() {
                eprintln!(
                    "warning: --skip-invalid left out {} item(s); the client covers the rest of the spec",
                    report.skipped.len()
                );
            }
            if report.is_clean() {
                if mode == Mode::Write {
                    for file in &report.updated {
                        println!("wrote {file}");
                    }
                    for file in &report.deleted {
                        println!("deleted {file}");
                    }
                    println!("{}", report.write_summary());
                }
                Ok(ExitCode::SUCCESS)
            } else {
                eprint!("{}", report.drift_text());
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Specs { update: false, .. } => {
            for line in xtask::provenance::check_all(&codegen::project_root()?)? {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Specs {
            update: true,
            provider,
            from,
            check,
        } => {
            let options = xtask::update::UpdateOptions {
                provider,
                from,
                check,
                limits: xtask::fetch::FetchLimits::default(),
            };
            let report = xtask::update::update(&codegen::project_root()?, &options)?;
            for line in &report.lines {
                println!("{line}");
            }
            for file in &report.written {
                println!("wrote {file}");
            }
            if check && report.differs {
                eprintln!(
                    "error: a provider's live page differs from the saved one; run `cargo xtask specs --update` and review the result"
                );
                return Ok(ExitCode::FAILURE);
            }
            if !check && report.differs {
                println!("next: `cargo xtask gen` regenerates the client and reports what changed in its API; review, then commit specs/ and generated/ together");
            } else if !report.differs {
                println!("every saved page matches the live one");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Corpus(args) => {
            let passed = xtask::corpus::run(&codegen::project_root()?, args)?;
            Ok(if passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Bench(args) => {
            xtask::bench::run(&codegen::project_root()?, args)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Conformance(args) => {
            let passed = xtask::conformance::run(&codegen::project_root()?, args)?;
            Ok(if passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::CorpusOne {
            spec,
            out,
            crate_name,
            skip_invalid,
        } => {
            xtask::corpus::corpus_one(&spec, &out, &crate_name, skip_invalid)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
