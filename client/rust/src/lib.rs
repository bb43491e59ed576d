//! Async Rust client for llm-agent, the per-user background process that owns LLM Tutor's
//! model profiles.
//!
//! [`Connector`] finds the agent's socket (by the same rule the agent uses), connects,
//! performs the `hello` handshake and can start the agent if none is running. The
//! resulting [`Client`] is cheap to clone and makes typed calls for any
//! [`Method`](protocol::Method) of the protocol crate, raw calls by method name, and
//! [`subscriptions`](Client::subscribe) that arrive as a [`Stream`](futures_util::Stream),
//! as do the deltas of a streamed reply ([`Client::chat`], [`Client::call_streamed`]).
//!
//! One background task per connection owns the socket. Every request has a timeout; one
//! that times out, or whose future is dropped, is cancelled on the agent. When the
//! connection ends, every pending request fails at once with
//! [`ClientError::Disconnected`]. A [`ReconnectingClient`] connects again by itself and
//! restores its subscriptions.

mod client;
mod connection;
mod connector;
mod error;
mod inbound;
mod reconnect;
mod spawn;
mod streamed;
mod subscription;
mod upgrade;

#[cfg(all(test, unix))]
mod fake_agent;
#[cfg(test)]
mod test_bodies;

pub use client::{CallOptions, Client, DEFAULT_REQUEST_TIMEOUT, Reply};
pub use connector::{AutoSpawn, Connector, DEFAULT_READY_TIMEOUT};
pub use error::{ClientError, Disconnect, SpawnError};
pub use reconnect::{Backoff, Gap, ReconnectingClient, ReconnectingItem, ReconnectingSubscription};
pub use streamed::Streamed;
pub use subscription::{Subscription, SubscriptionEvent, SubscriptionItem};

/// The wire contract this client speaks: methods, events, error codes.
pub use llm_agent_protocol as protocol;
