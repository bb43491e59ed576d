//! Turns an accepted local-socket stream into the read and write halves a connection
//! uses, and knows who is on the other end.
//!
//! On Unix the stream becomes a `tokio::net::UnixStream`: interprocess's `poll_shutdown`
//! is a no-op, and without a real half-close the agent cannot end a connection cleanly
//! (a client that has not yet read the agent's last frame would see a reset instead).
//! On Windows both halves share the named pipe.

use std::io;

use interprocess::local_socket::tokio::Stream;

use super::peer::Peer;

#[cfg(unix)]
pub type ReadHalf = tokio::net::unix::OwnedReadHalf;
#[cfg(unix)]
pub type WriteHalf = tokio::net::unix::OwnedWriteHalf;
#[cfg(windows)]
pub type ReadHalf = shared::SharedStream;
#[cfg(windows)]
pub type WriteHalf = shared::SharedStream;

/// Splits an accepted stream and reads its peer's credentials.
#[cfg(unix)]
pub fn split(stream: Stream) -> io::Result<(ReadHalf, WriteHalf, Peer)> {
    use std::os::fd::OwnedFd;
    let Stream::UdSocket(stream) = stream;
    let socket = std::os::unix::net::UnixStream::from(OwnedFd::try_from(stream)?);
    socket.set_nonblocking(true)?;
    let socket = tokio::net::UnixStream::from_std(socket)?;
    let peer = match socket.peer_cred() {
        Ok(cred) => Peer {
            pid: cred.pid().and_then(|pid| u32::try_from(pid).ok()),
            uid: Some(cred.uid()),
            same_user: None,
        },
        Err(e) => {
            tracing::warn!(error = %e, "cannot read peer credentials");
            Peer::default()
        }
    };
    let (read, write) = socket.into_split();
    Ok((read, write, peer))
}

#[cfg(windows)]
pub fn split(stream: Stream) -> io::Result<(ReadHalf, WriteHalf, Peer)> {
    use interprocess::local_socket::traits::StreamCommon as _;
    let pid = stream.peer_creds().ok().and_then(|creds| creds.pid());
    let same_user = pid.and_then(|pid| {
        super::pipe_security::same_user_as_agent(pid)
            .inspect_err(
                |e| tracing::warn!(peer_pid = pid, error = %e, "cannot read the client's user"),
            )
            .ok()
    });
    let peer = Peer {
        pid,
        uid: None,
        same_user,
    };
    let stream = std::sync::Arc::new(stream);
    Ok((
        shared::SharedStream(stream.clone()),
        shared::SharedStream(stream),
        peer,
    ))
}

#[cfg(windows)]
mod shared {
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll};

    use interprocess::local_socket::tokio::Stream;
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    /// A pipe shared by the reader and the writer: `&Stream` reads and writes.
    pub struct SharedStream(pub Arc<Stream>);

    impl AsyncRead for SharedStream {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            Pin::new(&mut &*self.0).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for SharedStream {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            Pin::new(&mut &*self.0).poll_write(cx, buf)
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut &*self.0).poll_flush(cx)
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut &*self.0).poll_shutdown(cx)
        }
    }
}
