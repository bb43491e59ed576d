//! The vault actor: the only writer of profiles. Every mutation is a message, so the
//! mailbox is the serialization. A mutation checks safe storage, builds the new state,
//! encrypts secrets, writes `profiles.json` atomically and durably, and only then
//! publishes a new immutable snapshot and replies. Reads never come here: they use the
//! latest snapshot, so a read never queues behind a write.
//!
//! The actor's arguments are cheap to clone; a restarted vault reloads the file, which
//! holds every acknowledged change.

use std::sync::Arc;
use std::time::Duration;

use llm_agent_protocol::methods::profiles::{
    ActivateResult, CreateParams, DeleteParams, DeleteResult, FieldError, IdParams, ProfileResult,
    RedactedProfile, ResetSecretsResult, UpdateParams, Warning,
};
use llm_agent_protocol::patch::Patch;
use llm_agent_protocol::safe_storage::{SafeStorageState, SafeStorageStatus, StoreStatus};
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::sync::watch;
use uuid::Uuid;

use super::ActorSlot;
use crate::vault::model::{
    self, Draft, StoredProfile, VaultData, check_api_key, create_candidate, keeps_secret_bound,
    now_rfc3339, patched, update_candidate, validate,
};
use crate::vault::safe_storage::{self, SafeStorage, SafeStorageError, Sample, StoreOpener};
use crate::vault::secret::ApiKey;
use crate::vault::store::{Loaded, ProfileStore};

/// How often safe storage is checked again while it is not usable.
const PROBE_INTERVAL: Duration = Duration::from_secs(15);
/// How long a caller waits for a mutation (it may include a keyring call and fsync).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

pub type VaultRef = ActorRef<VaultMsg>;
type Reply<T> = RpcReplyPort<Result<T, VaultError>>;

pub enum VaultMsg {
    Create(CreateParams, Reply<ProfileResult>),
    Update(UpdateParams, Reply<ProfileResult>),
    Delete(DeleteParams, Reply<DeleteResult>),
    Activate(IdParams, Reply<ActivateResult>),
    ResetSecrets(Reply<ResetSecretsResult>),
    /// The decrypted key of a profile, for a call to its provider.
    ApiKey(Uuid, Reply<Option<ApiKey>>),
    /// Check safe storage again.
    Probe,
}

/// Why a vault operation failed. Each maps to one wire error code (`wire_errors.rs`).
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("no profile has the id {id:?}")]
    NotFound { id: String },
    #[error("{} field(s) need attention", .0.len())]
    Validation(Vec<FieldError>),
    #[error("another profile is already named {name:?}")]
    NameConflict { name: String, conflicting_id: Uuid },
    #[error("profile {id} is the active one: name the profile to activate instead (successor_id)")]
    SuccessorRequired { id: Uuid },
    #[error("the successor {successor_id:?} is not another existing profile")]
    SuccessorNotFound { successor_id: String },
    #[error(
        "{endpoint} is not on this computer, and the learner has not agreed to send prompts there"
    )]
    ConsentRequired { endpoint: String },
    #[error(transparent)]
    SafeStorage(#[from] SafeStorageError),
    #[error("profiles cannot be changed: {problem}")]
    ReadOnly { problem: String },
    #[error("the profile file could not be written ({0}); nothing was changed")]
    Storage(#[source] std::io::Error),
    #[error("the vault is restarting; try again in a moment")]
    Unavailable,
}

/// What every read sees: an immutable view, replaced whole after each committed change.
#[derive(Debug)]
pub struct VaultSnapshot {
    /// In creation order, redacted.
    pub profiles: Vec<RedactedProfile>,
    pub active_id: Option<String>,
    pub safe_storage: SafeStorageStatus,
    pub store: StoreStatus,
}

impl VaultSnapshot {
    fn empty() -> Self {
        Self {
            profiles: Vec::new(),
            active_id: None,
            safe_storage: SafeStorageStatus {
                state: SafeStorageState::Unknown,
                reason: None,
                remediation: None,
            },
            store: StoreStatus {
                writable: false,
                problem: Some("the vault is starting".into()),
            },
        }
    }
}

/// Plain, cloneable start-up arguments.
#[derive(Clone)]
pub struct VaultArgs {
    pub store: ProfileStore,
    pub opener: StoreOpener,
    pub store_timeout: Duration,
    pub snapshot: Arc<watch::Sender<Arc<VaultSnapshot>>>,
}

pub struct VaultActor;

pub struct VaultState {
    args: VaultArgs,
    data: VaultData,
    /// Why the file must not be written, if it must not.
    read_only: Option<String>,
    safe: SafeStorage,
    probe_scheduled: bool,
}

impl Actor for VaultActor {
    type Msg = VaultMsg;
    type State = VaultState;
    type Arguments = VaultArgs;

    async fn pre_start(
        &self,
        myself: VaultRef,
        args: VaultArgs,
    ) -> Result<VaultState, ActorProcessingErr> {
        let store = args.store.clone();
        let loaded = tokio::task::spawn_blocking(move || store.load()).await?;
        let (data, read_only) = match loaded {
            Ok(Loaded::Fresh) => (VaultData::new(), None),
            Ok(Loaded::Ready(data)) => (data, None),
            Ok(Loaded::ReadOnly { data, problem }) => (data, Some(problem)),
            Err(e) => (
                VaultData::new(),
                Some(format!(
                    "{} could not be read ({e}); it was left as it is",
                    args.store.path().display()
                )),
            ),
        };
        if let Some(problem) = &read_only {
            tracing::error!(%problem, "profiles are read-only");
        }
        let safe = SafeStorage::new(args.opener.clone(), data.vault_id, args.store_timeout);
        let state = VaultState {
            args,
            data,
            read_only,
            safe,
            probe_scheduled: true,
        };
        state.publish();
        // Learn safe storage's state in the background; start-up does not wait on it.
        myself.cast(VaultMsg::Probe)?;
        Ok(state)
    }

    async fn handle(
        &self,
        myself: VaultRef,
        msg: VaultMsg,
        state: &mut VaultState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            VaultMsg::Create(params, reply) => {
                let _ = reply.send(state.create(params).await);
            }
            VaultMsg::Update(params, reply) => {
                let _ = reply.send(state.update(params).await);
            }
            VaultMsg::Delete(params, reply) => {
                let _ = reply.send(state.delete(params).await);
            }
            VaultMsg::Activate(params, reply) => {
                let _ = reply.send(state.activate(params).await);
            }
            VaultMsg::ResetSecrets(reply) => {
                let _ = reply.send(state.reset_secrets().await);
            }
            VaultMsg::ApiKey(id, reply) => {
                let _ = reply.send(state.api_key(id).await);
            }
            VaultMsg::Probe => {
                state.probe_scheduled = false;
                let _ = state.check_safe_storage(false).await;
            }
        }
        if state.args.snapshot.borrow().safe_storage != *state.safe.status() {
            state.publish();
        }
        let usable = matches!(
            state.safe.status().state,
            SafeStorageState::Available | SafeStorageState::NotInitialized
        );
        if !usable && !state.probe_scheduled {
            state.probe_scheduled = true;
            myself.send_after(PROBE_INTERVAL, || VaultMsg::Probe);
        }
        Ok(())
    }
}

impl VaultState {
    async fn create(&mut self, params: CreateParams) -> Result<ProfileResult, VaultError> {
        self.writable()?;
        let metadata = params.metadata.clone().unwrap_or_default();
        let mut problems = Vec::new();
        let key = params.api_key.as_deref().and_then(|key| {
            check_api_key(key, "api_key")
                .map_err(|e| problems.push(e))
                .ok()
        });
        let draft = validate(&create_candidate(&params, &metadata));
        let draft = finish_validation(draft, problems)?;
        self.check_remote_consent(&draft)?;
        self.check_name(&draft.name, None)?;
        self.check_safe_storage(key.is_some()).await?;

        let id = Uuid::new_v4();
        let sealed = self.seal(id, key.as_ref()).await?;
        let now = now_rfc3339();
        let profile = StoredProfile {
            id,
            name: draft.name,
            provider: draft.provider,
            endpoint: draft.endpoint,
            model: draft.model,
            api_key_hint: key.as_ref().map(ApiKey::hint),
            api_key: sealed,
            consent_granted_at: draft.consent_granted_at,
            created_at: now.clone(),
            updated_at: now,
            metadata: draft.metadata,
        };
        let mut next = self.data.clone();
        next.profiles.push(profile);
        next.active_id = next.active_id.or(Some(id));
        self.commit(next).await?;
        Ok(self.profile_result(id, Vec::new()))
    }

    async fn update(&mut self, params: UpdateParams) -> Result<ProfileResult, VaultError> {
        self.writable()?;
        let id = self.existing(&params.id)?;
        let stored = self.data.find(id).cloned().ok_or(VaultError::NotFound {
            id: params.id.clone(),
        })?;
        let patch = &params.patch;
        let same_origin = keeps_secret_bound(&stored, patch);
        let keeps_key = same_origin && stored.api_key.is_some();
        let will_have_key = match &patch.api_key {
            Patch::Set(_) => true,
            Patch::Clear => false,
            Patch::Keep => keeps_key,
        };
        let stored_consent = stored.consent_granted_at.as_deref().filter(|_| same_origin);
        let consent = patched(&patch.consent_granted_at, stored_consent);
        let metadata = patch
            .metadata
            .clone()
            .unwrap_or_else(|| stored.metadata.clone());

        let mut problems = Vec::new();
        let key = match &patch.api_key {
            Patch::Set(key) => check_api_key(key, "patch.api_key")
                .map_err(|e| problems.push(e))
                .ok(),
            _ => None,
        };
        let draft = validate(&update_candidate(
            &stored,
            patch,
            &metadata,
            consent,
            will_have_key,
        ));
        let draft = finish_validation(draft, problems)?;
        self.check_remote_consent(&draft)?;
        self.check_name(&draft.name, Some(id))?;
        self.check_safe_storage(key.is_some()).await?;

        let mut warnings = Vec::new();
        let dropped_key = patch.api_key.is_keep() && stored.api_key.is_some() && !same_origin;
        let dropped_consent = patch.consent_granted_at.is_keep()
            && stored.consent_granted_at.is_some()
            && !same_origin;
        if dropped_key || dropped_consent {
            warnings.push(Warning {
                code: "credentials_dropped".into(),
                message: "The endpoint now points to another server, so the saved API key and consent were removed: enter them again for the new server.".into(),
            });
        }
        let (api_key, api_key_hint) = match &patch.api_key {
            Patch::Set(_) => (
                self.seal(id, key.as_ref()).await?,
                key.as_ref().map(ApiKey::hint),
            ),
            Patch::Clear => (None, None),
            Patch::Keep if keeps_key => (stored.api_key.clone(), stored.api_key_hint.clone()),
            Patch::Keep => (None, None),
        };
        let updated = StoredProfile {
            id,
            name: draft.name,
            provider: draft.provider,
            endpoint: draft.endpoint,
            model: draft.model,
            api_key,
            api_key_hint,
            consent_granted_at: draft.consent_granted_at,
            created_at: stored.created_at.clone(),
            updated_at: now_rfc3339(),
            metadata: draft.metadata,
        };
        let mut next = self.data.clone();
        if let Some(slot) = next.profiles.iter_mut().find(|p| p.id == id) {
            *slot = updated;
        }
        self.commit(next).await?;
        Ok(self.profile_result(id, warnings))
    }

    async fn delete(&mut self, params: DeleteParams) -> Result<DeleteResult, VaultError> {
        self.writable()?;
        let id = self.existing(&params.id)?;
        let successor = match &params.successor_id {
            None => None,
            Some(text) => match Uuid::parse_str(text)
                .ok()
                .filter(|s| *s != id && self.data.find(*s).is_some())
            {
                Some(successor) => Some(successor),
                None => {
                    return Err(VaultError::SuccessorNotFound {
                        successor_id: text.clone(),
                    });
                }
            },
        };
        let deleting_active = self.data.active_id == Some(id);
        let others_exist = self.data.profiles.len() > 1;
        if deleting_active && others_exist && successor.is_none() {
            return Err(VaultError::SuccessorRequired { id });
        }
        self.check_safe_storage(false).await?;
        let mut next = self.data.clone();
        next.profiles.retain(|p| p.id != id);
        if deleting_active {
            next.active_id = successor;
        }
        self.commit(next).await?;
        Ok(DeleteResult {
            deleted_id: id.to_string(),
            active_id: self.data.active_id.map(|a| a.to_string()),
        })
    }

    async fn activate(&mut self, params: IdParams) -> Result<ActivateResult, VaultError> {
        let id = self.existing(&params.id)?;
        let previous = self.data.active_id;
        if previous == Some(id) {
            return Ok(ActivateResult {
                active_id: id.to_string(),
                previous_active_id: Some(id.to_string()),
                changed: false,
            });
        }
        self.writable()?;
        self.check_safe_storage(false).await?;
        let mut next = self.data.clone();
        next.active_id = Some(id);
        self.commit(next).await?;
        Ok(ActivateResult {
            active_id: id.to_string(),
            previous_active_id: previous.map(|p| p.to_string()),
            changed: true,
        })
    }

    async fn reset_secrets(&mut self) -> Result<ResetSecretsResult, VaultError> {
        self.writable()?;
        match self.check_safe_storage(true).await {
            Ok(()) => {
                return Ok(ResetSecretsResult {
                    cleared_ids: Vec::new(),
                    safe_storage: self.safe.status().clone(),
                });
            }
            Err(VaultError::SafeStorage(SafeStorageError::KeyMissing { .. })) => {}
            Err(other) => return Err(other),
        }
        let mut next = self.data.clone();
        let mut cleared_ids = Vec::new();
        for profile in next.profiles.iter_mut().filter(|p| p.api_key.is_some()) {
            profile.api_key = None;
            profile.api_key_hint = None;
            profile.updated_at = now_rfc3339();
            cleared_ids.push(profile.id.to_string());
        }
        self.commit(next).await?;
        self.safe.reset();
        self.publish();
        tracing::warn!(
            count = cleared_ids.len(),
            "dropped API keys that could no longer be decrypted"
        );
        Ok(ResetSecretsResult {
            cleared_ids,
            safe_storage: self.safe.status().clone(),
        })
    }

    async fn api_key(&mut self, id: Uuid) -> Result<Option<ApiKey>, VaultError> {
        let profile = self
            .data
            .find(id)
            .ok_or(VaultError::NotFound { id: id.to_string() })?;
        let Some(sealed) = profile.api_key.clone() else {
            return Ok(None);
        };
        if self.safe.key().is_none() {
            self.check_safe_storage(true).await?;
        }
        let key = self
            .safe
            .key()
            .ok_or_else(|| SafeStorageError::KeyMissing {
                reason: "no key is available to decrypt it".into(),
            })?;
        let secret =
            safe_storage::open(key, id, &sealed).map_err(|e| SafeStorageError::KeyMissing {
                reason: e.to_string(),
            })?;
        Ok(Some(secret))
    }

    fn writable(&self) -> Result<(), VaultError> {
        match &self.read_only {
            Some(problem) => Err(VaultError::ReadOnly {
                problem: problem.clone(),
            }),
            None => Ok(()),
        }
    }

    fn existing(&self, id: &str) -> Result<Uuid, VaultError> {
        Uuid::parse_str(id)
            .ok()
            .filter(|id| self.data.find(*id).is_some())
            .ok_or_else(|| VaultError::NotFound { id: id.to_owned() })
    }

    fn check_remote_consent(&self, draft: &Draft) -> Result<(), VaultError> {
        if draft.is_local || draft.consent_granted_at.is_some() {
            Ok(())
        } else {
            Err(VaultError::ConsentRequired {
                endpoint: draft.endpoint.clone(),
            })
        }
    }

    fn check_name(&self, name: &str, except: Option<Uuid>) -> Result<(), VaultError> {
        match self.data.name_taken(name, except) {
            Some(conflicting_id) => Err(VaultError::NameConflict {
                name: name.to_owned(),
                conflicting_id,
            }),
            None => Ok(()),
        }
    }

    /// Every write checks safe storage first. A missing key stops only writes that
    /// involve secrets; an unreachable store stops every write.
    async fn check_safe_storage(&mut self, involves_secrets: bool) -> Result<(), VaultError> {
        let sample = self.data.profiles.iter().find_map(|p| {
            p.api_key.as_ref().map(|sealed| Sample {
                profile_id: p.id,
                sealed,
            })
        });
        match self.safe.check(sample).await {
            Err(SafeStorageError::KeyMissing { .. }) if !involves_secrets => Ok(()),
            other => other.map_err(VaultError::from),
        }
    }

    async fn seal(
        &mut self,
        id: Uuid,
        key: Option<&ApiKey>,
    ) -> Result<Option<model::SealedSecret>, VaultError> {
        match key {
            None => Ok(None),
            Some(secret) => {
                let data_key = self.safe.sealing_key().await?;
                Ok(Some(safe_storage::seal(&data_key, id, secret)))
            }
        }
    }

    /// Writes `next` durably, then makes it the state and publishes it.
    async fn commit(&mut self, next: VaultData) -> Result<(), VaultError> {
        let store = self.args.store.clone();
        let written = Arc::new(next);
        let to_write = written.clone();
        tokio::task::spawn_blocking(move || store.save(&to_write))
            .await
            .map_err(|e| VaultError::Storage(std::io::Error::other(e)))?
            .map_err(VaultError::Storage)?;
        self.data = Arc::unwrap_or_clone(written);
        self.publish();
        Ok(())
    }

    fn profile_result(&self, id: Uuid, warnings: Vec<Warning>) -> ProfileResult {
        let active = self.data.active_id == Some(id);
        ProfileResult {
            profile: self
                .data
                .find(id)
                .map(|p| p.redacted(active))
                .unwrap_or_else(|| unreachable_profile(id)),
            active_id: self.data.active_id.map(|a| a.to_string()),
            warnings,
        }
    }

    fn publish(&self) {
        let snapshot = VaultSnapshot {
            profiles: self
                .data
                .profiles
                .iter()
                .map(|p| p.redacted(self.data.active_id == Some(p.id)))
                .collect(),
            active_id: self.data.active_id.map(|a| a.to_string()),
            safe_storage: self.safe.status().clone(),
            store: StoreStatus {
                writable: self.read_only.is_none(),
                problem: self.read_only.clone(),
            },
        };
        self.args.snapshot.send_replace(Arc::new(snapshot));
    }
}

/// Field problems found outside `validate` (the key's shape) join its list.
fn finish_validation(
    draft: Result<Draft, Vec<FieldError>>,
    mut extra: Vec<FieldError>,
) -> Result<Draft, VaultError> {
    match draft {
        Ok(draft) if extra.is_empty() => Ok(draft),
        Ok(_) => Err(VaultError::Validation(extra)),
        Err(mut problems) => {
            problems.append(&mut extra);
            Err(VaultError::Validation(problems))
        }
    }
}

/// A profile just committed is always found; this only keeps the code total.
fn unreachable_profile(id: Uuid) -> RedactedProfile {
    tracing::error!(%id, "a committed profile was not found in the vault");
    RedactedProfile {
        id: id.to_string(),
        name: String::new(),
        provider: String::new(),
        endpoint: String::new(),
        model: String::new(),
        has_api_key: false,
        api_key_hint: None,
        consent_granted_at: None,
        created_at: String::new(),
        updated_at: String::new(),
        active: false,
        metadata: Default::default(),
    }
}

/// How the rest of the agent reaches the vault: reads from the snapshot, writes through
/// whichever actor is current.
#[derive(Clone)]
pub struct VaultHandle {
    pub slot: Arc<ActorSlot<VaultMsg>>,
    pub args: VaultArgs,
    snapshot: watch::Receiver<Arc<VaultSnapshot>>,
}

impl VaultHandle {
    pub fn new(store: ProfileStore, opener: StoreOpener, store_timeout: Duration) -> Self {
        let (sender, snapshot) = watch::channel(Arc::new(VaultSnapshot::empty()));
        Self {
            slot: Arc::default(),
            args: VaultArgs {
                store,
                opener,
                store_timeout,
                snapshot: Arc::new(sender),
            },
            snapshot,
        }
    }

    /// The latest committed state.
    pub fn snapshot(&self) -> Arc<VaultSnapshot> {
        self.snapshot.borrow().clone()
    }

    /// Sends a mutation and waits for its outcome.
    pub async fn call<T: Send + 'static>(
        &self,
        msg: impl FnOnce(Reply<T>) -> VaultMsg,
    ) -> Result<T, VaultError> {
        let actor = self.slot.get().ok_or(VaultError::Unavailable)?;
        match actor.call(msg, Some(CALL_TIMEOUT)).await {
            Ok(ractor::rpc::CallResult::Success(outcome)) => outcome,
            _ => Err(VaultError::Unavailable),
        }
    }
}
