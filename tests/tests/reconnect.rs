//! The Rust client's reconnection, against the real agent killed with SIGKILL and
//! started again: the call in flight fails with a typed error and is not sent again, a
//! call while the agent is down fails with the attempt's error, the next one goes out on
//! the new connection, and a subscription is made again and says so.

// Unix only: the agent is killed with a signal.
#![cfg(unix)]

use std::net::TcpListener;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use llm_agent_client::protocol::events::{DiagnosticsEvent, Topic};
use llm_agent_client::protocol::methods::agent::Status;
use llm_agent_client::protocol::methods::diagnostics::{Query, QueryParams};
use llm_agent_client::protocol::methods::discovery::{Run, RunParams};
use llm_agent_client::{
    Backoff, ClientError, Connector, Gap, ReconnectingClient, ReconnectingItem,
};
use llm_agent_tests::{TestAgent, no_params};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn the_client_reconnects_fails_what_was_in_flight_and_restores_its_subscription() {
    let mut agent = TestAgent::start();
    let backoff = Backoff {
        first: Duration::from_millis(20),
        max: Duration::from_millis(200),
    };
    let client = ReconnectingClient::connect(Connector::new().socket(&agent.socket), backoff)
        .await
        .unwrap();
    let mut events = client.subscribe([Topic::Diagnostics]).await.unwrap();

    // A sweep that waits on a server that accepts and never answers: in flight for long.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let sweep = RunParams {
        extra_endpoints: Some(vec![format!("http://{}", silent.local_addr().unwrap())]),
        timeout_ms: Some(10_000),
    };
    let in_flight = tokio::spawn({
        let client = client.clone();
        async move { client.call::<Run>(sweep).await }
    });
    let deadline = Instant::now() + WAIT;
    while client
        .call::<Status>(no_params())
        .await
        .unwrap()
        .counters
        .requests_in_flight
        == 0
    {
        assert!(Instant::now() < deadline, "the sweep never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    agent.kill9();
    match in_flight.await.unwrap() {
        Err(ClientError::Disconnected(_)) => {}
        other => panic!("the call in flight must fail as disconnected: {other:?}"),
    }
    // Down: a call waits for the next attempt, and fails with what it found.
    match client.call::<Status>(no_params()).await {
        Err(err @ ClientError::Unreachable { .. }) => {
            assert_eq!(err.code(), "AGENT_NOT_RUNNING", "{err}");
            assert!(err.is_unreachable());
        }
        other => panic!("expected unreachable while the agent is down: {other:?}"),
    }

    agent.restart();
    let deadline = Instant::now() + WAIT;
    let status = loop {
        match client.call::<Status>(no_params()).await {
            Ok(status) => break status,
            Err(ClientError::Unreachable { .. }) if Instant::now() < deadline => {}
            Err(err) => panic!("{err}"),
        }
    };
    assert_eq!(status.pid, agent.pid(), "on the new agent");

    // The subscription says where the gap is (after the old agent's last events), then
    // carries the new agent's events.
    let resubscribed = tokio::time::timeout(WAIT, async {
        loop {
            match events.next().await {
                Some(ReconnectingItem::Event(_)) => {}
                other => return other,
            }
        }
    })
    .await
    .expect("the subscription made again");
    assert!(
        matches!(
            resubscribed,
            Some(ReconnectingItem::Resubscribed {
                gap: Gap::Disconnected(_)
            })
        ),
        "{resubscribed:?}"
    );
    client.call::<Status>(no_params()).await.unwrap();
    let status_event = tokio::time::timeout(WAIT, async {
        loop {
            match events.next().await {
                Some(ReconnectingItem::Event(event)) => {
                    let event: DiagnosticsEvent = event.data_as().unwrap();
                    if event.method.as_deref() == Some("agent.status") {
                        return event;
                    }
                }
                other => panic!("{other:?}"),
            }
        }
    })
    .await
    .expect("an event from the new agent");
    assert_eq!(status_event.result, "OK");

    // Never replayed: the new agent was never asked for the sweep.
    let swept = client
        .call::<Query>(QueryParams {
            method: Some("discovery.run".into()),
            ..QueryParams::default()
        })
        .await
        .unwrap();
    assert_eq!(swept.matched, 0, "{:?}", swept.events);
}
