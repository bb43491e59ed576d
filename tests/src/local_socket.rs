//! The kind of socket the agent listens on, from the harness's side: a Unix-domain socket
//! file on Unix, a named pipe on Windows, as `interprocess` names them for the agent and
//! the client. Blocking, for the start-up probe and the benches' bare connections.
//!
//! On Unix these are the standard library's own types, so what a bench measures there is
//! a plain `UnixStream`.

use std::io;
use std::path::{Path, PathBuf};

#[cfg(unix)]
pub use std::os::unix::net::{UnixListener as Listener, UnixStream as Stream};

#[cfg(not(unix))]
use interprocess::local_socket::{GenericFilePath, ListenerOptions, ToFsName, traits};
#[cfg(not(unix))]
pub use interprocess::local_socket::{Listener, Stream};

/// Where a socket called `name` goes for a harness whose files are in `dir`: that path
/// on Unix; on Windows, a pipe named after `dir` and `name`, since a pipe is no file.
pub fn socket_path(dir: &Path, name: &str) -> PathBuf {
    #[cfg(unix)]
    {
        dir.join(name)
    }
    #[cfg(not(unix))]
    {
        let dir = dir.file_name().unwrap_or_default().to_string_lossy();
        PathBuf::from(format!(r"\\.\pipe\{dir}-{}", name.replace('/', "-")))
    }
}

/// A connection to the socket at `path`.
pub fn connect(path: &Path) -> io::Result<Stream> {
    #[cfg(unix)]
    {
        Stream::connect(path)
    }
    #[cfg(not(unix))]
    {
        <Stream as traits::Stream>::connect(path.to_fs_name::<GenericFilePath>()?)
    }
}

/// A socket listening at `path`.
pub fn bind(path: &Path) -> io::Result<Listener> {
    #[cfg(unix)]
    {
        Listener::bind(path)
    }
    #[cfg(not(unix))]
    {
        ListenerOptions::new()
            .name(path.to_fs_name::<GenericFilePath>()?)
            .create_sync()
    }
}

/// Every connection `listener` accepts, one at a time, forever.
pub fn incoming(listener: &Listener) -> impl Iterator<Item = io::Result<Stream>> + '_ {
    #[cfg(unix)]
    {
        listener.incoming()
    }
    #[cfg(not(unix))]
    {
        traits::ListenerExt::incoming(listener)
    }
}
