//! Differential test of the format stage: for every golden fixture and for corpus documents, the
//! module formatted by the format stage (section by section as it is emitted, items of common
//! shapes printed without `syn`, the rest formatted item by item on every core) is byte for byte
//! what prettyplease prints for the whole module's tokens parsed as one `syn::File`, the
//! independent oracle.

use generator::{format, ProviderConfig, ProviderSource};
use std::path::{Path, PathBuf};

/// Corpus documents checked besides the fixtures (the largest are left to `cargo xtask gen` and
/// the bench, as a debug build takes long on them).
const CORPUS_DOCUMENTS: &[&str] = &[
    "progenitor__nexus.json",
    "spotify__fixed-spotify-open-api.yml",
    "kubernetes__rbac_v1.json",
    "okta__oauth.yaml",
    "supabase__auth.yaml",
    "progenitor__buildomat.json",
    "progenitor__propolis-server.json",
    "redocly__museum.yaml",
    "twilio__oauth_v2.json",
    "oai__petstore-expanded.yaml",
];

fn fixture_documents() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|ext| ext.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    paths.sort();
    paths
}

/// The shared corpus beside the repository (`cargo xtask corpus` reads it too).
fn corpus_documents() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/specs");
    CORPUS_DOCUMENTS
        .iter()
        .map(|name| dir.join(name))
        .filter(|path| path.is_file())
        .collect()
}

/// Formats the document's module both ways; returns (items printed without syn, items).
fn check_document(path: &Path) -> (usize, usize) {
    let bytes = std::fs::read(path).expect("readable document");
    let spec_path = path.display().to_string();
    let source = ProviderSource {
        spec_path: spec_path.clone(),
        spec_bytes: &bytes,
        config: ProviderConfig::for_standalone_spec("api", &spec_path),
    };
    let (api, _, _) = generator::lower_spec_with(&source, true)
        .unwrap_or_else(|error| panic!("{spec_path} must lower: {error}"));
    let tokens = generator::emit::provider_module_tokens(&api, &spec_path);
    let oracle = prettyplease::unparse(
        &syn::parse2(tokens.clone()).unwrap_or_else(|error| panic!("{spec_path}: {error}")),
    );
    let expected = format!("{}\n{oracle}", format::RUST_HEADER);
    // As `generate_crate` formats it: section by section, each emitted when the format stage asks.
    let actual = format::format_rust_sections(
        "src/api.rs",
        generator::emit::provider_module_sections(&api, &spec_path),
    )
    .unwrap_or_else(|error| panic!("{spec_path}: {error}"));
    if actual != expected {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual.as_str())
            .unified_diff()
            .context_radius(3)
            .header("prettyplease (oracle)", "format stage")
            .to_string();
        panic!("{spec_path}: the format stage differs from prettyplease:\n{diff}");
    }
    format::items_printed_without_syn(tokens)
}

#[test]
fn every_fixture_formats_as_prettyplease_formats_the_whole_file() {
    let (mut printed, mut total) = (0, 0);
    for path in fixture_documents() {
        let (document_printed, document_total) = check_document(&path);
        printed += document_printed;
        total += document_total;
    }
    // The fast path is taken (structs and enums), and not for everything.
    assert!(
        printed * 10 > total,
        "{printed} of {total} items printed without syn"
    );
    assert!(
        printed < total,
        "{printed} of {total} items printed without syn"
    );
}

#[test]
fn corpus_documents_format_as_prettyplease_formats_the_whole_file() {
    let documents = corpus_documents();
    if documents.is_empty() {
        eprintln!("note: no shared corpus beside the repository; only the fixtures are compared");
        return;
    }
    let (mut printed, mut total) = (0, 0);
    for path in documents {
        let (document_printed, document_total) = check_document(&path);
        eprintln!(
            "{}: {document_printed} of {document_total} items printed without syn",
            path.display()
        );
        // nexus has every frequent shape (structs, string and tagged enums, their `impl` blocks,
        // constructors, one-line `type` aliases); what is left to syn is mostly the client's
        // methods and the error enums' `Display`. A fast path falling back silently shows here.
        if path.ends_with("progenitor__nexus.json") {
            assert!(
                document_printed * 4 >= document_total * 3,
                "nexus: only {document_printed} of {document_total} items printed without syn"
            );
        }
        printed += document_printed;
        total += document_total;
    }
    assert!(
        printed * 10 > total,
        "{printed} of {total} items printed without syn"
    );
}
