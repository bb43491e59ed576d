//! Health history through the real binary: each prompt test's outcome (no text) in the
//! profile's history, its summary in `profiles.list`, bounded and kept across restarts.

// Unix only: the keyring daemon runs as a Unix process.
#![cfg(unix)]

use std::time::Duration;

use llm_agent_client::Client;
use llm_agent_protocol::health::{MAX_HEALTH_OUTCOMES, OutcomeKind};
use llm_agent_protocol::methods::agent::Shutdown;
use llm_agent_protocol::methods::profiles::{Health, IdParams, List, ListParams, Test, TestParams};
use llm_agent_tests::dialects::{ollama, prompt_of};
use llm_agent_tests::http_fixture::HttpFixture;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, create};
use llm_agent_tests::{TestAgent, no_params};

const MODEL: &str = "llama3.2";

async fn test(client: &Client, id: &str, prompt: &str) -> bool {
    client
        .call::<Test>(TestParams {
            id: id.into(),
            prompt: Some(prompt.into()),
            timeout_ms: Some(10_000),
        })
        .await
        .unwrap()
        .success
}

#[tokio::test]
async fn prompt_tests_fill_a_bounded_history_summarised_in_the_list_and_kept() {
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let fixture = HttpFixture::start(|request| {
        if prompt_of(request).contains("fail") {
            ollama::error(500, "overloaded")
        } else {
            ollama::stream(MODEL, &["Hello"], (3, 1))
        }
    })
    .await;
    let id = create(&client, profiles::ollama("Local", &fixture.url(), MODEL)).await;
    let fresh = client
        .call::<Health>(IdParams { id: id.clone() })
        .await
        .unwrap();
    assert!(fresh.outcomes.is_empty() && fresh.summary.is_none());

    assert!(test(&client, &id, "hello").await);
    assert!(!test(&client, &id, "please fail").await);
    let health = client
        .call::<Health>(IdParams { id: id.clone() })
        .await
        .unwrap();
    assert_eq!(health.outcomes.len(), 2);
    let (ok, failed) = (&health.outcomes[0], &health.outcomes[1]);
    assert!(ok.success && ok.code.is_none() && ok.first_token_ms.is_some());
    assert_eq!(ok.kind, OutcomeKind::PromptTest);
    assert!(!failed.success);
    assert_eq!(failed.code.as_deref(), Some("PROVIDER_ERROR"));
    let summary = health.summary.unwrap();
    assert!(!summary.last_success);
    assert_eq!(summary.last_code.as_deref(), Some("PROVIDER_ERROR"));
    assert_eq!(summary.last_success_at.as_deref(), Some(ok.at.as_str()));
    assert_eq!(summary.median_latency_ms, Some(ok.latency_ms));

    let list = client.call::<List>(ListParams::default()).await.unwrap();
    assert_eq!(
        list.health.get(&id),
        Some(&summary),
        "the badge in the list"
    );

    for _ in 0..MAX_HEALTH_OUTCOMES {
        test(&client, &id, "hello").await;
    }
    let bounded = client
        .call::<Health>(IdParams { id: id.clone() })
        .await
        .unwrap();
    assert_eq!(bounded.outcomes.len(), MAX_HEALTH_OUTCOMES);
    assert!(
        bounded.outcomes.iter().all(|o| o.success),
        "the oldest were dropped"
    );

    client.call::<Shutdown>(no_params()).await.unwrap();
    drop(client);
    agent.wait_exit(Duration::from_secs(15));
    agent.restart();
    let client = agent.client().await;
    let kept = client
        .call::<Health>(IdParams { id: id.clone() })
        .await
        .unwrap();
    assert_eq!(kept.outcomes, bounded.outcomes, "kept across a restart");
    let text = std::fs::read_to_string(agent.data_dir.join("health.json")).unwrap();
    assert!(
        !text.contains("Hello") && !text.contains("hello"),
        "no text: {text}"
    );
}
