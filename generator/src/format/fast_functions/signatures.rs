//! A function's signature as prettyplease lays it out: the parameters flat or one per line, then the
//! return type's outermost generic arguments one per line when `args> {` does not fit.

use super::flat_types::flat_type;
use super::tokens::{is_punct, pattern_name, push_indent, split_commas_outside_angles};
use super::WIDEST_LINE;
use crate::format::fast_items::is_word;
use proc_macro2::{Spacing, TokenStream, TokenTree};

/// Each parameter printed flat (`&self`, `mut self`, `name: Type`).
pub(super) fn parameter_texts(parameters: TokenStream) -> Option<Vec<String>> {
    let mut tokens: Vec<TokenTree> = parameters.into_iter().collect();
    // A trailing comma is printed only when the list breaks, as prettyplease prints it.
    if matches!(tokens.last(), Some(TokenTree::Punct(comma)) if comma.as_char() == ',') {
        tokens.pop();
    }
    let mut texts = Vec::new();
    if tokens.is_empty() {
        return Some(texts);
    }
    for parameter in split_commas_outside_angles(&tokens)? {
        let mut text = String::new();
        match parameter {
            [TokenTree::Punct(ampersand), self_word]
                if ampersand.as_char() == '&' && is_word(self_word, "self") =>
            {
                text.push_str("&self");
            }
            [TokenTree::Punct(ampersand), mut_word, self_word]
                if ampersand.as_char() == '&'
                    && is_word(mut_word, "mut")
                    && is_word(self_word, "self") =>
            {
                text.push_str("&mut self");
            }
            [self_word] if is_word(self_word, "self") => text.push_str("self"),
            [mut_word, self_word] if is_word(mut_word, "mut") && is_word(self_word, "self") => {
                text.push_str("mut self");
            }
            _ => {
                let mut at = 0;
                if is_word(parameter.first()?, "mut") {
                    text.push_str("mut ");
                    at = 1;
                }
                text.push_str(&pattern_name(parameter.get(at)?)?);
                if !is_punct(parameter.get(at + 1), ':', Spacing::Alone) {
                    return None;
                }
                text.push_str(": ");
                flat_type(&parameter[at + 2..], &mut text)?;
            }
        }
        texts.push(text);
    }
    Some(texts)
}

/// The signature line(s) and the body's opening brace, laid out as prettyplease lays them out
/// (`item.rs` `signature`). The parameters' group is resolved only at the hard break after the
/// body's `{`, so it breaks unless the whole signature fits on its line; then the return type's
/// outermost generic argument list breaks when `args> {` does not fit after `) -> Head<`.
pub(super) fn signature(
    out: &mut String,
    indent: usize,
    head: &str,
    parameters: &[String],
    return_type: Option<&str>,
    brace: &str,
) -> Option<()> {
    let arrow = if return_type.is_some() { " -> " } else { "" };
    let return_text = return_type.unwrap_or("");
    let flat_parameters = parameters.join(", ");
    let flat_line_length = indent
        + head.len()
        + 1
        + flat_parameters.len()
        + 1
        + arrow.len()
        + return_text.len()
        + brace.len();
    if flat_line_length <= WIDEST_LINE {
        push_indent(out, indent);
        out.push_str(head);
        out.push('(');
        out.push_str(&flat_parameters);
        out.push(')');
        out.push_str(arrow);
        out.push_str(return_text);
        out.push_str(brace);
        out.push('\n');
        return Some(());
    }
    if parameters.is_empty() {
        return None;
    }
    push_indent(out, indent);
    out.push_str(head);
    out.push_str("(\n");
    for parameter in parameters {
        if indent + 4 + parameter.len() + 1 > WIDEST_LINE {
            return None;
        }
        push_indent(out, indent + 4);
        out.push_str(parameter);
        out.push_str(",\n");
    }
    push_indent(out, indent);
    out.push(')');
    out.push_str(arrow);
    // The return type up to its first possible break (after its first `<` or `(`), and the rest.
    let (return_head, return_rest) = match return_text.find(['<', '(']) {
        Some(index) => return_text.split_at(index + 1),
        None => (return_text, ""),
    };
    out.push_str(return_head);
    let column = indent + 1 + arrow.len() + return_head.len();
    if return_rest.is_empty() {
        out.push_str(brace);
        out.push('\n');
        return (column + brace.len() <= WIDEST_LINE).then_some(());
    }
    // `return_rest` is the outermost argument list's arguments and its `>` (or `)`), and only
    // that (`Result<A, B>`, not `a::B<C>::D`).
    let closing = return_rest.chars().last()?;
    let arguments = return_rest.strip_suffix(closing)?;
    if top_level_end(return_head, arguments)? != arguments.len() {
        return None;
    }
    let after_arguments = format!("{closing}{brace}");
    if column + arguments.len() + after_arguments.len() <= WIDEST_LINE {
        out.push_str(arguments);
        out.push_str(&after_arguments);
        out.push('\n');
        return Some(());
    }
    if closing != '>' {
        return None;
    }
    out.push('\n');
    for argument in split_top_level(arguments) {
        if indent + 4 + argument.len() + 1 > WIDEST_LINE {
            return None;
        }
        push_indent(out, indent + 4);
        out.push_str(argument);
        out.push_str(",\n");
    }
    push_indent(out, indent);
    out.push_str(&after_arguments);
    out.push('\n');
    Some(())
}

/// Where the bracket opened at the end of `head` closes in `text` (the index of its closing
/// bracket, or `text.len()` when it closes right after).
fn top_level_end(head: &str, text: &str) -> Option<usize> {
    if !head.ends_with(['<', '(']) {
        return None;
    }
    let mut depth = 0usize;
    for (index, character) in text.char_indices() {
        match character {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => {
                if depth == 0 {
                    return Some(index);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    Some(text.len())
}

/// The arguments of a flat argument list (`A<B, C>, D`) at its top level.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, character) in text.char_indices() {
        match character {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 2;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}
