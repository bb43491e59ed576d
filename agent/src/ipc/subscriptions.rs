//! One connection's event subscriptions: each is a task that forwards the events of its
//! topics to the connection's writer, numbered per subscription, until it is ended, the
//! client leaves, or it falls behind (then it gets a last `lagged` event and ends).
//!
//! A subscription to state topics may resume from a revision: its forwarder first sends
//! the held changes after it (or one `resync`), then the live ones; the live state hands
//! out both at once, so nothing falls between them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use llm_agent_protocol::envelope::{self, Envelope, Event};
use llm_agent_protocol::events::{
    DiagnosticsEvent, LAGGED_TOPIC, Lagged, RESYNC_TOPIC, Resync, Topic,
};
use llm_agent_protocol::methods::discovery::Sweep;
use llm_agent_protocol::methods::events::SubscribeResult;
use llm_agent_protocol::methods::usage::SpendingAlert;
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::AbortHandle;

use super::error::RequestError;
use super::locale::ConnectionLocale;
use crate::live::{CatchUp, StateChange};
use crate::state::SharedState;
use crate::texts;

/// Live subscriptions one connection may hold.
pub const MAX_SUBSCRIPTIONS: usize = 16;

/// The subscriptions of one connection.
pub struct Subscriptions {
    state: SharedState,
    outbound: mpsc::Sender<Vec<u8>>,
    /// The connection's language, which events are rendered in.
    locale: Arc<ConnectionLocale>,
    live: Mutex<HashMap<u64, AbortHandle>>,
    next: AtomicU64,
}

/// Starts a new subscription's events; fire it once its subscribe response is queued,
/// so the client always sees that response first.
pub struct Start(oneshot::Sender<()>);

impl Start {
    pub fn fire(self) {
        let _ = self.0.send(());
    }
}

impl Subscriptions {
    pub fn new(
        state: SharedState,
        outbound: mpsc::Sender<Vec<u8>>,
        locale: Arc<ConnectionLocale>,
    ) -> Self {
        Self {
            state,
            outbound,
            locale,
            live: Mutex::default(),
            next: AtomicU64::new(0),
        }
    }

    /// Registers a subscription to `topics` (duplicates dropped), its state topics
    /// resumed after `since_revision` when given; its events flow once the returned
    /// [`Start`] fires.
    pub fn subscribe(
        self: &Arc<Self>,
        topics: Vec<Topic>,
        since_revision: Option<u64>,
    ) -> Result<(SubscribeResult, Start), RequestError> {
        if topics.is_empty() {
            return Err(RequestError::NoTopics);
        }
        let mut unique = Vec::with_capacity(topics.len());
        for topic in topics {
            if !unique.contains(&topic) {
                unique.push(topic);
            }
        }
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        if live.len() >= MAX_SUBSCRIPTIONS {
            return Err(RequestError::TooManySubscriptions {
                max: MAX_SUBSCRIPTIONS,
            });
        }
        let subscription = self.next.fetch_add(1, Relaxed) + 1;
        let state_topics: Vec<Topic> = unique.iter().copied().filter(|t| t.is_state()).collect();
        let state = (!state_topics.is_empty()).then(|| {
            let follow = self.state.live.follow(since_revision);
            (
                follow.revision,
                StateSource {
                    topics: state_topics,
                    catch_up: follow.catch_up,
                    live: follow.live,
                },
            )
        });
        let revision = state.as_ref().map(|(revision, _)| *revision);
        let sources = Sources {
            diagnostics: unique
                .contains(&Topic::Diagnostics)
                .then(|| self.state.diagnostics.subscribe()),
            discovery: unique
                .contains(&Topic::Discovery)
                .then(|| self.state.discovery.subscribe()),
            usage: unique
                .contains(&Topic::Usage)
                .then(|| self.state.usage.subscribe()),
            state: state.map(|(_, source)| source),
        };
        let (start, started) = oneshot::channel();
        let forwarder = tokio::spawn(forward_events(
            Arc::downgrade(self),
            subscription,
            sources,
            started,
        ));
        live.insert(subscription, forwarder.abort_handle());
        let result = SubscribeResult {
            subscription,
            topics: unique,
            revision,
        };
        Ok((result, Start(start)))
    }

    /// Ends a subscription; no event of it is sent after this returns.
    pub fn unsubscribe(&self, subscription: u64) -> Result<(), RequestError> {
        match self.remove(subscription) {
            Some(forwarder) => {
                forwarder.abort();
                Ok(())
            }
            None => Err(RequestError::NoSuchSubscription { subscription }),
        }
    }

    /// Ends every subscription (the connection is closing).
    pub fn end_all(&self) {
        for (_, forwarder) in self
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
        {
            forwarder.abort();
        }
    }

    fn remove(&self, subscription: u64) -> Option<AbortHandle> {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&subscription)
    }
}

/// The event streams one subscription follows.
struct Sources {
    diagnostics: Option<broadcast::Receiver<Arc<DiagnosticsEvent>>>,
    discovery: Option<broadcast::Receiver<Arc<Sweep>>>,
    usage: Option<broadcast::Receiver<SpendingAlert>>,
    state: Option<StateSource>,
}

/// The state topics a subscription follows: what it catches up on, then the live changes
/// (of every state topic; those of other topics are skipped).
struct StateSource {
    topics: Vec<Topic>,
    catch_up: CatchUp,
    live: broadcast::Receiver<Arc<StateChange>>,
}

impl StateSource {
    fn wants(&self, change: &StateChange) -> bool {
        self.topics.contains(&change.topic())
    }

    /// The next live change of this subscription's topics, or never without state topics.
    async fn next(
        source: &mut Option<StateSource>,
    ) -> Result<Arc<StateChange>, broadcast::error::RecvError> {
        let Some(source) = source else {
            return std::future::pending().await;
        };
        loop {
            let change = source.live.recv().await?;
            if source.wants(&change) {
                return Ok(change);
            }
        }
    }
}

/// The next event of `source`, or never when the subscription does not follow it.
async fn next_of<T: Clone>(
    source: &mut Option<broadcast::Receiver<T>>,
) -> Result<T, broadcast::error::RecvError> {
    match source {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

/// An event frame of `subscription`.
fn event_frame(
    subscription: u64,
    topic: &str,
    seq: u64,
    data: impl Serialize,
    max_frame_len: u32,
) -> Result<Vec<u8>, envelope::CodecError> {
    envelope::encode_frame(
        &Envelope::Event(Event {
            subscription,
            topic: topic.to_owned(),
            seq,
            data,
        }),
        max_frame_len,
    )
}

/// Streams events to one subscriber until it unsubscribes, leaves, or falls behind; in
/// the last case it gets a final `lagged` event.
async fn forward_events(
    owner: Weak<Subscriptions>,
    subscription: u64,
    mut sources: Sources,
    started: oneshot::Receiver<()>,
) {
    if started.await.is_err() {
        return;
    }
    let Some((outbound, max_frame_len, locale)) = owner.upgrade().map(|owner| {
        (
            owner.outbound.clone(),
            owner.state.config.max_frame_len,
            owner.locale.clone(),
        )
    }) else {
        return;
    };
    let outbound = Outbound {
        sender: outbound,
        locale,
        max_frame_len,
    };
    let mut seq = 0;
    if let Some(state) = sources.state.as_mut() {
        // What a resumed subscription missed comes first: the held changes, or a resync.
        let catch_up = std::mem::replace(&mut state.catch_up, CatchUp::Changes(Vec::new()));
        let frames: Vec<_> = match catch_up {
            CatchUp::Resync { revision } => {
                seq += 1;
                let resync = Resync { revision };
                vec![event_frame(
                    subscription,
                    RESYNC_TOPIC,
                    seq,
                    resync,
                    max_frame_len,
                )]
            }
            CatchUp::Changes(changes) => changes
                .iter()
                .filter(|change| state.wants(change))
                .map(|change| {
                    seq += 1;
                    let topic = change.topic().as_str();
                    event_frame(subscription, topic, seq, &**change, max_frame_len)
                })
                .collect(),
        };
        for frame in frames {
            if !deliver(&outbound, frame).await {
                return;
            }
        }
    }
    loop {
        seq += 1;
        let received = tokio::select! {
            event = next_of(&mut sources.diagnostics) => event.map(|event| {
                event_frame(subscription, Topic::Diagnostics.as_str(), seq, &*event, max_frame_len)
            }),
            sweep = next_of(&mut sources.discovery) => sweep.map(|sweep| {
                event_frame(subscription, Topic::Discovery.as_str(), seq, &*sweep, max_frame_len)
            }),
            change = StateSource::next(&mut sources.state) => change.map(|change| {
                event_frame(subscription, change.topic().as_str(), seq, &*change, max_frame_len)
            }),
            alert = next_of(&mut sources.usage) => alert.map(|alert| {
                event_frame(subscription, Topic::Usage.as_str(), seq, &alert, max_frame_len)
            }),
        };
        let frame = match received {
            Ok(frame) => frame,
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                let lagged = event_frame(
                    subscription,
                    LAGGED_TOPIC,
                    seq,
                    Lagged { missed },
                    max_frame_len,
                );
                if let Ok(frame) = lagged {
                    let _ = outbound.sender.send(frame).await;
                }
                if let Some(owner) = owner.upgrade() {
                    owner.remove(subscription);
                }
                return;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if !deliver(&outbound, frame).await {
            return;
        }
    }
}

/// Where one subscription's events go: the connection's writer, in its language.
struct Outbound {
    sender: mpsc::Sender<Vec<u8>>,
    locale: Arc<ConnectionLocale>,
    max_frame_len: u32,
}

/// Queues an event frame, its texts in the connection's language, for the connection's
/// writer; false once the connection is gone. A frame that could not be encoded is
/// logged and skipped.
async fn deliver(outbound: &Outbound, frame: Result<Vec<u8>, envelope::CodecError>) -> bool {
    match frame {
        Ok(frame) => {
            let frame =
                texts::relocalize_frame(frame, outbound.locale.get(), outbound.max_frame_len);
            outbound.sender.send(frame).await.is_ok()
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot encode an event");
            true
        }
    }
}
