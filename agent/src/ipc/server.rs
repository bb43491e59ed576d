//! The accept loop: checks each peer, caps the number of connections, serves each
//! connection as its own task, and on shutdown stops accepting and waits (within a
//! grace period) for every connection to finish.

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
/// does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Serves connections until the agent's shutdown token is cancelled, then drains them.
/// The listener is dropped on return, which removes the socket file.
pub async fn run(listener: Listener, state: SharedState) {
    let own_uid = own_uid();
    let connections = TaskTracker::new();
    let slots = Arc::new(Semaphore::new(state.config.max_connections));
    let budget = DecodeBudget::default();
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
                tracing::warn!(error = %e, "accept failed");
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
            connections.spawn(refuse(read, write, error, state.config.max_frame_len));
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

/// Tells a connection why it is refused, then closes it.
async fn refuse(read: ReadHalf, mut write: WriteHalf, error: RequestError, max_frame_len: u32) {
    let response =
        Envelope::<()>::Response(Response::err(None, new_correlation_id(), error.into()));
    if let Ok(frame) = envelope::encode_frame(&response, max_frame_len) {
        let _ = write.write_all(&frame).await;
    }
    let _ = write.shutdown().await;
    connection::linger(read).await;
}
