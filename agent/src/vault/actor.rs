//! The vault actor: the only writer of profiles. Every mutation is a message, so the
//! mailbox is the serialization. Reads never come here: they use the latest published
//! snapshot, so a read never queues behind a write.
//!
//! Writes use group commit. A mutation is validated against `pending` (the durable
//! state plus every accepted mutation not yet on disk), checks safe storage, encrypts
//! its secrets, is applied to `pending`, and waits. One commit task at a time writes the
//! latest `pending` to `profiles.json` (temp file, fsync, rename, fsync of the dir);
//! when it is on disk the snapshot is published and every mutation of that batch is
//! answered. Mutations that arrive meanwhile form the next batch, which shares one
//! safe-storage check and one fsync. If a commit fails, its batch and every mutation
//! after it fail (nothing of them reached the disk) and `pending` returns to the
//! durable state.
//!
//! The actor's arguments are cheap to clone; a restarted vault reloads the file, which
//! holds every acknowledged change.

use std::sync::Arc;
use std::time::Duration;

use llm_agent_protocol::methods::profiles::{
    ActivateResult, CreateParams, DeleteParams, DeleteResult, FieldError, IdParams, MAX_PROFILES,
    ProfileResult, RedactedProfile, ResetSecretsResult, UpdateParams, Warning,
};
use llm_agent_protocol::patch::Patch;
use llm_agent_protocol::safe_storage::{SafeStorageState, SafeStorageStatus, StoreStatus};
use llm_agent_protocol::secret::SecretText;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::sync::watch;
use uuid::Uuid;

use crate::actors::{ActorSlot, CallFailure};
use crate::vault::profile::{
    self, Draft, StoredProfile, VaultData, check_api_key, create_candidate, keeps_secret_bound,
    now_rfc3339, patched, update_candidate, validate,
};
use crate::vault::safe_storage::{self, SafeStorage, SafeStorageError, Sample, StoreOpener};
use crate::vault::secret::ApiKey;
use crate::vault::store::{Loaded, ProfileStore};

/// How often safe storage is checked in the background while it is not usable, so the
/// state reads see recovers without waiting for a write.
const PROBE_INTERVAL_UNUSABLE: Duration = Duration::from_secs(15);
/// The same while it is usable, so reads learn of an outage without a write. While the
/// keyring is locked the background stays quiet: asking a locked keyring can put an
/// unlock prompt on the learner's desktop, which only a write of theirs should do.
const PROBE_INTERVAL_USABLE: Duration = Duration::from_secs(60);
/// How long a caller waits for a mutation (it may include a keyring call and fsync).
/// Shorter than clients' usual 30 s, so the agent answers TIMEOUT before they give up.
const CALL_TIMEOUT: Duration = Duration::from_secs(20);

pub type VaultRef = ActorRef<VaultMsg>;
type Reply<T> = RpcReplyPort<Result<T, VaultError>>;

pub enum VaultMsg {
    Create(CreateParams, Reply<ProfileResult>),
    Update(UpdateParams, Reply<ProfileResult>),
    Delete(DeleteParams, Reply<DeleteResult>),
    Activate(IdParams, Reply<ActivateResult>),
    ResetSecrets(Reply<ResetSecretsResult>),
    /// Points the `infrastructure` role at a profile id, or (`None`) at the tutor's.
    SetInfrastructure(Option<String>, Reply<Option<String>>),
    /// The decrypted key of a profile, for a call to its provider.
    ApiKey(Uuid, Reply<Option<ApiKey>>),
    /// Check safe storage again.
    Probe,
    /// The commit task finished writing a batch.
    Committed(Result<Arc<VaultData>, Arc<std::io::Error>>),
}

/// Why a vault operation failed. Each maps to one wire error code (`wire_errors.rs`).
#[derive(Debug, Clone, thiserror::Error)]
pub enum VaultError {
    #[error("no profile has the id {}", shown_id(id))]
    NotFound { id: String },
    #[error("{} field(s) need attention", .0.len())]
    Validation(Vec<FieldError>),
    #[error("another profile is already named {existing:?}")]
    NameConflict {
        existing: String,
        conflicting_id: Uuid,
    },
    #[error("profile {id} is the active one: name the profile to activate instead (successor_id)")]
    SuccessorRequired { id: Uuid },
    #[error(
        "the successor {} is not another existing profile",
        shown_id(successor_id)
    )]
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
    Storage(#[source] Arc<std::io::Error>),
    #[error("the vault is restarting; try again in a moment")]
    Unavailable,
    #[error(
        "the change took too long to confirm; its outcome is unknown: list the profiles to see whether it was applied"
    )]
    TimedOut,
    #[error("a vault holds at most {max} profiles; delete one first")]
    TooManyProfiles { max: usize },
}

/// An id as an error may show it: only a well-formed UUID is repeated, since the text
/// could be anything the client sent, a key pasted in the wrong field included.
fn shown_id(text: &str) -> String {
    match Uuid::parse_str(text) {
        Ok(id) => id.to_string(),
        Err(_) => "given (it is not a profile id)".to_owned(),
    }
}

/// What every read sees: an immutable view, replaced whole after each committed change.
#[derive(Debug)]
pub struct VaultSnapshot {
    /// In creation order, redacted.
    pub profiles: Vec<RedactedProfile>,
    pub active_id: Option<String>,
    /// The `infrastructure` role's own profile; `None`: it follows the active profile.
    pub infrastructure_id: Option<String>,
    pub safe_storage: SafeStorageStatus,
    pub store: StoreStatus,
}

impl VaultSnapshot {
    fn empty() -> Self {
        Self {
            profiles: Vec::new(),
            active_id: None,
            infrastructure_id: None,
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
    /// Held while profiles.json is written, and by a starting vault while it reads it:
    /// a vault restarted after a crash never loads the file under a commit still
    /// running from before.
    pub file_lock: Arc<tokio::sync::Mutex<()>>,
}

pub struct VaultActor;

pub struct VaultState {
    args: VaultArgs,
    /// What `profiles.json` holds: what reads see.
    durable: Arc<VaultData>,
    /// `durable` plus every accepted mutation not yet on disk.
    pending: VaultData,
    /// Accepted mutations waiting for the next commit.
    queued: Vec<Waiter>,
    /// The mutations of the commit being written.
    in_flight: Vec<Waiter>,
    committing: bool,
    /// The safe-storage check shared by the queued batch.
    batch_check: Option<Result<(), SafeStorageError>>,
    /// Why the file must not be written, if it must not.
    read_only: Option<String>,
    safe: SafeStorage,
    probe_scheduled: bool,
}

/// An accepted mutation's answer, sent once its batch is on disk (or failed).
struct Waiter {
    /// False for a request that changed nothing but must not overtake earlier writes.
    writes: bool,
    answer: Box<dyn FnOnce(Result<(), VaultError>) + Send>,
}

impl Waiter {
    /// A refusal that waits for the batch it was decided against.
    fn rejected<T: Send + 'static>(err: VaultError, reply: Reply<T>) -> Self {
        Self {
            writes: false,
            answer: Box::new(move |outcome| {
                let _ = reply.send(outcome.and(Err(err)));
            }),
        }
    }

    fn new<T: Send + 'static>(writes: bool, result: T, reply: Reply<T>) -> Self {
        Self {
            writes,
            answer: Box::new(move |outcome| {
                let _ = reply.send(outcome.map(|()| result));
            }),
        }
    }
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
        let file_lock = args.file_lock.clone().lock_owned().await;
        let loaded = tokio::task::spawn_blocking(move || store.load()).await?;
        drop(file_lock);
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
        let mut data = data;
        if data.active_id.is_none_or(|id| data.find(id).is_none()) {
            let repaired = data.profiles.first().map(|p| p.id);
            if repaired.is_some() {
                tracing::warn!(
                    "profiles.json names no existing active profile; the first one is active"
                );
            }
            data.active_id = repaired;
        }
        if data
            .infrastructure_id
            .is_some_and(|id| data.find(id).is_none())
        {
            data.infrastructure_id = None;
        }
        let safe = SafeStorage::new(args.opener.clone(), data.vault_id, args.store_timeout);
        let state = VaultState {
            args,
            durable: Arc::new(data.clone()),
            pending: data,
            queued: Vec::new(),
            in_flight: Vec::new(),
            committing: false,
            batch_check: None,
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
                let outcome = state.create(params).await;
                state.accept(outcome, reply);
            }
            VaultMsg::Update(params, reply) => {
                let outcome = state.update(params).await;
                state.accept(outcome, reply);
            }
            VaultMsg::Delete(params, reply) => {
                let outcome = state.delete(params).await;
                state.accept(outcome, reply);
            }
            VaultMsg::Activate(params, reply) => {
                let outcome = state.activate(params).await;
                state.accept(outcome, reply);
            }
            VaultMsg::ResetSecrets(reply) => {
                let outcome = state.reset_secrets().await;
                state.accept(outcome, reply);
            }
            VaultMsg::SetInfrastructure(id, reply) => {
                let outcome = state.set_infrastructure(id).await;
                state.accept(outcome, reply);
            }
            VaultMsg::ApiKey(id, reply) => {
                let _ = reply.send(state.api_key(id).await);
            }
            VaultMsg::Probe => {
                state.probe_scheduled = false;
                let sample_owner = state.durable.clone();
                let _ = state.safe.check(sample(&sample_owner)).await;
            }
            VaultMsg::Committed(outcome) => {
                let failed = outcome.is_err();
                state.committed(outcome);
                if failed {
                    // The batch may have changed safe storage's state (a reset): learn
                    // the real one now rather than at the next write.
                    myself.cast(VaultMsg::Probe)?;
                }
            }
        }
        state.start_commit(&myself);
        if state.args.snapshot.borrow().safe_storage != *state.safe.status() {
            state.publish();
        }
        if !state.probe_scheduled && !state.safe.is_locked() {
            let usable = matches!(
                state.safe.status().state,
                SafeStorageState::Available | SafeStorageState::NotInitialized
            );
            let interval = if usable {
                PROBE_INTERVAL_USABLE
            } else {
                PROBE_INTERVAL_UNUSABLE
            };
            state.probe_scheduled = true;
            myself.send_after(interval, || VaultMsg::Probe);
        }
        Ok(())
    }
}

impl VaultState {
    async fn create(&mut self, params: CreateParams) -> Result<(ProfileResult, bool), VaultError> {
        self.writable()?;
        if self.pending.profiles.len() >= MAX_PROFILES {
            return Err(VaultError::TooManyProfiles { max: MAX_PROFILES });
        }
        let metadata = params.metadata.clone().unwrap_or_default();
        let mut problems = Vec::new();
        let key = params
            .api_key
            .as_ref()
            .map(SecretText::expose)
            .and_then(|key| {
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
        self.pending.active_id = self.pending.active_id.or(Some(id));
        let result = self.profile_result(&profile, Vec::new());
        self.pending.profiles.push(profile);
        Ok((result, true))
    }

    async fn update(&mut self, params: UpdateParams) -> Result<(ProfileResult, bool), VaultError> {
        self.writable()?;
        let id = self.existing(&params.id)?;
        let stored = self.pending.find(id).cloned().ok_or(VaultError::NotFound {
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
            Patch::Set(key) => check_api_key(key.expose(), "patch.api_key")
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
        let dropped = match (dropped_key, dropped_consent) {
            (true, true) => Some(
                "the saved API key and the agreement to send prompts there were removed: give them again for the new server",
            ),
            (true, false) => {
                Some("the saved API key was removed: enter it again for the new server")
            }
            (false, true) => Some(
                "the agreement to send prompts there was removed: agree again for the new server",
            ),
            (false, false) => None,
        };
        if let Some(what) = dropped {
            warnings.push(Warning {
                code: "credentials_dropped".into(),
                message: format!("The endpoint now points to another server, so {what}."),
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
        let result = self.profile_result(&updated, warnings);
        if let Some(slot) = self.pending.profiles.iter_mut().find(|p| p.id == id) {
            *slot = updated;
        }
        Ok((result, true))
    }

    async fn delete(&mut self, params: DeleteParams) -> Result<(DeleteResult, bool), VaultError> {
        self.writable()?;
        let id = self.existing(&params.id)?;
        let successor = match &params.successor_id {
            None => None,
            Some(text) => {
                let found = Uuid::parse_str(text)
                    .ok()
                    .filter(|s| *s != id && self.pending.find(*s).is_some());
                match found {
                    Some(successor) => Some(successor),
                    None => {
                        return Err(VaultError::SuccessorNotFound {
                            successor_id: text.clone(),
                        });
                    }
                }
            }
        };
        let deleting_active = self.pending.active_id == Some(id);
        let others_exist = self.pending.profiles.len() > 1;
        if deleting_active && others_exist && successor.is_none() {
            return Err(VaultError::SuccessorRequired { id });
        }
        self.check_safe_storage(false).await?;
        self.pending.profiles.retain(|p| p.id != id);
        if deleting_active {
            self.pending.active_id = successor;
        }
        // The infrastructure role falls back to following the tutor.
        if self.pending.infrastructure_id == Some(id) {
            self.pending.infrastructure_id = None;
        }
        let result = DeleteResult {
            deleted_id: id.to_string(),
            active_id: self.pending.active_id.map(|a| a.to_string()),
        };
        Ok((result, true))
    }

    /// Points the `infrastructure` role at a profile, or (`None`) back at the tutor's.
    async fn set_infrastructure(
        &mut self,
        id: Option<String>,
    ) -> Result<(Option<String>, bool), VaultError> {
        let id = match id {
            Some(text) => Some(self.existing(&text)?),
            None => None,
        };
        if self.pending.infrastructure_id == id {
            return Ok((id.map(|i| i.to_string()), false));
        }
        self.writable()?;
        self.check_safe_storage(false).await?;
        self.pending.infrastructure_id = id;
        Ok((id.map(|i| i.to_string()), true))
    }

    async fn activate(&mut self, params: IdParams) -> Result<(ActivateResult, bool), VaultError> {
        let id = self.existing(&params.id)?;
        let previous = self.pending.active_id;
        if previous == Some(id) {
            let unchanged = ActivateResult {
                active_id: id.to_string(),
                previous_active_id: Some(id.to_string()),
                changed: false,
            };
            return Ok((unchanged, false));
        }
        self.writable()?;
        self.check_safe_storage(false).await?;
        self.pending.active_id = Some(id);
        let result = ActivateResult {
            active_id: id.to_string(),
            previous_active_id: previous.map(|p| p.to_string()),
            changed: true,
        };
        Ok((result, true))
    }

    async fn reset_secrets(&mut self) -> Result<(ResetSecretsResult, bool), VaultError> {
        self.writable()?;
        // A fresh check, not the batch's: this one decides to drop data.
        if self.queued.is_empty() {
            self.batch_check = None;
        }
        let check = self.safe.check(sample(&self.pending)).await;
        match check {
            Ok(()) => {
                let nothing = ResetSecretsResult {
                    cleared_ids: Vec::new(),
                    safe_storage: self.safe.status().clone(),
                };
                return Ok((nothing, false));
            }
            Err(SafeStorageError::KeyMissing { .. }) => {}
            Err(other) => return Err(other.into()),
        }
        let mut cleared_ids = Vec::new();
        for profile in self
            .pending
            .profiles
            .iter_mut()
            .filter(|p| p.api_key.is_some())
        {
            profile.api_key = None;
            profile.api_key_hint = None;
            profile.updated_at = now_rfc3339();
            cleared_ids.push(profile.id.to_string());
        }
        self.safe.reset();
        tracing::warn!(
            count = cleared_ids.len(),
            "dropping API keys that can no longer be decrypted"
        );
        let result = ResetSecretsResult {
            cleared_ids,
            safe_storage: self.safe.status().clone(),
        };
        Ok((result, true))
    }

    /// Decrypts a profile's key as it is on disk.
    async fn api_key(&mut self, id: Uuid) -> Result<Option<ApiKey>, VaultError> {
        let durable = self.durable.clone();
        let profile = durable
            .find(id)
            .ok_or(VaultError::NotFound { id: id.to_string() })?;
        let Some(sealed) = &profile.api_key else {
            return Ok(None);
        };
        if self.safe.key().is_none() {
            self.safe.check(sample(&durable)).await?;
        }
        let key = self
            .safe
            .key()
            .ok_or_else(|| SafeStorageError::KeyMissing {
                reason: "no key is available to decrypt it".into(),
            })?;
        let secret =
            safe_storage::open(key, id, sealed).map_err(|e| SafeStorageError::KeyMissing {
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
            .filter(|id| self.pending.find(*id).is_some())
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
        match self.pending.name_taken(name, except) {
            Some(conflicting_id) => Err(VaultError::NameConflict {
                existing: self
                    .pending
                    .find(conflicting_id)
                    .map_or_else(|| name.to_owned(), |p| p.name.clone()),
                conflicting_id,
            }),
            None => Ok(()),
        }
    }

    /// Every write checks safe storage first; the writes of one batch share one check.
    /// A missing key stops only writes that involve secrets; an unreachable store stops
    /// every write.
    async fn check_safe_storage(&mut self, involves_secrets: bool) -> Result<(), VaultError> {
        if self.queued.is_empty() {
            // A new batch starts: its first write asks the store.
            self.batch_check = None;
        }
        let check = match &self.batch_check {
            Some(check) => check.clone(),
            None => {
                let check = self.safe.check(sample(&self.pending)).await;
                self.batch_check = Some(check.clone());
                check
            }
        };
        match check {
            Err(SafeStorageError::KeyMissing { .. }) if !involves_secrets => Ok(()),
            other => other.map_err(VaultError::from),
        }
    }

    async fn seal(
        &mut self,
        id: Uuid,
        key: Option<&ApiKey>,
    ) -> Result<Option<profile::SealedSecret>, VaultError> {
        match key {
            None => Ok(None),
            Some(secret) => {
                let data_key = self.safe.sealing_key().await?;
                Ok(Some(safe_storage::seal(&data_key, id, secret)))
            }
        }
    }

    /// Queues an accepted mutation's answer, or answers a rejected one at once.
    fn accept<T: Send + 'static>(
        &mut self,
        outcome: Result<(T, bool), VaultError>,
        reply: Reply<T>,
    ) {
        match outcome {
            // Decided against changes not yet on disk: answer once they are (or fail
            // with them), so no answer depends on a state that may never exist.
            Err(err) if self.committing || !self.queued.is_empty() => {
                self.queued.push(Waiter::rejected(err, reply));
            }
            Err(err) => {
                let _ = reply.send(Err(err));
            }
            // Nothing to write and nothing to wait for: the answer is already durable.
            Ok((result, false)) if !self.committing && self.queued.is_empty() => {
                let _ = reply.send(Ok(result));
            }
            Ok((result, writes)) => self.queued.push(Waiter::new(writes, result, reply)),
        }
    }

    /// Starts writing the queued batch, unless a commit is running or nothing is queued.
    fn start_commit(&mut self, myself: &VaultRef) {
        if self.committing || self.queued.is_empty() {
            return;
        }
        if !self.queued.iter().any(|w| w.writes) {
            for waiter in self.queued.drain(..) {
                (waiter.answer)(Ok(()));
            }
            return;
        }
        self.in_flight = std::mem::take(&mut self.queued);
        self.committing = true;
        self.batch_check = None;
        let data = Arc::new(self.pending.clone());
        let store = self.args.store.clone();
        let file_lock = self.args.file_lock.clone();
        let myself = myself.clone();
        tokio::spawn(async move {
            let _writing = file_lock.lock_owned().await;
            let to_write = data.clone();
            let written = match tokio::task::spawn_blocking(move || store.save(&to_write)).await {
                Ok(Ok(())) => Ok(data),
                Ok(Err(e)) => Err(Arc::new(e)),
                Err(e) => Err(Arc::new(std::io::Error::other(e))),
            };
            // Fails only if the vault stopped; its callers then see it gone.
            let _ = myself.cast(VaultMsg::Committed(written));
        });
    }

    /// A batch is on disk (publish it, answer it) or failed (fail it and everything
    /// after it, which was built on it).
    fn committed(&mut self, outcome: Result<Arc<VaultData>, Arc<std::io::Error>>) {
        self.committing = false;
        match outcome {
            Ok(data) => {
                self.durable = data;
                self.publish();
                for waiter in self.in_flight.drain(..) {
                    (waiter.answer)(Ok(()));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "writing profiles.json failed; the batch is refused");
                let failed = VaultError::Storage(e);
                for waiter in self.in_flight.drain(..).chain(self.queued.drain(..)) {
                    (waiter.answer)(Err(failed.clone()));
                }
                self.pending = VaultData::clone(&self.durable);
                self.batch_check = None;
            }
        }
    }

    fn profile_result(&self, profile: &StoredProfile, warnings: Vec<Warning>) -> ProfileResult {
        let active = self.pending.active_id == Some(profile.id);
        ProfileResult {
            profile: profile.redacted(active),
            active_id: self.pending.active_id.map(|a| a.to_string()),
            warnings,
        }
    }

    /// Replaces the snapshot readers see with the durable state.
    fn publish(&self) {
        let durable = &self.durable;
        let snapshot = VaultSnapshot {
            profiles: durable
                .profiles
                .iter()
                .map(|p| p.redacted(durable.active_id == Some(p.id)))
                .collect(),
            active_id: durable.active_id.map(|a| a.to_string()),
            infrastructure_id: durable.infrastructure_id.map(|a| a.to_string()),
            safe_storage: self.safe.status().clone(),
            store: StoreStatus {
                writable: self.read_only.is_none(),
                problem: self.read_only.clone(),
            },
        };
        self.args.snapshot.send_replace(Arc::new(snapshot));
    }
}

/// A stored ciphertext the data key must still open, if there is one.
fn sample(data: &VaultData) -> Option<Sample<'_>> {
    data.profiles.iter().find_map(|p| {
        p.api_key.as_ref().map(|sealed| Sample {
            profile_id: p.id,
            sealed,
        })
    })
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
                file_lock: Arc::default(),
            },
            snapshot,
        }
    }

    /// A receiver of every committed state, for actors that read profiles.
    pub fn snapshots(&self) -> watch::Receiver<Arc<VaultSnapshot>> {
        self.snapshot.clone()
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
        match self.slot.call(msg, CALL_TIMEOUT).await {
            Ok(outcome) => outcome,
            // The mutation may still be committed: do not invite a blind retry.
            Err(CallFailure::TimedOut) => Err(VaultError::TimedOut),
            Err(CallFailure::Down) => Err(VaultError::Unavailable),
        }
    }
}
