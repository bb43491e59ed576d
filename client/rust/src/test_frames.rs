//! Frames as an agent would write them, for unit tests: typed envelopes, and raw values
//! with fields missing or in another order, which no typed envelope writes.

use llm_agent_protocol::envelope::{self, Envelope, Response};
use llm_agent_protocol::methods::Method;
use llm_agent_protocol::methods::handshake::{Hello, HelloResult, ProtocolRange};
use llm_agent_protocol::{DEFAULT_MAX_FRAME_LEN, Event, PROTOCOL_VERSION, WireError};
use serde::Serialize;

pub(crate) fn frame<P: Serialize>(message: &Envelope<P>) -> Vec<u8> {
    envelope::encode_frame(message, DEFAULT_MAX_FRAME_LEN).unwrap()
}

/// The body of a frame holding exactly `value`: for messages no typed envelope writes, with
/// fields missing or in another order.
pub(crate) fn value_body(value: &rmpv::Value) -> Vec<u8> {
    let mut body = Vec::new();
    rmpv::encode::write_value(&mut body, value).unwrap();
    body
}

pub(crate) fn value_frame(value: &rmpv::Value) -> Vec<u8> {
    llm_agent_protocol::frame::encode_frame(&value_body(value), DEFAULT_MAX_FRAME_LEN).unwrap()
}

pub(crate) fn ok<R: Serialize>(id: u64, result: R) -> Envelope<R> {
    Envelope::Response(Response::ok(id, format!("corr-{id}"), result))
}

pub(crate) fn err(id: Option<u64>, error: WireError) -> Envelope {
    Envelope::Response(Response::err(id, "corr-err".into(), error))
}

pub(crate) fn event<D: Serialize>(
    subscription: u64,
    topic: &str,
    seq: u64,
    data: D,
) -> Envelope<D> {
    Envelope::Event(Event {
        subscription,
        topic: topic.into(),
        seq,
        data,
    })
}

pub(crate) fn hello_result() -> HelloResult {
    HelloResult {
        agent_version: "9.9.9".into(),
        protocol: PROTOCOL_VERSION,
        supported_protocols: ProtocolRange {
            min: PROTOCOL_VERSION,
            max: PROTOCOL_VERSION,
        },
        capabilities: vec![Hello::NAME.into()],
        max_frame_len: DEFAULT_MAX_FRAME_LEN,
        max_in_flight: 64,
    }
}
