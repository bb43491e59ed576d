//! The agent's life: one per data dir and socket, stale sockets reclaimed, graceful
//! shutdown that flushes diagnostics and removes the socket, auto-spawn by the client.

// Unix only: socket files and their modes, signals, raw frames.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use llm_agent_client::{AutoSpawn, Connector};
use llm_agent_protocol::methods::agent::{Shutdown, Status};
use llm_agent_tests::{TestAgent, agent_binary, no_params};

const EXIT_TIMEOUT: Duration = Duration::from_secs(20);

/// Starts an agent that must refuse to start; returns what it said.
fn refused_start(socket: &std::path::Path, data_dir: &std::path::Path) -> String {
    let output = std::process::Command::new(agent_binary())
        .arg("--socket")
        .arg(socket)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .expect("run llm-agent");
    assert!(!output.status.success(), "the agent must refuse to start");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn socket_and_dirs_are_private() {
    let agent = TestAgent::start();
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&agent.socket), 0o600);
    assert_eq!(mode(agent.socket.parent().unwrap()), 0o700);
    assert_eq!(mode(&agent.data_dir), 0o700);
}

#[test]
fn a_second_agent_on_the_same_data_dir_is_refused() {
    let agent = TestAgent::start();
    let other_socket = agent.dir.path().join("other.sock");
    let stderr = refused_start(&other_socket, &agent.data_dir);
    assert!(stderr.contains("already running"), "{stderr}");
    assert!(
        stderr.contains(&agent.pid().to_string()),
        "names the running agent: {stderr}"
    );
    assert!(!other_socket.exists(), "the refused agent left no socket");
    // The first agent is untouched.
    agent.raw();
}

#[test]
fn a_second_agent_on_the_same_socket_is_refused_and_does_not_evict_the_first() {
    let agent = TestAgent::start();
    let other_data = agent.dir.path().join("other-data");
    let stderr = refused_start(&agent.socket, &other_data);
    assert!(stderr.contains("already listening"), "{stderr}");
    agent.raw();
}

#[test]
fn a_stale_socket_left_by_kill_9_is_reclaimed() {
    let mut agent = TestAgent::start();
    agent.kill9();
    assert!(
        agent.socket.exists(),
        "kill -9 leaves the socket file behind"
    );
    agent.restart();
    let mut raw = agent.raw();
    raw.request(1, "agent.status", no_params());
    assert!(raw.response().into_outcome().is_ok());
}

#[test]
fn a_socket_path_over_the_os_limit_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("x".repeat(120));
    let stderr = refused_start(&socket, &dir.path().join("data"));
    assert!(stderr.contains("at most 107"), "{stderr}");
    assert!(stderr.contains("--socket"), "says what to do: {stderr}");
}

#[test]
fn a_regular_file_at_the_socket_path_is_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    std::fs::write(&socket, b"precious").unwrap();
    let stderr = refused_start(&socket, &dir.path().join("data"));
    assert!(stderr.contains("not a socket"), "{stderr}");
    assert_eq!(std::fs::read(&socket).unwrap(), b"precious");
}

#[tokio::test]
async fn agent_shutdown_answers_then_flushes_diagnostics_and_removes_the_socket() {
    let mut agent = TestAgent::start();
    let client = agent.client().await;
    let status = client
        .call_with::<Status>(
            no_params(),
            llm_agent_client::CallOptions::default().correlation_id("before-shutdown"),
        )
        .await
        .unwrap();
    assert_eq!(status.correlation_id, "before-shutdown");
    let reply = client
        .call_with::<Shutdown>(
            no_params(),
            llm_agent_client::CallOptions::default().correlation_id("the-shutdown"),
        )
        .await
        .unwrap();
    assert!(reply.result.shutting_down);
    let status = agent.wait_exit(EXIT_TIMEOUT);
    assert!(status.success(), "{status}");
    assert!(!agent.socket.exists(), "socket removed");
    let journal = agent.journal_lines();
    for id in ["before-shutdown", "the-shutdown"] {
        assert!(
            journal.iter().any(|e| e["correlation_id"] == id),
            "{id} not flushed"
        );
    }
    assert_eq!(journal.last().unwrap()["kind"], "agent_stopping");
}

#[test]
fn sigterm_and_sigint_shut_down_gracefully() {
    for signal in [rustix::process::Signal::TERM, rustix::process::Signal::INT] {
        let mut agent = TestAgent::start();
        let mut raw = agent.raw();
        raw.request(1, "agent.status", no_params());
        raw.response();
        agent.signal(signal);
        let status = agent.wait_exit(EXIT_TIMEOUT);
        assert!(status.success(), "{signal:?}: {status}");
        assert!(!agent.socket.exists());
        // The open connection is closed, after everything it asked for was answered.
        assert!(raw.is_closed());
        let journal = agent.journal_lines();
        assert!(journal.iter().any(|e| e["method"] == "agent.status"));
        assert_eq!(journal.first().unwrap()["kind"], "agent_started");
        assert_eq!(journal.last().unwrap()["kind"], "agent_stopping");
        // A restart on the same paths works at once: lock released, socket gone.
        agent.restart();
    }
}

#[tokio::test]
async fn the_client_can_start_the_agent_when_none_is_running() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("auto/agent.sock");
    let client = Connector::new()
        .socket(&socket)
        .auto_spawn(AutoSpawn {
            agent_binary: Some(agent_binary()),
            data_dir: Some(dir.path().join("data")),
            ready_timeout: Duration::from_secs(20),
            ..AutoSpawn::default()
        })
        .connect()
        .await
        .expect("auto-spawned agent answers");
    let status = client.call::<Status>(no_params()).await.unwrap();
    assert_eq!(status.socket, socket.display().to_string());
    client.call::<Shutdown>(no_params()).await.unwrap();
    // With no terminal, it logs to daily files under its data dir.
    let logs = dir.path().join("data/logs");
    let deadline = std::time::Instant::now() + EXIT_TIMEOUT;
    let logged = || -> bool {
        std::fs::read_dir(&logs)
            .into_iter()
            .flatten()
            .flatten()
            .any(|file| {
                std::fs::read_to_string(file.path())
                    .is_ok_and(|text| text.contains("llm-agent is listening"))
            })
    };
    while !logged() {
        assert!(
            std::time::Instant::now() < deadline,
            "no log file under {}",
            logs.display()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let deadline = std::time::Instant::now() + EXIT_TIMEOUT;
    while socket.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "auto-spawned agent did not stop"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn without_auto_spawn_a_missing_agent_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Connector::new()
        .socket(dir.path().join("nobody.sock"))
        .connect()
        .await
        .unwrap_err();
    assert!(err.is_unreachable(), "{err:?}");
    assert!(err.to_string().contains("nobody.sock"), "{err}");
}

#[tokio::test]
async fn past_the_connection_limit_a_new_client_is_told_busy() {
    let agent = TestAgent::start();
    // The default limit is 256 connections; hold them all.
    let held: Vec<_> = (0..256).map(|_| agent.raw()).collect();
    // The real client writes its hello at once; the agent refuses without reading it.
    // The client must still get the reason, not a broken pipe.
    for _ in 0..5 {
        let err = Connector::new()
            .socket(&agent.socket)
            .connect()
            .await
            .unwrap_err();
        assert_eq!(err.code(), "BUSY", "{err:?}");
    }
    drop(held);
    // Slots free up as the held connections close.
    let deadline = std::time::Instant::now() + EXIT_TIMEOUT;
    loop {
        match Connector::new().socket(&agent.socket).connect().await {
            Ok(client) => {
                client.call::<Status>(no_params()).await.unwrap();
                break;
            }
            Err(err) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "never served again: {err:?}"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

#[test]
fn requests_sent_along_with_a_shutdown_are_all_answered() {
    let mut agent = TestAgent::start();
    let mut raw = agent.raw();
    let mut bytes = Vec::new();
    for (id, method) in [
        (1, "agent.shutdown"),
        (2, "agent.status"),
        (3, "agent.status"),
        (4, "agent.status"),
    ] {
        let request = llm_agent_protocol::Envelope::Request(llm_agent_protocol::Request {
            id,
            method: method.to_owned(),
            params: no_params(),
            correlation_id: None,
        });
        bytes.extend(llm_agent_protocol::envelope::encode_frame(&request, u32::MAX).unwrap());
    }
    raw.send_bytes(&bytes);
    let mut answered = Vec::new();
    while let Some(message) = raw.recv() {
        let llm_agent_protocol::Envelope::Response(response) = message else {
            continue;
        };
        let id = response.id.expect("request id");
        match response.into_outcome() {
            Ok(_) => {}
            Err(e) => assert_eq!(e.code, llm_agent_protocol::ErrorCode::ShuttingDown, "{e:?}"),
        }
        answered.push(id);
    }
    answered.sort();
    assert_eq!(
        answered,
        [1, 2, 3, 4],
        "every request answered exactly once"
    );
    assert!(agent.wait_exit(EXIT_TIMEOUT).success());
}

#[test]
fn a_client_that_never_says_hello_does_not_delay_shutdown() {
    let mut agent = TestAgent::start();
    let _silent = agent.raw_without_hello();
    let started = std::time::Instant::now();
    agent.signal(rustix::process::Signal::TERM);
    assert!(agent.wait_exit(EXIT_TIMEOUT).success());
    // The handshake deadline is 5 s; shutdown must not wait for it.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}
