//! Live state: the agent-wide revision of its state, the recent changes a resuming
//! subscriber catches up on, and their fan-out to the state topics (`profiles`,
//! `safe_storage`, `roles`, `catalog`).
//!
//! The vault and the catalog call [`LiveState::publish`] once a change is durable (and
//! the vault for each change of safe storage's state). Numbering, keeping and announcing
//! happen under one lock, together with the publisher's own step that makes the change
//! visible to reads (its snapshot), so:
//!
//! - revisions are announced in order, each once;
//! - a read that reports revision `R` shows every change up to `R` and none after it;
//! - a subscriber that asks for the changes after `R` ([`LiveState::follow`]) gets the
//!   held ones and then the live ones, with no gap and no repeat, or a `resync` when the
//!   changes after `R` are no longer held.
//!
//! [`floor`] keeps revisions unique across restarts.

pub mod floor;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use llm_agent_protocol::events::{CatalogEvent, ProfileEvent, RolesEvent, SafeStorageEvent, Topic};
use serde::Serialize;
use tokio::sync::broadcast;

use floor::{RESERVE, RevisionFloor};

/// Changes kept for subscribers that resume from an earlier revision.
pub const HISTORY: usize = 1024;
/// State changes buffered per live subscriber before it counts as lagging.
pub const SUBSCRIBER_BUFFER: usize = 1024;

/// One announced change of the agent's state, as its topic's event carries it.
#[derive(Debug, Clone, PartialEq)]
pub enum StateChange {
    /// Boxed: a profile is several times the size of the other payloads.
    Profile(Box<ProfileEvent>),
    SafeStorage(SafeStorageEvent),
    Roles(RolesEvent),
    Catalog(CatalogEvent),
}

impl StateChange {
    pub fn topic(&self) -> Topic {
        match self {
            StateChange::Profile(_) => Topic::Profiles,
            StateChange::SafeStorage(_) => Topic::SafeStorage,
            StateChange::Roles(_) => Topic::Roles,
            StateChange::Catalog(_) => Topic::Catalog,
        }
    }

    pub fn revision(&self) -> u64 {
        match self {
            StateChange::Profile(e) => e.revision,
            StateChange::SafeStorage(e) => e.revision,
            StateChange::Roles(e) => e.revision,
            StateChange::Catalog(e) => e.revision,
        }
    }

    fn set_revision(&mut self, revision: u64) {
        match self {
            StateChange::Profile(e) => e.revision = revision,
            StateChange::SafeStorage(e) => e.revision = revision,
            StateChange::Roles(e) => e.revision = revision,
            StateChange::Catalog(e) => e.revision = revision,
        }
    }
}

impl Serialize for StateChange {
    /// The event's `data`: its topic's payload.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            StateChange::Profile(e) => e.serialize(serializer),
            StateChange::SafeStorage(e) => e.serialize(serializer),
            StateChange::Roles(e) => e.serialize(serializer),
            StateChange::Catalog(e) => e.serialize(serializer),
        }
    }
}

/// What a resuming subscriber gets before the live changes.
#[derive(Debug)]
pub enum CatchUp {
    /// The held changes after its revision (of every state topic: the subscriber keeps
    /// those of its own topics).
    Changes(Vec<Arc<StateChange>>),
    /// Its revision is older than the history, or not one this run handed out: it must
    /// re-read; `revision` is the latest one.
    Resync { revision: u64 },
}

/// A subscriber's start: the catch-up and the live changes after it.
pub struct Follow {
    /// The latest revision at the moment of subscribing.
    pub revision: u64,
    pub catch_up: CatchUp,
    pub live: broadcast::Receiver<Arc<StateChange>>,
}

struct Numbering {
    /// The latest revision handed out.
    revision: u64,
    /// The highest revision the floor file allows this run.
    ceiling: u64,
    /// The most recent changes, oldest first, without gaps.
    history: VecDeque<Arc<StateChange>>,
}

/// The agent's live state: shared by the vault, the catalog and every subscription.
pub struct LiveState {
    numbering: Mutex<Numbering>,
    events: broadcast::Sender<Arc<StateChange>>,
    floor: RevisionFloor,
}

impl LiveState {
    /// Starts numbering above the floor of `data_dir` (blocking: it reserves this run's
    /// block durably first). A floor that cannot be read or written is logged and the
    /// agent carries on: the state stays correct, only a client's old revision could be
    /// mistaken for a current one.
    pub fn open(data_dir: &std::path::Path) -> Self {
        let floor = RevisionFloor::new(data_dir);
        let start = floor.load().unwrap_or_else(|problem| {
            tracing::warn!(%problem, "revisions start from 0");
            0
        });
        let ceiling = start.saturating_add(RESERVE);
        if let Err(error) = floor.reserve(ceiling) {
            tracing::warn!(%error, "cannot reserve revisions; a restart may reuse some");
        }
        let (events, _) = broadcast::channel(SUBSCRIBER_BUFFER);
        Self {
            numbering: Mutex::new(Numbering {
                revision: start,
                ceiling,
                history: VecDeque::with_capacity(HISTORY),
            }),
            events,
            floor,
        }
    }

    /// The latest revision.
    pub fn revision(&self) -> u64 {
        self.numbering().revision
    }

    /// Numbers `changes` in order, runs `show` with the last revision (the publisher
    /// replaces the snapshot reads see), then keeps and announces them: all at once, so
    /// no read or subscriber sees one without the other. Returns the last revision.
    pub fn publish(&self, mut changes: Vec<StateChange>, show: impl FnOnce(u64)) -> u64 {
        let mut numbering = self.numbering();
        for change in &mut changes {
            numbering.revision += 1;
            if numbering.revision > numbering.ceiling {
                self.reserve_more(&mut numbering);
            }
            change.set_revision(numbering.revision);
        }
        let revision = numbering.revision;
        show(revision);
        for change in changes {
            let change = Arc::new(change);
            if numbering.history.len() == HISTORY {
                numbering.history.pop_front();
            }
            numbering.history.push_back(change.clone());
            // Fails only when nobody is subscribed.
            let _ = self.events.send(change);
        }
        revision
    }

    /// A subscriber's start: with `since`, the held changes after it (or a resync);
    /// without, nothing to catch up on.
    pub fn follow(&self, since: Option<u64>) -> Follow {
        let numbering = self.numbering();
        let live = self.events.subscribe();
        let revision = numbering.revision;
        let catch_up = match since {
            None => CatchUp::Changes(Vec::new()),
            Some(since) if since == revision => CatchUp::Changes(Vec::new()),
            Some(since) => {
                let oldest = numbering.history.front().map(|c| c.revision());
                match oldest {
                    // Every change after `since` is held.
                    Some(oldest) if since < revision && since + 1 >= oldest => CatchUp::Changes(
                        numbering
                            .history
                            .iter()
                            .filter(|c| c.revision() > since)
                            .cloned()
                            .collect(),
                    ),
                    _ => CatchUp::Resync { revision },
                }
            }
        };
        Follow {
            revision,
            catch_up,
            live,
        }
    }

    /// This run's block is used up: reserve the next one. It blocks on a small durable
    /// write once per [`RESERVE`] changes.
    fn reserve_more(&self, numbering: &mut Numbering) {
        numbering.ceiling = numbering.ceiling.saturating_add(RESERVE);
        if let Err(error) = self.floor.reserve(numbering.ceiling) {
            tracing::warn!(%error, "cannot reserve revisions; a restart may reuse some");
        }
    }

    fn numbering(&self) -> MutexGuard<'_, Numbering> {
        self.numbering
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::safe_storage::{SafeStorageState, SafeStorageStatus};

    use super::*;

    fn change() -> StateChange {
        StateChange::SafeStorage(SafeStorageEvent {
            revision: 0,
            status: SafeStorageStatus::default(),
            previous: SafeStorageState::Unknown,
        })
    }

    fn revisions(catch_up: &CatchUp) -> Vec<u64> {
        match catch_up {
            CatchUp::Changes(changes) => changes.iter().map(|c| c.revision()).collect(),
            CatchUp::Resync { .. } => panic!("resync"),
        }
    }

    #[test]
    fn changes_are_numbered_in_order_and_shown_before_they_are_announced() {
        let dir = tempfile::tempdir().unwrap();
        let live = LiveState::open(dir.path());
        let mut follower = live.follow(None).live;
        let mut shown = 0;
        let last = live.publish(vec![change(), change()], |revision| shown = revision);
        assert_eq!((last, shown), (2, 2));
        assert_eq!(follower.try_recv().unwrap().revision(), 1);
        assert_eq!(follower.try_recv().unwrap().revision(), 2);
        assert_eq!(live.revision(), 2);
    }

    #[test]
    fn a_resume_gets_the_held_changes_or_a_resync() {
        let dir = tempfile::tempdir().unwrap();
        let live = LiveState::open(dir.path());
        for _ in 0..5 {
            live.publish(vec![change()], |_| {});
        }
        assert_eq!(revisions(&live.follow(Some(2)).catch_up), [3, 4, 5]);
        assert!(revisions(&live.follow(Some(5)).catch_up).is_empty());
        assert!(revisions(&live.follow(Some(0)).catch_up).len() == 5);
        // A revision from the future (another data dir, an older file) must re-read.
        assert!(matches!(
            live.follow(Some(99)).catch_up,
            CatchUp::Resync { revision: 5 }
        ));
        for _ in 0..HISTORY {
            live.publish(vec![change()], |_| {});
        }
        assert!(matches!(
            live.follow(Some(3)).catch_up,
            CatchUp::Resync { .. }
        ));
        let held = revisions(&live.follow(Some(5)).catch_up);
        assert_eq!(held.len(), HISTORY);
    }

    #[test]
    fn a_restart_numbers_above_every_revision_of_the_run_before() {
        let dir = tempfile::tempdir().unwrap();
        let first = LiveState::open(dir.path());
        first.publish(vec![change()], |_| {});
        let seen = first.revision();
        drop(first);
        let second = LiveState::open(dir.path());
        assert!(second.revision() >= RESERVE && second.revision() > seen);
        assert!(matches!(
            second.follow(Some(seen)).catch_up,
            CatchUp::Resync { .. }
        ));
        second.publish(vec![change()], |_| {});
        assert_eq!(second.revision(), RESERVE + 1);
    }
}
