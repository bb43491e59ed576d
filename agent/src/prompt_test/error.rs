//! Why a prompt test could not run at all (a provider's failure is in its outcome
//! instead), and the one mapping of each reason to a wire error with a message and a
//! remediation a learner can act on.

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::profiles::{MAX_TEST_PROMPT_CHARS, MAX_TEST_TIMEOUT_MS};

use crate::calls::error::{CallsError, PrepareError};
use crate::vault::error::VaultError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PromptTestError {
    #[error("timeout_ms must be 1 to {MAX_TEST_TIMEOUT_MS} (milliseconds)")]
    TimeoutOutOfRange,
    #[error("prompt must have 1 to {MAX_TEST_PROMPT_CHARS} characters")]
    PromptOutOfRange,
    /// The profile is unknown.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// No consent for its remote endpoint, or its key cannot be read.
    #[error(transparent)]
    Prepare(#[from] PrepareError),
    /// The calls service is restarting, or too many calls wait at the endpoint.
    #[error(transparent)]
    Calls(#[from] CallsError),
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
            PromptTestError::Prepare(err) => err.into(),
            PromptTestError::Calls(err) => err.into(),
        }
    }
}
