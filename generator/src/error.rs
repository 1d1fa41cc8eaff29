//! Errors as values: every failure names the spec file, the JSON pointer and, where the parser knows it, the line and column.

use std::fmt;

/// Where in a spec file a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecLocation {
    /// The spec file as the caller named it (a path relative to the workspace, usually).
    pub file: String,
    /// JSON pointer into the document (`""` is the whole document).
    pub pointer: String,
    /// One-based line and column, when the parser reported them.
    pub line_column: Option<(usize, usize)>,
}

impl fmt::Display for SpecLocation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.file)?;
        if let Some((line, column)) = self.line_column {
            write!(formatter, ":{line}:{column}")?;
        }
        if self.pointer.is_empty() {
            // A parser's line and column say where; "document root" would contradict them (an
            // unknown key in a provider.toml's `[token]` table is not at the root).
            if self.line_column.is_none() {
                write!(formatter, " (document root)")?;
            }
            Ok(())
        } else {
            write!(formatter, " at {}", self.pointer)
        }
    }
}

/// A failure to turn a spec into code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeneratorError {
    /// The spec (or a provider config) could not be read as a document at all.
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: SpecLocation,
        /// What the parser said.
        message: String,
    },
    /// The document parses, but says something the generator cannot honour.
    #[error("{location}: {message}")]
    Unsupported {
        /// Where.
        location: SpecLocation,
        /// Which construct, and why.
        message: String,
    },
    /// The document is internally inconsistent (a dangling `$ref`, a missing path parameter).
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: SpecLocation,
        /// The defect.
        message: String,
    },
    /// The generated tokens did not parse back as Rust: a generator bug, reported instead of panicking.
    #[error("internal error while formatting {file}: {message}")]
    Internal {
        /// The output file.
        file: String,
        /// What `syn` said.
        message: String,
    },
}

impl GeneratorError {
    /// The location the error points at, when it has one.
    pub fn location(&self) -> Option<&SpecLocation> {
        match self {
            GeneratorError::Syntax { location, .. }
            | GeneratorError::Unsupported { location, .. }
            | GeneratorError::Invalid { location, .. } => Some(location),
            GeneratorError::Internal { .. } => None,
        }
    }
}

/// A part of the loaded document that is a copy of another part (a `$ref` resolved by the loader):
/// errors inside `copy` are reported where the original stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointerAlias {
    /// Where the copy stands in the loaded document.
    pub copy: String,
    /// Where the original stands in the document as written.
    pub original: String,
}

/// A `$ref` that reaches something, but not the kind of object its position needs (a schema `$ref`
/// to a response): the loader leaves it in place, and the lower stage names what it reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MisdirectedReference {
    /// What the position needs: `schema`, `response`, `parameter`, `request body`, `header`.
    pub expected: &'static str,
    /// The reference as written.
    pub reference: String,
    /// What stands at its target (`a response object`).
    pub found: String,
}

/// Builds errors for one spec file, so call sites only say the pointer and the message.
#[derive(Debug, Clone)]
pub struct ErrorContext {
    file: String,
    aliases: Vec<PointerAlias>,
    /// For `$ref`s the loader left in place although they reach something: what they reach (`a
    /// response object`), so the error names it instead of calling the reference dangling.
    reference_targets: Vec<MisdirectedReference>,
}

impl ErrorContext {
    /// Errors will name `file`.
    pub fn new(file: impl Into<String>) -> Self {
        ErrorContext {
            file: file.into(),
            aliases: Vec::new(),
            reference_targets: Vec::new(),
        }
    }

    /// The same context, reporting errors inside the given copies where their originals stand.
    pub fn with_pointer_aliases(&self, aliases: &[PointerAlias]) -> Self {
        let mut context = self.clone();
        context.aliases.extend(aliases.iter().cloned());
        context
    }

    /// The same context, knowing what the given misdirected `$ref`s reach.
    pub fn with_reference_targets(&self, targets: &[MisdirectedReference]) -> Self {
        let mut context = self.clone();
        context.reference_targets.extend(targets.iter().cloned());
        context
    }

    /// What a `$ref` in a position that needs `expected` reaches, when the loader found it reaches
    /// something else.
    pub fn reference_target(&self, expected: &str, reference: &str) -> Option<&str> {
        self.reference_targets
            .iter()
            .find(|target| target.expected == expected && target.reference == reference)
            .map(|target| target.found.as_str())
    }

    /// `pointer` as it stands in the document as written (the longest matching copy wins).
    pub fn original_pointer(&self, pointer: &str) -> String {
        let best = self
            .aliases
            .iter()
            .filter(|alias| {
                pointer == alias.copy
                    || pointer
                        .strip_prefix(alias.copy.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|alias| alias.copy.len());
        match best {
            Some(alias) => format!("{}{}", alias.original, &pointer[alias.copy.len()..]),
            None => pointer.to_string(),
        }
    }

    /// The file errors name.
    pub fn file(&self) -> &str {
        &self.file
    }

    fn location(&self, pointer: &str) -> SpecLocation {
        SpecLocation {
            file: self.file.clone(),
            pointer: self.original_pointer(pointer),
            line_column: None,
        }
    }

    /// A syntax error with a line and column.
    pub fn syntax(
        &self,
        line_column: Option<(usize, usize)>,
        message: impl Into<String>,
    ) -> GeneratorError {
        GeneratorError::Syntax {
            location: SpecLocation {
                file: self.file.clone(),
                pointer: String::new(),
                line_column,
            },
            message: message.into(),
        }
    }

    /// A construct the generator does not support.
    pub fn unsupported(&self, pointer: &str, message: impl Into<String>) -> GeneratorError {
        GeneratorError::Unsupported {
            location: self.location(pointer),
            message: message.into(),
        }
    }

    /// A defect in the document.
    pub fn invalid(&self, pointer: &str, message: impl Into<String>) -> GeneratorError {
        GeneratorError::Invalid {
            location: self.location(pointer),
            message: message.into(),
        }
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let mut pushed = String::with_capacity(pointer.len() + 1 + token.len());
    pushed.push_str(pointer);
    pointer_push_in_place(&mut pushed, token);
    pushed
}

/// [`pointer_push`] onto `pointer` itself: a walk over every node of a document pushes a token
/// and truncates it again instead of allocating a pointer per node.
pub fn pointer_push_in_place(pointer: &mut String, token: &str) {
    pointer.push('/');
    for piece in token.split_inclusive(['~', '/']) {
        match piece.as_bytes().last() {
            Some(b'~') => {
                pointer.push_str(&piece[..piece.len() - 1]);
                pointer.push_str("~0");
            }
            Some(b'/') => {
                pointer.push_str(&piece[..piece.len() - 1]);
                pointer.push_str("~1");
            }
            _ => pointer.push_str(piece),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_tokens_escape_tilde_and_slash_as_rfc_6901_says() {
        assert_eq!(pointer_push("", "paths"), "/paths");
        assert_eq!(pointer_push("/paths", "/a/{b}"), "/paths/~1a~1{b}");
        assert_eq!(pointer_push("/x", "~1/~"), "/x/~01~1~0");
        assert_eq!(pointer_push("/x", ""), "/x/");
        assert_eq!(pointer_push("/x", "é~"), "/x/é~0");
    }

    #[test]
    fn a_location_with_a_line_does_not_claim_the_document_root() {
        let at_line = SpecLocation {
            file: "provider.toml".to_string(),
            pointer: String::new(),
            line_column: Some((5, 1)),
        };
        assert_eq!(at_line.to_string(), "provider.toml:5:1");
        let whole = SpecLocation {
            file: "spec.yaml".to_string(),
            pointer: String::new(),
            line_column: None,
        };
        assert_eq!(whole.to_string(), "spec.yaml (document root)");
    }
}
