//! The `llm-agent` binary: parse options, start logging, run the agent; or run a
//! `service` command instead.

use std::process::ExitCode;

use clap::Parser;
use llm_agent::config::{Cli, Command};

fn main() -> ExitCode {
    keep_large_buffers_mapped();
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

/// glibc's allocator serves blocks above a threshold with their own mapping, returned to
/// the system when freed, but it raises the threshold each time such a block is freed,
/// up to 32 MiB. After one 4 MiB frame, frame buffers then come from the heap and
/// fragment it: a burst of hostile frames took the agent to 300 MiB resident although
/// the decode budget held what frames held to 96 MiB. A fixed threshold (glibc's default
/// of 128 KiB) keeps every large buffer mapped, and the agent's memory follows what it
/// holds.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_large_buffers_mapped() {
    const MMAP_THRESHOLD: libc::c_int = 128 * 1024;
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other
    // thread exists, and a failure (0) leaves glibc's defaults, which work too.
    let _ = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_large_buffers_mapped() {}
