//! Spec prose made safe for rustdoc with every lint on: brackets that would be read as intra-doc
//! links are escaped, bare URLs are wrapped in `<...>`, and HTML-looking tags are escaped, all outside
//! inline code spans (code fences are handled by `sanitize_doc`).

/// One line of prose, escaped for rustdoc; text inside backtick code spans is left as written.
pub fn escape_prose_line(line: &str) -> String {
    let mut escaped = String::with_capacity(line.len() + 8);
    let mut rest = line;
    loop {
        match rest.find('`') {
            None => {
                escaped.push_str(&escape_outside_code(rest));
                return escaped;
            }
            Some(start) => {
                escaped.push_str(&escape_outside_code(&rest[..start]));
                let after_tick = &rest[start + 1..];
                match after_tick.find('`') {
                    // An unclosed backtick is literal text; escape it so it opens no span.
                    None => {
                        escaped.push_str("\\`");
                        escaped.push_str(&escape_outside_code(after_tick));
                        return escaped;
                    }
                    Some(end) => {
                        escaped.push('`');
                        escaped.push_str(&after_tick[..end]);
                        escaped.push('`');
                        rest = &after_tick[end + 1..];
                    }
                }
            }
        }
    }
}

/// Text with no code span in it.
fn escape_outside_code(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 8);
    let characters: Vec<char> = text.chars().collect();
    let mut index = 0;
    while index < characters.len() {
        let character = characters[index];
        let remaining: String = characters[index..].iter().take(8).collect();
        let starts_url = remaining.starts_with("https://") || remaining.starts_with("http://");
        if starts_url {
            let end = url_end(&characters, index);
            let url: String = characters[index..end].iter().collect();
            // A URL that already is a markdown link's destination or an autolink stays as it is.
            let previous = if index > 0 {
                Some(characters[index - 1])
            } else {
                None
            };
            let inside_link = matches!(previous, Some('(' | '<'));
            if inside_link {
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
            '[' => {
                if closes_as_markdown_link(&characters, index) {
                    escaped.push('[');
                } else {
                    escaped.push_str("\\[");
                }
            }
            ']' => {
                if characters.get(index + 1) == Some(&'(')
                    && opened_as_markdown_link(&characters, index)
                {
                    escaped.push(']');
                } else {
                    escaped.push_str("\\]");
                }
            }
            '<' => {
                // An autolink `<https://...>` stays; anything else that could open a tag is escaped.
                let rest: String = characters[index + 1..].iter().take(8).collect();
                if rest.starts_with("https://") || rest.starts_with("http://") {
                    escaped.push('<');
                } else {
                    escaped.push_str("&lt;");
                }
            }
            '>' => {
                let closes_autolink = escaped.rfind('<').is_some_and(|open| {
                    let inside = &escaped[open + 1..];
                    (inside.starts_with("https://") || inside.starts_with("http://"))
                        && !inside.contains(char::is_whitespace)
                        && !inside.contains('>')
                });
                if closes_autolink {
                    escaped.push('>');
                } else {
                    escaped.push_str("&gt;");
                }
            }
            other => escaped.push(other),
        }
        index += 1;
    }
    escaped
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

/// `[` at `open` starts `[text](...)` on this line, with no other bracket inside the text.
fn closes_as_markdown_link(characters: &[char], open: usize) -> bool {
    for index in open + 1..characters.len() {
        match characters[index] {
            '[' => return false,
            ']' => return characters.get(index + 1) == Some(&'('),
            _ => {}
        }
    }
    false
}

/// `]` at `close` ends a `[text]` whose `[` has no other bracket after it.
fn opened_as_markdown_link(characters: &[char], close: usize) -> bool {
    for index in (0..close).rev() {
        match characters[index] {
            ']' => return false,
            '[' => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::escape_prose_line;

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
    }
}
