//! Diagnostics across restarts through the real binary: `diagnostics.query` finds
//! events of an earlier run in the journal on disk, filters by profile, operation,
//! result, kind and time, and pages with a cursor; `diagnostics.export` (and the
//! console's `diagnostics export FILE`) writes a support bundle in which no marker
//! secret, prompt, reply or key hint can be found.

// Unix only: the keyring daemon and the console run as Unix processes.
#![cfg(unix)]

use std::collections::BTreeSet;
use std::time::Duration;

use llm_agent_client::{CallOptions, Client};
use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::events::DiagnosticsKind;
use llm_agent_protocol::methods::agent::{Shutdown, Status};
use llm_agent_protocol::methods::diagnostics::{
    Export, ExportParams, Query, QueryParams, QueryResult,
};
use llm_agent_protocol::methods::profiles::{CreateParams, Get, IdParams, Test, TestParams};
use llm_agent_tests::dialects::ollama;
use llm_agent_tests::http_fixture::HttpFixture;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{create, local};
use llm_agent_tests::{TestAgent, console, no_params};

async fn query(client: &Client, params: QueryParams) -> QueryResult {
    client.call::<Query>(params).await.unwrap()
}

async fn status_as(client: &Client, correlation_id: &str) {
    client
        .call_with::<Status>(
            no_params(),
            CallOptions::default().correlation_id(correlation_id),
        )
        .await
        .unwrap();
}

/// Stops the agent gracefully (its journal flushed) and starts it again.
async fn restart(agent: &mut TestAgent, client: Client) -> Client {
    client.call::<Shutdown>(no_params()).await.unwrap();
    drop(client);
    agent.wait_exit(Duration::from_secs(15));
    agent.restart();
    agent.client().await
}

#[tokio::test]
async fn a_query_finds_earlier_runs_in_the_journal_with_every_filter() {
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let id = create(&client, local("Local")).await;
    for n in 0..3 {
        status_as(&client, &format!("before-restart-{n}")).await;
    }
    let client = restart(&mut agent, client).await;
    let restarted_at = client.call::<Status>(no_params()).await.unwrap().started_at;

    let found = query(
        &client,
        QueryParams {
            correlation_id: Some("before-restart-1".into()),
            ..QueryParams::default()
        },
    )
    .await;
    assert_eq!(found.events.len(), 1, "{found:?}");
    assert_eq!(found.events[0].method.as_deref(), Some("agent.status"));

    let about_profile = query(
        &client,
        QueryParams {
            profile_id: Some(id.clone()),
            method: Some("profiles.create".into()),
            result: Some("OK".into()),
            ..QueryParams::default()
        },
    )
    .await;
    assert_eq!(about_profile.matched, 1);
    let refused = client
        .call::<Get>(IdParams {
            id: "00000000-0000-4000-8000-000000000000".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        refused.wire_error().unwrap().code,
        ErrorCode::ProfileNotFound
    );
    let failed = query(
        &client,
        QueryParams {
            result: Some("PROFILE_NOT_FOUND".into()),
            ..QueryParams::default()
        },
    )
    .await;
    assert_eq!(failed.matched, 1);

    let starts = query(
        &client,
        QueryParams {
            kind: Some(DiagnosticsKind::AgentStarted),
            ..QueryParams::default()
        },
    )
    .await;
    assert_eq!(
        starts.matched, 2,
        "one per run, the earlier from the journal"
    );
    let this_run = query(
        &client,
        QueryParams {
            kind: Some(DiagnosticsKind::AgentStarted),
            since: Some(restarted_at.clone()),
            ..QueryParams::default()
        },
    )
    .await;
    assert_eq!(this_run.matched, 1);
    let earlier = query(
        &client,
        QueryParams {
            correlation_id: Some("before-restart-1".into()),
            until: Some(restarted_at),
            ..QueryParams::default()
        },
    )
    .await;
    assert_eq!(earlier.matched, 1);

    let bad = client
        .call::<Query>(QueryParams {
            since: Some("yesterday".into()),
            ..QueryParams::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad.wire_error().unwrap().code, ErrorCode::InvalidParams);
}

#[tokio::test]
async fn pages_cover_every_match_once_newest_page_first_across_a_restart() {
    let mut agent = TestAgent::start();
    let client = agent.client().await;
    for n in 0..12 {
        status_as(&client, &format!("page-{n:02}")).await;
    }
    let client = restart(&mut agent, client).await;
    for n in 12..25 {
        status_as(&client, &format!("page-{n:02}")).await;
    }
    let filter = QueryParams {
        method: Some("agent.status".into()),
        limit: Some(4),
        ..QueryParams::default()
    };
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let page = query(
            &client,
            QueryParams {
                cursor: cursor.clone(),
                ..filter.clone()
            },
        )
        .await;
        assert!(page.events.len() <= 4);
        let ids: Vec<String> = page
            .events
            .iter()
            .filter_map(|e| e.correlation_id.clone())
            .filter(|id| id.starts_with("page-"))
            .collect();
        pages.push(ids);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let seen: Vec<String> = pages.iter().rev().flatten().cloned().collect();
    let expected: Vec<String> = (0..25).map(|n| format!("page-{n:02}")).collect();
    assert_eq!(seen, expected, "every match once, in order");
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>().len(),
        25,
        "no page repeats another"
    );
}

#[tokio::test]
async fn a_support_bundle_holds_no_secret_prompt_reply_or_hint() {
    const KEY: &str = "sk-BUNDLE-MARKER-secret-ZQXJ";
    const HINT_MARKER: &str = "ZQXJ";
    const PROMPT: &str = "PROMPT-MARKER-b7c1 tell me a secret";
    const REPLY: &str = "REPLY-MARKER-e4d8";
    const NAME: &str = "NAME-MARKER-profile";
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let fixture = HttpFixture::start(|_| ollama::stream("llama3.2", &[REPLY], (3, 2))).await;
    let id = create(
        &client,
        CreateParams {
            api_key: Some(KEY.into()),
            ..llm_agent_tests::profiles::ollama(NAME, &fixture.url(), "llama3.2")
        },
    )
    .await;
    let outcome = client
        .call::<Test>(TestParams {
            id: id.clone(),
            prompt: Some(PROMPT.into()),
            timeout_ms: None,
        })
        .await
        .unwrap();
    assert!(outcome.success, "{outcome:?}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    let written = client
        .call::<Export>(ExportParams {
            path: path.display().to_string(),
            ..ExportParams::default()
        })
        .await
        .unwrap();
    assert_eq!(written.path, path.display().to_string());
    assert!(written.events > 0 && !written.truncated);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(written.bytes, bytes.len() as u64);
    let text = String::from_utf8(bytes).unwrap();
    for marker in [KEY, HINT_MARKER, PROMPT, "PROMPT-MARKER", REPLY, NAME] {
        assert!(!text.contains(marker), "{marker} found in the bundle");
    }
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(bundle["profiles"][0]["id"], id.as_str());
    assert_eq!(bundle["profiles"][0]["has_api_key"], true);
    assert_eq!(bundle["safe_storage"]["state"], "available");
    assert_eq!(bundle["audit"]["ok"], true);
    assert!(bundle["platform"]["os"].is_string());
    let events = bundle["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["kind"] == "prompt_test"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // An existing file is not replaced unless asked.
    let refused = client
        .call::<Export>(ExportParams {
            path: path.display().to_string(),
            ..ExportParams::default()
        })
        .await
        .unwrap_err();
    assert_eq!(refused.wire_error().unwrap().code, ErrorCode::InvalidParams);

    // The console names the file as the shell means it.
    let console_path = dir.path().join("from-console.json");
    let shown = console::human(
        &agent,
        &["diagnostics", "export", &console_path.display().to_string()],
    )
    .await;
    assert!(shown.contains("support bundle written to"), "{shown}");
    let text = std::fs::read_to_string(&console_path).unwrap();
    for marker in [KEY, HINT_MARKER, PROMPT, REPLY, NAME] {
        assert!(
            !text.contains(marker),
            "{marker} found in the console's bundle"
        );
    }
}
