//! State events and the audit ledger as the tests follow them: the next event of a
//! topic (with a deadline), and the ledger's file and its lines.

use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt;
use llm_agent_client::{Subscription, SubscriptionEvent, SubscriptionItem};

use crate::TestAgent;

/// How long a test waits for an event it expects.
pub const EVENT_WAIT: Duration = Duration::from_secs(15);

/// The next event of `subscription`, within [`EVENT_WAIT`]; fails the test on a lag,
/// a disconnect or the deadline.
pub async fn next_event(subscription: &mut Subscription) -> SubscriptionEvent {
    match tokio::time::timeout(EVENT_WAIT, subscription.next()).await {
        Ok(Some(SubscriptionItem::Event(event))) => event,
        Ok(other) => panic!("expected an event, got {other:?}"),
        Err(_) => panic!("no event within {EVENT_WAIT:?}"),
    }
}

/// The next event of `topic`, skipping those of other topics.
pub async fn next_of(subscription: &mut Subscription, topic: &str) -> SubscriptionEvent {
    loop {
        let event = next_event(subscription).await;
        if event.topic == topic {
            return event;
        }
    }
}

/// Whether `subscription` stays silent on `topic` for `quiet`.
pub async fn silent_on(subscription: &mut Subscription, topic: &str, quiet: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + quiet;
    loop {
        match tokio::time::timeout_at(deadline, subscription.next()).await {
            Err(_) => return true,
            Ok(Some(SubscriptionItem::Event(event))) if event.topic != topic => continue,
            Ok(_) => return false,
        }
    }
}

/// The audit ledger of `agent`.
pub fn ledger_path(agent: &TestAgent) -> PathBuf {
    agent.data_dir.join("audit").join("ledger.jsonl")
}

/// The ledger's lines as they are on disk.
pub fn ledger_lines(agent: &TestAgent) -> Vec<String> {
    std::fs::read_to_string(ledger_path(agent))
        .expect("the audit ledger")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Replaces the ledger's lines, as someone editing the file would.
pub fn write_ledger_lines(agent: &TestAgent, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(ledger_path(agent), text).expect("write the audit ledger");
}
