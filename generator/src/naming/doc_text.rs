//! Spec prose made safe for rustdoc with every lint on: brackets that would be read as intra-doc
//! links are escaped, bare URLs are wrapped in `<...>`, and HTML-looking tags are escaped, all outside
//! inline code spans (code fences are handled by `sanitize_doc`).

/// One line of prose, escaped for rustdoc; text inside backtick code spans is left as written.
pub fn escape_prose_line(line: &str) -> String {
    // Most lines of prose have nothing to escape: no code span, bracket, angle bracket or URL.
    if !line.contains(['`', '[', ']', '<', '>']) && !line.contains("http") {
        return line.to_string();
    }
    let characters: Vec<char> = line.chars().collect();
    let code = code_span_characters(&characters);
    let mut link_closers = std::collections::BTreeSet::new();
    let mut escaped = String::with_capacity(line.len() + 8);
    let mut index = 0;
    while index < characters.len() {
        let character = characters[index];
        match code[index] {
            CodeRole::Inside | CodeRole::Delimiter => {
                escaped.push(character);
                index += 1;
                continue;
            }
            CodeRole::UnclosedTick => {
                escaped.push_str("\\`");
                index += 1;
                continue;
            }
            CodeRole::Prose => {}
        }
        if starts_with_url(&characters[index..]) {
            let end = url_end(&characters, index);
            let url: String = characters[index..end].iter().collect();
            // A URL that already is a markdown link's destination or an autolink stays as it is.
            let previous = index.checked_sub(1).map(|before| characters[before]);
            if matches!(previous, Some('(' | '<')) {
                escaped.push_str(&url);
            } else {
                escaped.push('<');
                escaped.push_str(&url);
                escaped.push('>');
            }
            index = end;
            continue;
        }
        match character {
            '[' => match markdown_link_close(&characters, &code, index)
                .filter(|&close| !destination_is_a_rust_path(&characters, close))
            {
                Some(close) => {
                    link_closers.insert(close);
                    escaped.push('[');
                }
                None => escaped.push_str("\\["),
            },
            ']' if link_closers.contains(&index) => escaped.push(']'),
            ']' => escaped.push_str("\\]"),
            '<' if starts_with_url(&characters[index + 1..]) => escaped.push('<'),
            '<' => escaped.push_str("&lt;"),
            '>' if closes_autolink(&characters, index) => escaped.push('>'),
            '>' => escaped.push_str("&gt;"),
            other => escaped.push(other),
        }
        index += 1;
    }
    escaped
}

/// What a character is with respect to inline code spans.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CodeRole {
    Prose,
    /// A backtick that opens or closes a span.
    Delimiter,
    Inside,
    /// A backtick with no partner: literal text, which must not open a span.
    UnclosedTick,
}

fn code_span_characters(characters: &[char]) -> Vec<CodeRole> {
    let mut roles = vec![CodeRole::Prose; characters.len()];
    let mut index = 0;
    while index < characters.len() {
        if characters[index] == '`' {
            match characters[index + 1..]
                .iter()
                .position(|&other| other == '`')
            {
                Some(offset) => {
                    let close = index + 1 + offset;
                    roles[index] = CodeRole::Delimiter;
                    roles[close] = CodeRole::Delimiter;
                    for role in &mut roles[index + 1..close] {
                        *role = CodeRole::Inside;
                    }
                    index = close + 1;
                    continue;
                }
                None => roles[index] = CodeRole::UnclosedTick,
            }
        }
        index += 1;
    }
    roles
}

fn starts_with_url(characters: &[char]) -> bool {
    let starts_with = |prefix: &str| {
        prefix.chars().count() <= characters.len()
            && prefix
                .chars()
                .zip(characters)
                .all(|(wanted, &found)| wanted == found)
    };
    starts_with("https://") || starts_with("http://")
}

/// The `]` of a markdown link `[text](...)` opened at `open`, if it is one: the bracket that
/// closes it (counting nested ones, as in `[![badge](image)](link)`, and ignoring code) is followed
/// by `(`.
fn markdown_link_close(characters: &[char], code: &[CodeRole], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for index in open + 1..characters.len() {
        if code[index] != CodeRole::Prose {
            continue;
        }
        match characters[index] {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            ']' => return (characters.get(index + 1) == Some(&'(')).then_some(index),
            _ => {}
        }
    }
    None
}

/// Whether the destination of the markdown link whose text ends at `close` (`](destination)`) is
/// one rustdoc reads as an intra-doc link to a Rust item (`javascript:void`, `User`, `a::b`), which
/// would be broken: rustdoc takes a destination as a path when it has only these characters.
fn destination_is_a_rust_path(characters: &[char], close: usize) -> bool {
    let destination: String = characters[close + 2..]
        .iter()
        .take_while(|&&character| character != ')')
        .collect();
    destination
        .chars()
        .all(|character| character.is_alphanumeric() || ":_<>, !*&;@".contains(character))
}

/// `>` at `close` ends `<https://...>`.
fn closes_autolink(characters: &[char], close: usize) -> bool {
    let Some(open) = characters[..close]
        .iter()
        .rposition(|&character| character == '<')
    else {
        return false;
    };
    let inside = &characters[open + 1..close];
    starts_with_url(inside) && !inside.iter().any(|character| character.is_whitespace())
}

/// Where a URL starting at `start` ends: at whitespace, a quote or bracket, or `<`/`>`, leaving
/// trailing sentence punctuation outside.
fn url_end(characters: &[char], start: usize) -> usize {
    let mut end = start;
    while end < characters.len()
        && !characters[end].is_whitespace()
        && !matches!(
            characters[end],
            '<' | '>' | '"' | '\'' | '`' | '[' | ']' | '(' | ')' | '{' | '}' | '|' | '\\'
        )
    {
        end += 1;
    }
    while end > start
        && matches!(
            characters[end - 1],
            '.' | ',' | ';' | ':' | '!' | '?' | '*' | '_'
        )
    {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::escape_prose_line;

    #[test]
    fn a_link_whose_destination_rustdoc_would_read_as_a_rust_path_is_not_a_link() {
        assert_eq!(
            escape_prose_line("[run](javascript:void) or [see](User)"),
            "\\[run\\](javascript:void) or \\[see\\](User)"
        );
        assert_eq!(
            escape_prose_line("[docs](https://example.com/a) and [top](#top)"),
            "[docs](https://example.com/a) and [top](#top)"
        );
    }

    #[test]
    fn brackets_urls_and_tags_are_escaped_outside_code() {
        assert_eq!(
            escape_prose_line("see [Pet] and [x][y]"),
            "see \\[Pet\\] and \\[x\\]\\[y\\]"
        );
        assert_eq!(
            escape_prose_line("docs [here](https://example.com/a)."),
            "docs [here](https://example.com/a)."
        );
        assert_eq!(
            escape_prose_line("visit https://example.com/a?b=c."),
            "visit <https://example.com/a?b=c>."
        );
        assert_eq!(escape_prose_line("<https://x.dev>"), "<https://x.dev>");
        assert_eq!(
            escape_prose_line("a <b>bold</b> <T>"),
            "a &lt;b&gt;bold&lt;/b&gt; &lt;T&gt;"
        );
        assert_eq!(
            escape_prose_line("`Vec<T>` and [i]"),
            "`Vec<T>` and \\[i\\]"
        );
        assert_eq!(
            escape_prose_line("odd ` tick <x>"),
            "odd \\` tick &lt;x&gt;"
        );
        assert_eq!(escape_prose_line("x > 1"), "x &gt; 1");
        assert_eq!(
            escape_prose_line("[![Run](https://x.dev/b.svg)](https://x.dev/run?a=b) [x] [y"),
            "[![Run](https://x.dev/b.svg)](https://x.dev/run?a=b) \\[x\\] \\[y"
        );
        assert_eq!(
            escape_prose_line("be [`a-b`](https://x.dev/a#b) or [`c`](https://x.dev/c)"),
            "be [`a-b`](https://x.dev/a#b) or [`c`](https://x.dev/c)"
        );
    }
}
