//! Live event streams: [`Subscription`] on the caller's side, and the [`EventSink`] the
//! connection task routes a subscription's event frames into.
//!
//! Each subscription has a bounded buffer. The connection task never waits on it: a
//! subscriber that falls a whole buffer behind is ended with a final
//! [`SubscriptionItem::Lagged`], exactly as the agent ends one that falls behind, so a
//! slow reader costs memory for its own buffer only and never delays other responses.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};

use futures_util::Stream;
use futures_util::stream::FusedStream;
use llm_agent_protocol::events::{LAGGED_TOPIC, Lagged, Topic};
use llm_agent_protocol::methods::Method;
use llm_agent_protocol::methods::events::{Unsubscribe, UnsubscribeParams};
use llm_agent_protocol::value::{self, ValueError};
use llm_agent_protocol::{ErrorCode, Event};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use crate::client::{CallOptions, Client};
use crate::connection::Followup;
use crate::error::{ClientError, Disconnect};

/// How many events a subscription buffers before it counts as lagging.
const SUBSCRIPTION_BUFFER: usize = 1024;

/// One item of a [`Subscription`] stream. `Lagged` and `Disconnected` are always the last.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SubscriptionItem {
    Event(SubscriptionEvent),
    /// The subscription fell behind and has ended. `missed` is the agent's count when the
    /// agent ended it, or the number of events this client had to drop (at least 1).
    Lagged {
        missed: u64,
    },
    /// The connection closed, which ends every subscription on it.
    Disconnected(Disconnect),
}

/// One event of a subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionEvent {
    pub topic: String,
    /// Counts from 1 per subscription; a gap means events were lost.
    pub seq: u64,
    pub data: rmpv::Value,
}

impl SubscriptionEvent {
    /// Decodes the payload as the type its topic carries, for example
    /// [`DiagnosticsEvent`](llm_agent_protocol::events::DiagnosticsEvent) for `diagnostics`.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, ValueError> {
        value::from_value(&self.data)
    }
}

/// A live subscription: a [`Stream`] of [`SubscriptionItem`]s.
///
/// Dropping it ends the subscription on the agent (best effort, without waiting);
/// [`Subscription::unsubscribe`] does the same and waits for the agent to confirm.
pub struct Subscription {
    id: u64,
    topics: Vec<Topic>,
    items: mpsc::Receiver<SubscriptionItem>,
    missed: Arc<AtomicU64>,
    client: Client,
    /// The final item has been returned, or `unsubscribe` was called.
    finished: bool,
}

impl Subscription {
    pub(crate) fn new(id: u64, topics: Vec<Topic>, receiver: SinkReceiver, client: Client) -> Self {
        Self {
            id,
            topics,
            items: receiver.items,
            missed: receiver.missed,
            client,
            finished: false,
        }
    }

    /// The agent's id for this subscription, as event frames carry it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The topics the agent confirmed.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    /// Ends the subscription and waits until the agent confirms that no more of its events
    /// will be sent. Ending one the agent has already ended (after `lagged`) succeeds.
    pub async fn unsubscribe(mut self) -> Result<(), ClientError> {
        if self.finished || self.items.is_closed() {
            self.finished = true;
            return Ok(());
        }
        self.finished = true;
        let params = UnsubscribeParams {
            subscription: self.id,
        };
        let unsubscribed = self
            .client
            .call_followed::<Unsubscribe>(
                params,
                CallOptions::default(),
                Followup::Unsubscribe(self.id),
            )
            .await;
        match unsubscribed {
            Ok(_) => Ok(()),
            Err(ClientError::Remote(error)) if error.code == ErrorCode::SubscriptionNotFound => {
                Ok(())
            }
            Err(err) => Err(err),
        }
    }

    /// The item that ends the stream once the task has closed the channel.
    fn final_item(&self) -> Option<SubscriptionItem> {
        let missed = self.missed.load(Ordering::Relaxed);
        if missed > 0 {
            return Some(SubscriptionItem::Lagged { missed });
        }
        // Otherwise the channel closed because the subscription was ended on purpose,
        // or because the connection ended.
        self.client
            .connection()
            .ended()
            .map(SubscriptionItem::Disconnected)
    }
}

impl Stream for Subscription {
    type Item = SubscriptionItem;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.finished {
            return Poll::Ready(None);
        }
        let item = match ready!(self.items.poll_recv(cx)) {
            Some(item @ SubscriptionItem::Event(_)) => return Poll::Ready(Some(item)),
            Some(last) => Some(last),
            None => self.final_item(),
        };
        self.finished = true;
        Poll::Ready(item)
    }
}

impl FusedStream for Subscription {
    fn is_terminated(&self) -> bool {
        self.finished
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        // A closed channel means the task already dropped the route: the agent ended the
        // subscription, the task unsubscribed itself, or the connection is gone.
        if self.finished || self.items.is_closed() {
            return;
        }
        let connection = self.client.connection();
        let params = UnsubscribeParams {
            subscription: self.id,
        };
        if let Ok(request) = connection.prepare(Unsubscribe::NAME, &params, None) {
            connection.send_detached(request, Followup::Unsubscribe(self.id));
        }
    }
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("topics", &self.topics)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

/// The connection task's end of a subscription's buffer.
pub(crate) struct EventSink {
    items: mpsc::Sender<SubscriptionItem>,
    missed: Arc<AtomicU64>,
}

/// The caller's end, until the subscribe response turns it into a [`Subscription`].
pub(crate) struct SinkReceiver {
    items: mpsc::Receiver<SubscriptionItem>,
    missed: Arc<AtomicU64>,
}

/// What became of one routed event.
pub(crate) enum Delivery {
    Delivered,
    /// That was the agent's final `lagged` event: the agent no longer has the subscription.
    Ended,
    /// The buffer is full: the subscriber lags and the subscription must end.
    Overflowed,
    /// The [`Subscription`] was dropped: the subscription must end.
    Abandoned,
}

/// A new subscription buffer.
pub(crate) fn sink() -> (EventSink, SinkReceiver) {
    let (sender, receiver) = mpsc::channel(SUBSCRIPTION_BUFFER);
    let missed = Arc::new(AtomicU64::new(0));
    let sink = EventSink {
        items: sender,
        missed: Arc::clone(&missed),
    };
    let receiver = SinkReceiver {
        items: receiver,
        missed,
    };
    (sink, receiver)
}

impl EventSink {
    /// Passes one event frame on, without ever waiting.
    pub(crate) fn deliver(&self, event: Event) -> Delivery {
        let item = item_from_event(event);
        // The agent's `lagged` is its last event of the subscription: it has ended it.
        let agent_ended = matches!(item, SubscriptionItem::Lagged { .. });
        match self.items.try_send(item) {
            Ok(()) if agent_ended => Delivery::Ended,
            Ok(()) => Delivery::Delivered,
            Err(TrySendError::Full(item)) => {
                // Once this sink is dropped and the buffer drained, the stream reports the
                // count as its last item.
                let missed = match item {
                    SubscriptionItem::Lagged { missed } => missed.max(1),
                    _ => 1,
                };
                self.missed.fetch_add(missed, Ordering::Relaxed);
                if agent_ended {
                    Delivery::Ended
                } else {
                    Delivery::Overflowed
                }
            }
            Err(TrySendError::Closed(_)) if agent_ended => Delivery::Ended,
            Err(TrySendError::Closed(_)) => Delivery::Abandoned,
        }
    }

    /// Whether the caller's end is gone, so nobody will ever read these events.
    pub(crate) fn is_abandoned(&self) -> bool {
        self.items.is_closed()
    }
}

fn item_from_event(event: Event) -> SubscriptionItem {
    if event.topic == LAGGED_TOPIC {
        // An unreadable count still ends the subscription; 0 says the count is unknown.
        let missed = value::from_value::<Lagged>(&event.data).map_or(0, |lagged| lagged.missed);
        return SubscriptionItem::Lagged { missed };
    }
    SubscriptionItem::Event(SubscriptionEvent {
        topic: event.topic,
        seq: event.seq,
        data: event.data,
    })
}

/// Against a scripted fake agent, which listens on a Unix socket.
#[cfg(all(test, unix))]
mod tests {
    use std::time::Duration;

    use futures_util::StreamExt;
    use llm_agent_protocol::envelope::Envelope;
    use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind, RESULT_OK};
    use llm_agent_protocol::methods::events::{Subscribe, SubscribeResult, UnsubscribeResult};

    use super::*;
    use crate::fake_agent::{FakeAgent, Peer, event, frame, ok, value_frame};

    const SUBSCRIPTION: u64 = 7;

    fn diagnostics(seq: u64) -> DiagnosticsEvent {
        DiagnosticsEvent {
            seq,
            ts: "2025-01-01T00:00:00Z".into(),
            kind: DiagnosticsKind::Request,
            correlation_id: Some(format!("c-{seq}")),
            method: Some("agent.status".into()),
            result: RESULT_OK.into(),
            duration_us: 12,
            peer_pid: None,
            peer_uid: None,
            actor: None,
            profile_id: None,
            safe_storage: None,
            prompt_test: None,
            model_call: None,
        }
    }

    fn subscribed(id: u64) -> Envelope<SubscribeResult> {
        ok(
            id,
            SubscribeResult {
                subscription: SUBSCRIPTION,
                topics: vec![Topic::Diagnostics],
            },
        )
    }

    /// Subscribes; the agent answers with `frames_after` written in the same write as the
    /// response. The client is returned too: the connection closes with its last handle.
    async fn subscribe(
        agent: &FakeAgent,
        frames_after: Vec<Vec<u8>>,
    ) -> (Subscription, Peer, Client) {
        let (client, mut peer) = agent.connected().await;
        let agent_side = async {
            let request = peer.recv_request().await;
            assert_eq!(request.method, Subscribe::NAME);
            assert_eq!(
                request.params["topics"][0],
                rmpv::Value::from("diagnostics")
            );
            let mut frames = vec![frame(&subscribed(request.id))];
            frames.extend(frames_after);
            peer.send_together(&frames).await;
        };
        let (subscription, ()) = tokio::join!(client.subscribe([Topic::Diagnostics]), agent_side);
        (subscription.unwrap(), peer, client)
    }

    fn expect_event(item: Option<SubscriptionItem>) -> SubscriptionEvent {
        match item {
            Some(SubscriptionItem::Event(event)) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_event_in_the_same_write_as_the_subscribe_response_is_kept() {
        let agent = FakeAgent::start();
        let first = frame(&event(SUBSCRIPTION, "diagnostics", 1, diagnostics(1)));
        let (mut subscription, _peer, _client) = subscribe(&agent, vec![first]).await;
        assert_eq!(subscription.id(), SUBSCRIPTION);
        assert_eq!(subscription.topics(), &[Topic::Diagnostics]);
        let received = expect_event(subscription.next().await);
        assert_eq!(received.topic, "diagnostics");
        assert_eq!(received.seq, 1);
        assert_eq!(
            received.data_as::<DiagnosticsEvent>().unwrap(),
            diagnostics(1)
        );
    }

    /// A frame with the same fields as `message`, but `type` and the routing id last.
    fn frame_with_routing_last<P: serde::Serialize>(message: &Envelope<P>) -> Vec<u8> {
        let rmpv::Value::Map(mut fields) = value::to_value(message).unwrap() else {
            panic!("an envelope is a map");
        };
        fields.reverse();
        value_frame(&rmpv::Value::Map(fields))
    }

    #[tokio::test]
    async fn an_event_right_after_a_subscribe_response_with_its_fields_in_any_order_is_kept() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let agent_side = async {
            let request = peer.recv_request().await;
            peer.send_together(&[
                frame_with_routing_last(&subscribed(request.id)),
                frame_with_routing_last(&event(SUBSCRIPTION, "diagnostics", 1, diagnostics(1))),
            ])
            .await;
        };
        let (subscription, ()) = tokio::join!(client.subscribe([Topic::Diagnostics]), agent_side);
        let mut subscription = subscription.unwrap();
        assert_eq!(subscription.id(), SUBSCRIPTION);
        let received = expect_event(subscription.next().await);
        assert_eq!(received.seq, 1);
        assert_eq!(
            received.data_as::<DiagnosticsEvent>().unwrap(),
            diagnostics(1)
        );
    }

    #[tokio::test]
    async fn lagged_is_the_last_item() {
        let agent = FakeAgent::start();
        let frames = vec![
            frame(&event(SUBSCRIPTION, "diagnostics", 1, diagnostics(1))),
            frame(&event(SUBSCRIPTION, LAGGED_TOPIC, 2, Lagged { missed: 40 })),
        ];
        let (mut subscription, _peer, _client) = subscribe(&agent, frames).await;
        expect_event(subscription.next().await);
        assert!(matches!(
            subscription.next().await,
            Some(SubscriptionItem::Lagged { missed: 40 })
        ));
        assert!(subscription.next().await.is_none());
        assert!(subscription.is_terminated());
    }

    #[tokio::test]
    async fn events_of_other_subscriptions_are_not_delivered() {
        let agent = FakeAgent::start();
        let frames = vec![
            frame(&event(SUBSCRIPTION + 1, "diagnostics", 1, diagnostics(1))),
            frame(&event(SUBSCRIPTION, "diagnostics", 1, diagnostics(2))),
        ];
        let (mut subscription, _peer, _client) = subscribe(&agent, frames).await;
        let received = expect_event(subscription.next().await);
        assert_eq!(received.data_as::<DiagnosticsEvent>().unwrap().seq, 2);
    }

    #[tokio::test]
    async fn a_reader_that_falls_behind_gets_lagged_and_the_agent_an_unsubscribe() {
        let agent = FakeAgent::start();
        let (subscription, mut peer, _client) = subscribe(&agent, vec![]).await;
        let overflow = SUBSCRIPTION_BUFFER as u64 + 1;
        let frames: Vec<_> = (1..=overflow)
            .map(|seq| frame(&event(SUBSCRIPTION, "diagnostics", seq, diagnostics(seq))))
            .collect();
        peer.send_together(&frames).await;
        let unsubscribe = peer.recv_request().await;
        assert_eq!(unsubscribe.method, Unsubscribe::NAME);
        assert_eq!(
            unsubscribe.params["subscription"],
            rmpv::Value::from(SUBSCRIPTION)
        );
        let items: Vec<_> = subscription.collect().await;
        assert_eq!(items.len(), SUBSCRIPTION_BUFFER + 1);
        assert!(matches!(
            items.last(),
            Some(SubscriptionItem::Lagged { missed: 1 })
        ));
    }

    #[tokio::test]
    async fn a_disconnect_ends_the_stream_with_its_reason() {
        let agent = FakeAgent::start();
        let first = frame(&event(SUBSCRIPTION, "diagnostics", 1, diagnostics(1)));
        let (mut subscription, peer, _client) = subscribe(&agent, vec![first]).await;
        drop(peer);
        expect_event(subscription.next().await);
        assert!(matches!(
            subscription.next().await,
            Some(SubscriptionItem::Disconnected(Disconnect::Closed))
        ));
        assert!(subscription.next().await.is_none());
    }

    #[tokio::test]
    async fn dropping_a_subscription_unsubscribes() {
        let agent = FakeAgent::start();
        let (subscription, mut peer, _client) = subscribe(&agent, vec![]).await;
        drop(subscription);
        let request = peer.recv_request().await;
        assert_eq!(request.method, Unsubscribe::NAME);
        assert_eq!(
            request.params["subscription"],
            rmpv::Value::from(SUBSCRIPTION)
        );
    }

    #[tokio::test]
    async fn unsubscribe_waits_for_the_agent() {
        let agent = FakeAgent::start();
        let (subscription, mut peer, _client) = subscribe(&agent, vec![]).await;
        let agent_side = async {
            let request = peer.recv_request().await;
            assert_eq!(request.method, Unsubscribe::NAME);
            let confirmed = UnsubscribeResult {
                subscription: SUBSCRIPTION,
            };
            peer.send(&ok(request.id, confirmed)).await;
        };
        let (outcome, ()) = tokio::join!(subscription.unsubscribe(), agent_side);
        outcome.unwrap();
        // Nothing else follows: no second unsubscribe from `Drop`.
        let next = tokio::time::timeout(Duration::from_millis(50), peer.recv()).await;
        assert!(next.is_err(), "unexpected frame {next:?}");
    }

    #[tokio::test]
    async fn a_subscription_the_caller_gave_up_on_is_ended() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let subscribe = client.subscribe([Topic::Diagnostics]);
        let request = tokio::select! {
            request = peer.recv_request() => request,
            _ = subscribe => panic!("cannot subscribe without an answer"),
        };
        // The call is gone (its future dropped, which sent a cancel) but the agent went
        // ahead and created the subscription anyway.
        assert!(matches!(peer.recv().await, Some(Envelope::Cancel(_))));
        peer.send(&subscribed(request.id)).await;
        let unsubscribe = peer.recv_request().await;
        assert_eq!(unsubscribe.method, Unsubscribe::NAME);
        assert_eq!(
            unsubscribe.params["subscription"],
            rmpv::Value::from(SUBSCRIPTION)
        );
    }
}
