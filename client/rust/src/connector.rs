//! [`Connector`]: finds the agent's socket by the same rule the agent uses, connects,
//! performs the handshake, and, when asked to, starts the agent first.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use interprocess::local_socket::tokio::Stream;
use interprocess::local_socket::traits::tokio::Stream as _;
use interprocess::local_socket::{GenericFilePath, ToFsName};
use llm_agent_protocol::location;
use llm_agent_protocol::methods::handshake::ClientInfo;

use crate::client::{Client, DEFAULT_REQUEST_TIMEOUT};
use crate::error::ClientError;
use crate::{spawn, upgrade};

/// How long auto-spawn waits for a freshly started agent to answer, unless told otherwise.
pub const DEFAULT_READY_TIMEOUT: Duration = Duration::from_secs(10);

/// How to connect to the agent.
///
/// ```no_run
/// # async fn example() -> Result<(), llm_agent_client::ClientError> {
/// use llm_agent_client::protocol::methods::agent::Status;
/// use llm_agent_client::{AutoSpawn, Connector};
///
/// let client = Connector::new()
///     .client_name("llm-tutor", "1.4.0")
///     .auto_spawn(AutoSpawn::default())
///     .connect()
///     .await?;
/// let status = client.call::<Status>(Default::default()).await?;
/// println!("agent {} up for {} ms", status.version, status.uptime_ms);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Connector {
    socket: Option<PathBuf>,
    request_timeout: Duration,
    client: ClientInfo,
    locales: Vec<String>,
    auto_spawn: Option<AutoSpawn>,
}

/// Starting the agent when none is running. Without it, a missing agent is
/// [`ClientError::AgentNotRunning`].
#[derive(Debug, Clone)]
pub struct AutoSpawn {
    /// The `llm-agent` binary. Default: the one next to the current executable, else the
    /// one on `PATH`.
    pub agent_binary: Option<PathBuf>,
    /// Passed to the agent as `--data-dir`. Default: the agent's own default.
    pub data_dir: Option<PathBuf>,
    /// How long to wait for the started agent to answer the handshake (and, at an
    /// upgrade, for the old one to go).
    pub ready_timeout: Duration,
    /// The version of the agent this client starts. An agent that answers with an older
    /// one (left running from before an upgrade) is asked to shut down, and this one is
    /// started instead, once. Default: this library's version, which ships with the
    /// agent.
    pub expected_version: String,
}

impl Default for AutoSpawn {
    fn default() -> Self {
        Self {
            agent_binary: None,
            data_dir: None,
            ready_timeout: DEFAULT_READY_TIMEOUT,
            expected_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

impl Default for Connector {
    fn default() -> Self {
        Self::new()
    }
}

impl Connector {
    /// The defaults: the socket from `LLM_AGENT_SOCKET` or the platform default, a
    /// [`DEFAULT_REQUEST_TIMEOUT`], this crate as the client name, and no auto-spawn.
    pub fn new() -> Self {
        Self {
            socket: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            client: ClientInfo {
                name: env!("CARGO_PKG_NAME").to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            locales: Vec::new(),
            auto_spawn: None,
        }
    }

    /// Connects to this socket instead of the one from the environment or the default.
    pub fn socket(mut self, path: impl Into<PathBuf>) -> Self {
        self.socket = Some(path.into());
        self
    }

    /// The timeout of every request (the handshake included) that does not set its own.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How this client introduces itself in `hello`; the agent records it.
    pub fn client_name(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.client = ClientInfo {
            name: name.into(),
            version: version.into(),
        };
        self
    }

    /// The languages the user prefers, most preferred first, as BCP 47 tags (`de-AT`,
    /// `es`): the agent renders every message and remediation in the best match it has
    /// (English when none matches), and says which in [`HelloResult::locale`].
    ///
    /// [`HelloResult::locale`]: llm_agent_protocol::methods::handshake::HelloResult::locale
    pub fn locales<S: Into<String>>(mut self, locales: impl IntoIterator<Item = S>) -> Self {
        self.locales = locales.into_iter().map(Into::into).collect();
        self
    }

    /// Starts the agent if nobody listens on the socket.
    pub fn auto_spawn(mut self, auto_spawn: AutoSpawn) -> Self {
        self.auto_spawn = Some(auto_spawn);
        self
    }

    /// The socket this connector will use: the explicit one, else `LLM_AGENT_SOCKET`, else
    /// the platform default, exactly as the agent decides where to listen.
    pub fn socket_path(&self) -> Result<PathBuf, ClientError> {
        let data_dir = self.auto_spawn.as_ref().and_then(|a| a.data_dir.as_deref());
        Ok(location::socket_path(self.socket.as_deref(), data_dir)?)
    }

    /// Connects and performs the handshake. With auto-spawn, it starts the agent first
    /// if nobody listens, and replaces an agent older than
    /// [`AutoSpawn::expected_version`] with a new one.
    pub async fn connect(&self) -> Result<Client, ClientError> {
        let socket = self.socket_path()?;
        match (self.connect_to(&socket).await, &self.auto_spawn) {
            (Err(ClientError::AgentNotRunning { .. }), Some(auto_spawn)) => {
                spawn::start_and_connect(self, auto_spawn, &socket).await
            }
            (Ok(client), Some(auto_spawn))
                if upgrade::is_older(
                    &client.hello().agent_version,
                    &auto_spawn.expected_version,
                ) =>
            {
                upgrade::hand_over(self, auto_spawn, client, &socket).await
            }
            (outcome, _) => outcome,
        }
    }

    /// One attempt: connect to `socket` and perform the handshake.
    pub(crate) async fn connect_to(&self, socket: &Path) -> Result<Client, ClientError> {
        let connect_error = |source: io::Error| match source.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused => {
                ClientError::AgentNotRunning {
                    socket: socket.to_owned(),
                }
            }
            _ => ClientError::Connect {
                socket: socket.to_owned(),
                source,
            },
        };
        let name = socket
            .to_fs_name::<GenericFilePath>()
            .map_err(connect_error)?;
        let stream = Stream::connect(name).await.map_err(connect_error)?;
        Client::handshake(
            stream,
            socket.to_owned(),
            self.client.clone(),
            self.locales.clone(),
            self.request_timeout,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SpawnError;

    fn missing_socket() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("agent.sock");
        (dir, socket)
    }

    #[test]
    fn an_explicit_socket_wins() {
        let connector = Connector::new().socket("/tmp/elsewhere.sock");
        assert_eq!(
            connector.socket_path().unwrap(),
            Path::new("/tmp/elsewhere.sock")
        );
    }

    #[tokio::test]
    async fn nobody_listening_is_agent_not_running() {
        let (_dir, socket) = missing_socket();
        match Connector::new().socket(&socket).connect().await {
            Err(ClientError::AgentNotRunning { socket: reported }) => assert_eq!(reported, socket),
            other => panic!("{other:?}"),
        }
    }

    /// Connects to `socket` with auto-spawn starting `binary` as the agent.
    async fn spawn_and_connect(binary: PathBuf, socket: &Path) -> Result<Client, ClientError> {
        let auto_spawn = AutoSpawn {
            agent_binary: Some(binary),
            ..AutoSpawn::default()
        };
        Connector::new()
            .socket(socket)
            .auto_spawn(auto_spawn)
            .connect()
            .await
    }

    #[tokio::test]
    async fn auto_spawn_reports_a_missing_binary() {
        let (dir, socket) = missing_socket();
        let binary = dir.path().join("no-such-agent");
        match spawn_and_connect(binary.clone(), &socket).await {
            Err(ClientError::Spawn(SpawnError::NotFound { binary: reported })) => {
                assert_eq!(reported, binary)
            }
            other => panic!("{other:?}"),
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn auto_spawn_reports_an_agent_that_exits() {
        let (_dir, socket) = missing_socket();
        // `false` takes any arguments and exits 1, as an agent that cannot start would.
        match spawn_and_connect("false".into(), &socket).await {
            Err(ClientError::Spawn(SpawnError::Exited { status, .. })) => {
                assert!(!status.success())
            }
            other => panic!("{other:?}"),
        }
    }
}
