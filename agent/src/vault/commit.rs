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
//! Each accepted mutation carries its [`Effects`]: a batch's audit entries go out with
//! the state to write (the ledger is written first), and its events are handed to the
//! publisher once the batch is on disk, before any of its answers.
//!
//! Writing the file is the actor's: this type holds only the bookkeeping, so its rules
//! can be tested without a disk or an actor.

use std::sync::Arc;

use llm_agent_protocol::methods::audit::AuditEntry;
use ractor::RpcReplyPort;

use super::changes::Effects;
use super::error::VaultError;
use super::profile::VaultData;
use super::safe_storage::SafeStorageError;
use crate::live::StateChange;

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

/// How a mutation was decided: its result and, when it writes, what it announces and
/// records (`None`: it changes nothing).
pub type Decided<T> = (T, Option<Effects>);

/// A batch to write: the state, and the ledger entries to append before it.
pub struct Batch {
    pub data: Arc<VaultData>,
    pub audit: Vec<AuditEntry>,
}

/// An accepted mutation's answer, sent once its batch is on disk (or failed).
struct Waiter {
    /// `None` for a request that changed nothing but must not overtake earlier writes.
    effects: Option<Effects>,
    answer: Box<dyn FnOnce(Result<(), VaultError>) + Send>,
}

impl Waiter {
    /// A refusal that waits for the batch it was decided against.
    fn rejected<T: Send + 'static>(err: VaultError, reply: Reply<T>) -> Self {
        Self {
            effects: None,
            answer: Box::new(move |outcome| {
                let _ = reply.send(outcome.and(Err(err)));
            }),
        }
    }

    fn new<T: Send + 'static>(effects: Option<Effects>, result: T, reply: Reply<T>) -> Self {
        Self {
            effects,
            answer: Box::new(move |outcome| {
                let _ = reply.send(outcome.map(|()| result));
            }),
        }
    }

    fn writes(&self) -> bool {
        self.effects.is_some()
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

    /// Takes a decided mutation or a refusal. Its answer goes out at once when nothing
    /// it was decided against is still unwritten; otherwise it waits for that batch, so
    /// no answer depends on a state that may never exist.
    pub fn accept<T: Send + 'static>(
        &mut self,
        outcome: Result<Decided<T>, VaultError>,
        reply: Reply<T>,
    ) {
        let waiting_on_disk = self.committing || !self.queued.is_empty();
        match outcome {
            Err(err) if waiting_on_disk => self.queued.push(Waiter::rejected(err, reply)),
            Err(err) => {
                let _ = reply.send(Err(err));
            }
            // Nothing to write and nothing to wait for: the answer is already durable.
            Ok((result, None)) if !waiting_on_disk => {
                let _ = reply.send(Ok(result));
            }
            Ok((result, effects)) => self.queued.push(Waiter::new(effects, result, reply)),
        }
    }

    /// Takes a change the vault makes by itself (nobody waits for its answer).
    pub fn accept_own(&mut self, effects: Effects) {
        self.queued.push(Waiter {
            effects: Some(effects),
            answer: Box::new(|_| {}),
        });
    }

    /// The batch to write now, if a commit should start: none runs and a write is
    /// queued. A queue of answers that write nothing is answered here instead.
    pub fn start(&mut self) -> Option<Batch> {
        if self.committing || self.queued.is_empty() {
            return None;
        }
        if !self.queued.iter().any(Waiter::writes) {
            for waiter in self.queued.drain(..) {
                (waiter.answer)(Ok(()));
            }
            return None;
        }
        self.in_flight = std::mem::take(&mut self.queued);
        self.committing = true;
        self.batch_check = None;
        let audit = self
            .in_flight
            .iter()
            .filter_map(|w| w.effects.as_ref())
            .flat_map(|e| e.audit.iter().cloned())
            .collect();
        Some(Batch {
            data: Arc::new(self.pending.clone()),
            audit,
        })
    }

    /// The commit started by [`GroupCommit::start`] ended: on disk (`publish` gets its
    /// events in order, then its answers go out, and `data` is the new durable state),
    /// or failed (it and every mutation after it fail, and `pending` returns to the
    /// durable state).
    pub fn finished(
        &mut self,
        outcome: Result<Arc<VaultData>, VaultError>,
        publish: impl FnOnce(&Arc<VaultData>, Vec<StateChange>),
    ) {
        self.committing = false;
        match outcome {
            Ok(data) => {
                // The ledger entry the file now names; later batches keep naming it.
                self.pending.audit_head.clone_from(&data.audit_head);
                self.durable = data;
                let events = self
                    .in_flight
                    .iter_mut()
                    .filter_map(|w| w.effects.take())
                    .flat_map(|e| e.events)
                    .collect();
                publish(&self.durable, events);
                for waiter in self.in_flight.drain(..) {
                    (waiter.answer)(Ok(()));
                }
            }
            Err(failed) => {
                tracing::error!(error = %failed, "committing a batch failed; it is refused");
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

    fn writes() -> Option<Effects> {
        Some(Effects::default())
    }

    /// Ends the running commit, ignoring its events.
    fn finish(commit: &mut GroupCommit, outcome: Result<Arc<VaultData>, VaultError>) {
        commit.finished(outcome, |_, _| {});
    }

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
        commit.accept(Ok(("first", writes())), first);
        assert!(answered(&mut first_answer).is_none(), "not on disk yet");
        let written = commit.start().expect("a commit starts").data;
        assert_eq!(*written, *commit.pending());
        assert!(commit.start().is_none(), "one commit at a time");

        // Arriving meanwhile: the next batch, answered only after its own commit.
        let (second, mut second_answer) = reply();
        commit.accept(Ok(("second", writes())), second);
        finish(&mut commit, Ok(written.clone()));
        assert_eq!(answered(&mut first_answer).unwrap().unwrap(), "first");
        assert!(answered(&mut second_answer).is_none());
        assert_eq!(commit.durable(), &written);
        let next = commit.start().expect("the next batch").data;
        finish(&mut commit, Ok(next));
        assert_eq!(answered(&mut second_answer).unwrap().unwrap(), "second");
    }

    #[test]
    fn a_failed_commit_fails_its_batch_and_everything_built_on_it() {
        let durable = VaultData::new();
        let mut commit = GroupCommit::new(durable.clone());
        let id = Uuid::new_v4();
        *commit.pending_mut() = with_active(&durable, id);
        let (first, mut first_answer) = reply::<&str>();
        commit.accept(Ok(("first", writes())), first);
        let _writing = commit.start().unwrap();
        let (later, mut later_answer) = reply::<&str>();
        commit.accept(Ok(("later", writes())), later);
        let (refused, mut refused_answer) = reply::<&str>();
        commit.accept(Err(VaultError::NotFound { id: "x".into() }), refused);

        let mut published = false;
        let disk_full = VaultError::Storage(Arc::new(std::io::Error::other("disk full")));
        commit.finished(Err(disk_full), |_, _| {
            published = true;
        });
        assert!(!published, "nothing of a failed batch is announced");
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
    fn a_batch_carries_its_entries_out_and_its_events_back_before_its_answers() {
        use llm_agent_protocol::events::RolesEvent;
        use llm_agent_protocol::methods::audit::AuditKind;

        let mut commit = GroupCommit::new(VaultData::new());
        let effects = |n: u64| Effects {
            events: vec![StateChange::Roles(RolesEvent {
                revision: n,
                roles: Vec::new(),
            })],
            audit: vec![crate::audit::entry(AuditKind::ProfileCreated)],
        };
        let (first, mut first_answer) = reply();
        commit.accept(Ok(("first", Some(effects(1)))), first);
        commit.accept_own(effects(2));
        let batch = commit.start().unwrap();
        assert_eq!(batch.audit.len(), 2);
        let mut announced = Vec::new();
        commit.finished(Ok(batch.data), |_, events| {
            announced = events.iter().map(StateChange::revision).collect();
        });
        assert_eq!(announced, [1, 2]);
        assert!(answered(&mut first_answer).unwrap().is_ok());
    }

    #[test]
    fn answers_that_write_nothing_do_not_overtake_earlier_writes() {
        let mut commit = GroupCommit::new(VaultData::new());
        // Alone, an unchanged answer goes out at once.
        let (alone, mut alone_answer) = reply();
        commit.accept(Ok(("unchanged", None)), alone);
        assert_eq!(answered(&mut alone_answer).unwrap().unwrap(), "unchanged");

        let (write, _write_answer) = reply();
        commit.accept(Ok(("write", writes())), write);
        let (unchanged, mut unchanged_answer) = reply();
        commit.accept(Ok(("unchanged", None)), unchanged);
        let (refusal, mut refusal_answer) = reply::<()>();
        commit.accept(Err(VaultError::NotFound { id: "x".into() }), refusal);
        assert!(answered(&mut unchanged_answer).is_none());
        assert!(answered(&mut refusal_answer).is_none());
        let data = commit.start().unwrap().data;
        finish(&mut commit, Ok(data));
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
        commit.accept(Ok(((), writes())), write);
        let data = commit.start().unwrap().data;
        let (unchanged, mut unchanged_answer) = reply();
        commit.accept(Ok(((), None)), unchanged);
        finish(&mut commit, Ok(data));
        assert!(commit.start().is_none(), "no file write for it");
        assert!(answered(&mut unchanged_answer).unwrap().is_ok());
    }

    #[tokio::test]
    async fn a_batch_shares_one_safe_storage_check() {
        let mut commit = GroupCommit::new(VaultData::new());
        let mut asked = 0;
        let unavailable = || SafeStorageError::Unavailable {
            reason: crate::texts::messages::keyring_no_answer(),
            remediation: crate::texts::messages::keyring_unsupported(),
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
        commit.accept(Ok(((), writes())), write);
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
