//! Where the agent listens and keeps its data: the one rule both the agent and its
//! clients follow, so a client finds the agent without being told.
//!
//! Precedence: an explicit path, then the environment variable, then the platform default.

use std::path::{Path, PathBuf};

/// Overrides the socket path (a named pipe path on Windows).
pub const SOCKET_ENV: &str = "LLM_AGENT_SOCKET";
/// Overrides the data directory.
pub const DATA_DIR_ENV: &str = "LLM_AGENT_DATA_DIR";
/// Sends the agent's logs to daily files in this directory instead of stderr.
pub const LOG_DIR_ENV: &str = "LLM_AGENT_LOG_DIR";
/// Where an agent started by a client logs, under its data directory.
pub const LOG_SUBDIR: &str = "logs";

/// The exclusive lock of the agent that owns a data directory, in that directory: held
/// for the agent's whole life, so a client can tell when an agent has really gone.
pub const LOCK_FILE: &str = "agent.lock";
/// The folder of the agent's socket and data under the platform's directories.
pub const APP_DIR: &str = "llm-agent";
/// The socket's file name in its folder.
pub const SOCKET_FILE: &str = "agent.sock";

/// The longest socket path Linux accepts, in bytes: its 108-byte `sun_path` less the NUL.
pub const MAX_SOCKET_PATH_LEN_LINUX: usize = 107;
/// The longest socket path other Unix systems (macOS, the BSDs) accept, in bytes: their
/// 104-byte `sun_path` less the NUL.
pub const MAX_SOCKET_PATH_LEN_OTHER_UNIX: usize = 103;
/// The longest named-pipe path Windows accepts, in bytes.
pub const MAX_SOCKET_PATH_LEN_WINDOWS: usize = 256;

/// The longest socket path this OS accepts, in bytes; the agent refuses to start on a
/// longer one. Clients in other languages check the same three values (the TypeScript
/// client through its generated constants).
pub const MAX_SOCKET_PATH_LEN: usize = if cfg!(windows) {
    MAX_SOCKET_PATH_LEN_WINDOWS
} else if cfg!(any(target_os = "linux", target_os = "android")) {
    MAX_SOCKET_PATH_LEN_LINUX
} else {
    MAX_SOCKET_PATH_LEN_OTHER_UNIX
};

/// No default location exists (no home directory, no runtime directory).
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot find a default {what}: the platform reports no home directory; pass --{flag} or set {env}"
)]
pub struct NoDefaultLocation {
    what: &'static str,
    flag: &'static str,
    env: &'static str,
}

/// The data directory: `explicit`, else `$LLM_AGENT_DATA_DIR`, else the platform data dir
/// (`~/.local/share/llm-agent` on Linux).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf, NoDefaultLocation> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    if let Some(path) = env_path(DATA_DIR_ENV) {
        return Ok(path);
    }
    platform_dirs()
        .map(|dirs| dirs.data_dir().to_owned())
        .ok_or(NoDefaultLocation {
            what: "data directory",
            flag: "data-dir",
            env: DATA_DIR_ENV,
        })
}

/// The socket path: `explicit`, else `$LLM_AGENT_SOCKET`, else the platform default:
/// `$XDG_RUNTIME_DIR/llm-agent/agent.sock` on Linux (falling back to `run/agent.sock`
/// under `data_dir`, itself resolved by [`data_dir`]), `$TMPDIR/llm-agent/agent.sock` on
/// macOS, and `\\.\pipe\llm-agent-<user>` on Windows.
pub fn socket_path(
    explicit: Option<&Path>,
    data_dir: Option<&Path>,
) -> Result<PathBuf, NoDefaultLocation> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    if let Some(path) = env_path(SOCKET_ENV) {
        return Ok(path);
    }
    default_socket_path(data_dir)
}

#[cfg(windows)]
fn default_socket_path(_data_dir: Option<&Path>) -> Result<PathBuf, NoDefaultLocation> {
    let user = std::env::var("USERNAME").unwrap_or_else(|_| "user".into());
    let user: String = user
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    Ok(PathBuf::from(format!(r"\\.\pipe\{APP_DIR}-{user}")))
}

#[cfg(target_os = "macos")]
fn default_socket_path(_data_dir: Option<&Path>) -> Result<PathBuf, NoDefaultLocation> {
    // $TMPDIR is per user on macOS, and short enough for the 104-byte sun_path limit,
    // unlike ~/Library/Application Support.
    Ok(std::env::temp_dir().join(APP_DIR).join(SOCKET_FILE))
}

#[cfg(all(unix, not(target_os = "macos")))]
fn default_socket_path(data_dir_given: Option<&Path>) -> Result<PathBuf, NoDefaultLocation> {
    if let Some(runtime) = platform_dirs().and_then(|dirs| dirs.runtime_dir().map(Path::to_owned)) {
        return Ok(runtime.join(SOCKET_FILE));
    }
    Ok(data_dir(data_dir_given)
        .map_err(|_| NoDefaultLocation {
            what: "socket path",
            flag: "socket",
            env: SOCKET_ENV,
        })?
        .join("run")
        .join(SOCKET_FILE))
}

fn platform_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", APP_DIR)
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_paths_win() {
        let path = Path::new("/tmp/x/agent.sock");
        assert_eq!(socket_path(Some(path), None).unwrap(), path);
        assert_eq!(data_dir(Some(Path::new("/d"))).unwrap(), Path::new("/d"));
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn linux_default_ends_in_the_app_dir() {
        if std::env::var_os(SOCKET_ENV).is_none() {
            let path = socket_path(None, None).unwrap();
            assert!(path.ends_with("llm-agent/agent.sock") || path.ends_with("run/agent.sock"));
        }
    }
}
