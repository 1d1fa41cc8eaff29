//! A tail `match` whose arms are flat, broken into `=> {` body `}`, or blocks of printed statements,
//! and the flat patterns of its arms.

use super::broken_arm_bodies::broken_arm_body;
use super::flat_expressions::{flat_expression, EXPRESSION_KEYWORDS_LEFT_TO_PRETTYPLEASE};
use super::statements::{print_statement, split_statements};
use super::tokens::{is_assignment, is_punct, push_indent, split_commas, Last};
use super::WIDEST_LINE;
use crate::format::fast_items::{is_word, ItemPrinter};
use proc_macro2::{Delimiter, Spacing, TokenTree};

/// A `match` (after its keyword) at `indent`, as prettyplease prints it (`expr_match`, `arm`):
/// `match scrutinee {` on one line, each arm on its own line(s), `}`. An arm is `pattern [if
/// guard] => body,` when that fits without its comma; else its body goes on a line of its own
/// between `=> {` and `}`. A body in braces with one expression and nothing else is that
/// expression (prettyplease drops the braces); a body of statements is printed as a block, each
/// statement on its line.
pub(super) fn print_match(out: &mut String, tokens: &[TokenTree], indent: usize) -> Option<()> {
    let (TokenTree::Group(arms), scrutinee) = tokens.split_last()? else {
        return None;
    };
    if arms.delimiter() != Delimiter::Brace {
        return None;
    }
    let mut line = String::with_capacity(96);
    push_indent(&mut line, indent);
    line.push_str("match ");
    flat_expression(scrutinee, &mut line)?;
    line.push_str(" {");
    if line.len() > WIDEST_LINE {
        return None;
    }
    let arms: Vec<TokenTree> = arms.stream().into_iter().collect();
    if arms.is_empty() {
        // `hardbreak_if_nonempty`: no line break in an empty `match`.
        line.push('}');
        if line.len() > WIDEST_LINE {
            return None;
        }
        out.push_str(&line);
        out.push('\n');
        return Some(());
    }
    let mut printed = String::with_capacity(arms.len() * 16);
    printed.push_str(&line);
    printed.push('\n');
    let arm_indent = indent + 4;
    let mut at = 0;
    while at < arms.len() {
        let arrow = (at..arms.len()).find(|&index| {
            is_punct(arms.get(index), '=', Spacing::Joint)
                && is_punct(arms.get(index + 1), '>', Spacing::Alone)
        })?;
        let mut head = String::with_capacity(64);
        push_indent(&mut head, arm_indent);
        let guard = arms[at..arrow]
            .iter()
            .position(|token| is_word(token, "if"));
        let pattern_end = guard.map_or(arrow, |offset| at + offset);
        flat_pattern(&arms[at..pattern_end], &mut head)?;
        if guard.is_some() {
            head.push_str(" if ");
            flat_expression(&arms[pattern_end + 1..arrow], &mut head)?;
        }
        head.push_str(" => ");
        at = arrow + 2;
        // The body: a block (and an optional comma), or tokens up to a comma.
        let mut body: Vec<TokenTree>;
        if let Some(TokenTree::Group(block)) = arms.get(at) {
            if block.delimiter() == Delimiter::Brace
                && (at + 1 == arms.len()
                    || matches!(arms.get(at + 1), Some(TokenTree::Punct(comma)) if comma.as_char() == ',')
                    || !matches!(arms.get(at + 1), Some(TokenTree::Punct(_))))
            {
                body = vec![arms[at].clone()];
                at += 1;
                if matches!(arms.get(at), Some(TokenTree::Punct(comma)) if comma.as_char() == ',') {
                    at += 1;
                }
            } else {
                return None;
            }
        } else {
            let end = (at..arms.len())
                .find(|&index| matches!(&arms[index], TokenTree::Punct(comma) if comma.as_char() == ','))
                .unwrap_or(arms.len());
            body = arms[at..end].to_vec();
            at = (end + 1).min(arms.len().max(end));
        }
        // `{ expr }` is printed as `expr`.
        while let [TokenTree::Group(block)] = body.as_slice() {
            if block.delimiter() != Delimiter::Brace {
                break;
            }
            let inner: Vec<TokenTree> = block.stream().into_iter().collect();
            let is_single_expression = !inner.is_empty()
                && !inner.iter().any(|token| matches!(token, TokenTree::Punct(semicolon) if semicolon.as_char() == ';'))
                && !matches!(inner.first(), Some(TokenTree::Punct(hash)) if hash.as_char() == '#');
            if !is_single_expression {
                break;
            }
            body = inner;
        }
        match body.as_slice() {
            [TokenTree::Group(group)]
                if group.delimiter() == Delimiter::Parenthesis && group.stream().is_empty() =>
            {
                printed.push_str(&head);
                printed.push_str("{}\n");
            }
            [TokenTree::Group(block)] if block.delimiter() == Delimiter::Brace => {
                let statements_tokens: Vec<TokenTree> = block.stream().into_iter().collect();
                printed.push_str(&head);
                printed.push('{');
                if statements_tokens.is_empty() {
                    printed.push_str("}\n");
                    continue;
                }
                printed.push('\n');
                for (statement, is_tail) in split_statements(&statements_tokens) {
                    let mut statement_printer = ItemPrinter {
                        out: String::new(),
                        indent: arm_indent + 4,
                    };
                    print_statement(&mut statement_printer, statement, is_tail)?;
                    printed.push_str(&statement_printer.out);
                }
                push_indent(&mut printed, arm_indent);
                printed.push_str("}\n");
            }
            expression => {
                if expression.iter().any(is_assignment) {
                    return None;
                }
                let mut flat = String::with_capacity(64);
                flat_expression(expression, &mut flat)?;
                if head.len() + flat.len() <= WIDEST_LINE {
                    printed.push_str(&head);
                    printed.push_str(&flat);
                    printed.push_str(",\n");
                } else if head.len() + 1 > WIDEST_LINE {
                    return None;
                } else if arm_indent + 4 + flat.len() > WIDEST_LINE {
                    let body = broken_arm_body(expression, arm_indent)?;
                    printed.push_str(&head);
                    printed.push_str("{\n");
                    printed.push_str(&body);
                    push_indent(&mut printed, arm_indent);
                    printed.push_str("}\n");
                } else {
                    printed.push_str(&head);
                    printed.push_str("{\n");
                    push_indent(&mut printed, arm_indent + 4);
                    printed.push_str(&flat);
                    printed.push('\n');
                    push_indent(&mut printed, arm_indent);
                    printed.push_str("}\n");
                }
            }
        }
    }
    push_indent(&mut printed, indent);
    printed.push_str("}\n");
    out.push_str(&printed);
    Some(())
}

/// A match arm's pattern, flat: paths, bindings (`ref`, `mut`), literals, `_`, tuple-struct
/// patterns. No `|`, ranges or struct patterns.
fn flat_pattern(tokens: &[TokenTree], out: &mut String) -> Option<()> {
    let mut last = Last::Nothing;
    let mut at = 0;
    if tokens.is_empty() {
        return None;
    }
    while at < tokens.len() {
        match &tokens[at] {
            TokenTree::Ident(word) => {
                let text = word.to_string();
                if last != Last::Nothing {
                    return None;
                }
                if text == "ref" || text == "mut" {
                    out.push_str(&text);
                    out.push(' ');
                } else {
                    if EXPRESSION_KEYWORDS_LEFT_TO_PRETTYPLEASE.contains(&text.as_str()) {
                        return None;
                    }
                    out.push_str(&text);
                    last = Last::Word;
                }
            }
            TokenTree::Literal(literal) => {
                if last != Last::Nothing {
                    return None;
                }
                let text = literal.to_string();
                if text.ends_with('.') {
                    return None;
                }
                out.push_str(&text);
                last = Last::Closed;
            }
            TokenTree::Punct(punct)
                if punct.as_char() == ':'
                    && punct.spacing() == Spacing::Joint
                    && is_punct(tokens.get(at + 1), ':', Spacing::Alone)
                    && last != Last::Closed =>
            {
                out.push_str("::");
                at += 1;
                last = Last::Nothing;
            }
            // `400..=499`, `1..5`: a range of two integer literals.
            TokenTree::Punct(dot) if dot.as_char() == '.' && dot.spacing() == Spacing::Joint => {
                let TokenTree::Literal(low) = tokens.get(at.checked_sub(1)?)? else {
                    return None;
                };
                let (operator, high_at) = if is_punct(tokens.get(at + 1), '.', Spacing::Joint)
                    && is_punct(tokens.get(at + 2), '=', Spacing::Alone)
                {
                    ("..=", at + 3)
                } else if is_punct(tokens.get(at + 1), '.', Spacing::Alone) {
                    ("..", at + 2)
                } else {
                    return None;
                };
                let TokenTree::Literal(high) = tokens.get(high_at)? else {
                    return None;
                };
                let is_integer = |text: &str| text.bytes().all(|byte| byte.is_ascii_digit());
                if !is_integer(&low.to_string()) || !is_integer(&high.to_string()) {
                    return None;
                }
                out.push_str(operator);
                out.push_str(&high.to_string());
                at = high_at;
                last = Last::Closed;
            }
            TokenTree::Group(group)
                if group.delimiter() == Delimiter::Parenthesis && last == Last::Word =>
            {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                out.push('(');
                if !inner.is_empty() {
                    for (index, element) in split_commas(&inner)?.iter().enumerate() {
                        if index > 0 {
                            out.push_str(", ");
                        }
                        flat_pattern(element, out)?;
                    }
                }
                out.push(')');
                last = Last::Closed;
            }
            _ => return None,
        }
        at += 1;
    }
    (last != Last::Nothing).then_some(())
}
