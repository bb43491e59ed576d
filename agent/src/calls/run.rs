//! Runs one prompt test: waits for the endpoint's governor, sends the request, reads the
//! reply as it streams, retries a `429` with exponential backoff and jitter (honouring
//! `Retry-After`, never past the deadline), and describes how it went. The deadline
//! covers everything from the request's arrival; a cancel stops the test at once,
//! dropping the HTTP request and leaving the queue.

use std::time::{Duration, Instant};

use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::events::PromptTestRecord;
use llm_agent_protocol::methods::profiles::{TestOutcome, TestStage, TestTimings};
use reqwest::header::CONTENT_TYPE;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::governor::Ticket;
use crate::providers::failure::{self, Failure, millis};
use crate::providers::framing::{Lines, SseDecoder};
use crate::providers::http::{self, ConnectClock, TransportError};
use crate::providers::{ProviderMessage, Reply, ReplyError, Request, Target};

/// The most requests one test sends (the first and up to four retries after a `429`).
pub const MAX_ATTEMPTS: u32 = 5;
/// The first backoff after a `429` without `Retry-After`; it doubles per attempt.
pub const BASE_BACKOFF: Duration = Duration::from_millis(500);
/// The longest backoff.
pub const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// The most of a reply a test reads.
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;
/// The most of an error body a test reads.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// One prompt test to run.
pub struct PromptTest {
    pub profile_id: Uuid,
    pub target: Target,
    /// Sent to the provider and nowhere else; wiped from memory when the job ends.
    pub prompt: Zeroizing<String>,
    /// When the request arrived: the deadline and `total_ms` count from here.
    pub received: Instant,
    pub deadline: Instant,
    /// Cancelled when the caller gives up or the agent shuts down.
    pub cancel: CancellationToken,
    /// Whether `cancel` means the agent is shutting down (else the caller cancelled).
    pub shutdown: CancellationToken,
    /// How many tests may run at once at this target's endpoint.
    pub parallelism: usize,
}

/// Runs the test to its end, once `ticket` gives it a turn. Never fails: every failure is
/// in the outcome.
pub async fn run_test(job: &PromptTest, ticket: Ticket) -> TestOutcome {
    let mut progress = Progress::new(job.received);
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
            "cancelled by the client",
            "Nothing to do: the test was stopped on request.",
        )),
    };
    progress.outcome(job, result)
}

/// The outcome of a test that could not run its course (its task panicked).
pub fn failed(job: &PromptTest, failure: Failure) -> TestOutcome {
    Progress::new(job.received).outcome(job, Err(failure))
}

enum Ended {
    Finished(Result<(), Failure>),
    DeadlinePassed,
    Cancelled,
}

async fn drive(job: &PromptTest, ticket: Ticket, progress: &mut Progress) -> Result<(), Failure> {
    let target = &job.target;
    if target.api_key.is_none() && target.needs_key() {
        return Err(failure::missing_key(target));
    }
    let request = target.dialect.request(target, &job.prompt)?;
    let _turn = ticket.turn().await;
    progress.queued = job.received.elapsed();
    let client = http::client(target, &progress.clock).map_err(|err| {
        Failure::internal(&format!(
            "cannot build an HTTP client: {}",
            http::innermost(&err)
        ))
    })?;
    loop {
        let failure = match attempt(&client, &request, target, progress).await {
            Ok(()) => return Ok(()),
            Err(failure) if failure.may_retry => failure,
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
            "rate-limited; retrying"
        );
        tokio::time::sleep(wait).await;
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
            .map(|v| crate::sanitize::sanitize(&crate::providers::redact(v, key_of(target)), 160))
            .unwrap_or_default();
        return Err(failure::redirected(target, status.as_u16(), &to));
    }
    if !status.is_success() {
        let retry_after = http::retry_after(response.headers());
        let body = read_bounded(&mut response, MAX_ERROR_BODY_BYTES).await;
        let said = ProviderMessage::from_body(&body, key_of(target));
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
        if read > MAX_REPLY_BYTES {
            return Err(failure::invalid_shape(
                target,
                &format!("the reply exceeds {} KiB", MAX_REPLY_BYTES / 1024),
                progress.http_status,
            ));
        }
        framing
            .push(&chunk, target, &mut progress.reply)
            .map_err(|err| reply_failure(err, target, progress))?;
        progress.note_text();
    }
    framing
        .finish(target, &mut progress.reply)
        .map_err(|err| reply_failure(err, target, progress))?;
    progress.note_text();
    if !progress.reply.done {
        return Err(failure::cut_short(
            target,
            "the stream ended without its end marker",
        ));
    }
    progress.completed = Some(Instant::now());
    Ok(())
}

fn key_of(target: &Target) -> Option<&str> {
    target.api_key.as_ref().map(|key| key.expose())
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

/// How far a test got, updated as it goes so that a deadline or a cancel can still say.
struct Progress {
    received: Instant,
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
    fn new(received: Instant) -> Self {
        Progress {
            received,
            queued: Duration::ZERO,
            attempts: 0,
            attempt_started: None,
            clock: ConnectClock::default(),
            headers: None,
            first_token: None,
            completed: None,
            http_status: None,
            streamed: false,
            reply: Reply::default(),
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
        self.reply = Reply::default();
    }

    fn note_text(&mut self) {
        if self.first_token.is_none() && self.reply.has_text() {
            self.first_token = Some(Instant::now());
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

    fn outcome(self, job: &PromptTest, result: Result<(), Failure>) -> TestOutcome {
        let stage = self.stage();
        let timings = self.timings();
        let (success, error, retry_after_ms) = match &result {
            Ok(()) => (true, None, None),
            Err(failure) => (
                false,
                Some(failure.to_wire(job.target.api_key.as_ref().map(|k| k.expose()))),
                failure.retry_after.map(millis),
            ),
        };
        let usage = self.reply.usage.clone();
        let has_usage = usage.input_tokens.is_some()
            || usage.output_tokens.is_some()
            || usage.total_tokens.is_some();
        TestOutcome {
            profile_id: job.profile_id.to_string(),
            success,
            provider: job.target.provider.clone(),
            requested_model: job.target.model.clone(),
            model: self
                .reply
                .model
                .as_deref()
                .map(|model| crate::providers::redact(model, key_of(&job.target)).into_owned()),
            http_status: self.http_status,
            attempts: self.attempts,
            streamed: self.streamed,
            stage,
            timings,
            usage: has_usage.then_some(usage),
            snippet: self.reply.snippet(key_of(&job.target)),
            finish_reason: self.reply.finish_reason.clone(),
            estimated_cost: None,
            retry_after_ms,
            error,
        }
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// What diagnostics keep of an outcome: numbers and names, no text.
pub fn record(outcome: &TestOutcome) -> PromptTestRecord {
    PromptTestRecord {
        provider: outcome.provider.clone(),
        http_status: outcome.http_status,
        attempts: outcome.attempts,
        streamed: outcome.streamed,
        stage: outcome.stage,
        timings: outcome.timings.clone(),
        input_tokens: outcome.usage.as_ref().and_then(|u| u.input_tokens),
        output_tokens: outcome.usage.as_ref().and_then(|u| u.output_tokens),
    }
}

#[cfg(test)]
mod tests {
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
}
