//! Statements that break over lines as calls: a call whose arguments go one per line, and a
//! `name = receiver.a(..).b(..)` chain broken before every `.`.

use super::broken_struct_literals::path_tokens_only;
use super::flat_expressions::{flat_expression, EXPRESSION_KEYWORDS_LEFT_TO_PRETTYPLEASE};
use super::tokens::{is_assignment, pattern_name, push_indent, split_commas};
use super::WIDEST_LINE;
use crate::format::fast_items::{is_word, name_of};
use proc_macro2::{Delimiter, Spacing, TokenTree};

/// A statement `[let name = ]path(args)[?];` printed flat by [`flat_expression`] but too long for
/// its line: prettyplease breaks the arguments' group (`call_args`), one argument per line at
/// `indent + 4` with a comma, and `)` back at `indent`.
pub(super) fn broken_call_statement(
    out: &mut String,
    tokens: &[TokenTree],
    is_tail: bool,
    indent: usize,
) -> Option<()> {
    let (mut first_line, tokens, end) = statement_head(tokens, is_tail, indent, true)?;
    let (tokens, question_mark) = match tokens {
        [rest @ .., TokenTree::Punct(question)] if question.as_char() == '?' => (rest, "?"),
        _ => (tokens, ""),
    };
    let [path @ .., TokenTree::Group(arguments)] = tokens else {
        return None;
    };
    if arguments.delimiter() != Delimiter::Parenthesis || path.is_empty() || !path_tokens_only(path)
    {
        return None;
    }
    let arguments: Vec<TokenTree> = arguments.stream().into_iter().collect();
    let arguments = split_commas(&arguments)?;
    if arguments.len() == 1 {
        // One block-like argument (a struct literal, an array, a tuple) has no group of its own.
        match arguments[0] {
            [TokenTree::Group(_)] => return None,
            [.., TokenTree::Group(group)] if group.delimiter() == Delimiter::Brace => return None,
            _ => {}
        }
    }
    flat_expression(path, &mut first_line)?;
    first_line.push('(');
    if first_line.len() > WIDEST_LINE {
        return None;
    }
    let mut printed = first_line;
    printed.push('\n');
    for argument in arguments {
        let start = printed.len();
        push_indent(&mut printed, indent + 4);
        flat_expression(argument, &mut printed)?;
        printed.push(',');
        if printed.len() - start > WIDEST_LINE {
            return None;
        }
        printed.push('\n');
    }
    push_indent(&mut printed, indent);
    printed.push(')');
    printed.push_str(question_mark);
    printed.push_str(end);
    printed.push('\n');
    out.push_str(&printed);
    Some(())
}

/// A statement `name = receiver.a(..).b(..);` or `let name = receiver.a(..).b(..);` (a plain
/// identifier receiver, method calls only) printed flat but too long for its line: prettyplease
/// breaks the chain's group before every `.` (`prefix_subexpr_method_call`), each call on its
/// own line at `indent + 4`.
pub(super) fn broken_chain_statement(
    out: &mut String,
    tokens: &[TokenTree],
    is_tail: bool,
    indent: usize,
) -> Option<()> {
    if is_tail {
        return None;
    }
    let (mut first_line, tokens, end) = match statement_head(tokens, is_tail, indent, true) {
        Some(head) if is_word(tokens.first()?, "let") => head,
        _ => {
            // `name = receiver...;`
            let (semicolon, tokens) = tokens.split_last()?;
            if !matches!(semicolon, TokenTree::Punct(punct) if punct.as_char() == ';') {
                return None;
            }
            let mut first_line = String::with_capacity(96);
            push_indent(&mut first_line, indent);
            first_line.push_str(&name_of(tokens.first()?)?);
            if !is_assignment(tokens.get(1)?) {
                return None;
            }
            first_line.push_str(" = ");
            (first_line, &tokens[2..], ";")
        }
    };
    let TokenTree::Ident(receiver) = tokens.first()? else {
        return None;
    };
    if is_word(&tokens[0], "self")
        || EXPRESSION_KEYWORDS_LEFT_TO_PRETTYPLEASE.contains(&receiver.to_string().as_str())
    {
        return None;
    }
    first_line.push_str(&name_of(&tokens[0])?);
    if first_line.len() > WIDEST_LINE {
        return None;
    }
    let mut printed = first_line;
    let mut at = 1;
    if at == tokens.len() {
        return None;
    }
    while at < tokens.len() {
        // `.method(args)`
        let [TokenTree::Punct(dot), TokenTree::Ident(_), TokenTree::Group(arguments), ..] =
            &tokens[at..]
        else {
            return None;
        };
        if dot.as_char() != '.'
            || dot.spacing() != Spacing::Alone
            || arguments.delimiter() != Delimiter::Parenthesis
        {
            return None;
        }
        let next = tokens[at + 3..]
            .iter()
            .position(|token| matches!(token, TokenTree::Punct(dot) if dot.as_char() == '.'))
            .map_or(tokens.len(), |offset| at + 3 + offset);
        printed.push('\n');
        let start = printed.len();
        push_indent(&mut printed, indent + 4);
        printed.push('.');
        flat_expression(&tokens[at + 1..next], &mut printed)?;
        if next == tokens.len() {
            printed.push_str(end);
        }
        if printed.len() - start > WIDEST_LINE {
            return None;
        }
        at = next;
    }
    printed.push('\n');
    out.push_str(&printed);
    Some(())
}

/// The first line's start of a statement (`let name = ` when `allow_let` and it is a `let`,
/// nothing for an expression), the expression's tokens, and what ends the last line (`;`).
fn statement_head(
    tokens: &[TokenTree],
    is_tail: bool,
    indent: usize,
    allow_let: bool,
) -> Option<(String, &[TokenTree], &'static str)> {
    let mut first_line = String::with_capacity(96);
    push_indent(&mut first_line, indent);
    if is_tail {
        return Some((first_line, tokens, ""));
    }
    let (semicolon, mut tokens) = tokens.split_last()?;
    if !matches!(semicolon, TokenTree::Punct(punct) if punct.as_char() == ';') {
        return None;
    }
    if is_word(tokens.first()?, "let") {
        if !allow_let {
            return None;
        }
        tokens = let_binding_head(tokens, &mut first_line)?;
    }
    Some((first_line, tokens, ";"))
}

/// `let [mut] name = ` of a statement that starts with `let` (no type annotation), pushed onto
/// `line`; the initializer's tokens are returned.
pub(super) fn let_binding_head<'t>(
    tokens: &'t [TokenTree],
    line: &mut String,
) -> Option<&'t [TokenTree]> {
    line.push_str("let ");
    let mut at = 1;
    if is_word(tokens.get(1)?, "mut") {
        line.push_str("mut ");
        at += 1;
    }
    line.push_str(&pattern_name(tokens.get(at)?)?);
    if !is_assignment(tokens.get(at + 1)?) {
        return None;
    }
    line.push_str(" = ");
    Some(&tokens[at + 2..])
}
