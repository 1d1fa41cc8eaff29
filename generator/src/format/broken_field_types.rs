//! A struct field's type too long for its line (`pub embedded: Option<BTreeMap<String, Map<..>>>,`),
//! broken at its generic arguments as prettyplease breaks it, and a tuple variant's fields too
//! long for the variant's line, one per line.
//!
//! prettyplease prints a path's generic arguments in a consistent box (`path.rs`,
//! `angle_bracketed_generic_arguments`: `<`, a zero-width break, the arguments separated by `,`
//! and a space, a trailing comma that only shows when broken, `>`). The box is flat when its text
//! and the text after it up to the next break fit before the 89-column margin; else every
//! argument goes on its own line at the indentation plus 4, with a comma, and `>` back at the
//! indentation, each argument laid out by the same rule. After an argument other than the last
//! the `,` is counted; after the last it is the break's own text, not counted (so a flat last
//! argument may end exactly at the margin, its comma in column 90). A type without a break in it (a path without generic arguments) is printed
//! whole whatever its length. Only a path whose last segment has the generic arguments is
//! broken here; a tuple, a lifetime, an associated type or generic arguments in an earlier
//! segment leave the item to prettyplease.

use super::fast_items::ItemPrinter;
use proc_macro2::{Delimiter, TokenTree};

const WIDEST_LINE: usize = 89;

/// The type's text starting at `column` of a line indented `indent`, followed by `counted_suffix`
/// bytes of text before the next break, as lines: the first continues the current line, the
/// others are indented, and the last ends with the type (the caller writes what follows).
pub(super) fn broken_type(
    tokens: &[TokenTree],
    column: usize,
    indent: usize,
    counted_suffix: usize,
) -> Option<String> {
    let flat = flat_type(tokens)?;
    let can_break = tokens.iter().any(|token| match token {
        TokenTree::Punct(punct) => punct.as_char() == '<',
        TokenTree::Group(_) => true,
        _ => false,
    });
    if !can_break {
        return Some(flat);
    }
    let flat_end = column + flat.len() + counted_suffix;
    if flat_end <= WIDEST_LINE {
        return Some(flat);
    }
    let open = tokens
        .iter()
        .position(|token| matches!(token, TokenTree::Punct(punct) if punct.as_char() == '<'))?;
    let head = &tokens[..open];
    if head.is_empty()
        || !head.iter().all(|token| match token {
            TokenTree::Ident(_) => true,
            TokenTree::Punct(punct) => punct.as_char() == ':',
            _ => false,
        })
    {
        return None;
    }
    let [inside @ .., TokenTree::Punct(close)] = &tokens[open + 1..] else {
        return None;
    };
    if close.as_char() != '>' {
        return None;
    }
    let arguments = split_top_level_commas(inside)?;
    let mut printed = flat_type(head)?;
    printed.push_str("<\n");
    let argument_indent = indent + 4;
    for (index, argument) in arguments.iter().enumerate() {
        let is_last = index + 1 == arguments.len();
        let counted = if is_last { 0 } else { 1 };
        printed.extend(std::iter::repeat(' ').take(argument_indent));
        printed.push_str(&broken_type(
            argument,
            argument_indent,
            argument_indent,
            counted,
        )?);
        printed.push_str(",\n");
    }
    printed.extend(std::iter::repeat(' ').take(indent));
    printed.push('>');
    Some(printed)
}

/// A tuple variant's fields (the tokens inside its parentheses) too long for the variant's line,
/// as prettyplease breaks them (`variant`, `fields_unnamed`: a consistent box around `(`, a
/// zero-width break, the fields with trailing commas): `(`, each field on its own line at
/// `indent + 4` laid out by [`broken_type`], `)` back at `indent`.
pub(super) fn broken_tuple_fields(fields: &[TokenTree], indent: usize) -> Option<String> {
    let fields = split_top_level_commas(fields)?;
    let mut printed = String::from("(\n");
    let field_indent = indent + 4;
    for (index, field) in fields.iter().enumerate() {
        let counted = if index + 1 == fields.len() { 0 } else { 1 };
        printed.extend(std::iter::repeat(' ').take(field_indent));
        printed.push_str(&broken_type(field, field_indent, field_indent, counted)?);
        printed.push_str(",\n");
    }
    printed.extend(std::iter::repeat(' ').take(indent));
    printed.push(')');
    Some(printed)
}

/// The type on one line, as `fast_items` prints it; `None` unless that takes every token.
fn flat_type(tokens: &[TokenTree]) -> Option<String> {
    let mut printer = ItemPrinter {
        out: String::new(),
        indent: 0,
    };
    (printer.ty(tokens, 0)? == tokens.len()).then_some(printer.out)
}

/// The generic arguments between `<` and `>`, split at the commas outside nested `<...>` (a
/// trailing comma dropped); `None` on an empty argument, unbalanced brackets or a lifetime.
fn split_top_level_commas(tokens: &[TokenTree]) -> Option<Vec<&[TokenTree]>> {
    let mut arguments = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Punct(punct) => match punct.as_char() {
                '<' => depth += 1,
                '>' => depth = depth.checked_sub(1)?,
                '\'' => return None,
                ',' if depth == 0 => {
                    arguments.push(&tokens[start..index]);
                    start = index + 1;
                }
                _ => {}
            },
            TokenTree::Group(group) if group.delimiter() != Delimiter::Parenthesis => return None,
            _ => {}
        }
    }
    if start < tokens.len() {
        arguments.push(&tokens[start..]);
    }
    (depth == 0 && !arguments.is_empty() && arguments.iter().all(|argument| !argument.is_empty()))
        .then_some(arguments)
}
