//! Reading one connection's frames: the length prefix checked against the limit before
//! anything is allocated, a frame larger than the read buffer charged what it may cost to
//! the decode budget before its body is read (a smaller one is paid for once it is known
//! to be a request: [`Payment`]), and a stall timeout once a frame has begun.
//!
//! Frames up to [`READ_BUFFER`] are read, several at a time, into one buffer that never
//! grows; a larger frame gets a buffer of its own, of exactly its size, which goes away
//! with the frame. So a connection that has sent one large frame holds nothing of it
//! afterwards.

use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use llm_agent_protocol::FrameError;
use llm_agent_protocol::frame::HEADER_LEN;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::budget::{Account, Charge, frame_cost_bound};

/// The buffer small frames are read into, and the most a connection reads ahead.
pub const READ_BUFFER: usize = 16 * 1024;

/// One frame's body, and what it holds of the decode budget.
#[derive(Debug)]
pub struct Frame {
    pub body: Bytes,
    pub payment: Payment,
}

/// What a frame has paid of the decode budget.
#[derive(Debug)]
pub enum Payment {
    /// Its bound, paid before its body was read.
    Paid(Charge),
    /// Nothing yet: it fits the read buffer. A request pays once measured; a cancel
    /// never has to, so it is read even when the connection's calls hold its whole
    /// allowance and the pool is spent.
    Owed(Account),
}

impl Payment {
    /// The charge of a frame measured at `cost`: what it paid, shrunk to that, or `cost`
    /// paid now, waiting for the pool as any frame does.
    pub async fn settle(self, cost: usize) -> Charge {
        match self {
            Payment::Paid(mut charge) => {
                charge.shrink_to(cost);
                charge
            }
            Payment::Owed(account) => account.charge(cost).await,
        }
    }
}

/// Reads frames from one connection. Cancel-safe: every wait keeps its progress in the
/// reader, so a `select!` may drop [`FrameReader::next`] and call it again.
pub struct FrameReader<R> {
    stream: R,
    /// Bytes read and not yet handed out: the rest of the current frame and the start of
    /// the next ones.
    buffer: BytesMut,
    /// The current frame's body length, once its prefix has been read.
    len: Option<usize>,
    /// The body of a current frame larger than [`READ_BUFFER`], as far as it has arrived.
    large: Option<BytesMut>,
    /// The current frame's payment, once made (or owed).
    payment: Option<Payment>,
    /// When the current frame last received a byte, or had its charge paid; `None`
    /// between frames, where a client may idle as long as it likes.
    progress_at: Option<Instant>,
    max_len: u32,
    stall_timeout: Duration,
    account: Account,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(stream: R, max_len: u32, stall_timeout: Duration, account: Account) -> Self {
        Self {
            stream,
            buffer: BytesMut::with_capacity(READ_BUFFER),
            len: None,
            large: None,
            payment: None,
            progress_at: None,
            max_len,
            stall_timeout,
            account,
        }
    }

    /// The stream, for the linger after the connection's last frame.
    pub fn into_inner(self) -> R {
        self.stream
    }

    /// The next frame; `None` at a clean end of stream between frames.
    pub async fn next(&mut self) -> Option<Result<Frame, FrameError>> {
        loop {
            match self.len {
                Some(len) => {
                    if self.payment.is_none() {
                        self.payment = Some(if len <= READ_BUFFER {
                            Payment::Owed(self.account.clone())
                        } else {
                            let charge = self.account.charge(frame_cost_bound(len)).await;
                            // The agent kept the frame waiting, not the client.
                            self.progress_at = Some(Instant::now());
                            Payment::Paid(charge)
                        });
                    }
                    if let Some(body) = self.take_body(len)
                        && let Some(payment) = self.payment.take()
                    {
                        self.len = None;
                        self.progress_at = None;
                        return Some(Ok(Frame { body, payment }));
                    }
                }
                None if self.buffer.len() >= HEADER_LEN => {
                    let prefix = [
                        self.buffer[0],
                        self.buffer[1],
                        self.buffer[2],
                        self.buffer[3],
                    ];
                    let len = u32::from_be_bytes(prefix);
                    if len > self.max_len {
                        return Some(Err(FrameError::TooLarge {
                            len: len.into(),
                            max: self.max_len,
                        }));
                    }
                    self.buffer.advance(HEADER_LEN);
                    let len = len as usize;
                    self.len = Some(len);
                    if len > READ_BUFFER {
                        // Everything buffered belongs to this frame: it is larger than
                        // the buffer.
                        let mut large = BytesMut::with_capacity(len);
                        large.extend_from_slice(&self.buffer.split());
                        self.large = Some(large);
                    }
                    continue;
                }
                None => {}
            }
            match self.fill().await {
                Ok(true) => {}
                Ok(false) => return None,
                Err(err) => return Some(Err(err)),
            }
        }
    }

    /// The current frame's body, if all of it has arrived.
    fn take_body(&mut self, len: usize) -> Option<Bytes> {
        match &self.large {
            Some(large) if large.len() == len => self.large.take().map(BytesMut::freeze),
            Some(_) => None,
            None if self.buffer.len() >= len => Some(self.buffer.split_to(len).freeze()),
            None => None,
        }
    }

    /// Reads more of the stream: `Ok(false)` at a clean end of stream between frames.
    /// Once a frame has begun, its next byte must come within the stall timeout.
    async fn fill(&mut self) -> Result<bool, FrameError> {
        let begun = self.len.is_some() || !self.buffer.is_empty();
        let since = if begun {
            Some(*self.progress_at.get_or_insert_with(Instant::now))
        } else {
            None
        };
        if self.large.is_none() {
            self.make_room();
        }
        let target = match &mut self.large {
            Some(large) => large,
            None => &mut self.buffer,
        };
        let read = self.stream.read_buf(target);
        let read = match since {
            None => read.await,
            Some(since) => {
                let left = self.stall_timeout.saturating_sub(since.elapsed());
                match tokio::time::timeout(left, read).await {
                    Ok(read) => read,
                    Err(_) => return Err(FrameError::Stalled(self.stall_timeout)),
                }
            }
        };
        match read {
            Ok(0) if !begun => Ok(false),
            Ok(0) => Err(FrameError::Truncated),
            Ok(_) => {
                self.progress_at = begun.then(Instant::now);
                Ok(true)
            }
            Err(err) => Err(FrameError::Io(err)),
        }
    }

    /// Makes sure the small buffer has room for the rest of the current frame, or for a
    /// length prefix. When it has not, what it holds moves to a fresh buffer: the frames
    /// already handed out keep the old one's memory only as long as they live.
    fn make_room(&mut self) {
        let needed = match self.len {
            Some(len) => len.saturating_sub(self.buffer.len()),
            None => HEADER_LEN.saturating_sub(self.buffer.len()),
        };
        let spare = self.buffer.capacity() - self.buffer.len();
        if spare < needed.max(1) {
            let mut fresh = BytesMut::with_capacity(READ_BUFFER);
            fresh.extend_from_slice(&self.buffer);
            self.buffer = fresh;
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;
    use crate::ipc::budget::{DecodeBudget, frame_cost};

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut frame = (body.len() as u32).to_be_bytes().to_vec();
        frame.extend_from_slice(body);
        frame
    }

    fn reader(
        stream: tokio::io::DuplexStream,
        budget: &DecodeBudget,
    ) -> FrameReader<tokio::io::DuplexStream> {
        FrameReader::new(
            stream,
            8 * 1024 * 1024,
            Duration::from_secs(30),
            budget.account(),
        )
    }

    #[tokio::test]
    async fn frames_arrive_whole_however_they_are_cut_and_each_is_charged_its_bound() {
        let budget = DecodeBudget::default();
        let (mut client, agent) = tokio::io::duplex(1 << 20);
        let mut frames = reader(agent, &budget);
        let large = vec![7u8; 3 * READ_BUFFER];
        let mut wire = frame(b"one");
        wire.extend(frame(b""));
        wire.extend(frame(&large));
        wire.extend(frame(b"after"));
        let writer = tokio::spawn(async move {
            for piece in wire.chunks(1000) {
                client.write_all(piece).await.unwrap();
                tokio::task::yield_now().await;
            }
            client
        });
        let mut bodies = Vec::new();
        for _ in 0..4 {
            let Frame { body, payment } = frames.next().await.unwrap().unwrap();
            match payment {
                Payment::Paid(charge) => {
                    assert!(body.len() > READ_BUFFER);
                    assert_eq!(charge.bytes(), frame_cost_bound(body.len()));
                }
                Payment::Owed(_) => assert!(body.len() <= READ_BUFFER),
            }
            bodies.push(body);
        }
        assert_eq!(bodies, [&b"one"[..], b"", &large, b"after"]);
        drop(writer.await.unwrap());
        assert!(frames.next().await.is_none(), "a clean end between frames");
    }

    #[tokio::test]
    async fn a_length_over_the_limit_is_refused_before_the_body() {
        let budget = DecodeBudget::default();
        let (mut client, agent) = tokio::io::duplex(64);
        let mut frames = FrameReader::new(agent, 16, Duration::from_secs(30), budget.account());
        client.write_all(&u32::MAX.to_be_bytes()).await.unwrap();
        assert!(matches!(
            frames.next().await,
            Some(Err(FrameError::TooLarge {
                len: 0xffff_ffff,
                max: 16
            }))
        ));
    }

    #[tokio::test]
    async fn an_end_inside_a_frame_is_truncation() {
        let budget = DecodeBudget::default();
        let (mut client, agent) = tokio::io::duplex(64);
        let mut frames = reader(agent, &budget);
        client.write_all(&[0, 0, 0, 9, 1]).await.unwrap();
        drop(client);
        assert!(matches!(
            frames.next().await,
            Some(Err(FrameError::Truncated))
        ));
    }

    #[tokio::test]
    async fn a_frame_that_stops_arriving_stalls_but_an_idle_connection_never_does() {
        let stall = Duration::from_millis(200);
        let budget = DecodeBudget::default();
        let (mut client, agent) = tokio::io::duplex(64);
        let mut frames = FrameReader::new(agent, 1024, stall, budget.account());
        let idle = tokio::time::timeout(stall * 3, frames.next()).await;
        assert!(idle.is_err(), "no frame begun: no stall");
        client.write_all(&[0, 0, 0, 9, 1]).await.unwrap();
        let started = Instant::now();
        assert!(matches!(
            frames.next().await,
            Some(Err(FrameError::Stalled(_)))
        ));
        assert!(started.elapsed() >= stall);
    }

    #[tokio::test]
    async fn a_large_frame_waits_for_the_pool_and_holds_only_its_own_buffer() {
        let budget = DecodeBudget::default();
        let hog = budget
            .account()
            .charge(crate::ipc::budget::CONNECTION_ALLOWANCE + crate::ipc::budget::SHARED_POOL)
            .await;
        let (mut client, agent) = tokio::io::duplex(1 << 20);
        let mut frames = reader(agent, &budget);
        let body = vec![1u8; crate::ipc::budget::CONNECTION_ALLOWANCE];
        client.write_all(&frame(&body)).await.unwrap();
        let waiting = tokio::time::timeout(Duration::from_millis(50), frames.next()).await;
        assert!(waiting.is_err(), "the pool is spent: the frame waits");
        drop(hog);
        let Frame {
            body: got,
            payment: Payment::Paid(charge),
        } = frames.next().await.unwrap().unwrap()
        else {
            panic!("a large frame pays before it is read");
        };
        assert_eq!(
            (got.len(), charge.bytes()),
            (body.len(), frame_cost_bound(body.len()))
        );
        assert!(frames.buffer.capacity() <= READ_BUFFER);
    }

    #[tokio::test]
    async fn a_small_frame_is_read_when_the_connections_calls_hold_everything() {
        use futures_util::FutureExt;

        let budget = DecodeBudget::default();
        let (mut client, agent) = tokio::io::duplex(1 << 20);
        let mut frames = reader(agent, &budget);
        // This connection's own calls in flight hold its allowance and the whole pool.
        let calls = frames
            .account
            .charge(crate::ipc::budget::CONNECTION_ALLOWANCE + crate::ipc::budget::SHARED_POOL)
            .await;
        client.write_all(&frame(b"a cancel")).await.unwrap();
        let Frame { body, payment } = tokio::time::timeout(Duration::from_secs(5), frames.next())
            .await
            .expect("read at once")
            .unwrap()
            .unwrap();
        assert_eq!(&body[..], b"a cancel");
        // A request among such frames waits for its charge like any other.
        let settling = payment.settle(frame_cost(body.len(), 3));
        tokio::pin!(settling);
        assert!(settling.as_mut().now_or_never().is_none());
        drop(calls);
        assert_eq!(settling.await.bytes(), frame_cost(body.len(), 3));
    }
}
