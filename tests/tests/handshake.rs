//! The handshake: `hello` first, version agreement, and what happens otherwise.

// Unix only: raw frames on the agent's Unix socket.
#![cfg(unix)]

use std::time::{Duration, Instant};

use llm_agent_protocol::envelope::{Envelope, Request};
use llm_agent_protocol::methods::handshake::{ClientInfo, HelloParams, HelloResult};
use llm_agent_protocol::{ErrorCode, PROTOCOL_VERSION, value};
use llm_agent_tests::{TestAgent, no_params};

fn hello_request(id: u64, protocol: u32) -> Envelope<HelloParams> {
    Envelope::Request(Request {
        id,
        method: "hello".into(),
        params: HelloParams {
            protocol,
            client: ClientInfo {
                name: "e2e".into(),
                version: "1".into(),
            },
            locales: Vec::new(),
        },
        correlation_id: None,
    })
}

#[test]
fn hello_reports_the_agent_and_its_limits() {
    let agent = TestAgent::start();
    let mut raw = agent.raw_without_hello();
    raw.send(&hello_request(1, PROTOCOL_VERSION));
    let response = raw.response();
    assert_eq!(response.id, Some(1));
    let hello: HelloResult =
        value::from_value(&response.into_outcome().expect("hello ok")).unwrap();
    assert_eq!(hello.protocol, PROTOCOL_VERSION);
    assert_eq!(hello.agent_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(hello.max_frame_len, 4 * 1024 * 1024);
    assert!(hello.max_in_flight > 0);
    for capability in [
        "hello",
        "agent.status",
        "agent.shutdown",
        "diagnostics.query",
        "events.subscribe",
        "events.unsubscribe",
        "topic:diagnostics",
    ] {
        assert!(
            hello.capabilities.iter().any(|c| c == capability),
            "{capability} missing"
        );
    }
}

#[test]
fn an_unsupported_version_is_refused_and_the_connection_closed() {
    let agent = TestAgent::start();
    for version in [0, PROTOCOL_VERSION + 1] {
        let mut raw = agent.raw_without_hello();
        raw.send(&hello_request(5, version));
        let error = raw.response().into_outcome().unwrap_err();
        assert_eq!(error.code, ErrorCode::UnsupportedProtocol);
        assert!(
            error.message.contains(&version.to_string()),
            "{}",
            error.message
        );
        assert!(error.remediation.is_some());
        assert!(
            raw.is_closed(),
            "the agent closes after UNSUPPORTED_PROTOCOL"
        );
    }
    // The agent is unharmed.
    agent.raw();
}

#[test]
fn a_request_before_hello_is_refused_but_hello_still_works() {
    let agent = TestAgent::start();
    let mut raw = agent.raw_without_hello();
    raw.request(1, "agent.status", no_params());
    let error = raw.response().into_outcome().unwrap_err();
    assert_eq!(error.code, ErrorCode::HandshakeRequired);
    raw.send(&hello_request(2, PROTOCOL_VERSION));
    assert!(raw.response().into_outcome().is_ok());
    raw.request(3, "agent.status", no_params());
    assert!(raw.response().into_outcome().is_ok());
}

#[test]
fn bad_hello_params_name_the_field_and_keep_the_connection() {
    let agent = TestAgent::start();
    let mut raw = agent.raw_without_hello();
    raw.request(
        1,
        "hello",
        serde_json::json!({"protocol": "one", "client": {"name": "x", "version": "1"}}),
    );
    let error = raw.response().into_outcome().unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidParams);
    assert_eq!(
        error.details.as_ref().and_then(|d| d["field"].as_str()),
        Some("protocol")
    );
    raw.send(&hello_request(2, PROTOCOL_VERSION));
    assert!(raw.response().into_outcome().is_ok());
}

#[test]
fn a_silent_client_is_closed_after_the_handshake_deadline() {
    let agent = TestAgent::start();
    let mut raw = agent.raw_without_hello();
    let started = Instant::now();
    let response = raw.response();
    assert_eq!(response.id, None);
    assert_eq!(
        response.into_outcome().unwrap_err().code,
        ErrorCode::HandshakeTimeout
    );
    assert!(raw.is_closed());
    // Generous bounds: the deadline is 5 s; this checks it is enforced, not its precision.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(4) && waited < Duration::from_secs(30),
        "{waited:?}"
    );
}
