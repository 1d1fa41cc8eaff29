//! `cargo xtask bench --quick`: the report has every section and row, for JSON and YAML documents.
//! Only the shape is checked: a bench never passes or fails on a time.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    xtask::codegen::project_root().unwrap()
}

#[test]
fn quick_bench_reports_every_section_with_figures() {
    let corpus = tempfile::tempdir().unwrap();
    let json = root().join("specs/mobile-calendar/openapi.json");
    let yaml = root().join("generator/tests/fixtures/valid/pointer_refs.yaml");
    std::fs::copy(&json, corpus.path().join("mobile_calendar.json")).unwrap();
    std::fs::copy(&yaml, corpus.path().join("pointer_refs.yaml")).unwrap();
    // A document of 256 KB and more gets a row in the memory table: mobile-calendar with a long
    // description.
    let mut large: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    large["info"]["description"] =
        serde_json::Value::String("A line of prose about the calendar API.\n\n".repeat(7000));
    std::fs::write(
        corpus.path().join("large_calendar.json"),
        serde_json::to_vec(&large).unwrap(),
    )
    .unwrap();
    // Not a document: left out of the corpus.
    std::fs::write(corpus.path().join("notes.txt"), "not a spec").unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(["bench", "--quick", "--this-build", "--without-progenitor"])
        .arg("--corpus")
        .arg(corpus.path())
        .arg("--document")
        .arg(corpus.path().join("pointer_refs.yaml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");

    for expected in [
        "# cargo xtask bench: 1 interleaved round(s), medians",
        "progenitor: left out",
        "## Generation, whole process",
        "| document | size | parse floor | ours | ours ÷ floor | progenitor | progenitor ÷ ours | peak memory (ours) | memory ÷ size | peak heap (ours) | heap ÷ size |",
        "## Goals",
        "| whole corpus ≤ 4× the parse floor |",
        "| generation ≥ 10× faster than progenitor on nexus | progenitor not measured |",
        "## Peak memory per document",
        "The fixed cost of a process: ",
        "| document | size | peak resident | resident ÷ size | resident above the fixed cost ÷ size | peak heap | heap ÷ size |",
        "## Where the time goes (in process)",
        "| stage | pointer_refs |",
        "## Compile cost of a generated crate\n\nnot measured: run with `--compile`",
        "## One generated call against hand-written reqwest\n\nnot measured: run with `--call-overhead`",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
    let row = |start: &str| {
        stdout
            .lines()
            .find(|line| line.starts_with(start))
            .unwrap_or_else(|| panic!("no row starting {start:?} in:\n{stdout}"))
            .to_string()
    };
    // The named document: size, floor, ours, a ratio, a peak memory and a peak of heap bytes, and
    // no failure.
    let document = row("| pointer_refs |");
    let cells: Vec<&str> = document.split('|').map(str::trim).collect();
    assert_eq!(cells.len(), 13, "{document}");
    assert!(
        cells[3].ends_with(" ms") || cells[3].ends_with(" s"),
        "{document}"
    );
    assert!(
        cells[4].ends_with(" ms") || cells[4].ends_with(" s"),
        "{document}"
    );
    assert!(cells[5].ends_with('×'), "{document}");
    assert_eq!(cells[6], "not on PATH", "{document}");
    assert!(!document.contains("failed"), "{document}");
    if cfg!(target_os = "linux") {
        assert!(cells[8].ends_with(" MB"), "{document}");
    }
    // Counted by the allocator wrapper on every platform; never zero for a generation.
    assert!(cells[10].ends_with(" MB"), "{document}");
    assert_ne!(cells[10], "0.0 MB", "{document}");
    assert!(cells[11].ends_with('×'), "{document}");
    // The large document's memory row: its peak resident set and heap, each against its size.
    let memory_row = row("| large_calendar |");
    let memory_cells: Vec<&str> = memory_row.split('|').map(str::trim).collect();
    assert_eq!(memory_cells.len(), 9, "{memory_row}");
    assert!(memory_cells[3].ends_with(" MB"), "{memory_row}");
    for ratio_cell in [4, 5, 7] {
        assert!(memory_cells[ratio_cell].ends_with('×'), "{memory_row}");
    }
    assert!(memory_cells[6].ends_with(" MB"), "{memory_row}");
    // Every corpus document (JSON and YAML), generated without a failure.
    let corpus_row = row("| whole corpus (3 documents) |");
    assert!(!corpus_row.contains("failed"), "{corpus_row}");
    for stage in ["load", "lower", "emit", "format", "free"] {
        let line = row(&format!("| {stage} |"));
        assert!(line.contains('%'), "{line}");
    }
}

#[test]
fn quick_bench_on_a_folder_without_documents_is_a_clear_error() {
    let corpus = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(["bench", "--quick", "--this-build", "--without-progenitor"])
        .arg("--corpus")
        .arg(corpus.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no .json/.yaml documents in"), "{stderr}");
}

/// `--rounds 0` would measure nothing; it is refused by name instead of silently becoming one round.
#[test]
fn zero_rounds_are_refused_before_anything_runs() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(["bench", "--quick", "--this-build", "--rounds", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--rounds"), "{stderr}");
    assert!(!stderr.contains("bench: generation round"), "{stderr}");
}
