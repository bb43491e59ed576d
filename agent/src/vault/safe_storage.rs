//! Safe storage: API keys are encrypted at rest with a random 256-bit data key that
//! lives in the OS credential store (see [`os_store`](super::os_store): Secret Service,
//! Keychain, Credential Manager), the same model as Chromium's and Electron's safe storage.
//!
//! Every call to the store runs on a blocking thread under a timeout, so a hung D-Bus
//! call cannot hang the vault; a call that times out is not stacked on (later calls fail
//! fast until it returns). A failed store connection is dropped and reopened on the next
//! call, so writes work again as soon as the store is back, without a restart.
//!
//! The data key is never silently replaced while ciphertext needs it: if the store
//! answers but the key is gone (or no longer opens what it sealed), the state is
//! `key_missing` until the learner resets the unreadable secrets.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use keyring_core::api::CredentialStore;
use keyring_core::{Entry, Error as StoreError};
use llm_agent_protocol::safe_storage::{SafeStorageState, SafeStorageStatus};
use uuid::Uuid;
use zeroize::Zeroizing;

use llm_agent_l10n::Text;

use crate::texts::{self, Explain, messages};

use super::os_store;
use super::profile::SealedSecret;
use super::secret::{ApiKey, DataKey};

/// The credential store's service name for every entry of this agent.
pub const SERVICE: &str = "llm-agent";
/// How long one call to the credential store may take.
pub const DEFAULT_STORE_TIMEOUT: Duration = Duration::from_secs(3);

/// Opens the credential store; called again after a failure.
pub type StoreOpener = Arc<dyn Fn() -> keyring_core::Result<Arc<CredentialStore>> + Send + Sync>;

/// Why a write cannot use safe storage now.
#[derive(Debug, Clone)]
pub enum SafeStorageError {
    Unavailable { reason: Text, remediation: Text },
    KeyMissing { reason: Text },
}

impl SafeStorageError {
    /// The cause alone, without the state it caused.
    pub fn reason(&self) -> &Text {
        match self {
            SafeStorageError::Unavailable { reason, .. }
            | SafeStorageError::KeyMissing { reason } => reason,
        }
    }

    pub fn remediation(&self) -> Text {
        match self {
            SafeStorageError::Unavailable { remediation, .. } => remediation.clone(),
            SafeStorageError::KeyMissing { .. } => messages::safe_storage_key_missing_remedy(),
        }
    }
}

/// The reason says which state it causes ("safe storage is unavailable: ...").
impl Explain for SafeStorageError {
    fn message(&self) -> Text {
        self.reason().clone()
    }
}

crate::explained_error!(SafeStorageError);

/// A stored ciphertext that the current key must still open.
pub struct Sample<'a> {
    pub profile_id: Uuid,
    /// The origin of its profile's endpoint.
    pub origin: &'a str,
    pub sealed: &'a SealedSecret,
}

pub struct SafeStorage {
    opener: StoreOpener,
    store: Option<Arc<CredentialStore>>,
    account: String,
    key: Option<DataKey>,
    status: SafeStorageStatus,
    /// A store call is still running (perhaps hung past its timeout).
    busy: Arc<AtomicBool>,
    /// The last call found the store locked, or it did not answer (on a desktop, an
    /// unlock prompt waiting for the learner looks the same).
    locked: bool,
    timeout: Duration,
}

enum CallError {
    Store(StoreError),
    TimedOut,
    StillBusy,
}

impl SafeStorage {
    pub fn new(opener: StoreOpener, vault_id: Uuid, timeout: Duration) -> Self {
        Self {
            opener,
            store: None,
            account: format!("data-key:{vault_id}"),
            key: None,
            status: SafeStorageStatus::default(),
            busy: Arc::default(),
            locked: false,
            timeout,
        }
    }

    /// Whether the store was locked, or did not answer, when last asked: asking again
    /// unprompted could put an unlock dialog in front of the learner.
    pub fn is_locked(&self) -> bool {
        self.locked
    }

    pub fn status(&self) -> &SafeStorageStatus {
        &self.status
    }

    /// Asks the store for the data key, as every profile write does first. `sample` is a
    /// stored ciphertext (if any) that the key must still open.
    pub async fn check(&mut self, sample: Option<Sample<'_>>) -> Result<(), SafeStorageError> {
        let outcome = self
            .call(|entry| entry.get_secret().map(Zeroizing::new))
            .await;
        let result = match outcome {
            Ok(bytes) => match (DataKey::from_bytes(&bytes), sample) {
                (Some(key), Some(sample))
                    if open(&key, sample.profile_id, sample.origin, sample.sealed).is_err() =>
                {
                    Err(SafeStorageError::KeyMissing {
                        reason: messages::data_key_does_not_open(),
                    })
                }
                (Some(key), _) => {
                    self.key = Some(key);
                    Ok(())
                }
                (None, Some(_)) => Err(SafeStorageError::KeyMissing {
                    reason: messages::data_key_damaged(),
                }),
                (None, None) => {
                    // A damaged entry that protects nothing: replaced on the next seal.
                    self.key = None;
                    Ok(())
                }
            },
            Err(CallError::Store(StoreError::NoEntry)) => match sample {
                None => {
                    self.key = None;
                    Ok(())
                }
                Some(sample) => self.restore(sample).await,
            },
            Err(other) => Err(unavailable(other)),
        };
        self.set_status(&result);
        result
    }

    /// The key is gone from the store while a ciphertext needs it. If the key this agent
    /// still holds opens that ciphertext, it is the right one: put it back. Otherwise
    /// the saved keys are lost, which only the learner may accept (`reset_secrets`).
    async fn restore(&mut self, sample: Sample<'_>) -> Result<(), SafeStorageError> {
        let missing = || SafeStorageError::KeyMissing {
            reason: messages::data_key_gone(),
        };
        let held = self
            .key
            .clone()
            .filter(|key| open(key, sample.profile_id, sample.origin, sample.sealed).is_ok());
        let Some(key) = held else {
            self.key = None;
            return Err(missing());
        };
        let bytes = Zeroizing::new(*key.expose());
        match self.call(move |entry| entry.set_secret(&bytes[..])).await {
            Ok(()) => {
                tracing::warn!(
                    "the data key was gone from the OS keyring; put back the one in use"
                );
                Ok(())
            }
            Err(CallError::Store(StoreError::NoEntry)) => Err(missing()),
            Err(other) => Err(unavailable(other)),
        }
    }

    /// The key to seal with, created in the store on first use. Call after [`check`].
    ///
    /// [`check`]: SafeStorage::check
    pub async fn sealing_key(&mut self) -> Result<DataKey, SafeStorageError> {
        if let Some(key) = &self.key {
            return Ok(key.clone());
        }
        let key = DataKey::generate();
        let bytes = Zeroizing::new(*key.expose());
        let result = self
            .call(move |entry| entry.set_secret(&bytes[..]))
            .await
            .map_err(unavailable);
        if result.is_ok() {
            tracing::info!("created the safe-storage data key in the OS keyring");
            self.key = Some(key.clone());
        }
        self.set_status(&result);
        result.map(|()| key)
    }

    /// The current key for opening a ciphertext, if known.
    pub fn key(&self) -> Option<&DataKey> {
        self.key.as_ref()
    }

    /// Forgets the key after the unreadable secrets were dropped; the next seal makes a
    /// new one.
    pub fn reset(&mut self) {
        self.key = None;
        self.set_status(&Ok(()));
    }

    fn set_status(&mut self, result: &Result<(), SafeStorageError>) {
        self.locked = matches!(
            result,
            Err(SafeStorageError::Unavailable { remediation, .. })
                if *remediation == os_store::remediation_locked()
                    || *remediation == os_store::remediation_no_answer()
        );
        self.status = match result {
            Ok(()) => SafeStorageStatus {
                state: if self.key.is_some() {
                    SafeStorageState::Available
                } else {
                    SafeStorageState::NotInitialized
                },
                ..SafeStorageStatus::default()
            },
            Err(err) => texts::safe_storage_status(
                match err {
                    SafeStorageError::Unavailable { .. } => SafeStorageState::Unavailable,
                    SafeStorageError::KeyMissing { .. } => SafeStorageState::KeyMissing,
                },
                err.reason().clone(),
                err.remediation(),
            ),
        };
    }

    /// Runs `op` on this vault's entry on a blocking thread, within the timeout.
    async fn call<T: Send + 'static>(
        &mut self,
        op: impl FnOnce(&Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<T, CallError> {
        if self.busy.swap(true, Ordering::AcqRel) {
            return Err(CallError::StillBusy);
        }
        let busy = self.busy.clone();
        let opener = self.opener.clone();
        let store = self.store.clone();
        let account = self.account.clone();
        let task = tokio::task::spawn_blocking(move || {
            let result = (|| {
                let store = match store {
                    Some(store) => store,
                    None => opener()?,
                };
                let outcome = store
                    .build(SERVICE, &account, None)
                    .and_then(|entry| op(&entry));
                Ok::<_, StoreError>((store, outcome))
            })();
            busy.store(false, Ordering::Release);
            result
        });
        let (store, outcome) = match tokio::time::timeout(self.timeout, task).await {
            Err(_) => {
                self.store = None;
                return Err(CallError::TimedOut);
            }
            Ok(Err(_panicked)) => {
                self.store = None;
                return Err(CallError::Store(StoreError::PlatformFailure(
                    "the credential store call panicked".into(),
                )));
            }
            Ok(Ok(Err(open_failed))) => {
                self.store = None;
                return Err(CallError::Store(open_failed));
            }
            Ok(Ok(Ok(opened))) => opened,
        };
        match outcome {
            Err(e @ (StoreError::PlatformFailure(_) | StoreError::NoStorageAccess(_))) => {
                // The connection may be dead (the daemon restarted): reopen next time.
                self.store = None;
                Err(CallError::Store(e))
            }
            other => {
                self.store = Some(store);
                other.map_err(CallError::Store)
            }
        }
    }
}

fn unavailable(err: CallError) -> SafeStorageError {
    let (reason, remediation) = match err {
        CallError::Store(StoreError::NoStorageAccess(e)) => (
            messages::keyring_refused(e.to_string()),
            os_store::remediation_locked(),
        ),
        CallError::Store(e) => (
            messages::keyring_not_reached(e.to_string()),
            os_store::remediation_unreachable(),
        ),
        CallError::TimedOut | CallError::StillBusy => (
            messages::keyring_no_answer(),
            os_store::remediation_no_answer(),
        ),
    };
    SafeStorageError::Unavailable {
        reason,
        remediation,
    }
}

/// The associated data of keys sealed now: bound to their profile and origin.
const SEAL_VERSION: u8 = 2;

/// Binds a ciphertext to its purpose, its profile and (from version 2) the origin it may
/// be sent to. `None` for a version this build does not know.
fn associated_data(version: u8, profile_id: Uuid, origin: &str) -> Option<Vec<u8>> {
    match version {
        1 => Some(format!("llm-agent/api_key/v1/{profile_id}").into_bytes()),
        2 => Some(format!("llm-agent/api_key/v2/{profile_id}/{origin}").into_bytes()),
        _ => None,
    }
}

/// Encrypts an API key for one profile at one origin (`scheme://host:port`).
pub fn seal(key: &DataKey, profile_id: Uuid, origin: &str, secret: &ApiKey) -> SealedSecret {
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let aad = associated_data(SEAL_VERSION, profile_id, origin).unwrap_or_default();
    // Encryption fails only for inputs over 256 GiB; keys are at most 4 KiB.
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: secret.expose().as_bytes(),
                aad: &aad,
            },
        )
        .unwrap_or_default();
    SealedSecret {
        nonce: BASE64.encode(nonce),
        ciphertext: BASE64.encode(ciphertext),
        origin: Some(origin.to_owned()),
        version: SEAL_VERSION,
    }
}

/// A saved API key that the current data key does not open.
#[derive(Debug)]
pub struct OpenError;

/// Decrypts the API key of a profile whose endpoint has `origin`. A key given for
/// another origin does not open: for version 2 the ciphertext itself says so; for a
/// version-1 key, sealed before origins were bound, the origin recorded beside it.
pub fn open(
    key: &DataKey,
    profile_id: Uuid,
    origin: &str,
    sealed: &SealedSecret,
) -> Result<ApiKey, OpenError> {
    if sealed.origin.as_deref() != Some(origin) {
        return Err(OpenError);
    }
    let aad = associated_data(sealed.version, profile_id, origin).ok_or(OpenError)?;
    let nonce = BASE64.decode(&sealed.nonce).map_err(|_| OpenError)?;
    let ciphertext = BASE64.decode(&sealed.ciphertext).map_err(|_| OpenError)?;
    if nonce.len() != 24 {
        return Err(OpenError);
    }
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| OpenError)?,
    );
    let text = std::str::from_utf8(&plain).map_err(|_| OpenError)?;
    Ok(ApiKey::new(text.to_owned()))
}

/// Safe storage over `keyring_core`'s in-memory mock store, for unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// An opener of one shared mock store, and the store (to inject errors into).
    pub(crate) fn mock_opener() -> (StoreOpener, Arc<keyring_core::mock::Store>) {
        let store = keyring_core::mock::Store::new().unwrap();
        let shared = store.clone();
        (
            Arc::new(move || Ok(shared.clone() as Arc<CredentialStore>)),
            store,
        )
    }

    /// Makes the next call to the data key of `vault_id` fail with `err`.
    pub(crate) fn inject(store: &keyring_core::mock::Store, vault_id: Uuid, err: StoreError) {
        use keyring_core::api::CredentialStoreApi;
        let entry = store
            .build(SERVICE, &format!("data-key:{vault_id}"), None)
            .unwrap();
        entry
            .as_any()
            .downcast_ref::<keyring_core::mock::Cred>()
            .unwrap()
            .set_error(err);
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{inject, mock_opener};
    use super::*;

    const ORIGIN: &str = "https://api.openai.com:443";

    #[test]
    fn sealed_keys_open_only_for_their_profile_origin_and_key() {
        let key = DataKey::generate();
        let id = Uuid::new_v4();
        let secret = ApiKey::new("sk-test-123".into());
        let sealed = seal(&key, id, ORIGIN, &secret);
        assert_eq!(
            open(&key, id, ORIGIN, &sealed).unwrap().expose(),
            "sk-test-123"
        );
        assert!(
            open(&key, Uuid::new_v4(), ORIGIN, &sealed).is_err(),
            "moved to another profile"
        );
        let elsewhere = "https://evil.example.com:443";
        assert!(
            open(&key, id, elsewhere, &sealed).is_err(),
            "another origin"
        );
        let relabelled = SealedSecret {
            origin: Some(elsewhere.into()),
            ..sealed.clone()
        };
        assert!(
            open(&key, id, elsewhere, &relabelled).is_err(),
            "the origin is bound into the ciphertext, not only written beside it"
        );
        assert!(
            open(&DataKey::generate(), id, ORIGIN, &sealed).is_err(),
            "another key"
        );
        assert!(!sealed.ciphertext.contains("sk-test"));
        assert_ne!(
            seal(&key, id, ORIGIN, &secret).nonce,
            sealed.nonce,
            "fresh nonce each time"
        );
    }

    #[test]
    fn keys_sealed_before_origins_were_bound_still_open_at_their_recorded_origin() {
        let key = DataKey::generate();
        let id = Uuid::new_v4();
        let cipher = XChaCha20Poly1305::new(key.expose().into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = format!("llm-agent/api_key/v1/{id}");
        let ciphertext = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: b"sk-legacy",
                    aad: aad.as_bytes(),
                },
            )
            .unwrap();
        let legacy = SealedSecret {
            nonce: BASE64.encode(nonce),
            ciphertext: BASE64.encode(ciphertext),
            origin: Some(ORIGIN.into()),
            version: 1,
        };
        assert_eq!(
            open(&key, id, ORIGIN, &legacy).unwrap().expose(),
            "sk-legacy"
        );
        assert!(open(&key, id, "https://evil.example.com:443", &legacy).is_err());
    }

    #[tokio::test]
    async fn the_key_is_created_on_first_need_and_found_again() {
        let (opener, _store) = mock_opener();
        let vault = Uuid::new_v4();
        let mut storage = SafeStorage::new(opener.clone(), vault, DEFAULT_STORE_TIMEOUT);
        storage.check(None).await.unwrap();
        assert_eq!(storage.status().state, SafeStorageState::NotInitialized);
        let key = storage.sealing_key().await.unwrap();
        assert_eq!(storage.status().state, SafeStorageState::Available);

        let mut again = SafeStorage::new(opener, vault, DEFAULT_STORE_TIMEOUT);
        again.check(None).await.unwrap();
        assert_eq!(again.key(), Some(&key));
    }

    #[tokio::test]
    async fn an_unreachable_or_locked_store_is_unavailable_and_recovers() {
        let (opener, store) = mock_opener();
        let vault = Uuid::new_v4();
        let mut storage = SafeStorage::new(opener, vault, DEFAULT_STORE_TIMEOUT);
        storage.check(None).await.unwrap();
        storage.sealing_key().await.unwrap();

        inject(&store, vault, StoreError::NoStorageAccess("locked".into()));
        let err = storage.check(None).await.unwrap_err();
        assert!(
            matches!(err, SafeStorageError::Unavailable { remediation, .. } if remediation == os_store::remediation_locked())
        );
        assert_eq!(storage.status().state, SafeStorageState::Unavailable);

        inject(&store, vault, StoreError::PlatformFailure("no bus".into()));
        let err = storage.check(None).await.unwrap_err();
        assert!(
            matches!(err, SafeStorageError::Unavailable { remediation, .. } if remediation == os_store::remediation_unreachable())
        );

        storage.check(None).await.unwrap();
        assert_eq!(storage.status().state, SafeStorageState::Available);
    }

    #[tokio::test]
    async fn a_lost_key_is_put_back_from_memory_and_never_silently_replaced() {
        use keyring_core::api::CredentialStoreApi;
        let (opener, store) = mock_opener();
        let vault = Uuid::new_v4();
        let mut storage = SafeStorage::new(opener.clone(), vault, DEFAULT_STORE_TIMEOUT);
        storage.check(None).await.unwrap();
        let key = storage.sealing_key().await.unwrap();
        let id = Uuid::new_v4();
        let sealed = seal(&key, id, ORIGIN, &ApiKey::new("sk-1".into()));
        let sample = || {
            Some(Sample {
                profile_id: id,
                origin: ORIGIN,
                sealed: &sealed,
            })
        };
        let entry = || {
            store
                .build(SERVICE, &format!("data-key:{vault}"), None)
                .unwrap()
        };

        // Gone from the store while this agent holds it: put back.
        entry().delete_credential().unwrap();
        storage.check(sample()).await.unwrap();
        assert_eq!(entry().get_secret().unwrap(), key.expose().to_vec());
        assert_eq!(storage.status().state, SafeStorageState::Available);

        // Gone, and an agent that never held it (a restart): missing, nothing created.
        entry().delete_credential().unwrap();
        let mut restarted = SafeStorage::new(opener, vault, DEFAULT_STORE_TIMEOUT);
        assert!(matches!(
            restarted.check(sample()).await,
            Err(SafeStorageError::KeyMissing { .. })
        ));
        assert_eq!(restarted.status().state, SafeStorageState::KeyMissing);
        assert!(matches!(entry().get_secret(), Err(StoreError::NoEntry)));

        // Someone put a different key there: also missing, not adopted.
        entry().set_secret(DataKey::generate().expose()).unwrap();
        assert!(matches!(
            restarted.check(sample()).await,
            Err(SafeStorageError::KeyMissing { .. })
        ));
    }

    #[tokio::test]
    async fn a_hung_store_call_times_out_and_is_not_stacked_on() {
        let opener: StoreOpener = Arc::new(|| {
            std::thread::sleep(Duration::from_millis(400));
            Err(StoreError::PlatformFailure("slow".into()))
        });
        let mut storage = SafeStorage::new(opener, Uuid::new_v4(), Duration::from_millis(50));
        assert!(matches!(
            storage.check(None).await,
            Err(SafeStorageError::Unavailable { .. })
        ));
        // The first call is still running: the second fails at once instead of queueing.
        assert!(matches!(
            storage.check(None).await,
            Err(SafeStorageError::Unavailable { .. })
        ));
        assert!(storage.busy.load(Ordering::Acquire));
    }
}
