//! The tidy test: the rules of ARCHITECTURE.md's "Invariants" that reading the sources can check,
//! each a `#[test]` over every hand-written `.rs` file of the checkout, failing with the file, the
//! line and the rule. Each checker is a function of a path and a text, unit-tested on a violating
//! input below, so no rule passes by checking nothing.
//!
//! It reads the sources as text, with comments and the insides of literals blanked first
//! (`code_of`), so a rule's words in a doc comment or a message are not code. A tokenizer library
//! would do that part: `proc-macro2` gives line numbers only with its `span-locations` feature
//! (which would change the `proc-macro2` the generator itself is built and timed with), and the
//! lexer rustc publishes (`ra-ap-rustc_lexer`) needs Rust 1.85, past the README's 1.82.

use std::path::{Path, PathBuf};

/// The checkout: `xtask`'s parent.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the checkout")
        .to_path_buf()
}

/// Folders that hold generated Rust, written by `cargo xtask gen` and the golden test, not by hand.
const GENERATED_FOLDERS: &[&str] = &["generated", "generator/tests/golden/src"];

/// Folders no project source lives in: build output, npm packages, git's own.
const FOREIGN_FOLDER_NAMES: &[&str] = &["target", "node_modules", ".git"];

/// One `.rs` file: its path from the checkout root (with `/`) and its text.
struct SourceFile {
    path: String,
    text: String,
}

/// Every `.rs` file under `folder`, sorted, skipping foreign folders and the `skip` paths.
fn rust_files_under(root: &Path, folder: &str, skip: &[&str]) -> Vec<SourceFile> {
    let mut files = Vec::new();
    let mut pending = vec![root.join(folder)];
    while let Some(directory) = pending.pop() {
        let entries = std::fs::read_dir(&directory)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()));
        for entry in entries {
            let entry = entry
                .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()));
            let path = entry.path();
            let relative = relative_path(root, &path);
            let file_type = entry.file_type().expect("a directory entry has a type");
            if file_type.is_dir() {
                let name = entry.file_name();
                if !FOREIGN_FOLDER_NAMES.iter().any(|foreign| name == *foreign)
                    && !skip.contains(&relative.as_str())
                {
                    pending.push(path);
                }
            } else if file_type.is_file() && relative.ends_with(".rs") {
                let text = match std::fs::read_to_string(&path) {
                    Ok(text) => text,
                    // Deleted since it was listed (another test's scratch file): nothing to check.
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(error) => panic!("cannot read {relative}: {error}"),
                };
                files.push(SourceFile {
                    path: relative,
                    text,
                });
            }
        }
    }
    files.sort_by(|left, right| left.path.cmp(&right.path));
    files
}

fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path
        .strip_prefix(root)
        .expect("walked paths are inside the checkout");
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every hand-written `.rs` file of the project: all crates, their tests, benches, templates and
/// fuzz targets, without the generated folders.
fn hand_written_rust_files() -> Vec<SourceFile> {
    let files = rust_files_under(&project_root(), ".", GENERATED_FOLDERS);
    assert!(
        files.iter().any(|file| file.path == "generator/src/lib.rs")
            && files.iter().any(|file| file.path == "xtask/tests/tidy.rs"),
        "the walk from {} found neither the generator nor this test",
        project_root().display()
    );
    files
}

/// The hand-written `.rs` files under `prefix` (a folder ending in `/`, or one file).
fn files_under(prefix: &str) -> Vec<SourceFile> {
    let files: Vec<SourceFile> = hand_written_rust_files()
        .into_iter()
        .filter(|file| file.path.starts_with(prefix))
        .collect();
    assert!(
        !files.is_empty(),
        "no .rs file under {prefix}: the rule would check nothing"
    );
    files
}

/// A rule broken: where, and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Violation {
    path: String,
    line: usize,
    rule: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}:{}: {}", self.path, self.line, self.rule)
    }
}

/// Fails with every violation, one per line.
fn assert_no_violations(rule_name: &str, violations: &[Violation]) {
    if !violations.is_empty() {
        let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
        panic!(
            "\n{rule_name}: {} violation(s) (ARCHITECTURE.md, Invariants):\n{}\n",
            violations.len(),
            list.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reading code: comments and literals blanked, test code and quoted (emitted) code left out.
// ---------------------------------------------------------------------------------------------

/// The text with every comment, and the inside of every string and char literal, replaced by
/// spaces (newlines kept), so each line of the result is the same line of the file.
fn code_of(text: &str) -> String {
    let characters: Vec<char> = text.chars().collect();
    let mut code = String::with_capacity(text.len());
    let mut index = 0;
    while index < characters.len() {
        let character = characters[index];
        let next = characters.get(index + 1).copied();
        if character == '/' && next == Some('/') {
            while index < characters.len() && characters[index] != '\n' {
                code.push(' ');
                index += 1;
            }
        } else if character == '/' && next == Some('*') {
            let mut depth = 0;
            while index < characters.len() {
                if characters[index] == '/' && characters.get(index + 1) == Some(&'*') {
                    depth += 1;
                    code.push_str("  ");
                    index += 2;
                } else if characters[index] == '*' && characters.get(index + 1) == Some(&'/') {
                    depth -= 1;
                    code.push_str("  ");
                    index += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    code.push(blank(characters[index]));
                    index += 1;
                }
            }
        } else if character == 'r'
            && !raw_string_prefix_is_identifier(&characters, index)
            && matches!(next, Some('#') | Some('"'))
            && raw_string_hashes(&characters, index + 1).is_some()
        {
            let hashes = raw_string_hashes(&characters, index + 1).unwrap_or_default();
            code.push('r');
            code.extend(std::iter::repeat('#').take(hashes));
            code.push('"');
            index += 2 + hashes;
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat('#').take(hashes))
                .collect();
            while index < characters.len() && !characters[index..].starts_with(&closing) {
                code.push(blank(characters[index]));
                index += 1;
            }
            code.extend(closing.iter());
            index += closing.len();
        } else if character == '"' {
            index = blank_quoted_literal(&characters, index, '"', &mut code);
        } else if character == '\'' && is_char_literal(&characters, index) {
            index = blank_quoted_literal(&characters, index, '\'', &mut code);
        } else {
            code.push(character);
            index += 1;
        }
    }
    code
}

/// A blank in place of a character of a comment or literal; a newline stays, so lines keep their
/// numbers.
fn blank(character: char) -> char {
    if character == '\n' {
        '\n'
    } else {
        ' '
    }
}

/// A string or char literal opening with `quote` at `index`, its contents blanked (escapes
/// included) and its quotes kept; returns the index after it.
fn blank_quoted_literal(
    characters: &[char],
    index: usize,
    quote: char,
    code: &mut String,
) -> usize {
    code.push(quote);
    let mut index = index + 1;
    while index < characters.len() && characters[index] != quote {
        if characters[index] == '\\' {
            code.push(' ');
            index += 1;
        }
        if let Some(&inside) = characters.get(index) {
            code.push(blank(inside));
            index += 1;
        }
    }
    code.push(quote);
    index + 1
}

fn is_identifier_character(character: char) -> bool {
    character.is_alphanumeric() || character == '_'
}

/// Whether the `r` at `index` ends an identifier (`for"`, `user#`) rather than starting a raw
/// string (`r"`, `br#"`, `cr"`).
fn raw_string_prefix_is_identifier(characters: &[char], index: usize) -> bool {
    let before = |offset: usize| index.checked_sub(offset).map(|at| characters[at]);
    match before(1) {
        Some('b' | 'c') => before(2).is_some_and(is_identifier_character),
        Some(other) => is_identifier_character(other),
        None => false,
    }
}

/// After an `r`: the number of `#` before a `"`, or `None` when this is no raw string (`r#type`).
fn raw_string_hashes(characters: &[char], start: usize) -> Option<usize> {
    let hashes = characters[start..]
        .iter()
        .take_while(|&&character| character == '#')
        .count();
    (characters.get(start + hashes) == Some(&'"')).then_some(hashes)
}

/// Whether the `'` at `index` opens a char literal (`'a'`, `'\n'`, `'\''`) rather than a lifetime.
fn is_char_literal(characters: &[char], index: usize) -> bool {
    match characters.get(index + 1) {
        Some('\\') => true,
        Some(_) => characters.get(index + 2) == Some(&'\''),
        None => false,
    }
}

/// `code` with the bodies of `#[cfg(test)]` items blanked (a `mod tests { ... }`, a `mod tests;`
/// line, a test-only function), newlines kept.
fn without_test_code(code: &str) -> String {
    let mut characters: Vec<char> = code.chars().collect();
    let attribute: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut index = 0;
    while index + attribute.len() <= characters.len() {
        if characters[index..].starts_with(&attribute) {
            let Some(end) = item_end(&characters, index + attribute.len()) else {
                break;
            };
            blank_range(&mut characters, index, end);
            index = end;
        } else {
            index += 1;
        }
    }
    characters.into_iter().collect()
}

/// Where the item starting at `start` ends: after its first `;` outside brackets, or after the
/// `}` closing its first `{`.
fn item_end(characters: &[char], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, &character) in characters[start..].iter().enumerate() {
        match character {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => return Some(start + offset + 1),
            '{' if depth == 0 => return matching_close(characters, start + offset),
            _ => {}
        }
    }
    None
}

/// The index after the bracket that closes the one at `open`.
fn matching_close(characters: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, &character) in characters[open..].iter().enumerate() {
        match character {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + offset + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn blank_range(characters: &mut [char], start: usize, end: usize) {
    for character in &mut characters[start..end] {
        if *character != '\n' {
            *character = ' ';
        }
    }
}

/// `code` with the bodies of `quote!`/`quote_spanned!`/`parse_quote!` blanked: what they hold is
/// the generated crate's code (`crate::runtime` there is the client's runtime), not the generator's.
fn without_quoted_code(code: &str) -> String {
    let mut characters: Vec<char> = code.chars().collect();
    let quoting_macros: Vec<Vec<char>> = ["quote_spanned!", "parse_quote!", "quote!"]
        .iter()
        .map(|name| name.chars().collect())
        .collect();
    let mut index = 0;
    while index < characters.len() {
        let at_word_start = index == 0 || !is_identifier_character(characters[index - 1]);
        let macro_name = quoting_macros
            .iter()
            .find(|name| characters[index..].starts_with(name));
        match macro_name {
            Some(name) if at_word_start => {
                let after = index + name.len();
                let open = characters[after..]
                    .iter()
                    .position(|character| !character.is_whitespace())
                    .map(|offset| after + offset)
                    .filter(|&open| matches!(characters[open], '(' | '[' | '{'));
                match open.and_then(|open| matching_close(&characters, open).map(|end| (open, end)))
                {
                    Some((open, end)) => {
                        blank_range(&mut characters, open + 1, end - 1);
                        index = end;
                    }
                    None => index = after,
                }
            }
            _ => index += 1,
        }
    }
    characters.into_iter().collect()
}

/// The code a rule about the generator's own behaviour looks at: no comments, no literal text, no
/// test code, no quoted (emitted) code.
fn production_code_of(path: &str, text: &str) -> String {
    if is_test_file(path) {
        return text.lines().map(|_| "\n").collect();
    }
    without_quoted_code(&without_test_code(&code_of(text)))
}

/// A whole file of test code inside `src` (`mod tests;` next to the module it tests).
fn is_test_file(path: &str) -> bool {
    path.ends_with("/tests.rs") && path.contains("/src/")
}

/// The 1-based line of each match of `needle` in `code` that is not the end of a longer identifier
/// (`File::` does not match `ProfileFile::`; `.unwrap()` matches anywhere).
fn word_matches(code: &str, needle: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    for (line_index, line) in code.lines().enumerate() {
        let mut from = 0;
        while let Some(offset) = line[from..].find(needle) {
            let at = from + offset;
            let needle_starts_a_word = needle.starts_with(is_identifier_character);
            if !(needle_starts_a_word && line[..at].ends_with(is_identifier_character)) {
                lines.push(line_index + 1);
            }
            from = at + needle.len();
        }
    }
    lines
}

/// The module of the crate a source file is: `generator/src/emit/client.rs` is `emit::client`,
/// `generator/src/emit/mod.rs` is `emit`, `generator/src/lib.rs` the root.
fn module_path_of(path: &str) -> Vec<String> {
    let inside_src = path.split_once("/src/").map_or(path, |(_, inside)| inside);
    let mut segments: Vec<String> = inside_src
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(
        segments.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segments.pop();
    }
    segments
}

/// A path the code names, from the top of a crate: `crate::lower::has_default` is `lower`, then
/// `has_default`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UsedPath {
    line: usize,
    top: String,
    /// The segment after `top`, when the path names one (not a `{...}` group).
    next: Option<String>,
}

/// Every `root::...` path in `code` (`root` is `crate`, `super` or an external crate such as
/// `std`), with `use root::{a::x, b}` groups expanded and `super::` resolved against `module`.
/// (`super` inside an inline module other than a test module would be resolved one level off; the
/// generator has none.)
fn paths_from(root: &str, module: &[String], code: &str) -> Vec<UsedPath> {
    let characters: Vec<char> = code.chars().collect();
    let root_characters: Vec<char> = format!("{root}::").chars().collect();
    let super_characters: Vec<char> = "super::".chars().collect();
    let line_at = |index: usize| characters[..index].iter().filter(|&&c| c == '\n').count() + 1;
    let mut found = Vec::new();
    let mut index = 0;
    while index < characters.len() {
        // `$crate::` belongs to a `macro_rules!` expansion, not to this crate's paths.
        let at_word_start = index == 0
            || !(is_identifier_character(characters[index - 1]) || characters[index - 1] == '$');
        if !(at_word_start && characters[index..].starts_with(&root_characters)) {
            index += 1;
            continue;
        }
        let line = line_at(index);
        let mut after = index + root_characters.len();
        let mut supers = usize::from(root == "super");
        while root == "super" && characters[after..].starts_with(&super_characters) {
            supers += 1;
            after += super_characters.len();
        }
        let entries: Vec<String> = if characters.get(after) == Some(&'{') {
            let end = matching_close(&characters, after).unwrap_or(characters.len());
            let group: String = characters[after + 1..end.saturating_sub(1)]
                .iter()
                .collect();
            split_top_level(&group)
        } else {
            vec![characters[after..].iter().take(200).collect()]
        };
        let prefix: Vec<String> = if root == "super" {
            module[..module.len().saturating_sub(supers)].to_vec()
        } else {
            Vec::new()
        };
        for entry in entries {
            let mut full = prefix.clone();
            full.extend(leading_segments(&entry));
            if let Some(top) = full.first() {
                found.push(UsedPath {
                    line,
                    top: top.clone(),
                    next: full.get(1).cloned(),
                });
            }
        }
        index = after;
    }
    found
}

/// The `a::b::c` identifiers a path starts with, up to anything else (` r#type::x` -> `type`, `x`).
fn leading_segments(path: &str) -> Vec<String> {
    let mut segments = Vec::new();
    let mut rest = path.trim_start();
    loop {
        let without_raw = rest.trim_start_matches("r#");
        let segment: String = without_raw
            .chars()
            .take_while(|&character| is_identifier_character(character))
            .collect();
        if segment.is_empty() {
            break;
        }
        rest = &without_raw[segment.len()..];
        segments.push(segment);
        match rest.strip_prefix("::") {
            Some(after) => rest = after,
            None => break,
        }
    }
    segments
}

/// The generator's top-level modules a file names, through `crate::` and `super::` paths.
fn generator_paths(path: &str, code: &str) -> Vec<UsedPath> {
    let module = module_path_of(path);
    let mut used = paths_from("crate", &module, code);
    used.extend(paths_from("super", &module, code));
    used.sort_by_key(|used_path| used_path.line);
    used
}

/// `a::x, b, c::{d, e}` split at the commas outside braces.
fn split_top_level(group: &str) -> Vec<String> {
    let mut entries = vec![String::new()];
    let mut depth = 0usize;
    for character in group.chars() {
        match character {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                entries.push(String::new());
                continue;
            }
            _ => {}
        }
        entries.last_mut().expect("never empty").push(character);
    }
    entries
}

// ---------------------------------------------------------------------------------------------
// Rule 1: a `//!` line atop every module.
// ---------------------------------------------------------------------------------------------

/// Hand-written files whose first line cannot be `//!`, and why.
const WITHOUT_MODULE_DOC: &[(&str, &str)] = &[(
    "generator/templates/conformance_violations.rs",
    "appended after the items of the conformance driver's `support.rs`, where an inner doc comment \
     is a compile error; its first line is a plain comment saying so",
)];

fn check_module_doc(path: &str, text: &str) -> Option<Violation> {
    let first_line = text.lines().next().unwrap_or_default();
    (!first_line.starts_with("//!")).then(|| Violation {
        path: path.to_string(),
        line: 1,
        rule: format!(
            "the first line is not a `//!` doc line saying what the module is for (it is `{}`)",
            first_line.chars().take(60).collect::<String>()
        ),
    })
}

#[test]
fn every_hand_written_rust_file_starts_with_a_module_doc_line() {
    let mut violations = Vec::new();
    let files = hand_written_rust_files();
    for file in &files {
        let exception = WITHOUT_MODULE_DOC
            .iter()
            .find(|(path, _)| *path == file.path);
        match (check_module_doc(&file.path, &file.text), exception) {
            (Some(violation), None) => violations.push(violation),
            (None, Some((path, _))) => violations.push(Violation {
                path: path.to_string(),
                line: 1,
                rule: "starts with `//!` now: remove it from WITHOUT_MODULE_DOC in tidy.rs".into(),
            }),
            _ => {}
        }
    }
    for (path, _) in WITHOUT_MODULE_DOC {
        if !files.iter().any(|file| file.path == *path) {
            violations.push(Violation {
                path: path.to_string(),
                line: 1,
                rule: "is gone: remove it from WITHOUT_MODULE_DOC in tidy.rs".into(),
            });
        }
    }
    assert_no_violations("a `//!` line atop every module", &violations);
}

/// The folders left out of the walk are generated: each `.rs` file in them starts with the header
/// line every generated file has, so leaving them out hides no hand-written code.
#[test]
fn the_folders_left_out_hold_only_generated_rust() {
    let root = project_root();
    let mut violations = Vec::new();
    for folder in GENERATED_FOLDERS {
        let files = rust_files_under(&root, folder, &[]);
        assert!(!files.is_empty(), "{folder} holds no .rs file");
        for file in files {
            if text_first_line(&file.text) != generator::format::RUST_HEADER {
                violations.push(Violation {
                    path: file.path,
                    line: 1,
                    rule: format!(
                        "in a generated folder but does not start with `{}`",
                        generator::format::RUST_HEADER
                    ),
                });
            }
        }
    }
    assert_no_violations("generated folders hold only generated files", &violations);
}

fn text_first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Rule 2: only xtask (and tests) do IO; the generator is a pure function of bytes and settings.
// ---------------------------------------------------------------------------------------------

/// Modules of `std` whose use is IO (or reads the environment).
const IO_STD_MODULES: &[&str] = &["fs", "process", "env", "net"];

/// Names that do IO wherever they are imported from.
const IO_NAMES: &[&str] = &[
    "File::",
    "OpenOptions",
    "Command::",
    "TcpStream",
    "TcpListener",
    "stdin()",
    "stdout()",
    "stderr()",
    "println!",
    "eprintln!",
    "print!",
    "eprint!",
    "dbg!",
];

fn check_generator_does_no_io(path: &str, text: &str) -> Vec<Violation> {
    let code = production_code_of(path, text);
    let mut violations = Vec::new();
    for UsedPath {
        line, top: module, ..
    } in paths_from("std", &[], &code)
    {
        if IO_STD_MODULES.contains(&module.as_str()) {
            violations.push(Violation {
                path: path.to_string(),
                line,
                rule: format!(
                    "uses `std::{module}`: only xtask (and tests) do IO; the generator takes bytes \
                     and settings and returns files as values"
                ),
            });
        }
    }
    for name in IO_NAMES {
        for line in word_matches(&code, name) {
            violations.push(Violation {
                path: path.to_string(),
                line,
                rule: format!("uses `{name}`: only xtask (and tests) do IO"),
            });
        }
    }
    violations.sort_by_key(|violation| violation.line);
    violations
}

#[test]
fn the_generator_library_does_no_io() {
    // `include_str!` of the runtime's files and the templates is not IO at run time: the bytes are
    // part of the generator's binary, so it is allowed.
    let violations: Vec<Violation> = files_under("generator/src/")
        .iter()
        .flat_map(|file| check_generator_does_no_io(&file.path, &file.text))
        .collect();
    assert_no_violations("only xtask does IO", &violations);
}

// ---------------------------------------------------------------------------------------------
// Rule 3: the stages see only their input.
// ---------------------------------------------------------------------------------------------

/// A stage: the files it is made of, and what it must not use.
struct Stage {
    name: &'static str,
    /// File or folder paths (folders end in `/`).
    files: &'static [&'static str],
    /// Top-level modules of the generator it must not use.
    forbidden_modules: &'static [&'static str],
    /// External crates it must not use.
    forbidden_crates: &'static [&'static str],
    /// `module::item` paths it may use although `module` is forbidden, and why.
    allowed_items: &'static [(&'static str, &'static str)],
}

const STAGES: &[Stage] = &[
    Stage {
        name: "load",
        files: &[
            "generator/src/load.rs",
            "generator/src/load/",
            "generator/src/normalize.rs",
        ],
        forbidden_modules: &["ir", "lower", "emit", "format"],
        forbidden_crates: &[],
        allowed_items: &[],
    },
    Stage {
        name: "lower",
        files: &["generator/src/lower/"],
        forbidden_modules: &["emit", "format"],
        forbidden_crates: &[],
        allowed_items: &[],
    },
    Stage {
        name: "emit",
        files: &["generator/src/emit/"],
        forbidden_modules: &["load", "normalize", "lower", "config"],
        forbidden_crates: &["openapiv3"],
        allowed_items: &[
            (
                "lower::has_default",
                "a pure function of an IR `TypeRef` (whether the type has an empty default), \
                 which lower uses for struct derives and emit for parameter structs",
            ),
            (
                "lower::status_reason_text",
                "a pure function of an IR `StatusMatch` (`400 Bad Request`), which lower uses in \
                 docs and emit in `Display`",
            ),
        ],
    },
    Stage {
        name: "format",
        files: &["generator/src/format.rs", "generator/src/format/"],
        forbidden_modules: &[
            "ir",
            "load",
            "normalize",
            "lower",
            "emit",
            "config",
            "api_surface",
        ],
        forbidden_crates: &["openapiv3"],
        allowed_items: &[],
    },
];

fn stage_of(path: &str) -> Option<&'static Stage> {
    STAGES.iter().find(|stage| {
        stage
            .files
            .iter()
            .any(|prefix| path == *prefix || (prefix.ends_with('/') && path.starts_with(prefix)))
    })
}

/// Whether `used` names exactly `item` (`module::name`).
fn names_item(used: &UsedPath, item: &str) -> bool {
    item.split_once("::")
        .is_some_and(|(module, name)| used.top == module && used.next.as_deref() == Some(name))
}

fn is_allowed_crossing(stage: &Stage, used: &UsedPath) -> bool {
    stage
        .allowed_items
        .iter()
        .any(|(item, _)| names_item(used, item))
}

fn check_stage_boundaries(stage: &Stage, path: &str, text: &str) -> Vec<Violation> {
    let code = production_code_of(path, text);
    let mut violations = Vec::new();
    for used in generator_paths(path, &code) {
        if stage.forbidden_modules.contains(&used.top.as_str())
            && !is_allowed_crossing(stage, &used)
        {
            violations.push(Violation {
                path: path.to_string(),
                line: used.line,
                rule: format!(
                    "the {} stage uses `crate::{}`: {}",
                    stage.name,
                    used.top,
                    stage_rule(stage.name)
                ),
            });
        }
    }
    for external in stage.forbidden_crates {
        for line in word_matches(&code, &format!("{external}::")) {
            violations.push(Violation {
                path: path.to_string(),
                line,
                rule: format!(
                    "the {} stage uses `{external}`: {}",
                    stage.name,
                    stage_rule(stage.name)
                ),
            });
        }
    }
    violations.sort_by_key(|violation| violation.line);
    violations
}

fn stage_rule(stage: &str) -> &'static str {
    match stage {
        "load" => "load turns bytes into an `openapiv3::OpenAPI` and knows nothing of the IR or later stages",
        "lower" => "lower turns the document into the IR and knows nothing of emit or format",
        "emit" => "emit sees only the IR (and naming, format, the runtime's files), never the document",
        _ => "format sees only tokens, never the IR, the document or the stage that made them",
    }
}

#[test]
fn each_stage_sees_only_its_input() {
    let mut violations = Vec::new();
    let mut checked = Vec::new();
    for file in files_under("generator/src/") {
        if let Some(stage) = stage_of(&file.path) {
            checked.push(stage.name);
            violations.extend(check_stage_boundaries(stage, &file.path, &file.text));
        }
    }
    for stage in STAGES {
        assert!(
            checked.contains(&stage.name),
            "no file of the {} stage was found",
            stage.name
        );
    }
    assert_no_violations("stages in their own modules", &violations);
}

/// The allowed items are still used, so the list says what is true.
#[test]
fn the_allowed_stage_crossings_are_still_used() {
    let files = files_under("generator/src/");
    for stage in STAGES {
        for (item, _) in stage.allowed_items {
            let used = files
                .iter()
                .filter(|file| stage_of(&file.path).is_some_and(|of| of.name == stage.name))
                .flat_map(|file| {
                    generator_paths(&file.path, &production_code_of(&file.path, &file.text))
                })
                .any(|used| names_item(&used, item));
            assert!(
                used,
                "the {} stage no longer uses `{item}`: remove it from STAGES in tidy.rs",
                stage.name
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rule 4: one naming module owns every identifier the generator emits.
// ---------------------------------------------------------------------------------------------

const IDENTIFIER_MAKERS: &[&str] = &["format_ident!", "Ident::new"];

fn is_naming_module(path: &str) -> bool {
    path == "generator/src/naming.rs" || path.starts_with("generator/src/naming/")
}

fn check_identifiers_come_from_naming(path: &str, text: &str) -> Vec<Violation> {
    if is_naming_module(path) {
        return Vec::new();
    }
    let code = production_code_of(path, text);
    let mut violations = Vec::new();
    for maker in IDENTIFIER_MAKERS {
        let needle = maker.trim_start_matches("Ident::");
        let lines = if maker.starts_with("Ident::") {
            // `Ident::new`, `proc_macro2::Ident::new`, `Ident::new_raw`.
            code.lines()
                .enumerate()
                .filter(|(_, line)| line.contains(&format!("Ident::{needle}")))
                .map(|(index, _)| index + 1)
                .collect()
        } else {
            word_matches(&code, maker)
        };
        for line in lines {
            violations.push(Violation {
                path: path.to_string(),
                line,
                rule: format!(
                    "makes an identifier with `{maker}`: every emitted identifier comes from \
                     `crate::naming` (`to_identifier_tokens` or a naming function)"
                ),
            });
        }
    }
    violations.sort_by_key(|violation| violation.line);
    violations
}

#[test]
fn every_emitted_identifier_comes_from_the_naming_module() {
    let violations: Vec<Violation> = files_under("generator/src/")
        .iter()
        .flat_map(|file| check_identifiers_come_from_naming(&file.path, &file.text))
        .collect();
    assert_no_violations("one naming module owns every identifier", &violations);
}

// ---------------------------------------------------------------------------------------------
// Rule 5: one `ensure_file_contents` writes or checks every file.
// ---------------------------------------------------------------------------------------------

/// The module that owns writing.
const WRITING_MODULE: &str = "xtask/src/ensure.rs";

/// Calls that create or overwrite a file.
const FILE_WRITERS: &[&str] = &[
    "fs::write",
    "fs::copy",
    "fs::rename",
    "fs::hard_link",
    "File::create",
    "OpenOptions",
    "symlink(",
];

/// Writes outside `ensure.rs` that are no file of the checkout or of `--out`: scratch files in
/// work folders under `target/` (or beside Prism's packages), which nothing compares and nobody
/// reads back as output. Each is (file, a piece of the writing line, why).
const SCRATCH_WRITES: &[(&str, &str, &str)] = &[
    (
        "xtask/src/conformance.rs",
        "std::fs::copy(self.root.join(\"Cargo.lock\"), &lock)",
        "the workspace `Cargo.lock` into a driver's scratch folder, to pin its dependencies",
    ),
    (
        "xtask/src/conformance.rs",
        "std::fs::write(&path, serde_json::to_vec(value)?)",
        "a derived spec (JSON) in the conformance work folder, which Prism serves",
    ),
    (
        "xtask/src/corpus.rs",
        "std::fs::copy(self.root.join(\"Cargo.lock\"), &lock)",
        "the workspace `Cargo.lock` into the corpus work folder, to pin the clients' dependencies",
    ),
    (
        "xtask/src/corpus.rs",
        "std::fs::copy(std::env::current_exe()?, &executable)",
        "a private copy of the xtask executable in the corpus work folder, which the run starts once \
         per document, so a concurrent `cargo build` cannot replace it midway",
    ),
    (
        "xtask/src/prism.rs",
        "std::fs::write(&marker, &lockfile)",
        "the install marker beside Prism's `node_modules` (a copy of the lockfile npm installed from)",
    ),
    (
        "xtask/src/bench/compile_cost.rs",
        "std::fs::copy(root.join(\"Cargo.lock\"), crate_dir.join(\"Cargo.lock\"))",
        "the workspace `Cargo.lock` into the bench's scratch crate",
    ),
    (
        "xtask/src/bench/compile_cost.rs",
        "std::fs::write(&manifest, format!(",
        "the bench's scratch crate's `Cargo.toml`, with a `[workspace]` table of its own",
    ),
];

/// (line, writer, the line as written) of each file write in the code of an xtask source.
fn file_writes<'text>(path: &str, text: &'text str) -> Vec<(usize, &'static str, &'text str)> {
    let code = production_code_of(path, text);
    let written_lines: Vec<&str> = text.lines().collect();
    let mut writes = Vec::new();
    for writer in FILE_WRITERS {
        for line in word_matches(&code, writer) {
            writes.push((line, *writer, written_lines[line - 1]));
        }
    }
    writes.sort();
    writes
}

fn is_scratch_write(path: &str, written_line: &str) -> bool {
    SCRATCH_WRITES
        .iter()
        .any(|(scratch_path, piece, _)| *scratch_path == path && written_line.contains(piece))
}

fn check_writes_go_through_ensure(path: &str, text: &str) -> Vec<Violation> {
    if path == WRITING_MODULE {
        return Vec::new();
    }
    file_writes(path, text)
        .into_iter()
        .filter(|(_, _, written_line)| !is_scratch_write(path, written_line))
        .map(|(line, writer, _)| Violation {
            path: path.to_string(),
            line,
            rule: format!(
                "writes a file with `{writer}`: every file is written or checked by \
                 `ensure::ensure_file_contents` (or `ensure_file_bytes`), atomically and never \
                 through a symlink; a scratch file goes into SCRATCH_WRITES in tidy.rs with its reason"
            ),
        })
        .collect()
}

#[test]
fn every_file_is_written_through_ensure_file_contents() {
    let files = files_under("xtask/src/");
    let violations: Vec<Violation> = files
        .iter()
        .flat_map(|file| check_writes_go_through_ensure(&file.path, &file.text))
        .collect();
    assert_no_violations(
        "one ensure_file_contents writes or checks every file",
        &violations,
    );
    for (path, piece, _) in SCRATCH_WRITES {
        let still_written = files.iter().any(|file| {
            file.path == *path
                && file_writes(&file.path, &file.text)
                    .iter()
                    .any(|(_, _, written_line)| written_line.contains(piece))
        });
        assert!(
            still_written,
            "{path} no longer has `{piece}`: remove it from SCRATCH_WRITES in tidy.rs"
        );
    }
    assert!(
        files
            .iter()
            .any(|file| file.path == WRITING_MODULE && !file_writes(&file.path, &file.text).is_empty()),
        "{WRITING_MODULE} writes no file: the owner of writing moved, update WRITING_MODULE in tidy.rs"
    );
}

// ---------------------------------------------------------------------------------------------
// Rule 6: spec defects and server values are error values, never panics.
// ---------------------------------------------------------------------------------------------

/// What panics. The generator's code has none of these (test code aside): a defect of a spec is a
/// `GeneratorError`. The runtime's has none either: no number, date or body from a server can make a
/// generated client or its token source panic.
const PANICKING_CALLS: &[&str] = &[
    ".unwrap()",
    ".expect(",
    "panic!",
    "todo!",
    "unimplemented!",
    "unreachable!",
    "assert!",
    "assert_eq!",
    "assert_ne!",
];

fn check_no_panicking_calls(path: &str, text: &str) -> Vec<Violation> {
    let code = production_code_of(path, text);
    let mut violations = Vec::new();
    for call in PANICKING_CALLS {
        for line in word_matches(&code, call) {
            violations.push(Violation {
                path: path.to_string(),
                line,
                rule: format!(
                    "`{call}` outside test code: no `unwrap`, `todo!`, `unimplemented!` or `assert!` \
                     on spec content or server values; return an error value"
                ),
            });
        }
    }
    violations.sort_by_key(|violation| violation.line);
    violations
}

#[test]
fn the_generator_and_the_runtime_do_not_panic() {
    let mut files = files_under("generator/src/");
    files.extend(files_under("generator/runtime/src/"));
    let violations: Vec<Violation> = files
        .iter()
        .flat_map(|file| check_no_panicking_calls(&file.path, &file.text))
        .collect();
    assert_no_violations("errors are values", &violations);
}

// ---------------------------------------------------------------------------------------------
// Rule 7: one request path.
// ---------------------------------------------------------------------------------------------

/// The one function that hands a request to `reqwest`: `runtime::send` calls it once per attempt.
const REQUEST_SENDER: (&str, &str) = ("generator/runtime/src/lib.rs", "async fn send_attempts(");

/// Calls that send an HTTP request through `reqwest`.
const REQUEST_SENDS: &[&str] = &[".send()", ".execute("];

/// (line, the function it stands in) of each request sent in a file's code.
fn request_sends(text: &str, code: &str) -> Vec<(usize, String)> {
    let written_lines: Vec<&str> = text.lines().collect();
    let mut sends = Vec::new();
    for call in REQUEST_SENDS {
        for line in word_matches(code, call) {
            let function = written_lines[..line]
                .iter()
                .rev()
                .find(|written| written.trim_start().contains("fn "))
                .map(|written| written.trim().to_string())
                .unwrap_or_default();
            sends.push((line, function));
        }
    }
    sends.sort();
    sends
}

fn check_one_request_path(path: &str, text: &str, code: &str) -> Vec<Violation> {
    request_sends(text, code)
        .into_iter()
        .filter(|(_, function)| !(path == REQUEST_SENDER.0 && function.contains(REQUEST_SENDER.1)))
        .map(|(line, _)| Violation {
            path: path.to_string(),
            line,
            rule: format!(
                "sends a request itself: every call goes through `runtime::send` (one deadline, \
                 limits, retries), whose `{}` in {} is the only place a request is sent",
                REQUEST_SENDER.1, REQUEST_SENDER.0
            ),
        })
        .collect()
}

/// The runtime, and the generated code itself (what emit's quoted code becomes; the drift check and
/// the golden test keep it equal to the generator's output).
#[test]
fn every_call_goes_through_runtime_send() {
    let root = project_root();
    let mut files = files_under("generator/runtime/src/");
    for folder in GENERATED_FOLDERS {
        files.extend(rust_files_under(&root, folder, &[]));
    }
    let mut violations = Vec::new();
    let mut senders = 0;
    for file in &files {
        let code = if file.path.starts_with("generator/runtime/") {
            production_code_of(&file.path, &file.text)
        } else {
            code_of(&file.text)
        };
        senders += request_sends(&file.text, &code).len();
        violations.extend(check_one_request_path(&file.path, &file.text, &code));
    }
    assert_no_violations("one request path", &violations);
    assert_eq!(
        senders, 1,
        "exactly one request send is expected, in `{}` of {}",
        REQUEST_SENDER.1, REQUEST_SENDER.0
    );
}

// ---------------------------------------------------------------------------------------------
// Each checker bites: a violating input gives a violation, a clean one none.
// ---------------------------------------------------------------------------------------------

#[test]
fn code_of_blanks_comments_and_literals_and_keeps_lines() {
    let text = "let a = \"std::fs\"; // std::fs\n/* std::fs /* nested */ std::fs */ let b = r#\"std::fs\"#;\nlet c = '\"'; let d: &'static str = \"\\\" std::fs\"; std::fs::read(x);\nlet e = b'x'; let f = b'\"'; let g = '\\''; let r#type = 1; for\"x\".len(); std::fs::read(y);";
    let code = code_of(text);
    assert_eq!(code.lines().count(), text.lines().count());
    assert_eq!(word_matches(&code, "std::fs"), vec![3, 4], "{code}");
    assert!(code.contains("r#type"), "{code}");
    assert!(code.contains("&'static str"), "{code}");
}

#[test]
fn test_code_and_quoted_code_are_left_out() {
    let text = "use std::fs;\n#[cfg(test)]\nmod tests {\n    use std::process;\n}\n#[cfg(test)]\nmod more;\nfn emit() { quote! { crate::lower::x(); std::env::var(\"A\") } }\n";
    let code = production_code_of("generator/src/emit/x.rs", text);
    assert_eq!(word_matches(&code, "std::"), vec![1], "{code}");
    assert!(
        production_code_of("generator/src/emit/x/tests.rs", "use std::fs;\n")
            .trim()
            .is_empty()
    );
}

#[test]
fn the_module_doc_rule_bites() {
    assert!(check_module_doc("a.rs", "//! What this is for.\nfn f() {}\n").is_none());
    let violation = check_module_doc("generator/src/a.rs", "// a plain comment\n//! late\n")
        .expect("a file without a first `//!` line is a violation");
    assert_eq!(
        (violation.path.as_str(), violation.line),
        ("generator/src/a.rs", 1)
    );
    assert!(check_module_doc("b.rs", "").is_some());
    assert!(check_module_doc("c.rs", "/// an outer doc\nfn f() {}\n").is_some());
}

#[test]
fn the_no_io_rule_bites() {
    let clean = "//! Doc: std::fs is never used, println! neither.\nfn f() -> &'static str { \"std::fs::write\" }\n";
    assert_eq!(
        check_generator_does_no_io("generator/src/a.rs", clean),
        vec![]
    );
    let dirty = "//! Doc.\nuse std::{collections::BTreeMap, fs};\nfn f() {\n    let _ = std::env::var(\"X\");\n    println!(\"hi\");\n    let _ = File::open(\"a\");\n}\n";
    let lines: Vec<usize> = check_generator_does_no_io("generator/src/a.rs", dirty)
        .iter()
        .map(|violation| violation.line)
        .collect();
    assert_eq!(lines, vec![2, 4, 5, 6]);
    let in_tests =
        "//! Doc.\n#[cfg(test)]\nmod tests {\n    fn f() { std::fs::read(\"x\").unwrap(); }\n}\n";
    assert_eq!(
        check_generator_does_no_io("generator/src/a.rs", in_tests),
        vec![]
    );
}

#[test]
fn the_stage_rule_bites() {
    let emit = stage_of("generator/src/emit/client.rs").expect("emit is a stage");
    let clean = "//! Doc.\nuse crate::ir::ApiModule;\nuse crate::lower::status_reason_text;\nfn f() { quote! { crate::runtime::send() }; crate::lower::has_default(&t); }\n";
    assert_eq!(
        check_stage_boundaries(emit, "generator/src/emit/client.rs", clean),
        vec![]
    );
    let dirty = "//! Doc.\nuse crate::{ir::ApiModule, lower::schemas::lower_schema};\nuse openapiv3::OpenAPI;\nfn f() { super::super::load::parse(); }\n";
    let lines: Vec<usize> = check_stage_boundaries(emit, "generator/src/emit/client.rs", dirty)
        .iter()
        .map(|violation| violation.line)
        .collect();
    assert_eq!(lines, vec![2, 3, 4]);
    let format = stage_of("generator/src/format/items.rs").expect("format is a stage");
    let uses_ir = "//! Doc.\nuse crate::ir::TypeRef;\n";
    assert_eq!(
        check_stage_boundaries(format, "generator/src/format/items.rs", uses_ir).len(),
        1
    );
    let load = stage_of("generator/src/load/overlay.rs").expect("load is a stage");
    let uses_lower = "//! Doc.\nfn f() { crate::lower::lower(); }\n";
    assert_eq!(
        check_stage_boundaries(load, "generator/src/load/overlay.rs", uses_lower).len(),
        1
    );
    let lower = stage_of("generator/src/lower/mod.rs").expect("lower is a stage");
    let uses_emit = "//! Doc.\nuse super::emit::client_items;\n";
    assert_eq!(
        check_stage_boundaries(lower, "generator/src/lower/mod.rs", uses_emit).len(),
        1
    );
    let grouped = "//! Doc.\nuse crate::lower::{has_default, schemas};\nfn f() { crate::lower::has_defaults(); }\n";
    let lines: Vec<usize> = check_stage_boundaries(emit, "generator/src/emit/client.rs", grouped)
        .iter()
        .map(|violation| violation.line)
        .collect();
    assert_eq!(lines, vec![2, 3]);
    let own_submodule = "//! Doc.\nuse super::schemas::x;\n";
    assert_eq!(
        check_stage_boundaries(lower, "generator/src/lower/operations.rs", own_submodule),
        vec![]
    );
}

#[test]
fn the_naming_rule_bites() {
    let dirty = "//! Doc.\nfn f() {\n    let a = format_ident!(\"with_{}\", name);\n    let b = proc_macro2::Ident::new(\"x\", Span::call_site());\n}\n";
    let lines: Vec<usize> = check_identifiers_come_from_naming("generator/src/emit/x.rs", dirty)
        .iter()
        .map(|violation| violation.line)
        .collect();
    assert_eq!(lines, vec![3, 4]);
    assert_eq!(
        check_identifiers_come_from_naming("generator/src/naming.rs", dirty),
        vec![]
    );
    let in_tests =
        "//! Doc.\n#[cfg(test)]\nmod tests {\n    fn f() { quote::format_ident!(\"x\"); }\n}\n";
    assert_eq!(
        check_identifiers_come_from_naming("generator/src/format/x.rs", in_tests),
        vec![]
    );
}

#[test]
fn the_ensure_rule_bites() {
    let dirty = "//! Doc.\nfn f() {\n    std::fs::write(&path, text)?;\n    let _ = std::fs::File::create(&path);\n}\n";
    let lines: Vec<usize> = check_writes_go_through_ensure("xtask/src/codegen.rs", dirty)
        .iter()
        .map(|violation| violation.line)
        .collect();
    assert_eq!(lines, vec![3, 4]);
    assert_eq!(
        check_writes_go_through_ensure(WRITING_MODULE, dirty),
        vec![]
    );
    let scratch = "//! Doc.\nfn f() { std::fs::write(&marker, &lockfile)?; }\n";
    assert_eq!(
        check_writes_go_through_ensure("xtask/src/prism.rs", scratch),
        vec![]
    );
    assert_eq!(
        check_writes_go_through_ensure("xtask/src/codegen.rs", scratch).len(),
        1
    );
    let other_write_in_a_scratch_file =
        "//! Doc.\nfn f() { std::fs::write(&expectations_path, text)?; }\n";
    assert_eq!(
        check_writes_go_through_ensure("xtask/src/prism.rs", other_write_in_a_scratch_file).len(),
        1
    );
    let not_a_write = "//! Doc.\nfn f() { if metadata.file_type().is_symlink() { return; } }\n";
    assert_eq!(
        check_writes_go_through_ensure("xtask/src/ownership.rs", not_a_write),
        vec![]
    );
}

#[test]
fn the_panic_rule_bites() {
    let clean = "//! Doc: never `.unwrap()`.\nfn f(x: Option<u8>) -> u8 { x.unwrap_or(0) }\n#[cfg(test)]\nmod tests {\n    fn g() { None::<u8>.unwrap(); }\n}\n";
    assert_eq!(
        check_no_panicking_calls("generator/src/a.rs", clean),
        vec![]
    );
    let dirty = "//! Doc.\nfn f(x: Option<u8>) -> u8 {\n    assert!(x.is_some());\n    x.expect(\"some\") + x.unwrap()\n}\nfn g() { todo!() }\n";
    let lines: Vec<usize> = check_no_panicking_calls("generator/runtime/src/a.rs", dirty)
        .iter()
        .map(|violation| violation.line)
        .collect();
    assert_eq!(lines, vec![3, 4, 4, 6]);
    assert!(check_no_panicking_calls(
        "generator/src/a.rs",
        "//! Doc.\nfn f() { debug_assert!(true) }\n"
    )
    .is_empty());
}

#[test]
fn the_request_path_rule_bites() {
    let runtime = "//! Doc.\nasync fn send_attempts(request: Request) {\n    let response = request.send().await;\n}\n";
    let code = code_of(runtime);
    assert_eq!(
        check_one_request_path(REQUEST_SENDER.0, runtime, &code),
        vec![]
    );
    let elsewhere = "//! Doc.\npub async fn token(client: &reqwest::Client) {\n    client.post(url).send().await;\n    client.execute(request).await;\n}\n";
    let code = code_of(elsewhere);
    let lines: Vec<usize> = check_one_request_path(REQUEST_SENDER.0, elsewhere, &code)
        .iter()
        .map(|violation| violation.line)
        .collect();
    assert_eq!(lines, vec![3, 4]);
    assert_eq!(
        check_one_request_path("generated/src/x.rs", elsewhere, &code).len(),
        2
    );
}
