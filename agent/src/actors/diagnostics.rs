//! The diagnostics actor: numbers and timestamps each event, keeps the most recent ones
//! in a bounded ring for `diagnostics.query`, hands them to the journal thread, and fans
//! them out to live subscribers.
//!
//! Callers only ever cast to it, so recording never blocks a request. Fan-out uses a
//! broadcast channel: a subscriber that falls behind loses events (and is told so); it
//! never slows the actor.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind};
use llm_agent_protocol::methods::diagnostics::{QueryParams, QueryResult};
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::broadcast;

use super::ActorSlot;
use crate::journal::JournalSender;

/// Events kept in memory for queries.
pub const RING_CAPACITY: usize = 10_000;
/// Events buffered per live subscriber before it counts as lagging.
pub const SUBSCRIBER_BUFFER: usize = 1024;
/// How long a caller waits for the actor to answer a query or a flush.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

pub type DiagnosticsRef = ActorRef<DiagnosticsMsg>;

pub enum DiagnosticsMsg {
    /// Record one event; `seq` and `ts` are filled in by the actor.
    Record(SystemTime, DiagnosticsEvent),
    Query(QueryParams, RpcReplyPort<QueryResult>),
    /// Replies once everything recorded before it is in the journal file.
    Flush(RpcReplyPort<()>),
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
    pub ring: Arc<Mutex<VecDeque<Arc<DiagnosticsEvent>>>>,
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
        _myself: DiagnosticsRef,
        args: DiagnosticsArgs,
    ) -> Result<DiagnosticsState, ActorProcessingErr> {
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
                state.args.journal.flush().await;
                let _ = reply.send(());
            }
            #[cfg(test)]
            DiagnosticsMsg::Crash => return Err("crash requested by a test".into()),
        }
        Ok(())
    }
}

impl DiagnosticsState {
    fn record(&mut self, at: SystemTime, mut event: DiagnosticsEvent) {
        event.seq = self.args.next_seq.fetch_add(1, Relaxed) + 1;
        event.ts = OffsetDateTime::from(at)
            .format(&Rfc3339)
            .unwrap_or_default();
        let event = Arc::new(event);
        {
            let mut ring = self.ring();
            if ring.len() == RING_CAPACITY {
                ring.pop_front();
            }
            ring.push_back(event.clone());
        }
        self.args.journal.append(event.clone());
        // Fails only when nobody is subscribed.
        let _ = self.args.events.send(event);
    }

    fn ring(&self) -> MutexGuard<'_, VecDeque<Arc<DiagnosticsEvent>>> {
        self.args
            .ring
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
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
        for event in self.ring().iter().rev().filter(matches) {
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
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DiagnosticsError {
    #[error("the diagnostics service is restarting; try again in a moment")]
    Unavailable,
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
                ring: Arc::new(Mutex::new(VecDeque::with_capacity(RING_CAPACITY))),
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
        let actor = self.slot.get().ok_or(DiagnosticsError::Unavailable)?;
        actor
            .call(
                |reply| DiagnosticsMsg::Query(params, reply),
                Some(CALL_TIMEOUT),
            )
            .await
            .ok()
            .and_then(|result| result.success_or(()).ok())
            .ok_or(DiagnosticsError::Unavailable)
    }

    pub async fn flush(&self) -> Result<(), DiagnosticsError> {
        let actor = self.slot.get().ok_or(DiagnosticsError::Unavailable)?;
        actor
            .call(DiagnosticsMsg::Flush, Some(CALL_TIMEOUT))
            .await
            .ok()
            .and_then(|result| result.success_or(()).ok())
            .ok_or(DiagnosticsError::Unavailable)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<DiagnosticsEvent>> {
        self.args.events.subscribe()
    }

    /// Events recorded since start-up.
    pub fn recorded(&self) -> u64 {
        self.args.next_seq.load(Relaxed)
    }
}
