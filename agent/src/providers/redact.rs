//! What a call sent, kept so that none of it can come back through what a provider says.
//!
//! A provider may quote anything it received in its answer: an error that names the key
//! it refused, a message that repeats the prompt, a redirect whose location holds either.
//! Every piece of provider text the agent passes on (an error message, a reply snippet,
//! a model name, a redirect location) goes through [`Redactor::quote`], which replaces
//! every occurrence of what was sent with `[redacted]` *before* the text is cut short,
//! so a cut can never leave the start of a secret behind.
//!
//! Matching is done on whitespace-collapsed text (the form [`sanitize`] gives), so a
//! provider that reflows the prompt's lines or spaces is still caught. Besides the key and
//! each message whole, each longer line of a message is looked for on its own: providers
//! tend to quote a line, not a whole conversation.
//!
//! A long conversation makes tens of thousands of patterns, whose automaton takes a
//! megabyte's worth of them and half a second to build, on the thread every provider
//! request shares. Most provider text is short (a model name in each streamed piece, a
//! finish reason, an error's message), and only a pattern that occurs in a text can be
//! replaced in it: a short text is matched against just those, found by a plain search,
//! and the whole automaton is built only for a long text.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use zeroize::Zeroizing;

use crate::sanitize::sanitize;

/// What replaces a redacted piece of text.
pub const REDACTED: &str = "[redacted]";

/// Messages shorter than this (in characters) are not looked for: a two-letter prompt
/// would otherwise blank every word that contains it.
const MIN_MESSAGE_CHARS: usize = 4;
/// Lines of a message at least this long are also looked for on their own.
const MIN_LINE_CHARS: usize = 16;
/// The longest text matched against only the patterns it contains: searching each
/// pattern in it costs a fraction of building the automaton of them all.
const MAX_FILTERED_TEXT_BYTES: usize = 1024;

/// Everything a call sent that a provider must not be quoted repeating. The patterns
/// are made (whitespace collapsed, lines split) only when there is provider text to
/// quote, and the automaton of them all only when that text is long.
#[derive(Default)]
pub struct Redactor {
    key: Option<Zeroizing<String>>,
    texts: Vec<Zeroizing<String>>,
    patterns: OnceLock<Vec<Zeroizing<String>>>,
    matcher: OnceLock<Option<Matcher>>,
}

/// The automaton, and how many patterns it has.
struct Matcher {
    automaton: AhoCorasick,
    patterns: usize,
}

impl Redactor {
    /// The redactor of a call that sent `key` (if any) and `texts` (the messages).
    pub fn new<'a>(key: Option<&str>, texts: impl IntoIterator<Item = &'a str>) -> Self {
        Redactor {
            key: key
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(|k| Zeroizing::new(k.to_owned())),
            texts: texts
                .into_iter()
                .map(|t| Zeroizing::new(t.to_owned()))
                .collect(),
            patterns: OnceLock::new(),
            matcher: OnceLock::new(),
        }
    }

    /// The key, each message whole and each longer line of it, whitespace collapsed,
    /// longest first; made once.
    fn patterns(&self) -> &[Zeroizing<String>] {
        self.patterns.get_or_init(|| self.make_patterns())
    }

    fn make_patterns(&self) -> Vec<Zeroizing<String>> {
        let mut patterns: Vec<Zeroizing<String>> = self.key.iter().cloned().collect();
        for text in &self.texts {
            let whole = Zeroizing::new(normalize(text));
            if whole.chars().count() < MIN_MESSAGE_CHARS {
                continue;
            }
            for line in text.lines() {
                let line = Zeroizing::new(normalize(line));
                if line.chars().count() >= MIN_LINE_CHARS && *line != *whole {
                    patterns.push(line);
                }
            }
            patterns.push(whole);
        }
        patterns.sort_by_key(|p| std::cmp::Reverse(p.len()));
        patterns.dedup();
        patterns
    }

    /// A redactor for the key alone.
    pub fn key_only(key: Option<&str>) -> Self {
        Redactor::new(key, [])
    }

    /// `text` as a learner may see it (see [`sanitize`]), with everything sent replaced
    /// by `[redacted]`, then cut to `max_chars`.
    pub fn quote(&self, text: &str, max_chars: usize) -> String {
        sanitize(&self.redact(&normalize(text)), max_chars)
    }

    /// `text` with every occurrence of what was sent replaced; `text` should already be
    /// whitespace-collapsed for reflowed quotes to match.
    fn redact(&self, text: &str) -> String {
        if text.len() <= MAX_FILTERED_TEXT_BYTES && self.matcher.get().is_none() {
            // The patterns absent from the text match nothing in it, so leaving them out
            // replaces exactly what the whole automaton would.
            let present = self
                .patterns()
                .iter()
                .filter(|p| p.len() <= text.len() && text.contains(p.as_str()));
            return match Matcher::build(present) {
                Some(matcher) => matcher.replace(text),
                None => text.to_owned(),
            };
        }
        match self.matcher() {
            Some(matcher) => matcher.replace(text),
            None => text.to_owned(),
        }
    }

    /// The automaton of every pattern, built once.
    fn matcher(&self) -> Option<&Matcher> {
        self.matcher
            .get_or_init(|| Matcher::build(self.patterns().iter()))
            .as_ref()
    }
}

impl Matcher {
    /// The automaton of `patterns`; `None` when there are none.
    fn build<'a>(patterns: impl Iterator<Item = &'a Zeroizing<String>>) -> Option<Matcher> {
        let patterns: Vec<&[u8]> = patterns.map(|p| p.as_bytes()).collect();
        if patterns.is_empty() {
            return None;
        }
        // Leftmost-longest: a whole message wins over one of its lines.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .inspect_err(|err| tracing::error!(error = %err, "cannot build the redactor"))
            .ok()?;
        Some(Matcher {
            automaton,
            patterns: patterns.len(),
        })
    }

    fn replace(&self, text: &str) -> String {
        self.automaton
            .replace_all(text, &vec![REDACTED; self.patterns])
    }
}

/// Replaces the key in streamed reply text, holding back a tail that could be the start
/// of the key, so a key a server echoes across two pieces is still caught. The pieces it
/// releases, joined, equal [`KeyFilter::whole`] of the joined input.
pub struct KeyFilter {
    key: Option<Zeroizing<String>>,
    held: String,
}

impl KeyFilter {
    pub fn new(key: Option<&str>) -> Self {
        KeyFilter {
            key: key
                .filter(|k| !k.is_empty())
                .map(|k| Zeroizing::new(k.to_owned())),
            held: String::new(),
        }
    }

    /// Takes the next piece; returns what may be passed on now.
    pub fn push(&mut self, piece: &str) -> String {
        self.held.push_str(piece);
        let Some(key) = &self.key else {
            return std::mem::take(&mut self.held);
        };
        if self.held.contains(key.as_str()) {
            self.held = self.held.replace(key.as_str(), REDACTED);
        }
        // Any occurrence that starts before the cut ends inside `held`, so it was
        // replaced; what follows the cut may still be the start of one.
        let mut cut = self.held.len().saturating_sub(key.len() - 1);
        while !self.held.is_char_boundary(cut) {
            cut -= 1;
        }
        let rest = self.held.split_off(cut);
        std::mem::replace(&mut self.held, rest)
    }

    /// What is still held back, once the stream has ended.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.held)
    }

    /// `text` with the key replaced: what the pieces of a whole stream add up to.
    pub fn whole(&self, text: String) -> String {
        match &self.key {
            Some(key) if text.contains(key.as_str()) => text.replace(key.as_str(), REDACTED),
            _ => text,
        }
    }
}

/// Whitespace collapsed and controls dropped, nothing cut.
fn normalize(text: &str) -> String {
    sanitize(text, usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_and_every_message_are_redacted_before_the_cut() {
        let key = "sk-live-0123456789abcdef";
        let prompt = "Explain photosynthesis\nto a ten-year-old learner, please";
        let redactor = Redactor::new(Some(key), [prompt, "ok"]);
        let said = format!(
            "{} backend failed for key {key} on prompt Explain photosynthesis to a ten-year-old learner, please",
            "x".repeat(150)
        );
        let quoted = redactor.quote(&said, 200);
        assert!(!quoted.contains("sk-live"), "{quoted}");
        assert!(!quoted.contains("photosynthesis"), "{quoted}");
        // One line of a longer message, quoted alone, is caught too.
        let quoted = redactor.quote("cannot parse: to a ten-year-old learner, please", 200);
        assert_eq!(quoted, "cannot parse: [redacted]");
        // Short messages are not looked for.
        assert_eq!(redactor.quote("token ok", 200), "token ok");
        assert_eq!(Redactor::default().quote("a\n b", 200), "a b");
    }

    #[test]
    fn a_key_split_across_pieces_is_still_replaced() {
        let key = "sk-abcdef";
        let pieces = ["Your key is sk-a", "bcd", "ef, and é", "sk-ab", "!"];
        let mut filter = KeyFilter::new(Some(key));
        let mut streamed: String = pieces.iter().map(|p| filter.push(p)).collect();
        streamed.push_str(&filter.finish());
        let whole = filter.whole(pieces.concat());
        assert_eq!(streamed, whole);
        assert_eq!(whole, "Your key is [redacted], and ésk-ab!");
        let mut open = KeyFilter::new(None);
        assert_eq!(open.push("as is"), "as is");
    }

    #[test]
    fn a_short_text_is_redacted_alike_without_the_whole_automaton() {
        let key = "sk-live-0123456789abcdef";
        let messages: Vec<String> = (0..64)
            .map(|m| {
                (0..8)
                    .map(|line| format!("message {m}, line {line}: what the learner wrote\n"))
                    .collect()
            })
            .collect();
        let said = [
            "gpt-4o-mini".to_owned(),
            format!("bad key {key}"),
            "echo: message 7, line 3: what the learner wrote".to_owned(),
            format!("{} and more", messages[9]),
            "x".repeat(MAX_FILTERED_TEXT_BYTES + 1) + &messages[2],
        ];
        let filtered = Redactor::new(Some(key), messages.iter().map(String::as_str));
        let whole = Redactor::new(Some(key), messages.iter().map(String::as_str));
        assert!(whole.matcher().is_some());
        for text in &said[..4] {
            assert_eq!(filtered.quote(text, 200), whole.quote(text, 200), "{text}");
        }
        assert_eq!(filtered.quote(&said[2], 200), "echo: [redacted]");
        assert_eq!(filtered.quote(&said[3], 200), "[redacted] and more");
        assert!(
            filtered.matcher.get().is_none(),
            "short texts need no automaton of the whole conversation"
        );
        // A long text is matched by the whole automaton.
        assert_eq!(filtered.quote(&said[4], 2000), whole.quote(&said[4], 2000));
        assert!(filtered.matcher.get().is_some());
    }
}
