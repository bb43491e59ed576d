//! The command line: global options, the subcommands, and the session that connects to the
//! agent for them.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use llm_agent_client::protocol::methods::NoParams;
use llm_agent_client::protocol::methods::agent::Status;
use llm_agent_client::{CallOptions, Client, ClientError, Connector, DEFAULT_REQUEST_TIMEOUT};

use crate::commands::{call, catalog, diagnostics, discover, events, profiles, roles, status};
use crate::failure::Failure;
use crate::output::Output;
use crate::repl;

/// Debug console for llm-agent.
#[derive(Debug, Parser)]
#[command(name = "llm-console", version, propagate_version = true)]
pub struct Cli {
    /// The agent's socket [default: $LLM_AGENT_SOCKET, else the platform default]
    #[arg(long, global = true, value_name = "PATH")]
    socket: Option<PathBuf>,

    /// Machine-readable output: one JSON document (for `events` and `discover --watch`,
    /// one per line)
    #[arg(long, global = true)]
    json: bool,

    /// How long each request may take, in milliseconds [default: 30000]. For `profiles
    /// test`: how long the test may take, 1 to 30000. `discover` waits at least its
    /// --budget-ms and 5 s more
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
    /// Find the model servers running on this machine, and follow what discovery finds
    ///
    /// Without a subcommand: sweep now and show every server found, what disagrees with
    /// the profiles, and the probes that failed. `--watch` follows the sweeps instead.
    Discover(discover::Args),
    /// Show the providers and models the agent knows, with their prices, and edit them
    ///
    /// Without a subcommand: every provider's models, their status, context window,
    /// prices per million tokens, where each price comes from and its date, and each
    /// provider's default model. Edits are kept in the data dir, over the shipped catalog.
    Catalog(catalog::Args),
    /// Show and set which profile each role uses (tutor, infrastructure)
    Roles(roles::Args),
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
        let mut session = Session::new(connector, self.timeout_ms);
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
        let at_interrupt = self.at_interrupt();
        let finished = tokio::select! {
            outcome = self.run(session, output) => Some(outcome),
            () = interrupted() => None,
        };
        match finished {
            Some(outcome) => outcome,
            None => {
                // The command's call was dropped with the select, which queued its cancel
                // frame; the process may exit as soon as this returns.
                session.flush().await;
                at_interrupt
            }
        }
    }

    /// What Ctrl-C means: the end of `events` and `discover --watch`, the cancellation of
    /// a prompt test (which the agent stops at once), an interruption of anything else.
    fn at_interrupt(&self) -> Result<(), Failure> {
        match self {
            Command::Events(_) => Ok(()),
            Command::Discover(args) if args.is_watch() => Ok(()),
            Command::Profiles(args) if args.is_test() => Err(Failure::Cancelled),
            _ => Err(Failure::Interrupted),
        }
    }

    async fn run(self, session: &mut Session, output: Output) -> Result<(), Failure> {
        match self {
            Command::Status => status::run(session, output).await,
            Command::Diagnostics(args) => diagnostics::run(session, args, output).await,
            Command::Events(args) => events::run(session, args, output).await,
            Command::Profiles(args) => profiles::run(session, args, output).await,
            Command::Discover(args) => discover::run(session, args, output).await,
            Command::Catalog(args) => catalog::run(session, args, output).await,
            Command::Roles(args) => roles::run(session, args, output).await,
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

/// How much longer than an operation's own deadline (a prompt test's timeout, a
/// sweep's budget) the console waits for the agent's answer: the agent ends the operation
/// at its deadline and must have the time to say so.
pub const ANSWER_GRACE_MS: u64 = 5_000;

/// How long [`Session::flush`] waits for the agent.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(1);

/// The connection the commands use, made on first use and remade if the agent went away
/// (the REPL outlives agent restarts). A command checks its input before it asks for the
/// client, so a usage error never waits on the agent.
pub struct Session {
    connector: Connector,
    client: Option<Client>,
    timeout_ms: Option<u64>,
}

impl Session {
    fn new(connector: Connector, timeout_ms: Option<u64>) -> Self {
        Self {
            connector,
            client: None,
            timeout_ms,
        }
    }

    /// The `--timeout-ms` given on the command line, if any.
    pub fn timeout_ms(&self) -> Option<u64> {
        self.timeout_ms
    }

    /// Makes sure the agent has read every frame queued so far, such as the cancel of a
    /// call dropped at Ctrl-C. The connection task writes them only when the runtime next
    /// runs it, which it never does once the process exits; the agent reads a connection's
    /// frames in order, so its answer to one more request proves it has read them.
    pub async fn flush(&self) {
        let Some(client) = &self.client else {
            return;
        };
        if client.disconnect_reason().is_some() {
            return;
        }
        let options = CallOptions::default().timeout(FLUSH_TIMEOUT);
        // Any answer, an error included, proves the point; none in time means the agent
        // is not reading, and waiting longer would not change that.
        let _ = client.call_with::<Status>(NoParams {}, options).await;
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
