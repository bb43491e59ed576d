//! Requests through the real client: unknown methods, bad params, correlation IDs,
//! concurrency, the in-flight bound and cancellation.

// Unix only: raw frames on the agent's Unix socket.
#![cfg(unix)]

use std::time::Duration;

use futures_util::future::join_all;
use llm_agent_client::CallOptions;
use llm_agent_protocol::envelope::{Cancel, Envelope, Request};
use llm_agent_protocol::methods::agent::Status;
use llm_agent_protocol::methods::diagnostics::{Query, QueryParams};
use llm_agent_protocol::{ErrorCode, value};
use llm_agent_tests::{TestAgent, no_params};

#[tokio::test]
async fn an_unknown_method_is_an_error_and_the_connection_lives_on() {
    let agent = TestAgent::start();
    let client = agent.client().await;
    let err = client
        .call_raw(
            "profiles.teleport",
            rmpv::Value::Nil,
            CallOptions::default(),
        )
        .await
        .unwrap_err();
    let wire = err.wire_error().expect("a remote error");
    assert_eq!(wire.code, ErrorCode::MethodNotFound);
    assert!(wire.message.contains("profiles.teleport"));
    assert!(wire.remediation.is_some());
    client
        .call::<Status>(no_params())
        .await
        .expect("still served");
}

#[tokio::test]
async fn bad_params_name_the_offending_field() {
    let agent = TestAgent::start();
    let client = agent.client().await;
    let cases = [
        (r#"{"limit": "ten"}"#, "limit"),
        (r#"{"limit": 0}"#, "limit"),
        (r#"{"limit": 100000}"#, "limit"),
        (r#"{"correlation_id": 7}"#, "correlation_id"),
    ];
    for (params, field) in cases {
        let params: serde_json::Value = serde_json::from_str(params).unwrap();
        let params = value::to_value(&params).unwrap();
        let err = client
            .call_raw("diagnostics.query", params.clone(), CallOptions::default())
            .await
            .unwrap_err();
        let wire = err.wire_error().expect("a remote error");
        assert_eq!(wire.code, ErrorCode::InvalidParams, "{params:?}");
        assert_eq!(
            wire.details.as_ref().and_then(|d| d["field"].as_str()),
            Some(field),
            "{wire:?}"
        );
    }
    let err = client
        .call_raw(
            "events.subscribe",
            value::to_value(&serde_json::json!({"topics": ["weather"]})).unwrap(),
            CallOptions::default(),
        )
        .await
        .unwrap_err();
    let wire = err.wire_error().unwrap();
    assert_eq!(wire.code, ErrorCode::InvalidParams);
    assert_eq!(
        wire.details.as_ref().and_then(|d| d["field"].as_str()),
        Some("topics[0]")
    );
    assert!(
        !wire.message.contains("weather"),
        "values sent are never quoted back: {}",
        wire.message
    );
    assert!(
        wire.message.contains("diagnostics"),
        "the expected topics are named: {}",
        wire.message
    );
}

#[tokio::test]
async fn correlation_ids_make_the_round_trip() {
    let agent = TestAgent::start();
    let client = agent.client().await;
    let given = "tutor-7f3a-lesson-42";
    let reply = client
        .call_with::<Status>(no_params(), CallOptions::default().correlation_id(given))
        .await
        .unwrap();
    assert_eq!(reply.correlation_id, given);

    // The agent generates one when none is given.
    let generated = client
        .call_with::<Status>(no_params(), CallOptions::default())
        .await
        .unwrap()
        .correlation_id;
    assert_eq!(
        uuid::Uuid::parse_str(&generated).unwrap().get_version_num(),
        4
    );

    // The diagnostics event of that request carries it...
    let found = client
        .call::<Query>(QueryParams {
            correlation_id: Some(given.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(found.events.len(), 1);
    let event = &found.events[0];
    assert_eq!(event.method.as_deref(), Some("agent.status"));
    assert_eq!(event.result, "OK");
    assert_eq!(event.peer_pid, Some(std::process::id()));

    // ...and so does the log line of the request (the agent logs at debug in tests).
    agent_shutdown(&agent).await;
    assert!(
        agent.log_text().contains(given),
        "log lacks the correlation id"
    );
    assert!(
        agent
            .journal_lines()
            .iter()
            .any(|e| e["correlation_id"] == given),
        "journal lacks the correlation id"
    );
}

#[tokio::test]
async fn an_unusable_correlation_id_is_refused() {
    let agent = TestAgent::start();
    let client = agent.client().await;
    for bad in ["", "has space", "line\nbreak", &"x".repeat(129)] {
        let err = client
            .call_with::<Status>(no_params(), CallOptions::default().correlation_id(bad))
            .await
            .unwrap_err();
        assert_eq!(
            err.wire_error().unwrap().code,
            ErrorCode::InvalidRequest,
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn many_concurrent_requests_on_one_connection_all_get_their_own_answer() {
    let agent = TestAgent::start();
    let client = agent.client().await;
    let calls = (0..200).map(|i| {
        let client = client.clone();
        async move {
            let id = format!("concurrent-{i}");
            let reply = client
                .call_with::<Status>(no_params(), CallOptions::default().correlation_id(&id))
                .await
                .unwrap();
            assert_eq!(reply.correlation_id, id);
        }
    });
    join_all(calls).await;
}

#[test]
fn past_the_in_flight_bound_the_agent_answers_busy_and_every_request_is_answered_once() {
    let agent = TestAgent::start();
    let mut raw = agent.raw();
    // 500 requests in one write, each waiting on the diagnostics actor: the agent reads
    // them faster than it can answer, so more than max_in_flight (64) are in flight at
    // once. (A read that finishes at once never occupies a slot.)
    let mut bytes = Vec::new();
    for id in 0..500u64 {
        let request = Envelope::Request(Request {
            id,
            method: "diagnostics.query".into(),
            params: no_params(),
            correlation_id: None,
        });
        bytes.extend(llm_agent_protocol::envelope::encode_frame(&request, u32::MAX).unwrap());
    }
    raw.send_bytes(&bytes);
    let mut seen = std::collections::HashSet::new();
    let mut busy = 0;
    for _ in 0..500 {
        let response = raw.response();
        assert!(seen.insert(response.id.unwrap()), "answered twice");
        if let Err(error) = response.into_outcome() {
            assert_eq!(error.code, ErrorCode::Busy);
            assert!(error.retryable);
            busy += 1;
        }
    }
    assert!(busy > 0, "no request was refused with BUSY");
    assert!(busy < 500, "some requests must be served");
}

#[test]
fn a_cancel_for_an_unknown_request_is_ignored() {
    let agent = TestAgent::start();
    let mut raw = agent.raw();
    raw.send(&Envelope::<()>::Cancel(Cancel { id: 12345 }));
    raw.request(1, "agent.status", no_params());
    let response = raw.response();
    assert_eq!(response.id, Some(1));
    assert!(response.into_outcome().is_ok());
}

#[tokio::test]
async fn a_request_id_already_in_flight_is_refused() {
    let agent = TestAgent::start();
    let mut raw = agent.raw();
    // Two requests with the same id in one write, each waiting on the diagnostics actor:
    // the first is still in flight when the second is read.
    let request = Envelope::Request(Request {
        id: 3,
        method: "diagnostics.query".to_owned(),
        params: no_params(),
        correlation_id: None,
    });
    let frame = llm_agent_protocol::envelope::encode_frame(&request, u32::MAX).unwrap();
    raw.send_bytes(&[frame.clone(), frame].concat());
    let first = raw.response();
    let second = raw.response();
    let outcomes = [first, second];
    assert!(
        outcomes
            .iter()
            .any(|r| r.id == Some(3) && r.error.is_none())
    );
    assert!(outcomes.iter().any(|r| {
        r.error
            .as_ref()
            .is_some_and(|e| e.code == ErrorCode::InvalidRequest)
    }));
}

#[tokio::test]
async fn status_counts_what_happened() {
    let agent = TestAgent::start();
    let client = agent.client().await;
    let _ = client
        .call_raw("nope", rmpv::Value::Nil, CallOptions::default())
        .await;
    let status = client.call::<Status>(no_params()).await.unwrap();
    assert_eq!(status.pid, agent.pid());
    assert_eq!(status.socket, agent.socket.display().to_string());
    assert_eq!(status.data_dir, agent.data_dir.display().to_string());
    assert!(status.counters.connections_open >= 1);
    assert!(status.counters.requests_total >= 2, "{:?}", status.counters);
    assert!(
        status.counters.requests_failed >= 1,
        "{:?}",
        status.counters
    );
    assert!(
        status.counters.diagnostics_events >= 2,
        "{:?}",
        status.counters
    );
}

async fn agent_shutdown(agent: &TestAgent) {
    let client = agent.client().await;
    client
        .call::<llm_agent_protocol::methods::agent::Shutdown>(no_params())
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while agent.socket.exists() {
        assert!(std::time::Instant::now() < deadline, "agent did not stop");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The socket is removed last but one; give the process a moment to exit.
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn an_error_about_a_huge_input_is_still_answered_and_short() {
    let agent = TestAgent::start();
    let client = agent.client().await;
    let huge = "x".repeat(1_000_000);
    let err = client
        .call::<llm_agent_protocol::methods::profiles::Get>(
            llm_agent_protocol::methods::profiles::IdParams { id: huge },
        )
        .await
        .unwrap_err();
    let wire = err.wire_error().expect("answered");
    assert_eq!(wire.code, ErrorCode::ProfileNotFound);
    assert!(wire.message.len() < 1_000, "{} bytes", wire.message.len());
}
