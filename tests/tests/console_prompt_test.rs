//! `llm-console profiles test` against the real agent and a scripted Ollama: what a person
//! and a script see, the prompt going to the model and nowhere else, failures as outcomes,
//! refused params, and Ctrl-C cancelling the test on the agent.

// Unix only: Ctrl-C is a SIGINT to the console.
#![cfg(unix)]

use std::time::Duration;

use llm_agent_client::Client;
use llm_agent_protocol::methods::diagnostics::{Query, QueryParams};
use llm_agent_protocol::methods::profiles::DEFAULT_TEST_PROMPT;
use llm_agent_tests::TestAgent;
use llm_agent_tests::agent::files_under;
use llm_agent_tests::console::{
    EXIT_FAILED, EXIT_INTERRUPTED, assert_exit, command as console_command, failed, finished,
    human, json, json_document, run as console, text,
};
use llm_agent_tests::dialects::{ollama, prompt_of};
use llm_agent_tests::http_fixture::{HttpFixture, RecordedRequest, Script};
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, create};
use serde_json::Value;

/// Long enough never to fire when things work; a failure still ends fast.
const WAIT: Duration = Duration::from_secs(10);

const MODEL: &str = "llama3.2";
const REPLY_PARTS: [&str; 2] = ["Mercury is closest", " to the Sun."];
const REPLY: &str = "Mercury is closest to the Sun.";
/// Prompt and completion tokens the scripted Ollama reports.
const USAGE: (u64, u64) = (12, 5);

/// A keyring (profile writes need one), an agent using it, and an Ollama profile without
/// a key pointing at `fixture`.
async fn agent_with_profile(fixture: &HttpFixture) -> (KeyringSession, TestAgent, Client, String) {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let id = create(
        &client,
        profiles::ollama("Scripted Ollama", &fixture.url(), MODEL),
    )
    .await;
    (keyring, agent, client, id)
}

/// The prompt the model was sent, checking the request is an Ollama chat as well.
fn sent_prompt(request: &RecordedRequest) -> String {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/chat");
    let body = request.json();
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["stream"], true);
    assert_eq!(body["messages"][0]["role"], "user");
    prompt_of(request)
}

/// The journal's `prompt_test` events, once at least one is on disk.
async fn journaled_prompt_tests(agent: &TestAgent) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let events: Vec<Value> = agent
            .journal_lines()
            .into_iter()
            .filter(|event| event["kind"] == "prompt_test")
            .collect();
        if !events.is_empty() {
            return events;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no prompt_test event reached the diagnostics journal"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_passing_test_shows_the_reply_and_every_stage() {
    let fixture = HttpFixture::start(|_| ollama::stream(MODEL, &REPLY_PARTS, USAGE)).await;
    let (_keyring, agent, _client, id) = agent_with_profile(&fixture).await;

    let stdout = human(&agent, &["profiles", "test", &id]).await;
    assert!(
        stdout.starts_with("test passed: ollama answered in "),
        "{stdout}"
    );
    for expected in [
        &format!("\nreply        {REPLY}\n"),
        "\nhttp status  200\n",
        "\nattempts     1\n",
        "\ntokens       12 in, 5 out",
        "\nSTAGE ",
        "\nfirst token ",
        "\ncompleted ",
        "\ntotal ",
    ] {
        assert!(stdout.contains(expected), "{expected:?} in:\n{stdout}");
    }
    // Every stage was reached: no dash in the timings table.
    let table = &stdout[stdout.find("\nSTAGE").expect("a timings table")..];
    assert!(!table.contains(" -\n") && !table.ends_with(" -"), "{table}");

    let outcome = json(&agent, &["profiles", "test", &id]).await;
    assert_eq!(outcome["profile_id"], id.as_str());
    assert_eq!(outcome["success"], true);
    assert_eq!(outcome["provider"], "ollama");
    assert_eq!(outcome["requested_model"], MODEL);
    assert_eq!(outcome["model"], MODEL);
    assert_eq!(outcome["http_status"], 200);
    assert_eq!(outcome["attempts"], 1);
    assert_eq!(outcome["streamed"], true);
    assert_eq!(outcome["stage"], "complete");
    assert_eq!(outcome["snippet"], REPLY);
    assert_eq!(outcome["usage"]["input_tokens"], USAGE.0);
    assert_eq!(outcome["usage"]["output_tokens"], USAGE.1);
    assert!(outcome.get("error").is_none(), "{outcome}");
    let timings = &outcome["timings"];
    let stages: Vec<f64> = [
        "connected_ms",
        "headers_ms",
        "first_token_ms",
        "completed_ms",
        "total_ms",
    ]
    .iter()
    .map(|stage| {
        timings[stage]
            .as_f64()
            .unwrap_or_else(|| panic!("{stage} in {timings}"))
    })
    .collect();
    assert!(
        stages.windows(2).all(|pair| pair[0] <= pair[1]),
        "stages out of order: {timings}"
    );
    assert!(timings["queued_ms"].as_f64().expect("queued_ms") >= 0.0);

    let requests = fixture.requests();
    assert_eq!(requests.len(), 2, "one request per test");
    for request in &requests {
        assert_eq!(sent_prompt(request), DEFAULT_TEST_PROMPT);
    }
}

#[tokio::test]
async fn a_piped_prompt_reaches_the_model_and_is_stored_nowhere() {
    const MARKER: &str = "marker-5d1c9e0b";
    let prompt = format!("Which planet is closest to the Sun? ({MARKER})");
    let fixture = HttpFixture::start(|_| ollama::stream(MODEL, &REPLY_PARTS, USAGE)).await;
    let (_keyring, agent, client, id) = agent_with_profile(&fixture).await;

    let piped = format!("{prompt}\n");
    let output = console(
        &agent,
        &["profiles", "test", &id, "--prompt-stdin"],
        Some(&piped),
    )
    .await;
    assert_exit(&output, 0);
    assert!(text(&output.stdout).contains(REPLY));
    let requests = fixture.wait_for_requests(1, WAIT).await;
    assert_eq!(sent_prompt(&requests[0]), prompt, "without the line break");

    // The diagnostics event says how the test went, in numbers and names only.
    let events = journaled_prompt_tests(&agent).await;
    let event = &events[0];
    assert_eq!(event["result"], "OK");
    let record = &event["prompt_test"];
    assert_eq!(record["provider"], "ollama");
    assert_eq!(record["http_status"], 200);
    assert_eq!(record["attempts"], 1);
    assert_eq!(record["streamed"], true);
    assert_eq!(record["stage"], "complete");
    assert_eq!(record["input_tokens"], USAGE.0);
    assert_eq!(record["output_tokens"], USAGE.1);
    let queried = client
        .call::<Query>(QueryParams {
            limit: Some(1000),
            ..Default::default()
        })
        .await
        .expect("diagnostics.query");
    let queried = serde_json::to_string(&queried.events).expect("events as JSON");
    for journal in files_under(&agent.data_dir.join("diagnostics")) {
        let journal = std::fs::read_to_string(&journal).expect("journal");
        assert!(!journal.contains(REPLY_PARTS[0]), "a reply in the journal");
    }
    assert!(!queried.contains(REPLY_PARTS[0]), "a reply in diagnostics");
    assert!(!queried.contains(MARKER), "the prompt in diagnostics");

    // Nothing the agent wrote holds the prompt: logs (at debug level), journal, profiles.
    let files = files_under(agent.dir.path());
    assert!(
        files.iter().any(|file| file.ends_with("agent.log")),
        "{files:?}"
    );
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(MARKER),
            "the prompt is in {}",
            file.display()
        );
    }
}

#[tokio::test]
async fn a_missing_model_fails_as_model_not_found_with_the_pull_command() {
    let fixture = HttpFixture::start(|_| ollama::model_not_found(MODEL)).await;
    let (_keyring, agent, _client, id) = agent_with_profile(&fixture).await;

    let output = console(&agent, &["profiles", "test", &id], None).await;
    assert_exit(&output, EXIT_FAILED);
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("test failed: MODEL_NOT_FOUND: "),
        "{stdout}"
    );
    assert!(stdout.contains("ollama pull"), "{stdout}");
    assert!(stdout.contains("\nhttp status  404\n"), "{stdout}");
    assert!(stdout.contains("\nSTAGE "), "{stdout}");
    // The outcome said it all: no second account of it on stderr.
    assert!(!text(&output.stderr).contains("error:"), "{output:?}");

    let output = console(&agent, &["profiles", "test", &id, "--json"], None).await;
    assert_exit(&output, EXIT_FAILED);
    let outcome = json_document(&output);
    assert_eq!(outcome["success"], false);
    assert_eq!(outcome["http_status"], 404);
    assert_eq!(outcome["attempts"], 1);
    let error = &outcome["error"];
    assert_eq!(error["code"], "MODEL_NOT_FOUND");
    assert_eq!(error["retryable"], false);
    let remediation = error["remediation"].as_str().expect("a remediation");
    assert!(remediation.contains("ollama pull"), "{remediation}");

    let events = journaled_prompt_tests(&agent).await;
    assert!(
        events
            .iter()
            .all(|event| event["result"] == "MODEL_NOT_FOUND"),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_timeout_over_30_seconds_is_refused_before_anything_is_sent() {
    let fixture = HttpFixture::start(|_| ollama::stream(MODEL, &REPLY_PARTS, USAGE)).await;
    let (_keyring, agent, _client, id) = agent_with_profile(&fixture).await;

    let args = ["profiles", "test", &id, "--timeout-ms", "40000"];
    let stderr = failed(&agent, &args, EXIT_FAILED).await;
    assert!(stderr.contains("error: INVALID_PARAMS: "), "{stderr}");

    let json_args = ["profiles", "test", &id, "--timeout-ms", "40000", "--json"];
    let output = console(&agent, &json_args, None).await;
    assert_exit(&output, EXIT_FAILED);
    let error = &json_document(&output)["error"];
    assert_eq!(error["code"], "INVALID_PARAMS");
    assert_eq!(error["details"]["field"], "timeout_ms");

    assert!(fixture.requests().is_empty(), "nothing reached the model");
}

#[tokio::test]
async fn ctrl_c_cancels_the_test_and_the_provider_sees_the_hang_up() {
    let fixture = HttpFixture::start(|_| Script::new().stall()).await;
    let (_keyring, agent, client, id) = agent_with_profile(&fixture).await;

    let child = console_command(&agent, &["profiles", "test", &id])
        .spawn()
        .expect("run llm-console");
    // Once the model has the request, the console is waiting and watching for Ctrl-C.
    fixture.wait_for_requests(1, WAIT).await;
    let pid = child.id().expect("the console runs") as i32;
    let pid = rustix::process::Pid::from_raw(pid).expect("a pid");
    rustix::process::kill_process(pid, rustix::process::Signal::INT).expect("SIGINT");

    let output = finished(child).await;
    assert_exit(&output, EXIT_INTERRUPTED);
    assert_eq!(text(&output.stderr).trim(), "cancelled");
    assert!(output.stdout.is_empty(), "{output:?}");
    fixture.wait_for_hangups(1, WAIT).await;

    // The agent answered the test CANCELLED: the cancel frame reached it.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let cancelled = client
            .call::<Query>(QueryParams {
                method: Some("profiles.test".into()),
                result: Some("CANCELLED".into()),
                ..Default::default()
            })
            .await
            .expect("diagnostics.query");
        if !cancelled.events.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no profiles.test request was recorded CANCELLED"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
