//! `llm-console` against the real agent, as a script would use it (`--json`), and the
//! peer check seen from another user.

// Unix only: the peer check runs the console as another user and opens file modes.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::Command;

use llm_agent_tests::TestAgent;
use llm_agent_tests::console::{
    EXIT_FAILED, EXIT_UNREACHABLE, EXIT_USAGE, console_binary, failed, human, json, run,
};

#[tokio::test]
async fn status_and_raw_calls_as_json() {
    let agent = TestAgent::start();
    let status = json(&agent, &["status"]).await;
    assert_eq!(status["pid"], agent.pid());
    assert_eq!(status["protocol"], 1);

    let result = json(&agent, &["call", "diagnostics.query", r#"{"limit": 1}"#]).await;
    assert_eq!(result["events"].as_array().unwrap().len(), 1);

    let shown = human(&agent, &["status"]).await;
    assert!(shown.contains(&agent.pid().to_string()));
}

#[tokio::test]
async fn remote_errors_exit_non_zero_with_code_and_remediation() {
    let agent = TestAgent::start();
    let stderr = failed(&agent, &["call", "no.such.method", "{}"], EXIT_FAILED).await;
    assert!(stderr.contains("METHOD_NOT_FOUND"), "{stderr}");

    let output = run(&agent, &["call", "agent.status", "{not json"], None).await;
    assert_eq!(
        output.status.code(),
        Some(EXIT_USAGE),
        "bad JSON is a usage error"
    );
}

#[tokio::test]
async fn diagnostics_query_filters_by_correlation_id() {
    let agent = TestAgent::start();
    let result = json(&agent, &["diagnostics", "--method", "hello"]).await;
    let events = result["events"].as_array().unwrap();
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["method"] == "hello"));
}

#[test]
fn an_unreachable_agent_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(console_binary())
        .arg("--socket")
        .arg(dir.path().join("none.sock"))
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(EXIT_UNREACHABLE));
}

/// Opens the socket's permissions wide and connects as `nobody`, which the agent must
/// refuse by uid (its second line of defence after the 0700/0600 modes). It needs root to
/// act as another user, so it is ignored in a plain `cargo test`; `scripts/test` runs it
/// when it runs as root (as CI does), and there it fails rather than skips when it cannot
/// switch users.
#[tokio::test]
#[ignore = "needs root to act as another user: scripts/test runs it as root"]
async fn another_user_is_refused_even_when_file_modes_would_allow_it() {
    assert!(
        rustix::process::geteuid().is_root(),
        "run as root: acting as another user needs it"
    );
    let agent = TestAgent::start();
    for path in [
        agent.dir.path(),
        agent.socket.parent().unwrap(),
        &agent.socket,
    ] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let nobody = 65534;
    let output = Command::new(console_binary())
        .arg("--socket")
        .arg(&agent.socket)
        .args(["status", "--json"])
        .env("HOME", "/nonexistent")
        .uid(nobody)
        .gid(nobody)
        .output()
        .unwrap();
    assert!(
        output.status.code() != Some(126)
            && !String::from_utf8_lossy(&output.stderr).contains("Permission denied (os error 13)"),
        "nobody cannot execute the console binary at {}: put the build where other users can read it",
        console_binary().display()
    );
    assert!(!output.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("PERMISSION_DENIED"), "{text}");

    let status = json(&agent, &["status"]).await;
    assert_eq!(status["counters"]["connections_refused"], 1);
    let refused = json(&agent, &["diagnostics", "--result", "PERMISSION_DENIED"]).await;
    let event = &refused["events"][0];
    assert_eq!(event["kind"], "connection_refused");
    assert_eq!(event["peer_uid"], nobody);
}
