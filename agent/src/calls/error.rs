//! Why a call could not start at all (a provider's failure is in its report instead),
//! and the one mapping of each reason to a wire error.

use llm_agent_l10n::Text;
use llm_agent_protocol::{ErrorCode, WireError};

use crate::texts::{self, Explain, WireErrorTexts, messages};
use crate::vault::error::VaultError;

/// Why a profile cannot be made ready to call.
#[derive(Debug, Clone)]
pub enum PrepareError {
    /// The profile is unknown, has no consent for its remote endpoint, or its key
    /// cannot be read.
    Vault(VaultError),
    BadEndpoint,
    KeyTimedOut,
}

impl Explain for PrepareError {
    fn message(&self) -> Text {
        match self {
            PrepareError::Vault(err) => err.message(),
            PrepareError::BadEndpoint => messages::call_bad_endpoint(),
            PrepareError::KeyTimedOut => messages::call_key_read_timed_out(),
        }
    }
}

impl From<PrepareError> for WireError {
    fn from(err: PrepareError) -> Self {
        let message = err.message();
        match err {
            PrepareError::Vault(err) => err.into(),
            PrepareError::BadEndpoint => texts::wire_error(ErrorCode::Internal, message)
                .remediation(messages::call_bad_endpoint_remedy()),
            PrepareError::KeyTimedOut => texts::wire_error(ErrorCode::Timeout, message)
                .remediation(messages::call_key_read_timed_out_remedy()),
        }
    }
}

#[derive(Debug, Clone)]
pub enum CallsError {
    Unavailable,
    QueueFull { waiting: usize, host: String },
}

impl Explain for CallsError {
    fn message(&self) -> Text {
        match self {
            CallsError::Unavailable => messages::calls_restarting(),
            CallsError::QueueFull { waiting, host } => {
                messages::calls_queue_full(*waiting, host.as_str())
            }
        }
    }
}

crate::explained_error!(PrepareError { Vault(VaultError) }, CallsError);

impl From<CallsError> for WireError {
    fn from(err: CallsError) -> Self {
        let message = err.message();
        match err {
            CallsError::Unavailable => texts::wire_error(ErrorCode::Busy, message)
                .remediation(messages::calls_restarting_remedy()),
            CallsError::QueueFull { .. } => texts::wire_error(ErrorCode::Busy, message)
                .remediation(messages::calls_queue_full_remedy()),
        }
    }
}
