//! Command-line options and the resolved configuration the agent runs with.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use llm_agent_protocol::DEFAULT_MAX_FRAME_LEN;
use llm_agent_protocol::location::{
    self, DATA_DIR_ENV, LOG_DIR_ENV, NoDefaultLocation, SOCKET_ENV,
};

/// Requests one connection may have in flight before the agent answers `BUSY`.
pub const DEFAULT_MAX_IN_FLIGHT: u32 = 64;
/// Connections served at once; one more is answered `BUSY` and closed.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// How long a new connection has to complete `hello`.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a frame, once started, may take to arrive in full.
pub const FRAME_STALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long shutdown waits for in-flight requests before closing connections anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The llm-agent background process: owns LLM Tutor's model profiles and serves them to
/// local clients over a socket.
#[derive(Debug, Parser)]
#[command(name = "llm-agent", version, about)]
pub struct Cli {
    /// Socket path (a named pipe path on Windows).
    #[arg(long, env = SOCKET_ENV, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Data directory (profiles, diagnostics, lock file).
    #[arg(long, env = DATA_DIR_ENV, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Log filter: a level (error, warn, info, debug, trace) or tracing directives.
    #[arg(long, default_value = "info", value_name = "FILTER")]
    pub log_level: String,
    /// Log line format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Write logs to daily files `agent.YYYY-MM-DD.log` in this directory (the last
    /// 7 are kept) instead of stderr. Clients that start the agent use `<data dir>/logs`.
    #[arg(long, env = LOG_DIR_ENV, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Cli {
    pub fn into_config(self) -> Result<AgentConfig, NoDefaultLocation> {
        Ok(AgentConfig {
            socket: location::socket_path(self.socket.as_deref(), self.data_dir.as_deref())?,
            data_dir: location::data_dir(self.data_dir.as_deref())?,
            ..AgentConfig::defaults()
        })
    }
}

/// Everything the agent needs to run; tests build one directly.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    pub socket: PathBuf,
    pub data_dir: PathBuf,
    pub max_frame_len: u32,
    pub max_in_flight: u32,
    pub max_connections: usize,
}

impl AgentConfig {
    fn defaults() -> Self {
        Self {
            socket: PathBuf::new(),
            data_dir: PathBuf::new(),
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }

    /// A configuration with default limits for the given paths.
    pub fn new(socket: PathBuf, data_dir: PathBuf) -> Self {
        Self {
            socket,
            data_dir,
            ..Self::defaults()
        }
    }
}
