//! Finds the OpenAPI document in a provider's page. `cargo xtask specs` (the check) and `specs --update`
//! both go through [`extract_spec`], so what is checked is exactly what an update would write.
//!
//! - `embedded`: the one fenced code block of the Markdown page whose language is `json` or `yaml` and
//!   that holds an OpenAPI document (GitBook's ```` ```json ```` block, Mintlify's
//!   ````` ````yaml POST /path ````` block), its content byte for byte as Markdown defines it;
//! - `file`: the page is the published document itself;
//! - `authored`: there is nothing to extract; the page is the evidence the spec was written from.

use anyhow::{bail, Result};
use generator::SourceKind;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// The spec found in a page, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractedSpec {
    /// The document's bytes, exactly as the page holds them.
    pub bytes: Vec<u8>,
    /// Where it was: "the ```json block at line 14", "the whole file".
    pub origin: String,
}

/// A fenced code block of a Markdown page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FencedBlock {
    /// The info string after the fence (`json`, `yaml POST /api/token`).
    pub info: String,
    /// The block's content as Markdown defines it (without the fences).
    pub content: String,
    /// The one-based line of the opening fence.
    pub line: usize,
    /// How many backticks (or tildes) the fence has, for messages.
    pub fence: String,
}

/// Every fenced code block of `page`, in page order.
pub fn fenced_blocks(page: &str) -> Vec<FencedBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<(FencedBlock, std::ops::Range<usize>)> = None;
    // Line numbers are counted on from the previous block, not from the page's start each time: a
    // page of many blocks would otherwise take quadratic time (400,000 blocks: minutes).
    let (mut counted_up_to, mut line) = (0, 1);
    for (event, range) in Parser::new(page).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                if range.start >= counted_up_to {
                    line += count_newlines(&page[counted_up_to..range.start]);
                    counted_up_to = range.start;
                }
                let fence_line = page[range.start..].trim_start_matches([' ', '>']);
                let fence: String = fence_line
                    .chars()
                    .take_while(|character| *character == '`' || *character == '~')
                    .collect();
                let block = FencedBlock {
                    info: info.to_string(),
                    content: String::new(),
                    line,
                    fence,
                };
                open = Some((block, range));
            }
            Event::Text(text) => {
                if let Some((block, _)) = open.as_mut() {
                    block.content.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((mut block, range)) = open.take() {
                    if let Some(raw) = raw_content(&page[range], &block) {
                        block.content = raw.to_string();
                    }
                    blocks.push(block);
                }
            }
            _ => {}
        }
    }
    blocks
}

fn count_newlines(text: &str) -> usize {
    text.bytes().filter(|byte| *byte == b'\n').count()
}

/// The block's content as the page's bytes hold it, line ends included: Markdown turns `\r\n` into
/// `\n`, and a spec copied byte for byte must keep them. Only for a block whose raw lines are its
/// content (not inside a block quote or list, whose markers Markdown strips).
fn raw_content<'page>(raw_block: &'page str, block: &FencedBlock) -> Option<&'page str> {
    let after_opening = &raw_block[raw_block.find('\n')? + 1..];
    let trimmed = after_opening.trim_end_matches(['\n', '\r', ' ']);
    let content = match trimmed.rfind('\n') {
        Some(last_line)
            if trimmed[last_line + 1..]
                .trim()
                .starts_with(block.fence.as_str()) =>
        {
            &after_opening[..last_line + 1]
        }
        None if trimmed.trim().starts_with(block.fence.as_str()) => "",
        // No closing fence: the block runs to the end of the page.
        _ => after_opening,
    };
    (content.replace("\r\n", "\n") == block.content).then_some(content)
}

/// The block's language: the info string's first word, lower-cased.
fn language(block: &FencedBlock) -> String {
    block
        .info
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Whether a `json`/`yaml` block holds an OpenAPI (or Swagger) document. A block that does not parse
/// but names `openapi` still counts: the provider published a broken spec, which is copied as it is
/// and then reported by `cargo xtask gen` with its line and column, rather than passed over.
fn holds_openapi(block: &FencedBlock) -> bool {
    let parsed: Option<serde_json::Value> = if language(block) == "json" {
        serde_json::from_str(&block.content).ok()
    } else {
        serde_norway::from_str(&block.content).ok()
    };
    match parsed {
        Some(document) => document
            .as_object()
            .is_some_and(|map| map.contains_key("openapi") || map.contains_key("swagger")),
        None => declares_openapi_key(&block.content),
    }
}

/// Whether unparseable text still declares an `openapi` (or `swagger`) key, as a broken spec does
/// (`"openapi": "3.1.0",` or `openapi: 3.1.0`). The bare word is not enough: an example that merely
/// mentions `https://example.com/openapi.json` and does not parse (an elided `...`, a comment) is not
/// a second spec, and counting it would make every update of the page fail as ambiguous.
fn declares_openapi_key(content: &str) -> bool {
    content.lines().any(|line| {
        let line = line.trim_start().trim_start_matches('{').trim_start();
        ["openapi", "swagger"].into_iter().any(|key| {
            let after_key = line
                .strip_prefix(&format!("\"{key}\""))
                .or_else(|| line.strip_prefix(&format!("'{key}'")))
                .or_else(|| line.strip_prefix(key));
            after_key.is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    })
}

/// Whether `bytes` read as a JSON or YAML mapping that declares `openapi` (or `swagger`).
fn is_openapi_document(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let parsed: Option<serde_json::Value> = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).ok()
    } else {
        serde_norway::from_str(text).ok()
    };
    parsed
        .and_then(|document| {
            document
                .as_object()
                .map(|map| map.contains_key("openapi") || map.contains_key("swagger"))
        })
        .unwrap_or(false)
}

fn describe(block: &FencedBlock) -> String {
    format!(
        "the {}{} block at line {}",
        block.fence,
        block.info.trim(),
        block.line
    )
}

/// The spec `page` holds for a provider of this `kind`; `None` for an authored spec. `page_name`
/// names the page in errors.
pub fn extract_spec(
    kind: SourceKind,
    page_name: &str,
    page: &[u8],
) -> Result<Option<ExtractedSpec>> {
    match kind {
        SourceKind::Authored => Ok(None),
        SourceKind::File => {
            if !is_openapi_document(page) {
                bail!(
                    "{page_name} is not an OpenAPI document (a JSON or YAML mapping with an `openapi` key): a published file must be the document itself, not a page about it"
                );
            }
            Ok(Some(ExtractedSpec {
                bytes: page.to_vec(),
                origin: "the whole file".to_string(),
            }))
        }
        SourceKind::Embedded => {
            let Ok(text) = std::str::from_utf8(page) else {
                bail!("{page_name} is not UTF-8 text, so it is not a Markdown page");
            };
            let blocks = fenced_blocks(text);
            let candidates: Vec<&FencedBlock> = blocks
                .iter()
                .filter(|block| matches!(language(block).as_str(), "json" | "yaml" | "yml"))
                .filter(|block| holds_openapi(block))
                .collect();
            match candidates.as_slice() {
                [] => bail!(
                    "{page_name} has no fenced json or yaml block holding an OpenAPI document ({} fenced block(s) in all): is this the page the spec is embedded in?",
                    blocks.len()
                ),
                [block] => Ok(Some(ExtractedSpec {
                    bytes: block.content.as_bytes().to_vec(),
                    origin: describe(block),
                })),
                several => {
                    let listed: Vec<String> = several.iter().map(|block| describe(block)).collect();
                    bail!(
                        "{page_name} has {} candidate OpenAPI blocks ({}): which one is the spec is ambiguous, so nothing is taken",
                        several.len(),
                        listed.join(", ")
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded(page: &str) -> Result<Option<ExtractedSpec>> {
        extract_spec(SourceKind::Embedded, "page.md", page.as_bytes())
    }

    #[test]
    fn takes_the_openapi_block_byte_for_byte_with_or_without_a_final_newline() {
        let found = embedded("intro\n```json\n{\"openapi\":\"3.0.0\"}\n```\nafter")
            .unwrap()
            .unwrap();
        assert_eq!(found.bytes, b"{\"openapi\":\"3.0.0\"}\n");
        assert_eq!(found.origin, "the ```json block at line 2");
        let found = embedded("````yaml POST /x\nopenapi: 3.1.0\n\n````")
            .unwrap()
            .unwrap();
        assert_eq!(found.bytes, b"openapi: 3.1.0\n\n");
        assert_eq!(found.origin, "the ````yaml POST /x block at line 1");
        // Unclosed at the end of the page: Markdown closes it there.
        let found = embedded("```yaml\nopenapi: 3.1.0\n").unwrap().unwrap();
        assert_eq!(found.bytes, b"openapi: 3.1.0\n");
        // Line ends are kept as the page has them.
        let found = embedded("# A\r\n\r\n```yaml\r\nopenapi: 3.1.0\r\nx: 1\r\n```\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(found.bytes, b"openapi: 3.1.0\r\nx: 1\r\n");
        // Inside a block quote, the content is what Markdown says (without the `> ` markers).
        let found = embedded("> ```json\n> {\"openapi\": \"3.0.0\"}\n> ```\n")
            .unwrap()
            .unwrap();
        assert_eq!(found.bytes, b"{\"openapi\": \"3.0.0\"}\n");
    }

    #[test]
    fn passes_over_examples_and_other_languages() {
        let page = "```bash\nopenapi\n```\n```json\n{\"token\": 1}\n```\n```json\n{\"openapi\":\"3.1.0\"}\n```\n```json\n{\"broken\": [1,}\n```\n";
        let found = embedded(page).unwrap().unwrap();
        assert_eq!(found.bytes, b"{\"openapi\":\"3.1.0\"}\n");
        assert_eq!(found.origin, "the ```json block at line 7");
    }

    #[test]
    fn a_broken_example_that_only_mentions_openapi_is_not_a_second_candidate() {
        let page = "```json\n{\"openapi\":\"3.1.0\"}\n```\n\nFetch it:\n\n```json\n{\n  \"spec_url\": \"https://example.com/openapi.json\",\n  ...\n}\n```\n";
        let found = embedded(page).unwrap().unwrap();
        assert_eq!(found.bytes, b"{\"openapi\":\"3.1.0\"}\n");
        // A broken block that declares the key is still a candidate (copied, then reported by gen).
        for broken in [
            "```json\n{\"openapi\": \"3.1.0\", \"paths\": {,}\n```\n",
            "```json\n{\n  \"openapi\" : \"3.1.0\",\n  ...\n}\n```\n",
            "```yaml\nopenapi: 3.1.0\npaths: [\n```\n",
            "```yaml\nswagger: '2.0'\n  bad: : indent\n```\n",
        ] {
            assert!(embedded(broken).unwrap().is_some(), "{broken}");
        }
    }

    #[test]
    fn a_page_of_very_many_blocks_is_read_in_linear_time_with_the_right_lines() {
        // 100,000 example blocks (2 MB) before the spec: counting each block's line from the page's
        // start took minutes here; the line of the last block shows the count is still right.
        let mut page = "```json\n{\"a\": 1}\n```\n".repeat(100_000);
        page.push_str("\r\n> ```yaml\n> openapi: 3.1.0\n> ```\n");
        let found = embedded(&page).unwrap().unwrap();
        assert_eq!(found.bytes, b"openapi: 3.1.0\n");
        assert_eq!(found.origin, "the ```yaml block at line 300002");
        let blocks = fenced_blocks(&page);
        assert_eq!(blocks.len(), 100_001);
        assert_eq!(
            blocks
                .iter()
                .take(3)
                .map(|block| block.line)
                .collect::<Vec<_>>(),
            [1, 4, 7]
        );
    }

    #[test]
    fn no_block_or_several_blocks_are_errors() {
        let error = embedded("# Title\n```json\n{\"a\": 1}\n```\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("page.md has no fenced json or yaml block holding an OpenAPI document"),
            "{error}"
        );
        let error = embedded(
            "```json\n{\"openapi\":\"3.0.0\"}\n```\n\n````yaml GET /a\nopenapi: 3.1.0\n````\n",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("2 candidate OpenAPI blocks"), "{error}");
        assert!(error.contains("the ```json block at line 1"), "{error}");
        assert!(
            error.contains("the ````yaml GET /a block at line 5"),
            "{error}"
        );
    }

    #[test]
    fn a_published_file_must_be_an_openapi_document() {
        let page = b"{\"openapi\":\"3.1.0\",\"paths\":{}}";
        let found = extract_spec(SourceKind::File, "openapi.json", page)
            .unwrap()
            .unwrap();
        assert_eq!(found.bytes, page);
        let error = extract_spec(SourceKind::File, "openapi.json", b"<html>moved</html>")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("openapi.json is not an OpenAPI document"),
            "{error}"
        );
        assert_eq!(
            extract_spec(SourceKind::Authored, "x.mdx", b"").unwrap(),
            None
        );
    }
}
