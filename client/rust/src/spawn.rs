//! Auto-spawn: finding the `llm-agent` binary, starting it detached from this process, and
//! waiting until it answers the handshake.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};
use tokio::time::Instant;

use crate::client::Client;
use crate::connector::{AutoSpawn, Connector};
use crate::error::{ClientError, SpawnError};

/// The agent binary's name, without the platform's executable suffix.
const AGENT_BINARY: &str = "llm-agent";

/// The first pause between connection attempts; it doubles up to [`MAX_RETRY_DELAY`].
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(10);
const MAX_RETRY_DELAY: Duration = Duration::from_millis(200);

/// How long to keep trying after the started agent exited. Another client may have started
/// an agent at the same moment; ours then exits (the data dir is locked) while that one is
/// still coming up.
const EXITED_GRACE: Duration = Duration::from_millis(500);

/// A cap on the ready timeout, so an absurd one cannot overflow the clock.
const LONGEST_READY_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// Starts the agent for `socket` and connects once it answers.
pub(crate) async fn start_and_connect(
    connector: &Connector,
    auto_spawn: &AutoSpawn,
    socket: &Path,
) -> Result<Client, ClientError> {
    let binary = auto_spawn
        .agent_binary
        .clone()
        .unwrap_or_else(default_binary);
    let mut child = launch(&binary, socket, auto_spawn.data_dir.as_deref())?;
    tracing::debug!(binary = %binary.display(), socket = %socket.display(), "started the agent");

    let ready_timeout = auto_spawn.ready_timeout.min(LONGEST_READY_TIMEOUT);
    let deadline = Instant::now() + ready_timeout;
    let mut exited: Option<(Instant, ExitStatus)> = None;
    let mut delay = FIRST_RETRY_DELAY;
    loop {
        // A started agent that accepts but never answers must not hold us past the deadline.
        match tokio::time::timeout_at(deadline, connector.connect_to(socket)).await {
            Ok(Ok(client)) => return Ok(client),
            // Not listening yet, or it closed on us while starting up: try again.
            Ok(Err(ClientError::AgentNotRunning { .. } | ClientError::Disconnected(_))) => {}
            Ok(Err(other)) => return Err(other),
            Err(_) => {}
        }
        let now = Instant::now();
        if exited.is_none() {
            exited = child.try_wait().ok().flatten().map(|status| (now, status));
        }
        let gave_up = match exited {
            Some((at, _)) => now >= deadline || now.duration_since(at) >= EXITED_GRACE,
            None => now >= deadline,
        };
        if gave_up {
            let error = match exited {
                Some((_, status)) => SpawnError::Exited { binary, status },
                None => SpawnError::NotReady {
                    binary,
                    socket: socket.to_owned(),
                    waited: ready_timeout,
                },
            };
            return Err(error.into());
        }
        tokio::time::sleep(delay.min(deadline.saturating_duration_since(now))).await;
        delay = (delay * 2).min(MAX_RETRY_DELAY);
    }
}

/// The agent next to the current executable if it is there, else the bare name, which the
/// OS looks up on `PATH`.
fn default_binary() -> PathBuf {
    let file_name = format!("{AGENT_BINARY}{}", std::env::consts::EXE_SUFFIX);
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&file_name)))
        .filter(|sibling| sibling.is_file())
        .unwrap_or_else(|| PathBuf::from(file_name))
}

/// Starts the agent with no terminal and no standard streams of ours, so it outlives us and
/// never writes into our output.
/// Its logs go to daily files under `<data dir>/logs`, since it has no terminal.
fn launch(binary: &Path, socket: &Path, data_dir: Option<&Path>) -> Result<Child, SpawnError> {
    let mut command = Command::new(binary);
    command
        .arg("--socket")
        .arg(socket)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(data_dir) = data_dir {
        command.arg("--data-dir").arg(data_dir);
    }
    // The same rule the agent applies to find its data dir; without one, stderr (null).
    if let Ok(data_dir) = llm_agent_protocol::location::data_dir(data_dir) {
        command
            .arg("--log-dir")
            .arg(data_dir.join(llm_agent_protocol::location::LOG_SUBDIR));
    }
    detach(&mut command);
    // The child is not killed when its handle drops, and tokio reaps it if it exits first.
    command.spawn().map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => SpawnError::NotFound {
            binary: binary.to_owned(),
        },
        _ => SpawnError::Start {
            binary: binary.to_owned(),
            source,
        },
    })
}

/// Puts the agent in its own process group, so Ctrl-C in our terminal does not reach it.
#[cfg(unix)]
fn detach(command: &mut Command) {
    command.process_group(0);
}

/// Gives the agent no console and its own process group, so Ctrl-C does not reach it.
#[cfg(windows)]
fn detach(command: &mut Command) {
    const DETACHED_PROCESS: u32 = 0x0000_0008;
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
    command.creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP);
}

#[cfg(not(any(unix, windows)))]
fn detach(_command: &mut Command) {}
