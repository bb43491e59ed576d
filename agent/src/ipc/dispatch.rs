//! Routes a request to its handler. The dispatcher decodes typed params (answering
//! `INVALID_PARAMS` with the offending field), runs the handler, and encodes the typed
//! result, so each handler is a few lines of domain logic. Unknown methods get
//! `METHOD_NOT_FOUND`; panics are turned into `INTERNAL` by the connection.

use std::any::Any;
use std::sync::{Arc, Mutex, PoisonError};

use llm_agent_protocol::envelope::{self, Envelope, Response};
use llm_agent_protocol::methods::{
    self, Method, agent, catalog, diagnostics, discovery, events, handshake, profiles,
};
use llm_agent_protocol::{ErrorCode, WireError, value};
use serde::Serialize;

use super::connection::ConnectionCtx;
use super::handlers;

/// Something to run once the response has been queued for the client.
type AfterReply = Box<dyn FnOnce() + Send>;

/// One request being served.
pub struct Call {
    pub id: u64,
    pub correlation_id: String,
    pub conn: Arc<ConnectionCtx>,
    after_reply: Mutex<Vec<AfterReply>>,
    profile_id: Mutex<Option<String>>,
}

/// What a finished call hands back to the connection.
pub struct CallParts {
    pub correlation_id: String,
    pub after_reply: Vec<AfterReply>,
    /// The profile the call was about, for its diagnostics event.
    pub profile_id: Option<String>,
}

impl Call {
    pub fn new(id: u64, correlation_id: String, conn: Arc<ConnectionCtx>) -> Self {
        Self {
            id,
            correlation_id,
            conn,
            after_reply: Mutex::default(),
            profile_id: Mutex::default(),
        }
    }

    /// Names the profile this call is about in its diagnostics event. Only a well-formed
    /// id is kept: the field must never carry a client's arbitrary text.
    pub fn note_profile(&self, id: &str) {
        if let Ok(id) = uuid::Uuid::parse_str(id) {
            *self
                .profile_id
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(id.to_string());
        }
    }

    /// Runs `hook` after a successful response is queued (never on failure).
    pub fn after_reply(&self, hook: impl FnOnce() + Send + 'static) {
        self.after_reply
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Box::new(hook));
    }

    pub fn into_parts(self) -> CallParts {
        CallParts {
            correlation_id: self.correlation_id,
            after_reply: self
                .after_reply
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
            profile_id: self
                .profile_id
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
        }
    }
}

/// Runs the handler of `method` and returns the complete response frame.
pub async fn route(call: &Call, method: &str, params: rmpv::Value) -> Result<Vec<u8>, WireError> {
    match method {
        handshake::Hello::NAME => serve::<handshake::Hello>(call, params, handlers::hello).await,
        agent::Status::NAME => serve::<agent::Status>(call, params, handlers::status).await,
        agent::Shutdown::NAME => serve::<agent::Shutdown>(call, params, handlers::shutdown).await,
        diagnostics::Query::NAME => {
            serve::<diagnostics::Query>(call, params, handlers::diagnostics_query).await
        }
        events::Subscribe::NAME => {
            serve::<events::Subscribe>(call, params, handlers::subscribe).await
        }
        events::Unsubscribe::NAME => {
            serve::<events::Unsubscribe>(call, params, handlers::unsubscribe).await
        }
        profiles::List::NAME => {
            serve_view::<profiles::List, _>(call, params, handlers::profiles_list).await
        }
        profiles::Get::NAME => serve::<profiles::Get>(call, params, handlers::profiles_get).await,
        profiles::Create::NAME => {
            serve::<profiles::Create>(call, params, handlers::profiles_create).await
        }
        profiles::Update::NAME => {
            serve::<profiles::Update>(call, params, handlers::profiles_update).await
        }
        profiles::Delete::NAME => {
            serve::<profiles::Delete>(call, params, handlers::profiles_delete).await
        }
        profiles::Activate::NAME => {
            serve::<profiles::Activate>(call, params, handlers::profiles_activate).await
        }
        profiles::ResetSecrets::NAME => {
            serve::<profiles::ResetSecrets>(call, params, handlers::profiles_reset_secrets).await
        }
        profiles::Test::NAME => {
            serve::<profiles::Test>(call, params, handlers::profiles_test).await
        }
        discovery::Run::NAME => {
            serve::<discovery::Run>(call, params, handlers::discovery_run).await
        }
        discovery::Status::NAME => {
            serve::<discovery::Status>(call, params, handlers::discovery_status).await
        }
        discovery::Configure::NAME => {
            serve::<discovery::Configure>(call, params, handlers::discovery_configure).await
        }
        catalog::List::NAME => serve::<catalog::List>(call, params, handlers::catalog_list).await,
        catalog::UpsertModel::NAME => {
            serve::<catalog::UpsertModel>(call, params, handlers::catalog_upsert_model).await
        }
        catalog::DeprecateModel::NAME => {
            serve::<catalog::DeprecateModel>(call, params, handlers::catalog_deprecate_model).await
        }
        catalog::ReactivateModel::NAME => {
            serve::<catalog::ReactivateModel>(call, params, handlers::catalog_reactivate_model)
                .await
        }
        catalog::SetDefaultModel::NAME => {
            serve::<catalog::SetDefaultModel>(call, params, handlers::catalog_set_default_model)
                .await
        }
        catalog::SetProvider::NAME => {
            serve::<catalog::SetProvider>(call, params, handlers::catalog_set_provider).await
        }
        catalog::GetRoles::NAME => {
            serve::<catalog::GetRoles>(call, params, handlers::roles_get).await
        }
        catalog::SetRole::NAME => {
            serve::<catalog::SetRole>(call, params, handlers::roles_set).await
        }
        discovery::Adopt::NAME => {
            serve::<discovery::Adopt>(call, params, handlers::discovery_adopt).await
        }
        _ => Err(WireError::new(
            ErrorCode::MethodNotFound,
            format!("unknown method {}", shown_method(method)),
        )
        .with_remediation(
            "The capabilities in the hello result list every method this agent serves.",
        )),
    }
}

async fn serve<M: Method>(
    call: &Call,
    params: rmpv::Value,
    handler: impl AsyncFnOnce(&Call, M::Params) -> Result<M::Result, WireError>,
) -> Result<Vec<u8>, WireError> {
    let params = decode_params::<M::Params>(M::NAME, params)?;
    let result = handler(call, params).await?;
    encode_result(
        call.id,
        &call.correlation_id,
        &result,
        call.conn.max_frame_len(),
    )
}

/// Like [`serve`], for a handler that answers with a view encoding exactly like
/// `M::Result` (each such view has a test that pins the bytes), to avoid copying state.
async fn serve_view<M: Method, V: Serialize>(
    call: &Call,
    params: rmpv::Value,
    handler: impl AsyncFnOnce(&Call, M::Params) -> Result<V, WireError>,
) -> Result<Vec<u8>, WireError> {
    let params = decode_params::<M::Params>(M::NAME, params)?;
    let view = handler(call, params).await?;
    encode_result(
        call.id,
        &call.correlation_id,
        &view,
        call.conn.max_frame_len(),
    )
}

/// Decodes a method's params; nil (or no params at all) reads as an empty map.
pub fn decode_params<P: serde::de::DeserializeOwned>(
    method: &str,
    params: rmpv::Value,
) -> Result<P, WireError> {
    let params = match params {
        rmpv::Value::Nil => rmpv::Value::Map(Vec::new()),
        other => other,
    };
    value::from_value(&params).map_err(|err| {
        let (field, message) = match err {
            value::ValueError::Shape { field, message } => (field, message),
            other => (None, other.to_string()),
        };
        WireError::invalid_params(field.as_deref(), message)
            .with_remediation(format!("See docs/protocol.md for the params of {method}."))
    })
}

/// Encodes a successful response frame.
pub fn encode_result<R: Serialize>(
    id: u64,
    correlation_id: &str,
    result: &R,
    max_frame_len: u32,
) -> Result<Vec<u8>, WireError> {
    let response = Envelope::Response(Response::ok(id, correlation_id.to_owned(), result));
    envelope::encode_frame(&response, max_frame_len).map_err(|err| {
        tracing::error!(error = %err, "cannot encode a response");
        WireError::new(
            ErrorCode::Internal,
            format!("the response could not be sent: {err}"),
        )
        .with_remediation("Ask for less at once (for example a smaller limit).")
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
    WireError::new(
        ErrorCode::Internal,
        "the agent hit an internal error serving this request",
    )
    .with_remediation("Retry; if it persists, report it with the correlation ID.")
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
