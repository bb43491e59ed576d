//! A client's frame, read in one pass: measured first (exactly one well-formed
//! MessagePack value, nested at most [`MAX_NESTING`] deep, holding at most
//! [`MAX_FRAME_VALUES`] values), then the envelope's fields read in place. A request's
//! params stay the bytes they came as, for their method to decode straight into its own
//! type: no opaque value is ever built from what a client sends.

use bytes::Bytes;
use llm_agent_protocol::MAX_NESTING;
use llm_agent_protocol::msgpack::{Cursor, Unmeasurable};

use super::budget::MAX_FRAME_VALUES;

/// A client's frame, read.
#[derive(Debug)]
pub enum Inbound {
    Request(InboundRequest),
    Cancel {
        id: u64,
    },
    /// A `response` or an `event`, which only the agent sends.
    FromAgent,
}

/// A request as it arrived: its params not decoded yet.
#[derive(Debug)]
pub struct InboundRequest {
    pub id: u64,
    pub method: String,
    pub params: RawParams,
    pub correlation_id: Option<String>,
}

/// A request's params as they came: the bytes of one MessagePack value, or nothing when
/// the request has no `params`.
#[derive(Debug, Clone, Default)]
pub struct RawParams(Bytes);

impl RawParams {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for RawParams {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes.into())
    }
}

/// Why a frame is not a request the agent can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not exactly one well-formed MessagePack value, or nested too deep: the stream
    /// cannot be trusted, and the connection closes.
    Malformed,
    /// More values than any request holds. `id` is the envelope's when it could be read.
    TooManyValues { id: Option<u64> },
    /// Well-formed MessagePack that is not an envelope. `reason` quotes none of the
    /// client's values.
    NotAnEnvelope { id: Option<u64>, reason: String },
}

/// A frame read, and how many values it holds (what decoding it may cost).
#[derive(Debug)]
pub struct Read {
    pub inbound: Inbound,
    pub values: u64,
}

/// Reads one frame body.
pub fn read(body: &Bytes) -> Result<Read, Unreadable> {
    let mut cursor = Cursor::new(body);
    let extent = match cursor.measure(MAX_NESTING, MAX_FRAME_VALUES) {
        Ok(extent) => extent,
        Err(Unmeasurable::TooManyValues { .. }) => {
            return Err(Unreadable::TooManyValues {
                id: envelope_id(body),
            });
        }
        Err(Unmeasurable::Malformed | Unmeasurable::TooDeep { .. }) => {
            return Err(Unreadable::Malformed);
        }
    };
    if !cursor.rest().is_empty() {
        return Err(Unreadable::Malformed);
    }
    let fields = Fields::read(body).map_err(|reason| Unreadable::NotAnEnvelope {
        id: envelope_id(body),
        reason: reason.to_owned(),
    })?;
    let not_an_envelope = |reason: String| Unreadable::NotAnEnvelope {
        id: fields.id.flatten(),
        reason,
    };
    let inbound = match fields.kind {
        None => return Err(not_an_envelope("missing field `type`".to_owned())),
        Some(b"request") => {
            let id = required_id(fields.id).map_err(not_an_envelope)?;
            let method = fields
                .method
                .ok_or_else(|| not_an_envelope("missing field `method`".to_owned()))?;
            Inbound::Request(InboundRequest {
                id,
                method,
                params: RawParams(fields.params.map_or_else(Bytes::new, |at| body.slice(at))),
                correlation_id: fields.correlation_id.flatten(),
            })
        }
        Some(b"cancel") => Inbound::Cancel {
            id: required_id(fields.id).map_err(not_an_envelope)?,
        },
        Some(b"response" | b"event" | b"delta") => Inbound::FromAgent,
        Some(_) => {
            return Err(not_an_envelope(
                "unknown variant (value not shown), expected one of `request`, `response`, `event`, `delta`, `cancel`"
                    .to_owned(),
            ));
        }
    };
    Ok(Read {
        inbound,
        values: extent.values,
    })
}

fn required_id(id: Option<Option<u64>>) -> Result<u64, String> {
    match id {
        Some(Some(id)) => Ok(id),
        Some(None) => Err("invalid type for `id`: got nil, expected an unsigned integer".into()),
        None => Err("missing field `id`".into()),
    }
}

/// The envelope's fields, as far as they are read in place.
#[derive(Default)]
struct Fields<'a> {
    kind: Option<&'a [u8]>,
    /// `Some(None)` for an `id` that is nil.
    id: Option<Option<u64>>,
    method: Option<String>,
    /// Where the params' bytes are in the body.
    params: Option<std::ops::Range<usize>>,
    correlation_id: Option<Option<String>>,
}

impl<'a> Fields<'a> {
    /// Reads the fields of the map `body` holds; unknown fields are skipped. The error
    /// names what is wrong without quoting a value.
    fn read(body: &'a [u8]) -> Result<Self, &'static str> {
        let mut cursor = Cursor::new(body);
        let entries = cursor.map_len().ok_or("invalid type: expected a map")?;
        let mut fields = Fields::default();
        for _ in 0..entries {
            let key = cursor
                .str()
                .ok_or("invalid type: a field name is not a string")?;
            match key {
                b"type" => {
                    let kind = cursor
                        .str()
                        .ok_or("invalid type for `type`: expected a string")?;
                    set_once(&mut fields.kind, kind, "duplicate field `type`")?;
                }
                b"id" => {
                    let id = cursor
                        .optional_u64()
                        .ok_or("invalid type for `id`: expected an unsigned integer")?;
                    set_once(&mut fields.id, id, "duplicate field `id`")?;
                }
                b"method" => {
                    let method =
                        text(&mut cursor).ok_or("invalid type for `method`: expected a string")?;
                    set_once(&mut fields.method, method, "duplicate field `method`")?;
                }
                b"params" => {
                    let start = body.len() - cursor.rest().len();
                    cursor.skip_value().ok_or("a field's value is malformed")?;
                    let end = body.len() - cursor.rest().len();
                    set_once(&mut fields.params, start..end, "duplicate field `params`")?;
                }
                b"correlation_id" => {
                    let given = if cursor.peek() == Some(0xc0) {
                        cursor.skip_value();
                        None
                    } else {
                        Some(
                            text(&mut cursor)
                                .ok_or("invalid type for `correlation_id`: expected a string")?,
                        )
                    };
                    set_once(
                        &mut fields.correlation_id,
                        given,
                        "duplicate field `correlation_id`",
                    )?;
                }
                _ => cursor.skip_value().ok_or("a field's value is malformed")?,
            }
        }
        Ok(fields)
    }
}

fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    duplicate: &'static str,
) -> Result<(), &'static str> {
    match slot {
        Some(_) => Err(duplicate),
        None => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// A string value, which must be UTF-8.
fn text(cursor: &mut Cursor<'_>) -> Option<String> {
    let bytes = cursor.str()?;
    std::str::from_utf8(bytes).ok().map(str::to_owned)
}

/// The envelope's `id`, read from a map's top-level fields alone, for an answer to a
/// frame that is otherwise unusable.
fn envelope_id(body: &[u8]) -> Option<u64> {
    let mut cursor = Cursor::new(body);
    for _ in 0..cursor.map_len()? {
        if cursor.str()? == b"id" {
            return cursor.optional_u64().flatten();
        }
        cursor.skip_value()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::envelope::{self, Cancel, Envelope, Request, Response};

    use super::*;

    fn body_of(value: &serde_json::Value) -> Bytes {
        Bytes::from(rmp_serde::to_vec_named(value).unwrap())
    }

    #[test]
    fn a_request_keeps_its_params_as_they_came() {
        let request = Envelope::Request(Request {
            id: 7,
            method: "diagnostics.query".into(),
            params: serde_json::json!({"limit": 3}),
            correlation_id: Some("c-1".into()),
        });
        let body = Bytes::from(envelope::encode(&request).unwrap());
        let Read { inbound, values } = read(&body).unwrap();
        let Inbound::Request(request) = inbound else {
            panic!("{inbound:?}");
        };
        assert_eq!(
            (request.id, request.method.as_str()),
            (7, "diagnostics.query")
        );
        assert_eq!(request.correlation_id.as_deref(), Some("c-1"));
        assert_eq!(
            request.params.as_bytes(),
            rmp_serde::to_vec_named(&serde_json::json!({"limit": 3})).unwrap()
        );
        assert_eq!(values, 1 + 2 * 5 + 2);
    }

    #[test]
    fn missing_params_are_empty_and_unknown_fields_are_skipped() {
        let body = body_of(&serde_json::json!({
            "from_the_future": {"a": [1, 2, {"b": null}]},
            "type": "request", "id": 1, "method": "agent.status", "correlation_id": null,
        }));
        let Inbound::Request(request) = read(&body).unwrap().inbound else {
            panic!("not a request");
        };
        assert!(request.params.as_bytes().is_empty());
        assert_eq!(request.correlation_id, None);
    }

    #[test]
    fn cancels_and_the_agents_own_kinds_are_told_apart() {
        let cancel =
            Bytes::from(envelope::encode(&Envelope::<()>::Cancel(Cancel { id: 4 })).unwrap());
        assert!(matches!(
            read(&cancel).unwrap().inbound,
            Inbound::Cancel { id: 4 }
        ));
        let response = Envelope::<()>::Response(Response::ok(9, "c".into(), ()));
        let response = Bytes::from(envelope::encode(&response).unwrap());
        assert!(matches!(
            read(&response).unwrap().inbound,
            Inbound::FromAgent
        ));
    }

    #[test]
    fn envelopes_that_do_not_read_keep_their_id_when_they_have_one() {
        for (value, id) in [
            (serde_json::json!({"type": "telepathy", "id": 9}), Some(9)),
            (serde_json::json!({"type": "request", "id": 10}), Some(10)),
            (
                serde_json::json!({"type": "request", "id": "eleven", "method": "x"}),
                None,
            ),
            (
                serde_json::json!({"id": 12, "method": "agent.status"}),
                Some(12),
            ),
            (serde_json::json!(42), None),
            (
                serde_json::json!({"type": "request", "id": 13, "method": 1}),
                Some(13),
            ),
        ] {
            match read(&body_of(&value)) {
                Err(Unreadable::NotAnEnvelope { id: got, reason }) => {
                    assert_eq!(got, id, "{value}: {reason}");
                }
                other => panic!("{value}: {other:?}"),
            }
        }
        let duplicate = [
            0x83, 0xa4, b't', b'y', b'p', b'e', 0xa6, b'c', b'a', b'n', b'c', b'e', b'l', 0xa2,
            b'i', b'd', 0x01, 0xa2, b'i', b'd', 0x02,
        ];
        assert!(matches!(
            read(&Bytes::copy_from_slice(&duplicate)),
            Err(Unreadable::NotAnEnvelope { .. })
        ));
    }

    #[test]
    fn bytes_that_are_not_one_value_or_too_deep_are_malformed() {
        let mut trailing = envelope::encode(&Envelope::<()>::Cancel(Cancel { id: 1 })).unwrap();
        trailing.push(0xc0);
        let mut deep = vec![0x91u8; MAX_NESTING + 1];
        deep.push(0xc0);
        for body in [&trailing[..], &[0xc1], &[], &[0x92, 0x01], &deep] {
            assert_eq!(
                read(&Bytes::copy_from_slice(body)).unwrap_err(),
                Unreadable::Malformed,
                "{:?}",
                &body[..body.len().min(8)]
            );
        }
    }

    #[test]
    fn a_frame_of_too_many_values_is_refused_before_decoding() {
        let mut body =
            b"\x84\xa4type\xa7request\xa2id\x05\xa6method\xacagent.status\xa6params\xdd".to_vec();
        let count = u32::try_from(MAX_FRAME_VALUES).unwrap();
        body.extend_from_slice(&count.to_be_bytes());
        body.extend(std::iter::repeat_n(0x90u8, count as usize));
        assert_eq!(
            read(&Bytes::from(body)).unwrap_err(),
            Unreadable::TooManyValues { id: Some(5) }
        );
    }
}
