//! The catalog actor: the only writer of the learner's catalog edits. Each edit is
//! checked, written durably to `catalog.json`, and only then published as a new catalog
//! snapshot, announced on the `catalog` topic under the next revision, and answered.
//! Reads (`catalog.list`, default models, prices) use the latest snapshot and never
//! queue behind an edit.

use std::sync::Arc;
use std::time::Duration;

use llm_agent_protocol::events::{CatalogChange, CatalogEvent};
use llm_agent_protocol::methods::catalog::{
    CatalogModel, CatalogProvider, ModelRef, SetProviderParams, UpsertModelParams,
};
use llm_agent_protocol::patch::Patch;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::sync::watch;

use super::error::CatalogError;
use crate::actors::ActorSlot;
use crate::catalog::overlay::{self, MAX_EDITED_MODELS, MAX_PARALLELISM, OverlayProblem};
use crate::catalog::{CatalogState, Overlay, OverlayStore, SharedCatalog, Shipped};
use crate::live::{LiveState, StateChange};
use crate::texts::{self, Explain, messages};
use crate::timestamp::today;

/// How long a caller waits for an edit (a durable write).
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

pub type CatalogRef = ActorRef<CatalogMsg>;
type Reply<T> = RpcReplyPort<Result<T, CatalogError>>;

pub enum CatalogMsg {
    Upsert(UpsertModelParams, Reply<CatalogModel>),
    SetStatus {
        model: ModelRef,
        deprecated: bool,
        reply: Reply<CatalogModel>,
    },
    SetDefault(ModelRef, Reply<CatalogProvider>),
    SetProvider(SetProviderParams, Reply<CatalogProvider>),
}

#[derive(Clone)]
pub struct CatalogArgs {
    pub store: OverlayStore,
    pub shipped: Arc<Shipped>,
    pub snapshot: Arc<watch::Sender<SharedCatalog>>,
    pub live: Arc<LiveState>,
}

pub struct CatalogActor;

pub struct CatalogActorState {
    args: CatalogArgs,
    overlay: Overlay,
    /// Set when `catalog.json` could not be trusted: edits are refused, never written.
    problem: Option<OverlayProblem>,
}

impl Actor for CatalogActor {
    type Msg = CatalogMsg;
    type State = CatalogActorState;
    type Arguments = CatalogArgs;

    async fn pre_start(
        &self,
        _: CatalogRef,
        args: CatalogArgs,
    ) -> Result<CatalogActorState, ActorProcessingErr> {
        let store = args.store.clone();
        let loaded = tokio::task::spawn_blocking(move || store.load())
            .await
            .unwrap_or_else(|err| Err(OverlayProblem::Unreadable(err.to_string())));
        let (overlay, problem) = match loaded {
            Ok(overlay) => (overlay, None),
            Err(problem) => {
                tracing::error!(%problem, "catalog edits unusable");
                (Overlay::default(), Some(problem))
            }
        };
        let state = CatalogActorState {
            args,
            overlay,
            problem,
        };
        state.publish(&state.overlay);
        Ok(state)
    }

    async fn handle(
        &self,
        _: CatalogRef,
        message: CatalogMsg,
        state: &mut CatalogActorState,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            CatalogMsg::Upsert(params, reply) => {
                let outcome = state.upsert(params).await;
                let _ = reply.send(outcome);
            }
            CatalogMsg::SetStatus {
                model,
                deprecated,
                reply,
            } => {
                let outcome = state.set_status(model, deprecated).await;
                let _ = reply.send(outcome);
            }
            CatalogMsg::SetDefault(model, reply) => {
                let outcome = state.set_default(model).await;
                let _ = reply.send(outcome);
            }
            CatalogMsg::SetProvider(params, reply) => {
                let outcome = state.set_provider(params).await;
                let _ = reply.send(outcome);
            }
        }
        Ok(())
    }
}

impl CatalogActorState {
    fn current(&self) -> SharedCatalog {
        self.args.snapshot.borrow().clone()
    }

    fn publish(&self, overlay: &Overlay) -> SharedCatalog {
        let catalog = Arc::new(CatalogState::new(&self.args.shipped, overlay));
        self.args.snapshot.send_replace(catalog.clone());
        catalog
    }

    fn provider_known(&self, provider: &str) -> Result<(), CatalogError> {
        match self.current().provider(provider) {
            Some(_) => Ok(()),
            None => Err(CatalogError::UnknownProvider(provider.to_owned())),
        }
    }

    fn model_known(&self, model: &ModelRef) -> Result<(), CatalogError> {
        self.provider_known(&model.provider)?;
        match self.current().model(&model.provider, &model.model) {
            Some(_) => Ok(()),
            None => Err(CatalogError::UnknownModel {
                provider: model.provider.clone(),
                model: model.model.clone(),
            }),
        }
    }

    /// Writes `next` durably, then makes it current, publishes it and announces the
    /// edit (`change` of `provider`'s `model`).
    async fn commit(
        &mut self,
        next: Overlay,
        change: CatalogChange,
        provider: &str,
        model: Option<&str>,
    ) -> Result<SharedCatalog, CatalogError> {
        if let Some(problem) = &self.problem {
            return Err(CatalogError::ReadOnly(problem.message()));
        }
        let store = self.args.store.clone();
        let to_save = next.clone();
        tokio::task::spawn_blocking(move || store.save(&to_save))
            .await
            .map_err(|err| CatalogError::Storage(err.to_string()))?
            .map_err(|err| CatalogError::Storage(err.to_string()))?;
        let catalog = Arc::new(CatalogState::new(&self.args.shipped, &next));
        let events = catalog
            .provider(provider)
            .map(|entry| {
                StateChange::Catalog(CatalogEvent {
                    revision: 0,
                    change,
                    provider: entry.clone(),
                    model: model.map(str::to_owned),
                })
            })
            .into_iter()
            .collect();
        self.args.live.publish(events, |_| {
            self.args.snapshot.send_replace(catalog.clone());
        });
        self.overlay = next;
        Ok(catalog)
    }

    async fn upsert(&mut self, params: UpsertModelParams) -> Result<CatalogModel, CatalogError> {
        self.provider_known(&params.provider)?;
        overlay::check_upsert(&params).map_err(CatalogError::Validation)?;
        let id = params.id.trim().to_owned();
        let known = self
            .overlay
            .models
            .iter()
            .any(|m| m.provider == params.provider && m.id == id);
        if !known && self.overlay.edited_models() >= MAX_EDITED_MODELS {
            return Err(CatalogError::Validation(vec![texts::field_error(
                "id".into(),
                "too_long",
                messages::catalog_too_many_models(MAX_EDITED_MODELS),
            )]));
        }
        let mut next = self.overlay.clone();
        next.upsert(&params, &today());
        let catalog = self
            .commit(
                next,
                CatalogChange::ModelUpserted,
                &params.provider,
                Some(&id),
            )
            .await?;
        model_of(&catalog, &params.provider, &id)
    }

    async fn set_status(
        &mut self,
        model: ModelRef,
        deprecated: bool,
    ) -> Result<CatalogModel, CatalogError> {
        self.model_known(&model)?;
        let mut next = self.overlay.clone();
        let status = if deprecated { "deprecated" } else { "active" };
        next.set_status(&model.provider, &model.model, status, &today());
        let change = if deprecated {
            CatalogChange::ModelDeprecated
        } else {
            CatalogChange::ModelReactivated
        };
        let catalog = self
            .commit(next, change, &model.provider, Some(&model.model))
            .await?;
        model_of(&catalog, &model.provider, &model.model)
    }

    async fn set_default(&mut self, model: ModelRef) -> Result<CatalogProvider, CatalogError> {
        self.model_known(&model)?;
        let mut next = self.overlay.clone();
        next.set_default(&model.provider, &model.model);
        let catalog = self
            .commit(
                next,
                CatalogChange::DefaultModelSet,
                &model.provider,
                Some(&model.model),
            )
            .await?;
        provider_of(&catalog, &model.provider)
    }

    async fn set_provider(
        &mut self,
        params: SetProviderParams,
    ) -> Result<CatalogProvider, CatalogError> {
        self.provider_known(&params.provider)?;
        let mut next = self.overlay.clone();
        match params.parallelism {
            Patch::Keep => {}
            Patch::Clear => next.set_parallelism(&params.provider, None),
            Patch::Set(limit) => {
                if !(1..=MAX_PARALLELISM).contains(&limit) {
                    return Err(CatalogError::Validation(vec![texts::field_error(
                        "parallelism".into(),
                        "invalid",
                        messages::catalog_field_parallelism(MAX_PARALLELISM),
                    )]));
                }
                next.set_parallelism(&params.provider, Some(limit));
            }
        }
        let catalog = self
            .commit(next, CatalogChange::ProviderSet, &params.provider, None)
            .await?;
        provider_of(&catalog, &params.provider)
    }
}

fn model_of(
    catalog: &CatalogState,
    provider: &str,
    id: &str,
) -> Result<CatalogModel, CatalogError> {
    catalog
        .model(provider, id)
        .cloned()
        .ok_or_else(|| CatalogError::UnknownModel {
            provider: provider.to_owned(),
            model: id.to_owned(),
        })
}

fn provider_of(catalog: &CatalogState, provider: &str) -> Result<CatalogProvider, CatalogError> {
    catalog
        .provider(provider)
        .cloned()
        .ok_or_else(|| CatalogError::UnknownProvider(provider.to_owned()))
}

/// How the rest of the agent reaches the catalog.
pub struct CatalogHandle {
    pub slot: Arc<ActorSlot<CatalogMsg>>,
    pub args: CatalogArgs,
    snapshot: watch::Receiver<SharedCatalog>,
}

impl CatalogHandle {
    pub fn new(store: OverlayStore, live: Arc<LiveState>) -> Self {
        let shipped = Arc::new(Shipped::compiled_in());
        // Until the actor has read the learner's edits: the shipped catalog alone.
        let initial = Arc::new(CatalogState::new(&shipped, &Overlay::default()));
        let (sender, snapshot) = watch::channel(initial);
        Self {
            slot: Arc::default(),
            args: CatalogArgs {
                store,
                shipped,
                snapshot: Arc::new(sender),
                live,
            },
            snapshot,
        }
    }

    /// The latest catalog.
    pub fn snapshot(&self) -> SharedCatalog {
        self.snapshot.borrow().clone()
    }

    pub async fn call<T: Send + 'static>(
        &self,
        msg: impl FnOnce(Reply<T>) -> CatalogMsg,
    ) -> Result<T, CatalogError> {
        self.slot
            .call(msg, CALL_TIMEOUT)
            .await
            .map_err(|_| CatalogError::Unavailable)?
    }
}
