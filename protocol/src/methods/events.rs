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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SubscribeResult {
    /// Unique on this connection; names the subscription in event frames.
    pub subscription: u64,
    pub topics: Vec<Topic>,
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
