//! `llm-console` against the real agent, as a script would use it (`--json`), and the
//! peer check seen from another user.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output};

use llm_agent_tests::{TestAgent, console_binary};

fn console(agent: &TestAgent, args: &[&str]) -> Output {
    Command::new(console_binary())
        .arg("--socket")
        .arg(&agent.socket)
        .args(args)
        .env_remove("LLM_AGENT_SOCKET")
        .output()
        .expect("run llm-console")
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "llm-console failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON document")
}

#[test]
fn status_and_raw_calls_as_json() {
    let agent = TestAgent::start();
    let status = json(&console(&agent, &["status", "--json"]));
    assert_eq!(status["pid"], agent.pid());
    assert_eq!(status["protocol"], 1);

    let result = json(&console(
        &agent,
        &["call", "diagnostics.query", r#"{"limit": 1}"#, "--json"],
    ));
    assert_eq!(result["events"].as_array().unwrap().len(), 1);

    let human = console(&agent, &["status"]);
    assert!(human.status.success());
    assert!(String::from_utf8_lossy(&human.stdout).contains(&agent.pid().to_string()));
}

#[test]
fn remote_errors_exit_non_zero_with_code_and_remediation() {
    let agent = TestAgent::start();
    let output = console(&agent, &["call", "no.such.method", "{}"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("METHOD_NOT_FOUND"), "{stderr}");

    let output = console(&agent, &["call", "agent.status", "{not json"]);
    assert_eq!(output.status.code(), Some(2), "bad JSON is a usage error");
}

#[test]
fn diagnostics_query_filters_by_correlation_id() {
    let agent = TestAgent::start();
    let output = console(&agent, &["diagnostics", "--method", "hello", "--json"]);
    let result = json(&output);
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
    assert_eq!(output.status.code(), Some(3));
}

/// Only meaningful as root: opens the socket's permissions wide and connects as
/// `nobody`, which the agent must refuse by uid (its second line of defence after the
/// 0700/0600 modes).
#[test]
fn another_user_is_refused_even_when_file_modes_would_allow_it() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root to act as another user");
        return;
    }
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
    if output.status.code() == Some(126)
        || String::from_utf8_lossy(&output.stderr).contains("Permission denied (os error 13)")
    {
        eprintln!("skipped: nobody cannot execute the console binary here");
        return;
    }
    assert!(!output.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("PERMISSION_DENIED"), "{text}");

    let status = json(&console(&agent, &["status", "--json"]));
    assert_eq!(status["counters"]["connections_refused"], 1);
    let refused = json(&console(
        &agent,
        &["diagnostics", "--result", "PERMISSION_DENIED", "--json"],
    ));
    let event = &refused["events"][0];
    assert_eq!(event["kind"], "connection_refused");
    assert_eq!(event["peer_uid"], nobody);
}
