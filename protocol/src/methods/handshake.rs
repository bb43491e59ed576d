//! `hello`: the first request on every connection.

use serde::{Deserialize, Serialize};

use super::Method;

/// Introduces the client and agrees on the protocol version.
pub enum Hello {}

impl Method for Hello {
    const NAME: &'static str = "hello";
    type Params = HelloParams;
    type Result = HelloResult;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct HelloParams {
    /// The protocol version the client speaks.
    pub protocol: u32,
    pub client: ClientInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ClientInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct HelloResult {
    /// The agent's version (semver).
    pub agent_version: String,
    /// The protocol version in use on this connection.
    pub protocol: u32,
    /// The range of protocol versions the agent accepts.
    pub supported_protocols: ProtocolRange,
    /// Method names the agent serves, then `topic:<name>` for each event topic.
    pub capabilities: Vec<String>,
    /// The largest frame body either side may send, in bytes.
    pub max_frame_len: u32,
    /// How many requests may be in flight on one connection before `BUSY`.
    pub max_in_flight: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ProtocolRange {
    pub min: u32,
    pub max: u32,
}
