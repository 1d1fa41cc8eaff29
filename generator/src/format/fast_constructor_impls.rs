//! Prints the constructor block of a generated struct (`impl Name { pub fn new(...) -> Self {
//! Self { ... } } pub fn with_<field>(mut self, value: impl Into<T>) -> Self { ... } }`) from its
//! tokens, as prettyplease prints it, without building a `syn` tree; any other shape is left to
//! `syn` + prettyplease.
//!
//! Every token is checked as it is read: attributes and types are those `fast_items.rs` prints;
//! an argument is `name: impl Into<Type>`, an initializer `name: name.into()`, `name: None` or
//! `name: Default::default()`, a setter body `self.name = Some(value.into()); self`. The layout
//! is prettyplease's: a signature (of `new` or a setter) flat when its line fits in the 89
//! columns, else one parameter per line; the `Self { .. }` literal flat when it is at most 34 columns wide (prettyplease's
//! `end_with_max_width(34)`), else one field per line; a line of any other kind that would not
//! fit leaves the item to prettyplease. The unit tests below sweep those boundaries against
//! prettyplease, and `tests/format_oracle.rs` compares whole modules.

use super::fast_items::{is_word, name_of, ItemPrinter};
use proc_macro2::{Delimiter, Spacing, TokenTree};

/// The widest line prettyplease prints flat (see `fast_items.rs`).
const WIDEST_LINE: usize = 89;

/// prettyplease breaks a struct literal wider than this (`expr_struct`), the closing `}` aside.
const WIDEST_FLAT_STRUCT_LITERAL: usize = 34;

/// The item as prettyplease prints it at `indent` spaces, or `None` when it is not a constructor
/// block.
pub(super) fn print_constructor_impl(item: &[TokenTree], indent: usize) -> Option<String> {
    let [TokenTree::Ident(impl_word), name, TokenTree::Group(body)] = item else {
        return None;
    };
    if impl_word != "impl" || body.delimiter() != Delimiter::Brace {
        return None;
    }
    let name = name_of(name)?;
    let body: Vec<TokenTree> = body.stream().into_iter().collect();
    let mut printer = ItemPrinter {
        out: String::with_capacity(1024),
        indent,
    };
    printer.push_indent(indent);
    printer.out.push_str("impl ");
    printer.out.push_str(&name);
    printer.out.push_str(" {\n");
    let mut at = constructor(&mut printer, &body)?;
    while at < body.len() {
        at += setter(&mut printer, &body[at..])?;
    }
    printer.push_indent(indent);
    printer.out.push_str("}\n");
    let printed = printer.out;
    printed
        .lines()
        .all(|line| line.len() <= WIDEST_LINE)
        .then_some(printed)
}

fn is_punct(token: Option<&TokenTree>, character: char, spacing: Spacing) -> bool {
    matches!(token, Some(TokenTree::Punct(punct))
        if punct.as_char() == character && punct.spacing() == spacing)
}

/// `-> Self` at `at`; the position after it.
fn returns_self(tokens: &[TokenTree], at: usize) -> Option<usize> {
    (is_punct(tokens.get(at), '-', Spacing::Joint)
        && is_punct(tokens.get(at + 1), '>', Spacing::Alone)
        && is_word(tokens.get(at + 2)?, "Self"))
    .then_some(at + 3)
}

/// `impl Into<Type>` at `at`, printed; the position after it.
fn impl_into(tokens: &[TokenTree], at: usize) -> Option<(String, usize)> {
    if !is_word(tokens.get(at)?, "impl") || !is_word(tokens.get(at + 1)?, "Into") {
        return None;
    }
    let mut type_printer = ItemPrinter {
        out: String::from("impl "),
        indent: 0,
    };
    let after = type_printer.ty(tokens, at + 1)?;
    // `Into` with exactly one argument and nothing after it (`Into::<T>`, `Into<T>::X` are not
    // this shape).
    let generics = type_printer.out.strip_prefix("impl Into<")?;
    if !generics.ends_with('>') {
        return None;
    }
    Some((type_printer.out, after))
}

/// `#[...] pub fn new(name: impl Into<Type>, ...) -> Self { Self { ... } }`, printed; the
/// position after it.
fn constructor(printer: &mut ItemPrinter, body: &[TokenTree]) -> Option<usize> {
    let indent = printer.indent + 4;
    let mut at = printer.outer_attributes(body, indent)?;
    if !is_word(body.get(at)?, "pub")
        || !is_word(body.get(at + 1)?, "fn")
        || !is_word(body.get(at + 2)?, "new")
    {
        return None;
    }
    let TokenTree::Group(arguments) = body.get(at + 3)? else {
        return None;
    };
    if arguments.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    at = returns_self(body, at + 4)?;
    let TokenTree::Group(function_body) = body.get(at)? else {
        return None;
    };
    if function_body.delimiter() != Delimiter::Brace {
        return None;
    }
    at += 1;

    let arguments: Vec<TokenTree> = arguments.stream().into_iter().collect();
    let mut printed_arguments = Vec::new();
    let mut position = 0;
    while position < arguments.len() {
        let name = name_of(arguments.get(position)?)?;
        if !is_punct(arguments.get(position + 1), ':', Spacing::Alone) {
            return None;
        }
        let (argument_type, after) = impl_into(&arguments, position + 2)?;
        printed_arguments.push(format!("{name}: {argument_type}"));
        position = after;
        if position < arguments.len() {
            // A separating comma, never a trailing one (`#( #arguments ),*`).
            if !is_punct(arguments.get(position), ',', Spacing::Alone)
                || position + 1 == arguments.len()
            {
                return None;
            }
            position += 1;
        }
    }
    let flat = format!(
        "{:indent$}pub fn new({}) -> Self {{",
        "",
        printed_arguments.join(", ")
    );
    if flat.len() <= WIDEST_LINE {
        printer.out.push_str(&flat);
        printer.out.push('\n');
    } else {
        printer.push_indent(indent);
        printer.out.push_str("pub fn new(\n");
        for argument in &printed_arguments {
            printer.push_indent(indent + 4);
            printer.out.push_str(argument);
            printer.out.push_str(",\n");
        }
        printer.push_indent(indent);
        printer.out.push_str(") -> Self {\n");
    }

    let function_body: Vec<TokenTree> = function_body.stream().into_iter().collect();
    let [self_word, TokenTree::Group(fields)] = function_body.as_slice() else {
        return None;
    };
    if !is_word(self_word, "Self") || fields.delimiter() != Delimiter::Brace {
        return None;
    }
    let fields: Vec<TokenTree> = fields.stream().into_iter().collect();
    let mut initializers = Vec::new();
    let mut position = 0;
    while position < fields.len() {
        let name = name_of(fields.get(position)?)?;
        if !is_punct(fields.get(position + 1), ':', Spacing::Alone) {
            return None;
        }
        position += 2;
        let value = match fields.get(position)? {
            TokenTree::Ident(word) if word == "None" => {
                position += 1;
                "None".to_string()
            }
            TokenTree::Ident(word) if word == "Default" => {
                if !is_punct(fields.get(position + 1), ':', Spacing::Joint)
                    || !is_punct(fields.get(position + 2), ':', Spacing::Alone)
                    || !is_word(fields.get(position + 3)?, "default")
                    || !is_empty_parentheses(fields.get(position + 4)?)
                {
                    return None;
                }
                position += 5;
                "Default::default()".to_string()
            }
            TokenTree::Ident(argument) if *argument == name => {
                if !is_punct(fields.get(position + 1), '.', Spacing::Alone)
                    || !is_word(fields.get(position + 2)?, "into")
                    || !is_empty_parentheses(fields.get(position + 3)?)
                {
                    return None;
                }
                position += 4;
                format!("{name}.into()")
            }
            _ => return None,
        };
        initializers.push(format!("{name}: {value}"));
        if position < fields.len() {
            if !is_punct(fields.get(position), ',', Spacing::Alone) || position + 1 == fields.len()
            {
                return None;
            }
            position += 1;
        }
    }
    let flat = if initializers.is_empty() {
        "Self {}".to_string()
    } else {
        format!("Self {{ {} }}", initializers.join(", "))
    };
    if flat.len() - 1 <= WIDEST_FLAT_STRUCT_LITERAL {
        printer.push_indent(indent + 4);
        printer.out.push_str(&flat);
        printer.out.push('\n');
    } else {
        printer.push_indent(indent + 4);
        printer.out.push_str("Self {\n");
        for initializer in &initializers {
            printer.push_indent(indent + 8);
            printer.out.push_str(initializer);
            printer.out.push_str(",\n");
        }
        printer.push_indent(indent + 4);
        printer.out.push_str("}\n");
    }
    printer.push_indent(indent);
    printer.out.push_str("}\n");
    Some(at)
}

fn is_empty_parentheses(token: &TokenTree) -> bool {
    matches!(token, TokenTree::Group(group)
        if group.delimiter() == Delimiter::Parenthesis && group.stream().is_empty())
}

/// `#[...] pub fn with_field(mut self, value: impl Into<Type>) -> Self { self.field =
/// Some(value.into()); self }` at the start of `tokens`, printed; how many tokens it takes.
fn setter(printer: &mut ItemPrinter, tokens: &[TokenTree]) -> Option<usize> {
    let indent = printer.indent + 4;
    let at = printer.outer_attributes(tokens, indent)?;
    if !is_word(tokens.get(at)?, "pub") || !is_word(tokens.get(at + 1)?, "fn") {
        return None;
    }
    let setter_name = name_of(tokens.get(at + 2)?)?;
    let TokenTree::Group(parameters) = tokens.get(at + 3)? else {
        return None;
    };
    if parameters.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let parameters: Vec<TokenTree> = parameters.stream().into_iter().collect();
    if !is_word(parameters.first()?, "mut")
        || !is_word(parameters.get(1)?, "self")
        || !is_punct(parameters.get(2), ',', Spacing::Alone)
        || !is_word(parameters.get(3)?, "value")
        || !is_punct(parameters.get(4), ':', Spacing::Alone)
    {
        return None;
    }
    let (value_type, after) = impl_into(&parameters, 5)?;
    if after != parameters.len() {
        return None;
    }
    let end = returns_self(tokens, at + 4)?;
    let TokenTree::Group(body) = tokens.get(end)? else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace {
        return None;
    }
    let body: Vec<TokenTree> = body.stream().into_iter().collect();
    let [self_word, TokenTree::Punct(dot), field, TokenTree::Punct(equals), some, TokenTree::Group(value), TokenTree::Punct(semicolon), returned] =
        body.as_slice()
    else {
        return None;
    };
    let value: Vec<TokenTree> = value.stream().into_iter().collect();
    let value_is_into = matches!(value.as_slice(),
        [value_word, dot, into, parentheses]
            if is_word(value_word, "value")
                && is_punct(Some(dot), '.', Spacing::Alone)
                && is_word(into, "into")
                && is_empty_parentheses(parentheses));
    if !is_word(self_word, "self")
        || dot.as_char() != '.'
        || dot.spacing() != Spacing::Alone
        || equals.as_char() != '='
        || equals.spacing() != Spacing::Alone
        || !is_word(some, "Some")
        || !value_is_into
        || semicolon.as_char() != ';'
        || !is_word(returned, "self")
    {
        return None;
    }
    let TokenTree::Group(value_group) = &body[5] else {
        return None;
    };
    if value_group.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let field = name_of(field)?;
    let pad = " ".repeat(indent);
    let flat = format!("{pad}pub fn {setter_name}(mut self, value: {value_type}) -> Self {{");
    if flat.len() <= WIDEST_LINE {
        printer.out.push_str(&flat);
        printer.out.push('\n');
    } else {
        // As `new`: one parameter per line when the signature does not fit.
        printer.out.push_str(&format!(
            "{pad}pub fn {setter_name}(\n{pad}    mut self,\n{pad}    value: {value_type},\n{pad}) -> Self {{\n"
        ));
    }
    printer.out.push_str(&format!(
        "{pad}    self.{field} = Some(value.into());\n{pad}    self\n{pad}}}\n"
    ));
    Some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::{format_ident, quote};

    /// The item printed here at the indentation of `pub mod types`, checked against prettyplease;
    /// `None` when it is left to prettyplease.
    fn printed_as_prettyplease_prints(tokens: TokenStream) -> Option<String> {
        let items: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let printed = print_constructor_impl(&items, 4)?;
        let oracle = prettyplease::unparse(
            &syn::parse2(quote! { mod types { pub struct First; #tokens } }).expect("parses"),
        );
        let oracle = oracle
            .strip_prefix("mod types {\n    pub struct First;\n")
            .and_then(|rest| rest.strip_suffix("}\n"))
            .expect("module around the item");
        assert_eq!(printed, oracle, "{tokens}");
        let top_level = print_constructor_impl(&items, 0).expect("printed at the top level too");
        assert_eq!(
            top_level,
            prettyplease::unparse(&syn::parse2(tokens.clone()).expect("parses")),
            "{tokens}"
        );
        Some(printed)
    }

    #[test]
    fn constructors_and_setters_print_as_prettyplease_prints() {
        let printed = [
            quote! {
                impl Kind {
                    /// A value with the required fields given and every optional field unset.
                    #[allow(clippy::new_without_default)]
                    pub fn new() -> Self { Self {} }
                }
            },
            quote! {
                impl Kind {
                    /// A value.
                    pub fn new(r#type: impl Into<Option<Vec<types::A>>>, b: impl Into<(u8, u16)>) -> Self {
                        Self { r#type: r#type.into(), b: b.into(), c: None, d: Default::default() }
                    }
                    /// Sets `c`.
                    pub fn with_c(mut self, value: impl Into<BTreeMap<String, i64>>) -> Self {
                        self.c = Some(value.into());
                        self
                    }
                    #[doc = " Sets `r#match`."]
                    pub fn with_match(mut self, value: impl Into<u8>) -> Self {
                        self.r#match = Some(value.into());
                        self
                    }
                }
            },
        ];
        for tokens in printed {
            assert!(
                printed_as_prettyplease_prints(tokens.clone()).is_some(),
                "{tokens}"
            );
        }
    }

    #[test]
    fn the_boundaries_of_flat_signatures_and_literals_are_prettyplease_s() {
        // Signatures and setters of every width around the 89 columns, and struct literals of
        // every width around 34: printed here exactly as prettyplease prints them, or left to it.
        let mut printed_count = 0;
        for length in 1..90 {
            let argument = format_ident!("a{}", "x".repeat(length));
            let short = format_ident!("b{}", "y".repeat(length / 4));
            let setter = format_ident!("with_{}", "z".repeat(length));
            let long_type = format_ident!("T{}", "t".repeat(length));
            let tokens = quote! {
                impl Kind {
                    pub fn new(#argument: impl Into<String>, #short: impl Into<u8>) -> Self {
                        Self { #argument: #argument.into(), #short: #short.into() }
                    }
                    pub fn #setter(mut self, value: impl Into<Vec<String>>) -> Self {
                        self.#short = Some(value.into());
                        self
                    }
                    pub fn with_c(mut self, value: impl Into<Vec<#long_type>>) -> Self {
                        self.c = Some(value.into());
                        self
                    }
                }
            };
            printed_count += usize::from(printed_as_prettyplease_prints(tokens).is_some());
            let only = quote! {
                impl Kind {
                    pub fn new(#short: impl Into<u8>) -> Self { Self { #short: #short.into(), c: None } }
                }
            };
            printed_count += usize::from(printed_as_prettyplease_prints(only).is_some());
        }
        assert!(printed_count > 100, "{printed_count}");
    }

    #[test]
    fn other_shapes_are_left_to_prettyplease() {
        let left = [
            quote! { impl Kind { pub fn new() -> Self { Self::default() } } },
            quote! { impl Kind { pub fn new(a: u8) -> Self { Self { a } } } },
            quote! { impl Kind { pub fn new(a: impl Into<u8>) -> Self { Self { a: b.into() } } } },
            quote! { impl Kind { pub fn new(a: impl Into<u8>,) -> Self { Self { a: a.into() } } } },
            quote! { impl Kind { pub fn create() -> Self { Self {} } } },
            quote! { impl Kind<T> { pub fn new() -> Self { Self {} } } },
            quote! { impl Kind { pub fn new() -> Self { Self {} } pub fn with_a(mut self, value: impl Into<u8>) -> Self { self.a = value.into(); self } } },
            quote! { impl Kind { pub fn new() -> Self { Self {} } pub fn with_a(mut self, value: impl Into<u8>) -> Self { self.a = Some(other.into()); self } } },
            quote! { impl Kind { pub fn new() -> Self { Self {} } fn with_a(mut self, value: impl Into<u8>) -> Self { self.a = Some(value.into()); self } } },
            quote! { impl Kind { pub fn new() -> Self { Self {} } pub fn with_a(mut self, value: impl Into<[u8; 2]>) -> Self { self.a = Some(value.into()); self } } },
        ];
        for tokens in left {
            let items: Vec<TokenTree> = tokens.clone().into_iter().collect();
            assert_eq!(print_constructor_impl(&items, 4), None, "{tokens}");
        }
    }
}
