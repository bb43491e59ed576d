//! Discovery through the real binary and client: the agent's probe table points at fake
//! servers on ephemeral ports (`LLM_AGENT_DISCOVERY_PORTS`), so nothing else on the
//! machine is probed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use llm_agent_client::{CallOptions, Client, SubscriptionItem};
use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::events::Topic;
use llm_agent_protocol::methods::discovery::{
    Adopt, AdoptParams, Configure, Run, RunParams, Settings, Status, Sweep,
};
use llm_agent_tests::TestAgent;
use llm_agent_tests::http_fixture::{HttpFixture, Script};
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, create};
use llm_agent_tests::servers::{OLLAMA_MODEL, ollama, ollama_answer};
use serde_json::json;

fn agent_with(keyring: &KeyringSession, ports: &str) -> TestAgent {
    TestAgent::with_keyring_and_env(keyring, &[("LLM_AGENT_DISCOVERY_PORTS", ports.to_owned())])
}

async fn run(client: &Client, params: RunParams) -> Sweep {
    client
        .call_with::<Run>(
            params,
            CallOptions::default().timeout(Duration::from_secs(20)),
        )
        .await
        .expect("discovery.run")
        .result
}

#[tokio::test]
async fn a_sweep_finds_the_server_ignores_an_impostor_and_flags_a_conflict() {
    let keyring = KeyringSession::start();
    let server = ollama().await;
    let impostor = HttpFixture::start(|_| Script::json(200, &json!({}))).await;
    let agent = agent_with(
        &keyring,
        &format!(
            "ollama={},lm_studio={}",
            server.addr().port(),
            impostor.addr().port()
        ),
    );
    let client = agent.client().await;
    let endpoint = format!("http://127.0.0.1:{}", server.addr().port());
    let profile_id = create(&client, profiles::ollama("Mine", &endpoint, "mistral")).await;

    let sweep = run(&client, RunParams::default()).await;
    assert_eq!(sweep.trigger, "manual");
    assert_eq!(sweep.findings.len(), 1, "only the real server: {sweep:?}");
    let found = &sweep.findings[0];
    assert_eq!(
        (found.kind.as_str(), found.endpoint.as_str()),
        ("ollama", &*endpoint)
    );
    assert_eq!(found.version.as_deref(), Some("0.5.7"));
    assert_eq!(found.models[0].id, "llama3.2:latest");
    assert_eq!(found.models[0].size_bytes, Some(2019393189));
    let conflict = found
        .conflicts
        .iter()
        .find(|c| c.profile_id == profile_id)
        .expect("the profile's model is not offered");
    assert_eq!(conflict.class, "model_not_offered");
    assert!(!conflict.remediation.is_empty());
    assert!(sweep.elapsed_ms <= sweep.budget_ms + 100, "{sweep:?}");

    let status = client.call::<Status>(Default::default()).await.unwrap();
    assert_eq!(
        status.last_sweep.as_ref().map(|s| s.findings.len()),
        Some(1)
    );
}

#[tokio::test]
async fn a_blackholed_endpoint_keeps_the_sweep_within_its_budget() {
    let keyring = KeyringSession::start();
    let server = ollama().await;
    let hole = HttpFixture::start(|_| Script::new().stall()).await;
    let agent = agent_with(&keyring, &format!("ollama={}", server.addr().port()));
    let client = agent.client().await;
    let asked = Instant::now();
    let sweep = run(
        &client,
        RunParams {
            extra_endpoints: Some(vec![hole.url()]),
            timeout_ms: Some(300),
        },
    )
    .await;
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(sweep.findings.len(), 1, "the live server is still found");
    let error = sweep
        .errors
        .iter()
        .find(|e| e.endpoint.contains(&hole.addr().port().to_string()))
        .expect("the blackholed endpoint is reported");
    assert!(!error.hint.is_empty());

    for (params, field) in [
        (
            RunParams {
                timeout_ms: Some(5),
                ..Default::default()
            },
            "timeout_ms",
        ),
        (
            RunParams {
                extra_endpoints: Some(vec!["ftp://x".into()]),
                ..Default::default()
            },
            "extra_endpoints[0]",
        ),
    ] {
        let err = client.call::<Run>(params).await.expect_err("refused");
        let wire = err.wire_error().unwrap();
        assert_eq!(wire.code, ErrorCode::InvalidParams);
        assert_eq!(
            wire.details.as_ref().unwrap()["field"].as_str(),
            Some(field)
        );
    }
}

#[tokio::test]
async fn adopt_creates_a_profile_from_a_finding() {
    let keyring = KeyringSession::start();
    let server = ollama().await;
    let agent = agent_with(&keyring, &format!("ollama={}", server.addr().port()));
    let client = agent.client().await;
    let sweep = run(&client, RunParams::default()).await;
    let endpoint = sweep.findings[0].endpoint.clone();

    let adopted = client
        .call::<Adopt>(AdoptParams {
            endpoint: endpoint.clone(),
            kind: "ollama".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let port = server.addr().port();
    assert_eq!(adopted.profile.name, format!("Ollama on 127.0.0.1:{port}"));
    assert_eq!(adopted.profile.model, "llama3.2:latest");
    assert_eq!(adopted.profile.provider, "ollama");
    assert_eq!(
        adopted.active_id.as_deref(),
        Some(&*adopted.profile.id),
        "the first profile is active"
    );

    let again = client
        .call::<Adopt>(AdoptParams {
            endpoint,
            kind: "ollama".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        again.profile.name,
        format!("Ollama on 127.0.0.1:{port} (2)")
    );

    let err = client
        .call::<Adopt>(AdoptParams {
            endpoint: "http://127.0.0.1:1".into(),
            kind: "vllm".into(),
            ..Default::default()
        })
        .await
        .expect_err("no finding, no model");
    assert_eq!(err.wire_error().unwrap().code, ErrorCode::ValidationError);
}

#[tokio::test]
async fn settings_persist_and_a_scheduled_sweep_announces_a_change() {
    let keyring = KeyringSession::start();
    let up = Arc::new(AtomicBool::new(false));
    let switch = up.clone();
    // Answers as Ollama only once switched on: the change a scheduled sweep must see.
    let server = HttpFixture::start(move |request| {
        if switch.load(Ordering::SeqCst) {
            ollama_answer(request, &[OLLAMA_MODEL])
        } else {
            Script::new().status(404).body("nothing here")
        }
    })
    .await;
    let mut agent = agent_with(&keyring, &format!("ollama={}", server.addr().port()));
    let client = agent.client().await;
    let settings = Settings {
        enabled: true,
        interval_s: 1,
        extra_endpoints: Vec::new(),
    };
    assert_eq!(
        client.call::<Configure>(settings.clone()).await.unwrap(),
        settings
    );
    let mut events = client.subscribe([Topic::Discovery]).await.unwrap();
    up.store(true, Ordering::SeqCst);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let announced = loop {
        let item = tokio::time::timeout_at(deadline, events.next())
            .await
            .expect("a discovery event within 20 s")
            .expect("the subscription is open");
        if let SubscriptionItem::Event(event) = item {
            assert_eq!(event.topic, "discovery");
            let sweep: Sweep = event.data_as().unwrap();
            if !sweep.findings.is_empty() {
                break sweep;
            }
        }
    };
    assert_eq!(announced.trigger, "scheduled");
    assert_eq!(announced.findings[0].kind, "ollama");

    let bad = client
        .call::<Configure>(Settings {
            enabled: true,
            interval_s: 0,
            extra_endpoints: vec!["nope".into()],
        })
        .await
        .expect_err("refused");
    assert_eq!(bad.wire_error().unwrap().code, ErrorCode::ValidationError);

    drop(events);
    drop(client);
    agent.kill9();
    agent.restart();
    let client = agent.client().await;
    let status = client.call::<Status>(Default::default()).await.unwrap();
    assert_eq!(status.settings, settings, "kept across a restart");
    assert!(agent.data_dir.join("discovery.json").exists());
}
