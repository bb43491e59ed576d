//! `<data dir>/audit/ledger.jsonl`: the ledger's file and its rules.
//!
//! - **Append only, durable.** An append writes its lines in one write and syncs the
//!   file before it returns; a write that fails is cut off again, so the file never
//!   keeps half an append. A line the last run left without its newline (a crash in the
//!   middle of a write, never acknowledged) is cut off at start-up.
//! - **Numbered and chained.** Each entry takes the next `seq` (never reused, not even
//!   after entries were removed) and the hash of the line before it ([`chain`]).
//! - **Bounded.** Past `max_entries` lines the oldest are dropped by compaction, which
//!   rewrites the file atomically as: a `compacted` line (how many were dropped, and
//!   which older entries are kept, by seq and hash), those kept entries (the latest
//!   consent entry of every profile that still exists, and every record of removed
//!   entries), then the newest entries, unchanged. [`Ledger::verify`] checks all of it.
//! - **Anchored.** `profiles.json` records the seq and hash of the last entry of each
//!   committed batch, so a ledger cut short shows, and [`Ledger::reconcile`] records at
//!   start-up what the two files disagree on.
//!
//! [`chain`]: super::chain

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use llm_agent_protocol::methods::audit::{
    AuditEntry, AuditKind, DEFAULT_AUDIT_LIMIT, KeptEntry, QueryParams, QueryResult, VerifyProblem,
    VerifyResult,
};

use super::AuditHead;
use super::chain::{self, GENESIS, LineProblem};
use crate::private_dir;

pub const FILE_NAME: &str = "ledger.jsonl";

/// One line of the file as read: its text, and its entry when it could be trusted.
struct Line {
    raw: String,
    entry: Option<AuditEntry>,
}

impl Line {
    fn kind(&self) -> Option<AuditKind> {
        self.entry.as_ref().map(|e| e.kind)
    }
}

/// The ledger: its file and every line of it in memory (at most `max_entries` plus the
/// kept ones, a few MiB), so queries and compaction never reread the file.
pub struct Ledger {
    dir: PathBuf,
    file: File,
    len: u64,
    lines: Vec<Line>,
    /// The hash the next entry links to.
    last_hash: String,
    /// The highest seq ever handed out (or recorded by `profiles.json`).
    last_seq: u64,
    max_entries: usize,
}

impl Ledger {
    /// Opens (or creates) the ledger in `dir` (blocking), cutting off a torn last line.
    pub fn open(dir: &Path, max_entries: usize) -> io::Result<Ledger> {
        private_dir::create(dir)?;
        // A compaction interrupted before its rename leaves its temp file.
        crate::durable_file::remove_leftovers(dir, FILE_NAME);
        let path = dir.join(FILE_NAME);
        let mut file = open_append(&path)?;
        let mut text = String::new();
        file.seek(SeekFrom::Start(0))?;
        file.read_to_string(&mut text)?;
        let complete = text.rfind('\n').map_or(0, |at| at + 1);
        if complete < text.len() {
            tracing::warn!(
                bytes = text.len() - complete,
                "the audit ledger ended in an unfinished line (an interrupted write); it was cut off"
            );
            file.set_len(complete as u64)?;
            file.sync_all()?;
            text.truncate(complete);
        }
        let lines: Vec<Line> = text
            .lines()
            .map(|raw| Line {
                raw: raw.to_owned(),
                entry: chain::open(raw).ok(),
            })
            .collect();
        let last = lines.iter().rev().find_map(|line| line.entry.as_ref());
        let last_hash = last.map_or_else(|| GENESIS.to_owned(), |e| e.hash.clone());
        let last_seq = lines
            .iter()
            .filter_map(|line| line.entry.as_ref().map(|e| e.seq))
            .max()
            .unwrap_or(0);
        Ok(Ledger {
            dir: dir.to_owned(),
            file,
            len: complete as u64,
            lines,
            last_hash,
            last_seq,
            max_entries: max_entries.max(2),
        })
    }

    fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The last entry, if any.
    pub fn head(&self) -> Option<AuditHead> {
        self.lines
            .iter()
            .rev()
            .find_map(|line| line.entry.as_ref())
            .map(|entry| AuditHead {
                seq: entry.seq,
                hash: entry.hash.clone(),
            })
    }

    /// Appends `entries` (their `seq`, `ts`, `prev_hash` and `hash` are filled in here),
    /// durably, then compacts if the ledger grew past its bound, keeping the latest
    /// consent of each of `live` (profile ids). Returns the new head.
    pub fn append(&mut self, entries: Vec<AuditEntry>, live: &[String]) -> io::Result<AuditHead> {
        let ts = crate::timestamp::now_rfc3339();
        let mut text = String::new();
        let mut sealed = Vec::with_capacity(entries.len());
        let (mut seq, mut prev) = (self.last_seq, self.last_hash.clone());
        for mut entry in entries {
            seq += 1;
            entry.seq = seq;
            entry.ts.clone_from(&ts);
            entry.prev_hash = prev;
            let line = chain::seal(&mut entry);
            prev = entry.hash.clone();
            text.push_str(&line);
            text.push('\n');
            sealed.push(Line {
                raw: line,
                entry: Some(entry),
            });
        }
        if sealed.is_empty() {
            return Ok(self.head().unwrap_or(AuditHead {
                seq: self.last_seq,
                hash: self.last_hash.clone(),
            }));
        }
        let written = self
            .file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // Never keep half an append: the next one must link to a whole line.
            let _ = self
                .file
                .set_len(self.len)
                .and_then(|()| self.file.sync_data());
            return Err(e);
        }
        self.len += text.len() as u64;
        self.last_seq = seq;
        self.last_hash.clone_from(&prev);
        self.lines.extend(sealed);
        if self.lines.len() > self.max_entries
            && let Err(e) = self.compact(live)
        {
            // The append itself is durable; compaction is tried again with the next one.
            tracing::error!(error = %e, "compacting the audit ledger failed");
        }
        Ok(AuditHead { seq, hash: prev })
    }

    /// Records at start-up what `profiles.json` (whose last recorded entry is `anchor`)
    /// and the ledger disagree on: entries of changes that never reached `profiles.json`
    /// (`not_applied`), or entries missing from the ledger's end (`entries_missing`).
    /// Recording each once, it is safe to call at every start.
    pub fn reconcile(&mut self, anchor: Option<&AuditHead>) -> io::Result<()> {
        let Some(anchor) = anchor else {
            return Ok(());
        };
        let on_file = self
            .lines
            .iter()
            .filter_map(|line| line.entry.as_ref())
            .map(|e| e.seq)
            .max()
            .unwrap_or(0);
        if anchor.seq > on_file {
            let recorded =
                self.lines.iter().filter_map(|l| l.entry.as_ref()).any(|e| {
                    e.kind == AuditKind::EntriesMissing && e.through_seq == Some(anchor.seq)
                });
            if !recorded {
                tracing::error!(
                    recorded = anchor.seq,
                    found = on_file,
                    "entries are missing from the end of the audit ledger"
                );
                // The missing seqs stay used.
                self.last_seq = self.last_seq.max(anchor.seq);
                let marker = AuditEntry {
                    from_seq: Some(on_file + 1),
                    through_seq: Some(anchor.seq),
                    ..super::entry(AuditKind::EntriesMissing)
                };
                self.append(vec![marker], &[])?;
            }
            return Ok(());
        }
        let covered = |seq: u64| {
            self.lines.iter().filter_map(|l| l.entry.as_ref()).any(|e| {
                e.kind == AuditKind::NotApplied
                    && e.from_seq
                        .zip(e.through_seq)
                        .is_some_and(|(from, through)| (from..=through).contains(&seq))
            })
        };
        let unapplied: Vec<u64> = self
            .lines
            .iter()
            .filter_map(|l| l.entry.as_ref())
            .filter(|e| e.seq > anchor.seq && !is_marker(e.kind) && !covered(e.seq))
            .map(|e| e.seq)
            .collect();
        if let (Some(from), Some(through)) = (unapplied.first(), unapplied.last()) {
            self.not_applied(*from, *through)?;
        }
        Ok(())
    }

    /// Records that the entries `from` to `through` describe a change that was not
    /// applied (its write of `profiles.json` failed or never happened).
    pub fn not_applied(&mut self, from: u64, through: u64) -> io::Result<()> {
        tracing::warn!(
            from,
            through,
            "audit entries of a change that was not applied"
        );
        let marker = AuditEntry {
            from_seq: Some(from),
            through_seq: Some(through),
            ..super::entry(AuditKind::NotApplied)
        };
        self.append(vec![marker], &[]).map(|_| ())
    }

    /// The newest entries matching `params` before its cursor, oldest first.
    pub fn query(&self, params: &QueryParams) -> QueryResult {
        let limit = params.limit.unwrap_or(DEFAULT_AUDIT_LIMIT) as usize;
        let matches = |e: &&AuditEntry| {
            params
                .profile_id
                .as_ref()
                .is_none_or(|id| e.profile_id.as_ref() == Some(id))
                && params.kind.is_none_or(|kind| e.kind == kind)
        };
        let mut matched = 0u64;
        let mut entries = Vec::new();
        let mut more = false;
        for entry in self
            .lines
            .iter()
            .rev()
            .filter_map(|l| l.entry.as_ref())
            .filter(matches)
        {
            matched += 1;
            if params.cursor.is_some_and(|cursor| entry.seq >= cursor) {
                continue;
            }
            if entries.len() < limit {
                entries.push(entry.clone());
            } else {
                more = true;
            }
        }
        entries.reverse();
        let next_cursor = more.then(|| entries.first().map(|e| e.seq)).flatten();
        QueryResult {
            entries,
            matched,
            next_cursor,
        }
    }

    /// Checks the file as it is on disk (it may have been edited behind the agent's
    /// back) against its own hashes and links, and its end against `anchor`, the last
    /// entry `profiles.json` records.
    pub fn verify(&self, anchor: Option<&AuditHead>) -> VerifyResult {
        let text = match std::fs::read_to_string(self.path()) {
            Ok(text) => text,
            Err(e) => {
                return failed(
                    0,
                    None,
                    problem(
                        1,
                        None,
                        "unreadable",
                        format!("the ledger cannot be read ({e})"),
                    ),
                );
            }
        };
        verify_text(&text, anchor)
    }

    /// Drops the oldest entries, keeping the newest three quarters of the bound, the
    /// latest consent entry of each of `live`, and every `entries_missing` record.
    fn compact(&mut self, live: &[String]) -> io::Result<()> {
        let body_start =
            usize::from(self.lines.first().and_then(Line::kind) == Some(AuditKind::Compacted));
        let previous_dropped = self.lines[..body_start]
            .iter()
            .filter_map(|l| l.entry.as_ref())
            .filter_map(|e| e.count)
            .sum::<u64>();
        let body = &self.lines[body_start..];
        let retain = (self.max_entries * 3 / 4).max(1).min(body.len());
        let (old, tail) = body.split_at(body.len() - retain);
        let latest_consent = |id: &String| {
            body.iter()
                .rposition(|l| {
                    l.entry.as_ref().is_some_and(|e| {
                        matches!(
                            e.kind,
                            AuditKind::ConsentGiven | AuditKind::ConsentWithdrawn
                        ) && e.profile_id.as_ref() == Some(id)
                    })
                })
                .filter(|at| *at < old.len())
        };
        let mut kept: Vec<usize> = live.iter().filter_map(latest_consent).collect();
        kept.extend(
            old.iter()
                .enumerate()
                .filter_map(|(at, l)| (l.kind() == Some(AuditKind::EntriesMissing)).then_some(at)),
        );
        kept.sort_unstable();
        kept.dedup();
        let dropped = (old.len() - kept.len()) as u64;
        let mut header = AuditEntry {
            count: Some(previous_dropped + dropped),
            kept: kept
                .iter()
                .filter_map(|at| old[*at].entry.as_ref())
                .map(|e| KeptEntry {
                    seq: e.seq,
                    hash: e.hash.clone(),
                })
                .collect(),
            prev_hash: tail
                .first()
                .and_then(|l| l.entry.as_ref())
                .map_or_else(|| GENESIS.to_owned(), |e| e.prev_hash.clone()),
            ts: crate::timestamp::now_rfc3339(),
            ..super::entry(AuditKind::Compacted)
        };
        let header_line = chain::seal(&mut header);
        let mut text = String::new();
        let mut lines = Vec::with_capacity(1 + kept.len() + tail.len());
        text.push_str(&header_line);
        text.push('\n');
        lines.push(Line {
            raw: header_line,
            entry: Some(header),
        });
        for line in kept.iter().map(|at| &old[*at]).chain(tail) {
            text.push_str(&line.raw);
            text.push('\n');
            lines.push(Line {
                raw: line.raw.clone(),
                entry: line.entry.clone(),
            });
        }
        crate::durable_file::replace(&self.dir, FILE_NAME, text.as_bytes())?;
        self.file = open_append(&self.path())?;
        self.len = text.len() as u64;
        tracing::info!(dropped, kept = kept.len(), "compacted the audit ledger");
        self.lines = lines;
        Ok(())
    }
}

/// Entries that record the ledger's own events rather than a change of profiles.
fn is_marker(kind: AuditKind) -> bool {
    matches!(
        kind,
        AuditKind::NotApplied | AuditKind::EntriesMissing | AuditKind::Compacted
    )
}

/// The verification of a ledger's text; see [`Ledger::verify`].
pub fn verify_text(text: &str, anchor: Option<&AuditHead>) -> VerifyResult {
    let lines: Vec<&str> = text.lines().collect();
    let total = lines.len() as u64;
    let mut expected_prev = GENESIS.to_owned();
    let mut last_seq = 0u64;
    let mut head: Option<AuditEntry> = None;
    let mut at = 0usize;
    let opened = |at: usize| -> Result<AuditEntry, VerifyProblem> {
        let number = at as u64 + 1;
        chain::open(lines[at]).map_err(|e| match e {
            LineProblem::Unreadable(why) => problem(
                number,
                None,
                "unreadable",
                format!("line {number} is not a ledger entry ({why})"),
            ),
            LineProblem::HashMismatch => {
                let seq = serde_json::from_str::<AuditEntry>(lines[at])
                    .ok()
                    .map(|e| e.seq);
                problem(
                    number,
                    seq,
                    "hash_mismatch",
                    format!("line {number} does not match its hash: it was edited"),
                )
            }
        })
    };
    let mut seqs = std::collections::HashMap::new();
    if let Some(first) = lines.first() {
        let header = serde_json::from_str::<AuditEntry>(first).ok();
        if header
            .as_ref()
            .is_some_and(|h| h.kind == AuditKind::Compacted)
        {
            let header = match opened(0) {
                Ok(header) => header,
                Err(p) => return failed(total, None, p),
            };
            at = 1;
            for kept in &header.kept {
                let number = at as u64 + 1;
                let found = (at < lines.len()).then(|| opened(at));
                match found {
                    Some(Ok(entry)) if entry.seq == kept.seq && entry.hash == kept.hash => {
                        last_seq = entry.seq;
                        seqs.insert(entry.seq, entry.hash.clone());
                        head = Some(entry);
                        at += 1;
                    }
                    Some(Err(p)) => return failed(total, head.as_ref(), p),
                    _ => {
                        return failed(
                            total,
                            head.as_ref(),
                            problem(
                                number,
                                Some(kept.seq),
                                "kept_entry_missing",
                                format!(
                                    "entry {} that the compaction on line 1 kept is not on line {number}: it was removed or changed",
                                    kept.seq
                                ),
                            ),
                        );
                    }
                }
            }
            expected_prev = header.prev_hash;
        }
    }
    while at < lines.len() {
        let number = at as u64 + 1;
        let entry = match opened(at) {
            Ok(entry) => entry,
            Err(p) => return failed(total, head.as_ref(), p),
        };
        if entry.prev_hash != expected_prev || entry.seq <= last_seq {
            return failed(
                total,
                head.as_ref(),
                problem(
                    number,
                    Some(entry.seq),
                    "broken_chain",
                    format!(
                        "line {number} (entry {}) does not follow the line before it: an entry before it was removed, or lines were moved",
                        entry.seq
                    ),
                ),
            );
        }
        if entry.kind == AuditKind::EntriesMissing {
            let (from, through) = (entry.from_seq.unwrap_or(0), entry.through_seq.unwrap_or(0));
            return failed(
                total,
                Some(&entry),
                problem(
                    number,
                    Some(entry.seq),
                    "missing_end",
                    format!(
                        "entries {from} to {through} were removed from the end of the ledger before the agent started (recorded on line {number})"
                    ),
                ),
            );
        }
        expected_prev.clone_from(&entry.hash);
        last_seq = entry.seq;
        seqs.insert(entry.seq, entry.hash.clone());
        head = Some(entry);
        at += 1;
    }
    if let Some(anchor) = anchor {
        if anchor.seq > last_seq {
            return failed(
                total,
                head.as_ref(),
                problem(
                    total + 1,
                    Some(anchor.seq),
                    "missing_end",
                    format!(
                        "profiles.json records entries up to {}, but the ledger ends at {last_seq}: entries were removed from its end",
                        anchor.seq
                    ),
                ),
            );
        }
        if let Some(hash) = seqs.get(&anchor.seq)
            && *hash != anchor.hash
        {
            let number = lines
                .iter()
                .position(|l| {
                    serde_json::from_str::<AuditEntry>(l).is_ok_and(|e| e.seq == anchor.seq)
                })
                .map_or(total, |at| at as u64 + 1);
            return failed(
                total,
                head.as_ref(),
                problem(
                    number,
                    Some(anchor.seq),
                    "hash_mismatch",
                    format!(
                        "entry {} is not the one profiles.json records: the ledger was rewritten",
                        anchor.seq
                    ),
                ),
            );
        }
    }
    VerifyResult {
        ok: true,
        entries: total,
        head_seq: head.as_ref().map(|e| e.seq),
        head_hash: head.map(|e| e.hash),
        problem: None,
    }
}

fn problem(line: u64, seq: Option<u64>, code: &str, message: String) -> VerifyProblem {
    VerifyProblem {
        line,
        seq,
        code: code.to_owned(),
        message,
    }
}

fn failed(entries: u64, head: Option<&AuditEntry>, problem: VerifyProblem) -> VerifyResult {
    VerifyResult {
        ok: false,
        entries,
        head_seq: head.map(|e| e.seq),
        head_hash: head.map(|e| e.hash.clone()),
        problem: Some(problem),
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).read(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consent(profile: &str) -> AuditEntry {
        AuditEntry {
            profile_id: Some(profile.into()),
            origin: Some("https://api.example.com:443".into()),
            ..super::super::entry(AuditKind::ConsentGiven)
        }
    }

    fn created(profile: &str) -> AuditEntry {
        AuditEntry {
            profile_id: Some(profile.into()),
            ..super::super::entry(AuditKind::ProfileCreated)
        }
    }

    fn file_lines(dir: &Path) -> Vec<String> {
        std::fs::read_to_string(dir.join(FILE_NAME))
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn write_lines(dir: &Path, lines: &[String]) {
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::write(dir.join(FILE_NAME), text).unwrap();
    }

    #[test]
    fn appends_chain_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path(), 100).unwrap();
        let head = ledger
            .append(vec![created("a"), consent("a")], &[])
            .unwrap();
        assert_eq!(head.seq, 2);
        let reopened = Ledger::open(dir.path(), 100).unwrap();
        assert_eq!(reopened.head(), Some(head.clone()));
        let verified = reopened.verify(Some(&head));
        assert!(verified.ok, "{verified:?}");
        assert_eq!(verified.entries, 2);
    }

    #[test]
    fn an_edited_or_removed_line_is_found_and_located() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path(), 100).unwrap();
        let head = ledger
            .append((0..5).map(|n| created(&format!("p{n}"))).collect(), &[])
            .unwrap();
        let lines = file_lines(dir.path());

        let mut edited = lines.clone();
        edited[2] = edited[2].replace("p2", "p9");
        write_lines(dir.path(), &edited);
        let problem = ledger.verify(Some(&head)).problem.unwrap();
        assert_eq!(
            (problem.line, problem.seq, problem.code.as_str()),
            (3, Some(3), "hash_mismatch")
        );

        let mut removed = lines.clone();
        removed.remove(1);
        write_lines(dir.path(), &removed);
        let problem = ledger.verify(Some(&head)).problem.unwrap();
        assert_eq!(
            (problem.line, problem.seq, problem.code.as_str()),
            (2, Some(3), "broken_chain")
        );

        let mut cut = lines.clone();
        cut.pop();
        write_lines(dir.path(), &cut);
        let problem = ledger.verify(Some(&head)).problem.unwrap();
        assert_eq!((problem.line, problem.code.as_str()), (5, "missing_end"));

        write_lines(dir.path(), &lines);
        assert!(ledger.verify(Some(&head)).ok);
    }

    #[test]
    fn a_torn_last_line_is_cut_off_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path(), 100).unwrap();
        let head = ledger.append(vec![created("a")], &[]).unwrap();
        drop(ledger);
        let path = dir.path().join(FILE_NAME);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"seq\":2,\"ts\":\"2026");
        std::fs::write(&path, text).unwrap();
        let mut ledger = Ledger::open(dir.path(), 100).unwrap();
        assert_eq!(ledger.head(), Some(head));
        let next = ledger.append(vec![created("b")], &[]).unwrap();
        assert_eq!(next.seq, 2);
        assert!(ledger.verify(Some(&next)).ok);
    }

    #[test]
    fn compaction_bounds_the_ledger_and_keeps_the_latest_consent_of_live_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path(), 20).unwrap();
        ledger
            .append(vec![consent("kept"), consent("gone")], &[])
            .unwrap();
        let latest = ledger.append(vec![consent("kept")], &[]).unwrap();
        let mut head = latest.clone();
        for n in 0..60 {
            head = ledger
                .append(vec![created(&format!("p{n}"))], &["kept".to_owned()])
                .unwrap();
        }
        let lines = file_lines(dir.path());
        assert!(lines.len() <= 21, "{}", lines.len());
        let entries: Vec<AuditEntry> = lines.iter().map(|l| chain::open(l).unwrap()).collect();
        assert_eq!(entries[0].kind, AuditKind::Compacted);
        assert_eq!(entries[0].kept.len(), 1);
        assert_eq!(
            entries[1].seq, latest.seq,
            "the latest consent of `kept`, not the older one"
        );
        assert!(
            !entries
                .iter()
                .any(|e| e.profile_id.as_deref() == Some("gone"))
        );
        let verified = ledger.verify(Some(&head));
        assert!(verified.ok, "{verified:?}");
        assert_eq!(verified.head_seq, Some(head.seq));

        // The kept entry is protected like any other.
        let mut without = lines.clone();
        without.remove(1);
        write_lines(dir.path(), &without);
        let problem = ledger.verify(Some(&head)).problem.unwrap();
        assert_eq!(
            (problem.line, problem.code.as_str()),
            (2, "kept_entry_missing")
        );
    }

    #[test]
    fn reconciliation_records_unapplied_and_missing_entries_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path(), 100).unwrap();
        let applied = ledger.append(vec![created("a")], &[]).unwrap();
        ledger.append(vec![created("b")], &[]).unwrap();
        // profiles.json was written for `a` only (the agent died before `b`'s write).
        ledger.reconcile(Some(&applied)).unwrap();
        ledger.reconcile(Some(&applied)).unwrap();
        let markers = ledger.query(&QueryParams {
            kind: Some(AuditKind::NotApplied),
            ..QueryParams::default()
        });
        assert_eq!(markers.entries.len(), 1);
        assert_eq!(
            (markers.entries[0].from_seq, markers.entries[0].through_seq),
            (Some(2), Some(2))
        );
        assert!(
            ledger.verify(Some(&applied)).ok,
            "an honest record of a crash verifies"
        );

        // profiles.json knows entries the ledger lost from its end.
        let future = AuditHead {
            seq: 9,
            hash: GENESIS.into(),
        };
        ledger.reconcile(Some(&future)).unwrap();
        ledger.reconcile(Some(&future)).unwrap();
        let next = ledger.append(vec![created("c")], &[]).unwrap();
        assert_eq!(next.seq, 11, "the lost seqs are never reused");
        let problem = ledger.verify(Some(&next)).problem.unwrap();
        assert_eq!(problem.code, "missing_end");
    }

    #[test]
    fn queries_page_backwards_oldest_first_within_a_page() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(dir.path(), 100).unwrap();
        ledger
            .append((0..7).map(|n| created(&format!("p{n}"))).collect(), &[])
            .unwrap();
        let page = |cursor| {
            ledger.query(&QueryParams {
                limit: Some(3),
                cursor,
                ..QueryParams::default()
            })
        };
        let first = page(None);
        let seqs: Vec<u64> = first.entries.iter().map(|e| e.seq).collect();
        assert_eq!(
            (seqs, first.matched, first.next_cursor),
            (vec![5, 6, 7], 7, Some(5))
        );
        let second = page(first.next_cursor);
        let seqs: Vec<u64> = second.entries.iter().map(|e| e.seq).collect();
        assert_eq!((seqs, second.next_cursor), (vec![2, 3, 4], Some(2)));
        let last = page(second.next_cursor);
        assert_eq!((last.entries.len(), last.next_cursor), (1, None));
    }
}
