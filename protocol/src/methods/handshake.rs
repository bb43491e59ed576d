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
    /// The languages the client's user prefers, most preferred first, as BCP 47 tags
    /// (`de-AT`, `es`). The agent renders every text of this connection in the best
    /// match it has (`HelloResult::locale`), English when none matches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub locales: Vec<String>,
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
    /// The language this connection's texts are rendered in (`en`, `de`, `es`), chosen
    /// from the hello's `locales`; absent from an agent older than localised messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ProtocolRange {
    pub min: u32,
    pub max: u32,
}
