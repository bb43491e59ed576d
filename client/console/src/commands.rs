//! The commands that run once, from the shell or from the REPL: one module each, the clap
//! definition that names them, and how one runs until it ends or Ctrl-C.

pub mod call;
pub mod catalog;
pub mod chat;
pub mod diagnostics;
pub mod discover;
pub mod events;
pub mod profiles;
pub mod roles;
pub mod status;
pub mod usage;

use clap::Subcommand;

use crate::failure::Failure;
use crate::output::Output;
use crate::session::Session;

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
    /// Send a message (read from stdin) to a profile's model, or to a role's, and stream
    /// the reply
    Chat(chat::Args),
    /// Show what model calls cost, per profile, role and day, and set daily caps
    Usage(usage::Args),
    /// Send any request: JSON params in, JSON result out
    Call(call::Args),
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
    /// a prompt test or a chat call (which the agent stops at once), an interruption of
    /// anything else.
    fn at_interrupt(&self) -> Result<(), Failure> {
        match self {
            Command::Events(_) => Ok(()),
            Command::Discover(args) if args.is_watch() => Ok(()),
            Command::Profiles(args) if args.is_test() => Err(Failure::Cancelled),
            Command::Chat(_) => Err(Failure::Cancelled),
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
            Command::Chat(args) => chat::run(session, args, output).await,
            Command::Usage(args) => usage::run(session, args, output).await,
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

/// Parses `words` as the arguments of the command `name`, as the command line does.
#[cfg(test)]
pub fn parse_args<A: clap::Args>(name: &'static str, words: &[&str]) -> Result<A, clap::Error> {
    let command = A::augment_args(clap::Command::new(name).no_binary_name(true));
    let mut matches = command.try_get_matches_from(words)?;
    <A as clap::FromArgMatches>::from_arg_matches_mut(&mut matches)
}
