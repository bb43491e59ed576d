//! The `llm-agent` binary: parse options, start logging, run the agent; or run a
//! `service` command instead.

use std::process::ExitCode;

use clap::Parser;
use llm_agent::config::{Cli, Command};

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if let Some(Command::Service(service)) = cli.command.take() {
        return llm_agent::service::run(
            service.action,
            cli.socket.as_deref(),
            cli.data_dir.as_deref(),
        );
    }
    #[cfg(windows)]
    if cli.no_console {
        // SAFETY: detaching from our console has no preconditions; logs go to files.
        unsafe { windows_sys::Win32::System::Console::FreeConsole() };
    }
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
