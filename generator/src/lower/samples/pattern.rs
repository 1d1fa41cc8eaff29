//! A text that matches a `pattern` and has an admissible length (`minLength`..`maxLength`).
//!
//! `regex-syntax` reads the pattern; the set of lengths each part of it can match is computed (a
//! bitset up to a bound), so a match of exactly the length wanted is built: the shortest
//! admissible one, from the first alternative that reaches it, with a plain letter or digit for
//! each class. Every candidate is checked against the `regex` crate before it is given; a pattern
//! that is not end-anchored (`^https://`) is padded when no match alone is long enough. A pattern
//! `regex-syntax` cannot read (a look-around, a backreference, `\Z`, a possessive quantifier) is
//! read without those constructs, and the candidate is kept only when `fancy-regex`, which reads
//! them, agrees it matches the pattern as written.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Lengths past this are not searched (a `minLength` beyond it gives no sample).
const MAX_LENGTH: usize = 4096;

/// Past this many characters beyond `minLength` (or the shortest match) no length is searched.
const SEARCHED_LENGTHS: usize = 256;

/// A match of `pattern` whose length in characters lies in `min_length..=max_length`; `None` when
/// none is found (or the pattern cannot be read), never a text that does not match.
pub fn pattern_sample(
    pattern: &str,
    min_length: usize,
    max_length: Option<usize>,
) -> Option<String> {
    // A document names one pattern in many places (nexus's `Name` is behind hundreds of fields
    // and parameters), and the search costs far more than a lookup; the answer depends only on
    // the arguments.
    thread_local! {
        static SAMPLES: std::cell::RefCell<SampleCache> = Default::default();
    }
    let key = (pattern.to_string(), min_length, max_length);
    if let Some(sample) = SAMPLES.with(|samples| samples.borrow().get(&key).cloned()) {
        return sample;
    }
    let sample = search_pattern_sample(pattern, min_length, max_length);
    SAMPLES.with(|samples| samples.borrow_mut().insert(key, sample.clone()));
    sample
}

/// Samples already found, by pattern and length bounds.
type SampleCache = std::collections::HashMap<(String, usize, Option<usize>), Option<String>>;

fn search_pattern_sample(
    pattern: &str,
    min_length: usize,
    max_length: Option<usize>,
) -> Option<String> {
    let (hir, checker) = match regex_syntax::Parser::new().parse(pattern) {
        Ok(hir) => (hir, Checker::Regex(regex::Regex::new(pattern).ok()?)),
        Err(_) => {
            let readable = without_unreadable_constructs(pattern)?;
            let hir = regex_syntax::Parser::new().parse(&readable).ok()?;
            (hir, Checker::Fancy(fancy_regex::Regex::new(pattern).ok()?))
        }
    };
    let max_length = max_length.unwrap_or(usize::MAX).min(MAX_LENGTH);
    if min_length > max_length {
        return None;
    }
    let bound = max_length.min(min_length.saturating_add(SEARCHED_LENGTHS));
    let lengths = Lengths::of(&hir, bound)?;
    let admissible = |length: usize| (min_length..=max_length).contains(&length);
    // A built match has exactly `target` characters: lengths under `minLength` are not built.
    for target in (min_length..=bound).filter(|length| lengths.get(*length)) {
        let mut text = String::new();
        build(&hir, target, bound, &mut text, 0)?;
        if admissible(text.chars().count()) && checker.matches(&text) {
            return Some(text);
        }
    }
    // No match alone is long enough: a pattern that does not anchor its end allows more after
    // its match (`^https://` then anything), which the checker confirms.
    let shortest = (0..=bound).find(|length| lengths.get(*length))?;
    let mut text = String::new();
    build(&hir, shortest, bound, &mut text, 0)?;
    let missing = min_length.saturating_sub(text.chars().count());
    let padded = format!("{text}{}", "a".repeat(missing));
    (admissible(padded.chars().count()) && checker.matches(&padded)).then_some(padded)
}

/// The engine that confirms a candidate.
enum Checker {
    Regex(regex::Regex),
    Fancy(fancy_regex::Regex),
}

impl Checker {
    fn matches(&self, text: &str) -> bool {
        match self {
            Checker::Regex(regex) => regex.is_match(text),
            Checker::Fancy(regex) => regex.is_match(text).unwrap_or(false),
        }
    }
}

/// The pattern without the constructs `regex-syntax` refuses and a match can do without:
/// look-arounds are dropped, atomic groups become plain groups, possessive quantifiers greedy
/// ones, and `\Z`/`\z` the end anchor. `None` when a backreference or an unbalanced group remains.
fn without_unreadable_constructs(pattern: &str) -> Option<String> {
    let characters: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut index = 0;
    let mut in_class = false;
    while index < characters.len() {
        let character = characters[index];
        let rest: String = characters[index..characters.len().min(index + 4)]
            .iter()
            .collect();
        if character == '\\' {
            let next = *characters.get(index + 1)?;
            match next {
                'Z' | 'z' if !in_class => out.push('$'),
                '1'..='9' | 'k' if !in_class => return None,
                _ => {
                    out.push(character);
                    out.push(next);
                }
            }
            index += 2;
            continue;
        }
        if in_class {
            if character == ']' {
                in_class = false;
            }
            out.push(character);
            index += 1;
            continue;
        }
        if character == '[' {
            in_class = true;
            out.push(character);
            // A `]` right after `[` or `[^` is a literal.
            if characters.get(index + 1) == Some(&'^') {
                out.push('^');
                index += 1;
            }
            if characters.get(index + 1) == Some(&']') {
                out.push(']');
                index += 1;
            }
            index += 1;
            continue;
        }
        if ["(?=", "(?!"].iter().any(|start| rest.starts_with(start))
            || ["(?<=", "(?<!"].iter().any(|start| rest.starts_with(start))
        {
            index = group_end(&characters, index)? + 1;
            continue;
        }
        if rest.starts_with("(?>") {
            out.push_str("(?:");
            index += 3;
            continue;
        }
        if character == '+' && index > 0 && matches!(characters[index - 1], '*' | '+' | '?' | '}') {
            // Possessive (`a*+`): the `+` after a quantifier.
            let escaped = index >= 2 && characters[index - 2] == '\\';
            if !escaped {
                index += 1;
                continue;
            }
        }
        out.push(character);
        index += 1;
    }
    Some(out)
}

/// The index of the `)` that closes the group opened at `start`.
fn group_end(characters: &[char], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut index = start;
    let mut in_class = false;
    while index < characters.len() {
        match characters[index] {
            '\\' => index += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
        index += 1;
    }
    None
}

/// Which lengths (in characters, up to a bound) a part of a pattern can match: a bitset, so that
/// following one part by another costs the smaller part's lengths times `bound / 64` words, not
/// the product of both parts' lengths (a pattern of many `a*` parts and a large `minLength` took
/// minutes to read).
#[derive(Clone, PartialEq)]
struct Lengths {
    words: Vec<u64>,
    bound: usize,
}

impl Lengths {
    fn none(bound: usize) -> Lengths {
        Lengths {
            words: vec![0; bound / 64 + 1],
            bound,
        }
    }

    fn only(length: usize, bound: usize) -> Lengths {
        let mut lengths = Lengths::none(bound);
        if length <= bound {
            lengths.words[length / 64] |= 1 << (length % 64);
        }
        lengths
    }

    fn get(&self, length: usize) -> bool {
        length <= self.bound && self.words[length / 64] & (1 << (length % 64)) != 0
    }

    fn count(&self) -> u32 {
        self.words.iter().map(|word| word.count_ones()).sum()
    }

    fn members(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(index, word)| {
            let mut word = *word;
            std::iter::from_fn(move || {
                (word != 0).then(|| {
                    let bit = word.trailing_zeros() as usize;
                    word &= word - 1;
                    index * 64 + bit
                })
            })
        })
    }

    /// The lengths of one part followed by another: the other's set shifted by each of the
    /// fewer-membered set's lengths.
    fn then(&self, other: &Lengths) -> Lengths {
        let (shifts, shifted) = if self.count() <= other.count() {
            (self, other)
        } else {
            (other, self)
        };
        let mut sum = Lengths::none(self.bound);
        let word_count = sum.words.len();
        for shift in shifts.members() {
            let (word_shift, bit_shift) = (shift / 64, shift % 64);
            for (index, word) in shifted.words.iter().enumerate() {
                let target = index + word_shift;
                if target >= word_count {
                    break;
                }
                sum.words[target] |= word << bit_shift;
                if bit_shift > 0 && target + 1 < word_count {
                    sum.words[target + 1] |= word >> (64 - bit_shift);
                }
            }
        }
        let used_bits = self.bound % 64 + 1;
        if used_bits < 64 {
            sum.words[word_count - 1] &= (1 << used_bits) - 1;
        }
        sum
    }

    fn or(&self, other: &Lengths) -> Lengths {
        Lengths {
            words: self
                .words
                .iter()
                .zip(&other.words)
                .map(|(a, b)| a | b)
                .collect(),
            bound: self.bound,
        }
    }

    /// The lengths of `hir`; `None` when some part gives no plain text.
    fn of(hir: &Hir, bound: usize) -> Option<Lengths> {
        Self::within(hir, bound, 0)
    }

    fn within(hir: &Hir, bound: usize, depth: usize) -> Option<Lengths> {
        if depth > 64 {
            return None;
        }
        Some(match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => Lengths::only(0, bound),
            HirKind::Literal(literal) => {
                Lengths::only(std::str::from_utf8(&literal.0).ok()?.chars().count(), bound)
            }
            HirKind::Class(class) => {
                class_character(class)?;
                Lengths::only(1, bound)
            }
            HirKind::Capture(capture) => Self::within(&capture.sub, bound, depth + 1)?,
            HirKind::Concat(parts) => {
                let mut lengths = Lengths::only(0, bound);
                for part in parts {
                    lengths = lengths.then(&Self::within(part, bound, depth + 1)?);
                }
                lengths
            }
            HirKind::Alternation(alternatives) => {
                let mut lengths = Lengths::none(bound);
                let mut readable = false;
                for alternative in alternatives {
                    // An alternative without plain text is one the sample does not take.
                    if let Some(alternative) = Self::within(alternative, bound, depth + 1) {
                        lengths = lengths.or(&alternative);
                        readable = true;
                    }
                }
                readable.then_some(lengths)?
            }
            HirKind::Repetition(repetition) => {
                let once = Self::within(&repetition.sub, bound, depth + 1)?;
                repeated(
                    &once,
                    repetition.min as usize,
                    repetition.max.map(|max| max as usize),
                    bound,
                )
            }
        })
    }
}

/// The lengths of `min..=max` copies of a part of lengths `once`.
fn repeated(once: &Lengths, min: usize, max: Option<usize>, bound: usize) -> Lengths {
    let mut copies = Lengths::only(0, bound);
    for _ in 0..min.min(bound + 1) {
        copies = copies.then(once);
    }
    if min > bound + 1 && !once.get(0) {
        return Lengths::none(bound);
    }
    let more = max.map_or(usize::MAX, |max| max.saturating_sub(min));
    if more > bound {
        // As many more copies as fit: `copies` then the closure of `once` (`{0}`, then adding a
        // copy until nothing changes), which takes as many rounds as the longest chain of
        // copies needs, not one round per length up to the bound each costing as much.
        let mut closure = Lengths::only(0, bound);
        loop {
            let next = closure.or(&closure.then(once));
            if next == closure {
                return copies.then(&closure);
            }
            closure = next;
        }
    }
    let mut all = copies.clone();
    // `more <= bound` here: an unbounded or longer repetition took the closure above.
    for _ in 0..more {
        let next = copies.then(once);
        // Past the bound, or no new length (a part that can be empty): more copies add nothing.
        if next == copies || next.members().next().is_none() {
            break;
        }
        copies = next;
        all = all.or(&copies);
    }
    all
}

/// The character a class gives: a plain letter, digit or sign where it has one.
fn class_character(class: &Class) -> Option<char> {
    match class {
        Class::Unicode(class) => {
            let contains = |character: char| {
                class
                    .ranges()
                    .iter()
                    .any(|range| range.start() <= character && character <= range.end())
            };
            let plain = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_-.";
            plain
                .chars()
                .find(|character| contains(*character))
                .or_else(|| (' '..='~').find(|character| contains(*character)))
        }
        Class::Bytes(class) => class
            .ranges()
            .iter()
            .flat_map(|range| range.start()..=range.end())
            .find(|byte| byte.is_ascii_alphanumeric())
            .map(char::from),
    }
}

/// Appends a match of `hir` of exactly `target` characters (which its lengths must contain).
fn build(hir: &Hir, target: usize, bound: usize, text: &mut String, depth: usize) -> Option<()> {
    if depth > 64 {
        return None;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => (target == 0).then_some(()),
        HirKind::Literal(literal) => {
            text.push_str(std::str::from_utf8(&literal.0).ok()?);
            Some(())
        }
        HirKind::Class(class) => {
            text.push(class_character(class)?);
            Some(())
        }
        HirKind::Capture(capture) => build(&capture.sub, target, bound, text, depth + 1),
        HirKind::Concat(parts) => {
            let part_lengths = parts
                .iter()
                .map(|part| Lengths::within(part, bound, depth + 1))
                .collect::<Option<Vec<_>>>()?;
            build_sequence(
                parts.iter().collect(),
                &part_lengths,
                target,
                bound,
                text,
                depth,
            )
        }
        HirKind::Alternation(alternatives) => {
            let alternative = alternatives.iter().find(|alternative| {
                Lengths::within(alternative, bound, depth + 1)
                    .is_some_and(|lengths| lengths.get(target))
            })?;
            build(alternative, target, bound, text, depth + 1)
        }
        HirKind::Repetition(repetition) => {
            let once = Lengths::within(&repetition.sub, bound, depth + 1)?;
            let min = repetition.min as usize;
            let max = repetition.max.map_or(usize::MAX, |max| max as usize);
            // The fewest copies that reach `target`.
            let mut copies = Lengths::only(0, bound);
            for count in 0..=max.min(min + bound + 1) {
                if count >= min && copies.get(target) {
                    let parts = vec![repetition.sub.as_ref(); count];
                    let lengths = vec![once.clone(); count];
                    return build_sequence(parts, &lengths, target, bound, text, depth);
                }
                copies = copies.then(&once);
            }
            None
        }
    }
}

/// Appends matches of `parts` one after another, `target` characters in all: each part takes the
/// fewest characters that leave the rest a length its followers can match.
fn build_sequence(
    parts: Vec<&Hir>,
    lengths: &[Lengths],
    target: usize,
    bound: usize,
    text: &mut String,
    depth: usize,
) -> Option<()> {
    // `after[index]`: the lengths the parts from `index` on can match together.
    let mut after = vec![Lengths::only(0, bound); parts.len() + 1];
    for index in (0..parts.len()).rev() {
        after[index] = lengths[index].then(&after[index + 1]);
    }
    let mut left = target;
    for (index, part) in parts.iter().enumerate() {
        let length = lengths[index]
            .members()
            .find(|length| *length <= left && after[index + 1].get(left - length))?;
        build(part, length, bound, text, depth + 1)?;
        left -= length;
    }
    (left == 0).then_some(())
}

#[cfg(test)]
mod tests {
    use super::pattern_sample;

    /// The sample, checked here against the `regex` crate and the length bounds independently.
    fn checked(pattern: &str, min_length: usize, max_length: Option<usize>) -> Option<String> {
        let text = pattern_sample(pattern, min_length, max_length)?;
        let length = text.chars().count();
        assert!(
            length >= min_length,
            "{text:?} is shorter than {min_length}"
        );
        assert!(
            max_length.map_or(true, |max| length <= max),
            "{text:?} is longer than {max_length:?}"
        );
        if let Ok(regex) = regex::Regex::new(pattern) {
            assert!(regex.is_match(&text), "{text:?} does not match {pattern}");
        }
        Some(text)
    }

    #[test]
    fn patterns_give_their_shortest_plain_match_and_unreadable_ones_nothing() {
        assert_eq!(
            checked("payTo|upi_collect", 0, Some(50)).as_deref(),
            Some("payTo")
        );
        assert_eq!(checked("^(sepa|iban)$", 0, None).as_deref(), Some("sepa"));
        assert_eq!(
            checked(r"^\d+\.\d+\.\d+([\-\+].+)?$", 0, None).as_deref(),
            Some("0.0.0")
        );
        assert_eq!(
            checked(r"^web3_\w+_signature$", 0, None).as_deref(),
            Some("web3_a_signature")
        );
        assert_eq!(
            checked("^oauth_(?:(?:token_)|(?:custom_))?[a-z0-9_]+$", 0, None).as_deref(),
            Some("oauth_a")
        );
        assert_eq!(checked("^[A-Z]{3}$", 0, None).as_deref(), Some("AAA"));
        assert_eq!(checked("^[^a]+$", 0, None).as_deref(), Some("b"));
        // A backreference has no reading without it: no sample, never a wrong one.
        assert_eq!(pattern_sample(r"^(a)\1$", 0, None), None);
    }

    #[test]
    fn min_and_max_length_choose_a_match_of_an_admissible_length() {
        assert_eq!(
            checked("^[a-z][a-z0-9-]*$", 3, None).as_deref(),
            Some("aaa")
        );
        assert_eq!(checked("^[a-z]{2,4}$", 4, None).as_deref(), Some("aaaa"));
        assert_eq!(checked("^[a-z]{2}$", 4, None), None);
        // The shortest match is empty, and the length lives in a nested optional group
        // (Clerk's `createApiKey` name): `a`, then `a` + `a`... + `a`.
        assert_eq!(checked(r"^(\S(.*\S)?)?$", 3, None).as_deref(), Some("aaa"));
        assert_eq!(checked(r"^(\S(.*\S)?)?$", 0, None).as_deref(), Some(""));
        // Every part is bounded: the lengths between are reached by spreading the copies.
        assert_eq!(
            checked(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$", 2, Some(32)).as_deref(),
            Some("aa")
        );
        let long = checked(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$", 20, Some(32)).expect("a sample");
        assert_eq!(long.len(), 20);
        assert_eq!(checked("^(ab){2,}$", 5, None).as_deref(), Some("ababab"));
        assert_eq!(checked("^(ab){2,}$", 0, Some(3)), None);
        // The shortest match is too long for `maxLength`.
        assert_eq!(checked("^[a-z]{10}$", 0, Some(5)), None);
        // A pattern that does not anchor its end is padded after its match.
        assert_eq!(
            checked("^https://", 12, None).as_deref(),
            Some("https://aaaa")
        );
        // A `minLength` beyond what any sample is searched for gives none.
        assert_eq!(pattern_sample("^a+$", 100_000, None), None);
        let repeated = checked(".+\\.[Jj][Ss][Oo][Nn][Ll]$", 7, None).expect("a sample");
        assert_eq!(repeated, "a.jsonl");
    }

    #[test]
    fn constructs_only_ecma_reads_are_set_aside_and_the_candidate_checked_as_written() {
        // A look-ahead is dropped for the search; `fancy-regex` confirms the candidate.
        assert_eq!(checked("^(?=x)x+$", 0, None).as_deref(), Some("x"));
        assert_eq!(checked("^(?!b)[a-c]{2}$", 0, None).as_deref(), Some("aa"));
        // A negative look-ahead the first candidate breaks: no later candidate is invented.
        assert_eq!(pattern_sample("^(?!aa)a{2}$", 0, None), None);
        // Possessive quantifiers and atomic groups read as their greedy counterparts.
        assert_eq!(checked("^a++b$", 0, None).as_deref(), Some("ab"));
        assert_eq!(checked("^(?>ab|a)c$", 0, None).as_deref(), Some("ac"));
        assert_eq!(checked(r"^[0-9]{2}\Z", 0, None).as_deref(), Some("00"));
    }

    #[test]
    fn real_world_patterns_with_their_lengths_give_confirmed_samples() {
        // (pattern, minLength, maxLength) as public documents write them.
        let cases: &[(&str, usize, Option<usize>)] = &[
            (
                r"^((xn--)?[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*\.)+[a-zA-Z]{2,}\.?$",
                4,
                Some(253),
            ),
            (
                r"^(default|[a-z_]+=(on|off|default)(,[a-z_]+=(on|off|default))*)$",
                0,
                None,
            ),
            (r"^.+/.+$", 0, Some(1024)),
            (r"^[A-Z_]*(,[A-Z_]+)*$", 0, Some(1024)),
            (
                r#"^[A-Za-z0-9()\[\]'"][-A-Za-z0-9_. \/()\[\]]{0,40}[A-Za-z0-9()\[\]'"]$"#,
                2,
                Some(42),
            ),
            (r"^[KEg\$lshzxeA]*$", 0, Some(32)),
            (r"^[_A-Za-z0-9][-._A-Za-z0-9]{0,63}$", 0, Some(64)),
            (
                r"^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)+$",
                0,
                Some(253),
            ),
            (r"^[a-zA-Z0-9]?[a-z0-9A-Z.\-]*[a-z0-9A-Z]$", 0, Some(255)),
            (r"^[a-zA-Z0-9_\-\:]+$", 0, Some(255)),
            (
                r"^$|[0-9a-f]{8}\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\b[0-9a-f]{12}",
                0,
                None,
            ),
            (
                r"^do:(dbaas|domain|droplet|floatingip|loadbalancer|space|volume|kubernetes|vpc):.*",
                0,
                None,
            ),
            (r"^[\w.@+-]+$", 0, Some(150)),
            (r"^(user|org|mch)_\w{27}$", 0, None),
            (r"^(ak|api_key)_[0-9A-Fa-f]{32}$", 0, None),
        ];
        for (pattern, min_length, max_length) in cases {
            assert!(
                checked(pattern, *min_length, *max_length).is_some(),
                "no sample for {pattern}"
            );
        }
    }

    #[test]
    fn many_parts_that_can_be_empty_and_a_long_min_length_are_read_without_quadratic_work() {
        // Parts of lengths 0..=bound: following one by another once cost bound² steps, and every
        // length under `minLength` was built, so `gen --spec` on a `minLength: 4000` parameter
        // of 150 such parts ran for minutes.
        let pattern = format!("^{}$", "(?:a*b?)".repeat(40));
        let sample = checked(&pattern, 4000, None).expect("a sample");
        assert_eq!(sample.chars().count(), 4000);
        let pattern = format!("^{}$", "[a-z]{0,4000}".repeat(3));
        let sample = checked(&pattern, 4090, Some(4090)).expect("a sample");
        assert_eq!(sample.chars().count(), 4090);
    }
}

#[cfg(test)]
mod length_tests {
    use super::{repeated, Lengths};

    /// `min..=max` copies of `once`, by brute force: every sum of that many members, up to the bound.
    fn copies_by_brute_force(once: &[usize], min: usize, max: usize, bound: usize) -> Vec<bool> {
        let mut reachable = vec![false; bound + 1];
        let mut current = vec![false; bound + 1];
        current[0] = true;
        for count in 0..=max {
            if count >= min {
                for (slot, present) in reachable.iter_mut().zip(&current) {
                    *slot |= *present;
                }
            }
            let mut next = vec![false; bound + 1];
            for (length, present) in current.iter().enumerate() {
                for part in once.iter().filter(|_| *present) {
                    if length + part <= bound {
                        next[length + part] = true;
                    }
                }
            }
            current = next;
        }
        reachable
    }

    #[test]
    fn repetitions_give_every_sum_of_their_copies_up_to_the_bound() {
        let bound = 11;
        // Every set of part lengths in 0..=5 (empty included), bounded and unbounded counts.
        for mask in 0u32..64 {
            let once: Vec<usize> = (0..6).filter(|length| mask & (1 << length) != 0).collect();
            let mut once_lengths = Lengths::none(bound);
            for length in &once {
                once_lengths = once_lengths.or(&Lengths::only(*length, bound));
            }
            for min in 0..5 {
                for max in [
                    Some(min),
                    Some(min + 1),
                    Some(min + 3),
                    Some(min + 20),
                    None,
                ] {
                    let expected =
                        copies_by_brute_force(&once, min, max.unwrap_or(bound + 2), bound);
                    let actual = repeated(&once_lengths, min, max, bound);
                    let actual: Vec<bool> = (0..=bound).map(|length| actual.get(length)).collect();
                    assert!(actual == expected, "{once:?} {min} {max:?}");
                }
            }
        }
    }
}
