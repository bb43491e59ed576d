//! `diagnostics.query` over everything the agent still has: the ring in memory (this
//! run's latest events, those not yet written included) and the journal on disk (every
//! run's, up to its ten files). Runs on the blocking pool.
//!
//! Events are searched newest first: the ring, then the journal files from the newest,
//! each from its end, skipping the journal's copies of the ring's events (everything
//! after the ring's oldest event). A cursor names the oldest event of the previous page
//! (its time and number); the next page is what comes after it in that order.
//!
//! The journal is the agent's own compact JSON, so a filter is first looked for as its
//! exact `"field":value` text in the line (`memchr`), and only lines that have every one
//! are parsed; `matched` counts those lines, and the events returned are parsed and
//! checked in full. A file whose time range lies outside the query's is not read
//! further than its first and last lines.

use std::cmp::Ordering;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use llm_agent_protocol::events::DiagnosticsEvent;
use llm_agent_protocol::methods::diagnostics::{DEFAULT_QUERY_LIMIT, QueryParams, QueryResult};
use memchr::memmem::Finder;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::DiagnosticsError;

/// An instant as the journal writes it, comparable without parsing a date: the
/// seconds part (`YYYY-MM-DDTHH:MM:SS`, UTC) and the nanoseconds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Instant {
    seconds: [u8; 19],
    nanos: u32,
}

impl Instant {
    /// Reads the agent's own RFC 3339 UTC form (`2026-11-21T21:56:24.3158Z`).
    fn of_journal(ts: &[u8]) -> Option<Instant> {
        let seconds: [u8; 19] = ts.get(..19)?.try_into().ok()?;
        let rest = ts.get(19..)?;
        let nanos = match rest {
            b"Z" => 0,
            [b'.', digits @ .., b'Z'] if (1..=9).contains(&digits.len()) => {
                let mut nanos = 0u32;
                for digit in digits {
                    if !digit.is_ascii_digit() {
                        return None;
                    }
                    nanos = nanos * 10 + u32::from(digit - b'0');
                }
                nanos * 10u32.pow(9 - digits.len() as u32)
            }
            _ => return None,
        };
        Some(Instant { seconds, nanos })
    }

    /// Reads any RFC 3339 time a client sends (any offset).
    fn of_param(text: &str) -> Option<Instant> {
        let at = OffsetDateTime::parse(text.trim(), &Rfc3339).ok()?;
        let utc = at.to_offset(time::UtcOffset::UTC);
        Instant::of_journal(crate::timestamp::rfc3339(utc.into()).as_bytes())
    }
}

/// Where a scan resumes: the event it must pass first (the previous page's oldest, or
/// the ring's oldest for the journal's copies).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mark {
    at: Instant,
    seq: u64,
}

impl Mark {
    fn parse(cursor: &str) -> Option<Mark> {
        let (ts, seq) = cursor.rsplit_once('#')?;
        Some(Mark {
            at: Instant::of_journal(ts.as_bytes())?,
            seq: seq.parse().ok()?,
        })
    }

    fn of(event: &DiagnosticsEvent) -> Option<Mark> {
        Some(Mark {
            at: Instant::of_journal(event.ts.as_bytes())?,
            seq: event.seq,
        })
    }

    fn cursor(event: &DiagnosticsEvent) -> String {
        format!("{}#{}", event.ts, event.seq)
    }
}

/// A query's filters, checked.
pub struct Filter {
    params: QueryParams,
    since: Option<Instant>,
    until: Option<Instant>,
    cursor: Option<Mark>,
    /// Each filter as its text in a journal line.
    needles: Vec<Finder<'static>>,
    limit: usize,
}

impl Filter {
    /// Checks the times and the cursor of `params`; `limit` overrides its limit (an
    /// export takes more than a query may).
    pub fn new(params: QueryParams, limit: Option<usize>) -> Result<Filter, DiagnosticsError> {
        let time = |field: &'static str, text: &Option<String>| match text {
            None => Ok(None),
            Some(text) => Instant::of_param(text)
                .map(Some)
                .ok_or(DiagnosticsError::BadTime { field }),
        };
        let since = time("since", &params.since)?;
        let until = time("until", &params.until)?;
        let cursor = match &params.cursor {
            None => None,
            Some(text) => Some(Mark::parse(text).ok_or(DiagnosticsError::BadCursor)?),
        };
        let mut needles = Vec::new();
        let mut needle = |field: &str, value: Option<String>| {
            if let Some(value) = value {
                needles.push(Finder::new(format!("\"{field}\":{value}").as_bytes()).into_owned());
            }
        };
        let json =
            |text: &Option<String>| text.as_ref().and_then(|t| serde_json::to_string(t).ok());
        needle("correlation_id", json(&params.correlation_id));
        needle("method", json(&params.method));
        needle("result", json(&params.result));
        needle("profile_id", json(&params.profile_id));
        needle(
            "kind",
            params.kind.and_then(|k| serde_json::to_string(&k).ok()),
        );
        let limit = limit.unwrap_or(params.limit.unwrap_or(DEFAULT_QUERY_LIMIT) as usize);
        Ok(Filter {
            params,
            since,
            until,
            cursor,
            needles,
            limit,
        })
    }

    fn in_range(&self, at: &Instant) -> bool {
        self.since.as_ref().is_none_or(|since| at >= since)
            && self.until.as_ref().is_none_or(|until| at < until)
    }

    /// Whether the range can hold any instant from `oldest` to `newest`.
    fn overlaps(&self, oldest: &Instant, newest: &Instant) -> bool {
        self.since.as_ref().is_none_or(|since| newest >= since)
            && self.until.as_ref().is_none_or(|until| oldest < until)
    }

    /// The exact test of a parsed event.
    fn matches(&self, event: &DiagnosticsEvent) -> bool {
        let p = &self.params;
        let same = |wanted: &Option<String>, got: Option<&String>| {
            wanted.as_ref().is_none_or(|w| got == Some(w))
        };
        same(&p.correlation_id, event.correlation_id.as_ref())
            && same(&p.method, event.method.as_ref())
            && same(&p.result, Some(&event.result))
            && same(&p.profile_id, event.profile_id.as_ref())
            && p.kind.is_none_or(|kind| event.kind == kind)
            && Instant::of_journal(event.ts.as_bytes()).is_some_and(|at| self.in_range(&at))
    }

    /// The quick test of a journal line: every filter's text is in it.
    fn may_match(&self, line: &[u8]) -> bool {
        self.needles
            .iter()
            .all(|needle| needle.find(line).is_some())
    }
}

/// The journal's files, newest first: `events.jsonl`, `events.1.jsonl`, ...
pub fn journal_files(dir: &Path, max_files: usize) -> Vec<PathBuf> {
    (0..max_files)
        .map(|index| super::journal::file_path(dir, index))
        .filter(|path| path.exists())
        .collect()
}

/// The search itself.
struct Scan<'a> {
    filter: &'a Filter,
    /// Passed the cursor (or there is none): matches are page material.
    past_cursor: bool,
    matched: u64,
    page: Vec<DiagnosticsEvent>,
    more: bool,
}

impl Scan<'_> {
    /// Takes the next event, newest first, that passed the filter.
    fn take(&mut self, event: impl FnOnce() -> Option<DiagnosticsEvent>, mark: Option<Mark>) {
        if !self.past_cursor {
            let Some(cursor) = &self.filter.cursor else {
                return;
            };
            match mark.as_ref().map(|m| compare(m, cursor)) {
                // Newer than the cursor: on an earlier page.
                Some(Ordering::Greater) | None => return,
                Some(Ordering::Equal) => {
                    self.past_cursor = true;
                    return;
                }
                Some(Ordering::Less) => self.past_cursor = true,
            }
        }
        if self.page.len() >= self.filter.limit {
            self.matched += 1;
            self.more = true;
            return;
        }
        if let Some(event) = event().filter(|e| self.filter.matches(e)) {
            self.matched += 1;
            self.page.push(event);
        }
    }
}

/// Orders two events newest-last by time, then number (within one run, numbers count up).
fn compare(a: &Mark, b: &Mark) -> Ordering {
    a.at.cmp(&b.at).then(a.seq.cmp(&b.seq))
}

/// Runs a query over `ring` (this run's latest events, oldest first) and the journal
/// files (newest first).
pub fn run(filter: &Filter, ring: &[Arc<DiagnosticsEvent>], files: &[PathBuf]) -> QueryResult {
    let mut scan = Scan {
        filter,
        past_cursor: filter.cursor.is_none(),
        matched: 0,
        page: Vec::new(),
        more: false,
    };
    for event in ring.iter().rev() {
        if filter.matches(event) || !scan.past_cursor {
            scan.take(|| Some(DiagnosticsEvent::clone(event)), Mark::of(event));
        }
    }
    // The journal's copy of the ring ends with the ring's oldest event: skip to it.
    let mut skip_to = ring.first().and_then(|e| Mark::of(e));
    let mut text = Vec::new();
    for path in files {
        text.clear();
        let read = File::open(path).and_then(|mut file| file.read_to_end(&mut text));
        if let Err(error) = read {
            tracing::warn!(path = %path.display(), %error, "a diagnostics journal file cannot be read");
            continue;
        }
        scan_file(&text, &mut scan, &mut skip_to);
    }
    let Scan {
        mut page,
        matched,
        more,
        ..
    } = scan;
    let next_cursor = more.then(|| page.last().map(Mark::cursor)).flatten();
    page.reverse();
    QueryResult {
        events: page,
        matched,
        next_cursor,
    }
}

/// Scans one file from its last complete line to its first.
fn scan_file(text: &[u8], scan: &mut Scan<'_>, skip_to: &mut Option<Mark>) {
    // A last line without its newline is still being written.
    let complete = memchr::memrchr(b'\n', text).map_or(0, |at| at + 1);
    let text = &text[..complete];
    let first = text.split(|b| *b == b'\n').next().and_then(line_mark);
    let last = text
        .rsplit(|b| *b == b'\n')
        .find(|line| !line.is_empty())
        .and_then(line_mark);
    // Lines are in the order they were recorded: a file outside the range has no match
    // (and whatever the scan must pass in it, the next file's lines are older still).
    if let (Some(first), Some(last)) = (&first, &last)
        && !scan.filter.overlaps(&first.at, &last.at)
    {
        return;
    }
    for line in text.rsplit(|b| *b == b'\n').filter(|line| !line.is_empty()) {
        let mark = line_mark(line);
        if let Some(skip) = skip_to.as_ref() {
            match mark.as_ref().map(|m| compare(m, skip)) {
                Some(Ordering::Greater) | None => continue,
                Some(Ordering::Equal) => {
                    *skip_to = None;
                    continue;
                }
                Some(Ordering::Less) => *skip_to = None,
            }
        }
        if !scan.filter.may_match(line) {
            continue;
        }
        if let Some(mark) = &mark
            && !scan.filter.in_range(&mark.at)
        {
            continue;
        }
        scan.take(|| serde_json::from_slice(line).ok(), mark);
    }
}

/// The time and number of a journal line, from its start (`{"seq":N,"ts":"..."`)
/// without parsing the rest.
fn line_mark(line: &[u8]) -> Option<Mark> {
    let rest = line.strip_prefix(b"{\"seq\":")?;
    let digits = rest.iter().position(|b| !b.is_ascii_digit())?;
    let seq = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    let rest = rest[digits..].strip_prefix(b",\"ts\":\"")?;
    let end = memchr::memchr(b'"', rest)?;
    Some(Mark {
        at: Instant::of_journal(&rest[..end])?,
        seq,
    })
}
