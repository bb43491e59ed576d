//! A scripted HTTP/1.1 server for tests and benches of the agent's HTTP client.
//!
//! [`HttpFixture`] listens on `127.0.0.1:0`, records every request it reads
//! ([`RecordedRequest`]) and answers each with the [`Script`] its `respond` closure
//! returns: a head, then a body, chunks, pauses, a stall or a cut connection, step by
//! step. It keeps connections alive as HTTP/1.1 does, and counts what a client test
//! asserts on: connections, requests answered at the same time, and clients that hung up
//! while a reply was still running.
//!
//! Canned provider replies built from scripts live in [`crate::dialects`].

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// The largest request head the fixture reads; a bigger one ends the connection.
pub const MAX_HEAD_LEN: usize = 64 * 1024;

/// The largest request body the fixture reads; a bigger one ends the connection.
pub const MAX_BODY_LEN: usize = 4 * 1024 * 1024;

/// Headers a request head may have (httparse needs the bound up front).
const MAX_HEADERS: usize = 128;

/// How much a single read asks the socket for.
const READ_SIZE: usize = 8 * 1024;

/// The zero-length chunk that ends a chunked body (with no trailers).
const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// The media type of a server-sent event stream.
pub const SSE: &str = "text/event-stream";

/// The media type of newline-delimited JSON.
pub const NDJSON: &str = "application/x-ndjson";

type Respond = dyn Fn(&RecordedRequest) -> Script + Send + Sync;

/// A scripted HTTP/1.1 server on `127.0.0.1`. It stops (its tasks are aborted) when
/// dropped.
pub struct HttpFixture {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

/// What the accept loop, the connections and the test's handle share.
struct Shared {
    /// Held while `respond` runs, so calls are serialized in arrival order.
    respond: Mutex<Box<Respond>>,
    requests: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
    in_progress: AtomicUsize,
    max_in_progress: AtomicUsize,
    hangups: AtomicUsize,
    /// Woken on every change a `wait_for_*` may be waiting for.
    changed: Notify,
}

impl HttpFixture {
    /// Starts a server on `127.0.0.1:0`. `respond` is called once per request, in
    /// arrival order and never twice at the same time, and returns what to send.
    pub async fn start<F>(respond: F) -> HttpFixture
    where
        F: Fn(&RecordedRequest) -> Script + Send + Sync + 'static,
    {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind the HTTP fixture on 127.0.0.1");
        let addr = listener.local_addr().expect("the HTTP fixture's address");
        let shared = Arc::new(Shared {
            respond: Mutex::new(Box::new(respond)),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            in_progress: AtomicUsize::new(0),
            max_in_progress: AtomicUsize::new(0),
            hangups: AtomicUsize::new(0),
            changed: Notify::new(),
        });
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        HttpFixture {
            addr,
            shared,
            accept,
        }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, with no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request read so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// The most requests ever being answered at the same time.
    pub fn max_in_progress(&self) -> usize {
        self.shared.max_in_progress.load(Ordering::SeqCst)
    }

    /// Requests being answered now: from when the head was read until the script ended
    /// or the client hung up.
    pub fn in_progress(&self) -> usize {
        self.shared.in_progress.load(Ordering::SeqCst)
    }

    /// Times a client closed its connection while a script was still running (during a
    /// sleep, a stall or a write).
    pub fn client_hangups(&self) -> usize {
        self.shared.hangups.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` requests have arrived and returns all of them so far.
    /// Panics, listing what did arrive, after `timeout`.
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> Vec<RecordedRequest> {
        let reached = self
            .wait_until(timeout, |shared| lock(&shared.requests).len() >= n)
            .await;
        let requests = self.requests();
        assert!(
            reached,
            "the HTTP fixture waited {timeout:?} for {n} requests and got {}: {:?}",
            requests.len(),
            requests
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>()
        );
        requests
    }

    /// Waits until clients have hung up at least `n` times mid-script. Panics after
    /// `timeout`.
    pub async fn wait_for_hangups(&self, n: usize, timeout: Duration) {
        let reached = self
            .wait_until(timeout, |shared| shared.hangups.load(Ordering::SeqCst) >= n)
            .await;
        assert!(
            reached,
            "the HTTP fixture waited {timeout:?} for {n} client hang-ups and saw {} \
             ({} requests, {} still in progress)",
            self.client_hangups(),
            self.requests().len(),
            self.in_progress()
        );
    }

    /// Whether `reached` became true within `timeout`.
    async fn wait_until(&self, timeout: Duration, reached: impl Fn(&Shared) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Registered before the check, so a change in between still wakes us.
            let mut changed = std::pin::pin!(self.shared.changed.notified());
            changed.as_mut().enable();
            if reached(&self.shared) {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return reached(&self.shared);
            }
        }
    }
}

impl Drop for HttpFixture {
    fn drop(&mut self) {
        // The accept task owns the listener and the connection tasks' `JoinSet`:
        // aborting it drops both, which aborts every connection.
        self.accept.abort();
    }
}

impl std::fmt::Debug for HttpFixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpFixture")
            .field("addr", &self.addr)
            .field("connections", &self.connections())
            .field("in_progress", &self.in_progress())
            .field("client_hangups", &self.client_hangups())
            .finish_non_exhaustive()
    }
}

impl Shared {
    fn changed(&self) {
        self.changed.notify_waiters();
    }

    /// Records `request` and asks `respond` what to send. A panicking `respond` is
    /// answered with a 500 that carries the panic message.
    fn script_for(&self, request: &RecordedRequest) -> Script {
        let respond = lock(&self.respond);
        lock(&self.requests).push(request.clone());
        self.changed();
        catch_unwind(AssertUnwindSafe(|| respond(request))).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Script::new()
                .status(500)
                .header("content-type", "text/plain")
                .body(format!(
                    "the HTTP fixture's respond closure panicked: {message}"
                ))
        })
    }
}

/// One request being answered: counted in `in_progress` while alive.
struct Answering<'a>(&'a Shared);

impl<'a> Answering<'a> {
    fn start(shared: &'a Shared) -> Self {
        let now = shared.in_progress.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_progress.fetch_max(now, Ordering::SeqCst);
        shared.changed();
        Answering(shared)
    }
}

impl Drop for Answering<'_> {
    fn drop(&mut self) {
        self.0.in_progress.fetch_sub(1, Ordering::SeqCst);
        self.0.changed();
    }
}

fn lock<T: ?Sized>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic in a test's closure must not wedge every later request.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors, most likely: let a connection end, then retry.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        // Chunks must leave when written, or a test cannot tell them apart in time.
        let _ = stream.set_nodelay(true);
        let index = shared.connections.fetch_add(1, Ordering::SeqCst);
        shared.changed();
        connections.spawn(serve(Connection::new(stream, index), Arc::clone(&shared)));
    }
}

/// Reads requests from one connection and answers each with its script, until either
/// side closes it.
async fn serve(mut connection: Connection, shared: Arc<Shared>) {
    loop {
        let head = match connection.read_head().await {
            Ok(Some(head)) => head,
            Ok(None) | Err(_) => return,
        };
        let answering = Answering::start(&shared);
        let close_requested = head.wants_close();
        let Ok(request) = connection.read_body(head).await else {
            return;
        };
        let script = shared.script_for(&request);
        let outcome = connection.play(&script).await;
        // Not counted any more before the hang-up is, so a test that saw the hang-up
        // also sees the request over.
        drop(answering);
        match outcome {
            Outcome::Complete { keep_alive } if keep_alive && !close_requested => {}
            Outcome::Complete { .. } => {
                let _ = connection.stream.shutdown().await;
                return;
            }
            Outcome::HungUp => {
                shared.hangups.fetch_add(1, Ordering::SeqCst);
                shared.changed();
                return;
            }
            Outcome::Closed | Outcome::Failed => return,
        }
    }
}

/// How playing a script ended.
enum Outcome {
    /// Every step ran; the response is complete unless raw bytes made it the test's
    /// business (then `keep_alive` is false).
    Complete { keep_alive: bool },
    /// A `close()` step cut the connection.
    Closed,
    /// The client closed the connection first.
    HungUp,
    /// The client sent more than the fixture buffers while a script ran.
    Failed,
}

/// A request line and headers.
struct RequestHead {
    method: String,
    path: String,
    version: u8,
    headers: Vec<(String, String)>,
}

impl RequestHead {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client asked for the connection to close after this exchange:
    /// `Connection: close`, or HTTP/1.0 without `keep-alive`.
    fn wants_close(&self) -> bool {
        let connection = self.header("connection").map(str::to_ascii_lowercase);
        let says = |token: &str| {
            connection
                .as_deref()
                .is_some_and(|value| value.split(',').any(|t| t.trim() == token))
        };
        says("close") || (self.version == 0 && !says("keep-alive"))
    }
}

/// One accepted TCP connection and the bytes read from it but not yet used.
struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
    index: usize,
}

impl Connection {
    fn new(stream: TcpStream, index: usize) -> Self {
        Connection {
            stream,
            buf: Vec::with_capacity(READ_SIZE),
            index,
        }
    }

    /// Reads more bytes into the buffer; `Ok(0)` at EOF.
    async fn read_more(&mut self) -> io::Result<usize> {
        self.buf.reserve(READ_SIZE);
        self.stream.read_buf(&mut self.buf).await
    }

    /// Reads until the buffer holds at least `len` bytes.
    async fn fill_to(&mut self, len: usize) -> io::Result<()> {
        while self.buf.len() < len {
            if self.read_more().await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        Ok(())
    }

    /// The next request head, or `None` if the client closed the connection between
    /// requests.
    async fn read_head(&mut self) -> io::Result<Option<RequestHead>> {
        loop {
            if !self.buf.is_empty() {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut parsed = httparse::Request::new(&mut headers);
                if let httparse::Status::Complete(len) =
                    parsed.parse(&self.buf).map_err(io::Error::other)?
                {
                    let head = RequestHead {
                        method: parsed.method.unwrap_or_default().to_owned(),
                        path: parsed.path.unwrap_or_default().to_owned(),
                        version: parsed.version.unwrap_or(1),
                        headers: parsed
                            .headers
                            .iter()
                            .map(|h| {
                                (
                                    h.name.to_ascii_lowercase(),
                                    String::from_utf8_lossy(h.value).into_owned(),
                                )
                            })
                            .collect(),
                    };
                    self.buf.drain(..len);
                    return Ok(Some(head));
                }
            }
            if self.buf.len() >= MAX_HEAD_LEN {
                return Err(io::Error::other("request head over MAX_HEAD_LEN"));
            }
            if self.read_more().await? == 0 {
                return if self.buf.is_empty() {
                    Ok(None)
                } else {
                    Err(io::ErrorKind::UnexpectedEof.into())
                };
            }
        }
    }

    /// Reads the body `head` announces and makes the whole request.
    async fn read_body(&mut self, head: RequestHead) -> io::Result<RecordedRequest> {
        let chunked = head
            .header("transfer-encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
        let body = if chunked {
            self.read_chunked_body().await?
        } else {
            let len = match head.header("content-length") {
                Some(len) => len.trim().parse::<usize>().map_err(io::Error::other)?,
                None => 0,
            };
            if len > MAX_BODY_LEN {
                return Err(io::Error::other("request body over MAX_BODY_LEN"));
            }
            self.fill_to(len).await?;
            self.buf.drain(..len).collect()
        };
        Ok(RecordedRequest {
            method: head.method,
            path: head.path,
            headers: head.headers,
            body,
            arrived: Instant::now(),
            connection: self.index,
        })
    }

    /// De-chunks a `Transfer-Encoding: chunked` body; extensions and trailers are
    /// dropped.
    async fn read_chunked_body(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let (line_len, size) = loop {
                match httparse::parse_chunk_size(&self.buf) {
                    Ok(httparse::Status::Complete(found)) => break found,
                    Ok(httparse::Status::Partial) if self.buf.len() < MAX_HEAD_LEN => {
                        let len = self.buf.len() + 1;
                        self.fill_to(len).await?;
                    }
                    _ => return Err(io::Error::other("bad chunk size line")),
                }
            };
            let size = usize::try_from(size)
                .ok()
                .filter(|size| body.len() + size <= MAX_BODY_LEN)
                .ok_or_else(|| io::Error::other("request body over MAX_BODY_LEN"))?;
            self.buf.drain(..line_len);
            if size == 0 {
                self.skip_trailers().await?;
                return Ok(body);
            }
            self.fill_to(size + 2).await?;
            if &self.buf[size..size + 2] != b"\r\n" {
                return Err(io::Error::other("chunk not followed by CRLF"));
            }
            body.extend_from_slice(&self.buf[..size]);
            self.buf.drain(..size + 2);
        }
    }

    /// Consumes the trailer section after the last chunk, up to its empty line.
    async fn skip_trailers(&mut self) -> io::Result<()> {
        loop {
            match self.buf.windows(2).position(|w| w == b"\r\n") {
                Some(0) => {
                    self.buf.drain(..2);
                    return Ok(());
                }
                Some(end) => {
                    self.buf.drain(..end + 2);
                }
                None if self.buf.len() < MAX_HEAD_LEN => {
                    let len = self.buf.len() + 1;
                    self.fill_to(len).await?;
                }
                None => return Err(io::Error::other("trailers over MAX_HEAD_LEN")),
            }
        }
    }

    /// Runs `script`'s steps on this connection.
    async fn play(&mut self, script: &Script) -> Outcome {
        let mut head_sent = false;
        let mut chunked = false;
        let mut body_done = false;
        let mut raw = false;
        for step in &script.steps {
            if self.client_gone() {
                return Outcome::HungUp;
            }
            let mut out = Vec::new();
            match step {
                Step::Body(bytes) => {
                    if !head_sent {
                        script.write_head(&mut out, Framing::Length(bytes.len()));
                        head_sent = true;
                    }
                    out.extend_from_slice(bytes);
                    body_done = true;
                }
                Step::Chunk(bytes) => {
                    if !head_sent {
                        script.write_head(&mut out, Framing::Chunked);
                        head_sent = true;
                        chunked = true;
                    }
                    // An empty chunk would be the last one: only `end()` sends that.
                    if !bytes.is_empty() {
                        out.extend_from_slice(format!("{:x}\r\n", bytes.len()).as_bytes());
                        out.extend_from_slice(bytes);
                        out.extend_from_slice(b"\r\n");
                    }
                }
                Step::End => {
                    if !head_sent {
                        script.write_head(&mut out, Framing::Chunked);
                        head_sent = true;
                        chunked = true;
                    }
                    out.extend_from_slice(LAST_CHUNK);
                    body_done = true;
                }
                Step::Raw(bytes) => {
                    out.extend_from_slice(bytes);
                    raw = true;
                }
                Step::Sleep(duration) => {
                    let until = tokio::time::Instant::now() + *duration;
                    match self.watch_client(Some(until)).await {
                        Ok(true) => continue,
                        Ok(false) => return Outcome::HungUp,
                        Err(_) => return Outcome::Failed,
                    }
                }
                Step::Stall => {
                    return match self.watch_client(None).await {
                        Ok(_) => Outcome::HungUp,
                        Err(_) => Outcome::Failed,
                    };
                }
                Step::Close => return Outcome::Closed,
            }
            if self.stream.write_all(&out).await.is_err() {
                return Outcome::HungUp;
            }
        }
        if raw {
            return Outcome::Complete { keep_alive: false };
        }
        let mut out = Vec::new();
        if !head_sent {
            script.write_head(&mut out, Framing::Length(0));
        } else if chunked && !body_done {
            out.extend_from_slice(LAST_CHUNK);
        }
        if !out.is_empty() && self.stream.write_all(&out).await.is_err() {
            return Outcome::HungUp;
        }
        Outcome::Complete {
            keep_alive: !script.closes_connection(),
        }
    }

    /// Whether the client has already closed the connection, without waiting. Bytes it
    /// sent meanwhile (a pipelined request) are kept for later. A client that only
    /// half-closes (shuts down its writing side) looks gone too: HTTP clients do not.
    fn client_gone(&mut self) -> bool {
        self.buf.reserve(READ_SIZE);
        match self.stream.try_read_buf(&mut self.buf) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => e.kind() != io::ErrorKind::WouldBlock,
        }
    }

    /// Waits until `until` (or forever) while watching for the client to hang up:
    /// `Ok(true)` if it stayed, `Ok(false)` if it left. Bytes it sends meanwhile are kept
    /// for the next request; more than a request's worth is an error.
    async fn watch_client(&mut self, until: Option<tokio::time::Instant>) -> io::Result<bool> {
        let mut deadline = std::pin::pin!(async {
            match until {
                Some(until) => tokio::time::sleep_until(until).await,
                None => std::future::pending().await,
            }
        });
        loop {
            if self.buf.len() > MAX_HEAD_LEN + MAX_BODY_LEN {
                return Err(io::Error::other("client sent too much while a script ran"));
            }
            tokio::select! {
                () = &mut deadline => return Ok(true),
                read = self.read_more() => match read {
                    Ok(0) | Err(_) => return Ok(false),
                    Ok(_) => {}
                },
            }
        }
    }
}

/// A request as the fixture read it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target as sent, query string included.
    pub path: String,
    /// In the order sent; names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked if it came chunked.
    pub body: Vec<u8>,
    /// When the whole request had been read.
    pub arrived: Instant,
    /// The 0-based index of the TCP connection it came on, in accept order.
    pub connection: usize,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON. Panics, quoting the body, if it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "the body of {} {} is not JSON ({e}): {}",
                self.method,
                self.path,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// What to send back, step by step.
///
/// The status and headers make the head, whatever their place in the chain; it is sent
/// with the first `body` or `chunk`, with `Content-Length` or `Transfer-Encoding:
/// chunked` added unless the script set that header itself (to lie about a length, say).
/// A script that ends without a body sends an empty one; one that ends mid-chunks sends
/// the last chunk, so the connection stays usable. Only `close` cuts.
///
/// Misordered steps (a chunk after the body ended, a body after chunks) panic as they
/// are added.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// `None` means 200.
    status: Option<u16>,
    headers: Vec<(String, String)>,
    steps: Vec<Step>,
    body: BodyState,
}

#[derive(Debug, Clone)]
enum Step {
    Body(Vec<u8>),
    Chunk(Vec<u8>),
    End,
    Raw(Vec<u8>),
    Sleep(Duration),
    Stall,
    Close,
}

/// Where the body stands as the script is built, to refuse misordered steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum BodyState {
    #[default]
    NotStarted,
    Chunked,
    Ended,
}

/// How the head frames the body.
enum Framing {
    Length(usize),
    Chunked,
}

impl Script {
    /// An empty script: a 200 with no headers and an empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// The status code; 200 unless set.
    pub fn status(mut self, code: u16) -> Self {
        self.status = Some(code);
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A complete body, with `Content-Length`; ends the response.
    pub fn body(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        assert_eq!(
            self.body,
            BodyState::NotStarted,
            "Script::body after the body started: use either body() or chunk()...end()"
        );
        self.body = BodyState::Ended;
        self.steps.push(Step::Body(bytes.into()));
        self
    }

    /// Sends the head now (status and headers, `Transfer-Encoding: chunked`) if not yet
    /// sent, then one chunk. An empty `bytes` sends only the head.
    pub fn chunk(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.start_chunks("chunk");
        self.steps.push(Step::Chunk(bytes.into()));
        self
    }

    /// Ends a chunked body (the zero-length chunk); before any chunk, an empty one.
    pub fn end(mut self) -> Self {
        self.start_chunks("end");
        self.body = BodyState::Ended;
        self.steps.push(Step::End);
        self
    }

    /// Writes `bytes` as they are, with no head or framing of their own: for malformed
    /// or hand-framed replies. A script with raw bytes closes the connection when done.
    pub fn raw(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.steps.push(Step::Raw(bytes.into()));
        self
    }

    /// Pauses, while watching for the client hanging up.
    pub fn sleep(mut self, d: Duration) -> Self {
        self.steps.push(Step::Sleep(d));
        self
    }

    /// Never finishes: holds the connection until the client hangs up, which counts in
    /// [`HttpFixture::client_hangups`]. Steps after it never run.
    pub fn stall(mut self) -> Self {
        self.steps.push(Step::Stall);
        self
    }

    /// Closes the TCP connection at once, mid-response (after some chunks, to cut a
    /// stream) or before any byte of it.
    pub fn close(mut self) -> Self {
        self.steps.push(Step::Close);
        self
    }

    /// `status` with `Content-Type: application/json` and `value` as the body.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Script::new()
            .status(status)
            .header("content-type", "application/json")
            .body(value.to_string())
    }

    /// A 200 `text/event-stream`: one chunk per event (each already formatted, like
    /// `"data: {...}\n\n"`), then the end.
    pub fn sse(events: &[String]) -> Self {
        events
            .iter()
            .fold(
                Script::new().header("content-type", SSE),
                |script, event| script.chunk(event.as_bytes()),
            )
            .end()
    }

    /// A 200 `application/x-ndjson`: one chunk per line (the JSON and `"\n"`), then the
    /// end.
    pub fn ndjson(lines: &[serde_json::Value]) -> Self {
        lines
            .iter()
            .fold(
                Script::new().header("content-type", NDJSON),
                |script, line| script.chunk(format!("{line}\n")),
            )
            .end()
    }

    fn start_chunks(&mut self, step: &str) {
        assert_ne!(
            self.body,
            BodyState::Ended,
            "Script::{step} after the body ended (by body() or end())"
        );
        self.body = BodyState::Chunked;
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Whether the script's own headers say `Connection: close`.
    fn closes_connection(&self) -> bool {
        self.headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("connection") && v.to_ascii_lowercase().contains("close")
        })
    }

    fn write_head(&self, out: &mut Vec<u8>, framing: Framing) {
        let status = self.status.unwrap_or(200);
        out.extend_from_slice(format!("HTTP/1.1 {status} {}\r\n", reason(status)).as_bytes());
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        // 1xx, 204 and 304 have no body, and must not say how long it is.
        let bodiless = status < 200 || status == 204 || status == 304;
        match framing {
            Framing::Length(_) if bodiless => {}
            Framing::Length(len) if !self.has_header("content-length") => {
                out.extend_from_slice(format!("content-length: {len}\r\n").as_bytes());
            }
            Framing::Chunked if !self.has_header("transfer-encoding") => {
                out.extend_from_slice(b"transfer-encoding: chunked\r\n");
            }
            _ => {}
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// The reason phrase for the status codes tests use (clients ignore it; people reading
/// a capture do not).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        _ => "",
    }
}
