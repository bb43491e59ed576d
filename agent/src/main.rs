//! The `llm-agent` binary: parse options, start logging, run the agent.

use std::process::ExitCode;

use clap::Parser;
use llm_agent::config::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _logs =
        match llm_agent::logging::init(&cli.log_level, cli.log_format, cli.log_dir.as_deref()) {
            Ok(guard) => guard,
            Err(err) => {
                eprintln!("llm-agent: {err}");
                return ExitCode::from(2);
            }
        };
    let config = match cli.into_config() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("llm-agent: {err}");
            return ExitCode::from(2);
        }
    };
    match llm_agent::run_blocking(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "llm-agent stopped");
            eprintln!("llm-agent: {err}");
            ExitCode::FAILURE
        }
    }
}
