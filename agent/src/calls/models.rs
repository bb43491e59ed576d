//! `profiles.models`: the models a profile's server offers, asked with the profile's own
//! key on the provider I/O thread, and cached per profile for
//! [`MODELS_CACHE_SECS`] (an edit of the profile asks again); and the warning a create
//! or update gets when its server is known not to offer the profile's model.
//!
//! A write never calls the server itself: it must not wait on a slow one, nor send a key
//! the learner only asked to save. What the agent knows of a server comes from a fresh
//! `profiles.models` answer for the same origin, or else the last discovery sweep (the
//! servers on this machine that answered).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::discovery::Sweep;
use llm_agent_protocol::methods::profiles::{
    MODELS_CACHE_SECS, ModelsResult, RedactedProfile, ServerModel, Warning,
};

use super::actor::CallsHandle;
use super::error::PrepareError;
use super::prepare;
use crate::catalog::CatalogState;
use crate::endpoint::Origin;
use crate::providers::failure::Failure;
use crate::providers::models;
use crate::texts::{self, messages};
use crate::timestamp;
use crate::vault::VaultHandle;
use crate::vault::error::VaultError;

/// How long a listing may take when asked for.
const LIST_TIMEOUT: Duration = Duration::from_secs(10);
/// Profiles whose answer is kept.
const MAX_CACHED: usize = 128;

/// The answers of recent listings, by profile.
#[derive(Default)]
pub struct ModelsCache {
    entries: Mutex<HashMap<String, Cached>>,
}

struct Cached {
    at: Instant,
    /// The server's origin (`scheme://host:port`).
    origin: Option<String>,
    fetched_at: String,
    /// The profile's `updated_at` when asked: an edit makes the answer stale.
    updated_at: String,
    models: Arc<Vec<ServerModel>>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ModelsError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Prepare(#[from] PrepareError),
    #[error("{}", texts::english(&.0.message))]
    Provider(Failure),
}

impl From<ModelsError> for WireError {
    fn from(err: ModelsError) -> Self {
        match err {
            ModelsError::Vault(err) => err.into(),
            ModelsError::Prepare(err) => err.into(),
            ModelsError::Provider(failure) => failure.to_wire(),
        }
    }
}

/// The models the profile `id` offers, from the cache unless `refresh` or stale.
pub async fn models(
    calls: &CallsHandle,
    vault: &VaultHandle,
    catalog: &CatalogState,
    id: &str,
    refresh: bool,
) -> Result<ModelsResult, ModelsError> {
    let snapshot = vault.snapshot();
    let profile = prepare::find_profile(&snapshot, id)?.clone();
    if !refresh && let Some((models, fetched_at)) = calls.models.fresh(&profile) {
        return Ok(result(&profile, &models, fetched_at, true));
    }
    let deadline = Instant::now() + LIST_TIMEOUT;
    let models = ask(calls, vault, catalog, &profile, deadline).await?;
    let fetched_at = calls.models.keep(&profile, models.clone());
    Ok(result(&profile, &models, fetched_at, false))
}

/// The `model_not_offered` warning of a written profile whose server is known not to
/// offer its model: by a fresh listing of the same origin, else by `sweep` (the last
/// discovery sweep). Nothing known, no warning.
pub fn offered_warning(
    calls: &CallsHandle,
    sweep: Option<&Sweep>,
    profile: &RedactedProfile,
) -> Option<Warning> {
    let origin = Origin::of(&profile.endpoint)?;
    let known: Vec<String> = match calls.models.of_origin(origin.as_str()) {
        Some(models) => models.iter().map(|m| m.id.clone()).collect(),
        None => sweep?
            .findings
            .iter()
            .find(|f| Origin::of(&f.endpoint).is_some_and(|o| o == origin))?
            .models
            .iter()
            .map(|m| m.id.clone())
            .collect(),
    };
    let offered: Vec<ServerModel> = known
        .into_iter()
        .map(|id| ServerModel {
            id,
            context_window: None,
            effective_context: None,
            loaded: None,
        })
        .collect();
    (!models::offers(&offered, &profile.model)).then(|| {
        texts::warning(
            "model_not_offered",
            messages::warning_model_not_offered(profile.endpoint.as_str(), profile.model.as_str()),
        )
    })
}

/// Asks the server, on the provider thread.
async fn ask(
    calls: &CallsHandle,
    vault: &VaultHandle,
    catalog: &CatalogState,
    profile: &RedactedProfile,
    deadline: Instant,
) -> Result<Arc<Vec<ServerModel>>, ModelsError> {
    let snapshot = vault.snapshot();
    let connection = prepare::connect(profile, &snapshot, vault, catalog, deadline).await?;
    let target = connection.target;
    let listing = calls
        .args
        .io
        .spawn(async move { models::list(&target, deadline).await });
    match listing.await {
        Ok(Ok(models)) => Ok(Arc::new(models)),
        Ok(Err(failure)) => Err(ModelsError::Provider(failure)),
        Err(_) => Err(ModelsError::Provider(Failure::internal(
            "the model listing hit an internal error",
        ))),
    }
}

fn result(
    profile: &RedactedProfile,
    models: &[ServerModel],
    fetched_at: String,
    cached: bool,
) -> ModelsResult {
    ModelsResult {
        profile_id: profile.id.clone(),
        provider: profile.provider.clone(),
        models: models.to_vec(),
        offers_profile_model: models::offers(models, &profile.model),
        fetched_at,
        cached,
    }
}

impl ModelsCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A fresh answer for `profile`, with when it was fetched.
    fn fresh(&self, profile: &RedactedProfile) -> Option<(Arc<Vec<ServerModel>>, String)> {
        let entries = self.entries();
        let cached = entries.get(&profile.id)?;
        let fresh = cached.at.elapsed() < Duration::from_secs(MODELS_CACHE_SECS)
            && cached.updated_at == profile.updated_at;
        fresh.then(|| (cached.models.clone(), cached.fetched_at.clone()))
    }

    /// A fresh answer of any profile at `origin`.
    fn of_origin(&self, origin: &str) -> Option<Arc<Vec<ServerModel>>> {
        self.entries()
            .values()
            .filter(|c| c.at.elapsed() < Duration::from_secs(MODELS_CACHE_SECS))
            .find(|c| c.origin.as_deref() == Some(origin))
            .map(|c| c.models.clone())
    }

    /// Keeps an answer; returns its time.
    fn keep(&self, profile: &RedactedProfile, models: Arc<Vec<ServerModel>>) -> String {
        let fetched_at = timestamp::now_rfc3339();
        let mut entries = self.entries();
        if entries.len() >= MAX_CACHED {
            entries.retain(|_, c| c.at.elapsed() < Duration::from_secs(MODELS_CACHE_SECS));
        }
        entries.insert(
            profile.id.clone(),
            Cached {
                at: Instant::now(),
                origin: Origin::of(&profile.endpoint).map(|o| o.as_str().to_owned()),
                fetched_at: fetched_at.clone(),
                updated_at: profile.updated_at.clone(),
                models,
            },
        );
        fetched_at
    }
}
