//! Prompt tests against scripted HTTP servers, for every wire dialect: success streamed
//! and whole, each failure class, retries, deadlines, cancellation and the governor.
//! These drive the library's test runner directly; `tests/tests/prompt_test.rs` drives the
//! same through the real binary.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use llm_agent::calls::governor::{Governor, Ticket};
use llm_agent::calls::run::{CallJob, ReplyLimits, run_call};
use llm_agent::prompt_test::outcome;
use llm_agent::prompt_test::prepare::{MAX_TEST_REPLY_TOKENS, Subject};
use llm_agent::providers::{Conversation, Target, http};
use llm_agent::vault::secret::ApiKey;
use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::methods::chat::CallClass;
use llm_agent_protocol::methods::profiles::{
    ProfileMetadata, RedactedProfile, TestOutcome, TestStage,
};
use llm_agent_tests::dialects::{anthropic, ollama, openai, prompt_of};
use llm_agent_tests::http_fixture::{HttpFixture, NDJSON, RecordedRequest, SSE, Script};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use zeroize::Zeroizing;

const KEY: &str = "sk-test-0123456789abcdefSECRET";
const PROMPT: &str = "Say hello to the learner";

/// One provider of each dialect, as a profile would hold it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    OpenAi,
    Ollama,
    Anthropic,
    Azure,
}

const KINDS: [Kind; 4] = [Kind::OpenAi, Kind::Ollama, Kind::Anthropic, Kind::Azure];
const MODEL: &str = "test-model";

impl Kind {
    fn provider(self) -> &'static str {
        match self {
            Kind::OpenAi => "openai",
            Kind::Ollama => "ollama",
            Kind::Anthropic => "anthropic",
            Kind::Azure => "azure_openai",
        }
    }

    fn key(self) -> Option<&'static str> {
        (self != Kind::Ollama).then_some(KEY)
    }

    fn endpoint(self, base: &str) -> String {
        match self {
            Kind::OpenAi => format!("{base}/v1"),
            _ => base.to_owned(),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Kind::OpenAi => "/v1/chat/completions",
            Kind::Ollama => "/api/chat",
            Kind::Anthropic => "/v1/messages",
            Kind::Azure => "/openai/deployments/tutor-dep/chat/completions?api-version=2024-10-21",
        }
    }

    fn target(self, base: &str, options: &[(&str, &str)]) -> Target {
        let mut all: BTreeMap<String, String> = options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if self == Kind::Azure {
            all.insert("deployment".into(), "tutor-dep".into());
            all.insert("api_version".into(), "2024-10-21".into());
        }
        let profile = RedactedProfile {
            id: uuid::Uuid::new_v4().to_string(),
            name: "p".into(),
            provider: self.provider().into(),
            endpoint: self.endpoint(base),
            model: MODEL.into(),
            has_api_key: self.key().is_some(),
            api_key_hint: None,
            consent_granted_at: None,
            consent_withdrawn_at: None,
            created_at: String::new(),
            updated_at: String::new(),
            active: true,
            metadata: ProfileMetadata {
                options: all,
                ..Default::default()
            },
        };
        Target::of(&profile, self.key().map(|k| ApiKey::new(k.to_owned()))).unwrap()
    }

    fn stream(self, parts: &[&str]) -> Script {
        match self {
            Kind::OpenAi | Kind::Azure => openai::stream(MODEL, parts, Some((11, 3))),
            Kind::Ollama => ollama::stream(MODEL, parts, (11, 3)),
            Kind::Anthropic => anthropic::stream(MODEL, parts, (11, 3)),
        }
    }

    /// The stream's pieces, framed, for scripts that cut or stall it.
    fn stream_pieces(self, parts: &[&str]) -> (&'static str, Vec<String>) {
        match self {
            Kind::OpenAi | Kind::Azure => (SSE, openai::stream_events(MODEL, parts, Some((11, 3)))),
            Kind::Ollama => (
                NDJSON,
                ollama::stream_lines(MODEL, parts, (11, 3))
                    .iter()
                    .map(|line| format!("{line}\n"))
                    .collect(),
            ),
            Kind::Anthropic => (SSE, anthropic::stream_events(MODEL, parts, (11, 3))),
        }
    }

    /// The head and the stream's first piece, then nothing more.
    fn stalled_stream(self, parts: &[&str]) -> Script {
        let (content_type, pieces) = self.stream_pieces(parts);
        Script::new()
            .header("content-type", content_type)
            .chunk(pieces[0].clone())
            .stall()
    }

    fn whole(self, text: &str) -> Script {
        match self {
            Kind::OpenAi | Kind::Azure => openai::completion(MODEL, text, Some((11, 3))),
            Kind::Ollama => ollama::completion(MODEL, text, (11, 3)),
            Kind::Anthropic => anthropic::completion(MODEL, text, (11, 3)),
        }
    }

    /// An error body in the dialect's shape; `message` may echo the key.
    fn error(self, status: u16, kind: &str, message: &str) -> Script {
        match self {
            Kind::OpenAi | Kind::Azure => openai::error(status, message, kind, Some(kind)),
            Kind::Ollama => ollama::error(status, message),
            Kind::Anthropic => anthropic::error(status, kind, message),
        }
    }

    fn model_not_found(self) -> Script {
        match self {
            Kind::OpenAi => openai::error(
                404,
                "The model `test-model` does not exist or you do not have access to it.",
                "invalid_request_error",
                Some("model_not_found"),
            ),
            Kind::Azure => Script::json(
                404,
                &json!({"error": {"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist."}}),
            ),
            Kind::Ollama => ollama::model_not_found(MODEL),
            Kind::Anthropic => anthropic::error(404, "not_found_error", "model: test-model"),
        }
    }
}

fn prompt(text: &str) -> Conversation {
    Conversation::prompt(Zeroizing::new(text.to_owned()), MAX_TEST_REPLY_TOKENS)
}

fn job(target: Target, timeout: Duration) -> CallJob {
    let received = Instant::now();
    CallJob {
        profile_id: uuid::Uuid::new_v4(),
        target,
        conversation: prompt(PROMPT),
        class: CallClass::Interactive,
        received,
        deadline: received + timeout,
        cancel: CancellationToken::new(),
        shutdown: CancellationToken::new(),
        parallelism: 1,
        limits: ReplyLimits::TEST,
    }
}

/// A turn from a governor of its own.
fn alone() -> Ticket {
    Arc::new(Governor::new(1))
        .enqueue(CallClass::Interactive)
        .unwrap()
}

/// Runs `job` as a prompt test and describes it as `profiles.test` would.
async fn run_test(job: &CallJob, ticket: Ticket) -> TestOutcome {
    let subject = Subject {
        profile_id: job.profile_id.to_string(),
        provider: job.target.provider.clone(),
        requested_model: job.target.model.clone(),
    };
    outcome(&subject, run_call(job, ticket, None).await)
}

async fn test_with(kind: Kind, base: &str, timeout: Duration) -> TestOutcome {
    http::install_crypto_provider();
    let job = job(kind.target(base, &[]), timeout);
    run_test(&job, alone()).await
}

async fn test(kind: Kind, fixture: &HttpFixture) -> TestOutcome {
    test_with(kind, &fixture.url(), Duration::from_secs(10)).await
}

fn code(outcome: &TestOutcome) -> Option<ErrorCode> {
    outcome.error.as_ref().map(|e| e.code.clone())
}

fn remediation(outcome: &TestOutcome) -> &str {
    outcome
        .error
        .as_ref()
        .and_then(|e| e.remediation.as_deref())
        .unwrap_or("")
}

fn assert_request_shape(kind: Kind, request: &RecordedRequest) {
    assert_eq!(request.method, "POST", "{kind:?}");
    assert_eq!(request.path, kind.path(), "{kind:?}");
    let body = request.json();
    assert_eq!(body["stream"], json!(true), "{kind:?}");
    let messages = &body["messages"];
    assert_eq!(messages[0]["role"], "user", "{kind:?}");
    assert_eq!(messages[0]["content"], PROMPT, "{kind:?}");
    let max_tokens = match kind {
        Kind::OpenAi => &body["max_completion_tokens"],
        Kind::Ollama => &body["options"]["num_predict"],
        Kind::Anthropic | Kind::Azure => &body["max_tokens"],
    };
    assert!(
        max_tokens.as_u64().is_some_and(|n| n <= 64),
        "{kind:?}: {body}"
    );
    match kind {
        Kind::OpenAi => {
            assert_eq!(
                request.header("authorization"),
                Some(&*format!("Bearer {KEY}"))
            );
            assert_eq!(body["model"], MODEL);
        }
        Kind::Ollama => {
            assert_eq!(request.header("authorization"), None);
            assert_eq!(body["model"], MODEL);
        }
        Kind::Anthropic => {
            assert_eq!(request.header("x-api-key"), Some(KEY));
            assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
            assert_eq!(request.header("authorization"), None);
            assert_eq!(body["model"], MODEL);
        }
        Kind::Azure => {
            assert_eq!(request.header("api-key"), Some(KEY));
            assert_eq!(request.header("authorization"), None);
        }
    }
}

#[tokio::test]
async fn a_streamed_reply_succeeds_with_ordered_stage_timings() {
    for kind in KINDS {
        let fixture = HttpFixture::start(move |_| kind.stream(&["Hello", ", learner", "!"])).await;
        let outcome = test(kind, &fixture).await;
        assert!(outcome.success, "{kind:?}: {outcome:?}");
        assert_eq!(outcome.error, None);
        assert!(outcome.streamed, "{kind:?}");
        assert_eq!(outcome.stage, TestStage::Complete);
        assert_eq!(outcome.attempts, 1);
        assert_eq!(outcome.http_status, Some(200));
        assert_eq!(
            outcome.snippet.as_deref(),
            Some("Hello, learner!"),
            "{kind:?}"
        );
        assert_eq!(outcome.model.as_deref(), Some(MODEL), "{kind:?}");
        assert_eq!(outcome.requested_model, MODEL);
        let usage = outcome.usage.clone().expect("usage");
        assert_eq!(
            (usage.input_tokens, usage.output_tokens, usage.total_tokens),
            (Some(11), Some(3), Some(14)),
            "{kind:?}"
        );
        assert!(outcome.finish_reason.is_some(), "{kind:?}");
        let t = &outcome.timings;
        let stages = [
            t.connected_ms,
            t.headers_ms,
            t.first_token_ms,
            t.completed_ms,
        ]
        .map(|s| s.unwrap_or_else(|| panic!("{kind:?}: a stage is missing: {t:?}")));
        assert!(stages.windows(2).all(|w| w[0] <= w[1]), "{kind:?}: {t:?}");
        assert!(stages[3] <= t.total_ms, "{kind:?}: {t:?}");
        let requests = fixture.requests();
        assert_eq!(requests.len(), 1);
        assert_request_shape(kind, &requests[0]);
    }
}

#[tokio::test]
async fn a_reply_sent_whole_is_read_too() {
    for kind in KINDS {
        let fixture = HttpFixture::start(move |_| kind.whole("All set.")).await;
        let outcome = test(kind, &fixture).await;
        assert!(outcome.success, "{kind:?}: {outcome:?}");
        assert!(!outcome.streamed, "{kind:?}");
        assert_eq!(outcome.snippet.as_deref(), Some("All set."));
        assert_eq!(
            outcome.usage.and_then(|u| u.total_tokens),
            Some(14),
            "{kind:?}"
        );
    }
}

#[tokio::test]
async fn a_refused_key_is_auth_failed_and_the_key_never_comes_back() {
    for kind in KINDS {
        let echo = format!("Incorrect API key provided: {KEY}");
        let fixture =
            HttpFixture::start(move |_| kind.error(401, "authentication_error", &echo)).await;
        let outcome = test(kind, &fixture).await;
        assert!(!outcome.success);
        assert_eq!(
            code(&outcome),
            Some(ErrorCode::AuthFailed),
            "{kind:?}: {outcome:?}"
        );
        assert_eq!(outcome.http_status, Some(401));
        assert_eq!(outcome.attempts, 1, "a 401 is not retried");
        if kind.key().is_some() {
            let shown = format!("{outcome:?}");
            assert!(!shown.contains(KEY), "{kind:?}: the key leaked: {shown}");
            assert!(shown.contains("[redacted]"), "{kind:?}: {shown}");
        } else {
            assert!(remediation(&outcome).contains("add one"), "{outcome:?}");
        }
        assert!(!remediation(&outcome).is_empty());
    }
    let fixture = HttpFixture::start(|_| Script::json(403, &json!({"error": "forbidden"}))).await;
    let outcome = test(Kind::OpenAi, &fixture).await;
    assert_eq!(code(&outcome), Some(ErrorCode::AuthFailed));
    assert!(remediation(&outcome).contains("permissions"), "{outcome:?}");
}

#[tokio::test]
async fn a_profile_without_its_required_key_fails_before_sending() {
    let fixture = HttpFixture::start(|_| Script::json(200, &json!({}))).await;
    let mut job = job(
        Kind::Anthropic.target(&fixture.url(), &[]),
        Duration::from_secs(5),
    );
    job.target.api_key = None;
    let outcome = run_test(&job, alone()).await;
    assert_eq!(code(&outcome), Some(ErrorCode::AuthFailed));
    assert_eq!(outcome.attempts, 0);
    assert_eq!(outcome.stage, TestStage::Queued);
    assert!(remediation(&outcome).contains("console.anthropic.com"));
    assert!(fixture.requests().is_empty());
}

/// Answers 429 with `Retry-After: 1` for the first `limited` requests, then `ok`.
fn limited_then(kind: Kind, limited: usize) -> impl Fn(&RecordedRequest) -> Script {
    let seen = AtomicUsize::new(0);
    move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < limited {
            kind.error(429, "rate_limit_error", "Rate limit reached")
                .header("retry-after", "1")
        } else {
            kind.stream(&["ok"])
        }
    }
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after() {
    let tasks = KINDS.map(|kind| {
        tokio::spawn(async move {
            let fixture = HttpFixture::start(limited_then(kind, 1)).await;
            let outcome = test(kind, &fixture).await;
            assert!(outcome.success, "{kind:?}: {outcome:?}");
            assert_eq!(outcome.attempts, 2, "{kind:?}");
            let requests = fixture.requests();
            let gap = requests[1].arrived - requests[0].arrived;
            assert!(
                gap >= Duration::from_secs(1),
                "{kind:?}: Retry-After ignored: {gap:?}"
            );
            assert!(outcome.timings.total_ms >= 1000.0);
        })
    });
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn a_429_until_the_deadline_answers_rate_limited_in_time() {
    let tasks = KINDS.map(|kind| {
        tokio::spawn(async move {
            let fixture = HttpFixture::start(limited_then(kind, usize::MAX)).await;
            let outcome = test_with(kind, &fixture.url(), Duration::from_millis(2500)).await;
            assert_eq!(
                code(&outcome),
                Some(ErrorCode::RateLimited),
                "{kind:?}: {outcome:?}"
            );
            assert!(outcome.attempts >= 2, "{kind:?}: {outcome:?}");
            assert_eq!(outcome.attempts as usize, fixture.requests().len());
            assert_eq!(outcome.retry_after_ms, Some(1000));
            let details = outcome.error.as_ref().and_then(|e| e.details.clone());
            assert_eq!(
                details,
                Some(rmpv::Value::Map(vec![(
                    "retry_after_ms".into(),
                    1000.into()
                )]))
            );
            assert!(
                outcome.timings.total_ms < 2500.0,
                "it stops rather than sleep past the deadline"
            );
        })
    });
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn a_5xx_is_provider_error_with_its_message_sanitized() {
    for kind in KINDS {
        let fixture = HttpFixture::start(move |_| {
            kind.error(
                500,
                "api_error",
                "internal\u{1b}[31m failure\n\u{202e}while loading",
            )
        })
        .await;
        let outcome = test(kind, &fixture).await;
        assert_eq!(
            code(&outcome),
            Some(ErrorCode::ProviderError),
            "{kind:?}: {outcome:?}"
        );
        assert_eq!(outcome.http_status, Some(500));
        let message = &outcome.error.as_ref().unwrap().message;
        assert!(
            message.contains("internal [31m failure while loading"),
            "{kind:?}: {message}"
        );
        assert!(!message.chars().any(|c| c.is_control() || c == '\u{202e}'));
    }
}

#[tokio::test]
async fn a_missing_model_is_model_not_found_with_the_providers_remedy() {
    for kind in KINDS {
        let fixture = HttpFixture::start(move |_| kind.model_not_found()).await;
        let outcome = test(kind, &fixture).await;
        assert_eq!(
            code(&outcome),
            Some(ErrorCode::ModelNotFound),
            "{kind:?}: {outcome:?}"
        );
        let expected = match kind {
            Kind::Ollama => "ollama pull test-model",
            Kind::Azure => "deployment",
            _ => "model id",
        };
        assert!(
            remediation(&outcome).contains(expected),
            "{kind:?}: {outcome:?}"
        );
    }
}

#[tokio::test]
async fn a_stalled_server_times_out_at_the_stage_it_reached() {
    let tasks = KINDS.map(|kind| {
        tokio::spawn(async move {
            let fixture = HttpFixture::start(|_| Script::new().stall()).await;
            let outcome = test_with(kind, &fixture.url(), Duration::from_millis(400)).await;
            assert_eq!(
                code(&outcome),
                Some(ErrorCode::Timeout),
                "{kind:?}: {outcome:?}"
            );
            assert_eq!(outcome.stage, TestStage::AwaitingHeaders, "{kind:?}");
            assert!(outcome.timings.connected_ms.is_some());
            assert!(outcome.timings.total_ms >= 400.0);
            fixture.wait_for_hangups(1, Duration::from_secs(5)).await;

            let fixture = HttpFixture::start(move |_| kind.stalled_stream(&["Hel", "lo"])).await;
            let outcome = test_with(kind, &fixture.url(), Duration::from_millis(400)).await;
            assert_eq!(code(&outcome), Some(ErrorCode::Timeout), "{kind:?}");
            assert!(
                matches!(
                    outcome.stage,
                    TestStage::AwaitingFirstToken | TestStage::Streaming
                ),
                "{kind:?}: {:?}",
                outcome.stage
            );
            assert!(outcome.timings.headers_ms.is_some());
        })
    });
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn a_malformed_body_is_invalid_response() {
    for kind in KINDS {
        for script in [
            Script::json(200, &json!({"unexpected": true})),
            Script::new()
                .header("content-type", "text/html")
                .body("<html><body>Welcome</body></html>"),
            Script::new()
                .header("content-type", "text/event-stream")
                .chunk("data: {not json\n\n")
                .end(),
        ] {
            let fixture = HttpFixture::start(move |_| script.clone()).await;
            let outcome = test(kind, &fixture).await;
            assert_eq!(
                code(&outcome),
                Some(ErrorCode::InvalidResponse),
                "{kind:?}: {outcome:?}"
            );
            assert!(remediation(&outcome).contains("base URL"), "{kind:?}");
        }
    }
}

#[tokio::test]
async fn a_stream_cut_halfway_is_invalid_response() {
    for kind in KINDS {
        let (content_type, pieces) = kind.stream_pieces(&["Hel", "lo", " there"]);
        // Up to the second piece of text: past the first token, before any end marker.
        let second = pieces.iter().position(|p| p.contains("\"lo\"")).unwrap();
        let half = pieces[..=second].concat();
        for close in [true, false] {
            let half = half.clone();
            let fixture = HttpFixture::start(move |_| {
                let script = Script::new()
                    .header("content-type", content_type)
                    .chunk(half.clone());
                // Cut the connection, or end the body cleanly but early.
                if close { script.close() } else { script.end() }
            })
            .await;
            let outcome = test(kind, &fixture).await;
            assert_eq!(
                code(&outcome),
                Some(ErrorCode::InvalidResponse),
                "{kind:?} close={close}: {outcome:?}"
            );
            assert!(
                outcome
                    .error
                    .as_ref()
                    .unwrap()
                    .message
                    .contains("stopped before it was complete")
            );
            assert!(
                outcome.timings.first_token_ms.is_some(),
                "{kind:?}: some text arrived"
            );
        }
    }
}

#[tokio::test]
async fn a_refused_connection_is_unreachable_with_a_start_hint() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    for kind in KINDS {
        let outcome = test_with(kind, &base, Duration::from_secs(5)).await;
        assert_eq!(
            code(&outcome),
            Some(ErrorCode::Unreachable),
            "{kind:?}: {outcome:?}"
        );
        assert_eq!(outcome.stage, TestStage::Connecting);
        assert_eq!(outcome.http_status, None);
        if kind == Kind::Ollama {
            assert!(
                remediation(&outcome).contains("ollama serve"),
                "{outcome:?}"
            );
        }
    }
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_tls_error() {
    let fixture = HttpFixture::start(|_| Script::json(200, &json!({}))).await;
    let base = fixture.url().replace("http://", "https://");
    let outcome = test_with(Kind::Ollama, &base, Duration::from_secs(5)).await;
    assert_eq!(code(&outcome), Some(ErrorCode::TlsError), "{outcome:?}");
    assert!(remediation(&outcome).contains("http://"), "{outcome:?}");
}

#[tokio::test]
async fn a_base_url_without_v1_is_pointed_out() {
    let fixture = HttpFixture::start(|_| Script::new().status(404).body("Not Found")).await;
    http::install_crypto_provider();
    let mut target = Kind::OpenAi.target(&fixture.url(), &[]);
    target.endpoint = fixture.url().parse().unwrap();
    target.provider = "lm_studio".into();
    target.api_key = None;
    let outcome = run_test(&job(target, Duration::from_secs(5)), alone()).await;
    assert_eq!(
        code(&outcome),
        Some(ErrorCode::InvalidResponse),
        "{outcome:?}"
    );
    assert!(remediation(&outcome).contains("/v1"), "{outcome:?}");
}

#[tokio::test]
async fn a_cancel_mid_stream_stops_at_once_and_drops_the_request() {
    for kind in KINDS {
        let fixture = HttpFixture::start(move |_| kind.stalled_stream(&["Hel", "lo"])).await;
        http::install_crypto_provider();
        let job = job(kind.target(&fixture.url(), &[]), Duration::from_secs(30));
        let cancel = job.cancel.clone();
        let running = tokio::spawn(async move { run_test(&job, alone()).await });
        fixture.wait_for_requests(1, Duration::from_secs(5)).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let cancelled_at = Instant::now();
        cancel.cancel();
        let outcome = running.await.unwrap();
        assert!(
            cancelled_at.elapsed() < Duration::from_secs(1),
            "{kind:?}: not at once"
        );
        assert_eq!(
            code(&outcome),
            Some(ErrorCode::Cancelled),
            "{kind:?}: {outcome:?}"
        );
        fixture.wait_for_hangups(1, Duration::from_secs(5)).await;
    }
}

#[tokio::test]
async fn a_limit_of_one_runs_ten_tests_one_at_a_time_in_order() {
    http::install_crypto_provider();
    let fixture =
        HttpFixture::start(|_| ollama::delayed_done(MODEL, Duration::from_millis(40), (1, 1)))
            .await;
    let governor = Arc::new(Governor::new(1));
    let mut tasks = Vec::new();
    for i in 0..10 {
        let mut job = job(
            Kind::Ollama.target(&fixture.url(), &[("parallelism", "1")]),
            Duration::from_secs(20),
        );
        assert_eq!(job.target.parallelism(), 1);
        job.conversation = prompt(&format!("prompt {i}"));
        // The place is taken in this order, as the calls actor does.
        let ticket = governor.enqueue(CallClass::Interactive).unwrap();
        tasks.push(tokio::spawn(async move { run_test(&job, ticket).await }));
    }
    let mut queued = Vec::new();
    for task in tasks {
        let outcome = task.await.unwrap();
        assert!(outcome.success, "{outcome:?}");
        queued.push(outcome.timings.queued_ms);
    }
    assert_eq!(fixture.max_in_progress(), 1);
    let order: Vec<_> = fixture.requests().iter().map(prompt_of).collect();
    assert_eq!(
        order,
        (0..10).map(|i| format!("prompt {i}")).collect::<Vec<_>>()
    );
    assert!(
        queued[9] >= 9.0 * 40.0,
        "the last one waited for nine others: {queued:?}"
    );
}

#[tokio::test]
async fn shutdown_cancels_a_running_test_with_its_own_reason() {
    http::install_crypto_provider();
    let fixture = HttpFixture::start(|_| Script::new().stall()).await;
    let mut job = job(
        Kind::Ollama.target(&fixture.url(), &[]),
        Duration::from_secs(30),
    );
    let shutdown = CancellationToken::new();
    job.cancel = shutdown.child_token();
    job.shutdown = shutdown.clone();
    let running = tokio::spawn(async move { run_test(&job, alone()).await });
    fixture.wait_for_requests(1, Duration::from_secs(5)).await;
    shutdown.cancel();
    let outcome = running.await.unwrap();
    assert_eq!(code(&outcome), Some(ErrorCode::Cancelled));
    assert!(outcome.error.unwrap().message.contains("shutting down"));
}

#[tokio::test]
async fn a_reply_ends_at_its_end_marker_whatever_the_connection_does() {
    for kind in KINDS {
        let (content_type, pieces) = kind.stream_pieces(&["All", " done"]);
        let whole = pieces.concat();
        for then_close in [false, true] {
            let whole = whole.clone();
            let fixture = HttpFixture::start(move |_| {
                let script = Script::new()
                    .header("content-type", content_type)
                    .chunk(whole.clone());
                // Keep the connection open after the end marker, or drop it.
                if then_close {
                    script.close()
                } else {
                    script.stall()
                }
            })
            .await;
            let outcome = test_with(kind, &fixture.url(), Duration::from_secs(5)).await;
            assert!(outcome.success, "{kind:?} close={then_close}: {outcome:?}");
            assert_eq!(outcome.snippet.as_deref(), Some("All done"));
            assert!(
                outcome.timings.total_ms < 4000.0,
                "{kind:?}: it stopped at the end marker"
            );
        }
    }
}

#[tokio::test]
async fn a_localhost_name_is_pinned_to_loopback_not_resolved() {
    let fixture = HttpFixture::start(|_| Kind::Ollama.stream(&["hi"])).await;
    let port = fixture.addr().port();
    // No DNS server knows this name: only pinning reaches the fixture.
    let outcome = test_with(
        Kind::Ollama,
        &format!("http://tutor-test.localhost:{port}"),
        Duration::from_secs(5),
    )
    .await;
    assert!(outcome.success, "{outcome:?}");
}
