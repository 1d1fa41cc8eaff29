//! The one place that decides Rust names: casing (heck), keywords, invalid characters, and collisions.

mod doc_text;
mod reserved;

pub use doc_text::escape_prose_line;

pub use reserved::{
    claim_scheme_field, conformance_call_function, conformance_exercise_function, crate_identifier,
    credential_binding_name, optional_field_setter_method, scheme_method_names,
    scheme_setter_method, scheme_token_source_field, scheme_token_source_setter_method,
    server_constant_name, server_field_name, server_override_method, CLIENT_METHOD_NAMES,
    PROVIDER_MODULE_ITEM_NAMES, RESERVED_MODULE_NAMES, STRUCT_CONSTRUCTOR_METHOD,
};

use heck::{ToPascalCase, ToSnakeCase};
use std::collections::BTreeSet;

/// Words Rust reserves in any edition we target (strict and reserved keywords).
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed), so they get a trailing underscore.
const NOT_RAW_ABLE: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Names the generated `types` module uses unqualified (the prelude), which a spec type must not shadow.
/// Everything else the generated code uses is fully qualified (`crate::runtime::Secret`, `serde_json::Value`).
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option", "Some", "None", "Result", "Ok", "Err", "Vec", "String", "Box", "From", "Default",
    // The constructors take `impl Into<T>`: a schema `Into` made every `new` fail to compile.
    "Into", "Self",
];

/// Is `word` a Rust keyword?
pub fn is_rust_keyword(word: &str) -> bool {
    RUST_KEYWORDS.contains(&word)
}

/// Replaces characters that casing cannot fix (`+`, `.`, `@`, ...) with word breaks, and keeps letters and digits.
fn split_words(raw: &str) -> String {
    let mut cleaned = String::with_capacity(raw.len());
    for character in raw.chars() {
        if character.is_alphanumeric() {
            cleaned.push(character);
        } else {
            cleaned.push(' ');
        }
    }
    // heck treats non-ASCII letters as letters; identifiers must be ASCII to stay portable.
    cleaned
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || character == ' ' {
                character
            } else {
                ' '
            }
        })
        .collect()
}

/// A `snake_case` identifier for fields, parameters, methods and modules, without the raw prefix.
///
/// The result is always a valid identifier once [`to_identifier_tokens`] applies `r#` where needed.
pub fn snake_case_name(raw: &str, fallback: &str) -> String {
    let mut name = split_words(raw).to_snake_case();
    if name.is_empty() {
        name = fallback.to_string();
    }
    if name.starts_with(|character: char| character.is_ascii_digit()) {
        name = format!("{fallback}_{name}");
    }
    if NOT_RAW_ABLE.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A `PascalCase` identifier for types and enum variants.
pub fn pascal_case_name(raw: &str, fallback: &str) -> String {
    let mut name = split_words(raw).to_pascal_case();
    if name.is_empty() {
        name = fallback.to_string();
    }
    if name.starts_with(|character: char| character.is_ascii_digit()) {
        name = format!("{fallback}{name}");
    }
    if NOT_RAW_ABLE.contains(&name.as_str()) || is_rust_keyword(&name) {
        name.push('_');
    }
    name
}

/// Whether `name` is an HTTP `token` (RFC 9110): the only names a header or a cookie can have.
pub fn is_http_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// An identifier token: keywords become raw identifiers (`type` -> `r#type`).
pub fn to_identifier_tokens(name: &str) -> proc_macro2::Ident {
    if is_rust_keyword(name) && !NOT_RAW_ABLE.contains(&name) {
        proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// Hands out names that are unique within one scope, in the order asked, so output stays deterministic.
#[derive(Debug, Default, Clone)]
pub struct UniqueNames {
    taken: BTreeSet<String>,
    /// Per wanted name, the suffix to try next, so N claims of one name cost N steps, not N².
    next_suffix: std::collections::BTreeMap<String, usize>,
}

impl UniqueNames {
    /// A scope with nothing taken.
    pub fn new() -> Self {
        UniqueNames::default()
    }

    /// A scope for type names, where the generated code's own names are already taken.
    pub fn for_types() -> Self {
        let mut names = UniqueNames::new();
        for reserved in RESERVED_TYPE_NAMES {
            names.taken.insert((*reserved).to_string());
        }
        names
    }

    /// Marks `name` as taken without handing it out.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// Whether `name` is neither handed out nor reserved.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// Like [`UniqueNames::claim`], and never one of `reserved` (names another scope defines).
    pub fn claim_outside(&mut self, wanted: &str, reserved: &[&str]) -> String {
        let mut name = self.claim(wanted);
        while reserved.contains(&name.as_str()) {
            name = self.claim(wanted);
        }
        name
    }

    /// `wanted` if free, else `wanted2`, `wanted3`, ... (snake_case names get `wanted_2`).
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let separator = if wanted.ends_with('_') {
            ""
        } else if wanted.ends_with(|character: char| character.is_ascii_digit())
            || wanted.contains('_')
            || wanted
                .chars()
                .all(|character| !character.is_ascii_uppercase())
        {
            "_"
        } else {
            ""
        };
        let mut counter = self.next_suffix.get(wanted).copied().unwrap_or(2);
        loop {
            let candidate = format!("{wanted}{separator}{counter}");
            counter += 1;
            if self.taken.insert(candidate.clone()) {
                self.next_suffix.insert(wanted.to_string(), counter);
                return candidate;
            }
        }
    }
}

/// `text` with what a doc comment must not hold raw written as a visible escape (`\u{202e}`):
/// rustc refuses text-direction codepoints in a comment (`text_direction_codepoint_in_comment`),
/// clippy warns on a tab, and other control characters (line breaks aside) are invisible. For
/// wire values and names quoted in docs, and for prose after [`sanitize_doc`].
pub fn visible_in_doc(text: &str) -> String {
    let must_escape = |character: char| {
        matches!(character, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            || (character.is_control() && character != '\n')
    };
    if !text.contains(must_escape) {
        return text.to_string();
    }
    text.chars()
        .map(|character| {
            if must_escape(character) {
                format!("\\u{{{:x}}}", u32::from(character))
            } else {
                character.to_string()
            }
        })
        .collect()
}

/// Turns spec prose into rustdoc that neither warns nor runs: code fences become `text` blocks and
/// indentation (which markdown would read as a Rust code block, i.e. a doctest) is removed.
pub fn sanitize_doc(text: &str) -> String {
    // Clippy's `tabs_in_doc_comments` warns on a tab, and a bare carriage return is not allowed in a
    // doc comment at all.
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    let mut lines = Vec::new();
    // Prose is escaped a paragraph at a time: a markdown link or code span may span lines.
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, lines: &mut Vec<String>| {
        if !paragraph.is_empty() {
            lines.extend(
                escape_prose_line(&paragraph.join("\n"))
                    .lines()
                    .map(str::to_string),
            );
            paragraph.clear();
        }
    };
    let mut inside_fence = false;
    for line in text.trim().lines() {
        let trimmed = line.trim();
        // Whatever language a fence names, spec prose is never Rust to compile as a doctest.
        if trimmed.starts_with("```") {
            flush(&mut paragraph, &mut lines);
            if inside_fence {
                lines.push("```".to_string());
            } else {
                lines.push("```text".to_string());
            }
            inside_fence = !inside_fence;
            continue;
        }
        if inside_fence {
            lines.push(line.trim_end().to_string());
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut lines);
            lines.push(String::new());
        } else {
            paragraph.push(trimmed);
        }
    }
    flush(&mut paragraph, &mut lines);
    if inside_fence {
        lines.push("```".to_string());
    }
    visible_in_doc(&lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_digits_become_valid_identifiers() {
        assert_eq!(snake_case_name("type", "field"), "type");
        assert_eq!(to_identifier_tokens("type").to_string(), "r#type");
        assert_eq!(snake_case_name("self", "field"), "self_");
        assert_eq!(snake_case_name("2fa_enabled", "field"), "field_2fa_enabled");
        assert_eq!(pascal_case_name("in-progress", "Value"), "InProgress");
        assert_eq!(pascal_case_name("1st", "Value"), "Value1st");
        assert_eq!(pascal_case_name("Self", "Value"), "Self_");
        assert_eq!(snake_case_name("user-name", "field"), "user_name");
        assert_eq!(snake_case_name("X-Request-Id", "field"), "x_request_id");
        assert_eq!(snake_case_name("", "field"), "field");
        assert_eq!(snake_case_name("日本", "field"), "field");
    }

    #[test]
    fn collisions_get_numbered_suffixes_in_claim_order() {
        let mut names = UniqueNames::new();
        assert_eq!(names.claim("user_name"), "user_name");
        assert_eq!(names.claim("user_name"), "user_name_2");
        assert_eq!(names.claim("self_"), "self_");
        assert_eq!(names.claim("self_"), "self_2");
        let mut types = UniqueNames::for_types();
        assert_eq!(types.claim("Result"), "Result2");
        assert_eq!(types.claim("Pet"), "Pet");
    }

    #[test]
    fn a_markdown_link_over_two_lines_stays_a_link() {
        let doc = sanitize_doc(
            "See [How to Connect to a\nKubernetes Cluster](https://x.dev/k8s).\n\n[not a link]",
        );
        assert_eq!(
            doc,
            "See [How to Connect to a\nKubernetes Cluster](https://x.dev/k8s).\n\n\\[not a link\\]"
        );
    }

    #[test]
    fn doc_fences_become_text_and_indentation_is_dropped() {
        let doc = sanitize_doc("Intro\n\n    let x = 1;\n```json\n{\"a\": 1}\n```");
        assert_eq!(doc, "Intro\n\nlet x = 1;\n```text\n{\"a\": 1}\n```");
    }
}
