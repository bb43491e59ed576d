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
    /// Takes the next event, newest first, that `matches` (for a journal line: that has
    /// the filters' text; `event` parses it for the exact test).
    fn take(
        &mut self,
        mark: Option<Mark>,
        matches: bool,
        event: impl FnOnce() -> Option<DiagnosticsEvent>,
    ) {
        if !matches {
            return;
        }
        if !self.past_cursor
            && let Some(cursor) = &self.filter.cursor
        {
            match mark.as_ref().map(|m| compare(m, cursor)) {
                // Newer than the cursor (or the cursor itself): on an earlier page.
                Some(Ordering::Greater | Ordering::Equal) | None => {
                    self.matched += 1;
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

/// Orders two events by time, then number (within one run, numbers count up).
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
        scan.take(Mark::of(event), filter.matches(event), || {
            Some(DiagnosticsEvent::clone(event))
        });
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

/// The complete lines of `text` (its last line without a newline is still being
/// written), last first.
fn lines_backwards(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let complete = memchr::memrchr(b'\n', text).map_or(0, |at| at + 1);
    let text = &text[..complete];
    // Each line ends at a newline; it starts after the newline before it.
    let mut end = complete.saturating_sub(1);
    let mut newlines = memchr::memrchr_iter(b'\n', &text[..end]);
    let mut done = complete == 0;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let start = match newlines.next() {
            Some(at) => at + 1,
            None => {
                done = true;
                0
            }
        };
        let line = &text[start..end];
        end = start.saturating_sub(1);
        Some(line)
    })
    .filter(|line| !line.is_empty())
}

/// Scans one file from its last complete line to its first.
fn scan_file(text: &[u8], scan: &mut Scan<'_>, skip_to: &mut Option<Mark>) {
    let first = text.split(|b| *b == b'\n').next().and_then(line_mark);
    let last = lines_backwards(text).next().and_then(line_mark);
    // Lines are in the order they were recorded: a file outside the range has no match
    // (and whatever the scan must pass in it, the next file's lines are older still).
    if let (Some(first), Some(last)) = (&first, &last)
        && !scan.filter.overlaps(&first.at, &last.at)
    {
        return;
    }
    let ranged = scan.filter.since.is_some() || scan.filter.until.is_some();
    for line in lines_backwards(text) {
        let mut mark = None;
        if let Some(skip) = skip_to.as_ref() {
            mark = line_mark(line);
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
        if mark.is_none() && (ranged || !scan.past_cursor) {
            mark = line_mark(line);
        }
        let in_range = !ranged || mark.as_ref().is_some_and(|m| scan.filter.in_range(&m.at));
        scan.take(mark, in_range, || serde_json::from_slice(line).ok());
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use llm_agent_protocol::events::DiagnosticsKind;

    use super::*;

    fn event(seq: u64, ts: &str, method: &str, profile: Option<&str>) -> DiagnosticsEvent {
        DiagnosticsEvent {
            method: Some(method.into()),
            profile_id: profile.map(str::to_owned),
            seq,
            ts: ts.into(),
            ..crate::diagnostics::event(DiagnosticsKind::Request, "OK")
        }
    }

    /// One event a second from `2026-01-01T00:00:00Z`, `seq` counting from 1 (a run).
    fn run_of(first: u64, count: u64, method: &str) -> Vec<DiagnosticsEvent> {
        (first..first + count)
            .map(|n| {
                let ts = format!("2026-01-01T00:{:02}:{:02}.5Z", n / 60, n % 60);
                event(n - first + 1, &ts, method, (n % 3 == 0).then_some("p-3"))
            })
            .collect()
    }

    fn write(dir: &Path, index: usize, events: &[DiagnosticsEvent], torn: bool) {
        let mut file =
            std::fs::File::create(crate::diagnostics::journal::file_path(dir, index)).unwrap();
        for event in events {
            serde_json::to_writer(&mut file, event).unwrap();
            file.write_all(b"\n").unwrap();
        }
        if torn {
            file.write_all(b"{\"seq\":99,\"ts\":\"2026").unwrap();
        }
    }

    fn query(params: QueryParams, ring: &[Arc<DiagnosticsEvent>], dir: &Path) -> QueryResult {
        let filter = Filter::new(params, None).unwrap();
        run(&filter, ring, &journal_files(dir, 10))
    }

    fn seqs(result: &QueryResult) -> Vec<u64> {
        result.events.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn the_ring_and_the_journal_are_one_history_without_copies() {
        let dir = tempfile::tempdir().unwrap();
        // An earlier run in the older file; this run's first events in the current file,
        // the last of them also in the ring, with two more not yet written (and a torn
        // line being written).
        let earlier = run_of(0, 10, "agent.status");
        let this_run = run_of(100, 8, "agent.status");
        write(dir.path(), 1, &earlier, false);
        write(dir.path(), 0, &this_run[..6], true);
        let ring: Vec<_> = this_run[3..].iter().cloned().map(Arc::new).collect();
        let all = query(
            QueryParams {
                limit: Some(1000),
                ..QueryParams::default()
            },
            &ring,
            dir.path(),
        );
        assert_eq!(all.matched, 18);
        let expected: Vec<u64> = (1..=10).chain(1..=8).collect();
        assert_eq!(seqs(&all), expected);
        assert_eq!(all.next_cursor, None);
    }

    #[test]
    fn pages_go_back_in_time_and_count_every_match() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), 1, &run_of(0, 30, "agent.status"), false);
        write(dir.path(), 0, &run_of(100, 30, "agent.status"), false);
        let params = |cursor| QueryParams {
            profile_id: Some("p-3".into()),
            limit: Some(4),
            cursor,
            ..QueryParams::default()
        };
        let mut cursor = None;
        let mut pages = Vec::new();
        loop {
            let page = query(params(cursor.clone()), &[], dir.path());
            assert_eq!(page.matched, 20, "every page counts every match");
            pages.push(page.events.iter().map(|e| e.ts.clone()).collect::<Vec<_>>());
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let seen: Vec<String> = pages.into_iter().rev().flatten().collect();
        assert_eq!(seen.len(), 20);
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "oldest first, no repeats");
    }

    #[test]
    fn filters_and_time_ranges_skip_what_cannot_match() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), 2, &run_of(0, 10, "profiles.list"), false);
        write(dir.path(), 1, &run_of(1000, 10, "agent.status"), false);
        write(dir.path(), 0, &run_of(2000, 10, "profiles.list"), false);
        let lists = query(
            QueryParams {
                method: Some("profiles.list".into()),
                ..QueryParams::default()
            },
            &[],
            dir.path(),
        );
        assert_eq!(lists.matched, 20);
        let ranged = query(
            QueryParams {
                since: Some("2026-01-01T00:16:40Z".into()),
                until: Some("2026-01-01T00:16:45+00:00".into()),
                ..QueryParams::default()
            },
            &[],
            dir.path(),
        );
        assert_eq!(seqs(&ranged), [1, 2, 3, 4, 5], "00:16:40.5 to 00:16:44.5");
        assert!(
            Filter::new(
                QueryParams {
                    since: Some("soon".into()),
                    ..QueryParams::default()
                },
                None
            )
            .is_err()
        );
        assert!(
            Filter::new(
                QueryParams {
                    cursor: Some("x".into()),
                    ..QueryParams::default()
                },
                None
            )
            .is_err()
        );
    }

    #[test]
    fn journal_times_compare_without_parsing_dates() {
        let at = |t: &str| Instant::of_journal(t.as_bytes()).unwrap();
        assert!(at("2026-01-01T00:00:00.3Z") > at("2026-01-01T00:00:00.25Z"));
        assert!(at("2026-01-01T00:00:01Z") > at("2026-01-01T00:00:00.999999999Z"));
        assert_eq!(
            at("2026-01-01T00:00:00.5Z"),
            Instant::of_param("2026-01-01T01:00:00.5+01:00").unwrap()
        );
        assert!(Instant::of_journal(b"2026-01-01T00:00:00.Z").is_none());
    }
}
