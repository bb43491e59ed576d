//! [`ReconnectingClient`]: a client that outlives its connection. When the connection
//! ends (the agent restarted, crashed, or was upgraded), a background task connects
//! again, one attempt at a time, with jittered exponential backoff, through the same
//! [`Connector`] (so auto-spawn and the upgrade hand-over apply).
//!
//! - A call in flight when the connection ends fails with
//!   [`ClientError::Disconnected`]; it is never sent again, since the agent may or may
//!   not have carried it out.
//! - A call made while there is no connection waits, within its timeout, for the next
//!   attempt: it goes out on the new connection, or fails with
//!   [`ClientError::Unreachable`] carrying that attempt's error.
//! - A [`ReconnectingSubscription`] is subscribed again on every new connection (and
//!   after the agent ended it for lagging), and says so with [`Resubscribed`] before its
//!   next events, since events in between are lost.
//!
//! [`Resubscribed`]: ReconnectingItem::Resubscribed

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use llm_agent_protocol::events::Topic;
use llm_agent_protocol::methods::Method;
use tokio::sync::{mpsc, watch};

use crate::client::{CallOptions, Client, Reply};
use crate::connector::Connector;
use crate::error::{ClientError, Disconnect};
use crate::subscription::{SubscriptionEvent, SubscriptionItem};

/// The waits between reconnection attempts: `first`, doubling up to `max`, each
/// jittered to between half and all of its length, so clients of one agent do not all
/// retry at the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_millis(100),
            max: Duration::from_secs(5),
        }
    }
}

impl Backoff {
    /// The wait before attempt `attempt` (from 1), before jitter.
    fn base(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(20);
        self.first
            .saturating_mul(1 << doublings)
            .min(self.max.max(self.first))
    }

    /// The wait before attempt `attempt`, jittered with `unit` in `[0, 1)`.
    fn wait(&self, attempt: u32, unit: f64) -> Duration {
        let base = self.base(attempt);
        base / 2 + base.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
    }
}

/// Where the connection stands, as the background task publishes it.
#[derive(Clone)]
enum Link {
    Connected(Client),
    /// Attempt `attempt` is waiting or running; `failed` is the error of the one before.
    Reconnecting {
        attempt: u32,
        failed: Option<Arc<ClientError>>,
    },
}

/// A client that connects again whenever its connection ends. Cheap to clone; the
/// background task stops once every clone and every subscription is dropped.
#[derive(Clone)]
pub struct ReconnectingClient {
    link: watch::Receiver<Link>,
    request_timeout: Duration,
}

impl ReconnectingClient {
    /// Connects once (an error here is returned as it is), then keeps the connection up.
    pub async fn connect(connector: Connector, backoff: Backoff) -> Result<Self, ClientError> {
        let client = connector.connect().await?;
        let request_timeout = client.request_timeout();
        let (publish, link) = watch::channel(Link::Connected(client.clone()));
        tokio::spawn(keep_connected(connector, backoff, client, publish));
        Ok(Self {
            link,
            request_timeout,
        })
    }

    /// The client of the current connection, if there is one now.
    pub fn current(&self) -> Option<Client> {
        match &*self.link.borrow() {
            Link::Connected(client) => Some(client.clone()),
            Link::Reconnecting { .. } => None,
        }
    }

    /// Calls method `M` on the current connection, waiting for the next one if there is
    /// none; see the module doc for what a lost connection does to a call.
    pub async fn call<M: Method>(&self, params: M::Params) -> Result<M::Result, ClientError> {
        self.call_with::<M>(params, CallOptions::default())
            .await
            .map(|reply| reply.result)
    }

    /// [`call`](Self::call) with per-call options; the timeout covers the wait for a
    /// connection too.
    pub async fn call_with<M: Method>(
        &self,
        params: M::Params,
        options: CallOptions,
    ) -> Result<Reply<M::Result>, ClientError> {
        let limit = options.timeout.unwrap_or(self.request_timeout);
        let started = tokio::time::Instant::now();
        let client = tokio::time::timeout(limit, self.connected())
            .await
            .map_err(|_| ClientError::Timeout {
                method: M::NAME.to_owned(),
                timeout: limit,
            })??;
        let left = limit.saturating_sub(started.elapsed());
        client.call_with::<M>(params, options.timeout(left)).await
    }

    /// Subscribes to `topics` now, and again on every new connection.
    pub async fn subscribe(
        &self,
        topics: impl IntoIterator<Item = Topic>,
    ) -> Result<ReconnectingSubscription, ClientError> {
        let topics: Vec<Topic> = topics.into_iter().collect();
        let client = self.connected().await?;
        let first = client.subscribe(topics.clone()).await?;
        let (items, receiver) = mpsc::channel(RELAY_BUFFER);
        let mut link = self.link.clone();
        link.mark_unchanged();
        tokio::spawn(relay(link, topics, first, items));
        Ok(ReconnectingSubscription { items: receiver })
    }

    /// The current connection's client, or the next one's.
    async fn connected(&self) -> Result<Client, ClientError> {
        connected(&mut self.link.clone()).await
    }
}

/// The client of the connection `link` shows now, or of the next one; the error of the
/// next attempt if that fails. Marks what it saw as seen.
async fn connected(link: &mut watch::Receiver<Link>) -> Result<Client, ClientError> {
    let waiting_for = match &*link.borrow_and_update() {
        Link::Connected(client) if client.disconnect_reason().is_none() => {
            return Ok(client.clone());
        }
        // Ended, and the task has not said so yet: it is about to try attempt 1.
        Link::Connected(_) => 0,
        Link::Reconnecting { attempt, .. } => *attempt,
    };
    loop {
        if link.changed().await.is_err() {
            return Err(ClientError::Disconnected(Disconnect::Closed));
        }
        match &*link.borrow_and_update() {
            Link::Connected(client) => return Ok(client.clone()),
            Link::Reconnecting {
                attempt,
                failed: Some(failed),
            } if *attempt > waiting_for => {
                return Err(ClientError::Unreachable {
                    attempts: *attempt - 1,
                    last: Arc::clone(failed),
                });
            }
            Link::Reconnecting { .. } => {}
        }
    }
}

impl std::fmt::Debug for ReconnectingClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReconnectingClient")
            .field("connected", &self.current().is_some())
            .finish_non_exhaustive()
    }
}

/// The background task: waits for the connection to end, then reconnects, one attempt
/// at a time, until it succeeds; ends when nobody holds the client any more.
async fn keep_connected(
    connector: Connector,
    backoff: Backoff,
    mut client: Client,
    publish: watch::Sender<Link>,
) {
    loop {
        tokio::select! {
            _ = client.closed() => {}
            _ = publish.closed() => return,
        }
        tracing::debug!("the connection to the agent ended; reconnecting");
        let mut attempt = 1;
        let mut failed = None;
        client = loop {
            publish.send_replace(Link::Reconnecting {
                attempt,
                failed: failed.clone(),
            });
            let wait = backoff.wait(attempt, fastrand::f64());
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = publish.closed() => return,
            }
            match connector.connect().await {
                Ok(client) => break client,
                Err(err) => {
                    tracing::debug!(attempt, %err, "reconnecting to the agent failed");
                    failed = Some(Arc::new(err));
                    attempt = attempt.saturating_add(1);
                }
            }
        };
        tracing::debug!(attempt, "reconnected to the agent");
        publish.send_replace(Link::Connected(client.clone()));
    }
}

/// Items a relay may hold for a subscriber that is not reading.
const RELAY_BUFFER: usize = 1024;

/// One item of a [`ReconnectingSubscription`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ReconnectingItem {
    Event(SubscriptionEvent),
    /// The subscription was made again, after `gap`: events in between are lost, and
    /// `seq` counts from 1 again.
    Resubscribed {
        gap: Gap,
    },
    /// The subscription cannot be made again (the agent refused it); this is the last
    /// item.
    Failed(ClientError),
}

/// Why a [`ReconnectingSubscription`] was made again.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Gap {
    /// This subscriber fell behind and the agent ended the subscription.
    Lagged { missed: u64 },
    /// The connection ended.
    Disconnected(Disconnect),
}

/// A subscription that is made again on every new connection. Dropping it ends it.
pub struct ReconnectingSubscription {
    items: mpsc::Receiver<ReconnectingItem>,
}

impl Stream for ReconnectingSubscription {
    type Item = ReconnectingItem;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.poll_recv(cx)
    }
}

impl std::fmt::Debug for ReconnectingSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReconnectingSubscription")
            .finish_non_exhaustive()
    }
}

/// Passes one subscription's events on, and subscribes again after each gap, until the
/// subscriber drops its end.
async fn relay(
    mut link: watch::Receiver<Link>,
    topics: Vec<Topic>,
    mut subscription: crate::subscription::Subscription,
    items: mpsc::Sender<ReconnectingItem>,
) {
    loop {
        let gap = loop {
            let item = tokio::select! {
                item = subscription.next() => item,
                _ = items.closed() => return,
            };
            match item {
                Some(SubscriptionItem::Event(event)) => {
                    if items.send(ReconnectingItem::Event(event)).await.is_err() {
                        return;
                    }
                }
                Some(SubscriptionItem::Lagged { missed }) => break Gap::Lagged { missed },
                Some(SubscriptionItem::Disconnected(reason)) => break Gap::Disconnected(reason),
                // Ended without saying why (not by us): treat it as a lost connection.
                None => break Gap::Disconnected(Disconnect::Closed),
            }
        };
        subscription = loop {
            let attempt = tokio::select! {
                attempt = resubscribe(&mut link, &topics) => attempt,
                _ = items.closed() => return,
            };
            match attempt {
                Ok(subscription) => break subscription,
                // No connection now: wait for the next one (`resubscribe` waits for the
                // link to move on, so this never spins on a connection that is gone).
                Err(err) if err.is_unreachable() => continue,
                Err(err) => {
                    let _ = items.send(ReconnectingItem::Failed(err)).await;
                    return;
                }
            }
        };
        if items
            .send(ReconnectingItem::Resubscribed { gap })
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Subscribes on the connection `link` shows, or the next one. When that connection
/// turns out to be gone, waits until `link` moves on before reporting it.
async fn resubscribe(
    link: &mut watch::Receiver<Link>,
    topics: &[Topic],
) -> Result<crate::subscription::Subscription, ClientError> {
    let client = connected(link).await?;
    let subscribed = client.subscribe(topics.iter().cloned()).await;
    if matches!(&subscribed, Err(err) if err.is_unreachable()) {
        client.closed().await;
        if link.changed().await.is_err() {
            return Err(ClientError::Disconnected(Disconnect::Closed));
        }
    }
    subscribed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_to_the_cap_and_are_jittered_within_half() {
        let backoff = Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        assert_eq!(backoff.base(1), Duration::from_millis(100));
        assert_eq!(backoff.base(2), Duration::from_millis(200));
        assert_eq!(backoff.base(4), Duration::from_millis(800));
        assert_eq!(backoff.base(5), Duration::from_secs(1));
        assert_eq!(backoff.base(u32::MAX), Duration::from_secs(1));
        assert_eq!(backoff.wait(3, 0.0), Duration::from_millis(200));
        assert_eq!(backoff.wait(3, 0.5), Duration::from_millis(300));
        assert!(backoff.wait(3, 0.999_999) < Duration::from_millis(400));
        for _ in 0..100 {
            let wait = backoff.wait(2, fastrand::f64());
            assert!((Duration::from_millis(100)..Duration::from_millis(200)).contains(&wait));
        }
    }
}
