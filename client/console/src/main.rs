//! `llm-console`: a debug console for llm-agent, for support staff, developers and power
//! users. Every subcommand is a module here with its own `Args` and `run`; `cli` wires
//! them to clap and to a connection, `failure` turns errors into messages and exit codes.

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
