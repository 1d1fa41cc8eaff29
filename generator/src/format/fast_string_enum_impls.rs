//! Prints the five `impl` blocks every string enum of `pub mod types` gets (`as_str`, `Display`,
//! `From<&str>`, `Serialize`, `Deserialize`) from their tokens, as prettyplease prints them,
//! without building a `syn` tree; any other `impl` is left to `syn` + prettyplease.
//!
//! Recognition is exact, not heuristic: the holes (the enum's name, its variants and their wire
//! strings) are read from the item, the expected tokens are rebuilt from them with `quote!`, and
//! the item is printed here only when its tokens are exactly those (same text of the token
//! stream). The printed text is the fixed layout prettyplease gives these blocks at the
//! indentation of the items of `pub mod types` (4), with prettyplease's breaks where a hole makes
//! a line too long: the header before `for`, an arm into `=> {` body `}`, the `Ok(..)` and
//! `Other(..)` calls one argument per line. Every printed line must fit in prettyplease's 89
//! columns, or the item is left to it.
//! `tests/format_oracle.rs` and the unit tests below compare the bytes with prettyplease.

use proc_macro2::{Delimiter, Ident, Literal, TokenStream, TokenTree};
use quote::quote;

/// The only indentation these layouts were taken at (the items of `pub mod types`).
const INDENT: usize = 4;

/// The widest line prettyplease prints flat (see `fast_items.rs`).
const WIDEST_LINE: usize = 89;

/// The item as prettyplease prints it at `indent` spaces, or `None` when it is not one of the
/// five string-enum impls.
pub(super) fn print_string_enum_impl(item: &[TokenTree], indent: usize) -> Option<String> {
    if indent != INDENT || !matches!(item.first(), Some(TokenTree::Ident(word)) if word == "impl") {
        return None;
    }
    let (expected, printed) = match item.get(1)? {
        // `impl Name { pub fn as_str ... }`
        TokenTree::Ident(name) if item.len() == 3 => as_str_impl(name, item)?,
        // `impl From<&str> for Name`
        TokenTree::Ident(from) if from == "From" => from_text_impl(item)?,
        // `impl std::fmt::Display for Name`
        TokenTree::Ident(std) if std == "std" => display_impl(name_after_for(item, 9)?),
        // `impl serde::Serialize for Name`
        TokenTree::Ident(serde) if serde == "serde" => serialize_impl(name_after_for(item, 6)?),
        // `impl<'de> serde::Deserialize<'de> for Name`
        TokenTree::Punct(open) if open.as_char() == '<' => {
            deserialize_impl(name_after_for(item, 14)?)
        }
        _ => return None,
    };
    let actual: TokenStream = item.iter().cloned().collect();
    if actual.to_string() != expected.to_string() {
        return None;
    }
    // A comma ending a line here is a break's own text (an arm's, or a broken call's last
    // argument's), not counted: such a line may reach column 90.
    printed
        .lines()
        .all(|line| line.len() <= WIDEST_LINE + usize::from(line.ends_with(',')))
        .then_some(printed)
}

/// The name after `for` at `position`, followed by the body (the last token).
fn name_after_for(item: &[TokenTree], position: usize) -> Option<&Ident> {
    match (item.get(position - 1)?, item.get(position)?) {
        (TokenTree::Ident(word), TokenTree::Ident(name))
            if word == "for" && item.len() == position + 2 =>
        {
            Some(name)
        }
        _ => None,
    }
}

/// The last group of `tokens` (a block or a body), when it is a brace group.
fn last_brace_group(tokens: &[TokenTree]) -> Option<Vec<TokenTree>> {
    match tokens.last()? {
        TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
            Some(group.stream().into_iter().collect())
        }
        _ => None,
    }
}

/// The arms of the one `match` in the one function of the impl block `item`.
fn match_arms(item: &[TokenTree]) -> Option<Vec<TokenTree>> {
    let impl_body = last_brace_group(item)?;
    let function_body = last_brace_group(&impl_body)?;
    last_brace_group(&function_body)
}

/// `(Variant, "wire")` of arms `Name::Variant => "wire",` (8 tokens each) at the start of `arms`.
fn arms_to_text(arms: &[TokenTree]) -> Vec<(Ident, Literal)> {
    arms.chunks_exact(8)
        .map_while(|arm| match (&arm[3], &arm[6]) {
            (TokenTree::Ident(variant), TokenTree::Literal(wire)) => {
                Some((variant.clone(), wire.clone()))
            }
            _ => None,
        })
        .collect()
}

/// `("wire", Variant)` of arms `"wire" => Name::Variant,` (8 tokens each) at the start of `arms`.
fn arms_from_text(arms: &[TokenTree]) -> Vec<(Ident, Literal)> {
    arms.chunks_exact(8)
        .map_while(|arm| match (&arm[0], &arm[6]) {
            (TokenTree::Literal(wire), TokenTree::Ident(variant)) => {
                Some((variant.clone(), wire.clone()))
            }
            _ => None,
        })
        .collect()
}

fn as_str_impl(name: &Ident, item: &[TokenTree]) -> Option<(TokenStream, String)> {
    // `#[doc = ".."] pub fn as_str(&self) -> &str { .. }` (11 tokens), before any comparison of
    // text (an `impl` block of any size comes here).
    let impl_body = last_brace_group(item)?;
    if impl_body.len() != 11 || !matches!(&impl_body[4], TokenTree::Ident(word) if word == "as_str")
    {
        return None;
    }
    let arms = arms_to_text(&match_arms(item)?);
    let variants = arms.iter().map(|(variant, _)| variant);
    let wires = arms.iter().map(|(_, wire)| wire);
    let expected = quote! {
        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#variants => #wires, )*
                    #name::Other(value) => value.as_str(),
                }
            }
        }
    };
    let mut printed = format!(
        "    impl {name} {{\n        /// The value as sent on the wire.\n        pub fn as_str(&self) -> &str {{\n            match self {{\n"
    );
    for (variant, wire) in &arms {
        push_arm(
            &mut printed,
            &format!("{name}::{variant}"),
            &wire.to_string(),
        );
    }
    push_arm(
        &mut printed,
        &format!("{name}::Other(value)"),
        "value.as_str()",
    );
    printed.push_str("            }\n        }\n    }\n");
    Some((expected, printed))
}

fn from_text_impl(item: &[TokenTree]) -> Option<(TokenStream, String)> {
    let name = name_after_for(item, 7)?;
    let arms = arms_from_text(&match_arms(item)?);
    let variants = arms.iter().map(|(variant, _)| variant);
    let wires = arms.iter().map(|(_, wire)| wire);
    let expected = quote! {
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => #name::#variants, )*
                    other => #name::Other(other.to_string()),
                }
            }
        }
    };
    let mut printed = impl_header("From<&str>", name);
    printed.push_str("        fn from(value: &str) -> Self {\n            match value {\n");
    for (variant, wire) in &arms {
        push_arm(
            &mut printed,
            &wire.to_string(),
            &format!("{name}::{variant}"),
        );
    }
    let other = format!("{name}::Other(other.to_string())");
    if ARM_INDENT + "other => ".len() + other.len() <= WIDEST_LINE
        || ARM_INDENT + 4 + other.len() <= WIDEST_LINE
    {
        push_arm(&mut printed, "other", &other);
    } else {
        // The call's argument goes on a line of its own (`call_args`).
        printed.push_str(&format!(
            "                other => {{\n                    {name}::Other(\n                        other.to_string(),\n                    )\n                }}\n"
        ));
    }
    printed.push_str("            }\n        }\n    }\n");
    Some((expected, printed))
}

fn display_impl(name: &Ident) -> (TokenStream, String) {
    let expected = quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    };
    let mut printed = impl_header("std::fmt::Display", name);
    printed.push_str(
        "        fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.write_str(self.as_str())
        }
    }
",
    );
    (expected, printed)
}

fn serialize_impl(name: &Ident) -> (TokenStream, String) {
    let expected = quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
    let mut printed = impl_header("serde::Serialize", name);
    printed.push_str(
        "        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }
",
    );
    (expected, printed)
}

fn deserialize_impl(name: &Ident) -> (TokenStream, String) {
    let expected = quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(#name::from(value.as_ref()))
            }
        }
    };
    let mut printed = impl_header("<'de> serde::Deserialize<'de>", name);
    printed.push_str(
        "        fn deserialize<D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let value = <std::borrow::Cow<
                'de,
                str,
            > as serde::Deserialize>::deserialize(deserializer)?;
",
    );
    // The tail `Ok(..)` (12 columns in): flat when it fits; else its one argument on a line of
    // its own (`call_args`), itself broken the same way when it does not fit there.
    let converted = format!("{name}::from(value.as_ref())");
    if 12 + "Ok()".len() + converted.len() <= WIDEST_LINE {
        printed.push_str(&format!("            Ok({converted})\n"));
    } else if 16 + converted.len() <= WIDEST_LINE {
        printed.push_str(&format!(
            "            Ok(\n                {converted},\n            )\n"
        ));
    } else {
        printed.push_str(&format!(
            "            Ok(\n                {name}::from(\n                    value.as_ref(),\n                ),\n            )\n"
        ));
    }
    printed.push_str("        }\n    }\n");
    (expected, printed)
}

/// The arms' indentation in these layouts.
const ARM_INDENT: usize = 16;

/// `impl<trait_text> for Name {` at the indentation of `pub mod types`: on one line when it fits,
/// else broken before `for` (`item_impl`), `for Name {` on the next line at the same indentation.
fn impl_header(trait_text: &str, name: &Ident) -> String {
    let one_line = if trait_text.starts_with('<') {
        format!("    impl{trait_text} for {name} {{\n")
    } else {
        format!("    impl {trait_text} for {name} {{\n")
    };
    if one_line.len() - 1 <= WIDEST_LINE {
        return one_line;
    }
    let (head, _) = one_line.split_at(one_line.find(" for ").unwrap_or(one_line.len()));
    format!("{head}\n    for {name} {{\n")
}

/// A match arm `pattern => body,` whose pattern and body cannot break (paths, literals, a short
/// method call): flat when it fits without its comma (`arm`: the comma is a break's own text);
/// else the body on a line of its own between `=> {` and `}`, whatever its length. A pattern line
/// that does not fit leaves its line over the margin, and so the item to prettyplease.
fn push_arm(printed: &mut String, pattern: &str, body: &str) {
    let head_length = ARM_INDENT + pattern.len() + " => ".len();
    if head_length + body.len() <= WIDEST_LINE {
        printed.push_str(&format!("                {pattern} => {body},\n"));
    } else {
        printed.push_str(&format!(
            "                {pattern} => {{\n                    {body}\n                }}\n"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The five impls of a string enum named `name`, each checked against prettyplease at the
    /// indentation of `pub mod types`; how many were printed here.
    fn impls_printed_as_prettyplease_prints(name: &str, variants: &[(&str, &str)]) -> usize {
        let name = quote::format_ident!("{name}");
        let to_text = variants.iter().map(|(variant, wire)| {
            let variant = quote::format_ident!("{variant}");
            quote! { #name::#variant => #wire, }
        });
        let from_text = variants.iter().map(|(variant, wire)| {
            let variant = quote::format_ident!("{variant}");
            quote! { #wire => #name::#variant, }
        });
        let impls = [
            quote! {
                impl #name {
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #( #to_text )*
                            #name::Other(value) => value.as_str(),
                        }
                    }
                }
            },
            quote! {
                impl std::fmt::Display for #name {
                    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        formatter.write_str(self.as_str())
                    }
                }
            },
            quote! {
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #( #from_text )*
                            other => #name::Other(other.to_string()),
                        }
                    }
                }
            },
            quote! {
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
            },
            quote! {
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                        Ok(#name::from(value.as_ref()))
                    }
                }
            },
        ];
        let mut printed_here = 0;
        for tokens in impls {
            let items: Vec<TokenTree> = tokens.clone().into_iter().collect();
            let oracle = prettyplease::unparse(
                &syn::parse2(quote! { mod types { pub struct First; #tokens } }).expect("parses"),
            );
            let oracle = oracle
                .strip_prefix("mod types {\n    pub struct First;\n")
                .and_then(|rest| rest.strip_suffix("}\n"))
                .expect("module around the item");
            if let Some(printed) = print_string_enum_impl(&items, INDENT) {
                assert_eq!(printed, oracle, "{tokens}");
                printed_here += 1;
            }
        }
        printed_here
    }

    #[test]
    fn the_five_impls_print_as_prettyplease_prints() {
        let variants = [("RangeTo", "range_to"), ("Quoted", "a \"b\" \\ c ✓")];
        assert_eq!(impls_printed_as_prettyplease_prints("Kind", &variants), 5);
        assert_eq!(impls_printed_as_prettyplease_prints("r#Kind", &[]), 5);
    }

    #[test]
    fn lines_up_to_the_margin_are_printed_here_and_longer_ones_left_to_prettyplease() {
        // Names and wire strings of every length around the 89 columns: each impl is either
        // printed here exactly as prettyplease prints it (headers broken before `for`, arms
        // broken into `=> {` body `}`, `Ok(..)` and `Other(..)` calls broken one argument per
        // line), or left to prettyplease when a line cannot fit.
        for length in 0..100 {
            let name = format!("N{}", "x".repeat(length));
            let printed = impls_printed_as_prettyplease_prints(&name, &[("Variant", "w")]);
            assert!(printed <= 5);
            if length < 54 {
                assert_eq!(printed, 5, "{length}");
            }
            if length > 80 {
                assert_eq!(printed, 0, "{length}");
            }
            let wire = "w".repeat(length);
            let printed = impls_printed_as_prettyplease_prints("N", &[("Variant", &wire)]);
            if length < 10 {
                assert_eq!(printed, 5, "{length}");
            }
            if length > 70 {
                // `Display`, `Serialize` and `Deserialize` have no wire string.
                assert_eq!(printed, 3, "{length}");
            }
        }
    }

    #[test]
    fn other_shapes_are_left_to_prettyplease() {
        let left = [
            // No `Other` arm, another function, another body, a generic impl.
            quote! { impl Kind { pub fn as_str(&self) -> &str { match self { Kind::A => "a", } } } },
            quote! { impl Kind { pub fn as_text(&self) -> &str { match self { Kind::Other(value) => value.as_str(), } } } },
            quote! { impl std::fmt::Display for Kind { fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { formatter.write_str("x") } } },
            quote! { impl serde::Serialize for Kind<T> { fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> { serializer.serialize_str(self.as_str()) } } },
            quote! { impl From<&str> for Kind { fn from(value: &str) -> Self { match value { "a" => Kind::A, "b" => Kind::B(1), other => Kind::Other(other.to_string()), } } } },
            quote! { impl Kind {} },
        ];
        for tokens in left {
            let items: Vec<TokenTree> = tokens.clone().into_iter().collect();
            assert_eq!(print_string_enum_impl(&items, INDENT), None, "{tokens}");
        }
    }
}
