//! The supervisor: spawns and links the agent's actors (diagnostics, catalog, vault,
//! calls, discovery), and
//! restarts one that crashes from its cheap, cloneable arguments. Each restart is
//! logged, counted in `agent.status` and recorded in diagnostics. A child that keeps
//! crashing (more than [`MAX_RESTARTS`] within [`RESTART_WINDOW`]) shuts the agent down
//! instead of looping.

use std::collections::VecDeque;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::events::{DiagnosticsEvent, DiagnosticsKind};
use ractor::{Actor, ActorCell, ActorId, ActorProcessingErr, ActorRef, SpawnErr, SupervisionEvent};

use crate::calls::actor::CallsActor;
use crate::catalog::actor::CatalogActor;
use crate::diagnostics::{self, actor::DiagnosticsActor};
use crate::discovery::actor::DiscoveryActor;
use crate::state::SharedState;
use crate::vault::actor::VaultActor;

pub const MAX_RESTARTS: usize = 5;
pub const RESTART_WINDOW: Duration = Duration::from_secs(60);
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

pub type SupervisorRef = ActorRef<()>;

pub struct Supervisor;

pub struct SupervisorState {
    agent: SharedState,
    restarts: VecDeque<Instant>,
}

/// The supervised actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Child {
    Diagnostics,
    Catalog,
    Vault,
    Calls,
    Discovery,
}

impl Child {
    const ALL: [Child; 5] = [
        Child::Diagnostics,
        Child::Catalog,
        Child::Vault,
        Child::Calls,
        Child::Discovery,
    ];

    fn name(self) -> &'static str {
        match self {
            Child::Diagnostics => "diagnostics",
            Child::Catalog => "catalog",
            Child::Vault => "vault",
            Child::Calls => "calls",
            Child::Discovery => "discovery",
        }
    }

    fn current_id(self, agent: &SharedState) -> Option<ActorId> {
        match self {
            Child::Diagnostics => agent.diagnostics.slot.get().map(|a| a.get_id()),
            Child::Catalog => agent.catalog.slot.get().map(|a| a.get_id()),
            Child::Vault => agent.vault.slot.get().map(|a| a.get_id()),
            Child::Calls => agent.calls.slot.get().map(|a| a.get_id()),
            Child::Discovery => agent.discovery.slot.get().map(|a| a.get_id()),
        }
    }

    /// Spawns the child from its cloneable arguments and points its slot at it.
    async fn spawn(self, agent: &SharedState, supervisor: ActorCell) -> Result<(), SpawnErr> {
        match self {
            Child::Diagnostics => {
                let handle = &agent.diagnostics;
                let (actor, _) =
                    Actor::spawn_linked(None, DiagnosticsActor, handle.args.clone(), supervisor)
                        .await?;
                handle.slot.set(actor);
            }
            Child::Vault => {
                let handle = &agent.vault;
                let (actor, _) =
                    Actor::spawn_linked(None, VaultActor, handle.args.clone(), supervisor).await?;
                handle.slot.set(actor);
            }
            Child::Catalog => {
                let handle = &agent.catalog;
                let (actor, _) =
                    Actor::spawn_linked(None, CatalogActor, handle.args.clone(), supervisor)
                        .await?;
                handle.slot.set(actor);
            }
            Child::Calls => {
                let handle = &agent.calls;
                let (actor, _) =
                    Actor::spawn_linked(None, CallsActor, handle.args.clone(), supervisor).await?;
                handle.slot.set(actor);
            }
            Child::Discovery => {
                let handle = &agent.discovery;
                let (actor, _) =
                    Actor::spawn_linked(None, DiscoveryActor, handle.args.clone(), supervisor)
                        .await?;
                handle.slot.set(actor);
            }
        }
        Ok(())
    }
}

impl Supervisor {
    pub async fn spawn(agent: SharedState) -> Result<SupervisorRef, SpawnErr> {
        let (supervisor, _join) = Actor::spawn(None, Supervisor, agent).await?;
        Ok(supervisor)
    }
}

impl Actor for Supervisor {
    type Msg = ();
    type State = SupervisorState;
    type Arguments = SharedState;

    async fn pre_start(
        &self,
        myself: SupervisorRef,
        agent: SharedState,
    ) -> Result<SupervisorState, ActorProcessingErr> {
        for child in Child::ALL {
            child.spawn(&agent, myself.get_cell()).await?;
        }
        Ok(SupervisorState {
            agent,
            restarts: VecDeque::new(),
        })
    }

    async fn post_stop(
        &self,
        myself: SupervisorRef,
        _state: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        // Children finish what is already in their mailboxes before they stop.
        myself.drain_children_and_wait(Some(DRAIN_TIMEOUT)).await;
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: SupervisorRef,
        event: SupervisionEvent,
        state: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        let (cell, reason) = match event {
            SupervisionEvent::ActorFailed(cell, err) => (cell, err.to_string()),
            SupervisionEvent::ActorTerminated(cell, _, reason) => {
                (cell, reason.unwrap_or_else(|| "stopped".into()))
            }
            _ => return Ok(()),
        };
        if state.agent.shutdown.is_cancelled() {
            return Ok(());
        }
        let Some(child) = Child::ALL
            .into_iter()
            .find(|child| child.current_id(&state.agent) == Some(cell.get_id()))
        else {
            return Ok(());
        };
        let name = child.name();
        tracing::error!(actor = name, %reason, "actor stopped unexpectedly; restarting");
        let now = Instant::now();
        state
            .restarts
            .retain(|at| now.duration_since(*at) < RESTART_WINDOW);
        if state.restarts.len() >= MAX_RESTARTS {
            state.agent.fail(format!(
                "actors crashed {} times within {RESTART_WINDOW:?}, the last one {name}",
                MAX_RESTARTS + 1
            ));
            return Ok(());
        }
        state.restarts.push_back(now);
        if let Err(err) = child.spawn(&state.agent, myself.get_cell()).await {
            state
                .agent
                .fail(format!("the {name} actor could not be restarted: {err}"));
            return Ok(());
        }
        state.agent.counters.actor_restarts.fetch_add(1, Relaxed);
        state.agent.diagnostics.record(DiagnosticsEvent {
            actor: Some(name.into()),
            ..diagnostics::event(
                DiagnosticsKind::ActorRestarted,
                ErrorCode::Internal.as_str(),
            )
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use llm_agent_protocol::methods::diagnostics::QueryParams;

    use super::*;
    use crate::diagnostics::actor::DiagnosticsMsg;
    use crate::state::testing::agent_state;

    #[tokio::test]
    async fn a_crashed_diagnostics_actor_is_restarted_and_keeps_its_sequence() {
        let dir = tempfile::tempdir().unwrap();
        let (agent, journal) = agent_state(dir.path());
        let supervisor = Supervisor::spawn(agent.clone()).await.unwrap();
        let diagnostics = &agent.diagnostics;
        diagnostics.record(diagnostics::event(DiagnosticsKind::AgentStarted, "OK"));
        let first = diagnostics.slot.get().unwrap();
        first.cast(DiagnosticsMsg::Crash).unwrap();

        let deadline = Instant::now() + Duration::from_secs(5);
        while diagnostics.slot.get().unwrap().get_id() == first.get_id() {
            assert!(Instant::now() < deadline, "not restarted");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(agent.counters.actor_restarts.load(Relaxed), 1);
        let found = diagnostics.query(QueryParams::default()).await.unwrap();
        let restart = found.events.last().unwrap();
        assert_eq!(restart.kind, DiagnosticsKind::ActorRestarted);
        assert_eq!(restart.actor.as_deref(), Some("diagnostics"));
        assert_eq!(restart.seq, 2, "numbering carries on across the restart");

        supervisor.stop_and_wait(None, None).await.unwrap();
        journal.close();
    }

    #[tokio::test]
    async fn an_actor_that_keeps_crashing_shuts_the_agent_down() {
        let dir = tempfile::tempdir().unwrap();
        let (agent, journal) = agent_state(dir.path());
        let supervisor = Supervisor::spawn(agent.clone()).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !agent.shutdown.is_cancelled() {
            assert!(Instant::now() < deadline, "restarts never gave up");
            if let Some(actor) = agent.diagnostics.slot.get() {
                let _ = actor.cast(DiagnosticsMsg::Crash);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            agent.counters.actor_restarts.load(Relaxed),
            MAX_RESTARTS as u64
        );
        assert!(agent.fatal.get().is_some(), "the agent exits non-zero");
        supervisor.stop_and_wait(None, None).await.unwrap();
        journal.close();
    }
}
