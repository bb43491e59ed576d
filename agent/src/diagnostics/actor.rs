//! The diagnostics actor: numbers and timestamps each event, keeps the most recent ones
//! in a bounded ring for `diagnostics.query`, hands them to the journal thread in
//! batches, and fans them out to live subscribers.
//!
//! Batches go to the journal every [`JOURNAL_TICK`] (or sooner when [`JOURNAL_BATCH`]
//! events wait): waking the journal thread for every event cost each request a
//! cross-thread hand-off, measured at about 2 µs of a 10 µs round trip.
//!
//! Callers only ever cast to it, so recording never blocks a request. Fan-out uses a
//! broadcast channel: a subscriber that falls behind loses events (and is told so); it
//! never slows the actor.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind};
use llm_agent_protocol::methods::diagnostics::{QueryParams, QueryResult};
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::sync::broadcast;

use super::error::DiagnosticsError;
use crate::actors::ActorSlot;
use crate::diagnostics::journal::JournalSender;

/// Events kept in memory for queries.
pub const RING_CAPACITY: usize = 10_000;
/// How often buffered events go to the journal thread.
pub const JOURNAL_TICK: Duration = Duration::from_millis(250);
/// Events that make a batch go out before the tick.
pub const JOURNAL_BATCH: usize = 512;
/// Events buffered per live subscriber before it counts as lagging.
pub const SUBSCRIBER_BUFFER: usize = 1024;
/// How long a caller waits for the actor to answer a query or a flush.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

pub type DiagnosticsRef = ActorRef<DiagnosticsMsg>;

pub enum DiagnosticsMsg {
    /// Record one event; `seq` and `ts` are filled in by the actor.
    Record(SystemTime, DiagnosticsEvent),
    Query(QueryParams, RpcReplyPort<QueryResult>),
    /// Replies once everything recorded before it is in the journal file.
    Flush(RpcReplyPort<()>),
    /// Hands buffered events to the journal thread.
    Tick,
    /// Makes the actor fail, to exercise supervision.
    #[cfg(test)]
    Crash,
}

/// Plain, cloneable start-up arguments: a restarted actor gets the same ones, so the
/// sequence numbers, the ring, the journal and the subscribers carry on.
#[derive(Clone)]
pub struct DiagnosticsArgs {
    pub journal: JournalSender,
    pub events: broadcast::Sender<Arc<DiagnosticsEvent>>,
    pub next_seq: Arc<AtomicU64>,
    /// Only the current actor touches it; the lock is never contended.
    pub buffers: Arc<Mutex<Buffers>>,
}

/// What the actor keeps between messages, outside its state so a restart keeps it.
#[derive(Default)]
pub struct Buffers {
    /// The most recent events, for queries.
    ring: VecDeque<Arc<DiagnosticsEvent>>,
    /// Events not yet handed to the journal thread.
    unwritten: Vec<Arc<DiagnosticsEvent>>,
}

pub struct DiagnosticsActor;

pub struct DiagnosticsState {
    args: DiagnosticsArgs,
}

impl Actor for DiagnosticsActor {
    type Msg = DiagnosticsMsg;
    type State = DiagnosticsState;
    type Arguments = DiagnosticsArgs;

    async fn pre_start(
        &self,
        myself: DiagnosticsRef,
        args: DiagnosticsArgs,
    ) -> Result<DiagnosticsState, ActorProcessingErr> {
        myself.send_interval(JOURNAL_TICK, || DiagnosticsMsg::Tick);
        Ok(DiagnosticsState { args })
    }

    async fn handle(
        &self,
        _myself: DiagnosticsRef,
        msg: DiagnosticsMsg,
        state: &mut DiagnosticsState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            DiagnosticsMsg::Record(at, event) => state.record(at, event),
            DiagnosticsMsg::Query(params, reply) => {
                let _ = reply.send(state.query(&params));
            }
            DiagnosticsMsg::Flush(reply) => {
                state.hand_to_journal();
                state.args.journal.flush().await;
                let _ = reply.send(());
            }
            DiagnosticsMsg::Tick => state.hand_to_journal(),
            #[cfg(test)]
            DiagnosticsMsg::Crash => return Err("crash requested by a test".into()),
        }
        Ok(())
    }
}

impl DiagnosticsState {
    fn record(&mut self, at: SystemTime, mut event: DiagnosticsEvent) {
        event.seq = self.args.next_seq.fetch_add(1, Relaxed) + 1;
        event.ts = crate::timestamp::rfc3339(at);
        let event = Arc::new(event);
        let batch_full = {
            let mut buffers = self.buffers();
            if buffers.ring.len() == RING_CAPACITY {
                buffers.ring.pop_front();
            }
            buffers.ring.push_back(event.clone());
            buffers.unwritten.push(event.clone());
            buffers.unwritten.len() >= JOURNAL_BATCH
        };
        if batch_full {
            self.hand_to_journal();
        }
        // Fails only when nobody is subscribed.
        let _ = self.args.events.send(event);
    }

    fn buffers(&self) -> MutexGuard<'_, Buffers> {
        self.args
            .buffers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn hand_to_journal(&self) {
        let batch = std::mem::take(&mut self.buffers().unwritten);
        if !batch.is_empty() {
            self.args.journal.append(batch);
        }
    }

    fn query(&self, params: &QueryParams) -> QueryResult {
        let limit = params
            .limit
            .unwrap_or(llm_agent_protocol::methods::diagnostics::DEFAULT_QUERY_LIMIT)
            as usize;
        let matches = |event: &&Arc<DiagnosticsEvent>| {
            params
                .correlation_id
                .as_ref()
                .is_none_or(|id| event.correlation_id.as_ref() == Some(id))
                && params
                    .method
                    .as_ref()
                    .is_none_or(|m| event.method.as_ref() == Some(m))
                && params.result.as_ref().is_none_or(|r| &event.result == r)
        };
        let mut matched = 0u64;
        let mut events = Vec::new();
        for event in self.buffers().ring.iter().rev().filter(matches) {
            matched += 1;
            if events.len() < limit {
                events.push(DiagnosticsEvent::clone(event));
            }
        }
        events.reverse();
        QueryResult { events, matched }
    }
}

/// An event of `kind` with `result` and every optional field empty; the actor fills in
/// `seq` and `ts`.
pub fn event(kind: DiagnosticsKind, result: &str) -> DiagnosticsEvent {
    DiagnosticsEvent {
        seq: 0,
        ts: String::new(),
        kind,
        correlation_id: None,
        method: None,
        result: result.to_owned(),
        duration_us: 0,
        peer_pid: None,
        peer_uid: None,
        actor: None,
        profile_id: None,
        safe_storage: None,
        prompt_test: None,
        model_call: None,
    }
}

/// How the rest of the agent talks to the diagnostics actor, whichever incarnation is
/// current.
#[derive(Clone)]
pub struct DiagnosticsHandle {
    pub slot: Arc<ActorSlot<DiagnosticsMsg>>,
    pub args: DiagnosticsArgs,
}

impl DiagnosticsHandle {
    pub fn new(journal: JournalSender) -> Self {
        let (events, _) = broadcast::channel(SUBSCRIBER_BUFFER);
        Self {
            slot: Arc::default(),
            args: DiagnosticsArgs {
                journal,
                events,
                next_seq: Arc::default(),
                buffers: Arc::default(),
            },
        }
    }

    /// Records an event without waiting. An event sent while the actor restarts is lost,
    /// which is logged.
    pub fn record(&self, event: DiagnosticsEvent) {
        let sent = self.slot.get().is_some_and(|actor| {
            actor
                .cast(DiagnosticsMsg::Record(SystemTime::now(), event))
                .is_ok()
        });
        if !sent {
            tracing::warn!("diagnostics actor unavailable; event dropped");
        }
    }

    pub async fn query(&self, params: QueryParams) -> Result<QueryResult, DiagnosticsError> {
        self.slot
            .call(|reply| DiagnosticsMsg::Query(params, reply), CALL_TIMEOUT)
            .await
            .map_err(|_| DiagnosticsError::Unavailable)
    }

    pub async fn flush(&self) -> Result<(), DiagnosticsError> {
        self.slot
            .call(DiagnosticsMsg::Flush, CALL_TIMEOUT)
            .await
            .map_err(|_| DiagnosticsError::Unavailable)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<DiagnosticsEvent>> {
        self.args.events.subscribe()
    }

    /// Events recorded since start-up.
    pub fn recorded(&self) -> u64 {
        self.args.next_seq.load(Relaxed)
    }
}
