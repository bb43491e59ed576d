//! Prompt tests: a short prompt sent to a profile's model to show that it answers. A
//! test is a short chat run by the shared call machinery (`calls/`); what is its own is
//! its params, its outcome (a provider's failure is an outcome, not an error response),
//! its diagnostics event and its entry in the profile's health history.
//!
//! - [`prepare`]: a test's params checked and its profile made ready to call;
//! - [`error`]: why a test could not run at all.

pub mod error;
pub mod prepare;

use std::sync::Arc;

use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind, PromptTestRecord};
use llm_agent_protocol::health::OutcomeKind;
use llm_agent_protocol::methods::Method;
use llm_agent_protocol::methods::profiles::{self, TestOutcome};

use crate::calls::run::CallReport;
use crate::catalog::CatalogState;
use crate::diagnostics;
use crate::state::AgentState;
use crate::usage::ledger::Spend;
use error::PromptTestError;
use prepare::{PromptTest, Subject};

/// Runs a prepared test and describes how it went. Dropping the future (a client's
/// cancel) stops the test; its diagnostics event and its cost are recorded however it
/// ends.
pub async fn run(
    state: &AgentState,
    test: PromptTest,
    catalog: Arc<CatalogState>,
    correlation_id: String,
) -> Result<TestOutcome, PromptTestError> {
    let PromptTest {
        job,
        pricing,
        subject,
    } = test;
    let stop_on_drop = job.cancel.clone().drop_guard();
    let job_profile_id = job.profile_id;
    let recorded = subject.clone();
    let diagnostics = state.diagnostics.clone();
    let usage = state.usage.clone();
    let health = state.health.clone();
    let priced = pricing.clone();
    let prices = catalog.clone();
    let on_end = Box::new(move |report: &CallReport| {
        let cost = priced.estimate(&prices, report.usage.as_ref());
        if let Some(cost) = &cost {
            usage.record(&Spend {
                profile_id: &recorded.profile_id,
                role: None,
                cost,
                input_tokens: report
                    .usage
                    .as_ref()
                    .and_then(|u| u.input_tokens)
                    .unwrap_or(0),
                output_tokens: report
                    .usage
                    .as_ref()
                    .and_then(|u| u.output_tokens)
                    .unwrap_or(0),
            });
        }
        let result = report.result_code();
        tracing::info!(
            %correlation_id,
            profile_id = %recorded.profile_id,
            provider = %recorded.provider,
            result,
            stage = report.stage.as_str(),
            http_status = report.http_status,
            attempts = report.attempts,
            total_ms = report.timings.total_ms,
            "prompt test ended"
        );
        if let Some(outcome) = crate::health::outcome_of(OutcomeKind::PromptTest, report) {
            health.record(job_profile_id, outcome);
        }
        diagnostics.record(DiagnosticsEvent {
            correlation_id: Some(correlation_id),
            method: Some(profiles::Test::NAME.to_owned()),
            profile_id: Some(recorded.profile_id.clone()),
            duration_us: (report.timings.total_ms * 1000.0) as u64,
            prompt_test: Some(Box::new(record(&recorded, report))),
            ..diagnostics::event(DiagnosticsKind::PromptTest, result)
        });
    });
    let gauge = state.calls.prompt_tests_running.clone();
    let report = state.calls.run(job, None, gauge, on_end).await?;
    stop_on_drop.disarm();
    let mut outcome = outcome(&subject, report);
    outcome.estimated_cost = pricing.estimate(&catalog, outcome.usage.as_ref());
    Ok(outcome)
}

/// A test's outcome from its call's report (without its cost, which needs the catalog).
pub fn outcome(subject: &Subject, report: CallReport) -> TestOutcome {
    let (success, error, retry_after_ms) = match &report.result {
        Ok(()) => (true, None, None),
        Err(failure) => (
            false,
            Some(failure.to_wire()),
            failure.retry_after.map(crate::providers::failure::millis),
        ),
    };
    TestOutcome {
        profile_id: subject.profile_id.clone(),
        success,
        provider: subject.provider.clone(),
        requested_model: subject.requested_model.clone(),
        model: report.model,
        http_status: report.http_status,
        attempts: report.attempts,
        streamed: report.streamed,
        stage: report.stage,
        timings: report.timings,
        usage: report.usage,
        snippet: report.snippet,
        finish_reason: report.finish_reason,
        estimated_cost: None,
        retry_after_ms,
        error,
    }
}

/// What diagnostics keep of a test: numbers and names, no text.
fn record(subject: &Subject, report: &CallReport) -> PromptTestRecord {
    PromptTestRecord {
        provider: subject.provider.clone(),
        http_status: report.http_status,
        attempts: report.attempts,
        streamed: report.streamed,
        stage: report.stage,
        timings: report.timings.clone(),
        input_tokens: report.usage.as_ref().and_then(|u| u.input_tokens),
        output_tokens: report.usage.as_ref().and_then(|u| u.output_tokens),
    }
}
