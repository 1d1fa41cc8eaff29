//! Formats a file's items (and the items of its inline modules, such as `pub mod types`) one by one
//! on every core, instead of parsing and printing the whole file as one `syn::File` on one thread.
//!
//! `proc_macro2` tokens cannot cross threads, so this thread splits the stream at item boundaries and
//! prints each piece as text, while workers parse and pretty-print the pieces. prettyplease prints
//! items one after another with nothing that depends on their neighbours, so the pieces, joined in
//! order, are byte for byte what formatting the whole file gives. An item of an inline module is
//! formatted inside a wrapper `mod` of its own, so its indentation and line width are the same.

use super::fast_functions::{self, Segment};
use super::fast_items;
use super::{BlockPart, Section};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::collections::HashMap;
use std::sync::{mpsc, Mutex};

/// Words that start an item: a `{ ... }` group followed by one of them (or by an attribute) ends an
/// item. A group followed by anything else (`else`, `;`, `.`) is inside one.
const ITEM_START_WORDS: &[&str] = &[
    "pub",
    "fn",
    "struct",
    "enum",
    "union",
    "impl",
    "trait",
    "mod",
    "const",
    "static",
    "type",
    "use",
    "extern",
    "unsafe",
    "async",
    "macro_rules",
];

/// One piece of the file: text to parse and print, with how many wrapper lines to drop from the
/// start and the end of what prettyplease prints, or an item already printed (see
/// `fast_items.rs`, `fast_functions.rs`).
enum Piece {
    Parse {
        text: String,
        drop_first_lines: usize,
        drop_last_lines: usize,
    },
    Printed(String),
    /// A section the format stage cannot print, with why.
    Failed(String),
}

/// The formatted file (given as consecutive sections of whole items), or the parser's message
/// when the file does not parse.
#[cfg(test)]
fn format_items_in_parallel(
    sections: impl IntoIterator<Item = TokenStream>,
) -> Result<String, String> {
    format_items_in_parallel_after(String::new(), sections.into_iter().map(Section::Items))
}

/// [`format_items_in_parallel`] appended to `head` (the file's header line), so the file is
/// built in one string of the right size instead of copied once more.
pub(super) fn format_items_in_parallel_after<'a>(
    head: String,
    sections: impl IntoIterator<Item = Section<'a>>,
) -> Result<String, String> {
    format_lanes_in_parallel_after(head, sections, Vec::new())
}

/// Where a piece stands: its lane, then its place in the lane.
type PieceIndex = (usize, usize);

/// The file given as consecutive lanes: `first_lane` is emitted and printed on this thread, and
/// `other_lanes` are taken in order by this thread and by one thread per other core, each as soon
/// as it is free (emitting and printing are most of a generation, and `proc_macro2` tokens cannot
/// cross threads, so a lane's sections are built on the thread that prints them). Pieces left to
/// `syn` are formatted by workers on any cores left and by every lane thread once no lane is left
/// to take. The bytes are those of the lanes' sections formatted one after another.
pub(super) fn format_lanes_in_parallel_after<'a>(
    head: String,
    first_lane: impl IntoIterator<Item = Section<'a>>,
    other_lanes: Vec<SectionLane<'a>>,
) -> Result<String, String> {
    let cores = std::thread::available_parallelism()
        .map_or(1, |count| count.get())
        .min(8);
    let lane_threads = cores.saturating_sub(1).min(other_lanes.len());
    let workers = cores.saturating_sub(lane_threads);
    let lane_count = 1 + other_lanes.len();
    let lanes_to_take = Mutex::new(
        other_lanes
            .into_iter()
            .enumerate()
            .map(|(index, lane)| (index + 1, lane))
            .collect::<std::collections::VecDeque<_>>(),
    );
    let take_lane = || lanes_to_take.lock().ok()?.pop_front();
    let (sender, receiver) = mpsc::channel::<(PieceIndex, Piece)>();
    let receiver = Mutex::new(receiver);
    let printed_lanes: Mutex<Vec<(usize, PrintedLane)>> = Mutex::new(Vec::new());
    let keep_printed = |lane: usize, printed: PrintedLane| {
        if let Ok(mut printed_lanes) = printed_lanes.lock() {
            printed_lanes.push((lane, printed));
        }
    };
    let mut results: Vec<(PieceIndex, Result<String, String>)> = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| scope.spawn(|| format_pieces(&receiver)))
            .collect();
        let lane_handles: Vec<_> = (0..lane_threads)
            .map(|_| {
                let sender = sender.clone();
                let (receiver, take_lane, keep_printed) = (&receiver, &take_lane, &keep_printed);
                scope.spawn(move || {
                    while let Some((index, lane)) = take_lane() {
                        keep_printed(index, print_lane(index, lane(), &sender));
                    }
                    drop(sender);
                    // No lane is left to take; now this thread helps format what was left to `syn`.
                    format_pieces(receiver)
                })
            })
            .collect();
        keep_printed(0, print_lane(0, first_lane, &sender));
        while let Some((index, lane)) = take_lane() {
            keep_printed(index, print_lane(index, lane(), &sender));
        }
        drop(sender);
        results = format_pieces(&receiver);
        // A thread only goes away by panicking; the pieces it left undone are reported below.
        for handle in lane_handles.into_iter().chain(handles) {
            results.extend(handle.join().unwrap_or_default());
        }
    });
    let mut lanes_printed: Vec<Option<PrintedLane>> = (0..lane_count).map(|_| None).collect();
    for (lane, printed) in printed_lanes.into_inner().unwrap_or_default() {
        lanes_printed[lane] = Some(printed);
    }
    let Some(lanes_printed) = lanes_printed.into_iter().collect::<Option<Vec<_>>>() else {
        return Err("a formatting thread stopped before its work was done".to_string());
    };
    let mut formatted: Vec<Vec<Option<Result<String, String>>>> = lanes_printed
        .iter()
        .map(|lane| vec![None; lane.count])
        .collect();
    for ((lane, index), text) in results {
        if let Some(slot) = formatted.get_mut(lane).and_then(|lane| lane.get_mut(index)) {
            *slot = Some(text);
        }
    }
    for (lane, printed) in lanes_printed.into_iter().enumerate() {
        for (index, text) in printed.printed {
            formatted[lane][index] = Some(Ok(text));
        }
        for (index, first) in printed.copies {
            formatted[lane][index] = formatted[lane][first].clone();
        }
    }
    // The first piece that does not parse gives the parser's message. (The file's text is not
    // kept for a parse of the whole: it would be one more copy of the module in memory, and the
    // split is proven against whole-file prettyplease by `tests/format_oracle.rs`.)
    let mut length = 0;
    for piece in formatted.iter().flatten() {
        match piece {
            Some(Ok(text)) => length += text.len(),
            Some(Err(message)) => return Err(message.clone()),
            None => return Err("a formatting thread stopped before its work was done".to_string()),
        }
    }
    let mut source = head;
    source.reserve_exact(length);
    for text in formatted.into_iter().flatten().flatten().flatten() {
        source.push_str(&text);
    }
    Ok(source)
}

/// A lane of a file: built and printed on a thread of its own (see
/// [`format_lanes_in_parallel_after`]).
pub type SectionLane<'a> =
    Box<dyn FnOnce() -> Box<dyn Iterator<Item = Section<'a>> + 'a> + Send + 'a>;

/// What a lane's thread printed itself, and which of its pieces are copies of earlier ones.
#[derive(Default)]
struct PrintedLane {
    /// How many pieces the lane has.
    count: usize,
    printed: Vec<(usize, String)>,
    copies: Vec<(usize, usize)>,
}

/// Prints one lane's sections on this thread; its pieces left to `syn` go to the channel.
fn print_lane<'a>(
    lane: usize,
    sections: impl IntoIterator<Item = Section<'a>>,
    sender: &mpsc::Sender<(PieceIndex, Piece)>,
) -> PrintedLane {
    let mut printed_lane = PrintedLane::default();
    // A piece to parse whose text an earlier one had formats the same, so it is copied
    // instead: generated code repeats statements (an operation's credentials, a status
    // `match`), half of what goes to `syn` in some documents.
    let mut first_with_text: HashMap<(String, usize, usize), usize> = HashMap::new();
    for_each_piece(sections, |piece| {
        let count = printed_lane.count;
        printed_lane.count += 1;
        match piece {
            // Pieces printed here are done: sending them through the channel would wake a worker
            // (a futex call) for nothing, once per item.
            Piece::Printed(text) => printed_lane.printed.push((count, text)),
            // Its message is reported as a piece that does not parse would be.
            failed @ Piece::Failed(_) => {
                let _ = sender.send(((lane, count), failed));
            }
            Piece::Parse {
                text,
                drop_first_lines,
                drop_last_lines,
            } => {
                let key = (text, drop_first_lines, drop_last_lines);
                if let Some(&first) = first_with_text.get(&key) {
                    printed_lane.copies.push((count, first));
                    return;
                }
                let (text, drop_first_lines, drop_last_lines) = key.clone();
                if text.len() <= LONGEST_REMEMBERED_PIECE {
                    first_with_text.insert(key, count);
                }
                let piece = Piece::Parse {
                    text,
                    drop_first_lines,
                    drop_last_lines,
                };
                // A receiver only goes away by panicking; the missing piece is reported later.
                let _ = sender.send(((lane, count), piece));
            }
        }
    });
    printed_lane
}

fn format_pieces(
    receiver: &Mutex<mpsc::Receiver<(PieceIndex, Piece)>>,
) -> Vec<(PieceIndex, Result<String, String>)> {
    let mut results = Vec::new();
    loop {
        let next = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return results,
        };
        let Ok((index, piece)) = next else {
            return results;
        };
        results.push((index, format_piece(piece)));
    }
}

fn format_piece(piece: Piece) -> Result<String, String> {
    let (text, drop_first_lines, drop_last_lines) = match piece {
        Piece::Printed(text) => return Ok(text),
        Piece::Failed(message) => return Err(message),
        Piece::Parse {
            text,
            drop_first_lines,
            drop_last_lines,
        } => (text, drop_first_lines, drop_last_lines),
    };
    let file = syn::parse_file(&text).map_err(|error| error.to_string())?;
    let printed = prettyplease::unparse(&file);
    let wrapper_missing = || format!("the wrapper lines of a piece are missing: {printed}");
    let mut text = printed.as_str();
    for _ in 0..drop_first_lines {
        text = &text[text.find('\n').ok_or_else(wrapper_missing)? + 1..];
    }
    for _ in 0..drop_last_lines {
        let without_newline = text.strip_suffix('\n').ok_or_else(wrapper_missing)?;
        text = &text[..without_newline.rfind('\n').map_or(0, |index| index + 1)];
    }
    Ok(text.to_string())
}

/// Pieces up to this long are remembered to format a repeated one once (the repeated ones are
/// runs of statements, far shorter); a longer one is formatted every time.
const LONGEST_REMEMBERED_PIECE: usize = 16 * 1024;

/// Items are handed over in batches of about this much text: fewer, larger pieces cost less to
/// parse and print than one piece per item, and still keep every core busy.
const BATCH_BYTES: usize = 8 * 1024;

/// Hands over the file's items as text in batches; the items of an inline module or an `impl`
/// block go in wrappers of the same kind (see [`Batches`]). An item of a shape `fast_items.rs`
/// prints is handed over printed (a top-level `impl` block is offered whole before it is split;
/// the first item of a split block only when `fast_functions.rs` prints the block's header, as
/// otherwise the first piece carries it). A function is handed over as its printed parts and the
/// runs of statements left to prettyplease (see [`push_function`]).
fn for_each_piece<'a>(
    sections: impl IntoIterator<Item = Section<'a>>,
    mut hand_over: impl FnMut(Piece),
) {
    let mut top_level = Batches::new(None);
    // A section is emitted only when asked for here, after the previous one has been handed over
    // and its tokens dropped; so is each group of a block section's items.
    for section in sections {
        match section {
            Section::Items(tokens) => {
                for item in split_items(tokens) {
                    push_top_level_item(item, &mut top_level, &mut hand_over);
                }
            }
            Section::Block {
                header,
                items,
                part,
            } => {
                let header: Vec<TokenTree> = header.into_iter().collect();
                let Some(later_opening) = block_opening(&header) else {
                    if part != BlockPart::Whole {
                        // Only a module or an `impl` block has a stand-in header for its parts.
                        hand_over(Piece::Failed(format!(
                            "a part of a block that is neither a module nor an `impl` block: {}",
                            text_of(header)
                        )));
                        continue;
                    }
                    // Not a module or an `impl` block: an item like any other, whole.
                    let body: TokenStream = items.collect();
                    let mut item = header;
                    item.push(TokenTree::Group(proc_macro2::Group::new(
                        Delimiter::Brace,
                        body,
                    )));
                    push_top_level_item(item, &mut top_level, &mut hand_over);
                    continue;
                };
                top_level.finish(&mut hand_over);
                top_level = Batches::new(None);
                push_block(
                    header,
                    items.flat_map(split_items),
                    later_opening,
                    part,
                    &mut hand_over,
                );
            }
        }
    }
    top_level.finish(&mut hand_over);
}

/// One top-level item: printed whole (`impl` blocks of a printed shape included, before splitting
/// blocks), as a function's printed parts, as a block split into its items, or as text.
fn push_top_level_item(
    item: Vec<TokenTree>,
    top_level: &mut Batches,
    hand_over: &mut impl FnMut(Piece),
) {
    if let Some(printed) = fast_items::print_item(&item, 0) {
        top_level.push_printed(printed, hand_over);
        return;
    }
    if let Some(segments) = fast_functions::print_function(&item, 0) {
        push_function(segments, top_level, hand_over);
        return;
    }
    match block_with_items(item) {
        Ok((header, body, later_opening)) => {
            // The items before this block go first.
            std::mem::replace(top_level, Batches::new(None)).finish(hand_over);
            push_block(
                header,
                split_items(body).into_iter(),
                later_opening,
                BlockPart::Whole,
                hand_over,
            );
        }
        Err(item) => top_level.push(text_of(item), hand_over),
    }
}

/// A module's or an `impl` block's items, in batches wrapped in the block's header (see
/// [`Batches`]). `items` may be produced while they are formatted.
fn push_block(
    header: Vec<TokenTree>,
    items: impl Iterator<Item = Vec<TokenTree>>,
    later_opening: &'static str,
    part: BlockPart,
    hand_over: &mut impl FnMut(Piece),
) {
    let mut inner_items = items.peekable();
    // An `impl` block's header printed here lets its first item be printed too.
    let printed_header = if !part.opens() || inner_items.peek().is_none() {
        None
    } else {
        fast_functions::print_impl_header(&header)
    };
    let header = text_of(header);
    let mut inner = Batches::for_block(header.clone(), later_opening, part);
    if let Some(printed_header) = printed_header {
        inner.push_printed(printed_header, hand_over);
    }
    for inner_item in inner_items {
        if !inner.is_empty() {
            if let Some(printed) = fast_items::print_item(&inner_item, 4) {
                inner.push_printed(printed, hand_over);
                continue;
            }
            if let Some(segments) = fast_functions::print_function(&inner_item, 4) {
                push_function(segments, &mut inner, hand_over);
                continue;
            }
        }
        let text = text_of(inner_item);
        inner.push(text, hand_over);
    }
    if inner.is_empty() {
        // An empty block: printed as a whole.
        hand_over(Piece::Parse {
            text: format!("{header} {{}}"),
            drop_first_lines: 0,
            drop_last_lines: 0,
        });
    } else {
        inner.finish(hand_over);
    }
}

/// Items grouped into pieces of about [`BATCH_BYTES`]. Inside a block, the first piece opens with
/// the block's own header and keeps it; later ones open with a one-line stand-in (`mod m`,
/// `impl M`) whose line is dropped, and every piece but the last drops its closing `}` line. When
/// the block ends with printed items, its closing `}` line is a piece of its own.
struct Batches {
    block: Option<(String, &'static str)>,
    current: String,
    /// A full batch, handed over once the next item shows it is not the last.
    full: Option<String>,
    handed_over: usize,
    /// The last piece handed over is a printed item, so no batch closes the block.
    ends_with_printed: bool,
    /// Whether the block's closing brace is printed here (not when a later part of it follows).
    closes: bool,
}

impl Batches {
    fn new(block: Option<(String, &'static str)>) -> Self {
        Batches {
            block,
            current: String::new(),
            full: None,
            handed_over: 0,
            ends_with_printed: false,
            closes: true,
        }
    }

    /// The batches of a block, or of a part of one: a part after the first opens with the
    /// stand-in header, as if the header had been handed over, and a part before the last keeps
    /// no closing brace.
    fn for_block(header: String, later_opening: &'static str, part: BlockPart) -> Self {
        let mut batches = Batches::new(Some((header, later_opening)));
        batches.handed_over = usize::from(!part.opens());
        batches.closes = part.closes();
        batches
    }

    fn is_empty(&self) -> bool {
        self.handed_over == 0 && self.full.is_none() && self.current.is_empty()
    }

    /// An item already printed: the batch so far goes first, and is not the block's last.
    fn push_printed(&mut self, printed: String, hand_over: &mut impl FnMut(Piece)) {
        self.push_ready(Piece::Printed(printed), hand_over);
    }

    /// A piece that needs no wrapper of this block (printed, or wrapped already): the batch so
    /// far goes first, and is not the block's last.
    fn push_ready(&mut self, piece: Piece, hand_over: &mut impl FnMut(Piece)) {
        if let Some(full) = self.full.take() {
            self.hand_over(full, false, hand_over);
        }
        if !self.current.is_empty() {
            let current = std::mem::take(&mut self.current);
            self.hand_over(current, false, hand_over);
        }
        self.handed_over += 1;
        self.ends_with_printed = true;
        hand_over(piece);
    }

    fn push(&mut self, text: String, hand_over: &mut impl FnMut(Piece)) {
        self.ends_with_printed = false;
        if let Some(full) = self.full.take() {
            self.hand_over(full, false, hand_over);
        }
        if !self.current.is_empty() {
            self.current.push(' ');
        }
        self.current.push_str(&text);
        if self.current.len() >= BATCH_BYTES {
            self.full = Some(std::mem::take(&mut self.current));
        }
    }

    fn finish(mut self, hand_over: &mut impl FnMut(Piece)) {
        let full = self.full.take();
        let current = std::mem::take(&mut self.current);
        match (full, current.is_empty()) {
            (Some(full), true) => self.hand_over(full, true, hand_over),
            (Some(full), false) => {
                self.hand_over(full, false, hand_over);
                self.hand_over(current, true, hand_over);
            }
            (None, false) => self.hand_over(current, true, hand_over),
            (None, true) => {
                if self.ends_with_printed && self.block.is_some() && self.closes {
                    // Blocks are split at the top level only, so their `}` is not indented.
                    hand_over(Piece::Printed("}\n".to_string()));
                }
            }
        }
    }

    fn hand_over(&mut self, items: String, last: bool, hand_over: &mut impl FnMut(Piece)) {
        let first = self.handed_over == 0;
        self.handed_over += 1;
        hand_over(match &self.block {
            None => Piece::Parse {
                text: items,
                drop_first_lines: 0,
                drop_last_lines: 0,
            },
            Some((header, later_opening)) => Piece::Parse {
                text: format!(
                    "{} {{ {items} }}",
                    if first {
                        header.as_str()
                    } else {
                        later_opening
                    }
                ),
                drop_first_lines: usize::from(!first),
                drop_last_lines: usize::from(!last || !self.closes),
            },
        });
    }
}

/// A function printed by `fast_functions.rs`: its printed parts as they are, and each run of
/// statements left to prettyplease in a stand-in function at the same indentation (`fn f() {
/// ... }`, inside `impl M { ... }` for a method), whose wrapper lines are dropped. A run that is
/// not the body's last is followed by a stand-in statement, so that it is not the last there
/// either.
fn push_function(segments: Vec<Segment>, batches: &mut Batches, hand_over: &mut impl FnMut(Piece)) {
    for segment in segments {
        match segment {
            Segment::Printed(printed) => {
                if !printed.is_empty() {
                    batches.push_printed(printed, hand_over);
                }
            }
            Segment::Statements {
                text,
                indent,
                last_in_block,
            } => {
                let follower = if last_in_block { "" } else { " ();" };
                let (wrapped, wrapper_lines) = if indent == 0 {
                    (format!("fn f() {{ {text}{follower} }}"), 1)
                } else {
                    (format!("impl M {{ fn f() {{ {text}{follower} }} }}"), 2)
                };
                batches.push_ready(
                    Piece::Parse {
                        text: wrapped,
                        drop_first_lines: wrapper_lines,
                        drop_last_lines: wrapper_lines + usize::from(!last_in_block),
                    },
                    hand_over,
                );
            }
        }
    }
}

/// Splits a stream of items at the item boundaries (a `;` or a closing `}` that ends an item).
fn split_items(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut items = Vec::new();
    let mut current = Vec::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        let ends_item = match &tree {
            TokenTree::Punct(punct) => punct.as_char() == ';',
            TokenTree::Group(group) => {
                group.delimiter() == Delimiter::Brace
                    && match trees.peek() {
                        None => true,
                        Some(TokenTree::Punct(punct)) => punct.as_char() == '#',
                        Some(TokenTree::Ident(word)) => {
                            ITEM_START_WORDS.iter().any(|start| word == start)
                        }
                        Some(_) => false,
                    }
            }
            _ => false,
        };
        current.push(tree);
        if ends_item {
            items.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        items.push(current);
    }
    items
}

/// A block's header tokens, its body, and the stand-in header for its later pieces.
type Block = (Vec<TokenTree>, TokenStream, &'static str);

/// An inline module or an inherent or trait `impl` block, as its header (everything before the
/// `{`), its body and the one-line stand-in header for later pieces; any other item back as it was.
fn block_with_items(mut item: Vec<TokenTree>) -> Result<Block, Vec<TokenTree>> {
    let ends_with_body = matches!(
        item.last(),
        Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace
    );
    let Some(later_opening) = ends_with_body
        .then(|| block_opening(&item[..item.len() - 1]))
        .flatten()
    else {
        return Err(item);
    };
    match item.pop() {
        // The group is dropped here, so its stream is this function's alone and iterating it
        // moves its tokens instead of copying them.
        Some(TokenTree::Group(body)) => Ok((item, body.stream(), later_opening)),
        Some(last) => {
            item.push(last);
            Err(item)
        }
        None => Err(item),
    }
}

/// The one-line stand-in header for the later pieces of a block whose header (everything before
/// its `{`) is `header`: `mod m` for an inline module, `impl M` for an inherent or trait `impl`
/// block; `None` for any other item.
fn block_opening(header: &[TokenTree]) -> Option<&'static str> {
    let is_module = matches!(
        header,
        [.., TokenTree::Ident(keyword), TokenTree::Ident(_)] if keyword == "mod"
    );
    if is_module {
        return Some("mod m");
    }
    // `impl` as the item's first word (an attribute's words are inside its `[...]` group), or
    // `unsafe impl`.
    let mut words = header.iter().filter_map(|tree| match tree {
        TokenTree::Ident(word) => Some(word),
        _ => None,
    });
    let is_impl = match words.next() {
        Some(word) if word == "unsafe" => words.next().is_some_and(|word| word == "impl"),
        Some(word) => word == "impl",
        None => false,
    };
    is_impl.then_some("impl M")
}

/// See `format::items_printed_without_syn`. The first item of a block is counted as printed only
/// when the block's header is, as [`for_each_piece`] prints it only then; a function counts when
/// every statement of it is printed.
pub(super) fn count_items_printed_without_syn(tokens: TokenStream) -> (usize, usize) {
    let printed_whole = |item: &[TokenTree], indent: usize| {
        fast_items::print_item(item, indent).is_some()
            || fast_functions::print_function(item, indent).is_some_and(|segments| {
                segments
                    .iter()
                    .all(|segment| matches!(segment, Segment::Printed(_)))
            })
    };
    let (mut printed, mut total) = (0, 0);
    for item in split_items(tokens) {
        if printed_whole(&item, 0) {
            total += 1;
            printed += 1;
            continue;
        }
        match block_with_items(item) {
            Ok((header, body, _)) => {
                let header_printed = fast_functions::print_impl_header(&header).is_some();
                for (index, inner_item) in split_items(body).into_iter().enumerate() {
                    total += 1;
                    if (index > 0 || header_printed) && printed_whole(&inner_item, 4) {
                        printed += 1;
                    }
                }
            }
            Err(_) => total += 1,
        }
    }
    (printed, total)
}

fn text_of(trees: Vec<TokenTree>) -> String {
    trees.into_iter().collect::<TokenStream>().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn whole_file(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).expect("parses"))
    }

    #[test]
    fn pieces_joined_are_the_whole_file_formatted() {
        let tokens = quote! {
            #![doc = " A module."]
            pub use crate::runtime::{Error, Secret};
            const PROVIDER: &str = "x";
            pub const CHOICE: u8 = if PROVIDER.len() > 1 { 1 } else { 2 };
            pub mod types {
                #![allow(clippy::large_enum_variant)]
                /// A struct.
                #[derive(Debug, Clone)]
                pub struct Thing { pub a_very_long_field_name_that_wraps: ::std::collections::BTreeMap<String, Vec<Option<String>>>, pub b: u8 }
                pub struct Tuple(pub u8);
                impl Thing { pub fn new() -> Self { todo!() } }
                pub enum Choice { A, B { inner: u8 } }
                mod nested { pub fn f() {} }
            }
            impl Client { pub async fn call(&self) -> Result<(), Error> { let x = Thing { a: 1 }; match x { _ => {} } Ok(()) } }
            pub struct Client {}
        };
        assert_eq!(
            format_items_in_parallel([tokens.clone()]).as_deref(),
            Ok(whole_file(tokens).as_str())
        );
    }

    #[test]
    fn sections_formatted_one_after_another_are_the_whole_file_formatted() {
        let head = quote! {
            #![doc = " A module."]
            pub use crate::runtime::Error;
            const PROVIDER: &str = "x";
        };
        let types = quote! {
            /// Types.
            pub mod types {
                #![allow(clippy::large_enum_variant)]
                #[derive(Debug)]
                pub struct First { pub a: u8 }
                /// Printed without syn.
                pub struct Second { pub b: Option<Vec<(String, u8)>> }
                pub enum Choice { A, B(String) }
            }
        };
        let client = quote! {
            pub struct Client { pub http: u8 }
            impl Client { pub fn new() -> Self { Client { http: 1 } } }
        };
        let empty = quote!();
        let whole = quote! { #head #types #client };
        assert_eq!(
            format_items_in_parallel([head, empty.clone(), types, client, empty]).as_deref(),
            Ok(whole_file(whole).as_str())
        );
    }

    #[test]
    fn an_empty_file_and_an_empty_module_format_as_a_whole() {
        assert_eq!(format_items_in_parallel([quote!()]).as_deref(), Ok(""));
        let tokens = quote! { pub mod types {} pub mod one { pub struct A; } };
        assert_eq!(
            format_items_in_parallel([tokens.clone()]).as_deref(),
            Ok(whole_file(tokens).as_str())
        );
    }

    #[test]
    fn many_items_on_many_threads_come_out_in_order() {
        let structs = (0..2000).map(|index| {
            let name = quote::format_ident!("Item{index}");
            quote! {
                #[doc = "An item."]
                pub struct #name { pub value: Option<Vec<String>> }
                impl #name { pub const INDEX: usize = #index; }
            }
        });
        let functions: Vec<_> = (0..500)
            .map(|index| quote::format_ident!("call_{index}"))
            .collect();
        let tokens = quote! {
            pub mod types { #(#structs)* }
            #( pub fn #functions() -> u8 { if true { 1 } else { 2 } } )*
            /// The client.
            impl Client {
                #(
                    #[doc = "A call."]
                    pub async fn #functions(&self, value: &types::Item1) -> Result<u8, Error> { let _ = value; Ok(1) }
                )*
            }
            unsafe impl Send for Client {}
            impl Client {}
        };
        let expected = whole_file(tokens.clone());
        for _ in 0..3 {
            assert_eq!(
                format_items_in_parallel([tokens.clone()]),
                Ok(expected.clone())
            );
        }
    }

    /// Methods repeat statements left to `syn` (an operation's credentials): each distinct run is
    /// formatted once and copied, and the file is still byte for byte the whole file formatted,
    /// with the copies in their own places among pieces that differ (in the module, in an `impl`
    /// block, at the first and the later pieces of a block, and inside a piece too long to
    /// remember).
    #[test]
    fn repeated_pieces_are_formatted_once_and_land_in_every_place() {
        let methods = (0..300).map(|index| {
            let name = quote::format_ident!("call_{index}");
            let safe = index % 3 == 0;
            quote! {
                pub async fn #name(&self) -> Result<u8, Error> {
                    if let Some(token) = &self.credentials.token { request = request.header("Authorization", token); } else { return Err(Error::missing(#safe)); }
                    let context = Context { retry_safe: #safe, limits: &self.limits };
                    Ok(1)
                }
            }
        });
        let free_functions = (0..50).map(|index| {
            let name = quote::format_ident!("free_{index}");
            quote! { pub fn #name() { if let Some(x) = y() { z(x); } } }
        });
        let long_piece_statements = (0..400).map(|index| {
            quote! { if let Some(x) = y() { z(x, #index); } }
        });
        let repeated_long_statements =
            (0..400).map(|_| quote! { if let Some(x) = y() { z(x, 1); } });
        let tokens = quote! {
            #(#free_functions)*
            impl Client { #(#methods)* }
            pub fn long() { #(#long_piece_statements)* }
            pub fn long_again() { #(#repeated_long_statements)* }
            impl Client { pub fn again(&self) { if let Some(x) = y() { z(x); } } }
        };
        let expected = whole_file(tokens.clone());
        assert_eq!(format_items_in_parallel([tokens]), Ok(expected));
    }

    /// Lanes printed on threads of their own come out in lane order, byte for byte the sections
    /// formatted one after another, whatever their number; an empty lane adds nothing, and a
    /// piece that does not parse in any lane gives the parser's message.
    #[test]
    fn lanes_on_their_own_threads_are_the_sections_one_after_another() {
        let lane_tokens: Vec<TokenStream> = (0..5)
            .map(|lane| {
                let items = (0..40).map(move |index| {
                    let name = quote::format_ident!("Lane{lane}Item{index}");
                    quote! {
                        pub struct #name { pub value: u8 }
                        pub fn #name() { if let Some(x) = y() { z(x, #lane); } }
                    }
                });
                quote! { #(#items)* }
            })
            .collect();
        let whole: TokenStream = lane_tokens.iter().cloned().collect();
        let expected = whole_file(whole);
        for other_count in [0, 1, 4] {
            let first: TokenStream = lane_tokens[..5 - other_count].iter().cloned().collect();
            let mut others: Vec<SectionLane<'_>> = lane_tokens[5 - other_count..]
                .iter()
                .map(|tokens| {
                    let tokens = tokens.to_string();
                    let lane: SectionLane<'_> = Box::new(move || {
                        let tokens: TokenStream = tokens.parse().expect("tokens");
                        Box::new(std::iter::once(Section::Items(tokens)))
                    });
                    lane
                })
                .collect();
            others.push(Box::new(|| Box::new(std::iter::empty())));
            let formatted =
                format_lanes_in_parallel_after(String::new(), [Section::Items(first)], others);
            assert_eq!(formatted, Ok(expected.clone()), "{other_count} other lanes");
        }
        let broken: SectionLane<'_> = Box::new(|| {
            Box::new(std::iter::once(Section::Items(
                quote! { pub fn f() { let = ; } },
            )))
        });
        let formatted = format_lanes_in_parallel_after(
            String::new(),
            [Section::Items(quote! { pub struct A; })],
            vec![broken],
        );
        assert!(formatted.is_err(), "{formatted:?}");
    }

    /// A module or an `impl` block cut into parts at any item, each part printed by a lane of
    /// its own, is byte for byte the whole block formatted: parts that start or end with an item
    /// printed without `syn` or with one left to it, a middle part, one-item parts. A part of a
    /// block that is neither a module nor an `impl` block is refused.
    #[test]
    fn a_block_cut_into_parts_in_lanes_is_the_whole_block() {
        let types: Vec<TokenStream> = (0..12)
            .map(|index| {
                let name = quote::format_ident!("Type{index}");
                if index % 3 == 0 {
                    // Left to `syn`: a function with an `if let`.
                    quote! { pub fn #name() { if let Some(x) = y() { z(x); } } }
                } else {
                    quote! { #[doc = "A type."] pub struct #name { pub value: Option<u8> } }
                }
            })
            .collect();
        let methods: Vec<TokenStream> = (0..9)
            .map(|index| {
                let name = quote::format_ident!("call_{index}");
                quote! { pub fn #name(&self) -> u8 { if let Some(x) = self.y() { x } else { #index } } }
            })
            .collect();
        let module_header = quote! { #[doc = "Types."] pub mod types };
        let impl_header = quote! { impl Client };
        let whole = quote! {
            #module_header { #(#types)* }
            #impl_header { #(#methods)* }
        };
        let expected = whole_file(whole);
        let block = |header: &TokenStream, items: &[TokenStream], part: BlockPart| {
            let (header, items) = (header.to_string(), items.iter().map(ToString::to_string));
            let items: Vec<String> = items.collect();
            let lane: SectionLane<'static> = Box::new(move || {
                let header: TokenStream = header.parse().expect("tokens");
                let items = items.into_iter().map(|item| item.parse().expect("tokens"));
                Box::new(std::iter::once(Section::Block {
                    header,
                    items: Box::new(items),
                    part,
                }))
            });
            lane
        };
        for (type_cuts, method_cuts) in [
            (vec![1, 11], vec![1]),
            (vec![3, 4], vec![8]),
            (vec![6], vec![2, 3, 5]),
            (vec![2, 5, 9], vec![4]),
        ] {
            let mut lanes = Vec::new();
            for (header, items, cuts) in [
                (&module_header, &types, &type_cuts),
                (&impl_header, &methods, &method_cuts),
            ] {
                let mut bounds = vec![0];
                bounds.extend(cuts.iter().copied());
                bounds.push(items.len());
                for window in bounds.windows(2) {
                    let part = match (window[0] == 0, window[1] == items.len()) {
                        (true, true) => BlockPart::Whole,
                        (true, false) => BlockPart::First,
                        (false, true) => BlockPart::Last,
                        (false, false) => BlockPart::Middle,
                    };
                    lanes.push(block(header, &items[window[0]..window[1]], part));
                }
            }
            let formatted = format_lanes_in_parallel_after(String::new(), [], lanes);
            assert_eq!(
                formatted,
                Ok(expected.clone()),
                "cut at {type_cuts:?} and {method_cuts:?}"
            );
        }
        let not_a_block = block(&quote! { pub fn f() }, &types[..2], BlockPart::First);
        let formatted = format_lanes_in_parallel_after(String::new(), [], vec![not_a_block]);
        assert!(
            formatted.is_err_and(|message| message.contains("neither a module nor")),
            "a part of a function body"
        );
    }

    #[test]
    fn a_file_that_does_not_parse_gives_the_parsers_message() {
        let error = format_items_in_parallel([quote! { pub struct ; fn }]).unwrap_err();
        assert!(error.contains("expected identifier"), "{error}");
    }
}
