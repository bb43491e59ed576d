//! The command line: the global options, one command or the REPL, and the runtime they
//! run on.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use llm_agent_client::{Connector, DEFAULT_REQUEST_TIMEOUT};

use crate::commands::Command;
use crate::failure::Failure;
use crate::output::Output;
use crate::repl;
use crate::session::Session;

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
