//! State shared by every connection: configuration, counters, the shutdown signal and
//! the handles of the actors.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use llm_agent_protocol::methods::agent::Counters;
use tokio_util::sync::CancellationToken;

use crate::catalog::actor::CatalogHandle;
use crate::config::AgentConfig;
use crate::diagnostics::actor::DiagnosticsHandle;
use crate::discovery::actor::DiscoveryHandle;
use crate::prompt_test::actor::PromptTestHandle;
use crate::vault::VaultHandle;

pub struct AgentState {
    pub config: AgentConfig,
    pub started: Instant,
    /// RFC 3339.
    pub started_at: String,
    pub counters: AgentCounters,
    /// Cancelled once, when the agent begins to shut down.
    pub shutdown: CancellationToken,
    /// Set when the agent shuts down because it cannot go on; it then exits non-zero.
    pub fatal: OnceLock<String>,
    pub diagnostics: DiagnosticsHandle,
    pub vault: VaultHandle,
    pub prompt_tests: PromptTestHandle,
    pub discovery: DiscoveryHandle,
    pub catalog: CatalogHandle,
}

pub type SharedState = Arc<AgentState>;

/// Live counters behind `agent.status`.
#[derive(Debug, Default)]
pub struct AgentCounters {
    pub connections_accepted: AtomicU64,
    pub connections_open: AtomicU64,
    pub connections_refused: AtomicU64,
    pub requests_total: AtomicU64,
    pub requests_failed: AtomicU64,
    pub requests_in_flight: AtomicU64,
    pub actor_restarts: AtomicU64,
}

impl AgentState {
    /// Shuts the agent down because something it needs is broken.
    pub fn fail(&self, reason: String) {
        tracing::error!(%reason, "the agent cannot go on; shutting down");
        let _ = self.fatal.set(reason);
        self.shutdown.cancel();
    }
}

impl AgentCounters {
    pub fn snapshot(&self, diagnostics_events: u64) -> Counters {
        Counters {
            connections_accepted: self.connections_accepted.load(Relaxed),
            connections_open: self.connections_open.load(Relaxed),
            connections_refused: self.connections_refused.load(Relaxed),
            requests_total: self.requests_total.load(Relaxed),
            requests_failed: self.requests_failed.load(Relaxed),
            requests_in_flight: self.requests_in_flight.load(Relaxed),
            diagnostics_events,
            actor_restarts: self.actor_restarts.load(Relaxed),
            prompt_tests_running: 0,
        }
    }
}

/// Increments a gauge now and decrements it when dropped, however the scope ends.
pub struct GaugeGuard<'a>(&'a AtomicU64);

impl<'a> GaugeGuard<'a> {
    pub fn new(gauge: &'a AtomicU64) -> Self {
        gauge.fetch_add(1, Relaxed);
        Self(gauge)
    }
}

impl Drop for GaugeGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}
