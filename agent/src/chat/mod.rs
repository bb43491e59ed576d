//! Chat calls (`chat.run`): the app's own model calls, through the agent so an API key
//! never leaves its process. A call is run by the shared call machinery (`calls/`); what
//! is its own is its params and their bounds, its target (a profile, or a role resolved
//! at the moment of the call), its spending cap, its deltas, its result, and its
//! diagnostics event.
//!
//! - [`prepare`]: the params checked, the role resolved, the cap checked, the profile
//!   made ready to call;
//! - [`error`]: why a call was refused before anything was sent.

pub mod error;
pub mod prepare;

use std::sync::Arc;

use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind, ModelCallRecord};
use llm_agent_protocol::health::OutcomeKind;
use llm_agent_protocol::methods::Method;
use llm_agent_protocol::methods::chat::{self, CallFailureDetails, ChatResult};
use llm_agent_protocol::{WireError, value};
use tokio::sync::mpsc;

use crate::calls::run::CallReport;
use crate::catalog::CatalogState;
use crate::diagnostics;
use crate::providers::failure::millis;
use crate::state::AgentState;
use crate::usage::ledger::Spend;
use error::ChatError;
use prepare::ChatCall;

/// Deltas queued between the provider thread and the caller before the provider's
/// reading waits: the caller's own pace, not the agent's memory, bounds a slow reader.
const DELTA_QUEUE: usize = 64;

/// Where a call's reply text goes as it arrives (the connection's delta frames).
pub trait Deltas: Send {
    fn send(&mut self, text: String) -> impl Future<Output = ()> + Send;
}

/// Runs a prepared call. With `deltas`, the reply's text goes there piece by piece as
/// it arrives (pieces queued meanwhile are joined), all before this returns. Dropping
/// the future (a client's cancel) stops the call; its diagnostics event and its cost
/// are recorded however it ends, and its outcome in the profile's health history unless
/// it was cancelled.
pub async fn run(
    state: &AgentState,
    call: ChatCall,
    catalog: Arc<CatalogState>,
    correlation_id: String,
    deltas: Option<&mut impl Deltas>,
) -> Result<ChatResult, WireError> {
    let ChatCall {
        job,
        pricing,
        profile_id,
        role,
        provider,
        requested_model,
    } = call;
    let stop_on_drop = job.cancel.clone().drop_guard();
    let class = job.class;
    let job_profile_id = job.profile_id;
    let role_name = role.map(|r| r.as_str().to_owned());
    let on_end = {
        let diagnostics = state.diagnostics.clone();
        let usage = state.usage.clone();
        let health = state.health.clone();
        let pricing = pricing.clone();
        let catalog = catalog.clone();
        let profile_id = profile_id.clone();
        let provider = provider.clone();
        let role = role_name.clone();
        Box::new(move |report: &CallReport| {
            let cost = pricing.estimate(&catalog, report.usage.as_ref());
            let tokens =
                |pick: fn(&llm_agent_protocol::methods::profiles::TokenUsage) -> Option<u64>| {
                    report.usage.as_ref().and_then(pick)
                };
            if let Some(cost) = &cost {
                usage.record(&Spend {
                    profile_id: &profile_id,
                    role: role.as_deref(),
                    cost,
                    input_tokens: tokens(|u| u.input_tokens).unwrap_or(0),
                    output_tokens: tokens(|u| u.output_tokens).unwrap_or(0),
                });
            }
            if let Some(outcome) = crate::health::outcome_of(OutcomeKind::Call, report) {
                health.record(job_profile_id, outcome);
            }
            let result = report.result_code();
            tracing::info!(
                %correlation_id,
                %profile_id,
                %provider,
                role = role.as_deref(),
                class = class.as_str(),
                result,
                stage = report.stage.as_str(),
                attempts = report.attempts,
                total_ms = report.timings.total_ms,
                "model call ended"
            );
            diagnostics.record(DiagnosticsEvent {
                correlation_id: Some(correlation_id),
                method: Some(chat::Run::NAME.to_owned()),
                profile_id: Some(profile_id.clone()),
                duration_us: (report.timings.total_ms * 1000.0) as u64,
                model_call: Some(Box::new(ModelCallRecord {
                    provider: provider.clone(),
                    role: role.clone(),
                    class,
                    http_status: report.http_status,
                    attempts: report.attempts,
                    streamed: report.streamed,
                    stage: report.stage,
                    timings: report.timings.clone(),
                    input_tokens: tokens(|u| u.input_tokens),
                    output_tokens: tokens(|u| u.output_tokens),
                    cost_usd: cost.as_ref().and_then(|c| c.amount_usd),
                    cost_source: cost.map(|c| c.source),
                })),
                ..diagnostics::event(DiagnosticsKind::ModelCall, result)
            });
        })
    };
    let gauge = state.calls.chats_running.clone();
    let report = match deltas {
        None => state.calls.run(job, None, gauge, on_end).await,
        Some(out) => {
            let (sender, mut arriving) = mpsc::channel(DELTA_QUEUE);
            let running = state.calls.run(job, Some(sender), gauge, on_end);
            let mut running = std::pin::pin!(running);
            loop {
                tokio::select! {
                    biased;
                    Some(piece) = arriving.recv() => out.send(joined(piece, &mut arriving)).await,
                    report = &mut running => {
                        // Every delta was queued before the report: pass on the rest.
                        if let Ok(piece) = arriving.try_recv() {
                            out.send(joined(piece, &mut arriving)).await;
                        }
                        break report;
                    }
                }
            }
        }
    }
    .map_err(ChatError::from)?;
    stop_on_drop.disarm();
    let estimated_cost = pricing.estimate(&catalog, report.usage.as_ref());
    match report.result {
        Ok(()) => Ok(ChatResult {
            profile_id,
            role: role_name,
            class,
            provider,
            requested_model,
            model: report.model,
            text: report.text,
            finish_reason: report.finish_reason,
            usage: report.usage,
            estimated_cost,
            attempts: report.attempts,
            http_status: report.http_status.unwrap_or_default(),
            streamed: report.streamed,
            timings: report.timings,
        }),
        Err(failure) => {
            let details = CallFailureDetails {
                stage: report.stage,
                attempts: report.attempts,
                http_status: report.http_status,
                retry_after_ms: failure.retry_after.map(millis),
            };
            let error = failure.to_wire();
            Err(match value::to_value(&details) {
                Ok(details) => error.with_details(details),
                Err(_) => error,
            })
        }
    }
}

/// `first` and every piece queued after it, as one.
fn joined(first: String, arriving: &mut mpsc::Receiver<String>) -> String {
    let mut text = first;
    while let Ok(more) = arriving.try_recv() {
        text.push_str(&more);
    }
    text
}
