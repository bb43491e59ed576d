//! Turns `profiles.test` params into a [`PromptTest`] ready to run: checks the timeout
//! and the prompt, finds the profile, and makes it ready to call (consent, key,
//! parallelism: `calls::prepare`). A prompt test is a short chat: one user message and
//! a cap of [`MAX_TEST_REPLY_TOKENS`]. Nothing is sent anywhere yet.

use std::time::{Duration, Instant};

use llm_agent_protocol::methods::chat::CallClass;
use llm_agent_protocol::methods::profiles::{
    DEFAULT_TEST_PROMPT, DEFAULT_TEST_TIMEOUT_MS, MAX_TEST_PROMPT_CHARS, MAX_TEST_TIMEOUT_MS,
    TestParams,
};
use tokio_util::sync::CancellationToken;
use zeroize::Zeroizing;

use super::error::PromptTestError;
use crate::calls::prepare::{self, Pricing};
use crate::calls::run::{CallJob, ReplyLimits};
use crate::catalog::CatalogState;
use crate::providers::Conversation;
use crate::vault::VaultHandle;

/// The most tokens a prompt test asks for: enough for a sentence, cheap on a paid API.
pub const MAX_TEST_REPLY_TOKENS: u32 = 32;

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

/// A test ready to run.
pub struct PromptTest {
    pub job: CallJob,
    pub pricing: Pricing,
    pub subject: Subject,
}

/// What a test's outcome names: whose test it was.
#[derive(Debug, Clone)]
pub struct Subject {
    pub profile_id: String,
    pub provider: String,
    pub requested_model: String,
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
) -> Result<PromptTest, PromptTestError> {
    let Checked {
        id,
        timeout_ms,
        prompt,
    } = checked;
    let snapshot = vault.snapshot();
    let profile = prepare::find_profile(&snapshot, &id)?;
    let deadline = received + Duration::from_millis(timeout_ms);
    let connection = prepare::connect(profile, &snapshot, vault, catalog, deadline).await?;
    Ok(PromptTest {
        subject: Subject {
            profile_id: connection.profile_id.to_string(),
            provider: profile.provider.clone(),
            requested_model: profile.model.clone(),
        },
        pricing: connection.pricing,
        job: CallJob {
            profile_id: connection.profile_id,
            target: connection.target,
            conversation: Conversation::prompt(prompt, MAX_TEST_REPLY_TOKENS),
            // Someone is waiting for it.
            class: CallClass::Interactive,
            received,
            deadline,
            cancel: shutdown.child_token(),
            shutdown: shutdown.clone(),
            parallelism: connection.parallelism,
            limits: ReplyLimits::TEST,
        },
    })
}
