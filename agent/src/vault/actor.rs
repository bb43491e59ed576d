//! The vault actor: the only writer of profiles. Every mutation is a message, so the
//! mailbox is the serialization. Reads never come here: they use the latest published
//! snapshot, so a read never queues behind a write.
//!
//! Each mutation is planned against the pending state by [`mutation`]'s rules, checks
//! safe storage (one check per batch), seals its new key, is applied, and waits for its
//! batch to reach the disk ([`commit`]). One commit task at a time writes the latest
//! pending state to `profiles.json` (temp file, fsync, rename, fsync of the dir); when
//! it is on disk the snapshot is published and the batch is answered.
//!
//! The actor's arguments are cheap to clone; a restarted vault reloads the file, which
//! holds every acknowledged change.
//!
//! [`mutation`]: super::mutation
//! [`commit`]: super::commit

use std::sync::Arc;
use std::time::Duration;

use llm_agent_protocol::methods::profiles::{
    ActivateResult, CreateParams, DeleteParams, DeleteResult, IdParams, ProfileResult,
    ResetSecretsResult, UpdateParams,
};
use llm_agent_protocol::safe_storage::{SafeStorageState, StoreStatus};
use ractor::{Actor, ActorProcessingErr, ActorRef};
use tokio::sync::watch;
use uuid::Uuid;

use super::VaultSnapshot;
use super::commit::{GroupCommit, Reply};
use super::error::VaultError;
use super::mutation;
use super::profile::{SealedSecret, VaultData};
use super::safe_storage::{self, SafeStorage, SafeStorageError, Sample, StoreOpener};
use super::secret::ApiKey;
use super::store::{Loaded, ProfileStore};

/// How often safe storage is checked in the background while it is not usable, so the
/// state reads see recovers without waiting for a write.
const PROBE_INTERVAL_UNUSABLE: Duration = Duration::from_secs(15);
/// The same while it is usable, so reads learn of an outage without a write. While the
/// keyring is locked the background stays quiet: asking a locked keyring can put an
/// unlock prompt on the learner's desktop, which only a write of theirs should do.
const PROBE_INTERVAL_USABLE: Duration = Duration::from_secs(60);

pub type VaultRef = ActorRef<VaultMsg>;

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
    commit: GroupCommit,
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
        let file_lock = args.file_lock.clone().lock_owned().await;
        let loaded = tokio::task::spawn_blocking(move || store.load()).await?;
        drop(file_lock);
        let (mut data, read_only) = match loaded {
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
        if data.repair_roles() {
            tracing::warn!(
                "profiles.json names no existing active profile; the first one is active"
            );
        }
        let safe = SafeStorage::new(args.opener.clone(), data.vault_id, args.store_timeout);
        let state = VaultState {
            args,
            commit: GroupCommit::new(data),
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
                state.commit.accept(outcome, reply);
            }
            VaultMsg::Update(params, reply) => {
                let outcome = state.update(params).await;
                state.commit.accept(outcome, reply);
            }
            VaultMsg::Delete(params, reply) => {
                let outcome = state.delete(params).await;
                state.commit.accept(outcome, reply);
            }
            VaultMsg::Activate(params, reply) => {
                let outcome = state.activate(params).await;
                state.commit.accept(outcome, reply);
            }
            VaultMsg::ResetSecrets(reply) => {
                let outcome = state.reset_secrets().await;
                state.commit.accept(outcome, reply);
            }
            VaultMsg::SetInfrastructure(id, reply) => {
                let outcome = state.set_infrastructure(id).await;
                state.commit.accept(outcome, reply);
            }
            VaultMsg::ApiKey(id, reply) => {
                let _ = reply.send(state.api_key(id).await);
            }
            VaultMsg::Probe => {
                state.probe_scheduled = false;
                let durable = state.commit.durable().clone();
                let _ = state.safe.check(sample(&durable)).await;
            }
            VaultMsg::Committed(outcome) => {
                let failed = outcome.is_err();
                state.commit.finished(outcome);
                if failed {
                    // The batch may have changed safe storage's state (a reset): learn
                    // the real one now rather than at the next write.
                    myself.cast(VaultMsg::Probe)?;
                } else {
                    state.publish();
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
        let plan = mutation::plan_create(self.commit.pending(), &params)?;
        self.check_safe_storage(plan.key().is_some()).await?;
        let sealed = self.seal(plan.id, plan.key()).await?;
        Ok((plan.apply(self.commit.pending_mut(), sealed), true))
    }

    async fn update(&mut self, params: UpdateParams) -> Result<(ProfileResult, bool), VaultError> {
        self.writable()?;
        let plan = mutation::plan_update(self.commit.pending(), &params)?;
        self.check_safe_storage(plan.key().is_some()).await?;
        let sealed = self.seal(plan.id, plan.key()).await?;
        Ok((plan.apply(self.commit.pending_mut(), sealed), true))
    }

    async fn delete(&mut self, params: DeleteParams) -> Result<(DeleteResult, bool), VaultError> {
        self.writable()?;
        let plan = mutation::plan_delete(self.commit.pending(), &params)?;
        self.check_safe_storage(false).await?;
        Ok((plan.apply(self.commit.pending_mut()), true))
    }

    async fn activate(&mut self, params: IdParams) -> Result<(ActivateResult, bool), VaultError> {
        let result = match mutation::plan_activate(self.commit.pending(), &params)? {
            mutation::Change::Unchanged(result) => return Ok((result, false)),
            mutation::Change::To(result) => result,
        };
        self.writable()?;
        self.check_safe_storage(false).await?;
        mutation::activate(self.commit.pending_mut(), &result);
        Ok((result, true))
    }

    /// Points the `infrastructure` role at a profile, or (`None`) back at the tutor's.
    async fn set_infrastructure(
        &mut self,
        id: Option<String>,
    ) -> Result<(Option<String>, bool), VaultError> {
        let change = mutation::plan_infrastructure(self.commit.pending(), id.as_deref())?;
        let shown = |id: Option<Uuid>| id.map(|i| i.to_string());
        let id = match change {
            mutation::Change::Unchanged(id) => return Ok((shown(id), false)),
            mutation::Change::To(id) => id,
        };
        self.writable()?;
        self.check_safe_storage(false).await?;
        self.commit.pending_mut().infrastructure_id = id;
        Ok((shown(id), true))
    }

    async fn reset_secrets(&mut self) -> Result<(ResetSecretsResult, bool), VaultError> {
        self.writable()?;
        // A fresh check, not the batch's: this one decides to drop data.
        self.commit.forget_batch_check();
        let check = self.safe.check(sample(self.commit.pending())).await;
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
        let cleared_ids = mutation::clear_keys(self.commit.pending_mut());
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
        let durable = self.commit.durable().clone();
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

    /// Every write checks safe storage first; the writes of one batch share one check.
    /// A missing key stops only writes that involve secrets; an unreachable store stops
    /// every write.
    async fn check_safe_storage(&mut self, involves_secrets: bool) -> Result<(), VaultError> {
        let safe = &mut self.safe;
        let check = self
            .commit
            .batch_check(async |pending| safe.check(sample(pending)).await)
            .await;
        match check {
            Err(SafeStorageError::KeyMissing { .. }) if !involves_secrets => Ok(()),
            other => other.map_err(VaultError::from),
        }
    }

    async fn seal(
        &mut self,
        id: Uuid,
        key: Option<&ApiKey>,
    ) -> Result<Option<SealedSecret>, VaultError> {
        match key {
            None => Ok(None),
            Some(secret) => {
                let data_key = self.safe.sealing_key().await?;
                Ok(Some(safe_storage::seal(&data_key, id, secret)))
            }
        }
    }

    /// Starts writing the queued batch, unless a commit is running or nothing is queued.
    fn start_commit(&mut self, myself: &VaultRef) {
        let Some(data) = self.commit.start() else {
            return;
        };
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

    /// Replaces the snapshot readers see with the durable state.
    fn publish(&self) {
        let durable = self.commit.durable();
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

#[cfg(test)]
mod tests {
    use futures_util::future::join_all;
    use keyring_core::Error as StoreError;
    use llm_agent_protocol::methods::profiles::ProfilePatch;
    use llm_agent_protocol::patch::Patch;
    use llm_agent_protocol::secret::SecretText;

    use super::*;
    use crate::vault::VaultHandle;
    use crate::vault::safe_storage::testing::{inject, mock_opener};

    /// A vault actor over a temp dir and the mock key store.
    struct Harness {
        dir: tempfile::TempDir,
        handle: VaultHandle,
        keys: Arc<keyring_core::mock::Store>,
    }

    impl Harness {
        async fn start() -> Harness {
            let dir = tempfile::tempdir().unwrap();
            let (opener, keys) = mock_opener();
            let handle = VaultHandle::new(
                ProfileStore::new(dir.path()),
                opener,
                safe_storage::DEFAULT_STORE_TIMEOUT,
            );
            let harness = Harness { dir, handle, keys };
            harness.spawn().await;
            harness
        }

        /// Starts a vault actor (again) on the same files and key store.
        async fn spawn(&self) -> VaultRef {
            let (actor, _) = Actor::spawn(None, VaultActor, self.handle.args.clone())
                .await
                .unwrap();
            self.handle.slot.set(actor.clone());
            actor
        }

        async fn create(&self, name: &str, key: Option<&str>) -> Result<ProfileResult, VaultError> {
            let params = CreateParams {
                name: name.into(),
                provider: "ollama".into(),
                endpoint: "http://127.0.0.1:11434".into(),
                model: "llama3.2".into(),
                api_key: key.map(SecretText::new),
                ..Default::default()
            };
            self.handle
                .call(|reply| VaultMsg::Create(params, reply))
                .await
        }

        fn vault_id(&self) -> Uuid {
            let file = std::fs::read(self.dir.path().join(crate::vault::store::FILE_NAME)).unwrap();
            let json: serde_json::Value = serde_json::from_slice(&file).unwrap();
            json["vault_id"].as_str().unwrap().parse().unwrap()
        }
    }

    #[tokio::test]
    async fn concurrent_writes_are_all_committed_and_survive_a_restart() {
        let vault = Harness::start().await;
        let names: Vec<String> = (0..20).map(|n| format!("p{n}")).collect();
        let created = join_all(
            names
                .iter()
                .map(|name| vault.create(name, Some("sk-live-0123456789"))),
        )
        .await;
        assert!(created.iter().all(Result::is_ok), "{created:?}");
        let snapshot = vault.handle.snapshot();
        assert_eq!(snapshot.profiles.len(), 20);
        assert_eq!(snapshot.profiles.iter().filter(|p| p.active).count(), 1);

        vault
            .handle
            .slot
            .get()
            .unwrap()
            .stop_and_wait(None, None)
            .await
            .unwrap();
        vault.spawn().await;
        let reloaded = vault.handle.snapshot();
        assert_eq!(
            reloaded.profiles, snapshot.profiles,
            "the file holds every acknowledged write"
        );
        let id: Uuid = reloaded.profiles[7].id.parse().unwrap();
        let key = vault
            .handle
            .call(|reply| VaultMsg::ApiKey(id, reply))
            .await
            .unwrap();
        assert_eq!(
            key.unwrap().expose(),
            "sk-live-0123456789",
            "keys still open"
        );
    }

    #[tokio::test]
    async fn a_failed_write_refuses_its_batch_and_keeps_the_durable_state() {
        let vault = Harness::start().await;
        vault.create("kept", None).await.unwrap();
        let data_dir = vault.dir.path().to_owned();
        std::fs::remove_dir_all(&data_dir).unwrap();
        let refused = vault.create("lost", None).await;
        assert!(
            matches!(refused, Err(VaultError::Storage(_))),
            "{refused:?}"
        );
        let names: Vec<String> = vault
            .handle
            .snapshot()
            .profiles
            .iter()
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(names, ["kept"]);

        // Once the disk is usable again, writes carry on from the durable state.
        std::fs::create_dir(&data_dir).unwrap();
        vault.create("next", None).await.unwrap();
        let names: Vec<String> = vault
            .handle
            .snapshot()
            .profiles
            .iter()
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(names, ["kept", "next"]);
    }

    #[tokio::test]
    async fn an_unavailable_key_store_refuses_writes_keeps_reads_and_recovers() {
        let vault = Harness::start().await;
        let first = vault
            .create("first", Some("sk-live-0123456789"))
            .await
            .unwrap();
        inject(
            &vault.keys,
            vault.vault_id(),
            StoreError::NoStorageAccess("locked".into()),
        );
        let patch = |name: &str| UpdateParams {
            id: first.profile.id.clone(),
            patch: ProfilePatch {
                name: Some(name.into()),
                api_key: Patch::Keep,
                ..Default::default()
            },
        };
        let params = patch("renamed");
        let refused = vault
            .handle
            .call(|reply| VaultMsg::Update(params, reply))
            .await;
        assert!(
            matches!(
                refused,
                Err(VaultError::SafeStorage(
                    SafeStorageError::Unavailable { .. }
                ))
            ),
            "{refused:?}"
        );
        let snapshot = vault.handle.snapshot();
        assert_eq!(snapshot.safe_storage.state, SafeStorageState::Unavailable);
        assert_eq!(snapshot.profiles[0].name, "first", "nothing was changed");

        let params = patch("renamed");
        let updated = vault
            .handle
            .call(|reply| VaultMsg::Update(params, reply))
            .await
            .unwrap();
        assert_eq!(updated.profile.name, "renamed");
        assert_eq!(
            vault.handle.snapshot().safe_storage.state,
            SafeStorageState::Available
        );
    }
}
