//! An expression printed flat on one line, with prettyplease's spacing, and the flat argument lists
//! and struct literals inside it.

use super::flat_types::flat_type;
use super::tokens::{is_punct, split_commas, split_commas_outside_angles, Last};
use super::WIDEST_FLAT_STRUCT_LITERAL;
use crate::format::fast_items::name_of;
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Words that start or shape an expression this printer leaves to prettyplease.
pub(super) const EXPRESSION_KEYWORDS_LEFT_TO_PRETTYPLEASE: &[&str] = &[
    "if",
    "match",
    "while",
    "for",
    "loop",
    "else",
    "unsafe",
    "async",
    "move",
    "fn",
    "impl",
    "dyn",
    "where",
    "struct",
    "enum",
    "trait",
    "type",
    "static",
    "const",
    "mod",
    "use",
    "extern",
    "yield",
    "box",
    "try",
    "let",
    "return",
    "break",
    "continue",
    "ref",
    "in",
    "macro_rules",
    "become",
    "do",
    "final",
    "override",
    "priv",
    "typeof",
    "unsized",
    "virtual",
    "abstract",
    "gen",
    "union",
];

/// An expression printed flat, as prettyplease prints it when it fits (see the module's doc).
pub(super) fn flat_expression(tokens: &[TokenTree], out: &mut String) -> Option<()> {
    if tokens.is_empty() {
        return None;
    }
    let mut last = Last::Nothing;
    // Where the path being printed started (for a struct literal's width).
    let mut path_start: Option<usize> = None;
    let mut at = 0;
    while at < tokens.len() {
        let token = &tokens[at];
        match token {
            TokenTree::Ident(word) => {
                let text = word.to_string();
                if EXPRESSION_KEYWORDS_LEFT_TO_PRETTYPLEASE.contains(&text.as_str()) {
                    return None;
                }
                if text == "as" {
                    if last == Last::Nothing {
                        return None;
                    }
                    out.push_str(" as ");
                    // The cast's type runs to the end of the expression or to an operator;
                    // only a cast that ends the expression is printed here.
                    flat_type(&tokens[at + 1..], out)?;
                    return Some(());
                }
                if text == "mut" {
                    // Only `&mut x`.
                    if !out.ends_with('&') {
                        return None;
                    }
                    out.push_str("mut ");
                    last = Last::Nothing;
                    at += 1;
                    continue;
                }
                if last != Last::Nothing {
                    return None;
                }
                if path_start.is_none() {
                    path_start = Some(out.len());
                }
                out.push_str(&text);
                last = Last::Word;
                at += 1;
                continue;
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
                last = Last::Word;
            }
            TokenTree::Punct(punct) => {
                let character = punct.as_char();
                let joint = punct.spacing() == Spacing::Joint;
                match character {
                    ':' if joint && is_punct(tokens.get(at + 1), ':', Spacing::Alone) => {
                        if last == Last::Closed {
                            return None;
                        }
                        if last == Last::Nothing && path_start.is_none() {
                            path_start = Some(out.len());
                        }
                        out.push_str("::");
                        at += 2;
                        if matches!(tokens.get(at), Some(TokenTree::Punct(open)) if open.as_char() == '<')
                        {
                            // A turbofish: its arguments are types.
                            let close = matching_angle(tokens, at)?;
                            out.push('<');
                            let arguments = split_commas_outside_angles(&tokens[at + 1..close])?;
                            for (index, argument) in arguments.iter().enumerate() {
                                if index > 0 {
                                    out.push_str(", ");
                                }
                                flat_type(argument, out)?;
                            }
                            out.push('>');
                            at = close + 1;
                            if is_punct(tokens.get(at), ':', Spacing::Joint) {
                                // The path goes on (`Vec::<u8>::new`).
                                last = Last::Nothing;
                            } else {
                                last = Last::Closed;
                                path_start = None;
                            }
                        } else {
                            last = Last::Nothing;
                        }
                        continue;
                    }
                    '.' if !joint => {
                        if last == Last::Nothing {
                            return None;
                        }
                        out.push('.');
                        path_start = None;
                        // A method, a field, `.await` or a tuple index follows; never a keyword
                        // other than `await`.
                        match tokens.get(at + 1)? {
                            TokenTree::Ident(member) => {
                                out.push_str(&member.to_string());
                                at += 2;
                                if matches!(tokens.get(at), Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis)
                                {
                                    // The method's arguments.
                                    last = Last::Closed;
                                    let TokenTree::Group(group) = &tokens[at] else {
                                        return None;
                                    };
                                    arguments(group.stream(), '(', ')', out)?;
                                    at += 1;
                                } else if matches!(tokens.get(at), Some(TokenTree::Punct(colon)) if colon.as_char() == ':')
                                {
                                    // `.method::<T>()`.
                                    return None;
                                } else {
                                    last = Last::Closed;
                                }
                                continue;
                            }
                            TokenTree::Literal(index) => {
                                let index = index.to_string();
                                if !index.bytes().all(|byte| byte.is_ascii_digit()) {
                                    return None;
                                }
                                out.push_str(&index);
                                last = Last::Closed;
                                at += 2;
                                continue;
                            }
                            _ => return None,
                        }
                    }
                    '?' if last != Last::Nothing => {
                        out.push('?');
                        last = Last::Closed;
                        path_start = None;
                    }
                    '&' | '*' | '!' | '-' if last == Last::Nothing && !joint => {
                        if !out.ends_with(['&', '*', '!', '-', '(', '[', ' ']) && !out.is_empty() {
                            return None;
                        }
                        out.push(character);
                        path_start = None;
                    }
                    '=' | '+' | '-' | '*' | '/' | '%' | '^' | '&' if last != Last::Nothing => {
                        // An infix operator of one or two characters (`==`, `!=` is below,
                        // `&&`, `+=`); `=>`, `->` and shifts are not printed here.
                        let mut operator = character.to_string();
                        if joint {
                            let TokenTree::Punct(second) = tokens.get(at + 1)? else {
                                return None;
                            };
                            if second.spacing() != Spacing::Alone
                                || !matches!(
                                    (character, second.as_char()),
                                    ('=', '=') | ('&', '&') | (_, '=')
                                )
                            {
                                return None;
                            }
                            operator.push(second.as_char());
                            at += 1;
                        }
                        out.push(' ');
                        out.push_str(&operator);
                        out.push(' ');
                        last = Last::Nothing;
                        path_start = None;
                    }
                    '!' if joint
                        && last != Last::Nothing
                        && is_punct(tokens.get(at + 1), '=', Spacing::Alone) =>
                    {
                        out.push_str(" != ");
                        at += 1;
                        last = Last::Nothing;
                        path_start = None;
                    }
                    _ => return None,
                }
            }
            TokenTree::Group(group) => match group.delimiter() {
                Delimiter::Parenthesis => {
                    if last == Last::Nothing {
                        // A tuple or parentheses.
                        let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                        if inner.is_empty() {
                            out.push_str("()");
                        } else {
                            let elements = split_commas(&inner)?;
                            if elements.len() == 1
                                && matches!(inner.last(), Some(TokenTree::Punct(comma)) if comma.as_char() == ',')
                            {
                                return None;
                            }
                            out.push('(');
                            for (index, element) in elements.iter().enumerate() {
                                if index > 0 {
                                    out.push_str(", ");
                                }
                                flat_expression(element, out)?;
                            }
                            out.push(')');
                        }
                    } else {
                        arguments(group.stream(), '(', ')', out)?;
                    }
                    last = Last::Closed;
                    path_start = None;
                }
                Delimiter::Bracket => {
                    // An array, or indexing.
                    arguments(group.stream(), '[', ']', out)?;
                    last = Last::Closed;
                    path_start = None;
                }
                Delimiter::Brace => {
                    // A struct literal after its path.
                    let start = path_start?;
                    if last != Last::Word {
                        return None;
                    }
                    struct_literal(group.stream(), out)?;
                    if out.len() - start - 1 > WIDEST_FLAT_STRUCT_LITERAL {
                        return None;
                    }
                    last = Last::Closed;
                    path_start = None;
                }
                Delimiter::None => return None,
            },
        }
        at += 1;
    }
    (last != Last::Nothing).then_some(())
}

/// The index of the `>` closing the `<` at `open`.
fn matching_angle(tokens: &[TokenTree], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (index, token) in tokens.iter().enumerate().skip(open) {
        if let TokenTree::Punct(punct) = token {
            match punct.as_char() {
                '<' => depth += 1,
                '>' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(index);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// Comma-separated expressions between `open` and `close`, flat; no trailing comma.
pub(super) fn arguments(
    stream: TokenStream,
    open: char,
    close: char,
    out: &mut String,
) -> Option<()> {
    let inner: Vec<TokenTree> = stream.into_iter().collect();
    out.push(open);
    if !inner.is_empty() {
        for (index, element) in split_commas(&inner)?.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            flat_expression(element, out)?;
        }
    }
    out.push(close);
    Some(())
}

/// A struct literal's braces, flat: ` { a: b, c }` or ` {}`; a trailing comma is not printed.
fn struct_literal(stream: TokenStream, out: &mut String) -> Option<()> {
    let mut inner: Vec<TokenTree> = stream.into_iter().collect();
    if matches!(inner.last(), Some(TokenTree::Punct(comma)) if comma.as_char() == ',') {
        inner.pop();
    }
    if inner.is_empty() {
        out.push_str(" {}");
        return Some(());
    }
    out.push_str(" { ");
    for (index, field) in split_commas(&inner)?.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        match field {
            [TokenTree::Punct(first), TokenTree::Punct(second), rest @ ..]
                if first.as_char() == '.' && second.as_char() == '.' =>
            {
                out.push_str("..");
                flat_expression(rest, out)?;
            }
            [name] => out.push_str(&name_of(name)?),
            [name, TokenTree::Punct(colon), value @ ..] if colon.as_char() == ':' => {
                out.push_str(&name_of(name)?);
                out.push_str(": ");
                flat_expression(value, out)?;
            }
            _ => return None,
        }
    }
    out.push_str(" }");
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn flat(tokens: TokenStream) -> Option<String> {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = String::new();
        flat_expression(&tokens, &mut out).map(|()| out)
    }

    #[test]
    fn expressions_print_with_prettypleases_spacing() {
        assert_eq!(
            flat(quote!(crate::runtime::endpoint_url(
                OPERATION,
                &self.base_url,
                path
            )?))
            .as_deref(),
            Some("crate::runtime::endpoint_url(OPERATION, &self.base_url, path)?")
        );
        assert_eq!(
            flat(quote!(request.header(a::B, "x\"y").body(c?).await?)).as_deref(),
            Some("request.header(a::B, \"x\\\"y\").body(c?).await?")
        );
        assert_eq!(flat(quote!(!*a == -b.0)).as_deref(), Some("!*a == -b.0"));
        assert_eq!(
            flat(quote!(Vec::<u8>::new())).as_deref(),
            Some("Vec::<u8>::new()")
        );
        assert_eq!(
            flat(quote!(A { a, b: c })).as_deref(),
            Some("A { a, b: c }")
        );
        assert_eq!(flat(quote!(x as u64)).as_deref(), Some("x as u64"));
    }

    #[test]
    fn shapes_left_to_prettyplease_are_refused() {
        for tokens in [
            quote!(if a { b } else { c }),
            quote!(a < b),
            quote!(|x| x),
            quote!(format!("{}", x)),
            quote!(f(a,)),
            quote!(x.f::<u8>()),
            quote!(match x {}),
            quote!(AVeryLongStructName {
                field_one: 1,
                field_two: 2
            }),
        ] {
            assert_eq!(flat(tokens.clone()), None, "{tokens}");
        }
    }
}
