//! The discovery actor: owns the schedule and the settings, runs each sweep as a task of
//! its own (so it never waits on the network), keeps the last sweep, reconciles findings
//! against the vault's profiles, and publishes an event on topic `discovery` whenever a
//! sweep's findings differ from the previous one's.
//!
//! The schedule: a sweep every `interval_s` (±10% jitter), the gap doubling up to 4×
//! while nothing changes and back to `interval_s` on a change. The first scheduled sweep
//! comes shortly after start-up and probes this machine only; later ones add the hosts
//! the learner configured, and nothing else.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use llm_agent_protocol::events::{DiagnosticsKind, RESULT_OK};
use llm_agent_protocol::methods::discovery::{DiscoveryStatus, Settings, Sweep};
use llm_agent_protocol::methods::profiles::FieldError;
use llm_agent_protocol::value;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use serde::Serialize;
use tokio::sync::{broadcast, watch};

use crate::actors::ActorSlot;
use crate::diagnostics::{self, DiagnosticsHandle};
use crate::discovery::settings::{self, SettingsStore};
use crate::discovery::{ProbeTable, SweepOptions, SweepReport, sweep};
use crate::timestamp::{now_rfc3339, rfc3339};
use crate::vault::VaultSnapshot;

/// How soon after start-up the first scheduled sweep runs.
const FIRST_SWEEP_DELAY: Duration = Duration::from_secs(2);
/// The most the gap between scheduled sweeps grows while nothing changes, as a multiple
/// of `interval_s`.
const MAX_BACKOFF_FACTOR: u32 = 4;
/// Sweeps events a slow subscriber may fall behind before it is told it lagged.
const EVENT_BUFFER: usize = 64;
/// How long a caller waits for the actor beyond a sweep's own budget.
const CALL_GRACE: Duration = Duration::from_secs(5);

pub type DiscoveryRef = ActorRef<DiscoveryMsg>;

pub enum DiscoveryMsg {
    Run(RunRequest, RpcReplyPort<Result<Sweep, DiscoveryError>>),
    Status(RpcReplyPort<DiscoveryStatus>),
    Configure(Settings, RpcReplyPort<Result<Settings, DiscoveryError>>),
    /// A scheduled sweep is due (ignored unless `generation` is the current schedule's).
    Tick {
        generation: u64,
    },
    /// A sweep finished.
    Swept {
        sweep: Arc<Sweep>,
        scheduled: bool,
    },
    /// Makes the actor fail, to exercise supervision.
    #[cfg(test)]
    Crash,
}

/// A sweep asked for with `discovery.run`.
pub struct RunRequest {
    pub extra_endpoints: Vec<String>,
    pub budget: Duration,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum DiscoveryError {
    #[error("{} setting(s) need attention", .0.len())]
    Validation(Vec<FieldError>),
    #[error("the discovery settings could not be saved ({0}); nothing was changed")]
    Storage(String),
    #[error("the sweep could not run: {0}")]
    Sweep(String),
    #[error("discovery is restarting; try again in a moment")]
    Unavailable,
}

/// Cheap, cloneable start-up arguments; what must survive a restart sits behind `Arc`s.
#[derive(Clone)]
pub struct DiscoveryArgs {
    pub store: SettingsStore,
    pub table: ProbeTable,
    pub profiles: watch::Receiver<Arc<VaultSnapshot>>,
    pub events: broadcast::Sender<Arc<Sweep>>,
    pub diagnostics: DiagnosticsHandle,
    pub kept: Arc<Mutex<Kept>>,
}

/// What a restarted actor carries on with.
#[derive(Default)]
pub struct Kept {
    settings: Option<Settings>,
    last: Option<Arc<Sweep>>,
}

pub struct DiscoveryActor;

pub struct DiscoveryState {
    args: DiscoveryArgs,
    settings: Settings,
    /// Bumped at every reschedule; a tick of an older schedule is stale.
    generation: u64,
    current_interval: Duration,
    next_at: Option<SystemTime>,
    /// Scheduled sweeps so far: the first touches this machine only.
    scheduled_sweeps: u64,
    scheduled_running: bool,
}

impl Actor for DiscoveryActor {
    type Msg = DiscoveryMsg;
    type State = DiscoveryState;
    type Arguments = DiscoveryArgs;

    async fn pre_start(
        &self,
        myself: DiscoveryRef,
        args: DiscoveryArgs,
    ) -> Result<DiscoveryState, ActorProcessingErr> {
        let kept = args
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .settings
            .clone();
        let settings = match kept {
            Some(settings) => settings,
            None => {
                let store = args.store.clone();
                tokio::task::spawn_blocking(move || store.load())
                    .await
                    .unwrap_or_default()
            }
        };
        args.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .settings = Some(settings.clone());
        let mut state = DiscoveryState {
            current_interval: base_interval(&settings),
            settings,
            args,
            generation: 0,
            next_at: None,
            scheduled_sweeps: 0,
            scheduled_running: false,
        };
        state.schedule(&myself, FIRST_SWEEP_DELAY);
        Ok(state)
    }

    async fn handle(
        &self,
        myself: DiscoveryRef,
        message: DiscoveryMsg,
        state: &mut DiscoveryState,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            DiscoveryMsg::Run(request, reply) => {
                let mut extra = state.settings.extra_endpoints.clone();
                extra.extend(request.extra_endpoints);
                state.start_sweep(&myself, extra, request.budget, Some(reply));
            }
            DiscoveryMsg::Status(reply) => {
                let _ = reply.send(state.status());
            }
            DiscoveryMsg::Configure(wanted, reply) => {
                let outcome = state.configure(&myself, wanted).await;
                let _ = reply.send(outcome);
            }
            DiscoveryMsg::Tick { generation } => {
                if generation == state.generation
                    && state.settings.enabled
                    && !state.scheduled_running
                {
                    state.next_at = None;
                    state.scheduled_running = true;
                    // The first sweep after start-up stays on this machine.
                    let extra = if state.scheduled_sweeps == 0 {
                        Vec::new()
                    } else {
                        state.settings.extra_endpoints.clone()
                    };
                    state.scheduled_sweeps += 1;
                    state.start_sweep(&myself, extra, crate::discovery::DEFAULT_BUDGET, None);
                }
            }
            DiscoveryMsg::Swept { sweep, scheduled } => state.swept(&myself, sweep, scheduled),
            #[cfg(test)]
            DiscoveryMsg::Crash => return Err("crash requested".into()),
        }
        Ok(())
    }
}

fn base_interval(settings: &Settings) -> Duration {
    Duration::from_secs(settings.interval_s.max(1))
}

impl DiscoveryState {
    fn schedule(&mut self, myself: &DiscoveryRef, after: Duration) {
        self.generation += 1;
        if !self.settings.enabled {
            self.next_at = None;
            return;
        }
        let jitter = 0.9 + fastrand::f64() * 0.2;
        let after = after.mul_f64(jitter);
        self.next_at = Some(SystemTime::now() + after);
        let generation = self.generation;
        let actor = myself.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = actor.cast(DiscoveryMsg::Tick { generation });
        });
    }

    fn start_sweep(
        &self,
        myself: &DiscoveryRef,
        extra_endpoints: Vec<String>,
        budget: Duration,
        reply: Option<RpcReplyPort<Result<Sweep, DiscoveryError>>>,
    ) {
        let options = SweepOptions {
            table: self.args.table.clone(),
            extra_endpoints,
            budget,
            ..SweepOptions::default()
        };
        let profiles = self.args.profiles.clone();
        let diagnostics = self.args.diagnostics.clone();
        let actor = myself.clone();
        let scheduled = reply.is_none();
        tokio::spawn(async move {
            let started_at = now_rfc3339();
            let started = Instant::now();
            let outcome = match sweep(&options).await {
                Ok(mut report) => {
                    report.reconcile(&profiles.borrow().profiles);
                    to_wire(
                        &report,
                        &started_at,
                        if scheduled { "scheduled" } else { "manual" },
                    )
                }
                Err(err) => Err(DiscoveryError::Sweep(err.to_string())),
            };
            if scheduled {
                let result = match &outcome {
                    Ok(_) => RESULT_OK,
                    Err(_) => llm_agent_protocol::ErrorCode::Internal.as_str(),
                };
                diagnostics.record(llm_agent_protocol::events::DiagnosticsEvent {
                    duration_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                    ..diagnostics::event(DiagnosticsKind::DiscoverySweep, result)
                });
            }
            if let Ok(sweep) = &outcome {
                let _ = actor.cast(DiscoveryMsg::Swept {
                    sweep: Arc::new(sweep.clone()),
                    scheduled,
                });
            } else if scheduled {
                tracing::warn!("a scheduled discovery sweep could not run");
                let _ = actor.cast(DiscoveryMsg::Swept {
                    sweep: Arc::new(empty_sweep(&started_at)),
                    scheduled,
                });
            }
            if let Some(reply) = reply {
                let _ = reply.send(outcome);
            }
        });
    }

    fn swept(&mut self, myself: &DiscoveryRef, sweep: Arc<Sweep>, scheduled: bool) {
        let previous = {
            let mut kept = self
                .args
                .kept
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            kept.last.replace(sweep.clone())
        };
        let changed =
            previous.is_none_or(|previous| findings_key(&previous) != findings_key(&sweep));
        if changed {
            tracing::info!(findings = sweep.findings.len(), trigger = %sweep.trigger, "discovery findings changed");
            // Nobody listening is not an error.
            let _ = self.args.events.send(sweep.clone());
        }
        let base = base_interval(&self.settings);
        // A change brings the schedule back to its interval; only scheduled sweeps that
        // find nothing new lengthen it.
        if changed {
            self.current_interval = base;
        } else if scheduled {
            self.current_interval = (self.current_interval * 2).min(base * MAX_BACKOFF_FACTOR);
        }
        if scheduled {
            self.scheduled_running = false;
            self.schedule(myself, self.current_interval);
        }
    }

    async fn configure(
        &mut self,
        myself: &DiscoveryRef,
        wanted: Settings,
    ) -> Result<Settings, DiscoveryError> {
        let settings = settings::validate(wanted).map_err(DiscoveryError::Validation)?;
        let store = self.args.store.clone();
        let to_save = settings.clone();
        tokio::task::spawn_blocking(move || store.save(&to_save))
            .await
            .map_err(|err| DiscoveryError::Storage(err.to_string()))?
            .map_err(|err| DiscoveryError::Storage(err.to_string()))?;
        self.args
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .settings = Some(settings.clone());
        self.settings = settings.clone();
        self.current_interval = base_interval(&settings);
        if !self.scheduled_running {
            self.schedule(myself, self.current_interval);
        } else {
            // The running sweep reschedules when it ends.
            self.generation += 1;
        }
        Ok(settings)
    }

    fn status(&self) -> DiscoveryStatus {
        let last = self
            .args
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .last
            .clone();
        DiscoveryStatus {
            settings: self.settings.clone(),
            last_sweep: last.map(|sweep| (*sweep).clone()),
            next_sweep_at: self.next_at.map(rfc3339),
            current_interval_s: self.current_interval.as_secs(),
        }
    }
}

/// What "the findings changed" compares: each server's identity, models and conflicts,
/// not its latency.
fn findings_key(sweep: &Sweep) -> Vec<String> {
    let mut key: Vec<String> = sweep
        .findings
        .iter()
        .map(|f| {
            let mut models: Vec<&str> = f.models.iter().map(|m| m.id.as_str()).collect();
            models.sort_unstable();
            let mut also = f.also_reachable_at.clone();
            also.sort_unstable();
            let mut conflicts: Vec<String> = f
                .conflicts
                .iter()
                .map(|c| format!("{}:{}", c.profile_id, c.class))
                .collect();
            conflicts.sort_unstable();
            format!(
                "{}|{}|{:?}|{}|{:?}|{:?}|{:?}|{:?}",
                f.kind,
                f.endpoint,
                f.version,
                f.auth_required,
                models,
                also,
                conflicts,
                f.remediation
            )
        })
        .collect();
    key.sort_unstable();
    key
}

/// The engine's report on the wire, with when and why it ran.
fn to_wire(report: &SweepReport, started_at: &str, trigger: &str) -> Result<Sweep, DiscoveryError> {
    #[derive(Serialize)]
    struct Wire<'a> {
        started_at: &'a str,
        trigger: &'a str,
        #[serde(flatten)]
        report: &'a SweepReport,
    }
    let wire = Wire {
        started_at,
        trigger,
        report,
    };
    value::to_value(&wire)
        .ok()
        .and_then(|value| value::from_value::<Sweep>(&value).ok())
        .ok_or_else(|| DiscoveryError::Sweep("its report could not be encoded".into()))
}

fn empty_sweep(started_at: &str) -> Sweep {
    Sweep {
        started_at: started_at.to_owned(),
        trigger: "scheduled".into(),
        findings: Vec::new(),
        errors: Vec::new(),
        probed: Vec::new(),
        elapsed_ms: 0,
        budget_ms: 0,
    }
}

/// How the rest of the agent reaches discovery.
pub struct DiscoveryHandle {
    pub slot: Arc<ActorSlot<DiscoveryMsg>>,
    pub args: DiscoveryArgs,
}

impl DiscoveryHandle {
    pub fn new(
        store: SettingsStore,
        table: ProbeTable,
        profiles: watch::Receiver<Arc<VaultSnapshot>>,
        diagnostics: DiagnosticsHandle,
    ) -> Self {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Self {
            slot: Arc::default(),
            args: DiscoveryArgs {
                store,
                table,
                profiles,
                events,
                diagnostics,
                kept: Arc::default(),
            },
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Sweep>> {
        self.args.events.subscribe()
    }

    pub async fn run(&self, request: RunRequest) -> Result<Sweep, DiscoveryError> {
        let patience = request.budget + CALL_GRACE;
        self.call(|reply| DiscoveryMsg::Run(request, reply), patience)
            .await?
    }

    pub async fn status(&self) -> Result<DiscoveryStatus, DiscoveryError> {
        self.call(DiscoveryMsg::Status, CALL_GRACE).await
    }

    pub async fn configure(&self, settings: Settings) -> Result<Settings, DiscoveryError> {
        self.call(|reply| DiscoveryMsg::Configure(settings, reply), CALL_GRACE)
            .await?
    }

    async fn call<T: Send + 'static>(
        &self,
        msg: impl FnOnce(RpcReplyPort<T>) -> DiscoveryMsg,
        patience: Duration,
    ) -> Result<T, DiscoveryError> {
        self.slot
            .call(msg, patience)
            .await
            .map_err(|_| DiscoveryError::Unavailable)
    }
}
