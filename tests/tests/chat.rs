//! `chat.run`, `usage.*` and `profiles.models` through the real binary and client: keys
//! from a real gnome-keyring, scripted providers on loopback in every dialect, deltas
//! streamed and not, cancel, deadline, retries, the governor's classes and backoff,
//! spending totals across a restart, the daily cap, and a privacy scan of everything the
//! agent keeps.

// Unix only: the raw connection (to see every frame) is a Unix socket.
#![cfg(unix)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use llm_agent_client::{CallOptions, Client, ClientError};
use llm_agent_protocol::envelope::{Cancel, Envelope};
use llm_agent_protocol::events::{DiagnosticsKind, Topic};
use llm_agent_protocol::methods::agent::Status;
use llm_agent_protocol::methods::catalog::SetRole;
use llm_agent_protocol::methods::chat::{
    self, CallClass, ChatMessage, ChatParams, ChatResult, ChatRole,
};
use llm_agent_protocol::methods::diagnostics::{Query, QueryParams};
use llm_agent_protocol::methods::profiles::{CreateParams, Models, ModelsParams, ProfileMetadata};
use llm_agent_protocol::methods::usage::{
    AlertLevel, SetCap, SetCapParams, SpendingAlert, Summary,
};
use llm_agent_protocol::{ErrorCode, Method, WireError};
use llm_agent_tests::agent::files_under;
use llm_agent_tests::chat::{asked, to_profile, to_role, user};
use llm_agent_tests::dialects::{anthropic, ollama, openai};
use llm_agent_tests::http_fixture::{HttpFixture, RecordedRequest, Script};
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, create, with_parallelism};
use llm_agent_tests::{TestAgent, no_params};
use serde_json::json;

const KEY: &str = "sk-chat-KEY-MARKER-3c9d1e";
const QUESTION: &str = "QUESTION-MARKER-77a1: what is a noun?";
const REPLY: [&str; 3] = ["A noun ", "names a thing", " (REPLY-MARKER-c4e2)."];
const MODEL: &str = "test-model";
const WAIT: Duration = Duration::from_secs(10);

/// One provider of each dialect, as a profile holds it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    OpenAi,
    Azure,
    Anthropic,
    Ollama,
}

const KINDS: [Kind; 4] = [Kind::OpenAi, Kind::Azure, Kind::Anthropic, Kind::Ollama];

impl Kind {
    fn profile(self, base: &str) -> CreateParams {
        let (provider, endpoint, key) = match self {
            Kind::OpenAi => ("openai", format!("{base}/v1"), Some(KEY)),
            Kind::Azure => ("azure_openai", base.to_owned(), Some(KEY)),
            Kind::Anthropic => ("anthropic", base.to_owned(), Some(KEY)),
            Kind::Ollama => ("ollama", base.to_owned(), None),
        };
        let options = match self {
            Kind::Azure => [
                ("deployment".to_owned(), "tutor".to_owned()),
                ("api_version".to_owned(), "2024-10-21".to_owned()),
            ]
            .into(),
            _ => Default::default(),
        };
        CreateParams {
            name: format!("{self:?}"),
            provider: provider.into(),
            endpoint,
            model: MODEL.into(),
            api_key: key.map(Into::into),
            metadata: Some(ProfileMetadata {
                options,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn stream(self, parts: &[&str]) -> Script {
        match self {
            Kind::OpenAi | Kind::Azure => openai::stream(MODEL, parts, Some((12, 7))),
            Kind::Anthropic => anthropic::stream(MODEL, parts, (12, 7)),
            Kind::Ollama => ollama::stream(MODEL, parts, (12, 7)),
        }
    }

    fn whole(self, text: &str) -> Script {
        match self {
            Kind::OpenAi | Kind::Azure => openai::completion(MODEL, text, Some((12, 7))),
            Kind::Anthropic => anthropic::completion(MODEL, text, (12, 7)),
            Kind::Ollama => ollama::completion(MODEL, text, (12, 7)),
        }
    }
}

/// An agent with its own keyring, and a client.
async fn agent() -> (KeyringSession, TestAgent, Client) {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    (keyring, agent, client)
}

async fn chat_call(client: &Client, params: ChatParams) -> Result<ChatResult, ClientError> {
    client
        .call_with::<chat::Run>(
            params,
            CallOptions::default().timeout(Duration::from_secs(60)),
        )
        .await
        .map(|reply| reply.result)
}

fn wire(err: ClientError) -> WireError {
    err.wire_error().cloned().expect("a wire error")
}

fn details_field(error: &WireError, field: &str) -> rmpv::Value {
    error.details.as_ref().expect("details")[field].clone()
}

/// Answers each request with `first` for the first `n` requests, then `then`.
fn first_then(n: usize, first: Script, then: Script) -> impl Fn(&RecordedRequest) -> Script {
    let seen = AtomicUsize::new(0);
    move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < n {
            first.clone()
        } else {
            then.clone()
        }
    }
}

// The raw connection blocks its thread: the fixture serves from another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dialect_answers_streamed_as_deltas_and_whole_without_them() {
    let (_keyring, agent, client) = agent().await;
    for kind in KINDS {
        let full: String = REPLY.concat();
        let fixture =
            HttpFixture::start(first_then(1, kind.stream(&REPLY), kind.whole(&full))).await;
        let id = create(&client, kind.profile(&fixture.url())).await;

        // Streamed: the deltas, in order, add up to the final text.
        let mut params = to_profile(&id, user(QUESTION));
        params.max_tokens = Some(64);
        let mut streamed = client
            .chat(params.clone(), CallOptions::default())
            .await
            .expect("chat");
        let mut deltas = Vec::new();
        while let Some(delta) = streamed.next().await {
            deltas.push(delta.expect("a delta").text);
        }
        let result = streamed.finish().await.expect("the result").result;
        assert_eq!(deltas.concat(), full, "{kind:?}");
        assert_eq!(result.text, full, "{kind:?}");
        assert!(result.streamed, "{kind:?}");
        assert_eq!((result.attempts, result.http_status), (1, 200));
        assert_eq!(result.class, CallClass::Interactive);
        assert_eq!(result.profile_id, id);
        assert_eq!(
            result.usage.as_ref().and_then(|u| u.total_tokens),
            Some(19),
            "{kind:?}"
        );
        assert!(result.estimated_cost.is_some(), "{kind:?}");
        let timings = &result.timings;
        assert!(timings.first_token_ms.unwrap() <= timings.completed_ms.unwrap());

        // Not asked for: no delta frame at all, only the response.
        let mut raw = agent.raw();
        raw.request(5, chat::Run::NAME, &params);
        let response = raw.response();
        let result: ChatResult =
            llm_agent_protocol::value::from_value(&response.result.expect("a result")).unwrap();
        assert_eq!(result.text, full, "{kind:?}");
        assert!(!result.streamed, "the server answered whole");

        let request = &fixture.requests()[0];
        assert_eq!(asked(request), QUESTION);
        match kind {
            Kind::Anthropic => assert_eq!(request.header("x-api-key"), Some(KEY)),
            Kind::Azure => {
                assert_eq!(request.header("api-key"), Some(KEY));
                assert!(request.path.starts_with("/openai/deployments/tutor/"));
            }
            Kind::OpenAi => {
                assert_eq!(
                    request.header("authorization"),
                    Some(&*format!("Bearer {KEY}"))
                )
            }
            Kind::Ollama => assert_eq!(request.header("authorization"), None),
        }
    }
}

#[tokio::test]
async fn messages_and_options_reach_each_dialect_in_its_own_shape() {
    let (_keyring, _agent, client) = agent().await;
    for kind in KINDS {
        let fixture = HttpFixture::start(move |_| kind.stream(&["ok"])).await;
        let id = create(&client, kind.profile(&fixture.url())).await;
        let params = ChatParams {
            max_tokens: Some(100),
            temperature: Some(0.5),
            stop: vec!["END".into()],
            ..to_profile(
                &id,
                vec![
                    ChatMessage::new(ChatRole::System, "Be brief."),
                    ChatMessage::new(ChatRole::User, "Hi"),
                    ChatMessage::new(ChatRole::Assistant, "Hello!"),
                    ChatMessage::new(ChatRole::User, QUESTION),
                ],
            )
        };
        chat_call(&client, params).await.expect("chat");
        let body = fixture.requests()[0].json();
        assert_eq!(body["stream"], json!(true), "{kind:?}");
        let roles: Vec<&str> = body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["role"].as_str().unwrap())
            .collect();
        match kind {
            Kind::Anthropic => {
                assert_eq!(body["system"], "Be brief.");
                assert_eq!(roles, ["user", "assistant", "user"]);
                assert_eq!(body["max_tokens"], 100);
                assert_eq!(body["stop_sequences"], json!(["END"]));
                assert_eq!(body["temperature"], 0.5);
            }
            Kind::Ollama => {
                assert_eq!(roles, ["system", "user", "assistant", "user"]);
                assert_eq!(
                    body["options"],
                    json!({"num_predict": 100, "temperature": 0.5, "stop": ["END"]})
                );
            }
            Kind::OpenAi | Kind::Azure => {
                assert_eq!(roles, ["system", "user", "assistant", "user"]);
                let tokens = if kind == Kind::OpenAi {
                    "max_completion_tokens"
                } else {
                    "max_tokens"
                };
                assert_eq!(body[tokens], 100, "{kind:?}: {body}");
                assert_eq!(body["stop"], json!(["END"]));
                assert_eq!(body["temperature"], 0.5);
            }
        }
    }
}

#[tokio::test]
async fn bad_calls_are_refused_with_their_field_before_anything_is_sent() {
    let (_keyring, _agent, client) = agent().await;
    let fixture = HttpFixture::start(|_| Kind::Anthropic.stream(&["ok"])).await;
    let id = create(&client, Kind::Anthropic.profile(&fixture.url())).await;
    let refused = |params: ChatParams, code: ErrorCode, field: Option<&'static str>| {
        let client = client.clone();
        async move {
            let error = wire(chat_call(&client, params).await.expect_err("refused"));
            assert_eq!(error.code, code, "{error:?}");
            if let Some(field) = field {
                assert_eq!(
                    details_field(&error, "field").as_str(),
                    Some(field),
                    "{error:?}"
                );
            }
        }
    };
    refused(
        to_profile("6f1c1a57-3b0e-4c8e-9d51-6a1d2c3b4a59", user("hi")),
        ErrorCode::ProfileNotFound,
        None,
    )
    .await;
    refused(
        to_role("teacher", user("hi")),
        ErrorCode::InvalidParams,
        Some("role"),
    )
    .await;
    refused(
        to_profile(&id, vec![]),
        ErrorCode::InvalidParams,
        Some("messages"),
    )
    .await;
    refused(
        to_profile(&id, user(&"x".repeat(chat::MAX_MESSAGE_CHARS + 1))),
        ErrorCode::InvalidParams,
        Some("messages[0].content"),
    )
    .await;
    refused(
        to_profile(
            &id,
            vec![ChatMessage::new(ChatRole::User, "x".repeat(150_000)); 8],
        ),
        ErrorCode::InvalidParams,
        Some("messages"),
    )
    .await;
    refused(
        ChatParams {
            max_tokens: Some(0),
            ..to_profile(&id, user("hi"))
        },
        ErrorCode::InvalidParams,
        Some("max_tokens"),
    )
    .await;
    // Anthropic takes 0 to 1.
    refused(
        ChatParams {
            temperature: Some(1.5),
            ..to_profile(&id, user("hi"))
        },
        ErrorCode::InvalidParams,
        Some("temperature"),
    )
    .await;
    assert!(
        fixture.requests().is_empty(),
        "nothing reached the provider"
    );
}

#[tokio::test]
async fn a_conversation_at_its_bounds_is_sent_whole_and_a_frame_near_the_limit_is_refused() {
    let (_keyring, _agent, client) = agent().await;
    let fixture = HttpFixture::start(|_| Kind::OpenAi.stream(&REPLY)).await;
    let id = create(&client, Kind::OpenAi.profile(&fixture.url())).await;
    // The most messages, holding the most text between them, in lines as people write.
    let per_message = chat::MAX_CHAT_TEXT_BYTES / chat::MAX_CHAT_MESSAGES;
    let messages: Vec<ChatMessage> = (0..chat::MAX_CHAT_MESSAGES)
        .map(|m| {
            let mut text = String::new();
            while text.len() < per_message {
                text.push_str(&format!("message {m}: a line of the lesson so far\n"));
            }
            text.truncate(per_message);
            ChatMessage::new(ChatRole::User, text)
        })
        .collect();
    let answered = chat_call(&client, to_profile(&id, messages.clone()))
        .await
        .expect("a conversation at its bounds is served");
    assert_eq!(answered.text, REPLY.concat());
    let requests = fixture.requests();
    let sent = requests[0].json();
    let sent: Vec<&str> = sent["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["content"].as_str().expect("text"))
        .collect();
    assert_eq!(sent.len(), chat::MAX_CHAT_MESSAGES);
    assert_eq!(sent.concat().len(), chat::MAX_CHAT_TEXT_BYTES);
    // Nearly 4 MiB of messages, each within its own bound, fit the frame: the params
    // are read and the text bound refuses them, naming the field; the connection lives.
    let near_the_frame =
        vec![ChatMessage::new(ChatRole::User, "é".repeat(chat::MAX_MESSAGE_CHARS)); 10];
    let error = wire(
        chat_call(&client, to_profile(&id, near_the_frame))
            .await
            .expect_err("too much text"),
    );
    assert_eq!(error.code, ErrorCode::InvalidParams, "{error:?}");
    assert_eq!(details_field(&error, "field").as_str(), Some("messages"));
    let again = chat_call(&client, to_profile(&id, user("hi"))).await;
    assert!(again.is_ok(), "{again:?}");
    assert_eq!(
        fixture.requests().len(),
        2,
        "nothing refused reached the provider"
    );
}

// The raw connection blocks its thread: the fixture serves from another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_mid_stream_stops_the_call_and_the_provider_sees_the_hang_up() {
    let (_keyring, agent, client) = agent().await;
    let fixture =
        HttpFixture::start(|_| ollama::stalled_stream(MODEL, &["Hel", "lo"], (1, 1))).await;
    let id = create(&client, Kind::Ollama.profile(&fixture.url())).await;

    // Through the client: dropping the stream after its first delta cancels the call.
    let mut streamed = client
        .chat(to_profile(&id, user(QUESTION)), CallOptions::default())
        .await
        .unwrap();
    let first = streamed.next().await.expect("a delta").expect("decodes");
    assert_eq!(first.text, "Hel");
    drop(streamed);
    fixture.wait_for_hangups(1, WAIT).await;

    // With a cancel frame: answered CANCELLED at once.
    let mut raw = agent.raw();
    let params = ChatParams {
        stream: true,
        ..to_profile(&id, user(QUESTION))
    };
    raw.request(9, chat::Run::NAME, &params);
    let delta = raw.recv().expect("a frame");
    assert!(
        matches!(delta, Envelope::Delta(ref d) if d.id == 9 && d.seq == 1),
        "{delta:?}"
    );
    raw.send(&Envelope::<()>::Cancel(Cancel { id: 9 }));
    let response = raw.response();
    assert_eq!(response.id, Some(9));
    assert_eq!(response.error.expect("an error").code, ErrorCode::Cancelled);
    fixture.wait_for_hangups(2, WAIT).await;

    // The caller's disconnect: the call stops, and the provider sees it too.
    let mut raw = agent.raw();
    raw.request(10, chat::Run::NAME, &params);
    assert!(matches!(raw.recv(), Some(Envelope::Delta(_))));
    drop(raw);
    fixture.wait_for_hangups(3, WAIT).await;

    // All three left a model_call event that says so.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let found = client
            .call::<Query>(QueryParams {
                result: Some("CANCELLED".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let cancelled = found
            .events
            .iter()
            .filter(|e| e.kind == DiagnosticsKind::ModelCall)
            .count();
        if cancelled == 3 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{found:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_deadline_ends_the_call_with_how_far_it_got() {
    let (_keyring, _agent, client) = agent().await;
    let fixture = HttpFixture::start(|_| Script::new().stall()).await;
    let id = create(&client, Kind::Ollama.profile(&fixture.url())).await;
    let params = ChatParams {
        timeout_ms: Some(400),
        ..to_profile(&id, user(QUESTION))
    };
    let error = wire(chat_call(&client, params).await.expect_err("times out"));
    assert_eq!(error.code, ErrorCode::Timeout);
    assert_eq!(
        details_field(&error, "stage").as_str(),
        Some("awaiting_headers")
    );
    assert_eq!(details_field(&error, "attempts").as_u64(), Some(1));
    fixture.wait_for_hangups(1, WAIT).await;
}

#[tokio::test]
async fn a_429_then_success_takes_two_attempts() {
    let (_keyring, _agent, client) = agent().await;
    let limited = openai::error(
        429,
        "Rate limit reached",
        "requests",
        Some("rate_limit_exceeded"),
    )
    .header("retry-after-ms", "300");
    let fixture = HttpFixture::start(first_then(1, limited, Kind::OpenAi.stream(&["ok"]))).await;
    let id = create(&client, Kind::OpenAi.profile(&fixture.url())).await;
    let result = chat_call(&client, to_profile(&id, user(QUESTION)))
        .await
        .expect("the retry succeeds");
    assert_eq!((result.attempts, result.text.as_str()), (2, "ok"));
    let requests = fixture.requests();
    assert!(requests[1].arrived - requests[0].arrived >= Duration::from_millis(300));
    // An overload is retried too: Anthropic's 529.
    let overloaded = anthropic::error(529, "overloaded_error", "Overloaded");
    let fixture =
        HttpFixture::start(first_then(1, overloaded, Kind::Anthropic.stream(&["fine"]))).await;
    let id = create(&client, Kind::Anthropic.profile(&fixture.url())).await;
    let result = chat_call(&client, to_profile(&id, user(QUESTION)))
        .await
        .unwrap();
    assert_eq!((result.attempts, result.text.as_str()), (2, "fine"));
}

/// Two profiles on one server at limit 1: the tutor (active) and the infrastructure
/// role's own.
async fn tutor_and_infrastructure(client: &Client, fixture: &HttpFixture) -> (String, String) {
    let tutor = create(
        client,
        with_parallelism(profiles::ollama("Tutor", &fixture.url(), MODEL), 1),
    )
    .await;
    let background = create(
        client,
        with_parallelism(profiles::ollama("Background", &fixture.url(), "other"), 1),
    )
    .await;
    client
        .call::<SetRole>(llm_agent_protocol::methods::catalog::SetRoleParams {
            role: "infrastructure".into(),
            profile_id: Some(background.clone()),
        })
        .await
        .expect("roles.set");
    (tutor, background)
}

/// Waits until the agent counts `n` chat calls running or queued.
async fn wait_for_calls(client: &Client, n: u64) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let running = client.call::<Status>(no_params()).await.unwrap();
        if running.counters.chat_calls_running >= n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            running.counters
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_tutor_call_overtakes_nine_queued_infrastructure_calls() {
    let (_keyring, _agent, client) = agent().await;
    let fixture =
        HttpFixture::start(|_| ollama::delayed_done(MODEL, Duration::from_millis(60), (1, 1)))
            .await;
    tutor_and_infrastructure(&client, &fixture).await;
    let background: Vec<_> = (0..10)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                chat_call(&client, to_role("infrastructure", user(&format!("bg {i}")))).await
            })
        })
        .collect();
    // One runs, nine wait.
    fixture.wait_for_requests(1, WAIT).await;
    wait_for_calls(&client, 10).await;
    let tutor = chat_call(&client, to_role("tutor", user("tutor")))
        .await
        .unwrap();
    assert_eq!(tutor.role.as_deref(), Some("tutor"));
    assert_eq!(tutor.class, CallClass::Interactive);
    for call in background {
        let result = call.await.unwrap().unwrap();
        assert_eq!(result.class, CallClass::Background);
    }
    let order: Vec<String> = fixture.requests().iter().map(asked).collect();
    assert_eq!(order.len(), 11);
    assert_eq!(order[1], "tutor", "the tutor went second: {order:?}");
    assert_eq!(fixture.max_in_progress(), 1);
}

#[tokio::test]
async fn a_call_in_backoff_gives_its_slot_to_the_next() {
    let (_keyring, _agent, client) = agent().await;
    let limited = ollama::error(429, "slow down").header("retry-after-ms", "800");
    let answered = ollama::delayed_done(MODEL, Duration::from_millis(20), (1, 1));
    let fixture = HttpFixture::start(first_then(1, limited, answered)).await;
    let (tutor, _) = tutor_and_infrastructure(&client, &fixture).await;
    let first = {
        let client = client.clone();
        let tutor = tutor.clone();
        tokio::spawn(async move { chat_call(&client, to_profile(&tutor, user("first"))).await })
    };
    fixture.wait_for_requests(1, WAIT).await;
    let second = chat_call(&client, to_profile(&tutor, user("second")))
        .await
        .unwrap();
    assert_eq!(second.attempts, 1);
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.attempts, 2);
    let order: Vec<String> = fixture.requests().iter().map(asked).collect();
    assert_eq!(
        order,
        ["first", "second", "first"],
        "the second ran during the backoff"
    );
}

#[tokio::test]
async fn spending_adds_up_across_a_restart_and_the_cap_refuses() {
    let (_keyring, mut agent, client) = agent().await;
    // gpt-4o-mini: $0.15 and $0.60 per million tokens; 1,000 in and 1,100 out is
    // $0.00081, 81% of a $0.001 cap.
    let fixture =
        HttpFixture::start(|_| openai::stream("gpt-4o-mini", &["priced"], Some((1_000, 1_100))))
            .await;
    let id = create(
        &client,
        CreateParams {
            model: "gpt-4o-mini".into(),
            ..Kind::OpenAi.profile(&fixture.url())
        },
    )
    .await;
    let mut alerts = client.subscribe([Topic::Usage]).await.unwrap();
    let capped = client
        .call::<SetCap>(SetCapParams {
            profile_id: id.clone(),
            daily_cap_usd: Some(0.001),
        })
        .await
        .unwrap();
    assert_eq!(capped.daily_cap_usd, Some(0.001));

    let first = chat_call(&client, to_role("tutor", user(QUESTION)))
        .await
        .unwrap();
    let cost = first.estimated_cost.as_ref().unwrap();
    assert_eq!(
        (cost.amount_usd, cost.source.as_str()),
        (Some(0.00081), "catalog")
    );
    let alert = next_alert(&mut alerts).await;
    assert_eq!(
        (alert.level, alert.profile_id.as_str()),
        (AlertLevel::Warning, &*id)
    );
    chat_call(&client, to_profile(&id, user(QUESTION)))
        .await
        .unwrap();
    assert_eq!(next_alert(&mut alerts).await.level, AlertLevel::Reached);

    // Reached: refused before anything is sent.
    let sent = fixture.requests().len();
    let error = wire(
        chat_call(&client, to_role("tutor", user(QUESTION)))
            .await
            .expect_err("capped"),
    );
    assert_eq!(error.code, ErrorCode::SpendingCapReached);
    assert_eq!(details_field(&error, "profile_id").as_str(), Some(&*id));
    assert_eq!(fixture.requests().len(), sent);

    // The totals and the cap are on disk: a restarted agent has them.
    client
        .call::<llm_agent_protocol::methods::agent::Shutdown>(Default::default())
        .await
        .ok();
    drop((alerts, client));
    agent.wait_exit(WAIT);
    agent.restart();
    let client = agent.client().await;
    let summary = client.call::<Summary>(Default::default()).await.unwrap();
    assert_eq!(summary.total.calls, 2);
    assert_eq!(summary.total.cost_usd, 0.00162);
    assert_eq!(summary.total.input_tokens, 2_000);
    assert_eq!(summary.by_source_calls("catalog"), 2);
    let tutor = summary.by_role.iter().find(|r| r.role == "tutor").unwrap();
    assert_eq!(tutor.totals.calls, 1, "one call named the role");
    let profile = &summary.by_profile[0];
    assert_eq!(
        (profile.daily_cap_usd, profile.today_usd),
        (Some(0.001), 0.00162)
    );
    let error = wire(
        chat_call(&client, to_profile(&id, user("again")))
            .await
            .unwrap_err(),
    );
    assert_eq!(error.code, ErrorCode::SpendingCapReached);
    // Raised, calls go on.
    client
        .call::<SetCap>(SetCapParams {
            profile_id: id.clone(),
            daily_cap_usd: None,
        })
        .await
        .unwrap();
    chat_call(&client, to_profile(&id, user("again")))
        .await
        .unwrap();
}

/// What the tests read of a summary's totals by price source.
trait SourceCalls {
    fn by_source_calls(&self, source: &str) -> u64;
}

impl SourceCalls for llm_agent_protocol::methods::usage::UsageSummary {
    fn by_source_calls(&self, source: &str) -> u64 {
        self.total.by_source.get(source).map_or(0, |s| s.calls)
    }
}

async fn next_alert(alerts: &mut llm_agent_client::Subscription) -> SpendingAlert {
    let item = tokio::time::timeout(WAIT, alerts.next())
        .await
        .expect("an alert in time")
        .expect("the subscription lives");
    match item {
        llm_agent_client::SubscriptionItem::Event(event) => {
            assert_eq!(event.topic, "usage");
            llm_agent_protocol::value::from_value(&event.data).expect("a spending alert")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn nothing_sent_or_received_is_kept_or_quoted_back() {
    let (_keyring, mut agent, client) = agent().await;
    // A provider that fails quoting everything it got: the key and the question.
    let echo = openai::error(
        500,
        &format!("backend failed for key {KEY} on prompt {QUESTION}"),
        "server_error",
        None,
    );
    let fixture = HttpFixture::start(first_then(1, echo, Kind::OpenAi.stream(&REPLY))).await;
    let id = create(&client, Kind::OpenAi.profile(&fixture.url())).await;
    let error = wire(
        chat_call(&client, to_profile(&id, user(QUESTION)))
            .await
            .expect_err("a 500"),
    );
    assert_eq!(error.code, ErrorCode::ProviderError);
    assert!(
        error.message.contains("backend failed"),
        "{}",
        error.message
    );
    for private in ["KEY-MARKER", "QUESTION-MARKER", "sk-chat"] {
        assert!(!error.message.contains(private), "{}", error.message);
    }
    let mut streamed = client
        .chat(to_profile(&id, user(QUESTION)), CallOptions::default())
        .await
        .unwrap();
    while streamed.next().await.is_some() {}
    let reply = streamed.finish().await.unwrap().result;
    assert!(
        reply.text.contains("REPLY-MARKER"),
        "the reply itself is the caller's"
    );

    // Diagnostics hold numbers and names.
    let found = client
        .call::<Query>(QueryParams {
            method: Some(chat::Run::NAME.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let call = found
        .events
        .iter()
        .find(|e| e.kind == DiagnosticsKind::ModelCall && e.result == "OK")
        .expect("a model_call event");
    let record = call.model_call.as_ref().unwrap();
    assert_eq!((record.provider.as_str(), record.attempts), ("openai", 1));
    assert_eq!(record.output_tokens, Some(7));

    client
        .call::<llm_agent_protocol::methods::agent::Shutdown>(Default::default())
        .await
        .ok();
    drop(client);
    agent.wait_exit(WAIT);
    let mut kept = agent.log_text();
    kept.push_str(&serde_json::to_string(&agent.journal_lines()).unwrap());
    for entry in files_under(&agent.data_dir) {
        kept.push_str(&String::from_utf8_lossy(&std::fs::read(entry).unwrap()));
    }
    assert!(kept.contains("model call ended"), "the calls are logged");
    for private in ["QUESTION-MARKER", "REPLY-MARKER", "KEY-MARKER"] {
        assert!(!kept.contains(private), "{private} was kept somewhere");
    }
}

#[tokio::test]
async fn a_profile_lists_its_servers_models_with_their_context() {
    let (_keyring, _agent, client) = agent().await;
    let shown = Arc::new(AtomicUsize::new(0));
    let counted = shown.clone();
    let fixture = HttpFixture::start(move |request| match request.path.as_str() {
        "/api/tags" => Script::json(
            200,
            &json!({"models": [{"name": "llama3.2:latest"}, {"name": "qwen2.5:7b"}]}),
        ),
        "/api/show" => {
            counted.fetch_add(1, Ordering::SeqCst);
            Script::json(
                200,
                &json!({
                    "parameters": "num_ctx 8192",
                    "model_info": {"llama.context_length": 131072},
                }),
            )
        }
        _ => Script::new().status(404),
    })
    .await;
    let id = create(
        &client,
        profiles::ollama("Ollama", &fixture.url(), "llama3.2"),
    )
    .await;
    let listed = client
        .call::<Models>(ModelsParams {
            id: id.clone(),
            refresh: false,
        })
        .await
        .expect("profiles.models");
    assert!(listed.offers_profile_model && !listed.cached);
    let ids: Vec<&str> = listed.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["llama3.2:latest", "qwen2.5:7b"]);
    let first = &listed.models[0];
    assert_eq!(
        (first.context_window, first.effective_context),
        (Some(131_072), Some(8192))
    );
    // Cached for a while.
    let again = client
        .call::<Models>(ModelsParams {
            id: id.clone(),
            refresh: false,
        })
        .await
        .unwrap();
    assert!(again.cached);
    assert_eq!(shown.load(Ordering::SeqCst), 2, "asked once");

    // A model the server is known not to offer is saved with a warning.
    let updated = profiles::update(
        &client,
        &id,
        llm_agent_protocol::methods::profiles::ProfilePatch {
            model: Some("mistral".into()),
            ..Default::default()
        },
    )
    .await
    .expect("update");
    assert!(
        updated
            .warnings
            .iter()
            .any(|w| w.code == "model_not_offered"),
        "{:?}",
        updated.warnings
    );

    // A server that cannot answer: the call's typed failure.
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let gone = create(
        &client,
        profiles::ollama("Gone", &format!("http://127.0.0.1:{refused}"), "llama3.2"),
    )
    .await;
    let error = wire(
        client
            .call::<Models>(ModelsParams {
                id: gone,
                refresh: true,
            })
            .await
            .unwrap_err(),
    );
    assert_eq!(error.code, ErrorCode::Unreachable);
}
