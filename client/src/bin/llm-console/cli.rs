//! The command line: global options, the subcommands, and the session that connects to the
//! agent for them.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use llm_agent_client::{Client, ClientError, Connector, DEFAULT_REQUEST_TIMEOUT};

use crate::failure::Failure;
use crate::output::Output;
use crate::{call, diagnostics, events, profiles, repl, status};

/// Debug console for llm-agent.
#[derive(Debug, Parser)]
#[command(name = "llm-console", version, propagate_version = true)]
pub struct Cli {
    /// The agent's socket [default: $LLM_AGENT_SOCKET, else the platform default]
    #[arg(long, global = true, value_name = "PATH")]
    socket: Option<PathBuf>,

    /// Machine-readable output: one JSON document (for `events`, one per line)
    #[arg(long, global = true)]
    json: bool,

    /// How long each request may take, in milliseconds [default: 30000]
    #[arg(long, global = true, value_name = "MS")]
    timeout_ms: Option<u64>,

    #[command(subcommand)]
    invocation: Invocation,
}

#[derive(Debug, Subcommand)]
enum Invocation {
    #[command(flatten)]
    Command(Command),
    /// Interactive session: any command above, or a raw `METHOD [JSON]` request
    Repl,
}

/// The commands that run once, from the shell or from the REPL.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the agent's version, uptime and counters
    Status,
    /// Query recent diagnostics events
    Diagnostics(diagnostics::Args),
    /// Follow live events until Ctrl-C
    Events(events::Args),
    /// List, show, create, change, delete and activate LLM profiles
    Profiles(profiles::Args),
    /// Send any request: JSON params in, JSON result out
    Call(call::Args),
}

impl Cli {
    pub fn output(&self) -> Output {
        Output::new(self.json)
    }

    pub fn run(self) -> Result<(), Failure> {
        let output = self.output();
        let timeout = self
            .timeout_ms
            .map_or(DEFAULT_REQUEST_TIMEOUT, Duration::from_millis);
        let mut connector = Connector::new()
            .client_name("llm-console", env!("CARGO_PKG_VERSION"))
            .request_timeout(timeout);
        if let Some(socket) = self.socket {
            connector = connector.socket(socket);
        }
        let mut session = Session::new(connector);
        // One thread is plenty for one person, and starts fastest.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| Failure::io("could not start the async runtime", source))?;
        match self.invocation {
            Invocation::Command(command) => runtime.block_on(command.execute(&mut session, output)),
            Invocation::Repl => repl::run(&runtime, &mut session, output),
        }
    }
}

impl Command {
    /// Runs the command until it finishes or Ctrl-C. Interrupting a request cancels it on
    /// the agent; interrupting `events` is its normal end.
    pub async fn execute(self, session: &mut Session, output: Output) -> Result<(), Failure> {
        let ends_at_interrupt = matches!(self, Command::Events(_));
        tokio::select! {
            outcome = self.run(session, output) => outcome,
            () = interrupted() => {
                if ends_at_interrupt {
                    Ok(())
                } else {
                    Err(Failure::Interrupted)
                }
            }
        }
    }

    async fn run(self, session: &mut Session, output: Output) -> Result<(), Failure> {
        match self {
            Command::Status => status::run(session, output).await,
            Command::Diagnostics(args) => diagnostics::run(session, args, output).await,
            Command::Events(args) => events::run(session, args, output).await,
            Command::Profiles(args) => profiles::run(session, args, output).await,
            Command::Call(args) => call::run(session, args, output).await,
        }
    }
}

/// Resolves at Ctrl-C; never, if the signal cannot be watched.
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The connection the commands use, made on first use and remade if the agent went away
/// (the REPL outlives agent restarts). A command checks its input before it asks for the
/// client, so a usage error never waits on the agent.
pub struct Session {
    connector: Connector,
    client: Option<Client>,
}

impl Session {
    fn new(connector: Connector) -> Self {
        Self {
            connector,
            client: None,
        }
    }

    pub async fn client(&mut self) -> Result<&Client, ClientError> {
        let usable = self
            .client
            .as_ref()
            .is_some_and(|client| client.disconnect_reason().is_none());
        if !usable {
            self.client = None;
        }
        match &mut self.client {
            Some(client) => Ok(client),
            slot @ None => Ok(slot.insert(self.connector.connect().await?)),
        }
    }
}
