//! `diagnostics.query`: diagnostics events from the agent's journal on disk and its
//! in-memory ring, across restarts; `diagnostics.export`: a support bundle written to a
//! file.

use serde::{Deserialize, Serialize};

use super::Method;
use crate::events::{DiagnosticsEvent, DiagnosticsKind};

/// The default number of events a query returns.
pub const DEFAULT_QUERY_LIMIT: u32 = 100;
/// The most events one query returns.
pub const MAX_QUERY_LIMIT: u32 = 1000;

/// Returns the most recent events that match every given filter, oldest first; with a
/// cursor, the most recent ones before the page it came from.
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
    /// The operation: the event's `method`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// `OK` or an error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// 1 to [`MAX_QUERY_LIMIT`]; [`DEFAULT_QUERY_LIMIT`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The profile an event was about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DiagnosticsKind>,
    /// RFC 3339: only events recorded at or after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// RFC 3339: only events recorded before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// A previous result's `next_cursor`: the page of matches before that one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct QueryResult {
    pub events: Vec<DiagnosticsEvent>,
    /// How many events matched the filters in the whole journal and ring, every page.
    pub matched: u64,
    /// Present when older matches remain: pass it as `cursor` for the page before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The most journal events a support bundle holds (the newest of the range).
pub const MAX_EXPORT_EVENTS: usize = 100_000;

/// Writes a support bundle to a file: the agent's status, versions, platform, safe
/// storage, settings and the journal's events in a time range. It is built from an
/// allow-list: no secret, prompt, reply or API-key hint can enter it.
pub enum Export {}

impl Method for Export {
    const NAME: &'static str = "diagnostics.export";
    type Params = ExportParams;
    type Result = ExportResult;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ExportParams {
    /// An absolute path; its directory must exist. The file is written 0600.
    pub path: String,
    /// RFC 3339: only events recorded at or after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// RFC 3339: only events recorded before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Replace a file already at `path` (else that is refused).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub overwrite: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ExportResult {
    /// The file written.
    pub path: String,
    pub bytes: u64,
    /// Diagnostics events in the bundle.
    pub events: u64,
    /// Whether more events matched the range than a bundle holds (the newest were kept).
    pub truncated: bool,
}
