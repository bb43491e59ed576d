//! `llm-console`: a debug console for llm-agent, for support staff, developers and power
//! users, over the `llm-agent-client` library.
//!
//! Every command is a module of `commands` with its own `Args` and `run`, and its
//! rendering for a person in `render` beside it. `cli` reads the command line and runs one
//! command, `repl` reads lines and runs many, both through one `session` with the agent.
//! What they share: `output` (where text and JSON go), `table` and `figures` (how text is
//! laid out and numbers read), `json`, `spinner`, `failure` (messages and exit codes) and
//! `remediation` (how the agent's errors read at this console).

mod cli;
mod commands;
mod failure;
mod figures;
mod json;
mod output;
mod remediation;
mod repl;
mod session;
mod spinner;
mod table;
mod texts;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let output = cli.output();
    match cli.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            output.failure(&failure);
            failure.exit_code()
        }
    }
}
