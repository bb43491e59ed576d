//! Claims the socket path: checks its length, creates a private parent directory,
//! reclaims a stale socket left by a dead agent, refuses to displace a live one, and
//! binds with mode 0600. On Windows the named pipe gets an owner-only security
//! descriptor instead (see [`pipe_security`](super::pipe_security)).

use std::io;
use std::path::{Path, PathBuf};

use interprocess::local_socket::tokio::Listener;
use interprocess::local_socket::{GenericFilePath, ListenerOptions, ToFsName};
#[cfg(unix)]
use interprocess::os::unix::local_socket::ListenerOptionsExt as _;
#[cfg(windows)]
use interprocess::os::windows::local_socket::ListenerOptionsExt as _;

use llm_agent_protocol::location::MAX_SOCKET_PATH_LEN;

#[cfg(unix)]
use crate::private_dir;

#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    #[error(
        "socket path {} is {len} bytes long; this OS allows at most {max}: pass a shorter --socket",
        path.display()
    )]
    PathTooLong {
        path: PathBuf,
        len: usize,
        max: usize,
    },
    #[error(
        "an llm-agent is already listening on {}; stop it first (llm-console call agent.shutdown), or pass a different --socket",
        path.display()
    )]
    AgentAlreadyRunning { path: PathBuf },
    #[error("{} exists and is not a socket; refusing to replace it: move it away or pass a different --socket", path.display())]
    NotASocket { path: PathBuf },
    #[error("cannot prepare socket {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "the socket {manager} passed in (fd {fd}) is not a listening Unix stream socket: make the service's socket a stream socket on a path"
    )]
    NotAListeningSocket { manager: &'static str, fd: i32 },
}

/// Binds the agent's listener at `path`, following the rules in the module doc.
pub fn bind(path: &Path) -> Result<Listener, SocketError> {
    let io_err = |source| SocketError::Io {
        path: path.to_owned(),
        source,
    };
    let len = path.as_os_str().len();
    if len > MAX_SOCKET_PATH_LEN {
        return Err(SocketError::PathTooLong {
            path: path.to_owned(),
            len,
            max: MAX_SOCKET_PATH_LEN,
        });
    }
    #[cfg(unix)]
    {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            private_dir::create(parent).map_err(io_err)?;
        }
        reclaim_if_stale(path)?;
    }
    let name = path.to_fs_name::<GenericFilePath>().map_err(io_err)?;
    // Removes the socket file when the listener is dropped.
    let options = || ListenerOptions::new().name(name.clone()).reclaim_name(true);
    #[cfg(unix)]
    let created = match options().mode(0o600).create_tokio() {
        // Some systems (macOS) cannot set the mode before bind; the socket then relies on
        // its private parent directory (0700) alone.
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            tracing::warn!(
                "cannot set the socket's mode on this system; relying on its 0700 directory"
            );
            options().create_tokio()
        }
        other => other,
    };
    #[cfg(windows)]
    let created = options()
        .security_descriptor(super::pipe_security::owner_only_descriptor().map_err(io_err)?)
        .create_tokio();
    created.map_err(|source| match source.kind() {
        io::ErrorKind::AddrInUse => SocketError::AgentAlreadyRunning {
            path: path.to_owned(),
        },
        _ => io_err(source),
    })
}

/// Removes a socket file nobody listens on; refuses if someone does.
#[cfg(unix)]
fn reclaim_if_stale(path: &Path) -> Result<(), SocketError> {
    use std::os::unix::fs::FileTypeExt;
    use std::os::unix::net::UnixStream;

    let io_err = |source| SocketError::Io {
        path: path.to_owned(),
        source,
    };
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(e)),
    };
    if !metadata.file_type().is_socket() {
        return Err(SocketError::NotASocket {
            path: path.to_owned(),
        });
    }
    match UnixStream::connect(path) {
        Ok(_) => Err(SocketError::AgentAlreadyRunning {
            path: path.to_owned(),
        }),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            tracing::info!(socket = %path.display(), "removing stale socket left by an agent that is gone");
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err(e)),
                _ => Ok(()),
            }
        }
        Err(e) => Err(io_err(e)),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn binds_private_and_refuses_a_live_listener() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run/agent.sock");
        let listener = bind(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        assert!(matches!(
            bind(&path),
            Err(SocketError::AgentAlreadyRunning { .. })
        ));
        drop(listener);
        assert!(!path.exists(), "the socket is removed with the listener");
    }

    #[tokio::test]
    async fn reclaims_a_stale_socket_but_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.sock");
        // A socket file with no listener: bind a std listener and drop it without unlinking.
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        assert!(path.exists());
        let _listener = bind(&path).unwrap();

        let file = dir.path().join("not-a-socket");
        std::fs::write(&file, b"keep me").unwrap();
        assert!(matches!(bind(&file), Err(SocketError::NotASocket { .. })));
        assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
    }

    #[test]
    fn refuses_a_path_over_the_os_limit() {
        let long = PathBuf::from(format!("/tmp/{}", "x".repeat(MAX_SOCKET_PATH_LEN)));
        assert!(matches!(bind(&long), Err(SocketError::PathTooLong { .. })));
    }
}
