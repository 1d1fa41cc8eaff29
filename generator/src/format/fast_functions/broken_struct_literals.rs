//! Statements whose struct literal breaks one field per line: a `let` binding or a tail expression.

use super::broken_calls::let_binding_head;
use super::flat_expressions::flat_expression;
use super::tokens::{push_indent, split_commas};
use super::WIDEST_LINE;
use crate::format::fast_items::{is_word, name_of};
use proc_macro2::{Delimiter, TokenTree};

/// A statement whose struct literal does not print flat (wider than 34 columns, or its line too
/// long): `let name = Path {`, `Path {` or `Call(Path {` on the first line, one `field: value,`
/// per line, and `};`, `}` or `})` (prettyplease's `expr_struct` broken; a call with one
/// block-like argument has no group of its own, `call_args`).
pub(super) fn broken_struct_literal_statement(
    out: &mut String,
    tokens: &[TokenTree],
    is_tail: bool,
    indent: usize,
) -> Option<()> {
    let mut first_line = String::with_capacity(96);
    push_indent(&mut first_line, indent);
    let mut tokens = tokens;
    let mut last_line_end = String::new();
    if !is_tail {
        let (semicolon, rest) = tokens.split_last()?;
        if !matches!(semicolon, TokenTree::Punct(punct) if punct.as_char() == ';') {
            return None;
        }
        tokens = rest;
        last_line_end.push(';');
        if !is_word(tokens.first()?, "let") {
            return None;
        }
        tokens = let_binding_head(tokens, &mut first_line)?;
    }
    // `Call(Path { .. })`: a path, then one parenthesized struct literal.
    if let [path @ .., TokenTree::Group(arguments)] = tokens {
        if arguments.delimiter() == Delimiter::Parenthesis {
            if path.is_empty() || !path_tokens_only(path) {
                return None;
            }
            flat_expression(path, &mut first_line)?;
            first_line.push('(');
            last_line_end.insert(0, ')');
            let inner: Vec<TokenTree> = arguments.stream().into_iter().collect();
            return broken_struct_literal(out, first_line, &inner, &last_line_end, indent);
        }
    }
    broken_struct_literal(out, first_line, tokens, &last_line_end, indent)
}

/// Identifiers and `::` only.
pub(super) fn path_tokens_only(tokens: &[TokenTree]) -> bool {
    tokens.iter().all(|token| match token {
        TokenTree::Ident(_) => true,
        TokenTree::Punct(punct) => punct.as_char() == ':',
        _ => false,
    })
}

/// `first_line` followed by `Path {`, the fields one per line at `indent + 4`, and `}` with
/// `end` on the last line.
fn broken_struct_literal(
    out: &mut String,
    mut first_line: String,
    tokens: &[TokenTree],
    end: &str,
    indent: usize,
) -> Option<()> {
    let [path @ .., TokenTree::Group(fields)] = tokens else {
        return None;
    };
    if fields.delimiter() != Delimiter::Brace || path.is_empty() || !path_tokens_only(path) {
        return None;
    }
    flat_expression(path, &mut first_line)?;
    first_line.push_str(" {");
    if first_line.len() > WIDEST_LINE {
        return None;
    }
    let mut fields: Vec<TokenTree> = fields.stream().into_iter().collect();
    if matches!(fields.last(), Some(TokenTree::Punct(comma)) if comma.as_char() == ',') {
        fields.pop();
    }
    if fields.is_empty() {
        return None;
    }
    let mut printed = first_line;
    printed.push('\n');
    for field in split_commas(&fields)? {
        let start = printed.len();
        push_indent(&mut printed, indent + 4);
        match field {
            [name] => printed.push_str(&name_of(name)?),
            [name, TokenTree::Punct(colon), value @ ..] if colon.as_char() == ':' => {
                printed.push_str(&name_of(name)?);
                printed.push_str(": ");
                flat_expression(value, &mut printed)?;
            }
            _ => return None,
        }
        printed.push(',');
        if printed.len() - start > WIDEST_LINE {
            return None;
        }
        printed.push('\n');
    }
    push_indent(&mut printed, indent);
    printed.push('}');
    printed.push_str(end);
    printed.push('\n');
    out.push_str(&printed);
    Some(())
}
