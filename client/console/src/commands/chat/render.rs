//! How a chat call's end reads for a person: which model answered, the tokens, the cost
//! and the time, on one line.

use llm_agent_client::protocol::methods::chat::ChatResult;

use crate::figures::{thousands, usd};

/// `gpt-4o-mini · 12 in, 7 out · $0.000006 (catalog) · 1 attempt · 412 ms`.
pub fn summary(result: &ChatResult) -> String {
    let model = result.model.as_deref().unwrap_or(&result.requested_model);
    let mut parts = vec![model.to_owned()];
    if let Some(usage) = &result.usage {
        let count = |n: Option<u64>| n.map_or_else(|| "?".to_owned(), thousands);
        parts.push(format!(
            "{} in, {} out",
            count(usage.input_tokens),
            count(usage.output_tokens)
        ));
    }
    if let Some(cost) = &result.estimated_cost {
        let amount = cost
            .amount_usd
            .map_or_else(|| "cost unknown".to_owned(), usd);
        parts.push(format!("{amount} ({})", cost.source));
    }
    let attempts = result.attempts;
    parts.push(format!(
        "{attempts} attempt{}",
        if attempts == 1 { "" } else { "s" }
    ));
    parts.push(format!("{:.0} ms", result.timings.total_ms));
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use llm_agent_client::protocol::methods::catalog::EstimatedCost;
    use llm_agent_client::protocol::methods::chat::CallClass;
    use llm_agent_client::protocol::methods::profiles::{TestTimings, TokenUsage};

    use super::*;

    #[test]
    fn the_summary_names_the_model_tokens_cost_attempts_and_time() {
        let result = ChatResult {
            profile_id: "p".into(),
            role: None,
            class: CallClass::Interactive,
            provider: "openai".into(),
            requested_model: "gpt-4o-mini".into(),
            model: Some("gpt-4o-mini-2024-07-18".into()),
            text: "Hi".into(),
            finish_reason: Some("stop".into()),
            usage: Some(TokenUsage {
                input_tokens: Some(1200),
                output_tokens: Some(7),
                total_tokens: None,
            }),
            estimated_cost: Some(EstimatedCost {
                amount_usd: Some(0.000006),
                source: "catalog".into(),
                as_of: None,
            }),
            attempts: 2,
            http_status: 200,
            streamed: true,
            timings: TestTimings {
                total_ms: 412.4,
                ..Default::default()
            },
        };
        assert_eq!(
            summary(&result),
            "gpt-4o-mini-2024-07-18 · 1,200 in, 7 out · $0.000006 (catalog) · 2 attempts · 412 ms"
        );
    }
}
