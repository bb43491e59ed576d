//! `events`: a live tail of the agent's events until Ctrl-C.

use futures_util::StreamExt;
use llm_agent_client::protocol::events::{DiagnosticsEvent, Topic};
use llm_agent_client::{ClientError, SubscriptionEvent, SubscriptionItem};
use serde_json::json;

use crate::commands::diagnostics;
use crate::failure::Failure;
use crate::json::to_json;
use crate::output::Output;
use crate::session::Session;

/// Column widths of the live diagnostics lines: a stream cannot measure its rows first.
const LIVE_WIDTHS: [usize; 6] = [30, 20, 18, 9, 36, 8];

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
    let mut subscription = session.client().await?.subscribe(args.topics).await?;
    output.note("following events; Ctrl-C to stop");
    if !output.is_json() {
        output.text(&live_line(&diagnostics::HEADERS.map(str::to_owned)))?;
    }
    while let Some(item) = subscription.next().await {
        match item {
            SubscriptionItem::Event(event) => print(&event, output)?,
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
        Some(diagnostics) => output.text(&live_line(&diagnostics::row(&diagnostics))),
        None => output.text(&format!(
            "#{} {}: {}",
            event.seq,
            event.topic,
            to_json(&event.data)
        )),
    }
}

fn live_line(cells: &[String]) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        match LIVE_WIDTHS.get(i) {
            Some(width) if i + 1 < cells.len() => line.push_str(&format!("{cell:<width$}  ")),
            _ => line.push_str(cell),
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_parse_by_their_wire_name() {
        assert_eq!(parse_topic("diagnostics"), Ok(Topic::Diagnostics));
        assert!(parse_topic("nope").unwrap_err().contains("diagnostics"));
    }

    #[test]
    fn live_lines_pad_every_column_but_the_last() {
        let line = live_line(&["a".to_owned(), "b".to_owned()]);
        assert_eq!(line, format!("a{}b", " ".repeat(31)));
    }
}
