//! The discovery actor: owns the schedule and the settings, runs each sweep as a task of
//! its own (so it never waits on the network), keeps the last sweep, reconciles findings
//! against the vault's profiles, and publishes an event on topic `discovery` whenever a
//! sweep's findings differ from the previous one's.
//!
//! When scheduled sweeps run is [`Schedule`]'s to say; this actor arms its timers.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use llm_agent_protocol::events::{DiagnosticsKind, RESULT_OK};
use llm_agent_protocol::methods::discovery::{DiscoveryStatus, Settings, Sweep};
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::sync::{broadcast, watch};

use super::error::DiscoveryError;
use super::schedule::{Due, Schedule};
use crate::actors::ActorSlot;
use crate::diagnostics::{self, DiagnosticsHandle};
use crate::discovery::settings::{self, SettingsStore};
use crate::discovery::{ProbeTable, SweepOptions, sweep};
use crate::timestamp::{now_rfc3339, rfc3339};
use crate::vault::VaultSnapshot;

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
    schedule: Schedule,
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
        let mut schedule = Schedule::new(&settings);
        arm(&myself, schedule.first());
        Ok(DiscoveryState {
            settings,
            schedule,
            args,
        })
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
                if let Some(due) = state.schedule.tick(generation) {
                    let extra = if due.probe_extra {
                        state.settings.extra_endpoints.clone()
                    } else {
                        Vec::new()
                    };
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

/// Delivers a tick when it is due.
fn arm(myself: &DiscoveryRef, due: Option<Due>) {
    let Some(Due { generation, after }) = due else {
        return;
    };
    let actor = myself.clone();
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        let _ = actor.cast(DiscoveryMsg::Tick { generation });
    });
}

impl DiscoveryState {
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
            let outcome = sweep(&options).await.map(|mut report| {
                report.reconcile(&profiles.borrow().profiles);
                let trigger = if scheduled { "scheduled" } else { "manual" };
                report.into_sweep(started_at.clone(), trigger)
            });
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
        let changed = previous.is_none_or(|previous| !same_findings(&previous, &sweep));
        if changed {
            tracing::info!(findings = sweep.findings.len(), trigger = %sweep.trigger, "discovery findings changed");
            // Nobody listening is not an error.
            let _ = self.args.events.send(sweep.clone());
        }
        arm(myself, self.schedule.swept(changed, scheduled));
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
        arm(myself, self.schedule.reconfigure(&settings));
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
            next_sweep_at: self.schedule.next_at().map(rfc3339),
            current_interval_s: self.schedule.current_interval().as_secs(),
        }
    }
}

/// Whether two sweeps found the same: each server's identity, models and conflicts,
/// not its latency nor the order things were found in.
fn same_findings(a: &Sweep, b: &Sweep) -> bool {
    identities(a) == identities(b)
}

/// What tells one finding from another, for [`same_findings`].
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct FindingIdentity<'a> {
    kind: &'a str,
    endpoint: &'a str,
    version: Option<&'a str>,
    auth_required: bool,
    models: Vec<&'a str>,
    also_reachable_at: Vec<&'a str>,
    conflicts: Vec<(&'a str, &'a str)>,
    remediation: Option<&'a str>,
}

fn identities(sweep: &Sweep) -> Vec<FindingIdentity<'_>> {
    fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
        items.sort_unstable();
        items
    }
    sorted(
        sweep
            .findings
            .iter()
            .map(|f| FindingIdentity {
                kind: &f.kind,
                endpoint: &f.endpoint,
                version: f.version.as_deref(),
                auth_required: f.auth_required,
                models: sorted(f.models.iter().map(|m| m.id.as_str()).collect()),
                also_reachable_at: sorted(f.also_reachable_at.iter().map(String::as_str).collect()),
                conflicts: sorted(
                    f.conflicts
                        .iter()
                        .map(|c| (c.profile_id.as_str(), c.class.as_str()))
                        .collect(),
                ),
                remediation: f.remediation.as_deref(),
            })
            .collect(),
    )
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

    /// The last sweep's findings, without an actor hop.
    pub fn last_sweep(&self) -> Option<Arc<Sweep>> {
        self.args
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .last
            .clone()
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
