//! Live subscriptions: events in order with sequence numbers, unsubscribe, and a slow
//! subscriber that is told it lagged and dropped without slowing the agent.

// Unix only: raw frames on the agent's Unix socket.
#![cfg(unix)]

use std::time::Duration;

use futures_util::StreamExt;
use llm_agent_client::{CallOptions, SubscriptionItem};
use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::envelope::Envelope;
use llm_agent_protocol::events::{DiagnosticsEvent, Lagged, Topic};
use llm_agent_protocol::methods::agent::Status;
use llm_agent_protocol::methods::events::{SubscribeParams, UnsubscribeParams};
use llm_agent_protocol::value;
use llm_agent_tests::{TestAgent, no_params};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_subscriber_sees_every_request_of_every_client_in_order() {
    let agent = TestAgent::start();
    let watcher = agent.client().await;
    let mut events = watcher.subscribe([Topic::Diagnostics]).await.unwrap();
    let worker = agent.client().await;
    for i in 0..5 {
        worker
            .call_with::<Status>(
                no_params(),
                CallOptions::default().correlation_id(format!("work-{i}")),
            )
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut last_seq = 0;
    while seen.len() < 5 {
        let item = tokio::time::timeout(WAIT, events.next())
            .await
            .expect("event in time");
        let Some(SubscriptionItem::Event(event)) = item else {
            panic!("unexpected {item:?}");
        };
        assert_eq!(event.topic, "diagnostics");
        assert_eq!(event.seq, last_seq + 1, "seq counts from 1 without gaps");
        last_seq = event.seq;
        let data: DiagnosticsEvent = event.data_as().unwrap();
        if let Some(id) = data.correlation_id.filter(|id| id.starts_with("work-")) {
            seen.push(id);
        }
    }
    assert_eq!(seen, ["work-0", "work-1", "work-2", "work-3", "work-4"]);
}

#[test]
fn the_subscribe_response_comes_before_any_event_and_unsubscribe_stops_them() {
    let agent = TestAgent::start();
    let mut raw = agent.raw();
    raw.request(
        1,
        "events.subscribe",
        SubscribeParams {
            topics: vec![Topic::Diagnostics, Topic::Diagnostics],
            since_revision: None,
        },
    );
    let Some(Envelope::Response(response)) = raw.recv() else {
        panic!("the first frame after subscribe must be its response");
    };
    let result = response.into_outcome().unwrap();
    let subscription = result["subscription"].as_u64().unwrap();
    assert_eq!(
        result["topics"].as_array().unwrap().len(),
        1,
        "duplicates collapse"
    );

    raw.request(2, "events.unsubscribe", UnsubscribeParams { subscription });
    // Events of requests 1 (and maybe 2) may arrive before the unsubscribe response.
    loop {
        match raw.recv() {
            Some(Envelope::Event(event)) => assert_eq!(event.subscription, subscription),
            Some(Envelope::Response(response)) => {
                assert_eq!(response.id, Some(2));
                assert!(response.into_outcome().is_ok());
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    raw.request(3, "agent.status", no_params());
    let next = raw.recv();
    assert!(
        matches!(&next, Some(Envelope::Response(r)) if r.id == Some(3)),
        "no event after unsubscribe: {next:?}"
    );

    raw.request(4, "events.unsubscribe", UnsubscribeParams { subscription });
    let error = raw.response().into_outcome().unwrap_err();
    assert_eq!(error.code, ErrorCode::SubscriptionNotFound);
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_is_told_and_dropped_without_slowing_the_agent() {
    let agent = TestAgent::start();
    // A raw subscriber that stops reading.
    let mut slow = agent.raw();
    slow.request(
        1,
        "events.subscribe",
        SubscribeParams {
            topics: vec![Topic::Diagnostics],
            since_revision: None,
        },
    );
    let subscription = slow.response().into_outcome().unwrap()["subscription"]
        .as_u64()
        .unwrap();

    // Enough requests to overflow its socket buffer, its queue and the fan-out buffer.
    let client = agent.client().await;
    let started = std::time::Instant::now();
    for _ in 0..6_000 {
        client.call::<Status>(no_params()).await.unwrap();
    }
    let busy_for = started.elapsed();

    // Now read: events, then exactly one `lagged`, then nothing more for it.
    let mut lagged = None;
    let mut events = 0u64;
    slow.stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    while let Some(message) = slow.recv() {
        match message {
            Envelope::Event(event) if event.topic == "lagged" => {
                assert_eq!(event.subscription, subscription);
                assert_eq!(event.seq, events + 1);
                lagged = Some(value::from_value::<Lagged>(&event.data).unwrap());
                break;
            }
            Envelope::Event(_) => events += 1,
            other => panic!("{other:?}"),
        }
    }
    let lagged = lagged.expect("a lagged event");
    assert!(lagged.missed > 0);
    // The subscription is gone: unsubscribing it now finds nothing.
    slow.stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    slow.request(2, "events.unsubscribe", UnsubscribeParams { subscription });
    let response = slow.response();
    assert_eq!(
        response.into_outcome().unwrap_err().code,
        ErrorCode::SubscriptionNotFound
    );
    eprintln!(
        "6,000 requests with a stalled subscriber took {busy_for:?}; it saw {events} events then lagged by {}",
        lagged.missed
    );
}
