//! `llm-agent service install | uninstall | status`: the per-user service that starts
//! the agent when the user needs it, so no app has to.
//!
//! - Linux ([`systemd`]): a systemd user socket `llm-agent.socket` and the service it
//!   starts, `llm-agent.service`, in `$XDG_CONFIG_HOME/systemd/user`; `install` enables
//!   and starts the socket.
//! - macOS ([`launchd`]): a LaunchAgent with a socket, in `~/Library/LaunchAgents`;
//!   `install` bootstraps it into the user's session.
//! - Windows ([`windows`]): a logon start in the user's `Run` registry key.
//!
//! Files are replaced durably and atomically ([`durable_file`](crate::durable_file)),
//! every path in them quoted for the format it is in. The service runs this binary with
//! the socket and data dir this command resolved (from `--socket`, `--data-dir`, their
//! environment variables, or the defaults), so clients find it where they look.
//! `status` says whether the service is installed and whether an agent answers.

#[cfg(any(target_os = "macos", test))]
pub mod launchd;
mod probe;
#[cfg(any(target_os = "linux", test))]
pub mod systemd;
#[cfg(any(windows, test))]
pub mod windows;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use llm_agent_protocol::location;

/// The `service` subcommand.
#[derive(Debug, clap::Args)]
pub struct ServiceArgs {
    #[command(subcommand)]
    pub action: ServiceAction,
}

#[derive(Debug, Clone, Copy, clap::Subcommand)]
pub enum ServiceAction {
    /// Write the service files, then enable and start the service.
    Install {
        /// Only write the files (for packaging); enable nothing.
        #[arg(long)]
        no_enable: bool,
    },
    /// Stop and disable the service, then remove its files.
    Uninstall {
        /// Only remove the files; leave the service manager alone.
        #[arg(long)]
        no_disable: bool,
    },
    /// Whether the service is installed, and whether an agent answers on the socket.
    Status,
}

/// Why a service command failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("cannot find the home directory, where the service files go")]
    NoHome,
    #[error("cannot find this program's own path: {0}")]
    NoBinary(std::io::Error),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the path {} into a service file: {why}", path.display())]
    UnwritablePath { path: PathBuf, why: &'static str },
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },
    #[error(
        "an agent already serves {} (pid {pid}), and the service would have to take the socket from it: stop it first (llm-console call agent.shutdown; if it is the service's own, llm-agent service uninstall), then install again",
        socket.display()
    )]
    AgentRunning { socket: PathBuf, pid: u32 },
    #[error("this OS has no per-user service llm-agent can install")]
    Unsupported,
}

/// What the service runs: this binary, on this socket, with this data dir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    pub binary: PathBuf,
    pub socket: PathBuf,
    pub data_dir: PathBuf,
}

impl Installation {
    /// The agent's command line: the binary, `--socket`, `--data-dir`.
    pub fn command_line(&self) -> Vec<String> {
        [
            self.binary.as_os_str(),
            "--socket".as_ref(),
            self.socket.as_os_str(),
            "--data-dir".as_ref(),
            self.data_dir.as_os_str(),
        ]
        .iter()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect()
    }

    /// The command line for a service manager that gives the agent no log of its own:
    /// logs go to daily files in `<data dir>/logs`, as for an agent a client starts.
    #[cfg(any(target_os = "macos", windows, test))]
    pub fn command_line_with_log_dir(&self) -> Vec<String> {
        let mut args = self.command_line();
        args.push("--log-dir".into());
        args.push(
            self.data_dir
                .join(location::LOG_SUBDIR)
                .to_string_lossy()
                .into_owned(),
        );
        args
    }
}

/// A path as UTF-8, as every service file format needs it.
#[cfg(any(target_os = "linux", target_os = "macos", test))]
fn utf8(path: &Path) -> Result<&str, ServiceError> {
    path.to_str().ok_or_else(|| ServiceError::UnwritablePath {
        path: path.to_owned(),
        why: "it is not valid UTF-8",
    })
}

/// Runs a service command and prints what it did; the exit code is 0 on success.
pub fn run(action: ServiceAction, socket: Option<&Path>, data_dir: Option<&Path>) -> ExitCode {
    match resolve(socket, data_dir).and_then(|installation| perform(action, &installation)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("llm-agent service: {err}");
            ExitCode::FAILURE
        }
    }
}

fn resolve(socket: Option<&Path>, data_dir: Option<&Path>) -> Result<Installation, ServiceError> {
    let no_home = |_| ServiceError::NoHome;
    let data_dir = location::data_dir(data_dir).map_err(no_home)?;
    let socket = location::socket_path(socket, Some(&data_dir)).map_err(no_home)?;
    let binary = std::env::current_exe().map_err(ServiceError::NoBinary)?;
    // A service outlives the shell it was installed from: only absolute paths will do.
    let absolute = |path: PathBuf| {
        std::path::absolute(&path).map_err(|source| ServiceError::Io { path, source })
    };
    Ok(Installation {
        binary: absolute(binary)?,
        socket: absolute(socket)?,
        data_dir: absolute(data_dir)?,
    })
}

fn perform(action: ServiceAction, installation: &Installation) -> Result<(), ServiceError> {
    match action {
        ServiceAction::Install { no_enable } => {
            if !no_enable && let Some(status) = probe::agent_status(&installation.socket) {
                return Err(ServiceError::AgentRunning {
                    socket: installation.socket.clone(),
                    pid: status.pid,
                });
            }
            platform::install(installation, !no_enable)
        }
        ServiceAction::Uninstall { no_disable } => platform::uninstall(!no_disable),
        ServiceAction::Status => {
            platform::status()?;
            match probe::agent_status(&installation.socket) {
                Some(status) => println!(
                    "agent: answering on {} (version {}, pid {}, up {} s)",
                    installation.socket.display(),
                    status.version,
                    status.pid,
                    status.uptime_ms / 1000
                ),
                None => println!(
                    "agent: not answering on {} (it starts on the first connection when the service is installed)",
                    installation.socket.display()
                ),
            }
            Ok(())
        }
    }
}

/// Writes `contents` to `path` durably, creating its directory.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn write_file(path: &Path, contents: &str) -> Result<(), ServiceError> {
    let io_err = |source| ServiceError::Io {
        path: path.to_owned(),
        source,
    };
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return Err(io_err(std::io::ErrorKind::InvalidInput.into()));
    };
    std::fs::create_dir_all(dir).map_err(io_err)?;
    crate::durable_file::replace(dir, name, contents.as_bytes()).map_err(io_err)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Removes `path`; true if it was there.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn remove_file(path: &Path) -> Result<bool, ServiceError> {
    match std::fs::remove_file(path) {
        Ok(()) => {
            println!("removed {}", path.display());
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(ServiceError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Runs a service manager's command; its failure is the command's error.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn manager(program: &str, args: &[&str]) -> Result<(), ServiceError> {
    let command = format!("{program} {}", args.join(" "));
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .map_err(|e| ServiceError::Command {
            command: command.clone(),
            detail: e.to_string(),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(ServiceError::Command {
            command,
            detail: format!("{} ({})", stderr.trim(), output.status),
        });
    }
    println!("ran {command}");
    Ok(())
}

#[cfg(target_os = "linux")]
mod platform {
    use super::systemd::{self, SERVICE_UNIT, SOCKET_UNIT};
    use super::{Installation, ServiceError, manager, remove_file, write_file};

    pub(super) fn install(installation: &Installation, enable: bool) -> Result<(), ServiceError> {
        let dir = systemd::unit_dir()?;
        write_file(&dir.join(SOCKET_UNIT), &systemd::socket_unit(installation)?)?;
        write_file(
            &dir.join(SERVICE_UNIT),
            &systemd::service_unit(installation)?,
        )?;
        if enable {
            manager("systemctl", &["--user", "daemon-reload"])?;
            manager("systemctl", &["--user", "enable", "--now", SOCKET_UNIT])?;
        }
        Ok(())
    }

    pub(super) fn uninstall(disable: bool) -> Result<(), ServiceError> {
        let dir = systemd::unit_dir()?;
        if disable && dir.join(SOCKET_UNIT).exists() {
            manager(
                "systemctl",
                &["--user", "disable", "--now", SOCKET_UNIT, SERVICE_UNIT],
            )?;
        }
        let removed = remove_file(&dir.join(SOCKET_UNIT))? | remove_file(&dir.join(SERVICE_UNIT))?;
        if !removed {
            println!("not installed: no units in {}", dir.display());
        } else if disable {
            manager("systemctl", &["--user", "daemon-reload"])?;
        }
        Ok(())
    }

    pub(super) fn status() -> Result<(), ServiceError> {
        let dir = systemd::unit_dir()?;
        for unit in [SOCKET_UNIT, SERVICE_UNIT] {
            let path = dir.join(unit);
            match path.exists() {
                true => println!("{unit}: installed ({})", path.display()),
                false => println!("{unit}: not installed"),
            }
        }
        Ok(())
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use super::launchd::{self, LABEL};
    use super::{Installation, ServiceError, manager, remove_file, write_file};

    fn session() -> String {
        format!("gui/{}", rustix::process::getuid().as_raw())
    }

    pub(super) fn install(installation: &Installation, enable: bool) -> Result<(), ServiceError> {
        let path = launchd::plist_path()?;
        // launchd creates the socket, not its directory.
        if let Some(dir) = installation.socket.parent() {
            crate::private_dir::create(dir).map_err(|source| ServiceError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        write_file(&path, &launchd::plist(installation)?)?;
        if enable {
            // A LaunchAgent already loaded keeps its old definition: unload it first.
            let _ = manager("launchctl", &["bootout", &format!("{}/{LABEL}", session())]);
            manager(
                "launchctl",
                &["bootstrap", &session(), &path.to_string_lossy()],
            )?;
        }
        Ok(())
    }

    pub(super) fn uninstall(disable: bool) -> Result<(), ServiceError> {
        let path = launchd::plist_path()?;
        if disable && path.exists() {
            // Not loaded is fine: the file goes all the same.
            if let Err(e) = manager("launchctl", &["bootout", &format!("{}/{LABEL}", session())]) {
                println!("{e}");
            }
        }
        if !remove_file(&path)? {
            println!("not installed: no {}", path.display());
        }
        Ok(())
    }

    pub(super) fn status() -> Result<(), ServiceError> {
        let path = launchd::plist_path()?;
        match path.exists() {
            true => println!("LaunchAgent {LABEL}: installed ({})", path.display()),
            false => println!("LaunchAgent {LABEL}: not installed"),
        }
        Ok(())
    }
}

#[cfg(windows)]
mod platform {
    use super::windows::{self, RUN_KEY, VALUE_NAME};
    use super::{Installation, ServiceError};

    fn registry_err(source: std::io::Error) -> ServiceError {
        ServiceError::Io {
            path: format!(r"HKEY_CURRENT_USER\{RUN_KEY}\{VALUE_NAME}").into(),
            source,
        }
    }

    pub(super) fn install(installation: &Installation, _enable: bool) -> Result<(), ServiceError> {
        windows::write(&windows::command_line(installation)?).map_err(registry_err)?;
        println!(
            r"wrote HKEY_CURRENT_USER\{RUN_KEY}\{VALUE_NAME}: the agent starts when you log in (until then, the app starts it when it needs it)"
        );
        Ok(())
    }

    pub(super) fn uninstall(_disable: bool) -> Result<(), ServiceError> {
        match windows::remove().map_err(registry_err)? {
            true => println!(r"removed HKEY_CURRENT_USER\{RUN_KEY}\{VALUE_NAME}"),
            false => println!("not installed: no logon start"),
        }
        Ok(())
    }

    pub(super) fn status() -> Result<(), ServiceError> {
        match windows::read().map_err(registry_err)? {
            Some(line) => println!("logon start: installed ({line})"),
            None => println!("logon start: not installed"),
        }
        Ok(())
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod platform {
    use super::{Installation, ServiceError};

    pub(super) fn install(_: &Installation, _: bool) -> Result<(), ServiceError> {
        Err(ServiceError::Unsupported)
    }

    pub(super) fn uninstall(_: bool) -> Result<(), ServiceError> {
        Err(ServiceError::Unsupported)
    }

    pub(super) fn status() -> Result<(), ServiceError> {
        Err(ServiceError::Unsupported)
    }
}
