//! One client connection: a reader that waits for `hello`, then decodes frames and
//! admits each request as its own task (bounded in flight, ids unique while in flight),
//! and a writer that sends responses and events in order. Every request is answered
//! here, and counted and recorded in diagnostics.
//!
//! A connection hurts only itself: its frames, its in-flight bound, its outbound queue
//! and its subscriptions are its own. When the client goes away, its requests are
//! cancelled; when the agent shuts down, requests in flight finish and are answered.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::Instant;

use futures_util::FutureExt;
use llm_agent_protocol::envelope::{self, Envelope, Response};
use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind, RESULT_OK};
use llm_agent_protocol::methods::handshake::Hello;
use llm_agent_protocol::{ErrorCode, FrameError, Method, WireError};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use super::budget::{Charge, DecodeBudget, MAX_FRAME_VALUES, frame_cost};
use super::call::{Call, is_usable_correlation_id, new_correlation_id};
use super::dispatch;
use super::error::RequestError;
use super::frames::{Frame, FrameReader};
use super::inbound::{self, Inbound, InboundRequest, Unreadable};
use super::locale::ConnectionLocale;
use super::peer::Peer;
use super::subscriptions::Subscriptions;
use super::transport::{ReadHalf, WriteHalf};
use crate::config::{FRAME_STALL_TIMEOUT, HANDSHAKE_TIMEOUT};
use crate::diagnostics;
use crate::state::{GaugeGuard, SharedState};
use crate::texts;

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
    subscriptions: Arc<Subscriptions>,
    requests: TaskTracker,
    locale: Arc<ConnectionLocale>,
}

/// Serves one accepted, already authorised connection until it ends, its frames paid
/// for from `budget`.
pub async fn serve(
    read: ReadHalf,
    write: WriteHalf,
    peer: Peer,
    state: SharedState,
    budget: DecodeBudget,
) {
    let _open = GaugeGuard::new(&state.counters.connections_open);
    let (outbound, queued) = mpsc::channel(OUTBOUND_FRAMES);
    let writer = tokio::spawn(write_frames(write, queued));
    let locale = Arc::new(ConnectionLocale::default());
    let ctx = Arc::new(ConnectionCtx {
        in_flight: Arc::new(Semaphore::new(state.config.max_in_flight as usize)),
        subscriptions: Arc::new(Subscriptions::new(
            state.clone(),
            outbound.clone(),
            locale.clone(),
        )),
        locale,
        state: state.clone(),
        peer,
        outbound,
        pending: Mutex::default(),
        requests: TaskTracker::new(),
    });
    let mut frames = FrameReader::new(
        read,
        ctx.state.config.max_frame_len,
        FRAME_STALL_TIMEOUT,
        budget.account(),
    );
    let ended_by = ctx.read_loop(&mut frames).await;
    ctx.subscriptions.end_all();
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
                let error = RequestError::HandshakeTimeout {
                    secs: HANDSHAKE_TIMEOUT.as_secs(),
                };
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
                next = frames.next() => next,
            };
            let flow = match next {
                None => return Ended::ByClient,
                Some(Ok(frame)) => self.on_frame(frame).await,
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
            let Ok(Some(Ok(frame))) =
                tokio::time::timeout(SHUTDOWN_READ_WINDOW, frames.next()).await
            else {
                return;
            };
            let Ok(inbound::Read {
                inbound: Inbound::Request(request),
                ..
            }) = inbound::read(&frame.body)
            else {
                continue;
            };
            self.refuse_shutting_down(&request).await;
        }
    }

    /// Answers a request `SHUTTING_DOWN`.
    async fn refuse_shutting_down(&self, request: &InboundRequest) {
        let correlation_id = request
            .correlation_id
            .clone()
            .filter(|given| is_usable_correlation_id(given))
            .unwrap_or_else(new_correlation_id);
        let id = Some(request.id).filter(|id| !self.is_pending(*id));
        let error = RequestError::ShuttingDown.into();
        self.finish(
            id,
            correlation_id,
            &request.method,
            Instant::now(),
            Err(error),
        )
        .await;
    }

    /// Waits for `hello`. `None` means the client went away first.
    async fn handshake(self: &Arc<Self>, frames: &mut Frames) -> Option<Flow> {
        loop {
            let frame = match frames.next().await? {
                Ok(frame) => frame,
                Err(err) => {
                    self.on_frame_error(err).await;
                    return Some(Flow::Close);
                }
            };
            let request = match inbound::read(&frame.body) {
                Ok(inbound::Read {
                    inbound: Inbound::Request(request),
                    ..
                }) => request,
                Ok(inbound::Read {
                    inbound: Inbound::Cancel { .. },
                    ..
                }) => continue,
                _ => match self.on_frame(frame).await {
                    Flow::Continue => continue,
                    Flow::Close => return Some(Flow::Close),
                },
            };
            let started = Instant::now();
            let Some(correlation_id) = self.correlation_id(&request, started).await else {
                continue;
            };
            if request.method != Hello::NAME {
                let error = RequestError::HandshakeRequired {
                    shown_method: dispatch::shown_method(&request.method),
                };
                self.refuse(&request, correlation_id, started, error.into())
                    .await;
                continue;
            }
            let call = Call::new(
                request.id,
                correlation_id,
                self.state.clone(),
                self.subscriptions.clone(),
                self.outbound.clone(),
                self.locale.clone(),
            );
            let outcome = dispatch::route(&call, Hello::NAME, request.params).await;
            let correlation_id = call.into_parts().correlation_id;
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

    async fn on_frame(self: &Arc<Self>, frame: Frame) -> Flow {
        let Frame { body, payment } = frame;
        let unreadable = match inbound::read(&body) {
            Ok(inbound::Read { inbound, values }) => {
                // The request holds what it may cost now that its values are counted.
                let cost = frame_cost(body.len(), values);
                drop(body);
                match inbound {
                    Inbound::Request(request) => {
                        let shutdown = self.state.shutdown.clone();
                        tokio::select! {
                            biased;
                            charge = payment.settle(cost) => self.start(request, charge).await,
                            // Still unpaid as the agent ends: answered as the rest are.
                            _ = shutdown.cancelled() => self.refuse_shutting_down(&request).await,
                        }
                    }
                    Inbound::Cancel { id } => self.cancel(id),
                    Inbound::FromAgent => {
                        self.send_connection_error(RequestError::NotARequest).await;
                    }
                }
                return Flow::Continue;
            }
            Err(unreadable) => unreadable,
        };
        let (id, error) = match unreadable {
            // The stream cannot be trusted past bytes that are not MessagePack.
            Unreadable::Malformed => {
                self.send_connection_error(RequestError::MalformedFrame)
                    .await;
                return Flow::Close;
            }
            Unreadable::TooManyValues { id } => (
                id,
                RequestError::TooManyValues {
                    max: MAX_FRAME_VALUES,
                },
            ),
            Unreadable::NotAnEnvelope { id, reason } => {
                (id, RequestError::InvalidEnvelope { reason })
            }
        };
        // Answering with the id of a request in flight would resolve the wrong call.
        let id = id.filter(|id| !self.is_pending(*id));
        self.finish(
            id,
            new_correlation_id(),
            "",
            Instant::now(),
            Err(error.into()),
        )
        .await;
        Flow::Continue
    }

    async fn on_frame_error(&self, err: FrameError) {
        let error = match err {
            FrameError::TooLarge { len, max } => RequestError::FrameTooLarge { len, max },
            FrameError::Stalled(waited) => RequestError::FrameStalled {
                secs: waited.as_secs(),
            },
            FrameError::Truncated | FrameError::Io(_) => {
                tracing::debug!(error = %err, peer_pid = ?self.peer.pid, "connection read ended");
                return;
            }
        };
        self.send_connection_error(error).await;
    }

    /// Starts one request as its own task, or answers at once when it cannot start. The
    /// frame's charge is held until the request has been answered.
    async fn start(self: &Arc<Self>, request: InboundRequest, charge: Charge) {
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
            let error = RequestError::DuplicateId { id: request.id }.into();
            self.finish(None, correlation_id, &request.method, started, Err(error))
                .await;
            return;
        }
        let Ok(permit) = self.in_flight.clone().try_acquire_owned() else {
            let error = RequestError::TooManyInFlight {
                max: self.state.config.max_in_flight,
            };
            self.forget(request.id);
            self.refuse(&request, correlation_id, started, error.into())
                .await;
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
                let _charge = charge;
                let _in_flight = GaugeGuard::new(&ctx.state.counters.requests_in_flight);
                let call = Call::new(
                    request.id,
                    correlation_id,
                    ctx.state.clone(),
                    ctx.subscriptions.clone(),
                    ctx.outbound.clone(),
                    ctx.locale.clone(),
                );
                let routed = AssertUnwindSafe(dispatch::route(&call, &request.method, request.params))
                    .catch_unwind();
                let outcome = tokio::select! {
                    routed = routed => routed.unwrap_or_else(|panic| Err(dispatch::panicked(&*panic))),
                    _ = token.cancelled() => Err(RequestError::Cancelled.into()),
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
    async fn correlation_id(&self, request: &InboundRequest, started: Instant) -> Option<String> {
        let Some(given) = &request.correlation_id else {
            return Some(new_correlation_id());
        };
        if is_usable_correlation_id(given) {
            return Some(given.clone());
        }
        let error = RequestError::BadCorrelationId.into();
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
        request: &InboundRequest,
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
        let max_frame_len = self.state.config.max_frame_len;
        envelope::encode_frame(&response, max_frame_len)
            .map(|frame| texts::relocalize_frame(frame, self.locale.get(), max_frame_len))
            .unwrap_or_else(|_| {
                let bare = texts::wire_error(code, texts::messages::request_details_too_large());
                let response =
                    Envelope::<()>::Response(Response::err(id, correlation_id.to_owned(), bare));
                envelope::encode_frame(&response, u32::MAX).unwrap_or_default()
            })
    }

    /// An error about the connection as a whole (`id` nil).
    async fn send_connection_error(&self, error: RequestError) {
        self.finish(
            None,
            new_correlation_id(),
            "",
            Instant::now(),
            Err(error.into()),
        )
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
}

/// Cuts `text` to at most `max` characters, marking the cut.
fn truncate_in_place(text: &mut String, max: usize) {
    if let Some((end, _)) = text.char_indices().nth(max) {
        text.truncate(end);
        text.push_str("...");
    }
}

type Frames = FrameReader<ReadHalf>;

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

/// Over a Unix socket pair, like the connections they test.
#[cfg(all(test, unix))]
mod tests {
    use futures_util::StreamExt;
    use llm_agent_protocol::envelope::Request;
    use llm_agent_protocol::methods::NoParams;
    use llm_agent_protocol::methods::agent::Status;
    use llm_agent_protocol::methods::handshake::{ClientInfo, HelloParams};
    use llm_agent_protocol::{DEFAULT_MAX_FRAME_LEN, FrameCodec, PROTOCOL_VERSION};
    use tokio::net::UnixStream;
    use tokio_util::codec::FramedRead;

    use super::*;
    use crate::diagnostics::journal::Journal;
    use crate::state::testing::agent_state;

    /// A client end of a connection served by [`serve`], with no actors running.
    struct Client {
        write: tokio::net::unix::OwnedWriteHalf,
        frames: FramedRead<tokio::net::unix::OwnedReadHalf, FrameCodec>,
        served: tokio::task::JoinHandle<()>,
        _state: (SharedState, Journal, tempfile::TempDir),
    }

    impl Client {
        fn connect() -> Client {
            let dir = tempfile::tempdir().unwrap();
            let (state, journal) = agent_state(dir.path());
            let (ours, theirs) = UnixStream::pair().unwrap();
            let (read, write) = theirs.into_split();
            let served = tokio::spawn(serve(
                read,
                write,
                Peer::default(),
                state.clone(),
                DecodeBudget::default(),
            ));
            let (read, write) = ours.into_split();
            Client {
                write,
                frames: FramedRead::new(read, FrameCodec::new(DEFAULT_MAX_FRAME_LEN)),
                served,
                _state: (state, journal, dir),
            }
        }

        async fn send_bytes(&mut self, bytes: &[u8]) {
            self.write.write_all(bytes).await.unwrap();
        }

        async fn request(&mut self, id: u64, method: &str, params: impl serde::Serialize) {
            let request = Envelope::Request(Request {
                id,
                method: method.to_owned(),
                params,
                correlation_id: None,
            });
            let frame = envelope::encode_frame(&request, DEFAULT_MAX_FRAME_LEN).unwrap();
            self.send_bytes(&frame).await;
        }

        async fn hello(&mut self, id: u64, protocol: u32) {
            let params = HelloParams {
                protocol,
                client: ClientInfo {
                    name: "unit".into(),
                    version: "1".into(),
                },
                locales: Vec::new(),
            };
            self.request(id, Hello::NAME, params).await;
        }

        /// The next response; `None` when the agent closed the connection.
        async fn response(&mut self) -> Option<Response> {
            let body = self.frames.next().await?.unwrap();
            match envelope::decode::<Envelope>(&body).unwrap() {
                Envelope::Response(response) => Some(response),
                other => panic!("not a response: {other:?}"),
            }
        }

        async fn error(&mut self) -> (Option<u64>, ErrorCode) {
            let response = self.response().await.expect("a response");
            let error = response.error.expect("an error");
            (response.id, error.code)
        }
    }

    #[tokio::test]
    async fn requests_before_hello_are_refused_then_served_after_it() {
        let mut client = Client::connect();
        client.request(1, Status::NAME, NoParams {}).await;
        assert_eq!(
            client.error().await,
            (Some(1), ErrorCode::HandshakeRequired)
        );
        client.hello(2, PROTOCOL_VERSION).await;
        let hello = client.response().await.unwrap();
        assert_eq!((hello.id, hello.error), (Some(2), None));
        client.request(3, Status::NAME, NoParams {}).await;
        let status = client.response().await.unwrap();
        assert_eq!(status.id, Some(3));
        assert!(status.result.is_some(), "{status:?}");
        // A second hello gets the same answer, through the same path.
        client.hello(4, PROTOCOL_VERSION).await;
        assert_eq!(client.response().await.unwrap().error, None);
    }

    #[tokio::test]
    async fn an_unsupported_protocol_is_refused_and_the_connection_closed() {
        let mut client = Client::connect();
        client.hello(1, PROTOCOL_VERSION + 1).await;
        assert_eq!(
            client.error().await,
            (Some(1), ErrorCode::UnsupportedProtocol)
        );
        assert!(
            client.response().await.is_none(),
            "closed after the refusal"
        );
        client.served.await.unwrap();
    }

    #[tokio::test]
    async fn bad_envelopes_are_answered_and_the_connection_lives_on() {
        let mut client = Client::connect();
        client.hello(1, PROTOCOL_VERSION).await;
        client.response().await.unwrap();
        // A response from the client: an error about the connection (id nil).
        let response = Envelope::<()>::Response(Response::ok(9, "c".into(), ()));
        let frame = envelope::encode_frame(&response, DEFAULT_MAX_FRAME_LEN).unwrap();
        client.send_bytes(&frame).await;
        assert_eq!(client.error().await, (None, ErrorCode::InvalidRequest));
        // Valid MessagePack that is not an envelope keeps its id when it has one.
        let body = rmp_serde::to_vec_named(&serde_json::json!({"id": 5, "type": "nope"})).unwrap();
        let mut frame = (body.len() as u32).to_be_bytes().to_vec();
        frame.extend(body);
        client.send_bytes(&frame).await;
        assert_eq!(client.error().await, (Some(5), ErrorCode::InvalidRequest));
        // A correlation id that cannot be kept.
        let request = Envelope::Request(Request {
            id: 6,
            method: Status::NAME.to_owned(),
            params: NoParams {},
            correlation_id: Some("has spaces".into()),
        });
        let frame = envelope::encode_frame(&request, DEFAULT_MAX_FRAME_LEN).unwrap();
        client.send_bytes(&frame).await;
        assert_eq!(client.error().await, (Some(6), ErrorCode::InvalidRequest));
        client.request(7, Status::NAME, NoParams {}).await;
        assert_eq!(client.response().await.unwrap().error, None);
    }

    #[tokio::test]
    async fn bytes_that_are_not_messagepack_or_a_frame_too_large_end_the_connection() {
        let mut client = Client::connect();
        client.hello(1, PROTOCOL_VERSION).await;
        client.response().await.unwrap();
        client.send_bytes(&[0, 0, 0, 2, 0xc1, 0xc1]).await;
        assert_eq!(client.error().await, (None, ErrorCode::MalformedFrame));
        assert!(client.response().await.is_none());

        let mut client = Client::connect();
        client.hello(1, PROTOCOL_VERSION).await;
        client.response().await.unwrap();
        client
            .send_bytes(&(DEFAULT_MAX_FRAME_LEN + 1).to_be_bytes())
            .await;
        assert_eq!(client.error().await, (None, ErrorCode::FrameTooLarge));
        assert!(client.response().await.is_none());
    }
}
