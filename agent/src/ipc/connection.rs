//! One client connection: a reader that decodes frames and starts each request as its
//! own task (bounded in flight), and a writer that sends responses and events in order.
//!
//! A connection hurts only itself: its frames, its in-flight bound, its outbound queue
//! and its subscriptions are its own. When the client goes away, its requests are
//! cancelled; when the agent shuts down, requests in flight finish and are answered.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::Poll;
use std::time::Instant;

use bytes::BytesMut;
use futures_util::{FutureExt, StreamExt};
use llm_agent_protocol::envelope::{self, Envelope, Event, Request, Response};
use llm_agent_protocol::events::{
    DiagnosticsEvent, DiagnosticsKind, LAGGED_TOPIC, Lagged, RESULT_OK, Topic,
};
use llm_agent_protocol::methods::discovery::Sweep;
use llm_agent_protocol::methods::events::SubscribeResult;
use llm_agent_protocol::methods::handshake::{Hello, HelloParams};
use llm_agent_protocol::{
    ErrorCode, FrameCodec, FrameError, MAX_CORRELATION_ID_LEN, MAX_NESTING, Method, WireError,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::sync::{Semaphore, broadcast, mpsc, oneshot};
use tokio::task::AbortHandle;
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use super::dispatch::{self, Call};
use super::handlers;
use super::peer::Peer;
use super::transport::{ReadHalf, WriteHalf};
use crate::config::{FRAME_STALL_TIMEOUT, HANDSHAKE_TIMEOUT};
use crate::diagnostics;
use crate::state::{GaugeGuard, SharedState};

/// Frames queued for the writer before producers wait (backpressure on this client only).
const OUTBOUND_FRAMES: usize = 256;
/// How long, and how much, [`linger`] waits for and discards before closing.
const LINGER_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(500);
const LINGER_MAX_BYTES: usize = 8 * 1024 * 1024;
/// How long a connection keeps reading, once shutdown begins, for requests already sent.
const SHUTDOWN_READ_WINDOW: std::time::Duration = std::time::Duration::from_millis(20);
/// The longest error message sent; longer ones (quoting client input) are cut.
const MAX_ERROR_MESSAGE_CHARS: usize = 512;
/// Methods whose diagnostics events carry safe storage's state.
const PROFILES_PREFIX: &str = "profiles.";
/// Live subscriptions one connection may hold.
pub const MAX_SUBSCRIPTIONS: usize = 16;

/// Whether the reader keeps going after a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Close,
}

/// What one connection's tasks share.
pub struct ConnectionCtx {
    pub state: SharedState,
    pub peer: Peer,
    outbound: mpsc::Sender<Vec<u8>>,
    in_flight: Arc<Semaphore>,
    pending: Mutex<HashMap<u64, CancellationToken>>,
    subscriptions: Mutex<HashMap<u64, AbortHandle>>,
    next_subscription: AtomicU64,
    requests: TaskTracker,
}

/// Serves one accepted, already authorised connection until it ends.
pub async fn serve(read: ReadHalf, write: WriteHalf, peer: Peer, state: SharedState) {
    let _open = GaugeGuard::new(&state.counters.connections_open);
    let (outbound, queued) = mpsc::channel(OUTBOUND_FRAMES);
    let writer = tokio::spawn(write_frames(write, queued));
    let ctx = Arc::new(ConnectionCtx {
        in_flight: Arc::new(Semaphore::new(state.config.max_in_flight as usize)),
        state: state.clone(),
        peer,
        outbound,
        pending: Mutex::default(),
        subscriptions: Mutex::default(),
        next_subscription: AtomicU64::new(0),
        requests: TaskTracker::new(),
    });
    let mut frames = FramedRead::new(read, FrameCodec::new(ctx.state.config.max_frame_len));
    let ended_by = ctx.read_loop(&mut frames).await;
    ctx.end_subscriptions();
    if ended_by == Ended::ByClient {
        ctx.cancel_all();
    }
    ctx.requests.close();
    ctx.requests.wait().await;
    drop(ctx);
    // The writer ends once every sender is gone and the queue is written; it then
    // closes its half, so the client reads EOF after the agent's last frame.
    let _ = writer.await;
    if ended_by == Ended::ByAgent {
        linger(frames.into_inner()).await;
    }
}

/// After the agent's last frame, waits briefly for the client to close, discarding
/// what it still sends. Closing a socket with unread input resets it: a client still
/// writing would fail with a broken pipe before it reads the agent's error.
pub async fn linger(mut stream: impl AsyncRead + Unpin) {
    let mut sink = [0u8; 8192];
    let mut discarded = 0usize;
    let drain = async {
        while discarded < LINGER_MAX_BYTES {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(n) => discarded += n,
            }
        }
    };
    let _ = tokio::time::timeout(LINGER_TIMEOUT, drain).await;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    ByClient,
    ByAgent,
}

impl ConnectionCtx {
    async fn read_loop(self: &Arc<Self>, frames: &mut Frames) -> Ended {
        let shutdown = self.state.shutdown.clone();
        let handshake = tokio::select! {
            biased;
            _ = shutdown.cancelled() => return Ended::ByAgent,
            handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, self.handshake(frames)) => handshake,
        };
        match handshake {
            Ok(Some(Flow::Continue)) => {}
            Ok(Some(Flow::Close)) => return Ended::ByAgent,
            Ok(None) => return Ended::ByClient,
            Err(_) => {
                let error = WireError::new(
                    ErrorCode::HandshakeTimeout,
                    format!("no hello within {} s", HANDSHAKE_TIMEOUT.as_secs()),
                )
                .with_remediation("Send hello as the first request on a new connection.");
                self.send_connection_error(error).await;
                return Ended::ByAgent;
            }
        }
        loop {
            let next = tokio::select! {
                biased;
                _ = shutdown.cancelled() => {
                    self.refuse_remaining(frames).await;
                    return Ended::ByAgent;
                }
                next = next_frame(frames) => next,
            };
            let flow = match next {
                None => return Ended::ByClient,
                Some(Ok(body)) => self.on_frame(&body).await,
                // The client vanished mid-frame: its requests are cancelled.
                Some(Err(FrameError::Truncated | FrameError::Io(_))) => return Ended::ByClient,
                Some(Err(err)) => {
                    self.on_frame_error(err).await;
                    Flow::Close
                }
            };
            if flow == Flow::Close {
                return Ended::ByAgent;
            }
        }
    }

    /// Once shutdown has begun, answers requests the client has already sent with
    /// `SHUTTING_DOWN` rather than leaving them unanswered.
    async fn refuse_remaining(&self, frames: &mut Frames) {
        for _ in 0..self.state.config.max_in_flight {
            let Ok(Some(Ok(body))) =
                tokio::time::timeout(SHUTDOWN_READ_WINDOW, frames.next()).await
            else {
                return;
            };
            let Ok(Envelope::Request(request)) = envelope::decode::<Envelope>(&body) else {
                continue;
            };
            let error = WireError::new(ErrorCode::ShuttingDown, "the agent is shutting down")
                .with_remediation("Reconnect once the agent is running again.");
            let correlation_id = request
                .correlation_id
                .clone()
                .filter(|given| is_usable_correlation_id(given))
                .unwrap_or_else(new_correlation_id);
            let id = Some(request.id).filter(|id| !self.is_pending(*id));
            self.finish(
                id,
                correlation_id,
                &request.method,
                Instant::now(),
                Err(error),
            )
            .await;
        }
    }

    /// Waits for `hello`. `None` means the client went away first.
    async fn handshake(self: &Arc<Self>, frames: &mut Frames) -> Option<Flow> {
        loop {
            let body = match next_frame(frames).await? {
                Ok(body) => body,
                Err(err) => {
                    self.on_frame_error(err).await;
                    return Some(Flow::Close);
                }
            };
            let request = match envelope::decode::<Envelope>(&body) {
                Ok(Envelope::Request(request)) => request,
                Ok(Envelope::Cancel(_)) => continue,
                _ => match self.on_frame(&body).await {
                    Flow::Continue => continue,
                    Flow::Close => return Some(Flow::Close),
                },
            };
            let started = Instant::now();
            let Some(correlation_id) = self.correlation_id(&request, started).await else {
                continue;
            };
            if request.method != Hello::NAME {
                let error = WireError::new(
                    ErrorCode::HandshakeRequired,
                    format!("{} before hello", dispatch::shown_method(&request.method)),
                )
                .with_remediation("Send hello as the first request on a new connection.");
                self.refuse(&request, correlation_id, started, error).await;
                continue;
            }
            let outcome = dispatch::decode_params::<HelloParams>(Hello::NAME, request.params)
                .inspect(|hello| {
                    tracing::debug!(
                        client = %hello.client.name.chars().take(64).collect::<String>(),
                        version = %hello.client.version.chars().take(32).collect::<String>(),
                        protocol = hello.protocol,
                        "handshake"
                    );
                })
                .and_then(|params| handlers::negotiate(&self.state, &params))
                .and_then(|result| {
                    dispatch::encode_result(
                        request.id,
                        &correlation_id,
                        &result,
                        self.max_frame_len(),
                    )
                });
            // Close after an unsupported version, carry on after bad params.
            let flow = match &outcome {
                Ok(_) => Some(Flow::Continue),
                Err(e) if e.code == ErrorCode::UnsupportedProtocol => Some(Flow::Close),
                Err(_) => None,
            };
            self.finish(
                Some(request.id),
                correlation_id,
                Hello::NAME,
                started,
                outcome,
            )
            .await;
            if flow.is_some() {
                return flow;
            }
        }
    }

    async fn on_frame(self: &Arc<Self>, body: &[u8]) -> Flow {
        match envelope::decode::<Envelope>(body) {
            Ok(Envelope::Request(request)) => {
                self.start(request).await;
                Flow::Continue
            }
            Ok(Envelope::Cancel(cancel)) => {
                self.cancel(cancel.id);
                Flow::Continue
            }
            Ok(Envelope::Response(_) | Envelope::Event(_)) => {
                let error = WireError::new(
                    ErrorCode::InvalidRequest,
                    "clients send only request and cancel messages",
                );
                self.send_connection_error(error).await;
                Flow::Continue
            }
            Err(decode_error) => {
                let reason = llm_agent_protocol::value::without_values(&decode_error.to_string());
                self.on_undecodable(body, &reason).await
            }
        }
    }

    /// Valid MessagePack that is not an envelope is answered and the connection lives on;
    /// bytes that are not MessagePack at all end it.
    async fn on_undecodable(self: &Arc<Self>, body: &[u8], reason: &str) -> Flow {
        if !is_one_msgpack_value(body) {
            let error = WireError::new(
                ErrorCode::MalformedFrame,
                "the frame is not exactly one MessagePack value; closing the connection",
            )
            .with_remediation(
                "Encode each frame as a u32 big-endian length followed by one MessagePack map.",
            );
            self.send_connection_error(error).await;
            return Flow::Close;
        }
        let id = rmpv::decode::read_value_with_max_depth(&mut &body[..], MAX_NESTING)
            .ok()
            .and_then(|value| match value {
                rmpv::Value::Map(map) => map
                    .into_iter()
                    .find(|(key, _)| key.as_str() == Some("id"))
                    .and_then(|(_, id)| id.as_u64()),
                _ => None,
            })
            // Answering with the id of a request in flight would resolve the wrong call.
            .filter(|id| !self.is_pending(*id));
        let error = WireError::new(
            ErrorCode::InvalidRequest,
            format!("not a valid envelope: {reason}"),
        )
        .with_remediation(
            "Send a map {type: \"request\", id, method, params}; see docs/protocol.md.",
        );
        let started = Instant::now();
        let correlation_id = new_correlation_id();
        self.finish(id, correlation_id, "", started, Err(error))
            .await;
        Flow::Continue
    }

    async fn on_frame_error(&self, err: FrameError) {
        let error = match err {
            FrameError::TooLarge { len, max } => WireError::new(
                ErrorCode::FrameTooLarge,
                format!(
                    "frame of {len} bytes exceeds the limit of {max} bytes; closing the connection"
                ),
            )
            .with_remediation("Split the request or send less data; hello reports max_frame_len."),
            FrameError::Stalled(waited) => WireError::new(
                ErrorCode::Timeout,
                format!(
                    "no byte of the current frame for {} s; closing the connection",
                    waited.as_secs()
                ),
            )
            .with_remediation("Send each frame in full without pausing."),
            FrameError::Truncated | FrameError::Io(_) => {
                tracing::debug!(error = %err, peer_pid = ?self.peer.pid, "connection read ended");
                return;
            }
        };
        self.send_connection_error(error).await;
    }

    /// Starts one request as its own task, or answers at once when it cannot start.
    async fn start(self: &Arc<Self>, request: Request) {
        let started = Instant::now();
        let Some(correlation_id) = self.correlation_id(&request, started).await else {
            return;
        };
        let token = CancellationToken::new();
        let duplicate = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            match pending.entry(request.id) {
                Entry::Occupied(_) => true,
                Entry::Vacant(slot) => {
                    slot.insert(token.clone());
                    false
                }
            }
        };
        if duplicate {
            let error = WireError::new(
                ErrorCode::InvalidRequest,
                format!("request id {} is already in flight", request.id),
            )
            .with_remediation("Use a new id for every request on a connection.");
            self.finish(None, correlation_id, &request.method, started, Err(error))
                .await;
            return;
        }
        let Ok(permit) = self.in_flight.clone().try_acquire_owned() else {
            let error = WireError::new(
                ErrorCode::Busy,
                format!(
                    "{} requests are already in flight on this connection",
                    self.state.config.max_in_flight
                ),
            )
            .with_remediation("Wait for earlier responses, or open another connection.");
            self.forget(request.id);
            self.refuse(&request, correlation_id, started, error).await;
            return;
        };
        let span = tracing::info_span!(
            "request",
            correlation_id = %correlation_id,
            method = dispatch::known_method(&request.method),
            id = request.id,
        );
        let ctx = self.clone();
        let request = self.requests.track_future(
            async move {
                let _in_flight = GaugeGuard::new(&ctx.state.counters.requests_in_flight);
                let call = Call::new(request.id, correlation_id, ctx.clone());
                let routed = AssertUnwindSafe(dispatch::route(&call, &request.method, request.params))
                    .catch_unwind();
                let outcome = tokio::select! {
                    routed = routed => routed.unwrap_or_else(|panic| Err(dispatch::panicked(&*panic))),
                    _ = token.cancelled() => Err(WireError::new(ErrorCode::Cancelled, "cancelled by the client")),
                };
                ctx.forget(request.id);
                let parts = call.into_parts();
                let after_reply = parts.after_reply;
                let answered = outcome.is_ok();
                ctx.answer(
                    Some(request.id),
                    parts.correlation_id,
                    &request.method,
                    started,
                    outcome,
                    parts.profile_id,
                )
                .await;
                drop(permit);
                if answered {
                    after_reply.into_iter().for_each(|hook| hook());
                }
            }
            .instrument(span),
        );
        // Most reads finish on their first poll: run that poll here, and make a task only
        // of a request that has to wait (a vault write, an actor's answer). A task per
        // request cost more than many handlers themselves.
        let mut request = Box::pin(request);
        let finished =
            std::future::poll_fn(|cx| Poll::Ready(request.as_mut().poll(cx).is_ready())).await;
        if !finished {
            tokio::spawn(request);
        }
    }

    /// The request's correlation ID, or a new one. An unusable one is answered here
    /// with `INVALID_REQUEST` and `None` is returned.
    async fn correlation_id(&self, request: &Request, started: Instant) -> Option<String> {
        let Some(given) = &request.correlation_id else {
            return Some(new_correlation_id());
        };
        if is_usable_correlation_id(given) {
            return Some(given.clone());
        }
        let error = WireError::invalid_params(
            Some("correlation_id"),
            format!(
                "correlation_id must be 1 to {MAX_CORRELATION_ID_LEN} printable ASCII characters without spaces"
            ),
        );
        let error = WireError {
            code: ErrorCode::InvalidRequest,
            ..error
        };
        // Answering with the id of a request in flight would resolve the wrong call.
        let id = Some(request.id).filter(|id| !self.is_pending(*id));
        self.finish(
            id,
            new_correlation_id(),
            &request.method,
            started,
            Err(error),
        )
        .await;
        None
    }

    /// Answers a request that was never run with `error`.
    async fn refuse(
        &self,
        request: &Request,
        correlation_id: String,
        started: Instant,
        error: WireError,
    ) {
        self.finish(
            Some(request.id),
            correlation_id,
            &request.method,
            started,
            Err(error),
        )
        .await;
    }

    /// Answers a request that names no profile.
    async fn finish(
        &self,
        id: Option<u64>,
        correlation_id: String,
        method: &str,
        started: Instant,
        outcome: Result<Vec<u8>, WireError>,
    ) {
        self.answer(id, correlation_id, method, started, outcome, None)
            .await;
    }

    /// Sends the response and records the request: counters, diagnostics, a log line.
    async fn answer(
        &self,
        id: Option<u64>,
        correlation_id: String,
        method: &str,
        started: Instant,
        outcome: Result<Vec<u8>, WireError>,
        profile_id: Option<String>,
    ) {
        let counters = &self.state.counters;
        counters.requests_total.fetch_add(1, Relaxed);
        let (frame, result) = match outcome {
            Ok(frame) => (Some(frame), RESULT_OK.to_owned()),
            Err(mut error) => {
                counters.requests_failed.fetch_add(1, Relaxed);
                let result = error.code.as_str().to_owned();
                // Messages may quote what the client sent; keep them short.
                truncate_in_place(&mut error.message, MAX_ERROR_MESSAGE_CHARS);
                tracing::debug!(%correlation_id, code = %error.code, message = %error.message, "request failed");
                let frame = self.error_frame(id, &correlation_id, error);
                (Some(frame), result)
            }
        };
        if let Some(frame) = frame {
            // Fails only when the writer is gone: the client left, nobody to answer.
            let _ = self.outbound.send(frame).await;
        }
        let duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        tracing::debug!(%correlation_id, result = %result, duration_us, "answered");
        let method = (!method.is_empty()).then(|| dispatch::known_method(method));
        let safe_storage = method
            .filter(|m| m.starts_with(PROFILES_PREFIX))
            .map(|_| self.state.vault.snapshot().safe_storage.state);
        self.state.diagnostics.record(DiagnosticsEvent {
            profile_id,
            safe_storage,
            correlation_id: Some(correlation_id),
            method: method.map(str::to_owned),
            duration_us,
            peer_pid: self.peer.pid,
            ..diagnostics::event(DiagnosticsKind::Request, &result)
        });
    }

    /// The frame of an error response; one too large to send (huge details) loses its
    /// details rather than going unanswered.
    fn error_frame(&self, id: Option<u64>, correlation_id: &str, error: WireError) -> Vec<u8> {
        let code = error.code.clone();
        let response =
            Envelope::<()>::Response(Response::err(id, correlation_id.to_owned(), error));
        envelope::encode_frame(&response, self.max_frame_len()).unwrap_or_else(|_| {
            let bare = WireError::new(code, "the error's details were too large to send");
            let response =
                Envelope::<()>::Response(Response::err(id, correlation_id.to_owned(), bare));
            envelope::encode_frame(&response, u32::MAX).unwrap_or_default()
        })
    }

    /// An error about the connection as a whole (`id` nil).
    async fn send_connection_error(&self, error: WireError) {
        self.finish(None, new_correlation_id(), "", Instant::now(), Err(error))
            .await;
    }

    fn forget(&self, id: u64) {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }

    fn is_pending(&self, id: u64) -> bool {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(&id)
    }

    fn cancel(&self, id: u64) {
        if let Some(token) = self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            token.cancel();
        }
    }

    fn cancel_all(&self) {
        for token in self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
        {
            token.cancel();
        }
    }

    pub fn max_frame_len(&self) -> u32 {
        self.state.config.max_frame_len
    }

    /// Registers a subscription whose events start flowing once `call` is answered, so
    /// the client always sees the subscribe response first.
    pub fn subscribe(
        self: &Arc<Self>,
        call: &Call,
        topics: Vec<Topic>,
    ) -> Result<SubscribeResult, WireError> {
        if topics.is_empty() {
            return Err(WireError::invalid_params(
                Some("topics"),
                "name at least one topic",
            ));
        }
        let mut unique = Vec::with_capacity(topics.len());
        for topic in topics {
            if !unique.contains(&topic) {
                unique.push(topic);
            }
        }
        let mut subscriptions = self
            .subscriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if subscriptions.len() >= MAX_SUBSCRIPTIONS {
            return Err(WireError::new(
                ErrorCode::Busy,
                format!("this connection already holds {MAX_SUBSCRIPTIONS} subscriptions"),
            )
            .with_remediation(
                "Unsubscribe from one first; one subscription can carry several topics.",
            ));
        }
        let subscription = self.next_subscription.fetch_add(1, Relaxed) + 1;
        let sources = Sources {
            diagnostics: unique
                .contains(&Topic::Diagnostics)
                .then(|| self.state.diagnostics.subscribe()),
            discovery: unique
                .contains(&Topic::Discovery)
                .then(|| self.state.discovery.subscribe()),
        };
        let (start, started) = oneshot::channel();
        let forwarder = tokio::spawn(forward_events(
            Arc::downgrade(self),
            subscription,
            sources,
            started,
        ));
        subscriptions.insert(subscription, forwarder.abort_handle());
        call.after_reply(move || {
            let _ = start.send(());
        });
        Ok(SubscribeResult {
            subscription,
            topics: unique,
        })
    }

    /// Ends a subscription; no event of it is sent after this returns.
    pub fn unsubscribe(&self, subscription: u64) -> Result<(), WireError> {
        match self
            .subscriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&subscription)
        {
            Some(forwarder) => {
                forwarder.abort();
                Ok(())
            }
            None => Err(WireError::new(
                ErrorCode::SubscriptionNotFound,
                format!("this connection holds no subscription {subscription}"),
            )),
        }
    }

    fn end_subscriptions(&self) {
        for (_, forwarder) in self
            .subscriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
        {
            forwarder.abort();
        }
    }
}

/// Whether `body` holds exactly one well-formed MessagePack value and nothing else.
fn is_one_msgpack_value(body: &[u8]) -> bool {
    use serde::Deserialize;
    let mut rest = body;
    let mut deserializer = rmp_serde::Deserializer::new(&mut rest);
    deserializer.set_max_depth(MAX_NESTING);
    serde::de::IgnoredAny::deserialize(&mut deserializer).is_ok() && rest.is_empty()
}

/// Whether a caller's correlation ID is kept as given.
fn is_usable_correlation_id(given: &str) -> bool {
    !given.is_empty()
        && given.len() <= MAX_CORRELATION_ID_LEN
        && given.bytes().all(|b| b.is_ascii_graphic())
}

/// Cuts `text` to at most `max` characters, marking the cut.
fn truncate_in_place(text: &mut String, max: usize) {
    if let Some((end, _)) = text.char_indices().nth(max) {
        text.truncate(end);
        text.push_str("...");
    }
}

pub fn new_correlation_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The event streams one subscription follows.
struct Sources {
    diagnostics: Option<broadcast::Receiver<Arc<DiagnosticsEvent>>>,
    discovery: Option<broadcast::Receiver<Arc<Sweep>>>,
}

/// The next event of `source`, or never when the subscription does not follow it.
async fn next_of<T: Clone>(
    source: &mut Option<broadcast::Receiver<T>>,
) -> Result<T, broadcast::error::RecvError> {
    match source {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

/// Streams events to one subscriber until it unsubscribes, leaves, or falls behind; in
/// the last case it gets a final `lagged` event.
async fn forward_events(
    ctx: Weak<ConnectionCtx>,
    subscription: u64,
    mut sources: Sources,
    started: oneshot::Receiver<()>,
) {
    if started.await.is_err() {
        return;
    }
    let Some((outbound, max_frame_len)) = ctx
        .upgrade()
        .map(|ctx| (ctx.outbound.clone(), ctx.max_frame_len()))
    else {
        return;
    };
    let mut seq = 0;
    loop {
        seq += 1;
        let received = tokio::select! {
            event = next_of(&mut sources.diagnostics) => event.map(|event| {
                envelope::encode_frame(
                    &Envelope::Event(Event {
                        subscription,
                        topic: Topic::Diagnostics.as_str().to_owned(),
                        seq,
                        data: &*event,
                    }),
                    max_frame_len,
                )
            }),
            sweep = next_of(&mut sources.discovery) => sweep.map(|sweep| {
                envelope::encode_frame(
                    &Envelope::Event(Event {
                        subscription,
                        topic: Topic::Discovery.as_str().to_owned(),
                        seq,
                        data: &*sweep,
                    }),
                    max_frame_len,
                )
            }),
        };
        let frame = match received {
            Ok(frame) => frame,
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                let frame = envelope::encode_frame(
                    &Envelope::Event(Event {
                        subscription,
                        topic: LAGGED_TOPIC.to_owned(),
                        seq,
                        data: Lagged { missed },
                    }),
                    max_frame_len,
                );
                if let Ok(frame) = frame {
                    let _ = outbound.send(frame).await;
                }
                if let Some(ctx) = ctx.upgrade() {
                    ctx.subscriptions
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&subscription);
                }
                return;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        match frame {
            Ok(frame) => {
                if outbound.send(frame).await.is_err() {
                    return;
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot encode an event"),
        }
    }
}

type Frames = FramedRead<ReadHalf, FrameCodec>;

/// The next frame. A client may idle between frames for as long as it likes, but once a
/// frame has begun, [`FRAME_STALL_TIMEOUT`] without a new byte of it ends the connection
/// (checked every sixth of that, so within about 5 s of the limit).
async fn next_frame(frames: &mut Frames) -> Option<Result<BytesMut, FrameError>> {
    let tick = FRAME_STALL_TIMEOUT / 6;
    let mut buffered = frames.read_buffer().len();
    let mut progress_at = Instant::now();
    loop {
        match tokio::time::timeout(tick, frames.next()).await {
            Ok(next) => return next,
            Err(_) => {
                let now_buffered = frames.read_buffer().len();
                if now_buffered == 0 || now_buffered != buffered {
                    buffered = now_buffered;
                    progress_at = Instant::now();
                } else if progress_at.elapsed() >= FRAME_STALL_TIMEOUT {
                    return Some(Err(FrameError::Stalled(FRAME_STALL_TIMEOUT)));
                }
            }
        }
    }
}

/// Writes queued frames, flushing whenever the queue runs dry.
async fn write_frames(stream: WriteHalf, mut queued: mpsc::Receiver<Vec<u8>>) {
    let mut out = BufWriter::with_capacity(64 * 1024, stream);
    while let Some(frame) = queued.recv().await {
        if out.write_all(&frame).await.is_err() {
            return;
        }
        while let Ok(frame) = queued.try_recv() {
            if out.write_all(&frame).await.is_err() {
                return;
            }
        }
        if out.flush().await.is_err() {
            return;
        }
    }
    let _ = out.shutdown().await;
}
