//! The provider I/O thread: a runtime of its own where every provider request runs
//! (connect, the TLS handshake with its certificate checks, reading the reply), so none
//! of it can delay the runtime that serves the socket.
//!
//! The agent serves every client from one `current_thread` runtime (see
//! docs/architecture.md, section 2). A TLS handshake costs that thread milliseconds of
//! CPU, and on macOS and Windows the platform verifier may check revocation over the
//! network inside it; with model calls every remote call does one. So provider work is
//! spawned here, and its results come back over channels: the serving thread only
//! forwards deltas and answers.

use std::future::Future;
use std::sync::{Mutex, PoisonError};

use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The thread's name, as `ps` and debuggers show it.
const THREAD_NAME: &str = "provider-io";

/// How much nicer than the serving thread the provider thread is, where the OS lets a
/// thread have its own (Linux): when both want the CPU, the socket is served first, and
/// a burst of handshakes waits a few microseconds instead of the clients.
#[cfg(target_os = "linux")]
const NICER_BY: i32 = 5;

/// The provider I/O runtime. Dropping it stops the thread; calls still running there
/// are dropped (their connections close).
pub struct ProviderIo {
    handle: Handle,
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

impl ProviderIo {
    /// Starts the thread and its runtime.
    pub fn start() -> std::io::Result<ProviderIo> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name(THREAD_NAME)
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || {
                yield_the_cpu_to_the_socket();
                // The thread drives every task spawned on the handle until told to stop.
                runtime.block_on(async {
                    let _ = stopped.await;
                });
                runtime.shutdown_background();
            })?;
        Ok(ProviderIo {
            handle,
            stop: Mutex::new(Some(stop)),
        })
    }

    /// Runs `work` on the provider thread.
    pub fn spawn<F>(&self, work: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(work)
    }
}

/// Makes the calling thread nicer than the rest of the process.
#[cfg(target_os = "linux")]
fn yield_the_cpu_to_the_socket() {
    // On Linux a thread's nice value is its own: this leaves the serving thread as it is.
    let current = rustix::process::getpriority_process(None).unwrap_or(0);
    if let Err(err) = rustix::process::setpriority_process(None, current + NICER_BY) {
        tracing::debug!(error = %err, "cannot lower the provider thread's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_the_cpu_to_the_socket() {}

impl Drop for ProviderIo {
    fn drop(&mut self) {
        if let Some(stop) = self
            .stop
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_provider_thread() {
        let io = ProviderIo::start().unwrap();
        let name = io
            .spawn(async { std::thread::current().name().map(str::to_owned) })
            .await
            .unwrap();
        assert_eq!(name.as_deref(), Some(THREAD_NAME));
        assert_ne!(std::thread::current().name(), Some(THREAD_NAME));
    }
}
