//! The ledger's own thread: it owns the file, so appends, queries and verification never
//! interleave and the async runtime never waits on the disk. [`AuditLedger`] sends it
//! requests and awaits the answers.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use llm_agent_protocol::methods::audit::{AuditEntry, QueryParams, QueryResult, VerifyResult};
use tokio::sync::oneshot;

use super::AuditHead;
use super::error::AuditError;
use super::ledger::Ledger;

type Answer<T> = oneshot::Sender<T>;

enum Request {
    Append {
        entries: Vec<AuditEntry>,
        live: Vec<String>,
        answer: Answer<Result<AuditHead, AuditError>>,
    },
    NotApplied {
        from: u64,
        through: u64,
    },
    Reconcile {
        anchor: Option<AuditHead>,
        answer: Answer<()>,
    },
    Query {
        params: QueryParams,
        answer: Answer<QueryResult>,
    },
    Verify {
        anchor: Option<AuditHead>,
        answer: Answer<VerifyResult>,
    },
    Close,
}

/// Owns the ledger's thread; [`LedgerThread::close`] finishes its work and joins it.
pub struct LedgerThread {
    ledger: AuditLedger,
    thread: JoinHandle<()>,
}

impl LedgerThread {
    /// Opens the ledger in `dir` (blocking) and starts its thread.
    pub fn start(dir: &Path, max_entries: usize) -> std::io::Result<Self> {
        let mut ledger = Ledger::open(dir, max_entries)?;
        let (requests, inbox) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("audit-ledger".into())
            .spawn(move || serve(&mut ledger, &inbox))?;
        Ok(Self {
            ledger: AuditLedger { requests },
            thread,
        })
    }

    pub fn ledger(&self) -> AuditLedger {
        self.ledger.clone()
    }

    /// Finishes what was sent before, then stops the thread.
    pub fn close(self) {
        let _ = self.ledger.requests.send(Request::Close);
        if self.thread.join().is_err() {
            tracing::error!("the audit ledger thread panicked");
        }
    }
}

/// The handle of the ledger's thread. Cheap to clone.
#[derive(Clone)]
pub struct AuditLedger {
    requests: mpsc::Sender<Request>,
}

impl AuditLedger {
    /// Appends a batch's entries durably; `live` are the ids of the profiles that exist
    /// once the batch is applied (compaction keeps their latest consent).
    pub async fn append(
        &self,
        entries: Vec<AuditEntry>,
        live: Vec<String>,
    ) -> Result<AuditHead, AuditError> {
        self.ask(|answer| Request::Append {
            entries,
            live,
            answer,
        })
        .await?
    }

    /// Records, without waiting, that the entries `from` to `through` were not applied.
    pub fn not_applied(&self, from: u64, through: u64) {
        let _ = self.requests.send(Request::NotApplied { from, through });
    }

    /// Records what the ledger and `profiles.json` (which names `anchor`) disagree on.
    pub async fn reconcile(&self, anchor: Option<AuditHead>) -> Result<(), AuditError> {
        self.ask(|answer| Request::Reconcile { anchor, answer })
            .await
    }

    pub async fn query(&self, params: QueryParams) -> Result<QueryResult, AuditError> {
        self.ask(|answer| Request::Query { params, answer }).await
    }

    pub async fn verify(&self, anchor: Option<AuditHead>) -> Result<VerifyResult, AuditError> {
        self.ask(|answer| Request::Verify { anchor, answer }).await
    }

    async fn ask<T>(&self, request: impl FnOnce(Answer<T>) -> Request) -> Result<T, AuditError> {
        let (answer, answered) = oneshot::channel();
        self.requests
            .send(request(answer))
            .map_err(|_| AuditError::Unavailable)?;
        answered.await.map_err(|_| AuditError::Unavailable)
    }
}

fn serve(ledger: &mut Ledger, inbox: &mpsc::Receiver<Request>) {
    while let Ok(request) = inbox.recv() {
        match request {
            Request::Append {
                entries,
                live,
                answer,
            } => {
                let appended = ledger
                    .append(entries, &live)
                    .map_err(|e| AuditError::Storage(Arc::new(e)));
                if let Err(e) = &appended {
                    tracing::error!(error = %e, "appending to the audit ledger failed");
                }
                let _ = answer.send(appended);
            }
            Request::NotApplied { from, through } => {
                if let Err(e) = ledger.not_applied(from, through) {
                    tracing::error!(error = %e, "recording entries that were not applied failed; the next start records them");
                }
            }
            Request::Reconcile { anchor, answer } => {
                if let Err(e) = ledger.reconcile(anchor.as_ref()) {
                    tracing::error!(error = %e, "reconciling the audit ledger failed; the next start tries again");
                }
                let _ = answer.send(());
            }
            Request::Query { params, answer } => {
                let _ = answer.send(ledger.query(&params));
            }
            Request::Verify { anchor, answer } => {
                let _ = answer.send(ledger.verify(anchor.as_ref()));
            }
            Request::Close => return,
        }
    }
}
