//! Command-line options and the resolved configuration the agent runs with.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};

use crate::discovery::ProbeTable;
use crate::ipc::handshake::AGENT_VERSION;
use crate::lifetime::{Followed, Lifetime};
use crate::provider_kind::ProviderKind;
use crate::service::ServiceArgs;
use llm_agent_protocol::DEFAULT_MAX_FRAME_LEN;
use llm_agent_protocol::location::{
    self, DATA_DIR_ENV, LOG_DIR_ENV, NoDefaultLocation, SOCKET_ENV,
};
use llm_agent_protocol::methods::audit::MAX_AUDIT_ENTRIES;

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
    /// Where discovery looks for each kind of server, replacing the whole default table:
    /// `kind=port[+port...],...` (`ollama=11434,lm_studio=1234+1235`). Kinds left out are
    /// not probed. For tests and for servers moved to other ports.
    #[arg(long, env = DISCOVERY_PORTS_ENV, value_name = "KIND=PORT,...", value_parser = parse_discovery_ports)]
    pub discovery_ports: Option<ProbeTable>,
    /// End gracefully when this process exits; without a PID, the process that started
    /// the agent. However it ends, `kill -9` included.
    #[arg(long, value_name = "PID", num_args = 0..=1)]
    pub exit_with_parent: Option<Option<u32>>,
    /// End gracefully once no client has been connected, and nothing a client started
    /// has run, for this many seconds.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_exit: Option<u64>,
    /// Let go of the console window Windows opens for the agent at logon (the logon
    /// start written by `service install` passes it).
    #[cfg(windows)]
    #[arg(long)]
    pub no_console: bool,
    /// Report this version in `hello` and `agent.status` instead of the build's own: for
    /// tests that need an older agent.
    #[arg(long, value_name = "VERSION", hide = true)]
    pub pretend_version: Option<String>,
    /// How many entries the audit ledger keeps before it compacts (for tests; the
    /// default is the protocol's bound).
    #[arg(long, env = AUDIT_MAX_ENTRIES_ENV, hide = true, value_name = "N",
          value_parser = clap::value_parser!(u64).range(2..))]
    pub audit_max_entries: Option<u64>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the binary does instead of running the agent.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Install, remove or inspect the per-user service that starts the agent (a
    /// systemd user socket, a LaunchAgent, a logon start on Windows).
    Service(ServiceArgs),
}

/// The environment variable behind `--audit-max-entries`.
pub const AUDIT_MAX_ENTRIES_ENV: &str = "LLM_AGENT_AUDIT_MAX_ENTRIES";

/// The environment variable behind `--discovery-ports`.
pub const DISCOVERY_PORTS_ENV: &str = "LLM_AGENT_DISCOVERY_PORTS";

/// Parses `kind=port[+port...],...` into a probe table holding only those ports.
pub fn parse_discovery_ports(text: &str) -> Result<ProbeTable, String> {
    let mut table = ProbeTable::without_ports();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (kind, ports) = entry
            .split_once('=')
            .ok_or_else(|| format!("{entry:?}: write kind=port"))?;
        let kind = ProviderKind::discoverable(kind.trim())
            .filter(|kind| ProviderKind::DISCOVERABLE.contains(kind))
            .ok_or_else(|| format!("{kind:?} is not a kind discovery knows"))?;
        let ports = ports
            .split('+')
            .map(|port| {
                port.trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("{port:?} is not a port"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        table.set_ports(kind, ports);
    }
    Ok(table)
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
            discovery_table: self.discovery_ports.unwrap_or_default(),
            lifetime: Lifetime {
                follow: self
                    .exit_with_parent
                    .map(|pid| pid.map_or(Followed::Parent, Followed::Pid)),
                idle_exit: self.idle_exit.map(Duration::from_secs),
            },
            agent_version: self
                .pretend_version
                .unwrap_or_else(|| AGENT_VERSION.to_owned()),
            audit_max_entries: self
                .audit_max_entries
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(MAX_AUDIT_ENTRIES),
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
    /// Where discovery looks for each kind of server.
    pub discovery_table: ProbeTable,
    /// When the agent ends by itself.
    pub lifetime: Lifetime,
    /// The version `hello` and `agent.status` report.
    pub agent_version: String,
    /// Entries the audit ledger keeps before it compacts.
    pub audit_max_entries: usize,
}

impl AgentConfig {
    fn defaults() -> Self {
        Self {
            socket: PathBuf::new(),
            data_dir: PathBuf::new(),
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            discovery_table: ProbeTable::default(),
            lifetime: Lifetime::default(),
            agent_version: AGENT_VERSION.to_owned(),
            audit_max_entries: MAX_AUDIT_ENTRIES,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("llm-agent").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn exit_with_parent_takes_an_optional_pid_and_idle_exit_seconds() {
        let lifetime = |args: &[&str]| {
            parse(&[&["--socket", "/s", "--data-dir", "/d"], args].concat())
                .into_config()
                .unwrap()
                .lifetime
        };
        assert_eq!(lifetime(&[]), Lifetime::default());
        assert_eq!(
            lifetime(&["--exit-with-parent"]).follow,
            Some(Followed::Parent)
        );
        assert_eq!(
            lifetime(&["--exit-with-parent", "4242"]).follow,
            Some(Followed::Pid(4242))
        );
        assert_eq!(
            lifetime(&["--idle-exit", "90"]).idle_exit,
            Some(Duration::from_secs(90))
        );
        for bad in [&["--idle-exit", "0"][..], &["--exit-with-parent", "me"]] {
            assert!(
                Cli::try_parse_from(std::iter::once("llm-agent").chain(bad.iter().copied()))
                    .is_err()
            );
        }
    }

    #[test]
    fn discovery_ports_replace_the_table() {
        let table = parse_discovery_ports("ollama=41234, lm_studio=1234+1235").unwrap();
        assert_eq!(table.ports(ProviderKind::Ollama), [41234]);
        assert_eq!(table.ports(ProviderKind::LmStudio), [1234, 1235]);
        assert!(table.ports(ProviderKind::Vllm).is_empty());
        for bad in [
            "ollama",
            "nobody=1",
            "ollama=0",
            "ollama=x",
            "openai_compatible=1",
        ] {
            assert!(parse_discovery_ports(bad).is_err(), "{bad}");
        }
    }
}
