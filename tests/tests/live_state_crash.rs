//! State events are published only once the change is on disk: a subscriber kills the
//! agent with kill -9 the moment a `profiles` event arrives, before the writer may even
//! have had its answer, and after every restart the announced change is there.
//!
//! 20 rounds by default; `LLM_AGENT_CRASH_ROUNDS` sets more (as for `crash.rs`).

// Unix only: the keyring daemon runs as a Unix process.
#![cfg(unix)]

use llm_agent_protocol::events::{ProfileChange, ProfileEvent, Topic};
use llm_agent_protocol::methods::profiles::{Create, Get, IdParams, List, ListParams};
use llm_agent_tests::TestAgent;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::live::next_of;
use llm_agent_tests::profiles::local;

const DEFAULT_ROUNDS: u32 = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announced_change_survives_kill_9_right_after_its_event() {
    let rounds = std::env::var("LLM_AGENT_CRASH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    let mut announced = Vec::new();
    for round in 0..rounds {
        let watcher = agent.client().await;
        let mut events = watcher.subscribe([Topic::Profiles]).await.unwrap();
        let writer = agent.client().await;
        // The writer does not wait for its answer before the event: it may never get one.
        let create = tokio::spawn(async move {
            let _ = writer
                .call::<Create>(local(&format!("round {round}")))
                .await;
        });
        let event: ProfileEvent = next_of(&mut events, "profiles").await.data_as().unwrap();
        agent.kill9();
        let _ = create.await;
        assert_eq!(event.change, ProfileChange::Created);
        announced.push(event.profile_id);

        agent.restart();
        let client = agent.client().await;
        for id in &announced {
            let found = client.call::<Get>(IdParams { id: id.clone() }).await;
            assert!(
                found.is_ok(),
                "round {round}: announced profile {id} lost: {found:?}"
            );
        }
        let list = client.call::<List>(ListParams::default()).await.unwrap();
        assert!(
            list.store.writable,
            "round {round}: {:?}",
            list.store.problem
        );
    }
    eprintln!("{rounds} kill -9 rounds right after an event; every announced change survived");
}
