//! `discovery.*`: finding the model servers running on this machine (and on hosts the
//! learner configured), by what they answer, and what disagrees with existing profiles.

use serde::{Deserialize, Serialize};

use super::Method;
use super::profiles::ProfileResult;
use crate::text::MessageArgs;

/// The time budget of a sweep when the caller gives none, in milliseconds.
pub const DEFAULT_SWEEP_TIMEOUT_MS: u64 = 800;
/// The shortest and longest budget a `discovery.run` accepts.
pub const MIN_SWEEP_TIMEOUT_MS: u64 = 50;
pub const MAX_SWEEP_TIMEOUT_MS: u64 = 10_000;
/// The most extra endpoints one run or the settings may name.
pub const MAX_EXTRA_ENDPOINTS: usize = 16;
/// The shortest and longest gap between scheduled sweeps, in seconds.
pub const MIN_INTERVAL_S: u64 = 1;
pub const MAX_INTERVAL_S: u64 = 86_400;
/// The gap between scheduled sweeps until the learner changes it.
pub const DEFAULT_INTERVAL_S: u64 = 300;

/// Sweeps now and returns what it found. Besides the loopback ports of every known
/// server kind, probes the configured extra endpoints and those given here.
pub enum Run {}

impl Method for Run {
    const NAME: &'static str = "discovery.run";
    type Params = RunParams;
    type Result = Sweep;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct RunParams {
    /// Base URLs (`http://host:port`) to probe besides the configured ones, this time
    /// only. At most [`MAX_EXTRA_ENDPOINTS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_endpoints: Option<Vec<String>>,
    /// The whole sweep's budget, [`MIN_SWEEP_TIMEOUT_MS`] to [`MAX_SWEEP_TIMEOUT_MS`];
    /// [`DEFAULT_SWEEP_TIMEOUT_MS`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
}

/// One sweep and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Sweep {
    /// RFC 3339, when the sweep started.
    pub started_at: String,
    /// `manual` (`discovery.run`) or `scheduled`.
    pub trigger: String,
    /// One per server, however many addresses reach it.
    pub findings: Vec<Finding>,
    /// Probes that failed in a way worth showing: configured endpoints, and default
    /// ports where something answered but could not be used.
    pub errors: Vec<ProbeError>,
    /// Every address probed (`host:port`).
    pub probed: Vec<String>,
    pub elapsed_ms: u64,
    pub budget_ms: u64,
}

/// A server found by a sweep.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Finding {
    /// The provider a profile would use (`ollama`, `lm_studio`, ..., or
    /// `openai_compatible` for an OpenAI-shaped server of no known kind).
    pub kind: String,
    /// The base URL a profile would use (with `/v1` for OpenAI-compatible kinds).
    pub endpoint: String,
    /// `host:port` of the first address that reached it.
    pub address: String,
    pub port: u16,
    /// Other addresses that reach the same server (`[::1]:11434`).
    #[serde(default)]
    pub also_reachable_at: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default)]
    pub models: Vec<OfferedModel>,
    /// The identifying probe's round trip.
    pub latency_ms: u64,
    /// The server refused to list models without a key (401/403).
    pub auth_required: bool,
    /// Set when the server is found but not ready: `needs_key`, `model_not_loaded`,
    /// `no_models`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// What to do, for a person, with `remediation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The stable message id of `hint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub hint_args: MessageArgs,
    /// Existing profiles that disagree with this server.
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct OfferedModel {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_length: Option<u64>,
    /// Whether it is loaded in memory, when the server says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loaded: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantization: Option<String>,
}

impl OfferedModel {
    /// A model known only by name.
    pub fn named(id: impl Into<String>) -> Self {
        OfferedModel {
            id: id.into(),
            size_bytes: None,
            context_length: None,
            loaded: None,
            quantization: None,
        }
    }
}

/// A profile that disagrees with a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Conflict {
    pub profile_id: String,
    /// `kind_mismatch` (the profile names another kind at this endpoint),
    /// `model_not_offered`, `port_moved` (the profile's kind was found on another port),
    /// `key_required` (the server now wants a key the profile lacks).
    pub class: String,
    pub message: String,
    /// The stable message id of `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub message_args: MessageArgs,
    pub remediation: String,
    /// The stable message id of `remediation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub remediation_args: MessageArgs,
}

/// A probe that failed in a way worth showing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ProbeError {
    pub endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The kinds expected there (from the probe table), if any.
    #[serde(default)]
    pub expected: Vec<String>,
    /// `not_running`, `not_responding`, `needs_key`, `model_not_loaded`, `no_models`,
    /// `not_recognised`, `invalid_endpoint`.
    pub remediation: String,
    pub message: String,
    /// The stable message id of `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub message_args: MessageArgs,
    /// What to do, for a person.
    pub hint: String,
    /// The stable message id of `hint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub hint_args: MessageArgs,
}

/// The last sweep and the schedule.
pub enum Status {}

impl Method for Status {
    const NAME: &'static str = "discovery.status";
    type Params = super::NoParams;
    type Result = DiscoveryStatus;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct DiscoveryStatus {
    pub settings: Settings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sweep: Option<Sweep>,
    /// When the next scheduled sweep runs (RFC 3339); absent when the schedule is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_sweep_at: Option<String>,
    /// The current gap between scheduled sweeps: `interval_s`, lengthened (up to 4×)
    /// while nothing changes.
    pub current_interval_s: u64,
}

/// Discovery's settings, kept in the data dir.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Settings {
    /// Whether scheduled sweeps run (`discovery.run` always works).
    pub enabled: bool,
    /// [`MIN_INTERVAL_S`] to [`MAX_INTERVAL_S`].
    pub interval_s: u64,
    /// Base URLs probed by every sweep, scheduled ones included: the only hosts other
    /// than this machine a scheduled sweep touches. At most [`MAX_EXTRA_ENDPOINTS`].
    #[serde(default)]
    pub extra_endpoints: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: true,
            interval_s: DEFAULT_INTERVAL_S,
            extra_endpoints: Vec::new(),
        }
    }
}

/// Replaces discovery's settings and reschedules.
pub enum Configure {}

impl Method for Configure {
    const NAME: &'static str = "discovery.configure";
    type Params = Settings;
    type Result = Settings;
}

/// Creates a profile from a server discovery found, with the same validation as
/// `profiles.create`.
pub enum Adopt {}

impl Method for Adopt {
    const NAME: &'static str = "discovery.adopt";
    type Params = AdoptParams;
    type Result = ProfileResult;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct AdoptParams {
    /// The finding's `endpoint`.
    pub endpoint: String,
    /// The finding's `kind` (the profile's provider).
    pub kind: String,
    /// One of the finding's models; its first loaded (else first) model when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The profile's name; `"<Kind> on <address>"` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// RFC 3339: when the learner agreed to send prompts there. Required, as for
    /// `profiles.create`, when the endpoint is not on this machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_granted_at: Option<String>,
}
