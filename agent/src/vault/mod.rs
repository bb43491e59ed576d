//! The vault: profiles, their validation, their durable file and safe storage for their
//! API keys.
//!
//! - [`actor`]: the only writer; each mutation is a message to it;
//! - [`mutation`]: the rules of each mutation, planned against the pending state;
//! - [`commit`]: group commit, the answers waiting for their batch to reach the disk;
//! - [`validate`]: the field rules every create and update must pass;
//! - [`changes`]: the events and audit entries each change announces and records;
//! - [`profile`]: the model as `profiles.json` holds it; [`store`]: that file;
//! - [`binding`]: keys and consents bound to their origin, and files edited by hand;
//! - [`safe_storage`]: the data key in the OS credential store; [`os_store`]: which store
//!   each OS has, and what to do when it fails; [`secret`]: keys in memory;
//! - [`error`]: why an operation failed, and its wire error.
//!
//! Reads never reach the actor: [`VaultHandle::snapshot`] returns the latest committed
//! state, replaced whole after each commit together with its revision (see
//! [`crate::live`]).

pub mod actor;
pub mod binding;
pub mod changes;
pub mod commit;
pub mod error;
pub mod mutation;
pub mod os_store;
pub mod profile;
pub mod safe_storage;
pub mod secret;
pub mod store;
pub mod summary;
pub mod validate;

use std::sync::Arc;
use std::time::Duration;

use llm_agent_protocol::methods::catalog::RoleBinding;
use llm_agent_protocol::methods::profiles::RedactedProfile;
use llm_agent_protocol::safe_storage::{SafeStorageStatus, StoreStatus};
use tokio::sync::watch;

use crate::actors::{ActorSlot, CallFailure};
use crate::audit::{AuditHead, AuditLedger};
use crate::live::LiveState;
use crate::texts;
use actor::{VaultArgs, VaultMsg};
use commit::Reply;
use error::VaultError;
use safe_storage::StoreOpener;
use store::ProfileStore;

/// How long a caller waits for a mutation (it may include a keyring call and fsync).
/// Shorter than clients' usual 30 s, so the agent answers TIMEOUT before they give up.
const CALL_TIMEOUT: Duration = Duration::from_secs(20);

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
    /// The revision of the last change this state shows.
    pub revision: u64,
    /// The last audit entry `profiles.json` records.
    pub audit_head: Option<AuditHead>,
}

impl VaultSnapshot {
    /// Every role and the profile it uses now.
    pub fn roles(&self) -> Vec<RoleBinding> {
        role_bindings(self.active_id.clone(), self.infrastructure_id.clone())
    }

    /// A snapshot of `profiles` (the first active), for unit tests elsewhere.
    #[cfg(test)]
    pub(crate) fn for_tests(profiles: Vec<RedactedProfile>) -> Self {
        Self {
            active_id: profiles.first().map(|p| p.id.clone()),
            profiles,
            store: StoreStatus::default(),
            ..Self::empty(0)
        }
    }

    fn empty(revision: u64) -> Self {
        Self {
            revision,
            audit_head: None,
            profiles: Vec::new(),
            active_id: None,
            infrastructure_id: None,
            safe_storage: SafeStorageStatus::default(),
            store: StoreStatus {
                writable: false,
                ..texts::store_status(Some(texts::messages::vault_starting()))
            },
        }
    }
}

/// Whether a profile may be called: a profile on another machine needs the learner's
/// consent. `Err` names the endpoint and, when consent was withdrawn, since when.
pub fn consent_allows(profile: &RedactedProfile, is_local: bool) -> Result<(), error::VaultError> {
    if is_local || profile.consent_granted_at.is_some() {
        return Ok(());
    }
    Err(match &profile.consent_withdrawn_at {
        Some(withdrawn_at) => error::VaultError::ConsentWithdrawn {
            endpoint: profile.endpoint.clone(),
            withdrawn_at: withdrawn_at.clone(),
        },
        None => error::VaultError::ConsentRequired {
            endpoint: profile.endpoint.clone(),
        },
    })
}

/// The roles (`tutor`: the active profile; `infrastructure`: its own profile, or the
/// tutor's) as `roles.get` and the `roles` topic show them.
pub fn role_bindings(
    active_id: Option<String>,
    infrastructure_id: Option<String>,
) -> Vec<RoleBinding> {
    vec![
        RoleBinding {
            role: "tutor".into(),
            profile_id: active_id.clone(),
            same_as_tutor: false,
        },
        RoleBinding {
            role: "infrastructure".into(),
            same_as_tutor: infrastructure_id.is_none(),
            profile_id: infrastructure_id.or(active_id),
        },
    ]
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
    pub fn new(
        store: ProfileStore,
        opener: StoreOpener,
        store_timeout: Duration,
        live: Arc<LiveState>,
        audit: AuditLedger,
    ) -> Self {
        let empty = VaultSnapshot::empty(live.revision());
        let (sender, snapshot) = watch::channel(Arc::new(empty));
        Self {
            slot: Arc::default(),
            args: VaultArgs {
                store,
                opener,
                store_timeout,
                snapshot: Arc::new(sender),
                file_lock: Arc::default(),
                live,
                audit,
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
