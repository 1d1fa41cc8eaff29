//! A function body statement by statement: each statement of a shape modelled here is printed, and
//! runs of the others are handed back as text for `syn` + prettyplease (the fallback).

use super::broken_array_methods::broken_array_method_statement;
use super::broken_calls::{broken_call_statement, broken_chain_statement};
use super::broken_struct_literals::broken_struct_literal_statement;
use super::flat_expressions::flat_expression;
use super::flat_types::flat_type;
use super::match_statements::print_match;
use super::tokens::{is_assignment, is_punct, pattern_name, push_indent};
use super::{Segment, WIDEST_LINE};
use crate::format::fast_items::{is_word, name_of, ItemPrinter};
use proc_macro2::{Spacing, TokenStream, TokenTree};

/// The statements of a body at `indent + 4`: those that fit on their line printed into `out`, the
/// others gathered into runs for prettyplease.
pub(super) fn statements(
    out: &mut String,
    segments: &mut Vec<Segment>,
    body: &[TokenTree],
    indent: usize,
) -> Option<()> {
    if matches!(body, [TokenTree::Punct(hash), TokenTree::Punct(bang), ..]
        if hash.as_char() == '#' && bang.as_char() == '!')
    {
        // Inner attributes.
        return None;
    }
    let mut pending: Vec<TokenTree> = Vec::new();
    for (statement, is_tail) in split_statements(body) {
        let mut line_printer = ItemPrinter {
            out: String::new(),
            indent: indent + 4,
        };
        match print_statement(&mut line_printer, statement, is_tail) {
            Some(()) => {
                if !pending.is_empty() {
                    segments.push(Segment::Printed(std::mem::take(out)));
                    segments.push(Segment::Statements {
                        text: std::mem::take(&mut pending)
                            .into_iter()
                            .collect::<TokenStream>()
                            .to_string(),
                        indent,
                        last_in_block: false,
                    });
                }
                out.push_str(&line_printer.out);
            }
            None => pending.extend(statement.iter().cloned()),
        }
    }
    if !pending.is_empty() {
        segments.push(Segment::Printed(std::mem::take(out)));
        segments.push(Segment::Statements {
            text: pending.into_iter().collect::<TokenStream>().to_string(),
            indent,
            last_in_block: true,
        });
    }
    Some(())
}

/// A block's statements, each with its `;`, and whether it is the tail expression (the last,
/// without a `;`). A `;` nested in a group belongs to that group's own statements.
pub(super) fn split_statements(block: &[TokenTree]) -> impl Iterator<Item = (&[TokenTree], bool)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= block.len() {
            return None;
        }
        let end = block[start..]
            .iter()
            .position(|token| matches!(token, TokenTree::Punct(punct) if punct.as_char() == ';'))
            .map_or(block.len(), |offset| start + offset + 1);
        let statement = &block[start..end];
        let is_tail = end == block.len()
            && !matches!(statement.last(), Some(TokenTree::Punct(punct)) if punct.as_char() == ';');
        start = end;
        Some((statement, is_tail))
    })
}

/// One statement (with its `;`, unless it is the tail expression) on its own line, after its
/// attributes, when it fits.
pub(super) fn print_statement(
    printer: &mut ItemPrinter,
    tokens: &[TokenTree],
    is_tail: bool,
) -> Option<()> {
    let indent = printer.indent;
    let at = if matches!(tokens.first(), Some(TokenTree::Punct(hash)) if hash.as_char() == '#') {
        printer.outer_attributes(tokens, indent)?
    } else {
        0
    };
    let tokens = &tokens[at..];
    let mut line = String::with_capacity(96);
    push_indent(&mut line, indent);
    if is_tail && is_word(tokens.first()?, "match") {
        // Lines of its own; each fits (checked as they are printed).
        return print_match(&mut printer.out, &tokens[1..], indent);
    }
    let flat = if is_tail {
        // prettyplease adds a `;` after a tail assignment, `return`, `break` (`stmt::add_semi`);
        // those are left to it.
        if tokens.iter().any(is_assignment) {
            return None;
        }
        flat_expression(tokens, &mut line)
    } else {
        let (last, tokens) = tokens.split_last()?;
        if !matches!(last, TokenTree::Punct(punct) if punct.as_char() == ';') {
            return None;
        }
        let flat = match tokens.first()? {
            TokenTree::Ident(word) if word == "let" => let_statement(&tokens[1..], &mut line),
            TokenTree::Ident(word) if word == "const" => const_item(&tokens[1..], &mut line),
            _ => flat_expression(tokens, &mut line),
        };
        line.push(';');
        flat
    };
    if flat.is_some() && line.len() <= WIDEST_LINE {
        printer.out.push_str(&line);
        printer.out.push('\n');
        return Some(());
    }
    if flat.is_some() {
        // It does not fit on its line.
        if let Some(()) = broken_call_statement(&mut printer.out, tokens, is_tail, indent) {
            return Some(());
        }
        if let Some(()) = broken_chain_statement(&mut printer.out, tokens, is_tail, indent) {
            return Some(());
        }
        if let Some(()) = broken_array_method_statement(&mut printer.out, tokens, is_tail, indent) {
            return Some(());
        }
    }
    broken_struct_literal_statement(&mut printer.out, tokens, is_tail, indent)
}

/// `let [mut] name[: Type][ = expr]` after the `let`.
fn let_statement(tokens: &[TokenTree], line: &mut String) -> Option<()> {
    line.push_str("let ");
    let mut at = 0;
    if is_word(tokens.first()?, "mut") {
        line.push_str("mut ");
        at += 1;
    }
    line.push_str(&pattern_name(tokens.get(at)?)?);
    at += 1;
    let equals = tokens.iter().position(is_assignment);
    if is_punct(tokens.get(at), ':', Spacing::Alone) {
        line.push_str(": ");
        flat_type(&tokens[at + 1..equals.unwrap_or(tokens.len())], line)?;
    } else if equals != Some(at) && at != tokens.len() {
        return None;
    }
    if let Some(equals) = equals {
        line.push_str(" = ");
        flat_expression(&tokens[equals + 1..], line)?;
    }
    Some(())
}

/// `const NAME: Type = expr` after the `const`.
fn const_item(tokens: &[TokenTree], line: &mut String) -> Option<()> {
    line.push_str("const ");
    line.push_str(&name_of(tokens.first()?)?);
    if !is_punct(tokens.get(1), ':', Spacing::Alone) {
        return None;
    }
    let equals = tokens.iter().position(is_assignment)?;
    line.push_str(": ");
    flat_type(&tokens[2..equals], line)?;
    line.push_str(" = ");
    flat_expression(&tokens[equals + 1..], line)
}
