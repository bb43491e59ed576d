//! The audit ledger through the real binary: every action it records leaves one entry
//! (never a key, a hint or a prompt), removing or editing a line makes `audit.verify`
//! fail and say where, and compaction keeps the latest consent of every profile.

// Unix only: the keyring daemon runs as a Unix process.
#![cfg(unix)]

use llm_agent_client::Client;
use llm_agent_protocol::methods::NoParams;
use llm_agent_protocol::methods::audit::{
    AuditEntry, AuditKind, Query, QueryParams, Verify, VerifyResult,
};
use llm_agent_protocol::methods::profiles::{
    Activate, CreateParams, Delete, DeleteParams, IdParams, ProfilePatch, ResetSecrets,
};
use llm_agent_protocol::patch::Patch;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::live::{ledger_lines, write_ledger_lines};
use llm_agent_tests::profiles::{CONSENT, create, local, move_to, remote, replace_key, update};
use llm_agent_tests::{TestAgent, no_params};

const KEY: &str = "sk-AUDIT-MARKER-key-QZXW";

async fn entries(client: &Client, params: QueryParams) -> Vec<AuditEntry> {
    client.call::<Query>(params).await.unwrap().entries
}

async fn all_entries(client: &Client) -> Vec<AuditEntry> {
    entries(
        client,
        QueryParams {
            limit: Some(1000),
            ..QueryParams::default()
        },
    )
    .await
}

async fn verify(client: &Client) -> VerifyResult {
    client.call::<Verify>(NoParams {}).await.unwrap()
}

fn consent(set: bool) -> ProfilePatch {
    ProfilePatch {
        consent_granted_at: if set {
            Patch::Set(CONSENT.into())
        } else {
            Patch::Clear
        },
        ..Default::default()
    }
}

#[tokio::test]
async fn every_recorded_action_leaves_one_entry_and_no_secret() {
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    use AuditKind as K;

    // A provider that can do without a key, so the key can be cleared.
    let gpt = create(
        &client,
        CreateParams {
            provider: "openai_compatible".into(),
            ..remote("GPT", KEY)
        },
    )
    .await;
    let local_id = create(&client, local("Local")).await;
    update(&client, &gpt, replace_key("sk-replaced-key-KMPV"))
        .await
        .unwrap();
    let clear = ProfilePatch {
        api_key: Patch::Clear,
        ..Default::default()
    };
    update(&client, &gpt, clear).await.unwrap();
    update(&client, &gpt, replace_key("sk-third-key-RTYU"))
        .await
        .unwrap();
    update(&client, &gpt, consent(false)).await.unwrap();
    update(&client, &gpt, consent(true)).await.unwrap();
    let mut moved = move_to("https://api.example.org/v1");
    moved.consent_granted_at = Patch::Set(CONSENT.into());
    update(&client, &gpt, moved).await.unwrap();
    client
        .call::<Activate>(IdParams {
            id: local_id.clone(),
        })
        .await
        .unwrap();
    // A rename is not the ledger's business.
    update(
        &client,
        &local_id,
        llm_agent_tests::profiles::rename("Local 2"),
    )
    .await
    .unwrap();
    let keyed = create(&client, remote("Keyed", "sk-keyed-key-WXYZ")).await;

    // A data key lost while no agent held it, then reset.
    drop(client);
    agent.kill9();
    keyring.clear_agent_entries();
    agent.restart();
    let client = agent.client().await;
    client.call::<ResetSecrets>(no_params()).await.unwrap();
    client
        .call::<Delete>(DeleteParams {
            id: gpt.clone(),
            successor_id: None,
        })
        .await
        .unwrap();

    let entries = all_entries(&client).await;
    let kinds: Vec<(K, Option<&str>)> = entries
        .iter()
        .map(|e| (e.kind, e.profile_id.as_deref()))
        .collect();
    let (g, l, k) = (
        Some(gpt.as_str()),
        Some(local_id.as_str()),
        Some(keyed.as_str()),
    );
    assert_eq!(
        kinds,
        [
            (K::ProfileCreated, g),
            (K::ApiKeySet, g),
            (K::ConsentGiven, g),
            (K::ProfileActivated, g),
            (K::ProfileCreated, l),
            (K::ApiKeyReplaced, g),
            (K::ApiKeyCleared, g),
            (K::ApiKeySet, g),
            (K::ConsentWithdrawn, g),
            (K::ConsentGiven, g),
            (K::EndpointMoved, g),
            (K::ConsentGiven, g),
            (K::ProfileActivated, l),
            (K::ProfileCreated, k),
            (K::ApiKeySet, k),
            (K::ConsentGiven, k),
            (K::DataKeyReset, None),
            (K::ProfileDeleted, g),
        ]
    );
    let moved = &entries[10];
    assert_eq!(
        moved.previous_origin.as_deref(),
        Some("https://api.openai.com:443")
    );
    assert_eq!(moved.origin.as_deref(), Some("https://api.example.org:443"));
    assert_eq!(
        (moved.key_dropped, moved.consent_dropped),
        (Some(true), Some(true))
    );
    assert_eq!(
        entries[2].origin.as_deref(),
        Some("https://api.openai.com:443")
    );
    assert_eq!(entries[12].previous_profile_id.as_deref(), g);
    assert_eq!(
        entries[16].count,
        Some(1),
        "the one key left (the move dropped the other)"
    );
    let seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=18).collect::<Vec<u64>>());

    let ledger = ledger_lines(&agent).join("\n");
    // The hints: letters no hash, id or time is written with.
    for secret in [KEY, "QZXW", "KMPV", "RTYU", "WXYZ"] {
        assert!(!ledger.contains(secret), "{secret} in the ledger");
    }
    assert!(verify(&client).await.ok);
    // Pages go backwards.
    let page = client
        .call::<Query>(QueryParams {
            limit: Some(5),
            ..QueryParams::default()
        })
        .await
        .unwrap();
    assert_eq!(page.entries.first().map(|e| e.seq), Some(14));
    assert_eq!((page.matched, page.next_cursor), (18, Some(14)));
}

#[tokio::test]
async fn removing_or_editing_a_line_makes_verify_fail_and_say_where() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let a = create(&client, local("A")).await;
    let b = create(&client, local("B")).await;
    for id in [&b, &a, &b] {
        client
            .call::<Activate>(IdParams { id: id.clone() })
            .await
            .unwrap();
    }
    let verified = verify(&client).await;
    assert!(verified.ok, "{verified:?}");
    assert_eq!((verified.entries, verified.head_seq), (6, Some(6)));
    let lines = ledger_lines(&agent);

    let mut edited = lines.clone();
    edited[2] = edited[2].replacen("\"ts\":\"2", "\"ts\":\"1", 1);
    assert_ne!(edited[2], lines[2]);
    write_ledger_lines(&agent, &edited);
    let problem = verify(&client).await.problem.unwrap();
    assert_eq!(
        (problem.line, problem.seq, problem.code.as_str()),
        (3, Some(3), "hash_mismatch")
    );
    assert!(problem.message.contains("line 3"), "{}", problem.message);

    let mut removed = lines.clone();
    removed.remove(3);
    write_ledger_lines(&agent, &removed);
    let problem = verify(&client).await.problem.unwrap();
    assert_eq!(
        (problem.line, problem.seq, problem.code.as_str()),
        (4, Some(5), "broken_chain")
    );

    let mut cut = lines.clone();
    cut.pop();
    write_ledger_lines(&agent, &cut);
    let problem = verify(&client).await.problem.unwrap();
    assert_eq!((problem.line, problem.code.as_str()), (6, "missing_end"));
    assert!(
        problem.message.contains("profiles.json"),
        "{}",
        problem.message
    );

    write_ledger_lines(&agent, &lines);
    assert!(verify(&client).await.ok);
}

#[tokio::test]
async fn compaction_bounds_the_ledger_and_keeps_the_latest_consent_of_every_profile() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring_and_env(
        &keyring,
        &[("LLM_AGENT_AUDIT_MAX_ENTRIES", "24".to_owned())],
    );
    let client = agent.client().await;
    let kept = create(&client, remote("Kept", "sk-kept-key-2b2b")).await;
    update(&client, &kept, consent(false)).await.unwrap();
    update(&client, &kept, consent(true)).await.unwrap();
    let latest_consent = all_entries(&client).await.last().unwrap().seq;
    let gone = create(&client, remote("Gone", "sk-gone-key-3c3c")).await;
    client
        .call::<Delete>(DeleteParams {
            id: gone.clone(),
            successor_id: None,
        })
        .await
        .unwrap();
    let a = create(&client, local("A")).await;
    for round in 0..40 {
        let id = if round % 2 == 0 { &a } else { &kept };
        client
            .call::<Activate>(IdParams { id: id.clone() })
            .await
            .unwrap();
    }

    let lines = ledger_lines(&agent);
    assert!(lines.len() <= 25, "bounded: {} lines", lines.len());
    let entries = all_entries(&client).await;
    assert_eq!(entries[0].kind, AuditKind::Compacted);
    let consents: Vec<(u64, Option<&str>)> = entries
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                AuditKind::ConsentGiven | AuditKind::ConsentWithdrawn
            )
        })
        .map(|e| (e.seq, e.profile_id.as_deref()))
        .collect();
    assert_eq!(
        consents,
        [(latest_consent, Some(kept.as_str()))],
        "the latest consent of the profile that exists, and no other"
    );
    let verified = verify(&client).await;
    assert!(verified.ok, "{verified:?}");

    // The kept entry is protected like any other line.
    let mut without = lines.clone();
    without.remove(1);
    write_ledger_lines(&agent, &without);
    let problem = verify(&client).await.problem.unwrap();
    assert_eq!(
        (problem.line, problem.code.as_str()),
        (2, "kept_entry_missing")
    );
    write_ledger_lines(&agent, &lines);
}
