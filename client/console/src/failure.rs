//! Why a console command failed: how to say it, and which exit code it gets.

use std::io;
use std::process::ExitCode;

use llm_agent_client::protocol::WireError;
use llm_agent_client::{ClientError, Disconnect};

/// A failure of the agent: the call failed, or what it answered was unusable.
const EXIT_FAILED: u8 = 1;
/// The command line or a REPL line was wrong.
const EXIT_USAGE: u8 = 2;
/// The agent could not be reached, or the connection to it was lost.
const EXIT_UNREACHABLE: u8 = 3;
/// Ctrl-C, as shells report a process ended by SIGINT.
const EXIT_INTERRUPTED: u8 = 130;

#[derive(Debug)]
pub enum Failure {
    /// Boxed: a client error is large, and every console function returns a `Failure`.
    Client(Box<ClientError>),
    /// Bad input that clap could not catch, such as params that are not JSON.
    Usage(String),
    /// The event stream fell behind and the agent ended it.
    Lagged {
        missed: u64,
    },
    Interrupted,
    /// Ctrl-C cancelled an operation the agent was running for us (a prompt test).
    Cancelled,
    /// The command has shown the failure itself, as part of its output (a prompt test
    /// that did not pass); `code` is the operation's error code.
    Reported {
        code: String,
    },
    /// The console's own I/O failed (the runtime, the terminal, stdout).
    Io {
        context: &'static str,
        source: io::Error,
    },
}

impl From<ClientError> for Failure {
    fn from(err: ClientError) -> Self {
        Failure::Client(Box::new(err))
    }
}

impl Failure {
    pub fn io(context: &'static str, source: io::Error) -> Self {
        Failure::Io { context, source }
    }

    /// A stable code: the agent's for errors it sent, the client's for local ones.
    pub fn code(&self) -> &str {
        match self {
            Failure::Client(err) => err.code(),
            Failure::Usage(_) => "USAGE",
            Failure::Lagged { .. } => "LAGGED",
            Failure::Interrupted => "INTERRUPTED",
            Failure::Cancelled => "CANCELLED",
            Failure::Reported { code } => code,
            Failure::Io { .. } => "IO",
        }
    }

    /// The message, without the code.
    pub fn message(&self) -> String {
        match self {
            Failure::Client(err) => match err.as_ref() {
                // The code is printed beside the message; the agent's text says the rest.
                ClientError::Remote(wire) => wire.message.clone(),
                ClientError::Handshake(wire) => {
                    format!("the agent refused the handshake: {}", wire.message)
                }
                ClientError::Disconnected(Disconnect::Rejected(wire)) => {
                    format!("the agent closed the connection: {}", wire.message)
                }
                other => other.to_string(),
            },
            Failure::Usage(message) => message.clone(),
            Failure::Lagged { missed } => {
                format!("fell behind the agent and missed {missed} events; the subscription ended")
            }
            Failure::Interrupted => "interrupted".to_owned(),
            Failure::Cancelled => "cancelled".to_owned(),
            Failure::Reported { code } => format!("failed with {code}, as shown above"),
            Failure::Io { context, source } => format!("{context}: {source}"),
        }
    }

    pub fn remediation(&self) -> Option<&str> {
        match self {
            Failure::Client(err) => err.remediation(),
            Failure::Lagged { .. } => Some("run the command again to follow on"),
            Failure::Usage(_)
            | Failure::Interrupted
            | Failure::Cancelled
            | Failure::Reported { .. }
            | Failure::Io { .. } => None,
        }
    }

    /// The agent's error object, when the agent sent one.
    pub fn wire_error(&self) -> Option<&WireError> {
        match self {
            Failure::Client(err) => err.wire_error(),
            _ => None,
        }
    }

    /// Whether printing it would only add noise: stdout closed under us (`| head`), or
    /// the command's output has already told it.
    pub fn is_silent(&self) -> bool {
        match self {
            Failure::Io { source, .. } => source.kind() == io::ErrorKind::BrokenPipe,
            Failure::Reported { .. } => true,
            _ => false,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::Client(err) if err.is_unreachable() => EXIT_UNREACHABLE,
            Failure::Client(_)
            | Failure::Lagged { .. }
            | Failure::Reported { .. }
            | Failure::Io { .. } => EXIT_FAILED,
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Interrupted | Failure::Cancelled => EXIT_INTERRUPTED,
        })
    }
}
