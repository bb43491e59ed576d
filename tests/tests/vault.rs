//! The vault through the real binary, with a real gnome-keyring Secret Service in a
//! private D-Bus session: profile rules, atomic and durable writes, secrets never in
//! plaintext, and safe-storage outages.

// Unix only: one test stops the agent with SIGTERM.
#![cfg(unix)]

use llm_agent_client::{CallOptions, Client, ClientError};
use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::methods::agent::Status;
use llm_agent_protocol::methods::profiles::{
    Activate, Create, CreateParams, Delete, DeleteParams, FieldError, Get, IdParams, List,
    ListParams, ProfileMetadata, ProfilePatch, ResetSecrets,
};
use llm_agent_protocol::patch::Patch;
use llm_agent_protocol::safe_storage::SafeStorageState;
use llm_agent_protocol::value;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{
    CONSENT, create, local, move_to, remote, rename, replace_key, update,
};
use llm_agent_tests::{TestAgent, no_params};

fn code(err: &ClientError) -> ErrorCode {
    err.wire_error()
        .map(|e| e.code.clone())
        .unwrap_or_else(|| panic!("not a remote error: {err:?}"))
}

fn field_errors(err: &ClientError) -> Vec<FieldError> {
    let details = err
        .wire_error()
        .and_then(|e| e.details.clone())
        .expect("details");
    value::from_value(&details).expect("details are field errors")
}

/// A keyring of its own, an agent using it, and a connected client.
async fn vault_agent() -> (KeyringSession, TestAgent, Client) {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    (keyring, agent, client)
}

#[tokio::test]
async fn the_first_profile_becomes_active_and_responses_are_redacted() {
    let (_keyring, _agent, client) = vault_agent().await;
    let empty = client.call::<List>(ListParams::default()).await.unwrap();
    assert!(empty.profiles.is_empty());
    assert_eq!(empty.active_id, None);

    let first = client.call::<Create>(local("Local Llama")).await.unwrap();
    assert!(first.profile.active);
    assert_eq!(first.active_id.as_deref(), Some(first.profile.id.as_str()));
    let second = client
        .call::<Create>(remote("GPT", "sk-test-abcdefghijkl-a1b2"))
        .await
        .unwrap();
    assert!(!second.profile.active, "only the first becomes active");
    assert!(second.profile.has_api_key);
    assert_eq!(second.profile.api_key_hint.as_deref(), Some("...a1b2"));

    let list = client.call::<List>(ListParams::default()).await.unwrap();
    assert_eq!(list.profiles.len(), 2);
    assert_eq!(list.active_id, Some(first.profile.id.clone()));
    assert_eq!(list.safe_storage.state, SafeStorageState::Available);
    assert!(list.store.writable);
    let only_openai = client
        .call::<List>(ListParams {
            provider: Some("openai".into()),
            ..ListParams::default()
        })
        .await
        .unwrap();
    assert_eq!(only_openai.profiles.len(), 1);

    let got = client
        .call::<Get>(IdParams {
            id: second.profile.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(got, second.profile);
    let err = client
        .call::<Get>(IdParams {
            id: "not-an-id".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(code(&err), ErrorCode::ProfileNotFound);
}

#[tokio::test]
async fn create_reports_every_failing_field_at_once() {
    let (_keyring, _agent, client) = vault_agent().await;
    let err = client
        .call::<Create>(CreateParams {
            name: " ".into(),
            provider: "skynet".into(),
            endpoint: "ftp://nowhere".into(),
            model: String::new(),
            api_key: Some("has space".into()),
            consent_granted_at: Some("last tuesday".into()),
            metadata: None,
        })
        .await
        .unwrap_err();
    assert_eq!(code(&err), ErrorCode::ValidationError);
    let fields: Vec<String> = field_errors(&err).into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "name",
            "provider",
            "endpoint",
            "model",
            "consent_granted_at",
            "api_key"
        ]
    );
    assert!(
        client
            .call::<List>(ListParams::default())
            .await
            .unwrap()
            .profiles
            .is_empty()
    );
}

/// Endpoints with control characters were stored raw and listed byte for byte, while
/// the URL parser dropped a TAB or line break when calling them, so the TAB host
/// `127.0.\t0.1` was judged local and asked no consent. They are refused, and what is
/// stored and listed is the URL the agent calls.
#[tokio::test]
async fn endpoints_with_control_characters_are_refused_and_the_rest_are_kept_as_called() {
    let (_keyring, _agent, client) = vault_agent().await;
    for hostile in [
        "http://127.0.\t0.1:11434",
        "http://127.0.0.1:11434/v1\r\nX-Injected: 1",
        "http://127.0.0.1:11434/\u{0}",
        "http://127.0.0.1:11434/\u{1b}[2J\u{1b}[31mred",
    ] {
        let err = client
            .call::<Create>(CreateParams {
                endpoint: hostile.into(),
                ..local("Hostile")
            })
            .await
            .expect_err(hostile);
        assert_eq!(code(&err), ErrorCode::ValidationError, "{hostile:?}");
        let fields: Vec<String> = field_errors(&err).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["endpoint"], "{hostile:?}");
    }
    let created = client
        .call::<Create>(CreateParams {
            endpoint: " HTTP://LocalHost:11434/v1/ ".into(),
            ..local("Shown as called")
        })
        .await
        .unwrap();
    assert_eq!(created.profile.endpoint, "http://localhost:11434/v1");
    let list = client.call::<List>(ListParams::default()).await.unwrap();
    let endpoints: Vec<&str> = list.profiles.iter().map(|p| p.endpoint.as_str()).collect();
    assert_eq!(endpoints, ["http://localhost:11434/v1"]);
    let moved = update(
        &client,
        &created.profile.id,
        move_to("http://127.0.0.1:8080/"),
    )
    .await
    .unwrap();
    assert_eq!(moved.profile.endpoint, "http://127.0.0.1:8080");
    let err = update(
        &client,
        &created.profile.id,
        move_to("http://127.0.0.1:80\t80"),
    )
    .await
    .unwrap_err();
    assert_eq!(code(&err), ErrorCode::ValidationError);
}

#[tokio::test]
async fn names_consent_and_keys_follow_the_rules() {
    let (_keyring, _agent, client) = vault_agent().await;
    let id = create(&client, local("Local Llama")).await;

    let err = client
        .call::<Create>(local("local LLAMA"))
        .await
        .unwrap_err();
    assert_eq!(code(&err), ErrorCode::NameConflict);
    assert_eq!(
        err.wire_error().unwrap().details.as_ref().unwrap()["conflicting_id"].as_str(),
        Some(id.as_str())
    );

    let mut no_consent = remote("Remote", "sk-1");
    no_consent.consent_granted_at = None;
    let err = client.call::<Create>(no_consent).await.unwrap_err();
    assert_eq!(code(&err), ErrorCode::ConsentRequired);
    assert!(err.wire_error().unwrap().remediation.is_some());

    let mut lan = local("LAN box");
    lan.endpoint = "http://192.168.1.20:11434".into();
    let err = client.call::<Create>(lan).await.unwrap_err();
    assert_eq!(
        code(&err),
        ErrorCode::ConsentRequired,
        "only loopback counts as this machine"
    );

    let mut keyless = remote("Keyless", "x");
    keyless.api_key = None;
    let err = client.call::<Create>(keyless).await.unwrap_err();
    assert_eq!(field_errors(&err)[0].field, "api_key");
}

#[tokio::test]
async fn api_key_patches_keep_clear_and_replace() {
    let (_keyring, _agent, client) = vault_agent().await;
    let mut params = local("Local with key");
    params.api_key = Some("sk-local-0000-1111".into());
    let id = create(&client, params).await;

    let renamed = update(&client, &id, rename("Renamed")).await.unwrap();
    assert_eq!(renamed.profile.name, "Renamed");
    assert!(renamed.profile.has_api_key, "absent keeps the key");
    assert_eq!(renamed.profile.api_key_hint.as_deref(), Some("...1111"));

    let replaced = update(&client, &id, replace_key("sk-local-2222-3333"))
        .await
        .unwrap();
    assert_eq!(
        replaced.profile.api_key_hint.as_deref(),
        Some("...3333"),
        "a string replaces it"
    );

    let cleared = update(
        &client,
        &id,
        ProfilePatch {
            api_key: Patch::Clear,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(!cleared.profile.has_api_key, "nil clears it");
    assert_eq!(cleared.profile.api_key_hint, None);

    let err = update(
        &client,
        "3f5b1f0e-0000-4000-8000-000000000000",
        ProfilePatch::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(code(&err), ErrorCode::ProfileNotFound);
    let err = update(&client, &id, move_to("gopher://x"))
        .await
        .unwrap_err();
    assert_eq!(field_errors(&err)[0].field, "patch.endpoint");
}

#[tokio::test]
async fn moving_the_endpoint_to_another_host_drops_the_key_and_consent() {
    let (_keyring, _agent, client) = vault_agent().await;
    let mut params = remote("Compat", "sk-compat-key-9999");
    params.provider = "openai_compatible".into();
    params.endpoint = "https://llm.example.com/v1".into();
    let id = create(&client, params).await;

    // Same origin, another path: the key stays.
    let same = update(&client, &id, move_to("https://llm.example.com/api/v1"))
        .await
        .unwrap();
    assert!(same.profile.has_api_key && same.profile.consent_granted_at.is_some());
    assert!(same.warnings.is_empty());

    // Another host without new consent: refused, nothing changed.
    let err = update(&client, &id, move_to("https://evil.example.net/v1"))
        .await
        .unwrap_err();
    assert_eq!(code(&err), ErrorCode::ConsentRequired);
    let unchanged = client
        .call::<Get>(IdParams { id: id.clone() })
        .await
        .unwrap();
    assert!(unchanged.has_api_key);

    // Another host with fresh consent: allowed, the key is gone, and the learner is told.
    let moved = update(
        &client,
        &id,
        ProfilePatch {
            consent_granted_at: Patch::Set(CONSENT.into()),
            ..move_to("https://other.example.net/v1")
        },
    )
    .await
    .unwrap();
    assert!(
        !moved.profile.has_api_key,
        "a key is never sent to a host it was not given for"
    );
    assert_eq!(moved.warnings[0].code, "credentials_dropped");

    // The same move with a key supplied keeps that new key.
    let with_key = update(
        &client,
        &id,
        ProfilePatch {
            api_key: Patch::Set("sk-third-host-7777".into()),
            consent_granted_at: Patch::Set(CONSENT.into()),
            ..move_to("https://third.example.org")
        },
    )
    .await
    .unwrap();
    assert_eq!(with_key.profile.api_key_hint.as_deref(), Some("...7777"));
}

#[tokio::test]
async fn delete_needs_a_successor_for_the_active_profile() {
    let (_keyring, _agent, client) = vault_agent().await;
    let a = create(&client, local("A")).await;
    let b = create(&client, local("B")).await;
    let c = create(&client, local("C")).await;

    let delete = |id: &str, successor: Option<&str>| DeleteParams {
        id: id.into(),
        successor_id: successor.map(Into::into),
    };
    let err = client.call::<Delete>(delete(&a, None)).await.unwrap_err();
    assert_eq!(code(&err), ErrorCode::SuccessorRequired);
    let err = client
        .call::<Delete>(delete(&a, Some("7d1c7e8a-0000-4000-8000-000000000000")))
        .await
        .unwrap_err();
    assert_eq!(code(&err), ErrorCode::SuccessorNotFound);
    let err = client
        .call::<Delete>(delete(&a, Some(&a)))
        .await
        .unwrap_err();
    assert_eq!(
        code(&err),
        ErrorCode::SuccessorNotFound,
        "a profile cannot succeed itself"
    );

    let done = client.call::<Delete>(delete(&a, Some(&c))).await.unwrap();
    assert_eq!(
        done.active_id.as_deref(),
        Some(c.as_str()),
        "the successor is active in the same step"
    );
    let done = client.call::<Delete>(delete(&b, None)).await.unwrap();
    assert_eq!(
        done.active_id.as_deref(),
        Some(c.as_str()),
        "deleting another keeps the active one"
    );
    let done = client.call::<Delete>(delete(&c, None)).await.unwrap();
    assert_eq!(done.active_id, None, "deleting the last leaves none active");
    let list = client.call::<List>(ListParams::default()).await.unwrap();
    assert!(list.profiles.is_empty() && list.active_id.is_none());
}

#[tokio::test]
async fn activating_the_active_profile_changes_nothing_and_says_so() {
    let (_keyring, _agent, client) = vault_agent().await;
    let a = create(&client, local("A")).await;
    let b = create(&client, local("B")).await;
    let same = client
        .call::<Activate>(IdParams { id: a.clone() })
        .await
        .unwrap();
    assert!(!same.changed);
    assert_eq!(same.previous_active_id.as_deref(), Some(a.as_str()));
    let switched = client
        .call::<Activate>(IdParams { id: b.clone() })
        .await
        .unwrap();
    assert!(switched.changed);
    assert_eq!(switched.previous_active_id.as_deref(), Some(a.as_str()));
    assert_eq!(switched.active_id, b);
}

/// 1,000 activations from 16 clients at once. Each answer's `previous_active_id` must be
/// the profile the one before it activated: the answers chain into one line, so no
/// update was lost or interleaved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_activations_form_one_linear_chain() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let setup = agent.client().await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(create(&setup, local(&format!("P{i}"))).await);
    }
    let initial = ids[0].clone();
    let mut tasks = Vec::new();
    for client_no in 0..16u64 {
        let client = agent.client().await;
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            let mut edges = Vec::new();
            for i in 0..(1000 / 16 + u64::from(client_no < 1000 % 16)) {
                let target = &ids[((client_no * 7 + i * 13) % ids.len() as u64) as usize];
                let answer = client
                    .call::<Activate>(IdParams { id: target.clone() })
                    .await
                    .unwrap();
                assert_eq!(&answer.active_id, target);
                edges.push((
                    answer.previous_active_id.unwrap(),
                    answer.active_id,
                    answer.changed,
                ));
            }
            edges
        }));
    }
    let mut edges = Vec::new();
    for task in tasks {
        edges.extend(task.await.unwrap());
    }
    assert_eq!(edges.len(), 1000);
    // An unchanged answer is a loop on the active profile; a change is an edge
    // previous -> new. Serialized, the changes form one path from the initial profile
    // to the final one: every profile is left as often as it is entered, except the
    // ends. A lost update would leave some profile twice after entering it once.
    let mut balance = std::collections::HashMap::<String, i64>::new();
    for (previous, active, changed) in &edges {
        if *changed {
            assert_ne!(previous, active);
            *balance.entry(previous.clone()).or_default() += 1;
            *balance.entry(active.clone()).or_default() -= 1;
        } else {
            assert_eq!(previous, active);
        }
    }
    let final_active = setup
        .call::<List>(ListParams::default())
        .await
        .unwrap()
        .active_id
        .unwrap();
    for (id, net) in balance {
        let expected = i64::from(id == initial) - i64::from(id == final_active);
        assert_eq!(
            net, expected,
            "profile {id} left {net} more times than entered"
        );
    }
}

#[tokio::test]
async fn a_restart_keeps_everything() {
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    create(&client, local("Local")).await;
    let mut with_metadata = remote("Remote", "sk-restart-test-5555");
    with_metadata.metadata = Some(ProfileMetadata {
        labels: vec!["work".into()],
        notes: Some("lesson plans".into()),
        options: [("temperature".to_owned(), "0.2".to_owned())].into(),
    });
    let remote_id = create(&client, with_metadata).await;
    client
        .call::<Activate>(IdParams { id: remote_id })
        .await
        .unwrap();
    let before = client.call::<List>(ListParams::default()).await.unwrap();
    drop(client);

    agent.kill9();
    agent.restart();
    let client = agent.client().await;
    let after = client.call::<List>(ListParams::default()).await.unwrap();
    assert_eq!(after.profiles, before.profiles);
    assert_eq!(after.active_id, before.active_id);
    // The key still decrypts after the restart: a rename proves the vault can check it.
    let id = &after.profiles[1].id;
    let renamed = update(&client, id, rename("Remote 2")).await.unwrap();
    assert_eq!(renamed.profile.api_key_hint.as_deref(), Some("...5555"));
}

#[tokio::test]
async fn the_key_never_appears_in_plaintext_anywhere() {
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    let secret = "sk-live-0123456789-NEVER-SHOW-ME";
    let client = agent.client().await;
    let mut responses = Vec::new();
    let created = client
        .call::<Create>(remote("Remote", secret))
        .await
        .unwrap();
    responses.push(format!("{created:?}"));
    let id = created.profile.id.clone();
    let updated = update(&client, &id, replace_key(&format!("{secret}-2")))
        .await
        .unwrap();
    responses.push(format!("{updated:?}"));
    // A failing request that carries the key must not echo it either.
    let mut bad = remote("", secret);
    bad.endpoint = "nope".into();
    responses.push(format!(
        "{:?}",
        client.call::<Create>(bad).await.unwrap_err()
    ));
    responses.push(format!(
        "{:?}",
        client.call::<List>(ListParams::default()).await.unwrap()
    ));
    responses.push(format!(
        "{:?}",
        client.call::<Get>(IdParams { id }).await.unwrap()
    ));
    responses.push(format!(
        "{:?}",
        client.call::<Status>(no_params()).await.unwrap()
    ));
    drop(client);
    agent.signal(rustix::process::Signal::TERM);
    agent.wait_exit(std::time::Duration::from_secs(20));

    let file = std::fs::read_to_string(agent.data_dir.join("profiles.json")).unwrap();
    let journal: String = agent
        .journal_lines()
        .iter()
        .map(|l| l.to_string())
        .collect();
    for (place, text) in [
        ("profiles.json", file.as_str()),
        ("the log", agent.log_text().as_str()),
        ("diagnostics", journal.as_str()),
        ("responses", responses.join("\n").as_str()),
    ] {
        assert!(
            !text.contains("NEVER-SHOW-ME"),
            "the key leaked into {place}"
        );
    }
    assert!(file.contains("ciphertext"), "the key is stored, encrypted");
    assert!(
        !keyring.agent_entries().contains("NEVER-SHOW-ME"),
        "the keyring holds the data key, not API keys"
    );
}

#[tokio::test]
async fn during_a_keyring_outage_writes_are_refused_reads_work_and_writes_come_back() {
    let mut keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let id = create(&client, remote("Remote", "sk-outage-test-4444")).await;
    let other = create(&client, local("Local")).await;

    keyring.stop_daemon();
    for attempt in [
        client
            .call::<Create>(local("During outage"))
            .await
            .map(|_| ()),
        client
            .call::<Activate>(IdParams { id: other })
            .await
            .map(|_| ()),
        update(&client, &id, rename("Renamed")).await.map(|_| ()),
    ] {
        let err = attempt.unwrap_err();
        let wire = err.wire_error().unwrap();
        assert_eq!(wire.code, ErrorCode::SafeStorageUnavailable);
        assert!(wire.retryable);
        assert!(
            wire.remediation
                .as_deref()
                .unwrap_or_default()
                .contains("GNOME Keyring")
        );
    }
    let list = client.call::<List>(ListParams::default()).await.unwrap();
    assert_eq!(list.profiles.len(), 2, "reads keep working");
    assert_eq!(list.safe_storage.state, SafeStorageState::Unavailable);
    assert!(list.safe_storage.remediation.is_some());
    let events = client
        .call::<llm_agent_protocol::methods::diagnostics::Query>(
            llm_agent_protocol::methods::diagnostics::QueryParams {
                result: Some("SAFE_STORAGE_UNAVAILABLE".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(events.matched, 3);
    assert!(
        events
            .events
            .iter()
            .all(|e| e.safe_storage == Some(SafeStorageState::Unavailable))
    );

    keyring.start_daemon();
    client
        .call::<Create>(local("After outage"))
        .await
        .expect("writes work again without a restart");
    let renamed = update(&client, &id, rename("Renamed")).await.unwrap();
    assert_eq!(
        renamed.profile.api_key_hint.as_deref(),
        Some("...4444"),
        "nothing stored was lost"
    );
}

#[tokio::test]
async fn a_lost_data_key_is_reported_and_reset_explicitly() {
    let (keyring, mut agent, client) = vault_agent().await;
    let with_key = create(&client, remote("Remote", "sk-lost-key-3333")).await;
    let plain = create(&client, local("Local")).await;

    // The key is lost while no agent holds it in memory (cleared, then a restart).
    drop(client);
    agent.kill9();
    keyring.clear_agent_entries();
    agent.restart();
    let client = agent.client().await;
    let err = client
        .call::<Create>(remote("Another", "sk-new-1"))
        .await
        .unwrap_err();
    assert_eq!(
        code(&err),
        ErrorCode::SafeStorageKeyMissing,
        "no silent new key"
    );
    let list = client.call::<List>(ListParams::default()).await.unwrap();
    assert_eq!(list.safe_storage.state, SafeStorageState::KeyMissing);
    // Writes that involve no secret still work.
    client
        .call::<Activate>(IdParams {
            id: with_key.clone(),
        })
        .await
        .unwrap();
    update(&client, &plain, rename("Local 2")).await.unwrap();

    let reset = client.call::<ResetSecrets>(no_params()).await.unwrap();
    assert_eq!(reset.cleared_ids, std::slice::from_ref(&with_key));
    let profile = client
        .call::<Get>(IdParams {
            id: with_key.clone(),
        })
        .await
        .unwrap();
    assert!(!profile.has_api_key);
    assert_eq!(profile.name, "Remote", "everything else is kept");
    update(&client, &with_key, replace_key("sk-fresh-key-2222"))
        .await
        .expect("keys can be entered again");
    let list = client.call::<List>(ListParams::default()).await.unwrap();
    assert_eq!(list.safe_storage.state, SafeStorageState::Available);
    // A second reset finds nothing to drop.
    assert!(
        client
            .call::<ResetSecrets>(no_params())
            .await
            .unwrap()
            .cleared_ids
            .is_empty()
    );
}

#[tokio::test]
async fn a_corrupt_profile_file_is_kept_served_and_protected() {
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    agent.kill9();
    let file = agent.data_dir.join("profiles.json");
    let garbage = b"{\"schema\": 1, \"profiles\": [ {\"id\": tru";
    std::fs::write(&file, garbage).unwrap();
    agent.restart();
    let client = agent.client().await;
    let list = client.call::<List>(ListParams::default()).await.unwrap();
    assert!(list.profiles.is_empty());
    assert!(!list.store.writable);
    assert!(
        list.store
            .problem
            .as_deref()
            .unwrap()
            .contains("not valid JSON")
    );
    let err = client.call::<Create>(local("X")).await.unwrap_err();
    assert_eq!(code(&err), ErrorCode::StoreReadOnly);
    let status = client.call::<Status>(no_params()).await.unwrap();
    assert!(status.store.problem.is_some());
    let events = client
        .call::<llm_agent_protocol::methods::diagnostics::Query>(
            llm_agent_protocol::methods::diagnostics::QueryParams {
                result: Some("STORE_READ_ONLY".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        events
            .events
            .iter()
            .any(|e| e.kind == llm_agent_protocol::events::DiagnosticsKind::StoreReadOnly),
        "start-up says why in diagnostics"
    );
    assert_eq!(std::fs::read(&file).unwrap(), garbage, "never overwritten");
}

/// Each request's event says which profile it was about and, for `profiles.*` methods
/// only, safe storage's state at the time: not initialised before any key is stored,
/// available once one is, then unavailable once the keyring is gone.
#[tokio::test]
async fn profile_events_carry_the_profile_and_safe_storage_state() {
    let mut keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let event_of = async |client: &Client, correlation_id: &str| {
        let events = client
            .call::<llm_agent_protocol::methods::diagnostics::Query>(
                llm_agent_protocol::methods::diagnostics::QueryParams {
                    correlation_id: Some(correlation_id.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(events.events.len(), 1, "{correlation_id}");
        events.events[0].clone()
    };
    let with_id = |id: &str| CallOptions::default().correlation_id(id);

    let reply = client
        .call_with::<Create>(local("Local"), with_id("create-local"))
        .await
        .unwrap();
    let created = event_of(&client, "create-local").await;
    assert_eq!(
        created.profile_id.as_deref(),
        Some(reply.result.profile.id.as_str())
    );
    assert_eq!(created.safe_storage, Some(SafeStorageState::NotInitialized));
    let keyed = client
        .call_with::<Create>(remote("Remote", "sk-events-7777"), with_id("create-keyed"))
        .await
        .unwrap();
    let created = event_of(&client, "create-keyed").await;
    assert_eq!(
        created.profile_id.as_deref(),
        Some(keyed.result.profile.id.as_str())
    );
    assert_eq!(created.safe_storage, Some(SafeStorageState::Available));

    client
        .call_with::<Status>(no_params(), with_id("status"))
        .await
        .unwrap();
    let status = event_of(&client, "status").await;
    assert_eq!(
        (status.profile_id, status.safe_storage),
        (None, None),
        "not a profiles method"
    );

    keyring.stop_daemon();
    let err = client
        .call_with::<Create>(local("During outage"), with_id("create-outage"))
        .await
        .unwrap_err();
    assert_eq!(code(&err), ErrorCode::SafeStorageUnavailable);
    let refused = event_of(&client, "create-outage").await;
    assert_eq!(refused.safe_storage, Some(SafeStorageState::Unavailable));
    client
        .call_with::<List>(ListParams::default(), with_id("list-outage"))
        .await
        .unwrap();
    let listed = event_of(&client, "list-outage").await;
    assert_eq!(
        (listed.profile_id, listed.safe_storage),
        (None, Some(SafeStorageState::Unavailable))
    );
}

/// The disk refuses the write (here: a directory squats on profiles.json, which even
/// root cannot rename over). Every write of the batch fails and none is applied; reads
/// keep the last durable state; once the disk is fixed, writes work and nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_disk_write_fails_the_whole_batch_and_loses_nothing() {
    let (_keyring, agent, client) = vault_agent().await;
    let kept = create(&client, local("Kept")).await;
    let file = agent.data_dir.join("profiles.json");

    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    std::fs::write(file.join("squatter"), b"x").unwrap();
    let attempts = (0..16).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.call::<Create>(local(&format!("Lost {i}"))).await })
    });
    for attempt in attempts {
        let err = attempt.await.unwrap().unwrap_err();
        let wire = err.wire_error().unwrap();
        assert_eq!(wire.code, ErrorCode::StorageFailed);
        assert!(wire.retryable);
    }
    let list = client.call::<List>(ListParams::default()).await.unwrap();
    assert_eq!(list.profiles.len(), 1, "reads show the last durable state");

    std::fs::remove_dir_all(&file).unwrap();
    create(&client, local("After the fix")).await;
    let names: Vec<String> = client
        .call::<List>(ListParams::default())
        .await
        .unwrap()
        .profiles
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        names,
        ["Kept", "After the fix"],
        "no failed write came back"
    );
    assert!(std::fs::read_to_string(&file).unwrap().contains(&kept));
}

/// The data key vanishes from the keyring while the agent runs (a user tidying their
/// keyring): the agent still holds it, checks it against a stored ciphertext, and puts
/// it back. Nothing is lost and the learner never sees an error.
#[tokio::test]
async fn a_data_key_lost_while_running_is_put_back() {
    let (keyring, mut agent, client) = vault_agent().await;
    let id = create(&client, remote("Remote", "sk-put-back-6666")).await;
    keyring.clear_agent_entries();
    assert!(
        !keyring.agent_entries().contains("data-key"),
        "the entry is gone"
    );

    let renamed = update(&client, &id, rename("Renamed"))
        .await
        .expect("the write works");
    assert_eq!(renamed.profile.api_key_hint.as_deref(), Some("...6666"));
    assert!(
        keyring.agent_entries().contains("data-key"),
        "the key is back in the keyring"
    );

    // And it is the right key: after a restart, which starts from the keyring alone,
    // the stored API key still decrypts.
    drop(client);
    agent.kill9();
    agent.restart();
    let client = agent.client().await;
    update(&client, &id, rename("Again"))
        .await
        .expect("the key in the keyring opens the saved key");
    let list = client.call::<List>(ListParams::default()).await.unwrap();
    assert_eq!(list.safe_storage.state, SafeStorageState::Available);
    assert_eq!(list.profiles[0].api_key_hint.as_deref(), Some("...6666"));
}
