//! `events.subscribe` and `events.unsubscribe`: live event streams on this connection.

use serde::{Deserialize, Serialize};

use super::Method;
use crate::events::Topic;

/// Starts a subscription. Its events arrive as `event` frames after this response.
pub enum Subscribe {}

impl Method for Subscribe {
    const NAME: &'static str = "events.subscribe";
    type Params = SubscribeParams;
    type Result = SubscribeResult;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SubscribeParams {
    /// At least one topic.
    pub topics: Vec<Topic>,
    /// The last revision the client saw, to resume the state topics from: the changes
    /// after it come first, or one `resync` event when they are no longer held. Absent:
    /// only changes from now on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_revision: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SubscribeResult {
    /// Unique on this connection; names the subscription in event frames.
    pub subscription: u64,
    pub topics: Vec<Topic>,
    /// With a state topic: the latest revision when the subscription started. Its live
    /// events carry later ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
}

/// Ends a subscription. No event of it is sent after this response.
pub enum Unsubscribe {}

impl Method for Unsubscribe {
    const NAME: &'static str = "events.unsubscribe";
    type Params = UnsubscribeParams;
    type Result = UnsubscribeResult;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct UnsubscribeParams {
    pub subscription: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct UnsubscribeResult {
    pub subscription: u64,
}
