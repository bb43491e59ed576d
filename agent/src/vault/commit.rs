//! Group commit: the vault's durable state, the state every accepted mutation builds on,
//! and the answers waiting for their batch to reach the disk.
//!
//! A mutation is decided against `pending` (the durable state plus every accepted
//! mutation not yet on disk) and its answer waits in `queued`. One commit at a time
//! writes the latest `pending`; the mutations that arrive meanwhile form the next batch,
//! which shares one safe-storage check and one fsync. When a batch is on disk, its
//! answers go out; when it fails, it and everything queued after it fail (they were
//! built on it) and `pending` returns to the durable state.
//!
//! Writing the file is the actor's: this type holds only the bookkeeping, so its rules
//! can be tested without a disk or an actor.

use std::sync::Arc;

use ractor::RpcReplyPort;

use super::error::VaultError;
use super::profile::VaultData;
use super::safe_storage::SafeStorageError;

/// How a mutation answers its caller.
pub type Reply<T> = RpcReplyPort<Result<T, VaultError>>;

/// Where every write of the vault stands.
pub struct GroupCommit {
    /// What `profiles.json` holds: what reads see.
    durable: Arc<VaultData>,
    /// `durable` plus every accepted mutation not yet on disk.
    pending: VaultData,
    /// Accepted mutations waiting for the next commit.
    queued: Vec<Waiter>,
    /// The mutations of the commit being written.
    in_flight: Vec<Waiter>,
    committing: bool,
    /// The safe-storage check shared by the queued batch.
    batch_check: Option<Result<(), SafeStorageError>>,
}

/// An accepted mutation's answer, sent once its batch is on disk (or failed).
struct Waiter {
    /// False for a request that changed nothing but must not overtake earlier writes.
    writes: bool,
    answer: Box<dyn FnOnce(Result<(), VaultError>) + Send>,
}

impl Waiter {
    /// A refusal that waits for the batch it was decided against.
    fn rejected<T: Send + 'static>(err: VaultError, reply: Reply<T>) -> Self {
        Self {
            writes: false,
            answer: Box::new(move |outcome| {
                let _ = reply.send(outcome.and(Err(err)));
            }),
        }
    }

    fn new<T: Send + 'static>(writes: bool, result: T, reply: Reply<T>) -> Self {
        Self {
            writes,
            answer: Box::new(move |outcome| {
                let _ = reply.send(outcome.map(|()| result));
            }),
        }
    }
}

impl GroupCommit {
    /// Starts from the state on disk.
    pub fn new(durable: VaultData) -> Self {
        Self {
            durable: Arc::new(durable.clone()),
            pending: durable,
            queued: Vec::new(),
            in_flight: Vec::new(),
            committing: false,
            batch_check: None,
        }
    }

    /// What is on disk.
    pub fn durable(&self) -> &Arc<VaultData> {
        &self.durable
    }

    /// What the next mutation is decided against.
    pub fn pending(&self) -> &VaultData {
        &self.pending
    }

    pub fn pending_mut(&mut self) -> &mut VaultData {
        &mut self.pending
    }

    /// The safe-storage check of the batch being gathered, asking `check` for it when
    /// this is the batch's first write.
    pub async fn batch_check(
        &mut self,
        check: impl AsyncFnOnce(&VaultData) -> Result<(), SafeStorageError>,
    ) -> Result<(), SafeStorageError> {
        if self.queued.is_empty() {
            // A new batch starts: its first write asks the store.
            self.batch_check = None;
        }
        if let Some(known) = &self.batch_check {
            return known.clone();
        }
        let checked = check(&self.pending).await;
        self.batch_check = Some(checked.clone());
        checked
    }

    /// Forgets the batch's check, so the next write asks the store afresh.
    pub fn forget_batch_check(&mut self) {
        if self.queued.is_empty() {
            self.batch_check = None;
        }
    }

    /// Takes a decided mutation: `Ok((result, writes))` or a refusal. Its answer goes out
    /// at once when nothing it was decided against is still unwritten; otherwise it
    /// waits for that batch, so no answer depends on a state that may never exist.
    pub fn accept<T: Send + 'static>(
        &mut self,
        outcome: Result<(T, bool), VaultError>,
        reply: Reply<T>,
    ) {
        let waiting_on_disk = self.committing || !self.queued.is_empty();
        match outcome {
            Err(err) if waiting_on_disk => self.queued.push(Waiter::rejected(err, reply)),
            Err(err) => {
                let _ = reply.send(Err(err));
            }
            // Nothing to write and nothing to wait for: the answer is already durable.
            Ok((result, false)) if !waiting_on_disk => {
                let _ = reply.send(Ok(result));
            }
            Ok((result, writes)) => self.queued.push(Waiter::new(writes, result, reply)),
        }
    }

    /// The state to write now, if a commit should start: none runs and a write is
    /// queued. A queue of answers that write nothing is answered here instead.
    pub fn start(&mut self) -> Option<Arc<VaultData>> {
        if self.committing || self.queued.is_empty() {
            return None;
        }
        if !self.queued.iter().any(|w| w.writes) {
            for waiter in self.queued.drain(..) {
                (waiter.answer)(Ok(()));
            }
            return None;
        }
        self.in_flight = std::mem::take(&mut self.queued);
        self.committing = true;
        self.batch_check = None;
        Some(Arc::new(self.pending.clone()))
    }

    /// The commit started by [`GroupCommit::start`] ended: on disk (its answers go out
    /// and `data` is the new durable state), or failed (it and every mutation after it
    /// fail, and `pending` returns to the durable state).
    pub fn finished(&mut self, outcome: Result<Arc<VaultData>, Arc<std::io::Error>>) {
        self.committing = false;
        match outcome {
            Ok(data) => {
                self.durable = data;
                for waiter in self.in_flight.drain(..) {
                    (waiter.answer)(Ok(()));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "writing profiles.json failed; the batch is refused");
                let failed = VaultError::Storage(e);
                for waiter in self.in_flight.drain(..).chain(self.queued.drain(..)) {
                    (waiter.answer)(Err(failed.clone()));
                }
                self.pending = VaultData::clone(&self.durable);
                self.batch_check = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::oneshot;
    use uuid::Uuid;

    use super::*;

    fn reply<T>() -> (Reply<T>, oneshot::Receiver<Result<T, VaultError>>) {
        let (sender, receiver) = oneshot::channel();
        (sender.into(), receiver)
    }

    fn answered<T>(
        receiver: &mut oneshot::Receiver<Result<T, VaultError>>,
    ) -> Option<Result<T, VaultError>> {
        receiver.try_recv().ok()
    }

    fn with_active(data: &VaultData, id: Uuid) -> VaultData {
        VaultData {
            active_id: Some(id),
            ..data.clone()
        }
    }

    #[test]
    fn a_batch_is_answered_only_once_it_is_on_disk() {
        let mut commit = GroupCommit::new(VaultData::new());
        let (first, mut first_answer) = reply();
        commit.pending_mut().active_id = Some(Uuid::new_v4());
        commit.accept(Ok(("first", true)), first);
        assert!(answered(&mut first_answer).is_none(), "not on disk yet");
        let written = commit.start().expect("a commit starts");
        assert_eq!(*written, *commit.pending());
        assert!(commit.start().is_none(), "one commit at a time");

        // Arriving meanwhile: the next batch, answered only after its own commit.
        let (second, mut second_answer) = reply();
        commit.accept(Ok(("second", true)), second);
        commit.finished(Ok(written.clone()));
        assert_eq!(answered(&mut first_answer).unwrap().unwrap(), "first");
        assert!(answered(&mut second_answer).is_none());
        assert_eq!(commit.durable(), &written);
        let next = commit.start().expect("the next batch");
        commit.finished(Ok(next));
        assert_eq!(answered(&mut second_answer).unwrap().unwrap(), "second");
    }

    #[test]
    fn a_failed_commit_fails_its_batch_and_everything_built_on_it() {
        let durable = VaultData::new();
        let mut commit = GroupCommit::new(durable.clone());
        let id = Uuid::new_v4();
        *commit.pending_mut() = with_active(&durable, id);
        let (first, mut first_answer) = reply::<&str>();
        commit.accept(Ok(("first", true)), first);
        let _writing = commit.start().unwrap();
        let (later, mut later_answer) = reply::<&str>();
        commit.accept(Ok(("later", true)), later);
        let (refused, mut refused_answer) = reply::<&str>();
        commit.accept(Err(VaultError::NotFound { id: "x".into() }), refused);

        commit.finished(Err(Arc::new(std::io::Error::other("disk full"))));
        for answer in [&mut first_answer, &mut later_answer, &mut refused_answer] {
            assert!(matches!(
                answered(answer).unwrap(),
                Err(VaultError::Storage(_))
            ));
        }
        assert_eq!(
            *commit.pending(),
            durable,
            "pending is back to the disk's state"
        );
        assert!(commit.start().is_none(), "nothing is left to write");
    }

    #[test]
    fn answers_that_write_nothing_do_not_overtake_earlier_writes() {
        let mut commit = GroupCommit::new(VaultData::new());
        // Alone, an unchanged answer goes out at once.
        let (alone, mut alone_answer) = reply();
        commit.accept(Ok(("unchanged", false)), alone);
        assert_eq!(answered(&mut alone_answer).unwrap().unwrap(), "unchanged");

        let (write, _write_answer) = reply();
        commit.accept(Ok(("write", true)), write);
        let (unchanged, mut unchanged_answer) = reply();
        commit.accept(Ok(("unchanged", false)), unchanged);
        let (refusal, mut refusal_answer) = reply::<()>();
        commit.accept(Err(VaultError::NotFound { id: "x".into() }), refusal);
        assert!(answered(&mut unchanged_answer).is_none());
        assert!(answered(&mut refusal_answer).is_none());
        let data = commit.start().unwrap();
        commit.finished(Ok(data));
        assert_eq!(
            answered(&mut unchanged_answer).unwrap().unwrap(),
            "unchanged"
        );
        assert!(matches!(
            answered(&mut refusal_answer).unwrap(),
            Err(VaultError::NotFound { .. })
        ));
    }

    #[test]
    fn a_queue_of_answers_alone_needs_no_write() {
        let mut commit = GroupCommit::new(VaultData::new());
        let (write, _) = reply();
        commit.accept(Ok(((), true)), write);
        let data = commit.start().unwrap();
        let (unchanged, mut unchanged_answer) = reply();
        commit.accept(Ok(((), false)), unchanged);
        commit.finished(Ok(data));
        assert!(commit.start().is_none(), "no file write for it");
        assert!(answered(&mut unchanged_answer).unwrap().is_ok());
    }

    #[tokio::test]
    async fn a_batch_shares_one_safe_storage_check() {
        let mut commit = GroupCommit::new(VaultData::new());
        let mut asked = 0;
        let unavailable = || SafeStorageError::Unavailable {
            reason: "locked".into(),
            remediation: "unlock",
        };
        let first = commit
            .batch_check(async |_| {
                asked += 1;
                Err(unavailable())
            })
            .await;
        assert!(first.is_err());
        // The first write of a batch with nothing queued asks again.
        let again = commit
            .batch_check(async |_| {
                asked += 1;
                Ok(())
            })
            .await;
        assert!(again.is_ok());
        let (write, _) = reply();
        commit.accept(Ok(((), true)), write);
        // Queued behind a write: the batch's check is reused.
        let shared = commit
            .batch_check(async |_| {
                asked += 1;
                Err(unavailable())
            })
            .await;
        assert!(shared.is_ok());
        assert_eq!(asked, 2);
    }
}
