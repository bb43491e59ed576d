//! Why a call could not start at all (a provider's failure is in its report instead),
//! and the one mapping of each reason to a wire error.

use llm_agent_protocol::{ErrorCode, WireError};

use crate::vault::error::VaultError;

/// Why a profile cannot be made ready to call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PrepareError {
    /// The profile is unknown, has no consent for its remote endpoint, or its key
    /// cannot be read.
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("the profile's endpoint is not a valid URL")]
    BadEndpoint,
    #[error("reading the profile's API key took longer than the call's timeout")]
    KeyTimedOut,
}

impl From<PrepareError> for WireError {
    fn from(err: PrepareError) -> Self {
        let message = err.to_string();
        match err {
            PrepareError::Vault(err) => err.into(),
            PrepareError::BadEndpoint => WireError::new(ErrorCode::Internal, message)
                .with_remediation("Edit the profile's endpoint, then try again."),
            PrepareError::KeyTimedOut => WireError::new(ErrorCode::Timeout, message)
                .with_remediation(
                    "Try again; the OS credential store may have been slow to answer.",
                ),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CallsError {
    #[error("the agent's model-call service is restarting; try again in a moment")]
    Unavailable,
    #[error("{waiting} calls are already waiting for {host}")]
    QueueFull { waiting: usize, host: String },
}

impl From<CallsError> for WireError {
    fn from(err: CallsError) -> Self {
        let message = err.to_string();
        match err {
            CallsError::Unavailable => WireError::new(ErrorCode::Busy, message)
                .with_remediation("Try again in a moment; the agent restarts the service by itself."),
            CallsError::QueueFull { .. } => WireError::new(ErrorCode::Busy, message)
                .with_remediation(
                    "Wait for some of them to finish, or raise the provider's parallelism if its server can take more.",
                ),
        }
    }
}
