//! The errors this crate returns: [`ClientError`] for every public call, with
//! [`Disconnect`] saying why a connection ended and [`SpawnError`] why auto-spawn failed.

use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::sync::Arc;
use std::time::Duration;

use llm_agent_protocol::envelope::CodecError;
use llm_agent_protocol::location::NoDefaultLocation;
use llm_agent_protocol::value::ValueError;
use llm_agent_protocol::{FrameError, WireError};

/// Why a call, a connection attempt or a subscription failed.
///
/// [`ClientError::code`] and [`ClientError::remediation`] give every variant a stable code
/// and advice for a person, so a front end can show any error the same way.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// No socket was given and the platform has no default location for one.
    #[error(transparent)]
    NoSocketLocation(#[from] NoDefaultLocation),

    /// Nobody listens on the socket (it does not exist, or connecting is refused).
    #[error("no agent is listening on {}", socket.display())]
    AgentNotRunning { socket: PathBuf },

    /// Connecting failed for another reason (permissions, a path that is not a socket).
    #[error("could not connect to the agent on {}: {source}", socket.display())]
    Connect {
        socket: PathBuf,
        #[source]
        source: io::Error,
    },

    /// Auto-spawn could not bring an agent up.
    #[error(transparent)]
    Spawn(#[from] SpawnError),

    /// The agent answered `hello` with an error, typically `UNSUPPORTED_PROTOCOL`.
    #[error("the agent refused the handshake: {0}")]
    Handshake(WireError),

    /// The agent answered the request with an error. Code, message, remediation and details
    /// are exactly as the agent sent them.
    #[error("{0}")]
    Remote(WireError),

    /// No answer arrived in time. A cancel frame was sent for the request.
    #[error("`{method}` got no answer within {}", DisplayDuration(*timeout))]
    Timeout { method: String, timeout: Duration },

    /// The connection ended before the answer arrived, or had already ended. A request
    /// that was in flight may or may not have been carried out; it is never sent again.
    #[error(transparent)]
    Disconnected(Disconnect),

    /// A [`ReconnectingClient`](crate::ReconnectingClient) has no connection: the
    /// attempt this call waited for failed with `last`, after `attempts` in a row.
    #[error("the agent cannot be reached ({attempts} reconnection attempts so far): {last}")]
    Unreachable {
        attempts: u32,
        last: Arc<ClientError>,
    },

    /// The agent's answer did not have the shape this client expects for the method.
    #[error("could not read the agent's answer to `{method}`: {source}")]
    Decode {
        method: String,
        #[source]
        source: ValueError,
    },

    /// The request could not be encoded, or is larger than the agent accepts.
    #[error("could not send `{method}`: {source}")]
    Encode {
        method: String,
        #[source]
        source: CodecError,
    },
}

impl ClientError {
    /// A stable SCREAMING_SNAKE code: the agent's code for errors it sent, otherwise a code
    /// for the local failure.
    pub fn code(&self) -> &str {
        if let Some(wire) = self.wire_error() {
            return wire.code.as_str();
        }
        match self {
            Self::Handshake(_) | Self::Remote(_) => "",
            Self::Unreachable { last, .. } => last.code(),
            Self::NoSocketLocation(_) => "NO_SOCKET_LOCATION",
            Self::AgentNotRunning { .. } => "AGENT_NOT_RUNNING",
            Self::Connect { .. } => "CONNECT_FAILED",
            Self::Spawn(_) => "SPAWN_FAILED",
            Self::Timeout { .. } => "TIMEOUT",
            Self::Disconnected(_) => "DISCONNECTED",
            Self::Decode { .. } => "INVALID_RESPONSE",
            Self::Encode {
                source: CodecError::TooLarge { .. },
                ..
            } => "FRAME_TOO_LARGE",
            Self::Encode { .. } => "ENCODE_FAILED",
        }
    }

    /// What a person can do about it: the agent's remediation for errors it sent, otherwise
    /// advice for the local failure.
    pub fn remediation(&self) -> Option<&str> {
        if let Some(wire) = self.wire_error() {
            return wire.remediation.as_deref();
        }
        match self {
            Self::Handshake(_) | Self::Remote(_) => None,
            Self::Unreachable { last, .. } => last.remediation(),
            Self::AgentNotRunning { .. } => Some(
                "start it with `llm-agent`, or point at a running one with --socket or LLM_AGENT_SOCKET",
            ),
            Self::Connect { .. } => {
                Some("check that the path is the agent's socket and that it belongs to you")
            }
            Self::Spawn(SpawnError::NotFound { .. }) => Some(
                "install llm-agent next to this program or on PATH, or give its path explicitly",
            ),
            Self::Spawn(_) => Some("run `llm-agent` by hand to see why it does not start"),
            Self::Timeout { .. } => Some(
                "the agent may be overloaded; retry, or raise the timeout if the operation is slow",
            ),
            Self::Disconnected(_) => Some("check that the agent is still running, then retry"),
            Self::Decode { .. } => {
                Some("the agent may be a different version; compare the versions `status` shows")
            }
            // The location error already says what to pass; an encode error is a bug or an
            // oversized request, which the message names.
            Self::NoSocketLocation(_) | Self::Encode { .. } => None,
        }
    }

    /// The error the agent sent, if this error came from the agent.
    pub fn wire_error(&self) -> Option<&WireError> {
        match self {
            Self::Handshake(wire) | Self::Remote(wire) => Some(wire),
            Self::Disconnected(Disconnect::Rejected(wire)) => Some(wire),
            _ => None,
        }
    }

    /// Whether the agent could not be reached at all (as opposed to a call that failed).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Self::NoSocketLocation(_)
                | Self::AgentNotRunning { .. }
                | Self::Connect { .. }
                | Self::Spawn(_)
                | Self::Disconnected(_)
                | Self::Unreachable { .. }
        )
    }
}

/// Why a connection ended. Cheap to clone: every request pending at that moment gets a copy.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Disconnect {
    /// The agent closed the connection, for example because it is shutting down.
    #[error("the agent closed the connection")]
    Closed,
    /// The agent sent a connection-level error (a response with no id), then closed.
    #[error("the agent closed the connection: {0}")]
    Rejected(Box<WireError>),
    /// Reading or writing the socket failed, or the agent sent a frame over the limit.
    #[error("the connection to the agent failed: {0}")]
    Failed(Arc<FrameError>),
}

/// Why auto-spawn could not bring an agent up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpawnError {
    /// The agent binary does not exist where it was looked for.
    #[error("could not find the agent binary `{}`", binary.display())]
    NotFound { binary: PathBuf },
    /// The binary exists but could not be started.
    #[error("could not start the agent `{}`: {source}", binary.display())]
    Start {
        binary: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The agent started, then exited before it answered.
    #[error("the agent `{}` exited ({status}) before it answered", binary.display())]
    Exited { binary: PathBuf, status: ExitStatus },
    /// The agent started but did not answer the handshake in time.
    #[error(
        "the agent `{}` did not answer on {} within {}",
        binary.display(),
        socket.display(),
        DisplayDuration(*waited)
    )]
    NotReady {
        binary: PathBuf,
        socket: PathBuf,
        waited: Duration,
    },
}

/// Shows a duration the way a person would write it: `30s`, `250ms`, `1.5s`.
pub(crate) struct DisplayDuration(pub Duration);

impl std::fmt::Display for DisplayDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let millis = self.0.as_millis();
        if millis < 1000 {
            write!(f, "{millis}ms")
        } else if millis.is_multiple_of(1000) {
            write!(f, "{}s", millis / 1000)
        } else {
            write!(f, "{:.1}s", self.0.as_secs_f64())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use llm_agent_protocol::ErrorCode;

    #[test]
    fn remote_errors_keep_the_agents_code_and_remediation() {
        let wire = WireError::new(ErrorCode::Busy, "too many").with_remediation("wait");
        let err = ClientError::Remote(wire);
        assert_eq!(err.code(), "BUSY");
        assert_eq!(err.remediation(), Some("wait"));
        assert_eq!(err.to_string(), "BUSY: too many");
        assert!(!err.is_unreachable());
    }

    #[test]
    fn local_errors_have_codes_and_advice() {
        let err = ClientError::AgentNotRunning {
            socket: "/run/x.sock".into(),
        };
        assert_eq!(err.code(), "AGENT_NOT_RUNNING");
        assert!(err.remediation().is_some());
        assert!(err.is_unreachable());
        let err = ClientError::Disconnected(Disconnect::Rejected(Box::new(WireError::new(
            ErrorCode::PermissionDenied,
            "not yours",
        ))));
        assert_eq!(err.code(), "PERMISSION_DENIED");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(DisplayDuration(Duration::from_secs(30)).to_string(), "30s");
        assert_eq!(
            DisplayDuration(Duration::from_millis(250)).to_string(),
            "250ms"
        );
        assert_eq!(
            DisplayDuration(Duration::from_millis(1500)).to_string(),
            "1.5s"
        );
    }
}
