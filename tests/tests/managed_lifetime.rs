//! The agent's life as a desktop manages it, through the real binary: started by systemd
//! socket activation (`systemd-socket-activate`) and served to a real client through the
//! socket it was passed; ended with its parent, even one killed by SIGKILL; ended after
//! idling; its systemd user units written by `llm-agent service install` and accepted by
//! `systemd-analyze verify`; and an older agent replaced by the client at an upgrade.

// Unix only: systemd's tools, signals, Unix sockets.
#![cfg(unix)]

use std::ffi::OsStr;
use std::fs::File;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use llm_agent_client::{AutoSpawn, Client, Connector};
use llm_agent_protocol::methods::agent::{Shutdown, Status};
use llm_agent_tests::{TestAgent, agent_binary, answers_hello, no_params, wrapped_agent_command};

const EXIT_TIMEOUT: Duration = Duration::from_secs(20);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Polls `done` every 10 ms until it holds; panics with `what` after `timeout`.
fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A temp dir with a private `run/` for the socket and a log file.
struct Scene {
    dir: tempfile::TempDir,
    socket: PathBuf,
    data_dir: PathBuf,
    log: PathBuf,
}

impl Scene {
    fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("llm-agent-life")
            .tempdir()
            .unwrap();
        let run = dir.path().join("run");
        std::fs::create_dir(&run).unwrap();
        std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        Self {
            socket: run.join("agent.sock"),
            data_dir: dir.path().join("data"),
            log: dir.path().join("agent.log"),
            dir,
        }
    }

    fn log_file(&self) -> File {
        File::options()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap()
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn command(&self, wrapper: &[&OsStr]) -> Command {
        let mut command =
            wrapped_agent_command(wrapper, &self.socket, &self.data_dir, self.log_file());
        command.args(["--log-level", "debug"]);
        command
    }
}

async fn status(client: &Client) -> llm_agent_protocol::methods::agent::AgentStatus {
    client.call::<Status>(no_params()).await.unwrap()
}

#[test]
fn a_socket_activated_agent_serves_the_socket_it_was_passed_and_tells_systemd_it_is_ready() {
    let scene = Scene::new();
    let notify_path = scene.dir.path().join("notify.sock");
    let notify = UnixDatagram::bind(&notify_path).unwrap();
    notify.set_read_timeout(Some(EXIT_TIMEOUT)).unwrap();
    // systemd-socket-activate passes the children only the variables it is told to.
    let listen = format!("--listen={}", scene.socket.display());
    let notify_env = format!("--setenv=NOTIFY_SOCKET={}", notify_path.display());
    let wrapper = [
        "systemd-socket-activate",
        &listen,
        "--setenv=DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent",
        &notify_env,
        "--",
    ]
    .map(OsStr::new);
    let mut activator = scene
        .command(&wrapper)
        .spawn()
        .expect("systemd-socket-activate");
    // It says so once it listens (the socket file exists from bind, before listen).
    wait_for("systemd-socket-activate listening", EXIT_TIMEOUT, || {
        scene.log_text().contains("Listening on")
    });
    assert!(
        !scene.log_text().contains("llm-agent is listening"),
        "nothing runs before the first connection"
    );

    runtime().block_on(async {
        // The first connection waits in the passed socket's backlog while the agent starts.
        let client = Connector::new()
            .socket(&scene.socket)
            .connect()
            .await
            .unwrap_or_else(|e| panic!("{e}; log:\n{}", scene.log_text()));
        let status = status(&client).await;
        // systemd-socket-activate execs the agent in its own process.
        assert_eq!(status.pid, activator.id());
        assert_eq!(status.socket, scene.socket.display().to_string());
        let mut ready = [0u8; 256];
        let len = notify.recv(&mut ready).expect("a notification");
        let message = String::from_utf8_lossy(&ready[..len]);
        assert!(message.lines().any(|line| line == "READY=1"), "{message:?}");
        client.call::<Shutdown>(no_params()).await.unwrap();
    });
    let exited = activator.wait().unwrap();
    assert!(exited.success(), "{exited}; log:\n{}", scene.log_text());
    let log = scene.log_text();
    assert!(log.contains("activated_by=\"systemd\""), "{log}");
    assert!(
        scene.socket.exists(),
        "the socket belongs to the service manager: the agent leaves it"
    );
}

#[test]
fn an_agent_following_its_parent_stops_gracefully_when_the_parent_is_killed() {
    let scene = Scene::new();
    // A shell that starts the agent in the background and waits: the agent's parent.
    let wrapper = ["sh", "-c", r#""$@" & wait"#, "sh"].map(OsStr::new);
    let mut parent = scene
        .command(&wrapper)
        .arg("--exit-with-parent")
        .spawn()
        .unwrap();
    wait_for("the agent answering", EXIT_TIMEOUT, || {
        answers_hello(&scene.socket)
    });
    let agent_pid = runtime().block_on(async {
        let client = Connector::new()
            .socket(&scene.socket)
            .connect()
            .await
            .unwrap();
        status(&client).await.pid
    });
    assert_ne!(agent_pid, parent.id(), "the agent is the shell's child");

    parent.kill().unwrap(); // SIGKILL: the shell has no say in it.
    parent.wait().unwrap();
    // A graceful shutdown removes the socket; a dead agent would leave it behind.
    wait_for("the agent shutting down", EXIT_TIMEOUT, || {
        !scene.socket.exists()
    });
    wait_for("the agent stopping", EXIT_TIMEOUT, || {
        scene.log_text().contains("stopped")
    });
    let log = scene.log_text();
    assert!(
        log.contains("the process the agent follows has exited"),
        "{log}"
    );
}

#[test]
fn an_agent_following_a_process_by_id_stops_when_it_exits() {
    let mut followed = Command::new("sleep").arg("600").spawn().unwrap();
    let pid = followed.id().to_string();
    let mut agent = TestAgent::start_with_args(&["--exit-with-parent", &pid]);
    assert!(
        answers_hello(&agent.socket),
        "running while the process runs"
    );
    followed.kill().unwrap();
    followed.wait().unwrap();
    let status = agent.wait_exit(EXIT_TIMEOUT);
    assert!(status.success(), "{status}; log:\n{}", agent.log_text());
    assert!(!agent.socket.exists());
}

#[test]
fn an_agent_following_a_process_that_is_gone_stops_at_once() {
    let mut gone = Command::new("true").spawn().unwrap();
    let pid = gone.id().to_string();
    gone.wait().unwrap();
    let scene = Scene::new();
    let output = Command::new(agent_binary())
        .args(["--socket".as_ref(), scene.socket.as_os_str()])
        .args(["--data-dir".as_ref(), scene.data_dir.as_os_str()])
        .args(["--exit-with-parent", &pid])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn an_idle_agent_exits_but_not_while_a_client_is_connected() {
    const IDLE_S: u64 = 3;
    let mut agent = TestAgent::start_with_args(&["--idle-exit", &IDLE_S.to_string()]);
    runtime().block_on(async {
        let client = agent.client().await;
        tokio::time::sleep(Duration::from_secs(IDLE_S + 1)).await;
        // Connected all along: still here.
        status(&client).await;
    });
    let exited = agent.wait_exit(EXIT_TIMEOUT);
    assert!(exited.success(), "{exited}; log:\n{}", agent.log_text());
    assert!(
        agent.log_text().contains("no client for the idle limit"),
        "{}",
        agent.log_text()
    );
    assert!(!agent.socket.exists());
}

/// `llm-agent --socket .. --data-dir .. service ARGS` with `XDG_CONFIG_HOME=config`.
fn service(scene: &Scene, config: &Path, args: &[&str]) -> Output {
    Command::new(agent_binary())
        .args(["--socket".as_ref(), scene.socket.as_os_str()])
        .args(["--data-dir".as_ref(), scene.data_dir.as_os_str()])
        .arg("service")
        .args(args)
        .env("XDG_CONFIG_HOME", config)
        .env_remove("LLM_AGENT_SOCKET")
        .env_remove("LLM_AGENT_DATA_DIR")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn service_install_writes_user_units_that_systemd_accepts_and_uninstall_removes_them() {
    let mut scene = Scene::new();
    // A data dir whose path needs quoting in ExecStart (a space, `%`, `$`).
    scene.data_dir = scene.dir.path().join("my data 100% $HOME");
    let config = scene.dir.path().join("config");
    let units = config.join("systemd/user");

    let installed = stdout(&service(&scene, &config, &["install", "--no-enable"]));
    assert!(installed.contains("llm-agent.socket"), "{installed}");
    let socket_unit = std::fs::read_to_string(units.join("llm-agent.socket")).unwrap();
    let service_unit = std::fs::read_to_string(units.join("llm-agent.service")).unwrap();
    assert!(
        socket_unit.contains(&format!("\nListenStream={}\n", scene.socket.display())),
        "{socket_unit}"
    );
    assert!(
        service_unit.contains(&format!("ExecStart=\"{}\"", agent_binary().display())),
        "{service_unit}"
    );
    assert!(
        service_unit.contains("my data 100%% $$HOME"),
        "{service_unit}"
    );

    // The user manager's runtime dir must exist for --user; systemd-analyze checks the
    // syntax, the settings and that ExecStart's binary is executable.
    let runtime_dir = scene.dir.path().join("xdg-runtime");
    std::fs::create_dir(&runtime_dir).unwrap();
    let verified = Command::new("systemd-analyze")
        .args(["--user", "verify"])
        .arg(units.join("llm-agent.socket"))
        .arg(units.join("llm-agent.service"))
        .env("XDG_CONFIG_HOME", &config)
        .env("XDG_RUNTIME_DIR", &runtime_dir)
        .output()
        .expect("systemd-analyze (Debian's systemd package)");
    let complaints = String::from_utf8_lossy(&verified.stderr);
    assert!(verified.status.success(), "{complaints}");
    assert!(
        !complaints.contains("llm-agent"),
        "systemd-analyze warned about the units: {complaints}"
    );

    let status = stdout(&service(&scene, &config, &["status"]));
    assert!(status.contains("llm-agent.socket: installed"), "{status}");
    assert!(status.contains("agent: not answering"), "{status}");

    let removed = stdout(&service(&scene, &config, &["uninstall", "--no-disable"]));
    assert!(removed.contains("removed"), "{removed}");
    assert!(!units.join("llm-agent.socket").exists());
    assert!(!units.join("llm-agent.service").exists());
    let status = stdout(&service(&scene, &config, &["status"]));
    assert!(
        status.contains("llm-agent.socket: not installed"),
        "{status}"
    );
}

#[test]
fn service_status_reports_an_agent_that_answers() {
    let agent = TestAgent::start();
    let scene = Scene {
        socket: agent.socket.clone(),
        data_dir: agent.data_dir.clone(),
        log: agent.dir.path().join("unused.log"),
        dir: tempfile::tempdir().unwrap(),
    };
    let config = scene.dir.path().join("config");
    let status = stdout(&service(&scene, &config, &["status"]));
    assert!(status.contains(&format!("pid {}", agent.pid())), "{status}");
    // Installing while an agent serves the socket would fight it for the socket.
    let refused = service(&scene, &config, &["install"]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("stop it first"),
        "{refused:?}"
    );
}

/// How many agents started in `data_dir/logs`, where agents a client starts log.
/// Waits until every agent of `data_dir` has gone (released the data dir's lock), so
/// that their logs are complete.
fn wait_for_agents_to_leave(data_dir: &Path) {
    let lock = data_dir.join(llm_agent_protocol::location::LOCK_FILE);
    let deadline = Instant::now() + EXIT_TIMEOUT;
    while let Ok(file) = std::fs::File::open(&lock) {
        if file.try_lock().is_ok() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "an agent still holds {}",
            lock.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// How many agents clients started in `data_dir`, by their logs.
fn agents_started_by_clients(data_dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(data_dir.join("logs")) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
        .map(|text| text.matches("llm-agent is listening").count())
        .sum()
}

/// Connects to `old`'s socket as an app would, with auto-spawn of the real binary.
async fn connect_as_the_app(old: &TestAgent, expected_version: Option<&str>) -> Client {
    let mut auto_spawn = AutoSpawn {
        agent_binary: Some(agent_binary()),
        data_dir: Some(old.data_dir.clone()),
        ..AutoSpawn::default()
    };
    if let Some(version) = expected_version {
        auto_spawn.expected_version = version.to_owned();
    }
    Connector::new()
        .socket(&old.socket)
        .auto_spawn(auto_spawn)
        .connect()
        .await
        .unwrap_or_else(|e| panic!("{e}; old agent's log:\n{}", old.log_text()))
}

#[test]
fn an_older_agent_is_asked_to_shut_down_and_the_new_one_started() {
    let mut old = TestAgent::start_with_args(&["--pretend-version", "0.0.1"]);
    let old_pid = old.pid();
    let rt = runtime();
    let client = rt.block_on(connect_as_the_app(&old, None));
    assert_eq!(client.hello().agent_version, env!("CARGO_PKG_VERSION"));
    let exited = old.wait_exit(EXIT_TIMEOUT);
    assert!(
        exited.success(),
        "the old agent shut down gracefully: {exited}"
    );
    rt.block_on(async {
        let status = status(&client).await;
        assert_ne!(status.pid, old_pid);
        assert_eq!(status.data_dir, old.data_dir.display().to_string());
        client.call::<Shutdown>(no_params()).await.unwrap();
    });
    wait_for_agents_to_leave(&old.data_dir);
    assert_eq!(agents_started_by_clients(&old.data_dir), 1);
}

#[test]
fn the_hand_over_happens_once_even_when_the_new_agent_is_older_than_expected() {
    let mut old = TestAgent::start_with_args(&["--pretend-version", "0.0.1"]);
    let rt = runtime();
    // The client expects a version no agent has: the one it starts is older too.
    let client = rt.block_on(connect_as_the_app(&old, Some("99.0.0")));
    assert_eq!(client.hello().agent_version, env!("CARGO_PKG_VERSION"));
    assert!(old.wait_exit(EXIT_TIMEOUT).success());
    rt.block_on(async {
        status(&client).await;
        client.call::<Shutdown>(no_params()).await.unwrap();
    });
    wait_for_agents_to_leave(&old.data_dir);
    assert_eq!(
        agents_started_by_clients(&old.data_dir),
        1,
        "one generation replaced, not a chain of them"
    );
}

#[test]
fn a_newer_or_equal_agent_is_kept() {
    let agent = TestAgent::start_with_args(&["--pretend-version", "99.0.0"]);
    let rt = runtime();
    let client = rt.block_on(connect_as_the_app(&agent, None));
    assert_eq!(client.hello().agent_version, "99.0.0");
    rt.block_on(async {
        assert_eq!(status(&client).await.pid, agent.pid());
    });
    assert_eq!(agents_started_by_clients(&agent.data_dir), 0);
}
