//! Prints a function (a method of an `impl` block, such as `impl Client`'s operations and the
//! error enums' `Display::fmt`, or a free function) from its tokens as prettyplease prints it: its
//! attributes, its signature and every statement that prints on one line. A statement that does
//! not (a `match`, a call chain that breaks, a struct literal wider than 34 columns, a macro) is
//! handed back as text, and the format stage has `syn` + prettyplease print only those statements,
//! wrapped in a stand-in function at the same indentation (prettyplease prints each statement
//! of a block on lines of its own, with nothing that depends on its neighbours; see `stmt.rs`
//! of prettyplease).
//!
//! The layout follows prettyplease's printer (`algorithm.rs`, an Oppen printer with a margin of
//! 89 columns): a group is printed flat when its text, and the text after it up to the next
//! possible break, fits in what is left of the line. So a statement (an `ibox` ended by a hard
//! break) is printed flat when its whole line fits; the parameter list breaks one parameter per
//! line when `(params) -> Head<` (or `) -> Type {`) does not fit after `fn name(`; the return
//! type's generic arguments break one per line when `args> {` does not fit after `Head<`. Any
//! line that would not fit in a way not modelled here leaves the whole function to prettyplease.
//!
//! Flat text is made from the tokens with prettyplease's spacing for the shapes accepted here
//! (paths, calls, method calls, fields, `?`, `.await`, references, unary and binary operators,
//! `as` casts, literals, arrays, indexing, struct literals, turbofish and types with generic
//! arguments, references and lifetimes); a keyword that starts a block (`if`, `match`, `loop`,
//! ...), a closure, a macro, a comparison `<`, a nested attribute or a trailing comma makes the
//! statement one for prettyplease. `tests/format_oracle.rs` compares whole modules, adversarial
//! ones among them, with prettyplease printing the whole file.
//!
//! This file holds the entry points (a function, an `impl` block's header, a whole `impl` block);
//! the parts are printed by its submodules: `signatures`, `statements` (the body, and the runs of
//! statements handed to prettyplease), `broken_calls`, `broken_struct_literals`,
//! `match_statements`, `flat_expressions`, `flat_types`, and the shared `tokens` helpers.

mod broken_arm_bodies;
mod broken_array_methods;
mod broken_calls;
mod broken_struct_literals;
mod flat_expressions;
mod flat_types;
mod match_statements;
mod signatures;
mod statements;
mod tokens;

use super::fast_items::{is_word, name_of, ItemPrinter};
use flat_types::flat_type;
use proc_macro2::{Delimiter, Spacing, TokenTree};
use signatures::{parameter_texts, signature};
use statements::statements;
use tokens::{is_punct, push_indent};

/// prettyplease's margin: the widest line it prints flat (see `fast_items.rs`).
const WIDEST_LINE: usize = 89;

/// prettyplease breaks a struct literal wider than this (`expr_struct`), the closing `}` aside.
const WIDEST_FLAT_STRUCT_LITERAL: usize = 34;

/// A function as printed text, and the statement runs left to `syn` + prettyplease.
pub(super) enum Segment {
    Printed(String),
    /// Consecutive statements of the function's body, as source text, at `indent` (the
    /// function's own indentation); `last_in_block` when nothing follows them in the body.
    Statements {
        text: String,
        indent: usize,
        last_in_block: bool,
    },
}

/// The function at `indent` spaces as segments, or `None` when its signature is not one printed
/// here (see the module's doc).
pub(super) fn print_function(item: &[TokenTree], indent: usize) -> Option<Vec<Segment>> {
    let mut printer = ItemPrinter {
        out: String::with_capacity(512),
        indent,
    };
    let mut at = printer.outer_attributes(item, indent)?;
    let mut head = String::new();
    if is_word(item.get(at)?, "pub") {
        if matches!(item.get(at + 1), Some(TokenTree::Group(_))) {
            return None;
        }
        head.push_str("pub ");
        at += 1;
    }
    if is_word(item.get(at)?, "async") {
        head.push_str("async ");
        at += 1;
    }
    if !is_word(item.get(at)?, "fn") {
        return None;
    }
    head.push_str("fn ");
    head.push_str(&name_of(item.get(at + 1)?)?);
    let TokenTree::Group(parameters) = item.get(at + 2)? else {
        return None;
    };
    if parameters.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    at += 3;
    let return_type = if is_punct(item.get(at), '-', Spacing::Joint)
        && is_punct(item.get(at + 1), '>', Spacing::Alone)
    {
        let end = item.len() - 1;
        let mut text = String::new();
        flat_type(&item[at + 2..end], &mut text)?;
        at = end;
        Some(text)
    } else {
        None
    };
    let [TokenTree::Group(body)] = &item[at..] else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace {
        return None;
    }
    let body: Vec<TokenTree> = body.stream().into_iter().collect();
    let parameters = parameter_texts(parameters.stream())?;
    let brace = if body.is_empty() { " {}" } else { " {" };
    signature(
        &mut printer.out,
        indent,
        &head,
        &parameters,
        return_type.as_deref(),
        brace,
    )?;
    let mut segments = Vec::new();
    if !body.is_empty() {
        statements(&mut printer.out, &mut segments, &body, indent)?;
        printer.push_indent(indent);
        printer.out.push_str("}\n");
    }
    segments.push(Segment::Printed(printer.out));
    Some(segments)
}

/// An `impl` block's header line (`impl Type {`, `impl Trait for Type {`) with its attributes, as
/// prettyplease prints it at the top level; `None` for any other header (generics, `where`,
/// `unsafe`, a module). See [`print_impl_header_at`].
pub(super) fn print_impl_header(header: &[TokenTree]) -> Option<String> {
    print_impl_header_at(header, 0)
}

/// An `impl` block's header at `indent` (`item_impl`): on one line when `impl Trait for Type {`
/// fits; else, for a trait impl, broken before `for` (the one break of its `ibox`), `for Type {`
/// on the next line at the same indentation.
fn print_impl_header_at(header: &[TokenTree], indent: usize) -> Option<String> {
    let mut printer = ItemPrinter {
        out: String::with_capacity(128),
        indent,
    };
    let at = if matches!(header.first(), Some(TokenTree::Punct(hash)) if hash.as_char() == '#') {
        printer.outer_attributes(header, indent)?
    } else {
        0
    };
    let header = &header[at..];
    if !is_word(header.first()?, "impl")
        || matches!(header.get(1), Some(TokenTree::Punct(punct)) if punct.as_char() == '<')
    {
        return None;
    }
    let mut line = String::with_capacity(96);
    push_indent(&mut line, indent);
    line.push_str("impl ");
    match header.iter().position(|token| is_word(token, "for")) {
        Some(for_at) => {
            flat_type(&header[1..for_at], &mut line)?;
            let mut second_line = String::with_capacity(64);
            push_indent(&mut second_line, indent);
            second_line.push_str("for ");
            flat_type(&header[for_at + 1..], &mut second_line)?;
            second_line.push_str(" {");
            if line.len() + 1 + second_line.len() - indent <= WIDEST_LINE {
                line.push(' ');
                line.push_str(&second_line[indent..]);
            } else {
                if line.len() > WIDEST_LINE || second_line.len() > WIDEST_LINE {
                    return None;
                }
                line.push('\n');
                line.push_str(&second_line);
            }
        }
        None => {
            flat_type(&header[1..], &mut line)?;
            line.push_str(" {");
        }
    }
    if line.lines().any(|printed| printed.len() > WIDEST_LINE) {
        return None;
    }
    printer.out.push_str(&line);
    printer.out.push('\n');
    Some(printer.out)
}

/// A whole `impl` block at `indent` whose header and every item print here: functions with every
/// statement printed (no statement left to prettyplease) and `type` aliases; `None` otherwise
/// (the block is then split and its items formatted one by one, see `items.rs`).
pub(super) fn print_impl_block(item: &[TokenTree], indent: usize) -> Option<String> {
    let (TokenTree::Group(body), header) = item.split_last()? else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace {
        return None;
    }
    let body: Vec<TokenTree> = body.stream().into_iter().collect();
    if body.is_empty() {
        return None;
    }
    let mut out = print_impl_header_at(header, indent)?;
    let mut start = 0;
    while start < body.len() {
        // An item ends with its body's braces, or with `;`.
        let end = body[start..]
            .iter()
            .position(|token| match token {
                TokenTree::Group(group) => group.delimiter() == Delimiter::Brace,
                TokenTree::Punct(punct) => punct.as_char() == ';',
                _ => false,
            })
            .map(|offset| start + offset + 1)?;
        let inner = &body[start..end];
        if let Some(segments) = print_function(inner, indent + 4) {
            for segment in segments {
                match segment {
                    Segment::Printed(printed) => out.push_str(&printed),
                    Segment::Statements { .. } => return None,
                }
            }
        } else if matches!(inner.last(), Some(TokenTree::Punct(punct)) if punct.as_char() == ';') {
            out.push_str(&super::fast_items::print_item(inner, indent + 4)?);
        } else {
            return None;
        }
        start = end;
    }
    push_indent(&mut out, indent);
    out.push_str("}\n");
    Some(out)
}
