//! Why a prompt test could not run at all (a provider's failure is in its outcome
//! instead), and the one mapping of each reason to a wire error with a message and a
//! remediation a learner can act on.

use llm_agent_l10n::Text;
use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::profiles::{MAX_TEST_PROMPT_CHARS, MAX_TEST_TIMEOUT_MS};

use crate::calls::error::{CallsError, PrepareError};
use crate::texts::{self, Explain, WireErrorTexts, messages};
use crate::vault::error::VaultError;

#[derive(Debug, Clone)]
pub enum PromptTestError {
    TimeoutOutOfRange,
    PromptOutOfRange,
    /// The profile is unknown.
    Vault(VaultError),
    /// No consent for its remote endpoint, or its key cannot be read.
    Prepare(PrepareError),
    /// The calls service is restarting, or too many calls wait at the endpoint.
    Calls(CallsError),
}

impl Explain for PromptTestError {
    fn message(&self) -> Text {
        match self {
            PromptTestError::TimeoutOutOfRange => {
                messages::test_timeout_out_of_range(MAX_TEST_TIMEOUT_MS)
            }
            PromptTestError::PromptOutOfRange => {
                messages::test_prompt_out_of_range(MAX_TEST_PROMPT_CHARS)
            }
            PromptTestError::Vault(err) => err.message(),
            PromptTestError::Prepare(err) => err.message(),
            PromptTestError::Calls(err) => err.message(),
        }
    }
}

crate::explained_error!(PromptTestError {
    Vault(VaultError),
    Prepare(PrepareError),
    Calls(CallsError),
});

impl From<PromptTestError> for WireError {
    fn from(err: PromptTestError) -> Self {
        let message = err.message();
        match err {
            PromptTestError::TimeoutOutOfRange => {
                texts::invalid_params(Some("timeout_ms"), message)
                    .remediation(messages::test_timeout_default_remedy(30))
            }
            PromptTestError::PromptOutOfRange => texts::invalid_params(Some("prompt"), message)
                .remediation(messages::test_prompt_default_remedy()),
            PromptTestError::Vault(err) => err.into(),
            PromptTestError::Prepare(err) => err.into(),
            PromptTestError::Calls(err) => err.into(),
        }
    }
}
