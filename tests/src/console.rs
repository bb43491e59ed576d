//! Running `llm-console` against a test agent, as a learner's terminal would, and the
//! checks every console test makes: the exit code, and stdout as one JSON document.
//!
//! The exit codes are written here as the console documents them, not taken from its
//! source, so a console that changed one fails the tests.

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};

use crate::TestAgent;
use crate::agent::workspace_binary;

/// How long one console command may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);

/// The console's exit code for a failed operation (an error from the agent, say).
pub const EXIT_FAILED: i32 = 1;
/// The console's exit code for a usage error, which it finds without asking the agent.
pub const EXIT_USAGE: i32 = 2;
/// The console's exit code when no agent answers on the socket.
pub const EXIT_UNREACHABLE: i32 = 3;
/// The console's exit code after Ctrl-C.
pub const EXIT_INTERRUPTED: i32 = 130;

/// The `llm-console` binary under test.
pub fn console_binary() -> PathBuf {
    workspace_binary("llm-console", "LLM_CONSOLE_BIN")
}

/// `llm-console --socket <agent> ARGS`, with no stdin and both outputs piped; killed if
/// dropped. The socket, data-dir and locale variables of the test's own environment are
/// removed.
pub fn command(agent: &TestAgent, args: &[&str]) -> Command {
    let mut command = Command::new(console_binary());
    command
        .arg("--socket")
        .arg(&agent.socket)
        .args(args)
        .env_remove("LLM_AGENT_SOCKET")
        .env_remove("LLM_AGENT_DATA_DIR")
        // English unless a test asks for a language with --lang.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Runs the console to its end, with `stdin` piped in when given.
pub async fn run(agent: &TestAgent, args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = command(agent, args);
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    let mut child = command.spawn().expect("run llm-console");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(text.as_bytes()).await.expect("write stdin");
        // Dropped: the console reads to the end of stdin.
    }
    finished(child).await
}

/// Waits for a console process to end, within [`WAIT`].
pub async fn finished(child: Child) -> Output {
    tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .expect("llm-console finished in time")
        .expect("llm-console's output")
}

/// What the console printed for a person, once it exited 0.
pub async fn human(agent: &TestAgent, args: &[&str]) -> String {
    let output = run(agent, args, None).await;
    assert_exit(&output, 0);
    text(&output.stdout)
}

/// The console's document with `--json` after `args`, once it exited 0.
pub async fn json(agent: &TestAgent, args: &[&str]) -> Value {
    let args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
    let output = run(agent, &args, None).await;
    assert_exit(&output, 0);
    json_document(&output)
}

/// What the console wrote to stderr, once it exited with `code`.
pub async fn failed(agent: &TestAgent, args: &[&str], code: i32) -> String {
    let output = run(agent, args, None).await;
    assert_exit(&output, code);
    text(&output.stderr)
}

/// Fails the test, showing both outputs, unless the console exited with `code`.
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// The console's stdout as one JSON document; fails the test, showing both outputs, if
/// it is not one.
pub fn json_document(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "not one JSON document ({err}): {}\nstderr: {}",
            text(&output.stdout),
            text(&output.stderr)
        )
    })
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
