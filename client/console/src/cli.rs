//! The command line: the global options, one command or the REPL, and the runtime they
//! run on.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use llm_agent_client::{Connector, DEFAULT_REQUEST_TIMEOUT};
use llm_agent_l10n::Locale;

use crate::commands::Command;
use crate::failure::Failure;
use crate::output::Output;
use crate::repl;
use crate::session::Session;
use crate::texts;

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

    /// The language of messages, as a BCP 47 tag: en, de, es (en-XA: pseudo-localized
    /// English, for checking layouts) [default: from LC_ALL, LC_MESSAGES or LANG]
    #[arg(long, global = true, value_name = "TAG")]
    lang: Option<String>,

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
        // The console's own texts and the agent's, in the same language.
        let preferred = self
            .lang
            .clone()
            .or_else(|| Locale::posix_preference(|name| std::env::var(name).ok()));
        texts::set_locale(
            preferred
                .as_deref()
                .map_or(Locale::English, |tag| Locale::negotiate(&[tag])),
        );
        let mut connector = Connector::new()
            .client_name("llm-console", env!("CARGO_PKG_VERSION"))
            .request_timeout(timeout)
            .locales(preferred);
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
