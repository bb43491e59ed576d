//! The connection: one background task that owns the socket, and the cheap handle that talks
//! to it.
//!
//! The task writes request frames, matches responses to pending requests by id (they may
//! arrive in any order), routes event frames to subscriptions and delta frames to the
//! request they belong to, and when the connection ends fails every pending request at
//! once with the same [`Disconnect`].
//!
//! Callers encode their own requests and decode their own responses, so the task mostly
//! moves bytes: of each frame it reads only the [`FrameHeader`], and it hands a response
//! to its caller as the frame's undecoded body.
//!
//! The task writes frames itself rather than through a writer task, but never waits for a
//! write to finish: its `select!` has a branch that hands the socket whatever part of the
//! outgoing buffer it accepts now, next to the branch that reads frames. A full socket
//! buffer therefore never delays a response, and a request costs one task hop each way
//! instead of two.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use bytes::{Buf, BytesMut};
use futures_util::StreamExt;
use interprocess::local_socket::tokio::Stream;
use llm_agent_protocol::envelope::{self, Envelope, Request};
use llm_agent_protocol::methods::Method;
use llm_agent_protocol::methods::events::{Unsubscribe, UnsubscribeParams};
use llm_agent_protocol::{
    Cancel, DEFAULT_MAX_FRAME_LEN, ErrorCode, Event, FrameCodec, FrameError, WireError,
};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;

use crate::error::{ClientError, Disconnect};
use crate::inbound::{self, FrameHeader};
use crate::subscription::{Delivery, EventSink};

/// The one error the agent sends with `id: nil` and keeps the connection open after.
const NON_CLOSING_ERROR: ErrorCode = ErrorCode::InvalidRequest;

/// Past this many unwritten bytes the task stops taking new requests until the agent has
/// read some, so a stalled agent cannot make the client buffer without bound.
const OUTGOING_HIGH_WATER: usize = 1024 * 1024;

/// A handle to the connection task. Cloning it is cheap; the task ends when the last handle
/// is dropped or the agent closes the connection.
#[derive(Clone)]
pub(crate) struct Connection {
    commands: mpsc::UnboundedSender<Command>,
    shared: Arc<Shared>,
}

/// State both the handles and the task read.
struct Shared {
    next_id: AtomicU64,
    /// The agent's frame limit, from `hello`; requests over it fail before they are sent.
    max_frame_len: AtomicU32,
    /// Set once, by the task, just before it fails the pending requests.
    ended: OnceLock<Disconnect>,
    /// Cancelled when the task ends, however it ends.
    closed: CancellationToken,
}

/// What a caller gets back for its request: the body of the response frame, which the
/// caller decodes.
type Outcome = Result<BytesMut, Disconnect>;

/// A request, encoded and ready to send.
pub(crate) struct OutgoingRequest {
    id: u64,
    frame: Vec<u8>,
}

/// What the task does with a request beyond handing its response to the caller.
pub(crate) enum Followup {
    None,
    /// `events.subscribe`: once it succeeds, route the subscription's events here.
    Subscribe(EventSink),
    /// `events.unsubscribe`: stop routing this subscription as soon as the request is sent.
    Unsubscribe(u64),
    /// A streamed reply: route the request's delta frames here until its response. The
    /// channel is unbounded: the agent bounds a reply (`MAX_REPLY_TEXT_BYTES`), and a
    /// delta dropped would corrupt the text.
    Deltas(mpsc::UnboundedSender<BytesMut>),
}

enum Command {
    Request {
        request: OutgoingRequest,
        /// `None` for a request nobody waits for.
        reply: Option<oneshot::Sender<Outcome>>,
        followup: Followup,
    },
    Cancel {
        id: u64,
    },
}

impl Connection {
    /// Starts the task that owns `stream`.
    pub(crate) fn open(stream: Stream) -> Self {
        let shared = Arc::new(Shared {
            next_id: AtomicU64::new(1),
            max_frame_len: AtomicU32::new(DEFAULT_MAX_FRAME_LEN),
            ended: OnceLock::new(),
            closed: CancellationToken::new(),
        });
        let (commands, receiver) = mpsc::unbounded_channel();
        let task = ConnectionTask::new(Arc::clone(&shared));
        tokio::spawn(task.run(stream, receiver));
        Self { commands, shared }
    }

    /// Applies the frame limit the agent announced in `hello`.
    pub(crate) fn set_max_frame_len(&self, max_frame_len: u32) {
        self.shared
            .max_frame_len
            .store(max_frame_len, Ordering::Relaxed);
    }

    /// Gives the request a fresh id and encodes it.
    ///
    /// This is separate from [`Connection::send`] so no borrow of `params` is held across an
    /// await, which keeps callers' futures `Send` for any params type.
    pub(crate) fn prepare<P: Serialize + ?Sized>(
        &self,
        method: &str,
        params: &P,
        correlation_id: Option<String>,
    ) -> Result<OutgoingRequest, ClientError> {
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let max_frame_len = self.shared.max_frame_len.load(Ordering::Relaxed);
        encode_request(id, method, params, correlation_id, max_frame_len)
            .map(|frame| OutgoingRequest { id, frame })
            .map_err(|source| ClientError::Encode {
                method: method.to_owned(),
                source,
            })
    }

    /// Sends the request and waits for its response, which comes back as the undecoded body
    /// of its frame.
    ///
    /// Dropping the returned future before the response arrives (a timeout, or a caller that
    /// lost interest) sends a cancel frame for the request.
    pub(crate) async fn send(
        &self,
        request: OutgoingRequest,
        followup: Followup,
    ) -> Result<BytesMut, ClientError> {
        let id = request.id;
        let (reply, response) = oneshot::channel();
        let command = Command::Request {
            request,
            reply: Some(reply),
            followup,
        };
        if self.commands.send(command).is_err() {
            return Err(self.disconnected());
        }
        let mut cancel = CancelOnDrop {
            connection: self,
            id,
            armed: true,
        };
        let outcome = response.await;
        cancel.armed = false;
        match outcome {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(disconnect)) => Err(ClientError::Disconnected(disconnect)),
            // The task ended with the request still queued in its channel.
            Err(_) => Err(self.disconnected()),
        }
    }

    /// Sends a request whose response nobody waits for. Best effort: used from `Drop`,
    /// where neither waiting nor reporting is possible.
    pub(crate) fn send_detached(&self, request: OutgoingRequest, followup: Followup) {
        let command = Command::Request {
            request,
            reply: None,
            followup,
        };
        // A closed connection has nothing left to clean up.
        let _ = self.commands.send(command);
    }

    /// Why the connection ended, once it has.
    pub(crate) fn ended(&self) -> Option<Disconnect> {
        self.shared.ended.get().cloned()
    }

    /// Waits until the connection has ended.
    pub(crate) async fn closed(&self) {
        self.shared.closed.cancelled().await;
    }

    /// The error for a request that found the connection gone.
    fn disconnected(&self) -> ClientError {
        ClientError::Disconnected(self.ended().unwrap_or(Disconnect::Closed))
    }
}

/// Sends a cancel frame for a request whose caller stopped waiting before its answer came.
struct CancelOnDrop<'a> {
    connection: &'a Connection,
    id: u64,
    armed: bool,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self
                .connection
                .commands
                .send(Command::Cancel { id: self.id });
        }
    }
}

/// A request whose response has not arrived yet.
struct Pending {
    reply: Option<oneshot::Sender<Outcome>>,
    followup: Followup,
}

/// The state the connection task owns.
struct ConnectionTask {
    shared: Arc<Shared>,
    pending: HashMap<u64, Pending>,
    routes: HashMap<u64, EventSink>,
    /// Encoded frames not yet accepted by the socket.
    outgoing: BytesMut,
    /// The last closing error the agent sent (a response without an id, other than an
    /// `INVALID_REQUEST`). The agent closes right after one, and it is the explanation.
    rejection: Option<WireError>,
    /// Set when a write fails. Reading goes on until the agent's close is seen, so its
    /// last words (an error response) are not lost; new requests fail at once.
    write_failure: Option<Arc<FrameError>>,
}

impl ConnectionTask {
    fn new(shared: Arc<Shared>) -> Self {
        Self {
            shared,
            pending: HashMap::new(),
            routes: HashMap::new(),
            outgoing: BytesMut::new(),
            rejection: None,
            write_failure: None,
        }
    }

    async fn run(mut self, mut stream: Stream, mut commands: mpsc::UnboundedReceiver<Command>) {
        let _closed = self.shared.closed.clone().drop_guard();
        let (reader, mut writer) = halves(&mut stream);
        let mut frames = FramedRead::new(reader, FrameCodec::default());
        let end = loop {
            let writable = !self.outgoing.is_empty() && self.write_failure.is_none();
            let accepting = self.outgoing.len() < OUTGOING_HIGH_WATER;
            tokio::select! {
                frame = frames.next() => match frame {
                    Some(Ok(body)) => self.on_frame(body),
                    Some(Err(err)) => break Disconnect::Failed(Arc::new(err)),
                    None => break self.end_of_stream(),
                },
                written = writer.write(&self.outgoing), if writable => self.on_written(written),
                command = commands.recv(), if accepting => match command {
                    Some(command) => self.on_command(command),
                    // Every handle is gone, so nobody is waiting for anything.
                    None => return,
                },
            }
        };
        self.finish(end);
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Request {
                request,
                reply,
                followup,
            } => {
                if let Some(failure) = &self.write_failure {
                    if let Some(reply) = reply {
                        let _ = reply.send(Err(Disconnect::Failed(Arc::clone(failure))));
                    }
                    return;
                }
                if let Followup::Unsubscribe(subscription) = followup {
                    // No event of it is wanted any more, whatever the agent answers.
                    self.routes.remove(&subscription);
                }
                self.outgoing.extend_from_slice(&request.frame);
                if reply.is_some()
                    || matches!(followup, Followup::Subscribe(_) | Followup::Deltas(_))
                {
                    self.pending.insert(request.id, Pending { reply, followup });
                }
            }
            Command::Cancel { id } => {
                // The entry stays until the agent answers, so a subscription it may still
                // have created can be ended then.
                if self.pending.contains_key(&id) && self.write_failure.is_none() {
                    self.queue(&Envelope::<rmpv::Value>::Cancel(Cancel { id }));
                }
            }
        }
    }

    fn on_written(&mut self, written: std::io::Result<usize>) {
        match written {
            Ok(0) => self.write_failed(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => self.outgoing.advance(n),
            Err(err) => self.write_failed(err),
        }
    }

    fn write_failed(&mut self, err: std::io::Error) {
        tracing::debug!(%err, "writing to the agent failed; reading until it closes");
        self.write_failure = Some(Arc::new(FrameError::Io(err)));
        self.outgoing.clear();
    }

    fn on_frame(&mut self, body: BytesMut) {
        match FrameHeader::read(&body) {
            Ok(FrameHeader::Response { id: Some(id) }) => self.on_response(id, body),
            Ok(FrameHeader::Response { id: None }) => self.on_connection_error(&body),
            Ok(FrameHeader::Event { subscription }) => self.on_event(subscription, &body),
            Ok(FrameHeader::Delta { id }) => self.on_delta(id, body),
            Ok(FrameHeader::Other) => {
                tracing::debug!("ignoring a frame that is neither a response nor an event");
            }
            // Framing is intact, so one unreadable message need not end the connection.
            Err(err) => tracing::warn!(%err, "ignoring a frame that is not a valid envelope"),
        }
    }

    fn on_response(&mut self, id: u64, body: BytesMut) {
        // Unknown ids are answers to detached requests; nobody waits for them.
        let Some(Pending { reply, followup }) = self.pending.remove(&id) else {
            return;
        };
        match followup {
            Followup::Subscribe(sink) => self.on_subscribed(&body, sink),
            // Closed before the answer is handed over: every delta came before it.
            Followup::Deltas(sink) => drop(sink),
            Followup::None | Followup::Unsubscribe(_) => {}
        }
        if let Some(reply) = reply {
            let _ = reply.send(Ok(body));
        }
    }

    /// A delta frame: to the request's stream, if it asked for one and still waits.
    fn on_delta(&mut self, id: u64, body: BytesMut) {
        if let Some(Pending {
            followup: Followup::Deltas(sink),
            ..
        }) = self.pending.get(&id)
        {
            // A stream dropped by its reader wants nothing more.
            let _ = sink.send(body);
        }
    }

    /// A response without an id: an error about one message the agent could not use
    /// (`INVALID_REQUEST`, after which the connection lives on), or about the connection
    /// as a whole, which the agent is about to close (docs/protocol.md 8.1). Only the
    /// latter explains the end of the connection.
    fn on_connection_error(&mut self, body: &[u8]) {
        match inbound::decode::<ConnectionError>(body) {
            Ok(ConnectionError { error: Some(error) }) if error.code == NON_CLOSING_ERROR => {
                tracing::debug!(%error, "the agent could not use a message; the connection lives on");
            }
            Ok(ConnectionError { error: Some(error) }) => {
                tracing::warn!(%error, "the agent reported a connection-level error");
                self.rejection = Some(error);
            }
            Ok(ConnectionError { error: None }) => {}
            Err(err) => tracing::warn!(%err, "ignoring a response that is not a valid envelope"),
        }
    }

    /// Registers a new subscription before its response reaches the caller, so an event
    /// that follows the response immediately already has a route.
    fn on_subscribed(&mut self, body: &[u8], sink: EventSink) {
        // An error, or a result without an id, fails the caller's typed decode; nothing to
        // route.
        let Ok(SubscribeOutcome {
            result: Some(SubscriptionId { subscription }),
            error: None,
        }) = inbound::decode(body)
        else {
            return;
        };
        if sink.is_abandoned() {
            // The caller stopped waiting (timeout or drop) but the agent went ahead.
            self.unsubscribe(subscription);
        } else {
            self.routes.insert(subscription, sink);
        }
    }

    fn on_event(&mut self, subscription: u64, body: &[u8]) {
        let Some(sink) = self.routes.get(&subscription) else {
            return;
        };
        let event: Event = match inbound::decode(body) {
            Ok(event) => event,
            Err(err) => {
                tracing::warn!(%err, subscription, "ignoring an event that is not a valid envelope");
                return;
            }
        };
        match sink.deliver(event) {
            Delivery::Delivered => {}
            Delivery::Ended => {
                self.routes.remove(&subscription);
            }
            Delivery::Overflowed | Delivery::Abandoned => {
                self.routes.remove(&subscription);
                self.unsubscribe(subscription);
            }
        }
    }

    /// Ends a subscription nobody reads any more; the answer is not awaited.
    fn unsubscribe(&mut self, subscription: u64) {
        if self.write_failure.is_some() {
            return;
        }
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        self.queue(&Envelope::Request(Request {
            id,
            method: Unsubscribe::NAME.to_owned(),
            params: UnsubscribeParams { subscription },
            correlation_id: None,
        }));
    }

    /// Appends a message the task itself sends to the outgoing buffer.
    fn queue<P: Serialize>(&mut self, message: &Envelope<P>) {
        let max_frame_len = self.shared.max_frame_len.load(Ordering::Relaxed);
        match envelope::encode_frame(message, max_frame_len) {
            Ok(frame) => self.outgoing.extend_from_slice(&frame),
            Err(err) => tracing::warn!(%err, "could not encode a control frame"),
        }
    }

    fn end_of_stream(&mut self) -> Disconnect {
        match (self.rejection.take(), self.write_failure.take()) {
            (Some(error), _) => Disconnect::Rejected(Box::new(error)),
            (None, Some(failure)) => Disconnect::Failed(failure),
            (None, None) => Disconnect::Closed,
        }
    }

    /// Fails every pending request with `end` and ends every subscription.
    fn finish(self, end: Disconnect) {
        tracing::debug!(reason = %end, "connection to the agent ended");
        // Published first: a caller woken by a dropped channel below reads it.
        let _ = self.shared.ended.set(end.clone());
        for (_, pending) in self.pending {
            if let Some(reply) = pending.reply {
                let _ = reply.send(Err(end.clone()));
            }
        }
        // Dropping the routes closes every subscription's channel; each stream then reports
        // the disconnect from `Shared::ended`.
        drop(self.routes);
    }
}

/// The socket's read and write halves. On Unix they are tokio's own, whose reads note a
/// short read as the end of what is buffered; reading through `&Stream` instead costs
/// every response one more `recv`, which fails with `EAGAIN`.
#[cfg(unix)]
fn halves(stream: &mut Stream) -> (impl AsyncRead + Unpin + '_, impl AsyncWrite + Unpin + '_) {
    let Stream::UdSocket(stream) = stream;
    stream.inner_mut().split()
}

/// The socket's read and write halves: `&Stream` reads and writes, so one stream serves
/// both.
#[cfg(not(unix))]
fn halves(stream: &mut Stream) -> (impl AsyncRead + Unpin + '_, impl AsyncWrite + Unpin + '_) {
    (&*stream, &*stream)
}

/// What the task reads of a response without an id.
#[derive(Deserialize)]
struct ConnectionError {
    error: Option<WireError>,
}

/// What the task reads of a subscribe response: the id to route the subscription's events
/// by, if it succeeded.
#[derive(Deserialize)]
struct SubscribeOutcome {
    result: Option<SubscriptionId>,
    error: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct SubscriptionId {
    subscription: u64,
}

/// Encodes a request envelope as a complete frame.
fn encode_request<P: Serialize + ?Sized>(
    id: u64,
    method: &str,
    params: &P,
    correlation_id: Option<String>,
    max_frame_len: u32,
) -> Result<Vec<u8>, envelope::CodecError> {
    envelope::encode_frame(
        &Envelope::Request(Request {
            id,
            method: method.to_owned(),
            params,
            correlation_id,
        }),
        max_frame_len,
    )
}
