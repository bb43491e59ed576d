//! How diagnostics events read for a person: a table row each, for a query's result and
//! for the live tail of `events`.

use llm_agent_client::protocol::events::{DiagnosticsEvent, DiagnosticsKind};
use llm_agent_client::protocol::methods::diagnostics::{ExportResult, QueryResult};

use crate::figures::micros;
use crate::table::table;

/// The column headers of [`row`].
pub const HEADERS: [&str; 6] = [
    "TIME",
    "EVENT",
    "RESULT",
    "DURATION",
    "CORRELATION ID",
    "PEER PID",
];

/// One event as table cells, in the order of [`HEADERS`].
pub fn row(event: &DiagnosticsEvent) -> Vec<String> {
    vec![
        event.ts.clone(),
        what(event),
        event.result.clone(),
        micros(event.duration_us),
        event.correlation_id.clone().unwrap_or_else(|| "-".into()),
        event
            .peer_pid
            .map_or_else(|| "-".into(), |pid| pid.to_string()),
    ]
}

/// What happened: the method for a request, otherwise the kind of event.
fn what(event: &DiagnosticsEvent) -> String {
    let kind = match event.kind {
        DiagnosticsKind::Request => {
            return event.method.clone().unwrap_or_else(|| "request".into());
        }
        DiagnosticsKind::ConnectionRefused => "connection refused",
        DiagnosticsKind::ActorRestarted => "actor restarted",
        DiagnosticsKind::AgentStarted => "agent started",
        DiagnosticsKind::AgentStopping => "agent stopping",
        DiagnosticsKind::StoreReadOnly => "profiles.json read-only",
        DiagnosticsKind::DiscoverySweep => "scheduled discovery sweep",
        DiagnosticsKind::PromptTest => {
            return match &event.prompt_test {
                Some(test) => format!(
                    "prompt test: {}, {} attempt(s), ended {}",
                    test.provider,
                    test.attempts,
                    test.stage.as_str()
                ),
                None => "prompt test".into(),
            };
        }
        DiagnosticsKind::ModelCall => {
            return match &event.model_call {
                Some(call) => format!(
                    "model call: {}{}, {} attempt(s), ended {}",
                    call.provider,
                    call.role
                        .as_deref()
                        .map(|role| format!(" as {role}"))
                        .unwrap_or_default(),
                    call.attempts,
                    call.stage.as_str()
                ),
                None => "model call".into(),
            };
        }
        DiagnosticsKind::SpendingCap => "spending cap",
        DiagnosticsKind::Unknown => "event of a newer agent",
    };
    match &event.actor {
        Some(actor) => format!("{kind}: {actor}"),
        None => kind.to_owned(),
    }
}

/// The events in a table, then how many of the matching ones are shown, and how to see
/// the page before.
pub fn query_result(result: &QueryResult) -> String {
    let rows: Vec<_> = result.events.iter().map(row).collect();
    let shown = result.events.len();
    let mut summary = format!("{shown} of {} matching events", result.matched);
    if let Some(cursor) = &result.next_cursor {
        summary.push_str(&format!("; older ones: --cursor {cursor}"));
    }
    if rows.is_empty() {
        return summary;
    }
    format!("{}\n{summary}", table(&HEADERS, &rows))
}

/// Where the bundle went and what it holds.
pub fn export_result(result: &ExportResult) -> String {
    let more = if result.truncated {
        " (the newest of the range; narrow it with --since and --until for older ones)"
    } else {
        ""
    };
    format!(
        "support bundle written to {}\n{} events{more}, {} bytes; it holds no secret, prompt, reply or key hint",
        result.path, result.events, result.bytes
    )
}

#[cfg(test)]
mod tests {
    use llm_agent_client::protocol::events::RESULT_OK;

    use super::*;

    fn event(kind: DiagnosticsKind) -> DiagnosticsEvent {
        DiagnosticsEvent {
            seq: 1,
            ts: "2025-01-01T00:00:00Z".into(),
            kind,
            correlation_id: Some("c-1".into()),
            method: Some("agent.status".into()),
            result: RESULT_OK.into(),
            duration_us: 1_500,
            peer_pid: Some(7),
            peer_uid: None,
            actor: Some("vault".into()),
            profile_id: None,
            safe_storage: None,
            prompt_test: None,
            model_call: None,
        }
    }

    #[test]
    fn requests_show_their_method_and_other_events_their_kind() {
        let request = row(&event(DiagnosticsKind::Request));
        assert_eq!(
            request,
            [
                "2025-01-01T00:00:00Z",
                "agent.status",
                "OK",
                "1.5 ms",
                "c-1",
                "7"
            ]
        );
        assert_eq!(
            row(&event(DiagnosticsKind::ActorRestarted))[1],
            "actor restarted: vault"
        );
    }

    #[test]
    fn the_summary_counts_what_matched() {
        let mut result = QueryResult {
            events: vec![event(DiagnosticsKind::Request)],
            matched: 4,
            next_cursor: None,
        };
        let text = query_result(&result);
        assert!(text.starts_with("TIME"), "{text}");
        assert!(text.ends_with("1 of 4 matching events"), "{text}");
        result.next_cursor = Some("2025-01-01T00:00:00Z#1".into());
        let text = query_result(&result);
        assert!(text.ends_with("--cursor 2025-01-01T00:00:00Z#1"), "{text}");
    }
}
