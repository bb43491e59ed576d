//! Why a prompt test could not run at all (a provider's failure is in its outcome
//! instead), and the one mapping of each reason to a wire error with a message and a
//! remediation a learner can act on.

use llm_agent_protocol::methods::profiles::{MAX_TEST_PROMPT_CHARS, MAX_TEST_TIMEOUT_MS};
use llm_agent_protocol::{ErrorCode, WireError};

use crate::vault::error::VaultError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PromptTestError {
    #[error("timeout_ms must be 1 to {MAX_TEST_TIMEOUT_MS} (milliseconds)")]
    TimeoutOutOfRange,
    #[error("prompt must have 1 to {MAX_TEST_PROMPT_CHARS} characters")]
    PromptOutOfRange,
    /// The profile is unknown, has no consent for its remote endpoint, or its key
    /// cannot be read.
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("the profile's endpoint is not a valid URL")]
    BadEndpoint,
    #[error("reading the profile's API key took longer than the test's timeout")]
    KeyTimedOut,
    #[error("the prompt tester is restarting; try again in a moment")]
    Unavailable,
}

impl From<PromptTestError> for WireError {
    fn from(err: PromptTestError) -> Self {
        let message = err.to_string();
        match err {
            PromptTestError::TimeoutOutOfRange => {
                WireError::invalid_params(Some("timeout_ms"), message)
                    .with_remediation("Leave it out for the default of 30 s.")
            }
            PromptTestError::PromptOutOfRange => WireError::invalid_params(Some("prompt"), message)
                .with_remediation("Leave it out to use the built-in test prompt."),
            PromptTestError::Vault(err) => err.into(),
            PromptTestError::BadEndpoint => WireError::new(ErrorCode::Internal, message)
                .with_remediation("Edit the profile's endpoint, then test again."),
            PromptTestError::KeyTimedOut => WireError::new(ErrorCode::Timeout, message)
                .with_remediation(
                    "Test again; the OS credential store may have been slow to answer.",
                ),
            PromptTestError::Unavailable => WireError::new(ErrorCode::Busy, message)
                .with_remediation(
                    "Test again in a moment; the agent restarts its tester by itself.",
                ),
        }
    }
}
