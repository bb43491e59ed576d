//! Running `llm-console` against a test agent, as a learner's terminal would.

use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};

use crate::{TestAgent, console_binary};

/// How long one console command may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);

/// `llm-console --socket <agent> ARGS`, with no stdin and both outputs piped; killed if
/// dropped. The socket and data-dir variables of the test's own environment are removed.
pub fn command(agent: &TestAgent, args: &[&str]) -> Command {
    let mut command = Command::new(console_binary());
    command
        .arg("--socket")
        .arg(&agent.socket)
        .args(args)
        .env_remove("LLM_AGENT_SOCKET")
        .env_remove("LLM_AGENT_DATA_DIR")
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

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
