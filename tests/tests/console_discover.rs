//! `llm-console discover` against the real agent, whose probe table points at a scripted
//! Ollama on an ephemeral port (`LLM_AGENT_DISCOVERY_PORTS`), so nothing else on the
//! machine is probed: what a person and a script see of a sweep, adopting the server as
//! a profile, the settings, and `--watch` following a change until Ctrl-C.

// Unix only: Ctrl-C is a SIGINT to the console.
#![cfg(unix)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use llm_agent_tests::TestAgent;
use llm_agent_tests::console::{
    EXIT_FAILED, EXIT_USAGE, assert_exit, command as console_command, failed, human, json, run,
    text,
};
use llm_agent_tests::http_fixture::HttpFixture;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::servers::ollama_answer;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::ChildStdout;

/// Long enough never to fire when things work; a failure still ends fast.
const WAIT: Duration = Duration::from_secs(15);

const MODEL: &str = "llama3.2:latest";
/// The model the scripted Ollama adds when told to.
const SECOND_MODEL: &str = "qwen2.5:7b";

/// A keyring (profile writes need one), a scripted Ollama, and an agent that probes only
/// the Ollama's port. Setting the flag makes the Ollama offer a second model.
async fn setup() -> (KeyringSession, HttpFixture, TestAgent, Arc<AtomicBool>) {
    let keyring = KeyringSession::start();
    let second = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&second);
    let fixture = HttpFixture::start(move |request| {
        let models: &[&str] = if flag.load(Ordering::SeqCst) {
            &[MODEL, SECOND_MODEL]
        } else {
            &[MODEL]
        };
        ollama_answer(request, models)
    })
    .await;
    let ports = format!("ollama={}", fixture.addr().port());
    let agent = TestAgent::with_keyring_and_env(&keyring, &[("LLM_AGENT_DISCOVERY_PORTS", ports)]);
    (keyring, fixture, agent, second)
}

/// Reads lines of `stdout` until one contains `wanted`, and returns those lines.
async fn lines_until(lines: &mut Lines<BufReader<ChildStdout>>, wanted: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let read = async {
        while let Some(line) = lines.next_line().await.expect("read the console's stdout") {
            let found = line.contains(wanted);
            seen.push(line);
            if found {
                return true;
            }
        }
        false
    };
    let found = tokio::time::timeout(WAIT, read).await.unwrap_or(false);
    assert!(found, "no line with {wanted:?} in:\n{}", seen.join("\n"));
    seen
}

#[tokio::test]
async fn discover_shows_the_server_and_adopt_makes_it_a_profile() {
    let (_keyring, fixture, agent, _) = setup().await;
    let port = fixture.addr().port();
    let endpoint = fixture.url();

    let output = run(&agent, &["discover"], None).await;
    assert_exit(&output, 0);
    let stdout = text(&output.stdout);
    let mut lines = stdout.lines();
    let header = lines.next().unwrap_or_default();
    assert!(
        header.starts_with("KIND    ENDPOINT") && header.contains("MODELS"),
        "{stdout}"
    );
    let row = lines.next().unwrap_or_default();
    assert!(row.starts_with(&format!("ollama  {endpoint} ")), "{stdout}");
    assert!(row.contains(" 0.5.7 "), "{stdout}");
    assert!(row.contains(&format!(" 1: {MODEL} ")), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("2 addresses probed")
            && stdout.contains("\n\n1 server found in "),
        "{stdout}"
    );
    // Not a terminal: no spinner, and nothing else to say.
    assert_eq!(text(&output.stderr), "", "{output:?}");

    let sweep = json(&agent, &["discover", "--budget-ms", "2000"]).await;
    assert_eq!(sweep["trigger"], "manual");
    assert_eq!(sweep["budget_ms"], 2000);
    let findings = sweep["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{sweep}");
    assert_eq!(findings[0]["kind"], "ollama");
    assert_eq!(findings[0]["endpoint"], endpoint);
    assert_eq!(findings[0]["version"], "0.5.7");
    assert_eq!(findings[0]["models"][0]["id"], MODEL);
    assert_eq!(findings[0]["models"][0]["size_bytes"], 2019393189u64);

    let stdout = human(&agent, &["discover", "adopt", &endpoint, "ollama"]).await;
    let name = format!("Ollama on 127.0.0.1:{port}");
    assert!(
        stdout.starts_with(&format!("created {name:?}; it is the active profile\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("\nmodel     {MODEL}\n")),
        "{stdout}"
    );

    // The name is taken now: the next one is numbered.
    let adopted = json(&agent, &["discover", "adopt", &endpoint, "ollama"]).await;
    let profile = &adopted["profile"];
    assert_eq!(profile["name"], format!("{name} (2)"));
    assert_eq!(profile["provider"], "ollama");
    assert_eq!(profile["endpoint"], endpoint);
    assert_eq!(profile["model"], MODEL);
    assert_eq!(profile["active"], false);
}

#[tokio::test]
async fn a_refused_adoption_or_budget_says_what_to_change() {
    let (_keyring, _fixture, agent, _) = setup().await;

    // No sweep found a server there, and no model is named.
    let stderr = failed(
        &agent,
        &["discover", "adopt", "http://127.0.0.1:9", "ollama"],
        EXIT_FAILED,
    )
    .await;
    assert!(stderr.starts_with("error: VALIDATION_ERROR: "), "{stderr}");
    assert!(stderr.contains("\n  model: "), "{stderr}");

    let stderr = failed(
        &agent,
        &["discover", "adopt", "http://127.0.0.1:9", "skynet"],
        EXIT_FAILED,
    )
    .await;
    assert!(stderr.starts_with("error: INVALID_PARAMS: "), "{stderr}");
    assert!(stderr.contains("`kind` is the KIND argument"), "{stderr}");

    // The console refuses a budget the agent would refuse, without asking it.
    failed(&agent, &["discover", "--budget-ms", "20000"], EXIT_USAGE).await;
}

#[tokio::test]
async fn settings_are_shown_changed_and_kept() {
    let (_keyring, _fixture, agent, _) = setup().await;

    let status = json(&agent, &["discover", "status"]).await;
    assert_eq!(
        status["settings"],
        json!({"enabled": true, "interval_s": 300, "extra_endpoints": []})
    );
    assert_eq!(status["current_interval_s"], 300);

    let saved = json(
        &agent,
        &[
            "discover",
            "configure",
            "--disable",
            "--interval-s",
            "60",
            "--extra",
            "http://127.0.0.1:9/",
        ],
    )
    .await;
    assert_eq!(
        saved,
        json!({"enabled": false, "interval_s": 60, "extra_endpoints": ["http://127.0.0.1:9"]})
    );
    assert!(agent.data_dir.join("discovery.json").is_file());

    let stdout = human(&agent, &["discover", "status"]).await;
    assert!(
        stdout.starts_with(
            "scheduled sweeps  off (every 60 s when on; `discover` still sweeps on demand)\n\
             extra endpoints   http://127.0.0.1:9\n\
             next sweep        none scheduled\n\
             last sweep: "
        ),
        "{stdout}"
    );

    // What is not given stays.
    let saved = json(&agent, &["discover", "configure", "--no-extra"]).await;
    assert_eq!(
        saved,
        json!({"enabled": false, "interval_s": 60, "extra_endpoints": []})
    );

    failed(&agent, &["discover", "configure"], EXIT_USAGE).await;

    let stderr = failed(
        &agent,
        &["discover", "configure", "--extra", "ftp://x"],
        EXIT_FAILED,
    )
    .await;
    assert!(stderr.starts_with("error: VALIDATION_ERROR: "), "{stderr}");
    assert!(stderr.contains("\n  extra_endpoints[0]: "), "{stderr}");
    assert!(stderr.contains("`extra_endpoints` is --extra"), "{stderr}");
}

#[tokio::test]
async fn watch_shows_the_last_sweep_then_each_change_until_ctrl_c() {
    let (_keyring, _fixture, agent, second) = setup().await;
    assert_exit(&run(&agent, &["discover", "--json"], None).await, 0);

    let mut watch = console_command(&agent, &["discover", "--watch"])
        .spawn()
        .expect("run llm-console");
    let mut lines = BufReader::new(watch.stdout.take().expect("stdout")).lines();
    // The last sweep comes first; the subscription is live by then.
    let first = lines_until(&mut lines, &format!("  1: {MODEL}")).await;
    assert!(
        first
            .iter()
            .any(|line| line.contains(" sweep: 1 server found in ")),
        "{first:?}"
    );

    // The change is seen by this sweep, or by the first scheduled one if that comes
    // first; either way it is announced once.
    second.store(true, Ordering::SeqCst);
    human(&agent, &["discover"]).await;
    let changed = lines_until(&mut lines, &format!("  2: {MODEL}, {SECOND_MODEL}")).await;
    assert!(
        changed
            .iter()
            .any(|line| line.contains(" sweep: 1 server found in ")),
        "{changed:?}"
    );

    let pid = watch.id().expect("the console runs") as i32;
    let pid = rustix::process::Pid::from_raw(pid).expect("a pid");
    rustix::process::kill_process(pid, rustix::process::Signal::INT).expect("SIGINT");
    let status = tokio::time::timeout(WAIT, watch.wait())
        .await
        .expect("the console stopped in time")
        .expect("the console's exit status");
    assert_eq!(status.code(), Some(0), "Ctrl-C is how --watch ends");
}
