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
        } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            let report = match (spec, out) {
                (Some(spec), Some(out)) => {
                    codegen::generate_standalone(&spec, &out, crate_name.as_deref(), mode)?
                }
                _ => codegen::generate_workspace(&codegen::project_root(), mode)?,
            };
            for line in &report.provider_lines {
                println!("{line}");
            }
            if report.is_clean() {
                if mode == Mode::Write {
                    println!("{}", report.write_summary());
                }
                Ok(ExitCode::SUCCESS)
            } else {
                eprint!("{}", report.drift_text());
                Ok(ExitCode::FAILURE)
            }
        }
    }
}
