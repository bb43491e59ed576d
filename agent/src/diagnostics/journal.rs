//! The diagnostics journal: JSON lines under `data-dir/diagnostics/`, written by one
//! dedicated thread so the async runtime never waits on the disk.
//!
//! The thread receives events in batches, writes each batch and flushes it (the
//! diagnostics actor sends a batch at least every 250 ms, so events reach the file well
//! within a second), and rotates by size: `events.jsonl` is the newest file, `events.1.jsonl` the one before,
//! up to `events.{max_files - 1}.jsonl`; the oldest is deleted.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use llm_agent_protocol::events::DiagnosticsEvent;
use tokio::sync::oneshot;

use crate::private_dir;

/// The default size at which the current file is rotated.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// The default number of files kept, the current one included.
pub const DEFAULT_MAX_FILES: usize = 10;
const FILE_STEM: &str = "events";

enum Command {
    Append(Vec<Arc<DiagnosticsEvent>>),
    Flush(oneshot::Sender<()>),
    Close,
}

/// Sends events to the journal thread. Cheap to clone; never blocks.
#[derive(Clone)]
pub struct JournalSender {
    tx: mpsc::Sender<Command>,
}

impl JournalSender {
    pub fn append(&self, events: Vec<Arc<DiagnosticsEvent>>) {
        // A send fails only after the thread has stopped, during shutdown.
        let _ = self.tx.send(Command::Append(events));
    }

    /// Resolves once everything appended before it is written to the file.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Command::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

/// Owns the journal thread; [`Journal::close`] flushes and joins it.
pub struct Journal {
    sender: JournalSender,
    thread: JoinHandle<()>,
}

impl Journal {
    pub fn start(dir: &Path, max_file_bytes: u64, max_files: usize) -> io::Result<Self> {
        private_dir::create(dir)?;
        let mut files = RotatingFile::open(dir.to_owned(), max_file_bytes, max_files.max(1))?;
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("diagnostics-journal".into())
            .spawn(move || files.run(rx))?;
        Ok(Self {
            sender: JournalSender { tx },
            thread,
        })
    }

    pub fn sender(&self) -> JournalSender {
        self.sender.clone()
    }

    /// Writes everything sent before this call, then stops the thread. Events sent
    /// later, by senders still alive, are dropped.
    pub fn close(self) {
        let _ = self.sender.tx.send(Command::Close);
        if self.thread.join().is_err() {
            tracing::error!("the diagnostics journal thread panicked");
        }
    }
}

struct RotatingFile {
    dir: PathBuf,
    max_bytes: u64,
    max_files: usize,
    out: Option<BufWriter<File>>,
    size: u64,
    line: Vec<u8>,
}

impl RotatingFile {
    fn open(dir: PathBuf, max_bytes: u64, max_files: usize) -> io::Result<Self> {
        let mut files = Self {
            dir,
            max_bytes,
            max_files,
            out: None,
            size: 0,
            line: Vec::with_capacity(512),
        };
        files.reopen()?;
        Ok(files)
    }

    fn path(&self, index: usize) -> PathBuf {
        match index {
            0 => self.dir.join(format!("{FILE_STEM}.jsonl")),
            n => self.dir.join(format!("{FILE_STEM}.{n}.jsonl")),
        }
    }

    fn reopen(&mut self) -> io::Result<()> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path(0))?;
        self.size = file.metadata()?.len();
        self.out = Some(BufWriter::with_capacity(64 * 1024, file));
        Ok(())
    }

    fn run(&mut self, rx: mpsc::Receiver<Command>) {
        loop {
            match rx.recv() {
                Ok(Command::Append(events)) => {
                    for event in &events {
                        if let Err(e) = self.append(event) {
                            tracing::warn!(error = %e, "diagnostics journal write failed; event dropped");
                            self.out = None;
                        }
                    }
                    self.flush();
                }
                Ok(Command::Flush(done)) => {
                    self.flush();
                    let _ = done.send(());
                }
                Ok(Command::Close) | Err(_) => {
                    self.flush();
                    return;
                }
            }
        }
    }

    fn append(&mut self, event: &DiagnosticsEvent) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, event)?;
        self.line.push(b'\n');
        let line_len = self.line.len() as u64;
        if self.size > 0 && self.size + line_len > self.max_bytes {
            self.rotate()?;
        }
        if self.out.is_none() {
            self.reopen()?;
        }
        if let Some(out) = self.out.as_mut() {
            out.write_all(&self.line)?;
        }
        self.size += line_len;
        Ok(())
    }

    fn flush(&mut self) {
        if let Some(out) = self.out.as_mut()
            && let Err(e) = out.flush()
        {
            tracing::warn!(error = %e, "diagnostics journal flush failed");
            self.out = None;
        }
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.flush();
        self.out = None;
        let oldest = self.path(self.max_files - 1);
        match std::fs::remove_file(&oldest) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        for index in (0..self.max_files - 1).rev() {
            let from = self.path(index);
            if from.exists() {
                std::fs::rename(&from, self.path(index + 1))?;
            }
        }
        self.reopen()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use llm_agent_protocol::events::DiagnosticsKind;

    fn event(seq: u64) -> Arc<DiagnosticsEvent> {
        Arc::new(DiagnosticsEvent {
            seq,
            ts: "2026-11-21T00:00:00Z".into(),
            correlation_id: Some(format!("c-{seq}")),
            method: Some("agent.status".into()),
            duration_us: 1,
            ..crate::diagnostics::event(DiagnosticsKind::Request, "OK")
        })
    }

    fn lines(path: &Path) -> Vec<DiagnosticsEvent> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    #[tokio::test]
    async fn flush_makes_events_visible_and_close_writes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::start(dir.path(), DEFAULT_MAX_FILE_BYTES, 3).unwrap();
        let sender = journal.sender();
        sender.append(vec![event(1)]);
        sender.flush().await;
        assert_eq!(lines(&dir.path().join("events.jsonl")).len(), 1);
        sender.append(vec![event(2)]);
        journal.close();
        sender.append(vec![event(3)]);
        let seqs: Vec<u64> = lines(&dir.path().join("events.jsonl"))
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, [1, 2]);
    }

    #[tokio::test]
    async fn rotates_by_size_and_keeps_at_most_max_files() {
        let dir = tempfile::tempdir().unwrap();
        let line_len = serde_json::to_vec(&*event(10)).unwrap().len() as u64 + 1;
        // Two lines per file, three files.
        let journal = Journal::start(dir.path(), line_len * 2, 3).unwrap();
        let sender = journal.sender();
        sender.append((10..20).map(event).collect());
        drop(sender);
        journal.close();
        let seqs = |name: &str| -> Vec<u64> {
            lines(&dir.path().join(name))
                .iter()
                .map(|e| e.seq)
                .collect()
        };
        assert_eq!(seqs("events.jsonl"), [18, 19]);
        assert_eq!(seqs("events.1.jsonl"), [16, 17]);
        assert_eq!(seqs("events.2.jsonl"), [14, 15]);
        assert!(!dir.path().join("events.3.jsonl").exists());
    }
}
