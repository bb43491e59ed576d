//! How live events read for a person: a diagnostics event in the columns of
//! `diagnostics`, padded to fixed widths (a stream cannot measure its rows first), and any
//! other event as its topic, sequence number and data in JSON.

use llm_agent_client::SubscriptionEvent;
use llm_agent_client::protocol::events::DiagnosticsEvent;

use crate::commands::diagnostics::render::{HEADERS, row};
use crate::json::to_json;

/// Column widths of the live diagnostics lines.
const LIVE_WIDTHS: [usize; 6] = [30, 20, 18, 9, 36, 8];

/// The headers of the live diagnostics lines.
pub fn live_headers() -> String {
    padded(&HEADERS.map(str::to_owned))
}

/// One diagnostics event under [`live_headers`].
pub fn live_line(event: &DiagnosticsEvent) -> String {
    padded(&row(event))
}

/// An event this console has no rendering of: `#SEQ TOPIC: DATA`, the data as JSON.
pub fn other(event: &SubscriptionEvent) -> String {
    format!("#{} {}: {}", event.seq, event.topic, to_json(&event.data))
}

fn padded(cells: &[String]) -> String {
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
    fn live_lines_pad_every_column_but_the_last() {
        let line = padded(&["a".to_owned(), "b".to_owned()]);
        assert_eq!(line, format!("a{}b", " ".repeat(31)));
    }
}
