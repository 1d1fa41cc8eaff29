//! Prints the most frequent item shapes (plain structs and enums with attributes, `type` aliases)
//! straight from their tokens, as prettyplease would print them, without building a `syn` tree;
//! anything else is left to `syn` + prettyplease.
//!
//! The shapes are recognised structurally: `#[...]` attributes, `pub`, `struct`/`enum`/`type`, a
//! name, and named fields, tuple fields or variants whose types are paths (`a::B<C, D>`) or
//! tuples (or, for `type`, ` = ` and such a type). Anything
//! else (generics, `where`, references, lifetimes, discriminants, struct variants, a nested group
//! in an attribute, a keyword where a name stands) returns `None`. So does any line that would be
//! long enough for prettyplease to consider wrapping it ([`WIDEST_LINE`]): then every line of these
//! shapes is one token group printed flat, which is what prettyplease prints when it fits. A
//! `type Name = Type;` alias is one such line too, except that when its type is a path without
//! generic arguments it is printed at any length, as prettyplease has nowhere to break it. The
//! exceptions are an attribute list (`#[serde(a, b = "c")]`) too long for its line: it is
//! printed broken, one element per line, as prettyplease breaks it; and a named field whose type
//! is too long for its line, broken at its generic arguments, and a tuple variant too long for its
//! line, one field per line (`broken_field_types.rs`). Doc
//! attributes become `///` lines as prettyplease makes them (one line, trailing spaces trimmed);
//! a doc with a line break or a leading `/` is left to prettyplease.
//!
//! An item starting with `impl` is handed to `fast_string_enum_impls.rs` and
//! `fast_constructor_impls.rs`, which print two fixed families of `impl` blocks the same way, and
//! then to `fast_functions.rs`, which prints any `impl` block whose functions it prints whole.
//!
//! `tests/format_oracle.rs` formats every golden fixture and corpus documents both ways and
//! compares the bytes.

use super::broken_field_types::{broken_tuple_fields, broken_type};
use proc_macro2::{Delimiter, Spacing, TokenTree};

/// The longest line (indentation included, in bytes) printed here. prettyplease breaks a group
/// when the group and the text after it up to the next break do not fit in the 89 columns of its
/// line (at least 60 past the indentation; items here are indented 12 at most). Every line
/// printed here ends at a break, so a line of at most 89 bytes is printed flat.
const WIDEST_LINE: usize = 89;

/// The item as prettyplease prints it at `indent` spaces, or `None` when it is not one of the
/// shapes printed here.
pub(super) fn print_item(item: &[TokenTree], indent: usize) -> Option<String> {
    if is_word(item.first()?, "impl") {
        return super::fast_string_enum_impls::print_string_enum_impl(item, indent)
            .or_else(|| super::fast_constructor_impls::print_constructor_impl(item, indent))
            .or_else(|| super::fast_functions::print_impl_block(item, indent));
    }
    let mut printer = ItemPrinter {
        out: String::with_capacity(256),
        indent,
    };
    printer.item(item)?;
    Some(printer.out)
}

/// Prints into `out`; the other fast printers (`fast_constructor_impls.rs`) reuse its attribute
/// and type printing.
pub(super) struct ItemPrinter {
    pub(super) out: String,
    pub(super) indent: usize,
}

impl ItemPrinter {
    fn item(&mut self, tokens: &[TokenTree]) -> Option<()> {
        let mut position = self.outer_attributes(tokens, self.indent)?;
        let start = self.out.len();
        self.push_indent(self.indent);
        if is_word(tokens.get(position)?, "pub") {
            if matches!(tokens.get(position + 1), Some(TokenTree::Group(_))) {
                return None;
            }
            self.out.push_str("pub ");
            position += 1;
        }
        let keyword = word_of(tokens.get(position)?)?;
        let is_struct = match keyword.as_str() {
            "struct" => true,
            "enum" => false,
            "type" => return self.type_alias(&tokens[position + 1..], start),
            _ => return None,
        };
        self.out.push_str(&keyword);
        self.out.push(' ');
        let name = name_of(tokens.get(position + 1)?)?;
        self.out.push_str(&name);
        let rest = &tokens[position + 2..];
        match rest {
            [TokenTree::Group(body)] if body.delimiter() == Delimiter::Brace => {
                self.out.push_str(" {");
                self.check_line(start)?;
                let body: Vec<TokenTree> = body.stream().into_iter().collect();
                if body.is_empty() {
                    self.out.push_str("}\n");
                    return Some(());
                }
                self.out.push('\n');
                if is_struct {
                    self.named_fields(&body)?;
                } else {
                    self.variants(&body)?;
                }
                self.push_indent(self.indent);
                self.out.push_str("}\n");
            }
            [TokenTree::Punct(semicolon)] if is_struct && semicolon.as_char() == ';' => {
                self.out.push(';');
                self.check_line(start)?;
                self.out.push('\n');
            }
            [TokenTree::Group(fields), TokenTree::Punct(semicolon)]
                if is_struct
                    && fields.delimiter() == Delimiter::Parenthesis
                    && semicolon.as_char() == ';' =>
            {
                let fields: Vec<TokenTree> = fields.stream().into_iter().collect();
                self.tuple_fields(&fields, true)?;
                self.out.push(';');
                self.check_line(start)?;
                self.out.push('\n');
            }
            _ => return None,
        }
        Some(())
    }

    /// `type Name = Type;` after its `type` (the line so far starts at `start`): a path or tuple
    /// type, on one line, as prettyplease prints it when it fits. No generics, no `where`.
    fn type_alias(&mut self, tokens: &[TokenTree], start: usize) -> Option<()> {
        self.out.push_str("type ");
        self.out.push_str(&name_of(tokens.first()?)?);
        match tokens.get(1)? {
            TokenTree::Punct(equals)
                if equals.as_char() == '=' && equals.spacing() == Spacing::Alone => {}
            _ => return None,
        }
        self.out.push_str(" = ");
        let end = self.ty(tokens, 2)?;
        match &tokens[end..] {
            [TokenTree::Punct(semicolon)] if semicolon.as_char() == ';' => {}
            _ => return None,
        }
        self.out.push(';');
        // A path without generic arguments has no place where prettyplease could break the line
        // (the ` = ` is a `neverbreak`), so it is printed on one line however long.
        let unbreakable = tokens[2..end].iter().all(|token| match token {
            TokenTree::Ident(_) => true,
            TokenTree::Punct(punct) => punct.as_char() == ':',
            _ => false,
        });
        if !unbreakable {
            self.check_line(start)?;
        }
        self.out.push('\n');
        Some(())
    }

    /// `#[...]` attributes, each on its own line; returns the position after them.
    pub(super) fn outer_attributes(
        &mut self,
        tokens: &[TokenTree],
        indent: usize,
    ) -> Option<usize> {
        let mut position = 0;
        while let Some(TokenTree::Punct(hash)) = tokens.get(position) {
            if hash.as_char() != '#' {
                return None;
            }
            let Some(TokenTree::Group(attribute)) = tokens.get(position + 1) else {
                // `#!` (an inner attribute) or a stray `#`.
                return None;
            };
            if attribute.delimiter() != Delimiter::Bracket {
                return None;
            }
            self.attribute(&attribute.stream().into_iter().collect::<Vec<_>>(), indent)?;
            position += 2;
        }
        Some(position)
    }

    fn attribute(&mut self, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let start = self.out.len();
        self.push_indent(indent);
        match tokens {
            [TokenTree::Ident(doc), TokenTree::Punct(equals), TokenTree::Literal(literal)]
                if doc == "doc" && equals.as_char() == '=' =>
            {
                let text = string_value(literal)?;
                if text.contains('\n') || text.starts_with('/') {
                    return None;
                }
                self.out.push_str("///");
                self.out.push_str(text.trim_end_matches(' '));
                self.out.push('\n');
                return Some(());
            }
            [TokenTree::Ident(path)] => {
                self.out.push_str("#[");
                self.out.push_str(&name_of_ident(path)?);
            }
            [TokenTree::Ident(path), TokenTree::Group(list)]
                if list.delimiter() == Delimiter::Parenthesis =>
            {
                let path = name_of_ident(path)?;
                let list: Vec<TokenTree> = list.stream().into_iter().collect();
                self.out.push_str("#[");
                self.out.push_str(&path);
                self.out.push('(');
                self.attribute_tokens(&list)?;
                self.out.push_str(")]");
                if self.check_line(start).is_none() {
                    self.out.truncate(start);
                    return self.broken_attribute_list(&path, &list, indent);
                }
                self.out.push('\n');
                return Some(());
            }
            _ => return None,
        }
        self.out.push(']');
        self.check_line(start)?;
        self.out.push('\n');
        Some(())
    }

    /// `#[path(a, b = "c")]` too long for its line, as prettyplease breaks it: one element per
    /// line, a comma after each but the last (after the last too when the list ends with one),
    /// `)]` on a line of its own. An element line that
    /// would not fit either leaves the item to prettyplease.
    fn broken_attribute_list(
        &mut self,
        path: &str,
        list: &[TokenTree],
        indent: usize,
    ) -> Option<()> {
        let elements: Vec<&[TokenTree]> = list
            .split(|token| matches!(token, TokenTree::Punct(comma) if comma.as_char() == ','))
            .collect();
        // A trailing comma leaves an empty last element (and is kept, as prettyplease keeps it);
        // any other empty one is not this shape.
        let (elements, trailing_comma) = match elements.split_last() {
            Some(([], rest)) => (rest, true),
            _ => (&elements[..], false),
        };
        if elements.is_empty() || elements.iter().any(|element| element.is_empty()) {
            return None;
        }
        self.push_indent(indent);
        self.out.push_str("#[");
        self.out.push_str(path);
        self.out.push_str("(\n");
        for (index, element) in elements.iter().enumerate() {
            let start = self.out.len();
            self.push_indent(indent + 4);
            self.attribute_tokens(element)?;
            if index + 1 < elements.len() || trailing_comma {
                self.out.push(',');
            }
            self.check_line(start)?;
            self.out.push('\n');
        }
        self.push_indent(indent);
        self.out.push_str(")]\n");
        Some(())
    }

    /// The tokens inside `path(...)`, spaced as prettyplease's `attr_tokens` spaces them when the
    /// list fits on its line: `a = "b", c::d` (a trailing comma is dropped).
    fn attribute_tokens(&mut self, tokens: &[TokenTree]) -> Option<()> {
        let mut after_word = false;
        for (index, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Ident(ident) => {
                    if after_word {
                        self.out.push(' ');
                    }
                    self.out.push_str(&ident.to_string());
                    after_word = true;
                }
                TokenTree::Literal(literal) => {
                    if after_word {
                        self.out.push(' ');
                    }
                    self.out.push_str(&literal.to_string());
                    after_word = true;
                }
                TokenTree::Punct(punct) => {
                    let character = punct.as_char();
                    if after_word && character == '=' {
                        self.out.push(' ');
                    }
                    let last = index + 1 == tokens.len();
                    if !(character == ',' && last) {
                        self.out.push(character);
                        if character == '=' || character == ',' {
                            self.out.push(' ');
                        }
                    }
                    after_word = false;
                }
                TokenTree::Group(_) => return None,
            }
        }
        Some(())
    }

    /// `name: Type,` fields, with their attributes, one per line.
    fn named_fields(&mut self, tokens: &[TokenTree]) -> Option<()> {
        let indent = self.indent + 4;
        let mut position = 0;
        while position < tokens.len() {
            let rest = &tokens[position..];
            let attributes_end = self.outer_attributes(rest, indent)?;
            let start = self.out.len();
            self.push_indent(indent);
            let mut at = attributes_end;
            if is_word(rest.get(at)?, "pub") {
                if matches!(rest.get(at + 1), Some(TokenTree::Group(_))) {
                    return None;
                }
                self.out.push_str("pub ");
                at += 1;
            }
            self.out.push_str(&name_of(rest.get(at)?)?);
            match rest.get(at + 1)? {
                TokenTree::Punct(colon)
                    if colon.as_char() == ':' && colon.spacing() == Spacing::Alone => {}
                _ => return None,
            }
            self.out.push_str(": ");
            let type_start = self.out.len();
            let type_tokens_start = at + 2;
            at = self.ty(rest, type_tokens_start)?;
            let type_tokens = &rest[type_tokens_start..at];
            match rest.get(at) {
                None => {}
                Some(TokenTree::Punct(comma)) if comma.as_char() == ',' => at += 1,
                Some(_) => return None,
            }
            self.out.push(',');
            if self.check_line(start).is_none() {
                // Too long: broken at its generic arguments, as prettyplease breaks it.
                self.out.truncate(type_start);
                let broken = broken_type(type_tokens, type_start - start, indent, 1)?;
                self.out.push_str(&broken);
                self.out.push(',');
            }
            self.out.push('\n');
            position += at;
        }
        Some(())
    }

    /// Enum variants: a name, alone or with tuple fields, with their attributes, one per line.
    fn variants(&mut self, tokens: &[TokenTree]) -> Option<()> {
        let indent = self.indent + 4;
        let mut position = 0;
        while position < tokens.len() {
            let rest = &tokens[position..];
            let mut at = self.outer_attributes(rest, indent)?;
            let start = self.out.len();
            self.push_indent(indent);
            let name = name_of(rest.get(at)?)?;
            self.out.push_str(&name);
            at += 1;
            let mut tuple_fields = None;
            if let Some(TokenTree::Group(fields)) = rest.get(at) {
                if fields.delimiter() != Delimiter::Parenthesis {
                    return None;
                }
                let fields: Vec<TokenTree> = fields.stream().into_iter().collect();
                self.tuple_fields(&fields, false)?;
                tuple_fields = Some(fields);
                at += 1;
            }
            match rest.get(at) {
                None => {}
                Some(TokenTree::Punct(comma)) if comma.as_char() == ',' => at += 1,
                Some(_) => return None,
            }
            self.out.push(',');
            if self.check_line(start).is_none() {
                // Too long: the fields one per line, as prettyplease breaks them.
                let fields = tuple_fields?;
                self.out.truncate(start);
                self.push_indent(indent);
                self.out.push_str(&name);
                self.out.push_str(&broken_tuple_fields(&fields, indent)?);
                self.out.push(',');
            }
            self.out.push('\n');
            position += at;
        }
        Some(())
    }

    /// `(pub A, B)` on the current line: types without attributes, `pub` where allowed.
    fn tuple_fields(&mut self, tokens: &[TokenTree], visibility_allowed: bool) -> Option<()> {
        self.out.push('(');
        let mut at = 0;
        let mut first = true;
        while at < tokens.len() {
            if !first {
                self.out.push_str(", ");
            }
            first = false;
            if visibility_allowed && is_word(&tokens[at], "pub") {
                if matches!(tokens.get(at + 1), Some(TokenTree::Group(_))) {
                    return None;
                }
                self.out.push_str("pub ");
                at += 1;
            }
            at = self.ty(tokens, at)?;
            match tokens.get(at) {
                None => {}
                Some(TokenTree::Punct(comma)) if comma.as_char() == ',' => at += 1,
                Some(_) => return None,
            }
        }
        self.out.push(')');
        Some(())
    }

    /// A path type (`::a::B<C, (D, E)>`) or a tuple type starting at `at`; returns the position
    /// after it.
    pub(super) fn ty(&mut self, tokens: &[TokenTree], mut at: usize) -> Option<usize> {
        match tokens.get(at)? {
            TokenTree::Group(tuple) if tuple.delimiter() == Delimiter::Parenthesis => {
                let elements: Vec<TokenTree> = tuple.stream().into_iter().collect();
                self.out.push('(');
                let mut inner = 0;
                let mut count = 0;
                let mut trailing_comma = false;
                while inner < elements.len() {
                    if count > 0 {
                        self.out.push_str(", ");
                    }
                    inner = self.ty(&elements, inner)?;
                    count += 1;
                    trailing_comma = false;
                    match elements.get(inner) {
                        None => {}
                        Some(TokenTree::Punct(comma)) if comma.as_char() == ',' => {
                            inner += 1;
                            trailing_comma = true;
                        }
                        Some(_) => return None,
                    }
                }
                if count == 1 {
                    // `(A)` is a parenthesized type, `(A,)` a one-tuple.
                    if !trailing_comma {
                        return None;
                    }
                    self.out.push(',');
                }
                self.out.push(')');
                return Some(at + 1);
            }
            TokenTree::Punct(_) => {
                at = self.path_separator(tokens, at)?;
                self.out.push_str("::");
            }
            _ => {}
        }
        let mut first_segment = true;
        loop {
            let TokenTree::Ident(segment) = tokens.get(at)? else {
                return None;
            };
            let segment = segment.to_string();
            let allowed = match segment.as_str() {
                "crate" | "self" | "super" | "Self" => first_segment,
                _ => !is_keyword(&segment),
            };
            if !allowed {
                return None;
            }
            self.out.push_str(&segment);
            first_segment = false;
            at += 1;
            if matches!(tokens.get(at), Some(TokenTree::Punct(open)) if open.as_char() == '<') {
                at = self.generic_arguments(tokens, at + 1)?;
            }
            match tokens.get(at) {
                Some(TokenTree::Punct(colon)) if colon.as_char() == ':' => {
                    at = self.path_separator(tokens, at)?;
                    self.out.push_str("::");
                }
                _ => return Some(at),
            }
        }
    }

    /// `<A, B>` after its `<` (at `at`); returns the position after the `>`.
    fn generic_arguments(&mut self, tokens: &[TokenTree], mut at: usize) -> Option<usize> {
        self.out.push('<');
        let mut first = true;
        loop {
            if let Some(TokenTree::Punct(close)) = tokens.get(at) {
                if close.as_char() == '>' && !first {
                    self.out.push('>');
                    return Some(at + 1);
                }
                // `<>`, a lifetime, `<<`: not printed here.
                if close.as_char() != ':' {
                    return None;
                }
            }
            if !first {
                self.out.push_str(", ");
            }
            first = false;
            at = self.ty(tokens, at)?;
            match tokens.get(at)? {
                TokenTree::Punct(comma) if comma.as_char() == ',' => at += 1,
                TokenTree::Punct(close) if close.as_char() == '>' => {}
                _ => return None,
            }
        }
    }

    /// A `::` at `at` (a joint `:` then a `:`); returns the position after it.
    fn path_separator(&self, tokens: &[TokenTree], at: usize) -> Option<usize> {
        match (tokens.get(at)?, tokens.get(at + 1)?) {
            (TokenTree::Punct(first), TokenTree::Punct(second))
                if first.as_char() == ':'
                    && first.spacing() == Spacing::Joint
                    && second.as_char() == ':' =>
            {
                // `::<` (a turbofish) in a type is printed without the `::`: not printed here.
                match tokens.get(at + 2) {
                    Some(TokenTree::Punct(open)) if open.as_char() == '<' => None,
                    _ => Some(at + 2),
                }
            }
            _ => None,
        }
    }

    pub(super) fn push_indent(&mut self, indent: usize) {
        for _ in 0..indent {
            self.out.push(' ');
        }
    }

    /// The line that started at `start` fits (see [`WIDEST_LINE`]).
    pub(super) fn check_line(&self, start: usize) -> Option<()> {
        (self.out.len() - start <= WIDEST_LINE).then_some(())
    }
}

/// The value of a string literal: its text between the quotes when it has no escapes (most docs),
/// else what `syn` reads.
fn string_value(literal: &proc_macro2::Literal) -> Option<String> {
    let text = literal.to_string();
    if let Some(inner) = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        if !inner.contains(['\\', '"']) {
            return Some(inner.to_string());
        }
    }
    match syn::Lit::new(literal.clone()) {
        syn::Lit::Str(text) => Some(text.value()),
        _ => None,
    }
}

pub(super) fn is_word(token: &TokenTree, word: &str) -> bool {
    matches!(token, TokenTree::Ident(ident) if ident == word)
}

fn word_of(token: &TokenTree) -> Option<String> {
    match token {
        TokenTree::Ident(ident) => Some(ident.to_string()),
        _ => None,
    }
}

/// A name (of an item, field, variant or attribute): an identifier that is not a keyword, or a raw one.
pub(super) fn name_of(token: &TokenTree) -> Option<String> {
    match token {
        TokenTree::Ident(ident) => name_of_ident(ident),
        _ => None,
    }
}

fn name_of_ident(ident: &proc_macro2::Ident) -> Option<String> {
    let name = ident.to_string();
    (!is_keyword(&name)).then_some(name)
}

/// Rust's strict and reserved keywords, which `syn` does not take as a plain name.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "gen"
            | "macro"
            | "override"
            | "priv"
            | "try"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "_"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;

    /// The item printed here, checked against prettyplease; `None` when it is left to prettyplease.
    fn printed_as_prettyplease_prints(tokens: TokenStream) -> Option<String> {
        let items: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let printed = print_item(&items, 0)?;
        let oracle = prettyplease::unparse(&syn::parse2(tokens).expect("parses"));
        assert_eq!(printed, oracle);
        Some(printed)
    }

    #[test]
    fn docs_with_escapes_quotes_and_trailing_spaces_print_as_prettyplease_prints() {
        let docs = [
            " plain",
            " a \"quoted\" \\ back\\slash\t tab  ",
            "",
            "   ",
            " ünïcode ✓",
        ];
        for doc in docs {
            let tokens = quote! { #[doc = #doc] pub struct A { #[doc = #doc] pub a: u8 } };
            assert!(printed_as_prettyplease_prints(tokens).is_some(), "{doc:?}");
        }
        // Several lines, or a leading `/`, are prettyplease's to print (block comments, `// /`).
        for doc in [" one\n two", "/ slash", "// two"] {
            assert_eq!(
                printed_as_prettyplease_prints(quote! { #[doc = #doc] pub struct A; }),
                None
            );
        }
    }

    #[test]
    fn lines_up_to_the_margin_are_printed_flat_and_longer_ones_left_to_prettyplease() {
        // Field and attribute lines of every length around the 89 columns prettyplease fills: up
        // to 89 they are printed here, and then exactly as prettyplease prints them.
        for length in 70..100 {
            let name = quote::format_ident!("f{}", "x".repeat(length - 44));
            let field_line = format!("    pub {name}: Option<std::vec::Vec<(u8, u16)>>,");
            assert_eq!(field_line.len(), length);
            let tokens = quote! { pub struct A { pub #name: Option<std::vec::Vec<(u8, u16)>>, } };
            // Longer field lines are broken at the type's generic arguments.
            let printed = printed_as_prettyplease_prints(tokens).expect("printed");
            assert_eq!(
                printed.contains("<\n"),
                length > WIDEST_LINE,
                "{field_line}"
            );

            let derive = quote::format_ident!("D{}", "x".repeat(length - 44));
            let attribute_line = format!("#[derive(Debug, Clone, serde::Serialize, {derive})]");
            assert_eq!(attribute_line.len(), length);
            let tokens =
                quote! { #[derive(Debug, Clone, serde::Serialize, #derive,)] pub struct A; };
            // Longer attribute lines are broken, one element per line.
            let printed = printed_as_prettyplease_prints(tokens).expect("printed");
            assert_eq!(
                printed.contains("(\n"),
                length > WIDEST_LINE,
                "{attribute_line}"
            );
        }
        let short = quote! { pub struct A { pub a: Option<std::vec::Vec<(u8, u16)>> } };
        assert!(printed_as_prettyplease_prints(short).is_some());
        let long_name = quote::format_ident!("{}", "x".repeat(100));
        // A field too long for its line: broken at its generic arguments, or, with none, printed
        // whole over the margin as prettyplease prints it (compared in the helper).
        let long = quote! { pub struct A { pub #long_name: Option<String> } };
        assert!(printed_as_prettyplease_prints(long).is_some());
        let long = quote! { pub struct A { pub #long_name: String } };
        assert!(printed_as_prettyplease_prints(long).is_some());
    }

    #[test]
    fn attribute_lists_too_long_for_their_line_are_broken_as_prettyplease_breaks_them() {
        // One, two and three elements of every length around the 89 columns, on an item and on a
        // field: printed flat, broken one element per line, or left to prettyplease; what is
        // printed is prettyplease's bytes.
        let mut broken = 0;
        for length in 30..110 {
            let value = "v".repeat(length);
            let long = quote::format_ident!("D{}", "x".repeat(length));
            let lists = [
                quote! { #[serde(deserialize_with = #value)] },
                quote! { #[serde(deserialize_with = #value, default)] },
                quote! { #[serde(rename = #value, default, skip_serializing_if = "Option::is_none",)] },
                quote! { #[derive(Debug, Clone, #long, serde::Serialize)] },
            ];
            for list in lists {
                let tokens = quote! { #list pub struct A { #list pub a: Option<i64>, } };
                if let Some(printed) = printed_as_prettyplease_prints(tokens) {
                    broken += usize::from(printed.contains("(\n"));
                }
            }
        }
        assert!(broken > 50, "{broken}");
    }

    /// [`printed_as_prettyplease_prints`] for an item of a module, at 4 spaces.
    fn printed_in_a_module_as_prettyplease_prints(tokens: TokenStream) -> Option<String> {
        let items: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let printed = print_item(&items, 4)?;
        let module = quote! { mod m { #tokens } };
        let oracle = prettyplease::unparse(&syn::parse2(module).expect("parses"));
        let inner = oracle
            .strip_prefix("mod m {\n")
            .and_then(|rest| rest.strip_suffix("}\n"))
            .expect("a module");
        assert_eq!(printed, inner);
        Some(printed)
    }

    #[test]
    fn type_aliases_up_to_the_margin_are_printed_and_longer_ones_left_to_prettyplease() {
        // `pub type Name = Type;` lines of every length around the 89 columns, at the top level
        // and in a module, with and without a doc: printed here exactly when the line fits, and
        // then as prettyplease prints them.
        for length in 64..110 {
            let name = quote::format_ident!("A{}", "x".repeat(length - 64));
            let line =
                format!("pub type {name} = std::collections::BTreeMap<String, (u8, Vec<i64>)>;");
            assert_eq!(line.len(), length);
            let tokens = quote! {
                /// An alias.
                pub type #name = std::collections::BTreeMap<String, (u8, Vec<i64>)>;
            };
            let printed = printed_as_prettyplease_prints(tokens.clone());
            assert_eq!(printed.is_some(), length <= WIDEST_LINE, "{line}");
            let printed = printed_in_a_module_as_prettyplease_prints(tokens);
            assert_eq!(printed.is_some(), length + 4 <= WIDEST_LINE, "{line}");
            let bare =
                quote! { type #name = ::std::collections::BTreeMap<String, (u8, Vec<i64>)>; };
            let printed = printed_in_a_module_as_prettyplease_prints(bare);
            assert_eq!(printed.is_some(), length + 2 <= WIDEST_LINE, "{line}");
        }
        // A path without generic arguments is never broken: printed here at any length.
        for length in 64..160 {
            let name = quote::format_ident!("A{}", "x".repeat(length - 64));
            let target = quote::format_ident!("B{}", "y".repeat(length - 64));
            let tokens = quote! {
                #[doc = " An error shared with another operation."]
                pub type #name = crate::runtime::some_module::#target;
            };
            assert!(printed_as_prettyplease_prints(tokens.clone()).is_some());
            assert!(printed_in_a_module_as_prettyplease_prints(tokens).is_some());
        }
        let printed = [
            quote! { pub type A = B; },
            quote! { #[doc = " An error shared with `Other`."] pub type AError = OtherError; },
            quote! { pub type A = (f64, f64, crate::runtime::Binary); },
            quote! { pub type A = (); },
            quote! { pub type A = (u8,); },
            quote! { pub type r#A = serde_json::Value; },
            quote! { #[allow(dead_code)] type A = chrono::DateTime<chrono::Utc>; },
        ];
        for tokens in printed {
            assert!(
                printed_as_prettyplease_prints(tokens.clone()).is_some(),
                "{tokens}"
            );
            assert!(
                printed_in_a_module_as_prettyplease_prints(tokens.clone()).is_some(),
                "{tokens}"
            );
        }
        let left = [
            quote! { pub type A<T> = Vec<T>; },
            quote! { pub type A = &'static str; },
            quote! { pub type A = [u8; 4]; },
            quote! { pub type A = (u8); },
            quote! { pub type A = dyn Fn(); },
            quote! { pub type A = fn() -> u8; },
            quote! { pub type A = impl Sized; },
            quote! { pub(crate) type A = B; },
            quote! { pub type A where u8: Copy = B; },
            quote! { pub type type = B; },
            quote! { pub type A = Vec::<u8>; },
            quote! { pub type A = B<'a>; },
        ];
        for tokens in left {
            let items: Vec<TokenTree> = tokens.clone().into_iter().collect();
            assert_eq!(print_item(&items, 0), None, "{tokens}");
        }
    }

    #[test]
    fn shapes_not_printed_here_are_left_to_prettyplease() {
        let left = [
            quote! { pub struct A<T> { pub a: T } },
            quote! { pub struct A { pub a: &'static str } },
            quote! { pub struct A { pub(crate) a: u8 } },
            quote! { pub enum A { B = 1 } },
            quote! { pub enum A { B { c: u8 } } },
            quote! { #[serde(with = (a))] pub struct A; },
            quote! { pub struct A { pub a: [u8; 4] } },
            quote! { pub struct A { pub a: Vec::<u8> } },
            quote! { pub struct A { pub a: (u8) } },
            quote! { pub fn a() {} },
        ];
        for tokens in left {
            assert_eq!(
                printed_as_prettyplease_prints(tokens.clone()),
                None,
                "{tokens}"
            );
        }
        let printed = [
            quote! { pub struct A; },
            quote! { pub struct A(pub Vec<A>); },
            quote! { pub struct A {} },
            quote! { pub enum A {} },
            quote! { #[non_exhaustive] pub enum A { B, C(String, (u8,)), D(()) } },
            quote! { #[serde(rename = "a", default,)] pub struct A { pub r#type: ::std::string::String } },
        ];
        for tokens in printed {
            assert!(
                printed_as_prettyplease_prints(tokens.clone()).is_some(),
                "{tokens}"
            );
        }
    }
}
