//! Error codes and the error object every failed response carries.
//!
//! Codes are stable SCREAMING_SNAKE strings on the wire. A code this build does not know
//! (sent by a newer agent) decodes to [`ErrorCode::Other`] rather than failing, so old
//! clients keep working.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::MessageArgs;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, retryable = $retryable:literal; )*) => {
        /// A stable, machine-readable error code.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            /// A code this build does not know, kept verbatim.
            Other(String),
        }

        impl ErrorCode {
            /// Every code this build knows, in documentation order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code's wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$variant => $text, )*
                    ErrorCode::Other(text) => text,
                }
            }

            /// Parses wire text; unknown text becomes [`ErrorCode::Other`].
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $text => ErrorCode::$variant, )*
                    other => ErrorCode::Other(other.to_owned()),
                }
            }

            /// Whether repeating the same request later may succeed.
            pub fn is_retryable(&self) -> bool {
                match self {
                    $( ErrorCode::$variant => $retryable, )*
                    ErrorCode::Other(_) => false,
                }
            }
        }

        /// In TypeScript every known code as a literal, and any other string: a code from a
        /// newer agent is kept verbatim, as [`ErrorCode::Other`] keeps it.
        #[cfg(feature = "ts")]
        impl ts_rs::TS for ErrorCode {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;

            fn docs() -> Option<String> {
                Some(ts_rs::format_docs(&[
                    " A stable, machine-readable error code. A code this client does not know",
                    " (sent by a newer agent) is any other string: treat it as not retryable.",
                ]))
            }

            fn name(_: &ts_rs::Config) -> String {
                "ErrorCode".to_owned()
            }

            fn decl(cfg: &ts_rs::Config) -> String {
                format!("type ErrorCode = {};", Self::inline(cfg))
            }

            fn decl_concrete(cfg: &ts_rs::Config) -> String {
                Self::decl(cfg)
            }

            fn inline(_: &ts_rs::Config) -> String {
                let known = [$( concat!("\"", $text, "\"") ),*];
                format!("{} | (string & {{}})", known.join(" | "))
            }

            fn output_path() -> Option<std::path::PathBuf> {
                Some("ErrorCode.ts".into())
            }
        }
    };
}

error_codes! {
    /// The frame held MessagePack that is not a valid envelope. The connection stays open
    /// when the request id could be read.
    InvalidRequest = "INVALID_REQUEST", retryable = false;
    /// The frame's bytes are not one MessagePack value. The agent closes the connection.
    MalformedFrame = "MALFORMED_FRAME", retryable = false;
    /// The frame's length prefix exceeds the limit. The agent closes the connection.
    FrameTooLarge = "FRAME_TOO_LARGE", retryable = false;
    /// A request other than `hello` arrived before the handshake.
    HandshakeRequired = "HANDSHAKE_REQUIRED", retryable = false;
    /// No `hello` arrived in time. The agent closes the connection.
    HandshakeTimeout = "HANDSHAKE_TIMEOUT", retryable = true;
    /// The client's protocol version is outside the supported range. The agent closes the
    /// connection.
    UnsupportedProtocol = "UNSUPPORTED_PROTOCOL", retryable = false;
    /// The method does not exist.
    MethodNotFound = "METHOD_NOT_FOUND", retryable = false;
    /// The params do not match the method; `details.field` names the offending field.
    InvalidParams = "INVALID_PARAMS", retryable = false;
    /// Too many requests are in flight on this connection.
    Busy = "BUSY", retryable = true;
    /// The request was cancelled by the caller.
    Cancelled = "CANCELLED", retryable = false;
    /// The operation did not finish within its deadline.
    Timeout = "TIMEOUT", retryable = true;
    /// The agent is shutting down and takes no new work.
    ShuttingDown = "SHUTTING_DOWN", retryable = true;
    /// The peer is not allowed to talk to this agent (another user).
    PermissionDenied = "PERMISSION_DENIED", retryable = false;
    /// `events.unsubscribe` named a subscription this connection does not hold.
    SubscriptionNotFound = "SUBSCRIPTION_NOT_FOUND", retryable = false;
    /// No profile has that id.
    ProfileNotFound = "PROFILE_NOT_FOUND", retryable = false;
    /// One or more fields are invalid; `details` lists each as `{field, code, message}`.
    ValidationError = "VALIDATION_ERROR", retryable = false;
    /// Another profile has that name (names are unique regardless of case);
    /// `details: {field, conflicting_id}`.
    NameConflict = "NAME_CONFLICT", retryable = false;
    /// Deleting the active profile while others exist needs `successor_id`.
    SuccessorRequired = "SUCCESSOR_REQUIRED", retryable = false;
    /// `successor_id` names no profile (or the one being deleted).
    SuccessorNotFound = "SUCCESSOR_NOT_FOUND", retryable = false;
    /// The endpoint is not on this machine and the learner has not agreed to remote
    /// calls (`consent_granted_at`).
    ConsentRequired = "CONSENT_REQUIRED", retryable = false;
    /// The OS credential store is unreachable or locked: profile writes are refused,
    /// reads work. Retry once it is back.
    SafeStorageUnavailable = "SAFE_STORAGE_UNAVAILABLE", retryable = true;
    /// The data key is gone from the OS credential store while stored keys need it.
    /// See `profiles.reset_secrets`.
    SafeStorageKeyMissing = "SAFE_STORAGE_KEY_MISSING", retryable = false;
    /// The profile file could not be read at start-up (corrupt, or from a newer
    /// agent); it is kept untouched and writes are refused.
    StoreReadOnly = "STORE_READ_ONLY", retryable = false;
    /// A bound was reached (for example the number of profiles); `details.limit` says
    /// which bound.
    LimitReached = "LIMIT_REACHED", retryable = false;
    /// Writing the profile file failed (disk full, permissions); nothing changed.
    StorageFailed = "STORAGE_FAILED", retryable = true;
    /// The provider refused the API key (HTTP 401 or 403), or the profile has none while
    /// its provider needs one.
    AuthFailed = "AUTH_FAILED", retryable = false;
    /// The provider is rate-limiting (HTTP 429) past the deadline; `details.retry_after_ms`
    /// says how long it asked to wait, when it said.
    RateLimited = "RATE_LIMITED", retryable = true;
    /// The provider does not serve the profile's model (not pulled, no such deployment).
    ModelNotFound = "MODEL_NOT_FOUND", retryable = false;
    /// The provider failed (HTTP 5xx, or an error it reported); the message quotes its
    /// own, sanitized.
    ProviderError = "PROVIDER_ERROR", retryable = true;
    /// No connection could be made: refused, unknown host, no route.
    Unreachable = "UNREACHABLE", retryable = true;
    /// The TLS handshake failed (an untrusted certificate, or no TLS at that address).
    TlsError = "TLS_ERROR", retryable = false;
    /// The server answered, but not in the shape of the profile's provider (wrong base
    /// URL or provider kind, a malformed body, a stream cut short).
    InvalidResponse = "INVALID_RESPONSE", retryable = false;
    /// The profile's daily spending cap is reached: the call was refused before anything
    /// was sent. `details: {profile_id, daily_cap_usd, spent_usd, day}`; calls work again
    /// the next day (UTC) or once the cap is raised.
    SpendingCapReached = "SPENDING_CAP_REACHED", retryable = false;
    /// A bug in the agent. The request had no effect unless its method says otherwise.
    Internal = "INTERNAL", retryable = false;
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(ErrorCode::parse(&text))
    }
}

/// The error object of a failed response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[error("{code}: {message}")]
pub struct WireError {
    pub code: ErrorCode,
    /// What went wrong, for a person, in the connection's language.
    pub message: String,
    /// The stable id of `message` (see `docs/messages.md`); absent only from an older agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The arguments of `message`, by name.
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub message_args: MessageArgs,
    /// What to do about it, for a person, in the connection's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// The stable id of `remediation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation_id: Option<String>,
    /// The arguments of `remediation`, by name.
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub remediation_args: MessageArgs,
    /// Whether the same request may succeed later.
    #[serde(default)]
    pub retryable: bool,
    /// Structured detail; its shape depends on the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub details: Option<rmpv::Value>,
}

impl WireError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            retryable: code.is_retryable(),
            code,
            message: message.into(),
            message_id: None,
            message_args: MessageArgs::new(),
            remediation: None,
            remediation_id: None,
            remediation_args: MessageArgs::new(),
            details: None,
        }
    }

    pub fn with_remediation(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = Some(remediation.into());
        self
    }

    pub fn with_details(mut self, details: rmpv::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// `INVALID_PARAMS` naming the offending field (`details: {field}`).
    pub fn invalid_params(field: Option<&str>, message: impl Into<String>) -> Self {
        let err = Self::new(ErrorCode::InvalidParams, message);
        match field {
            Some(field) => err.with_details(rmpv::Value::Map(vec![("field".into(), field.into())])),
            None => err,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_survive() {
        for code in ErrorCode::ALL {
            assert_eq!(&ErrorCode::parse(code.as_str()), code);
            let bytes = rmp_serde::to_vec_named(code).unwrap();
            assert_eq!(&rmp_serde::from_slice::<ErrorCode>(&bytes).unwrap(), code);
        }
        let bytes = rmp_serde::to_vec_named("FROM_THE_FUTURE").unwrap();
        let code: ErrorCode = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(code, ErrorCode::Other("FROM_THE_FUTURE".into()));
        assert!(!code.is_retryable());
    }

    #[test]
    fn codes_are_screaming_snake() {
        for code in ErrorCode::ALL {
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_'),
                "{code}"
            );
        }
    }
}
