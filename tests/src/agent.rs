//! The real `llm-agent` binary under test: [`TestAgent`] starts it on a private temp
//! socket and data dir, and talks to it through the client library or raw frames
//! ([`RawConnection`]).
//!
//! The binary is found next to the test executable's profile dir (`target/debug` or
//! `target/release`), or at `$LLM_AGENT_BIN`. Build it first: `scripts/test` does.

use std::fs::File;
use std::io::{Read, Write};
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use llm_agent_client::{Client, Connector};
use llm_agent_protocol::envelope::{self, Envelope, Request};
use llm_agent_protocol::frame::{read_frame, write_frame};
use llm_agent_protocol::methods::handshake::{ClientInfo, Hello, HelloParams};
use llm_agent_protocol::{DEFAULT_MAX_FRAME_LEN, Method, PROTOCOL_VERSION};
#[cfg(unix)]
use serde::Serialize;

use crate::keyring::KeyringSession;
use crate::local_socket;

/// How long start-up may take before a test gives up.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// The `llm-agent` binary under test.
pub fn agent_binary() -> PathBuf {
    workspace_binary("llm-agent", "LLM_AGENT_BIN")
}

/// The binary `name` of this workspace: next to the test executable's profile dir, or
/// at `$env`.
pub(crate) fn workspace_binary(name: &str, env: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(env) {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test> -> target/<profile>/<name>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable lives in target/<profile>/deps");
    let binary = profile_dir.join(name);
    assert!(
        binary.exists(),
        "{} does not exist: build it first (cargo build --workspace --bins), or set {env}",
        binary.display()
    );
    binary
}

/// The environment of an agent without a credential store: its D-Bus session bus is
/// nowhere, so it never touches the user's own keyring, and profile writes are refused.
pub(crate) fn no_keyring_env() -> (&'static str, String) {
    (
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent".to_owned(),
    )
}

/// `llm-agent --socket SOCKET --data-dir DATA_DIR` with `env` added to this process's
/// environment less its socket and data-dir variables; no stdin or stdout, and stderr to
/// `log`.
pub(crate) fn agent_command(
    socket: &Path,
    data_dir: &Path,
    env: &[(&'static str, String)],
    log: File,
) -> Command {
    let mut command = Command::new(agent_binary());
    agent_arguments_and_environment(&mut command, socket, data_dir, env, log);
    command
}

/// [`agent_command`] of an agent without a credential store, run by `wrapper` (a program
/// and its arguments, before the agent's): a service manager or a parent process in
/// front of the agent. Flags added to the command go to the agent.
pub fn wrapped_agent_command(
    wrapper: &[&std::ffi::OsStr],
    socket: &Path,
    data_dir: &Path,
    log: File,
) -> Command {
    let (program, wrapper_args) = wrapper.split_first().expect("a wrapper program");
    let mut command = Command::new(program);
    command.args(wrapper_args).arg(agent_binary());
    agent_arguments_and_environment(&mut command, socket, data_dir, &[no_keyring_env()], log);
    command
}

fn agent_arguments_and_environment(
    command: &mut Command,
    socket: &Path,
    data_dir: &Path,
    env: &[(&'static str, String)],
    log: File,
) {
    command
        .arg("--socket")
        .arg(socket)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("LLM_AGENT_SOCKET")
        .env_remove("LLM_AGENT_DATA_DIR")
        .envs(env.iter().map(|(name, value)| (name, value)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
}

/// Whether an agent answers a handshake on `socket` now.
pub fn answers_hello(socket: &Path) -> bool {
    local_socket::connect(socket).is_ok_and(|mut stream| hello(&mut stream).is_ok())
}

/// Waits until `ready` says that `child`, just started, serves: polls every 10 ms for at
/// most `timeout`. Panics if the child exits first or the time runs out, with
/// `context()` (its log, say) after the reason.
pub(crate) fn wait_until_serving(
    child: &mut Child,
    name: &str,
    timeout: Duration,
    mut ready: impl FnMut() -> bool,
    context: impl Fn() -> String,
) {
    let deadline = Instant::now() + timeout;
    while !ready() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{name} exited during start-up ({status}){}", context());
        }
        assert!(
            Instant::now() < deadline,
            "{name} did not answer within {timeout:?}{}",
            context()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A client connected to the agent on `socket`, past the handshake.
pub(crate) async fn connect(socket: &Path, client_name: &str) -> Client {
    Connector::new()
        .socket(socket)
        .client_name(client_name, env!("CARGO_PKG_VERSION"))
        .connect()
        .await
        .expect("connect to the agent")
}

fn read_log(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

/// A running agent on its own temp socket and data dir, stopped (SIGKILL) on drop.
pub struct TestAgent {
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    pub data_dir: PathBuf,
    child: Option<Child>,
    log: PathBuf,
    env: Vec<(&'static str, String)>,
    /// Flags every start of this agent gets, after the socket and data dir.
    args: Vec<String>,
}

impl TestAgent {
    /// Starts an agent and waits until it answers a handshake. It has no credential
    /// store: profile writes are refused; use [`TestAgent::with_keyring`] for those.
    pub fn start() -> Self {
        Self::start_with_env(vec![no_keyring_env()])
    }

    /// Starts an agent that keeps its data key in `keyring`.
    pub fn with_keyring(keyring: &KeyringSession) -> Self {
        Self::start_with_env(keyring.env())
    }

    /// Starts an agent that keeps its data key in `keyring`, with extra environment
    /// variables (such as `LLM_AGENT_DISCOVERY_PORTS`).
    pub fn with_keyring_and_env(
        keyring: &KeyringSession,
        extra: &[(&'static str, String)],
    ) -> Self {
        let mut env = keyring.env();
        env.extend(extra.iter().cloned());
        Self::start_with_env(env)
    }

    /// Starts an agent (without a credential store) with extra flags, which every
    /// [`restart`](TestAgent::restart) passes again.
    pub fn start_with_args(args: &[&str]) -> Self {
        Self::start_with_env_and_args(vec![no_keyring_env()], args)
    }

    fn start_with_env(env: Vec<(&'static str, String)>) -> Self {
        Self::start_with_env_and_args(env, &[])
    }

    fn start_with_env_and_args(env: Vec<(&'static str, String)>, args: &[&str]) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("llm-agent-e2e")
            .tempdir()
            .expect("temp dir");
        let socket = local_socket::socket_path(dir.path(), "run/agent.sock");
        let data_dir = dir.path().join("data");
        let mut agent = Self {
            log: dir.path().join("agent.log"),
            dir,
            socket,
            data_dir,
            child: None,
            env,
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
        };
        agent.restart();
        agent
    }

    /// Starts the agent again on the same socket and data dir (after a stop or kill).
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "the agent is still running");
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let child = self.spawn_process(&args);
        self.child = Some(child);
        self.wait_ready();
    }

    /// Spawns another `llm-agent` process on this agent's paths without waiting for it.
    pub fn spawn_process(&self, extra_args: &[&str]) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        agent_command(&self.socket, &self.data_dir, &self.env, log)
            .args(["--log-level", "debug"])
            .args(extra_args)
            .spawn()
            .expect("spawn llm-agent")
    }

    fn wait_ready(&mut self) {
        let (socket, log) = (&self.socket, &self.log);
        let child = self.child.as_mut().expect("started");
        wait_until_serving(
            child,
            "llm-agent",
            START_TIMEOUT,
            || answers_hello(socket),
            || format!("; log:\n{}", read_log(log)),
        );
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// A connected client.
    pub async fn client(&self) -> Client {
        connect(&self.socket, "llm-agent-e2e").await
    }

    /// A connected client whose user prefers `locales` (BCP 47, most preferred first).
    pub async fn client_in(&self, locales: &[&str]) -> Client {
        Connector::new()
            .socket(&self.socket)
            .client_name("llm-agent-e2e", env!("CARGO_PKG_VERSION"))
            .locales(locales.iter().copied())
            .connect()
            .await
            .expect("connect to the agent")
    }

    /// A raw connection that has completed `hello`.
    #[cfg(unix)]
    pub fn raw(&self) -> RawConnection {
        let mut raw = self.raw_without_hello();
        hello(&mut raw.stream).expect("hello");
        raw
    }

    /// A raw connection with no handshake yet.
    #[cfg(unix)]
    pub fn raw_without_hello(&self) -> RawConnection {
        let stream = UnixStream::connect(&self.socket).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        RawConnection { stream }
    }

    /// Sends a signal to the agent process.
    #[cfg(unix)]
    pub fn signal(&self, signal: rustix::process::Signal) {
        let pid = rustix::process::Pid::from_raw(self.pid() as i32).expect("pid");
        rustix::process::kill_process(pid, signal).expect("kill");
    }

    /// SIGKILL, then reap: no clean-up happens in the agent.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Waits for the agent to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!(
                    "llm-agent did not exit within {timeout:?}; log:\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn log_text(&self) -> String {
        read_log(&self.log)
    }

    /// Every line of every diagnostics journal file, oldest file first.
    pub fn journal_lines(&self) -> Vec<serde_json::Value> {
        let dir = self.data_dir.join("diagnostics");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort_by_key(|path| std::cmp::Reverse(path.file_name().map(|n| n.to_owned())));
        files
            .iter()
            .flat_map(|path| {
                std::fs::read_to_string(path)
                    .expect("journal")
                    .lines()
                    .map(|line| serde_json::from_str(line).expect("journal line is JSON"))
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

impl Drop for TestAgent {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A blocking socket that speaks frames, for tests that need bytes a well-behaved client
/// would never send. Unix only: the tests read it with timeouts and clones of a
/// `UnixStream`.
#[cfg(unix)]
pub struct RawConnection {
    pub stream: UnixStream,
}

#[cfg(unix)]
impl RawConnection {
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write");
    }

    pub fn send<T: Serialize>(&mut self, message: &T) {
        let body = envelope::encode(message).expect("encode");
        write_frame(&mut self.stream, &body, u32::MAX).expect("write frame");
    }

    pub fn request<P: Serialize>(&mut self, id: u64, method: &str, params: P) {
        self.send(&Envelope::Request(Request {
            id,
            method: method.to_owned(),
            params,
            correlation_id: None,
        }));
    }

    /// The next message, or `None` once the agent has closed the connection.
    pub fn recv(&mut self) -> Option<Envelope> {
        let body = read_frame(&mut self.stream, DEFAULT_MAX_FRAME_LEN).ok()??;
        Some(envelope::decode(&body).expect("agent sent a valid envelope"))
    }

    /// The next response, skipping events.
    pub fn response(&mut self) -> llm_agent_protocol::Response {
        loop {
            match self.recv() {
                Some(Envelope::Response(response)) => return response,
                Some(Envelope::Event(_)) => continue,
                other => panic!("expected a response, got {other:?}"),
            }
        }
    }

    /// Whether the agent closed the connection (EOF, or reset).
    pub fn is_closed(&mut self) -> bool {
        let mut byte = [0u8; 1];
        matches!(self.stream.read(&mut byte), Ok(0) | Err(_))
    }
}

/// Performs the handshake on a blocking stream.
pub fn hello(stream: &mut (impl Read + Write)) -> std::io::Result<()> {
    hello_in(stream, &[])
}

/// Performs the handshake on a blocking stream, asking for `locales`.
pub fn hello_in(stream: &mut (impl Read + Write), locales: &[&str]) -> std::io::Result<()> {
    let request = Envelope::Request(Request {
        id: 0,
        method: Hello::NAME.to_owned(),
        params: HelloParams {
            protocol: PROTOCOL_VERSION,
            client: ClientInfo {
                name: "llm-agent-e2e".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            locales: locales.iter().map(|tag| (*tag).to_owned()).collect(),
        },
        correlation_id: None,
    });
    let body = envelope::encode(&request).map_err(std::io::Error::other)?;
    write_frame(stream, &body, DEFAULT_MAX_FRAME_LEN).map_err(std::io::Error::other)?;
    let reply = read_frame(stream, DEFAULT_MAX_FRAME_LEN)
        .map_err(std::io::Error::other)?
        .ok_or_else(|| std::io::Error::other("closed"))?;
    match envelope::decode::<Envelope>(&reply) {
        Ok(Envelope::Response(response)) if response.error.is_none() => Ok(()),
        other => Err(std::io::Error::other(format!("{other:?}"))),
    }
}

/// Every regular file under `dir`, recursively: what an agent left in its data dir.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => files.extend(files_under(&path)),
            Ok(kind) if kind.is_file() => files.push(path),
            _ => {}
        }
    }
    files
}

/// Params of a method that takes none.
pub fn no_params() -> <llm_agent_protocol::methods::agent::Status as Method>::Params {
    Default::default()
}
