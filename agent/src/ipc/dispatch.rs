//! Routes a request to its handler. The dispatcher decodes typed params (answering
//! `INVALID_PARAMS` with the offending field), runs the handler, and encodes the typed
//! result, so each handler is a few lines of domain logic. Unknown methods get
//! `METHOD_NOT_FOUND`; panics are turned into `INTERNAL` by the connection.
//!
//! The route table is written once, in [`routes!`]: it makes both the `match` that
//! serves requests and [`SERVED`], the list a test holds equal to the protocol's
//! `methods::ALL`, so a method cannot be announced without being served or served
//! without being announced.

use std::any::Any;
use std::time::Instant;

use llm_agent_protocol::envelope::{self, Envelope, Response};
use llm_agent_protocol::frame::HEADER_LEN;
use llm_agent_protocol::methods::{
    self, Method, agent, audit, catalog, chat, diagnostics, discovery, events, handshake, profiles,
    usage,
};
use llm_agent_protocol::{WireError, msgpack, value};
use serde::Serialize;

use super::call::Call;
use super::elapsed;
use super::encoded::EncodedResult;
use super::error::RequestError;
use super::handlers;
use super::handshake as hello;
use super::inbound::RawParams;
use crate::texts;

/// Writes the route table: each line is `serve Method => handler`, or `encoded Method =>
/// handler` for a handler that answers with its result already encoded (exactly as
/// `Method::Result` would be: each such handler has a test that pins the bytes) and
/// ending with [`elapsed::PLACEHOLDER`], which is stamped once the frame is complete.
macro_rules! routes {
    ($($how:ident $module:ident::$method:ident => $handler:path,)*) => {
        /// Every method the route table serves, in table order.
        pub const SERVED: &[&str] = &[$($module::$method::NAME,)*];

        /// Runs the handler of `method` and returns the complete response frame.
        pub async fn route(
            call: &Call,
            method: &str,
            params: RawParams,
        ) -> Result<Vec<u8>, WireError> {
            match method {
                $($module::$method::NAME => {
                    routes!(@$how call, params, $module::$method, $handler)
                })*
                _ => Err(RequestError::UnknownMethod {
                    shown_method: shown_method(method),
                }
                .into()),
            }
        }
    };
    (@serve $call:ident, $params:ident, $method:ty, $handler:path) => {
        serve::<$method>($call, $params, $handler).await
    };
    (@encoded $call:ident, $params:ident, $method:ty, $handler:path) => {
        serve_encoded::<$method>($call, $params, $handler).await
    };
}

routes! {
    serve handshake::Hello => hello::hello,
    serve agent::Status => handlers::agent::status,
    serve agent::Shutdown => handlers::agent::shutdown,
    serve diagnostics::Query => handlers::diagnostics::query,
    serve events::Subscribe => handlers::events::subscribe,
    serve events::Unsubscribe => handlers::events::unsubscribe,
    encoded profiles::List => handlers::profiles::list,
    serve profiles::Get => handlers::profiles::get,
    serve profiles::Create => handlers::profiles::create,
    serve profiles::Update => handlers::profiles::update,
    serve profiles::Delete => handlers::profiles::delete,
    serve profiles::Activate => handlers::profiles::activate,
    serve profiles::ResetSecrets => handlers::profiles::reset_secrets,
    serve profiles::Test => handlers::profiles::test,
    serve discovery::Run => handlers::discovery::run,
    serve discovery::Status => handlers::discovery::status,
    serve discovery::Configure => handlers::discovery::configure,
    serve discovery::Adopt => handlers::discovery::adopt,
    serve catalog::List => handlers::catalog::list,
    serve catalog::UpsertModel => handlers::catalog::upsert_model,
    serve catalog::DeprecateModel => handlers::catalog::deprecate_model,
    serve catalog::ReactivateModel => handlers::catalog::reactivate_model,
    serve catalog::SetDefaultModel => handlers::catalog::set_default_model,
    serve catalog::SetProvider => handlers::catalog::set_provider,
    serve catalog::GetRoles => handlers::catalog::roles_get,
    serve catalog::SetRole => handlers::catalog::roles_set,
    serve profiles::Health => handlers::profiles::health,
    serve diagnostics::Export => handlers::diagnostics::export,
    serve audit::Query => handlers::audit::query,
    serve audit::Verify => handlers::audit::verify,
    serve chat::Run => handlers::chat::run,
    serve profiles::Models => handlers::profiles::models,
    serve usage::Summary => handlers::usage::summary,
    serve usage::SetCap => handlers::usage::set_cap,
}

async fn serve<M: Method>(
    call: &Call,
    params: RawParams,
    handler: impl AsyncFnOnce(&Call, M::Params) -> Result<M::Result, WireError>,
) -> Result<Vec<u8>, WireError> {
    let params = decode_params::<M::Params>(M::NAME, params)?;
    let result = handler(call, params).await?;
    let frame = encode_result(call.id, &call.correlation_id, &result, call.max_frame_len())?;
    Ok(texts::relocalize_frame(
        frame,
        call.locale(),
        call.max_frame_len(),
    ))
}

/// Like [`serve`], for a handler that answers with its result encoded, ending with
/// [`elapsed::PLACEHOLDER`]: the frame is stamped with the microseconds from the start
/// of the params' decode to the complete frame, the whole of the agent's work on the
/// answer but the transport.
async fn serve_encoded<M: Method>(
    call: &Call,
    params: RawParams,
    handler: impl AsyncFnOnce(&Call, M::Params) -> Result<EncodedResult, WireError>,
) -> Result<Vec<u8>, WireError> {
    let started = Instant::now();
    let params = decode_params::<M::Params>(M::NAME, params)?;
    let EncodedResult(result) = handler(call, params).await?;
    let mut frame =
        encode_with_result(call.id, &call.correlation_id, &result, call.max_frame_len())?;
    elapsed::stamp(&mut frame, started);
    Ok(frame)
}

/// The response frame of `result`, a result already encoded: the envelope is encoded as
/// [`encode_result`] encodes it, with a nil result, which is its last byte, and `result`
/// takes that byte's place.
fn encode_with_result(
    id: u64,
    correlation_id: &str,
    result: &[u8],
    max_frame_len: u32,
) -> Result<Vec<u8>, RequestError> {
    const NIL: u8 = 0xc0;
    let mut frame = encode_result(id, correlation_id, &(), u32::MAX)?;
    if frame.pop() != Some(NIL) {
        return Err(RequestError::Unencodable {
            reason: "the envelope does not end with its result".to_owned(),
        });
    }
    frame.reserve_exact(result.len());
    frame.extend_from_slice(result);
    let len = frame.len() - HEADER_LEN;
    match u32::try_from(len) {
        Ok(len) if len <= max_frame_len => {
            frame[..HEADER_LEN].copy_from_slice(&len.to_be_bytes());
            Ok(frame)
        }
        _ => Err(RequestError::Unencodable {
            reason: format!(
                "message of {len} bytes exceeds the frame limit of {max_frame_len} bytes"
            ),
        }),
    }
}

/// Decodes a method's params, the one decoder every method's go through: nil (or no
/// params at all) reads as an empty map; anything else that is not a map, and a `bin` or
/// `ext` value anywhere, is `INVALID_PARAMS`. The params' bytes are dropped once decoded.
pub fn decode_params<P: serde::de::DeserializeOwned>(
    method: &'static str,
    params: RawParams,
) -> Result<P, RequestError> {
    const EMPTY_MAP: &[u8] = &[0x80];
    let bytes = match params.as_bytes().first() {
        None | Some(0xc0) => EMPTY_MAP,
        Some(&marker) if msgpack::is_map(marker) => params.as_bytes(),
        Some(_) => {
            return Err(RequestError::BadParams {
                method,
                field: None,
                message: "invalid type: params must be a map".to_owned(),
            });
        }
    };
    value::from_slice(bytes).map_err(|err| {
        let (field, message) = match err {
            value::ValueError::Shape { field, message } => (field, message),
            other => (None, other.to_string()),
        };
        RequestError::BadParams {
            method,
            field,
            message,
        }
    })
}

/// Encodes a successful response frame.
pub fn encode_result<R: Serialize>(
    id: u64,
    correlation_id: &str,
    result: &R,
    max_frame_len: u32,
) -> Result<Vec<u8>, RequestError> {
    let response = Envelope::Response(Response::ok(id, correlation_id.to_owned(), result));
    envelope::encode_frame(&response, max_frame_len).map_err(|err| {
        tracing::error!(error = %err, "cannot encode a response");
        RequestError::Unencodable {
            reason: err.to_string(),
        }
    })
}

/// The error a panicking handler answers with. The panic message is logged, never sent:
/// it could hold anything.
pub fn panicked(panic: &(dyn Any + Send)) -> WireError {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "a request handler panicked");
    RequestError::Panicked.into()
}

/// The method's name if the agent knows it, else `(unknown)`: a client's arbitrary
/// text never reaches a log or a diagnostics event.
pub fn known_method(method: &str) -> &'static str {
    methods::ALL
        .iter()
        .find(|known| **known == method)
        .copied()
        .unwrap_or("(unknown)")
}

/// A method name as a message may show it: only text shaped like a method name
/// (`profiles.list`) is repeated; anything else the client sent is not.
pub fn shown_method(method: &str) -> String {
    let looks_like_a_method = !method.is_empty()
        && method.len() <= 64
        && method
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
    if looks_like_a_method {
        format!("{method:?}")
    } else {
        "(name not shown: not shaped like a method name)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_table_serves_exactly_the_announced_methods() {
        let mut served = SERVED.to_vec();
        let mut announced = methods::ALL.to_vec();
        served.sort_unstable();
        announced.sort_unstable();
        let before = served.len();
        served.dedup();
        assert_eq!(served.len(), before, "a method is routed twice");
        assert_eq!(served, announced);
    }

    #[test]
    fn only_method_shaped_names_are_repeated() {
        assert_eq!(shown_method("profiles.list"), "\"profiles.list\"");
        for hostile in ["", "sk-live-SECRET key", "\u{1b}[31m", &"a".repeat(65)] {
            assert!(
                shown_method(hostile).starts_with("(name not shown"),
                "{hostile:?}"
            );
        }
        assert_eq!(known_method("profiles.list"), "profiles.list");
        assert_eq!(known_method("profiles.steal"), "(unknown)");
    }

    fn raw(value: &rmpv::Value) -> RawParams {
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, value).unwrap();
        RawParams::from(bytes)
    }

    #[test]
    fn params_that_do_not_decode_name_the_field() {
        use llm_agent_protocol::methods::NoParams;
        use llm_agent_protocol::methods::profiles::IdParams;
        for absent in [RawParams::default(), raw(&rmpv::Value::Nil)] {
            decode_params::<NoParams>("agent.status", absent).unwrap();
        }
        let wrong = rmpv::Value::Map(vec![("id".into(), 7.into())]);
        let Err(RequestError::BadParams { field, method, .. }) =
            decode_params::<IdParams>("profiles.get", raw(&wrong))
        else {
            panic!("an integer id must not decode");
        };
        assert_eq!((field.as_deref(), method), (Some("id"), "profiles.get"));
    }

    /// `bin(05 07)` used to decode as the positional struct `{subscription: 5}`, and an
    /// empty array as `NoParams`: params are a map or nothing, for every method.
    #[test]
    fn params_that_are_not_a_map_are_refused_for_every_method() {
        use llm_agent_protocol::methods::NoParams;
        use llm_agent_protocol::methods::events::UnsubscribeParams;
        let not_maps = [
            rmpv::Value::Binary(vec![5, 7]),
            rmpv::Value::Array(vec![]),
            rmpv::Value::Array(vec![5.into()]),
            rmpv::Value::from("params"),
            rmpv::Value::from(5),
            rmpv::Value::Ext(1, vec![5]),
        ];
        for params in not_maps {
            for outcome in [
                decode_params::<NoParams>("agent.shutdown", raw(&params)).map(|_| ()),
                decode_params::<UnsubscribeParams>("events.unsubscribe", raw(&params)).map(|_| ()),
            ] {
                let Err(RequestError::BadParams { field, .. }) = outcome else {
                    panic!("{params} must be refused");
                };
                assert_eq!(field, None, "{params}");
            }
        }
        let nested = rmpv::Value::Map(vec![("subscription".into(), rmpv::Value::Binary(vec![5]))]);
        let Err(RequestError::BadParams { field, .. }) =
            decode_params::<UnsubscribeParams>("events.unsubscribe", raw(&nested))
        else {
            panic!("a bin inside the params must be refused");
        };
        assert_eq!(field.as_deref(), Some("subscription"));
    }

    /// `{[]: {}}` used to answer `details.field` ".?".
    #[test]
    fn a_key_that_is_not_a_string_names_no_made_up_field() {
        use llm_agent_protocol::methods::NoParams;
        use llm_agent_protocol::methods::profiles::ListParams;
        let odd = RawParams::from(vec![0x81, 0x90, 0x80]);
        for outcome in [
            decode_params::<NoParams>("agent.status", odd.clone()).map(|_| ()),
            decode_params::<ListParams>("profiles.list", odd).map(|_| ()),
        ] {
            let Err(RequestError::BadParams { field, .. }) = outcome else {
                panic!("an array key must not decode");
            };
            assert_eq!(field, None);
        }
    }
    #[test]
    fn a_result_encoded_ahead_makes_the_frame_its_type_would() {
        use llm_agent_protocol::methods::profiles::IdParams;
        let result = IdParams {
            id: "x".repeat(300),
        };
        let encoded = rmp_serde::to_vec_named(&result).unwrap();
        assert_eq!(
            encode_with_result(7, "c-1", &encoded, u32::MAX).unwrap(),
            encode_result(7, "c-1", &result, u32::MAX).unwrap()
        );
        assert!(matches!(
            encode_with_result(7, "c-1", &encoded, 100),
            Err(RequestError::Unencodable { .. })
        ));
    }
}
