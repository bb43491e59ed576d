//! The vault actor: the only writer of profiles. Every mutation is a message, so the
//! mailbox is the serialization. Reads never come here: they use the latest published
//! snapshot, so a read never queues behind a write.
//!
//! Each mutation is planned against the pending state by [`mutation`]'s rules, checks
//! safe storage (one check per batch), seals its new key, is applied, notes what it
//! changed ([`changes`]), and waits for its batch to reach the disk ([`commit`]). One
//! commit task at a time appends the batch's audit entries to the ledger (synced), then
//! writes the latest pending state to `profiles.json` (temp file, fsync, rename, fsync
//! of the dir) recording the last entry; when it is on disk the snapshot and the
//! batch's state events are published under their revisions, and the batch is answered.
//! A change of safe storage's state is published the same way.
//!
//! The actor's arguments are cheap to clone; a restarted vault reloads the file, which
//! holds every acknowledged change.
//!
//! [`mutation`]: super::mutation
//! [`commit`]: super::commit
//! [`changes`]: super::changes

use std::sync::Arc;
use std::time::Duration;

use llm_agent_protocol::events::SafeStorageEvent;
use llm_agent_protocol::methods::profiles::{
    ActivateResult, CreateParams, DeleteParams, DeleteResult, IdParams, ProfileResult,
    ResetSecretsResult, UpdateParams,
};
use llm_agent_protocol::safe_storage::{SafeStorageState, SafeStorageStatus};
use ractor::{Actor, ActorProcessingErr, ActorRef};
use tokio::sync::watch;
use uuid::Uuid;

use llm_agent_l10n::Text;

use super::binding;
use super::changes::{Before, Cause};
use super::commit::{Batch, Decided, GroupCommit, Reply};
use super::error::VaultError;
use super::mutation;
use super::profile::{SealedSecret, VaultData};
use super::safe_storage::{self, SafeStorage, SafeStorageError, Sample, StoreOpener};
use super::secret::ApiKey;
use super::store::{Loaded, ProfileStore};
use super::{VaultSnapshot, consent_allows};
use crate::audit::AuditLedger;
use crate::endpoint;
use crate::live::{LiveState, StateChange};
use crate::texts::{self, messages};

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
    Committed(Result<Arc<VaultData>, VaultError>),
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
    /// Where changes are numbered and announced.
    pub live: Arc<LiveState>,
    /// Where changes are recorded before they are written.
    pub audit: AuditLedger,
}

pub struct VaultActor;

pub struct VaultState {
    args: VaultArgs,
    commit: GroupCommit,
    /// Why the file must not be written, if it must not.
    read_only: Option<Text>,
    safe: SafeStorage,
    /// Safe storage's status as last announced (and shown by the snapshot).
    announced_safe: SafeStorageStatus,
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
        let (mut data, read_only) = match loaded {
            Ok(Loaded::Fresh) => (VaultData::new(), None),
            Ok(Loaded::Ready(data)) => (data, None),
            Ok(Loaded::ReadOnly { data, problem }) => (data, Some(problem)),
            Err(e) => (
                VaultData::new(),
                Some(messages::store_unreadable(
                    args.store.path().display().to_string(),
                    e.to_string(),
                )),
            ),
        };
        if read_only.is_none() {
            // Under the file lock: no commit of a crashed vault is between its two writes.
            let reconciled = args.audit.reconcile(data.audit_head.clone()).await;
            if let Err(error) = reconciled {
                tracing::error!(%error, "the audit ledger could not be reconciled");
            }
        }
        drop(file_lock);
        if let Some(problem) = &read_only {
            tracing::error!(problem = %texts::english(problem), "profiles are read-only");
        }
        if data.repair_roles() {
            tracing::warn!(
                "profiles.json names no existing active profile; the first one is active"
            );
        }
        let loaded = data.clone();
        let voided = binding::void_unbound(&mut data);
        let safe = SafeStorage::new(args.opener.clone(), data.vault_id, args.store_timeout);
        let announced_safe = safe.status().clone();
        let mut state = VaultState {
            args,
            commit: GroupCommit::new(data),
            read_only,
            safe,
            announced_safe,
            probe_scheduled: true,
        };
        if !voided.is_empty() {
            tracing::warn!(
                profiles = voided.len(),
                "profiles.json points profiles at other servers than their keys and consent were given for; those were voided"
            );
            let before = Before::of(&loaded, voided.iter().map(|v| v.id));
            let effects = before.effects(state.commit.pending(), Cause::Voided(&voided));
            if state.read_only.is_none() {
                state.commit.accept_own(effects);
            }
        }
        state.publish_snapshot(Vec::new());
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
                let VaultState {
                    commit,
                    args,
                    read_only,
                    announced_safe,
                    ..
                } = state;
                commit.finished(outcome, |durable, events| {
                    publish(args, read_only, announced_safe, durable, events);
                });
                if failed {
                    // The batch may have changed safe storage's state (a reset): learn
                    // the real one now rather than at the next write.
                    myself.cast(VaultMsg::Probe)?;
                }
            }
        }
        state.start_commit(&myself);
        if state.announced_safe != *state.safe.status() {
            state.announce_safe_storage();
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
    async fn create(&mut self, params: CreateParams) -> Result<Decided<ProfileResult>, VaultError> {
        self.writable()?;
        let plan = mutation::plan_create(self.commit.pending(), &params)?;
        self.check_safe_storage(plan.key().is_some()).await?;
        let sealed = self.seal(plan.id, plan.origin(), plan.key()).await?;
        let id = plan.id;
        Ok(self.change([id], Cause::Request, |pending| plan.apply(pending, sealed)))
    }

    async fn update(&mut self, params: UpdateParams) -> Result<Decided<ProfileResult>, VaultError> {
        self.writable()?;
        let plan = mutation::plan_update(self.commit.pending(), &params)?;
        self.check_safe_storage(plan.key().is_some()).await?;
        let sealed = self.seal(plan.id, plan.origin(), plan.key()).await?;
        let id = plan.id;
        Ok(self.change([id], Cause::Request, |pending| plan.apply(pending, sealed)))
    }

    async fn delete(&mut self, params: DeleteParams) -> Result<Decided<DeleteResult>, VaultError> {
        self.writable()?;
        let plan = mutation::plan_delete(self.commit.pending(), &params)?;
        self.check_safe_storage(false).await?;
        let id = plan.id();
        Ok(self.change([id], Cause::Request, |pending| plan.apply(pending)))
    }

    async fn activate(&mut self, params: IdParams) -> Result<Decided<ActivateResult>, VaultError> {
        let result = match mutation::plan_activate(self.commit.pending(), &params)? {
            mutation::Change::Unchanged(result) => return Ok((result, None)),
            mutation::Change::To(result) => result,
        };
        self.writable()?;
        self.check_safe_storage(false).await?;
        let ids = Uuid::parse_str(&result.active_id).ok();
        Ok(self.change(ids, Cause::Request, |pending| {
            mutation::activate(pending, &result);
            result
        }))
    }

    /// Points the `infrastructure` role at a profile, or (`None`) back at the tutor's.
    async fn set_infrastructure(
        &mut self,
        id: Option<String>,
    ) -> Result<Decided<Option<String>>, VaultError> {
        let change = mutation::plan_infrastructure(self.commit.pending(), id.as_deref())?;
        let shown = |id: Option<Uuid>| id.map(|i| i.to_string());
        let id = match change {
            mutation::Change::Unchanged(id) => return Ok((shown(id), None)),
            mutation::Change::To(id) => id,
        };
        self.writable()?;
        self.check_safe_storage(false).await?;
        Ok(self.change([], Cause::Request, |pending| {
            pending.infrastructure_id = id;
            shown(id)
        }))
    }

    async fn reset_secrets(&mut self) -> Result<Decided<ResetSecretsResult>, VaultError> {
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
                return Ok((nothing, None));
            }
            Err(SafeStorageError::KeyMissing { .. }) => {}
            Err(other) => return Err(other.into()),
        }
        let keyed: Vec<Uuid> = self
            .commit
            .pending()
            .profiles
            .iter()
            .filter(|p| p.api_key.is_some())
            .map(|p| p.id)
            .collect();
        let (cleared_ids, effects) = self.change(keyed, Cause::KeysReset, mutation::clear_keys);
        self.safe.reset();
        tracing::warn!(
            count = cleared_ids.len(),
            "dropping API keys that can no longer be decrypted"
        );
        let result = ResetSecretsResult {
            cleared_ids,
            safe_storage: self.safe.status().clone(),
        };
        Ok((result, effects))
    }

    /// Applies a planned change to the pending state, noting what it did to `ids` (the
    /// profiles it may create, change or delete) and to the roles.
    fn change<T>(
        &mut self,
        ids: impl IntoIterator<Item = Uuid>,
        cause: Cause<'_>,
        apply: impl FnOnce(&mut VaultData) -> T,
    ) -> Decided<T> {
        let before = Before::of(self.commit.pending(), ids);
        let result = apply(self.commit.pending_mut());
        let effects = before.effects(self.commit.pending(), cause);
        (result, Some(effects))
    }

    /// Decrypts a profile's key as it is on disk, for a call to its endpoint: never for
    /// a profile on another machine the learner has not agreed to send prompts to.
    async fn api_key(&mut self, id: Uuid) -> Result<Option<ApiKey>, VaultError> {
        let durable = self.commit.durable().clone();
        let profile = durable
            .find(id)
            .ok_or(VaultError::NotFound { id: id.to_string() })?;
        let Some(sealed) = &profile.api_key else {
            return Ok(None);
        };
        let is_local = url::Url::parse(&profile.endpoint)
            .ok()
            .and_then(|url| endpoint::locate(&url))
            .is_some_and(|location| location.is_local);
        consent_allows(&profile.redacted(false), is_local)?;
        let origin = binding::origin_of(&profile.endpoint).unwrap_or_default();
        if self.safe.key().is_none() {
            self.safe.check(sample(&durable)).await?;
        }
        let key = self
            .safe
            .key()
            .ok_or_else(|| SafeStorageError::KeyMissing {
                reason: messages::data_key_absent(),
            })?;
        let secret = safe_storage::open(key, id, &origin, sealed).map_err(|_| {
            SafeStorageError::KeyMissing {
                reason: messages::saved_key_does_not_open(),
            }
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
        if check.is_ok()
            && let Some(key) = self.safe.key()
        {
            binding::reseal_legacy_keys(self.commit.pending_mut(), key);
        }
        match check {
            Err(SafeStorageError::KeyMissing { .. }) if !involves_secrets => Ok(()),
            other => other.map_err(VaultError::from),
        }
    }

    async fn seal(
        &mut self,
        id: Uuid,
        origin: &str,
        key: Option<&ApiKey>,
    ) -> Result<Option<SealedSecret>, VaultError> {
        match key {
            None => Ok(None),
            Some(secret) => {
                let data_key = self.safe.sealing_key().await?;
                Ok(Some(safe_storage::seal(&data_key, id, origin, secret)))
            }
        }
    }

    /// Starts writing the queued batch, unless a commit is running or nothing is queued:
    /// its audit entries first, then `profiles.json` naming the last of them.
    fn start_commit(&mut self, myself: &VaultRef) {
        let Some(Batch { mut data, audit }) = self.commit.start() else {
            return;
        };
        let store = self.args.store.clone();
        let file_lock = self.args.file_lock.clone();
        let ledger = self.args.audit.clone();
        let myself = myself.clone();
        tokio::spawn(async move {
            let _writing = file_lock.lock_owned().await;
            let entries = audit.len() as u64;
            let mut recorded = None;
            if entries > 0 {
                let live = data.profiles.iter().map(|p| p.id.to_string()).collect();
                match ledger.append(audit, live).await {
                    Ok(head) => {
                        Arc::make_mut(&mut data).audit_head = Some(head.clone());
                        recorded = Some(head);
                    }
                    Err(e) => {
                        // No change without its record: nothing is written.
                        let _ = myself.cast(VaultMsg::Committed(Err(e.into())));
                        return;
                    }
                }
            }
            let to_write = data.clone();
            let written = match tokio::task::spawn_blocking(move || store.save(&to_write)).await {
                Ok(Ok(())) => Ok(data),
                Ok(Err(e)) => Err(VaultError::Storage(Arc::new(e))),
                Err(e) => Err(VaultError::Storage(Arc::new(std::io::Error::other(e)))),
            };
            if let (Err(_), Some(head)) = (&written, recorded) {
                ledger.not_applied(head.seq + 1 - entries, head.seq);
            }
            // Fails only if the vault stopped; its callers then see it gone.
            let _ = myself.cast(VaultMsg::Committed(written));
        });
    }

    /// Replaces the snapshot readers see with the durable state, announcing `events`.
    fn publish_snapshot(&self, events: Vec<StateChange>) {
        publish(
            &self.args,
            &self.read_only,
            &self.announced_safe,
            self.commit.durable(),
            events,
        );
    }

    /// Announces safe storage's new state, and shows it to reads under its revision.
    fn announce_safe_storage(&mut self) {
        let status = self.safe.status().clone();
        let event = StateChange::SafeStorage(SafeStorageEvent {
            revision: 0,
            previous: self.announced_safe.state,
            status: status.clone(),
        });
        self.announced_safe = status;
        self.publish_snapshot(vec![event]);
    }
}

/// Numbers and announces `events` and, under the last one's revision, replaces the
/// snapshot readers see with `durable`.
fn publish(
    args: &VaultArgs,
    read_only: &Option<Text>,
    safe_storage: &SafeStorageStatus,
    durable: &VaultData,
    events: Vec<StateChange>,
) {
    args.live.publish(events, |revision| {
        let snapshot = VaultSnapshot {
            profiles: durable
                .profiles
                .iter()
                .map(|p| p.redacted(durable.active_id == Some(p.id)))
                .collect(),
            active_id: durable.active_id.map(|a| a.to_string()),
            infrastructure_id: durable.infrastructure_id.map(|a| a.to_string()),
            safe_storage: safe_storage.clone(),
            store: texts::store_status(read_only.clone()),
            revision,
            audit_head: durable.audit_head.clone(),
        };
        args.snapshot.send_replace(Arc::new(snapshot));
    });
}

/// A stored ciphertext the data key must still open, if there is one.
fn sample(data: &VaultData) -> Option<Sample<'_>> {
    data.profiles.iter().find_map(|p| {
        let sealed = p.api_key.as_ref()?;
        Some(Sample {
            profile_id: p.id,
            origin: sealed.origin.as_deref()?,
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

    /// A vault actor over a temp dir, the mock key store and a ledger of its own.
    struct Harness {
        dir: tempfile::TempDir,
        handle: VaultHandle,
        keys: Arc<keyring_core::mock::Store>,
        live: Arc<LiveState>,
    }

    impl Harness {
        async fn start() -> Harness {
            let dir = tempfile::tempdir().unwrap();
            let (opener, keys) = mock_opener();
            let live = Arc::new(LiveState::open(dir.path()));
            let ledger =
                crate::audit::LedgerThread::start(&dir.path().join("audit"), 1000).unwrap();
            let handle = VaultHandle::new(
                ProfileStore::new(dir.path()),
                opener,
                safe_storage::DEFAULT_STORE_TIMEOUT,
                live.clone(),
                ledger.ledger(),
            );
            let harness = Harness {
                dir,
                handle,
                keys,
                live,
            };
            harness.spawn().await;
            harness
        }

        /// Stops the vault and starts it again on the same files.
        async fn restart(&self) {
            self.handle
                .slot
                .get()
                .unwrap()
                .stop_and_wait(None, None)
                .await
                .unwrap();
            self.spawn().await;
        }

        async fn update(&self, id: &str, patch: ProfilePatch) -> Result<ProfileResult, VaultError> {
            let params = UpdateParams {
                id: id.into(),
                patch,
            };
            self.handle
                .call(|reply| VaultMsg::Update(params, reply))
                .await
        }

        async fn create_remote(&self, name: &str, key: &str) -> ProfileResult {
            let params = CreateParams {
                name: name.into(),
                provider: "openai".into(),
                endpoint: "https://api.openai.com/v1".into(),
                model: "gpt-4o-mini".into(),
                api_key: Some(SecretText::new(key)),
                consent_granted_at: Some("2026-01-01T00:00:00Z".into()),
                ..Default::default()
            };
            self.handle
                .call(|reply| VaultMsg::Create(params, reply))
                .await
                .unwrap()
        }

        async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, VaultError> {
            let id: Uuid = id.parse().unwrap();
            self.handle.call(|reply| VaultMsg::ApiKey(id, reply)).await
        }

        async fn ledger_kinds(&self) -> Vec<llm_agent_protocol::methods::audit::AuditKind> {
            let text = std::fs::read_to_string(self.dir.path().join("audit/ledger.jsonl"))
                .unwrap_or_default();
            text.lines()
                .map(|line| crate::audit::chain::open(line).unwrap().kind)
                .collect()
        }

        fn profiles_json(&self) -> serde_json::Value {
            let file = std::fs::read(self.dir.path().join(crate::vault::store::FILE_NAME)).unwrap();
            serde_json::from_slice(&file).unwrap()
        }

        fn write_profiles_json(&self, json: &serde_json::Value) {
            std::fs::write(
                self.dir.path().join(crate::vault::store::FILE_NAME),
                serde_json::to_vec_pretty(json).unwrap(),
            )
            .unwrap();
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

        vault.restart().await;
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
    async fn changes_are_announced_once_on_disk_with_the_revision_reads_report() {
        use llm_agent_protocol::events::ProfileChange;

        let vault = Harness::start().await;
        let mut follower = vault.live.follow(None).live;
        let created = vault.create("first", None).await.unwrap();
        let on_disk = vault.profiles_json();
        assert_eq!(on_disk["profiles"][0]["id"], created.profile.id.as_str());
        let mut announced = Vec::new();
        while let Ok(change) = follower.try_recv() {
            match &*change {
                StateChange::Profile(event) => {
                    assert_eq!(event.change, ProfileChange::Created);
                    assert_eq!(event.profile_id, created.profile.id);
                    announced.push((change.topic(), change.revision()));
                }
                StateChange::Roles(_) => announced.push((change.topic(), change.revision())),
                // The first check of safe storage may come before or after.
                _ => {}
            }
        }
        use llm_agent_protocol::events::Topic;
        assert_eq!(
            announced.len(),
            2,
            "the profile, then the tutor role it took"
        );
        assert_eq!(
            (announced[0].0, announced[1].0),
            (Topic::Profiles, Topic::Roles)
        );
        assert_eq!(announced[1].1, announced[0].1 + 1);
        assert_eq!(vault.handle.snapshot().revision, vault.live.revision());
    }

    #[tokio::test]
    async fn withdrawn_consent_keeps_the_key_but_refuses_it_until_consent_is_given_again() {
        let vault = Harness::start().await;
        let remote = vault.create_remote("Remote", "sk-remote-0123456789").await;
        let id = remote.profile.id.clone();
        let withdrawn = vault
            .update(
                &id,
                ProfilePatch {
                    consent_granted_at: Patch::Clear,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(withdrawn.profile.has_api_key);
        assert!(matches!(
            vault.api_key(&id).await,
            Err(VaultError::ConsentWithdrawn { .. })
        ));
        vault
            .update(
                &id,
                ProfilePatch {
                    consent_granted_at: Patch::Set("2026-02-01T00:00:00Z".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            vault.api_key(&id).await.unwrap().unwrap().expose(),
            "sk-remote-0123456789"
        );
        use llm_agent_protocol::methods::audit::AuditKind as K;
        assert_eq!(
            vault.ledger_kinds().await,
            [
                K::ProfileCreated,
                K::ApiKeySet,
                K::ConsentGiven,
                K::ProfileActivated,
                K::ConsentWithdrawn,
                K::ConsentGiven
            ]
        );
        let head = vault.profiles_json()["audit_head"]["seq"].as_u64();
        assert_eq!(head, Some(6), "profiles.json names the last entry");
    }

    #[tokio::test]
    async fn a_hand_edited_endpoint_voids_key_and_consent_at_start_up_and_says_so() {
        let vault = Harness::start().await;
        let remote = vault.create_remote("Remote", "sk-remote-0123456789").await;
        let mut json = vault.profiles_json();
        json["profiles"][0]["endpoint"] = "https://attacker.example.com/v1".into();
        vault.write_profiles_json(&json);
        vault.restart().await;
        let shown = vault.handle.snapshot().profiles[0].clone();
        assert!(!shown.has_api_key && shown.consent_granted_at.is_none());
        // The voiding is written, with its ledger entry.
        for _ in 0..100 {
            if vault.profiles_json()["profiles"][0]
                .get("api_key")
                .is_none()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(
            vault.profiles_json()["profiles"][0]
                .get("api_key")
                .is_none()
        );
        let kinds = vault.ledger_kinds().await;
        assert_eq!(
            kinds.last(),
            Some(&llm_agent_protocol::methods::audit::AuditKind::CredentialsVoided)
        );
        assert!(matches!(
            vault.api_key(&remote.profile.id).await,
            Ok(None) | Err(VaultError::ConsentRequired { .. })
        ));

        // Editing the sealed key's recorded origin along with the endpoint does not help:
        // the origin is bound into the ciphertext.
        let second = vault.create_remote("Second", "sk-remote-9876543210").await;
        let mut json = vault.profiles_json();
        let entry = &mut json["profiles"][1];
        entry["endpoint"] = "https://attacker.example.com/v1".into();
        entry["api_key"]["origin"] = "https://attacker.example.com:443".into();
        entry["consent_origin"] = "https://attacker.example.com:443".into();
        vault.write_profiles_json(&json);
        vault.restart().await;
        assert!(
            vault.api_key(&second.profile.id).await.is_err(),
            "the key does not open"
        );
    }

    #[tokio::test]
    async fn a_schema_1_file_keeps_its_keys_and_they_are_resealed_with_their_origin() {
        let vault = Harness::start().await;
        let remote = vault.create_remote("Remote", "sk-remote-0123456789").await;
        let key_id: Uuid = remote.profile.id.parse().unwrap();
        // Rewrite the file as the previous agent would have: schema 1, a v1 key.
        let data_key = {
            use keyring_core::api::CredentialStoreApi;
            let account = format!("data-key:{}", vault.vault_id());
            let entry = vault
                .keys
                .build(safe_storage::SERVICE, &account, None)
                .unwrap();
            crate::vault::secret::DataKey::from_bytes(&entry.get_secret().unwrap()).unwrap()
        };
        let legacy = {
            use base64::Engine as _;
            use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
            let cipher = chacha20poly1305::XChaCha20Poly1305::new(data_key.expose().into());
            let nonce = chacha20poly1305::XChaCha20Poly1305::generate_nonce(&mut OsRng);
            let aad = format!("llm-agent/api_key/v1/{key_id}");
            let sealed = cipher
                .encrypt(
                    &nonce,
                    Payload {
                        msg: b"sk-remote-0123456789",
                        aad: aad.as_bytes(),
                    },
                )
                .unwrap();
            let b64 = base64::engine::general_purpose::STANDARD;
            serde_json::json!({"nonce": b64.encode(nonce), "ciphertext": b64.encode(sealed)})
        };
        let mut json = vault.profiles_json();
        json["schema"] = 1.into();
        json["profiles"][0]["api_key"] = legacy;
        json["profiles"][0]
            .as_object_mut()
            .unwrap()
            .remove("consent_origin");
        json.as_object_mut().unwrap().remove("audit_head");
        vault.write_profiles_json(&json);
        vault.restart().await;
        assert_eq!(
            vault
                .api_key(&remote.profile.id)
                .await
                .unwrap()
                .unwrap()
                .expose(),
            "sk-remote-0123456789",
            "nothing is lost in migration"
        );
        // The next write re-seals it with its origin bound, as schema 2.
        vault.create("next", None).await.unwrap();
        let json = vault.profiles_json();
        assert_eq!(json["schema"], 2);
        assert_eq!(json["profiles"][0]["api_key"]["version"], 2);
        assert_eq!(
            vault
                .api_key(&remote.profile.id)
                .await
                .unwrap()
                .unwrap()
                .expose(),
            "sk-remote-0123456789"
        );
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
