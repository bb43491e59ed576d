//! The upgrade hand-over: an agent left running from before an upgrade answers `hello`
//! with its older version. A connector that may start the agent asks that one to shut
//! down, waits until it has let go of its data dir, and starts the new one, once: the
//! agent it then starts is used whatever version it reports, so two versions never take
//! turns replacing each other, and generations never pile up.
//!
//! An agent is older when both versions parse as semver and the agent's has the lower
//! precedence (build metadata is ignored, as semver precedence ignores it: two builds of
//! one version never replace each other). A newer agent, or one whose version does not
//! parse, is used as it is.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use llm_agent_protocol::location::{self, LOCK_FILE};
use llm_agent_protocol::methods::NoParams;
use llm_agent_protocol::methods::agent::{Shutdown, Status};
use tokio::time::Instant;

use crate::client::Client;
use crate::connector::{AutoSpawn, Connector};
use crate::error::ClientError;
use crate::spawn;

/// How often to look whether the old agent has let go of its data dir.
const GONE_POLL: Duration = Duration::from_millis(20);

/// Whether `agent` is a semver version of lower precedence than `expected`.
pub(crate) fn is_older(agent: &str, expected: &str) -> bool {
    match (
        semver::Version::parse(agent),
        semver::Version::parse(expected),
    ) {
        (Ok(agent), Ok(expected)) => agent.cmp_precedence(&expected).is_lt(),
        _ => false,
    }
}

/// Replaces the older agent `old` with a new one; keeps `old` if it will not go.
pub(crate) async fn hand_over(
    connector: &Connector,
    auto_spawn: &AutoSpawn,
    old: Client,
    socket: &Path,
) -> Result<Client, ClientError> {
    let old_version = old.hello().agent_version.clone();
    // Where the old agent keeps its data: its lock is the last thing it lets go of.
    let data_dir = match old.call::<Status>(NoParams::default()).await {
        Ok(status) => PathBuf::from(status.data_dir),
        Err(_) => location::data_dir(auto_spawn.data_dir.as_deref())?,
    };
    if let Err(err) = old.call::<Shutdown>(NoParams::default()).await {
        tracing::warn!(%err, version = %old_version, "an older agent would not shut down; using it");
        return Ok(old);
    }
    drop(old);
    tracing::info!(
        old = %old_version,
        new = %auto_spawn.expected_version,
        "asked an older agent to shut down; starting the new one"
    );
    let deadline = Instant::now() + auto_spawn.ready_timeout;
    while holds_lock(&data_dir.join(LOCK_FILE)) {
        if Instant::now() >= deadline {
            return Err(ClientError::AgentNotRunning {
                socket: socket.to_owned(),
            });
        }
        tokio::time::sleep(GONE_POLL).await;
    }
    let new = spawn::start_and_connect(connector, auto_spawn, socket).await?;
    if is_older(&new.hello().agent_version, &auto_spawn.expected_version) {
        tracing::warn!(
            version = %new.hello().agent_version,
            expected = %auto_spawn.expected_version,
            "the agent started is older than expected too; using it"
        );
    }
    Ok(new)
}

/// Whether an agent still holds the lock file at `path`.
fn holds_lock(path: &Path) -> bool {
    let Ok(file) = File::options().read(true).write(true).open(path) else {
        // No lock file, or not ours to open: nobody we could wait for.
        return false;
    };
    // Dropping the file releases a lock taken here at once.
    matches!(file.try_lock(), Err(TryLockError::WouldBlock))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lower_semver_is_older() {
        assert!(is_older("0.1.0", "0.2.0"));
        assert!(is_older("0.9.9", "0.10.0"));
        assert!(is_older("1.0.0-beta.2", "1.0.0"));
        assert!(is_older("1.0.0-alpha.9", "1.0.0-alpha.10"));
        assert!(
            !is_older("0.2.0+build.1", "0.2.0+build.2"),
            "build metadata is no upgrade"
        );
        assert!(!is_older("0.2.0", "0.2.0"));
        assert!(!is_older("0.3.0", "0.2.0"));
        assert!(!is_older("dev", "0.2.0"));
        assert!(!is_older("0.1.0", "unknown"));
    }

    #[test]
    fn a_held_lock_is_seen_and_a_free_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        assert!(!holds_lock(&path), "no file");
        let held = File::create(&path).unwrap();
        held.lock().unwrap();
        assert!(holds_lock(&path));
        drop(held);
        assert!(!holds_lock(&path));
    }
}
