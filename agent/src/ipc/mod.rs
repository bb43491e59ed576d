//! The local-socket front of the agent: claiming the socket, accepting and checking
//! peers, framing connections, and routing each request to its handler.

pub mod activation;
pub mod budget;
pub mod call;
pub mod connection;
pub mod dispatch;
pub mod elapsed;
pub mod encoded;
pub mod error;
pub mod frames;
pub mod handlers;
pub mod handshake;
pub mod inbound;
pub mod locale;
pub mod peer;
pub mod pipe_security;
pub mod server;
pub mod socket;
pub mod subscriptions;
pub mod transport;
