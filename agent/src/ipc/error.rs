//! [`RequestError`]: every error the socket layer answers with itself (framing, the
//! handshake, admission, params the dispatcher or a handler refuses), each with its one
//! wire form.

use llm_agent_l10n::Text;
use llm_agent_protocol::methods::catalog::ROLES;
use llm_agent_protocol::methods::diagnostics::MAX_QUERY_LIMIT;
use llm_agent_protocol::methods::discovery::{MAX_SWEEP_TIMEOUT_MS, MIN_SWEEP_TIMEOUT_MS};
use llm_agent_protocol::{ErrorCode, MAX_CORRELATION_ID_LEN, WireError};

use crate::texts::{self, Explain, WireErrorTexts, messages};

/// An error the socket layer answers with itself. Messages never repeat what the client
/// sent beyond what is shaped to be shown (a method name, a number).
#[derive(Debug, Clone, PartialEq)]
pub enum RequestError {
    HandshakeTimeout {
        secs: u64,
    },
    /// `shown_method` is the method as a message may show it.
    HandshakeRequired {
        shown_method: String,
    },
    UnsupportedProtocol {
        asked: u32,
        min: u32,
        max: u32,
    },
    ShuttingDown,
    NotARequest,
    MalformedFrame,
    /// `reason` has no values of the client's in it.
    InvalidEnvelope {
        reason: String,
    },
    TooManyValues {
        max: u64,
    },
    FrameTooLarge {
        len: u64,
        max: u32,
    },
    FrameStalled {
        secs: u64,
    },
    DuplicateId {
        id: u64,
    },
    BadCorrelationId,
    TooManyInFlight {
        max: u32,
    },
    Cancelled,
    AnotherUser,
    TooManyConnections {
        max: usize,
    },
    UnknownMethod {
        shown_method: String,
    },
    /// Params that do not decode as the method's: `field` is the path that failed.
    BadParams {
        method: &'static str,
        field: Option<String>,
        message: String,
    },
    Unencodable {
        reason: String,
    },
    Panicked,
    NoTopics,
    TooManySubscriptions {
        max: usize,
    },
    NoSuchSubscription {
        subscription: u64,
    },
    QueryLimitOutOfRange,
    SweepBudgetOutOfRange,
    /// An extra endpoint of a sweep that is not a usable base URL.
    BadExtraEndpoint {
        field: Option<String>,
        message: Text,
    },
    TutorNeedsProfile,
    UnknownRole,
}

impl Explain for RequestError {
    fn message(&self) -> Text {
        use RequestError as E;
        match self {
            E::HandshakeTimeout { secs } => messages::request_no_hello(*secs),
            E::HandshakeRequired { shown_method } => {
                messages::request_before_hello(shown_method.as_str())
            }
            E::UnsupportedProtocol { asked, min, max } => {
                messages::request_unsupported_protocol(*asked, *min, *max)
            }
            E::ShuttingDown => messages::agent_shutting_down(),
            E::NotARequest => messages::request_not_a_request(),
            E::MalformedFrame => messages::request_malformed_frame(),
            E::InvalidEnvelope { reason } => messages::request_invalid_envelope(reason.as_str()),
            E::TooManyValues { max } => messages::request_too_many_values(*max),
            E::FrameTooLarge { len, max } => messages::request_frame_too_large(*len, *max),
            E::FrameStalled { secs } => messages::request_frame_stalled(*secs),
            E::DuplicateId { id } => messages::request_duplicate_id(id.to_string()),
            E::BadCorrelationId => messages::request_bad_correlation_id(MAX_CORRELATION_ID_LEN),
            E::TooManyInFlight { max } => messages::request_too_many_in_flight(*max),
            E::Cancelled => messages::request_cancelled(),
            E::AnotherUser => messages::request_another_user(),
            E::TooManyConnections { max } => messages::request_too_many_connections(*max),
            E::UnknownMethod { shown_method } => {
                messages::request_unknown_method(shown_method.as_str())
            }
            E::BadParams { message, .. } => messages::request_bad_params(message.as_str()),
            E::Unencodable { reason } => messages::request_unencodable(reason.as_str()),
            E::Panicked => messages::request_panicked(),
            E::NoTopics => messages::request_no_topics(),
            E::TooManySubscriptions { max } => messages::request_too_many_subscriptions(*max),
            E::NoSuchSubscription { subscription } => {
                messages::request_no_such_subscription(subscription.to_string())
            }
            E::QueryLimitOutOfRange => messages::limit_out_of_range(MAX_QUERY_LIMIT),
            E::SweepBudgetOutOfRange => {
                messages::request_sweep_budget(MIN_SWEEP_TIMEOUT_MS, MAX_SWEEP_TIMEOUT_MS)
            }
            E::BadExtraEndpoint { message, .. } => message.clone(),
            E::TutorNeedsProfile => messages::request_tutor_needs_profile(),
            E::UnknownRole => messages::request_unknown_role(ROLES.join(", ")),
        }
    }
}

crate::explained_error!(RequestError);

impl From<RequestError> for WireError {
    fn from(err: RequestError) -> Self {
        use RequestError as E;
        let message = err.message();
        let (code, remediation): (ErrorCode, Option<Text>) = match &err {
            E::HandshakeTimeout { .. } | E::HandshakeRequired { .. } => (
                if matches!(err, E::HandshakeTimeout { .. }) {
                    ErrorCode::HandshakeTimeout
                } else {
                    ErrorCode::HandshakeRequired
                },
                Some(messages::request_send_hello_remedy()),
            ),
            E::UnsupportedProtocol { asked, max, .. } => (
                ErrorCode::UnsupportedProtocol,
                Some(if asked > max {
                    messages::request_update_agent_remedy()
                } else {
                    messages::request_update_client_remedy()
                }),
            ),
            E::ShuttingDown => (
                ErrorCode::ShuttingDown,
                Some(messages::request_reconnect_remedy()),
            ),
            E::NotARequest => (ErrorCode::InvalidRequest, None),
            E::MalformedFrame => (
                ErrorCode::MalformedFrame,
                Some(messages::request_malformed_frame_remedy()),
            ),
            E::InvalidEnvelope { .. } => (
                ErrorCode::InvalidRequest,
                Some(messages::request_invalid_envelope_remedy()),
            ),
            E::TooManyValues { .. } => (
                ErrorCode::InvalidRequest,
                Some(messages::request_too_many_values_remedy()),
            ),
            E::FrameTooLarge { .. } => (
                ErrorCode::FrameTooLarge,
                Some(messages::request_frame_too_large_remedy()),
            ),
            E::FrameStalled { .. } => (
                ErrorCode::Timeout,
                Some(messages::request_frame_stalled_remedy()),
            ),
            E::DuplicateId { .. } => (
                ErrorCode::InvalidRequest,
                Some(messages::request_duplicate_id_remedy()),
            ),
            E::BadCorrelationId => (ErrorCode::InvalidRequest, None),
            E::TooManyInFlight { .. } => (
                ErrorCode::Busy,
                Some(messages::request_too_many_in_flight_remedy()),
            ),
            E::Cancelled => (ErrorCode::Cancelled, None),
            E::AnotherUser => (ErrorCode::PermissionDenied, None),
            E::TooManyConnections { .. } => (
                ErrorCode::Busy,
                Some(messages::request_too_many_connections_remedy()),
            ),
            E::UnknownMethod { .. } => (
                ErrorCode::MethodNotFound,
                Some(messages::request_unknown_method_remedy()),
            ),
            E::BadParams { method, .. } => (
                ErrorCode::InvalidParams,
                Some(messages::request_bad_params_remedy(*method)),
            ),
            E::Unencodable { .. } => (
                ErrorCode::Internal,
                Some(messages::request_unencodable_remedy()),
            ),
            E::Panicked => (
                ErrorCode::Internal,
                Some(messages::retry_with_correlation_id()),
            ),
            E::TooManySubscriptions { .. } => (
                ErrorCode::Busy,
                Some(messages::request_too_many_subscriptions_remedy()),
            ),
            E::NoSuchSubscription { .. } => (ErrorCode::SubscriptionNotFound, None),
            E::SweepBudgetOutOfRange => (
                ErrorCode::InvalidParams,
                Some(messages::request_sweep_budget_remedy(800)),
            ),
            E::NoTopics
            | E::QueryLimitOutOfRange
            | E::BadExtraEndpoint { .. }
            | E::TutorNeedsProfile
            | E::UnknownRole => (ErrorCode::InvalidParams, None),
        };
        let field = match &err {
            E::BadCorrelationId => Some("correlation_id"),
            E::BadParams { field, .. } | E::BadExtraEndpoint { field, .. } => field.as_deref(),
            E::NoTopics => Some("topics"),
            E::QueryLimitOutOfRange => Some("limit"),
            E::SweepBudgetOutOfRange => Some("timeout_ms"),
            E::TutorNeedsProfile => Some("profile_id"),
            E::UnknownRole => Some("role"),
            _ => None,
        };
        let wire = match field {
            // The code stays the one chosen above (a bad correlation ID is an invalid
            // request, not invalid params); only the details name the field.
            Some(field) => WireError {
                code,
                ..texts::invalid_params(Some(field), message)
            },
            None => texts::wire_error(code, message),
        };
        match remediation {
            Some(remediation) => wire.remediation(remediation),
            None => wire,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_request_error_has_its_code_and_field() {
        let wire = WireError::from(RequestError::BadCorrelationId);
        assert_eq!(wire.code, ErrorCode::InvalidRequest);
        assert_eq!(
            wire.details,
            Some(rmpv::Value::Map(vec![(
                "field".into(),
                "correlation_id".into()
            )]))
        );
        let wire = WireError::from(RequestError::BadParams {
            method: "profiles.get",
            field: Some("id".into()),
            message: "invalid type".into(),
        });
        assert_eq!(wire.code, ErrorCode::InvalidParams);
        assert_eq!(
            wire.remediation.as_deref(),
            Some("See docs/protocol.md for the params of profiles.get.")
        );
        let wire = WireError::from(RequestError::UnsupportedProtocol {
            asked: 9,
            min: 1,
            max: 1,
        });
        assert_eq!(wire.code, ErrorCode::UnsupportedProtocol);
        assert!(wire.remediation.unwrap().starts_with("Update llm-agent"));
        let wire = WireError::from(RequestError::TooManyInFlight { max: 64 });
        assert_eq!(wire.code, ErrorCode::Busy);
        assert!(wire.retryable);
        assert_eq!(wire.details, None);
    }
}
