//! llm-agent: the per-user background agent that owns LLM Tutor's model profiles.
//!
//! [`run`] wires the pieces together: the data-dir lock, the socket, the diagnostics
//! journal, the supervised actors and the accept loop, and tears them down in order on
//! shutdown.

pub mod actors;
pub mod audit;
pub mod calls;
pub mod catalog;
pub mod chat;
pub mod config;
pub mod data_lock;
pub mod diagnostics;
pub mod discovery;
pub mod durable_file;
pub mod endpoint;
pub mod health;
pub mod ipc;
pub mod json_file;
pub mod lifetime;
pub mod live;
pub mod logging;
pub mod private_dir;
pub mod prompt_test;
pub mod provider_kind;
pub mod providers;
pub mod sanitize;
pub mod service;
pub mod state;
pub mod texts;
pub mod timestamp;
pub mod usage;
pub mod vault;

use llm_agent_protocol::events::{DiagnosticsKind, RESULT_OK};
use tokio_util::sync::CancellationToken;

use crate::actors::supervisor::Supervisor;
use crate::audit::LedgerThread;
use crate::config::AgentConfig;
use crate::data_lock::{DataDirLock, DataLockError};
use crate::diagnostics::journal::{self, Journal};
use crate::ipc::activation;
use crate::ipc::socket::SocketError;
use crate::lifetime::parent::FollowError;
use crate::state::AgentState;
use crate::vault::os_store;

/// How long exit waits for blocking work still running after shutdown.
const RUNTIME_SHUTDOWN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Why the agent could not start, or stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    DataLock(#[from] DataLockError),
    #[error(transparent)]
    Socket(#[from] SocketError),
    #[error(transparent)]
    Follow(#[from] FollowError),
    #[error("cannot open the diagnostics journal in {dir}: {source}")]
    Journal { dir: String, source: std::io::Error },
    #[error("cannot open the audit ledger in {dir}: {source}")]
    Ledger { dir: String, source: std::io::Error },
    #[error("cannot start the agent's actors: {0}")]
    Actors(#[from] ractor::SpawnErr),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("stopped after a fatal error: {0}")]
    Fatal(String),
}

/// Runs the agent on a single-threaded runtime until it shuts down.
///
/// One thread serves every connection: a request never pays for a cross-thread wake-up,
/// which dominates latency at this scale (see docs/architecture.md). Blocking work goes
/// to dedicated threads.
pub fn run_blocking(config: AgentConfig) -> Result<(), AgentError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(AgentError::Runtime)?;
    let outcome = runtime.block_on(async {
        let shutdown = shutdown_on_signals();
        run(config, shutdown).await
    });
    // A keyring call hung in the blocking pool must not keep the process alive; its
    // work has already been abandoned.
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN_TIMEOUT);
    outcome
}

/// Runs the agent until `shutdown` is cancelled (or a client calls `agent.shutdown`).
pub async fn run(mut config: AgentConfig, shutdown: CancellationToken) -> Result<(), AgentError> {
    providers::http::install_crypto_provider();
    providers::http::preload_tls_config();
    let _lock = DataDirLock::acquire(&config.data_dir)?;
    let (listener, activated_by) = match activation::take()? {
        Some(activated) => {
            if let Some(path) = activated.path {
                config.socket = path;
            }
            (activated.listener, Some(activated.manager))
        }
        None => (ipc::socket::bind(&config.socket)?, None),
    };
    if let Some(followed) = config.lifetime.follow {
        lifetime::parent::follow(followed, shutdown.clone())?;
    }
    let journal_dir = config.data_dir.join("diagnostics");
    let journal = Journal::start(
        &journal_dir,
        journal::DEFAULT_MAX_FILE_BYTES,
        journal::DEFAULT_MAX_FILES,
    )
    .map_err(|source| AgentError::Journal {
        dir: journal_dir.display().to_string(),
        source,
    })?;
    let ledger_dir = config.data_dir.join(audit::DIR_NAME);
    let ledger = match LedgerThread::start(&ledger_dir, config.audit_max_entries) {
        Ok(ledger) => ledger,
        Err(source) => {
            journal.close();
            return Err(AgentError::Ledger {
                dir: ledger_dir.display().to_string(),
                source,
            });
        }
    };
    let state = match AgentState::new(
        config,
        journal.sender(),
        ledger.ledger(),
        os_store::platform_store(),
        shutdown.clone(),
    ) {
        Ok(state) => state,
        Err(err) => {
            journal.close();
            return Err(AgentError::Runtime(err));
        }
    };
    let supervisor = match Supervisor::spawn(state.clone()).await {
        Ok(supervisor) => supervisor,
        Err(err) => {
            ledger.close();
            journal.close();
            return Err(err.into());
        }
    };
    state.diagnostics.record(crate::diagnostics::event(
        DiagnosticsKind::AgentStarted,
        RESULT_OK,
    ));
    if !state.vault.snapshot().store.writable {
        state.diagnostics.record(crate::diagnostics::event(
            DiagnosticsKind::StoreReadOnly,
            llm_agent_protocol::ErrorCode::StoreReadOnly.as_str(),
        ));
    }
    tracing::info!(
        socket = %state.config.socket.display(),
        data_dir = %state.config.data_dir.display(),
        pid = std::process::id(),
        activated_by,
        "llm-agent is listening"
    );
    if let Some(limit) = state.config.lifetime.idle_exit {
        lifetime::idle::watch(limit, state.clone());
    }
    activation::notify_ready();

    ipc::server::run(listener, state.clone()).await;

    tracing::info!("shutting down");
    activation::notify_stopping();
    state.diagnostics.record(crate::diagnostics::event(
        DiagnosticsKind::AgentStopping,
        RESULT_OK,
    ));
    if state.diagnostics.flush().await.is_err() {
        tracing::warn!("diagnostics could not be flushed before shutdown");
    }
    supervisor
        .stop_and_wait(None, Some(config::SHUTDOWN_GRACE))
        .await
        .ok();
    ledger.close();
    journal.close();
    tracing::info!("stopped");
    match state.fatal.get() {
        Some(reason) => Err(AgentError::Fatal(reason.clone())),
        None => Ok(()),
    }
}

/// A token cancelled by SIGINT or SIGTERM (Ctrl-C on Windows, where a detached agent
/// is stopped with `agent.shutdown`).
fn shutdown_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutdown signal received");
        cancel.cancel();
    });
    token
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            tracing::warn!("cannot listen for signals; stop the agent with agent.shutdown");
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
