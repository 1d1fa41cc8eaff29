//! The bench's memory table: every document of 256 KB and more, with its peak resident set and
//! peak heap against its size, beside the fixed cost of a process (the smallest document's peak).

use super::{kilobytes, megabytes, Subject, SubjectSamples, MEMORY_GOAL_MINIMUM_SIZE};
use anyhow::Result;
use std::fmt::Write as _;

/// One row per document of at least [`MEMORY_GOAL_MINIMUM_SIZE`] (a named document that is also
/// in the corpus once), smallest first.
pub(super) fn report_memory(
    report: &mut String,
    subjects: &[Subject],
    samples: &[SubjectSamples],
) -> Result<()> {
    let peak_resident = |entry: &SubjectSamples| {
        entry
            .ours
            .iter()
            .filter_map(|measured| measured.max_rss_bytes)
            .max()
    };
    let mut rows: Vec<(&Subject, &SubjectSamples)> = Vec::new();
    for (subject, entry) in subjects.iter().zip(samples) {
        let seen = rows.iter().any(|(row, _)| row.bytes == subject.bytes);
        if subject.bytes.len() >= MEMORY_GOAL_MINIMUM_SIZE && !seen {
            rows.push((subject, entry));
        }
    }
    rows.sort_by_key(|(subject, _)| subject.bytes.len());
    // What a process costs whatever the document: the executable's pages (file-backed, shared
    // with every other run), the C library, stacks, the allocator's first arenas.
    let fixed_cost = subjects
        .iter()
        .zip(samples)
        .filter_map(|(subject, entry)| Some((subject, peak_resident(entry)?)))
        .min_by_key(|(subject, _)| subject.bytes.len());
    writeln!(report, "## Peak memory per document\n")?;
    match fixed_cost {
        Some((smallest, resident)) => writeln!(
            report,
            "The fixed cost of a process: {} peak resident for the smallest document ({}, {}).\n",
            megabytes(resident),
            smallest.label,
            kilobytes(smallest.bytes.len())
        )?,
        None => writeln!(
            report,
            "Peak resident sets are not measured here (no /proc).\n"
        )?,
    }
    if rows.is_empty() {
        writeln!(
            report,
            "No document of {} KiB or more to measure against its size.\n",
            MEMORY_GOAL_MINIMUM_SIZE / 1024
        )?;
        return Ok(());
    }
    writeln!(
        report,
        "| document | size | peak resident | resident ÷ size | resident above the fixed cost ÷ size | peak heap | heap ÷ size |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|---|")?;
    for (subject, entry) in rows {
        let size = subject.bytes.len() as f64;
        let resident = peak_resident(entry);
        let times = |bytes: f64| format!("{:.0}×", bytes / size);
        writeln!(
            report,
            "| {} | {} | {} | {} | {} | {} | {} |",
            subject.label,
            kilobytes(subject.bytes.len()),
            resident.map_or("n/a".to_string(), megabytes),
            resident.map_or("n/a".to_string(), |resident| times(resident as f64)),
            match (resident, fixed_cost) {
                (Some(resident), Some((_, fixed))) => times(resident.saturating_sub(fixed) as f64),
                _ => "n/a".to_string(),
            },
            entry.peak_heap_bytes.map_or("n/a".to_string(), megabytes),
            entry
                .peak_heap_bytes
                .map_or("n/a".to_string(), |heap| times(heap as f64)),
        )?;
    }
    writeln!(report)?;
    Ok(())
}
