//! Durability under kill -9: a client streams creates and deletes while the agent is
//! killed at a random instant, again and again. After every restart the file parses,
//! every acknowledged create is there, every acknowledged delete is gone, and exactly
//! one profile is active.
//!
//! 50 rounds by default; set `LLM_AGENT_CRASH_ROUNDS` for more.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use llm_agent_client::Client;
use llm_agent_protocol::methods::profiles::{
    Create, CreateParams, Delete, DeleteParams, List, ListParams,
};
use llm_agent_tests::TestAgent;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::local;

const DEFAULT_ROUNDS: u32 = 50;

fn profile(name: String, with_key: bool) -> CreateParams {
    CreateParams {
        api_key: with_key.then(|| "sk-crash-test-key-0000".into()),
        ..local(&name)
    }
}

/// What one round's writer saw acknowledged, and what was in flight when it died.
#[derive(Default)]
struct Outcome {
    created: Vec<(String, String)>,
    deleted: Vec<String>,
    in_flight_delete: Option<String>,
}

/// Creates profiles, deleting each round's previous one, until the agent dies.
async fn write_until_killed(client: Client, round: u32) -> Outcome {
    let mut outcome = Outcome::default();
    let mut previous: Option<String> = None;
    for i in 0.. {
        let name = format!("r{round}-{i}");
        match client
            .call::<Create>(profile(name.clone(), i % 5 == 0))
            .await
        {
            Ok(created) => outcome.created.push((name, created.profile.id.clone())),
            Err(_) => return outcome,
        }
        if let Some(id) = previous.take() {
            outcome.in_flight_delete = Some(id.clone());
            match client
                .call::<Delete>(DeleteParams {
                    id: id.clone(),
                    successor_id: None,
                })
                .await
            {
                Ok(_) => {
                    outcome.in_flight_delete = None;
                    outcome.deleted.push(id);
                }
                Err(_) => return outcome,
            }
        }
        previous = outcome.created.last().map(|(_, id)| id.clone());
    }
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_at_any_instant() {
    let rounds = std::env::var("LLM_AGENT_CRASH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    // An anchor stays active throughout, so deletes never need a successor.
    let anchor = agent
        .client()
        .await
        .call::<Create>(profile("anchor".into(), false))
        .await
        .unwrap()
        .profile
        .id;

    let mut must_exist: BTreeMap<String, String> =
        BTreeMap::from([(anchor.clone(), "anchor".into())]);
    let mut must_be_gone = BTreeSet::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut acknowledged_total = 0;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = Duration::from_micros(1_000 + seed % 80_000);

        let writer = tokio::spawn(write_until_killed(agent.client().await, round));
        tokio::time::sleep(kill_after).await;
        agent.kill9();
        let outcome = writer.await.unwrap();
        acknowledged_total += outcome.created.len() + outcome.deleted.len();
        for (name, id) in outcome.created {
            must_exist.insert(id, name);
        }
        if let Some(id) = outcome.in_flight_delete {
            // Perhaps deleted, perhaps not: no claim either way.
            must_exist.remove(&id);
        }
        for id in outcome.deleted {
            must_exist.remove(&id);
            must_be_gone.insert(id);
        }

        agent.restart();
        let list = agent
            .client()
            .await
            .call::<List>(ListParams::default())
            .await
            .unwrap_or_else(|e| panic!("round {round}: list failed: {e:?}"));
        assert!(
            list.store.writable,
            "round {round}: the file no longer parses: {:?}",
            list.store.problem
        );
        let present: BTreeMap<&str, &str> = list
            .profiles
            .iter()
            .map(|p| (p.id.as_str(), p.name.as_str()))
            .collect();
        for (id, name) in &must_exist {
            assert_eq!(
                present.get(id.as_str()),
                Some(&name.as_str()),
                "round {round}: acknowledged create of {name} lost"
            );
        }
        for id in &must_be_gone {
            assert!(
                !present.contains_key(id.as_str()),
                "round {round}: acknowledged delete of {id} undone"
            );
        }
        assert_eq!(
            list.active_id.as_deref(),
            Some(anchor.as_str()),
            "round {round}: the active profile changed"
        );
        assert_eq!(list.profiles.iter().filter(|p| p.active).count(), 1);
    }
    eprintln!(
        "{rounds} kill -9 rounds, {acknowledged_total} acknowledged writes, all present after every restart"
    );
}
