//! Turns `profiles.test` params into a [`PromptTest`] ready to run: checks the timeout
//! and the prompt, finds the profile, refuses a remote endpoint the learner has not
//! agreed to, reads the profile's key (within the test's deadline), and decides how many
//! requests may go to its endpoint at once. Nothing is sent anywhere yet.

use std::time::{Duration, Instant};

use llm_agent_protocol::methods::profiles::{
    DEFAULT_TEST_PROMPT, DEFAULT_TEST_TIMEOUT_MS, MAX_TEST_PROMPT_CHARS, MAX_TEST_TIMEOUT_MS,
    TestOutcome, TestParams,
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::error::PromptTestError;
use super::run::PromptTest;
use crate::catalog::CatalogState;
use crate::providers::Target;
use crate::vault::actor::VaultMsg;
use crate::vault::error::VaultError;
use crate::vault::{VaultHandle, consent_allows};

/// Params that passed the checks that need nothing but themselves.
pub struct Checked {
    id: String,
    timeout_ms: u64,
    prompt: Zeroizing<String>,
}

impl Checked {
    /// The profile id as given.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// A test ready to run, and what pricing its outcome needs.
pub struct Prepared {
    pub test: PromptTest,
    pub pricing: Pricing,
}

/// What a test's cost depends on besides its usage.
pub struct Pricing {
    provider: String,
    model: String,
    is_local: bool,
}

impl Pricing {
    /// Adds the test's estimated cost, from its token usage and the catalog's prices.
    pub fn apply(&self, outcome: &mut TestOutcome, catalog: &CatalogState) {
        if let Some(usage) = &outcome.usage {
            outcome.estimated_cost =
                Some(catalog.estimate(&self.provider, &self.model, self.is_local, usage));
        }
    }
}

/// Checks the timeout and the prompt.
pub fn check(params: TestParams) -> Result<Checked, PromptTestError> {
    let timeout_ms = params.timeout_ms.unwrap_or(DEFAULT_TEST_TIMEOUT_MS);
    if !(1..=MAX_TEST_TIMEOUT_MS).contains(&timeout_ms) {
        return Err(PromptTestError::TimeoutOutOfRange);
    }
    let prompt = match &params.prompt {
        None => Zeroizing::new(DEFAULT_TEST_PROMPT.to_owned()),
        Some(prompt) => {
            let text = prompt.expose().trim();
            if text.is_empty() || text.chars().count() > MAX_TEST_PROMPT_CHARS {
                return Err(PromptTestError::PromptOutOfRange);
            }
            Zeroizing::new(text.to_owned())
        }
    };
    Ok(Checked {
        id: params.id,
        timeout_ms,
        prompt,
    })
}

/// Prepares a test received at `received`. Its cancel token is a child of `shutdown`.
pub async fn prepare(
    checked: Checked,
    received: Instant,
    vault: &VaultHandle,
    catalog: &CatalogState,
    shutdown: &CancellationToken,
) -> Result<Prepared, PromptTestError> {
    let Checked {
        id: given_id,
        timeout_ms,
        prompt,
    } = checked;
    let not_found = || VaultError::NotFound {
        id: given_id.clone(),
    };
    let id = Uuid::parse_str(&given_id).map_err(|_| not_found())?;
    let snapshot = vault.snapshot();
    let profile = snapshot
        .profiles
        .iter()
        .find(|p| Uuid::parse_str(&p.id).is_ok_and(|pid| pid == id))
        .ok_or_else(not_found)?;
    let deadline = received + Duration::from_millis(timeout_ms);
    let mut target = Target::of(profile, None).ok_or(PromptTestError::BadEndpoint)?;
    consent_allows(profile, target.is_local)?;
    if profile.has_api_key {
        let key = vault.call(|reply| VaultMsg::ApiKey(id, reply));
        target.api_key = tokio::time::timeout_at(deadline.into(), key)
            .await
            .map_err(|_| PromptTestError::KeyTimedOut)??;
    }
    let parallelism = target.shared_parallelism(
        &snapshot.profiles,
        catalog.edited_parallelism(&profile.provider),
    );
    let is_local = target.is_local;
    Ok(Prepared {
        test: PromptTest {
            profile_id: id,
            target,
            prompt,
            received,
            deadline,
            cancel: shutdown.child_token(),
            shutdown: shutdown.clone(),
            parallelism,
        },
        pricing: Pricing {
            provider: profile.provider.clone(),
            model: profile.model.clone(),
            is_local,
        },
    })
}
