//! How a prompt test reads for a person: the verdict (with the error and what to do
//! about it), the facts, then the time each stage took.

use llm_agent_client::protocol::methods::catalog::EstimatedCost;
use llm_agent_client::protocol::methods::profiles::{
    TestOutcome, TestStage, TestTimings, TokenUsage,
};
use llm_agent_client::protocol::{ErrorCode, WireError};

use crate::figures::{micros, usd};
use crate::table::key_values;

/// How the test reads for a person: the verdict (with the error and what to do about it),
/// the facts, then the stage timings.
pub fn report(outcome: &TestOutcome) -> String {
    let mut lines = Vec::new();
    match (&outcome.error, outcome.success) {
        (None, true) => lines.push(format!(
            "test passed: {} answered in {}",
            outcome.provider,
            millis(outcome.timings.total_ms)
        )),
        (Some(error), _) => {
            lines.push(format!("test failed: {}: {}", error.code, error.message));
            lines.extend(
                remediation(error, &outcome.profile_id)
                    .into_iter()
                    .map(|text| format!("  {text}")),
            );
        }
        // Not what an agent sends; said rather than hidden.
        (None, false) => lines.push("test failed, and the agent did not say why".to_owned()),
    }
    lines.push(key_values(&facts(outcome)));
    lines.push(String::new());
    lines.push(timings_table(&outcome.timings));
    if outcome.attempts > 1 {
        lines.push(format!(
            "(stages from the start of attempt {0} of {0}; total includes the queue, every \
             attempt and every wait between them)",
            outcome.attempts
        ));
    }
    lines.join("\n")
}

/// The agent's remediation, and for a refused key the command that gives a new one.
fn remediation(error: &WireError, profile_id: &str) -> Vec<String> {
    let mut lines: Vec<String> = error.remediation.iter().cloned().collect();
    if error.code == ErrorCode::AuthFailed {
        lines.push(format!(
            "Here: `llm-console profiles update {profile_id} --with-api-key`."
        ));
    }
    lines
}

fn facts(outcome: &TestOutcome) -> Vec<(&'static str, String)> {
    let mut pairs = vec![
        ("profile", outcome.profile_id.clone()),
        ("provider", outcome.provider.clone()),
        ("model", model(outcome)),
        (
            "http status",
            outcome
                .http_status
                .map_or_else(|| "-".to_owned(), |status| status.to_string()),
        ),
        ("attempts", outcome.attempts.to_string()),
    ];
    if !outcome.success {
        pairs.push(("reached", stage(outcome.stage).to_owned()));
    }
    if let Some(retry_after_ms) = outcome.retry_after_ms {
        pairs.push(("retry after", micros(retry_after_ms.saturating_mul(1_000))));
    }
    pairs.push((
        "tokens",
        outcome
            .usage
            .as_ref()
            .and_then(tokens)
            .unwrap_or_else(|| "not reported".to_owned()),
    ));
    if let Some(cost) = &outcome.estimated_cost {
        pairs.push(("cost", cost_text(cost, outcome)));
    }
    if let Some(reason) = &outcome.finish_reason {
        pairs.push(("finished by", reason.clone()));
    }
    if outcome.success {
        let form = if outcome.streamed {
            "streamed"
        } else {
            "one JSON body"
        };
        pairs.push(("reply form", form.to_owned()));
    }
    if let Some(snippet) = &outcome.snippet {
        pairs.push(("reply", snippet.clone()));
    } else if outcome.success {
        pairs.push(("reply", "(empty)".to_owned()));
    }
    pairs
}

/// The model that answered, and the one the profile names when that differs.
fn model(outcome: &TestOutcome) -> String {
    let requested = &outcome.requested_model;
    match &outcome.model {
        Some(model) if model == requested => model.clone(),
        Some(model) => format!("{model} (the profile names {requested})"),
        None if outcome.success => format!("{requested} (the reply did not name one)"),
        None => format!("{requested} (did not answer)"),
    }
}

/// What the test cost and whose prices say so; for an unknown price, how to give one.
fn cost_text(cost: &EstimatedCost, outcome: &TestOutcome) -> String {
    let as_of = cost
        .as_of
        .as_deref()
        .map(|date| format!(" of {date}"))
        .unwrap_or_default();
    match (cost.source.as_str(), cost.amount_usd) {
        ("local", _) => "none: the model runs on this machine".to_owned(),
        ("provider", Some(amount)) => format!("{}, as the provider reported it", usd(amount)),
        ("user", Some(amount)) => format!("about {} at your prices{as_of}", usd(amount)),
        ("catalog", Some(amount)) => {
            format!("about {} at the catalog's prices{as_of}", usd(amount))
        }
        (source, Some(amount)) => format!("about {} ({source} prices{as_of})", usd(amount)),
        (_, None) => format!(
            "unknown: the catalog has no prices for this model; give them with `llm-console \
             catalog upsert {} {} --input-price USD --output-price USD`",
            outcome.provider, outcome.requested_model
        ),
    }
}

fn stage(stage: TestStage) -> &'static str {
    match stage {
        TestStage::Queued => "the queue (nothing was sent)",
        TestStage::Connecting => "connecting",
        TestStage::AwaitingHeaders => "connected, no response yet",
        TestStage::AwaitingFirstToken => "response headers, no reply text",
        TestStage::Streaming => "reply text, not its end",
        TestStage::Complete => "the reply's end",
        TestStage::Unknown => "a stage this console does not know",
    }
}

/// `12 in, 9 out, 21 total`, leaving out what the provider did not report.
fn tokens(usage: &TokenUsage) -> Option<String> {
    let parts: Vec<String> = [
        (usage.input_tokens, "in"),
        (usage.output_tokens, "out"),
        (usage.total_tokens, "total"),
    ]
    .into_iter()
    .filter_map(|(count, what)| count.map(|count| format!("{count} {what}")))
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The stages in order, with the milliseconds right-aligned and `-` for a stage not
/// reached.
fn timings_table(timings: &TestTimings) -> String {
    let rows = [
        ("queued", Some(timings.queued_ms)),
        ("connected", timings.connected_ms),
        ("headers", timings.headers_ms),
        ("first token", timings.first_token_ms),
        ("completed", timings.completed_ms),
        ("total", Some(timings.total_ms)),
    ];
    let header = ("STAGE", "MS".to_owned());
    let lines: Vec<(&str, String)> = std::iter::once(header)
        .chain(rows.iter().map(|(name, ms)| {
            (
                *name,
                ms.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.2}")),
            )
        }))
        .collect();
    let widest = |width: fn(&(&str, String)) -> usize| lines.iter().map(width).max();
    let name_width = widest(|(name, _)| name.chars().count()).unwrap_or(0);
    let value_width = widest(|(_, value)| value.chars().count()).unwrap_or(0);
    lines
        .iter()
        .map(|(name, value)| format!("{name:<name_width$}  {value:>value_width$}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Milliseconds in the unit a person reads fastest.
fn millis(ms: f64) -> String {
    // Float to integer casts saturate, and a negative or NaN value becomes 0.
    micros((ms * 1_000.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passed() -> TestOutcome {
        TestOutcome {
            profile_id: "0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b".into(),
            success: true,
            provider: "ollama".into(),
            requested_model: "llama3.2".into(),
            model: Some("llama3.2".into()),
            http_status: Some(200),
            attempts: 1,
            streamed: true,
            stage: TestStage::Complete,
            timings: TestTimings {
                queued_ms: 0.012,
                connected_ms: Some(0.25),
                headers_ms: Some(3.5),
                first_token_ms: Some(120.84),
                completed_ms: Some(410.2),
                total_ms: 412.6,
            },
            usage: Some(TokenUsage {
                input_tokens: Some(12),
                output_tokens: Some(9),
                total_tokens: Some(21),
            }),
            snippet: Some("Hello! I can help you learn today.".into()),
            finish_reason: Some("stop".into()),
            estimated_cost: None,
            retry_after_ms: None,
            error: None,
        }
    }

    fn failed(error: WireError) -> TestOutcome {
        TestOutcome {
            success: false,
            model: None,
            http_status: Some(404),
            streamed: false,
            stage: TestStage::AwaitingFirstToken,
            timings: TestTimings {
                queued_ms: 0.012,
                connected_ms: Some(0.25),
                headers_ms: Some(3.5),
                first_token_ms: None,
                completed_ms: None,
                total_ms: 4.125,
            },
            usage: None,
            snippet: None,
            finish_reason: None,
            error: Some(error),
            ..passed()
        }
    }

    #[test]
    fn a_passed_test_shows_the_reply_tokens_and_every_stage() {
        assert_eq!(
            report(&passed()),
            "\
test passed: ollama answered in 412.6 ms
profile      0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b
provider     ollama
model        llama3.2
http status  200
attempts     1
tokens       12 in, 9 out, 21 total
finished by  stop
reply form   streamed
reply        Hello! I can help you learn today.

STAGE            MS
queued         0.01
connected      0.25
headers        3.50
first token  120.84
completed    410.20
total        412.60"
        );
    }

    #[test]
    fn a_failed_test_shows_the_error_and_what_to_do() {
        let error = WireError::new(
            ErrorCode::ModelNotFound,
            "Ollama has no model named `llama3.2`",
        )
        .with_remediation("Pull it first: `ollama pull llama3.2`.");
        assert_eq!(
            report(&failed(error)),
            "\
test failed: MODEL_NOT_FOUND: Ollama has no model named `llama3.2`
  Pull it first: `ollama pull llama3.2`.
profile      0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b
provider     ollama
model        llama3.2 (did not answer)
http status  404
attempts     1
reached      response headers, no reply text
tokens       not reported

STAGE          MS
queued       0.01
connected    0.25
headers      3.50
first token     -
completed       -
total        4.12"
        );
    }

    #[test]
    fn a_rate_limited_test_says_when_to_retry() {
        let error = WireError::new(ErrorCode::RateLimited, "the provider is rate-limiting")
            .with_remediation("Wait, then test again.");
        let outcome = TestOutcome {
            http_status: Some(429),
            attempts: 3,
            stage: TestStage::AwaitingHeaders,
            retry_after_ms: Some(2_500),
            ..failed(error)
        };
        let text = report(&outcome);
        assert!(
            text.starts_with(
                "test failed: RATE_LIMITED: the provider is rate-limiting\n  \
                 Wait, then test again.\n"
            ),
            "{text}"
        );
        assert!(text.contains("\nhttp status  429\n"), "{text}");
        assert!(text.contains("\nattempts     3\n"), "{text}");
        assert!(text.contains("\nretry after  2.50 s\n"), "{text}");
        assert!(
            text.ends_with(
                "\n(stages from the start of attempt 3 of 3; total includes the queue, every \
                 attempt and every wait between them)"
            ),
            "{text}"
        );
    }

    #[test]
    fn stages_not_reached_show_a_dash() {
        let error = WireError::new(ErrorCode::Unreachable, "connection refused")
            .with_remediation("Start the server.");
        let outcome = TestOutcome {
            http_status: None,
            attempts: 1,
            stage: TestStage::Connecting,
            timings: TestTimings {
                queued_ms: 1.0,
                total_ms: 2.0,
                ..TestTimings::default()
            },
            ..failed(error)
        };
        let text = report(&outcome);
        assert!(text.contains("\nhttp status  -\n"), "{text}");
        assert!(
            text.ends_with(
                "\
STAGE          MS
queued       1.00
connected       -
headers         -
first token     -
completed       -
total        2.00"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_refused_key_points_at_the_command_that_replaces_it() {
        let error = WireError::new(ErrorCode::AuthFailed, "the provider refused the API key")
            .with_remediation("Check the key.");
        let text = report(&failed(error));
        assert!(
            text.contains(
                "\n  Check the key.\n  Here: `llm-console profiles update \
                 0f8e2c1a-5b7d-4e3f-9a6b-2c4d6e8f0a1b --with-api-key`.\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn another_model_or_partial_usage_is_said_as_it_is() {
        let outcome = TestOutcome {
            model: Some("llama3.2:latest".into()),
            usage: Some(TokenUsage {
                output_tokens: Some(9),
                ..TokenUsage::default()
            }),
            streamed: false,
            ..passed()
        };
        let text = report(&outcome);
        assert!(
            text.contains("\nmodel        llama3.2:latest (the profile names llama3.2)\n"),
            "{text}"
        );
        assert!(text.contains("\ntokens       9 out\n"), "{text}");
        assert!(text.contains("\nreply form   one JSON body\n"), "{text}");
    }

    #[test]
    fn the_cost_says_whose_prices_and_of_when() {
        let priced = TestOutcome {
            provider: "openai".into(),
            requested_model: "gpt-6-luna".into(),
            estimated_cost: Some(EstimatedCost {
                amount_usd: Some(0.0000037),
                source: "catalog".into(),
                as_of: Some("2026-10-26".into()),
            }),
            ..passed()
        };
        let text = report(&priced);
        assert!(
            text.contains(
                "\ntokens       12 in, 9 out, 21 total\n\
                 cost         about $0.0000037 at the catalog's prices of 2026-10-26\n\
                 finished by  stop\n"
            ),
            "{text}"
        );

        let cost = |source: &str, amount_usd: Option<f64>, as_of: Option<&str>| {
            let cost = EstimatedCost {
                amount_usd,
                source: source.into(),
                as_of: as_of.map(Into::into),
            };
            cost_text(&cost, &priced)
        };
        assert_eq!(
            cost("user", Some(0.02), Some("2026-11-22")),
            "about $0.02 at your prices of 2026-11-22"
        );
        assert_eq!(
            cost("local", Some(0.0), None),
            "none: the model runs on this machine"
        );
        assert_eq!(
            cost("provider", Some(1.5), None),
            "$1.50, as the provider reported it"
        );
        assert_eq!(
            cost("unknown", None, None),
            "unknown: the catalog has no prices for this model; give them with `llm-console \
             catalog upsert openai gpt-6-luna --input-price USD --output-price USD`"
        );
        // Without an estimate (no usage), there is no cost line.
        assert!(!report(&passed()).contains("\ncost"));
    }
}
