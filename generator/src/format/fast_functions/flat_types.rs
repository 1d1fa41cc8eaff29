//! A type printed flat on one line, with prettyplease's spacing.

use super::tokens::{is_punct, split_commas_outside_angles, Last};
use proc_macro2::{Delimiter, Spacing, TokenTree};

/// A type printed flat, as prettyplease prints it: paths with generic arguments, references,
/// lifetimes, tuples, slices, `impl`/`dyn` with one bound.
pub(super) fn flat_type(tokens: &[TokenTree], out: &mut String) -> Option<()> {
    if tokens.is_empty() {
        return None;
    }
    let mut last = Last::Nothing;
    let mut depth = 0usize;
    let mut at = 0;
    while at < tokens.len() {
        let token = &tokens[at];
        match token {
            TokenTree::Ident(word) => {
                let text = word.to_string();
                if matches!(
                    text.as_str(),
                    "fn" | "for" | "where" | "as" | "unsafe" | "extern" | "const"
                ) {
                    return None;
                }
                if last == Last::Word {
                    out.push(' ');
                } else if last == Last::Closed {
                    return None;
                }
                out.push_str(&text);
                last = Last::Word;
            }
            TokenTree::Punct(punct) => {
                let character = punct.as_char();
                match character {
                    ':' if punct.spacing() == Spacing::Joint
                        && is_punct(tokens.get(at + 1), ':', Spacing::Alone) =>
                    {
                        out.push_str("::");
                        at += 1;
                        last = Last::Nothing;
                    }
                    '<' => {
                        if last == Last::Nothing {
                            // A qualified path (`<T as Trait>::X`), or `::<` (which prettyplease
                            // prints as `<` in a type).
                            return None;
                        }
                        depth += 1;
                        out.push('<');
                        last = Last::Nothing;
                    }
                    '>' => {
                        depth = depth.checked_sub(1)?;
                        if last == Last::Nothing {
                            return None;
                        }
                        out.push('>');
                        last = Last::Closed;
                    }
                    ',' if depth > 0 && at + 1 < tokens.len() => {
                        if is_punct(tokens.get(at + 1), '>', Spacing::Alone)
                            || is_punct(tokens.get(at + 1), '>', Spacing::Joint)
                        {
                            return None;
                        }
                        out.push_str(", ");
                        last = Last::Nothing;
                    }
                    '&' if last == Last::Nothing && punct.spacing() == Spacing::Alone => {
                        out.push('&');
                    }
                    '\'' if punct.spacing() == Spacing::Joint => {
                        let TokenTree::Ident(name) = tokens.get(at + 1)? else {
                            return None;
                        };
                        if last == Last::Word {
                            out.push(' ');
                        } else if out.ends_with(", ") {
                            // prettyplease prints lifetime arguments first.
                            return None;
                        }
                        out.push('\'');
                        out.push_str(&name.to_string());
                        at += 1;
                        last = Last::Word;
                    }
                    _ => return None,
                }
            }
            TokenTree::Group(group) => {
                if last != Last::Nothing {
                    return None;
                }
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                match group.delimiter() {
                    Delimiter::Parenthesis => {
                        out.push('(');
                        if !inner.is_empty() {
                            let elements = split_commas_outside_angles(&inner)?;
                            if elements.len() == 1 {
                                // `(T,)` and `(T)` print differently.
                                return None;
                            }
                            for (index, element) in elements.iter().enumerate() {
                                if index > 0 {
                                    out.push_str(", ");
                                }
                                flat_type(element, out)?;
                            }
                        }
                        out.push(')');
                    }
                    Delimiter::Bracket => {
                        out.push('[');
                        flat_type(&inner, out)?;
                        out.push(']');
                    }
                    _ => return None,
                }
                last = Last::Closed;
            }
            TokenTree::Literal(_) => return None,
        }
        at += 1;
    }
    (depth == 0 && last != Last::Nothing).then_some(())
}
