//! `diagnostics.query`: recent diagnostics events from the agent's in-memory ring.

use serde::{Deserialize, Serialize};

use super::Method;
use crate::events::DiagnosticsEvent;

/// The default number of events a query returns.
pub const DEFAULT_QUERY_LIMIT: u32 = 100;
/// The most events one query returns.
pub const MAX_QUERY_LIMIT: u32 = 1000;

/// Returns the most recent events that match every given filter, oldest first.
pub enum Query {}

impl Method for Query {
    const NAME: &'static str = "diagnostics.query";
    type Params = QueryParams;
    type Result = QueryResult;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct QueryParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// `OK` or an error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// 1 to [`MAX_QUERY_LIMIT`]; [`DEFAULT_QUERY_LIMIT`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct QueryResult {
    pub events: Vec<DiagnosticsEvent>,
    /// How many events in the ring matched, before `limit` was applied.
    pub matched: u64,
}
