//! `llm-console chat` and `llm-console usage` against the real agent: a message piped
//! in, the reply streamed out, the call's line on stderr, then the totals.

// Unix only, as the console's other end-to-end tests.
#![cfg(unix)]

use llm_agent_tests::TestAgent;
use llm_agent_tests::console::{self, assert_exit, json, text};
use llm_agent_tests::dialects::ollama;
use llm_agent_tests::http_fixture::HttpFixture;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, create};

const MODEL: &str = "llama3.2";

#[tokio::test]
async fn a_piped_message_streams_its_reply_and_the_cost_adds_up() {
    let fixture =
        HttpFixture::start(|_| ollama::stream(MODEL, &["Paris ", "is the capital."], (9, 4))).await;
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let id = create(&client, profiles::ollama("Local", &fixture.url(), MODEL)).await;

    let output = console::run(
        &agent,
        &["chat", "--role", "tutor"],
        Some("What is the capital of France?\n"),
    )
    .await;
    assert_exit(&output, 0);
    assert_eq!(text(&output.stdout), "Paris is the capital.\n");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("9 in, 4 out"), "{stderr}");
    assert!(stderr.contains("$0.00 (local)"), "{stderr}");
    assert_eq!(
        fixture.requests()[0].json()["messages"][0]["content"],
        "What is the capital of France?"
    );

    let result = console::run(&agent, &["chat", &id, "--json"], Some("Again")).await;
    assert_exit(&result, 0);
    let document: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    assert_eq!(document["text"], "Paris is the capital.");

    let usage = json(&agent, &["usage"]).await;
    assert_eq!(usage["total"]["calls"], 2);
    assert_eq!(usage["by_role"][0]["role"], "tutor");
    let shown = console::human(&agent, &["usage"]).await;
    assert!(shown.contains("2 calls"), "{shown}");

    let capped = console::human(&agent, &["usage", "cap", &id, "0.5"]).await;
    assert!(capped.contains("daily cap of $0.50"), "{capped}");
    let empty = console::run(&agent, &["chat", &id], Some("  \n")).await;
    assert_exit(&empty, console::EXIT_USAGE);
}
