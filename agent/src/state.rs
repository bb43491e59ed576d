//! State shared by every connection: configuration, counters, the shutdown signal and
//! the handles of the actors.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use llm_agent_protocol::methods::agent::Counters;
use tokio_util::sync::CancellationToken;

use crate::audit::AuditLedger;
use crate::calls::actor::CallsHandle;
use crate::calls::io::ProviderIo;
use crate::catalog::OverlayStore;
use crate::catalog::actor::CatalogHandle;
use crate::config::AgentConfig;
use crate::diagnostics::actor::DiagnosticsHandle;
use crate::diagnostics::journal::JournalSender;
use crate::discovery::actor::DiscoveryHandle;
use crate::discovery::settings::SettingsStore;
use crate::health::HealthBook;
use crate::ipc::encoded::ListCache;
use crate::live::LiveState;
use crate::timestamp;
use crate::usage::UsageBook;
use crate::vault::VaultHandle;
use crate::vault::safe_storage::{self, StoreOpener};
use crate::vault::store::ProfileStore;

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
    /// Model calls: prompt tests and chat calls.
    pub calls: CallsHandle,
    /// Spending totals and caps.
    pub usage: UsageBook,
    pub discovery: DiscoveryHandle,
    pub catalog: CatalogHandle,
    /// The revision of the agent's state, and its recent changes.
    pub live: Arc<LiveState>,
    pub audit: AuditLedger,
    /// Each profile's recent outcomes.
    pub health: Arc<HealthBook>,
    /// The last `profiles.list` answer's encoding, for lists of an unchanged vault.
    pub list_cache: ListCache,
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
    /// The agent's state before its actors run: every handle, with empty slots the
    /// supervisor fills, and the provider I/O thread started. `opener` opens the OS
    /// credential store. It reserves this run's revisions (a small durable write).
    pub fn new(
        config: AgentConfig,
        journal: JournalSender,
        audit: AuditLedger,
        opener: StoreOpener,
        shutdown: CancellationToken,
    ) -> std::io::Result<SharedState> {
        let live = Arc::new(LiveState::open(&config.data_dir));
        let diagnostics = DiagnosticsHandle::new(journal);
        let vault = VaultHandle::new(
            ProfileStore::new(&config.data_dir),
            opener,
            safe_storage::DEFAULT_STORE_TIMEOUT,
            live.clone(),
            audit.clone(),
        );
        let health = HealthBook::open(&config.data_dir, vault.snapshots());
        let discovery = DiscoveryHandle::new(
            SettingsStore::new(&config.data_dir),
            config.discovery_table.clone(),
            vault.snapshots(),
            diagnostics.clone(),
        );
        let io = Arc::new(ProviderIo::start()?);
        let usage = UsageBook::open(&config.data_dir, diagnostics.clone(), vault.snapshots());
        Ok(Arc::new(AgentState {
            started: Instant::now(),
            started_at: timestamp::now_rfc3339(),
            counters: AgentCounters::default(),
            shutdown,
            fatal: OnceLock::new(),
            calls: CallsHandle::new(io),
            usage,
            catalog: CatalogHandle::new(OverlayStore::new(&config.data_dir), live.clone()),
            diagnostics,
            vault,
            discovery,
            live,
            audit,
            health,
            list_cache: ListCache::default(),
            config,
        }))
    }

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
            chat_calls_running: 0,
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

/// An agent's state over a temp data dir and the mock key store, for unit tests. The
/// journal must outlive the state's use.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::audit::LedgerThread;
    use crate::diagnostics::journal::Journal;
    use crate::discovery::ProbeTable;

    pub(crate) fn agent_state(dir: &std::path::Path) -> (SharedState, Journal) {
        let journal = Journal::start(&dir.join("diagnostics"), 1 << 20, 2).unwrap();
        let ledger = LedgerThread::start(&dir.join(crate::audit::DIR_NAME), 100).unwrap();
        let mut config = AgentConfig::new(dir.join("s.sock"), dir.to_owned());
        config.discovery_table = ProbeTable::without_ports();
        let (opener, _) = crate::vault::safe_storage::testing::mock_opener();
        let state = AgentState::new(
            config,
            journal.sender(),
            ledger.ledger(),
            opener,
            CancellationToken::new(),
        )
        .expect("the provider I/O thread starts");
        // The ledger's thread ends when the state's last handle is dropped.
        drop(ledger);
        (state, journal)
    }
}
