//! A `match` arm body `path(receiver.method(args))` (the client's `Err(raw.json_error(OPERATION,
//! Error::Variant))`) too long for its line even between `=> {` and `}`, broken as prettyplease
//! breaks it.
//!
//! prettyplease (`arm`, `call_args`, `expr_method_call`) prints the body in the arm's box at
//! `indent + 4`; the outer call's arguments (one, not block-like) break to `indent + 8` with a
//! trailing comma; the method call there is a box of its own (not at the beginning of a line, so
//! it may break before the `.`) that is flat when its text fits before the margin (the trailing
//! comma is a break's pre-break text, not counted); else `receiver` stays on its line, `.method(`
//! goes to `indent + 12`, and the method's arguments are flat when `args)` fits there, else one
//! per line at `indent + 16`. The method's arguments are paths and literals only: they have no
//! break of their own, so each is printed whole on its line.

use super::broken_struct_literals::path_tokens_only;
use super::flat_expressions::flat_expression;
use super::tokens::{push_indent, split_commas};
use super::WIDEST_LINE;
use crate::format::fast_items::name_of;
use proc_macro2::{Delimiter, TokenTree};

/// The body's lines (from `path(` to the line before the arm's closing `}`), each at its
/// indentation, or `None` when the body is not of this shape.
pub(super) fn broken_arm_body(body: &[TokenTree], arm_indent: usize) -> Option<String> {
    let [path @ .., TokenTree::Group(outer_arguments)] = body else {
        return None;
    };
    if outer_arguments.delimiter() != Delimiter::Parenthesis
        || path.is_empty()
        || !path_tokens_only(path)
    {
        return None;
    }
    let argument: Vec<TokenTree> = outer_arguments.stream().into_iter().collect();
    let [receiver, TokenTree::Punct(dot), method, TokenTree::Group(method_arguments)] =
        argument.as_slice()
    else {
        return None;
    };
    if dot.as_char() != '.'
        || method_arguments.delimiter() != Delimiter::Parenthesis
        || !matches!(receiver, TokenTree::Ident(_))
    {
        return None;
    }
    let receiver = name_of(receiver)?;
    let method = name_of(method)?;
    let method_arguments: Vec<TokenTree> = method_arguments.stream().into_iter().collect();
    if method_arguments.is_empty() {
        return None;
    }
    let mut arguments = Vec::new();
    for element in split_commas(&method_arguments)? {
        let is_path = path_tokens_only(element);
        let is_literal = matches!(element, [TokenTree::Literal(_)]);
        if !is_path && !is_literal {
            return None;
        }
        let mut text = String::new();
        flat_expression(element, &mut text)?;
        arguments.push(text);
    }
    let mut printed = String::with_capacity(256);
    push_indent(&mut printed, arm_indent + 4);
    flat_expression(path, &mut printed)?;
    printed.push_str("(\n");
    let flat_arguments = arguments.join(", ");
    let argument_indent = arm_indent + 8;
    let flat_argument_width = receiver.len() + 1 + method.len() + 2 + flat_arguments.len();
    // A text ending exactly at the margin fits, and its comma lands in column 90.
    if argument_indent + flat_argument_width <= WIDEST_LINE {
        push_indent(&mut printed, argument_indent);
        printed.push_str(&receiver);
        printed.push('.');
        printed.push_str(&method);
        printed.push('(');
        printed.push_str(&flat_arguments);
        printed.push_str("),\n");
    } else {
        push_indent(&mut printed, argument_indent);
        printed.push_str(&receiver);
        printed.push('\n');
        let method_indent = argument_indent + 4;
        if method_indent + 1 + method.len() + 1 > WIDEST_LINE {
            return None;
        }
        push_indent(&mut printed, method_indent);
        printed.push('.');
        printed.push_str(&method);
        printed.push('(');
        let flat_call_end = method_indent + method.len() + 2 + flat_arguments.len() + 1;
        if flat_call_end <= WIDEST_LINE {
            printed.push_str(&flat_arguments);
            printed.push_str("),\n");
        } else {
            printed.push('\n');
            for argument in &arguments {
                push_indent(&mut printed, method_indent + 4);
                printed.push_str(argument);
                printed.push_str(",\n");
            }
            push_indent(&mut printed, method_indent);
            printed.push_str("),\n");
        }
    }
    push_indent(&mut printed, arm_indent + 4);
    printed.push_str(")\n");
    Some(printed)
}
