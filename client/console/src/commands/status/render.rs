//! How the agent's status reads for a person: aligned lines, then the state of safe
//! storage and of the profile file.

use llm_agent_client::protocol::methods::agent::AgentStatus;

use crate::commands::profiles::render::storage_lines;
use crate::figures::uptime;
use crate::table::key_values;
use crate::texts::{self, messages};

pub fn status(status: &AgentStatus) -> String {
    let counters = &status.counters;
    let text = |text| texts::render(&text);
    let mut text = key_values(&[
        (
            text(messages::status_agent()),
            text(messages::status_agent_value(
                status.version.as_str(),
                status.protocol,
            )),
        ),
        (text(messages::status_pid()), status.pid.to_string()),
        (
            text(messages::status_started()),
            text(messages::status_started_value(
                status.started_at.as_str(),
                uptime(status.uptime_ms),
            )),
        ),
        (text(messages::status_socket()), status.socket.clone()),
        (text(messages::status_data_dir()), status.data_dir.clone()),
        (
            text(messages::status_connections()),
            text(messages::status_connections_value(
                counters.connections_open,
                counters.connections_accepted,
                counters.connections_refused,
            )),
        ),
        (
            text(messages::status_requests()),
            text(messages::status_requests_value(
                counters.requests_total,
                counters.requests_failed,
                counters.requests_in_flight,
            )),
        ),
        (
            text(messages::status_diagnostics()),
            text(messages::status_diagnostics_value(
                counters.diagnostics_events,
            )),
        ),
        (
            text(messages::status_restarts()),
            text(messages::status_restarts_value(counters.actor_restarts)),
        ),
        (
            text(messages::status_tests()),
            text(messages::status_tests_value(counters.prompt_tests_running)),
        ),
    ]);
    // What support asks first: can profiles be changed, and if not, why.
    for line in storage_lines(&status.safe_storage, &status.store) {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&line);
    }
    text
}

#[cfg(test)]
mod tests {
    use llm_agent_client::protocol::methods::agent::Counters;
    use llm_agent_client::protocol::safe_storage::{
        SafeStorageState, SafeStorageStatus, StoreStatus,
    };

    use super::*;

    #[test]
    fn status_reads_as_aligned_lines() {
        let status = AgentStatus {
            version: "0.1.0".into(),
            protocol: 1,
            pid: 42,
            started_at: "2025-01-01T00:00:00Z".into(),
            uptime_ms: 61_000,
            socket: "/run/agent.sock".into(),
            data_dir: "/data".into(),
            counters: Counters {
                requests_total: 3,
                ..Counters::default()
            },
            safe_storage: SafeStorageStatus {
                state: SafeStorageState::Available,
                reason: None,
                remediation: None,
                ..Default::default()
            },
            store: StoreStatus {
                writable: true,
                problem: None,
                ..Default::default()
            },
        };
        let text = super::status(&status);
        assert!(
            text.starts_with("agent        0.1.0 (protocol 1)\n"),
            "{text}"
        );
        assert!(
            text.contains("started      2025-01-01T00:00:00Z (up 1m 1s)"),
            "{text}"
        );
        assert!(
            text.contains("requests     3 total, 0 failed, 0 in flight"),
            "{text}"
        );
        assert!(text.contains("safe storage: available"), "{text}");
        assert!(text.ends_with("profile file: writable"), "{text}");
    }
}
