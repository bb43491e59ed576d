//! Socket activation: serving the listening socket a service manager passed in, instead
//! of binding one, and telling systemd how the agent is doing.
//!
//! - systemd (`llm-agent.socket`): the socket arrives as fd 3 with `LISTEN_FDS=1` and
//!   `LISTEN_PID` set to our pid (read with the `sd-notify` crate); the agent sends
//!   `READY=1` once it serves, and `STOPPING=1` when it begins to shut down. Without
//!   `NOTIFY_SOCKET` both are no-ops.
//! - launchd (the LaunchAgent's `Sockets` entry [`LAUNCHD_SOCKET`]):
//!   `launch_activate_socket` hands over the socket launchd created (the `raunch` crate).
//!
//! The socket manager owns the socket file: the agent never removes it, and the peer
//! check is the same as for a socket it bound.

use std::path::PathBuf;

use interprocess::local_socket::tokio::Listener;

use super::socket::SocketError;

/// The name of the socket in the LaunchAgent's `Sockets` dictionary.
pub const LAUNCHD_SOCKET: &str = "Listeners";

/// A listening socket passed in by the service manager.
pub struct Activated {
    pub listener: Listener,
    /// Where it listens, when it is a named Unix socket.
    pub path: Option<PathBuf>,
    /// Who passed it, for the log.
    pub manager: &'static str,
}

/// The socket the service manager passed in, if it passed one. Call on the runtime.
pub fn take() -> Result<Option<Activated>, SocketError> {
    os::take()
}

/// Tells systemd the agent serves (no-op elsewhere, or when not started by systemd).
pub fn notify_ready() {
    #[cfg(target_os = "linux")]
    if let Err(e) = sd_notify::notify(&[sd_notify::NotifyState::Ready]) {
        tracing::warn!(error = %e, "cannot tell systemd the agent is ready");
    }
}

/// Tells systemd the agent is stopping.
pub fn notify_stopping() {
    #[cfg(target_os = "linux")]
    if let Err(e) = sd_notify::notify(&[sd_notify::NotifyState::Stopping]) {
        tracing::warn!(error = %e, "cannot tell systemd the agent is stopping");
    }
}

/// Adopts a passed file descriptor as the listener, after checking it is a listening
/// Unix stream socket.
#[cfg(unix)]
fn adopt(raw_fd: std::os::fd::RawFd, manager: &'static str) -> Result<Activated, SocketError> {
    use std::os::fd::{FromRawFd, OwnedFd};

    use rustix::net::{AddressFamily, SocketType, getsockname, sockopt};

    let io_err = |source: std::io::Error| SocketError::Io {
        path: PathBuf::from(format!("<{manager} socket fd {raw_fd}>")),
        source,
    };
    // SAFETY: the service manager passed this descriptor to us to own; nothing else in
    // the process uses it.
    let fd = unsafe { OwnedFd::from_raw_fd(raw_fd) };
    let stream = sockopt::socket_type(&fd).map_err(|e| io_err(e.into()))? == SocketType::STREAM;
    let unix = getsockname(&fd)
        .map_err(|e| io_err(e.into()))?
        .address_family()
        == AddressFamily::UNIX;
    // Apple declares SO_ACCEPTCONN but does not implement it: a socket that is not
    // listening shows there at the first accept.
    #[cfg(not(target_os = "macos"))]
    let listening = sockopt::socket_acceptconn(&fd).map_err(|e| io_err(e.into()))?;
    #[cfg(target_os = "macos")]
    let listening = true;
    let is_listening_unix_stream = stream && unix && listening;
    if !is_listening_unix_stream {
        return Err(SocketError::NotAListeningSocket {
            manager,
            fd: raw_fd,
        });
    }
    let std_listener = std::os::unix::net::UnixListener::from(fd);
    let path = std_listener
        .local_addr()
        .ok()
        .and_then(|addr| addr.as_pathname().map(PathBuf::from));
    let listener = interprocess::os::unix::uds_local_socket::tokio::Listener::try_from(
        OwnedFd::from(std_listener),
    )
    .map_err(io_err)?;
    Ok(Activated {
        listener: Listener::from(listener),
        path,
        manager,
    })
}

#[cfg(target_os = "linux")]
mod os {
    use super::{Activated, SocketError, adopt};

    pub(super) fn take() -> Result<Option<Activated>, SocketError> {
        let mut fds = sd_notify::listen_fds().map_err(|source| SocketError::Io {
            path: "<LISTEN_FDS>".into(),
            source,
        })?;
        let Some(fd) = fds.next() else {
            return Ok(None);
        };
        if fds.len() > 0 {
            tracing::warn!(
                extra = fds.len(),
                "systemd passed more than one socket; serving the first"
            );
        }
        adopt(fd, "systemd").map(Some)
    }
}

#[cfg(target_os = "macos")]
mod os {
    use super::{Activated, LAUNCHD_SOCKET, SocketError, adopt};

    pub(super) fn take() -> Result<Option<Activated>, SocketError> {
        match raunch::activate_socket(LAUNCHD_SOCKET) {
            Ok(fds) => {
                let mut fds = fds.into_iter();
                let Some(fd) = fds.next() else {
                    return Ok(None);
                };
                // launchd makes one socket per address of the entry; the agent needs one.
                for extra in fds {
                    // SAFETY: passed to us to own, and used nowhere else.
                    drop(unsafe {
                        <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(extra)
                    });
                }
                adopt(fd, "launchd").map(Some)
            }
            // Not started by launchd, or by a plist without the socket: bind as usual.
            Err(raunch::Error::NotManaged | raunch::Error::NotInPlist) => Ok(None),
            Err(e) => Err(SocketError::Io {
                path: format!("<launchd socket {LAUNCHD_SOCKET}>").into(),
                source: std::io::Error::other(e.to_string()),
            }),
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
mod os {
    use super::{Activated, SocketError};

    pub(super) fn take() -> Result<Option<Activated>, SocketError> {
        Ok(None)
    }
}
