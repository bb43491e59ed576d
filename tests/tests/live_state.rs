//! State events through the real binary: a console edit reaches a subscribed client, a
//! keyring stopped and started again is told twice, a client resuming from a revision
//! gets what it missed (or a resync when that is gone), a hand-edited `profiles.json`
//! voids the key and consent it moved, and withdrawn consent keeps the profile but
//! refuses its calls until consent is given again.

// Unix only: the console and the keyring daemon run as Unix processes.
#![cfg(unix)]

use std::time::Duration;

use llm_agent_client::{CallOptions, Client};
use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::events::{
    ProfileChange, ProfileEvent, RESYNC_TOPIC, Resync, RolesEvent, SafeStorageEvent, Topic,
};
use llm_agent_protocol::methods::audit::{AuditKind, Query as AuditQuery, QueryParams};
use llm_agent_protocol::methods::profiles::{
    Activate, CreateParams, Get, IdParams, List, ListParams, ProfilePatch, Test, TestParams,
};
use llm_agent_protocol::patch::Patch;
use llm_agent_protocol::safe_storage::SafeStorageState;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::live::{next_event, next_of, silent_on};
use llm_agent_tests::profiles::{CONSENT, create, local, remote, rename, update};
use llm_agent_tests::{TestAgent, console};

async fn vault_agent() -> (KeyringSession, TestAgent, Client) {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    (keyring, agent, client)
}

async fn list(client: &Client) -> llm_agent_protocol::methods::profiles::ListResult {
    client.call::<List>(ListParams::default()).await.unwrap()
}

/// Waits until the agent has checked safe storage once since it started.
async fn safe_storage_known(client: &Client) {
    for _ in 0..500 {
        if list(client).await.safe_storage.state != SafeStorageState::Unknown {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("safe storage was never checked");
}

#[tokio::test]
async fn a_console_edit_reaches_a_subscribed_client_as_a_profiles_event() {
    let (_keyring, agent, client) = vault_agent().await;
    let id = create(&client, local("Local Llama")).await;
    let mut events = client.subscribe([Topic::Profiles]).await.unwrap();
    let subscribed_at = events.revision().expect("a state topic has a revision");

    console::human(&agent, &["profiles", "update", &id, "--name", "Renamed"]).await;
    let event: ProfileEvent = next_of(&mut events, "profiles").await.data_as().unwrap();
    assert_eq!(event.change, ProfileChange::Updated);
    assert_eq!(event.profile_id, id);
    assert_eq!(event.profile.unwrap().name, "Renamed");
    assert!(!event.active_changed);
    assert!(event.revision > subscribed_at);
    // What a read reports includes the change it announced.
    assert!(list(&client).await.revision >= event.revision);
}

#[tokio::test]
async fn creating_activating_and_deleting_tell_the_profiles_and_roles_topics() {
    let (_keyring, _agent, client) = vault_agent().await;
    let mut events = client
        .subscribe([Topic::Profiles, Topic::Roles])
        .await
        .unwrap();
    let first = create(&client, local("First")).await;
    let created: ProfileEvent = next_of(&mut events, "profiles").await.data_as().unwrap();
    assert_eq!(created.change, ProfileChange::Created);
    assert!(created.active_changed && created.previous_active_id.is_none());
    let roles: RolesEvent = next_of(&mut events, "roles").await.data_as().unwrap();
    assert_eq!(roles.roles[0].profile_id.as_deref(), Some(first.as_str()));
    assert_eq!(roles.revision, created.revision + 1);

    let second = create(&client, local("Second")).await;
    let created: ProfileEvent = next_of(&mut events, "profiles").await.data_as().unwrap();
    assert!(!created.active_changed, "only the first becomes active");
    client
        .call::<Activate>(IdParams { id: second.clone() })
        .await
        .unwrap();
    let activated: ProfileEvent = next_of(&mut events, "profiles").await.data_as().unwrap();
    assert_eq!(activated.change, ProfileChange::Activated);
    assert_eq!(
        activated.previous_active_id.as_deref(),
        Some(first.as_str())
    );
    let roles: RolesEvent = next_of(&mut events, "roles").await.data_as().unwrap();
    assert_eq!(roles.roles[0].profile_id.as_deref(), Some(second.as_str()));
}

#[tokio::test]
async fn a_keyring_stopped_and_started_again_is_told_twice() {
    let (mut keyring, _agent, client) = vault_agent().await;
    let id = create(&client, remote("Remote", "sk-live-abcdefgh1234")).await;
    safe_storage_known(&client).await;
    assert_eq!(
        list(&client).await.safe_storage.state,
        SafeStorageState::Available
    );
    let mut events = client.subscribe([Topic::SafeStorage]).await.unwrap();

    keyring.stop_daemon();
    let refused = update(&client, &id, rename("during the outage")).await;
    assert!(refused.is_err());
    let down: SafeStorageEvent = next_of(&mut events, "safe_storage")
        .await
        .data_as()
        .unwrap();
    assert_eq!(down.status.state, SafeStorageState::Unavailable);
    assert_eq!(down.previous, SafeStorageState::Available);
    assert!(down.status.reason.is_some() && down.status.remediation.is_some());

    keyring.start_daemon();
    let mut renamed = false;
    for _ in 0..100 {
        if update(&client, &id, rename("after the outage"))
            .await
            .is_ok()
        {
            renamed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(renamed, "writes came back with the keyring");
    let up: SafeStorageEvent = next_of(&mut events, "safe_storage")
        .await
        .data_as()
        .unwrap();
    assert_eq!(up.status.state, SafeStorageState::Available);
    assert_eq!(up.previous, SafeStorageState::Unavailable);
    assert!(up.revision > down.revision);
    assert!(
        silent_on(&mut events, "safe_storage", Duration::from_millis(500)).await,
        "two changes, two events"
    );
}

#[tokio::test]
async fn a_client_resuming_gets_what_it_missed_or_a_resync() {
    let (_keyring, mut agent, client) = vault_agent().await;
    let id = create(&client, local("Local")).await;
    let seen = list(&client).await.revision;
    for name in ["one", "two", "three"] {
        update(&client, &id, rename(name)).await.unwrap();
    }

    // Reconnected: the three renames, in order, then whatever comes next.
    let again = agent.client().await;
    let mut resumed = again
        .subscribe_since([Topic::Profiles], Some(seen))
        .await
        .unwrap();
    let mut last = seen;
    for name in ["one", "two", "three"] {
        let event: ProfileEvent = next_of(&mut resumed, "profiles").await.data_as().unwrap();
        assert_eq!(event.profile.unwrap().name, name);
        assert!(event.revision > last);
        last = event.revision;
    }
    update(&client, &id, rename("four")).await.unwrap();
    let live: ProfileEvent = next_of(&mut resumed, "profiles").await.data_as().unwrap();
    assert_eq!(live.profile.unwrap().name, "four");

    // Up to date: nothing to catch up on.
    let mut current = again
        .subscribe_since([Topic::Profiles], Some(live.revision))
        .await
        .unwrap();
    assert!(silent_on(&mut current, "profiles", Duration::from_millis(300)).await);

    // Too old: more changes since than the agent holds.
    let second = create(&client, local("Other")).await;
    for round in 0..600 {
        let target = if round % 2 == 0 { &second } else { &id };
        client
            .call::<Activate>(IdParams { id: target.clone() })
            .await
            .unwrap();
    }
    let mut stale = again
        .subscribe_since([Topic::Profiles], Some(seen))
        .await
        .unwrap();
    let first = next_event(&mut stale).await;
    assert_eq!(first.topic, RESYNC_TOPIC);
    let resync: Resync = first.data_as().unwrap();
    assert_eq!(Some(resync.revision), stale.revision());

    // A revision of the run before a restart: this agent cannot say what changed.
    let before_restart = list(&client).await.revision;
    drop((client, again));
    agent.kill9();
    agent.restart();
    let client = agent.client().await;
    assert!(
        list(&client).await.revision > before_restart,
        "revisions are never reused"
    );
    let mut across = client
        .subscribe_since([Topic::Profiles], Some(before_restart))
        .await
        .unwrap();
    assert_eq!(next_event(&mut across).await.topic, RESYNC_TOPIC);
}

#[tokio::test]
async fn a_hand_edited_endpoint_voids_the_key_and_the_consent() {
    let (keyring, mut agent, client) = vault_agent().await;
    let id = create(&client, remote("Work GPT", "sk-live-handedit-9876")).await;
    drop(client);
    agent.kill9();
    let path = agent.data_dir.join("profiles.json");
    let mut file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    file["profiles"][0]["endpoint"] = "https://collector.example.net/v1".into();
    std::fs::write(&path, serde_json::to_vec_pretty(&file).unwrap()).unwrap();

    agent.restart();
    let client = agent.client().await;
    let profile = client
        .call::<Get>(IdParams { id: id.clone() })
        .await
        .unwrap();
    assert_eq!(profile.endpoint, "https://collector.example.net/v1");
    assert!(!profile.has_api_key && profile.api_key_hint.is_none());
    assert!(profile.consent_granted_at.is_none());
    let tested = client
        .call::<Test>(TestParams {
            id: id.clone(),
            prompt: None,
            timeout_ms: Some(2_000),
        })
        .await
        .unwrap_err();
    assert_eq!(
        tested.wire_error().unwrap().code,
        ErrorCode::ConsentRequired
    );

    // The vault writes the voiding (and records it) right after it starts.
    let mut entries = Vec::new();
    for _ in 0..200 {
        entries = client
            .call::<AuditQuery>(QueryParams {
                kind: Some(AuditKind::CredentialsVoided),
                ..QueryParams::default()
            })
            .await
            .unwrap()
            .entries;
        if !entries.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(entries.len(), 1);
    let voided = &entries[0];
    assert_eq!(voided.profile_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        voided.previous_origin.as_deref(),
        Some("https://api.openai.com:443")
    );
    assert_eq!(
        voided.origin.as_deref(),
        Some("https://collector.example.net:443")
    );
    assert_eq!(
        (voided.key_dropped, voided.consent_dropped),
        (Some(true), Some(true))
    );
    // The voiding is on disk, and the data key is untouched.
    let mut on_disk = String::new();
    for _ in 0..200 {
        on_disk = std::fs::read_to_string(&path).unwrap();
        if !on_disk.contains("ciphertext") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!on_disk.contains("ciphertext"), "{on_disk}");
    assert!(keyring.agent_entries().contains("data-key"));
}

#[tokio::test]
async fn withdrawing_consent_keeps_the_profile_and_refuses_its_calls_until_given_again() {
    let (_keyring, _agent, client) = vault_agent().await;
    // A host that resolves nowhere: nothing leaves this machine, whatever the test does.
    let id = create(
        &client,
        CreateParams {
            provider: "openai_compatible".into(),
            endpoint: "https://llm.invalid/v1".into(),
            model: "m".into(),
            ..remote("Remote", "sk-live-withdraw-4321")
        },
    )
    .await;
    let withdraw = ProfilePatch {
        consent_granted_at: Patch::Clear,
        ..Default::default()
    };
    let withdrawn = update(&client, &id, withdraw).await.unwrap().profile;
    assert!(withdrawn.has_api_key, "the key stays");
    assert!(withdrawn.consent_granted_at.is_none());
    assert!(withdrawn.consent_withdrawn_at.is_some());
    let shown = console::human(&_agent, &["profiles", "get", &id]).await;
    assert!(shown.contains("withdrawn"), "{shown}");
    // Still editable.
    update(&client, &id, rename("Remote, paused"))
        .await
        .unwrap();

    let test = || TestParams {
        id: id.clone(),
        prompt: None,
        timeout_ms: Some(3_000),
    };
    let refused = client.call::<Test>(test()).await.unwrap_err();
    let wire = refused.wire_error().unwrap();
    assert_eq!(wire.code, ErrorCode::ConsentRequired);
    assert!(wire.remediation.as_deref().unwrap().contains("Agree again"));

    let give = ProfilePatch {
        consent_granted_at: Patch::Set(CONSENT.into()),
        ..Default::default()
    };
    let given = update(&client, &id, give).await.unwrap().profile;
    assert!(given.consent_granted_at.is_some() && given.consent_withdrawn_at.is_none());
    // Allowed again: it runs (and fails to reach the host, which is another matter).
    let outcome = client
        .call_with::<Test>(
            test(),
            CallOptions::default().timeout(Duration::from_secs(20)),
        )
        .await
        .expect("the test runs")
        .result;
    assert!(!outcome.success);

    let kinds: Vec<AuditKind> = client
        .call::<AuditQuery>(QueryParams {
            profile_id: Some(id.clone()),
            ..QueryParams::default()
        })
        .await
        .unwrap()
        .entries
        .iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            AuditKind::ProfileCreated,
            AuditKind::ApiKeySet,
            AuditKind::ConsentGiven,
            AuditKind::ProfileActivated,
            AuditKind::ConsentWithdrawn,
            AuditKind::ConsentGiven,
        ]
    );
}
