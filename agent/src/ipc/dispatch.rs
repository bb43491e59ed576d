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

use llm_agent_protocol::envelope::{self, Envelope, Response};
use llm_agent_protocol::methods::{
    self, Method, agent, catalog, chat, diagnostics, discovery, events, handshake, profiles, usage,
};
use llm_agent_protocol::{WireError, value};
use serde::Serialize;

use super::call::Call;
use super::error::RequestError;
use super::handlers;
use super::handshake as hello;

/// Writes the route table: each line is `serve Method => handler`, or `view Method =>
/// handler` for a handler that answers with a view encoding exactly like
/// `Method::Result` (each such view has a test that pins the bytes), to avoid copying
/// state.
macro_rules! routes {
    ($($how:ident $module:ident::$method:ident => $handler:path,)*) => {
        /// Every method the route table serves, in table order.
        pub const SERVED: &[&str] = &[$($module::$method::NAME,)*];

        /// Runs the handler of `method` and returns the complete response frame.
        pub async fn route(
            call: &Call,
            method: &str,
            params: rmpv::Value,
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
    (@view $call:ident, $params:ident, $method:ty, $handler:path) => {
        serve_view::<$method, _>($call, $params, $handler).await
    };
    (@serve $call:ident, $params:ident, $method:ty, $handler:path) => {
        serve::<$method>($call, $params, $handler).await
    };
}

routes! {
    serve handshake::Hello => hello::hello,
    serve agent::Status => handlers::agent::status,
    serve agent::Shutdown => handlers::agent::shutdown,
    serve diagnostics::Query => handlers::diagnostics::query,
    serve events::Subscribe => handlers::events::subscribe,
    serve events::Unsubscribe => handlers::events::unsubscribe,
    view profiles::List => handlers::profiles::list,
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
    serve chat::Run => handlers::chat::run,
    serve profiles::Models => handlers::profiles::models,
    serve usage::Summary => handlers::usage::summary,
    serve usage::SetCap => handlers::usage::set_cap,
}

async fn serve<M: Method>(
    call: &Call,
    params: rmpv::Value,
    handler: impl AsyncFnOnce(&Call, M::Params) -> Result<M::Result, WireError>,
) -> Result<Vec<u8>, WireError> {
    serve_view::<M, M::Result>(call, params, handler).await
}

/// Like [`serve`], for a handler whose answer encodes exactly like `M::Result`.
async fn serve_view<M: Method, V: Serialize>(
    call: &Call,
    params: rmpv::Value,
    handler: impl AsyncFnOnce(&Call, M::Params) -> Result<V, WireError>,
) -> Result<Vec<u8>, WireError> {
    let params = decode_params::<M::Params>(M::NAME, params)?;
    let result = handler(call, params).await?;
    Ok(encode_result(
        call.id,
        &call.correlation_id,
        &result,
        call.max_frame_len(),
    )?)
}

/// Decodes a method's params; nil (or no params at all) reads as an empty map.
pub fn decode_params<P: serde::de::DeserializeOwned>(
    method: &'static str,
    params: rmpv::Value,
) -> Result<P, RequestError> {
    let params = match params {
        rmpv::Value::Nil => rmpv::Value::Map(Vec::new()),
        other => other,
    };
    value::from_value(&params).map_err(|err| {
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

    #[test]
    fn params_that_do_not_decode_name_the_field() {
        use llm_agent_protocol::methods::profiles::IdParams;
        let nil: IdParams = decode_params::<llm_agent_protocol::methods::NoParams>(
            "agent.status",
            rmpv::Value::Nil,
        )
        .map(|_| IdParams { id: "x".into() })
        .unwrap();
        assert_eq!(nil.id, "x");
        let wrong = rmpv::Value::Map(vec![("id".into(), 7.into())]);
        let Err(RequestError::BadParams { field, method, .. }) =
            decode_params::<IdParams>("profiles.get", wrong)
        else {
            panic!("an integer id must not decode");
        };
        assert_eq!((field.as_deref(), method), (Some("id"), "profiles.get"));
    }
}
