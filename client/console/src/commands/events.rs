//! `events`: a live tail of the agent's events until Ctrl-C; `follow` is the loop that
//! `discover --watch` follows its sweeps with too. `render` gives diagnostics events the
//! columns of `diagnostics` and shows any other event as JSON.

pub mod render;

use futures_util::StreamExt;
use llm_agent_client::protocol::events::{DiagnosticsEvent, Topic};
use llm_agent_client::{ClientError, Subscription, SubscriptionEvent, SubscriptionItem};
use serde_json::json;

use crate::failure::Failure;
use crate::json::to_json;
use crate::output::Output;
use crate::session::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A topic to follow; repeat the option for several
    #[arg(
        long = "topic",
        value_name = "TOPIC",
        default_value = "diagnostics",
        value_parser = parse_topic
    )]
    topics: Vec<Topic>,
}

fn parse_topic(text: &str) -> Result<Topic, String> {
    Topic::ALL
        .iter()
        .copied()
        .find(|topic| topic.as_str() == text)
        .ok_or_else(|| {
            let known: Vec<_> = Topic::ALL.iter().map(|topic| topic.as_str()).collect();
            format!("unknown topic; known topics: {}", known.join(", "))
        })
}

pub async fn run(session: &mut Session, args: Args, output: Output) -> Result<(), Failure> {
    let subscription = session.client().await?.subscribe(args.topics).await?;
    output.note("following events; Ctrl-C to stop");
    if !output.is_json() {
        output.text(&render::live_headers())?;
    }
    follow(subscription, |event| print(&event, output)).await
}

/// Hands every event of `subscription` to `show` until the stream ends. Falling behind
/// (the agent ended the subscription) and a lost connection are failures.
pub async fn follow(
    mut subscription: Subscription,
    mut show: impl FnMut(SubscriptionEvent) -> Result<(), Failure>,
) -> Result<(), Failure> {
    while let Some(item) = subscription.next().await {
        match item {
            SubscriptionItem::Event(event) => show(event)?,
            SubscriptionItem::Lagged { missed } => return Err(Failure::Lagged { missed }),
            SubscriptionItem::Disconnected(reason) => {
                return Err(ClientError::Disconnected(reason).into());
            }
            // A kind of item this console does not know yet ends nothing.
            _ => {}
        }
    }
    Ok(())
}

fn print(event: &SubscriptionEvent, output: Output) -> Result<(), Failure> {
    if output.is_json() {
        return output.json_line(&json!({
            "topic": event.topic,
            "seq": event.seq,
            "data": to_json(&event.data),
        }));
    }
    let diagnostics = (event.topic == Topic::Diagnostics.as_str())
        .then(|| event.data_as::<DiagnosticsEvent>().ok())
        .flatten();
    match diagnostics {
        Some(diagnostics) => output.text(&render::live_line(&diagnostics)),
        None => output.text(&render::other(event)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_parse_by_their_wire_name() {
        assert_eq!(parse_topic("diagnostics"), Ok(Topic::Diagnostics));
        assert!(parse_topic("nope").unwrap_err().contains("diagnostics"));
    }
}
