//! Prints a function (a method of an `impl` block, such as `impl Client`'s operations and the
//! error enums' `Display::fmt`, or a free function) from its tokens as prettyplease prints it: its
//! attributes, its signature and every statement that prints on one line. A statement that does
//! not (a `match`, a call chain that breaks, a struct literal wider than 34 columns, a macro) is
//! handed back as text, and the format stage has `syn` + prettyplease print only those statements,
//! wrapped in a stand-in function at the same indentation (prettyplease prints each statement
//! of a block on lines of its own, with nothing that depends on its neighbours; see `stmt.rs`
//! of prettyplease).
//!
//! The layout follows prettyplease's printer (`algorithm.rs`, an Oppen printer with a margin of
//! 89 columns): a group is printed flat when its text, and the text after it up to the next
//! possible break, fits in what is left of the line. So a statement (an `ibox` ended by a hard
//! break) is printed flat when its whole line fits; the parameter list breaks one parameter per
//! line when `(params) -> Head<` (or `) -> Type {`) does not fit after `fn name(`; the return
//! type's generic arguments break one per line when `args> {` does not fit after `Head<`. Any
//! line that would not fit in a way not modelled here leaves the whole function to prettyplease.
//!
//! Flat text is made from the tokens with prettyplease's spacing for the shapes accepted here
//! (paths, calls, method calls, fields, `?`, `.await`, references, unary and binary operators,
//! `as` casts, literals, arrays, indexing, struct literals, turbofish and types with generic
//! arguments, references and lifetimes); a keyword that starts a block (`if`, `match`, `loop`,
//! ...), a closure, a macro, a comparison `<`, a nested attribute or a trailing comma makes the
//! statement one for prettyplease. `tests/format_oracle.rs` compares whole modules, adversarial
//! ones among them, with prettyplease printing the whole file.

use super::fast_items::{is_word, name_of, ItemPrinter};
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// prettyplease's margin: the widest line it prints flat (see `fast_items.rs`).
const WIDEST_LINE: usize = 89;

/// prettyplease breaks a struct literal wider than this (`expr_struct`), the closing `}` aside.
const WIDEST_FLAT_STRUCT_LITERAL: usize = 34;

/// A function as printed text, and the statement runs left to `syn` + prettyplease.
pub(super) enum Segment {
    Printed(String),
    /// Consecutive statements of the function's body, as source text, at `indent` (the
    /// function's own indentation); `last_in_block` when nothing follows them in the body.
    Statements {
        text: String,
        indent: usize,
        last_in_block: bool,
    },
}

/// The function at `indent` spaces as segments, or `None` when its signature is not one printed
/// here (see the module's doc).
pub(super) fn print_function(item: &[TokenTree], indent: usize) -> Option<Vec<Segment>> {
    let mut printer = ItemPrinter {
        out: String::with_capacity(512),
        indent,
    };
    let mut at = printer.outer_attributes(item, indent)?;
    let mut head = String::new();
    if is_word(item.get(at)?, "pub") {
        if matches!(item.get(at + 1), Some(TokenTree::Group(_))) {
            return None;
        }
        head.push_str("pub ");
        at += 1;
    }
    if is_word(item.get(at)?, "async") {
        head.push_str("async ");
        at += 1;
    }
    if !is_word(item.get(at)?, "fn") {
        return None;
    }
    head.push_str("fn ");
    head.push_str(&name_of(item.get(at + 1)?)?);
    let TokenTree::Group(parameters) = item.get(at + 2)? else {
        return None;
    };
    if parameters.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    at += 3;
    let return_type = if is_punct(item.get(at), '-', Spacing::Joint)
        && is_punct(item.get(at + 1), '>', Spacing::Alone)
    {
        let end = item.len() - 1;
        let mut text = String::new();
        flat_type(&item[at + 2..end], &mut text)?;
        at = end;
        Some(text)
    } else {
        None
    };
    let [TokenTree::Group(body)] = &item[at..] else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace {
        return None;
    }
    let body: Vec<TokenTree> = body.stream().into_iter().collect();
    let parameters = parameter_texts(parameters.stream())?;
    let brace = if body.is_empty() { " {}" } else { " {" };
    signature(
        &mut printer.out,
        indent,
        &head,
        &parameters,
        return_type.as_deref(),
        brace,
    )?;
    let mut segments = Vec::new();
    if !body.is_empty() {
        statements(&mut printer.out, &mut segments, &body, indent)?;
        printer.push_indent(indent);
        printer.out.push_str("}\n");
    }
    segments.push(Segment::Printed(printer.out));
    Some(segments)
}

/// An `impl` block's header line (`impl Type {`, `impl Trait for Type {`) with its attributes, as
/// prettyplease prints it at the top level; `None` for any other header (generics, `where`,
/// `unsafe`, a module). See [`print_impl_header_at`].
pub(super) fn print_impl_header(header: &[TokenTree]) -> Option<String> {
    print_impl_header_at(header, 0)
}

/// An `impl` block's header at `indent` (`item_impl`): on one line when `impl Trait for Type {`
/// fits; else, for a trait impl, broken before `for` (the one break of its `ibox`), `for Type {`
/// on the next line at the same indentation.
fn print_impl_header_at(header: &[TokenTree], indent: usize) -> Option<String> {
    let mut printer = ItemPrinter {
        out: String::with_capacity(128),
        indent,
    };
    let at = if matches!(header.first(), Some(TokenTree::Punct(hash)) if hash.as_char() == '#') {
        printer.outer_attributes(header, indent)?
    } else {
        0
    };
    let header = &header[at..];
    if !is_word(header.first()?, "impl")
        || matches!(header.get(1), Some(TokenTree::Punct(punct)) if punct.as_char() == '<')
    {
        return None;
    }
    let mut line = String::with_capacity(96);
    push_indent(&mut line, indent);
    line.push_str("impl ");
    match header.iter().position(|token| is_word(token, "for")) {
        Some(for_at) => {
            flat_type(&header[1..for_at], &mut line)?;
            let mut second_line = String::with_capacity(64);
            push_indent(&mut second_line, indent);
            second_line.push_str("for ");
            flat_type(&header[for_at + 1..], &mut second_line)?;
            second_line.push_str(" {");
            if line.len() + 1 + second_line.len() - indent <= WIDEST_LINE {
                line.push(' ');
                line.push_str(&second_line[indent..]);
            } else {
                if line.len() > WIDEST_LINE || second_line.len() > WIDEST_LINE {
                    return None;
                }
                line.push('\n');
                line.push_str(&second_line);
            }
        }
        None => {
            flat_type(&header[1..], &mut line)?;
            line.push_str(" {");
        }
    }
    if line.lines().any(|printed| printed.len() > WIDEST_LINE) {
        return None;
    }
    printer.out.push_str(&line);
    printer.out.push('\n');
    Some(printer.out)
}

/// A whole `impl` block at `indent` whose header and every item print here: functions with every
/// statement printed (no statement left to prettyplease) and `type` aliases; `None` otherwise
/// (the block is then split and its items formatted one by one, see `items.rs`).
pub(super) fn print_impl_block(item: &[TokenTree], indent: usize) -> Option<String> {
    let (TokenTree::Group(body), header) = item.split_last()? else {
        return None;
    };
    if body.delimiter() != Delimiter::Brace {
        return None;
    }
    let body: Vec<TokenTree> = body.stream().into_iter().collect();
    if body.is_empty() {
        return None;
    }
    let mut out = print_impl_header_at(header, indent)?;
    let mut start = 0;
    while start < body.len() {
        // An item ends with its body's braces, or with `;`.
        let end = body[start..]
            .iter()
            .position(|token| match token {
                TokenTree::Group(group) => group.delimiter() == Delimiter::Brace,
                TokenTree::Punct(punct) => punct.as_char() == ';',
                _ => false,
            })
            .map(|offset| start + offset + 1)?;
        let inner = &body[start..end];
        if let Some(segments) = print_function(inner, indent + 4) {
            for segment in segments {
                match segment {
                    Segment::Printed(printed) => out.push_str(&printed),
                    Segment::Statements { .. } => return None,
                }
            }
        } else if matches!(inner.last(), Some(TokenTree::Punct(punct)) if punct.as_char() == ';') {
            out.push_str(&super::fast_items::print_item(inner, indent + 4)?);
        } else {
            return None;
        }
        start = end;
    }
    push_indent(&mut out, indent);
    out.push_str("}\n");
    Some(out)
}

/// The statements of a body at `indent + 4`: those that fit on their line printed into `out`, the
/// others gathered into runs for prettyplease.
fn statements(
    out: &mut String,
    segments: &mut Vec<Segment>,
    body: &[TokenTree],
    indent: usize,
) -> Option<()> {
    if matches!(body, [TokenTree::Punct(hash), TokenTree::Punct(bang), ..]
        if hash.as_char() == '#' && bang.as_char() == '!')
    {
        // Inner attributes.
        return None;
    }
    let mut pending: Vec<TokenTree> = Vec::new();
    for (statement, is_tail) in split_statements(body) {
        let mut line_printer = ItemPrinter {
            out: String::new(),
            indent: indent + 4,
        };
        match print_statement(&mut line_printer, statement, is_tail) {
            Some(()) => {
                if !pending.is_empty() {
                    segments.push(Segment::Printed(std::mem::take(out)));
                    segments.push(Segment::Statements {
                        text: std::mem::take(&mut pending)
                            .into_iter()
                            .collect::<TokenStream>()
                            .to_string(),
                        indent,
                        last_in_block: false,
                    });
                }
                out.push_str(&line_printer.out);
            }
            None => pending.extend(statement.iter().cloned()),
        }
    }
    if !pending.is_empty() {
        segments.push(Segment::Printed(std::mem::take(out)));
        segments.push(Segment::Statements {
            text: pending.into_iter().collect::<TokenStream>().to_string(),
            indent,
            last_in_block: true,
        });
    }
    Some(())
}

/// A block's statements, each with its `;`, and whether it is the tail expression (the last,
/// without a `;`). A `;` nested in a group belongs to that group's own statements.
fn split_statements(block: &[TokenTree]) -> impl Iterator<Item = (&[TokenTree], bool)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= block.len() {
            return None;
        }
        let end = block[start..]
            .iter()
            .position(|token| matches!(token, TokenTree::Punct(punct) if punct.as_char() == ';'))
            .map_or(block.len(), |offset| start + offset + 1);
        let statement = &block[start..end];
        let is_tail = end == block.len()
            && !matches!(statement.last(), Some(TokenTree::Punct(punct)) if punct.as_char() == ';');
        start = end;
        Some((statement, is_tail))
    })
}

/// One statement (with its `;`, unless it is the tail expression) on its own line, after its
/// attributes, when it fits.
fn print_statement(printer: &mut ItemPrinter, tokens: &[TokenTree], is_tail: bool) -> Option<()> {
    let indent = printer.indent;
    let at = if matches!(tokens.first(), Some(TokenTree::Punct(hash)) if hash.as_char() == '#') {
        printer.outer_attributes(tokens, indent)?
    } else {
        0
    };
    let tokens = &tokens[at..];
    let mut line = String::with_capacity(96);
    push_indent(&mut line, indent);
    if is_tail && is_word(tokens.first()?, "match") {
        // Lines of its own; each fits (checked as they are printed).
        return print_match(&mut printer.out, &tokens[1..], indent);
    }
    let flat = if is_tail {
        // prettyplease adds a `;` after a tail assignment, `return`, `break` (`stmt::add_semi`);
        // those are left to it.
        if tokens.iter().any(is_assignment) {
            return None;
        }
        flat_expression(tokens, &mut line)
    } else {
        let (last, tokens) = tokens.split_last()?;
        if !matches!(last, TokenTree::Punct(punct) if punct.as_char() == ';') {
            return None;
        }
        let flat = match tokens.first()? {
            TokenTree::Ident(word) if word == "let" => let_statement(&tokens[1..], &mut line),
            TokenTree::Ident(word) if word == "const" => const_item(&tokens[1..], &mut line),
            _ => flat_expression(tokens, &mut line),
        };
        line.push(';');
        flat
    };
    if flat.is_some() && line.len() <= WIDEST_LINE {
        printer.out.push_str(&line);
        printer.out.push('\n');
        return Some(());
    }
    if flat.is_some() {
        // It does not fit on its line.
        if let Some(()) = broken_call_statement(&mut printer.out, tokens, is_tail, indent) {
            return Some(());
        }
        if let Some(()) = broken_chain_statement(&mut printer.out, tokens, is_tail, indent) {
            return Some(());
        }
    }
    broken_struct_literal_statement(&mut printer.out, tokens, is_tail, indent)
}

/// A statement `[let name = ]path(args)[?];` printed flat by [`flat_expression`] but too long for
/// its line: prettyplease breaks the arguments' group (`call_args`), one argument per line at
/// `indent + 4` with a comma, and `)` back at `indent`.
fn broken_call_statement(
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
fn broken_chain_statement(
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
fn let_binding_head<'t>(tokens: &'t [TokenTree], line: &mut String) -> Option<&'t [TokenTree]> {
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

/// A statement whose struct literal does not print flat (wider than 34 columns, or its line too
/// long): `let name = Path {`, `Path {` or `Call(Path {` on the first line, one `field: value,`
/// per line, and `};`, `}` or `})` (prettyplease's `expr_struct` broken; a call with one
/// block-like argument has no group of its own, `call_args`).
fn broken_struct_literal_statement(
    out: &mut String,
    tokens: &[TokenTree],
    is_tail: bool,
    indent: usize,
) -> Option<()> {
    let mut first_line = String::with_capacity(96);
    push_indent(&mut first_line, indent);
    let mut tokens = tokens;
    let mut last_line_end = String::new();
    if !is_tail {
        let (semicolon, rest) = tokens.split_last()?;
        if !matches!(semicolon, TokenTree::Punct(punct) if punct.as_char() == ';') {
            return None;
        }
        tokens = rest;
        last_line_end.push(';');
        if !is_word(tokens.first()?, "let") {
            return None;
        }
        tokens = let_binding_head(tokens, &mut first_line)?;
    }
    // `Call(Path { .. })`: a path, then one parenthesized struct literal.
    if let [path @ .., TokenTree::Group(arguments)] = tokens {
        if arguments.delimiter() == Delimiter::Parenthesis {
            if path.is_empty() || !path_tokens_only(path) {
                return None;
            }
            flat_expression(path, &mut first_line)?;
            first_line.push('(');
            last_line_end.insert(0, ')');
            let inner: Vec<TokenTree> = arguments.stream().into_iter().collect();
            return broken_struct_literal(out, first_line, &inner, &last_line_end, indent);
        }
    }
    broken_struct_literal(out, first_line, tokens, &last_line_end, indent)
}

/// Identifiers and `::` only.
fn path_tokens_only(tokens: &[TokenTree]) -> bool {
    tokens.iter().all(|token| match token {
        TokenTree::Ident(_) => true,
        TokenTree::Punct(punct) => punct.as_char() == ':',
        _ => false,
    })
}

/// `first_line` followed by `Path {`, the fields one per line at `indent + 4`, and `}` with
/// `end` on the last line.
fn broken_struct_literal(
    out: &mut String,
    mut first_line: String,
    tokens: &[TokenTree],
    end: &str,
    indent: usize,
) -> Option<()> {
    let [path @ .., TokenTree::Group(fields)] = tokens else {
        return None;
    };
    if fields.delimiter() != Delimiter::Brace || path.is_empty() || !path_tokens_only(path) {
        return None;
    }
    flat_expression(path, &mut first_line)?;
    first_line.push_str(" {");
    if first_line.len() > WIDEST_LINE {
        return None;
    }
    let mut fields: Vec<TokenTree> = fields.stream().into_iter().collect();
    if matches!(fields.last(), Some(TokenTree::Punct(comma)) if comma.as_char() == ',') {
        fields.pop();
    }
    if fields.is_empty() {
        return None;
    }
    let mut printed = first_line;
    printed.push('\n');
    for field in split_commas(&fields)? {
        let start = printed.len();
        push_indent(&mut printed, indent + 4);
        match field {
            [name] => printed.push_str(&name_of(name)?),
            [name, TokenTree::Punct(colon), value @ ..] if colon.as_char() == ':' => {
                printed.push_str(&name_of(name)?);
                printed.push_str(": ");
                flat_expression(value, &mut printed)?;
            }
            _ => return None,
        }
        printed.push(',');
        if printed.len() - start > WIDEST_LINE {
            return None;
        }
        printed.push('\n');
    }
    push_indent(&mut printed, indent);
    printed.push('}');
    printed.push_str(end);
    printed.push('\n');
    out.push_str(&printed);
    Some(())
}

/// A `match` (after its keyword) at `indent`, as prettyplease prints it (`expr_match`, `arm`):
/// `match scrutinee {` on one line, each arm on its own line(s), `}`. An arm is `pattern [if
/// guard] => body,` when that fits without its comma; else its body goes on a line of its own
/// between `=> {` and `}`. A body in braces with one expression and nothing else is that
/// expression (prettyplease drops the braces); a body of statements is printed as a block, each
/// statement on its line.
fn print_match(out: &mut String, tokens: &[TokenTree], indent: usize) -> Option<()> {
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
                } else {
                    if arm_indent + 4 + flat.len() > WIDEST_LINE || head.len() + 1 > WIDEST_LINE {
                        return None;
                    }
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

/// `let [mut] name[: Type][ = expr]` after the `let`.
fn let_statement(tokens: &[TokenTree], line: &mut String) -> Option<()> {
    line.push_str("let ");
    let mut at = 0;
    if is_word(tokens.first()?, "mut") {
        line.push_str("mut ");
        at += 1;
    }
    line.push_str(&pattern_name(tokens.get(at)?)?);
    at += 1;
    let equals = tokens.iter().position(is_assignment);
    if is_punct(tokens.get(at), ':', Spacing::Alone) {
        line.push_str(": ");
        flat_type(&tokens[at + 1..equals.unwrap_or(tokens.len())], line)?;
    } else if equals != Some(at) && at != tokens.len() {
        return None;
    }
    if let Some(equals) = equals {
        line.push_str(" = ");
        flat_expression(&tokens[equals + 1..], line)?;
    }
    Some(())
}

/// `const NAME: Type = expr` after the `const`.
fn const_item(tokens: &[TokenTree], line: &mut String) -> Option<()> {
    line.push_str("const ");
    line.push_str(&name_of(tokens.first()?)?);
    if !is_punct(tokens.get(1), ':', Spacing::Alone) {
        return None;
    }
    let equals = tokens.iter().position(is_assignment)?;
    line.push_str(": ");
    flat_type(&tokens[2..equals], line)?;
    line.push_str(" = ");
    flat_expression(&tokens[equals + 1..], line)
}

/// A binding's name (or `_`).
fn pattern_name(token: &TokenTree) -> Option<String> {
    match token {
        TokenTree::Ident(word) if word == "_" => Some("_".to_string()),
        _ => name_of(token),
    }
}

/// A `=` on its own: an assignment or an initializer, not part of `==`, `<=`, `=>`, `+=`.
fn is_assignment(token: &TokenTree) -> bool {
    matches!(token, TokenTree::Punct(punct) if punct.as_char() == '=' && punct.spacing() == Spacing::Alone)
}

fn is_punct(token: Option<&TokenTree>, character: char, spacing: Spacing) -> bool {
    matches!(token, Some(TokenTree::Punct(punct))
        if punct.as_char() == character && punct.spacing() == spacing)
}

/// Each parameter printed flat (`&self`, `mut self`, `name: Type`).
fn parameter_texts(parameters: TokenStream) -> Option<Vec<String>> {
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
fn signature(
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

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat(' ').take(indent));
}

/// What the last printed token was, for the spacing of the next.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    /// Nothing yet, or an opening bracket, `::`, `.`, a prefix operator, `, `, `: `, an infix
    /// operator with its spaces.
    Nothing,
    /// A word (identifier, keyword, literal, lifetime): another word after it needs a space.
    Word,
    /// A closing bracket or `?`: an operand ended.
    Closed,
}

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

/// The comma-separated elements of a bracket's tokens; `None` on an empty element (a trailing or
/// doubled comma).
fn split_commas(tokens: &[TokenTree]) -> Option<Vec<&[TokenTree]>> {
    let elements: Vec<&[TokenTree]> = tokens
        .split(|token| matches!(token, TokenTree::Punct(punct) if punct.as_char() == ','))
        .collect();
    elements
        .iter()
        .all(|element| !element.is_empty())
        .then_some(elements)
}

/// The comma-separated elements of a list of types (or of parameters), whose `<...>` are not
/// token groups; `None` on an empty element or unbalanced angle brackets.
fn split_commas_outside_angles(tokens: &[TokenTree]) -> Option<Vec<&[TokenTree]>> {
    let mut elements = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        if let TokenTree::Punct(punct) = token {
            match punct.as_char() {
                '<' => depth += 1,
                '>' => depth = depth.checked_sub(1)?,
                ',' if depth == 0 => {
                    elements.push(&tokens[start..index]);
                    start = index + 1;
                }
                _ => {}
            }
        }
    }
    elements.push(&tokens[start..]);
    (depth == 0 && elements.iter().all(|element| !element.is_empty())).then_some(elements)
}

/// Words that start or shape an expression this printer leaves to prettyplease.
const EXPRESSION_KEYWORDS_LEFT_TO_PRETTYPLEASE: &[&str] = &[
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
fn flat_expression(tokens: &[TokenTree], out: &mut String) -> Option<()> {
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
fn arguments(stream: TokenStream, open: char, close: char, out: &mut String) -> Option<()> {
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
