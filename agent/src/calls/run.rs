//! Runs one model call: waits for the endpoint's governor, sends the request, reads the
//! reply as it streams (passing text on as deltas when asked), retries a `429` or an
//! overload (`503`, `529`) with exponential backoff and jitter, honouring `Retry-After`
//! and never past the deadline, and reports how it went. A call in backoff gives its
//! turn back and queues again at the front of its class afterwards. The deadline covers
//! everything from the request's arrival; a cancel stops the call at once, dropping the
//! HTTP request and leaving the queue.
//!
//! This runs on the provider I/O thread (`calls::io`); deltas travel back over a
//! channel.

use std::sync::Arc;
use std::time::{Duration, Instant};

use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::methods::chat::{CallClass, MAX_REPLY_TEXT_BYTES};
use llm_agent_protocol::methods::profiles::{
    MAX_SNIPPET_CHARS, TestStage, TestTimings, TokenUsage,
};
use reqwest::header::CONTENT_TYPE;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::governor::Ticket;
use crate::providers::failure::{self, Failure, millis};
use crate::providers::framing::{Lines, SseDecoder};
use crate::providers::http::{self, ConnectClock, TransportError};
use crate::providers::redact::KeyFilter;
use crate::providers::{
    Conversation, ProviderMessage, Redactor, Reply, ReplyError, Request, Target,
};
use crate::texts::messages;

/// The most requests one call sends (the first and up to four retries).
pub const MAX_ATTEMPTS: u32 = 5;
/// The first backoff without `Retry-After`; it doubles per attempt.
pub const BASE_BACKOFF: Duration = Duration::from_millis(500);
/// The longest backoff.
pub const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// The most of an error body a call reads.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// How much of a reply a call reads and keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyLimits {
    /// The reply's bytes as they come (JSON, SSE framing and all).
    pub body_bytes: usize,
    /// Its text.
    pub text_bytes: usize,
    /// Whether the report quotes the reply's start as a snippet (redacting it against
    /// everything the call sent): a prompt test shows one; a chat call answers with the
    /// text itself.
    pub snippet: bool,
}

impl ReplyLimits {
    /// A prompt test: a snippet's worth of text (whitespace runs collapse, so with a
    /// margin) out of at most 1 MiB.
    pub const TEST: ReplyLimits = ReplyLimits {
        body_bytes: 1024 * 1024,
        text_bytes: 8 * MAX_SNIPPET_CHARS,
        snippet: true,
    };
    /// A chat call: the whole reply, whose streamed framing can be many times its text.
    pub const CHAT: ReplyLimits = ReplyLimits {
        body_bytes: 32 * MAX_REPLY_TEXT_BYTES,
        text_bytes: MAX_REPLY_TEXT_BYTES,
        snippet: false,
    };
}

/// One model call to run.
pub struct CallJob {
    pub profile_id: Uuid,
    pub target: Target,
    /// Sent to the provider and nowhere else; wiped from memory when the job ends.
    pub conversation: Conversation,
    pub class: CallClass,
    /// When the request arrived: the deadline and `total_ms` count from here.
    pub received: Instant,
    pub deadline: Instant,
    /// Cancelled when the caller gives up or the agent shuts down.
    pub cancel: CancellationToken,
    /// Whether `cancel` means the agent is shutting down (else the caller cancelled).
    pub shutdown: CancellationToken,
    /// How many calls may run at once at this target's endpoint.
    pub parallelism: usize,
    pub limits: ReplyLimits,
}

impl CallJob {
    fn key(&self) -> Option<&str> {
        self.target.api_key.as_ref().map(|key| key.expose())
    }
}

/// How a call went.
#[derive(Debug)]
pub struct CallReport {
    pub result: Result<(), Failure>,
    /// How far the last attempt got.
    pub stage: TestStage,
    pub timings: TestTimings,
    pub attempts: u32,
    pub http_status: Option<u16>,
    pub streamed: bool,
    pub usage: Option<TokenUsage>,
    /// The model that answered, redacted.
    pub model: Option<String>,
    pub finish_reason: Option<String>,
    /// The start of the reply, sanitized and redacted, when the limits asked for it.
    pub snippet: Option<String>,
    /// The whole reply (up to the job's text limit), the key redacted; what the deltas
    /// add up to.
    pub text: String,
}

impl CallReport {
    /// The result code diagnostics record: `OK` or the failure's code.
    pub fn result_code(&self) -> &str {
        match &self.result {
            Ok(()) => llm_agent_protocol::events::RESULT_OK,
            Err(failure) => failure.code.as_str(),
        }
    }
}

/// Runs the call to its end, once `ticket` gives it a turn, sending reply text on
/// `deltas` as it arrives. Never fails: every failure is in the report.
pub async fn run_call(
    job: &CallJob,
    ticket: Ticket,
    deltas: Option<mpsc::Sender<String>>,
) -> CallReport {
    let redactor = Arc::new(job.conversation.redactor(job.key()));
    let mut progress = Progress::new(job.received, job.limits, job.key(), redactor, deltas);
    let ended = tokio::select! {
        biased;
        _ = job.cancel.cancelled() => Ended::Cancelled,
        result = tokio::time::timeout_at(job.deadline.into(), drive(job, ticket, &mut progress)) => match result {
            Ok(result) => Ended::Finished(result),
            Err(_) => Ended::DeadlinePassed,
        },
    };
    let result = match ended {
        Ended::Finished(result) => result,
        Ended::DeadlinePassed => {
            let timeout = job.deadline.saturating_duration_since(job.received);
            Err(failure::timed_out(&job.target, progress.stage(), timeout))
        }
        Ended::Cancelled if job.shutdown.is_cancelled() => Err(Failure::cancelled_by_shutdown()),
        Ended::Cancelled => Err(Failure::new(
            ErrorCode::Cancelled,
            messages::request_cancelled(),
            messages::call_cancelled_remedy(),
        )),
    };
    progress.report(result)
}

/// The report of a call received at `received` that could not run its course (its task
/// panicked, or the provider thread was gone).
pub fn failed(received: Instant, failure: Failure) -> CallReport {
    Progress::new(received, ReplyLimits::TEST, None, Arc::default(), None).report(Err(failure))
}

enum Ended {
    Finished(Result<(), Failure>),
    DeadlinePassed,
    Cancelled,
}

async fn drive(job: &CallJob, ticket: Ticket, progress: &mut Progress) -> Result<(), Failure> {
    let target = &job.target;
    if target.api_key.is_none() && target.needs_key() {
        return Err(failure::missing_key(target));
    }
    let request = target.dialect.request(target, &job.conversation)?;
    let client = http::client(target, &progress.clock).map_err(|err| {
        Failure::internal(&format!(
            "cannot build an HTTP client: {}",
            http::innermost(&err)
        ))
    })?;
    let mut ticket = ticket;
    loop {
        let queued_since = Instant::now();
        let turn = ticket.turn().await;
        progress.queued += queued_since.elapsed();
        let failure = match attempt(&client, &request, target, progress).await {
            Ok(()) => return Ok(()),
            // Text already passed on cannot be taken back: no retry after it.
            Err(failure) if failure.may_retry && !progress.sent_text => failure,
            Err(failure) => return Err(failure),
        };
        let wait = backoff(progress.attempts, failure.retry_after);
        let out_of_time = Instant::now() + wait >= job.deadline;
        if progress.attempts >= MAX_ATTEMPTS || out_of_time {
            return Err(failure);
        }
        tracing::debug!(
            attempt = progress.attempts,
            wait_ms = millis(wait),
            code = %failure.code,
            "retrying after backoff"
        );
        // The backoff holds no slot: others may use the endpoint meanwhile.
        let governor = turn.governor();
        drop(turn);
        tokio::time::sleep(wait).await;
        ticket = governor.requeue(job.class);
    }
}

/// The wait before the next attempt: `Retry-After` when given (plus up to 10% jitter),
/// else exponential backoff with jitter of up to 25%.
pub fn backoff(attempts: u32, retry_after: Option<Duration>) -> Duration {
    match retry_after {
        Some(asked) => asked + asked.mul_f64(fastrand::f64() * 0.1),
        None => {
            let doublings = attempts.saturating_sub(1).min(16);
            let base = BASE_BACKOFF.saturating_mul(1 << doublings).min(MAX_BACKOFF);
            base + base.mul_f64(fastrand::f64() * 0.25)
        }
    }
}

/// Sends the request once and reads the reply.
async fn attempt(
    client: &reqwest::Client,
    request: &Request,
    target: &Target,
    progress: &mut Progress,
) -> Result<(), Failure> {
    progress.begin_attempt();
    let mut builder = client.post(request.url.clone()).body(request.body.clone());
    for (name, value) in &request.headers {
        builder = builder.header(name, value.clone());
    }
    let mut response = builder
        .send()
        .await
        .map_err(|err| failure::transport(target, &TransportError::of(&err)))?;
    progress.headers = Some(Instant::now());
    let status = response.status();
    progress.http_status = Some(status.as_u16());
    if status.is_redirection() {
        let to = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|v| progress.redactor.quote(v, 160))
            .unwrap_or_default();
        return Err(failure::redirected(target, status.as_u16(), &to));
    }
    if !status.is_success() {
        let retry_after = http::retry_after(response.headers());
        let body = read_bounded(&mut response, MAX_ERROR_BODY_BYTES).await;
        let said = ProviderMessage::from_body(&body, &progress.redactor);
        return Err(failure::for_status(status, &said, retry_after, target));
    }
    if status.as_u16() == 204 {
        return Err(failure::invalid_shape(
            target,
            "it sent no reply body",
            Some(status.as_u16()),
        ));
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut framing = if content_type.contains("text/event-stream") {
        Framing::Sse(SseDecoder::default())
    } else if content_type.contains("ndjson") {
        Framing::Lines(Lines::default())
    } else {
        Framing::Whole(Vec::new())
    };
    progress.streamed = !matches!(framing, Framing::Whole(_));
    let body_limit = progress.limits.body_bytes;
    let mut read = 0usize;
    // Read until the body ends, or until the dialect's end marker: a server may keep the
    // connection open after it, or drop it.
    while !progress.reply.ended {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(_) if progress.reply.done => break,
            Err(err) => return Err(failure::cut_short(target, &http::innermost(&err))),
        };
        read += chunk.len();
        if read > body_limit {
            return Err(too_long(target, progress, body_limit));
        }
        framing
            .push(&chunk, target, &mut progress.reply)
            .map_err(|err| reply_failure(err, target, progress))?;
        progress.pass_on_text().await;
    }
    framing
        .finish(target, &mut progress.reply)
        .map_err(|err| reply_failure(err, target, progress))?;
    progress.pass_on_text().await;
    if progress.reply.overflowed() {
        return Err(too_long(target, progress, progress.limits.text_bytes));
    }
    if !progress.reply.done {
        return Err(failure::cut_short(
            target,
            "the stream ended without its end marker",
        ));
    }
    progress.end_deltas().await;
    progress.completed = Some(Instant::now());
    Ok(())
}

fn too_long(target: &Target, progress: &Progress, limit: usize) -> Failure {
    failure::invalid_shape(
        target,
        &format!("the reply exceeds {} KiB", limit / 1024),
        progress.http_status,
    )
}

fn reply_failure(err: ReplyError, target: &Target, progress: &Progress) -> Failure {
    match err {
        ReplyError::Shape(what) => failure::invalid_shape(target, &what, progress.http_status),
        ReplyError::Provider(said) => failure::reported(&said, target),
    }
}

/// Reads at most `limit` bytes of a body; whatever an error leaves is kept.
async fn read_bounded(response: &mut reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = limit - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == limit {
            break;
        }
    }
    body
}

/// How the reply's bytes are framed, chosen by its `Content-Type`.
enum Framing {
    Sse(SseDecoder),
    Lines(Lines),
    Whole(Vec<u8>),
}

impl Framing {
    fn push(&mut self, bytes: &[u8], target: &Target, reply: &mut Reply) -> Result<(), ReplyError> {
        let dialect = target.dialect;
        match self {
            Framing::Sse(sse) => {
                sse.push(bytes, |event, data| dialect.on_stream(event, data, reply))
            }
            Framing::Lines(lines) => lines.push(bytes, |line| {
                if line.trim().is_empty() {
                    return Ok(());
                }
                dialect.on_stream(None, line, reply)
            }),
            Framing::Whole(body) => {
                body.extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    fn finish(&mut self, target: &Target, reply: &mut Reply) -> Result<(), ReplyError> {
        let dialect = target.dialect;
        match self {
            Framing::Sse(sse) => sse.finish(|event, data| dialect.on_stream(event, data, reply)),
            Framing::Lines(lines) => lines.finish(|line| {
                if line.trim().is_empty() {
                    return Ok(());
                }
                dialect.on_stream(None, line, reply)
            }),
            Framing::Whole(body) => {
                let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
                    ReplyError::Shape(if body.trim_ascii_start().starts_with(b"<") {
                        "it sent a web page, not JSON".to_owned()
                    } else {
                        "the reply is not JSON".to_owned()
                    })
                })?;
                dialect.on_body(&value, reply)
            }
        }
    }
}

/// How far a call got, updated as it goes so that a deadline or a cancel can still say.
struct Progress {
    received: Instant,
    limits: ReplyLimits,
    redactor: Arc<Redactor>,
    /// Where deltas go, with the key filter they pass through; `None`: nobody asked.
    deltas: Option<(mpsc::Sender<String>, KeyFilter)>,
    /// Whether any text was passed on as a delta (a retry would repeat it).
    sent_text: bool,
    key_filter: KeyFilter,
    /// Time spent waiting for turns, over every attempt.
    queued: Duration,
    attempts: u32,
    attempt_started: Option<Instant>,
    clock: ConnectClock,
    headers: Option<Instant>,
    first_token: Option<Instant>,
    completed: Option<Instant>,
    http_status: Option<u16>,
    streamed: bool,
    reply: Reply,
}

impl Progress {
    fn new(
        received: Instant,
        limits: ReplyLimits,
        key: Option<&str>,
        redactor: Arc<Redactor>,
        deltas: Option<mpsc::Sender<String>>,
    ) -> Self {
        Progress {
            received,
            limits,
            reply: Reply::new(limits.text_bytes, redactor.clone()),
            redactor,
            deltas: deltas.map(|sender| (sender, KeyFilter::new(key))),
            sent_text: false,
            key_filter: KeyFilter::new(key),
            queued: Duration::ZERO,
            attempts: 0,
            attempt_started: None,
            clock: ConnectClock::default(),
            headers: None,
            first_token: None,
            completed: None,
            http_status: None,
            streamed: false,
        }
    }

    fn begin_attempt(&mut self) {
        self.attempts += 1;
        self.attempt_started = Some(Instant::now());
        self.clock.reset();
        self.headers = None;
        self.first_token = None;
        self.completed = None;
        self.http_status = None;
        self.streamed = false;
        self.reply = Reply::new(self.limits.text_bytes, self.redactor.clone());
    }

    /// Notes the first token, and passes new text on to whoever asked for deltas.
    async fn pass_on_text(&mut self) {
        if self.first_token.is_none() && self.reply.has_text() {
            self.first_token = Some(Instant::now());
        }
        let Some((sender, filter)) = &mut self.deltas else {
            return;
        };
        let Some(piece) = self.reply.take_delta() else {
            return;
        };
        let released = filter.push(piece);
        if !released.is_empty() {
            self.sent_text = true;
            // A caller that left is told by the cancel token, not here.
            let _ = sender.send(released).await;
        }
    }

    /// Passes on the text the key filter still holds, at the reply's end.
    async fn end_deltas(&mut self) {
        if let Some((sender, filter)) = &mut self.deltas {
            let rest = filter.finish();
            if !rest.is_empty() {
                self.sent_text = true;
                let _ = sender.send(rest).await;
            }
        }
    }

    fn stage(&self) -> TestStage {
        if self.completed.is_some() {
            TestStage::Complete
        } else if self.first_token.is_some() {
            TestStage::Streaming
        } else if self.headers.is_some() {
            TestStage::AwaitingFirstToken
        } else if self.clock.connected_at().is_some() {
            TestStage::AwaitingHeaders
        } else if self.attempt_started.is_some() {
            TestStage::Connecting
        } else {
            TestStage::Queued
        }
    }

    fn timings(&self) -> TestTimings {
        let since_attempt = |at: Option<Instant>| {
            let start = self.attempt_started?;
            Some(ms(at?.saturating_duration_since(start)))
        };
        TestTimings {
            queued_ms: ms(if self.attempts == 0 {
                self.received.elapsed()
            } else {
                self.queued
            }),
            connected_ms: since_attempt(self.clock.connected_at()),
            headers_ms: since_attempt(self.headers),
            first_token_ms: since_attempt(self.first_token),
            completed_ms: since_attempt(self.completed),
            total_ms: ms(self.received.elapsed()),
        }
    }

    fn report(mut self, result: Result<(), Failure>) -> CallReport {
        let usage = self.reply.usage.clone();
        let has_usage = usage.input_tokens.is_some()
            || usage.output_tokens.is_some()
            || usage.total_tokens.is_some();
        let snippet = self.limits.snippet.then(|| self.reply.snippet()).flatten();
        let text = self.key_filter.whole(self.reply.take_text());
        CallReport {
            stage: self.stage(),
            timings: self.timings(),
            attempts: self.attempts,
            http_status: self.http_status,
            streamed: self.streamed,
            usage: has_usage.then_some(usage),
            model: self.reply.model.take(),
            finish_reason: self.reply.finish_reason.take(),
            snippet,
            text,
            result,
        }
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use zeroize::Zeroizing;

    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after() {
        for attempt in 1..=6 {
            let base = BASE_BACKOFF
                .saturating_mul(1 << (attempt - 1))
                .min(MAX_BACKOFF);
            let wait = backoff(attempt, None);
            assert!(
                wait >= base && wait <= base.mul_f64(1.25),
                "{attempt}: {wait:?}"
            );
        }
        let asked = Duration::from_secs(3);
        let wait = backoff(1, Some(asked));
        assert!(wait >= asked && wait <= asked.mul_f64(1.1));
    }

    #[test]
    fn only_a_prompt_test_quotes_a_snippet() {
        let conversation = Conversation::prompt(Zeroizing::new("Say hello, please".into()), 8);
        for (limits, quoted) in [(ReplyLimits::TEST, true), (ReplyLimits::CHAT, false)] {
            let redactor = Arc::new(conversation.redactor(None));
            let mut progress = Progress::new(Instant::now(), limits, None, redactor, None);
            progress.reply.push_text(&"Hello! ".repeat(300));
            let report = progress.report(Ok(()));
            assert_eq!(report.snippet.is_some(), quoted, "{limits:?}");
            assert_eq!(report.text.len(), 2100.min(limits.text_bytes));
        }
    }
}
