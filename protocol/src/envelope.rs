//! The message kinds that travel in frames: request, response, event, cancel, and the
//! delta frames a streamed reply sends before its response.
//!
//! Every envelope is a MessagePack map with a `type` field. Payloads (`params`, `result`,
//! `data`) are generic: senders put their typed value in directly, and receivers decode
//! an opaque [`rmpv::Value`] first and the typed payload second, so an unknown method or
//! bad params never fail the envelope itself.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::WireError;
use crate::frame::HEADER_LEN;

/// One message on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields, concrete(P = crate::typescript::Opaque)))]
// `bound` has an attribute of its own: ts-rs does not parse it, and would drop `tag` with it.
#[serde(tag = "type", rename_all = "snake_case")]
#[serde(bound(deserialize = "P: Deserialize<'de> + AbsentParams"))]
pub enum Envelope<P = rmpv::Value> {
    Request(Request<P>),
    Response(Response<P>),
    Event(Event<P>),
    Cancel(Cancel),
    Delta(Delta<P>),
}

/// A call from a client. `id` is chosen by the client and must be unique among its
/// requests in flight on the connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// Not `optional_fields`: it cannot see through the generic `params`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(concrete(P = crate::typescript::Opaque), rename = "RequestEnvelope"))]
#[serde(bound(deserialize = "P: Deserialize<'de> + AbsentParams"))]
pub struct Request<P = rmpv::Value> {
    pub id: u64,
    pub method: String,
    #[serde(default = "AbsentParams::absent")]
    pub params: P,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub correlation_id: Option<String>,
}

/// What a request's `params` decode to when the field is missing.
pub trait AbsentParams {
    fn absent() -> Self;
}

impl AbsentParams for rmpv::Value {
    fn absent() -> Self {
        rmpv::Value::Nil
    }
}

/// The answer to one request: exactly one of `result` and `error` is present.
///
/// `id` is nil only when the agent could not read the id of the request it answers (for
/// example an undecodable frame); such a response is about the connection as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields, concrete(R = crate::typescript::Opaque), rename = "ResponseEnvelope"))]
pub struct Response<R = rmpv::Value> {
    #[cfg_attr(feature = "ts", ts(optional = false))]
    pub id: Option<u64>,
    pub correlation_id: String,
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub result: Option<R>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<WireError>,
}

fn none<R>() -> Option<R> {
    None
}

impl<R> Response<R> {
    pub fn ok(id: u64, correlation_id: String, result: R) -> Self {
        Self {
            id: Some(id),
            correlation_id,
            result: Some(result),
            error: None,
        }
    }

    pub fn err(id: Option<u64>, correlation_id: String, error: WireError) -> Self {
        Self {
            id,
            correlation_id,
            result: None,
            error: Some(error),
        }
    }
}

impl Response<rmpv::Value> {
    /// The outcome: the error if there is one, otherwise the result (nil when absent).
    pub fn into_outcome(self) -> Result<rmpv::Value, WireError> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.result.unwrap_or(rmpv::Value::Nil)),
        }
    }
}

/// A pushed message on a subscription. `seq` counts from 1 per subscription, so a gap
/// means events were lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(concrete(D = crate::typescript::Opaque), rename = "EventEnvelope"))]
pub struct Event<D = rmpv::Value> {
    pub subscription: u64,
    pub topic: String,
    pub seq: u64,
    pub data: D,
}

/// A piece of a streamed reply, sent before the request's one response (`chat.run` with
/// `stream: true`). `seq` counts from 1 per request; `data`'s shape is the method's. A
/// client gets delta frames only for a request that asked for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(concrete(D = crate::typescript::Opaque), rename = "DeltaEnvelope"))]
pub struct Delta<D = rmpv::Value> {
    pub id: u64,
    pub seq: u64,
    pub data: D,
}

/// Asks the agent to stop the request with this id. The request then answers `CANCELLED`
/// (or its result, if it finished first). Cancelling an unknown id does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(optional_fields, rename = "CancelEnvelope")
)]
pub struct Cancel {
    pub id: u64,
}

/// Why bytes could not become a message, or a message could not become bytes.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("could not encode: {0}")]
    Encode(#[from] rmp_serde::encode::Error),
    #[error("could not decode: {0}")]
    Decode(#[from] rmp_serde::decode::Error),
    #[error("{0} bytes follow the message in its frame")]
    TrailingBytes(usize),
    #[error("message of {len} bytes exceeds the frame limit of {max} bytes")]
    TooLarge { len: usize, max: u32 },
}

/// Encodes any message with named map fields (never positional arrays).
pub fn encode<T: Serialize + ?Sized>(message: &T) -> Result<Vec<u8>, CodecError> {
    Ok(rmp_serde::to_vec_named(message)?)
}

/// Encodes a message as a complete frame (length prefix included) in one buffer.
pub fn encode_frame<T: Serialize + ?Sized>(
    message: &T,
    max_len: u32,
) -> Result<Vec<u8>, CodecError> {
    // Most messages fit: growing from a small buffer cost several reallocations each.
    let mut frame = Vec::with_capacity(1024);
    frame.extend_from_slice(&[0; HEADER_LEN]);
    rmp_serde::encode::write_named(&mut frame, message)?;
    let len = frame.len() - HEADER_LEN;
    match u32::try_from(len) {
        Ok(len32) if len32 <= max_len => {
            frame[..HEADER_LEN].copy_from_slice(&len32.to_be_bytes());
            Ok(frame)
        }
        _ => Err(CodecError::TooLarge { len, max: max_len }),
    }
}

/// Decodes a message from one frame body, which must hold nothing else.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    let mut rest = body;
    let mut deserializer = rmp_serde::Deserializer::new(&mut rest);
    deserializer.set_max_depth(crate::MAX_NESTING);
    let message = T::deserialize(&mut deserializer)?;
    if rest.is_empty() {
        Ok(message)
    } else {
        Err(CodecError::TrailingBytes(rest.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn typed_request_decodes_as_opaque_envelope() {
        #[derive(Serialize)]
        struct Params {
            limit: u32,
        }
        let bytes = encode(&Envelope::Request(Request {
            id: 7,
            method: "diagnostics.query".into(),
            params: Params { limit: 3 },
            correlation_id: None,
        }))
        .unwrap();
        let Envelope::Request(request) = decode::<Envelope>(&bytes).unwrap() else {
            panic!("not a request");
        };
        assert_eq!(request.id, 7);
        assert_eq!(request.params["limit"], rmpv::Value::from(3));
        assert_eq!(request.correlation_id, None);
    }

    #[test]
    fn missing_params_decode_as_nil_and_unknown_fields_are_ignored() {
        let value = rmpv::Value::Map(vec![
            ("type".into(), "request".into()),
            ("id".into(), 1.into()),
            ("method".into(), "agent.status".into()),
            ("from_the_future".into(), true.into()),
        ]);
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &value).unwrap();
        let Envelope::Request(request) = decode::<Envelope>(&bytes).unwrap() else {
            panic!("not a request");
        };
        assert_eq!(request.params, rmpv::Value::Nil);
    }

    #[test]
    fn bytes_after_the_message_are_refused() {
        let mut bytes = encode(&Envelope::<()>::Cancel(Cancel { id: 1 })).unwrap();
        bytes.push(0xc0);
        assert!(matches!(
            decode::<Envelope>(&bytes),
            Err(CodecError::TrailingBytes(1))
        ));
    }

    #[test]
    fn error_response_round_trips() {
        let response: Response = Response::err(
            Some(3),
            "c-1".into(),
            WireError::new(ErrorCode::Busy, "too many requests"),
        );
        let bytes = encode(&Envelope::Response(response.clone())).unwrap();
        let Envelope::Response(back) = decode::<Envelope>(&bytes).unwrap() else {
            panic!("not a response");
        };
        assert_eq!(back, response);
        let err = back.into_outcome().unwrap_err();
        assert_eq!(err.code, ErrorCode::Busy);
        assert!(err.retryable);
    }
}
