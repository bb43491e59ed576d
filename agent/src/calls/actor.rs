//! The prompt-test actor: owns one governor per provider endpoint and starts each test as
//! its own task, which holds the reply port, so the actor never waits on the network.
//! The task records the test's diagnostics event however it ends (a cancelled test too),
//! then answers.
//!
//! The governors live outside the actor's state, so a restarted actor keeps queuing
//! behind the tests still running.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind, RESULT_OK};
use llm_agent_protocol::methods::Method;
use llm_agent_protocol::methods::profiles::{self, TestOutcome};
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;

use super::error::PromptTestError;
use crate::actors::ActorSlot;
use crate::diagnostics::{self, DiagnosticsHandle};
use crate::prompt_test::governor::Governor;
use crate::prompt_test::run::{self, PromptTest};
use crate::providers::failure::Failure;

/// Governors kept before idle ones are dropped.
const MAX_IDLE_GOVERNORS: usize = 64;
/// How long past its own deadline a caller waits for a test's answer before calling the
/// tester unavailable (the test itself always ends at its deadline).
const ANSWER_GRACE: Duration = Duration::from_secs(5);

pub type PromptTestRef = ActorRef<PromptTestMsg>;

pub enum PromptTestMsg {
    Start(Box<Start>),
    /// Makes the actor fail, to exercise supervision.
    #[cfg(test)]
    Crash,
}

pub struct Start {
    pub job: PromptTest,
    pub correlation_id: String,
    pub reply: RpcReplyPort<TestOutcome>,
}

/// Cheap, cloneable start-up arguments; a restarted actor gets the same ones.
#[derive(Clone)]
pub struct PromptTestArgs {
    pub governors: Arc<Mutex<HashMap<String, Arc<Governor>>>>,
    pub diagnostics: DiagnosticsHandle,
    /// Tests running now, for `agent.status`.
    pub running: Arc<AtomicU64>,
}

pub struct PromptTestActor;

impl Actor for PromptTestActor {
    type Msg = PromptTestMsg;
    type State = PromptTestArgs;
    type Arguments = PromptTestArgs;

    async fn pre_start(
        &self,
        _: PromptTestRef,
        args: PromptTestArgs,
    ) -> Result<PromptTestArgs, ActorProcessingErr> {
        Ok(args)
    }

    async fn handle(
        &self,
        _: PromptTestRef,
        message: PromptTestMsg,
        state: &mut PromptTestArgs,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            PromptTestMsg::Start(start) => state.start(*start),
            #[cfg(test)]
            PromptTestMsg::Crash => return Err("crash requested".into()),
        }
        Ok(())
    }
}

impl PromptTestArgs {
    /// The governor of the job's endpoint, its limit set from the job's target.
    fn governor(&self, job: &PromptTest) -> Arc<Governor> {
        let mut governors = self
            .governors
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if governors.len() > MAX_IDLE_GOVERNORS {
            governors.retain(|_, governor| Arc::strong_count(governor) > 1);
        }
        let limit = job.parallelism;
        let governor = governors
            .entry(job.target.origin.clone())
            .or_insert_with(|| Arc::new(Governor::new(limit)))
            .clone();
        if governor.limit() != limit {
            governor.set_limit(limit);
        }
        governor
    }

    fn start(&self, start: Start) {
        let Start {
            job,
            correlation_id,
            reply,
        } = start;
        // The place in the queue is taken here, in the order the actor receives tests.
        let ticket = self.governor(&job).enqueue();
        let diagnostics = self.diagnostics.clone();
        let running = Running::start(self.running.clone());
        tokio::spawn(async move {
            // A bug in a test must not lose its answer, its event or the gauge.
            let outcome = AssertUnwindSafe(run::run_test(&job, ticket))
                .catch_unwind()
                .await
                .unwrap_or_else(|_| {
                    tracing::error!("a prompt test panicked");
                    run::failed(
                        &job,
                        Failure::internal("the prompt test hit an internal error"),
                    )
                });
            drop(running);
            let result = outcome
                .error
                .as_ref()
                .map_or(RESULT_OK, |error| error.code.as_str());
            tracing::info!(
                %correlation_id,
                profile_id = %job.profile_id,
                provider = %outcome.provider,
                result,
                stage = outcome.stage.as_str(),
                http_status = outcome.http_status,
                attempts = outcome.attempts,
                total_ms = outcome.timings.total_ms,
                "prompt test ended"
            );
            diagnostics.record(DiagnosticsEvent {
                correlation_id: Some(correlation_id),
                method: Some(profiles::Test::NAME.to_owned()),
                profile_id: Some(job.profile_id.to_string()),
                duration_us: (outcome.timings.total_ms * 1000.0) as u64,
                prompt_test: Some(Box::new(run::record(&outcome))),
                ..diagnostics::event(DiagnosticsKind::PromptTest, result)
            });
            // The caller may have gone (a cancel): nobody to answer then.
            let _ = reply.send(outcome);
        });
    }
}

/// Counts a test as running until dropped, however the test ends.
struct Running(Arc<AtomicU64>);

impl Running {
    fn start(gauge: Arc<AtomicU64>) -> Self {
        gauge.fetch_add(1, Relaxed);
        Running(gauge)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}

/// How the rest of the agent reaches the tester.
pub struct PromptTestHandle {
    pub slot: Arc<ActorSlot<PromptTestMsg>>,
    pub args: PromptTestArgs,
}

impl PromptTestHandle {
    pub fn new(diagnostics: DiagnosticsHandle) -> Self {
        Self {
            slot: Arc::default(),
            args: PromptTestArgs {
                governors: Arc::default(),
                diagnostics,
                running: Arc::default(),
            },
        }
    }

    /// Runs a test and waits for its outcome. Dropping the future does not stop the
    /// test: cancel the job's token for that.
    pub async fn run(
        &self,
        job: PromptTest,
        correlation_id: String,
    ) -> Result<TestOutcome, PromptTestError> {
        let patience = job
            .deadline
            .saturating_duration_since(std::time::Instant::now())
            + ANSWER_GRACE;
        let start = |reply| {
            PromptTestMsg::Start(Box::new(Start {
                job,
                correlation_id,
                reply,
            }))
        };
        self.slot
            .call(start, patience)
            .await
            .map_err(|_| PromptTestError::Unavailable)
    }

    /// Tests running now.
    pub fn running(&self) -> u64 {
        self.args.running.load(Relaxed)
    }
}
