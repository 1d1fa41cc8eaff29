//! `cargo xtask`: runs the generator over `specs/` (or one spec) and writes or checks the output.

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::codegen::{self, Mode};

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
        /// Leave out the defective schemas and operations of the spec (and whatever uses them)
        /// instead of failing, and list what was left out.
        #[arg(long, requires = "spec")]
        skip_invalid: bool,
    },
    /// Check every spec against the provider's saved documentation page (embedded blocks byte for
    /// byte, published files as is, authored specs naming nothing the page does not).
    Specs {
        /// The folder of saved pages (default: ../shared/provider-docs beside the repository).
        #[arg(long)]
        docs: Option<PathBuf>,
    },
    /// Generate (and `cargo check`) a client for every document of the real-world corpus, one row each.
    Corpus(xtask::corpus::CorpusArgs),
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

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
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
            skip_invalid,
        } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            let report = match (spec, out) {
                (Some(spec), Some(out)) => codegen::generate_standalone(
                    &spec,
                    &out,
                    crate_name.as_deref(),
                    config.as_deref(),
                    mode,
                    skip_invalid,
                )?,
                _ => codegen::generate_workspace(&codegen::project_root()?, mode)?,
            };
            for line in &report.provider_lines {
                println!("{line}");
            }
            for line in &report.renamed {
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
        Command::Specs { docs } => {
            let root = codegen::project_root()?;
            let docs = docs.unwrap_or_else(|| root.join("../shared/provider-docs"));
            for line in xtask::provenance::check_all(&root, &docs)? {
                println!("{line}");
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
