//! The accept loop: checks each peer, caps the number of connections, serves each
//! connection as its own task, and on shutdown stops accepting and waits (within a
//! grace period) for every connection to finish.
//!
//! What a flood of connections may hold is bounded too: a refused connection gets its
//! one error frame and lingers only while fewer than [`REFUSED_LINGERERS`] do (otherwise
//! it is closed at once), and when accepting fails (out of file descriptors, say) the
//! loop pauses briefly and logs the run of failures once, not once per failure.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use interprocess::local_socket::tokio::Listener;
use interprocess::local_socket::traits::tokio::Listener as _;
use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::envelope::{self, Envelope, Response};
use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind};
use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;

use super::budget::DecodeBudget;
use super::call::new_correlation_id;
use super::connection;
use super::error::RequestError;
use super::peer::own_uid;
use super::transport::{self, ReadHalf, WriteHalf};
use crate::config::SHUTDOWN_GRACE;
use crate::diagnostics;
use crate::state::SharedState;

/// Pause after a failed accept (for example out of file descriptors), so the loop
/// does not spin while descriptors are short, and takes connections again soon after
/// some close.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// How often a run of failed accepts is logged: its first failure, then at most one
/// line per this long, with how many failed meanwhile.
const ACCEPT_FAILURE_LOG_EVERY: Duration = Duration::from_secs(60);
/// How many refused connections may linger at once (see [`connection::linger`]); past
/// that, a refused connection is closed as soon as its error frame is written, so a
/// flood of connections holds at most this many descriptors beyond the connection cap.
const REFUSED_LINGERERS: usize = 16;

/// Serves connections until the agent's shutdown token is cancelled, then drains them.
/// The listener is dropped on return, which removes the socket file.
pub async fn run(listener: Listener, state: SharedState) {
    let own_uid = own_uid();
    let connections = TaskTracker::new();
    let slots = Arc::new(Semaphore::new(state.config.max_connections));
    let budget = DecodeBudget::default();
    let lingerers = Arc::new(Semaphore::new(REFUSED_LINGERERS));
    let mut accept_failures = AcceptFailures::default();
    let shutdown = state.shutdown.clone();
    loop {
        let accepted = tokio::select! {
            biased;
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok(stream) => stream,
            Err(e) => {
                accept_failures.failed(&e);
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let (read, write, peer) = match transport::split(stream) {
            Ok(halves) => halves,
            Err(e) => {
                tracing::warn!(error = %e, "cannot set up an accepted connection");
                continue;
            }
        };
        if !peer.is_allowed(own_uid) {
            state.counters.connections_refused.fetch_add(1, Relaxed);
            tracing::warn!(peer_uid = ?peer.uid, peer_pid = ?peer.pid, "refused a connection from another user");
            state.diagnostics.record(DiagnosticsEvent {
                peer_pid: peer.pid,
                peer_uid: peer.uid,
                ..diagnostics::event(
                    DiagnosticsKind::ConnectionRefused,
                    ErrorCode::PermissionDenied.as_str(),
                )
            });
            connections.spawn(refuse(
                read,
                write,
                RequestError::AnotherUser,
                state.config.max_frame_len,
                lingerers.clone(),
            ));
            continue;
        }
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            state.counters.connections_refused.fetch_add(1, Relaxed);
            state.diagnostics.record(DiagnosticsEvent {
                peer_pid: peer.pid,
                peer_uid: peer.uid,
                ..diagnostics::event(DiagnosticsKind::ConnectionRefused, ErrorCode::Busy.as_str())
            });
            let error = RequestError::TooManyConnections {
                max: state.config.max_connections,
            };
            connections.spawn(refuse(
                read,
                write,
                error,
                state.config.max_frame_len,
                lingerers.clone(),
            ));
            continue;
        };
        state.counters.connections_accepted.fetch_add(1, Relaxed);
        let state = state.clone();
        let budget = budget.clone();
        connections.spawn(async move {
            connection::serve(read, write, peer, state, budget).await;
            drop(slot);
        });
    }
    drop(listener);
    connections.close();
    let draining = Instant::now();
    if tokio::time::timeout(SHUTDOWN_GRACE, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            waited = ?draining.elapsed(),
            "connections still busy after the shutdown grace period; closing them"
        );
    }
}

/// Tells a connection why it is refused, then closes it: after a linger when one of the
/// `lingerers` slots is free, at once otherwise.
async fn refuse(
    read: ReadHalf,
    mut write: WriteHalf,
    error: RequestError,
    max_frame_len: u32,
    lingerers: Arc<Semaphore>,
) {
    let response =
        Envelope::<()>::Response(Response::err(None, new_correlation_id(), error.into()));
    if let Ok(frame) = envelope::encode_frame(&response, max_frame_len) {
        let _ = write.write_all(&frame).await;
    }
    let _ = write.shutdown().await;
    if let Ok(_slot) = lingerers.try_acquire_owned() {
        connection::linger(read).await;
    }
}

/// A run of failed accepts, logged once when it begins and then at most once per
/// [`ACCEPT_FAILURE_LOG_EVERY`]: at the descriptor limit every connection attempt fails,
/// and a line each would flood the log.
#[derive(Debug, Default)]
struct AcceptFailures {
    /// Failures since the last line.
    unlogged: u64,
    logged_at: Option<Instant>,
}

impl AcceptFailures {
    fn failed(&mut self, error: &std::io::Error) {
        self.unlogged += 1;
        if self
            .logged_at
            .is_some_and(|at| at.elapsed() < ACCEPT_FAILURE_LOG_EVERY)
        {
            return;
        }
        tracing::warn!(
            error = %error,
            failures = self.unlogged,
            pause_ms = ACCEPT_BACKOFF.as_millis() as u64,
            "accepting connections failed; pausing briefly (logged at most once a minute)"
        );
        self.unlogged = 0;
        self.logged_at = Some(Instant::now());
    }
}
