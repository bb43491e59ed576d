//! How sweeps, the schedule and discovery's settings read for a person.

use llm_agent_client::protocol::methods::discovery::{
    DiscoveryStatus, Finding, OfferedModel, ProbeError, Settings, Sweep,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::table::{columns, key_values, table};
use crate::texts::{self, messages};

/// The table's headers, in the console's language.
fn headers() -> [String; 6] {
    texts::headers([
        messages::header_kind(),
        messages::header_endpoint(),
        messages::header_version(),
        messages::header_models(),
        messages::header_latency(),
        messages::header_notes(),
    ])
}

/// How many model ids a finding shows before `…`.
const MODELS_SHOWN: usize = 3;

/// A whole sweep: the servers found, what disagrees with the profiles, the probes that
/// failed, then a summary line.
pub fn sweep(sweep: &Sweep) -> String {
    let mut blocks = Vec::new();
    if sweep.findings.is_empty() {
        blocks.push("no model server found".to_owned());
    } else {
        let rows: Vec<_> = sweep.findings.iter().map(row).collect();
        blocks.push(table(&headers(), &rows));
    }
    if sweep.findings.iter().any(|f| !f.conflicts.is_empty()) {
        blocks.push(conflicts(&sweep.findings));
    }
    if !sweep.errors.is_empty() {
        blocks.push(errors(&sweep.errors));
    }
    blocks.push(summary(sweep));
    blocks.join("\n\n")
}

fn row(finding: &Finding) -> Vec<String> {
    vec![
        finding.kind.clone(),
        endpoint(finding),
        finding.version.clone().unwrap_or_else(|| "-".to_owned()),
        models(&finding.models),
        format!("{} ms", finding.latency_ms),
        notes(finding),
    ]
}

/// The endpoint, and the other addresses that reach the same server.
fn endpoint(finding: &Finding) -> String {
    if finding.also_reachable_at.is_empty() {
        return finding.endpoint.clone();
    }
    format!(
        "{} (also at {})",
        finding.endpoint,
        finding.also_reachable_at.join(", ")
    )
}

/// `2: llama3.2:latest, qwen2.5:7b`, the first few ids after the count.
fn models(models: &[OfferedModel]) -> String {
    if models.is_empty() {
        return "0".to_owned();
    }
    let mut ids: Vec<&str> = models
        .iter()
        .take(MODELS_SHOWN)
        .map(|m| m.id.as_str())
        .collect();
    if models.len() > MODELS_SHOWN {
        ids.push("…");
    }
    format!("{}: {}", models.len(), ids.join(", "))
}

/// Why the server is not ready to use as it is, and what to do.
fn notes(finding: &Finding) -> String {
    let mut notes = Vec::new();
    if finding.auth_required {
        notes.push("auth required".to_owned());
    }
    match (&finding.hint, &finding.remediation) {
        (Some(hint), _) => notes.push(hint.clone()),
        (None, Some(remediation)) => notes.push(remediation.clone()),
        (None, None) => {}
    }
    notes.join("; ")
}

/// Each finding's conflicts under it: class, profile, what disagrees, what to do.
fn conflicts(findings: &[Finding]) -> String {
    let mut lines = vec!["conflicts with profiles:".to_owned()];
    for finding in findings.iter().filter(|f| !f.conflicts.is_empty()) {
        lines.push(format!("  {} at {}", finding.kind, finding.endpoint));
        for conflict in &finding.conflicts {
            lines.push(format!(
                "    {} (profile {}): {}",
                conflict.class, conflict.profile_id, conflict.message
            ));
            lines.push(format!("      {}", conflict.remediation));
        }
    }
    lines.join("\n")
}

/// Each failed probe: where, why, and what to do.
fn errors(errors: &[ProbeError]) -> String {
    let mut lines = vec!["probes that failed:".to_owned()];
    for error in errors {
        let expected = if error.expected.is_empty() {
            String::new()
        } else {
            format!(" (expected {})", error.expected.join(" or "))
        };
        lines.push(format!(
            "  {}  {}{expected}",
            error.endpoint, error.remediation
        ));
        for text in [&error.message, &error.hint] {
            if !text.is_empty() {
                lines.push(format!("    {text}"));
            }
        }
    }
    lines.join("\n")
}

/// `2 servers found in 14 ms (budget 800 ms), 36 addresses probed`.
fn summary(sweep: &Sweep) -> String {
    let found = match sweep.findings.len() {
        0 => "no server".to_owned(),
        n => counted(n, "server", "servers"),
    };
    format!(
        "{found} found in {} ms (budget {} ms), {} probed",
        sweep.elapsed_ms,
        sweep.budget_ms,
        counted(sweep.probed.len(), "address", "addresses")
    )
}

fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A sweep in a few lines, for `--watch` and `status`: when, how it was started, the
/// summary, then a line per server.
pub fn brief(sweep: &Sweep) -> String {
    let mut lines = vec![format!(
        "{} {} sweep: {}",
        to_the_second(&sweep.started_at),
        sweep.trigger,
        summary(sweep)
    )];
    let rows: Vec<_> = sweep
        .findings
        .iter()
        .map(|finding| {
            let mut cells = vec![
                format!("  {}", finding.kind),
                endpoint(finding),
                models(&finding.models),
            ];
            let notes = notes(finding);
            if !notes.is_empty() {
                cells.push(notes);
            }
            cells
        })
        .collect();
    if !rows.is_empty() {
        lines.push(columns(&rows));
    }
    let conflicts: usize = sweep.findings.iter().map(|f| f.conflicts.len()).sum();
    let more: Vec<String> = [
        (
            conflicts,
            "conflict with a profile",
            "conflicts with profiles",
        ),
        (sweep.errors.len(), "failed probe", "failed probes"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| counted(n, one, many))
    .collect();
    if !more.is_empty() {
        lines.push(format!(
            "  and {}; `llm-console discover` has the details",
            more.join(", ")
        ));
    }
    lines.join("\n")
}

/// An RFC 3339 time without its fraction of a second (`2026-11-21T22:00:05Z`), or as
/// given when it is not one.
fn to_the_second(at: &str) -> String {
    OffsetDateTime::parse(at, &Rfc3339)
        .ok()
        .and_then(|time| time.replace_nanosecond(0).ok())
        .and_then(|time| time.format(&Rfc3339).ok())
        .unwrap_or_else(|| at.to_owned())
}

/// The settings as `key value` lines.
pub fn settings(settings: &Settings) -> String {
    key_values(&settings_pairs(settings))
}

fn settings_pairs(settings: &Settings) -> Vec<(&'static str, String)> {
    let schedule = if settings.enabled {
        format!("on, every {} s", settings.interval_s)
    } else {
        format!(
            "off (every {} s when on; `discover` still sweeps on demand)",
            settings.interval_s
        )
    };
    let extra = if settings.extra_endpoints.is_empty() {
        "none".to_owned()
    } else {
        settings.extra_endpoints.join(", ")
    };
    vec![("scheduled sweeps", schedule), ("extra endpoints", extra)]
}

/// The settings, the schedule, and the last sweep in brief.
pub fn status(status: &DiscoveryStatus) -> String {
    let settings = &status.settings;
    let mut pairs = settings_pairs(settings);
    if settings.enabled {
        let interval = if status.current_interval_s > settings.interval_s {
            format!(
                "{} s (lengthened while the findings do not change)",
                status.current_interval_s
            )
        } else {
            format!("{} s", status.current_interval_s)
        };
        pairs.push(("current interval", interval));
    }
    pairs.push((
        "next sweep",
        status
            .next_sweep_at
            .as_deref()
            .map_or_else(|| "none scheduled".to_owned(), to_the_second),
    ));
    let mut text = key_values(&pairs);
    text.push('\n');
    match &status.last_sweep {
        Some(sweep) => {
            text.push_str("last sweep: ");
            text.push_str(&brief(sweep));
        }
        None => text.push_str("last sweep: none yet; `llm-console discover` runs one"),
    }
    text
}

#[cfg(test)]
mod tests {
    use llm_agent_client::protocol::methods::discovery::Conflict;

    use super::*;

    fn model(id: &str) -> OfferedModel {
        OfferedModel::named(id)
    }

    fn ollama() -> Finding {
        Finding {
            kind: "ollama".into(),
            endpoint: "http://127.0.0.1:11434".into(),
            address: "127.0.0.1:11434".into(),
            port: 11434,
            also_reachable_at: vec!["[::1]:11434".into()],
            version: Some("0.5.7".into()),
            models: vec![model("llama3.2:latest"), model("qwen2.5:7b")],
            latency_ms: 2,
            auth_required: false,
            remediation: None,
            hint: None,
            conflicts: Vec::new(),
            ..Default::default()
        }
    }

    fn lm_studio() -> Finding {
        Finding {
            kind: "lm_studio".into(),
            endpoint: "http://127.0.0.1:1234/v1".into(),
            address: "127.0.0.1:1234".into(),
            port: 1234,
            also_reachable_at: Vec::new(),
            version: None,
            models: vec![
                model("qwen2.5-7b-instruct"),
                model("llama-3.2-3b-instruct"),
                model("phi-4"),
                model("gemma-2-9b"),
            ],
            latency_ms: 12,
            auth_required: false,
            remediation: Some("model_not_loaded".into()),
            hint: Some("Load a model in LM Studio.".into()),
            conflicts: vec![Conflict {
                profile_id: "0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b".into(),
                class: "model_not_offered".into(),
                message: "The profile \"Studio\" names mistral-7b, which LM Studio does not offer."
                    .into(),
                remediation: "Download it in LM Studio, or pick one it offers.".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn sweep_of(findings: Vec<Finding>, errors: Vec<ProbeError>) -> Sweep {
        Sweep {
            started_at: "2026-11-21T22:00:05Z".into(),
            trigger: "manual".into(),
            findings,
            errors,
            probed: (0..36)
                .map(|i| format!("127.0.0.1:{}", 40_000 + i))
                .collect(),
            elapsed_ms: 14,
            budget_ms: 800,
        }
    }

    fn stalled() -> ProbeError {
        ProbeError {
            endpoint: "http://127.0.0.1:8080".into(),
            address: Some("127.0.0.1:8080".into()),
            expected: vec!["llama_cpp".into(), "localai".into()],
            remediation: "not_responding".into(),
            message: "127.0.0.1:8080 accepted the connection but did not answer.".into(),
            hint: "Wait, or restart it.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_sweep_is_a_table_then_conflicts_errors_and_a_summary() {
        let sweep = sweep_of(vec![ollama(), lm_studio()], vec![stalled()]);
        assert_eq!(
            super::sweep(&sweep),
            "\
KIND       ENDPOINT                                      VERSION  MODELS                                                   LATENCY  NOTES
ollama     http://127.0.0.1:11434 (also at [::1]:11434)  0.5.7    2: llama3.2:latest, qwen2.5:7b                           2 ms
lm_studio  http://127.0.0.1:1234/v1                      -        4: qwen2.5-7b-instruct, llama-3.2-3b-instruct, phi-4, …  12 ms    Load a model in LM Studio.

conflicts with profiles:
  lm_studio at http://127.0.0.1:1234/v1
    model_not_offered (profile 0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b): The profile \"Studio\" names mistral-7b, which LM Studio does not offer.
      Download it in LM Studio, or pick one it offers.

probes that failed:
  http://127.0.0.1:8080  not_responding (expected llama_cpp or localai)
    127.0.0.1:8080 accepted the connection but did not answer.
    Wait, or restart it.

2 servers found in 14 ms (budget 800 ms), 36 addresses probed"
        );
    }

    #[test]
    fn an_empty_sweep_says_so() {
        let mut sweep = sweep_of(Vec::new(), Vec::new());
        sweep.probed.truncate(1);
        assert_eq!(
            super::sweep(&sweep),
            "no model server found\n\nno server found in 14 ms (budget 800 ms), 1 address probed"
        );
    }

    #[test]
    fn a_server_that_wants_a_key_says_so() {
        let finding = Finding {
            models: Vec::new(),
            auth_required: true,
            remediation: Some("needs_key".into()),
            hint: None,
            ..ollama()
        };
        assert_eq!(notes(&finding), "auth required; needs_key");
        assert_eq!(models(&finding.models), "0");
        let sweep = sweep_of(vec![finding], Vec::new());
        assert_eq!(
            super::sweep(&sweep),
            "\
KIND    ENDPOINT                                      VERSION  MODELS  LATENCY  NOTES
ollama  http://127.0.0.1:11434 (also at [::1]:11434)  0.5.7    0       2 ms     auth required; needs_key

1 server found in 14 ms (budget 800 ms), 36 addresses probed"
        );
    }

    #[test]
    fn a_brief_sweep_has_a_line_per_server_and_counts_the_rest() {
        let mut sweep = sweep_of(vec![ollama(), lm_studio()], vec![stalled()]);
        sweep.trigger = "scheduled".into();
        sweep.started_at = "2026-11-21T22:00:05.123456789Z".into();
        assert_eq!(
            brief(&sweep),
            "\
2026-11-21T22:00:05Z scheduled sweep: 2 servers found in 14 ms (budget 800 ms), 36 addresses probed
  ollama     http://127.0.0.1:11434 (also at [::1]:11434)  2: llama3.2:latest, qwen2.5:7b
  lm_studio  http://127.0.0.1:1234/v1                      4: qwen2.5-7b-instruct, llama-3.2-3b-instruct, phi-4, …  Load a model in LM Studio.
  and 1 conflict with a profile, 1 failed probe; `llm-console discover` has the details"
        );
        let quiet = sweep_of(Vec::new(), Vec::new());
        assert_eq!(
            brief(&quiet),
            "2026-11-21T22:00:05Z manual sweep: no server found in 14 ms (budget 800 ms), 36 \
             addresses probed"
        );
    }

    #[test]
    fn the_status_shows_the_schedule_and_the_last_sweep() {
        let status = DiscoveryStatus {
            settings: Settings {
                enabled: true,
                interval_s: 300,
                extra_endpoints: vec!["http://192.168.1.20:11434".into()],
            },
            last_sweep: Some(sweep_of(vec![ollama()], Vec::new())),
            next_sweep_at: Some("2026-11-21T22:10:05.5Z".into()),
            current_interval_s: 600,
        };
        assert_eq!(
            super::status(&status),
            "\
scheduled sweeps  on, every 300 s
extra endpoints   http://192.168.1.20:11434
current interval  600 s (lengthened while the findings do not change)
next sweep        2026-11-21T22:10:05Z
last sweep: 2026-11-21T22:00:05Z manual sweep: 1 server found in 14 ms (budget 800 ms), 36 addresses probed
  ollama  http://127.0.0.1:11434 (also at [::1]:11434)  2: llama3.2:latest, qwen2.5:7b"
        );
    }

    #[test]
    fn times_lose_their_fraction_of_a_second_only() {
        assert_eq!(
            to_the_second("2026-11-21T23:50:12.448988193Z"),
            "2026-11-21T23:50:12Z"
        );
        assert_eq!(
            to_the_second("2026-11-21T23:50:12Z"),
            "2026-11-21T23:50:12Z"
        );
        assert_eq!(to_the_second("soon"), "soon");
    }

    #[test]
    fn a_schedule_that_is_off_says_sweeps_still_run_on_demand() {
        let status = DiscoveryStatus {
            settings: Settings {
                enabled: false,
                ..Settings::default()
            },
            last_sweep: None,
            next_sweep_at: None,
            current_interval_s: 300,
        };
        assert_eq!(
            super::status(&status),
            "\
scheduled sweeps  off (every 300 s when on; `discover` still sweeps on demand)
extra endpoints   none
next sweep        none scheduled
last sweep: none yet; `llm-console discover` runs one"
        );
    }
}
