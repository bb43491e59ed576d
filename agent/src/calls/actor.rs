//! The calls actor: owns one governor per provider endpoint and starts each call as its
//! own task, so the actor never waits on the network. The call itself runs on the
//! provider I/O thread; the task here waits for its report, runs the caller's end hook
//! (its diagnostics event, its spending) however the call ended (a cancelled one too),
//! then answers.
//!
//! The governors live outside the actor's state, so a restarted actor keeps queuing
//! behind the calls still running.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::sync::mpsc;

use super::error::CallsError;
use super::governor::Governor;
use super::io::ProviderIo;
use super::models::ModelsCache;
use super::run::{self, CallJob, CallReport};
use crate::actors::ActorSlot;
use crate::providers::failure::Failure;

/// Governors kept before idle ones are dropped.
const MAX_IDLE_GOVERNORS: usize = 64;
/// How long past its own deadline a caller waits for a call's answer before calling the
/// service unavailable (the call itself always ends at its deadline).
const ANSWER_GRACE: Duration = Duration::from_secs(5);

pub type CallsRef = ActorRef<CallsMsg>;

/// Runs once a call has ended, however it ended, before the answer: it records the
/// call's diagnostics event and what it cost.
pub type EndHook = Box<dyn FnOnce(&CallReport) + Send>;

pub enum CallsMsg {
    Start(Box<Start>),
    /// Makes the actor fail, to exercise supervision.
    #[cfg(test)]
    Crash,
}

pub struct Start {
    pub job: CallJob,
    /// Where reply text goes as it arrives; `None` when nobody asked.
    pub deltas: Option<mpsc::Sender<String>>,
    /// Counts the call while it runs (`agent.status`).
    pub gauge: Arc<AtomicU64>,
    pub on_end: EndHook,
    pub reply: RpcReplyPort<Result<CallReport, CallsError>>,
}

/// Cheap, cloneable start-up arguments; a restarted actor gets the same ones.
#[derive(Clone)]
pub struct CallsArgs {
    pub governors: Arc<Mutex<HashMap<String, Arc<Governor>>>>,
    pub io: Arc<ProviderIo>,
}

pub struct CallsActor;

impl Actor for CallsActor {
    type Msg = CallsMsg;
    type State = CallsArgs;
    type Arguments = CallsArgs;

    async fn pre_start(
        &self,
        _: CallsRef,
        args: CallsArgs,
    ) -> Result<CallsArgs, ActorProcessingErr> {
        Ok(args)
    }

    async fn handle(
        &self,
        _: CallsRef,
        message: CallsMsg,
        state: &mut CallsArgs,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            CallsMsg::Start(start) => state.start(*start),
            #[cfg(test)]
            CallsMsg::Crash => return Err("crash requested".into()),
        }
        Ok(())
    }
}

impl CallsArgs {
    /// The governor of the job's endpoint, its limit set from the job.
    fn governor(&self, job: &CallJob) -> Arc<Governor> {
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
            deltas,
            gauge,
            on_end,
            reply,
        } = start;
        // The place in the queue is taken here, in the order the actor receives calls.
        let ticket = match self.governor(&job).enqueue(job.class) {
            Ok(ticket) => ticket,
            Err(full) => {
                let host = job.target.host_port();
                let _ = reply.send(Err(CallsError::QueueFull {
                    waiting: full.waiting,
                    host,
                }));
                return;
            }
        };
        let running = Running::start(gauge);
        let received = job.received;
        let work = self
            .io
            .spawn(async move { run::run_call(&job, ticket, deltas).await });
        tokio::spawn(async move {
            // A bug in a call, or a provider thread gone, must not lose its answer, its
            // end hook or the gauge.
            let report = work.await.unwrap_or_else(|err| {
                let failure = if err.is_panic() {
                    tracing::error!("a model call panicked");
                    Failure::internal("the call hit an internal error")
                } else {
                    Failure::cancelled_by_shutdown()
                };
                run::failed(received, failure)
            });
            drop(running);
            on_end(&report);
            // The caller may have gone (a cancel): nobody to answer then.
            let _ = reply.send(Ok(report));
        });
    }
}

/// Counts a call as running until dropped, however the call ends.
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

/// How the rest of the agent reaches the calls actor.
pub struct CallsHandle {
    pub slot: Arc<ActorSlot<CallsMsg>>,
    pub args: CallsArgs,
    /// Prompt tests and chat calls running now, for `agent.status`.
    pub prompt_tests_running: Arc<AtomicU64>,
    pub chats_running: Arc<AtomicU64>,
    /// Recent answers of `profiles.models`.
    pub models: ModelsCache,
}

impl CallsHandle {
    pub fn new(io: Arc<ProviderIo>) -> Self {
        Self {
            slot: Arc::default(),
            args: CallsArgs {
                governors: Arc::default(),
                io,
            },
            prompt_tests_running: Arc::default(),
            chats_running: Arc::default(),
            models: ModelsCache::default(),
        }
    }

    /// Runs a call and waits for its report. Dropping the future does not stop the
    /// call: cancel the job's token for that.
    pub async fn run(
        &self,
        job: CallJob,
        deltas: Option<mpsc::Sender<String>>,
        gauge: Arc<AtomicU64>,
        on_end: EndHook,
    ) -> Result<CallReport, CallsError> {
        let patience = job.deadline.saturating_duration_since(Instant::now()) + ANSWER_GRACE;
        let start = |reply| {
            CallsMsg::Start(Box::new(Start {
                job,
                deltas,
                gauge,
                on_end,
                reply,
            }))
        };
        match self.slot.call(start, patience).await {
            Ok(answer) => answer,
            Err(_) => Err(CallsError::Unavailable),
        }
    }
}
