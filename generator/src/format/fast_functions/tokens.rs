//! Small token tests and splitters the function printers share: punctuation, assignments, pattern
//! names, indentation, top-level commas, and the spacing state of flat printing.

use crate::format::fast_items::name_of;
use proc_macro2::{Spacing, TokenTree};

/// A binding's name (or `_`).
pub(super) fn pattern_name(token: &TokenTree) -> Option<String> {
    match token {
        TokenTree::Ident(word) if word == "_" => Some("_".to_string()),
        _ => name_of(token),
    }
}

/// A `=` on its own: an assignment or an initializer, not part of `==`, `<=`, `=>`, `+=`.
pub(super) fn is_assignment(token: &TokenTree) -> bool {
    matches!(token, TokenTree::Punct(punct) if punct.as_char() == '=' && punct.spacing() == Spacing::Alone)
}

pub(super) fn is_punct(token: Option<&TokenTree>, character: char, spacing: Spacing) -> bool {
    matches!(token, Some(TokenTree::Punct(punct))
        if punct.as_char() == character && punct.spacing() == spacing)
}

pub(super) fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat(' ').take(indent));
}

/// What the last printed token was, for the spacing of the next.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Last {
    /// Nothing yet, or an opening bracket, `::`, `.`, a prefix operator, `, `, `: `, an infix
    /// operator with its spaces.
    Nothing,
    /// A word (identifier, keyword, literal, lifetime): another word after it needs a space.
    Word,
    /// A closing bracket or `?`: an operand ended.
    Closed,
}

/// The comma-separated elements of a bracket's tokens; `None` on an empty element (a trailing or
/// doubled comma).
pub(super) fn split_commas(tokens: &[TokenTree]) -> Option<Vec<&[TokenTree]>> {
    let elements: Vec<&[TokenTree]> = tokens
        .split(|token| matches!(token, TokenTree::Punct(punct) if punct.as_char() == ','))
        .collect();
    elements
        .iter()
        .all(|element| !element.is_empty())
        .then_some(elements)
}

/// The comma-separated elements of a list of types (or of parameters), whose `<...>` are not
/// token groups; `None` on an empty element or unbalanced angle brackets.
pub(super) fn split_commas_outside_angles(tokens: &[TokenTree]) -> Option<Vec<&[TokenTree]>> {
    let mut elements = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        if let TokenTree::Punct(punct) = token {
            match punct.as_char() {
                '<' => depth += 1,
                '>' => depth = depth.checked_sub(1)?,
                ',' if depth == 0 => {
                    elements.push(&tokens[start..index]);
                    start = index + 1;
                }
                _ => {}
            }
        }
    }
    elements.push(&tokens[start..]);
    (depth == 0 && elements.iter().all(|element| !element.is_empty())).then_some(elements)
}
