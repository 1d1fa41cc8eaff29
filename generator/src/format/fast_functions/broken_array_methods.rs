//! A statement `let name = &[..].method();` (the client's `let encoded_path = &["/a/", crate::
//! runtime::path_segment(..)?.as_str(), "/b"].concat();`) too long for its line, broken as
//! prettyplease breaks it.
//!
//! prettyplease (`expr_method_call`, `prefix_subexpr`, `expr_array`) prints the method call in a
//! consistent box, so `.method()` goes to a line of its own at `indent + 4` when the statement
//! does not fit; the receiver `&[..]` is printed in a box unindented back to `indent`, so the array
//! (not a `simple_array`: it holds a string or a call) is flat when `let name = &[..]` fits, else
//! one element per line at `indent + 4`, each with a comma, and `]` back at `indent`. An element
//! is flat when it fits with its comma (a non-last element's comma is counted; the last one's is a
//! break's own text, so a last element may end exactly at the margin, its comma in column 90); a
//! path or a literal, which cannot break, is printed whole; an element `call(args)?.method()`
//! too long for its line breaks before the `.`, `.method(),` at `indent + 8`, and when
//! `call(args)?` does not fit either, its arguments go one per line at `indent + 12` and `)?` at
//! `indent + 8`. Anything else leaves the statement to prettyplease.

use super::broken_calls::let_binding_head;
use super::broken_struct_literals::path_tokens_only;
use super::flat_expressions::flat_expression;
use super::tokens::{push_indent, split_commas};
use super::WIDEST_LINE;
use crate::format::fast_items::{is_word, name_of};
use proc_macro2::{Delimiter, TokenTree};

/// The statement's lines, pushed onto `out`, or `None` when it is not of this shape.
pub(super) fn broken_array_method_statement(
    out: &mut String,
    tokens: &[TokenTree],
    is_tail: bool,
    indent: usize,
) -> Option<()> {
    if is_tail || !is_word(tokens.first()?, "let") {
        return None;
    }
    let (semicolon, tokens) = tokens.split_last()?;
    if !matches!(semicolon, TokenTree::Punct(punct) if punct.as_char() == ';') {
        return None;
    }
    let mut first_line = String::with_capacity(96);
    push_indent(&mut first_line, indent);
    let initializer = let_binding_head(tokens, &mut first_line)?;
    let [TokenTree::Punct(ampersand), TokenTree::Group(array), TokenTree::Punct(dot), method, TokenTree::Group(arguments)] =
        initializer
    else {
        return None;
    };
    if ampersand.as_char() != '&'
        || array.delimiter() != Delimiter::Bracket
        || dot.as_char() != '.'
        || arguments.delimiter() != Delimiter::Parenthesis
        || !arguments.stream().is_empty()
    {
        return None;
    }
    let method = name_of(method)?;
    let elements: Vec<TokenTree> = array.stream().into_iter().collect();
    let elements = split_commas(&elements)?;
    // prettyplease lays out an array of only integers, bytes, chars and booleans differently.
    let is_simple_array = elements.iter().all(|element| {
        matches!(element, [TokenTree::Literal(literal)] if !literal.to_string().starts_with('"'))
            || matches!(element, [TokenTree::Ident(word)] if word == "true" || word == "false")
    });
    if is_simple_array {
        return None;
    }
    let mut flat_elements = Vec::with_capacity(elements.len());
    for element in &elements {
        let mut text = String::with_capacity(64);
        flat_expression(element, &mut text)?;
        flat_elements.push(text);
    }
    let mut printed = first_line;
    printed.push_str("&[");
    let flat_array_width =
        flat_elements.iter().map(String::len).sum::<usize>() + 2 * (flat_elements.len() - 1) + 1;
    if printed.len() + flat_array_width <= WIDEST_LINE {
        printed.push_str(&flat_elements.join(", "));
        printed.push_str("]\n");
    } else {
        printed.push('\n');
        let element_indent = indent + 4;
        for (index, (element, flat)) in elements.iter().zip(&flat_elements).enumerate() {
            let is_last = index + 1 == elements.len();
            let counted_end = element_indent + flat.len() + usize::from(!is_last);
            let unbreakable =
                path_tokens_only(element) || matches!(element, [TokenTree::Literal(_)]);
            push_indent(&mut printed, element_indent);
            if counted_end <= WIDEST_LINE || unbreakable {
                printed.push_str(flat);
            } else {
                broken_try_method_element(&mut printed, element, element_indent)?;
            }
            printed.push_str(",\n");
        }
        push_indent(&mut printed, indent);
        printed.push_str("]\n");
    }
    push_indent(&mut printed, indent + 4);
    printed.push('.');
    printed.push_str(&method);
    printed.push_str("();\n");
    out.push_str(&printed);
    Some(())
}

/// `call(args)?` on the current line and `.method()` on the next at `indent + 4` (no comma).
fn broken_try_method_element(
    printed: &mut String,
    element: &[TokenTree],
    indent: usize,
) -> Option<()> {
    let [call @ .., TokenTree::Punct(question), TokenTree::Punct(dot), method, TokenTree::Group(arguments)] =
        element
    else {
        return None;
    };
    if question.as_char() != '?'
        || dot.as_char() != '.'
        || arguments.delimiter() != Delimiter::Parenthesis
        || !arguments.stream().is_empty()
    {
        return None;
    }
    let [path @ .., TokenTree::Group(call_arguments)] = call else {
        return None;
    };
    if call_arguments.delimiter() != Delimiter::Parenthesis
        || path.is_empty()
        || !path_tokens_only(path)
    {
        return None;
    }
    let mut call_line = String::with_capacity(96);
    flat_expression(call, &mut call_line)?;
    call_line.push('?');
    if indent + call_line.len() <= WIDEST_LINE {
        printed.push_str(&call_line);
    } else {
        // The call's arguments break (`call_args`), one per line inside the broken method
        // call's indentation, `)?` back at it; each argument line must fit.
        let mut path_text = String::with_capacity(64);
        flat_expression(path, &mut path_text)?;
        if indent + path_text.len() + 1 > WIDEST_LINE {
            return None;
        }
        printed.push_str(&path_text);
        printed.push_str("(\n");
        let call_arguments: Vec<TokenTree> = call_arguments.stream().into_iter().collect();
        for argument in split_commas(&call_arguments)? {
            let start = printed.len();
            push_indent(printed, indent + 8);
            flat_expression(argument, printed)?;
            printed.push(',');
            if printed.len() - start > WIDEST_LINE {
                return None;
            }
            printed.push('\n');
        }
        push_indent(printed, indent + 4);
        printed.push_str(")?");
    }
    printed.push('\n');
    push_indent(printed, indent + 4);
    printed.push('.');
    printed.push_str(&name_of(method)?);
    printed.push_str("()");
    Some(())
}
