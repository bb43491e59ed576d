//! Reading the agent's frames: the [`FrameHeader`] the connection task routes every frame
//! by, and the one-pass [`decode`] that whoever receives the frame runs on its bytes.
//!
//! Routing must not cost a decode of the whole frame: the task would build a response once
//! only to have its caller build it again. So the header is read straight from the
//! MessagePack bytes, and the reading stops as soon as the frame's destination is known;
//! the agent writes `type` first and the id right after it. Whoever gets the frame decodes
//! it once, straight into its own types: a typed call into its method's result, with no
//! opaque value in between.

use llm_agent_protocol::msgpack::Cursor;
use serde::de::DeserializeOwned;

/// Where a frame goes, read from its top-level fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameHeader {
    /// `id` is `None` for an answer about the connection as a whole.
    Response {
        id: Option<u64>,
    },
    Event {
        subscription: u64,
    },
    /// A piece of the streamed reply of request `id`.
    Delta {
        id: u64,
    },
    /// A request or a cancel (which the agent never sends), or a kind this build does not
    /// know.
    Other,
}

/// Why a frame has no header: it is not an envelope.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct NotAnEnvelope(&'static str);

impl FrameHeader {
    /// Reads the header from a frame body. Only the fields that route the frame are
    /// checked; the rest is left to the frame's receiver, which decodes it.
    pub(crate) fn read(body: &[u8]) -> Result<Self, NotAnEnvelope> {
        let mut reader = Cursor::new(body);
        let entries = reader
            .map_len()
            .ok_or(NotAnEnvelope("the frame is not a map"))?;
        let mut kind = None;
        // `Some(None)` is an `id` that is present and nil.
        let mut id: Option<Option<u64>> = None;
        let mut subscription = None;
        for _ in 0..entries {
            let key = reader
                .str()
                .ok_or(NotAnEnvelope("a field name is not a string"))?;
            match key {
                b"type" => {
                    let name = reader
                        .str()
                        .ok_or(NotAnEnvelope("`type` is not a string"))?;
                    kind = Some(Kind::from_name(name));
                }
                b"id" => {
                    let value = reader
                        .optional_u64()
                        .ok_or(NotAnEnvelope("`id` is neither an unsigned integer nor nil"))?;
                    id = Some(value);
                }
                b"subscription" => {
                    let value = reader
                        .optional_u64()
                        .flatten()
                        .ok_or(NotAnEnvelope("`subscription` is not an unsigned integer"))?;
                    subscription = Some(value);
                }
                _ => reader
                    .skip_value()
                    .ok_or(NotAnEnvelope("a field's value is cut short or malformed"))?,
            }
            match (kind, id, subscription) {
                (Some(Kind::Response), Some(id), _) => return Ok(Self::Response { id }),
                (Some(Kind::Event), _, Some(subscription)) => {
                    return Ok(Self::Event { subscription });
                }
                (Some(Kind::Delta), Some(Some(id)), _) => return Ok(Self::Delta { id }),
                (Some(Kind::Other), _, _) => return Ok(Self::Other),
                _ => {}
            }
        }
        match kind {
            // A missing `id` reads as nil, as it does for the full envelope.
            Some(Kind::Response) => Ok(Self::Response { id: None }),
            Some(Kind::Event) => Err(NotAnEnvelope("an event has no `subscription`")),
            Some(Kind::Delta) => Err(NotAnEnvelope("a delta has no `id`")),
            Some(Kind::Other) => Ok(Self::Other),
            None => Err(NotAnEnvelope("the frame has no `type`")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Response,
    Event,
    Delta,
    Other,
}

impl Kind {
    fn from_name(name: &[u8]) -> Self {
        match name {
            b"response" => Self::Response,
            b"event" => Self::Event,
            b"delta" => Self::Delta,
            _ => Self::Other,
        }
    }
}

/// Decodes a message from a frame body in one pass.
///
/// Unlike `envelope::decode`, strings are read in place instead of being copied out
/// first, and bytes after the message are not looked for: `rmp_serde` does not say where
/// an in-place read stopped.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, rmp_serde::decode::Error> {
    let mut deserializer = rmp_serde::Deserializer::from_read_ref(body);
    deserializer.set_max_depth(llm_agent_protocol::MAX_NESTING);
    T::deserialize(&mut deserializer)
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::envelope::{self, Cancel, Envelope, Event, Request, Response};
    use llm_agent_protocol::{ErrorCode, WireError};

    use super::*;
    use llm_agent_protocol::testing::every_kind;

    use crate::test_bodies::value_body;

    fn header_of<P: serde::Serialize>(message: &Envelope<P>) -> FrameHeader {
        FrameHeader::read(&envelope::encode(message).unwrap()).unwrap()
    }

    #[test]
    fn each_envelope_kind_has_its_header() {
        let ok = Envelope::Response(Response::ok(9, "c".into(), every_kind()));
        assert_eq!(header_of(&ok), FrameHeader::Response { id: Some(9) });
        let error = WireError::new(ErrorCode::MalformedFrame, "no");
        let rejected = Envelope::<()>::Response(Response::err(None, "c".into(), error));
        assert_eq!(header_of(&rejected), FrameHeader::Response { id: None });
        let event = Envelope::Event(Event {
            subscription: 3,
            topic: "diagnostics".into(),
            seq: 1,
            data: every_kind(),
        });
        assert_eq!(header_of(&event), FrameHeader::Event { subscription: 3 });
        let request = Envelope::Request(Request {
            id: 1,
            method: "agent.status".into(),
            params: (),
            correlation_id: None,
        });
        assert_eq!(header_of(&request), FrameHeader::Other);
        let cancel = Envelope::<()>::Cancel(Cancel { id: 1 });
        assert_eq!(header_of(&cancel), FrameHeader::Other);
    }

    #[test]
    fn the_golden_fixtures_have_their_headers() {
        let fixtures: [(&[u8], FrameHeader); 7] = [
            (
                include_bytes!("../../../protocol/tests/fixtures/response_ok.msgpack"),
                FrameHeader::Response { id: Some(1) },
            ),
            (
                include_bytes!("../../../protocol/tests/fixtures/response_error.msgpack"),
                FrameHeader::Response { id: Some(9) },
            ),
            (
                include_bytes!("../../../protocol/tests/fixtures/response_error_no_id.msgpack"),
                FrameHeader::Response { id: None },
            ),
            (
                include_bytes!("../../../protocol/tests/fixtures/event.msgpack"),
                FrameHeader::Event { subscription: 1 },
            ),
            (
                include_bytes!("../../../protocol/tests/fixtures/cancel.msgpack"),
                FrameHeader::Other,
            ),
            (
                include_bytes!("../../../protocol/tests/fixtures/request.msgpack"),
                FrameHeader::Other,
            ),
            (
                include_bytes!("../../../protocol/tests/fixtures/request_subscribe.msgpack"),
                FrameHeader::Other,
            ),
        ];
        for (body, expected) in fixtures {
            assert_eq!(FrameHeader::read(body).unwrap(), expected);
        }
    }

    /// Fields in any order, with anything before the ones that route the frame.
    #[test]
    fn routing_fields_are_found_after_any_other_value() {
        use rmpv::Value;
        let response = Value::Map(vec![
            ("result".into(), every_kind()),
            ("correlation_id".into(), "c".into()),
            ("id".into(), Value::from(70_000)),
            ("type".into(), "response".into()),
        ]);
        assert_eq!(
            FrameHeader::read(&value_body(&response)).unwrap(),
            FrameHeader::Response { id: Some(70_000) }
        );
        let event = Value::Map(vec![
            ("data".into(), every_kind()),
            ("type".into(), "event".into()),
            ("seq".into(), 1.into()),
            ("subscription".into(), Value::from(u64::MAX)),
        ]);
        assert_eq!(
            FrameHeader::read(&value_body(&event)).unwrap(),
            FrameHeader::Event {
                subscription: u64::MAX
            }
        );
        let without_id = Value::Map(vec![
            ("type".into(), "response".into()),
            ("error".into(), every_kind()),
        ]);
        assert_eq!(
            FrameHeader::read(&value_body(&without_id)).unwrap(),
            FrameHeader::Response { id: None }
        );
    }

    #[test]
    fn ids_in_signed_encodings_are_read_when_not_negative() {
        // {"type": "response", "id": <int 16 of 300>}
        let mut bytes = vec![0x82, 0xa4];
        bytes.extend_from_slice(b"type");
        bytes.push(0xa8);
        bytes.extend_from_slice(b"response");
        bytes.push(0xa2);
        bytes.extend_from_slice(b"id");
        bytes.extend_from_slice(&[0xd1, 0x01, 0x2c]);
        assert_eq!(
            FrameHeader::read(&bytes).unwrap(),
            FrameHeader::Response { id: Some(300) }
        );
        let last = bytes.len() - 3;
        bytes[last..].copy_from_slice(&[0xd1, 0xff, 0xff]);
        assert!(FrameHeader::read(&bytes).is_err());
    }

    #[test]
    fn frames_that_are_not_envelopes_have_no_header() {
        use rmpv::Value;
        let not_envelopes = [
            Value::from("x"),
            Value::Map(vec![]),
            Value::Map(vec![("type".into(), 1.into())]),
            Value::Map(vec![
                ("type".into(), "response".into()),
                ("id".into(), "seven".into()),
            ]),
            Value::Map(vec![
                ("type".into(), "event".into()),
                ("topic".into(), "diagnostics".into()),
            ]),
            Value::Map(vec![(Value::from(1), "response".into())]),
        ];
        for value in not_envelopes {
            assert!(FrameHeader::read(&value_body(&value)).is_err(), "{value}");
        }
        // Cut short inside a value skipped on the way to `type`, and a map that claims more
        // than it holds.
        let event = Value::Map(vec![
            ("data".into(), every_kind()),
            ("type".into(), "event".into()),
            ("subscription".into(), 1.into()),
        ]);
        let bytes = value_body(&event);
        assert!(FrameHeader::read(&bytes[..bytes.len() / 2]).is_err());
        assert!(FrameHeader::read(&[0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0]).is_err());
    }
}
