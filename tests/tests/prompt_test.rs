//! `profiles.test` through the real binary and client: a profile from the vault (its key
//! decrypted from the real keyring), a scripted provider on loopback, the outcome, the
//! diagnostics it leaves, cancellation by a cancel frame, and the governor's order.
//! `agent/tests/provider_dialects.rs` runs every dialect's cases in-process, against the
//! library's test runner.

// Unix only: the cancel frame goes on a raw connection to the agent's Unix socket.
#![cfg(unix)]

use std::time::{Duration, Instant};

use llm_agent_client::{CallOptions, Client};
use llm_agent_protocol::envelope::{Cancel, Envelope};
use llm_agent_protocol::events::DiagnosticsKind;
use llm_agent_protocol::methods::agent::Status;
use llm_agent_protocol::methods::diagnostics::{Query, QueryParams};
use llm_agent_protocol::methods::profiles::{
    CreateParams, Test, TestOutcome, TestParams, TestStage,
};
use llm_agent_protocol::{ErrorCode, Method};
use llm_agent_tests::agent::files_under;
use llm_agent_tests::dialects::{ollama, openai, prompt_of};
use llm_agent_tests::http_fixture::HttpFixture;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, create, with_parallelism};
use llm_agent_tests::{TestAgent, no_params};

const PROMPT: &str = "PROMPT-MARKER-7f3a: say hello";
const REPLY: &str = "REPLY-MARKER-91c2";
const KEY: &str = "sk-e2e-KEY-MARKER-5d1e9b";
/// The model of the Ollama profiles.
const MODEL: &str = "llama3.2";

fn test_params(id: &str, prompt: Option<&str>) -> TestParams {
    TestParams {
        id: id.into(),
        prompt: prompt.map(Into::into),
        timeout_ms: None,
    }
}

async fn run(client: &Client, params: TestParams) -> TestOutcome {
    client
        .call_with::<Test>(
            params,
            CallOptions::default().timeout(Duration::from_secs(40)),
        )
        .await
        .expect("profiles.test answers")
        .result
}

#[tokio::test]
async fn a_keyed_profile_is_tested_with_its_decrypted_key_and_nothing_private_is_kept() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let fixture = HttpFixture::start(|_| {
        openai::stream("gpt-4o-mini", &[REPLY, " at your service"], Some((9, 4)))
    })
    .await;
    let id = create(
        &client,
        CreateParams {
            name: "OpenAI (fixture)".into(),
            provider: "openai".into(),
            endpoint: format!("{}/v1", fixture.url()),
            model: "gpt-4o-mini".into(),
            api_key: Some(KEY.into()),
            ..Default::default()
        },
    )
    .await;

    let outcome = run(&client, test_params(&id, Some(PROMPT))).await;
    assert!(outcome.success, "{outcome:?}");
    assert_eq!(outcome.profile_id, id);
    assert_eq!(outcome.stage, TestStage::Complete);
    assert_eq!(
        outcome.snippet.as_deref(),
        Some(&*format!("{REPLY} at your service"))
    );
    assert_eq!(
        outcome.usage.as_ref().and_then(|u| u.total_tokens),
        Some(13)
    );
    assert!(outcome.timings.first_token_ms.is_some());

    let request = &fixture.requests()[0];
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(
        request.header("authorization"),
        Some(&*format!("Bearer {KEY}"))
    );
    assert_eq!(request.json()["messages"][0]["content"], PROMPT);

    // The test left a prompt_test event with its stages and nothing it said.
    let found = client
        .call::<Query>(QueryParams {
            method: Some(Test::NAME.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let event = found
        .events
        .iter()
        .find(|e| e.kind == DiagnosticsKind::PromptTest)
        .expect("a prompt_test event");
    assert_eq!(event.result, "OK");
    assert_eq!(event.profile_id.as_deref(), Some(&*id));
    let record = event.prompt_test.as_ref().expect("its record");
    assert_eq!(
        (
            record.provider.as_str(),
            record.http_status,
            record.attempts
        ),
        ("openai", Some(200), 1)
    );
    assert_eq!(record.output_tokens, Some(4));

    // Neither prompt, reply nor key reaches a log line, the journal or the profile file.
    client
        .call::<llm_agent_protocol::methods::agent::Shutdown>(Default::default())
        .await
        .ok();
    drop(client);
    let mut agent = agent;
    agent.wait_exit(Duration::from_secs(10));
    let mut kept = agent.log_text();
    kept.push_str(&serde_json::to_string(&agent.journal_lines()).unwrap());
    for entry in files_under(&agent.data_dir) {
        kept.push_str(&String::from_utf8_lossy(&std::fs::read(entry).unwrap()));
    }
    assert!(kept.contains("prompt test ended"), "the test is logged");
    for private in ["PROMPT-MARKER", "REPLY-MARKER", "KEY-MARKER"] {
        assert!(!kept.contains(private), "{private} was kept somewhere");
    }
}

#[tokio::test]
async fn failures_are_outcomes_and_bad_requests_are_errors() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let fixture = HttpFixture::start(|_| ollama::model_not_found(MODEL)).await;
    let id = create(&client, profiles::ollama("Ollama", &fixture.url(), MODEL)).await;

    let outcome = run(&client, test_params(&id, None)).await;
    assert!(!outcome.success);
    let error = outcome.error.as_ref().expect("error");
    assert_eq!(error.code, ErrorCode::ModelNotFound);
    assert!(
        error
            .remediation
            .as_deref()
            .unwrap()
            .contains("ollama pull llama3.2")
    );
    assert_eq!(outcome.http_status, Some(404));
    // The default prompt went out.
    let sent = fixture.requests()[0].json();
    assert_eq!(
        sent["messages"][0]["content"],
        llm_agent_protocol::methods::profiles::DEFAULT_TEST_PROMPT
    );

    let found = client
        .call::<Query>(QueryParams {
            result: Some("MODEL_NOT_FOUND".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(found.events.len(), 1, "findable by its code: {found:?}");

    for (params, code, field) in [
        (
            TestParams {
                timeout_ms: Some(30_001),
                ..test_params(&id, None)
            },
            ErrorCode::InvalidParams,
            Some("timeout_ms"),
        ),
        (
            TestParams {
                timeout_ms: Some(0),
                ..test_params(&id, None)
            },
            ErrorCode::InvalidParams,
            Some("timeout_ms"),
        ),
        (
            test_params(&id, Some("   ")),
            ErrorCode::InvalidParams,
            Some("prompt"),
        ),
        (
            test_params(&"x".repeat(5000), None),
            ErrorCode::ProfileNotFound,
            None,
        ),
        (
            test_params("6f1c1a57-3b0e-4c8e-9d51-6a1d2c3b4a59", None),
            ErrorCode::ProfileNotFound,
            None,
        ),
    ] {
        let err = client.call::<Test>(params).await.expect_err("refused");
        let wire = err.wire_error().expect("a wire error");
        assert_eq!(wire.code, code, "{wire:?}");
        if let Some(field) = field {
            let details = wire.details.as_ref().expect("details");
            assert_eq!(details["field"].as_str(), Some(field));
        }
    }
    assert_eq!(fixture.requests().len(), 1, "refused tests send nothing");
}

#[tokio::test]
async fn a_cancel_frame_stops_the_test_and_drops_the_http_request() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let fixture = HttpFixture::start(|_| ollama::stalled_stream(MODEL, &["Hel"], (1, 1))).await;
    let id = create(&client, profiles::ollama("Stalls", &fixture.url(), MODEL)).await;

    let mut raw = agent.raw();
    raw.request(7, Test::NAME, test_params(&id, None));
    fixture.wait_for_requests(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let running = |client: Client| async move {
        client
            .call::<Status>(no_params())
            .await
            .unwrap()
            .counters
            .prompt_tests_running
    };
    assert_eq!(running(client.clone()).await, 1, "agent.status counts it");
    let cancelled = Instant::now();
    raw.send(&Envelope::<()>::Cancel(Cancel { id: 7 }));
    let response = raw.response();
    assert!(
        cancelled.elapsed() < Duration::from_secs(2),
        "answered at once"
    );
    assert_eq!(response.id, Some(7));
    assert_eq!(response.error.expect("an error").code, ErrorCode::Cancelled);
    fixture.wait_for_hangups(1, Duration::from_secs(5)).await;

    // The test task still records how it ended.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found = client
            .call::<Query>(QueryParams {
                result: Some("CANCELLED".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        if found
            .events
            .iter()
            .any(|e| e.kind == DiagnosticsKind::PromptTest)
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no prompt_test event for the cancel"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_limit_one_profile_runs_five_concurrent_tests_in_order() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let fixture =
        HttpFixture::start(|_| ollama::delayed_done(MODEL, Duration::from_millis(30), (1, 1)))
            .await;
    let one_at_a_time = profiles::ollama("One at a time", &fixture.url(), MODEL);
    let id = create(&client, with_parallelism(one_at_a_time, 1)).await;

    // Pipelined on one connection: the agent starts them in the order they arrive.
    let calls: Vec<_> = (0..5)
        .map(|i| {
            let client = client.clone();
            let params = test_params(&id, Some(&format!("prompt {i}")));
            async move { run(&client, params).await }
        })
        .collect();
    let outcomes = futures_util::future::join_all(calls).await;
    for outcome in &outcomes {
        assert!(outcome.success, "{outcome:?}");
    }
    assert_eq!(fixture.max_in_progress(), 1, "one at a time");
    let order: Vec<String> = fixture.requests().iter().map(prompt_of).collect();
    assert_eq!(
        order,
        (0..5).map(|i| format!("prompt {i}")).collect::<Vec<_>>()
    );
    let mut queued: Vec<f64> = outcomes.iter().map(|o| o.timings.queued_ms).collect();
    queued.sort_by(f64::total_cmp);
    assert!(
        queued[4] >= 4.0 * 30.0,
        "the last waited for the others: {queued:?}"
    );
}

#[tokio::test]
async fn a_providers_error_never_quotes_the_key_or_the_prompt_back() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let fixture = HttpFixture::start(|_| {
        openai::error(
            500,
            &format!("backend failed for key {KEY} on prompt {PROMPT}"),
            "server_error",
            None,
        )
    })
    .await;
    let id = create(
        &client,
        CreateParams {
            name: "Echoes".into(),
            provider: "openai".into(),
            endpoint: format!("{}/v1", fixture.url()),
            model: "gpt-4o-mini".into(),
            api_key: Some(KEY.into()),
            ..Default::default()
        },
    )
    .await;
    let outcome = run(&client, test_params(&id, Some(PROMPT))).await;
    let error = outcome.error.expect("the 500 is the outcome's error");
    assert_eq!(error.code, ErrorCode::ProviderError);
    assert!(
        error.message.contains("backend failed for key"),
        "{}",
        error.message
    );
    for private in ["KEY-MARKER", "PROMPT-MARKER", "sk-e2e"] {
        assert!(!error.message.contains(private), "{}", error.message);
    }
}
