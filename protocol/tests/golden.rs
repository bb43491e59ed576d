//! Golden fixtures: the exact bytes of one frame body per envelope kind.
//!
//! Clients in other languages check their encoders and decoders against these files.
//! Regenerate them (after a deliberate wire change only) with
//! `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test golden`.

use std::path::PathBuf;

use llm_agent_protocol::envelope::{self, Cancel, Envelope, Event, Request, Response};
use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind, Topic};
use llm_agent_protocol::methods::events::SubscribeParams;
use llm_agent_protocol::methods::handshake::{ClientInfo, HelloParams, HelloResult, ProtocolRange};
use llm_agent_protocol::methods::profiles::{FieldError, TestOutcome, TestStage, TestTimings};
use llm_agent_protocol::text::{MessageArg, MessageArgs};
use llm_agent_protocol::{ErrorCode, WireError};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Encodes `typed`, compares it with the fixture byte for byte, then decodes the fixture
/// as an opaque envelope and checks that it equals the typed value's opaque form.
fn check<T: serde::Serialize>(name: &str, typed: &T) {
    let encoded = envelope::encode(typed).expect("encode");
    let path = fixture(name);
    if std::env::var_os("LLM_AGENT_BLESS").is_some() {
        std::fs::write(&path, &encoded).expect("write fixture");
    }
    let golden = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        encoded, golden,
        "{name}: encoding differs from the golden bytes"
    );
    let decoded: Envelope = envelope::decode(&golden).expect("decode");
    let expected: Envelope = envelope::decode(&encoded).expect("decode own");
    assert_eq!(decoded, expected, "{name}");
    assert_eq!(
        envelope::encode(&decoded).expect("re-encode"),
        golden,
        "{name}: decode then encode must give the same bytes"
    );
}

#[test]
fn request() {
    check(
        "request.msgpack",
        &Envelope::Request(Request {
            id: 1,
            method: "hello".into(),
            params: HelloParams {
                protocol: 1,
                client: ClientInfo {
                    name: "llm-tutor".into(),
                    version: "1.4.0".into(),
                },
                locales: Vec::new(),
            },
            correlation_id: Some("c0ffee00-0000-4000-8000-000000000001".into()),
        }),
    );
}

#[test]
fn request_with_list_params() {
    check(
        "request_subscribe.msgpack",
        &Envelope::Request(Request {
            id: 2,
            method: "events.subscribe".into(),
            params: SubscribeParams {
                topics: vec![Topic::Diagnostics],
                since_revision: None,
            },
            correlation_id: None,
        }),
    );
}

#[test]
fn response_ok() {
    check(
        "response_ok.msgpack",
        &Envelope::Response(Response::ok(
            1,
            "c0ffee00-0000-4000-8000-000000000001".into(),
            HelloResult {
                agent_version: "0.1.0".into(),
                protocol: 1,
                supported_protocols: ProtocolRange { min: 1, max: 1 },
                capabilities: vec!["hello".into(), "topic:diagnostics".into()],
                max_frame_len: 4 * 1024 * 1024,
                max_in_flight: 64,
                locale: None,
            },
        )),
    );
}

#[test]
fn response_error() {
    check(
        "response_error.msgpack",
        &Envelope::<()>::Response(Response::err(
            Some(9),
            "c0ffee00-0000-4000-8000-000000000002".into(),
            WireError::invalid_params(
                Some("protocol"),
                "invalid type: string \"one\", expected u32",
            )
            .with_remediation("Send `protocol` as an unsigned integer."),
        )),
    );
}

#[test]
fn response_error_without_request_id() {
    check(
        "response_error_no_id.msgpack",
        &Envelope::<()>::Response(Response::err(
            None,
            "c0ffee00-0000-4000-8000-000000000003".into(),
            WireError::new(
                ErrorCode::MalformedFrame,
                "the frame is not one MessagePack value",
            ),
        )),
    );
}

#[test]
fn event() {
    check(
        "event.msgpack",
        &Envelope::Event(Event {
            subscription: 1,
            topic: "diagnostics".into(),
            seq: 1,
            data: DiagnosticsEvent {
                seq: 42,
                ts: "2026-11-21T10:00:00.000000Z".into(),
                kind: DiagnosticsKind::Request,
                correlation_id: Some("c0ffee00-0000-4000-8000-000000000001".into()),
                method: Some("agent.status".into()),
                result: "OK".into(),
                duration_us: 35,
                peer_pid: Some(4242),
                peer_uid: None,
                actor: None,
                profile_id: None,
                safe_storage: None,
                prompt_test: None,
                model_call: None,
            },
        }),
    );
}

#[test]
fn response_test_outcome() {
    check(
        "response_test_outcome.msgpack",
        &Envelope::Response(Response::ok(
            9,
            "c0ffee00-0000-4000-8000-000000000009".into(),
            TestOutcome {
                profile_id: "0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b".into(),
                success: false,
                provider: "ollama".into(),
                requested_model: "llama3.2".into(),
                model: None,
                http_status: Some(404),
                attempts: 1,
                streamed: false,
                stage: TestStage::AwaitingFirstToken,
                timings: TestTimings {
                    queued_ms: 0.012,
                    connected_ms: Some(0.25),
                    headers_ms: Some(3.5),
                    first_token_ms: None,
                    completed_ms: None,
                    total_ms: 4.125,
                },
                usage: None,
                snippet: None,
                finish_reason: None,
                estimated_cost: None,
                retry_after_ms: None,
                error: Some(
                    WireError::new(
                        ErrorCode::ModelNotFound,
                        "Ollama has no model named `llama3.2`",
                    )
                    .with_remediation("Pull it first: `ollama pull llama3.2`."),
                ),
            },
        )),
    );
}

#[test]
fn cancel() {
    check("cancel.msgpack", &Envelope::<()>::Cancel(Cancel { id: 7 }));
}

#[test]
fn request_chat() {
    use llm_agent_protocol::methods::chat::{ChatMessage, ChatParams, ChatRole};
    check(
        "request_chat.msgpack",
        &Envelope::Request(Request {
            id: 12,
            method: "chat.run".into(),
            params: ChatParams {
                role: Some("tutor".into()),
                messages: vec![
                    ChatMessage::new(ChatRole::System, "Explain simply."),
                    ChatMessage::new(ChatRole::User, "What is a noun?"),
                ],
                max_tokens: Some(256),
                stream: true,
                ..Default::default()
            },
            correlation_id: None,
        }),
    );
}

#[test]
fn delta() {
    use llm_agent_protocol::envelope::Delta;
    use llm_agent_protocol::methods::chat::ChatDelta;
    check(
        "delta.msgpack",
        &Envelope::Delta(Delta {
            id: 12,
            seq: 1,
            data: ChatDelta {
                text: "A noun names".into(),
            },
        }),
    );
}

#[test]
fn response_chat() {
    use llm_agent_protocol::methods::catalog::EstimatedCost;
    use llm_agent_protocol::methods::chat::{CallClass, ChatResult};
    use llm_agent_protocol::methods::profiles::TokenUsage;
    check(
        "response_chat.msgpack",
        &Envelope::Response(Response::ok(
            12,
            "c0ffee00-0000-4000-8000-000000000012".into(),
            ChatResult {
                profile_id: "0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b".into(),
                role: Some("tutor".into()),
                class: CallClass::Interactive,
                provider: "openai".into(),
                requested_model: "gpt-5-mini".into(),
                model: Some("gpt-5-mini".into()),
                text: "A noun names a thing.".into(),
                finish_reason: Some("stop".into()),
                usage: Some(TokenUsage {
                    input_tokens: Some(24),
                    output_tokens: Some(6),
                    total_tokens: Some(30),
                }),
                estimated_cost: Some(EstimatedCost {
                    // A remote price: an integral float (a local call's 0.0) would not
                    // survive a JavaScript client's round trip byte for byte.
                    amount_usd: Some(0.000126),
                    source: "catalog".into(),
                    as_of: None,
                }),
                attempts: 1,
                http_status: 200,
                streamed: true,
                timings: TestTimings {
                    queued_ms: 0.02,
                    connected_ms: Some(0.25),
                    headers_ms: Some(12.5),
                    first_token_ms: Some(13.25),
                    completed_ms: Some(96.5),
                    total_ms: 97.25,
                },
            },
        )),
    );
}

#[test]
fn event_usage() {
    use llm_agent_protocol::methods::usage::{AlertLevel, SpendingAlert};
    check(
        "event_usage.msgpack",
        &Envelope::Event(Event {
            subscription: 2,
            topic: "usage".into(),
            seq: 1,
            data: SpendingAlert {
                profile_id: "0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b".into(),
                day: "2026-11-21".into(),
                level: AlertLevel::Warning,
                // Not integral: a JavaScript client re-encodes an integral float as an
                // integer (see the rule on floats in docs/protocol.md), and every fixture
                // must survive its round trip byte for byte.
                daily_cap_usd: 2.5,
                spent_usd: 2.03125,
            },
        }),
    );
}

#[test]
fn request_hello_with_locales() {
    check(
        "request_hello_locales.msgpack",
        &Envelope::Request(Request {
            id: 1,
            method: "hello".into(),
            params: HelloParams {
                protocol: 1,
                client: ClientInfo {
                    name: "llm-tutor".into(),
                    version: "1.4.0".into(),
                },
                locales: vec!["de-AT".into(), "en".into()],
            },
            correlation_id: None,
        }),
    );
}

fn args(pairs: &[(&str, MessageArg)]) -> MessageArgs {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect()
}

#[test]
fn response_error_with_message_ids() {
    let fields = [
        FieldError {
            field: "name".into(),
            code: "too_long".into(),
            message: "Höchstens 80 Zeichen verwenden.".into(),
            message_id: Some("field_too_long".into()),
            message_args: args(&[("max", MessageArg::Integer(80))]),
        },
        FieldError {
            field: "endpoint".into(),
            code: "invalid".into(),
            message: "Verwenden Sie eine http://- oder https://-URL.".into(),
            message_id: Some("field_endpoint_not_http".into()),
            message_args: MessageArgs::new(),
        },
    ];
    let details = llm_agent_protocol::value::to_value(&fields).expect("field errors");
    check(
        "response_error_localized.msgpack",
        &Envelope::<()>::Response(Response::err(
            Some(4),
            "c0ffee00-0000-4000-8000-000000000004".into(),
            WireError {
                message_id: Some("fields_need_attention".into()),
                message_args: args(&[("count", MessageArg::Integer(2))]),
                remediation_id: Some("fix_marked_fields".into()),
                ..WireError::new(
                    ErrorCode::ValidationError,
                    "2 Felder müssen überprüft werden",
                )
                .with_remediation(
                    "Korrigieren Sie die markierten Felder und speichern Sie dann erneut.",
                )
                .with_details(details)
            },
        )),
    );
}
