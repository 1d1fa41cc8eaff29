//! The runtime crate (`generator/runtime`) as the generator sees it: which of its optional parts a
//! generated module uses, the Cargo features that turn them on, and the copy of its sources that a
//! standalone crate embeds as its `runtime` module (the repository keeps one copy of the source).

use std::collections::BTreeSet;

/// The runtime crate's package name; a crate generated inside the workspace depends on it.
pub const RUNTIME_PACKAGE: &str = "auth-clients-runtime";

/// The runtime's library name, which a workspace crate's `lib.rs` re-exports as `runtime`.
pub const RUNTIME_LIBRARY: &str = "auth_clients_runtime";

const LIB: &str = include_str!("../runtime/src/lib.rs");
const MEDIA: &str = include_str!("../runtime/src/media.rs");
const SERVERS: &str = include_str!("../runtime/src/servers.rs");
const SCHEMA_FORMS: &str = include_str!("../runtime/src/schema_forms.rs");
const TOKEN: &str = include_str!("../runtime/src/token.rs");
const TOKEN_AUTHORIZATION: &str = include_str!("../runtime/src/token/authorization.rs");

/// A part of the runtime that only some APIs need: a Cargo feature of the runtime crate, and a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuntimePart {
    /// `Binary`, multipart bodies, the delimited and `deepObject` query styles.
    Media,
    /// Per-operation server URLs and redirect `Location`s.
    Servers,
    /// `Base64Bytes`.
    SchemaForms,
    /// The authorization-code flow's `state` and PKCE bookkeeping.
    TokenAuthorization,
}

impl RuntimePart {
    /// Every part, in feature order.
    pub const ALL: [RuntimePart; 4] = [
        RuntimePart::Media,
        RuntimePart::Servers,
        RuntimePart::SchemaForms,
        RuntimePart::TokenAuthorization,
    ];

    /// The runtime crate's Cargo feature for this part.
    pub fn feature(self) -> &'static str {
        match self {
            RuntimePart::Media => "media",
            RuntimePart::Servers => "servers",
            RuntimePart::SchemaForms => "schema_forms",
            RuntimePart::TokenAuthorization => "token_authorization",
        }
    }

    /// The part's file, relative to the runtime crate's `src/`, and its source.
    fn file(self) -> (&'static str, &'static str) {
        match self {
            RuntimePart::Media => ("media.rs", MEDIA),
            RuntimePart::Servers => ("servers.rs", SERVERS),
            RuntimePart::SchemaForms => ("schema_forms.rs", SCHEMA_FORMS),
            RuntimePart::TokenAuthorization => ("token/authorization.rs", TOKEN_AUTHORIZATION),
        }
    }

    /// How generated code names the part's items: a path ending in one of its public items, or a
    /// call of a method it adds to `RawResponse`. A match in prose only costs a part compiled for nothing.
    fn markers(self) -> &'static [&'static str] {
        match self {
            RuntimePart::Media => &[
                "::Binary",
                "::multipart_body",
                "::append_query_delimited",
                "::append_query_deep_object",
                ".binary()",
            ],
            RuntimePart::Servers => &["::server_url", ".location("],
            RuntimePart::SchemaForms => &["::Base64Bytes"],
            RuntimePart::TokenAuthorization => &[
                "::AUTHORIZATION_LIFETIME",
                "::MAX_PENDING_AUTHORIZATIONS",
                "::PendingAuthorizations",
                "::StateMismatch",
                "::random_url_safe_text",
                "::pkce_s256_challenge",
            ],
        }
    }
}

/// The runtime parts a generated module's source uses.
pub fn parts_used_by(module_source: &str) -> BTreeSet<RuntimePart> {
    RuntimePart::ALL
        .into_iter()
        .filter(|part| {
            part.markers()
                .iter()
                .any(|marker| module_source.contains(marker))
        })
        .collect()
}

/// The package name of a standalone crate's copy of the runtime: the crate's own name and
/// `-runtime`, so that two standalone crates in one workspace never bring two packages of one name.
pub fn runtime_copy_package(crate_name: &str) -> String {
    format!("{crate_name}-runtime")
}

/// The library name of [`runtime_copy_package`], which the standalone crate's `lib.rs` re-exports
/// as `runtime`.
pub fn runtime_copy_library(crate_name: &str) -> String {
    runtime_copy_package(crate_name).replace('-', "_")
}

/// The folder of a standalone crate that holds its copy of the runtime, a crate of its own.
pub const RUNTIME_COPY_FOLDER: &str = "runtime";

/// The runtime's sources as a standalone crate's copy of the runtime crate (`runtime/src/lib.rs`
/// and the files beside it), with the parts in `parts` and without the others. A crate of its own
/// rather than a module, so that rebuilding the client after a change does not compile the runtime
/// again. Paths are relative to the standalone crate's root; contents have no header line yet.
pub fn runtime_copy_files(parts: &BTreeSet<RuntimePart>) -> Vec<(String, String)> {
    let folder = RUNTIME_COPY_FOLDER;
    let mut files = vec![
        (format!("{folder}/src/lib.rs"), with_features(LIB, parts)),
        (
            format!("{folder}/src/token.rs"),
            with_features(TOKEN, parts),
        ),
    ];
    for part in parts {
        let (path, source) = part.file();
        files.push((format!("{folder}/src/{path}"), source.to_string()));
    }
    files
}

/// `source` with each `#[cfg(feature = "...")]` line resolved: the line goes, and the one item line
/// it guards stays when its part is in `parts` and goes when it is not. A standalone crate has no
/// such features, and its copy must not name them.
fn with_features(source: &str, parts: &BTreeSet<RuntimePart>) -> String {
    let mut kept = String::with_capacity(source.len());
    let mut drop_next_line = false;
    for line in source.split_inclusive('\n') {
        if drop_next_line {
            drop_next_line = false;
            continue;
        }
        if let Some(feature) = line
            .trim()
            .strip_prefix("#[cfg(feature = \"")
            .and_then(|rest| rest.strip_suffix("\")]"))
        {
            drop_next_line = !parts.iter().any(|part| part.feature() == feature);
            continue;
        }
        kept.push_str(line);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top_level_public_names(source: &str) -> Vec<&str> {
        source
            .lines()
            .filter_map(|line| {
                let rest = line.strip_prefix("pub ")?;
                let rest = [
                    "fn ", "struct ", "enum ", "const ", "static ", "type ", "trait ", "mod ",
                ]
                .iter()
                .find_map(|keyword| rest.strip_prefix(keyword))?;
                rest.split(|character: char| !(character.is_alphanumeric() || character == '_'))
                    .next()
            })
            .collect()
    }

    #[test]
    fn every_public_item_of_a_part_is_a_marker() {
        for part in RuntimePart::ALL {
            let (path, source) = part.file();
            let names = top_level_public_names(source);
            assert!(!names.is_empty(), "{path} defines nothing public");
            for name in names {
                let marker = format!("::{name}");
                assert!(
                    part.markers().contains(&marker.as_str()),
                    "{path}: `{name}` is not among the markers of {part:?}, so a module using it would not get the part"
                );
            }
        }
    }

    #[test]
    fn every_feature_line_guards_one_item_line_of_a_known_part() {
        for (path, source) in [("lib.rs", LIB), ("token.rs", TOKEN)] {
            let lines: Vec<&str> = source.lines().collect();
            for (index, line) in lines.iter().enumerate() {
                if !line.contains("feature") || !line.trim_start().starts_with("#[cfg") {
                    continue;
                }
                let feature = line
                    .trim()
                    .strip_prefix("#[cfg(feature = \"")
                    .and_then(|rest| rest.strip_suffix("\")]"));
                let Some(feature) = feature else {
                    panic!(
                        "{path}:{}: only `#[cfg(feature = \"...\")]` is understood: {line}",
                        index + 1
                    );
                };
                assert!(
                    RuntimePart::ALL
                        .iter()
                        .any(|part| part.feature() == feature),
                    "{path}:{}: unknown feature `{feature}`",
                    index + 1
                );
                let guarded = lines.get(index + 1).copied().unwrap_or_default();
                assert!(
                    guarded.trim_end().ends_with(';') && !guarded.trim_start().starts_with('#'),
                    "{path}:{}: the guarded item must be one line: {guarded}",
                    index + 2
                );
            }
        }
    }

    #[test]
    fn a_part_left_out_leaves_neither_its_module_nor_its_feature() {
        let none = runtime_copy_files(&BTreeSet::new());
        let paths: Vec<&str> = none.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["runtime/src/lib.rs", "runtime/src/token.rs"]);
        for (path, contents) in &none {
            assert!(
                !contents.contains("feature = "),
                "{path} still names a feature"
            );
            assert!(!contents.contains("mod media;"), "{path} declares media");
            assert!(
                !contents.contains("mod authorization;"),
                "{path} declares authorization"
            );
        }
        let all: BTreeSet<RuntimePart> = RuntimePart::ALL.into_iter().collect();
        let every = runtime_copy_files(&all);
        assert_eq!(every.len(), 6);
        assert!(every[0].1.contains("mod media;\npub use media::*;"));
        assert!(every[1]
            .1
            .contains("mod authorization;\npub use authorization::*;"));
    }

    #[test]
    fn parts_are_found_by_paths_and_methods() {
        assert!(parts_used_by("fn f() {}").is_empty());
        let used = parts_used_by("let body: crate::runtime::Binary = raw.binary(); let url = raw.location(OPERATION, &url)?;");
        assert_eq!(
            used,
            [RuntimePart::Media, RuntimePart::Servers]
                .into_iter()
                .collect()
        );
        assert_eq!(
            parts_used_by("pending: crate::token::PendingAuthorizations,"),
            [RuntimePart::TokenAuthorization].into_iter().collect()
        );
    }
}
